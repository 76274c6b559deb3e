"""Which parcel, and so which household, a building belongs to.

A building's recorded parcel code can be wrong (QJ-R012 finds those), so cases
go by where the footprint lies: the parcel it overlaps most, and the 户号 that
parcel records. One vectorised join serves both the whole district (rules) and
the handful of buildings a command touches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from qjgis import gpkg
from qjgis.model import BuildingStatus
from qjgis.store import GpkgStore, LayerData

_STANDING = [s.value for s in BuildingStatus if s.standing]
_CHUNK = 900


def _valid(geoms: np.ndarray) -> np.ndarray:
    geoms = np.asarray(geoms, dtype=object)
    bad = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    if bad.any():
        geoms = geoms.copy()
        geoms[bad] = shapely.make_valid(geoms[bad])
    return geoms


def largest_overlap(buildings: np.ndarray, parcels: np.ndarray) -> np.ndarray:
    """For each building, the index of the parcel it overlaps most, or -1 for none."""
    b, p = _valid(buildings), _valid(parcels)
    out = np.full(len(b), -1, dtype=np.int64)
    if not len(b) or not len(p):
        return out
    tree = shapely.STRtree(p)
    bi, pi = tree.query(b, predicate="intersects")
    if not len(bi):
        return out
    area = shapely.area(shapely.intersection(b[bi], p[pi]))
    keep = area > 0
    bi, pi, area = bi[keep], pi[keep], area[keep]
    # largest area first within each building, ties to the lower parcel index (stable)
    order = np.lexsort((pi, -area, bi))
    bi, pi = bi[order], pi[order]
    first = np.r_[True, bi[1:] != bi[:-1]]
    out[bi[first]] = pi[first]
    return out


@dataclass(frozen=True)
class BuildingPlace:
    fid: int
    bdcdyh: str | None
    status: str | None
    danger_grade: str | None
    footprint_area: float
    geometry: object
    parcel_fid: int | None
    zddm: str | None
    household_no: str | None
    village_code: str | None
    parcel_area: float | None


def _bounds_of(geoms: np.ndarray) -> tuple[float, float, float, float]:
    b = shapely.total_bounds(geoms)
    return float(b[0]), float(b[1]), float(b[2]), float(b[3])


def place_buildings(store: GpkgStore, fids: list[int]) -> list[BuildingPlace]:
    """The named buildings with their parcel and household, read through the R-tree."""
    if not fids:
        return []
    wanted = sorted({int(f) for f in fids})
    rows = []
    for start in range(0, len(wanted), _CHUNK):  # SQLite caps the number of parameters
        part = wanted[start : start + _CHUNK]
        rows += store.execute_sql(
            f"SELECT fid, bdcdyh, status, danger_grade, footprint_area, {gpkg.wkb_sql('geom')} "
            f"FROM buildings WHERE fid IN ({','.join('?' * len(part))}) ORDER BY fid",
            part,
        )
    geoms = gpkg.decode([r[5] for r in rows])
    rows = [r[:5] for r in rows]
    present = ~shapely.is_missing(geoms)
    places: list[BuildingPlace] = []
    p_idx = np.full(len(rows), -1, dtype=np.int64)
    parcels = None
    if present.any():
        parcels = store.read_layer(
            "parcels", ["zddm", "household_no", "village_code"], bbox=_bounds_of(geoms[present])
        )
        p_idx[present] = largest_overlap(geoms[present], parcels.geometry)
    for i, (fid, bdcdyh, status, grade, area) in enumerate(rows):
        k = int(p_idx[i])
        parcel: dict[str, Any] = dict.fromkeys(
            ("parcel_fid", "zddm", "household_no", "village_code", "parcel_area")
        )
        if parcels is not None and k >= 0:
            parcel = {
                "parcel_fid": int(parcels.fids[k]),
                "zddm": parcels.attrs["zddm"][k],
                "household_no": parcels.attrs["household_no"][k],
                "village_code": parcels.attrs["village_code"][k],
                "parcel_area": float(shapely.area(parcels.geometry[k])),
            }
        if area is None:
            area = float(shapely.area(geoms[i])) if present[i] else 0.0
        places.append(
            BuildingPlace(
                fid=int(fid),
                bdcdyh=bdcdyh,
                status=status,
                danger_grade=grade,
                footprint_area=float(area),
                geometry=geoms[i],
                **parcel,
            )
        )
    return places


def household_standing_buildings(store: GpkgStore, household_no: str) -> list[BuildingPlace]:
    """Every standing building that lies on a parcel the household holds."""
    parcel_fids = [
        r[0]
        for r in store.execute_sql(
            "SELECT fid FROM parcels WHERE household_no = ? ORDER BY fid", [household_no]
        )
    ]
    if not parcel_fids:
        return []
    boxes = store.execute_sql(
        "SELECT minx, miny, maxx, maxy FROM rtree_parcels_geom "
        f"WHERE id IN ({','.join('?' * len(parcel_fids))})",
        parcel_fids,
    )
    candidates: set[int] = set()
    for minx, miny, maxx, maxy in boxes:
        data = store.read_layer("buildings", ["status"], bbox=(minx, miny, maxx, maxy))
        candidates.update(int(f) for f in data.fids)
    places = place_buildings(store, sorted(candidates))
    return [
        p
        for p in places
        if p.household_no == household_no and (p.status or BuildingStatus.IN_USE) in _STANDING
    ]


def district_buildings(
    store: GpkgStore, placed: tuple[LayerData, LayerData, np.ndarray] | None = None
) -> dict[str, np.ndarray]:
    """Every building with its parcel's household and village, as aligned columns.

    `placed`: (buildings, parcels, index of the parcel each building overlaps
    most or -1) when the caller has read and joined both layers already, as a
    check run has; the layers need the columns read here.
    """
    if placed is None:
        b = store.read_layer("buildings", ["bdcdyh", "status", "danger_grade"])
        p = store.read_layer("parcels", ["zddm", "household_no", "village_code"])
        k = largest_overlap(b.geometry, p.geometry)
    else:
        b, p, k = placed
    has = k >= 0
    safe = np.maximum(k, 0)

    def pick(col: str) -> np.ndarray:
        out = np.full(len(b), None, dtype=object)
        if len(p):
            out[has] = p.attrs[col][safe[has]]
        return out

    parcel_fid = np.full(len(b), -1, dtype=np.int64)
    if len(p):
        parcel_fid[has] = p.fids[safe[has]]
    return {
        "fid": b.fids,
        "bdcdyh": b.attrs["bdcdyh"],
        "status": b.attrs["status"],
        "danger_grade": b.attrs["danger_grade"],
        "parcel_fid": parcel_fid,
        "zddm": pick("zddm"),
        "household_no": pick("household_no"),
        "village_code": pick("village_code"),
        "standing": ~np.isin(
            b.attrs["status"].astype(str),
            [BuildingStatus.DEMOLISHED.value, BuildingStatus.RECLAIMED.value],
        ),
    }
