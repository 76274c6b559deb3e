"""The map widget: shows a MapRenderer's layers; drag pans, the wheel zooms about the cursor.

The view is a centre and a resolution (map units per pixel); the extent follows
from the widget's size, so resizing never distorts the map. Frames are drawn on
a worker thread (layers.render_job.MapFrames): a paint shows the newest frame
moved and scaled to the view at once and asks for a frame of that view, so the
GUI thread never waits for drawing.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QElapsedTimer, QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from layers.render_job import MapFrames
from layers.renderer import MapRenderer, RenderStats, ViewTransform
from layers.vector_layer import Extent

ZOOM_STEP = 1.25  # per wheel notch (120 eighths of a degree)
FULL_EXTENT_MARGIN = 0.05
MIN_UNITS_PER_PIXEL = 0.002  # 2 mm a pixel: beyond survey precision
MAX_UNITS_PER_PIXEL = 5000.0  # a whole province on one screen
BUSY_NOTE_MS = 150  # a frame that takes longer than this is announced


class MapCanvas(QWidget):
    """A thin view over a MapRenderer; it owns only the view state (centre, resolution)."""

    # world x, y (project CRS) under the cursor
    cursorMoved = Signal(float, float)
    # scale denominator N of 1:N
    scaleChanged = Signal(float)
    extentChanged = Signal()
    # True while a frame of the view is being drawn (the first one: the project is opening)
    drawingChanged = Signal(bool)

    def __init__(self, renderer: MapRenderer | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._renderer = renderer
        self._centre: tuple[float, float] = (0.0, 0.0)
        self._upp = 1.0
        self._has_view = False
        self._auto_fit = True  # follow the window size until the user pans or zooms
        self._frames = MapFrames(renderer, self)
        self._frames.updated.connect(self.update)
        self._frames.busyChanged.connect(self.drawingChanged)
        self._frames.busyChanged.connect(self._drawing_changed)
        self._busy_text = ""
        self._busy_clock = QElapsedTimer()
        self._drag_from: QPointF | None = None
        self._message = ""
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setCursor(Qt.CursorShape.OpenHandCursor)

    # ------------------------------------------------------------ model
    @property
    def renderer(self) -> MapRenderer | None:
        return self._renderer

    def set_renderer(self, renderer: MapRenderer | None, *, keep_frame: bool = False) -> None:
        """Show another set of layers, at its full extent.

        `keep_frame`: the same project's layers read afresh; the map on screen
        stays until their first frame is ready (frames of another project are dropped).
        """
        self._renderer = renderer
        self._has_view = False
        self._frames.set_renderer(renderer, keep_frame=keep_frame)
        self.zoom_to_full_extent()

    def set_message(self, text: str) -> None:
        """Text shown over an empty map (no project, demo canceled ...)."""
        self._message = text
        self.update()

    @property
    def message(self) -> str:
        return self._message

    def refresh(self, *, reread: bool = True) -> None:
        """Redraw after the project's data (`reread`) or only the layers' visibility changed.

        The frame on screen stays until the new one is ready.
        """
        self._frames.refresh(reread=reread)
        self.update()

    @property
    def last_stats(self) -> RenderStats | None:
        """What the renderer did for the frame on screen."""
        return self._frames.last_stats

    @property
    def drawing(self) -> bool:
        """A frame is on its way (the one on screen, if any, is of an earlier view)."""
        return self._frames.busy

    def frame_ready(self) -> bool:
        """The frame on screen is of the current view, complete."""
        return self._frames.is_current(self.transform())

    def close_renderer(self) -> None:
        """Stop the render thread (the window closes)."""
        self._frames.shutdown()

    # ------------------------------------------------------------ view state
    def sizeHint(self) -> QSize:
        return QSize(800, 600)

    def transform(self) -> ViewTransform:
        return ViewTransform.centred(self._centre, self._upp, self._size())

    def _size(self) -> QSize:
        return QSize(max(self.width(), 1), max(self.height(), 1))

    def extent(self) -> Extent:
        """The world rectangle the widget shows now."""
        return self.transform().extent

    @property
    def centre(self) -> tuple[float, float]:
        return self._centre

    @property
    def units_per_pixel(self) -> float:
        return self._upp

    def scale_denominator(self) -> float:
        return self.transform().scale_denominator(float(self.logicalDpiX()))

    def set_view(self, centre: tuple[float, float], units_per_pixel: float) -> None:
        self._centre = (float(centre[0]), float(centre[1]))
        self._upp = min(max(float(units_per_pixel), MIN_UNITS_PER_PIXEL), MAX_UNITS_PER_PIXEL)
        self._has_view = True
        self.update()
        self.extentChanged.emit()
        self.scaleChanged.emit(self.scale_denominator())

    def set_extent(self, extent: Extent) -> None:
        """Show all of `extent`, centred."""
        self._auto_fit = False  # an extent asked for stays when the window is resized
        t = ViewTransform.fit(extent, self._size())
        self.set_view(
            ((extent[0] + extent[2]) / 2.0, (extent[1] + extent[3]) / 2.0), t.units_per_pixel
        )

    def zoom_to_full_extent(self) -> None:
        full = self._renderer.full_extent() if self._renderer else None
        if full is None:
            self.update()
            return
        mx = (full[2] - full[0]) * FULL_EXTENT_MARGIN
        my = (full[3] - full[1]) * FULL_EXTENT_MARGIN
        self.set_extent((full[0] - mx, full[1] - my, full[2] + mx, full[3] + my))
        self._auto_fit = True

    def map_to_world(self, pos: QPointF | QPoint) -> tuple[float, float]:
        return self.transform().pixel_to_world(float(pos.x()), float(pos.y()))

    def world_to_map(self, x: float, y: float) -> QPointF:
        px = self.transform().world_to_pixel(np.array([[x, y]]))[0]
        return QPointF(float(px[0]), float(px[1]))

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom in by `factor` (> 1 enlarges), keeping the world point under `anchor` fixed."""
        self._auto_fit = False
        size = self._size()
        if anchor is None:
            anchor = QPointF(size.width() / 2.0, size.height() / 2.0)
        wx, wy = self.map_to_world(anchor)
        upp = min(max(self._upp / factor, MIN_UNITS_PER_PIXEL), MAX_UNITS_PER_PIXEL)
        # Solve for the centre that puts (wx, wy) back under the anchor pixel.
        cx = wx - (anchor.x() - size.width() / 2.0) * upp
        cy = wy + (anchor.y() - size.height() / 2.0) * upp
        self.set_view((cx, cy), upp)

    def pan_pixels(self, dx: float, dy: float) -> None:
        """Move the map content by (dx, dy) pixels, as a drag does."""
        self._auto_fit = False
        self.set_view(
            (self._centre[0] - dx * self._upp, self._centre[1] + dy * self._upp), self._upp
        )

    # ------------------------------------------------------------ events
    def resizeEvent(self, event: QResizeEvent) -> None:
        # Until the user pans or zooms, the view follows the window: whole project in sight.
        if not self._has_view or self._auto_fit:
            self.zoom_to_full_extent()
        else:
            self.extentChanged.emit()
        super().resizeEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._drag_from is not None:
            delta = pos - self._drag_from
            self._drag_from = pos
            self.pan_pixels(delta.x(), delta.y())
        x, y = self.map_to_world(pos)
        self.cursorMoved.emit(x, y)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._drag_from is not None:
            delta = event.position() - self._drag_from
            self._drag_from = None
            self.setCursor(Qt.CursorShape.OpenHandCursor)
            if delta.x() or delta.y():
                self.pan_pixels(delta.x(), delta.y())
            self.update()  # now the frame of the new view is asked for
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.zoom_to_full_extent()
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        notches = event.angleDelta().y() / 120.0
        if notches:
            self.zoom_by(ZOOM_STEP**notches, event.position())
        event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            view = self.transform()
            if self._renderer is None or not self._renderer.layers:
                painter.fillRect(self.rect(), QColor(255, 255, 255))
                self._paint_message(painter)
                return
            # Never renders here: the newest frame, moved and scaled to the view,
            # and a request for this view to the render thread if needed.
            self._frames.paint(
                painter,
                view,
                dpi=float(self.logicalDpiX()),
                ratio=self.devicePixelRatioF(),
                background=self._renderer.background,
                request=self._drag_from is None,
            )
            self._paint_message(painter)
            self._paint_busy(painter)
        finally:
            painter.end()

    def set_busy_text(self, text: str) -> None:
        """What the canvas says while a frame takes long, the first one above all (worded in ui)."""
        self._busy_text = text

    def _drawing_changed(self, drawing: bool) -> None:
        if drawing:
            self._busy_clock.start()
            # Only a frame that takes long is announced: a quick one would flicker.
            QTimer.singleShot(BUSY_NOTE_MS, self.update)
        else:
            self.update()

    def _paint_busy(self, painter: QPainter) -> None:
        if not (self._busy_text and self._frames.busy):
            return
        if self._frames.frame is not None and self._busy_clock.elapsed() < BUSY_NOTE_MS:
            return
        metrics = painter.fontMetrics()
        box = QRectF(8, 8, metrics.horizontalAdvance(self._busy_text) + 16, metrics.height() + 8)
        painter.fillRect(box, QColor(255, 255, 255, 220))
        painter.setPen(QColor(60, 60, 60))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self._busy_text)

    def _paint_message(self, painter: QPainter) -> None:
        if not self._message:
            return
        painter.setPen(QColor(90, 90, 90))
        painter.drawText(
            QRectF(self.rect()).adjusted(24, 24, -24, -24),
            Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
            self._message,
        )
