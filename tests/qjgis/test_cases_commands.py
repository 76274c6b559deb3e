"""Case commands on a real project: the policy's preconditions, each path to its end,
refused transitions, undo by compensating entries, conflicts between two handles,
and a history the database itself will not let anyone rewrite.

Headless tier: nothing here imports PySide6, pytest-qt, `layers` or `ui`.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import shapely
from test_cases_support import VILLAGE, add_finding, bdcdyh, build_village, set_role, zddm

from qjgis import commands, schema
from qjgis.cases.commands import (
    AdvanceCase,
    DisposeRuin,
    OpenRenovationCase,
    OpenRuinCase,
    RecordPayment,
    case_events,
    illegal_findings,
    is_overdue,
    paid_total,
    read_case,
)
from qjgis.cases.model import CaseKind, Disposition
from qjgis.errors import QjgisError
from qjgis.store import GpkgStore

DAY = "2026-03-15"  # commands default to today: tests always say which day


@pytest.fixture
def village(tmp_path: Path) -> GpkgStore:
    store = build_village(tmp_path / "village.gpkg")
    yield store
    store.close()


def _open(store: GpkgStore, code: str, date: str = "2026-03-01") -> str:
    cmd = OpenRuinCase(bdcdyh(code), date=date, note="村报")
    commands.run(store, cmd)
    return f"R{cmd.fid}"


def _case(store: GpkgStore, case: str) -> dict[str, Any]:
    return read_case(store, CaseKind.RUIN if case[0] == "R" else CaseKind.RENOVATION, int(case[1:]))


def _building_status(store: GpkgStore, code: str) -> str:
    return store.execute_sql("SELECT status FROM buildings WHERE bdcdyh = ?", [bdcdyh(code)])[0][0]


def _audit(store: GpkgStore) -> list[tuple[str, str, str, str]]:
    return store.execute_sql("SELECT user, role, command, entity FROM audit_log ORDER BY fid")


def _refused(store: GpkgStore, command: Any, code: str) -> QjgisError:
    events = store.execute_sql("SELECT count(*) FROM case_events")[0][0]
    audit = store.execute_sql("SELECT count(*) FROM audit_log")[0][0]
    with pytest.raises(QjgisError) as exc:
        commands.run(store, command)
    assert exc.value.code == code, exc.value.english()
    assert store.execute_sql("SELECT count(*) FROM case_events")[0][0] == events
    assert store.execute_sql("SELECT count(*) FROM audit_log")[0][0] == audit
    assert store.path in exc.value.english() or code == "write_conflict"
    return exc.value


# ---------------------------------------------------------------- opening
def test_open_records_plot_household_and_history(village: GpkgStore) -> None:
    case = _open(village, "B1")
    row = _case(village, case)
    assert row["bdcdyh"] == bdcdyh("B1")
    assert row["zddm"] == zddm("P1") and row["household_no"] == "H1"
    assert row["village_code"] == VILLAGE and row["state"] == "待处置"
    assert row["disposition"] is None and row["opened"] == "2026-03-01"
    (event,) = case_events(village, CaseKind.RUIN, row["fid"])
    assert (event["action"], event["to_state"], event["user"], event["role"]) == (
        "open",
        "待处置",
        "李科员",
        "reviewer",
    )
    assert _audit(village) == [("李科员", "reviewer", "case.open_ruin", f"ruin_cases:{row['fid']}")]


def test_open_refuses_what_is_not_a_ruin_and_a_second_case(village: GpkgStore) -> None:
    err = _refused(village, OpenRuinCase(bdcdyh("B3")), "not_a_ruin")
    assert bdcdyh("B3") in err.english() and "在用" in err.english()
    _refused(village, OpenRuinCase("500110108001JC99999F00010001"), "building_not_found")
    case = _open(village, "B1")
    err = _refused(village, OpenRuinCase(bdcdyh("B1")), "case_exists")
    assert case in err.english()


# ---------------------------------------------------------------- the four dispositions
def test_self_demolition_to_the_end_sets_the_building_demolished(village: GpkgStore) -> None:
    case = _open(village, "B2")
    _refused(
        village,
        DisposeRuin(case, disposition=Disposition.SELF_DEMOLITION, date="2026-03-02"),
        "deadline_required",
    )
    commands.run(
        village,
        DisposeRuin(
            case,
            disposition=Disposition.SELF_DEMOLITION,
            date="2026-03-02",
            deadline="2026-05-31",
            note="责令限期拆除",
        ),
    )
    row = _case(village, case)
    assert (row["disposition"], row["state"], row["deadline"]) == (
        "责令自行拆除",
        "已下达拆除通知",
        "2026-05-31",
    )
    assert _building_status(village, "B2") == "残垣断壁"
    changes = commands.run(
        village, AdvanceCase(case, to="demolished", date="2026-05-20", note="现场核实已拆除")
    )
    assert "buildings" in changes.layers
    row = _case(village, case)
    assert row["state"] == "已拆除" and row["closed"] == "2026-05-20"
    assert _building_status(village, "B2") == "已拆除"  # in the same command
    err = _refused(village, AdvanceCase(case, to="cancelled", note="x", date=DAY), "case_closed")
    assert case in err.english()
    actions = [e["action"] for e in case_events(village, CaseKind.RUIN, row["fid"])]
    assert actions == ["open", "dispose", "advance"]


def test_self_demolition_needs_an_illegal_finding(village: GpkgStore) -> None:
    case = _open(village, "B1")  # H1 has no finding
    err = _refused(
        village,
        DisposeRuin(case, disposition="责令自行拆除", deadline="2026-06-30", date="2026-03-02"),
        "case_needs_illegal_finding",
    )
    assert "H1" in err.english()
    # exempted, dismissed or pending findings do not count; only a confirmed one does
    add_finding(village, "QJ-R001", "H1", [], exemption="inheritance")
    assert illegal_findings(village, "H1", zddm("P1")) == []
    add_finding(
        village,
        "QJ-R002",
        zddm("P0"),
        [{"kind": "household", "key": "H1"}],
        decision="false_positive",
    )
    assert illegal_findings(village, "H1", zddm("P1")) == []
    # Issue 11, point 8: a finding nobody has reviewed yet is not a violation.
    add_finding(village, "QJ-R002", zddm("P1"), [{"kind": "household", "key": "H1"}])
    assert illegal_findings(village, "H1", zddm("P1")) == []
    _refused(
        village,
        DisposeRuin(case, disposition="责令自行拆除", deadline="2026-06-30", date="2026-03-02"),
        "case_needs_illegal_finding",
    )
    with village.transaction() as conn:
        conn.execute("UPDATE findings SET decision = 'confirmed' WHERE key = ?", [zddm("P1")])
    assert illegal_findings(village, "H1", zddm("P1")) == [f"QJ-R002:{zddm('P1')}"]
    commands.run(
        village,
        DisposeRuin(case, disposition="责令自行拆除", deadline="2026-06-30", date="2026-03-02"),
    )
    assert _case(village, case)["state"] == "已下达拆除通知"


def test_gone_findings_do_not_count(village: GpkgStore) -> None:
    add_finding(village, "QJ-R001", "H7", [], state="gone")
    assert illegal_findings(village, "H7", None) == []
    add_finding(village, "QJ-R001", "H8", [], exemption="split", decision="confirmed")
    assert illegal_findings(village, "H8", None) == ["QJ-R001:H8"]


def test_reinforcement_needs_only_homestead_wish_and_feasibility(village: GpkgStore) -> None:
    case = _open(village, "B1")
    _refused(
        village,
        DisposeRuin(case, disposition="排危加固", owner_keeps=True, date=DAY),
        "case_reinforcement_conditions",
    )
    commands.run(
        village,
        DisposeRuin(
            case, disposition="reinforcement", owner_keeps=True, feasible=True, date="2026-03-05"
        ),
    )
    commands.run(village, AdvanceCase(case, to="in-progress", date="2026-04-01"))
    accept = AdvanceCase(case, to="accepted", date="2026-04-01")
    err = _refused(village, accept, "approval_not_allowed")  # the reviewer records no approval
    assert "李科员" in err.english() and "加固已验收" in err.english()
    assert _case(village, case)["state"] == "加固施工中"
    set_role(village, "approver")
    commands.run(village, AdvanceCase(case, to="accepted", date="2026-04-01"))
    row = _case(village, case)
    assert row["state"] == "加固已验收" and row["closed"] == "2026-04-01"
    assert _building_status(village, "B1") == "残垣断壁"  # reinforcement demolishes nothing


def test_reinforcement_of_a_second_homestead_needs_an_approver_override(
    village: GpkgStore,
) -> None:
    case = _open(village, "B2")  # H2 holds two homesteads
    dispose: dict[str, Any] = {
        "disposition": "排危加固",
        "owner_keeps": True,
        "feasible": True,
        "date": "2026-03-05",
    }
    err = _refused(village, DisposeRuin(case, **dispose), "case_not_only_homestead")
    assert "H2" in err.english() and "2" in err.english()
    _refused(
        village, DisposeRuin(case, override_reason="村民申请", **dispose), "override_not_allowed"
    )  # a reviewer may not
    set_role(village, "approver")
    commands.run(village, DisposeRuin(case, override_reason="危及邻房，先排危", **dispose))
    row = _case(village, case)
    assert row["override_reason"] == "危及邻房，先排危" and row["state"] == "已制定加固方案"
    event = case_events(village, CaseKind.RUIN, row["fid"])[-1]
    assert event["override_reason"] == "危及邻房，先排危" and event["role"] == "approver"


def test_new_build_path(village: GpkgStore) -> None:
    case = _open(village, "B9")
    commands.run(
        village,
        DisposeRuin(case, disposition="new-build", deadline="2026-04-30", date="2026-03-02"),
    )
    assert _case(village, case)["state"] == "待拆除"
    commands.run(village, AdvanceCase(case, to="demolished", date="2026-04-10"))
    assert _building_status(village, "B9") == "已拆除"
    assert _case(village, case)["closed"] is None  # the path goes on
    commands.run(village, AdvanceCase(case, to="applied", date="2026-04-12"))
    set_role(village, "approver")  # the township's approval of the new homestead
    for to, day in (("approved", "2026-05-02"), ("built", "2026-10-01")):
        commands.run(village, AdvanceCase(case, to=to, date=day))
    row = _case(village, case)
    assert row["state"] == "新房已建成" and row["closed"] == "2026-10-01"


def test_preservation_records_plot_footprint_household_and_date(village: GpkgStore) -> None:
    case = _open(village, "B10")
    commands.run(
        village,
        DisposeRuin(case, disposition="preservation", deadline="2026-04-30", date="2026-03-02"),
    )
    commands.run(village, AdvanceCase(case, to="demolished", date="2026-04-01"))
    commands.run(village, AdvanceCase(case, to="preserved", date="2026-04-15", note="权益保全"))
    row = _case(village, case)
    assert row["state"] == "已权益保全" and row["closed"] == "2026-04-15"
    assert row["preserved_on"] == "2026-04-15"
    assert row["preserved_zddm"] == zddm("P10")
    assert row["preserved_household_no"] == "H8"
    assert row["preserved_parcel_area"] == pytest.approx(400.0)
    assert row["preserved_footprint_area"] == pytest.approx(64.0)
    footprint = shapely.from_wkt(row["preserved_footprint"])
    assert footprint.area == pytest.approx(64.0)


def test_a_shed_on_the_same_plot_keeps_it_the_only_homestead(village: GpkgStore) -> None:
    case = _open(village, "B11")
    commands.run(
        village, DisposeRuin(case, disposition="preservation", deadline="2026-04-30", date=DAY)
    )
    assert _case(village, case)["disposition"] == "房屋权益保全"


# ---------------------------------------------------------------- refused transitions
@pytest.mark.parametrize(
    ("disposition", "path", "target"),
    [
        (None, [], "demolished"),  # no disposition yet: only cancellation
        ("责令自行拆除", [], "applied"),
        ("责令自行拆除", [], "accepted"),
        ("排危加固", [], "accepted"),  # skipping a step
        ("排危加固", ["in-progress"], "demolished"),
        ("新建审批", [], "applied"),  # not before the demolition
        ("新建审批", ["demolished"], "preserved"),
        ("房屋权益保全", ["demolished"], "applied"),
        ("房屋权益保全", [], "已权益保全"),
    ],
)
def test_refused_transitions_change_nothing(
    village: GpkgStore, disposition: str | None, path: list[str], target: str
) -> None:
    case = _open(village, "B1")
    if disposition:
        set_role(village, "approver")  # override the preconditions: the transitions matter here
        commands.run(
            village,
            DisposeRuin(
                case,
                disposition=disposition,
                deadline="2026-06-30",
                owner_keeps=True,
                feasible=True,
                override_reason="测试",
                date=DAY,
            ),
        )
    for step in path:
        commands.run(village, AdvanceCase(case, to=step, date=DAY))
    before = _case(village, case)
    status = _building_status(village, "B1")
    err = _refused(village, AdvanceCase(case, to=target, date=DAY), "transition_refused")
    assert case in err.english() and before["state"] in err.english()
    assert _case(village, case) == before
    assert _building_status(village, "B1") == status


def test_a_second_disposition_is_refused(village: GpkgStore) -> None:
    case = _open(village, "B9")
    commands.run(
        village, DisposeRuin(case, disposition="新建审批", deadline="2026-06-30", date=DAY)
    )
    _refused(
        village,
        DisposeRuin(case, disposition="房屋权益保全", deadline="2026-06-30", date=DAY),
        "case_already_disposed",
    )


def test_dates_deadlines_and_notes_are_checked(village: GpkgStore) -> None:
    case = _open(village, "B9", date="2026-03-01")
    _refused(
        village,
        DisposeRuin(case, disposition="新建审批", date="2026-02-01", deadline="2026-06-30"),
        "date_before_history",
    )
    _refused(
        village,
        DisposeRuin(case, disposition="新建审批", date="2026-03-10", deadline="2026-03-09"),
        "deadline_before_date",
    )
    _refused(village, AdvanceCase(case, to="cancelled", date=DAY), "note_required")
    commands.run(village, AdvanceCase(case, to="cancelled", note="重复立案", date=DAY))
    assert _case(village, case)["state"] == "已撤销"
    # a cancelled case no longer blocks a new one for the building
    _open(village, "B9")


def test_overdue_is_derived_from_the_deadline_and_the_as_of_date(village: GpkgStore) -> None:
    import datetime as dt

    case = _open(village, "B2")
    commands.run(
        village,
        DisposeRuin(case, disposition="责令自行拆除", deadline="2026-05-31", date="2026-03-02"),
    )
    row = _case(village, case)
    assert not is_overdue(row, dt.date(2026, 5, 31))
    assert is_overdue(row, dt.date(2026, 6, 1))
    commands.run(village, AdvanceCase(case, to="demolished", date="2026-06-03"))
    assert not is_overdue(_case(village, case), dt.date(2027, 1, 1))
    names = {r[1] for r in village.execute_sql("PRAGMA table_info(ruin_cases)")}
    assert not any("overdue" in n for n in names)  # never stored


# ---------------------------------------------------------------- undo
def test_revert_restores_case_and_building_and_appends_history(village: GpkgStore) -> None:
    case = _open(village, "B2")
    commands.run(
        village, DisposeRuin(case, disposition="责令自行拆除", deadline="2026-05-31", date=DAY)
    )
    advance = AdvanceCase(case, to="demolished", note="已拆", date=DAY)
    commands.run(village, advance)
    assert _building_status(village, "B2") == "已拆除"
    changes = commands.undo(village, advance)
    assert "buildings" in changes.layers
    row = _case(village, case)
    assert row["state"] == "已下达拆除通知" and row["closed"] is None
    assert row["deadline"] == "2026-05-31"
    assert _building_status(village, "B2") == "残垣断壁"
    events = case_events(village, CaseKind.RUIN, row["fid"])
    assert [e["action"] for e in events] == ["open", "dispose", "advance", "revert"]
    assert (events[-1]["from_state"], events[-1]["to_state"]) == ("已拆除", "已下达拆除通知")
    audit = [a[2] for a in _audit(village)]
    assert audit[-2:] == ["case.advance", "case.advance.revert"]
    # the case can move again after the undo
    commands.run(village, AdvanceCase(case, to="demolished", date=DAY))
    assert _building_status(village, "B2") == "已拆除"


def test_revert_of_an_opening_cancels_the_case(village: GpkgStore) -> None:
    cmd = OpenRuinCase(bdcdyh("B1"), date="2026-03-01")
    commands.run(village, cmd)
    commands.undo(village, cmd)
    row = read_case(village, CaseKind.RUIN, cmd.fid)
    assert row["state"] == "已撤销" and row["closed"] is not None
    assert [e["action"] for e in case_events(village, CaseKind.RUIN, cmd.fid)] == ["open", "revert"]


# ---------------------------------------------------------------- two desks, one case
def test_two_handles_stale_edit_is_refused_never_lost(tmp_path: Path) -> None:
    path = tmp_path / "shared.gpkg"
    build_village(path).close()
    desk_a, desk_b = GpkgStore.open(path), GpkgStore.open(path)
    try:
        case = _open(desk_a, "B9")
        seen = _case(desk_a, case)["row_version"]  # what desk A's form shows
        commands.run(
            desk_b,
            DisposeRuin(
                case,
                disposition="新建审批",
                deadline="2026-06-30",
                expected_version=seen,
                note="B",
                date=DAY,
            ),
        )
        stale = DisposeRuin(
            case,
            disposition="房屋权益保全",
            deadline="2026-06-30",
            expected_version=seen,
            note="A",
            date=DAY,
        )
        with pytest.raises(QjgisError) as exc:
            commands.run(desk_a, stale)
        assert exc.value.code == "write_conflict"
        row = _case(desk_a, case)
        assert row["disposition"] == "新建审批"  # desk B's edit stands
        # an undo from desk B after desk A moved the case on is refused too
        advance = AdvanceCase(case, to="demolished", date=DAY)
        commands.run(desk_b, advance)
        commands.run(
            desk_a,
            AdvanceCase(case, to="applied", expected_version=row["row_version"] + 1, date=DAY),
        )
        with pytest.raises(QjgisError) as exc:
            commands.undo(desk_b, advance)
        assert exc.value.code == "write_conflict"
        assert _case(desk_b, case)["state"] == "已申请新建"
    finally:
        desk_a.close()
        desk_b.close()


# ---------------------------------------------------------------- append-only history
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_log SET user = 'someone' WHERE fid = 1",
        "DELETE FROM audit_log",
        "UPDATE case_events SET note = 'rewritten'",
        "DELETE FROM case_events WHERE seq = 1",
    ],
)
def test_history_is_append_only_in_the_database(village: GpkgStore, sql: str) -> None:
    _open(village, "B1")
    conn = sqlite3.connect(village.path)  # any program, not only qjgis
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    finally:
        conn.close()
    assert village.execute_sql("SELECT count(*) FROM audit_log")[0][0] == 1
    assert village.execute_sql("SELECT count(*) FROM case_events")[0][0] == 1


# ---------------------------------------------------------------- renovation
def test_renovation_c_and_d_to_moved_in_with_payments(village: GpkgStore) -> None:
    opened = {}
    for code in ("B4", "B5"):
        cmd = OpenRenovationCase(bdcdyh(code), date="2026-02-01", note="申请")
        commands.run(village, cmd)
        opened[code] = f"W{cmd.fid}"
    c, d = _case(village, opened["B4"]), _case(village, opened["B5"])
    assert (c["grade"], c["subsidy"], c["household_no"]) == ("C", 7500.0, "H3")
    assert (d["grade"], d["subsidy"], d["household_no"]) == ("D", 35000.0, "H4")
    _refused(village, RecordPayment(opened["B4"], 1000, date="2026-02-02"), "payment_refused_state")
    _refused(village, AdvanceCase(opened["B4"], to="approved"), "approval_not_allowed")
    set_role(village, "approver")
    for code, pay in (("B4", [7500.0]), ("B5", [20000.0, 15000.0])):
        case = opened[code]
        commands.run(village, AdvanceCase(case, to="approved", date="2026-03-01"))
        for amount in pay:
            commands.run(village, RecordPayment(case, amount, date="2026-03-05"))
        for to in ("under-construction", "accepted", "moved-in"):
            commands.run(village, AdvanceCase(case, to=to, date="2026-08-01"))
        assert _case(village, case)["state"] == "已入住"
        assert paid_total(village, _case(village, case)["fid"]) == sum(pay)
    _refused(village, RecordPayment(opened["B5"], 1, date="2026-08-02"), "payment_fully_paid")
    _refused(village, RecordPayment(opened["B5"], 0, date="2026-08-02"), "payment_not_positive")


def test_payment_revert_appends_the_opposite_amount(village: GpkgStore) -> None:
    cmd = OpenRenovationCase(bdcdyh("B4"), date="2026-02-01")
    commands.run(village, cmd)
    case = f"W{cmd.fid}"
    set_role(village, "approver")
    commands.run(village, AdvanceCase(case, to="approved", date="2026-03-01"))
    pay = RecordPayment(case, 5000, date="2026-03-05")
    commands.run(village, pay)
    commands.undo(village, pay)
    events = case_events(village, CaseKind.RENOVATION, cmd.fid)
    assert [e["amount"] for e in events if e["amount"] is not None] == [5000.0, -5000.0]
    assert paid_total(village, cmd.fid) == 0.0


@pytest.mark.parametrize(
    ("code", "error", "words"),
    [
        ("B6", "renovation_not_only_house", [bdcdyh("B7"), "H5"]),
        ("B8", "renovation_not_in_village", ["H6"]),
        ("B3", "renovation_not_dangerous", ["A"]),
        ("B1", "renovation_not_dangerous", ["-"]),  # a ruin has no grade
    ],
)
def test_renovation_eligibility(
    village: GpkgStore, code: str, error: str, words: list[str]
) -> None:
    err = _refused(village, OpenRenovationCase(bdcdyh(code), date=DAY), error)
    for w in words:
        assert w in err.english()


def test_renovation_override_by_approver_and_one_case_per_household(village: GpkgStore) -> None:
    _refused(
        village,
        OpenRenovationCase(bdcdyh("B6"), override_reason="x", date=DAY),
        "override_not_allowed",
    )
    set_role(village, "approver")
    cmd = OpenRenovationCase(bdcdyh("B6"), override_reason="另一处为危旧杂房", date=DAY)
    commands.run(village, cmd)
    assert read_case(village, CaseKind.RENOVATION, cmd.fid)["override_reason"] == "另一处为危旧杂房"
    _refused(village, OpenRenovationCase(bdcdyh("B6"), date=DAY), "case_exists")


def test_subsidy_follows_the_settings(village: GpkgStore) -> None:
    commands.run(village, commands.SetSettings({"subsidy.grade_c": 8000}))
    cmd = OpenRenovationCase(bdcdyh("B4"), date=DAY)
    commands.run(village, cmd)
    assert read_case(village, CaseKind.RENOVATION, cmd.fid)["subsidy"] == 8000.0


# ---------------------------------------------------------------- schema
def test_migration_from_schema_3_adds_case_tables(tmp_path: Path) -> None:
    path = tmp_path / "old.gpkg"
    GpkgStore.create(path).close()
    conn = sqlite3.connect(path)
    conn.executescript(
        "DROP TABLE ruin_cases; DROP TABLE renovation_cases; DROP TABLE case_events;"
        "DROP INDEX idx_attachments_sha256; DROP INDEX idx_attachments_entity;"
        "DELETE FROM gpkg_contents WHERE table_name IN "
        "('ruin_cases', 'renovation_cases', 'case_events');"
        "DELETE FROM gpkg_data_columns WHERE table_name IN "
        "('ruin_cases', 'renovation_cases', 'case_events');"
        "UPDATE qj_meta SET value = '3' WHERE key = 'schema_version';"
    )
    conn.commit()
    conn.close()
    with GpkgStore.open(path) as store:
        assert store.schema_version == schema.SCHEMA_VERSION == 8
        names = {r[0] for r in store.execute_sql("SELECT name FROM sqlite_master")}
        assert {
            "ruin_cases",
            "renovation_cases",
            "case_events",
            "case_events_no_update",
            "case_events_no_delete",
            "idx_attachments_sha256",
        } <= names
        titles = dict(
            store.execute_sql(
                "SELECT table_name, description FROM gpkg_contents WHERE table_name LIKE '%case%'"
            )
        )
        assert titles["ruin_cases"] == "残垣断壁整治案件"
        assert titles["renovation_cases"] == "危房改造案件"
        assert store.integrity_check() == []
    assert (tmp_path / "old.schema3.bak.gpkg").exists()


def test_audit_entries_carry_before_and_after(village: GpkgStore) -> None:
    case = _open(village, "B9")
    commands.run(
        village, DisposeRuin(case, disposition="新建审批", deadline="2026-06-30", date="2026-03-02")
    )
    before, after = village.execute_sql(
        "SELECT before, after FROM audit_log WHERE command = 'case.dispose'"
    )[0]
    assert json.loads(before)["state"] == "待处置"
    assert json.loads(after)["state"] == "待拆除"
    assert json.loads(after)["disposition"] == "新建审批"
