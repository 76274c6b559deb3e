"""Boundary points (界址点) of a parcel: numbering, edges and the 界址点成果表 rows.

The numbering follows parcel-report.md §1.4, as CCTool's `ReshotMapPoint` and the
field-survey app's `DxfZdt` implement it:

- per parcel, J1, J2, ... with no gaps;
- each part's outer ring runs clockwise and starts at its north-west vertex, the
  vertex nearest the upper-left corner (xmin, ymax) of that ring's bounding box;
  a tie goes to the northernmost, then the westernmost vertex;
- the holes of a part follow their outer ring, each counter-clockwise from its
  own north-west vertex, holes ordered north-west first as parts are;
- a multipart parcel numbers its parts in turn, north-west part first: parts are
  ordered by the distance of their bounding box's upper-left corner to the
  upper-left corner of the whole parcel's bounding box (ties: north, then west).

Coordinates stay in the project CRS as stored: a table row's X is the northing and
its Y the easting, as surveyors write them (EPSG:4523/4524 eastings carry the zone
prefix, EPSG:4544/4545 do not).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely


@dataclass(frozen=True)
class Ring:
    """One numbered ring: `coords` (n, 2) easting/northing without the closing repeat."""

    part: int  # 0-based, in numbering order
    hole: int  # 0 for the outer ring, 1.. for holes in numbering order
    first_number: int  # the J number of coords[0]
    coords: np.ndarray

    @property
    def names(self) -> list[str]:
        return [f"J{self.first_number + i}" for i in range(len(self.coords))]

    @property
    def lengths(self) -> np.ndarray:
        """Length of the edge from each point to the next (the last closes the ring)."""
        nxt = np.roll(self.coords, -1, axis=0)
        return np.hypot(*(nxt - self.coords).T)


@dataclass(frozen=True)
class TableRow:
    """One row of the 界址点成果表: the point, X (northing), Y (easting), length to next."""

    point: str
    x: float
    y: float
    to_next: float | None  # None on the closing row that repeats the ring's first point


def _signed_area(xy: np.ndarray) -> float:
    x, y = xy[:, 0], xy[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def _clean_ring(ring: object) -> np.ndarray:
    """A ring's vertices without the closing repeat and without repeated points."""
    xy = shapely.get_coordinates(shapely.remove_repeated_points(ring))
    if len(xy) > 1 and np.array_equal(xy[0], xy[-1]):
        xy = xy[:-1]
    return xy


def nw_index(xy: np.ndarray) -> int:
    """The index of the vertex nearest the (xmin, ymax) corner of the ring's bounding box."""
    corner = np.array([xy[:, 0].min(), xy[:, 1].max()])
    d = np.hypot(xy[:, 0] - corner[0], xy[:, 1] - corner[1])
    # exact ties: northernmost, then westernmost, then first in ring order
    return int(np.lexsort((np.arange(len(xy)), xy[:, 0], -xy[:, 1], d))[0])


def _start_at_nw(xy: np.ndarray, clockwise: bool) -> np.ndarray:
    if (_signed_area(xy) < 0) != clockwise:
        xy = xy[::-1]
    return np.roll(xy, -nw_index(xy), axis=0)


def _nw_order(bounds: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """Order of boxes (n, 4) by their upper-left corner's distance to `whole`'s."""
    d = np.hypot(bounds[:, 0] - whole[0], bounds[:, 3] - whole[3])
    return np.lexsort((bounds[:, 0], -bounds[:, 3], d))


def number_points(geometry: object) -> list[Ring]:
    """The parcel's rings in numbering order, each starting at its J number.

    An empty or missing geometry has no points. Degenerate rings (fewer than
    three distinct vertices) are left out: they have no boundary to mark.
    """
    if geometry is None or shapely.is_empty(geometry):
        return []
    parts = shapely.get_parts(geometry)
    parts = parts[shapely.get_type_id(parts) == 3]  # polygons only
    if not len(parts):
        return []
    whole = shapely.bounds(geometry)
    parts = parts[_nw_order(shapely.bounds(parts), whole)]
    rings: list[Ring] = []
    number = 1
    for p, part in enumerate(parts):
        outer = _clean_ring(shapely.get_exterior_ring(part))
        if len(outer) < 3:
            continue
        outer = _start_at_nw(outer, clockwise=True)
        rings.append(Ring(p, 0, number, outer))
        number += len(outer)
        holes = shapely.get_interior_ring(part, np.arange(shapely.get_num_interior_rings(part)))
        if len(holes):
            holes = holes[_nw_order(shapely.bounds(holes), shapely.bounds(part))]
        for h, hole in enumerate(holes, start=1):
            xy = _clean_ring(hole)
            if len(xy) < 3:
                continue
            xy = _start_at_nw(xy, clockwise=False)
            rings.append(Ring(p, h, number, xy))
            number += len(xy)
    return rings


def point_table(rings: list[Ring]) -> list[TableRow]:
    """The 界址点成果表 rows: each ring's points, then its first point again to close it."""
    rows: list[TableRow] = []
    for ring in rings:
        names, lengths = ring.names, ring.lengths
        for i, (e, n) in enumerate(ring.coords):
            rows.append(TableRow(names[i], float(n), float(e), float(lengths[i])))
        e, n = ring.coords[0]
        rows.append(TableRow(names[0], float(n), float(e), None))
    return rows


def fmt_coord(value: float) -> str:
    """A coordinate to 0.001 m, as the table prints it."""
    return f"{value:.3f}"


def fmt_length(value: float) -> str:
    """An edge length to 0.01 m."""
    return f"{value:.2f}"
