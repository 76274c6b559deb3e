"""A highlight layer above the map: the features a finding or a search points at.

A transparent child of the canvas, so the map's cached image is left alone:
only the few highlighted outlines are drawn again when the view moves. It
takes geometry from the canvas's loaded layers by fid (no store access).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from layers.renderer import polygons_to_path
from ui.gui.map_canvas import MapCanvas

HIGHLIGHT_PEN = QColor(0, 200, 255)
HIGHLIGHT_FILL = QColor(0, 200, 255, 70)
HALO = QColor(255, 255, 255, 220)


#: Above this many outlines in view they are drawn as one-pixel lines, unsmoothed: wide
#: antialiased pens are Qt's slow path (most of a second on the GUI thread at district scale).
MANY_OUTLINES = 500


def in_view(
    groups: dict[str, np.ndarray], bounds: dict[str, np.ndarray], extent: tuple[float, ...]
) -> tuple[dict[str, np.ndarray], bool]:
    """The geometries of each group whose bounds meet `extent`, and whether they are many."""
    x0, y0, x1, y1 = extent
    shown = {}
    for key, geoms in groups.items():
        b = bounds[key]
        inside = (b[:, 2] >= x0) & (b[:, 0] <= x1) & (b[:, 3] >= y0) & (b[:, 1] <= y1)
        if inside.any():
            shown[key] = geoms[inside]
    return shown, sum(len(g) for g in shown.values()) > MANY_OUTLINES


def outline_pen(color: QColor, width: float, many: bool) -> QPen:
    """`width` px, or a one-pixel line when many outlines are in view; cosmetic either way."""
    pen = QPen(color, 0.0 if many else width)
    pen.setCosmetic(True)
    return pen


class HighlightLayer(QWidget):
    def __init__(self, canvas: MapCanvas) -> None:
        super().__init__(canvas)
        self.setObjectName("highlight_layer")
        self.canvas = canvas
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._geoms = np.empty(0, dtype=object)
        self._selection: dict[str, tuple[int, ...]] = {}
        self.setGeometry(canvas.rect())
        canvas.installEventFilter(self)
        canvas.extentChanged.connect(self.update)
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.canvas and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.canvas.rect())
        return False

    @property
    def selection(self) -> dict[str, tuple[int, ...]]:
        """What is highlighted: layer name -> fids."""
        return dict(self._selection)

    def set_features(self, features: dict[str, Iterable[int]]) -> None:
        """Highlight these fids per layer (parcels, buildings, villages); {} clears."""
        renderer = self.canvas.renderer
        picked = []
        self._selection = {}
        for name, fids in features.items():
            wanted = np.fromiter((int(f) for f in fids), dtype=np.int64)
            layer = renderer.layer(name) if renderer is not None else None
            if layer is None or not len(wanted):
                continue
            found, geoms = layer.by_fids(wanted)
            if len(found):
                picked.append(geoms)
                self._selection[name] = tuple(int(f) for f in found)
        self._geoms = np.concatenate(picked) if picked else np.empty(0, dtype=object)
        self.update()

    def clear(self) -> None:
        self.set_features({})

    def paintEvent(self, event: QPaintEvent) -> None:
        if not len(self._geoms):
            return
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            path = polygons_to_path(self._geoms, self.canvas.transform())
            painter.setPen(QPen(HALO, 5.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
            painter.setPen(QPen(HIGHLIGHT_PEN, 2.5))
            painter.setBrush(QBrush(HIGHLIGHT_FILL))
            painter.drawPath(path)
        finally:
            painter.end()
