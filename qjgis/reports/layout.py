"""Where a parcel's neighbours lie (四至) and which scale its map is drawn at.

Both are plain geometry, decided here so that the page drawing in `layers/`
only draws what it is given and tests can check the answers headless.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

#: the 四至 directions in the order the 地籍调查表 prints them, and the import
#: fields (ZDSZD/ZDSZN/ZDSZX/ZDSZB, 宗地四至东/南/西/北) they fall back to
DIRECTIONS: tuple[str, ...] = ("east", "south", "west", "north")
FOUR_TO_FIELDS: dict[str, tuple[str, ...]] = {
    "east": ("ZDSZD", "zdszd", "四至东"),
    "south": ("ZDSZN", "zdszn", "四至南"),
    "west": ("ZDSZX", "zdszx", "四至西"),
    "north": ("ZDSZB", "zdszb", "四至北"),
}

#: the nice scales a 宗地图 steps through, 1:200 first (parcel-report.md §1.5)
NICE_SCALES: tuple[int, ...] = (200, 250, 300, 500, 1000, 2000, 5000, 10000, 25000, 50000)
#: the margin drawn around the parcel on its map, metres (the field app's 5 m buffer)
MAP_BUFFER_M = 5.0


@dataclass(frozen=True)
class Neighbour:
    """A parcel within the tolerance of another, and where it lies from it."""

    index: int  # into the candidate arrays
    direction: str  # east | south | west | north
    distance_m: float


@dataclass(frozen=True)
class FourTo:
    """四至: per direction, the neighbours' labels, or the imported text, or nothing."""

    sides: dict[str, tuple[str, ...]]
    source: dict[str, str]  # per direction: "neighbours" | "imported" | "blank"


def direction_of(dx: float, dy: float) -> str:
    """The quarter (east, south, west, north) a vector points into; diagonals go E/W."""
    angle = math.degrees(math.atan2(dy, dx)) % 360.0
    if angle <= 45.0 or angle >= 315.0:
        return "east"
    if angle < 135.0:
        return "north"
    if angle <= 225.0:
        return "west"
    return "south"


def neighbours(
    geometry: object,
    candidates: np.ndarray,
    tolerance_m: float,
    *,
    exclude: int | None = None,
    tree: shapely.STRtree | None = None,
) -> list[Neighbour]:
    """Candidates within `tolerance_m` of `geometry`, each with its direction.

    The direction is that of the shared stretch: from the parcel's centroid to
    the centroid of the part of the parcel's boundary that lies within the
    tolerance of the neighbour, so a long neighbour along one side is placed on
    that side whatever its own shape.
    """
    if geometry is None or shapely.is_empty(geometry) or not len(candidates):
        return []
    tree = tree or shapely.STRtree(candidates)
    idx = tree.query(geometry, predicate="dwithin", distance=tolerance_m)
    if exclude is not None:
        idx = idx[idx != exclude]
    idx = idx[~shapely.is_missing(candidates[idx]) & ~shapely.is_empty(candidates[idx])]
    if not len(idx):
        return []
    idx = np.sort(idx)
    boundary = shapely.boundary(geometry)
    near = shapely.intersection(boundary, shapely.buffer(candidates[idx], max(tolerance_m, 1e-3)))
    # where the boundary misses the buffer (a point touch), the nearest point stands in
    empty = shapely.is_empty(near)
    if empty.any():
        near[empty] = shapely.shortest_line(boundary, candidates[idx][empty])
    centre = shapely.get_coordinates(shapely.centroid(geometry))[0]
    where = shapely.get_coordinates(shapely.centroid(near))
    dist = shapely.distance(geometry, candidates[idx])
    return [
        Neighbour(int(i), direction_of(*(where[k] - centre)), float(dist[k]))
        for k, i in enumerate(idx)
    ]


def imported_four_to(extra: Mapping[str, Any] | None) -> dict[str, str]:
    """The 四至 texts kept from the import in `extra`, by direction (only non-blank ones)."""
    out: dict[str, str] = {}
    if not extra:
        return out
    for side, names in FOUR_TO_FIELDS.items():
        for name in names:
            value = extra.get(name)
            if value is not None and str(value).strip():
                out[side] = str(value).strip()
                break
    return out


def four_to(found: list[tuple[str, str]], extra: Mapping[str, Any] | None) -> FourTo:
    """四至 from (direction, label) pairs of neighbours, else the imported text, else blank."""
    imported = imported_four_to(extra)
    sides: dict[str, tuple[str, ...]] = {}
    source: dict[str, str] = {}
    for side in DIRECTIONS:
        labels = tuple(dict.fromkeys(label for d, label in found if d == side))
        if labels:
            sides[side], source[side] = labels, "neighbours"
        elif side in imported:
            sides[side], source[side] = (imported[side],), "imported"
        else:
            sides[side], source[side] = (), "blank"
    return FourTo(sides, source)


def choose_scale(
    bounds: tuple[float, float, float, float],
    frame_mm: tuple[float, float],
    *,
    buffer_m: float = MAP_BUFFER_M,
    scales: tuple[int, ...] = NICE_SCALES,
) -> int:
    """The first nice scale at which the parcel plus `buffer_m` fits the map frame.

    Beyond the largest listed scale, the next 1-2-5 step that fits is returned.
    """
    width_m = bounds[2] - bounds[0] + 2 * buffer_m
    height_m = bounds[3] - bounds[1] + 2 * buffer_m
    need = max(width_m * 1000.0 / frame_mm[0], height_m * 1000.0 / frame_mm[1])
    for s in scales:
        if s >= need:
            return s
    step = 10 ** math.floor(math.log10(need))
    for m in (1, 2, 5, 10):
        if m * step >= need:
            return int(m * step)
    return int(10 * step)  # pragma: no cover - the loop always returns
