"""Reference layers on the map (issue 19): one GpkgLayer per kind over `reference_features`,
the features in force only, styled per kind (land use by first-level class, with a legend)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor

from layers import MapRenderer, load_layers
from layers.source import reference_kinds, reference_layer
from layers.style import LANDUSE_COLORS, LANDUSE_OTHER, landuse_style, reference_style
from qjgis.store import GpkgStore

pytestmark = pytest.mark.gui

X0, Y0 = 36_400_000.0, 3_200_000.0


def square(i: int, j: int, size: float = 100.0) -> shapely.Polygon:
    return shapely.box(X0 + i * size, Y0 + j * size, X0 + (i + 1) * size, Y0 + (j + 1) * size)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A row of land-use patches 0101, 0301, 0702, 1101 and one without a known class; a
    basic-farmland patch; a hazard point's disc; a superseded 1101 patch over the first."""
    path = tmp_path_factory.mktemp("reference") / "ref.gpkg"
    rows = [
        ("landuse", "landuse:1", "0101", square(0, 0), None),
        ("landuse", "landuse:2", "0301", square(1, 0), None),
        ("landuse", "landuse:3", "0702", square(2, 0), None),
        ("landuse", "landuse:4", "1101", square(3, 0), None),
        ("landuse", "landuse:5", "XX", square(4, 0), None),
        ("landuse", "landuse:old", "1101", square(0, 0), 7),  # retired by batch 7
        ("basic-farmland", "basic-farmland:1", "0101", square(0, 1), None),
        ("hazard-points", "hazard-points:1", None, square(2, 2).centroid.buffer(30), None),
    ]
    with GpkgStore.create(path) as store, store.transaction() as conn:
        store.insert_features(
            conn,
            "reference_features",
            np.array([r[3] for r in rows], dtype=object),
            {
                "kind": np.array([r[0] for r in rows], dtype=object),
                "ref_key": np.array([r[1] for r in rows], dtype=object),
                "dlbm": np.array([r[2] for r in rows], dtype=object),
                "superseded_by": np.array([r[4] for r in rows], dtype=object),
            },
        )
    return path


def test_one_layer_per_kind_with_the_features_in_force(project: Path) -> None:
    with GpkgStore.open(project) as store:
        assert reference_kinds(store) == ["landuse", "basic-farmland", "hazard-points"]
        names = [layer.name for layer in load_layers(store, reference=True)]
        plain = [layer.name for layer in load_layers(store)]
    # over the villages, under the towns' outlines and the parcels
    assert names == [
        "villages", "landuse", "basic-farmland", "hazard-points", "towns", "parcels", "buildings",
    ]  # fmt: skip
    assert plain == ["villages", "towns", "parcels", "buildings"]
    landuse = reference_layer(project, "landuse")
    assert len(landuse) == 5  # the superseded patch is not drawn
    whole = (X0 - 10, Y0 - 10, X0 + 600, Y0 + 400)
    f = landuse.features(whole, 0.0)
    assert sorted(f.attrs["dlbm"].tolist()) == ["0101", "0301", "0702", "1101", "XX"]
    # classes by first level: 01 -> 0, 03 -> 2, 07 -> 6, 11 -> 10, unknown -> the last
    by_code = dict(zip(f.attrs["dlbm"].tolist(), f.categories.tolist(), strict=True))
    assert by_code == {"0101": 0, "0301": 2, "0702": 6, "1101": 10, "XX": 12}
    fids, _ = landuse.by_fids(np.arange(1, 20))
    assert len(fids) == 5
    fids, _ = reference_layer(project, "hazard-points").in_box(whole)
    assert len(fids) == 1
    landuse.close()


def _rgb(c: QColor) -> tuple[int, int, int]:
    return (c.red(), c.green(), c.blue())


def test_land_use_is_filled_by_first_level_class(project: Path) -> None:
    layer = reference_layer(project, "landuse")
    renderer = MapRenderer([layer])
    renderer.labels_enabled = False
    extent = (X0, Y0, X0 + 500, Y0 + 100)
    image = renderer.render_image(extent, QSize(500, 100))
    colour = {k: _rgb(QColor(image.pixel(50 + 100 * k, 50))) for k in range(5)}
    assert colour[0] == _rgb(LANDUSE_COLORS["01"])  # the retired 1101 over it is not drawn
    assert colour[1] == _rgb(LANDUSE_COLORS["03"])
    assert colour[2] == _rgb(LANDUSE_COLORS["07"])
    assert colour[3] == _rgb(LANDUSE_COLORS["11"])
    assert colour[4] == _rgb(LANDUSE_OTHER)
    layer.close()


def test_styles_and_legends_per_kind() -> None:
    style = landuse_style()
    assert [code for code, _ in style.legend] == [
        *(f"landuse.{k:02d}" for k in range(1, 13)), "landuse.other",
    ]  # fmt: skip
    assert [i for _, i in style.legend] == list(range(13))
    assert style.symbols[0].fill == LANDUSE_COLORS["01"]
    assert reference_style("hazard-points").legend == (("legend.hazard_disc", 0),)
    for kind in ("basic-farmland", "village-plan", "hazard-zones", "hazard-points", "other"):
        style = reference_style(kind)
        assert len(style.symbols) == 1 and style.max_scale is not None


def test_a_tile_read_walks_the_rtree_not_the_kind_index(project: Path) -> None:
    """The rows of one kind are read through the R-tree of the box asked for: SQLite's
    planner, left alone, drove the read from the kind's index and probed the R-tree for every
    patch of that kind (6 s a tile on a county's 500,000 land-use patches, instead of 0.4 ms)."""
    layer = reference_layer(project, "landuse")
    statements: list[str] = []
    conn = layer.connection()
    conn.set_trace_callback(statements.append)
    layer.features((X0, Y0, X0 + 150, Y0 + 50), 0.0)
    conn.set_trace_callback(None)
    # the layer's own reads (the R-tree module's internal statements left aside)
    reads = [x for x in statements if x.startswith("SELECT t.fid") and "rtree_" in x]
    assert reads
    for sql in reads:
        plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()]
        assert plan[0].startswith("SCAN r VIRTUAL TABLE"), plan
        assert not any("idx_reference_features_kind" in step for step in plan), plan
    layer.close()


@pytest.fixture(scope="module")
def hazards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two hazard points as the import stores them: H1 with its file's radius of 30 m, H2
    without one (radius NULL, the disc of the setting at import, 50 m)."""
    path = tmp_path_factory.mktemp("hazards") / "hz.gpkg"
    centres = [shapely.Point(X0 + 100, Y0 + 100), shapely.Point(X0 + 1000, Y0 + 100)]
    with GpkgStore.create(path) as store, store.transaction() as conn:
        store.insert_features(
            conn,
            "reference_features",
            np.array([centres[0].buffer(30, 16), centres[1].buffer(50, 16)], dtype=object),
            {
                "kind": np.array(["hazard-points"] * 2, dtype=object),
                "ref_key": np.array(["hazard-points:H1", "hazard-points:H2"], dtype=object),
                "radius_m": np.array([30.0, None], dtype=object),
            },
        )
        store.write_settings(conn, {"overlay.hazard_radius_m": 120.0})
    return path


def test_defaulted_hazard_points_are_drawn_at_the_setting_of_now(hazards: Path) -> None:
    with GpkgStore.open(hazards) as store:
        (layer,) = [x for x in load_layers(store, reference=True) if x.name == "hazard-points"]
    assert layer.default_radius == 120.0  # the project's setting, not the 50 m of import
    whole = (X0, Y0, X0 + 1200, Y0 + 300)
    f = layer.features(whole, 0.0)
    radius = dict(zip(f.fids.tolist(), np.sqrt(shapely.area(f.geometry) / np.pi), strict=True))
    assert radius[1] == pytest.approx(30.0, rel=0.01)  # its own radius wins
    assert radius[2] == pytest.approx(120.0, rel=0.01)
    assert f.bounds[list(f.fids).index(2)][2] == pytest.approx(X0 + 1120.0)
    # a view that meets only the widened disc (100 m east of H2) still draws it, and at a
    # coarse level where the stored disc alone would be too small
    east = (X0 + 1090, Y0 + 90, X0 + 1110, Y0 + 110)
    assert list(layer.features(east, 0.0).fids) == [2]
    assert list(layer.features((X0 + 900, Y0, X0 + 1200, Y0 + 300), 200.0).fids) == [2]
    assert list(layer.in_box(east)[0]) == [2]
    _, geoms = layer.by_fids(np.array([2]))
    assert np.sqrt(shapely.area(geoms[0]) / np.pi) == pytest.approx(120.0, rel=0.01)
    # a smaller setting shrinks it again; without one the stored disc is drawn
    layer.default_radius = 20.0
    assert len(layer.features(east, 0.0)) == 0
    layer.default_radius = None
    f = layer.features(whole, 0.0)
    assert np.sqrt(shapely.area(f.geometry[1]) / np.pi) == pytest.approx(50.0, rel=0.01)
    layer.close()
