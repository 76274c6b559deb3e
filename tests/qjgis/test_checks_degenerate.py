"""Degenerate input gives a finding or a counted reason, never an exception.

Every rule runs on each project below (the whole registry, remediation rules
included), so a rule that trips over a None geometry or an empty table fails here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import shapely
from test_checks_rules import VILLAGE_A, box, build, household, person_id, zddm

from qjgis.checks.context import GEOM_EMPTY, GEOM_OK, GEOM_REPAIRED, GEOM_ZERO_AREA, sanitise
from qjgis.checks.engine import Evaluation, evaluate
from qjgis.store import GpkgStore

AS_OF = dt.date(2026, 6, 30)
X0, Y0 = 36_400_000.0, 3_200_000.0


def bowtie(x: float) -> shapely.Polygon:
    """A self-intersecting ring (invalid); make_valid turns it into two triangles."""
    return shapely.Polygon(
        [(X0 + x, Y0), (X0 + x + 10, Y0 + 10), (X0 + x + 10, Y0), (X0 + x, Y0 + 10)]
    )


def collapsed(x: float) -> shapely.Polygon:
    """A polygon whose ring is a line: zero area, invalid, nothing to repair."""
    return shapely.Polygon([(X0 + x, Y0), (X0 + x + 5, Y0), (X0 + x + 10, Y0), (X0 + x, Y0)])


def everything(store: GpkgStore) -> Evaluation:
    return evaluate(store, as_of=AS_OF)


def keys(ev: Evaluation, rule_id: str) -> set[str]:
    return {f.key for f in ev.results[rule_id].findings}


def test_sanitise_codes_each_kind_of_geometry() -> None:
    geoms = np.array(
        [box(0, 0, 5, 5), None, shapely.Polygon(), bowtie(20), collapsed(40)], dtype=object
    )
    out, status = sanitise(geoms)
    assert status.tolist() == [GEOM_OK, GEOM_EMPTY, GEOM_EMPTY, GEOM_REPAIRED, GEOM_ZERO_AREA]
    assert out[1] is None and out[2] is None and out[4] is None
    assert shapely.is_valid(out[3]) and shapely.area(out[3]) == pytest.approx(50.0)


def test_bad_geometries_are_counted_not_raised(tmp_path: Path) -> None:
    h, m = household("H1", 3, first=1)
    store = build(
        tmp_path / "p.gpkg",
        parcels=[
            {"geom": box(0, 0, 8, 8), "zddm": zddm(1), "household_no": "H1"},
            {"geom": bowtie(20), "zddm": zddm(2), "zdmj": 50.0, "household_no": "H1"},
            {"geom": shapely.Polygon(), "zddm": zddm(3), "zdmj": 10.0},
            {"geom": None, "zddm": zddm(4), "zdmj": 10.0},
            {"geom": collapsed(60), "zddm": zddm(5), "zdmj": 0.0},
        ],
        buildings=[
            {"geom": box(1, 1, 3, 3), "bdcdyh": zddm(1) + "F00010001", "zddm": zddm(1)},
            {"geom": bowtie(100), "bdcdyh": zddm(1) + "F00020001", "zddm": zddm(1)},
            {"geom": shapely.Polygon(), "bdcdyh": zddm(1) + "F00030001", "zddm": zddm(1)},
            {"geom": collapsed(200), "bdcdyh": zddm(1) + "F00040001", "zddm": zddm(1)},
        ],
        households=[h],
        members=m,
    )
    ev = everything(store)
    r011 = ev.results["QJ-R011"]
    assert r011.findings == []
    assert r011.unevaluated == {"empty_geometry": 2, "invalid_geometry": 1, "zero_area": 1}
    # The repaired bow-tie is measured by the spatial rules, not by the area rules.
    assert ev.results["QJ-R006"].unevaluated == {"empty_geometry": 2, "zero_area": 1}
    assert ev.results["QJ-R003"].unevaluated == {"invalid_geometry": 1, "no_household": 3}
    assert ev.results["QJ-R004"].unevaluated == {"empty_geometry": 1, "zero_area": 1}
    # The repaired bow-tie building lies outside every parcel: a finding, with its evidence.
    assert keys(ev, "QJ-R004") == {zddm(1) + "F00020001"}
    assert keys(ev, "QJ-R001") == {"H1"}  # both plots count as homesteads
    for result in ev.results.values():
        for f in result.findings:
            f.evidence_hash()  # JSON-serialisable evidence


def test_identical_duplicate_polygons(tmp_path: Path) -> None:
    store = build(
        tmp_path / "p.gpkg",
        parcels=[
            {"geom": box(0, 0, 10, 10), "zddm": zddm(1)},
            {"geom": box(0, 0, 10, 10), "zddm": zddm(1)},  # same shape, same code
            {"geom": box(0, 0, 10, 10), "zddm": zddm(2)},  # same shape, another code
        ],
        buildings=[{"geom": box(2, 2, 4, 4), "bdcdyh": zddm(1) + "F00010001", "zddm": zddm(1)}],
    )
    ev = everything(store)
    dup = {zddm(1) + "#1", zddm(1) + "#2"}
    assert keys(ev, "QJ-R006") == dup | {zddm(2)}
    first = {f.key: f for f in ev.results["QJ-R006"].findings}[zddm(1) + "#1"]
    assert [n["overlap_m2"] for n in first.evidence["neighbours"]] == [100.0, 100.0]
    assert keys(ev, "QJ-R008") == dup
    assert keys(ev, "QJ-R013") == set()
    # The building lies wholly in three parcels at once: straddling, by the shares.
    assert keys(ev, "QJ-R005") == {zddm(1) + "F00010001"}
    assert keys(ev, "QJ-R012") == set()  # the largest (tied) is the first, its recorded code


def test_zero_area_sliver_parcel(tmp_path: Path) -> None:
    store = build(
        tmp_path / "p.gpkg",
        parcels=[
            {"geom": box(0, 0, 10, 10), "zddm": zddm(1)},
            {"geom": collapsed(0), "zddm": zddm(2), "zdmj": 0.0},  # on parcel 1's edge
            {"geom": box(10, 0, 1e-7, 10), "zddm": zddm(3)},  # a hair: 1e-6 m², still an area
        ],
    )
    ev = everything(store)
    assert ev.results["QJ-R006"].unevaluated == {"zero_area": 1}
    assert zddm(2) not in keys(ev, "QJ-R006") | keys(ev, "QJ-R013")
    # The hair touches parcel 1 along an edge: no overlap, no gap.
    assert keys(ev, "QJ-R006") | keys(ev, "QJ-R013") == set()
    assert ev.results["QJ-R011"].unevaluated == {"zero_area": 1}


def test_household_with_twenty_parcels(tmp_path: Path) -> None:
    h, m = household("H1", 4, first=1)
    parcels = [
        {"geom": box(20 * k, 0, 8, 8), "zddm": zddm(k + 1), "holder_id": person_id(1 + k % 4)}
        for k in range(20)
    ]
    parcels[3]["acquisition_mode"] = "继承"
    store = build(tmp_path / "p.gpkg", parcels=parcels, households=[h], members=m)
    ev = everything(store)
    (f,) = ev.results["QJ-R001"].findings
    assert f.key == "H1" and f.evidence["homesteads"] == 20 and len(f.entities) == 21
    # One inherited plot exempts that plot, not the nineteen others (issue 11, point 2).
    assert f.exemption is None and f.evidence["exemptions"] == []
    assert f.evidence["not_exempt"] == 19
    plots = {p["parcel"]: p["exemption"] for p in f.evidence["parcels"]}
    assert plots[zddm(4)] == "inheritance" and list(plots.values()).count(None) == 19
    assert keys(ev, "QJ-R010") == set()


def test_parcels_without_household(tmp_path: Path) -> None:
    store = build(
        tmp_path / "p.gpkg",
        parcels=[
            {"geom": box(0, 0, 8, 8), "zddm": zddm(1)},
            {"geom": box(20, 0, 8, 8), "zddm": zddm(2), "holder_id": person_id(5),
             "household_no": "NOT-IN-REGISTER"},
            {"geom": box(40, 0, 30, 30), "zddm": zddm(3), "holder_id": "garbage"},
        ],
    )  # fmt: skip
    ev = everything(store)
    assert keys(ev, "QJ-R010") == {zddm(1), zddm(2), zddm(3)}
    assert ev.results["QJ-R003"].unevaluated == {"no_household": 3}
    assert ev.results["QJ-R001"].unevaluated == {"no_household": 3}
    assert keys(ev, "QJ-R003") == set()


def test_empty_project_and_missing_villages(tmp_path: Path) -> None:
    empty = build(tmp_path / "empty.gpkg", villages=[])
    ev = everything(empty)
    assert all(r.findings == [] for r in ev.results.values())
    bare = build(
        tmp_path / "bare.gpkg",
        villages=[],
        parcels=[{"geom": box(0, 0, 8, 8), "zddm": zddm(1), "village_code": VILLAGE_A}],
    )
    ev = everything(bare)
    assert ev.results["QJ-R007"].unevaluated == {"no_villages": 1}
    assert ev.results["QJ-R007"].findings == []
