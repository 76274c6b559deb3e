"""What the window draws over the map besides the highlight: features with open
findings outlined by severity, and the legend that explains every symbol.

The outlines are a transparent child of the canvas (like the highlight layer),
taking geometry from the loaded layers by fid: a few thousand findings redraw
in a few milliseconds as the view moves, and the map's cached image is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import shapely
from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QDockWidget, QListWidget, QListWidgetItem, QWidget

from layers.style import (
    BUILDING_OUTLINE,
    DANGER_OUTLINE,
    PARCEL_FILL,
    PARCEL_OUTLINE,
    RUIN_HATCH,
    STATUS_COLORS,
    VILLAGE_FILL,
    VILLAGE_OUTLINE,
)
from ui.gui.highlight import HIGHLIGHT_FILL, HIGHLIGHT_PEN, ViewPaths, outline_pen
from ui.gui.map_canvas import MapCanvas
from ui.presenters.words import t, t_or
from ui.texts import layer_title

#: severity -> outline colour, drawn in this order (the worst on top)
SEVERITY_COLORS: dict[str, QColor] = {
    "info": QColor(40, 110, 220),
    "warning": QColor(240, 140, 0),
    "error": QColor(200, 0, 170),  # magenta: red already marks dangerous houses
}
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITY_COLORS)}

#: finding outlines narrower and lower than this (in pixels) are left out of a view
MIN_OUTLINE_PX = 1.0


def outlines(
    features: dict[str, dict[int, str]], layers: dict[str, Any]
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The geometries and bounds of `features` (layer -> fid -> severity) by severity, read
    from the map's layers (thread-safe: a worker reads them at district scale)."""
    by_severity: dict[str, list[np.ndarray]] = {}
    for name, severities in features.items():
        layer = layers.get(name)
        if layer is None or not severities:
            continue
        found, geoms = layer.by_fids(np.fromiter(severities, dtype=np.int64))
        worst = np.array([severities[int(f)] for f in found], dtype=object)
        for severity in SEVERITY_COLORS:
            pick = worst == severity
            if pick.any():
                by_severity.setdefault(severity, []).append(geoms[pick])
    geoms = {s: np.concatenate(g) for s, g in by_severity.items()}
    # Bounds once, so a paint draws only the outlines in view (a district has thousands).
    return geoms, {s: shapely.bounds(g) for s, g in geoms.items()}


class FindingsLayer(QWidget):
    def __init__(self, canvas: MapCanvas) -> None:
        super().__init__(canvas)
        self.setObjectName("findings_layer")
        self.canvas = canvas
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.features: dict[str, dict[int, str]] = {}  # layer -> fid -> worst severity
        self._geoms: dict[str, np.ndarray] = {}  # severity -> geometries
        self._bounds: dict[str, np.ndarray] = {}
        self.paths = ViewPaths(self, min_px=MIN_OUTLINE_PX)
        self.paths.ready.connect(self.update)
        self.setGeometry(canvas.rect())
        canvas.installEventFilter(self)
        canvas.extentChanged.connect(self.update)
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.canvas and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.canvas.rect())
        return False

    def set_features(self, features: dict[str, dict[int, str]]) -> None:
        """Outline these features (layer -> fid -> severity); {} clears."""
        renderer = self.canvas.renderer
        layers = {n: renderer.layer(n) for n in features} if renderer is not None else {}
        self.set_outlines(features, outlines(features, layers))

    def set_outlines(
        self,
        features: dict[str, dict[int, str]],
        shapes: tuple[dict[str, np.ndarray], dict[str, np.ndarray]],
    ) -> None:
        """Outline what `outlines` read (on a worker, at district scale)."""
        self.features = features
        self._geoms, self._bounds = shapes
        self.paths.invalidate()
        self.update()

    def count(self) -> int:
        return sum(len(v) for v in self.features.values())

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._geoms:
            return
        view = self.canvas.transform()
        paths, moved, many = self.paths.paths(self._geoms, self._bounds, view)
        painter = QPainter(self)
        try:
            if not many:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setTransform(moved)
            for severity, color in SEVERITY_COLORS.items():
                painter.setPen(outline_pen(color, 2.2, many))
                for path in paths.get(severity, ()):
                    painter.drawPath(path)
        finally:
            painter.end()


def _swatch(fill: QColor | None, outline: QColor, width: float = 1.0, *,
            hatch: QColor | None = None, dash: bool = False) -> QIcon:  # fmt: skip
    pixmap = QPixmap(QSize(28, 16))
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    try:
        p.setBrush(QBrush(fill) if fill is not None else Qt.BrushStyle.NoBrush)
        pen = QPen(outline, width)
        if dash:
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawRect(2, 2, 24, 12)
        if hatch is not None:
            p.setBrush(QBrush(hatch, Qt.BrushStyle.BDiagPattern))
            p.drawRect(2, 2, 24, 12)
    finally:
        p.end()
    return QIcon(pixmap)


class LegendDock(QDockWidget):
    """图例: one row per symbol the map and its overlays draw."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(t("legend.title"), parent)
        self.setObjectName("dock_legend")
        self.list = QListWidget(self)
        self.list.setObjectName("list_legend")
        self.list.setIconSize(QSize(28, 16))
        self.setWidget(self.list)
        rows: list[tuple[QIcon, str]] = [
            (_swatch(VILLAGE_FILL, VILLAGE_OUTLINE, 1.6, dash=True), t("layer.villages")),
            (_swatch(PARCEL_FILL, PARCEL_OUTLINE), t("legend.parcel")),
        ]
        for status, color in STATUS_COLORS.items():
            label = t("legend.building", status=t_or(f"status.{status}", status))
            if status == "已拆除":
                rows.append((_swatch(None, color, 1.2, dash=True), label))
            elif status == "残垣断壁":
                rows.append((_swatch(color, BUILDING_OUTLINE, hatch=RUIN_HATCH), label))
            else:
                rows.append((_swatch(color, BUILDING_OUTLINE), label))
        rows.append((_swatch(None, DANGER_OUTLINE, 2.2), t("legend.dangerous")))
        for severity, color in reversed(SEVERITY_COLORS.items()):
            rows.append(
                (_swatch(None, color, 2.2), t("legend.finding", severity=t(f"severity.{severity}")))
            )
        rows.append((_swatch(HIGHLIGHT_FILL, HIGHLIGHT_PEN, 2.5), t("legend.highlight")))
        for icon, text in rows:
            self.list.addItem(QListWidgetItem(icon, text))
        self._fixed = self.list.count()

    def show_reference(self, layers: Iterable[object]) -> None:
        """The reference layers the map draws (land use with its classes ...), after the
        fixed rows; called when a project opens and when its layers are read again."""
        from ui.gui.legend import layer_icon, legend_items

        while self.list.count() > self._fixed:
            self.list.takeItem(self.list.count() - 1)
        for layer in layers:
            if getattr(layer, "table", None) != "reference_features":
                continue
            style = layer.style  # type: ignore[attr-defined]
            icon = layer_icon(style)
            title = layer_title(layer.name)  # type: ignore[attr-defined]
            self.list.addItem(QListWidgetItem(icon, title) if icon else QListWidgetItem(title))
            for item in legend_items(style):
                self.list.addItem(item)
