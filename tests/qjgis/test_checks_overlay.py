"""The overlay rules QJ-R017..R020 (issue 19) on small real projects, and the vectorised
overlay they share checked against a plain per-pair computation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from test_checks_rules import _columns, box, build, run, zddm

from qjgis import commands
from qjgis.cases.commands import OpenRenovationCase
from qjgis.checks.base import EntityKind, Severity
from qjgis.checks.rules_overlay import overlay_areas
from qjgis.store import GpkgStore


def unit(parcel: str, number: str = "00010001") -> str:
    return parcel + "F" + number


def add_reference(store: GpkgStore, rows: list[dict[str, Any]]) -> None:
    with store.transaction() as conn:
        store.insert_features(
            conn,
            "reference_features",
            np.array([r["geom"] for r in rows], dtype=object),
            _columns(rows),
        )


def _farm(tmp_path: Path, **settings: Any) -> GpkgStore:
    """Homesteads along a field edge at x = 100: 2 and 3 spill 20 and 0.5 m² onto 旱地, 4
    lies on 林地, 5 (acquired 2005) on 水浇地; a shed of parcel 1 stands 30 m² on 水田
    beyond its parcel; a superseded land-use feature under them all counts for nothing."""
    store = build(
        tmp_path / "farm.gpkg",
        parcels=[
            {"geom": box(60, 0, 20, 20), "zddm": zddm(1), "approval_date": "2021-03-01"},
            {"geom": box(90, 30, 11, 20), "zddm": zddm(2), "approval_date": "2022-05-01"},
            {"geom": box(90, 60, 10.5, 1), "zddm": zddm(3), "approval_date": "2022-05-01"},
            {"geom": box(90, 90, 20, 20), "zddm": zddm(4), "acquired": "1995-01-01"},
            {"geom": box(105, 130, 20, 20), "zddm": zddm(5), "acquired": "2005-01-01"},
        ],
        buildings=[
            {"geom": box(62, 2, 10, 10), "bdcdyh": unit(zddm(1)), "zddm": zddm(1),
             "year_built": 2021},
            {"geom": box(78, -6, 5, 10), "bdcdyh": unit(zddm(1), "00020001"),
             "zddm": zddm(1), "year_built": 2023},
            # on parcel 5, which is itself reported: not a second finding
            {"geom": box(110, 135, 8, 8), "bdcdyh": unit(zddm(5)), "zddm": zddm(5),
             "year_built": 2006},
        ],
        settings=settings or None,
    )  # fmt: skip
    add_reference(
        store,
        [
            {"geom": box(100, 0, 500, 90), "kind": "landuse", "ref_key": "landuse:1",
             "dlbm": "0103", "dlmc": "旱地"},
            {"geom": box(60, -20, 40, 20), "kind": "landuse", "ref_key": "landuse:2",
             "dlbm": "0101", "dlmc": "水田"},
            {"geom": box(100, 90, 500, 30), "kind": "landuse", "ref_key": "landuse:3",
             "dlbm": "0301", "dlmc": "乔木林地"},
            {"geom": box(100, 120, 500, 40), "kind": "landuse", "ref_key": "landuse:4",
             "dlbm": "0102", "dlmc": "水浇地"},
            # superseded by a newer delivery: no longer counts
            {"geom": box(0, 0, 90, 200), "kind": "landuse", "ref_key": "landuse:old",
             "dlbm": "0101", "dlmc": "水田", "superseded_by": 9},
        ],
    )  # fmt: skip
    return store


def test_r017_farmland_occupation_with_cutoff(tmp_path: Path) -> None:
    store = _farm(tmp_path)
    result = run(store, "QJ-R017")
    found = {f.key: f for f in result.findings}
    assert set(found) == {zddm(2), zddm(5), unit(zddm(1), "00020001")}
    f = found[zddm(2)]
    assert f.severity == Severity.ERROR and f.entity_kind == EntityKind.PARCEL
    assert f.evidence["overlap_m2"] == 20.0
    assert f.evidence["period"] == "after_cutoff" and f.evidence["cutoff"] == "2020-07-29"
    assert f.evidence["features"] == [
        {"feature": "landuse:1", "dlbm": "0103", "dlmc": "旱地", "area_m2": 20.0}
    ]
    old = found[zddm(5)]  # acquired 2005: historical, to classify
    assert old.severity == Severity.WARNING and old.evidence["period"] == "before_cutoff"
    assert old.evidence["overlap_m2"] == 400.0
    shed = found[unit(zddm(1), "00020001")]
    assert shed.entity_kind == EntityKind.BUILDING
    assert shed.evidence["overlap_m2"] == 30.0 and shed.evidence["year_built"] == 2023
    assert shed.evidence["features"][0]["dlbm"] == "0101"
    assert [e.key for e in shed.entities] == [unit(zddm(1), "00020001"), zddm(1)]


def test_r017_threshold_and_cutoff_are_settings(tmp_path: Path) -> None:
    store = _farm(tmp_path, **{"overlay.min_m2": 0.1, "overlay.farmland_cutoff": "2022-06-01"})
    found = {f.key: f for f in run(store, "QJ-R017").findings}
    assert zddm(3) in found and found[zddm(3)].evidence["overlap_m2"] == 0.5
    assert found[zddm(2)].severity == Severity.WARNING  # approved before the new cutoff


def test_rules_without_their_layer_are_not_evaluated(tmp_path: Path) -> None:
    store = build(
        tmp_path / "bare.gpkg",
        parcels=[{"geom": box(0, 0, 20, 20), "zddm": zddm(1), "approval_date": "2022-01-01"}],
        buildings=[{"geom": box(2, 2, 5, 5), "bdcdyh": unit(zddm(1)), "zddm": zddm(1)}],
    )
    for rule_id, reason, n in (
        ("QJ-R017", "no_landuse_layer", 2),
        ("QJ-R018", "no_basic_farmland_layer", 2),
        ("QJ-R019", "no_village_plan_layer", 1),
        ("QJ-R020", "no_hazard_layer", 1),
    ):
        result = run(store, rule_id)
        assert result.findings == []
        assert result.unevaluated == {reason: n}, rule_id


def test_r018_basic_farmland_is_an_error_whatever_the_date(tmp_path: Path) -> None:
    store = _farm(tmp_path)
    add_reference(
        store,
        [{"geom": box(100, 120, 500, 40), "kind": "basic-farmland", "ref_key": "bf:1",
          "dlbm": "0102", "dlmc": "水浇地"}],
    )  # fmt: skip
    result = run(store, "QJ-R018")
    assert [(f.key, f.severity) for f in result.findings] == [(zddm(5), Severity.ERROR)]
    assert result.findings[0].evidence["overlap_m2"] == 400.0
    assert "period" not in result.findings[0].evidence


def test_r019_approved_after_the_plan_outside_the_boundary(tmp_path: Path) -> None:
    store = build(
        tmp_path / "plan.gpkg",
        parcels=[
            # approved after the plan, 100 m² outside the boundary
            {"geom": box(90, 0, 20, 20), "zddm": zddm(1), "approval_date": "2022-01-01"},
            # approved before the plan: not this rule's
            {"geom": box(90, 40, 20, 20), "zddm": zddm(2), "approval_date": "2019-01-01"},
            # inside, and 0.5 m² outside (under the tolerance)
            {"geom": box(50, 0, 20, 20), "zddm": zddm(3), "approval_date": "2022-01-01"},
            {"geom": box(80, 60, 20.05, 10), "zddm": zddm(4), "approval_date": "2022-01-01"},
            # no approval date: not evaluated
            {"geom": box(300, 0, 20, 20), "zddm": zddm(5)},
        ],
    )  # fmt: skip
    add_reference(
        store,
        [{"geom": box(0, -50, 100, 200), "kind": "village-plan", "ref_key": "village-plan:甲",
          "ref_date": "2021-06-30"}],
    )  # fmt: skip
    result = run(store, "QJ-R019")
    assert [f.key for f in result.findings] == [zddm(1)]
    ev = result.findings[0].evidence
    assert ev["outside_m2"] == 200.0 and ev["inside_m2"] == 200.0
    assert ev["plan"] == "village-plan:甲" and ev["plan_date"] == "2021-06-30"
    assert ev["approval_date"] == "2022-01-01"
    assert result.unevaluated == {"no_approval_date": 1}


def test_r020_houses_in_hazard_zones_and_radii(tmp_path: Path) -> None:
    store = build(
        tmp_path / "hazard.gpkg",
        parcels=[{"geom": box(0, 0, 400, 50), "zddm": zddm(1)}],
        buildings=[
            {"geom": box(10, 10, 8, 8), "bdcdyh": unit(zddm(1)), "zddm": zddm(1),
             "danger_grade": "B"},
            {"geom": box(100, 10, 8, 8), "bdcdyh": unit(zddm(1), "00020001"), "zddm": zddm(1),
             "danger_grade": "D"},
            # within a point's 30 m radius
            {"geom": box(200, 10, 8, 8), "bdcdyh": unit(zddm(1), "00030001"), "zddm": zddm(1)},
            # 46 m from that point: outside its radius
            {"geom": box(250, 10, 8, 8), "bdcdyh": unit(zddm(1), "00040001"), "zddm": zddm(1)},
            # demolished: not a house at risk
            {"geom": box(12, 30, 5, 5), "bdcdyh": unit(zddm(1), "00050001"), "zddm": zddm(1),
             "status": "已拆除"},
        ],
    )  # fmt: skip
    add_reference(
        store,
        [
            {"geom": box(0, 0, 120, 50), "kind": "hazard-zones", "ref_key": "hazard-zones:HP1"},
            {"geom": box(194, 4, 20, 20).centroid.buffer(30),
             "kind": "hazard-points", "ref_key": "hazard-points:Z7", "radius_m": 30.0},
        ],
    )  # fmt: skip
    found = {f.key: f for f in run(store, "QJ-R020").findings}
    assert set(found) == {unit(zddm(1)), unit(zddm(1), "00020001"), unit(zddm(1), "00030001")}
    assert found[unit(zddm(1))].severity == Severity.WARNING
    d = found[unit(zddm(1), "00020001")]
    assert d.severity == Severity.ERROR and d.evidence["danger_grade"] == "D"
    assert d.evidence["disposition"] == "relocation"
    point = found[unit(zddm(1), "00030001")].evidence["hazards"]
    assert point == [{"feature": "hazard-points:Z7", "kind": "hazard-points", "radius_m": 30.0}]


def test_r020_default_radius_is_the_setting_when_the_checks_run(tmp_path: Path) -> None:
    """A hazard point imported without a radius (radius_m NULL) threatens as far as
    overlay.hazard_radius_m says when the checks run: changing the setting changes the
    findings, with no re-import; a point with its own radius keeps it."""
    store = build(
        tmp_path / "radius.gpkg",
        parcels=[{"geom": box(0, 0, 600, 50), "zddm": zddm(1)}],
        buildings=[
            # 40 m from the defaulted point's centre (300, 20)
            {"geom": box(336, 16, 8, 8), "bdcdyh": unit(zddm(1)), "zddm": zddm(1)},
            # 70 m from it
            {"geom": box(366, 16, 8, 8), "bdcdyh": unit(zddm(1), "00020001"), "zddm": zddm(1)},
            # 40 m from the point with its own 30 m radius at (100, 20): never inside
            {"geom": box(136, 16, 8, 8), "bdcdyh": unit(zddm(1), "00030001"), "zddm": zddm(1)},
        ],
    )  # fmt: skip
    add_reference(
        store,
        [
            # stored as the importer stores a point without a radius: the disc of the
            # setting at import time (50 m), radius NULL
            {"geom": box(300, 20, 0, 0).centroid.buffer(50, quad_segs=16),
             "kind": "hazard-points", "ref_key": "hazard-points:P1", "radius_m": None},
            {"geom": box(100, 20, 0, 0).centroid.buffer(30, quad_segs=16),
             "kind": "hazard-points", "ref_key": "hazard-points:P2", "radius_m": 30.0},
        ],
    )  # fmt: skip
    found = {f.key: f for f in run(store, "QJ-R020").findings}
    assert set(found) == {unit(zddm(1))}  # the default 50 m reaches 40 m, not 70 m
    assert found[unit(zddm(1))].evidence["hazards"] == [
        {"feature": "hazard-points:P1", "kind": "hazard-points", "radius_m": 50.0,
         "radius_from_setting": True}
    ]  # fmt: skip
    commands.run(store, commands.SetSettings({"overlay.hazard_radius_m": 80.0}))
    found = {f.key: f for f in run(store, "QJ-R020").findings}
    assert set(found) == {unit(zddm(1)), unit(zddm(1), "00020001")}
    assert found[unit(zddm(1), "00020001")].evidence["hazards"][0]["radius_m"] == 80.0
    commands.run(store, commands.SetSettings({"overlay.hazard_radius_m": 20.0}))
    assert run(store, "QJ-R020").findings == []


@pytest.mark.parametrize("seed", [1, 2])
def test_overlay_areas_equal_the_pairwise_intersections(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = 300, 80
    x, y = rng.uniform(0, 1000, n), rng.uniform(0, 1000, n)
    subjects = shapely.box(x, y, x + rng.uniform(3, 40, n), y + rng.uniform(3, 40, n))
    subjects[5] = None
    cx, cy = rng.uniform(0, 1000, m), rng.uniform(0, 1000, m)
    refs = shapely.buffer(shapely.points(cx, cy), rng.uniform(10, 120, m))
    ov = overlay_areas(subjects, refs)
    got = {(int(s), int(r)): a for s, r, a in zip(ov.subject, ov.reference, ov.area, strict=True)}
    want = {}
    for i in range(n):
        for j in range(m):
            if subjects[i] is not None and subjects[i].intersects(refs[j]):
                want[(i, j)] = subjects[i].intersection(refs[j]).area
    assert set(got) == set(want)
    for k, a in want.items():
        assert got[k] == pytest.approx(a, rel=1e-9, abs=1e-9)
    assert np.all(np.diff(ov.subject) >= 0)


def test_r020_open_renovation_case_is_an_error(tmp_path: Path) -> None:
    from test_checks_rules import household

    h, m = household("H1", 3, first=1)
    store = build(
        tmp_path / "reno.gpkg",
        parcels=[{"geom": box(0, 0, 40, 40), "zddm": zddm(1), "household_no": "H1"}],
        buildings=[{"geom": box(10, 10, 8, 8), "bdcdyh": unit(zddm(1)), "zddm": zddm(1),
                    "danger_grade": "C"}],
        households=[{**h, "lives_in_village": True}],
        members=m,
    )  # fmt: skip
    commands.run(store, OpenRenovationCase(unit(zddm(1)), date="2026-03-01"))
    add_reference(store, [{"geom": box(0, 0, 50, 50), "kind": "hazard-zones", "ref_key": "hz:1"}])
    (f,) = run(store, "QJ-R020").findings
    assert f.severity == Severity.ERROR
    assert f.evidence["renovation_state"] == "已申请" and f.evidence["renovation_case"] == 1
