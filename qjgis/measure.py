"""Measure a distance and an area from points clicked on the map (issue 16, point 9).

Areas are measured in the projected CRS, never in degrees (DESIGN.md,
"Coordinates"): in a projected CRS the figures are planar, converted from the
CRS's axis unit to metres; a geographic CRS (EPSG:4490) is measured on its
ellipsoid with pyproj's geodesic functions instead, so the readout is in m and m²
either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pyproj import CRS, Geod


@dataclass(frozen=True)
class Measurement:
    """Figures of a clicked path, in metres and square metres."""

    points: int
    #: along the path, first point to last
    length: float
    #: the closed ring's perimeter and area (0 with fewer than three points)
    perimeter: float
    area: float
    #: "planar" in a projected CRS, "geodesic" in a geographic one
    method: str


@lru_cache(maxsize=8)
def _crs(crs: str | int) -> tuple[bool, float, Geod | None]:
    c = CRS.from_user_input(crs)
    if c.is_geographic:
        return True, 1.0, c.get_geod()
    return False, float(c.axis_info[0].unit_conversion_factor), None


def _shoelace(x: np.ndarray, y: np.ndarray) -> float:
    # centred first: Gauss-Krüger eastings carry a zone prefix of 36,000,000 m, and the
    # products of such large numbers would lose the area's metres to rounding
    x, y = x - x.mean(), y - y.mean()
    return abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))) / 2.0


def measure(points: Sequence[tuple[float, float]], crs: str | int) -> Measurement:
    """The length of the path through `points` (map coordinates in `crs`) and the
    perimeter and area of the ring they close. A self-crossing ring's area is the
    shoelace sum of its parts, as a surveyor's formula gives it."""
    xy = np.asarray(points, dtype=float).reshape(-1, 2)
    n = len(xy)
    geographic, unit, geod = _crs(crs)
    if n < 2:
        return Measurement(n, 0.0, 0.0, 0.0, "geodesic" if geographic else "planar")
    x, y = xy[:, 0], xy[:, 1]
    if geographic:
        assert geod is not None
        # map coordinates of a geographic project are longitude, latitude (GeoPackage order)
        length = float(geod.line_length(x, y))
        if n < 3:
            return Measurement(n, length, 0.0, 0.0, "geodesic")
        area, perimeter = geod.polygon_area_perimeter(x, y)
        return Measurement(n, length, float(perimeter), abs(float(area)), "geodesic")
    steps = np.hypot(np.diff(x), np.diff(y)) * unit
    length = float(steps.sum())
    if n < 3:
        return Measurement(n, length, 0.0, 0.0, "planar")
    closing = float(np.hypot(x[0] - x[-1], y[0] - y[-1])) * unit
    area = _shoelace(x, y) * unit * unit
    return Measurement(n, length, length + closing, area, "planar")
