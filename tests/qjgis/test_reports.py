"""Report content, headless: boundary-point order, table coordinates, 四至, scale, ledgers.

On the demo district (with checks run and cases opened, disposed and paid) and
on small hand-made projects where the right answer is known by construction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely

from qjgis.cases.commands import (
    AdvanceCase,
    DisposeRuin,
    OpenFromFindings,
    OpenRenovationCase,
    RecordPayment,
)
from qjgis.cases.stats import case_statistics
from qjgis.checks.findings import Review, finding_statistics, run_checks
from qjgis.commands import run
from qjgis.demo import AS_OF, build_demo
from qjgis.errors import QjgisError
from qjgis.reports import content, ledgers
from qjgis.reports.boundary import number_points, nw_index, point_table
from qjgis.reports.layout import MAP_BUFFER_M, NICE_SCALES, choose_scale, direction_of
from qjgis.store import GpkgStore

ID18 = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")


def _signed_area(xy: np.ndarray) -> float:
    x, y = xy[:, 0], xy[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


# ------------------------------------------------------------------ the demo with cases
def prepare_demo(path: Path) -> GpkgStore:
    """The demo district after a working week: checks run, ruin cases opened and
    disposed (one past its deadline, one cancelled), renovations applied, approved, paid."""
    build_demo(path, parcels=1000, seed=3)
    store = GpkgStore.open(path)
    run_checks(store, as_of=AS_OF)
    run(store, OpenFromFindings(date=AS_OF))
    ruins = [r[0] for r in store.execute_sql("SELECT fid FROM ruin_cases ORDER BY fid")]
    assert len(ruins) >= 3
    disposed = 0
    for fid in ruins[:-1]:
        for disposition in ("self-demolition", "new-build", "preservation", "reinforcement"):
            days = 10 if disposed == 0 else 90
            cmd = DisposeRuin(
                f"R{fid}", date=AS_OF, deadline=AS_OF + dt.timedelta(days=days),
                disposition=disposition, owner_keeps=disposition == "reinforcement", feasible=True,
            )  # fmt: skip
            try:
                run(store, cmd)
            except QjgisError:
                continue  # the policy's preconditions decide which disposition fits
            disposed += 1
            break
        if disposed == 2:
            break
    assert disposed == 2
    run(store, AdvanceCase(f"R{ruins[-1]}", to="cancelled", date=AS_OF, note="duplicate"))
    graded = [
        r[0]
        for r in store.execute_sql(
            "SELECT entity_key FROM demo_truth WHERE rule_id LIKE 'FACT-GRADE-%' ORDER BY 1"
        )
    ]
    opened = []
    for code in graded:
        cmd = OpenRenovationCase(code, date=AS_OF)
        try:
            run(store, cmd)
        except QjgisError:
            continue  # not eligible (another house, lives elsewhere): the policy refuses
        opened.append(cmd.fid)
    assert len(opened) >= 2
    run(store, AdvanceCase(f"W{opened[0]}", to="approved", date=AS_OF))
    run(store, RecordPayment(f"W{opened[0]}", 5000.0, date=AS_OF))
    run(store, AdvanceCase(f"W{opened[1]}", to="cancelled", date=AS_OF, note="withdrawn"))
    multi = store.execute_sql(
        "SELECT fid FROM findings WHERE rule_id = 'QJ-R001' AND exemption IS NULL ORDER BY fid"
    )
    run(store, Review(int(multi[0][0]), "confirmed", "户主 500110196712275410 签字确认"))
    run(store, Review(int(multi[1][0]), "false_positive", "同一户口"))
    return store


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GpkgStore]:
    store = prepare_demo(tmp_path_factory.mktemp("reports") / "demo.gpkg")
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="module")
def village_reports(demo: GpkgStore) -> list[content.ParcelReport]:
    fids: list[int] = []
    for (code,) in demo.execute_sql("SELECT code FROM villages ORDER BY code LIMIT 3"):
        fids += content.parcel_fids_in(demo, [code])
    data = content.ReportData.load(demo, fids, as_of=AS_OF)
    return list(data.reports())


# ------------------------------------------------------------------ numbering
def test_square_starts_at_its_north_west_corner_and_runs_clockwise() -> None:
    # drawn counter-clockwise from the south-east corner
    square = shapely.Polygon([(10, 0), (10, 10), (0, 10), (0, 0)])
    (ring,) = number_points(square)
    assert ring.names == ["J1", "J2", "J3", "J4"]
    assert ring.coords.tolist() == [[0, 10], [10, 10], [10, 0], [0, 0]]
    assert _signed_area(ring.coords) < 0


def test_rotated_parcel_starts_at_the_vertex_nearest_the_upper_left_box_corner() -> None:
    diamond = shapely.Polygon([(5, 0), (10, 6), (4, 11), (0, 4)])
    (ring,) = number_points(diamond)
    # box corner (0, 11): (4, 11) is 4 away, (0, 4) is 7 away
    assert ring.coords[0].tolist() == [4, 11]
    assert ring.coords[1].tolist() == [10, 6]  # clockwise: east next


def test_holes_follow_their_ring_counter_clockwise_and_parts_go_north_west_first() -> None:
    south_east = shapely.Polygon(
        [(100, 0), (130, 0), (130, 30), (100, 30)], [[(110, 10), (120, 10), (120, 20), (110, 20)]]
    )
    north_west = shapely.box(0, 50, 10, 60)
    rings = number_points(shapely.MultiPolygon([south_east, north_west]))
    assert [(r.part, r.hole, r.first_number) for r in rings] == [(0, 0, 1), (1, 0, 5), (1, 1, 9)]
    assert rings[0].coords[0].tolist() == [0, 60]
    hole = rings[2]
    assert hole.coords[0].tolist() == [110, 20]  # the hole's own north-west vertex
    assert _signed_area(hole.coords) > 0  # counter-clockwise
    assert _signed_area(rings[1].coords) < 0
    rows = point_table(rings)
    assert [r.point for r in rows][-5:] == ["J9", "J10", "J11", "J12", "J9"]
    assert rows[-1].to_next is None


def test_repeated_vertices_get_one_number() -> None:
    poly = shapely.Polygon([(0, 0), (0, 10), (0, 10), (10, 10), (10, 0)])
    (ring,) = number_points(poly)
    assert len(ring.coords) == 4


def test_direction_quarters() -> None:
    assert direction_of(1, 0) == "east"
    assert direction_of(0, 1) == "north"
    assert direction_of(-1, 0.2) == "west"
    assert direction_of(0.1, -1) == "south"


def test_demo_j1_is_the_north_west_vertex_and_order_is_clockwise(
    village_reports: list[content.ParcelReport],
) -> None:
    checked = 0
    for r in village_reports:
        for ring in r.rings:
            xy = ring.coords
            corner = np.array([xy[:, 0].min(), xy[:, 1].max()])
            d = np.hypot(*(xy - corner).T)
            assert d[0] == pytest.approx(d.min(), abs=1e-9), r.zddm
            assert nw_index(xy) == 0
            assert (_signed_area(xy) < 0) == (ring.hole == 0), r.zddm
            checked += 1
    assert checked > 500


def test_demo_table_coordinates_are_the_geometry_vertices(
    village_reports: list[content.ParcelReport],
) -> None:
    for r in village_reports:
        if r.geometry is None or shapely.is_empty(r.geometry):
            assert r.table == []
            continue
        ring = shapely.get_coordinates(shapely.get_exterior_ring(shapely.get_parts(r.geometry)))
        vertices = {(round(x, 3), round(y, 3)) for x, y in ring}
        # X is the northing, Y the easting, as printed to 0.001 m
        printed = {(round(row.y, 3), round(row.x, 3)) for row in r.table}
        assert printed <= vertices | _holes(r.geometry), r.zddm
        assert printed >= vertices, r.zddm
        for row in r.table:
            assert f"{row.x:.3f}".index(".") == 7  # northing: 7 integer digits
            assert f"{row.y:.3f}".startswith("36")  # easting with the zone-36 prefix
        lengths = [row.to_next for row in r.table if row.to_next is not None]
        assert sum(lengths) == pytest.approx(shapely.length(r.geometry), abs=1e-6)


def _holes(geom: Any) -> set[tuple[float, float]]:
    rings = shapely.get_rings(shapely.get_parts(geom))
    return {(round(x, 3), round(y, 3)) for x, y in shapely.get_coordinates(rings)}


def test_demo_scale_is_the_first_nice_scale_that_fits(
    village_reports: list[content.ParcelReport],
) -> None:
    w_mm, h_mm = content.MAP_FRAME_MM
    for r in village_reports:
        if r.geometry is None:
            continue
        b = shapely.bounds(r.geometry)
        need_w = (b[2] - b[0] + 2 * MAP_BUFFER_M) * 1000
        need_h = (b[3] - b[1] + 2 * MAP_BUFFER_M) * 1000
        assert need_w / r.scale <= w_mm and need_h / r.scale <= h_mm, r.zddm
        smaller = [s for s in NICE_SCALES if s < r.scale]
        if smaller:
            assert need_w / smaller[-1] > w_mm or need_h / smaller[-1] > h_mm
        e = r.map_extent
        assert e[0] <= b[0] and e[2] >= b[2] and e[1] <= b[1] and e[3] >= b[3]
        assert (e[2] - e[0]) * 1000 / r.scale == pytest.approx(w_mm)


def test_demo_hamlets_give_parcels_neighbours_on_opposite_sides(
    village_reports: list[content.ParcelReport],
) -> None:
    with_neighbours = [r for r in village_reports if r.neighbours]
    assert len(with_neighbours) > 0.6 * len(village_reports)
    side = {(r.zddm, n.zddm): n.direction for r in village_reports for n in r.neighbours}
    pairs = [(a, b) for (a, b) in side if (b, a) in side]
    assert len(pairs) > 0.5 * len(side)  # a neighbour's neighbour is mostly seen from both
    # the side named points towards the neighbour: within 90° of centroid to centroid
    unit = {"east": (1, 0), "west": (-1, 0), "north": (0, 1), "south": (0, -1)}
    centre = {
        r.zddm: shapely.get_coordinates(shapely.centroid(r.geometry))[0]
        for r in village_reports
        if r.geometry is not None
    }
    checked = 0
    for (a, b), direction in side.items():
        if a in centre and b in centre:
            dx, dy = centre[b] - centre[a]
            ux, uy = unit[direction]
            assert ux * dx + uy * dy > 0, (a, b, direction)
            checked += 1
    assert checked > 0.5 * len(side)
    for r in with_neighbours:
        assert r.four_to is not None
        named = {label for labels in r.four_to.sides.values() for label in labels}
        for n in r.neighbours:
            assert n.distance_m <= 0.5
            assert any(label.startswith((n.zddm or "")[-5:]) for label in named)


def test_big_parcels_step_up_the_scale() -> None:
    assert choose_scale((0, 0, 20, 12), (170, 110)) == 200  # 30 × 22 m
    assert choose_scale((0, 0, 20, 15), (170, 110)) == 250  # 25 m tall: 227 mm at 1:200
    assert choose_scale((0, 0, 40, 15), (170, 110)) == 300
    assert choose_scale((0, 0, 70, 30), (170, 110)) == 500
    assert choose_scale((0, 0, 9000, 10), (170, 110)) == 100000


# ------------------------------------------------------------------ 四至
def _grid_project(path: Path, origin: tuple[float, float]) -> GpkgStore:
    """Nine 10 m parcels in a 3×3 block sharing boundaries, and one lone parcel whose
    四至 came with the import (ZDSZD...)."""
    store = GpkgStore.create(path)
    x0, y0 = origin
    geoms, zddm, holder, extra = [], [], [], []
    for row in range(3):
        for col in range(3):
            k = row * 3 + col
            geoms.append(
                shapely.box(x0 + col * 10, y0 + row * 10, x0 + col * 10 + 10, y0 + row * 10 + 10)
            )
            zddm.append(f"500110108001JC{k + 1:05d}")
            holder.append(f"户主{k + 1}")
            extra.append(None)
    geoms.append(shapely.box(x0 + 500, y0, x0 + 512, y0 + 12))
    zddm.append("500110108001JC00010")
    holder.append("独户")
    extra.append(
        json.dumps({"ZDSZD": "道路", "ZDSZB": "张三宅基地", "ZDSZX": " "}, ensure_ascii=False)
    )
    with store.transaction() as conn:
        store.insert_features(
            conn, "parcels", np.array(geoms, dtype=object),
            {"zddm": zddm, "holder_name": holder, "extra": extra,
             "village_code": ["500110108200"] * 10},
        )  # fmt: skip
    return store


def test_four_to_names_the_neighbours_by_side(tmp_path: Path, origin: tuple[float, float]) -> None:
    store = _grid_project(tmp_path / "grid.gpkg", origin)
    try:
        centre = content.parcel_fid(store, "500110108001JC00005")
        data = content.ReportData.load(store, [centre])
        (r,) = list(data.reports())
        # 9 parcels: 4 share a side, 4 a corner only; corner ones go E/W by rule
        assert r.four_to is not None
        assert "00006 户主6" in r.four_to.sides["east"]
        assert "00004 户主4" in r.four_to.sides["west"]
        assert "00008 户主8" in r.four_to.sides["north"]
        assert "00002 户主2" in r.four_to.sides["south"]
        assert all(v == "neighbours" for v in r.four_to.source.values())
        assert len(r.neighbours) == 8
        # corner neighbours fall into a side, never two
        sides = [n.direction for n in r.neighbours]
        assert len(sides) == len({n.zddm for n in r.neighbours})

        corner = content.ReportData.load(store, [content.parcel_fid(store, "500110108001JC00001")])
        (c,) = list(corner.reports())
        assert c.four_to is not None
        assert c.four_to.sides["west"] == () and c.four_to.source["west"] == "blank"
        assert c.four_to.sides["south"] == ()
        assert "00002 户主2" in c.four_to.sides["east"]
        assert "00004 户主4" in c.four_to.sides["north"]

        lone = content.ReportData.load(store, [content.parcel_fid(store, "500110108001JC00010")])
        (s,) = list(lone.reports())
        assert s.neighbours == []
        assert s.four_to is not None
        assert s.four_to.sides == {
            "east": ("道路",), "south": (), "west": (), "north": ("张三宅基地",),
        }  # fmt: skip
        assert s.four_to.source["east"] == "imported" and s.four_to.source["west"] == "blank"
    finally:
        store.close()


def test_tolerance_decides_who_is_a_neighbour(tmp_path: Path, origin: tuple[float, float]) -> None:
    store = GpkgStore.create(tmp_path / "gap.gpkg")
    x0, y0 = origin
    with store.transaction() as conn:
        store.insert_features(
            conn, "parcels",
            np.array([shapely.box(x0, y0, x0 + 10, y0 + 10),
                      shapely.box(x0 + 10.4, y0, x0 + 20, y0 + 10),
                      shapely.box(x0 - 10.6, y0, x0 - 0.6, y0 + 10)], dtype=object),
            {"zddm": ["A", "B", "C"]},
        )  # fmt: skip
    try:
        (r,) = list(content.ReportData.load(store, [content.parcel_fid(store, "A")]).reports())
        assert [(n.zddm, n.direction) for n in r.neighbours] == [("B", "east")]  # 0.4 ≤ 0.5 < 0.6
    finally:
        store.close()


# ------------------------------------------------------------------ people and cases
def test_no_id_number_is_printed_unmasked(demo: GpkgStore) -> None:
    fids = content.parcel_fids_in(demo, [demo.execute_sql("SELECT code FROM villages")[0][0]])
    masked = list(content.ReportData.load(demo, fids, as_of=AS_OF).reports())
    text = json.dumps([_plain(r) for r in masked], ensure_ascii=False, default=str)
    assert not ID18.search(text)
    assert "********" in text
    clear = list(content.ReportData.load(demo, fids, as_of=AS_OF, unmask=True).reports())
    assert ID18.search(json.dumps([_plain(r) for r in clear], ensure_ascii=False, default=str))
    for kind in ledgers.KINDS:
        for (code,) in demo.execute_sql("SELECT code FROM villages"):
            led = ledgers.village_ledger(demo, code, kind, as_of=AS_OF)
            assert not ID18.search(json.dumps(led.rows, ensure_ascii=False, default=str))


def _plain(r: content.ParcelReport) -> dict[str, Any]:
    d = {f.name: getattr(r, f.name) for f in dataclasses.fields(r)}
    for k in ("geometry", "rings", "table", "context_parcels", "context_buildings"):
        d.pop(k)
    d["buildings"] = [dataclasses.replace(b, geometry=None) for b in r.buildings]
    return json.loads(json.dumps(d, default=lambda o: getattr(o, "__dict__", str(o))))


def test_parcel_report_carries_household_buildings_findings_and_cases(demo: GpkgStore) -> None:
    (zddm,) = demo.execute_sql(
        "SELECT zddm FROM ruin_cases WHERE disposition IS NOT NULL ORDER BY fid LIMIT 1"
    )[0]
    data = content.ReportData.load(demo, [content.parcel_fid(demo, zddm)], as_of=AS_OF)
    (r,) = list(data.reports())
    assert r.zddm == zddm
    assert r.household is not None and r.household.members
    assert any(b.status == "残垣断壁" for b in r.buildings)
    assert any(f.rule_id == "QJ-R014" for f in r.findings)
    (case,) = [c for c in r.cases if c.kind == "ruin"]
    assert case.disposition is not None and case.deadline is not None
    assert [e.action for e in case.events][:2] == ["open", "dispose"]


def test_household_sheet_holds_every_parcel_of_a_multi_homestead_household(
    demo: GpkgStore,
) -> None:
    (no, entities) = demo.execute_sql(
        "SELECT key, entities FROM findings WHERE rule_id = 'QJ-R001' AND exemption IS NULL "
        "ORDER BY fid LIMIT 1"
    )[0]
    want = {e["key"] for e in json.loads(entities) if e["kind"] == "parcel"}
    sheet = content.household_report(demo, no, as_of=AS_OF)
    assert sheet.household.household_no == no
    assert {p.zddm for p in sheet.parcels} == want
    assert any(f.rule_id == "QJ-R001" for f in sheet.household_findings)
    with pytest.raises(QjgisError) as e:
        content.household_report(demo, "nope")
    assert e.value.code == "report_household_not_found"


# ------------------------------------------------------------------ ledgers
def test_ledger_totals_equal_stats_for_each_village(demo: GpkgStore) -> None:
    as_of = AS_OF + dt.timedelta(days=30)  # one disposed case is overdue by then
    cases = {r["code"]: r for r in case_statistics(demo, "village", as_of)}
    findings = {r["code"]: r for r in finding_statistics(demo, by="village")}
    overdue_seen = paid_seen = 0
    for (code,) in demo.execute_sql("SELECT DISTINCT code FROM villages"):
        multi = ledgers.village_ledger(demo, code, "multi", as_of=as_of)
        f = findings[code]
        r001 = f["by_rule"].get("QJ-R001", {"found": 0, "standing": 0})
        assert multi.totals["households"] == r001["found"] == len(multi.rows)
        assert multi.totals["standing"] == f["multi_homestead_households"] == r001["standing"]

        ruins = ledgers.village_ledger(demo, code, "ruins", as_of=as_of)
        reno = ledgers.village_ledger(demo, code, "renovation", as_of=as_of)
        c = cases.get(code)
        if c is None:
            assert ruins.rows == [] and reno.rows == []
            continue
        for key in ("ruin_cases", "ruin_undisposed", "ruin_self_demolition", "buildings"):
            if key != "buildings":
                assert ruins.totals[key] == c[key], key
        for key in ("renovation_cases", "renovation_grade_c", "renovation_grade_d"):
            assert reno.totals[key] == c[key], key
        assert reno.totals["subsidy_approved"] == pytest.approx(c["subsidy_approved"])
        assert reno.totals["subsidy_paid"] == pytest.approx(c["subsidy_paid"])
        assert ruins.totals["overdue"] + reno.totals["overdue"] == c["overdue"]
        assert ruins.totals["cancelled"] + reno.totals["cancelled"] == c["cancelled"]
        overdue_seen += c["overdue"]
        paid_seen += c["subsidy_paid"] > 0
    assert overdue_seen >= 1 and paid_seen >= 1


def test_ledger_of_an_unknown_village_or_kind_is_refused(demo: GpkgStore) -> None:
    with pytest.raises(QjgisError) as e:
        ledgers.village_ledger(demo, "no such village", "multi")
    assert e.value.code == "village_not_found"
    with pytest.raises(QjgisError) as e:
        ledgers.village_ledger(demo, demo.execute_sql("SELECT code FROM villages")[0][0], "x")
    assert e.value.code == "invalid_argument"


# ------------------------------------------------------------------ the atlas gate
def test_atlas_gate_lists_wrong_pages_and_force_keeps_them(
    tmp_path: Path, origin: tuple[float, float]
) -> None:
    from qjgis.reports.atlas import plan_atlas

    store = GpkgStore.create(tmp_path / "gate.gpkg")
    x0, y0 = origin
    bowtie = shapely.Polygon([(x0, y0), (x0 + 10, y0 + 10), (x0 + 10, y0), (x0, y0 + 10)])
    geoms = np.array(
        [shapely.box(x0 + 20, y0, x0 + 30, y0 + 10), bowtie, None,
         shapely.box(x0 + 40, y0, x0 + 50, y0 + 10), shapely.box(x0 + 60, y0, x0 + 70, y0 + 10)],
        dtype=object,
    )  # fmt: skip
    with store.transaction() as conn:
        store.insert_features(
            conn, "villages", np.array([shapely.box(x0 - 100, y0 - 100, x0 + 200, y0 + 200)]),
            {"code": ["500110108200"], "name": ["安桥村"], "town_code": ["500110108"]},
        )  # fmt: skip
        store.insert_features(
            conn, "parcels", geoms,
            {"zddm": ["500110108001JC00001", "500110108001JC00002", "500110108001JC00003",
                      None, "500110108001JC00005"],
             "village_code": ["500110108200"] * 5},
        )  # fmt: skip
        # a building 1 m east of the last parcel, outside every parcel
        store.insert_features(
            conn, "buildings", np.array([shapely.box(x0 + 71, y0 + 2, x0 + 75, y0 + 6)]),
            {"bdcdyh": ["500110108001JC00005F00010001"], "zddm": ["500110108001JC00005"]},
        )  # fmt: skip
    try:
        run_checks(store, ["QJ-R004"], as_of=AS_OF)
        plan = plan_atlas(store, village="安桥村")
        why = {d["zddm"]: d["reasons"] for d in plan.left_out}
        assert why == {
            "500110108001JC00002": ["invalid_geometry"],
            "500110108001JC00003": ["missing_geometry"],
            None: ["missing_code"],
            "500110108001JC00005": ["building_outside"],
        }
        assert len(plan.printed) == 1
        forced = plan_atlas(store, village="500110108200", force=True)
        assert len(forced.printed) == 5 and len(forced.left_out) == 4
        # decided a false positive: the page is fine after all
        (fid,) = store.execute_sql("SELECT fid FROM findings WHERE rule_id = 'QJ-R004'")[0]
        run(store, Review(int(fid), "false_positive", "棚子，不属于宗地"))
        assert len(plan_atlas(store, village="安桥村").printed) == 2
    finally:
        store.close()


def test_an_english_ledger_title_becomes_a_valid_sheet_name(
    demo: GpkgStore, tmp_path: Path
) -> None:
    """ "Ledger: ruined houses" has a colon, which Excel refuses in a sheet's name: the
    English XLSX ledger failed with a traceback."""
    from openpyxl import load_workbook

    from qjgis.reports.ledger_xlsx import sheet_title, write_ledger_xlsx

    assert (
        sheet_title("Village 1 Ledger: ruined houses [draft]?") == "Village 1 Ledger ruined houses"
    )
    assert len(sheet_title("x" * 40)) == 31
    village = demo.execute_sql("SELECT village_code FROM ruin_cases LIMIT 1")
    code = village[0][0] if village else demo.execute_sql("SELECT code FROM villages")[0][0]
    led = ledgers.village_ledger(demo, code, "ruins")
    out = tmp_path / "ruins.xlsx"
    title = "Village Ledger: ruined houses"
    write_ledger_xlsx(
        led, out, title=title, subtitle="s", headers={c: c for c in led.columns}, widths={},
        totals_line="t", signatures=["a"],
    )  # fmt: skip
    book = load_workbook(out)
    assert book.active.title == "Village Ledger ruined houses"
    assert book.active["A1"].value == title  # the title itself keeps its words
