"""What may be done now, and why not: the case commands' preconditions as a query.

A clerk should see what is allowed before trying (issue 16: nine refused
attempts before one went through). For a case, or for a building without one,
`for_case` / `for_building` list every action with whether it is possible now
and, when it is not, the reasons as `QjgisError`s (code and parameters, turned
into words in `ui/`). Nothing is applied and nothing is written.

The reasons come from the very functions the commands' `apply` enforces
(`ruin_open_problems`, `renovation_open_problems`, `dispose_problems`,
`closed_problems`, `payment_problems` in `qjgis.cases.commands`), so what the
panel shows as impossible is exactly what would be refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qjgis.cases.commands import (
    OVERRIDE_ROLES,
    Problem,
    _one_building,
    approval_problems,
    closed_problems,
    dispose_problems,
    paid_total,
    payment_problems,
    read_case,
    renovation_open_problems,
    ruin_open_problems,
)
from qjgis.cases.locate import place_buildings
from qjgis.cases.model import (
    ENTRY_STATE,
    NEEDS_DEADLINE,
    CaseKind,
    Disposition,
    RuinState,
    next_states,
)
from qjgis.errors import QjgisError
from qjgis.store import GpkgStore

#: the actions, in the order a person meets them
ACTIONS = ("open_ruin", "open_renovation", "dispose", "advance", "pay", "attach")


@dataclass(frozen=True)
class Allowed:
    """One action (with its target: a disposition or a state) and whether it may happen now."""

    action: str
    target: str | None = None
    reasons: tuple[QjgisError, ...] = ()
    #: impossible now, but every reason is a policy precondition an approver may override
    overridable: bool = False
    #: what the action asks of the person: deadline, note, owner_keeps, feasible, amount, files
    needs: tuple[str, ...] = ()
    #: pay: the most that may be paid now (the approved subsidy less what was paid)
    max_amount: float | None = None

    @property
    def possible(self) -> bool:
        return not self.reasons

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "target": self.target,
            "possible": self.possible,
            "overridable": self.overridable,
            "needs": list(self.needs),
            "max_amount": self.max_amount,
            "reasons": [{"code": e.code, "params": dict(e.params)} for e in self.reasons],
        }


def _allowed(action: str, target: str | None, problems: list[Problem], **kw: Any) -> Allowed:
    return Allowed(
        action,
        target,
        reasons=tuple(p.error for p in problems),
        overridable=bool(problems) and all(p.overridable for p in problems),
        **kw,
    )


def can_override(store: GpkgStore) -> bool:
    """Whether the project's current user may override a precondition (with a reason)."""
    return store.settings().role in OVERRIDE_ROLES


def for_building(store: GpkgStore, bdcdyh: str) -> list[Allowed]:
    """Opening a ruin case and a renovation case on the building: possible now, or why not."""
    (place,) = place_buildings(store, [_one_building(store, bdcdyh)])
    return [
        _allowed("open_ruin", None, ruin_open_problems(store, bdcdyh, place), needs=("note",)),
        _allowed(
            "open_renovation",
            None,
            renovation_open_problems(store, bdcdyh, place),
            needs=("note",),
        ),
    ]


def _deadline_need(state: str) -> tuple[str, ...]:
    return ("deadline",) if state in {s.value for s in NEEDS_DEADLINE} else ()


def for_case(store: GpkgStore, kind: CaseKind, fid: int) -> list[Allowed]:
    """Every action on the case: dispose (ruins, one entry per disposition), advance (one
    entry per next state), pay (renovations), attach; possible now, or why not."""
    case = read_case(store, kind, fid)
    closed = closed_problems(store, case)
    out: list[Allowed] = []
    if kind is CaseKind.RUIN:
        for disposition in Disposition:
            problems = closed or dispose_problems(store, case, disposition)
            needs = _deadline_need(ENTRY_STATE[disposition].value)
            if disposition is Disposition.REINFORCEMENT:
                needs += ("owner_keeps", "feasible")
            out.append(_allowed("dispose", disposition.value, problems, needs=needs))
    if closed:
        out.append(_allowed("advance", None, closed))
    for state in next_states(kind, case["state"], case.get("disposition")):
        cancel = state.value == RuinState.CANCELLED.value  # same value for both kinds
        needs = ("note",) if cancel else _deadline_need(state.value)
        problems = approval_problems(store, case, state.value)
        out.append(_allowed("advance", state.value, problems, needs=needs))
    if kind is CaseKind.RENOVATION:
        problems = payment_problems(store, case)
        left = float(case["subsidy"]) - paid_total(store, fid)
        out.append(
            _allowed(
                "pay",
                None,
                problems,
                needs=("amount",),
                max_amount=None if problems else round(left, 2),
            )
        )
    out.append(_allowed("attach", None, [], needs=("files",)))
    return out
