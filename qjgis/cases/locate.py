"""Which parcel, and so which household, a building belongs to.

A building's recorded parcel code can be wrong (QJ-R012 finds those), so cases
go by where the footprint lies: the parcel it overlaps most. The parcel's
household is found by DESIGN.md's link rule, the checks' own function
(`joins.link_households`: 户号 first, else any member's normalised ID number,
never a name), fed here with only the register rows a command's parcels can
reach, so that a case and a finding never disagree on whose plot it is.
Homesteads are counted with the checks' predicate (`joins.homestead_mask`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from qjgis import codes, gpkg
from qjgis.checks import joins
from qjgis.model import BuildingStatus
from qjgis.pg.session import bounds_table
from qjgis.store import GpkgStore

if TYPE_CHECKING:
    from qjgis.checks.context import CheckContext

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


def _rows_in(store: GpkgStore, sql: str, values: Sequence[Any]) -> list[tuple[Any, ...]]:
    """`sql` ending in "IN" run over `values` in chunks (SQLite caps the parameters)."""
    out: list[tuple[Any, ...]] = []
    values = list(values)
    for start in range(0, len(values), _CHUNK):
        part = values[start : start + _CHUNK]
        out += store.execute_sql(f"{sql} ({','.join('?' * len(part))})", part)
    return out


def _id_forms(ids: Iterable[Any]) -> list[str]:
    """The forms an ID number may be stored in: as given, normalised (upper-case X,
    18 digits), with a lower-case x, and the 15-digit form of a converted one."""
    out: set[str] = set()
    for raw in ids:
        if not isinstance(raw, str) or not raw.strip():
            continue
        text = raw.strip()
        norm = codes.normalize_id(text)
        out.update((text, norm, norm.lower()))
        if len(norm) == 18 and norm[6:8] == "19" and norm[:17].isdigit():
            out.add(norm[:6] + norm[8:17])
    return sorted(out)


def link_parcels(store: GpkgStore, parcel_fids: Iterable[int]) -> dict[int, str | None]:
    """Parcel fid -> 户号 of its household by the link rule, None where none holds.

    Reads the parcels, their holder rows, and the register rows their 户号 and
    ID numbers can reach (an ID in two households reaches both, and so links
    neither, as in the checks); then `joins.link_households` decides.
    """
    fids = sorted({int(f) for f in parcel_fids})
    if not fids:
        return {}
    parcels = _rows_in(store, "SELECT fid, household_no, holder_id FROM parcels WHERE fid IN", fids)
    holders = _rows_in(
        store,
        "SELECT parcel_fid, id_number, is_primary FROM parcel_holders WHERE parcel_fid IN",
        fids,
    )
    forms = _id_forms([r[2] for r in parcels] + [r[1] for r in holders])
    members = _rows_in(
        store, "SELECT household_no, id_number FROM members WHERE id_number IN", forms
    )
    heads = _rows_in(store, "SELECT household_no, head_id FROM households WHERE head_id IN", forms)
    wanted = {r[1] for r in parcels} | {r[0] for r in members} | {r[0] for r in heads}
    wanted.discard(None)
    register = sorted(
        {
            r[0]
            for r in _rows_in(
                store, "SELECT household_no FROM households WHERE household_no IN", sorted(wanted)
            )
        }
    )
    reg = joins.normalize_keys(np.array(register, dtype=object))
    table = joins.KeyTable.build(reg)
    member_h = table.find(joins.normalize_keys(np.array([r[0] for r in members], dtype=object)))
    head_h = table.find(joins.normalize_keys(np.array([r[0] for r in heads], dtype=object)))
    index = joins.id_index(
        np.array([r[1] for r in members] + [r[1] for r in heads], dtype=object),
        np.concatenate([member_h, head_h]),
    )
    row_of = {int(r[0]): k for k, r in enumerate(parcels)}
    holder_ids = np.array([r[2] for r in parcels], dtype=object)
    primary = index.find(holder_ids)
    co_parcel, co_ids = [], []
    for pf, id_number, is_primary in holders:
        k = row_of.get(int(pf))
        if k is None:
            continue
        if is_primary in (1, True, "1", "true", "是"):
            # The parcel's own holder ID first; its primary holder row where that finds none.
            if primary[k] < 0 and id_number:
                primary[k] = index.find(np.array([id_number], dtype=object))[0]
        else:
            co_parcel.append(k)
            co_ids.append(id_number)
    co_found = index.find(np.array(co_ids, dtype=object))
    link = joins.link_households(
        np.array([r[1] for r in parcels], dtype=object),
        holder_ids,
        table,
        index,
        coholder_parcel=np.array(co_parcel, dtype=np.intp),
        coholder_id=np.array(co_ids, dtype=object),
        resolved=(primary, co_found),
    )
    return {
        int(r[0]): (str(reg[h]) if h >= 0 else None)
        for r, h in zip(parcels, link.household.tolist(), strict=True)
    }


def homestead_parcels(store: GpkgStore, household_no: str) -> list[int]:
    """Fids of the homestead parcels the household holds, by the link rule."""
    ids = [
        r[0]
        for r in store.execute_sql(
            "SELECT id_number FROM members WHERE household_no = ?", [household_no]
        )
    ]
    ids += [
        r[0]
        for r in store.execute_sql(
            "SELECT head_id FROM households WHERE household_no = ?", [household_no]
        )
    ]
    forms = _id_forms(ids)
    candidates = {
        r[0]
        for r in store.execute_sql("SELECT fid FROM parcels WHERE household_no = ?", [household_no])
    }
    candidates |= {
        r[0] for r in _rows_in(store, "SELECT fid FROM parcels WHERE holder_id IN", forms)
    }
    candidates |= {
        r[0]
        for r in _rows_in(store, "SELECT parcel_fid FROM parcel_holders WHERE id_number IN", forms)
    }
    if not candidates:
        return []
    links = link_parcels(store, candidates)
    rows = _rows_in(store, "SELECT fid, yt, disposal FROM parcels WHERE fid IN", sorted(candidates))
    home = joins.homestead_mask(
        np.array([r[1] for r in rows], dtype=object), np.array([r[2] for r in rows], dtype=object)
    )
    return sorted(
        int(r[0])
        for r, h in zip(rows, home.tolist(), strict=True)
        if h and links.get(int(r[0])) == household_no
    )


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
    links: dict[int, str | None] = {}
    if parcels is not None:
        links = link_parcels(store, [int(parcels.fids[k]) for k in p_idx if k >= 0])
    for i, (fid, bdcdyh, status, grade, area) in enumerate(rows):
        k = int(p_idx[i])
        parcel: dict[str, Any] = dict.fromkeys(
            ("parcel_fid", "zddm", "household_no", "village_code", "parcel_area")
        )
        if parcels is not None and k >= 0:
            parcel = {
                "parcel_fid": int(parcels.fids[k]),
                "zddm": parcels.attrs["zddm"][k],
                "household_no": links.get(int(parcels.fids[k])),
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
    """Every standing building that lies on a homestead parcel the household holds."""
    parcel_fids = homestead_parcels(store, household_no)
    if not parcel_fids:
        return []
    boxes = store.execute_sql(
        f"SELECT minx, miny, maxx, maxy FROM {bounds_table(store, 'parcels')} "
        f"WHERE id IN ({','.join('?' * len(parcel_fids))})",
        parcel_fids,
    )
    candidates: set[int] = set()
    for minx, miny, maxx, maxy in boxes:
        data = store.read_layer("buildings", ["status"], bbox=(minx, miny, maxx, maxy))
        candidates.update(int(f) for f in data.fids)
    places = place_buildings(store, sorted(candidates))
    held = set(parcel_fids)
    return [
        p
        for p in places
        if p.parcel_fid in held and (p.status or BuildingStatus.IN_USE) in _STANDING
    ]


def district_buildings(store: GpkgStore, ctx: CheckContext | None = None) -> dict[str, np.ndarray]:
    """Every building with its parcel's household and village, as aligned columns.

    The household is the checks' link (`CheckContext.parcel_household`), and only
    a homestead parcel makes a building its household's house ("homestead").
    `ctx`: the check run's context, when the caller has one (its layers and joins
    are read once per run); otherwise one is made for the project.
    """
    if ctx is None:
        from qjgis.checks.context import CheckContext  # the checks import this module

        ctx = CheckContext(store)
    b, p, k = ctx.buildings, ctx.parcels, ctx.building_parcel
    has = k >= 0
    safe = np.maximum(k, 0)

    def pick(col: str) -> np.ndarray:
        out = np.full(len(b), None, dtype=object)
        if len(p):
            out[has] = p.attrs[col][safe[has]]
        return out

    parcel_fid = np.full(len(b), -1, dtype=np.int64)
    household = np.full(len(b), None, dtype=object)
    homestead = np.zeros(len(b), dtype=bool)
    if len(p):
        parcel_fid[has] = p.fids[safe[has]]
        hh = ctx.parcel_household[safe]
        linked = has & (hh >= 0)
        household[linked] = ctx.household_keys[hh[linked]]
        homestead[has] = ctx.parcel_homestead[safe[has]]
    return {
        "fid": b.fids,
        "bdcdyh": b.attrs["bdcdyh"],
        "status": b.attrs["status"],
        "danger_grade": b.attrs["danger_grade"],
        "parcel_fid": parcel_fid,
        "zddm": pick("zddm"),
        "household_no": household,
        "homestead": homestead,
        "village_code": pick("village_code"),
        "standing": ~np.isin(
            b.attrs["status"].astype(str),
            [BuildingStatus.DEMOLISHED.value, BuildingStatus.RECLAIMED.value],
        ),
    }
