"""Draw map layers onto any QPainter: a widget, a QImage, a QPdfWriter.

Geometry goes from shapely to Qt without a Python loop per vertex: all ring
coordinates of one symbol category are transformed to pixels as one numpy
array, written in QPainterPath's QDataStream layout (the technique pyqtgraph's
`arrayToQPath` uses) and read back as one path. The few Python loops left run
per label, and only over labels that are on screen.

A layer is asked only for what the view shows, at the scale it shows: a layer
whose style hides it at this scale is not read at all, features under a pixel
are not read, and label work (texts, label points, metrics) is done only for
features whose on-screen box could hold a label. The renderer owns no widget
and no thread: the canvas runs it on a worker (layers.render_job), printed
pages call it directly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from PySide6.QtCore import QByteArray, QDataStream, QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
)

from layers.style import LabelStyle, Symbol, cjk_font_family
from layers.vector_layer import Cancel, Extent, Features, MapLayer, RenderCancelled, union_extent

INCH_M = 0.0254
BASE_DPI = 96.0  # style sizes are in pixels of a 96 dpi screen

_ELEMENT = np.dtype([("type", "<i4"), ("x", "<f8"), ("y", "<f8")])
_MOVE_TO, _LINE_TO = 0, 1
_WINDING_FILL = 1
# Above this many, relocating off-screen label points costs more than it gives.
_MAX_RELOCATED_LABELS = 64
# Features are drawn in patches of the view this many pixels square (see _draw_layer).
_STROKE_CELL_PX = 256.0


@dataclass(frozen=True)
class ViewTransform:
    """World (projected metres, y north) to device pixels (y down), square pixels.

    `left`, `top` are the world coordinates of the device's top-left corner.
    """

    left: float
    top: float
    units_per_pixel: float
    width: float
    height: float

    @classmethod
    def fit(cls, extent: Extent, size: QSize | QSizeF | tuple[float, float]) -> ViewTransform:
        """The transform that shows all of `extent`, centred, in a device of `size`."""
        w, h = _size_tuple(size)
        ew = max(extent[2] - extent[0], 1e-9)
        eh = max(extent[3] - extent[1], 1e-9)
        upp = max(ew / max(w, 1.0), eh / max(h, 1.0))
        cx = (extent[0] + extent[2]) / 2.0
        cy = (extent[1] + extent[3]) / 2.0
        return cls(cx - w * upp / 2.0, cy + h * upp / 2.0, upp, w, h)

    @classmethod
    def centred(
        cls, centre: tuple[float, float], units_per_pixel: float, size: QSize | QSizeF
    ) -> ViewTransform:
        w, h = _size_tuple(size)
        return cls(
            centre[0] - w * units_per_pixel / 2.0,
            centre[1] + h * units_per_pixel / 2.0,
            units_per_pixel,
            w,
            h,
        )

    @property
    def extent(self) -> Extent:
        """The world rectangle the whole device shows."""
        return (
            self.left,
            self.top - self.height * self.units_per_pixel,
            self.left + self.width * self.units_per_pixel,
            self.top,
        )

    def world_to_pixel(self, xy: np.ndarray) -> np.ndarray:
        """(n, 2) world coordinates to (n, 2) pixel coordinates, in one numpy step."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        out = np.empty_like(xy)
        out[:, 0] = (xy[:, 0] - self.left) / self.units_per_pixel
        out[:, 1] = (self.top - xy[:, 1]) / self.units_per_pixel
        return out

    def pixel_to_world(self, px: float, py: float) -> tuple[float, float]:
        return (self.left + px * self.units_per_pixel, self.top - py * self.units_per_pixel)

    def scale_denominator(self, dpi: float = BASE_DPI) -> float:
        """The map scale 1:N for a device of `dpi` dots per inch."""
        return self.units_per_pixel * dpi / INCH_M


def _size_tuple(size: QSize | QSizeF | tuple[float, float]) -> tuple[float, float]:
    if isinstance(size, tuple):
        return float(size[0]), float(size[1])
    return float(size.width()), float(size.height())


def polygons_to_path(geoms: np.ndarray, transform: ViewTransform) -> QPainterPath:
    """One QPainterPath (winding fill) holding every ring of `geoms`, in device pixels."""
    geoms = np.asarray(geoms, dtype=object)
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)
    if len(geoms) == 0:
        return path
    rings = shapely.get_rings(shapely.get_parts(geoms))
    counts = shapely.get_num_coordinates(rings)
    rings, counts = rings[counts > 0], counts[counts > 0]
    if len(rings) == 0:
        return path
    pixels = transform.world_to_pixel(shapely.get_coordinates(rings))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    elements = np.empty(len(pixels), dtype=_ELEMENT)
    elements["type"] = _LINE_TO
    elements["type"][starts] = _MOVE_TO
    elements["x"] = pixels[:, 0]
    elements["y"] = pixels[:, 1]
    # QDataStream layout of a QPainterPath: element count, (type, x, y) per
    # element, the index where the last subpath starts, the fill rule.
    blob = (
        np.array([len(elements)], dtype="<i4").tobytes()
        + elements.tobytes()
        + np.array([starts[-1], _WINDING_FILL], dtype="<i4").tobytes()
    )
    stream = QDataStream(QByteArray(blob))
    stream.setByteOrder(QDataStream.ByteOrder.LittleEndian)
    stream >> path
    return path


@dataclass
class RenderStats:
    """What the last render did: features converted and labels drawn, per layer."""

    extent: Extent = (0.0, 0.0, 0.0, 0.0)
    scale: float = 0.0
    features: dict[str, int] = field(default_factory=dict)
    labels: dict[str, int] = field(default_factory=dict)
    #: features whose label text and metrics were computed (at most those drawn could be)
    label_candidates: dict[str, int] = field(default_factory=dict)
    #: visible layers left out because their style hides them at this scale
    hidden_by_scale: list[str] = field(default_factory=list)


@dataclass
class _Drawn:
    layer: MapLayer
    features: Features
    pixel_w: np.ndarray
    pixel_h: np.ndarray


class _LabelGrid:
    """Placed label boxes in coarse grid cells, so collision tests stay local."""

    def __init__(self, cell: float = 64.0) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[QRectF]] = {}

    def _keys(self, r: QRectF) -> Iterable[tuple[int, int]]:
        c = self.cell
        for i in range(int(r.left() // c), int(r.right() // c) + 1):
            for j in range(int(r.top() // c), int(r.bottom() // c) + 1):
                yield (i, j)

    def try_place(self, r: QRectF) -> bool:
        keys = list(self._keys(r))
        for key in keys:
            if any(r.intersects(other) for other in self.cells.get(key, ())):
                return False
        for key in keys:
            self.cells.setdefault(key, []).append(r)
        return True


class MapRenderer:
    """Draws visible layers, bottom first, then their labels, for an extent."""

    def __init__(
        self,
        layers: Sequence[MapLayer] = (),
        *,
        background: QColor | None = None,
        labels: bool = True,
        min_feature_px: float = 1.0,
    ) -> None:
        self.layers: list[MapLayer] = list(layers)
        self.background: QColor | None = QColor(255, 255, 255) if background is None else background
        self.labels_enabled = labels
        self.min_feature_px = min_feature_px
        self.last_stats = RenderStats()

    def layer(self, name: str) -> MapLayer | None:
        return next((lyr for lyr in self.layers if lyr.name == name), None)

    def full_extent(self) -> Extent | None:
        return union_extent([lyr.extent() for lyr in self.layers])

    def invalidate(self) -> None:
        """The project changed: layers forget what they read."""
        for layer in self.layers:
            layer.invalidate()

    # ------------------------------------------------------------ rendering
    def render(
        self,
        painter: QPainter,
        extent: Extent,
        size: QSize | QSizeF,
        *,
        dpi: float | None = None,
        cancel: Cancel | None = None,
    ) -> RenderStats:
        """Draw `extent` fitted and centred into the rectangle (0, 0, size) of `painter`.

        `cancel` is asked between steps; when it answers True the rendering stops
        with RenderCancelled and the painter holds a partial picture.
        """
        if dpi is None:
            device = painter.device()
            dpi = float(device.logicalDpiX()) if device is not None else BASE_DPI
        transform = ViewTransform.fit(extent, size)
        stats = RenderStats(extent=transform.extent, scale=transform.scale_denominator(dpi))
        px = dpi / BASE_DPI
        painter.save()
        try:
            w, h = _size_tuple(size)
            painter.setClipRect(QRectF(0, 0, w, h), Qt.ClipOperation.IntersectClip)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            if self.background is not None:
                painter.fillRect(QRectF(0, 0, w, h), self.background)
            drawn: list[_Drawn] = []
            for layer in self.layers:
                if not layer.visible:
                    continue
                if not layer.style.visible_at(stats.scale):
                    stats.hidden_by_scale.append(layer.name)
                    continue
                drawn.append(self._draw_layer(painter, layer, transform, px, stats, cancel))
            if self.labels_enabled:
                self._draw_labels(painter, drawn, transform, dpi, stats, cancel)
        finally:
            painter.restore()
        self.last_stats = stats
        return stats

    def render_image(
        self, extent: Extent, size: QSize, *, fmt: QImage.Format = QImage.Format.Format_RGB32
    ) -> QImage:
        """A new image of `size` showing `extent` (previews, tests, exports)."""
        image = QImage(size, fmt)
        image.fill(self.background or QColor(0, 0, 0, 0))
        painter = QPainter(image)
        try:
            self.render(painter, extent, size)
        finally:
            painter.end()
        return image

    def _draw_layer(
        self,
        painter: QPainter,
        layer: MapLayer,
        t: ViewTransform,
        px: float,
        stats: RenderStats,
        cancel: Cancel | None,
    ) -> _Drawn:
        # A feature smaller than a pixel would only add noise and time: not even read.
        feats = layer.features(t.extent, self.min_feature_px * t.units_per_pixel, cancel)
        b = feats.bounds
        pw = (b[:, 2] - b[:, 0]) / t.units_per_pixel
        ph = (b[:, 3] - b[:, 1]) / t.units_per_pixel
        geoms = feats.geometry
        # Far beyond the device, Qt's fixed-point rasteriser overflows; the parts
        # of huge polygons (a village at street zoom) are cut to a margin first.
        huge = (pw > 4 * t.width) | (ph > 4 * t.height)
        if huge.any():
            e = t.extent
            mx, my = (e[2] - e[0]) * 0.25, (e[3] - e[1]) * 0.25
            geoms = geoms.copy()
            geoms[huge] = shapely.orient_polygons(
                shapely.clip_by_rect(geoms[huge], e[0] - mx, e[1] - my, e[2] + mx, e[3] + my)
            )
        # Qt's antialiased stroker scans the whole box of a path: one path per
        # category over the whole view cost 0.3 s for 334 village outlines, one
        # per patch of the view 0.03 s. A feature goes to the patch of its centre.
        cx = (b[:, 0] + b[:, 2]) / 2.0
        cy = (b[:, 1] + b[:, 3]) / 2.0
        cell = _STROKE_CELL_PX * t.units_per_pixel
        patch = np.floor((cx - t.left) / cell) * 4096 + np.floor((t.top - cy) / cell)
        categories = feats.categories
        for number, symbol in enumerate(layer.style.symbols):
            if cancel is not None and cancel():
                raise RenderCancelled
            rows = np.flatnonzero(categories == number)
            if not len(rows):
                continue
            keys = patch[rows]
            order = np.argsort(keys, kind="stable")
            rows, keys = rows[order], keys[order]
            groups = np.split(rows, np.flatnonzero(np.diff(keys)) + 1)
            _paint(painter, [polygons_to_path(geoms[g], t) for g in groups], symbol, px)
        stats.features[layer.name] = len(feats)
        return _Drawn(layer, feats, pw, ph)

    def _draw_labels(
        self,
        painter: QPainter,
        drawn: list[_Drawn],
        t: ViewTransform,
        dpi: float,
        stats: RenderStats,
        cancel: Cancel | None,
    ) -> None:
        grid = _LabelGrid()
        scale = t.scale_denominator(dpi)
        # Top layers are the most specific, but the village names orient the
        # reader: they are placed first and win any collision.
        for item in sorted(drawn, key=lambda d: d.layer.name != "villages"):
            label = item.layer.style.label
            if label is None or not item.layer.style.labelled_at(scale):
                continue
            if cancel is not None and cancel():
                raise RenderCancelled
            count, candidates = self._label_layer(painter, item, label, t, dpi, grid)
            stats.labels[item.layer.name] = count
            stats.label_candidates[item.layer.name] = candidates

    @staticmethod
    def _label_layer(
        painter: QPainter,
        item: _Drawn,
        label: LabelStyle,
        t: ViewTransform,
        dpi: float,
        grid: _LabelGrid,
    ) -> tuple[int, int]:
        """(labels drawn, features whose label was considered)."""
        font = _pixel_font(label, dpi)
        metrics = QFontMetricsF(font)
        height = metrics.height()
        feats = item.features
        pixel_w, pixel_h = item.pixel_w, item.pixel_h
        # Label work only for features that could hold one: a label must fit its
        # feature, and no text is narrower than half a glyph.
        if label.must_fit:
            rows = np.flatnonzero((pixel_h >= height) & (pixel_w >= height / 2.0))
        else:
            rows = np.arange(len(feats))
        if len(rows) == 0:
            return 0, 0
        cand = feats.take(rows)
        pixel_w, pixel_h = pixel_w[rows].copy(), pixel_h[rows].copy()
        texts = np.asarray(label.text(cand.attrs, len(cand)), dtype=object)
        has_text = np.array([bool(s) for s in texts], dtype=bool)
        pts = np.full((len(cand), 2), np.nan)
        if has_text.any():
            sel = np.flatnonzero(has_text)
            pts[sel] = t.world_to_pixel(item.layer.label_points(cand.fids[sel], cand.geometry[sel]))
        # A big feature whose label point is off screen (a village at street zoom)
        # is labelled on its visible part instead, so its name stays in view. Small
        # ones (a parcel cut by the window edge) are not: their label would crowd
        # whatever else is in that sliver.
        big = (pixel_w >= t.width / 2.0) | (pixel_h >= t.height / 2.0)
        away = np.flatnonzero(has_text & big & ~_inside(pts, t))
        if 0 < len(away) <= _MAX_RELOCATED_LABELS:
            pts[away], pixel_w[away], pixel_h[away] = _visible_anchor(
                cand.geometry[away], t, height
            )
        on_screen = has_text & _inside(pts, t)
        if not on_screen.any():
            return 0, len(rows)
        view = QRectF(0, 0, t.width, t.height)
        placed: list[tuple[QPointF, str]] = []
        for i in np.flatnonzero(on_screen):
            text = str(texts[i])
            width = metrics.horizontalAdvance(text)
            if label.must_fit and (width > pixel_w[i] or height > pixel_h[i]):
                continue
            x, y = float(pts[i, 0]) - width / 2.0, float(pts[i, 1]) - height / 2.0
            box = QRectF(x, y, width, height)
            # A name cut by the window edge reads as another name: skip it instead.
            if not view.contains(box) or not grid.try_place(box):
                continue
            placed.append((QPointF(x, y + metrics.ascent()), text))
        if placed:
            _draw_texts(painter, placed, font, label, height)
        return len(placed), len(rows)


def _draw_texts(
    painter: QPainter,
    placed: list[tuple[QPointF, str]],
    font: QFont,
    label: LabelStyle,
    height: float,
) -> None:
    """Texts with a halo: the text drawn around itself in the halo colour, then on top.

    Stroking glyph outlines (QPainterPath.addText + strokePath) cost 9 ms a
    label, 94 % of a district frame; drawText goes through Qt's glyph cache, a
    hundred times faster, and stays real text in a PDF.
    """
    painter.setFont(font)
    if label.halo is not None:
        painter.setPen(label.halo)
        radius = max(1, round(height / 10.0))
        offsets = [
            QPointF(dx * r, dy * r)
            for r in range(1, radius + 1)
            for dx, dy in ((-1, -1), (0, -1), (1, -1), (-1, 0), (1, 0), (-1, 1), (0, 1), (1, 1))
        ]
        for point, text in placed:
            for offset in offsets:
                painter.drawText(point + offset, text)
    painter.setPen(label.color)
    for point, text in placed:
        painter.drawText(point, text)


def _inside(pts: np.ndarray, t: ViewTransform) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return (
            np.isfinite(pts).all(axis=1)
            & (pts[:, 0] >= 0)
            & (pts[:, 0] <= t.width)
            & (pts[:, 1] >= 0)
            & (pts[:, 1] <= t.height)
        )


def _visible_anchor(
    geoms: np.ndarray, t: ViewTransform, margin_px: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Label points (pixels) and pixel sizes of the parts of `geoms` inside the view."""
    e = t.extent
    m = margin_px * t.units_per_pixel
    clipped = shapely.clip_by_rect(geoms, e[0] + m, e[1] + m, e[2] - m, e[3] - m)
    ok = ~(shapely.is_missing(clipped) | shapely.is_empty(clipped))
    pts = np.full((len(geoms), 2), np.nan)
    w = np.zeros(len(geoms))
    h = np.zeros(len(geoms))
    if ok.any():
        pts[ok] = t.world_to_pixel(shapely.get_coordinates(shapely.point_on_surface(clipped[ok])))
        b = shapely.bounds(clipped[ok])
        w[ok] = (b[:, 2] - b[:, 0]) / t.units_per_pixel
        h[ok] = (b[:, 3] - b[:, 1]) / t.units_per_pixel
    return pts, w, h


def _pixel_font(label: LabelStyle, dpi: float) -> QFont:
    # A pixel size makes glyph paths the same size as the metrics on any device:
    # text would otherwise take the screen's resolution on a PDF.
    font = QFont()
    family = cjk_font_family()
    if family:
        font.setFamily(family)
    font.setPixelSize(max(1, round(label.point_size * dpi / 72.0)))
    font.setBold(label.bold)
    return font


def _paint(painter: QPainter, paths: list[QPainterPath], symbol: Symbol, px: float) -> None:
    # All fills before any outline, so no neighbour's fill covers a shared border.
    for path in paths:
        if symbol.fill is not None:
            painter.fillPath(path, symbol.fill)
        if symbol.hatch is not None:
            painter.fillPath(path, QBrush(symbol.hatch, symbol.hatch_style))
    if symbol.stroke is not None:
        pen = QPen(symbol.stroke, max(symbol.stroke_width * px, 0.5))
        pen.setStyle(symbol.stroke_style)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        for path in paths:
            painter.strokePath(path, pen)


def scale_text(denominator: float) -> str:
    """A scale as the surveyors write it: 1:2,500 (rounded to 2-3 significant digits)."""
    if not math.isfinite(denominator) or denominator <= 0:
        return "—"
    digits = max(0, math.floor(math.log10(denominator)) - 1)
    rounded = round(denominator / 10**digits) * 10**digits
    return f"1:{int(rounded):,}"
