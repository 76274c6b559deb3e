"""A highlight layer above the map: the features a finding or a search points at.

A transparent child of the canvas, so the map's cached image is left alone:
only the few highlighted outlines are drawn again when the view moves. It
takes geometry from the canvas's loaded layers by fid (no store access).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPaintEvent, QPen, QTransform
from PySide6.QtWidgets import QWidget

from layers.renderer import ViewTransform, polygons_to_path, polygons_to_paths
from ui.gui.map_canvas import MapCanvas

log = logging.getLogger(__name__)

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


def count_in_view(bounds: dict[str, np.ndarray], extent: tuple[float, ...]) -> int:
    """How many of the groups' bounds meet `extent` (no geometry is touched)."""
    x0, y0, x1, y1 = extent
    return sum(
        int(np.count_nonzero((b[:, 2] >= x0) & (b[:, 0] <= x1) & (b[:, 3] >= y0) & (b[:, 1] <= y1)))
        for b in bounds.values()
    )


#: Above this many outlines around the view their paths are built on a worker thread.
BUILD_ASIDE = 1500
#: outlines per painter path (one Qt call each)
BATCH_OUTLINES = 2000


@dataclass(frozen=True)
class _Built:
    generation: int
    centre: tuple[float, float]
    units_per_pixel: float
    cover: tuple[float, float, float, float]
    paths: dict[str, list[QPainterPath]]


class ViewPaths(QObject):
    """The outline paths of an overlay, built once per view and, when there are many,
    off the GUI thread.

    Building the paths (shapely parts and rings, numpy to QPainterPath) is nearly all of
    an overlay's paint at district scale: 15-110 ms for 11,000 finding outlines on this
    machine, against about 1 ms to draw them. And the window paints an overlay several
    times for one view (a dock that appears lays the window out again, each pass a
    paint). So the paths are kept, in pixels about the view's centre, covering half a view
    more on every side; a resize that keeps the centre and scale reuses them. Above
    `BUILD_ASIDE` outlines a new view's paths are built on a worker thread while the
    last paths are drawn moved and scaled to the new view, as the map canvas does with its
    last frame; `ready` asks for a repaint when they are in.
    """

    ready = Signal()

    def __init__(self, parent: QObject | None = None, *, min_px: float = 0.0) -> None:
        super().__init__(parent)
        # Outlines narrower and lower than this many pixels are left out of a view: at
        # district scale a hundred thousand finding outlines are dots the map already shows.
        self.min_px = min_px
        self._generation = 0  # bumped when the outlines change: older builds are dropped
        self._built: _Built | None = None
        self._asked: tuple[int, tuple[float, float], float] | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._done.connect(self._take, Qt.ConnectionType.QueuedConnection)
        self.builds = 0  # how many times paths were built (tests)

    _done = Signal(object)

    def invalidate(self) -> None:
        self._generation += 1
        self._built = None
        self._asked = None

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def paths(
        self, groups: dict[str, np.ndarray], bounds: dict[str, np.ndarray], view: ViewTransform
    ) -> tuple[dict[str, list[QPainterPath]], QTransform, bool]:
        """Paths per group to draw with the returned painter transform (from pixels about
        the centre of the view they were built for, to this view's pixels), and whether
        many outlines are in view. Empty while the first paths of many are built."""
        upp = view.units_per_pixel
        centre = (view.left + view.width * upp / 2.0, view.top - view.height * upp / 2.0)
        extent = view.extent
        many = count_in_view(bounds, extent) > MANY_OUTLINES
        built = self._built
        if built is None or not self._fits(built, centre, upp, extent):
            cover = _grow(extent)
            ask = (self._generation, centre, upp)
            if count_in_view(bounds, cover) <= BUILD_ASIDE:
                self._built = built = _build(
                    self._generation, groups, bounds, centre, upp, cover, self.min_px
                )
                self.builds += 1
            elif self._asked != ask:
                self._asked = ask
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(1, thread_name_prefix="qjgis-outlines")
                future = self._pool.submit(
                    _build, self._generation, groups, bounds, centre, upp, cover, self.min_px
                )
                future.add_done_callback(self._finished)
        if built is None:
            return {}, QTransform(), many
        k = built.units_per_pixel / upp
        transform = QTransform.fromTranslate(
            view.width / 2.0 + (built.centre[0] - centre[0]) / upp,
            view.height / 2.0 + (centre[1] - built.centre[1]) / upp,
        )
        return built.paths, transform.scale(k, k), many

    @staticmethod
    def _fits(
        built: _Built, centre: tuple[float, float], upp: float, extent: tuple[float, ...]
    ) -> bool:
        c0, c1, c2, c3 = built.cover
        x0, y0, x1, y1 = extent
        same = built.centre == centre and built.units_per_pixel == upp
        return same and c0 <= x0 and c1 <= y0 and x1 <= c2 and y1 <= c3

    def _finished(self, future: Future[_Built]) -> None:  # on the worker thread
        if future.cancelled():
            return
        try:
            built = future.result()
        except Exception:  # a defect: the outlines stay as they were, the log says why
            log.exception("building outline paths failed")
            return
        try:
            self._done.emit(built)
        except RuntimeError:  # the overlay was closed while its paths were built
            log.debug("outline paths built for a closed overlay", exc_info=True)

    def _take(self, built: _Built) -> None:  # on the GUI thread
        if built.generation != self._generation:
            return
        self._built = built
        self.builds += 1
        self.ready.emit()


def _grow(extent: tuple[float, ...]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = extent
    w, h = x1 - x0, y1 - y0
    return (x0 - w / 2, y0 - h / 2, x1 + w / 2, y1 + h / 2)


def _build(
    generation: int,
    groups: dict[str, np.ndarray],
    bounds: dict[str, np.ndarray],
    centre: tuple[float, float],
    upp: float,
    cover: tuple[float, float, float, float],
    min_px: float = 0.0,
) -> _Built:
    """The paths of the outlines meeting `cover`, in pixels about `centre` (any thread),
    leaving out those under `min_px` pixels both ways."""
    if min_px > 0:
        floor = min_px * upp
        big = {
            k: (b[:, 2] - b[:, 0] >= floor) | (b[:, 3] - b[:, 1] >= floor)
            for k, b in bounds.items()
        }
        groups = {k: g[big[k]] for k, g in groups.items()}
        bounds = {k: b[big[k]] for k, b in bounds.items()}
    shown, _ = in_view(groups, bounds, cover)
    about_centre = ViewTransform(centre[0], centre[1], upp, 0.0, 0.0)
    # In runs of BATCH_OUTLINES, as the map's render thread does: PySide holds the GIL
    # through each Qt call, so one path of every outline would keep the GUI thread waiting.
    paths = {
        k: polygons_to_paths(g, about_centre, np.arange(BATCH_OUTLINES, len(g), BATCH_OUTLINES))
        for k, g in shown.items()
    }
    return _Built(generation, centre, upp, cover, paths)


def outline_pen(color: QColor, width: float, many: bool) -> QPen:
    """`width` px, or a one-pixel line when many outlines are in view; cosmetic either way."""
    pen = QPen(color, 0.0 if many else width)
    pen.setCosmetic(True)
    return pen


class HighlightLayer(QWidget):
    #: what is highlighted changed (the 报表 entries follow the selection)
    selectionChanged = Signal()

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
        self.selectionChanged.emit()

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
