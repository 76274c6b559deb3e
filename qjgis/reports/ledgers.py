"""Village ledgers (台账) that cadres sign: 一户多宅, 残垣断壁整治, 危房改造.

Rows and totals as plain data. Totals are counted by the same rules as the
weekly statistics, so a ledger and `stats` agree for the same village and date:
一户多宅 as `finding_statistics` (open QJ-R001 findings; standing = neither
exempted nor decided exempt/false positive), the case ledgers as
`case_statistics` (cancelled cases listed but counted only as cancelled;
payments on a cancelled case still counted as paid; overdue = an open case past
its deadline on the as-of date).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from qjgis.cases.model import (
    SUBSIDY_STATES,
    CaseKind,
    Disposition,
    RuinState,
    format_case_id,
)
from qjgis.cases.stats import stat_name
from qjgis.checks.findings import Decision
from qjgis.errors import QjgisError
from qjgis.reports.content import mask_free, mask_id
from qjgis.store import GpkgStore

KINDS = ("multi", "ruins", "renovation")
_CANCELLED = RuinState.CANCELLED.value
_SUBSIDY = frozenset(s.value for s in SUBSIDY_STATES)


@dataclass
class Ledger:
    """A ledger: its kind, village, as-of date, columns (key, header code), rows and totals."""

    kind: str
    village_code: str
    village_name: str | None
    town_name: str | None
    as_of: dt.date
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)


def _village(store: GpkgStore, village: str) -> tuple[str, str | None, str | None]:
    found = store.find_villages(village)
    if not found:
        raise QjgisError("village_not_found", path=str(store.path), village=village)
    code = found[0][0]
    row = store.execute_sql(
        "SELECT v.name, t.name FROM villages v LEFT JOIN towns t ON t.code = v.town_code "
        "WHERE v.code = ? ORDER BY v.fid LIMIT 1",
        [code],
    )
    return code, row[0][0], row[0][1]


def village_ledger(
    store: GpkgStore,
    village: str,
    kind: str,
    *,
    as_of: dt.date | None = None,
    unmask: bool = False,
) -> Ledger:
    """The ledger of `kind` (multi | ruins | renovation) for one village on `as_of`."""
    if kind not in KINDS:
        raise QjgisError(
            "invalid_argument", name="--kind", value=kind, reason="one of " + ", ".join(KINDS)
        )
    code, name, town = _village(store, village)
    day = as_of or dt.date.today()
    build = {"multi": _multi, "ruins": _ruins, "renovation": _renovation}[kind]
    return build(store, code, name, town, day, unmask)


def _heads(store: GpkgStore, numbers: list[str]) -> dict[str, tuple[str | None, str | None]]:
    out: dict[str, tuple[str | None, str | None]] = {}
    for start in range(0, len(numbers), 900):
        part = numbers[start : start + 900]
        for no, head, head_id in store.execute_sql(
            "SELECT household_no, head_name, head_id FROM households "
            f"WHERE household_no IN ({','.join('?' * len(part))}) ORDER BY fid DESC",
            part,
        ):
            out[no] = (head, head_id)
    return out


def _multi(
    store: GpkgStore, code: str, name: str | None, town: str | None, day: dt.date, unmask: bool
) -> Ledger:
    ledger = Ledger(
        "multi", code, name, town, day,
        ["seq", "household_no", "head_name", "head_id", "parcels", "parcel_count", "exemption",
         "decision", "decision_reason", "decided_by", "decided_at"],
    )  # fmt: skip
    rows = store.execute_sql(
        "SELECT key, entities, exemption, decision, decision_reason, decided_by, decided_at "
        "FROM findings WHERE state = 'open' AND rule_id = 'QJ-R001' AND village_code = ? "
        "ORDER BY key, fid",
        [code],
    )
    heads = _heads(store, sorted({r[0] for r in rows}))
    totals = dict.fromkeys(
        ("households", "standing", "exempted", "pending", "confirmed", "false_positive", "parcels"),
        0,
    )
    for n, (key, entities, exemption, decision, reason, by, at) in enumerate(rows, start=1):
        parcels = [e.get("key") for e in json.loads(entities or "[]") if e.get("kind") == "parcel"]
        head, head_id = heads.get(key, (None, None))
        ledger.rows.append(
            {
                "seq": n, "household_no": key, "head_name": head,
                "head_id": mask_id(head_id, unmask), "parcels": "、".join(p for p in parcels if p),
                "parcel_count": len(parcels), "exemption": exemption, "decision": decision,
                "decision_reason": mask_free(reason, unmask), "decided_by": by,
                "decided_at": (at or "")[:10] or None,
            }
        )  # fmt: skip
        totals["households"] += 1
        totals["parcels"] += len(parcels)
        totals["standing"] += exemption is None and decision not in (
            Decision.EXEMPTED,
            Decision.FALSE_POSITIVE,
        )
        totals["exempted"] += exemption is not None or decision == Decision.EXEMPTED
        totals["pending"] += decision is None
        totals["confirmed"] += decision == Decision.CONFIRMED
        totals["false_positive"] += decision == Decision.FALSE_POSITIVE
    ledger.totals = totals
    return ledger


def _ruins(
    store: GpkgStore, code: str, name: str | None, town: str | None, day: dt.date, unmask: bool
) -> Ledger:
    ledger = Ledger(
        "ruins", code, name, town, day,
        ["seq", "case_id", "bdcdyh", "zddm", "household_no", "head_name", "disposition", "state",
         "opened", "deadline", "closed", "overdue"],
    )  # fmt: skip
    rows = store.execute_sql(
        "SELECT fid, bdcdyh, zddm, household_no, disposition, state, opened, deadline, closed "
        "FROM ruin_cases WHERE coalesce(village_code, '') = ? ORDER BY fid",
        [code],
    )
    heads = _heads(store, sorted({r[3] for r in rows if r[3]}))
    totals: dict[str, Any] = {"ruin_cases": 0, "ruin_undisposed": 0}
    totals |= {f"ruin_{stat_name(d)}": 0 for d in Disposition}
    totals |= {"overdue": 0, "cancelled": 0, "buildings": 0}
    buildings: set[str] = set()
    for n, (fid, bdcdyh, zddm, hh, disp, state, opened, deadline, closed) in enumerate(rows, 1):
        overdue = bool(deadline and closed is None and deadline < day.isoformat())
        ledger.rows.append(
            {
                "seq": n, "case_id": format_case_id(CaseKind.RUIN, int(fid)), "bdcdyh": bdcdyh,
                "zddm": zddm, "household_no": hh, "head_name": heads.get(hh or "", (None,))[0],
                "disposition": disp, "state": state, "opened": opened, "deadline": deadline,
                "closed": closed, "overdue": overdue,
            }
        )  # fmt: skip
        totals["overdue"] += overdue
        if state == _CANCELLED:
            totals["cancelled"] += 1
            continue
        totals["ruin_cases"] += 1
        buildings.add(bdcdyh)
        if disp is None:
            totals["ruin_undisposed"] += 1
        else:
            totals[f"ruin_{stat_name(Disposition(disp))}"] += 1
    totals["buildings"] = len(buildings)
    ledger.totals = totals
    return ledger


def _renovation(
    store: GpkgStore, code: str, name: str | None, town: str | None, day: dt.date, unmask: bool
) -> Ledger:
    ledger = Ledger(
        "renovation", code, name, town, day,
        ["seq", "case_id", "bdcdyh", "zddm", "household_no", "head_name", "grade", "state",
         "subsidy", "subsidy_approved", "subsidy_paid", "opened", "deadline", "closed", "overdue"],
    )  # fmt: skip
    rows = store.execute_sql(
        "SELECT c.fid, c.bdcdyh, c.zddm, c.household_no, c.grade, c.state, c.subsidy, c.opened, "
        "c.deadline, c.closed, (SELECT sum(e.amount) FROM case_events e WHERE "
        "e.case_kind = 'renovation' AND e.case_fid = c.fid AND e.amount IS NOT NULL) "
        "FROM renovation_cases c WHERE coalesce(c.village_code, '') = ? ORDER BY c.fid",
        [code],
    )
    heads = _heads(store, sorted({r[3] for r in rows if r[3]}))
    totals: dict[str, Any] = {
        "renovation_cases": 0, "renovation_grade_c": 0, "renovation_grade_d": 0, "overdue": 0,
        "cancelled": 0, "subsidy_approved": 0.0, "subsidy_paid": 0.0,
    }  # fmt: skip
    for n, row in enumerate(rows, 1):
        fid, bdcdyh, zddm, hh, grade, state, subsidy, opened, deadline, closed, paid = row
        overdue = bool(deadline and closed is None and deadline < day.isoformat())
        approved = float(subsidy or 0.0) if state in _SUBSIDY else 0.0
        ledger.rows.append(
            {
                "seq": n, "case_id": format_case_id(CaseKind.RENOVATION, int(fid)),
                "bdcdyh": bdcdyh, "zddm": zddm, "household_no": hh,
                "head_name": heads.get(hh or "", (None,))[0], "grade": grade, "state": state,
                "subsidy": float(subsidy or 0.0), "subsidy_approved": approved,
                "subsidy_paid": float(paid or 0.0), "opened": opened, "deadline": deadline,
                "closed": closed, "overdue": overdue,
            }
        )  # fmt: skip
        totals["overdue"] += overdue
        totals["subsidy_paid"] += float(paid or 0.0)  # the money went out, even if cancelled
        if state == _CANCELLED:
            totals["cancelled"] += 1
            continue
        totals["renovation_cases"] += 1
        totals[f"renovation_grade_{str(grade).lower()}"] += 1
        totals["subsidy_approved"] += approved
    ledger.totals = totals
    return ledger
