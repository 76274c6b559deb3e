"""Issue 11's domain corrections, one case per point, on small real projects.

Each test names the point it shows; each fails on the code before the fix (the
report lists how that was checked). Projects come from `test_checks_rules.build`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_cases_support import set_role
from test_checks_rules import (
    AS_OF,
    box,
    build,
    household,
    keys,
    person_id,
    run,
    zddm,
)

from qjgis import codes, commands
from qjgis.cases.commands import DisposeRuin, OpenRenovationCase, OpenRuinCase, read_case
from qjgis.cases.locate import homestead_parcels, link_parcels
from qjgis.cases.model import CaseKind
from qjgis.checks.base import Severity
from qjgis.checks.context import CheckContext
from qjgis.checks.engine import evaluate
from qjgis.errors import QjgisError
from qjgis.settings import validate
from qjgis.store import GpkgStore


def unit(parcel: str, fixture: str = "F", number: str = "00010001") -> str:
    return parcel + fixture + number


# ==================================================================== point 1
def _national_layer(tmp_path: Path, **building: Any) -> GpkgStore:
    """Parcels as a national-standard layer delivers them: no 户号, the holder's ID only."""
    h, m = household("H1", 3, first=1)
    return build(
        tmp_path / "p.gpkg",
        parcels=[{"geom": box(0, 0, 20, 20), "zddm": zddm(1), "holder_id": person_id(2)}],
        buildings=[{"geom": box(2, 2, 10, 10), "bdcdyh": unit(zddm(1)), **building}],
        households=[{**h, "lives_in_village": True}],
        members=m,
    )


def test_point1_cases_link_by_any_members_id_without_a_household_no(tmp_path: Path) -> None:
    store = _national_layer(tmp_path, status="在用", danger_grade="D")
    cmd = OpenRenovationCase(unit(zddm(1)), date="2026-03-01")
    commands.run(store, cmd)  # before: renovation_no_household, even for an approver
    assert read_case(store, CaseKind.RENOVATION, cmd.fid)["household_no"] == "H1"


def test_point1_reinforcement_of_an_only_homestead_linked_by_id(tmp_path: Path) -> None:
    store = _national_layer(tmp_path, status="残垣断壁")
    opened = OpenRuinCase(unit(zddm(1)), date="2026-03-01")
    commands.run(store, opened)
    case = f"R{opened.fid}"
    assert read_case(store, CaseKind.RUIN, opened.fid)["household_no"] == "H1"
    commands.run(
        store,
        DisposeRuin(case, disposition="排危加固", owner_keeps=True, feasible=True, date=AS_OF),
    )
    assert read_case(store, CaseKind.RUIN, opened.fid)["disposition"] == "排危加固"


def test_point1_cases_and_checks_link_every_parcel_alike(tmp_path: Path) -> None:
    """The cases' targeted link and the checks' district-wide one are one rule."""
    h1, m1 = household("H1", 3, first=1)
    h2, m2 = household("H2", 2, first=10)
    h3, m3 = household("H3", 2, first=20)
    m3[1]["id_number"] = person_id(11)  # one ID in two households: it links neither
    lower_x = next(person_id(k) for k in range(30, 200) if person_id(k).endswith("X"))
    h4, m4 = household("H4", 1, first=0)
    m4[0]["id_number"] = lower_x
    fifteen = person_id(3, year=1965)
    h5, m5 = household("H5", 1, first=0)
    m5[0]["id_number"] = fifteen
    parcels = [
        {"zddm": zddm(1), "household_no": "H1"},  # by 户号
        {"zddm": zddm(2), "household_no": "H9", "holder_id": person_id(2)},  # 户号 unknown
        {"zddm": zddm(3), "holder_id": person_id(11)},  # ambiguous ID: no link
        {"zddm": zddm(4), "holder_id": lower_x.lower()},  # lower-case x
        {"zddm": zddm(5), "holder_id": fifteen[:6] + fifteen[8:17]},  # 15 digits
        {"zddm": zddm(6)},  # nothing: co-holder below
        {"zddm": zddm(7), "holder_id": "500110199901011234"},  # a stranger
        {"zddm": zddm(8)},  # primary holder row
    ]
    for k, p in enumerate(parcels):
        p["geom"] = box(30 * k, 0, 10, 10)
    store = build(
        tmp_path / "p.gpkg",
        parcels=parcels,
        households=[h1, h2, h3, h4, h5],
        members=m1 + m2 + m3 + m4 + m5,
        holders=[
            {"parcel": 5, "id_number": person_id(10)},
            {"parcel": 7, "id_number": person_id(20), "is_primary": True},
        ],
    )
    ctx = CheckContext(store, as_of=AS_OF)
    expected = {
        int(f): (str(ctx.household_keys[h]) if h >= 0 else None)
        for f, h in zip(ctx.parcels.fids, ctx.parcel_household, strict=True)
    }
    assert list(expected.values()) == ["H1", "H1", None, "H4", "H5", "H2", None, "H3"]
    assert link_parcels(store, list(expected)) == expected
    assert homestead_parcels(store, "H1") == [int(ctx.parcels.fids[0]), int(ctx.parcels.fids[1])]


# ==================================================================== point 2
def _plots(tmp_path: Path, extra: list[dict[str, Any]], **hh: Any) -> GpkgStore:
    h, m = household("H1", 3, first=1, **hh)
    parcels = [
        {"geom": box(40 * k, 0, 8, 8), "zddm": zddm(k + 1), "household_no": "H1",
         "acquired": "2000-05-01", **e}
        for k, e in enumerate(extra)
    ]  # fmt: skip
    return build(tmp_path / "p.gpkg", parcels=parcels, households=[h], members=m)


def test_point2_one_exempt_plot_does_not_exempt_the_others(tmp_path: Path) -> None:
    store = _plots(tmp_path, [{}, {}, {"acquisition_mode": "继承"}])
    (f,) = run(store, "QJ-R001").findings
    assert f.exemption is None and f.severity == Severity.ERROR  # before: "inheritance"
    assert f.evidence["homesteads"] == 3 and f.evidence["not_exempt"] == 2
    assert [p["exemption"] for p in f.evidence["parcels"]] == [None, None, "inheritance"]


def test_point2_each_plot_carries_its_own_exemption(tmp_path: Path) -> None:
    store = _plots(
        tmp_path,
        [{}, {"acquisition_mode": "继承"}, {"disposal": "拟复垦"}, {"acquired": "1980-01-01"}],
    )
    (f,) = run(store, "QJ-R001").findings
    assert f.exemption == "inheritance" and f.severity == Severity.INFO
    assert f.evidence["exemptions"] == ["inheritance", "historical", "reclamation"]
    assert [p["exemption"] for p in f.evidence["parcels"]] == [
        None,
        "inheritance",
        "reclamation",
        "historical",
    ]


def test_point2_a_split_stays_household_wide(tmp_path: Path) -> None:
    store = _plots(tmp_path, [{}, {}, {}], split_status="申请中")
    (f,) = run(store, "QJ-R001").findings
    assert f.exemption == "split" and f.evidence["not_exempt"] == 3


# ==================================================================== point 4
@pytest.mark.parametrize(
    ("fixture", "number", "found"),
    [("F", "00010001", False), ("L", "00010001", True), ("Q", "00010001", True),
     ("W", "00000000", True)],
)  # fmt: skip
def test_point4_a_buildings_unit_code_names_a_house(
    tmp_path: Path, fixture: str, number: str, found: bool
) -> None:
    code = unit(zddm(1), fixture, number)
    store = build(
        tmp_path / "p.gpkg",
        parcels=[{"geom": box(0, 0, 20, 20), "zddm": zddm(1)}],
        buildings=[{"geom": box(2, 2, 8, 8), "bdcdyh": code, "zddm": zddm(1)}],
    )
    res = run(store, "QJ-R008")
    assert (code in keys(res)) is found
    if found:
        assert res.findings[0].evidence["problems"] == ["code.fixture_not_house"]
    assert codes.check_bdcdyh(code).ok  # as a unit code in general it is well formed


def test_point4_unit_code_against_the_parcel_it_lies_in(tmp_path: Path) -> None:
    store = build(
        tmp_path / "p.gpkg",
        parcels=[
            {"geom": box(0, 0, 20, 20), "zddm": zddm(1)},
            {"geom": box(30, 0, 20, 20), "zddm": zddm(2)},
        ],
        buildings=[
            # recorded right, unit code of the neighbour: missed before
            {"geom": box(2, 2, 8, 8), "bdcdyh": unit(zddm(2)), "zddm": zddm(1)},
            # recorded wrong, unit code right: the two disagree with each other too
            {"geom": box(32, 2, 8, 8), "bdcdyh": unit(zddm(2), number="00020001"),
             "zddm": zddm(1)},
            # both right
            {"geom": box(42, 2, 6, 6), "bdcdyh": unit(zddm(2), number="00030001"),
             "zddm": zddm(2)},
        ],
    )  # fmt: skip
    found = {f.key: f.evidence for f in run(store, "QJ-R012").findings}
    assert set(found) == {unit(zddm(2)), unit(zddm(2), number="00020001")}
    first = found[unit(zddm(2))]
    assert first["problems"] == ["unit_code_differs"]
    assert first["actual_parcel"] == zddm(1) and first["unit_code_parcel"] == zddm(2)
    assert first["recorded_matches_unit_code"] is False
    second = found[unit(zddm(2), number="00020001")]
    assert second["problems"] == ["recorded_parcel_differs"]
    assert second["recorded_matches_unit_code"] is False


# ==================================================================== point 5
@pytest.mark.parametrize(
    ("acquired", "pzmj", "expected", "severity", "tier", "lawful"),
    [
        ("1980-01-01", None, "historical", Severity.INFO, "before_tier1", 90.0),
        ("1985-01-01", None, None, Severity.WARNING, "historical_to_handle", 90.0),
        ("2000-01-01", None, None, Severity.ERROR, "after_tier2", 90.0),
        ("2000-01-01", 100.0, None, Severity.ERROR, "after_tier2", 100.0),
        ("2000-01-01", 115.0, "not found", None, None, None),  # lawful by its approval
    ],
)
def test_point5_tiers_and_the_approved_area(
    tmp_path: Path,
    acquired: str,
    pzmj: float | None,
    expected: str | None,
    severity: Severity | None,
    tier: str | None,
    lawful: float | None,
) -> None:
    h, m = household("H1", 3, first=1)
    store = build(
        tmp_path / "p.gpkg",
        parcels=[{"geom": box(0, 0, 10, 12), "zddm": zddm(1), "household_no": "H1",
                  "land_type": "非耕地", "acquired": acquired, "pzmj": pzmj}],
        households=[h],
        members=m,
    )  # fmt: skip
    res = run(store, "QJ-R003")
    if expected == "not found":
        assert res.findings == []  # 120 m² within 115 + 10 approved
        return
    (f,) = res.findings
    assert f.exemption == expected and f.severity == severity
    ev = f.evidence
    assert ev["tier"] == tier and ev["lawful_m2"] == lawful
    assert ev["standard_m2"] == 90.0 and ev["approved_m2"] == pzmj and ev["area_m2"] == 120.0
    assert ev["excess_m2"] == round(120.0 - lawful, 2)  # type: ignore[operator]


# ==================================================================== point 6
def _new_and_old(
    tmp_path: Path,
    name: str,
    *,
    new: dict[str, Any],
    new_year: int | None = None,
    old_year: int | None = 1995,
    old: dict[str, Any] | None = None,
    settings: dict[str, Any] | None = None,
) -> GpkgStore:
    h, m = household("H1", 3, first=1)
    return build(
        tmp_path / name,
        parcels=[
            {"geom": box(0, 0, 12, 12), "zddm": zddm(1), "household_no": "H1", **(old or {})},
            {"geom": box(40, 0, 12, 12), "zddm": zddm(2), "household_no": "H1", **new},
        ],
        buildings=[
            {"geom": box(2, 2, 6, 6), "bdcdyh": unit(zddm(1)), "zddm": zddm(1),
             "year_built": old_year},
            {"geom": box(42, 2, 6, 6), "bdcdyh": unit(zddm(2)), "zddm": zddm(2),
             "year_built": new_year},
        ],
        households=[h],
        members=m,
        settings=settings,
    )  # fmt: skip


def test_point6_approval_without_a_duty_to_demolish(tmp_path: Path) -> None:
    approved = {"approval_no": "綦江宅批〔2025〕017号", "approval_date": "2025-11-20"}
    store = _new_and_old(tmp_path, "a.gpkg", new=approved)
    (f,) = run(store, "QJ-R002").findings  # before: nothing without SFCJ and a deadline
    assert f.key == zddm(1) and f.severity == Severity.WARNING
    ev = f.evidence
    assert ev["trigger"] == "approval" and ev["approval_date"] == "2025-11-20"
    assert ev["due"] == "2026-05-20" and ev["demolish_within_months"] == 6
    assert ev["standing_buildings"] == [
        {"building": unit(zddm(1)), "year_built": 1995, "status": "在用"}
    ]
    assert [e.key for e in f.entities] == [zddm(1), "H1", zddm(2), unit(zddm(1))]
    # Within the months after the approval: not yet.
    assert run(store, "QJ-R002", dt.date(2026, 5, 20)).findings == []
    # The setting decides how long.
    longer = _new_and_old(
        tmp_path, "b.gpkg", new=approved, settings={"check.demolish_within_months": 12}
    )
    assert run(longer, "QJ-R002").findings == []
    # A number without a date: the year it carries, from its end.
    number_only = _new_and_old(tmp_path, "c.gpkg", new={"approval_no": "綦江宅批〔2024〕9号"})
    (f,) = run(number_only, "QJ-R002").findings
    assert f.evidence["approval_date"] == "2024-12-31" and f.evidence["due"] == "2025-06-30"


def test_point6_a_newer_house_and_the_old_one_standing(tmp_path: Path) -> None:
    store = _new_and_old(tmp_path, "a.gpkg", new={}, new_year=2020)
    (f,) = run(store, "QJ-R002").findings
    assert f.evidence["trigger"] == "newer_building" and f.evidence["new_year_built"] == 2020
    assert f.evidence["new_building"] == unit(zddm(2)) and f.evidence["due"] == "2021-06-30"
    same_year = _new_and_old(tmp_path, "b.gpkg", new={}, new_year=1995)
    assert run(same_year, "QJ-R002").findings == []
    inherited = _new_and_old(
        tmp_path, "c.gpkg", new={}, new_year=2020, old={"acquisition_mode": "继承"}
    )
    assert run(inherited, "QJ-R002").findings == []


def test_point6_setting_is_validated() -> None:
    assert validate("check.demolish_within_months", "8") == 8
    for bad in (-1, 2.5, "soon", 1000):
        with pytest.raises(QjgisError):
            validate("check.demolish_within_months", bad)


# ==================================================================== point 8
def test_point8_self_demolition_on_a_pending_finding_needs_an_approver(tmp_path: Path) -> None:
    from test_cases_support import add_finding, bdcdyh, build_village

    store = build_village(tmp_path / "v.gpkg", findings=False)
    add_finding(store, "QJ-R001", "H2", [{"kind": "household", "key": "H2"}])  # pending
    opened = OpenRuinCase(bdcdyh("B2"), date="2026-03-01")
    commands.run(store, opened)
    case = f"R{opened.fid}"
    order = {"disposition": "责令自行拆除", "deadline": "2026-06-30", "date": "2026-03-02"}
    with pytest.raises(QjgisError) as err:
        commands.run(store, DisposeRuin(case, **order))
    assert err.value.code == "case_needs_illegal_finding"  # before: the pending one sufficed
    with pytest.raises(QjgisError) as err:  # a reviewer cannot override
        commands.run(store, DisposeRuin(case, override_reason="村里要求", **order))
    assert err.value.code == "override_not_allowed"
    set_role(store, "approver")
    commands.run(store, DisposeRuin(case, override_reason="危及公共安全，先行拆除", **order))
    event = store.execute_sql(
        "SELECT action, override_reason, role FROM case_events ORDER BY fid DESC LIMIT 1"
    )[0]
    assert event == ("dispose", "危及公共安全，先行拆除", "approver")
    (after,) = store.execute_sql(
        "SELECT after FROM audit_log WHERE command = 'case.dispose' ORDER BY fid DESC LIMIT 1"
    )[0]
    assert json.loads(after)["override_reason"] == "危及公共安全，先行拆除"


# ==================================================================== point 9
@pytest.mark.parametrize(
    ("county", "severity", "problems", "warnings"),
    [
        ("500110", None, None, None),
        ("500112", Severity.ERROR, ["code.other_county"], []),
        ("500222", Severity.WARNING, [], ["code.old_county_code"]),
    ],
)
def test_point9_county_part_of_the_parcel_code(
    tmp_path: Path,
    county: str,
    severity: Severity | None,
    problems: list[str] | None,
    warnings: list[str] | None,
) -> None:
    code = county + zddm(1)[6:]
    store = build(tmp_path / "p.gpkg", parcels=[{"geom": box(0, 0, 20, 20), "zddm": code}])
    res = run(store, "QJ-R008")
    if severity is None:
        assert res.findings == []
        return
    (f,) = res.findings  # before: 500112 passed silently, and 500222 too
    assert f.key == code and f.severity == severity and f.exemption is None
    assert f.evidence["problems"] == problems and f.evidence["warnings"] == warnings


def test_point9_the_projects_county_decides(tmp_path: Path) -> None:
    store = build(
        tmp_path / "p.gpkg",
        parcels=[{"geom": box(0, 0, 20, 20), "zddm": zddm(1)}],
        settings={"district.county_code": "500112"},
    )
    (f,) = run(store, "QJ-R008").findings
    assert f.evidence["problems"] == ["code.other_county"]


# ==================================================================== point 10
def test_point10_only_homestead_parcels_count_for_eligibility(tmp_path: Path) -> None:
    h, m = household("H1", 3, first=1)
    store = build(
        tmp_path / "p.gpkg",
        parcels=[
            {"geom": box(0, 0, 20, 20), "zddm": zddm(1), "household_no": "H1"},
            # the household's workshop plot (工业用地), with a shed on it: not a homestead
            {"geom": box(40, 0, 20, 20), "zddm": zddm(2), "household_no": "H1", "yt": "0601"},
            # a reclaimed plot is no homestead either
            {"geom": box(80, 0, 20, 20), "zddm": zddm(3), "household_no": "H1",
             "disposal": "已复垦"},
        ],
        buildings=[
            {"geom": box(2, 2, 8, 8), "bdcdyh": unit(zddm(1)), "status": "在用",
             "danger_grade": "C"},
            {"geom": box(42, 2, 8, 8), "bdcdyh": unit(zddm(2)), "status": "在用"},
        ],
        households=[{**h, "lives_in_village": True}],
        members=m,
    )  # fmt: skip
    assert len(homestead_parcels(store, "H1")) == 1
    assert keys(run(store, "QJ-R001")) == {}  # the checks' count: one homestead
    set_role(store, "reviewer")  # no override: eligibility must hold by itself
    cmd = OpenRenovationCase(unit(zddm(1)), date="2026-03-01")
    commands.run(store, cmd)  # before: "holds another house" (the shed on the workshop plot)
    assert read_case(store, CaseKind.RENOVATION, cmd.fid)["grade"] == "C"


# ==================================================================== point 11
def _beyond(tmp_path: Path, name: str, *, settings: dict[str, Any] | None = None) -> GpkgStore:
    return build(
        tmp_path / name,
        parcels=[
            {"geom": box(0, 0, 20, 20), "zddm": zddm(1)},
            {"geom": box(20, 0, 20, 20), "zddm": zddm(2)},
            {"geom": box(100, 0, 20, 20), "zddm": zddm(3)},
        ],
        buildings=[
            # 36 % outside its parcel, below its lower edge: the held-out district's case
            {"geom": box(2, -4.5, 10, 12.5), "bdcdyh": unit(zddm(1)), "zddm": zddm(1)},
            # 2 % outside: under check.beyond_share
            {"geom": box(2, 12, 10, 8.16), "bdcdyh": unit(zddm(1), number="00020001"),
             "zddm": zddm(1)},
            # across two parcels (QJ-R005), two thirds in one, 20 % outside both: both rules
            {"geom": box(10, 15, 12, 6.25), "bdcdyh": unit(zddm(2)), "zddm": zddm(2)},
            # almost wholly outside (QJ-R004): never QJ-R016
            {"geom": box(100, -10, 10, 10.2), "bdcdyh": unit(zddm(3)), "zddm": zddm(3)},
            # 0.9 m² outside, 10 % of a small shed: under check.beyond_m2
            {"geom": box(110, 17.3, 3, 3), "bdcdyh": unit(zddm(3), number="00020001"),
             "zddm": zddm(3)},
        ],
        settings=settings,
    )  # fmt: skip


def test_point11_building_beyond_its_parcel(tmp_path: Path) -> None:
    store = _beyond(tmp_path, "a.gpkg")
    ev = evaluate(store, ["QJ-R004", "QJ-R005", "QJ-R016"], as_of=AS_OF)
    found = {f.key: f for f in ev.results["QJ-R016"].findings}
    assert set(found) == {unit(zddm(1)), unit(zddm(2))}  # before: no rule found the first
    f = found[unit(zddm(1))]
    assert f.severity == Severity.WARNING
    assert f.evidence["footprint_m2"] == 125.0 and f.evidence["outside_m2"] == 45.0
    assert f.evidence["outside_share"] == 0.36 and f.evidence["largest_share"] == 0.64
    assert f.evidence["largest_parcel"] == zddm(1)
    assert [e.key for e in f.entities] == [unit(zddm(1)), zddm(1)]
    assert found[unit(zddm(2))].evidence["outside_m2"] == 15.0
    assert set(keys(ev.results["QJ-R005"])) == {unit(zddm(2))}
    assert set(keys(ev.results["QJ-R004"])) == {unit(zddm(3))}
    # Settings move the thresholds.
    strict = _beyond(
        tmp_path, "b.gpkg", settings={"check.beyond_share": 0.01, "check.beyond_m2": 0.5}
    )
    assert set(keys(run(strict, "QJ-R016"))) == {
        unit(zddm(1)),
        unit(zddm(1), number="00020001"),
        unit(zddm(2)),
        unit(zddm(3), number="00020001"),
    }


def test_point11_settings_are_validated() -> None:
    assert validate("check.beyond_m2", "2.5") == 2.5
    assert validate("check.beyond_share", 0.1) == 0.1
    for key, bad in (
        ("check.beyond_m2", -1),
        ("check.beyond_share", 0.9),
        ("check.beyond_m2", "x"),
    ):
        with pytest.raises(QjgisError):
            validate(key, bad)


def test_point11_shares_are_exact_where_parcels_overlap(tmp_path: Path) -> None:
    """Two overlapping parcels must not count the overlap twice as "inside"."""
    store = build(
        tmp_path / "p.gpkg",
        parcels=[
            {"geom": box(0, 0, 20, 20), "zddm": zddm(1)},
            {"geom": box(0, 0, 20, 20), "zddm": zddm(2)},
        ],
        buildings=[{"geom": box(2, -5, 10, 15), "bdcdyh": unit(zddm(1)), "zddm": zddm(1)}],
    )
    (f,) = run(store, "QJ-R016").findings
    assert f.evidence["outside_m2"] == 50.0 and np.isclose(
        f.evidence["outside_share"], 1 / 3, atol=1e-4
    )


def test_points4_9_the_code_checks_themselves() -> None:
    other = "500112108001JC00001"
    assert codes.check_zddm(other).ok  # no district given: any real county passes
    check = codes.check_zddm(other, county_code="500110")
    assert check.errors == (codes.CodeProblem.OTHER_COUNTY,) and check.normalized is None
    legacy = codes.check_zddm("500222108001JC00001", county_code="500110")
    assert legacy.ok and legacy.warnings == (codes.CodeProblem.OLD_COUNTY_CODE,)
    assert codes.check_zddm(zddm(1), county_code="500110").ok
    for fixture, number in (("W", "00000000"), ("L", "00010001"), ("Q", "00010001")):
        code = unit(zddm(1), fixture, number)
        assert codes.check_bdcdyh(code).ok
        house = codes.check_bdcdyh(code, building=True)
        assert house.errors == (codes.CodeProblem.FIXTURE_NOT_HOUSE,)
    assert codes.check_bdcdyh(unit(zddm(1)), building=True, county_code="500110").ok
    bad = codes.check_bdcdyh(unit(zddm(1), "X"), building=True)
    assert bad.errors == (codes.CodeProblem.BAD_FIXTURE_LETTER,)  # not also "not a house"
