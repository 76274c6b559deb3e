"""Remediation cases as state machines: states, dispositions and the transitions allowed.

The article's policy (DESIGN.md, "Remediation workflows") becomes tables here,
not branches in commands: a command asks `next_states(...)` and refuses anything
else, and the tests walk the same tables. Values are the Chinese terms a bureau
user reads in the project file; code names are English.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TypeVar

_E = TypeVar("_E", bound=StrEnum)


class CaseKind(StrEnum):
    RUIN = "ruin"
    RENOVATION = "renovation"

    @property
    def table(self) -> str:
        return "ruin_cases" if self is CaseKind.RUIN else "renovation_cases"

    @property
    def prefix(self) -> str:
        # R for 残垣断壁 (ruin), W for 危房 (wei fang): printed on sheets and typed at the CLI
        return "R" if self is CaseKind.RUIN else "W"


class Disposition(StrEnum):
    SELF_DEMOLITION = "责令自行拆除"
    REINFORCEMENT = "排危加固"
    NEW_BUILD = "新建审批"
    PRESERVATION = "房屋权益保全"


class RuinState(StrEnum):
    PENDING = "待处置"  # open, no disposition yet
    NOTICE_ISSUED = "已下达拆除通知"  # self-demolition ordered, with a deadline
    TO_DEMOLISH = "待拆除"  # only homestead: demolition agreed, with a deadline
    DEMOLISHED = "已拆除"  # verified on site
    PLANNED = "已制定加固方案"
    IN_PROGRESS = "加固施工中"
    ACCEPTED = "加固已验收"
    APPLIED = "已申请新建"
    APPROVED = "新建已批准"
    BUILT = "新房已建成"
    PRESERVED = "已权益保全"
    CANCELLED = "已撤销"


class RenovationState(StrEnum):
    APPLIED = "已申请"
    APPROVED = "已批准"
    UNDER_CONSTRUCTION = "施工中"
    ACCEPTED = "已验收"
    MOVED_IN = "已入住"
    CANCELLED = "已撤销"


CaseState = RuinState | RenovationState

#: the state a disposition puts a pending ruin case in
ENTRY_STATE: dict[Disposition, RuinState] = {
    Disposition.SELF_DEMOLITION: RuinState.NOTICE_ISSUED,
    Disposition.REINFORCEMENT: RuinState.PLANNED,
    Disposition.NEW_BUILD: RuinState.TO_DEMOLISH,
    Disposition.PRESERVATION: RuinState.TO_DEMOLISH,
}

#: disposition -> state -> the states it may move to (besides cancellation)
RUIN_TRANSITIONS: dict[Disposition, dict[RuinState, tuple[RuinState, ...]]] = {
    Disposition.SELF_DEMOLITION: {
        RuinState.NOTICE_ISSUED: (RuinState.DEMOLISHED,),
    },
    Disposition.REINFORCEMENT: {
        RuinState.PLANNED: (RuinState.IN_PROGRESS,),
        RuinState.IN_PROGRESS: (RuinState.ACCEPTED,),
    },
    Disposition.NEW_BUILD: {
        RuinState.TO_DEMOLISH: (RuinState.DEMOLISHED,),
        RuinState.DEMOLISHED: (RuinState.APPLIED,),
        RuinState.APPLIED: (RuinState.APPROVED,),
        RuinState.APPROVED: (RuinState.BUILT,),
    },
    Disposition.PRESERVATION: {
        RuinState.TO_DEMOLISH: (RuinState.DEMOLISHED,),
        RuinState.DEMOLISHED: (RuinState.PRESERVED,),
    },
}

RENOVATION_TRANSITIONS: dict[RenovationState, tuple[RenovationState, ...]] = {
    RenovationState.APPLIED: (RenovationState.APPROVED,),
    RenovationState.APPROVED: (RenovationState.UNDER_CONSTRUCTION,),
    RenovationState.UNDER_CONSTRUCTION: (RenovationState.ACCEPTED,),
    RenovationState.ACCEPTED: (RenovationState.MOVED_IN,),
}

#: entering one of these states is an approval: only an approver (or an admin) may record
#: it, on a file by the settings' role, on a database by the login's role as well
#: (`qjgis.pg.roles`' trigger)
APPROVAL_STATES: tuple[CaseState, ...] = (
    RuinState.APPROVED,
    RuinState.ACCEPTED,
    RenovationState.APPROVED,
    RenovationState.ACCEPTED,
)

#: states a notice puts a deadline on: entering them without one is refused
NEEDS_DEADLINE: frozenset[CaseState] = frozenset({RuinState.NOTICE_ISSUED, RuinState.TO_DEMOLISH})

#: entering this state verifies a demolition: the building becomes 已拆除 in the same command
DEMOLITION_STATES: frozenset[CaseState] = frozenset({RuinState.DEMOLISHED})

#: renovation states in which the subsidy counts as approved and may be paid
SUBSIDY_STATES: frozenset[RenovationState] = frozenset(
    {
        RenovationState.APPROVED,
        RenovationState.UNDER_CONSTRUCTION,
        RenovationState.ACCEPTED,
        RenovationState.MOVED_IN,
    }
)


def terminal_states(kind: CaseKind, disposition: str | None = None) -> frozenset[CaseState]:
    """States a case never leaves: the end of its path, and cancellation.

    For ruins the end depends on the disposition: 已拆除 ends ordered
    self-demolition but is a step on the way to a new build or preservation.
    """
    if kind is CaseKind.RENOVATION:
        return frozenset({RenovationState.MOVED_IN, RenovationState.CANCELLED})
    ends: set[CaseState] = {RuinState.CANCELLED}
    if disposition is not None:
        table = RUIN_TRANSITIONS[Disposition(disposition)]
        ends |= {t for nxt in table.values() for t in nxt if t not in table}
    return frozenset(ends)


def is_closed(kind: CaseKind, state: str, disposition: str | None = None) -> bool:
    return state in {s.value for s in terminal_states(kind, disposition)}


def next_states(
    kind: CaseKind, state: str, disposition: str | None = None
) -> tuple[CaseState, ...]:
    """The states a case may move to by `advance` (dispositions go through `dispose`)."""
    if is_closed(kind, state, disposition):
        return ()
    if kind is CaseKind.RENOVATION:
        forward: tuple[CaseState, ...] = RENOVATION_TRANSITIONS.get(RenovationState(state), ())
        return (*forward, RenovationState.CANCELLED)
    if disposition is None:
        return (RuinState.CANCELLED,)
    table = RUIN_TRANSITIONS[Disposition(disposition)]
    return (*table.get(RuinState(state), ()), RuinState.CANCELLED)


def state_enum(kind: CaseKind) -> type[RuinState] | type[RenovationState]:
    return RuinState if kind is CaseKind.RUIN else RenovationState


def _parse_member(enum: type[_E], text: str) -> _E:
    """The member named by its code name (`moved-in`) or its Chinese value."""
    t = text.strip()
    for member in enum:
        if t == member.value or t.lower().replace("-", "_") == member.name.lower():
            return member
    raise ValueError(t)


def parse_state(kind: CaseKind, text: str) -> CaseState:
    """A state from its code name (`demolished`, `moved-in`) or its Chinese value."""
    return _parse_member(state_enum(kind), text)


def parse_disposition(text: str) -> Disposition:
    return _parse_member(Disposition, text)


def code_name(value: StrEnum) -> str:
    """The CLI spelling of a state or disposition: `notice-issued`, `self-demolition`."""
    return value.name.lower().replace("_", "-")


_CASE_ID = re.compile(r"\s*([RrWw])-?(\d+)\s*")


def format_case_id(kind: CaseKind, fid: int) -> str:
    return f"{kind.prefix}{int(fid)}"


def parse_case_id(text: str) -> tuple[CaseKind, int]:
    """`R12` -> (ruin, 12); `W7` -> (renovation, 7). Raises ValueError otherwise."""
    m = _CASE_ID.fullmatch(str(text))
    if not m:
        raise ValueError(text)
    kind = CaseKind.RUIN if m.group(1).upper() == "R" else CaseKind.RENOVATION
    return kind, int(m.group(2))
