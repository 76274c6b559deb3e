"""Frames drawn off the GUI thread: the newest request wins, the old frame shows meanwhile,
label work only where labels show."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace

import numpy as np
import pytest
import shapely
from PySide6.QtCore import QCoreApplication, QSize, QThread
from PySide6.QtGui import QColor, QImage, QPainter

from layers import MapRenderer, VectorLayer, ViewTransform
from layers.render_job import MapFrames, RenderQueue
from layers.style import LabelStyle, LayerStyle, Symbol
from layers.vector_layer import Cancel, Extent, Features

pytestmark = pytest.mark.gui

RED = QColor(255, 0, 0)
SIZE = (200.0, 100.0)


class GatedLayer(VectorLayer):
    """A layer whose reads can be held at a gate, to catch the worker mid-frame."""

    gate: threading.Event
    entered: threading.Event
    threads: list[object]

    def features(self, extent: Extent, min_size: float, cancel: Cancel | None = None) -> Features:
        self.threads.append(QThread.currentThread())
        self.entered.set()
        assert self.gate.wait(10)
        return super().features(extent, min_size, cancel)


def make_layer() -> GatedLayer:
    base = VectorLayer.from_arrays("zones", [shapely.box(0, 0, 10, 10)])
    style = LayerStyle(
        symbols=[Symbol(RED, None)], classify=lambda a, n: np.zeros(n, dtype=np.int64)
    )
    layer = GatedLayer.__new__(GatedLayer)
    VectorLayer.__init__(layer, "zones", _data(base), style)
    layer.gate = threading.Event()
    layer.gate.set()
    layer.entered = threading.Event()
    layer.threads = []
    return layer


def _data(base: VectorLayer):
    from qjgis.store import LayerData

    return LayerData(fids=base.fids, geometry=base.geometry, attrs=dict(base.attrs))


def wait_until(condition: Callable[[], bool], timeout_ms: int) -> None:
    """Process events until `condition` holds.

    Not qtbot.waitUntil: its nested event loop returns at once once a test has
    made the application quit (tests/ui/gui's run_gui test does), and queued
    signals from the render thread would never be delivered.
    """
    deadline = time.monotonic() + timeout_ms / 1000.0
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        QCoreApplication.processEvents()
        time.sleep(0.002)


def view_of(extent: Extent) -> ViewTransform:
    return ViewTransform.fit(extent, SIZE)


def test_newer_request_cancels_the_older(qtbot: object, qapp: object) -> None:
    layer = make_layer()
    queue = RenderQueue(MapRenderer([layer]))
    try:
        got: list[int] = []
        queue.rendered.connect(lambda n, image, view, stats: got.append(n))
        layer.gate.clear()
        first = queue.request(view_of((0, 0, 20, 10)), 96.0)
        assert layer.entered.wait(5)  # the worker is inside the first frame
        second = queue.request(view_of((-5, 0, 15, 10)), 96.0)
        third = queue.request(view_of((-10, 0, 10, 10)), 96.0)  # replaces the second unseen
        layer.gate.set()
        wait_until(lambda: got == [third], 5000)
        assert queue.cancelled == [first]
        assert second not in got
        assert layer.threads and all(t is not QThread.currentThread() for t in layer.threads)
    finally:
        queue.shutdown()


def paint(frames: MapFrames, view: ViewTransform) -> QImage:
    image = QImage(int(view.width), int(view.height), QImage.Format.Format_RGB32)
    image.fill(QColor(0, 0, 0))
    painter = QPainter(image)
    try:
        frames.paint(painter, view, dpi=96.0)
    finally:
        painter.end()
    return image


def is_red(image: QImage, x: int, y: int) -> bool:
    c = image.pixelColor(x, y)
    return (c.red(), c.green(), c.blue()) == (255, 0, 0)


def test_previous_frame_shows_moved_while_the_new_one_renders(qtbot: object, qapp: object) -> None:
    layer = make_layer()
    frames = MapFrames(MapRenderer([layer]))
    try:
        v1 = view_of((0, 0, 20, 10))  # the square fills the left half
        paint(frames, v1)
        wait_until(lambda: frames.is_current(v1), 5000)
        shown = paint(frames, v1)
        assert is_red(shown, 50, 50) and not is_red(shown, 150, 50)
        # Pan 5 m (50 px) east while the worker is held: the old frame, moved.
        layer.gate.clear()
        layer.entered.clear()
        v2 = view_of((-5, 0, 15, 10))
        moved = paint(frames, v2)
        assert layer.entered.wait(5)
        assert frames.busy
        assert is_red(moved, 120, 50) and not is_red(moved, 160, 50)
        assert not is_red(moved, 20, 50)  # uncovered strip: background, not red
        # Zoom out x2 about the centre: the old frame, scaled.
        v3 = ViewTransform.centred((5.0, 5.0), v1.units_per_pixel * 2, QSize(200, 100))
        scaled = paint(frames, v3)
        assert is_red(scaled, 100, 50) and not is_red(scaled, 40, 50)
        layer.gate.set()
        wait_until(lambda: frames.is_current(v3), 5000)
        final = paint(frames, v3)
        assert is_red(final, 100, 50) and is_red(final, 120, 30) and not is_red(final, 160, 50)
    finally:
        layer.gate.set()
        frames.shutdown()


def test_refresh_keeps_the_old_frame_until_the_new_one(qtbot: object, qapp: object) -> None:
    layer = make_layer()
    frames = MapFrames(MapRenderer([layer]))
    try:
        v = view_of((0, 0, 20, 10))
        paint(frames, v)
        wait_until(lambda: frames.is_current(v), 5000)
        done = frames.frames
        layer.visible = False
        layer.gate.clear()
        frames.refresh(reread=False)
        during = paint(frames, v)
        assert frames.busy and is_red(during, 50, 50)
        layer.gate.set()
        wait_until(lambda: frames.frames > done and not frames.busy, 5000)
        assert not is_red(paint(frames, v), 50, 50)
    finally:
        layer.gate.set()
        frames.shutdown()


# ---------------------------------------------------------------- label work
class CountingText:
    def __init__(self) -> None:
        self.rows = 0

    def __call__(self, attrs: Mapping[str, np.ndarray], n: int) -> np.ndarray:
        self.rows += n
        return np.asarray(attrs["name"], dtype=object)


def labelled_grid(max_scale: float | None) -> tuple[VectorLayer, CountingText]:
    """400 small squares (8 m) and 4 big ones (400 m), all named."""
    small = [
        shapely.box(x * 20, y * 20, x * 20 + 8, y * 20 + 8) for x in range(20) for y in range(20)
    ]
    big = [shapely.box(x * 500, 1000, x * 500 + 400, 1400) for x in range(4)]
    text = CountingText()
    style = LayerStyle(
        symbols=[Symbol(QColor(200, 200, 200), QColor(0, 0, 0))],
        classify=lambda a, n: np.zeros(n, dtype=np.int64),
        label=LabelStyle(text=text, columns=("name",), max_scale=max_scale),
    )
    names = np.array([f"甲{i}" for i in range(len(small) + len(big))], dtype=object)
    return VectorLayer.from_arrays("zones", small + big, {"name": names}, style), text


def test_no_label_work_at_scales_without_labels(qapp: object) -> None:
    layer, text = labelled_grid(max_scale=1000.0)
    renderer = MapRenderer([layer])
    renderer.render_image((0, 0, 2000, 1500), QSize(800, 600))  # 1:~9,400
    assert renderer.last_stats.features["zones"] > 0
    assert text.rows == 0
    assert "zones" not in renderer.last_stats.label_candidates


def test_label_work_only_for_features_that_can_hold_a_label(qapp: object) -> None:
    layer, text = labelled_grid(max_scale=None)
    renderer = MapRenderer([layer])
    renderer.render_image((0, 0, 2000, 1500), QSize(800, 600))  # 8 m squares are 3 px
    stats = renderer.last_stats
    assert stats.features["zones"] == 404
    assert stats.label_candidates["zones"] == 4 == text.rows
    assert stats.labels["zones"] == 4


def test_layer_hidden_by_scale_is_not_read(qapp: object) -> None:
    layer = make_layer()
    layer.style = replace(layer.style, max_scale=1000.0)  # 1:378 shows it, 1:37,800 not
    layer.entered.clear()
    renderer = MapRenderer([layer])
    renderer.render_image((0, 0, 2000, 1000), QSize(200, 100))
    assert not layer.entered.is_set()
    assert renderer.last_stats.hidden_by_scale == ["zones"]
    renderer.render_image((0, 0, 20, 10), QSize(200, 100))
    assert layer.entered.is_set()
    assert renderer.last_stats.features == {"zones": 1}


def test_no_enum_is_created_off_the_gui_thread(
    qtbot: object, qapp: object, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PySide creates enum types lazily, and two threads doing so at once crashed the process."""
    import enum

    from test_renderer import build_project

    from layers import load_layers
    from qjgis.store import GpkgStore

    project = build_project(tmp_path / "p.gpkg")  # type: ignore[operator]
    with GpkgStore.open(project.path) as store:
        renderer = MapRenderer(load_layers(store))
    made: list[tuple[str, bool]] = []
    real = enum.EnumType._create_

    def spy(cls: object, class_name: str, *args: object, **kwargs: object) -> object:
        made.append((class_name, threading.current_thread() is threading.main_thread()))
        return real(cls, class_name, *args, **kwargs)  # type: ignore[misc]

    queue = RenderQueue(renderer)  # warms up on this thread before its worker starts
    monkeypatch.setattr(enum.EnumType, "_create_", spy)
    got: list[object] = []
    queue.rendered.connect(lambda n, image, view, stats: got.append(stats))
    try:
        full = renderer.full_extent()
        assert full is not None
        centre = project.buildings[0].centre
        for view in (view_of(full), ViewTransform.centred(centre, 0.05, QSize(200, 100))):
            # Only the worker draws: nothing on this thread creates an enum first.
            queue.request(view, 96.0)
            count = len(got)
            wait_until(lambda c=count: len(got) > c, 10000)
    finally:
        queue.shutdown()
    assert any(getattr(stats, "labels", None) for stats in got)
    assert [name for name, gui in made if not gui] == []


def test_a_new_renderer_of_the_same_project_keeps_the_frame_until_its_own(qapp: object) -> None:
    layer = make_layer()
    frames = MapFrames(MapRenderer([layer]))
    try:
        v = view_of((0, 0, 20, 10))
        paint(frames, v)
        wait_until(lambda: frames.is_current(v), 5000)
        again = make_layer()
        again.gate.clear()
        frames.set_renderer(MapRenderer([again]), keep_frame=True)
        during = paint(frames, v)
        assert frames.busy and is_red(during, 50, 50)  # the old frame, while the new draws
        again.gate.set()
        wait_until(lambda: frames.is_current(v), 5000)
        frames.set_renderer(MapRenderer([make_layer()]))  # another project: nothing kept
        assert frames.frame is None
    finally:
        frames.shutdown()
