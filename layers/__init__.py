"""What is drawn: map layers over the project store, their symbology, and a renderer.

QtCore and QtGui only (never QtWidgets, never `ui`), so the same drawing code
serves the screen, images and PDF reports; tests/test_architecture.py holds
that line.
"""

import layers.none_guard  # noqa: F401  (first: PySide6 6.12 on Python 3.11, see there)
from layers.renderer import MapRenderer, RenderStats, ViewTransform, polygons_to_path, scale_text
from layers.source import GpkgLayer, map_layers
from layers.style import (
    STATUS_COLORS,
    LabelStyle,
    LayerStyle,
    Symbol,
    building_style,
    cjk_font_family,
    default_style,
    parcel_style,
    village_style,
)
from layers.vector_layer import (
    STORE_LAYERS,
    Extent,
    Features,
    MapLayer,
    RenderCancelled,
    VectorLayer,
    load_layers,
    union_extent,
)

__all__ = [
    "STATUS_COLORS",
    "STORE_LAYERS",
    "Extent",
    "Features",
    "GpkgLayer",
    "LabelStyle",
    "LayerStyle",
    "MapLayer",
    "MapRenderer",
    "RenderCancelled",
    "RenderStats",
    "Symbol",
    "VectorLayer",
    "ViewTransform",
    "building_style",
    "cjk_font_family",
    "default_style",
    "load_layers",
    "map_layers",
    "parcel_style",
    "polygons_to_path",
    "scale_text",
    "union_extent",
    "village_style",
]
