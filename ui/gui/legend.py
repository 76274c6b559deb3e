"""The legend in the layer list: a swatch per layer drawn as the map draws it, and under a
layer whose style classifies (land use by first-level class), one row per class.

The styles (layers.style) say which symbol each legend row shows and name it by a text
code; the words come from the catalogue (ui.texts), so the legend follows the language.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from layers.style import LayerStyle, Symbol
from qjgis.errors import QjgisError
from ui.texts import layer_title, t

SWATCH = (20, 14)
#: legend rows are indented under their layer
INDENT = "    "


def swatch(symbol: Symbol, size: tuple[int, int] = SWATCH) -> QIcon:
    """A small rectangle filled, hatched and outlined as `symbol` draws a polygon."""
    w, h = size
    pixmap = QPixmap(w, h)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = QRectF(1.5, 1.5, w - 3, h - 3)
        if symbol.fill is not None:
            painter.fillRect(rect, symbol.fill)
        if symbol.hatch is not None:
            painter.fillRect(rect, QBrush(symbol.hatch, symbol.hatch_style))
        if symbol.stroke is not None:
            pen = QPen(symbol.stroke, min(symbol.stroke_width, 2.0))
            pen.setStyle(symbol.stroke_style)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect)
    finally:
        painter.end()
    return QIcon(pixmap)


def layer_icon(style: LayerStyle) -> QIcon | None:
    """The swatch beside a layer's name: its one symbol, or none for a classified layer
    (its rows below show each class)."""
    return swatch(style.symbols[0]) if len(style.symbols) == 1 else None


def legend_items(style: LayerStyle) -> list[QListWidgetItem]:
    """The rows under a layer: one per legend entry of its style, not checkable."""
    items = []
    for code, index in style.legend:
        if len(style.symbols) == 1 and len(style.legend) == 1:
            text = t(code)  # a single entry says what the one symbol shows
        else:
            text = f"{code.rpartition('.')[2]} {t(code)}" if code[-1].isdigit() else t(code)
        item = QListWidgetItem(swatch(style.symbols[index]), INDENT + text)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        items.append(item)
    return items


def add_legend(target: QListWidget, item: QListWidgetItem, style: LayerStyle) -> None:
    """Give a layer's row in the layer list its swatch and put its legend rows below it."""
    icon = layer_icon(style)
    if icon is not None:
        item.setIcon(icon)
    for row in legend_items(style):
        target.addItem(row)


def is_reference(layer: object) -> bool:
    return bool(getattr(layer, "is_reference", False))


def layer_row_text(layer: object) -> str:
    """A layer's row in the layer list: its name and feature count. A reference layer's
    count is left out until counted aside: 500,000 land-use patches of one kind take a
    second to count, too long for the GUI thread (the other layers count in one index)."""
    title = layer_title(layer.name)  # type: ignore[attr-defined]
    if is_reference(layer):
        n = layer.known_len()  # type: ignore[attr-defined]
        return f"{title} ({n:,})" if n is not None else title
    return f"{title} ({len(layer):,})"  # type: ignore[arg-type]


class LayerCounter(QObject):
    """Counts reference layers on a worker thread; `counted` arrives on the GUI thread."""

    counted = Signal(object, int)  # the layer, its count

    def count(self, layers: Iterable[object]) -> None:
        todo = [x for x in layers if is_reference(x) and x.known_len() is None]  # type: ignore[attr-defined]
        if not todo:
            return

        def work() -> None:
            for layer in todo:
                try:
                    n = len(layer)  # type: ignore[arg-type]
                # the file closed meanwhile, or the database went away: no count
                except (sqlite3.Error, ValueError, QjgisError):
                    continue
                self.counted.emit(layer, n)

        threading.Thread(target=work, name="qjgis-layer-count", daemon=True).start()
