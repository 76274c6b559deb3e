"""The canvas draws on a worker thread: the old frame moves at once, the newest view wins,
the wait is announced, labels show only at their scales."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
import shapely
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from layers import MapRenderer, VectorLayer, load_layers
from layers.style import LayerStyle, Symbol
from layers.vector_layer import Cancel, Extent, Features
from qjgis.store import GpkgStore, LayerData
from ui.gui.map_canvas import ZOOM_STEP, MapCanvas

RED = QColor(255, 0, 0)


class GatedLayer(VectorLayer):
    """A red square whose reads can be held, to look at the canvas mid-frame."""

    def __init__(self) -> None:
        square = np.array([shapely.box(0, 0, 10, 10)], dtype=object)
        data = LayerData(fids=np.array([1]), geometry=square, attrs={})
        style = LayerStyle(
            symbols=[Symbol(RED, None)], classify=lambda a, n: np.zeros(n, dtype=np.int64)
        )
        super().__init__("zones", data, style)
        self.gate = threading.Event()
        self.gate.set()
        self.reads = 0

    def features(self, extent: Extent, min_size: float, cancel: Cancel | None = None) -> Features:
        self.reads += 1
        assert self.gate.wait(10)
        return super().features(extent, min_size, cancel)


def wait_frame(canvas: MapCanvas, timeout: float = 10.0) -> QImage:
    canvas.grab()
    deadline = time.monotonic() + timeout
    while not canvas.frame_ready():
        assert time.monotonic() < deadline, "no frame from the render thread"
        QApplication.processEvents()
        time.sleep(0.005)
    return canvas.grab().toImage()


def red(image: QImage, x: float, y: float) -> bool:
    c = image.pixelColor(round(x), round(y))
    return (c.red(), c.green(), c.blue()) == (255, 0, 0)


@pytest.fixture
def gated(qtbot: QtBot) -> tuple[MapCanvas, GatedLayer]:
    layer = GatedLayer()
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(200, 100)
    canvas.set_renderer(MapRenderer([layer]))
    canvas.set_extent((-5, 0, 15, 10))  # the square fills the middle half
    wait_frame(canvas)
    yield canvas, layer
    layer.gate.set()
    canvas.close_renderer()


def wheel(canvas: MapCanvas, pos: QPointF, notches: int = 1) -> None:
    event = QWheelEvent(
        pos,
        canvas.mapToGlobal(pos),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(canvas, event)


def test_zoom_shows_the_previous_frame_scaled_at_once(gated: tuple[MapCanvas, GatedLayer]) -> None:
    canvas, layer = gated
    before = canvas.grab().toImage()
    assert red(before, 100, 50) and not red(before, 40, 50)
    layer.gate.clear()  # the next frame cannot finish
    canvas.zoom_by(2.0)  # about the centre: the square now spans the whole width
    during = canvas.grab().toImage()
    assert canvas.drawing and not canvas.frame_ready()
    assert red(during, 30, 50) and red(during, 170, 50)  # the old frame, scaled x2
    layer.gate.set()
    after = wait_frame(canvas)
    assert red(after, 30, 50) and red(after, 170, 50)


def test_pan_shows_the_previous_frame_moved_and_asks_on_release(
    gated: tuple[MapCanvas, GatedLayer],
) -> None:
    canvas, layer = gated
    reads = layer.reads
    layer.gate.clear()

    def mouse(kind: QEvent.Type, x: float, buttons: Qt.MouseButton) -> None:
        pos = QPointF(x, 50)
        button = (
            Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
        )
        QApplication.sendEvent(
            canvas, QMouseEvent(kind, pos, pos, button, buttons, Qt.KeyboardModifier.NoModifier)
        )

    mouse(QEvent.Type.MouseButtonPress, 100, Qt.MouseButton.LeftButton)
    for x in (110, 120, 130, 140):
        mouse(QEvent.Type.MouseMove, x, Qt.MouseButton.LeftButton)
        canvas.grab()
    moved = canvas.grab().toImage()
    # The square moved 40 px right with the mouse, from the frame already drawn,
    # and no frame was asked for mid-drag.
    assert red(moved, 170, 50) and not red(moved, 60, 50)
    assert layer.reads == reads
    mouse(QEvent.Type.MouseButtonRelease, 140, Qt.MouseButton.NoButton)
    canvas.grab()
    layer.gate.set()
    final = wait_frame(canvas)
    assert layer.reads == reads + 1
    assert red(final, 170, 50) and not red(final, 60, 50)


def test_a_burst_of_wheel_steps_costs_one_frame(gated: tuple[MapCanvas, GatedLayer]) -> None:
    canvas, layer = gated
    queue = canvas._frames.queue
    assert queue is not None
    layer.gate.clear()
    centre = QPointF(100, 50)
    wheel(canvas, centre)
    canvas.grab()  # the first of the burst starts drawing and waits at the gate
    time.sleep(0.05)
    for _ in range(4):
        wheel(canvas, centre)
        canvas.grab()
    frames_before = canvas._frames.frames
    layer.gate.set()
    wait_frame(canvas)
    # The frame being drawn was cancelled, the three in between never started,
    # only the last view was drawn.
    assert canvas._frames.frames == frames_before + 1
    assert len(queue.cancelled) == 1
    assert canvas.units_per_pixel == pytest.approx(0.1 / ZOOM_STEP**5)


def test_the_wait_for_a_first_frame_is_announced(qtbot: QtBot) -> None:
    layer = GatedLayer()
    layer.gate.clear()
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(300, 120)
    canvas.set_busy_text("正在绘制地图…")
    seen: list[bool] = []
    canvas.drawingChanged.connect(seen.append)
    try:
        canvas.set_renderer(MapRenderer([layer]))
        image = canvas.grab().toImage()
        assert canvas.drawing and seen == [True]
        # A light box with dark text in the top-left corner, over the background.
        box = np.array(
            [[image.pixelColor(x, y).value() for x in range(8, 60)] for y in range(8, 24)]
        )
        assert (box < 128).sum() > 10
        layer.gate.set()
        wait_frame(canvas)
        assert seen == [True, False]
        assert not canvas.drawing
    finally:
        layer.gate.set()
        canvas.close_renderer()


# ---------------------------------------------------------------- labels at their scales
@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.gpkg"
    x0, y0 = 36_400_000.0, 3_200_000.0
    parcels = [shapely.box(x0 + i * 50, y0, x0 + i * 50 + 40, y0 + 40) for i in range(20)]
    codes = [f"500110108001JC{i:05d}" for i in range(20)]
    with GpkgStore.create(path) as store, store.transaction() as conn:
        store.insert_features(
            conn,
            "villages",
            np.array([shapely.box(x0 - 20, y0 - 20, x0 + 1020, y0 + 300)], dtype=object),
            {
                "code": np.array(["500110108001"], dtype=object),
                "name": np.array(["麻柳村"], dtype=object),
            },
        )
        store.insert_features(
            conn,
            "parcels",
            np.array(parcels, dtype=object),
            {"zddm": np.array(codes, dtype=object)},
        )
    return path


def test_labels_only_at_scales_where_they_show(qtbot: QtBot, project: Path) -> None:
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(400, 300)
    with GpkgStore.open(project) as store:
        canvas.set_renderer(MapRenderer(load_layers(store)))
    try:
        wait_frame(canvas)  # the whole village: 1:~10,000
        stats = canvas.last_stats
        assert stats is not None and stats.scale > 2500
        assert stats.labels.get("villages") == 1
        assert "parcels" not in stats.labels and "parcels" not in stats.label_candidates
        canvas.set_extent((36_400_000.0, 3_199_990.0, 36_400_200.0, 3_200_060.0))
        wait_frame(canvas)
        stats = canvas.last_stats
        assert stats is not None and stats.scale < 2500
        assert stats.labels.get("parcels", 0) >= 3
    finally:
        canvas.close_renderer()
