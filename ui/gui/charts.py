"""Bar, stacked-bar and line charts drawn with the project's own QPainter code.

Why not QtCharts or pyqtgraph (docs/architecture.md, "Charts"): QtCharts needs
PySide6-Addons (a second large wheel in the Windows installer) for a handful of bar
charts; pyqtgraph is an extra dependency aimed at fast scientific plots. The
dashboard needs labelled bars, stacks, a line, a click on a bar and a PNG: a
painter of a few hundred lines does that, draws the same onto a QImage for the PNG
export (and could onto a PDF page, as the map renderer does), and adds nothing to
install.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

PALETTE = ("#9e9e9e", "#e07b39", "#3c8dbc", "#5aa469", "#8e6bbf", "#d4b106", "#c0504d")
OVERDUE = QColor("#d32f2f")


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]
    color: str


class Chart(QWidget):
    """Stacked bars per category (one series is plain bars), or lines over categories.

    `marks` puts a red count above each bar (overdue cases); a click on a bar emits
    `barClicked(index)`."""

    barClicked = Signal(int)

    def __init__(self, title: str = "", *, lines: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title
        self.lines = lines
        self.categories: list[str] = []
        self.series: list[Series] = []
        self.marks: list[int] = []
        self._bars: list[QRectF] = []
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(640, 260)

    def set_data(
        self, categories: list[str], series: list[Series], marks: list[int] | None = None
    ) -> None:
        self.categories, self.series = list(categories), list(series)
        self.marks = list(marks or [])
        self.update()

    def totals(self) -> list[float]:
        return [sum(s.values[i] for s in self.series) for i in range(len(self.categories))]

    def bar_rect(self, index: int) -> QRectF:
        """Where bar `index` was drawn last (tests click there)."""
        return self._bars[index]

    # ------------------------------------------------------------ drawing
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self.draw(painter, QRectF(self.rect()))
        finally:
            painter.end()

    def save_png(self, path: str | Path, scale: float = 2.0) -> Path:
        """The chart as a PNG, drawn again at `scale` (sharp in a report)."""
        size = self.size() if self.width() > 50 else self.sizeHint()
        image = QImage(int(size.width() * scale), int(size.height() * scale),
                       QImage.Format.Format_ARGB32)  # fmt: skip
        image.fill(QColor("white"))
        painter = QPainter(image)
        try:
            painter.scale(scale, scale)
            self.draw(painter, QRectF(0, 0, size.width(), size.height()), keep_bars=False)
        finally:
            painter.end()
        if not image.save(str(path), "PNG"):
            raise OSError(f"cannot write {path}")
        return Path(path)

    def draw(self, p: QPainter, area: QRectF, *, keep_bars: bool = True) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(area, QColor("white"))
        fm = p.fontMetrics()
        line = fm.height()
        p.setPen(QColor(30, 30, 30))
        p.drawText(area.adjusted(8, 4, -8, 0), Qt.AlignmentFlag.AlignLeft, self.title)
        # legend on the title line, right-aligned
        x = area.right() - 8
        for s in reversed(self.series):
            w = fm.horizontalAdvance(s.name)
            x -= w
            p.drawText(QPointF(x, area.top() + 4 + fm.ascent()), s.name)
            x -= 14
            p.fillRect(QRectF(x, area.top() + 4 + line / 2 - 5, 10, 10), QColor(s.color))
            x -= 10
        plot = area.adjusted(44, 10 + line, -10, -(8 + 2 * line))
        n = len(self.categories)
        if keep_bars:
            self._bars = []
        if not n or plot.width() < 20 or plot.height() < 20:
            return
        peak = max((max(self.totals()) if not self.lines else
                    max(max(s.values) for s in self.series)), 1.0)  # fmt: skip
        step = _nice_step(peak)
        top = step * (int(peak / step) + 1)
        grid = QPen(QColor(225, 225, 225))
        for k in range(int(top / step) + 1):
            y = plot.bottom() - plot.height() * k * step / top
            p.setPen(grid)
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(QColor(90, 90, 90))
            label = f"{k * step:,.0f}"
            p.drawText(
                QPointF(plot.left() - 6 - fm.horizontalAdvance(label), y + fm.ascent() / 2 - 1),
                label,
            )
        slot = plot.width() / n
        width = min(slot * 0.7, 60.0)
        for i, name in enumerate(self.categories):
            cx = plot.left() + slot * (i + 0.5)
            text = fm.elidedText(name, Qt.TextElideMode.ElideRight, int(slot - 2))
            p.setPen(QColor(60, 60, 60))
            p.drawText(
                QPointF(cx - fm.horizontalAdvance(text) / 2, plot.bottom() + 4 + fm.ascent()), text
            )
            if self.lines:
                continue
            y = plot.bottom()
            for s in self.series:
                h = plot.height() * s.values[i] / top
                if h > 0:
                    p.fillRect(QRectF(cx - width / 2, y - h, width, h), QColor(s.color))
                y -= h
            bar = QRectF(cx - width / 2, y, width, plot.bottom() - y)
            if keep_bars:
                self._bars.append(
                    bar if bar.height() > 2 else QRectF(cx - width / 2, plot.bottom() - 2, width, 2)
                )
            if i < len(self.marks) and self.marks[i]:
                p.setPen(OVERDUE)
                mark = f"▲{self.marks[i]}"
                p.drawText(QPointF(cx - fm.horizontalAdvance(mark) / 2, y - 3), mark)
        if self.lines:
            for s in self.series:
                pts = QPolygonF([
                    QPointF(plot.left() + slot * (i + 0.5), plot.bottom() - plot.height() * v / top)
                    for i, v in enumerate(s.values)
                ])  # fmt: skip
                p.setPen(QPen(QColor(s.color), 2.0))
                p.drawPolyline(pts)
                p.setBrush(QColor(s.color))
                for pt in pts:
                    p.drawEllipse(pt, 2.5, 2.5)
                p.setBrush(Qt.BrushStyle.NoBrush)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        for i, bar in enumerate(self._bars):
            hit = bar.adjusted(-4, -20, 4, 4)
            if hit.contains(event.position()):
                self.barClicked.emit(i)
                return
        super().mousePressEvent(event)


def _nice_step(peak: float) -> float:
    """A grid step of 1, 2 or 5 times a power of ten giving four to eight lines."""
    raw = peak / 5
    power = 10 ** max(0, len(str(int(raw))) - 1)
    for m in (1, 2, 5, 10):
        if raw <= m * power:
            return float(m * power)
    return float(10 * power)
