"""The allowed-actions query (issue 16, point 1): what may be done now and why not,
without applying anything, and in agreement with what the commands refuse.

Headless tier: nothing here imports PySide6, pytest-qt, `layers` or `ui`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_cases_support import bdcdyh, build_village, set_role

from qjgis import commands
from qjgis.cases.allowed import Allowed, can_override, for_building, for_case
from qjgis.cases.commands import (
    AdvanceCase,
    DisposeRuin,
    OpenRenovationCase,
    OpenRuinCase,
    RecordPayment,
    read_case,
)
from qjgis.cases.model import CaseKind, Disposition
from qjgis.errors import QjgisError
from qjgis.store import GpkgStore
from ui.texts import t


@pytest.fixture
def village(tmp_path: Path) -> GpkgStore:
    store = build_village(tmp_path / "village.gpkg")
    yield store
    store.close()


def _open_ruin(store: GpkgStore, code: str) -> int:
    cmd = OpenRuinCase(bdcdyh(code), date="2026-03-01")
    commands.run(store, cmd)
    assert cmd.fid is not None
    return cmd.fid


def _by(items: list[Allowed], action: str, target: str | None = None) -> Allowed:
    (one,) = [a for a in items if a.action == action and a.target == target]
    return one


def _codes(a: Allowed) -> list[str]:
    return [e.code for e in a.reasons]


def _counts(store: GpkgStore) -> tuple[int, ...]:
    return tuple(
        store.execute_sql(f"SELECT count(*), coalesce(sum(row_version), 0) FROM {t}")[0][0]
        for t in ("ruin_cases", "renovation_cases", "buildings")
    ) + tuple(
        store.execute_sql(f"SELECT count(*) FROM {t}")[0][0] for t in ("case_events", "audit_log")
    )


def test_dispositions_of_a_ruin_on_the_only_homestead(village: GpkgStore) -> None:
    fid = _open_ruin(village, "B1")  # H1: one homestead, no finding
    items = for_case(village, CaseKind.RUIN, fid)
    demolish = _by(items, "dispose", Disposition.SELF_DEMOLITION.value)
    assert not demolish.possible and demolish.overridable
    assert _codes(demolish) == ["case_needs_illegal_finding"]
    assert demolish.reasons[0].params["household"] == "H1"
    assert demolish.needs == ("deadline",)
    reinforce = _by(items, "dispose", Disposition.REINFORCEMENT.value)
    assert reinforce.possible and reinforce.needs == ("owner_keeps", "feasible")
    assert _by(items, "dispose", Disposition.NEW_BUILD.value).possible
    # pending: the only move is cancellation, which needs a note
    assert _by(items, "advance", "已撤销").needs == ("note",)
    assert [a.target for a in items if a.action == "advance"] == ["已撤销"]
    assert _by(items, "attach").possible
    assert not [a for a in items if a.action == "pay"]


def test_a_second_homestead_may_only_be_ordered_demolished(village: GpkgStore) -> None:
    fid = _open_ruin(village, "B2")  # H2: two homesteads and a confirmed 一户多宅
    items = for_case(village, CaseKind.RUIN, fid)
    assert _by(items, "dispose", Disposition.SELF_DEMOLITION.value).possible
    for d in (Disposition.REINFORCEMENT, Disposition.NEW_BUILD, Disposition.PRESERVATION):
        a = _by(items, "dispose", d.value)
        assert _codes(a) == ["case_not_only_homestead"] and a.overridable
        assert a.reasons[0].params["count"] == 2


def test_a_closed_case_allows_attaching_only(village: GpkgStore) -> None:
    fid = _open_ruin(village, "B1")
    case = f"R{fid}"
    commands.run(
        village,
        DisposeRuin(case, disposition="reinforcement", owner_keeps=True, feasible=True),
    )
    commands.run(village, AdvanceCase(case, to="in-progress"))
    items = for_case(village, CaseKind.RUIN, fid)
    assert [a.target for a in items if a.action == "advance"] == ["加固已验收", "已撤销"]
    assert _codes(_by(items, "dispose", Disposition.NEW_BUILD.value)) == ["case_already_disposed"]
    # the acceptance is an approval: the reviewer sees it impossible, and why
    accept = _by(items, "advance", "加固已验收")
    assert _codes(accept) == ["approval_not_allowed"] and not accept.overridable
    assert _by(items, "advance", "已撤销").possible
    set_role(village, "approver")
    assert _by(for_case(village, CaseKind.RUIN, fid), "advance", "加固已验收").possible
    commands.run(village, AdvanceCase(case, to="accepted"))
    items = for_case(village, CaseKind.RUIN, fid)
    assert [a.action for a in items if a.possible] == ["attach"]
    advance = _by(items, "advance")
    assert _codes(advance) == ["case_closed"] and not advance.overridable


def test_opening_on_a_building(village: GpkgStore) -> None:
    ruin, renovation = for_building(village, bdcdyh("B4"))  # C house, only house
    assert _codes(ruin) == ["not_a_ruin"] and not ruin.overridable
    assert renovation.possible
    ruin, renovation = for_building(village, bdcdyh("B1"))
    assert ruin.possible and _codes(renovation) == ["renovation_not_dangerous"]
    _, renovation = for_building(village, bdcdyh("B6"))  # D, holds another house
    assert _codes(renovation) == ["renovation_not_only_house"] and renovation.overridable
    _, renovation = for_building(village, bdcdyh("B8"))  # lives elsewhere
    assert _codes(renovation) == ["renovation_not_in_village"] and renovation.overridable
    _open_ruin(village, "B1")
    ruin, _ = for_building(village, bdcdyh("B1"))
    assert _codes(ruin) == ["case_exists"] and ruin.reasons[0].params["case"].startswith("R")
    with pytest.raises(QjgisError) as exc:
        for_building(village, "nope")
    assert exc.value.code == "building_not_found"


def test_payment_limit_follows_what_was_paid(village: GpkgStore) -> None:
    cmd = OpenRenovationCase(bdcdyh("B4"), date="2026-02-01")
    commands.run(village, cmd)
    case, fid = f"W{cmd.fid}", cmd.fid
    assert _codes(_by(for_case(village, CaseKind.RENOVATION, fid), "pay")) == [
        "payment_refused_state"
    ]
    set_role(village, "approver")
    commands.run(village, AdvanceCase(case, to="approved", date="2026-03-01"))
    assert _by(for_case(village, CaseKind.RENOVATION, fid), "pay").max_amount == 7500.0
    commands.run(village, RecordPayment(case, 5000, date="2026-03-02"))
    pay = _by(for_case(village, CaseKind.RENOVATION, fid), "pay")
    assert pay.possible and pay.max_amount == 2500.0
    with pytest.raises(QjgisError) as exc:  # above what is left: the amount is the problem
        commands.run(village, RecordPayment(case, 2500.01, date="2026-03-02"))
    assert exc.value.code == "payment_over_subsidy"
    words = t("err.payment_over_subsidy", "zh", **exc.value.params)
    assert "拨付 2,500.01 元后累计将达 7,500.01 元，超过核定补助 7,500.00 元" in words
    commands.run(village, RecordPayment(case, 2500, date="2026-03-02"))
    pay = _by(for_case(village, CaseKind.RENOVATION, fid), "pay")
    assert _codes(pay) == ["payment_fully_paid"] and pay.max_amount is None


def test_the_query_writes_nothing(village: GpkgStore) -> None:
    fid = _open_ruin(village, "B2")
    before = _counts(village)
    for_case(village, CaseKind.RUIN, fid)
    for code in ("B1", "B4", "B6", "B8"):
        for_building(village, bdcdyh(code))
    assert _counts(village) == before


def _dispose_kwargs(a: Allowed) -> dict[str, Any]:
    kw: dict[str, Any] = {"disposition": a.target, "date": "2026-03-05"}
    if "deadline" in a.needs:
        kw["deadline"] = "2026-06-30"
    if "owner_keeps" in a.needs:
        kw |= {"owner_keeps": True, "feasible": True}
    return kw


@pytest.mark.parametrize("code", ["B1", "B2", "B9", "B11"])
@pytest.mark.parametrize("role", ["reviewer", "approver"])
def test_the_query_agrees_with_the_commands(village: GpkgStore, code: str, role: str) -> None:
    """Every disposition the query calls possible goes through; every one it refuses is
    refused by the command with the same code, and goes through with an override exactly
    when the query says an approver may override it."""
    set_role(village, role)
    fid = _open_ruin(village, code)
    case = f"R{fid}"
    assert can_override(village) == (role == "approver")
    for a in for_case(village, CaseKind.RUIN, fid):
        if a.action != "dispose":
            continue
        cmd = DisposeRuin(case, **_dispose_kwargs(a))
        if a.possible:
            commands.run(village, cmd)
            commands.undo(village, cmd)
            continue
        with pytest.raises(QjgisError) as exc:
            commands.run(village, DisposeRuin(case, **_dispose_kwargs(a)))
        assert exc.value.code == a.reasons[0].code
        over = DisposeRuin(case, override_reason="现场核实", **_dispose_kwargs(a))
        if a.overridable and can_override(village):
            commands.run(village, over)
            assert read_case(village, CaseKind.RUIN, fid)["override_reason"] == "现场核实"
            commands.undo(village, over)
        else:
            with pytest.raises(QjgisError):
                commands.run(village, over)
