"""Each rule on small real projects built for it; the engine's contract.

Projects are GeoPackages written with `GpkgStore.create` and `insert_features`
in tmp_path; `build` below takes rows as dicts.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qjgis.checks.base import EntityKind, RuleResult, Severity
from qjgis.checks.engine import evaluate
from qjgis.errors import QjgisError
from qjgis.feedback import NullFeedback
from qjgis.store import GpkgStore

X0, Y0 = 36_400_000.0, 3_200_000.0
VILLAGE_A = "500110108200"
VILLAGE_B = "500110108201"


def box(x: float, y: float, w: float, h: float) -> Any:
    """A rectangle at (x, y) metres from the test origin."""
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


def zddm(serial: int, village: int = 200) -> str:
    """A well-formed homestead 宗地代码 of the test villages."""
    return f"500110108{village:03d}JC{serial:05d}"


def _columns(rows: Sequence[dict[str, Any]]) -> dict[str, np.ndarray]:
    names: list[str] = []
    for r in rows:
        names += [k for k in r if k != "geom" and k not in names]
    out = {}
    for name in names:
        arr = np.empty(len(rows), dtype=object)
        arr[:] = [r.get(name) for r in rows]
        out[name] = arr
    return out


def build(
    path: Path,
    *,
    parcels: Sequence[dict[str, Any]] = (),
    buildings: Sequence[dict[str, Any]] = (),
    households: Sequence[dict[str, Any]] = (),
    members: Sequence[dict[str, Any]] = (),
    holders: Sequence[dict[str, Any]] = (),
    villages: Sequence[dict[str, Any]] | None = None,
    settings: dict[str, Any] | None = None,
) -> GpkgStore:
    """A project with the given rows; `holders` name parcels by index in `parcels`."""
    store = GpkgStore.create(path, settings=settings)
    if villages is None:
        villages = [
            {"geom": box(-1000, -1000, 2000, 3000), "code": VILLAGE_A, "name": "甲村"},
            {"geom": box(1000, -1000, 2000, 3000), "code": VILLAGE_B, "name": "乙村"},
        ]
    with store.transaction() as conn:
        if villages:
            store.insert_features(
                conn,
                "villages",
                np.array([v["geom"] for v in villages], dtype=object),
                _columns(villages),
            )
        fids = np.empty(0, dtype=np.int64)
        if parcels:
            rows = [{"village_code": VILLAGE_A, "yt": "0702", **p} for p in parcels]
            for r in rows:
                if "zdmj" not in r and r.get("geom") is not None:
                    r["zdmj"] = round(float(shapely.area(r["geom"])), 2)
            fids = store.insert_features(
                conn,
                "parcels",
                np.array([r.get("geom") for r in rows], dtype=object),
                _columns(rows),
            )
        if buildings:
            rows = [{"status": "在用", **b} for b in buildings]
            store.insert_features(
                conn, "buildings", np.array([r["geom"] for r in rows], dtype=object), _columns(rows)
            )
        if households:
            rows = [{"village_code": VILLAGE_A, "split_status": "无", **h} for h in households]
            store.insert_rows(conn, "households", _columns(rows))
        if members:
            store.insert_rows(conn, "members", _columns(list(members)))
        if holders:
            rows = [
                {
                    "parcel_fid": int(fids[h["parcel"]]),
                    "is_primary": h.get("is_primary", False),
                    **{k: v for k, v in h.items() if k not in ("parcel", "is_primary")},
                }
                for h in holders
            ]
            store.insert_rows(conn, "parcel_holders", _columns(rows))
    return store


def person_id(n: int, year: int = 1970) -> str:
    """A valid 18-digit ID number of the district, distinct for each n (0..999)."""
    from qjgis.codes import id_check_char

    body = f"500110{year:04d}0101{n:03d}"
    return body + id_check_char(body)


def household(no: str, size: int, *, first: int, **extra: Any) -> tuple[dict, list[dict]]:
    """A household row and its `size` members with IDs person_id(first..first+size-1)."""
    h = {"household_no": no, "head_id": person_id(first), **extra}
    m = [
        {
            "household_no": no,
            "seq": k + 1,
            "name": f"成员{first + k}",
            "id_number": person_id(first + k),
        }
        for k in range(size)
    ]
    return h, m


# ==================================================================== the rules
AS_OF = dt.date(2026, 6, 30)


def run(store: GpkgStore, rule_id: str, as_of: dt.date = AS_OF) -> RuleResult:
    return evaluate(store, [rule_id], as_of=as_of).results[rule_id]


def keys(result: RuleResult) -> dict[str, str | None]:
    return {f.key: f.exemption for f in result.findings}


def _two_plots(tmp_path: Path, second: dict[str, Any], **hh: Any) -> GpkgStore:
    h, m = household("H1", 3, first=1, **hh)
    return build(
        tmp_path / "p.gpkg",
        parcels=[
            {"geom": box(0, 0, 8, 8), "zddm": zddm(1), "household_no": "H1",
             "acquired": "2000-05-01"},
            {"geom": box(30, 0, 8, 8), "zddm": zddm(2), "household_no": "H1",
             "acquired": "2010-05-01", **second},
        ],
        households=[h],
        members=m,
    )  # fmt: skip


def test_r001_two_homesteads_without_exemption(tmp_path: Path) -> None:
    store = _two_plots(tmp_path, {})
    res = run(store, "QJ-R001")
    assert keys(res) == {"H1": None}
    f = res.findings[0]
    assert f.severity == Severity.ERROR and f.entity_kind == EntityKind.HOUSEHOLD
    assert [e.key for e in f.entities] == ["H1", zddm(1), zddm(2)]
    assert f.evidence["homesteads"] == 2 and f.evidence["members"] == 3
    assert [p["area_m2"] for p in f.evidence["parcels"]] == [64.0, 64.0]
    assert f.village_code == VILLAGE_A


@pytest.mark.parametrize(
    ("second", "household_extra", "expected"),
    [
        ({"acquisition_mode": "继承"}, {}, "inheritance"),
        ({"acquired": "1980-03-01"}, {}, "historical"),
        ({}, {"split_status": "申请中"}, "split"),
        ({"disposal": "安置中", "disposal_deadline": "2027-01-01"}, {}, "resettlement"),
        ({"disposal": "安置中", "disposal_deadline": "2026-01-01"}, {}, None),  # deadline passed
        ({"disposal": "拟复垦"}, {}, "reclamation"),
    ],
)
def test_r001_exemptions(
    tmp_path: Path, second: dict[str, Any], household_extra: dict[str, Any], expected: str | None
) -> None:
    store = _two_plots(tmp_path, second, **household_extra)
    res = run(store, "QJ-R001")
    assert keys(res) == {"H1": expected}
    assert res.findings[0].severity == (Severity.INFO if expected else Severity.ERROR)


def test_r001_resettlement_depends_on_the_as_of_date(tmp_path: Path) -> None:
    store = _two_plots(tmp_path, {"disposal": "安置中", "disposal_deadline": "2027-01-01"})
    assert keys(run(store, "QJ-R001", dt.date(2026, 6, 30))) == {"H1": "resettlement"}
    assert keys(run(store, "QJ-R001", dt.date(2027, 6, 30))) == {"H1": None}


def test_r001_reclaimed_plot_is_no_homestead_and_links_by_id(tmp_path: Path) -> None:
    h, m = household("H1", 2, first=1)
    store = build(
        tmp_path / "p.gpkg",
        parcels=[
            {"geom": box(0, 0, 8, 8), "zddm": zddm(1), "household_no": "H1"},
            {"geom": box(30, 0, 8, 8), "zddm": zddm(2), "household_no": "H1", "disposal": "已复垦"},
            # No 户号, but the holder is the second member (lower-case x would match too).
            {"geom": box(60, 0, 8, 8), "zddm": zddm(3), "holder_id": person_id(2)},
        ],
        households=[h],
        members=m,
    )  # fmt: skip
    res = run(store, "QJ-R001")
    assert keys(res) == {"H1": None}
    assert [e.key for e in res.findings[0].entities] == ["H1", zddm(1), zddm(3)]


def _one_homestead_each(draw: st.DrawFn) -> tuple[list[dict], list[dict], list[dict]]:
    n = draw(st.integers(1, 5))
    parcels, households, members = [], [], []
    serial = 0
    for k in range(n):
        h, m = household(f"H{k}", draw(st.integers(1, 7)), first=10 * k)
        households.append(h)
        members += m
        by_id = draw(st.booleans())
        link = {"holder_id": person_id(10 * k)} if by_id else {"household_no": f"H{k}"}
        serial += 1
        parcels.append({"geom": box(30 * serial, 0, 8, 8), "zddm": zddm(serial), **link})
        for _ in range(draw(st.integers(0, 2))):  # reclaimed plots: no longer homesteads
            serial += 1
            parcels.append(
                {"geom": box(30 * serial, 0, 8, 8), "zddm": zddm(serial), "disposal": "已复垦",
                 **link}
            )  # fmt: skip
    return parcels, households, members


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_r001_never_flags_a_household_with_one_homestead(data: st.DataObject) -> None:
    parcels, households, members = _one_homestead_each(data.draw)
    with tempfile.TemporaryDirectory() as tmp:
        store = build(Path(tmp) / "p.gpkg", parcels=parcels, households=households, members=members)
        try:
            res = run(store, "QJ-R001")
        finally:
            store.close()
    assert res.findings == []


def test_r002_old_house_standing_past_deadline(tmp_path: Path) -> None:
    h, m = household("H1", 3, first=1)

    def make(name: str, status: str, deadline: str | None) -> GpkgStore:
        return build(
            tmp_path / name,
            parcels=[
                {"geom": box(0, 0, 10, 10), "zddm": zddm(1), "household_no": "H1"},
                {"geom": box(30, 0, 10, 10), "zddm": zddm(2), "household_no": "H1",
                 "approval_no": "綦江宅批〔2018〕001号", "approval_date": "2018-03-01",
                 "must_demolish_old": True, "demolition_deadline": deadline},
            ],
            buildings=[
                {"geom": box(1, 1, 5, 5), "bdcdyh": zddm(1) + "F00010001", "zddm": zddm(1),
                 "status": status},
                {"geom": box(31, 1, 5, 5), "bdcdyh": zddm(2) + "F00010001", "zddm": zddm(2)},
            ],
            households=[h],
            members=m,
        )  # fmt: skip

    res = run(make("a.gpkg", "闲置", "2019-03-01"), "QJ-R002")
    assert keys(res) == {zddm(1): None}
    ev = res.findings[0].evidence
    assert ev["new_parcels"][0]["parcel"] == zddm(2)
    assert ev["new_parcels"][0]["days_overdue"] == (AS_OF - dt.date(2019, 3, 1)).days
    assert ev["standing_buildings"] == [{"building": zddm(1) + "F00010001", "status": "闲置"}]
    assert keys(run(make("b.gpkg", "已拆除", "2019-03-01"), "QJ-R002")) == {}
    assert keys(run(make("c.gpkg", "在用", "2027-03-01"), "QJ-R002")) == {}
    # The duty without a deadline: the approval plus check.demolish_within_months decides.
    res = run(make("d.gpkg", "在用", None), "QJ-R002")
    assert keys(res) == {zddm(1): None} and res.unevaluated == {"no_demolition_deadline": 1}
    assert res.findings[0].evidence["trigger"] == "approval"
    assert res.findings[0].evidence["due"] == "2018-09-01"
    assert res.findings[0].severity == Severity.WARNING


@pytest.mark.parametrize(
    ("size", "land", "acquired", "expected"),
    [
        (3, "非耕地", "2000-01-01", {zddm(1): None}),  # 120 > 30 x 3 + 10
        (5, "非耕地", "2000-01-01", {}),  # 120 <= 30 x 5 + 10
        (1, "耕地", "2000-01-01", {zddm(1): None}),  # clamped to 3: 20 x 3 + 10
        (3, "非耕地", "1980-01-01", {zddm(1): "historical"}),
        (3, "非耕地", "1985-01-01", {zddm(1): None}),  # 1982-1987: to be handled
    ],
)
def test_r003_over_area(
    tmp_path: Path, size: int, land: str, acquired: str, expected: dict[str, str | None]
) -> None:
    h, m = household("H1", size, first=1)
    store = build(
        tmp_path / "p.gpkg",
        parcels=[{"geom": box(0, 0, 10, 12), "zddm": zddm(1), "household_no": "H1",
                  "land_type": land, "acquired": acquired}],
        households=[h],
        members=m,
    )  # fmt: skip
    res = run(store, "QJ-R003")
    assert keys(res) == expected
    if expected:
        ev = res.findings[0].evidence
        assert ev["area_m2"] == 120.0 and ev["members"] == size


def test_r003_household_without_members_is_not_evaluated(tmp_path: Path) -> None:
    h, _ = household("H1", 3, first=1)
    store = build(
        tmp_path / "p.gpkg",
        parcels=[{"geom": box(0, 0, 20, 20), "zddm": zddm(1), "household_no": "H1"}],
        households=[h],
    )
    res = run(store, "QJ-R003")
    assert res.findings == [] and res.unevaluated == {"no_members": 1}


def _buildings_project(tmp_path: Path) -> GpkgStore:
    return build(
        tmp_path / "p.gpkg",
        parcels=[
            {"geom": box(0, 0, 10, 10), "zddm": zddm(1)},
            {"geom": box(10, 0, 10, 10), "zddm": zddm(2)},  # shares an edge with 1
        ],
        buildings=[
            {"geom": box(1, 1, 4, 4), "bdcdyh": "B-inside", "zddm": zddm(1)},
            {"geom": box(8, 1, 4, 4), "bdcdyh": "B-straddle", "zddm": zddm(1)},
            {"geom": box(1, 30, 4, 4), "bdcdyh": "B-outside", "zddm": zddm(1)},
            {"geom": box(12, 1, 4, 4), "bdcdyh": "B-recorded-wrong", "zddm": zddm(1)},
            {"geom": box(9.9, 5, 4, 4), "bdcdyh": "B-mostly-2", "zddm": zddm(2)},
        ],
    )


def test_r004_r005_r012_buildings_against_parcels(tmp_path: Path) -> None:
    store = _buildings_project(tmp_path)
    ev = evaluate(store, ["QJ-R004", "QJ-R005", "QJ-R012"], as_of=AS_OF)
    assert keys(ev.results["QJ-R004"]) == {"B-outside": None}
    out = ev.results["QJ-R004"].findings[0].evidence
    assert out["share_inside_parcels"] == 0.0 and out["nearest_parcel"] == zddm(1)
    assert out["distance_m"] == 20.0
    assert keys(ev.results["QJ-R005"]) == {"B-straddle": None}
    straddle = ev.results["QJ-R005"].findings[0]
    assert straddle.evidence["parcels"] == [
        {"parcel": zddm(1), "share": 0.5},
        {"parcel": zddm(2), "share": 0.5},
    ]
    # B-mostly-2 has 2.5% in parcel 1: under check.straddle_share (5%), so no straddle.
    # A tie (B-straddle, half in each) goes to the lower parcel, here its recorded one.
    assert keys(ev.results["QJ-R012"]) == {"B-recorded-wrong": None}
    wrong = {f.key: f.evidence for f in ev.results["QJ-R012"].findings}["B-recorded-wrong"]
    assert wrong == {
        "problems": ["recorded_parcel_differs"],
        "recorded_parcel": zddm(1),
        "actual_parcel": zddm(2),
        "unit_code": "B-RECORDED-WRONG",  # not a unit code: not compared
        "unit_code_parcel": None,
        "recorded_matches_unit_code": None,
        "share": 1.0,
        "recorded_exists": True,
    }


def test_r006_r013_overlaps_and_slivers(tmp_path: Path) -> None:
    store = build(
        tmp_path / "p.gpkg",
        parcels=[
            {"geom": box(0, 0, 10, 10), "zddm": zddm(1)},
            {"geom": box(8, 0, 10, 10), "zddm": zddm(2)},  # 2 m overlap with 1
            {"geom": box(18.2, 0, 10, 10), "zddm": zddm(3)},  # 0.2 m gap to 2
            {"geom": box(28.2, 0, 10, 10), "zddm": zddm(4)},  # shares an edge with 3
            {"geom": box(38.1, 0, 10, 10), "zddm": zddm(5)},  # 0.1 m overlap with 4
            {"geom": box(60, 0, 10, 10), "zddm": zddm(6)},  # alone
        ],
    )
    ev = evaluate(store, ["QJ-R006", "QJ-R013"], as_of=AS_OF)
    assert keys(ev.results["QJ-R006"]) == {zddm(1): None, zddm(2): None}
    one = ev.results["QJ-R006"].findings[0]
    assert [e.key for e in one.entities] == [zddm(1), zddm(2)]
    assert one.evidence["neighbours"][0]["overlap_m2"] == 20.0
    assert keys(ev.results["QJ-R013"]) == dict.fromkeys((zddm(2), zddm(3), zddm(4), zddm(5)))
    two = {f.key: f for f in ev.results["QJ-R013"].findings}[zddm(2)]
    assert [n["parcel"] for n in two.evidence["neighbours"]] == [zddm(3)]
    assert two.evidence["neighbours"][0]["distance_m"] == 0.2


def test_r007_parcel_in_another_village(tmp_path: Path) -> None:
    store = build(
        tmp_path / "p.gpkg",
        parcels=[
            {"geom": box(0, 0, 10, 10), "zddm": zddm(1), "village_code": VILLAGE_B},
            {"geom": box(20, 0, 10, 10), "zddm": zddm(2), "village_code": VILLAGE_A},
            {"geom": box(1500, 0, 10, 10), "zddm": zddm(3), "village_code": VILLAGE_B},
            {"geom": box(5000, 0, 10, 10), "zddm": zddm(4), "village_code": VILLAGE_A},
            {"geom": box(40, 0, 10, 10), "zddm": zddm(5), "village_code": None},
        ],
    )
    res = run(store, "QJ-R007")
    assert keys(res) == {zddm(1): None}
    f = res.findings[0]
    assert f.evidence == {
        "recorded_village": VILLAGE_B,
        "located_village": VILLAGE_A,
        "located_village_name": "甲村",
    }
    assert f.village_code == VILLAGE_A
    assert res.unevaluated == {"outside_villages": 1, "no_recorded_village": 1}


def test_r008_malformed_and_duplicate_codes(tmp_path: Path) -> None:
    store = build(
        tmp_path / "p.gpkg",
        parcels=[
            {"geom": box(0, 0, 8, 8), "zddm": zddm(1)},
            {"geom": box(20, 0, 8, 8), "zddm": zddm(2)},
            {"geom": box(40, 0, 8, 8), "zddm": zddm(1)},  # duplicate of the first
            {"geom": box(60, 0, 8, 8), "zddm": zddm(3).replace("JC", "KC")},
            {"geom": box(80, 0, 8, 8), "zddm": zddm(4)[:18]},
            {"geom": box(100, 0, 8, 8), "zddm": None},
            {"geom": box(120, 0, 8, 8), "zddm": " " + zddm(5).lower()},  # forgiven
        ],
        buildings=[
            {"geom": box(1, 1, 2, 2), "bdcdyh": zddm(1) + "F00010001"},
            {"geom": box(21, 1, 2, 2), "bdcdyh": zddm(2) + "X00010001"},
        ],
    )
    res = run(store, "QJ-R008")
    found = {f.key: f for f in res.findings}
    assert set(found) == {
        f"{zddm(1)}#1",
        f"{zddm(1)}#2",
        zddm(3).replace("JC", "KC"),
        zddm(4)[:18],
        "fid:6",
        zddm(2) + "X00010001",
    }
    assert found[f"{zddm(1)}#1"].evidence["duplicate_of"] == [f"{zddm(1)}#2"]
    assert found[zddm(4)[:18]].evidence["problems"] == ["code.wrong_length"]
    assert "code.not_homestead" in found[zddm(3).replace("JC", "KC")].evidence["problems"]
    assert found["fid:6"].evidence["problems"] == ["code.empty"]
    assert found[zddm(2) + "X00010001"].entity_kind == EntityKind.BUILDING


def test_r009_invalid_ids(tmp_path: Path) -> None:
    good = person_id(1)
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    from qjgis.codes import id_check_char

    feb30 = "50011019990230123"
    bad_date = feb30 + id_check_char(feb30)
    legacy = "50022219600101123"
    future = "50011020300101123"
    members = [
        {"household_no": "H1", "seq": 1, "id_number": good},
        {"household_no": "H1", "seq": 2, "id_number": bad_check},
        {"household_no": "H1", "seq": 3, "id_number": bad_date},
        {"household_no": "H1", "seq": 4, "id_number": legacy + id_check_char(legacy)},
        {"household_no": "H1", "seq": 5, "id_number": "500110700101123"},  # 15 digits
        {"household_no": "H1", "seq": 6, "id_number": future + id_check_char(future)},
        {"household_no": "H1", "seq": 7, "id_number": None},
    ]
    store = build(tmp_path / "p.gpkg", households=[{"household_no": "H1"}], members=members)
    res = run(store, "QJ-R009")
    found = {f.key: f.evidence for f in res.findings}
    assert set(found) == {"H1/2", "H1/3", "H1/6", "H1/7"}
    assert found["H1/2"]["problems"] == ["id.bad_check_digit"]
    assert found["H1/3"]["problems"] == ["id.bad_birth_date"]
    assert found["H1/6"]["problems"] == ["id.future_birth_date"]
    assert found["H1/2"]["id_number"] == "500110********" + bad_check[-4:]
    assert all(f.village_code == VILLAGE_A for f in res.findings)


def test_r010_links_that_do_not_hold(tmp_path: Path) -> None:
    h1, m1 = household("H1", 2, first=1)
    h2, m2 = household("H2", 2, first=10)
    h3, m3 = household("H3", 1, first=20)
    store = build(
        tmp_path / "p.gpkg",
        parcels=[
            {"geom": box(0, 0, 8, 8), "zddm": zddm(1), "household_no": "H1"},
            {"geom": box(20, 0, 8, 8), "zddm": zddm(2), "household_no": "H2"},
            {"geom": box(40, 0, 8, 8), "zddm": zddm(3), "holder_id": person_id(99)},
            {"geom": box(60, 0, 8, 8), "zddm": zddm(4), "holder_id": person_id(99),
             "disposal": "已复垦"},
        ],
        households=[h1, h2, h3],
        members=m1 + m2 + m3,
        holders=[
            {"parcel": 0, "is_primary": True, "id_number": person_id(1)},
            {"parcel": 0, "id_number": person_id(11)},  # a member of H2
            {"parcel": 1, "is_primary": True, "id_number": person_id(10)},
            {"parcel": 1, "id_number": person_id(11)},
        ],
    )  # fmt: skip
    res = run(store, "QJ-R010")
    found = {f.key: f for f in res.findings}
    assert set(found) == {zddm(1), zddm(3), "H3"}
    assert found[zddm(1)].evidence["problems"] == ["holders_in_several_households"]
    assert found[zddm(1)].evidence["holder_households"] == ["H1", "H2"]
    assert found[zddm(3)].evidence["problems"] == ["no_household"]
    assert found["H3"].entity_kind == EntityKind.HOUSEHOLD
    assert found["H3"].evidence == {"problems": ["no_homestead"], "members": 1}


def test_r011_recorded_area(tmp_path: Path) -> None:
    store = build(
        tmp_path / "p.gpkg",
        parcels=[
            {"geom": box(0, 0, 10, 10), "zddm": zddm(1), "zdmj": 100.9},  # within 1 m²
            {"geom": box(20, 0, 10, 10), "zddm": zddm(2), "zdmj": 98.5},
            {"geom": box(40, 0, 300, 10), "zddm": zddm(3), "zdmj": 2980.0},  # within 1 %
            {"geom": box(40, 20, 300, 10), "zddm": zddm(4), "zdmj": 2960.0},
            {"geom": box(40, 40, 10, 10), "zddm": zddm(5), "zdmj": None},
        ],
    )
    res = run(store, "QJ-R011")
    assert keys(res) == {zddm(2): None, zddm(4): None}
    assert res.findings[0].evidence == {
        "recorded_m2": 98.5,
        "computed_m2": 100.0,
        "difference_m2": -1.5,
        "tolerance_m2": 1.0,
    }
    assert res.unevaluated == {"no_recorded_area": 1}


def test_settings_change_what_is_found(tmp_path: Path) -> None:
    h, m = household("H1", 3, first=1)
    store = build(
        tmp_path / "p.gpkg",
        parcels=[{"geom": box(0, 0, 10, 12), "zddm": zddm(1), "household_no": "H1"}],
        households=[h],
        members=m,
        settings={"area.per_person_other": 40.0},
    )
    assert keys(run(store, "QJ-R003")) == {}  # 120 <= 40 x 3 + 10


# ==================================================================== the engine
def test_engine_runs_rules_in_id_order_and_reports_progress(tmp_path: Path) -> None:
    store = _buildings_project(tmp_path)
    seen: list[tuple[float, str]] = []

    class Recorder(NullFeedback):
        def set_progress(self, fraction: float, stage: str = "") -> None:
            seen.append((fraction, stage))

    ev = evaluate(store, ["qj-r005", "QJ-R004"], as_of=AS_OF, feedback=Recorder())
    assert [r.id for r in ev.rules] == ["QJ-R004", "QJ-R005"]
    assert list(ev.results) == ["QJ-R004", "QJ-R005"] and set(ev.seconds) == set(ev.results)
    assert ev.as_of == AS_OF
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert {"QJ-R004", "QJ-R005", "done"} <= {s for _, s in seen}
    everything = evaluate(store, as_of=AS_OF)
    expected = {f"QJ-R{i:03d}" for i in range(1, 14)}
    assert expected <= set(everything.results)
    assert [r.id for r in everything.rules] == sorted(everything.results)


def test_engine_refuses_unknown_rules_and_bad_dates(tmp_path: Path) -> None:
    store = build(tmp_path / "p.gpkg")
    with pytest.raises(QjgisError) as err:
        evaluate(store, ["QJ-R001", "QJ-R999"])
    assert err.value.code == "invalid_argument" and "QJ-R999" in str(err.value)
    with pytest.raises(QjgisError) as err:
        evaluate(store, ["QJ-R001"], as_of="2026-02-30")  # type: ignore[arg-type]
    assert err.value.code == "invalid_argument"


def test_engine_cancel(tmp_path: Path) -> None:
    store = _buildings_project(tmp_path)
    fb = NullFeedback()
    fb.cancel()
    with pytest.raises(QjgisError) as err:
        evaluate(store, feedback=fb)
    assert err.value.code == "canceled"


def test_engine_refuses_layers_in_another_crs(tmp_path: Path) -> None:
    store = _buildings_project(tmp_path)
    with store.transaction() as conn:
        conn.execute(
            "UPDATE gpkg_geometry_columns SET srs_id = 4326 WHERE table_name = 'buildings'"
        )
    with pytest.raises(QjgisError) as err:
        evaluate(store, ["QJ-R004"], as_of=AS_OF)
    assert err.value.code == "checks_crs_mismatch"
    assert "buildings" in str(err.value) and "EPSG:4326" in str(err.value)


def test_link_by_primary_holder_row(tmp_path: Path) -> None:
    h, m = household("H1", 2, first=1)
    store = build(
        tmp_path / "p.gpkg",
        parcels=[{"geom": box(0, 0, 8, 8), "zddm": zddm(1)}],  # no 户号, no holder ID column
        households=[h],
        members=m,
        holders=[{"parcel": 0, "is_primary": True, "id_number": person_id(2).lower()}],
    )
    ev = evaluate(store, ["QJ-R010"], as_of=AS_OF)
    assert keys(ev.results["QJ-R010"]) == {}
