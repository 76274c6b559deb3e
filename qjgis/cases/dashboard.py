"""The figures of the progress dashboard (统计) beyond `case_statistics`: 一户多宅
handled against open, per village, town or district, and the trend of cases opened
and closed month by month. Counted in SQL; plain data, no Qt (the window draws it,
a script may print it)."""

from __future__ import annotations

from typing import Any

from qjgis.cases.stats import Level, _towns
from qjgis.store import GpkgStore


def multiple_homesteads(store: GpkgStore, by: Level) -> dict[str, dict[str, int]]:
    """Group code -> {"mh_handled", "mh_open"}: the current 一户多宅 findings (QJ-R001)
    a reviewer has decided, and those still waiting for a decision."""
    towns = _towns(store) if by == "town" else {}
    out: dict[str, dict[str, int]] = {}
    for village, decided, n in store.execute_sql(
        "SELECT coalesce(village_code, ''), decision IS NOT NULL, count(*) FROM findings "
        "WHERE rule_id = 'QJ-R001' AND state = 'open' GROUP BY 1, 2"
    ):
        code = village if by == "village" else (towns.get(village) or "") if by == "town" else ""
        g = out.setdefault(code, {"mh_handled": 0, "mh_open": 0})
        g["mh_handled" if decided else "mh_open"] += int(n)
    return out


def monthly_trend(store: GpkgStore, village: str | None = None) -> list[dict[str, Any]]:
    """Per month (YYYY-MM) with events: the cases opened and the cases closed in it, from
    the opening and closing dates the case events set (a cancelled case counts as closed:
    it left the open list). Optionally one village's."""
    where, params = "", []
    if village:
        where, params = " AND village_code = ?", [village]
    months: dict[str, dict[str, Any]] = {}
    for table in ("ruin_cases", "renovation_cases"):
        for column, key in (("opened", "opened"), ("closed", "closed")):
            sql = (
                f"SELECT substr({column}, 1, 7), count(*) FROM {table} "
                f"WHERE {column} IS NOT NULL{where} GROUP BY 1"
            )
            for month, n in store.execute_sql(sql, params):
                m = months.setdefault(month, {"month": month, "opened": 0, "closed": 0})
                m[key] += int(n)
    rows = [months[m] for m in sorted(months)]
    still_open = 0
    for r in rows:
        still_open += r["opened"] - r["closed"]
        r["open_at_end"] = still_open
    return rows
