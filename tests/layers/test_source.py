"""GpkgLayer reads by extent: the same features as an in-memory layer, a bounded cache, LOD."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import shapely

from layers import GpkgLayer, MapRenderer, VectorLayer, load_layers
from layers.source import TILE_PIXELS, tile_level
from layers.style import (
    BUILDING_MAX_SCALE,
    PARCEL_LABEL_MAX_SCALE,
    PARCEL_MAX_SCALE,
    default_style,
    project_styles,
)
from qjgis import settings as settings_mod
from qjgis.store import GpkgStore

pytestmark = pytest.mark.gui

X0, Y0 = 36_400_000.0, 3_200_000.0
N = 60  # a 60 x 60 grid of parcels, 25 m apart


def grid_parcels() -> tuple[np.ndarray, np.ndarray]:
    """Small 20 m plots, and every 7th one a big 300 m plot (larger features, other levels)."""
    geoms, codes = [], []
    rng = np.random.default_rng(7)
    for i in range(N):
        for j in range(N):
            x, y = X0 + i * 25 + rng.uniform(0, 3), Y0 + j * 25 + rng.uniform(0, 3)
            size = 300.0 if (i * N + j) % 7 == 0 else 20.0
            geoms.append(shapely.box(x, y, x + size, y + size * 0.8))
            codes.append(f"500110108001JC{i * N + j:05d}")
    return np.array(geoms, dtype=object), np.array(codes, dtype=object)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("source") / "grid.gpkg"
    geoms, codes = grid_parcels()
    with GpkgStore.create(path) as store, store.transaction() as conn:
        store.insert_features(conn, "parcels", geoms, {"zddm": codes})
    return path


def memory_layer() -> VectorLayer:
    geoms, codes = grid_parcels()
    return VectorLayer.from_arrays("parcels", geoms, {"zddm": codes}, default_style("parcels"))


EXTENTS = [
    (X0 - 50, Y0 - 50, X0 + 400, Y0 + 300),
    (X0 + 333, Y0 + 777, X0 + 1111, Y0 + 1234),
    (X0 + 1000, Y0 + 10, X0 + 1600, Y0 + 1500),
    (X0 - 5000, Y0 - 5000, X0 + 5000, Y0 + 5000),
]


@pytest.mark.parametrize("extent", EXTENTS)
@pytest.mark.parametrize("min_size", [0.0, 0.3, 5.0, 21.0, 100.0])
def test_same_features_as_in_memory(project: Path, extent: tuple, min_size: float) -> None:
    layer = GpkgLayer(project, "parcels")
    got = layer.features(extent, min_size)
    want = memory_layer().features(extent, min_size)
    # The store numbers fids from 1 in insertion order, as from_arrays does.
    assert np.array_equal(got.fids, want.fids)
    assert len(np.unique(got.fids)) == len(got.fids)  # a feature across tiles comes once
    assert shapely.equals(got.geometry, want.geometry).all()
    assert list(got.attrs["zddm"]) == list(want.attrs["zddm"])


def test_features_under_the_level_size_are_not_read(project: Path) -> None:
    layer = GpkgLayer(project, "parcels")
    extent = (X0 - 100, Y0 - 100, X0 + 2000, Y0 + 2000)
    feats = layer.features(extent, 50.0)  # 20 m plots are under a pixel here
    assert len(feats) > 0
    assert (np.maximum(feats.bounds[:, 2] - feats.bounds[:, 0], 1) >= 50).all()
    # The 20 m plots never came out of the file: all that was read is what is drawn.
    assert layer.cached_features == len(feats)


def test_panning_reads_only_new_tiles(project: Path) -> None:
    layer = GpkgLayer(project, "parcels")
    min_size = 0.5
    side = TILE_PIXELS * 2.0 ** tile_level(min_size)
    extent = (X0, Y0, X0 + 300, Y0 + 200)
    layer.features(extent, min_size)
    first = layer.tiles_read
    layer.features(extent, min_size)  # the same view again: all from the cache
    assert layer.tiles_read == first
    moved = (extent[0] + side, extent[1], extent[2] + side, extent[3])
    layer.features(moved, min_size)
    assert 0 < layer.tiles_read - first <= 2


def test_cache_is_bounded(project: Path) -> None:
    layer = GpkgLayer(project, "parcels", cache_features=500)
    for k in range(12):
        x = X0 + k * 130
        layer.features((x, Y0, x + 200, Y0 + 1500), 0.5)
        assert layer.cached_features <= 500 + N * N // 2  # the tiles in view stay, others go
    memory = memory_layer().features((X0, Y0, X0 + 200, Y0 + 1500), 0.5)
    assert np.array_equal(layer.features((X0, Y0, X0 + 200, Y0 + 1500), 0.5).fids, memory.fids)


def test_invalidate_sees_new_features(tmp_path: Path) -> None:
    path = tmp_path / "p.gpkg"
    box = shapely.box(X0, Y0, X0 + 20, Y0 + 20)
    with GpkgStore.create(path) as store, store.transaction() as conn:
        store.insert_features(conn, "parcels", np.array([box], dtype=object), {})
    layer = GpkgLayer(path, "parcels")
    extent = (X0 - 100, Y0 - 100, X0 + 100, Y0 + 100)
    assert len(layer.features(extent, 0.1)) == 1
    with GpkgStore.open(path) as store, store.transaction() as conn:
        other = shapely.box(X0 + 40, Y0, X0 + 60, Y0 + 20)
        store.insert_features(conn, "parcels", np.array([other], dtype=object), {})
    assert len(layer.features(extent, 0.1)) == 1  # cached: the project change is not seen yet
    layer.invalidate()
    assert len(layer.features(extent, 0.1)) == 2
    assert layer.extent() == pytest.approx((X0, Y0, X0 + 60, Y0 + 20))


def test_empty_layer(tmp_path: Path) -> None:
    path = tmp_path / "empty.gpkg"
    GpkgStore.create(path).close()
    layer = GpkgLayer(path, "buildings")
    assert layer.extent() is None
    assert len(layer) == 0
    assert len(layer.features((0, 0, 1, 1), 0.0)) == 0


def test_scale_limits_come_from_the_project(tmp_path: Path, qapp: object) -> None:
    path = tmp_path / "s.gpkg"
    with GpkgStore.create(path) as store:
        styles = project_styles(store.settings())
        assert styles["parcels"].max_scale == PARCEL_MAX_SCALE
        assert styles["buildings"].max_scale == BUILDING_MAX_SCALE
        assert styles["villages"].max_scale is None
        assert styles["parcels"].label is not None
        assert styles["parcels"].label.max_scale == PARCEL_LABEL_MAX_SCALE
        with store.transaction() as conn:
            store.write_settings(
                conn, {"map.parcels.max_scale": 5000, "map.villages.label_max_scale": 50000}
            )
    with GpkgStore.open(path) as store:
        layers = {layer.name: layer for layer in load_layers(store)}
    assert layers["parcels"].style.max_scale == 5000.0
    assert layers["villages"].style.label is not None
    assert layers["villages"].style.label.max_scale == 50000.0
    # What the renderer does with them: parcels hidden at 1:10,000, shown at 1:2,000.
    renderer = MapRenderer(list(layers.values()))
    renderer.render_image((X0, Y0, X0 + 4233, Y0 + 3175), _size(1600, 1200))  # ~1:10,000
    assert "parcels" in renderer.last_stats.hidden_by_scale


def test_settings_defaults_match_the_styles() -> None:
    d = settings_mod.defaults()
    assert d["map.parcels.max_scale"] == default_style("parcels").max_scale
    assert d["map.buildings.max_scale"] == default_style("buildings").max_scale
    assert d["map.villages.max_scale"] == default_style("villages").max_scale
    label = default_style("parcels").label
    assert label is not None and d["map.parcels.label_max_scale"] == label.max_scale


def test_bad_scale_setting_is_refused(tmp_path: Path) -> None:
    from qjgis.errors import QjgisError

    with (
        GpkgStore.create(tmp_path / "b.gpkg") as store,
        store.transaction() as conn,
        pytest.raises(QjgisError) as err,
    ):
        store.write_settings(conn, {"map.parcels.max_scale": -5})
    assert err.value.code == "invalid_setting"


def test_style_change_reclassifies(project: Path) -> None:
    layer = GpkgLayer(project, "parcels")
    extent = EXTENTS[0]
    assert set(layer.features(extent, 0.0).categories.tolist()) == {0}
    style = layer.style
    layer.style = replace(style, classify=lambda attrs, n: np.ones(n, dtype=np.int64))
    assert set(layer.features(extent, 0.0).categories.tolist()) == {1}


def _size(w: int, h: int):
    from PySide6.QtCore import QSize

    return QSize(w, h)


@pytest.mark.parametrize("extent", EXTENTS)
def test_in_box_and_by_fids_equal_the_memory_layer(project: Path, extent: tuple) -> None:
    # What a click, a box selection or a highlight asks: features too small to draw at the
    # current scale, and features outside every cached tile, are found all the same.
    layer, memory = GpkgLayer(project, "parcels"), memory_layer()
    got_fids, _ = layer.in_box(extent)
    want_fids, _ = memory.in_box(extent)
    order = np.argsort(got_fids)
    assert np.array_equal(got_fids[order], np.sort(want_fids))
    wanted = np.array([want_fids.max() if len(want_fids) else 1, 1, 10_000_000, 57])
    by_fid, geoms = layer.by_fids(wanted)
    mem_fids, mem_geoms = memory.by_fids(wanted)
    assert np.array_equal(by_fid, mem_fids) and 10_000_000 not in by_fid
    assert shapely.equals(geoms, mem_geoms).all()
    assert layer.cached_features == 0  # neither read fills the drawing cache


def test_towns_are_dissolved_from_their_villages(tmp_path: Path, qapp: object) -> None:
    from layers.source import TownLayer

    path = tmp_path / "towns.gpkg"
    # Two towns: 500110108 has three villages side by side, 500110109 one.
    boxes = [shapely.box(X0 + i * 100, Y0, X0 + (i + 1) * 100, Y0 + 100) for i in range(4)]
    codes = ["500110108001", "500110108002", "500110108003", "500110109001"]
    with GpkgStore.create(path) as store, store.transaction() as conn:
        store.insert_features(
            conn,
            "villages",
            np.array(boxes, dtype=object),
            {
                "code": np.array(codes, dtype=object),
                "name": np.array(list("甲乙丙丁"), dtype=object),
            },
        )
        conn.execute("INSERT INTO towns (code, name) VALUES ('500110108', '石角镇')")
    with GpkgStore.open(path) as store:
        layers = {layer.name: layer for layer in load_layers(store)}
    towns = layers["towns"]
    assert isinstance(towns, TownLayer)
    assert list(layers) == ["villages", "towns", "parcels", "buildings"]
    assert len(towns) == 2  # counted before anything is built
    feats = towns.features((X0 - 10, Y0 - 10, X0 + 410, Y0 + 110), 0.0)
    # In town-code order; a town missing from the towns table has no name.
    assert list(feats.attrs["name"]) == ["石角镇", None]
    assert shapely.equals(feats.geometry[0], shapely.box(X0, Y0, X0 + 300, Y0 + 100))
    renderer = MapRenderer(list(layers.values()))
    renderer.render_image((X0 - 10, Y0 - 10, X0 + 410, Y0 + 110), _size(800, 240))
    assert renderer.last_stats.labels["towns"] == 1
