"""Case statistics equal a plain recount of the cases, whatever the cases are.

Hypothesis writes random case tables (every kind, disposition, state, deadline,
grade and payment) into a real project inside a transaction that is rolled
back afterwards, and the figures `case_statistics` returns by village, town and
district must equal a recount done here row by row in plain Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qjgis.cases.model import (
    ENTRY_STATE,
    RUIN_TRANSITIONS,
    SUBSIDY_STATES,
    CaseKind,
    Disposition,
    RenovationState,
    RuinState,
    is_closed,
)
from qjgis.cases.stats import case_statistics, stat_keys, stat_name
from qjgis.errors import QjgisError
from qjgis.store import GpkgStore

VILLAGES = {"500110108200": "108", "500110108201": "108", "500110110200": "110"}
AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GpkgStore]:
    s = GpkgStore.create(Path(tmp_path_factory.mktemp("stats")) / "stats.gpkg")
    with s.transaction() as conn:
        s.insert_rows(
            conn, "towns", {"code": ["500110108", "500110110"], "name": ["石角镇", "赶水镇"]}
        )
        boxes = [shapely.box(i * 10.0, 0, i * 10.0 + 5, 5) for i in range(len(VILLAGES))]
        s.insert_features(
            conn,
            "villages",
            np.array(boxes, dtype=object),
            {
                "code": list(VILLAGES),
                "name": ["麻柳村", "石龙村", "新华村"],
                "town_code": ["500110" + t for t in VILLAGES.values()],
            },
        )
    yield s
    s.close()


def _ruin_states(disposition: Disposition | None) -> list[str]:
    if disposition is None:
        return [RuinState.PENDING.value, RuinState.CANCELLED.value]
    table = RUIN_TRANSITIONS[disposition]
    states = {ENTRY_STATE[disposition]} | {t for nxt in table.values() for t in nxt}
    return [*sorted(s.value for s in states), RuinState.CANCELLED.value]


dates = st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)).map(dt.date.isoformat)


@st.composite
def ruin_case(draw: st.DrawFn) -> dict[str, Any]:
    disposition = draw(st.sampled_from([None, *Disposition]))
    state = draw(st.sampled_from(_ruin_states(disposition)))
    d = disposition.value if disposition else None
    return {
        "kind": "ruin",
        "village_code": draw(st.sampled_from([*VILLAGES, None])),
        "bdcdyh": draw(st.sampled_from(["B1", "B2", "B3", "B4", "B5"])),
        "household_no": draw(st.sampled_from(["H1", "H2", "H3", None])),
        "disposition": d,
        "state": state,
        "deadline": draw(st.none() | dates),
        "closed": "2026-03-01" if is_closed(CaseKind.RUIN, state, d) else None,
    }


@st.composite
def renovation_case(draw: st.DrawFn) -> dict[str, Any]:
    state = draw(st.sampled_from([s.value for s in RenovationState]))
    grade = draw(st.sampled_from(["C", "D"]))
    subsidy = 7500.0 if grade == "C" else 35000.0
    return {
        "kind": "renovation",
        "village_code": draw(st.sampled_from([*VILLAGES, None])),
        "bdcdyh": draw(st.sampled_from(["B3", "B4", "B6", "B7"])),
        "household_no": draw(st.sampled_from(["H2", "H4", "H5"])),
        "grade": grade,
        "subsidy": subsidy,
        "state": state,
        "deadline": draw(st.none() | dates),
        "closed": "2026-03-01" if is_closed(CaseKind.RENOVATION, state) else None,
        "payments": draw(st.lists(st.sampled_from([500.0, 2500.0, -500.0]), max_size=3)),
    }


class _Rollback(Exception):
    pass


def _rolled_back(store: GpkgStore, work: Any) -> Any:
    """Run `work(conn)` inside a transaction that is then rolled back; return its result."""
    box: dict[str, Any] = {}
    try:
        with store.transaction() as conn:
            box["result"] = work(conn)
            raise _Rollback
    except _Rollback:
        pass
    return box["result"]


def _insert(store: GpkgStore, conn: Any, cases: list[dict[str, Any]]) -> None:
    for c in cases:
        common = {
            k: [c[k]]
            for k in ("bdcdyh", "household_no", "village_code", "state", "deadline", "closed")
        }
        common |= {"building_fid": [1], "opened": ["2026-01-01"]}
        if c["kind"] == "ruin":
            store.insert_rows(
                conn,
                "ruin_cases",
                common | {"disposition": [c["disposition"]], "source": ["manual"]},
            )
            continue
        common |= {"grade": [c["grade"]], "subsidy": [c["subsidy"]]}
        (fid,) = store.insert_rows(conn, "renovation_cases", common)
        for seq, amount in enumerate(c["payments"], start=1):
            store.insert_rows(
                conn,
                "case_events",
                {
                    "case_kind": ["renovation"],
                    "case_fid": [int(fid)],
                    "seq": [seq],
                    "action": ["pay"],
                    "event_date": ["2026-04-01"],
                    "amount": [amount],
                    "recorded": ["2026-04-01T00:00:00Z"],
                    "user": ["u"],
                    "role": ["admin"],
                },
            )


def _recount(cases: list[dict[str, Any]], by: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = defaultdict(
        lambda: dict.fromkeys(stat_keys(), 0) | {"subsidy_approved": 0.0, "subsidy_paid": 0.0}
    )
    seen: dict[str, tuple[set[Any], set[Any]]] = defaultdict(lambda: (set(), set()))
    for c in cases:
        v = c["village_code"]
        key = {"village": v or "", "town": ("500110" + VILLAGES[v]) if v else "", "district": ""}[
            by
        ]
        g = out[key]
        if c["kind"] == "renovation":
            g["subsidy_paid"] += sum(c["payments"])
        if c["state"] == "已撤销":
            g["cancelled"] += 1
            continue
        if c["deadline"] and c["deadline"] < AS_OF.isoformat() and c["closed"] is None:
            g["overdue"] += 1
        seen[key][0].add(c["bdcdyh"])
        seen[key][1].add(c["household_no"])
        if c["kind"] == "ruin":
            g["ruin_cases"] += 1
            if c["disposition"] is None:
                g["ruin_undisposed"] += 1
            else:
                g["ruin_" + stat_name(Disposition(c["disposition"]))] += 1
            g["ruin_state_" + stat_name(RuinState(c["state"]))] += 1
        else:
            g["renovation_cases"] += 1
            g["renovation_grade_" + c["grade"].lower()] += 1
            g["renovation_state_" + stat_name(RenovationState(c["state"]))] += 1
            if c["state"] in {s.value for s in SUBSIDY_STATES}:
                g["subsidy_approved"] += c["subsidy"]
    for key, (buildings, households) in seen.items():
        out[key]["buildings"] = len(buildings)
        out[key]["households"] = len(households - {None})
    return dict(out)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cases=st.lists(st.one_of(ruin_case(), renovation_case()), max_size=25))
def test_statistics_equal_a_recount(store: GpkgStore, cases: list[dict[str, Any]]) -> None:
    def count(conn: Any) -> dict[str, list[dict[str, Any]]]:
        _insert(store, conn, cases)
        return {by: case_statistics(store, by, AS_OF) for by in ("village", "town", "district")}  # type: ignore[misc]

    got = _rolled_back(store, count)
    for by, rows in got.items():
        expected = _recount(cases, by)
        assert {r["code"] or "" for r in rows} == set(expected)
        for row in rows:
            want = expected[row["code"] or ""]
            assert {k: row[k] for k in stat_keys()} == pytest.approx(want)
            assert row["level"] == by
    assert store.execute_sql("SELECT count(*) FROM ruin_cases")[0][0] == 0  # rolled back


def test_names_and_columns(store: GpkgStore) -> None:
    case = {
        "kind": "renovation",
        "village_code": "500110108201",
        "bdcdyh": "B1",
        "household_no": "H1",
        "grade": "D",
        "subsidy": 35000.0,
        "state": "已批准",
        "deadline": "2026-05-01",
        "closed": None,
        "payments": [20000.0],
    }

    def count(conn: Any) -> tuple[list[dict[str, Any]], ...]:
        _insert(store, conn, [case])
        return tuple(case_statistics(store, by, AS_OF) for by in ("village", "town", "district"))

    village, town, district = _rolled_back(store, count)
    (v,) = village
    assert (v["code"], v["name"], v["town_code"]) == ("500110108201", "石龙村", "500110108")
    assert (v["subsidy_approved"], v["subsidy_paid"], v["overdue"]) == (35000.0, 20000.0, 1)
    assert (town[0]["code"], town[0]["name"]) == ("500110108", "石角镇")
    assert (district[0]["name"], district[0]["renovation_grade_d"]) == ("綦江区", 1)
    assert list(v)[:4] == ["level", "code", "name", "town_code"]
    with pytest.raises(QjgisError):
        case_statistics(store, "county", AS_OF)  # type: ignore[arg-type]
