"""Map layers as the renderer sees them, and one held wholly in memory.

The renderer asks a layer for the `Features` that meet an extent and are at
least a given size, and for label points of the few it labels; nothing here
draws. `VectorLayer` holds its features in memory with an STRtree (previews,
tests, small layers); `layers.source.GpkgLayer` reads a project's layer by
extent through the GeoPackage R-tree (the map of a district).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import shapely

from layers.style import LayerStyle, default_style
from qjgis.store import LayerData, ProjectStore

Extent = tuple[float, float, float, float]

# Store layers in drawing order, bottom first. Their display names are worded
# in ui/texts.py with every other name the user reads.
STORE_LAYERS: tuple[str, ...] = ("villages", "parcels", "buildings")

#: Features handled per call of shapely or Qt during a rendering. Most of those
#: calls hold the GIL, and PySide holds it through every Qt call, so a longer
#: call on the render thread would stall the GUI thread (shapely.from_wkb on
#: 100,000 polygons: 0.3 s): batches keep each call to a few milliseconds.
BATCH_FEATURES = 2000

#: Asked between steps of a rendering: True when a newer request made it pointless.
Cancel = Callable[[], bool]


class RenderCancelled(Exception):
    """A rendering stopped because its result is no longer wanted."""


@dataclass
class Features:
    """The features of one layer that one rendering draws, row-aligned, in fid order."""

    fids: np.ndarray
    geometry: np.ndarray  # oriented polygons: exteriors counter-clockwise
    bounds: np.ndarray  # (n, 4) exact bounds
    categories: np.ndarray  # the style's symbol index
    attrs: Mapping[str, np.ndarray]  # the style's columns, for label texts

    def __len__(self) -> int:
        return len(self.fids)

    def take(self, rows: np.ndarray) -> Features:
        return Features(
            self.fids[rows],
            self.geometry[rows],
            self.bounds[rows],
            self.categories[rows],
            {k: v[rows] for k, v in self.attrs.items()},
        )


class MapLayer(Protocol):
    """What the renderer needs of a layer."""

    name: str
    visible: bool

    @property
    def style(self) -> LayerStyle: ...

    def extent(self) -> Extent | None: ...

    def features(self, extent: Extent, min_size: float, cancel: Cancel | None = None) -> Features:
        """Features whose bounds meet `extent` and are at least `min_size` wide or high."""
        ...

    def label_points(self, fids: np.ndarray, geometry: np.ndarray) -> np.ndarray:
        """(n, 2) points inside each of these features, where their labels go."""
        ...

    def invalidate(self) -> None:
        """Forget what was read: the project changed."""
        ...

    def by_fids(self, fids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(fids, geometries) of the present features among `fids`, in fid order."""
        ...

    def in_box(self, extent: Extent) -> tuple[np.ndarray, np.ndarray]:
        """(fids, geometries) of every feature whose bounds meet `extent`, at full detail."""
        ...


class LabelPointCache:
    """point_on_surface per fid, computed for the features labelled and kept (bounded)."""

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self._points: dict[int, tuple[float, float]] = {}

    def get(self, fids: np.ndarray, geometry: np.ndarray) -> np.ndarray:
        out = np.full((len(fids), 2), np.nan)
        known = self._points
        missing = []
        for i, fid in enumerate(fids.tolist()):
            pt = known.get(fid)
            if pt is None:
                missing.append(i)
            else:
                out[i] = pt
        for start in range(0, len(missing), BATCH_FEATURES):
            rows = np.asarray(missing[start : start + BATCH_FEATURES], dtype=np.int64)
            geoms = geometry[rows]
            ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
            if ok.any():
                out[rows[ok]] = shapely.get_coordinates(shapely.point_on_surface(geoms[ok]))
            if len(known) + len(rows) > self.limit:
                known.clear()
            for fid, pt in zip(fids[rows].tolist(), out[rows].tolist(), strict=True):
                known[fid] = (pt[0], pt[1])
        return out

    def clear(self) -> None:
        self._points.clear()


class VectorLayer:
    """Features of one layer: fids, oriented geometries, attributes, bounds, a spatial index."""

    def __init__(
        self,
        name: str,
        data: LayerData,
        style: LayerStyle | None = None,
        *,
        visible: bool = True,
    ) -> None:
        self.name = name
        self.visible = visible
        self.fids = np.asarray(data.fids, dtype=np.int64)
        geoms = np.asarray(data.geometry, dtype=object)
        present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        # Exterior rings counter-clockwise and holes clockwise: then one path per
        # category with the winding fill rule keeps holes open, and overlapping
        # features (a finding in their own right) still both look filled.
        oriented = geoms.copy()
        if present.any():
            oriented[present] = shapely.orient_polygons(geoms[present])
        self.geometry = oriented
        self.present = present
        self.attrs: dict[str, np.ndarray] = dict(data.attrs)
        self.bounds = np.full((len(geoms), 4), np.nan)
        if present.any():
            self.bounds[present] = shapely.bounds(oriented[present])
        self._tree = shapely.STRtree(oriented)
        self._label_points: np.ndarray | None = None
        self._style = style or default_style(name)
        self._categories: np.ndarray | None = None
        self._labels: np.ndarray | None = None
        self._point_cache = LabelPointCache()

    # ------------------------------------------------------------ construction
    @classmethod
    def from_store(
        cls,
        store: ProjectStore,
        name: str,
        style: LayerStyle | None = None,
        *,
        visible: bool = True,
    ) -> VectorLayer:
        """Read a store layer with just the columns the style needs."""
        style = style or default_style(name)
        data = store.read_layer(name, columns=list(style.all_columns))
        return cls(name, data, style, visible=visible)

    @classmethod
    def from_arrays(
        cls,
        name: str,
        geometry: Sequence[Any] | np.ndarray,
        attrs: Mapping[str, Any] | None = None,
        style: LayerStyle | None = None,
    ) -> VectorLayer:
        """A layer from plain arrays (previews, tests); fids are 1..n."""
        geoms = np.asarray(geometry, dtype=object)
        data = LayerData(
            fids=np.arange(1, len(geoms) + 1, dtype=np.int64),
            geometry=geoms,
            attrs={k: np.asarray(v, dtype=object) for k, v in (attrs or {}).items()},
        )
        return cls(name, data, style)

    # ------------------------------------------------------------ description
    @property
    def style(self) -> LayerStyle:
        return self._style

    @style.setter
    def style(self, style: LayerStyle) -> None:
        self._style = style
        self._categories = None
        self._labels = None
        self._point_cache.clear()

    def __len__(self) -> int:
        return len(self.fids)

    def extent(self) -> Extent | None:
        if not self.present.any():
            return None
        b = self.bounds[self.present]
        return (
            float(b[:, 0].min()),
            float(b[:, 1].min()),
            float(b[:, 2].max()),
            float(b[:, 3].max()),
        )

    # ------------------------------------------------------------ what the renderer asks
    def query(self, extent: Extent) -> np.ndarray:
        """Sorted indices of the features whose bounding box meets `extent`."""
        hits = self._tree.query(shapely.box(*extent))
        return np.sort(np.asarray(hits, dtype=np.int64))

    def features(self, extent: Extent, min_size: float, cancel: Cancel | None = None) -> Features:
        idx = self.query(extent)
        b = self.bounds[idx]
        idx = idx[np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]) >= min_size]
        return Features(
            self.fids[idx],
            self.geometry[idx],
            self.bounds[idx],
            self.categories[idx],
            {c: self.attrs[c][idx] for c in self._style.all_columns if c in self.attrs},
        )

    def label_points(self, fids: np.ndarray, geometry: np.ndarray) -> np.ndarray:
        return self._point_cache.get(fids, geometry)

    def invalidate(self) -> None:
        """Arrays in memory do not change under the layer; nothing to forget."""

    def by_fids(self, fids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        wanted = np.asarray(fids, dtype=np.int64)
        hit = np.flatnonzero(np.isin(self.fids, wanted) & self.present)
        hit = hit[np.argsort(self.fids[hit], kind="stable")]
        return self.fids[hit], self.geometry[hit]

    def in_box(self, extent: Extent) -> tuple[np.ndarray, np.ndarray]:
        idx = self.query(extent)
        idx = idx[self.present[idx]]
        return self.fids[idx], self.geometry[idx]

    @property
    def categories(self) -> np.ndarray:
        """The style's symbol index of every feature (computed once per style)."""
        if self._categories is None:
            self._categories = np.asarray(
                self._style.classify(self.attrs, len(self)), dtype=np.int64
            )
        return self._categories

    @property
    def label_texts(self) -> np.ndarray:
        """Label text per feature (None: no label); empty strings when unlabelled."""
        if self._labels is None:
            label = self._style.label
            if label is None:
                self._labels = np.full(len(self), None, dtype=object)
            else:
                self._labels = np.asarray(label.text(self.attrs, len(self)), dtype=object)
        return self._labels

    @property
    def all_label_points(self) -> np.ndarray:
        """An (n, 2) array of points inside each feature, where its label goes."""
        if self._label_points is None:
            pts = np.full((len(self), 2), np.nan)
            if self.present.any():
                pts[self.present] = shapely.get_coordinates(
                    shapely.point_on_surface(self.geometry[self.present])
                )
            self._label_points = pts
        return self._label_points


def load_layers(
    store: ProjectStore, names: Sequence[str] | None = None, *, reference: bool = False
) -> list[MapLayer]:
    """The store's map layers in drawing order, read by extent (layers.source.GpkgLayer).

    Nothing but their extents is read here, so a district opens at once; the
    styles carry the scale limits saved in the project. `reference`: with the
    reference layers the project holds (land use, basic farmland ...), for the map.
    """
    from layers.source import map_layers  # source builds on this module

    return list(map_layers(store, tuple(names or STORE_LAYERS), reference=reference))


def union_extent(extents: Sequence[Extent | None]) -> Extent | None:
    boxes = [e for e in extents if e is not None]
    if not boxes:
        return None
    arr = np.asarray(boxes, dtype=float)
    return (
        float(arr[:, 0].min()),
        float(arr[:, 1].min()),
        float(arr[:, 2].max()),
        float(arr[:, 3].max()),
    )
