"""测量: click points on the map to read a distance and an area in m and m².

A transparent overlay of the canvas, like the highlight layer. While the tool is on,
a click (press and release without a drag) adds a point instead of identifying, a
drag still pans, a right click or a double click ends the shape (the next click
starts a new one). The figures come from `qjgis.measure` in the project CRS.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from qjgis.measure import Measurement, measure
from ui.gui.map_canvas import MapCanvas
from ui.presenters.words import t

CLICK_SLOP = 4  # px: more than this between press and release is a pan
LINE = QColor(230, 90, 0)
FILL = QColor(230, 90, 0, 50)


class MeasureTool(QWidget):
    measured = Signal(object)  # Measurement

    def __init__(self, canvas: MapCanvas, crs: str = "EPSG:4524") -> None:
        super().__init__(canvas)
        self.setObjectName("measure_layer")
        self.canvas = canvas
        self.crs = crs
        self.active = False
        self.points: list[tuple[float, float]] = []
        self.finished = False
        self.measurement: Measurement | None = None
        self._press: QPointF | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setGeometry(canvas.rect())
        canvas.installEventFilter(self)
        canvas.extentChanged.connect(self.update)
        self.raise_()
        self.show()

    def set_active(self, on: bool, crs: str | None = None) -> None:
        self.active = on
        if crs:
            self.crs = crs
        self.clear()
        self.canvas.setCursor(Qt.CursorShape.CrossCursor if on else Qt.CursorShape.ArrowCursor)

    def clear(self) -> None:
        self.points, self.finished, self.measurement = [], False, None
        self.update()

    def add_point(self, x: float, y: float) -> Measurement:
        if self.finished:
            self.points, self.finished = [], False
        self.points.append((x, y))
        self.measurement = measure(self.points, self.crs)
        self.measured.emit(self.measurement)
        self.update()
        return self.measurement

    def finish(self) -> None:
        self.finished = True
        self.update()

    def readout(self) -> str:
        m = self.measurement
        if m is None:
            return t("measure.hint")
        if m.points < 3:
            return t("measure.length", length=m.length)
        return t("measure.area", length=m.length, perimeter=m.perimeter, area=m.area)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.canvas:
            return False
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self.canvas.rect())
            return False
        if not self.active or not isinstance(event, QMouseEvent):
            return False
        kind = event.type()
        if kind == QEvent.Type.MouseButtonDblClick:
            self.finish()
            return True
        if event.button() == Qt.MouseButton.RightButton:
            if kind == QEvent.Type.MouseButtonRelease:
                self.finish()
            return True
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        if kind == QEvent.Type.MouseButtonPress:
            self._press = event.position()
            return False  # the canvas may still pan on a drag
        if kind == QEvent.Type.MouseButtonRelease and self._press is not None:
            moved = event.position() - self._press
            self._press = None
            if abs(moved.x()) + abs(moved.y()) <= CLICK_SLOP:
                self.add_point(*self.canvas.map_to_world(event.position()))
                return True  # a point, not an identify
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.active:
            return
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            if self.points:
                ring = QPolygonF([self.canvas.world_to_map(x, y) for x, y in self.points])
                painter.setPen(QPen(LINE, 2.0))
                if len(self.points) >= 3:
                    painter.setBrush(FILL)
                    painter.drawPolygon(ring)
                else:
                    painter.drawPolyline(ring)
                painter.setBrush(LINE)
                for p in ring:
                    painter.drawEllipse(p, 3.0, 3.0)
            text = self.readout()
            box = painter.fontMetrics().boundingRect(text).adjusted(-6, -4, 6, 4)
            box.moveTopLeft(self.rect().topLeft() + QPointF(8, 8).toPoint())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255, 230))
            painter.drawRect(box)
            painter.setPen(QColor(40, 40, 40))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        finally:
            painter.end()
