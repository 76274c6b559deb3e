"""Case statistics per village, town or the whole district, for the weekly report.

Counted in SQL (GROUP BY), never by walking cases in Python. Cancelled cases
(including openings that were undone) count only in `cancelled`; every other
figure is over live cases. Overdue is derived from each open case's deadline and the
as-of date. Groups are those with at least one case; every group carries every
key, so the rows make a table with fixed columns (CSV, XLSX).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Literal

from qjgis.cases.model import (
    SUBSIDY_STATES,
    CaseKind,
    Disposition,
    RenovationState,
    RuinState,
)
from qjgis.errors import QjgisError
from qjgis.store import GpkgStore

Level = Literal["village", "town", "district"]
CANCELLED = RuinState.CANCELLED.value


def stat_name(value: Disposition | RuinState | RenovationState) -> str:
    """The column name part of a disposition or state: `self_demolition`, `moved_in`."""
    return value.name.lower()


def stat_keys() -> list[str]:
    """The figure columns of every group, in report order."""
    return list(_stat_keys())


@functools.cache
def _stat_keys() -> tuple[str, ...]:
    # built once: a district's village level asks for them once per village (334 times)
    keys = ["ruin_cases", "ruin_undisposed"]
    keys += [f"ruin_{stat_name(d)}" for d in Disposition]
    keys += [f"ruin_state_{stat_name(s)}" for s in RuinState if s is not RuinState.CANCELLED]
    keys += ["renovation_cases", "renovation_grade_c", "renovation_grade_d"]
    keys += [
        f"renovation_state_{stat_name(s)}"
        for s in RenovationState
        if s is not RenovationState.CANCELLED
    ]
    keys += [
        "overdue",
        "cancelled",
        "buildings",
        "households",
        "subsidy_approved",
        "subsidy_paid",
    ]
    return tuple(keys)


def _group_sql(level: Level, alias: str) -> str:
    if level == "village":
        return f"coalesce({alias}.village_code, '')"
    if level == "town":
        return (
            f"coalesce((SELECT v.town_code FROM villages v WHERE v.code = {alias}.village_code "
            "ORDER BY v.fid LIMIT 1), '')"
        )
    return "''"


def case_statistics(store: GpkgStore, by: Level, as_of: dt.date) -> list[dict[str, Any]]:
    """One dict per group with cases: counts by disposition, state and grade, overdue,
    distinct buildings and households, and subsidy yuan approved and paid."""
    if by not in ("village", "town", "district"):
        raise QjgisError(
            "invalid_argument",
            name="by",
            value=by,
            reason="one_of",
            choices="village, town, district",
        )
    day = as_of.isoformat()
    groups: dict[str, dict[str, Any]] = {}

    def group(code: str) -> dict[str, Any]:
        if code not in groups:
            groups[code] = dict.fromkeys(stat_keys(), 0)
            groups[code]["subsidy_approved"] = 0.0
            groups[code]["subsidy_paid"] = 0.0
        return groups[code]

    disp_key = {d.value: f"ruin_{stat_name(d)}" for d in Disposition}
    ruin_state = {s.value: f"ruin_state_{stat_name(s)}" for s in RuinState}
    reno_state = {s.value: f"renovation_state_{stat_name(s)}" for s in RenovationState}
    gr = _group_sql(by, "c")

    for code, disposition, state, n in store.execute_sql(
        f"SELECT {gr}, disposition, state, count(*) FROM ruin_cases c GROUP BY 1, 2, 3"
    ):
        g = group(code)
        if state == CANCELLED:
            g["cancelled"] += n
            continue
        g["ruin_cases"] += n
        if disposition is None:
            g["ruin_undisposed"] += n
        else:
            g[disp_key[disposition]] += n
        g[ruin_state[state]] += n

    approved = ", ".join(f"'{s.value}'" for s in SUBSIDY_STATES)
    for code, grade, state, n, subsidy in store.execute_sql(
        f"SELECT {gr}, grade, state, count(*), "
        f"sum(CASE WHEN state IN ({approved}) THEN subsidy ELSE 0 END) "
        "FROM renovation_cases c GROUP BY 1, 2, 3"
    ):
        g = group(code)
        if state == CANCELLED:
            g["cancelled"] += n
            continue
        g["renovation_cases"] += n
        g[f"renovation_grade_{str(grade).lower()}"] += n
        g[reno_state[state]] += n
        g["subsidy_approved"] += float(subsidy or 0.0)

    for kind in CaseKind:
        for code, n in store.execute_sql(
            f"SELECT {gr}, count(*) FROM {kind.table} c WHERE deadline IS NOT NULL "
            "AND deadline < ? AND closed IS NULL GROUP BY 1",
            [day],
        ):
            group(code)["overdue"] += n

    live = (
        f"SELECT {gr} AS g, bdcdyh, household_no FROM ruin_cases c WHERE state != ? "
        f"UNION ALL SELECT {gr}, bdcdyh, household_no FROM renovation_cases c WHERE state != ?"
    )
    for code, buildings, households in store.execute_sql(
        f"SELECT g, count(DISTINCT bdcdyh), count(DISTINCT household_no) "
        f"FROM ({live}) AS live GROUP BY g",
        [CANCELLED, CANCELLED],
    ):
        g = group(code)
        g["buildings"], g["households"] = buildings, households

    # Payments stay counted on a cancelled case: the money went out.
    for code, paid in store.execute_sql(
        f"SELECT {gr}, coalesce(sum(e.amount), 0) FROM case_events e "
        "JOIN renovation_cases c ON c.fid = e.case_fid AND e.case_kind = 'renovation' "
        "WHERE e.amount IS NOT NULL GROUP BY 1"
    ):
        group(code)["subsidy_paid"] += float(paid)

    names = _names(store, by)
    towns = _towns(store) if by == "village" else {}
    rows = []
    for code in sorted(groups):
        head: dict[str, Any] = {"level": by, "code": code or None, "name": names.get(code)}
        if by == "village":
            head["town_code"] = towns.get(code)
        rows.append(head | groups[code])
    return rows


def _names(store: GpkgStore, by: Level) -> dict[str, str]:
    if by == "village":
        return dict(store.execute_sql("SELECT code, name FROM villages"))
    if by == "town":
        return dict(store.execute_sql("SELECT code, name FROM towns"))
    return {"": store.settings()["district.name"]}


def _towns(store: GpkgStore) -> dict[str, str | None]:
    """Village code -> town code; a code that repeats keeps its first village, as in SQL."""
    towns: dict[str, str | None] = {}
    for code, town in store.execute_sql("SELECT code, town_code FROM villages ORDER BY fid"):
        towns.setdefault(code, town)
    return towns
