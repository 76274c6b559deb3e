"""Renders map frames on a worker thread, newest request first.

The canvas asks for a frame (a view: extent, pixel size, dpi) and gets a
QImage back through a queued signal on the GUI thread. A newer request cancels
the one being drawn: the renderer asks `cancel` between layers and symbol
categories and between tiles read, and stops. Requests that arrive while one
is drawn replace each other, so a burst of wheel steps costs one frame. The
renderer, not this class, is what printed pages use: it needs no thread.

QtCore and QtGui only: QImage and QPainter may be used off the GUI thread.
"""

from __future__ import annotations

import gc
import logging
import threading
from dataclasses import dataclass

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QThread,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QPainter

from layers.renderer import MapRenderer, RenderStats, ViewTransform
from layers.vector_layer import RenderCancelled

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FrameRequest:
    """One frame to draw: `view` in logical pixels, the image `ratio` times larger."""

    number: int
    view: ViewTransform
    dpi: float
    ratio: float = 1.0


_warmed: list[bool] = []


def warm_up_qt() -> None:
    """Let PySide create, on this (the GUI) thread, the Python enums drawing needs.

    PySide6 makes an enum type when a call first needs it, e.g. QGradient's
    enums at the first `fillRect(QRectF, QColor)`, through Python's enum
    machinery, which is not safe when two threads do it at once: the render
    thread and the GUI thread did, and the process died (a segmentation fault
    in the window's tests). So before the first worker starts, one small frame
    goes through every path of the renderer, and the calls the canvas makes to
    show it are made once; afterwards no thread creates an enum. Once per process.
    """
    if _warmed:
        return
    _warmed.append(True)
    import numpy as np
    import shapely

    from layers.style import default_style
    from layers.vector_layer import VectorLayer

    boxes = np.array([shapely.box(0, 0, 40, 30), shapely.box(50, 0, 90, 30)], dtype=object)
    statuses = np.array(["残垣断壁", "已拆除"], dtype=object)
    layers = [
        VectorLayer.from_arrays(
            "villages", boxes, {"name": np.array(["甲村", None], dtype=object)}
        ),
        VectorLayer.from_arrays(
            "parcels", boxes, {"zddm": np.array(["500110108001JC00001", ""], dtype=object)}
        ),
        VectorLayer.from_arrays(
            "buildings",
            boxes,
            {"status": statuses, "danger_grade": np.array(["D", "A"], dtype=object)},
            default_style("buildings"),
        ),
    ]
    renderer = MapRenderer(layers)
    image = renderer.render_image((0, 0, 100, 40), QSize(400, 160))
    target = QImage(QSize(64, 64), QImage.Format.Format_RGB32)
    painter = QPainter(target)
    try:
        painter.fillRect(QRectF(0, 0, 8, 8), QColor(255, 255, 255))
        painter.fillRect(QRect(0, 0, 8, 8), QColor(255, 255, 255))
        painter.drawImage(QPointF(0, 0), image)
        painter.drawImage(QRectF(0, 0, 32, 32), image, QRectF(0, 0, 64, 64))
        painter.setPen(QColor(60, 60, 60))
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        painter.drawText(QRectF(0, 0, 64, 64), flags, "图")
        painter.drawText(QRectF(0, 0, 64, 64), Qt.AlignmentFlag.AlignCenter, "图")
        painter.fontMetrics().horizontalAdvance("图")
    finally:
        painter.end()
    # A full collection of Python's cyclic garbage collector stops every thread;
    # it traversed the ~40,000 objects of the application's start-up (modules,
    # functions, Qt wrappers) each time, 65 ms on this machine, the longest
    # GUI-thread stall while panning. Those objects live as long as the process:
    # frozen, a full collection over the map's cached features takes 1 ms.
    gc.collect()
    gc.freeze()


class _Worker(QThread):
    def __init__(self, queue: RenderQueue) -> None:
        super().__init__()
        self.setObjectName("qjgis-map-render")
        self._queue = queue

    def run(self) -> None:
        self._queue._work()


class RenderQueue(QObject):
    """One worker thread drawing a MapRenderer's frames; the newest request wins."""

    #: request number, image, the view it shows, what the renderer did
    rendered = Signal(int, QImage, object, object)
    #: request number, error text (a rendering that raised: logged, shown as no frame)
    failed = Signal(int, str)

    def __init__(self, renderer: MapRenderer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.renderer = renderer
        self._cond = threading.Condition()
        self._pending: FrameRequest | None = None
        self._latest = 0
        self._running: int | None = None
        self._stopping = False
        #: numbers of requests stopped part-way (tests, benchmarks)
        self.cancelled: list[int] = []
        warm_up_qt()
        self._thread = _Worker(self)
        self._thread.start()
        app = QCoreApplication.instance()
        if app is not None:
            # A QThread still running when Qt tears down aborts the process.
            app.aboutToQuit.connect(self.shutdown)

    # ------------------------------------------------------------ GUI thread
    def request(self, view: ViewTransform, dpi: float, ratio: float = 1.0) -> int:
        """Queue a frame; any older request still waiting or drawing is dropped."""
        with self._cond:
            self._latest += 1
            self._pending = FrameRequest(self._latest, view, dpi, ratio)
            self._cond.notify_all()
            return self._latest

    @property
    def latest(self) -> int:
        return self._latest

    def busy(self) -> bool:
        with self._cond:
            return self._pending is not None or self._running is not None

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop the worker (the drawing in progress is cancelled); idempotent."""
        with self._cond:
            self._stopping = True
            self._pending = None
            self._cond.notify_all()
        if self._thread.isRunning():
            self._thread.wait(timeout_ms)

    # ------------------------------------------------------------ worker thread
    def _work(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                job = self._pending
                assert job is not None
                self._pending = None
                self._running = job.number
            try:
                image, stats = self._draw(job)
            except RenderCancelled:
                self.cancelled.append(job.number)
                image = None
            except Exception as exc:  # a bad geometry must not kill the map for good
                log.exception("rendering frame %d failed", job.number)
                self.failed.emit(job.number, str(exc))
                image = None
            finally:
                with self._cond:
                    self._running = None
            if image is not None:
                self.rendered.emit(job.number, image, job.view, stats)

    def _wanted(self, number: int) -> bool:
        return number == self._latest and not self._stopping

    def _draw(self, job: FrameRequest) -> tuple[QImage, RenderStats]:
        view, ratio = job.view, job.ratio
        image = QImage(
            max(1, round(view.width * ratio)),
            max(1, round(view.height * ratio)),
            QImage.Format.Format_RGB32,
        )
        image.setDevicePixelRatio(ratio)
        image.fill(self.renderer.background or QColor("white"))
        painter = QPainter(image)
        try:
            stats = self.renderer.render(
                painter,
                view.extent,
                QSize(round(view.width), round(view.height)),
                dpi=job.dpi,
                cancel=lambda: not self._wanted(job.number),
            )
        finally:
            painter.end()
        return image, stats


class MapFrames(QObject):
    """What a map view shows: the newest finished frame, redrawn for the view of the moment.

    `paint` never renders: it draws the newest frame moved and scaled to the
    current view (so pan and zoom respond at once) and asks the worker for a
    frame of that view if none is on its way. When the frame arrives, `updated`
    fires and the view repaints. A widget, a preview or a test can use it; the
    renderer stays usable on its own for paper.
    """

    #: a frame arrived: repaint
    updated = Signal()
    #: True while a frame is being drawn for the view shown, False when it is shown
    busyChanged = Signal(bool)

    def __init__(self, renderer: MapRenderer | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: RenderQueue | None = None
        self._image: QImage | None = None
        self._image_view: ViewTransform | None = None
        self._wanted: tuple[ViewTransform, float, float] | None = None
        self._busy = False
        self._fresh = False  # the frame held was drawn after the last refresh
        self._number_shown = 0
        self._stale_upto = 0  # requests up to this number were made before the last refresh
        self.last_stats: RenderStats | None = None
        #: frames shown so far (tests, benchmarks)
        self.frames = 0
        warm_up_qt()  # now, with the view, rather than when the first project opens
        self.set_renderer(renderer)

    @property
    def renderer(self) -> MapRenderer | None:
        return self._queue.renderer if self._queue else None

    @property
    def queue(self) -> RenderQueue | None:
        return self._queue

    def set_renderer(self, renderer: MapRenderer | None, *, keep_frame: bool = False) -> None:
        """Draw another set of layers; the frames of the former ones are dropped.

        `keep_frame`: the same project read afresh (after an import or an undo):
        its last frame stays on screen until the new layers' first one is ready.
        """
        if self._queue is not None:
            self._queue.shutdown()
            self._queue.deleteLater()
            old = self._queue.renderer
            if old is not renderer:
                old.invalidate()  # its read-only connections to the file close now
        self._queue = None
        if not keep_frame:
            self._image = None
            self._image_view = None
        self._wanted = None
        self._fresh = False
        self._number_shown = 0
        self._stale_upto = 0
        if renderer is not None:
            self._queue = RenderQueue(renderer, self)
            self._queue.rendered.connect(self._arrived)
            self._queue.failed.connect(self._failed)
        self._set_busy(False)

    def refresh(self, *, reread: bool = True) -> None:
        """Draw again; the old frame shows until the new one is ready.

        `reread`: the project's data changed, so the layers forget what they read
        (a change of visibility or style alone needs no rereading).
        """
        if self._queue is not None:
            if reread:
                self._queue.renderer.invalidate()
            self._stale_upto = self._queue.latest
        self._wanted = None
        self._fresh = False
        self.updated.emit()

    def shutdown(self) -> None:
        self.set_renderer(None)

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def frame(self) -> tuple[QImage, ViewTransform] | None:
        if self._image is None or self._image_view is None:
            return None
        return self._image, self._image_view

    def is_current(self, view: ViewTransform) -> bool:
        """Whether the frame shown is exactly `view`, finished."""
        return self._image_view == view and not self._busy

    # ------------------------------------------------------------ painting (GUI thread)
    def paint(
        self,
        painter: QPainter,
        view: ViewTransform,
        *,
        dpi: float,
        ratio: float = 1.0,
        background: QColor | None = None,
        request: bool = True,
    ) -> None:
        """Show the newest frame on `view` and ask for a frame of `view` if needed.

        `request` False only shows (a drag in progress: the frame is asked for
        when the mouse is released, not at every step).
        """
        if self._queue is None:
            return
        if request and self._wanted != (view, dpi, ratio):
            self._wanted = (view, dpi, ratio)
            if self._image_view != view or self._image is None or not self._fresh:
                self._queue.request(view, dpi, ratio)
                self._set_busy(True)
        bg = background or self._queue.renderer.background or QColor("white")
        image, shown = self._image, self._image_view
        if image is None or shown is None:
            painter.fillRect(QRectF(0, 0, view.width, view.height), bg)
            return
        if shown == view:
            painter.drawImage(QPointF(0, 0), image)
            return
        # Another view: the old frame where its world rectangle falls now.
        k = shown.units_per_pixel / view.units_per_pixel
        target = QRectF(
            (shown.left - view.left) / view.units_per_pixel,
            (view.top - shown.top) / view.units_per_pixel,
            shown.width * k,
            shown.height * k,
        )
        painter.fillRect(QRectF(0, 0, view.width, view.height), bg)
        painter.drawImage(target, image, QRectF(0, 0, image.width(), image.height()))

    # ------------------------------------------------------------ results (GUI thread)
    def _arrived(self, number: int, image: QImage, view: ViewTransform, stats: RenderStats) -> None:
        queue = self._queue
        if queue is None or number < self._number_shown:
            return
        self._number_shown = number
        self._image, self._image_view = image, view
        self._fresh = number > self._stale_upto
        self.last_stats = stats
        self.frames += 1
        if number == queue.latest:
            self._set_busy(False)
        self.updated.emit()

    def _failed(self, number: int, _text: str) -> None:
        queue = self._queue
        if queue is not None and number == queue.latest:
            self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busyChanged.emit(busy)
