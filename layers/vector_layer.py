"""A map layer over one store layer: geometry and the columns its style needs, in memory.

A district holds a few thousand to a few hundred thousand features; reading
them once and culling with an in-memory STRtree keeps panning free of SQL.
Nothing here draws: the renderer asks a layer which features meet an extent
and gets arrays back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import shapely

from layers.style import LayerStyle, default_style
from qjgis.store import LayerData, ProjectStore

Extent = tuple[float, float, float, float]

# Store layers in drawing order, bottom first. Their display names are worded
# in ui/texts.py with every other name the user reads.
STORE_LAYERS: tuple[str, ...] = ("villages", "parcels", "buildings")


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
    def label_points(self) -> np.ndarray:
        """An (n, 2) array of points inside each feature, where its label goes."""
        if self._label_points is None:
            pts = np.full((len(self), 2), np.nan)
            if self.present.any():
                pts[self.present] = shapely.get_coordinates(
                    shapely.point_on_surface(self.geometry[self.present])
                )
            self._label_points = pts
        return self._label_points


def load_layers(store: ProjectStore, names: Sequence[str] | None = None) -> list[VectorLayer]:
    """The store's map layers in drawing order (villages, parcels, buildings)."""
    wanted = names or STORE_LAYERS
    return [VectorLayer.from_store(store, name) for name in wanted]


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
