"""Random sequences of case commands keep the invariants.

Hypothesis drives the real commands (dispose, advance, cancel, pay, undo) on
the case village in any order, most of them refused, and after every step:
the history only grows (earlier events unchanged), a closed case does not move
(only an undo of the command that closed it may reopen it), a refused command
leaves nothing behind, the building of a verified demolition is 已拆除, and the
statistics equal a recount of the case rows.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from test_cases_support import bdcdyh, build_village, set_role

from qjgis import commands
from qjgis.cases.commands import (
    AdvanceCase,
    DisposeRuin,
    OpenRenovationCase,
    OpenRuinCase,
    RecordPayment,
)
from qjgis.cases.model import Disposition, RenovationState, RuinState
from qjgis.cases.stats import case_statistics, stat_name
from qjgis.errors import QjgisError
from qjgis.store import GpkgStore

AS_OF = dt.date(2026, 7, 1)
RUINS = ["B1", "B2", "B9", "B10"]
RENOVATIONS = ["B4", "B5"]
ALL_STATES = sorted({s.name.lower() for s in RuinState} | {s.name.lower() for s in RenovationState})

op = st.one_of(
    st.tuples(
        st.just("dispose"),
        st.integers(0, 3),
        st.sampled_from(list(Disposition)),
        st.integers(0, 60),
    ),
    st.tuples(
        st.just("advance"), st.integers(0, 5), st.sampled_from(ALL_STATES), st.integers(0, 60)
    ),
    st.tuples(
        st.just("pay"),
        st.integers(4, 5),
        st.sampled_from([1000.0, 7500.0, 20000.0]),
        st.integers(0, 60),
    ),
    st.tuples(st.just("undo"), st.just(0), st.just(None), st.just(0)),
)


def _snapshot(store: GpkgStore) -> dict[str, Any]:
    events = store.execute_sql("SELECT * FROM case_events ORDER BY fid")
    cases = {
        f"{t[0]}{fid}": (state, disposition, closed)
        for t in (("R", "ruin_cases"), ("W", "renovation_cases"))
        for fid, state, disposition, closed in store.execute_sql(
            f"SELECT fid, state, {'disposition' if t[0] == 'R' else 'NULL'}, closed FROM {t[1]}"
        )
    }
    return {"events": events, "cases": cases}


def _recount(store: GpkgStore) -> Counter[str]:
    c: Counter[str] = Counter()
    for state, disposition, deadline, closed in store.execute_sql(
        "SELECT state, disposition, deadline, closed FROM ruin_cases"
    ):
        if state == "已撤销":
            c["cancelled"] += 1
            continue
        c["ruin_cases"] += 1
        c["ruin_state_" + stat_name(RuinState(state))] += 1
        c["ruin_" + (stat_name(Disposition(disposition)) if disposition else "undisposed")] += 1
        c["overdue"] += bool(deadline and deadline < AS_OF.isoformat() and closed is None)
    for state, grade, subsidy, deadline, closed in store.execute_sql(
        "SELECT state, grade, subsidy, deadline, closed FROM renovation_cases"
    ):
        if state == "已撤销":
            c["cancelled"] += 1
            continue
        c["overdue"] += bool(deadline and deadline < AS_OF.isoformat() and closed is None)
        c["renovation_cases"] += 1
        c["renovation_grade_" + grade.lower()] += 1
        c["renovation_state_" + stat_name(RenovationState(state))] += 1
        if state in ("已批准", "施工中", "已验收", "已入住"):
            c["subsidy_approved"] += subsidy
    c["subsidy_paid"] += store.execute_sql("SELECT coalesce(sum(amount), 0) FROM case_events")[0][0]
    return +c


@settings(max_examples=25, deadline=None)
@given(ops=st.lists(op, min_size=1, max_size=20))
def test_random_command_sequences_keep_the_invariants(ops: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = build_village(Path(tmp) / "v.gpkg")
        try:
            _play(store, ops)
        finally:
            store.close()


def _play(store: GpkgStore, ops: list[tuple[Any, ...]]) -> None:
    set_role(store, "approver")  # preconditions may be overridden: the transitions are tested
    cases = []
    for code in RUINS:
        cmd = OpenRuinCase(bdcdyh(code), date="2026-01-01")
        commands.run(store, cmd)
        cases.append(f"R{cmd.fid}")
    for code in RENOVATIONS:
        cmd = OpenRenovationCase(bdcdyh(code), date="2026-01-01")
        commands.run(store, cmd)
        cases.append(f"W{cmd.fid}")
    done: list[Any] = []
    for kind, index, arg, day in ops:
        date = (dt.date(2026, 1, 2) + dt.timedelta(days=day)).isoformat()
        before = _snapshot(store)
        if kind == "undo":
            if not done:
                continue
            last = done.pop()
            commands.undo(store, last)
            after = _snapshot(store)
            assert after["events"][: len(before["events"])] == before["events"]
            assert len(after["events"]) > len(before["events"])
            continue
        case = cases[index]
        if kind == "dispose":
            cmd: Any = DisposeRuin(
                case,
                disposition=arg,
                date=date,
                deadline="2026-05-01",
                owner_keeps=True,
                feasible=True,
                override_reason="测试",
            )
        elif kind == "advance":
            cmd = AdvanceCase(case, to=arg, date=date, deadline="2026-05-01", note="n")
        else:
            cmd = RecordPayment(case, arg, date=date)
        try:
            commands.run(store, cmd)
        except QjgisError:
            assert _snapshot(store) == before  # refused: nothing written
        else:
            done.append(cmd)
            after = _snapshot(store)
            assert after["events"][: len(before["events"])] == before["events"]
            assert len(after["events"]) == len(before["events"]) + 1
            closed = before["cases"][case][2]
            if closed is not None:  # a closed case does not move; only money may follow it
                assert kind == "pay" and after["cases"][case] == before["cases"][case]
        for code, case in zip(RUINS, cases, strict=False):
            state = _snapshot(store)["cases"][case][0]
            status = store.execute_sql(
                "SELECT status FROM buildings WHERE bdcdyh = ?", [bdcdyh(code)]
            )[0][0]
            demolished = state in ("已拆除", "已申请新建", "新建已批准", "新房已建成", "已权益保全")
            assert (status == "已拆除") is demolished
        (stats,) = case_statistics(store, "district", AS_OF)
        keys = set(_recount(store)) | {
            k
            for k, v in stats.items()
            if isinstance(v, (int, float)) and v and k not in ("buildings", "households")
        }
        recount = _recount(store)
        assert {k: stats[k] for k in keys} == {k: recount[k] for k in keys}
