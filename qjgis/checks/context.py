"""What every rule reads: the project's layers as arrays, and the joins, computed once.

The rules of one run share a `CheckContext`. Each attribute below is computed
on first use and cached, so a run of one rule pays only for what that rule
reads, and a run of all rules pays once for each join.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from typing import Any

import numpy as np
import shapely

from qjgis.checks import joins
from qjgis.codes import strip_text
from qjgis.errors import QjgisError
from qjgis.feedback import Feedback, NullFeedback, check_canceled
from qjgis.model import BuildingStatus, LandType
from qjgis.settings import ProjectSettings
from qjgis.store import GpkgStore, LayerData

#: Geometry status codes (`parcel_status`, `building_status`); the reason codes rules report.
GEOM_OK = 0
GEOM_EMPTY = 1  # missing or empty: nothing to measure
GEOM_REPAIRED = 2  # invalid as stored; measured after `make_valid`
GEOM_ZERO_AREA = 3  # a polygon with no area (collapsed), even after repair

GEOMETRY_REASONS = {
    GEOM_EMPTY: "empty_geometry",
    GEOM_REPAIRED: "invalid_geometry",
    GEOM_ZERO_AREA: "zero_area",
}

PARCEL_COLUMNS = (
    "zddm", "village_code", "yt", "land_type", "zdmj", "pzmj", "acquired", "acquisition_mode",
    "approval_no", "approval_date", "must_demolish_old", "demolition_deadline", "disposal",
    "disposal_deadline", "holder_id", "household_no",
)  # fmt: skip
BUILDING_COLUMNS = ("bdcdyh", "zddm", "status", "year_built", "danger_grade")
HOUSEHOLD_COLUMNS = (
    "household_no", "village_code", "head_id", "split_status", "lives_in_village",
    "declared_size",
)  # fmt: skip
MEMBER_COLUMNS = ("household_no", "seq", "id_number", "joined_on", "left_on")
HOLDER_COLUMNS = ("parcel_fid", "id_number", "is_primary")
VILLAGE_COLUMNS = ("code", "name", "town_code")
#: Every table the rules read, with its columns and whether its geometry is read.
LOAD_PLAN: dict[str, tuple[tuple[str, ...], bool]] = {
    "parcels": (PARCEL_COLUMNS, True),
    "buildings": (BUILDING_COLUMNS, True),
    "villages": (VILLAGE_COLUMNS, True),
    "households": (HOUSEHOLD_COLUMNS, False),
    "members": (MEMBER_COLUMNS, False),
    "parcel_holders": (HOLDER_COLUMNS, False),
}

# What `CheckContext.preload` computes on each side: the two lists share nothing.
_SPATIAL_SIDE = (
    "_parcel_clean", "_building_clean", "parcel_tree", "building_join", "parcel_village",
    "neighbours", "building_keys",
)  # fmt: skip
_REGISTER_SIDE = (
    "member_ids", "member_household", "id_index", "household_size", "_resolved_holders",
    "parcel_link", "parcel_keys", "parcel_code_table",
)  # fmt: skip

_NOT_STANDING = np.array([BuildingStatus.DEMOLISHED.value, BuildingStatus.RECLAIMED.value])


class CheckContext:
    """The project's data for one run of the checks, as numpy and shapely arrays.

    Public, set at construction (inputs checked first: every spatial layer in
    the project CRS, which must be projected):

    - `store`, `settings` (a `ProjectSettings` snapshot), `as_of` (`datetime.date`,
      the date deadlines are judged on), `crs` (the project CRS, "EPSG:n").

    Computed on first use and cached (row order is the layer's fid order):

    - `parcels`, `buildings`, `villages`: `LayerData` (fids, geometry, attrs).
    - `households`, `members`, `holders`: attribute tables as column dicts
      (`holders` is `parcel_holders`).
    - `parcel_geom`, `building_geom`: geometries fit for GEOS (invalid ones
      repaired, unusable ones None); `parcel_status`, `building_status`: a
      `GEOM_*` code per row; `parcel_usable`, `building_usable`: status is
      OK or REPAIRED.
    - `parcel_area`: computed area in m² (NaN where unusable); `parcel_tree`:
      STRtree over `parcel_geom`.
    - `parcel_keys`, `building_keys`: business keys (宗地代码 / 不动产单元代码,
      "#k" appended for the k-th row sharing a code in fid order, "fid:N" where
      the code is missing); `household_keys` (户号), `member_key(i)` ("户号/seq").
    - `building_join`: `joins.BuildingParcelJoin` (shares and every overlap);
      `building_parcel`: index of the parcel each building overlaps most, -1 if none.
    - `parcel_village`: index of the village polygon holding a point inside the
      parcel (-1 if none); `parcel_village_code`: that village's code or None.
    - `id_index`: normalised ID number -> household index (members and heads).
    - `parcel_link`: `joins.HouseholdLink` by the link rule (户号 first, else
      the holder's or co-holders' ID number); `parcel_household`: its index
      array (-1 if unlinked).
    - `parcel_homestead`: True for homestead parcels (use 0702 or unrecorded,
      not reclaimed 已复垦).
    - `household_size`: persons per household on the as-of date (members present,
      or the recorded 家庭人口 where only the head is listed); `household_parcels`:
      (order, start) grouping homestead parcel indexes by household.
    - `neighbours`: `joins.NeighbourPairs` within max(check.neighbour_tolerance_m,
      check.sliver_width_m).
    - `parcel_dates(column)`, `flag(column)`: typed views of date and boolean
      columns; `building_standing`: status is not demolished or reclaimed.
    - `parcel_finding_village`, `household_village`: the village code a
      finding about the row is counted under.
    """

    def __init__(
        self,
        store: GpkgStore,
        *,
        as_of: dt.date | None = None,
        settings: ProjectSettings | None = None,
        threads: int | None = None,
    ) -> None:
        self.store = store
        self.settings = settings or store.settings()
        self.as_of = as_of or dt.date.today()
        self.threads = threads
        self.crs = self.settings.crs
        self.layer_crs = self._layer_crs()
        for layer, crs in self.layer_crs.items():
            joins.check_crs(layer, crs, "project", self.crs, projected=True)

    def _layer_crs(self) -> dict[str, str | None]:
        rows = self.store.execute_sql(
            "SELECT g.table_name, s.organization, s.organization_coordsys_id "
            "FROM gpkg_geometry_columns g LEFT JOIN gpkg_spatial_ref_sys s "
            "ON s.srs_id = g.srs_id"
        )
        out: dict[str, str | None] = {}
        for table, org, code in rows:
            if table in ("parcels", "buildings", "villages"):
                known = org is not None and str(org).upper() == "EPSG"
                out[table] = f"EPSG:{code}" if known else None
        return out

    # ------------------------------------------------------------ a full run's loading
    def preload(self, feedback: Feedback | None = None) -> None:
        """Read every layer and compute the shared joins and keys, using both cores.

        For a run of all the rules (`evaluate`), which reads all of it anyway:
        the layers and tables are read two at a time (`GpkgStore.scan_many`);
        then the register side (ID index, household links, keys: numpy) runs on
        a second thread while this one repairs the geometry and joins it (GEOS).
        Neither side reads what the other computes, and both spend much of
        their time outside the GIL. Nothing is computed that a full run would
        not compute anyway. `feedback` hears progress and is asked about
        cancellation between the steps of this thread (raises `Canceled`).
        """
        fb = feedback or NullFeedback()
        fb.set_progress(0.0, "context")
        tables = self.store.scan_many(
            LOAD_PLAN, threads=2 if self.threads is None else max(1, self.threads)
        )
        for name in ("parcels", "buildings", "villages"):
            self.__dict__.setdefault(name, tables[name])
        for name, table in (("households", "households"), ("members", "members")):
            self.__dict__.setdefault(name, TableColumns(tables[table]))
        self.__dict__.setdefault("holders", TableColumns(tables["parcel_holders"]))

        def register_side() -> None:
            for name in _REGISTER_SIDE:
                check_canceled(fb)  # is_canceled is safe from any thread; progress is not
                getattr(self, name)

        fb.set_progress(0.3, "context")

        def spatial_side() -> None:
            for k, name in enumerate(_SPATIAL_SIDE):
                check_canceled(fb)
                getattr(self, name)
                fb.set_progress(0.3 + 0.7 * (k + 1) / len(_SPATIAL_SIDE), "context")

        if self.threads == 1:  # asked to stay on one thread
            register_side()
            spatial_side()
            return
        with ThreadPoolExecutor(max_workers=1) as pool:
            side = pool.submit(register_side)
            try:
                spatial_side()
            finally:
                side.result()

    # ------------------------------------------------------------ layers and tables
    # Only the columns the rules read: an imported layer's `extra` JSON and names
    # would cost reading time and memory for nothing.
    @cached_property
    def parcels(self) -> LayerData:
        return self.store.scan("parcels", PARCEL_COLUMNS, geometry=True)

    @cached_property
    def buildings(self) -> LayerData:
        return self.store.scan("buildings", BUILDING_COLUMNS, geometry=True)

    @cached_property
    def villages(self) -> LayerData:
        return self.store.scan("villages", VILLAGE_COLUMNS, geometry=True)

    @cached_property
    def households(self) -> TableColumns:
        return TableColumns(self.store.scan("households", HOUSEHOLD_COLUMNS))

    @cached_property
    def members(self) -> TableColumns:
        return TableColumns(self.store.scan("members", MEMBER_COLUMNS))

    @cached_property
    def holders(self) -> TableColumns:
        return TableColumns(self.store.scan("parcel_holders", HOLDER_COLUMNS))

    def _data(self, layer: str) -> LayerData:
        source: LayerData | TableColumns = getattr(self, layer)
        return source.data if isinstance(source, TableColumns) else source

    def raw_text(self, layer: str, column: str) -> np.ndarray:
        """A text column as fixed-width unicode, untrimmed, missing as "" (cached).

        Codes, 户号 and ID numbers are compared, validated and keyed by several
        rules; a scan reads them so already, otherwise a few million Python
        strings are converted once per column.
        """
        cache: dict[tuple[str, str], np.ndarray] = self.__dict__.setdefault("_raw_cache", {})
        if (layer, column) not in cache:
            data = self._data(layer)
            text = data.text.get(column)
            cache[(layer, column)] = joins.as_text(data.attrs[column]) if text is None else text
        return cache[(layer, column)]

    def text(self, layer: str, column: str) -> np.ndarray:
        """A text column trimmed, missing as "" (cached: several rules compare the same)."""
        cache: dict[tuple[str, str], np.ndarray] = self.__dict__.setdefault("_text_cache", {})
        if (layer, column) not in cache:
            cache[(layer, column)] = joins.normalize_keys(self._key_text(layer, column))
        return cache[(layer, column)]

    def _key_text(self, layer: str, column: str) -> np.ndarray:
        """`raw_text` as the key normalisers read an object column: NaN's "nan" as ""."""
        raw = self.raw_text(layer, column)
        nan = raw == "nan"
        return np.where(nan, "", raw) if nan.any() else raw

    @cached_property
    def member_ids(self) -> np.ndarray:
        """Members' ID numbers normalised (`joins.normalize_ids`)."""
        return joins.normalize_ids(self._key_text("members", "id_number"))

    # ------------------------------------------------------------ geometry fit for GEOS
    @cached_property
    def _parcel_clean(self) -> tuple[np.ndarray, np.ndarray]:
        return sanitise(self.parcels.geometry, threads=self.threads)

    @cached_property
    def _building_clean(self) -> tuple[np.ndarray, np.ndarray]:
        return sanitise(self.buildings.geometry, threads=self.threads)

    @property
    def parcel_geom(self) -> np.ndarray:
        return self._parcel_clean[0]

    @property
    def parcel_status(self) -> np.ndarray:
        return self._parcel_clean[1]

    @property
    def building_geom(self) -> np.ndarray:
        return self._building_clean[0]

    @property
    def building_status(self) -> np.ndarray:
        return self._building_clean[1]

    @cached_property
    def parcel_usable(self) -> np.ndarray:
        return np.isin(self.parcel_status, (GEOM_OK, GEOM_REPAIRED))

    @cached_property
    def building_usable(self) -> np.ndarray:
        return np.isin(self.building_status, (GEOM_OK, GEOM_REPAIRED))

    @cached_property
    def parcel_area(self) -> np.ndarray:
        area = shapely.area(self.parcel_geom)
        return np.where(self.parcel_usable, area, np.nan)

    @cached_property
    def parcel_tree(self) -> shapely.STRtree:
        return shapely.STRtree(self.parcel_geom)

    # ------------------------------------------------------------ keys
    @cached_property
    def parcel_keys(self) -> np.ndarray:
        return unique_keys(self.raw_text("parcels", "zddm"), self.parcels.fids)

    @cached_property
    def building_keys(self) -> np.ndarray:
        return unique_keys(self.raw_text("buildings", "bdcdyh"), self.buildings.fids)

    @cached_property
    def household_keys(self) -> np.ndarray:
        return self.text("households", "household_no").astype(object)

    @cached_property
    def member_household(self) -> np.ndarray:
        """Index of each member's household (-1 if its 户号 is not in the register)."""
        return self.household_table.find(self.text("members", "household_no"))

    @cached_property
    def household_table(self) -> joins.KeyTable:
        """户号 (trimmed) -> the first household row holding it."""
        return joins.KeyTable.build(self.text("households", "household_no"))

    @cached_property
    def parcel_code_table(self) -> joins.KeyTable:
        """宗地代码 (trimmed) -> the first parcel row holding it."""
        return joins.KeyTable.build(self.text("parcels", "zddm"))

    def member_key(self, i: int) -> str:
        """Member row i's key, "户号/seq" (only findings need it: a few rows, not millions)."""
        seq = self.members["seq"][i]
        return f"{self.text('members', 'household_no')[i]}/{'' if seq is None else seq}"

    # ------------------------------------------------------------ spatial joins
    @cached_property
    def building_join(self) -> joins.BuildingParcelJoin:
        return joins.building_parcel(
            self.building_geom,
            self.parcel_geom,
            tree=self.parcel_tree,
            threads=self.threads,
            crs=self.layer_crs.get("buildings"),
            parcels_crs=self.layer_crs.get("parcels"),
        )

    @property
    def building_parcel(self) -> np.ndarray:
        return self.building_join.parcel

    @cached_property
    def village_geom(self) -> np.ndarray:
        return sanitise(self.villages.geometry)[0]

    @cached_property
    def parcel_village(self) -> np.ndarray:
        return joins.polygon_of_point(
            self.parcel_geom,
            self.village_geom,
            threads=self.threads,
            crs=self.layer_crs.get("parcels"),
            polygons_crs=self.layer_crs.get("villages"),
        )

    @cached_property
    def village_codes(self) -> np.ndarray:
        return self.text("villages", "code").astype(object)

    @cached_property
    def parcel_village_code(self) -> np.ndarray:
        out = np.full(len(self.parcels), None, dtype=object)
        inside = self.parcel_village >= 0
        out[inside] = self.village_codes[self.parcel_village[inside]]
        return out

    @cached_property
    def neighbours(self) -> joins.NeighbourPairs:
        s = self.settings
        tolerance = max(float(s["check.neighbour_tolerance_m"]), float(s["check.sliver_width_m"]))
        return joins.neighbour_pairs(
            self.parcel_geom,
            tolerance,
            tree=self.parcel_tree,
            threads=self.threads,
            crs=self.layer_crs.get("parcels"),
        )

    # ------------------------------------------------------------ households
    @cached_property
    def id_index(self) -> joins.IdIndex:
        h = self.households
        heads = joins.normalize_ids(self._key_text("households", "head_id"))
        ids = np.concatenate([self.member_ids, heads])
        household = np.concatenate([self.member_household, np.arange(len(h["fid"]))])
        return joins.id_index(ids, household, normalized=True)

    @cached_property
    def _holder_rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """parcel_holders rows as (parcel index, ID number, is primary), orphans dropped."""
        h = self.holders
        fids = self.parcels.fids
        if not len(h["fid"]) or not len(fids):
            return np.empty(0, np.intp), np.empty(0, str), np.empty(0, bool)
        pf = np.asarray(h["parcel_fid"], dtype=object)
        pf = np.where(pf == None, -1, pf).astype(np.int64)  # noqa: E711
        pos = joins.search_sorted(fids, pf)  # fids are read in order
        ok = fids[pos] == pf
        ids = self._key_text("holders", "id_number")
        return pos[ok].astype(np.intp), ids[ok], to_flags(h["is_primary"])[ok]

    @property
    def _coholders(self) -> tuple[np.ndarray, np.ndarray]:
        """Co-holder rows of parcel_holders as (parcel index, ID number)."""
        parcel, ids, primary = self._holder_rows
        return parcel[~primary], ids[~primary]

    @cached_property
    def _resolved_holders(self) -> tuple[np.ndarray, np.ndarray]:
        """Household index of each parcel's holder ID and of each co-holder row's ID.

        The holder's ID is the parcel's own column, else its primary parcel_holders row.
        """
        primary = self.id_index.find(self._key_text("parcels", "holder_id"))
        parcel, ids, is_primary = self._holder_rows
        rows = np.flatnonzero(is_primary)
        if len(rows):
            found = self.id_index.find(ids[rows])
            fill = (primary[parcel[rows]] < 0) & (found >= 0)
            primary[parcel[rows][fill]] = found[fill]
        return primary, self.id_index.find(ids[~is_primary])

    @cached_property
    def holder_households(self) -> tuple[np.ndarray, np.ndarray]:
        """Every (parcel index, household index) a holder or co-holder's ID number points to."""
        n = len(self.parcels)
        primary, co = self._resolved_holders
        parcel = np.concatenate([np.arange(n), self._coholders[0]])
        household = np.concatenate([primary, co])
        keep = household >= 0
        return joins.unique_pairs(parcel[keep], household[keep])

    @cached_property
    def parcel_link(self) -> joins.HouseholdLink:
        cp, cid = self._coholders
        return joins.link_households(
            self._key_text("parcels", "household_no"),
            self._key_text("parcels", "holder_id"),
            self.household_table,
            self.id_index,
            coholder_parcel=cp,
            coholder_id=cid,
            resolved=self._resolved_holders,
        )

    @property
    def parcel_household(self) -> np.ndarray:
        return self.parcel_link.household

    @cached_property
    def parcel_homestead(self) -> np.ndarray:
        return joins.homestead_mask(self.text("parcels", "yt"), self.text("parcels", "disposal"))

    @cached_property
    def parcel_farmland(self) -> np.ndarray:
        return self.text("parcels", "land_type") == LandType.FARMLAND.value

    @cached_property
    def household_size(self) -> np.ndarray:
        """Persons per household on the as-of date.

        Where the register lists members, the members present that day: joined
        (迁入/登记) on or before it, or with no such date, and not left (迁出/注销) by
        it. Where it lists only the head, the size it records (家庭人口). The import
        flags a recorded size that differs from the members listed."""
        n = len(self.households["fid"])
        home = self.member_household
        joined = to_dates(self.members["joined_on"])
        left = to_dates(self.members["left_on"])
        present = (np.isnat(joined) | (joined <= self.as_of64)) & (
            np.isnat(left) | (left > self.as_of64)
        )
        listed = joins.group_counts(home, n)
        counted = joins.group_counts(np.where(present, home, -1), n)
        declared = _optional_count(self.households["declared_size"])
        return np.where((listed <= 1) & (declared > listed), declared, counted)

    @cached_property
    def household_parcels(self) -> tuple[np.ndarray, np.ndarray]:
        """(order, start): homestead parcels of household h are order[start[h]:start[h+1]]."""
        hh = np.where(self.parcel_homestead, self.parcel_household, -1)
        return joins.group(hh, len(self.households["fid"]))

    @cached_property
    def household_homesteads(self) -> np.ndarray:
        _order, start = self.household_parcels
        return np.diff(start)

    # ------------------------------------------------------------ typed columns
    def parcel_dates(self, column: str) -> np.ndarray:
        return self._dates(("parcels", column), self.parcels.attrs[column])

    def _dates(self, key: tuple[str, str], values: np.ndarray) -> np.ndarray:
        cache: dict[tuple[str, str], np.ndarray] = self.__dict__.setdefault("_date_cache", {})
        if key not in cache:
            cache[key] = to_dates(values)
        return cache[key]

    @staticmethod
    def flag(values: np.ndarray) -> np.ndarray:
        return to_flags(values)

    @cached_property
    def building_standing(self) -> np.ndarray:
        status = self.text("buildings", "status")
        return ~np.isin(status, _NOT_STANDING)

    @cached_property
    def as_of64(self) -> np.datetime64:
        return np.datetime64(self.as_of.isoformat(), "D")

    @cached_property
    def household_village(self) -> np.ndarray:
        return _optional_text(self.households["village_code"])

    @cached_property
    def parcel_finding_village(self) -> np.ndarray:
        """The recorded village code, else the village the parcel lies in."""
        recorded = _optional_text(self.parcels.attrs["village_code"])
        missing = recorded == None  # noqa: E711
        if missing.any():
            recorded[missing] = self.parcel_village_code[missing]
        return recorded

    @cached_property
    def building_home(self) -> np.ndarray:
        """The parcel a building belongs to: where it lies, else the one its code records."""
        home = self.building_parcel.copy()
        loose = home < 0
        if loose.any():
            home[loose] = self.parcel_code_table.find(self.text("buildings", "zddm")[loose])
        return home

    @cached_property
    def building_finding_village(self) -> np.ndarray:
        out = np.full(len(self.buildings), None, dtype=object)
        inside = self.building_parcel >= 0
        out[inside] = self.parcel_finding_village[self.building_parcel[inside]]
        return out


# ---------------------------------------------------------------- helpers
class TableColumns(Mapping[str, np.ndarray]):
    """An attribute table's columns by name, "fid" included, over a scan's `LayerData`.

    Columns are fetched from the scan only when read, so that text the rules
    only compare as unicode (`CheckContext.raw_text`) never becomes objects.
    """

    def __init__(self, data: LayerData) -> None:
        self.data = data

    def __getitem__(self, name: str) -> np.ndarray:
        return self.data.fids if name == "fid" else self.data.attrs[name]

    def __iter__(self) -> Iterator[str]:
        yield "fid"
        yield from self.data.attrs

    def __len__(self) -> int:
        return 1 + len(self.data.attrs)


def sanitise(geoms: np.ndarray, *, threads: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Geometries fit for GEOS and a `GEOM_*` status per row.

    Invalid polygons (self-intersections, bow-ties) are repaired with
    `make_valid`, keeping only their polygonal parts; what has no area left is
    set to None so that no join or predicate ever sees it.
    """
    geoms = np.asarray(geoms, dtype=object)
    out = geoms.copy()
    status = np.zeros(len(geoms), dtype=np.int8)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    status[empty] = GEOM_EMPTY
    out[empty] = None
    present = ~empty
    valid = np.zeros(len(geoms), dtype=bool)
    valid[present] = joins.in_chunks(shapely.is_valid, geoms[present], threads=threads)
    bad = np.flatnonzero(present & ~valid)
    if len(bad):
        repaired = shapely.make_valid(geoms[bad])
        out[bad] = [_polygonal(g) for g in repaired]  # only the invalid rows: a handful
        status[bad] = GEOM_REPAIRED
    area = np.zeros(len(geoms))
    present = out != None  # noqa: E711
    area[present] = joins.in_chunks(shapely.area, out[present].astype(object), threads=threads)
    flat = ~empty & ~(area > 0)  # collapsed as stored, or nothing polygonal left by repair
    status[flat] = GEOM_ZERO_AREA
    out[flat] = None
    return out, status


def _polygonal(geom: Any) -> Any:
    if geom is None or shapely.is_empty(geom):
        return None
    type_id = shapely.get_type_id(geom)
    if type_id in (3, 6):
        return geom
    parts = shapely.get_parts(geom)
    polys = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
    if not len(polys):
        return None
    return shapely.union_all(polys)


def unique_keys(codes: np.ndarray, fids: np.ndarray) -> np.ndarray:
    """Business keys that are unique: the code, "#k" for the k-th sharer, "fid:N" if none."""
    text = joins.as_text(codes)
    missing = strip_text(text) == ""
    keys = text.astype(object)
    fids = np.asarray(fids, dtype=np.int64)
    if missing.any():
        keys[missing] = np.strings.add("fid:", fids[missing].astype(str)).astype(object)
    present = np.flatnonzero(~missing)
    if len(present):
        dup = present[joins.duplicated(text[present])]
        if len(dup):
            order = dup[np.lexsort((fids[dup], text[dup]))]
            group_start = np.ones(len(order), dtype=bool)
            group_start[1:] = text[order][1:] != text[order][:-1]
            starts = np.flatnonzero(group_start)
            rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.append(starts, len(order))))
            keys[order] = np.strings.add(
                np.strings.add(text[order], "#"), (rank + 1).astype(str)
            ).astype(object)
    return keys


def _optional_count(values: np.ndarray) -> np.ndarray:
    """An INTEGER column as int64, -1 where empty or not a count."""
    arr = np.asarray(values, dtype=object)
    out = np.full(len(arr), -1, dtype=np.int64)
    for k, v in enumerate(arr.tolist()):  # one value per household
        if v is not None:
            with contextlib.suppress(TypeError, ValueError, OverflowError):
                out[k] = int(v)
    return out


def to_dates(values: np.ndarray) -> np.ndarray:
    """A DATE column (ISO text, None) as datetime64[D]; what does not parse is NaT."""
    arr = np.asarray(values, dtype=object)
    if not len(arr):
        return np.empty(0, dtype="datetime64[D]")
    text = joins.as_text(arr)
    text = np.strings.slice(np.strings.strip(text), 0, 10)
    out = np.full(len(arr), np.datetime64("NaT"), dtype="datetime64[D]")
    filled = text != ""
    try:
        out[filled] = text[filled].astype("datetime64[D]")
    except ValueError:
        for k in np.flatnonzero(filled):  # a malformed value somewhere: parse row by row
            with contextlib.suppress(ValueError):
                out[k] = np.datetime64(str(text[k]), "D")
    return out


def to_flags(values: np.ndarray) -> np.ndarray:
    """A BOOLEAN column (1/0, True/False, 是/否) as bool; missing is False."""
    arr = np.asarray(values, dtype=object)
    if set(map(type, arr)) <= {int, float, bool, type(None)}:
        # As stored (0/1): a number is a flag exactly when its text below is "1", "1.0"
        # or "true", that is when it equals 1; no million strings to build and compare.
        with contextlib.suppress(OverflowError):
            return np.where(arr == None, 0, arr).astype(float) == 1  # noqa: E711
    text = np.strings.lower(joins.as_text(arr))
    return np.isin(text, ("1", "1.0", "true", "是", "y", "yes", "t"))


def _optional_text(values: np.ndarray) -> np.ndarray:
    text = joins.normalize_keys(values).astype(object)
    text[text == ""] = None
    return text


def check_date(value: dt.date | str) -> dt.date:
    """An as-of date from the caller, or QjgisError invalid_argument."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise QjgisError(
            "invalid_argument", name="as_of", value=value, reason="not_a_date"
        ) from None
