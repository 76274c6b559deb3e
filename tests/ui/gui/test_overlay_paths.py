"""The map overlays build their outline paths once per view, and many of them off the
GUI thread (issue 16: the first case panel stalled the window while the findings
outlines were rebuilt for every one of the window's repaints)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage, QRegion
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

import layers.renderer
from layers.renderer import MapRenderer
from layers.vector_layer import load_layers
from qjgis.demo import build_demo
from qjgis.store import GpkgStore
from tests.ui.gui.waiting import wait_until
from ui.gui import highlight
from ui.gui.map_canvas import MapCanvas
from ui.gui.overlays import FindingsLayer

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("paths") / "demo.gpkg"
    build_demo(path, parcels=400, seed=3)
    return path


@pytest.fixture
def canvas(qtbot: QtBot, demo_file: Path) -> Iterator[MapCanvas]:
    store = GpkgStore.open(demo_file, verify=False)
    canvas = MapCanvas(MapRenderer(load_layers(store)))
    qtbot.addWidget(canvas)
    canvas.resize(700, 500)
    canvas.show()
    canvas.zoom_to_full_extent()
    yield canvas
    canvas.close_renderer()
    store.close()


def outlined(canvas: MapCanvas) -> tuple[FindingsLayer, dict[int, str]]:
    layer = FindingsLayer(canvas)
    parcels = canvas.renderer.layer("parcels")
    fids = parcels.by_fids(np.arange(0, 100_000, dtype=np.int64))[0]
    severities = {int(f): ("error", "warning", "info")[i % 3] for i, f in enumerate(fids)}
    layer.set_features({"parcels": severities})
    return layer, severities


def painted(widget: QWidget) -> QImage:
    """Only what the widget's paintEvent draws, on a transparent image."""
    image = QImage(widget.size(), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    widget.render(image, QPoint(), QRegion(), QWidget.RenderFlag(0))
    return image


def ink(image: QImage) -> np.ndarray:
    """Alpha per pixel (0 where nothing was drawn)."""
    bits = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    return bits[:, 3 : image.width() * 4 : 4].copy()  # BGRA, little-endian


def count_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = layers.renderer.polygons_to_paths

    def counted(geoms: Any, *args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is threading.main_thread():  # not the map's frames
            calls.append(len(geoms))
        return real(geoms, *args, **kwargs)

    monkeypatch.setattr(layers.renderer, "polygons_to_paths", counted)
    monkeypatch.setattr(highlight, "polygons_to_paths", counted)
    return calls


def test_repaints_and_a_resize_about_the_same_centre_reuse_the_paths(
    canvas: MapCanvas, monkeypatch: pytest.MonkeyPatch
) -> None:
    layer, severities = outlined(canvas)
    assert len(severities) > 300
    canvas.pan_pixels(0, 0)  # a view of its own: a resize keeps centre and scale
    calls = count_builds(monkeypatch)
    first = ink(painted(layer))
    assert (first > 0).sum() > 1000  # the outlines are drawn
    for _ in range(3):
        layer.repaint()
    # a dock opening beside the map: narrower, same centre and scale
    canvas.resize(560, 500)
    layer.repaint()
    painted(layer)
    assert len(calls) == 3  # the paths of each severity, built once for the view
    canvas.pan_pixels(40, 0)
    painted(layer)
    assert len(calls) == 6  # a new view: built again


def test_many_outlines_go_into_paths_of_a_bounded_size(
    canvas: MapCanvas, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One Qt call per path holds the GIL: runs of BATCH_OUTLINES keep each one short."""
    monkeypatch.setattr(highlight, "BATCH_OUTLINES", 50)
    layer, severities = outlined(canvas)
    paths, _moved, _many = layer.paths.paths(layer._geoms, layer._bounds, canvas.transform())
    per_severity = {s: list(severities.values()).count(s) for s in set(severities.values())}
    for severity, runs in paths.items():
        assert len(runs) == -(-per_severity[severity] // 50)  # ceil: every outline, 50 a path


def test_many_outlines_are_built_aside_and_drawn_where_they_belong(
    qtbot: QtBot, canvas: MapCanvas, monkeypatch: pytest.MonkeyPatch
) -> None:
    canvas.pan_pixels(0, 0)
    layer, _ = outlined(canvas)
    here = ink(painted(layer))  # built on the GUI thread: few outlines
    monkeypatch.setattr(highlight, "BUILD_ASIDE", 0)  # now every build goes to the worker
    builds = layer.paths.builds
    layer.set_features(layer.features)
    assert (ink(painted(layer)) > 0).sum() == 0  # nothing to draw until the paths are in
    wait_until(lambda: layer.paths.builds > builds, timeout=30)
    aside = ink(painted(layer))
    assert np.array_equal(aside > 0, here > 0)
    # Panned: the last paths are drawn moved at once, while the new ones are built.
    builds = layer.paths.builds
    canvas.pan_pixels(30, -20)
    moved = ink(painted(layer)) > 0
    assert layer.paths.builds == builds
    expected = np.zeros_like(moved)
    expected[:-20, 30:] = (here > 0)[20:, :-30]  # content 30 px right, 20 px up
    differ = np.logical_xor(moved, expected)[30:-30, 40:-40].sum()  # edges may gain outlines
    assert differ <= 0.01 * expected.sum()
    wait_until(lambda: layer.paths.builds > builds, timeout=30)
    assert (ink(painted(layer)) > 0)[30:-30, 40:-40].sum() >= expected[30:-30, 40:-40].sum()


def test_outlines_under_a_pixel_are_left_out() -> None:
    """At district scale the finding outlines smaller than a pixel are dots the map already
    shows: the paths leave them out (a hundred thousand took a second per view)."""
    import shapely

    big = shapely.box(0, 0, 50, 50)
    small = shapely.box(100, 100, 100.4, 100.4)
    groups = {"error": np.array([big, small], dtype=object)}
    bounds = {"error": shapely.bounds(groups["error"])}
    cover = (-10.0, -10.0, 200.0, 200.0)
    every = highlight._build(0, groups, bounds, (100.0, 100.0), 1.0, cover)
    kept = highlight._build(0, groups, bounds, (100.0, 100.0), 1.0, cover, 1.0)

    def rings(built: highlight._Built) -> int:
        return sum(len(p.toSubpathPolygons()) for p in built.paths["error"])

    assert rings(every) == 2 and rings(kept) == 1
