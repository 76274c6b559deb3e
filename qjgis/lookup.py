"""Reading one thing for a person: a household with all it holds, a search, a feature.

The window's household view, identify tool and search box ask these; the
checks and exports have their own vectorised readers for whole layers. Every
function here answers from indexes (户号, 宗地代码, 不动产单元代码, ID number,
village code) so it stays quick on a district of a million parcels.

A household's parcels follow DESIGN.md's link rule, read for one household: a
parcel whose recorded 户号 is this household's belongs to it; a parcel whose
户号 is missing or not in the register belongs to it when its holder's (or a
co-holder's) ID number is a member of this household and of no other. Names
never link.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qjgis.codes import mask_id, normalize_id
from qjgis.errors import QjgisError
from qjgis.model import Role
from qjgis.pg.session import bounds_table
from qjgis.store import GpkgStore

QjgisError.register({"unknown_household": "no household {household} in this project"})

#: Roles that see ID numbers whole on screen; the others see them masked.
UNMASK_ROLES = frozenset({Role.REVIEWER, Role.APPROVER, Role.ADMIN})

_SQL_CHUNK = 500  # bound variables per IN (...) list, well under SQLite's limit
_FID_CHUNK = 8192  # fids read at once by ordered_fids before the GIL is let go


@dataclass(frozen=True)
class Member:
    seq: int | None
    name: str | None
    id_number: str | None  # masked unless the role may see it
    relation: str | None
    sex: str | None
    birth_date: str | None


@dataclass(frozen=True)
class HeldFeature:
    layer: str  # parcels | buildings
    fid: int
    key: str | None  # 宗地代码 or 不动产单元代码
    area_m2: float | None
    status: str | None  # buildings: 房屋状态
    bounds: tuple[float, float, float, float] | None


@dataclass(frozen=True)
class HouseholdDetail:
    household_no: str
    village_code: str | None
    village_name: str | None
    head_name: str | None
    head_id: str | None  # masked unless the role may see it
    split_status: str | None
    members: list[Member]
    parcels: list[HeldFeature]
    buildings: list[HeldFeature]
    findings: list[tuple[int, str, str | None]]  # (fid, rule id, decision)
    cases: list[tuple[str, int, str, str | None]]  # (kind, fid, state, disposition)
    ids_masked: bool = True

    @property
    def bounds(self) -> tuple[float, float, float, float] | None:
        return union_bounds([f.bounds for f in (*self.parcels, *self.buildings)])


def union_bounds(
    boxes: Sequence[tuple[float, float, float, float] | None],
) -> tuple[float, float, float, float] | None:
    real = [b for b in boxes if b is not None]
    if not real:
        return None
    return (
        min(b[0] for b in real),
        min(b[1] for b in real),
        max(b[2] for b in real),
        max(b[3] for b in real),
    )


def _chunks(values: Sequence[Any]) -> list[Sequence[Any]]:
    return [values[i : i + _SQL_CHUNK] for i in range(0, len(values), _SQL_CHUNK)]


def _rtree_bounds(store: GpkgStore, layer: str, fids: Sequence[int]) -> dict[int, tuple]:
    """Feature bounds from the GeoPackage R-tree (no geometry parsing); on a database from
    the bbox PostGIS keeps with each geometry."""
    out: dict[int, tuple] = {}
    for part in _chunks(list(fids)):
        marks = ", ".join("?" * len(part))
        for fid, *box in store.execute_sql(
            f"SELECT id, minx, miny, maxx, maxy FROM {bounds_table(store, layer)} "
            f"WHERE id IN ({marks})",
            part,
        ):
            out[int(fid)] = tuple(float(v) for v in box)
    return out


def feature_bounds(
    store: GpkgStore, layer: str, fids: Sequence[int]
) -> dict[int, tuple[float, float, float, float]]:
    """Bounds of features by fid; fids without geometry are absent."""
    if layer not in ("parcels", "buildings", "villages"):
        raise QjgisError("unknown_layer", layer=layer)
    return _rtree_bounds(store, layer, fids)


def household_detail(
    store: GpkgStore, household_no: str, *, unmask: bool | None = None
) -> HouseholdDetail:
    """One household: members, the parcels it holds, their buildings, findings and cases.

    ID numbers are masked unless `unmask` is True, or (when None) the project's
    current role may see them.
    """
    no = str(household_no).strip()
    rows = store.execute_sql(
        "SELECT h.household_no, h.village_code, v.name, h.head_name, h.head_id, h.split_status "
        "FROM households h LEFT JOIN villages v ON v.code = h.village_code "
        "WHERE h.household_no = ? LIMIT 1",
        (no,),
    )
    if not rows:
        raise QjgisError("unknown_household", household=no)
    hh_no, village_code, village_name, head_name, head_id, split_status = rows[0]
    if unmask is None:
        unmask = store.settings().role in UNMASK_ROLES
    show = (lambda s: s) if unmask else (lambda s: mask_id(s) if s else s)

    member_rows = store.execute_sql(
        "SELECT seq, name, id_number, relation, sex, birth_date FROM members "
        "WHERE household_no = ? ORDER BY seq, fid",
        (hh_no,),
    )
    members = [
        Member(r[0], r[1], show(r[2]) if r[2] else None, r[3], r[4], r[5]) for r in member_rows
    ]
    ids = sorted(
        {normalize_id(str(r[2])) for r in member_rows if r[2]}
        | ({normalize_id(str(head_id))} if head_id else set())
    )
    parcel_fids = _household_parcels(store, hh_no, ids)
    parcels = _features(store, "parcels", parcel_fids)
    codes = [p.key for p in parcels if p.key]
    building_fids: list[int] = []
    for part in _chunks(codes):
        marks = ", ".join("?" * len(part))
        building_fids += [
            int(r[0])
            for r in store.execute_sql(f"SELECT fid FROM buildings WHERE zddm IN ({marks})", part)
        ]
    buildings = _features(store, "buildings", sorted(set(building_fids)))
    keys = [hh_no, *codes, *(b.key for b in buildings if b.key)]
    findings: list[tuple[int, str, str | None]] = []
    for part in _chunks(keys):
        marks = ", ".join("?" * len(part))
        findings += [
            (int(r[0]), r[1], r[2])
            for r in store.execute_sql(
                f"SELECT fid, rule_id, decision FROM findings WHERE state = 'open' "
                f"AND key IN ({marks}) ORDER BY rule_id, fid",
                part,
            )
        ]
    cases = [
        (kind, int(fid), state, disposition)
        for kind, table, disp in (
            ("ruin", "ruin_cases", "disposition"),
            ("renovation", "renovation_cases", "NULL"),
        )
        for fid, state, disposition in store.execute_sql(
            f"SELECT fid, state, {disp} FROM {table} WHERE household_no = ? ORDER BY fid",
            (hh_no,),
        )
    ]
    return HouseholdDetail(
        household_no=hh_no,
        village_code=village_code,
        village_name=village_name,
        head_name=head_name,
        head_id=show(head_id) if head_id else None,
        split_status=split_status,
        members=members,
        parcels=parcels,
        buildings=buildings,
        findings=findings,
        cases=cases,
        ids_masked=not unmask,
    )


def _household_parcels(store: GpkgStore, household_no: str, ids: list[str]) -> list[int]:
    fids = {
        int(r[0])
        for r in store.execute_sql(
            "SELECT fid FROM parcels WHERE household_no = ?", (household_no,)
        )
    }
    if not ids:
        return sorted(fids)
    # IDs that belong to a member of exactly this household link (DESIGN.md).
    own: list[str] = []
    for part in _chunks(ids):
        marks = ", ".join("?" * len(part))
        for id_number, n in store.execute_sql(
            f"SELECT id_number, count(DISTINCT household_no) FROM members "
            f"WHERE id_number IN ({marks}) GROUP BY id_number",
            part,
        ):
            if n == 1:
                own.append(id_number)
    registered = "(SELECT household_no FROM households)"
    for part in _chunks(own):
        marks = ", ".join("?" * len(part))
        for (fid,) in store.execute_sql(
            f"SELECT fid FROM parcels WHERE holder_id IN ({marks}) AND "
            "(household_no IS NULL OR trim(household_no) = '' "
            f"OR household_no NOT IN {registered})",
            part,
        ):
            fids.add(int(fid))
        for (fid,) in store.execute_sql(
            f"SELECT h.parcel_fid FROM parcel_holders h JOIN parcels p ON p.fid = h.parcel_fid "
            f"WHERE h.id_number IN ({marks}) AND (p.household_no IS NULL "
            f"OR trim(p.household_no) = '' OR p.household_no NOT IN {registered})",
            part,
        ):
            fids.add(int(fid))
    return sorted(fids)


def _features(store: GpkgStore, layer: str, fids: Sequence[int]) -> list[HeldFeature]:
    if not fids:
        return []
    bounds = _rtree_bounds(store, layer, fids)
    key, area, status = (
        ("zddm", "zdmj", "NULL") if layer == "parcels" else ("bdcdyh", "footprint_area", "status")
    )
    out: list[HeldFeature] = []
    for part in _chunks(list(fids)):
        marks = ", ".join("?" * len(part))
        for fid, k, a, s in store.execute_sql(
            f"SELECT fid, {key}, {area}, {status} FROM {layer} WHERE fid IN ({marks}) ORDER BY fid",
            part,
        ):
            out.append(HeldFeature(layer, int(fid), k, a, s, bounds.get(int(fid))))
    return out


# ---------------------------------------------------------------- search
@dataclass(frozen=True)
class SearchHit:
    kind: str  # parcel | building | household | member | village
    key: str  # the business key (宗地代码, 不动产单元代码, 户号, village code)
    label: str  # what matched, to show (a name, a code)
    household_no: str | None
    layer: str | None  # map layer to highlight, if any
    fids: tuple[int, ...] = field(default_factory=tuple)


def search(store: GpkgStore, text: str, *, limit: int = 50) -> list[SearchHit]:
    """Find what a clerk types: 宗地代码, 不动产单元代码, 户号, holder name, ID number, village.

    Codes and ID numbers match exactly (ID numbers normalised: upper-case X, 15
    digits to 18); names and village names match exactly first, then by prefix.
    ID numbers are never shown in the result labels.
    """
    q = str(text).strip()
    if not q:
        return []
    hits: list[SearchHit] = []

    def add(kind: str, key: str, label: str, hh: str | None, layer: str | None, fid: int | None):
        if len(hits) < limit:
            hits.append(SearchHit(kind, key, label, hh, layer, (fid,) if fid is not None else ()))

    upper = q.upper()
    for fid, zddm, holder, hh in store.execute_sql(
        "SELECT fid, zddm, holder_name, household_no FROM parcels WHERE zddm = ? LIMIT ?",
        (upper, limit),
    ):
        add("parcel", zddm, f"{zddm} {holder or ''}".strip(), hh, "parcels", fid)
    for fid, bdcdyh in store.execute_sql(
        "SELECT fid, bdcdyh FROM buildings WHERE bdcdyh = ? LIMIT ?", (upper, limit)
    ):
        add("building", bdcdyh, bdcdyh, None, "buildings", fid)
    for hh, head in store.execute_sql(
        "SELECT household_no, head_name FROM households WHERE household_no = ? LIMIT ?", (q, limit)
    ):
        add("household", hh, f"{hh} {head or ''}".strip(), hh, None, None)
    if q[:1].isdigit() and len(q) in (15, 18):
        try:
            id_number = normalize_id(q)
        except (ValueError, QjgisError):
            id_number = upper
        for hh, name in store.execute_sql(
            "SELECT household_no, name FROM members WHERE id_number = ? LIMIT ?",
            (id_number, limit),
        ):
            add("member", hh, f"{name or ''} ({mask_id(id_number)})", hh, None, None)
        for fid, zddm, holder, hh in store.execute_sql(
            "SELECT fid, zddm, holder_name, household_no FROM parcels WHERE holder_id = ? LIMIT ?",
            (id_number, limit),
        ):
            add("parcel", zddm or "", f"{zddm} {holder or ''}".strip(), hh, "parcels", fid)
    if not q[:1].isdigit():
        for fid, code, name in store.execute_sql(
            "SELECT fid, code, name FROM villages WHERE name = ? OR name LIKE ? ESCAPE '\\' "
            "ORDER BY name <> ?, name LIMIT ?",
            (q, _like_prefix(q), q, limit),
        ):
            add("village", code, name, None, "villages", fid)
        for hh, head in store.execute_sql(
            "SELECT household_no, head_name FROM households WHERE head_name = ? LIMIT ?",
            (q, limit),
        ):
            add("household", hh, f"{hh} {head or ''}".strip(), hh, None, None)
        for hh, name in store.execute_sql(
            "SELECT household_no, name FROM members WHERE name = ? LIMIT ?", (q, limit)
        ):
            add("member", hh, f"{name} ({hh})", hh, None, None)
        for fid, zddm, holder, hh in store.execute_sql(
            "SELECT fid, zddm, holder_name, household_no FROM parcels WHERE holder_name = ? "
            "LIMIT ?",
            (q, limit),
        ):
            add("parcel", zddm or "", f"{zddm} {holder or ''}".strip(), hh, "parcels", fid)
    seen: set[tuple[str, str, tuple[int, ...]]] = set()
    unique: list[SearchHit] = []
    for h in hits:
        k = (h.kind, h.key, h.fids)
        if k not in seen:
            seen.add(k)
            unique.append(h)
    return unique


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# ---------------------------------------------------------------- identify
def feature_record(store: GpkgStore, layer: str, fid: int) -> dict[str, Any]:
    """A feature's attributes by column name, with the fields kept in `extra` merged in
    under their source names (prefixed `extra:`), without geometry."""
    from qjgis import schema

    table = schema.TABLE_BY_NAME.get(layer)
    if table is None:
        raise QjgisError("unknown_layer", layer=layer)
    cols = [c.name for c in table.columns]
    rows = store.execute_sql(
        f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{layer}" WHERE fid = ?',
        (int(fid),),
    )
    if not rows:
        return {}
    record = dict(zip(cols, rows[0], strict=True))
    extra = record.pop("extra", None)
    if extra:
        try:
            for k, v in json.loads(extra).items():
                record[f"extra:{k}"] = v
        except (ValueError, AttributeError):
            record["extra"] = extra
    return record


# ---------------------------------------------------------------- attribute tables
#: the layers and tables an attribute table can show
TABLE_LAYERS = ("parcels", "buildings", "villages", "households", "members")
#: operators a filter may use, and their SQL
OPERATORS = {
    "=": "= ?",
    "<>": "<> ?",
    "<": "< ?",
    "<=": "<= ?",
    ">": "> ?",
    ">=": ">= ?",
    "contains": "LIKE ? ESCAPE '\\'",
    "starts": "LIKE ? ESCAPE '\\'",
    "empty": "IS NULL",
    "not_empty": "IS NOT NULL",
}
_HIDDEN = ("extra", "row_version", "batch_id")

QjgisError.register(
    {
        "unknown_column": "{table} has no column {column}",
        "unknown_operator": "unknown filter operator {operator}",
    }
)


def table_columns(table: str) -> list[str]:
    """The columns an attribute table shows for `table` (fid first)."""
    from qjgis import schema

    spec = schema.TABLE_BY_NAME.get(table)
    if spec is None or table not in TABLE_LAYERS:
        raise QjgisError("unknown_layer", layer=table)
    return ["fid", *(c.name for c in spec.columns if c.name not in _HIDDEN)]


def _where(table: str, filters: Sequence[tuple[str, str, Any]]) -> tuple[str, list[Any]]:
    cols = set(table_columns(table))
    parts: list[str] = []
    params: list[Any] = []
    for column, op, value in filters:
        if column not in cols:
            raise QjgisError("unknown_column", table=table, column=column)
        if op not in OPERATORS:
            raise QjgisError("unknown_operator", operator=op)
        parts.append(f'"{column}" {OPERATORS[op]}')
        if op == "contains":
            params.append("%" + _like_prefix(str(value)))
        elif op == "starts":
            params.append(_like_prefix(str(value)))
        elif op not in ("empty", "not_empty"):
            params.append(value)
    return (" WHERE " + " AND ".join(parts) if parts else ""), params


def ordered_fids(
    store: GpkgStore,
    table: str,
    *,
    sort: str | None = None,
    descending: bool = False,
    filters: Sequence[tuple[str, str, Any]] = (),
) -> np.ndarray:
    """The fids of `table` that pass `filters`, in the asked order (SQL does both).

    One int64 per row: a million rows are 8 MB, and any page of them is then
    one `fid IN (...)` away, so a view scrolls to any row at once.
    """
    where, params = _where(table, filters)
    order = "fid"
    if sort is not None:
        if sort not in table_columns(table):
            raise QjgisError("unknown_column", table=table, column=sort)
        direction = "DESC" if descending else "ASC"
        order = f'"{sort}" {direction}, fid {direction}'
    elif descending:
        order = "fid DESC"
    sql = f'SELECT fid FROM "{table}"{where} ORDER BY {order}'
    parts = [np.empty(0, dtype=np.int64)]
    for rows in store.execute_sql_chunks(sql, params, _FID_CHUNK):
        parts.append(np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)))
        # A window's worker reads this: between chunks the GIL goes to the GUI thread,
        # which otherwise waits out whole stretches of tuple-making (issue 13's stall).
        time.sleep(0)
    return np.concatenate(parts)


def contiguous_fids(store: GpkgStore, table: str, *, descending: bool = False) -> np.ndarray | None:
    """The fids of `table` in fid order when they run without gaps (a table as imported):
    three aggregates from the primary key instead of reading every fid. None otherwise."""
    table_columns(table)  # validates the name
    lo, hi, n = store.execute_sql(f'SELECT min(fid), max(fid), count(*) FROM "{table}"')[0]
    if n == 0:
        return np.empty(0, dtype=np.int64)
    if hi - lo + 1 != n:
        return None
    fids = np.arange(lo, hi + 1, dtype=np.int64)
    return fids[::-1].copy() if descending else fids


def rows_by_fid(
    store: GpkgStore, table: str, fids: Sequence[int], columns: Sequence[str] | None = None
) -> dict[int, tuple[Any, ...]]:
    """Rows of `table` by fid, each a tuple of `columns` (all shown columns by default)."""
    cols = list(columns or table_columns(table))
    valid = set(table_columns(table))
    for c in cols:
        if c not in valid:
            raise QjgisError("unknown_column", table=table, column=c)
    quoted = ", ".join(f'"{c}"' for c in cols)
    out: dict[int, tuple[Any, ...]] = {}
    for part in _chunks([int(f) for f in fids]):
        marks = ", ".join("?" * len(part))
        for row in store.execute_sql(
            f'SELECT fid, {quoted} FROM "{table}" WHERE fid IN ({marks})', part
        ):
            out[int(row[0])] = tuple(row[1:])
    return out
