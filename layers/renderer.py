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

import itertools
import math
from collections.abc import Sequence
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
    QPaintEngine,
    QPainter,
    QPainterPath,
    QPen,
)

from layers.style import LabelStyle, Symbol, cjk_font_family
from layers.vector_layer import (
    BATCH_FEATURES,
    Cancel,
    Extent,
    Features,
    MapLayer,
    RenderCancelled,
    union_extent,
)

INCH_M = 0.0254
BASE_DPI = 96.0  # style sizes are in pixels of a 96 dpi screen

_ELEMENT = np.dtype([("type", "<i4"), ("x", "<f8"), ("y", "<f8")])
_MOVE_TO, _LINE_TO = 0, 1
_WINDING_FILL = 1
# Layers whose labels are placed first, in this order.
_LABEL_FIRST = {"towns": 0, "villages": 1}
# Above this many labels, halos are drawn through one image (see _draw_texts).
_HALO_IMAGE_LABELS = 100
# Above this many, relocating off-screen label points costs more than it gives.
_MAX_RELOCATED_LABELS = 64


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
    return polygons_to_paths(geoms, transform)[0]


def polygons_to_paths(
    geoms: np.ndarray, transform: ViewTransform, splits: np.ndarray | None = None
) -> list[QPainterPath]:
    """Paths of consecutive runs of `geoms`: one per run, cut before each index in `splits`.

    The coordinates are converted in one numpy pass for all runs; each path is
    then read from its slice of the elements.
    """
    geoms = np.asarray(geoms, dtype=object)
    cuts = np.zeros(0, dtype=np.int64) if splits is None else np.asarray(splits, np.int64)
    if len(geoms) == 0:
        return [_empty_path() for _ in range(len(cuts) + 1)]
    parts, part_geom = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    counts = shapely.get_num_coordinates(rings)
    nonempty = counts > 0
    rings, counts, ring_geom = rings[nonempty], counts[nonempty], part_geom[ring_part[nonempty]]
    pixels = transform.world_to_pixel(shapely.get_coordinates(rings))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    elements = np.empty(len(pixels), dtype=_ELEMENT)
    elements["type"] = _LINE_TO
    elements["type"][starts] = _MOVE_TO
    elements["x"] = pixels[:, 0]
    elements["y"] = pixels[:, 1]
    # Rings are in geometry order: run k holds the rings of geometries [cut k-1, cut k).
    ring_cuts = np.searchsorted(ring_geom, cuts, side="left")
    bounds = np.concatenate(([0], ring_cuts, [len(rings)]))
    out = []
    for r0, r1 in itertools.pairwise(bounds):
        if r1 <= r0:
            out.append(_empty_path())
            continue
        e0 = starts[r0]
        e1 = starts[r1] if r1 < len(starts) else len(elements)
        out.append(_path_from(elements[e0:e1], starts[r1 - 1] - e0))
    return out


def _empty_path() -> QPainterPath:
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)
    return path


def _path_from(elements: np.ndarray, last_start: int) -> QPainterPath:
    # QDataStream layout of a QPainterPath: element count, (type, x, y) per
    # element, the index where the last subpath starts, the fill rule.
    blob = (
        np.array([len(elements)], dtype="<i4").tobytes()
        + elements.tobytes()
        + np.array([last_start, _WINDING_FILL], dtype="<i4").tobytes()
    )
    path = _empty_path()
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
    """Placed label boxes in coarse grid cells, so collision tests stay local.

    Boxes are plain (x0, y0, x1, y1) tuples: a Qt call per comparison cost more
    than the comparison.
    """

    def __init__(self, cell: float = 64.0) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}

    def try_place(self, x0: float, y0: float, x1: float, y1: float) -> bool:
        c = self.cell
        keys = [
            (i, j)
            for i in range(int(x0 // c), int(x1 // c) + 1)
            for j in range(int(y0 // c), int(y1 // c) + 1)
        ]
        cells = self.cells
        for key in keys:
            for a0, b0, a1, b1 in cells.get(key, ()):
                if x0 < a1 and a0 < x1 and y0 < b1 and b0 < y1:
                    return False
        box = (x0, y0, x1, y1)
        for key in keys:
            cells.setdefault(key, []).append(box)
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
        raster = _is_raster(painter)
        categories = feats.categories
        for number, symbol in enumerate(layer.style.symbols):
            if cancel is not None and cancel():
                raise RenderCancelled
            rows = np.flatnonzero(categories == number)
            if not len(rows):
                continue
            # One path per batch of features: see BATCH_FEATURES.
            paths = [
                polygons_to_path(geoms[rows[i : i + BATCH_FEATURES]], t)
                for i in range(0, len(rows), BATCH_FEATURES)
            ]
            _paint(painter, paths, symbol, px, raster)
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
        # Top layers are the most specific, but town and village names orient
        # the reader: they are placed first and win any collision.
        for item in sorted(drawn, key=lambda d: _LABEL_FIRST.get(d.layer.name, len(_LABEL_FIRST))):
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
        # Two labels whose anchors share a cell one text height square overlap
        # whatever their texts: keep the first of each cell, so the placing loop
        # runs at most once per cell of the view, however many features it shows.
        shown = np.flatnonzero(on_screen)
        cells = np.floor(pts[shown] / height).astype(np.int64)
        _, first = np.unique(cells[:, 0] * 1_000_003 + cells[:, 1], return_index=True)
        on_screen = np.zeros(len(on_screen), dtype=bool)
        on_screen[shown[np.sort(first)]] = True
        placed: list[tuple[QPointF, str]] = []
        ascent = metrics.ascent()
        must_fit = label.must_fit
        for text, (px_, py_), fit_w, fit_h in zip(
            texts[on_screen].tolist(),
            pts[on_screen].tolist(),
            pixel_w[on_screen].tolist(),
            pixel_h[on_screen].tolist(),
            strict=True,
        ):
            text = str(text)
            width = metrics.horizontalAdvance(text)
            if must_fit and (width > fit_w or height > fit_h):
                continue
            x, y = px_ - width / 2.0, py_ - height / 2.0
            # A name cut by the window edge reads as another name: skip it instead.
            if x < 0 or y < 0 or x + width > t.width or y + height > t.height:
                continue
            if not grid.try_place(x, y, x + width, y + height):
                continue
            placed.append((QPointF(x, y + ascent), text))
        if placed:
            _draw_texts(painter, placed, font, label, height, t)
        return len(placed), len(rows)


def _draw_texts(
    painter: QPainter,
    placed: list[tuple[QPointF, str]],
    font: QFont,
    label: LabelStyle,
    height: float,
    t: ViewTransform,
) -> None:
    """Texts with a halo: the text drawn around itself in the halo colour, then on top.

    Stroking glyph outlines (QPainterPath.addText + strokePath) cost 9 ms a
    label, 94 % of a district frame; drawText goes through Qt's glyph cache, a
    hundred times faster, and stays real text in a PDF. With many labels on a
    raster device the halo copies are one image of all the texts drawn eight
    times, not eight drawText calls a label (1,149 village names: 0.27 s).
    """
    painter.setFont(font)
    if label.halo is not None:
        # One ring of copies as far out as the stroked halo reached (a fifth of
        # the text height, half of it each side): glyph strokes are wider than
        # the gaps between the copies.
        r = max(1.0, height / 10.0)
        d = r / math.sqrt(2.0)
        offsets = [
            QPointF(-r, 0), QPointF(r, 0), QPointF(0, -r), QPointF(0, r),
            QPointF(-d, -d), QPointF(d, -d), QPointF(-d, d), QPointF(d, d),
        ]  # fmt: skip
        device = painter.device()
        if _is_raster(painter) and device is not None and len(placed) > _HALO_IMAGE_LABELS:
            ratio = device.devicePixelRatioF()
            mask = QImage(
                max(1, round(t.width * ratio)),
                max(1, round(t.height * ratio)),
                QImage.Format.Format_ARGB32_Premultiplied,
            )
            mask.setDevicePixelRatio(ratio)
            mask.fill(QColor(0, 0, 0, 0))
            mp = QPainter(mask)
            try:
                mp.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
                mp.setFont(font)
                mp.setPen(label.halo)
                for point, text in placed:
                    mp.drawText(point, text)
            finally:
                mp.end()
            for offset in offsets:
                painter.drawImage(offset, mask)
        else:
            painter.setPen(label.halo)
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


def _is_raster(painter: QPainter) -> bool:
    engine = painter.paintEngine()
    return engine is not None and engine.type() == QPaintEngine.Type.Raster


# Qt's dash patterns, in pen widths.
_DASHES: dict[Qt.PenStyle, tuple[float, ...]] = {
    Qt.PenStyle.DashLine: (4.0, 2.0),
    Qt.PenStyle.DotLine: (1.0, 2.0),
    Qt.PenStyle.DashDotLine: (4.0, 2.0, 1.0, 2.0),
    Qt.PenStyle.DashDotDotLine: (4.0, 2.0, 1.0, 2.0, 1.0, 2.0),
}


def _paint(
    painter: QPainter, paths: list[QPainterPath], symbol: Symbol, px: float, raster: bool
) -> None:
    # An outlined fill is filled without antialiasing: its edge lies under the
    # antialiased outline, and an antialiased fill of a view-wide path cost
    # 15 ms of a 2 km frame where this costs 0.3 ms. All fills come before any
    # outline, so no fill covers a neighbour's border.
    outlined = symbol.stroke is not None
    if outlined:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    for path in paths:
        if symbol.fill is not None:
            painter.fillPath(path, symbol.fill)
        if symbol.hatch is not None:
            painter.fillPath(path, QBrush(symbol.hatch, symbol.hatch_style))
    if not outlined:
        return
    assert symbol.stroke is not None
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    width = max(symbol.stroke_width * px, 0.5)
    if not raster or width <= 1.0:
        pen = QPen(symbol.stroke, width)
        pen.setStyle(symbol.stroke_style)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        for path in paths:
            painter.strokePath(path, pen)
        return
    # On a raster device Qt draws antialiased lines up to a pixel wide with a
    # fast line drawer and wider ones through a polygon rasteriser a hundred
    # times slower (334 dash-dotted village outlines: 1 to 2 ms against 0.18 to
    # 0.3 s). A wider outline is drawn as one-pixel lines side by side, the
    # dashes kept at the length the full width gives them.
    pen = QPen(symbol.stroke, 1.0)
    dashes = _DASHES.get(symbol.stroke_style)
    if dashes is not None:
        pen.setDashPattern([d * width for d in dashes])
    extra = width - 1.0
    steps = np.linspace(-extra / 2.0, extra / 2.0, max(2, math.ceil(extra) + 1))
    for path in paths:
        for dx in steps:
            for dy in steps:
                painter.strokePath(path.translated(float(dx), float(dy)), pen)


def scale_text(denominator: float) -> str:
    """A scale as the surveyors write it: 1:2,500 (rounded to 2-3 significant digits)."""
    if not math.isfinite(denominator) or denominator <= 0:
        return "—"
    digits = max(0, math.floor(math.log10(denominator)) - 1)
    rounded = round(denominator / 10**digits) * 10**digits
    return f"1:{int(rounded):,}"
