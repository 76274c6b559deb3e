"""What a printed parcel report and household sheet say, as plain data.

`ReportData.load` reads one scope (some parcels, a village, a town) from the
store in a handful of queries: the parcels with their neighbours and buildings
through the R-tree, the households and members they link to, their open
findings and their cases. `parcel_report` then assembles one parcel's page
content without touching the store, so an atlas builds a thousand of them from
one read, and the drawing in `layers/` gets everything it prints.

Personal data: ID and phone numbers are masked unless `unmask`; free text
(decision reasons, case notes) has ID-like digit runs masked too
(`qjgis.io.export.mask_text_column`). Whoever writes an unmasked report audits
it (`audit_report`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from qjgis import codes
from qjgis.cases.locate import largest_overlap
from qjgis.cases.model import SUBSIDY_STATES, CaseKind, format_case_id
from qjgis.errors import QjgisError
from qjgis.io.export import mask_text_column
from qjgis.pg.session import bounds_table
from qjgis.reports.boundary import Ring, TableRow, number_points, point_table
from qjgis.reports.layout import FourTo, choose_scale, four_to, neighbours
from qjgis.store import GpkgStore, LayerData

QjgisError.register(
    {
        "report_parcel_not_found": "{path}: no parcel has the code {parcel}",
        "report_household_not_found": "{path}: no household has the number {household}",
        "report_town_not_found": "{path}: no town has the code or name {town}",
        "report_nothing_to_print": "{path}: {scope} has no parcels to print",
        "report_draw_failed": "{path}: the report could not be drawn ({detail})",
    }
)

_SUBSIDY_STATES = frozenset(s.value for s in SUBSIDY_STATES)
_CHUNK = 900  # SQLite's parameter limit, with room
#: how far around the scope neighbours and context are read, metres: the map of a
#: 1:1000 page (170 mm wide) shows 85 m either side of its centre
CONTEXT_M = 120.0
#: the map frame of the 宗地图 page in millimetres (width, height); the page layout
#: in layers/ draws exactly this frame, and the scale is chosen to fit it
MAP_FRAME_MM: tuple[float, float] = (170.0, 110.0)

_PARCEL_COLUMNS = (
    "zddm",
    "bdcdyh",
    "village_code",
    "zl",
    "yt",
    "zdmj",
    "pzmj",
    "acquired",
    "acquisition_mode",
    "approval_no",
    "approval_date",
    "holder_name",
    "holder_id",
    "household_no",
    "co_holders",
    "extra",
)
_BUILDING_COLUMNS = (
    "bdcdyh",
    "zrzh",
    "zddm",
    "floors",
    "structure",
    "year_built",
    "footprint_area",
    "status",
    "danger_grade",
)


# ------------------------------------------------------------------ rows of a report
@dataclass(frozen=True)
class MemberRow:
    seq: int | None
    name: str | None
    id_number: str | None  # masked unless unmasked
    relation: str | None
    sex: str | None
    birth_date: str | None
    phone: str | None


@dataclass(frozen=True)
class HouseholdInfo:
    household_no: str
    village_code: str | None
    head_name: str | None
    head_id: str | None
    household_type: str | None
    lives_in_village: bool | None
    split_status: str | None
    members: tuple[MemberRow, ...]


@dataclass(frozen=True)
class BuildingRow:
    bdcdyh: str | None
    zrzh: str | None
    structure: str | None
    floors: int | None
    year_built: int | None
    footprint_area: float | None
    status: str | None
    danger_grade: str | None
    geometry: Any = field(repr=False, compare=False)


@dataclass(frozen=True)
class FindingRow:
    fid: int
    rule_id: str
    entity_kind: str
    key: str
    severity: str
    exemption: str | None
    decision: str | None
    decision_reason: str | None
    decided_by: str | None


@dataclass(frozen=True)
class CaseEvent:
    date: str
    action: str
    from_state: str | None
    to_state: str | None
    note: str | None
    user: str


@dataclass(frozen=True)
class CaseRow:
    case_id: str
    kind: str  # ruin | renovation
    bdcdyh: str
    state: str
    disposition: str | None
    grade: str | None
    subsidy: float | None
    paid: float
    opened: str
    deadline: str | None
    closed: str | None
    overdue: bool
    events: tuple[CaseEvent, ...]


@dataclass(frozen=True)
class NeighbourRow:
    zddm: str | None
    holder: str | None
    direction: str
    distance_m: float


@dataclass
class ParcelReport:
    """Everything the 宗地图 page of one parcel prints."""

    fid: int
    zddm: str | None
    bdcdyh: str | None
    village_code: str | None
    village_name: str | None
    town_name: str | None
    location: str | None  # 坐落
    use: str | None
    area_m2: float  # computed from the geometry
    recorded_area: float | None
    approved_area: float | None
    acquired: str | None
    holder_name: str | None
    holder_id: str | None  # masked unless unmasked
    co_holders: str | None
    household: HouseholdInfo | None
    crs: str
    crs_name: str
    geometry: Any = field(repr=False)
    area_decimals: int = 2  # the report.area_decimals setting
    rings: list[Ring] = field(default_factory=list, repr=False)
    table: list[TableRow] = field(default_factory=list, repr=False)
    neighbours: list[NeighbourRow] = field(default_factory=list)
    four_to: FourTo | None = None
    buildings: list[BuildingRow] = field(default_factory=list)
    findings: list[FindingRow] = field(default_factory=list)
    cases: list[CaseRow] = field(default_factory=list)
    scale: int = 200
    map_extent: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    #: context drawn on the map: neighbours' and other nearby parcels and buildings
    context_parcels: np.ndarray = field(default_factory=lambda: np.empty(0, object), repr=False)
    context_parcel_labels: list[str] = field(default_factory=list, repr=False)
    context_buildings: np.ndarray = field(default_factory=lambda: np.empty(0, object), repr=False)


@dataclass
class HouseholdReport:
    """一户一档: the household, its members and every parcel it holds, with their content."""

    household: HouseholdInfo
    village_name: str | None
    parcels: list[ParcelReport]
    renovation_subsidy_approved: float
    renovation_subsidy_paid: float
    household_findings: list[FindingRow]


# ------------------------------------------------------------------ helpers
def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _in(column: str, n: int) -> str:
    return f"{column} IN ({','.join('?' * n)})"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    s = str(value).strip()
    return s or None


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(f) else f


def _int(value: Any) -> int | None:
    f = _num(value)
    return None if f is None else int(f)


def _extra(value: Any) -> dict[str, Any]:
    if not value:
        return {}
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def mask_id(value: str | None, unmask: bool) -> str | None:
    return value if unmask or value is None else codes.mask_id(value)


def mask_phone(value: str | None, unmask: bool) -> str | None:
    return value if unmask or value is None else codes.mask_phone(value)


_DIGIT_RUN = re.compile(r"\d{7}")


def mask_free(value: str | None, unmask: bool) -> str | None:
    """Free text with ID- and phone-like digit runs masked (as exports mask them)."""
    if unmask or value is None or not _DIGIT_RUN.search(value):
        return value  # fewer than 7 digits in a row: neither an ID nor a phone number
    return str(mask_text_column(np.array([value], dtype=object))[0])


# ------------------------------------------------------------------ the data of a scope
@dataclass
class ReportData:
    """One scope's parcels with everything their pages print, read once."""

    store_path: str
    crs: str
    crs_name: str  # as the page names it: "CGCS2000 / 3-degree Gauss-Kruger zone 36 (EPSG:4524)"
    tolerance_m: float
    area_decimals: int
    as_of: dt.date
    unmask: bool
    scope: np.ndarray  # indexes into `parcels` of the parcels to print, in 宗地代码 order
    parcels: LayerData  # scope and context parcels
    buildings: LayerData  # buildings around the scope
    building_parcel: np.ndarray  # per building, its parcel's index in `parcels` (-1: none)
    households: dict[str, HouseholdInfo]
    parcel_household: np.ndarray  # per parcel, its 户号 (None: no link)
    findings: dict[tuple[str, str], list[FindingRow]]  # (entity kind, key) -> findings
    cases: dict[str, list[CaseRow]]  # zddm -> cases
    villages: dict[str, tuple[str, str | None]]  # code -> (name, town name)
    _tree: shapely.STRtree | None = None

    # ---------------------------------------------------------------- loading
    @classmethod
    def load(
        cls,
        store: GpkgStore,
        fids: Sequence[int],
        *,
        as_of: dt.date | None = None,
        unmask: bool = False,
    ) -> ReportData:
        """Read the parcels `fids` and everything their reports print."""
        settings = store.settings()
        wanted = sorted({int(f) for f in fids})
        box = _rtree_bounds(store, wanted)
        if box is None:  # none has a geometry: read them by fid alone
            parcels = _parcels_by_fid(store, wanted)
        else:
            grown = (box[0] - CONTEXT_M, box[1] - CONTEXT_M, box[2] + CONTEXT_M, box[3] + CONTEXT_M)
            parcels = store.read_layer("parcels", list(_PARCEL_COLUMNS), bbox=grown)
            missing = sorted(set(wanted) - set(parcels.fids.tolist()))
            if missing:  # parcels without geometry are still printed (their page says so)
                extra = _parcels_by_fid(store, missing)
                parcels = LayerData(
                    np.concatenate([parcels.fids, extra.fids]),
                    np.concatenate([parcels.geometry, extra.geometry]),
                    {k: np.concatenate([v, extra.attrs[k]]) for k, v in parcels.attrs.items()},
                )
        pos = {int(f): i for i, f in enumerate(parcels.fids)}
        scope = np.array([pos[f] for f in wanted if f in pos], dtype=np.intp)
        zddm = parcels.attrs["zddm"]
        order = sorted(scope.tolist(), key=lambda i: (str(zddm[i] or ""), int(parcels.fids[i])))
        scope = np.array(order, dtype=np.intp)

        if box is None:
            buildings = LayerData(np.empty(0, np.int64), np.empty(0, object), {})
            for c in _BUILDING_COLUMNS:
                buildings.attrs[c] = np.empty(0, object)
            building_parcel = np.empty(0, np.int64)
        else:
            buildings = store.read_layer("buildings", list(_BUILDING_COLUMNS), bbox=grown)
            building_parcel = largest_overlap(buildings.geometry, parcels.geometry)

        households, parcel_household = _households(store, parcels, scope, unmask)
        codes_in_scope = {str(zddm[i]) for i in scope if zddm[i]}
        building_keys = {
            str(buildings.attrs["bdcdyh"][b])
            for b in np.flatnonzero(np.isin(building_parcel, scope))
            if buildings.attrs["bdcdyh"][b]
        }
        findings = _findings(
            store,
            {"parcel": codes_in_scope, "building": building_keys, "household": set(households)},
            unmask,
        )
        day = as_of or dt.date.today()
        cases = _cases(store, sorted(codes_in_scope), day, unmask)
        villages = {
            code: (name, town)
            for code, name, town in store.execute_sql(
                "SELECT v.code, v.name, t.name FROM villages v "
                "LEFT JOIN towns t ON t.code = v.town_code ORDER BY v.fid DESC"
            )
        }
        return cls(
            store_path=str(store.path),
            crs=settings.crs,
            crs_name=crs_name(settings.crs),
            tolerance_m=float(settings["check.neighbour_tolerance_m"]),
            area_decimals=int(settings["report.area_decimals"]),
            as_of=day,
            unmask=unmask,
            scope=scope,
            parcels=parcels,
            buildings=buildings,
            building_parcel=building_parcel,
            households=households,
            parcel_household=parcel_household,
            findings=findings,
            cases=cases,
            villages=villages,
        )

    # ---------------------------------------------------------------- one page's content
    @property
    def tree(self) -> shapely.STRtree:
        if self._tree is None:
            self._tree = shapely.STRtree(self.parcels.geometry)
        return self._tree

    def __len__(self) -> int:
        return len(self.scope)

    def reports(self) -> Iterable[ParcelReport]:
        for i in self.scope:
            yield self.parcel_report(int(i))

    def parcel_report(self, i: int, frame_mm: tuple[float, float] = MAP_FRAME_MM) -> ParcelReport:
        """The content of the page of `parcels[i]`."""
        a = self.parcels.attrs
        geom = self.parcels.geometry[i]
        has_geom = geom is not None and not shapely.is_empty(geom)
        village = _text(a["village_code"][i])
        vname, tname = self.villages.get(village or "", (None, None))
        hh_no = self.parcel_household[i]
        report = ParcelReport(
            fid=int(self.parcels.fids[i]),
            zddm=_text(a["zddm"][i]),
            bdcdyh=_text(a["bdcdyh"][i]),
            village_code=village,
            village_name=vname,
            town_name=tname,
            location=_text(a["zl"][i]),
            use=_text(a["yt"][i]),
            area_m2=float(shapely.area(geom)) if has_geom else 0.0,
            recorded_area=_num(a["zdmj"][i]),
            approved_area=_num(a["pzmj"][i]),
            acquired=_text(a["acquired"][i]),
            holder_name=_text(a["holder_name"][i]),
            holder_id=mask_id(_text(a["holder_id"][i]), self.unmask),
            co_holders=mask_free(_text(a["co_holders"][i]), self.unmask),
            household=self.households.get(hh_no) if hh_no else None,
            crs=self.crs,
            crs_name=self.crs_name,
            geometry=geom,
            area_decimals=self.area_decimals,
        )
        extra = _extra(a["extra"][i])
        if has_geom:
            report.rings = number_points(geom)
            report.table = point_table(report.rings)
            found = neighbours(
                geom, self.parcels.geometry, self.tolerance_m, exclude=i, tree=self.tree
            )
            holders = a["holder_name"]
            report.neighbours = [
                NeighbourRow(_text(zddm), _text(holders[n.index]), n.direction, n.distance_m)
                for n in found
                for zddm in (a["zddm"][n.index],)
            ]
            report.four_to = four_to(
                [(n.direction, _neighbour_label(n)) for n in report.neighbours], extra
            )
            b = shapely.bounds(geom)
            report.scale = choose_scale(tuple(b), frame_mm)
            cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
            half_w = frame_mm[0] * report.scale / 2000.0
            half_h = frame_mm[1] * report.scale / 2000.0
            report.map_extent = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
            near = self.tree.query(shapely.box(*report.map_extent))
            near = near[near != i]
            report.context_parcels = self.parcels.geometry[near]
            report.context_parcel_labels = [_neighbour_short(a["zddm"][k]) for k in near]
            bnear = (
                np.flatnonzero(
                    shapely.intersects(self.buildings.geometry, shapely.box(*report.map_extent))
                )
                if len(self.buildings)
                else np.empty(0, np.intp)
            )
            report.context_buildings = self.buildings.geometry[
                bnear[self.building_parcel[bnear] != i]
            ]
        else:
            report.four_to = four_to([], extra)
        ba = self.buildings.attrs
        for k in np.flatnonzero(self.building_parcel == i):
            report.buildings.append(
                BuildingRow(
                    _text(ba["bdcdyh"][k]),
                    _text(ba["zrzh"][k]),
                    _text(ba["structure"][k]),
                    _int(ba["floors"][k]),
                    _int(ba["year_built"][k]),
                    _num(ba["footprint_area"][k]),
                    _text(ba["status"][k]),
                    _text(ba["danger_grade"][k]),
                    self.buildings.geometry[k],
                )
            )
        report.findings = list(self.findings.get(("parcel", report.zddm or ""), []))
        for bld in report.buildings:
            report.findings += self.findings.get(("building", bld.bdcdyh or ""), [])
        if hh_no:
            report.findings += self.findings.get(("household", hh_no), [])
        report.cases = list(self.cases.get(report.zddm or "", []))
        return report


def crs_name(crs: str) -> str:
    """The CRS as a page names it: its official name and its code."""
    try:
        name = CRS.from_user_input(crs).name
    except CRSError:
        return crs
    return f"{name} ({crs})"


def _neighbour_label(n: NeighbourRow) -> str:
    """A neighbour as 四至 names it: its code's last five characters and its holder."""
    return " ".join(x for x in (_neighbour_short(n.zddm), n.holder) if x)


def _neighbour_short(zddm: Any) -> str:
    s = _text(zddm)
    return s[-5:] if s else ""


def _rtree_bounds(store: GpkgStore, fids: list[int]) -> tuple[float, float, float, float] | None:
    lo = [np.inf, np.inf]
    hi = [-np.inf, -np.inf]
    for part in _chunks(fids):
        row = store.execute_sql(
            "SELECT min(minx), min(miny), max(maxx), max(maxy) FROM "
            f"{bounds_table(store, 'parcels')} "
            f"WHERE {_in('id', len(part))}",
            list(part),
        )[0]
        if row[0] is not None:
            lo = [min(lo[0], row[0]), min(lo[1], row[1])]
            hi = [max(hi[0], row[2]), max(hi[1], row[3])]
    if not np.isfinite(lo[0]):
        return None
    return (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))


def _parcels_by_fid(store: GpkgStore, fids: list[int]) -> LayerData:
    from qjgis import gpkg

    cols = ", ".join(f'"{c}"' for c in _PARCEL_COLUMNS)
    rows: list[tuple[Any, ...]] = []
    for part in _chunks(fids):
        rows += store.execute_sql(
            f"SELECT fid, {gpkg.wkb_sql('geom')}, {cols} FROM parcels "
            f"WHERE {_in('fid', len(part))} ORDER BY fid",
            list(part),
        )
    attrs = {
        c: np.array([r[2 + k] for r in rows], dtype=object) for k, c in enumerate(_PARCEL_COLUMNS)
    }
    return LayerData(
        np.array([r[0] for r in rows], dtype=np.int64),
        gpkg.decode([r[1] for r in rows]),
        attrs,
    )


def _households(
    store: GpkgStore, parcels: LayerData, scope: np.ndarray, unmask: bool
) -> tuple[dict[str, HouseholdInfo], np.ndarray]:
    """The households of the scope's parcels by DESIGN.md's link: 户号, else one ID's household."""
    a = parcels.attrs
    link = np.full(len(parcels), None, dtype=object)
    numbers = sorted(
        {str(a["household_no"][i]).strip() for i in scope if _text(a["household_no"][i])}
    )
    known: set[str] = set()
    for part in _chunks(numbers):
        known |= {
            r[0]
            for r in store.execute_sql(
                f"SELECT household_no FROM households WHERE {_in('household_no', len(part))}",
                list(part),
            )
        }
    by_id: dict[str, set[str]] = defaultdict(set)
    ids: dict[int, str] = {}
    for i in scope:
        no = _text(a["household_no"][i])
        if no and no in known:
            link[i] = no
            continue
        holder = _text(a["holder_id"][i])
        if holder:
            ids[int(i)] = codes.normalize_id(holder)
    wanted = sorted(set(ids.values()))
    for part in _chunks(wanted):
        q = list(part)
        for hid, no in store.execute_sql(
            f"SELECT id_number, household_no FROM members WHERE {_in('id_number', len(q))} "
            f"UNION SELECT head_id, household_no FROM households WHERE {_in('head_id', len(q))}",
            q + q,
        ):
            by_id[codes.normalize_id(str(hid))].add(str(no))
    for i, hid in ids.items():
        owners = by_id.get(hid, set())
        if len(owners) == 1:  # an ID on two households links nothing (a finding, not a guess)
            link[i] = next(iter(owners))
    linked = sorted({str(v) for v in link if v})
    infos: dict[str, HouseholdInfo] = {}
    members: dict[str, list[MemberRow]] = defaultdict(list)
    for part in _chunks(linked):
        for no, seq, name, idn, rel, sex, birth, phone in store.execute_sql(
            "SELECT household_no, seq, name, id_number, relation, sex, birth_date, phone "
            f"FROM members WHERE {_in('household_no', len(part))} ORDER BY household_no, seq, fid",
            list(part),
        ):
            members[no].append(
                MemberRow(
                    _int(seq),
                    _text(name),
                    mask_id(_text(idn), unmask),
                    _text(rel),
                    _text(sex),
                    _text(birth),
                    mask_phone(_text(phone), unmask),
                )
            )
        for no, village, head, head_id, kind, lives, split in store.execute_sql(
            "SELECT household_no, village_code, head_name, head_id, household_type, "
            "lives_in_village, split_status FROM households "
            f"WHERE {_in('household_no', len(part))} ORDER BY fid",
            list(part),
        ):
            infos.setdefault(
                no,
                HouseholdInfo(
                    no,
                    _text(village),
                    _text(head),
                    mask_id(_text(head_id), unmask),
                    _text(kind),
                    None if lives is None else bool(lives),
                    _text(split),
                    tuple(members[no]),
                ),
            )
    return infos, link


def _findings(
    store: GpkgStore, keys: dict[str, set[str]], unmask: bool
) -> dict[tuple[str, str], list[FindingRow]]:
    out: dict[tuple[str, str], list[FindingRow]] = defaultdict(list)
    for kind, wanted in keys.items():
        values = sorted(wanted)
        for part in _chunks(values):
            for row in store.execute_sql(
                "SELECT fid, rule_id, entity_kind, key, severity, exemption, decision, "
                "decision_reason, decided_by FROM findings WHERE state = 'open' "
                f"AND entity_kind = ? AND {_in('key', len(part))} ORDER BY rule_id, fid",
                [kind, *part],
            ):
                fid, rule, ek, key, sev, exe, dec, reason, by = row
                out[(ek, key)].append(
                    FindingRow(
                        int(fid), rule, ek, key, sev, exe, dec, mask_free(reason, unmask), by
                    )
                )
    return out


def _cases(
    store: GpkgStore, zddms: list[str], as_of: dt.date, unmask: bool
) -> dict[str, list[CaseRow]]:
    out: dict[str, list[CaseRow]] = defaultdict(list)
    day = as_of.isoformat()
    for kind in CaseKind:
        rows: list[tuple[Any, ...]] = []
        for part in _chunks(zddms):
            if kind is CaseKind.RUIN:
                sql = (
                    "SELECT fid, zddm, bdcdyh, state, disposition, NULL, NULL, opened, deadline, "
                    f"closed FROM ruin_cases WHERE {_in('zddm', len(part))} ORDER BY fid"
                )
            else:
                sql = (
                    "SELECT fid, zddm, bdcdyh, state, NULL, grade, subsidy, opened, deadline, "
                    f"closed FROM renovation_cases WHERE {_in('zddm', len(part))} ORDER BY fid"
                )
            rows += store.execute_sql(sql, list(part))
        events: dict[int, list[CaseEvent]] = defaultdict(list)
        paid: dict[int, float] = defaultdict(float)
        fids = [int(r[0]) for r in rows]
        for part in _chunks(fids):
            for fid, date, action, fs, ts, note, user, amount in store.execute_sql(
                "SELECT case_fid, event_date, action, from_state, to_state, note, user, amount "
                f"FROM case_events WHERE case_kind = ? AND {_in('case_fid', len(part))} "
                "ORDER BY case_fid, seq",
                [kind.value, *part],
            ):
                events[fid].append(CaseEvent(date, action, fs, ts, mask_free(note, unmask), user))
                if amount is not None:
                    paid[fid] += float(amount)
        for fid, zddm, bdcdyh, state, disp, grade, subsidy, opened, deadline, closed in rows:
            out[zddm].append(
                CaseRow(
                    format_case_id(kind, int(fid)),
                    kind.value,
                    bdcdyh,
                    state,
                    disp,
                    grade,
                    _num(subsidy),
                    paid[int(fid)],
                    opened,
                    deadline,
                    closed,
                    bool(deadline and closed is None and deadline < day),
                    tuple(events[int(fid)]),
                )
            )
    return out


# ------------------------------------------------------------------ choosing a scope
def parcel_fid(store: GpkgStore, zddm: str) -> int:
    """The parcel with the code `zddm` (the first, if a duplicate code is on file)."""
    rows = store.execute_sql(
        "SELECT fid FROM parcels WHERE zddm = ? ORDER BY fid LIMIT 1", [zddm.strip()]
    )
    if not rows:
        raise QjgisError("report_parcel_not_found", path=str(store.path), parcel=zddm)
    return int(rows[0][0])


def village_codes(
    store: GpkgStore, village: str | None = None, town: str | None = None
) -> list[str]:
    """The village codes a village (code or name) or a town (code or name) names."""
    if village is not None:
        found = store.find_villages(village)
        if not found:
            raise QjgisError("village_not_found", path=str(store.path), village=village)
        return [found[0][0]]
    assert town is not None
    towns = store.execute_sql("SELECT code FROM towns WHERE code = ? OR name = ?", [town, town])
    if not towns:
        raise QjgisError("report_town_not_found", path=str(store.path), town=town)
    return [
        r[0]
        for r in store.execute_sql(
            "SELECT DISTINCT code FROM villages WHERE town_code = ? ORDER BY code", [towns[0][0]]
        )
    ]


def parcel_fids_in(store: GpkgStore, villages: Sequence[str]) -> list[int]:
    """The parcels recorded in `villages`, by fid."""
    out: list[int] = []
    for part in _chunks(list(villages)):
        out += [
            int(r[0])
            for r in store.execute_sql(
                f"SELECT fid FROM parcels WHERE {_in('village_code', len(part))} ORDER BY fid",
                list(part),
            )
        ]
    return out


def household_report(
    store: GpkgStore, household_no: str, *, as_of: dt.date | None = None, unmask: bool = False
) -> HouseholdReport:
    """一户一档: the household with every parcel linked to it (by 户号 or a member's ID)."""
    no = household_no.strip()
    if not store.execute_sql("SELECT 1 FROM households WHERE household_no = ? LIMIT 1", [no]):
        raise QjgisError("report_household_not_found", path=str(store.path), household=household_no)
    ids = [
        codes.normalize_id(str(r[0]))
        for r in store.execute_sql(
            "SELECT id_number FROM members WHERE household_no = ? AND id_number IS NOT NULL "
            "UNION SELECT head_id FROM households WHERE household_no = ? AND head_id IS NOT NULL",
            [no, no],
        )
    ]
    candidates = {
        int(r[0]) for r in store.execute_sql("SELECT fid FROM parcels WHERE household_no = ?", [no])
    }
    for part in _chunks(ids):
        candidates |= {
            int(r[0])
            for r in store.execute_sql(
                f"SELECT fid FROM parcels WHERE {_in('upper(trim(holder_id))', len(part))}",
                list(part),
            )
        }
    data = ReportData.load(store, sorted(candidates), as_of=as_of, unmask=unmask)
    mine = [int(i) for i in data.scope if data.parcel_household[i] == no]
    data.scope = np.array(mine, dtype=np.intp)
    if no not in data.households:
        data.households.update(_households_only(store, no, unmask))
        data.findings.update(_findings(store, {"household": {no}}, unmask))
    info = data.households[no]
    parcels = [data.parcel_report(i) for i in mine]
    approved = paid = 0.0
    for p in parcels:
        for c in p.cases:
            if c.kind == CaseKind.RENOVATION.value:
                paid += c.paid
                if c.state in _SUBSIDY_STATES:
                    approved += c.subsidy or 0.0
    vname = data.villages.get(info.village_code or "", (None, None))[0]
    return HouseholdReport(
        household=info,
        village_name=vname,
        parcels=parcels,
        renovation_subsidy_approved=approved,
        renovation_subsidy_paid=paid,
        household_findings=list(data.findings.get(("household", no), [])),
    )


def _households_only(store: GpkgStore, no: str, unmask: bool) -> dict[str, HouseholdInfo]:
    empty = LayerData(
        np.zeros(1, np.int64),
        np.array([None], dtype=object),
        {"household_no": np.array([no], dtype=object), "holder_id": np.array([None], object)},
    )
    infos, _ = _households(store, empty, np.array([0]), unmask)
    return infos


def audit_report(
    store: GpkgStore, kind: str, target: str, after: dict[str, Any], unmask: bool
) -> int:
    """Append the audit entry of a written report (`report` or `report.unmask`)."""
    with store.transaction() as conn:
        return store.audit(
            conn, "report.unmask" if unmask else "report", f"{kind}:{target}", None, after
        )
