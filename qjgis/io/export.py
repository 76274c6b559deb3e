"""Export of project layers to the files other tools read: shapefile, GeoPackage, GeoJSON, XLSX.

Decisions, each for the user who opens the file elsewhere:

- **Shapefile**: national field names (ZDDM, BDCDYH, QLRMC ...), at most 10 bytes, with
  `NAME_fields.csv` beside it (UTF-8 with BOM, so Excel opens it) giving each field's project
  column and Chinese title. Text is GBK by default (what Chinese desktop tools read) or UTF-8,
  and a `.cpg` always says which. A DBF text field holds 254 bytes and GDAL truncates longer
  values with only a warning, and replaces characters the code page lacks: both would corrupt
  data silently, so the export is refused instead, naming the field, the row and its key (and
  suggesting `--encoding utf-8` or another format). Booleans are written 是/否 as surveyors'
  files carry them. The JSON `extra` column is left out of shapefiles (it rarely fits 254
  bytes) and reported as omitted; the other formats keep it.
- **GeoPackage**: project column names, Chinese titles in the output's `gpkg_data_columns`
  (name and title), the layer title as the table description.
- **GeoJSON**: RFC 7946 says WGS 84 longitude/latitude, so geometries are reprojected from the
  project CRS with pyproj (CGCS2000 and WGS 84 agree to a few centimetres, which PROJ treats as
  a null transformation) and written with 12 decimals (~0.1 mm) so that a round trip back to
  the project CRS stays within a micrometre. The source CRS is recorded in the layer
  description and in the export's result.
- **XLSX**: one sheet, Chinese titles as the header, IDs and codes as text cells (Excel would
  turn an 18-digit ID into 5.0011E+17), dates as dates, and the geometry as its area and the
  centroid's easting/northing (named E/N, not X/Y: Chinese survey tables call the northing X).
- **households** is an attribute table: households joined with their members, one row per
  member with the household's fields repeated (a household without members gives one row, a
  member whose household is missing keeps its row). As a shapefile it is a `.dbf` alone; as
  GeoJSON it is features with null geometry, which RFC 7946 allows.
- **findings** carry their primary entity's geometry: the parcel or building (by the fid in the
  entities JSON, else by code), the union of the household's parcels, null otherwise. Their
  number (FINDING_ID, what `review` takes) leads each row. Their entities and evidence JSON
  has no length limit (a 一户多宅 evidence runs to 500 characters), so a shapefile export puts
  those two in `NAME_details.csv` (UTF-8 with BOM, one row per FINDING_ID) rather than refuse.
- **Personal data**: ID and phone numbers are masked (`qjgis.codes.mask_id`/`mask_phone`), and
  digit runs that look like one are masked inside free text and JSON, unless `unmask`. Every
  export is audited (`export`, or `export.unmask` for clear personal data), because a mature
  tool accounts for every copy of personal data that leaves the project.
- **Atomic output**: everything is written in a temporary folder beside the target; the audit
  entry is committed, and only then are the files moved into place, so an output file never
  exists without its audit entry (a kill between the two leaves an entry for a file that is
  not there, which says more than a copy nobody accounted for). A failure leaves no file. The
  temporary folder records its project and holds a lock while its export runs: the next
  export of the project into that folder removes folders left by a killed export
  (`clean_stale_exports`). An existing target is refused unless `overwrite`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer

from qjgis import codes, gpkg, schema, tables
from qjgis.errors import QjgisError
from qjgis.feedback import Feedback, NullFeedback, check_canceled
from qjgis.store import GpkgStore, to_multipolygons

QjgisError.register(
    {
        "export_unknown_village": "{path}: village {village} is not in the project",
        "export_no_village_polygon": (
            "{path}: village {village} has no boundary polygon to select buildings by"
        ),
        "export_bad_suffix": "{path}: a {format} export must be named *{suffixes}",
        "export_text_too_long": (
            "{path}: field {field} of row {row} ({key}) takes {size} bytes in {encoding}, "
            "more than the 254 a shapefile text field holds ({count} value(s) in all); "
            "export to gpkg or xlsx instead"
        ),
        "export_unencodable": (
            "{path}: field {field} of row {row} ({key}) contains {chars} that {encoding} "
            "cannot encode ({count} value(s) in all); export with --encoding utf-8"
        ),
        "export_too_many_rows": (
            "{path}: {rows} rows do not fit in one Excel sheet (at most {limit}); "
            "export to gpkg or filter by village"
        ),
        "export_write_failed": "{path}: could not write the export ({detail})",
        "export_fids_layer": "{path}: rows picked by number can be exported from {layers} only",
    }
)

LAYERS = ("parcels", "buildings", "villages", "households", "findings")
FORMATS = ("shp", "gpkg", "geojson", "xlsx", "csv")
#: layers whose rows an export can pick by fid (an attribute table's filtered rows)
FID_LAYERS = ("parcels", "buildings", "villages")
ENCODINGS = {"gbk": "GBK", "utf-8": "UTF-8"}  # option value -> codec and .cpg text
SUFFIXES = {
    "shp": (".shp", ".dbf"),
    "gpkg": (".gpkg",),
    "geojson": (".geojson", ".json"),
    "xlsx": (".xlsx",),
    "csv": (".csv",),
}
SHP_TEXT_BYTES = 254
SHP_SIDECARS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx")
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit less the header row
GEOJSON_CRS = "EPSG:4326"
GEOJSON_DECIMALS = 12
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Personal numbers inside free text and JSON: an 18- or 15-character ID, an 11-digit mobile
# number. A digit run that follows "." is a fraction (areas in evidence JSON), not a number
# to hide.
_ID_IN_TEXT = re.compile(r"(?<![\d.])(?:\d{17}[\dXx]|\d{15})(?![\dA-Za-z])")
_PHONE_IN_TEXT = re.compile(r"(?<![\d.])1[3-9]\d{9}(?!\d)")


@dataclass(frozen=True)
class Field:
    """One exported column: our name, its shapefile name, its Chinese title and kind."""

    column: str
    shp: str  # national database name, at most 10 bytes
    title: str
    kind: str  # text | real | int | date | bool
    personal: str | None = None  # id | phone | text (scan for embedded numbers)
    sidecar: bool = False  # in shapefiles: written to NAME_details.csv, not the DBF


def _sidecar(f: Field) -> Field:
    return Field(f.column, "", f.title, f.kind, f.personal, sidecar=True)


_KINDS = {"TEXT": "text", "REAL": "real", "INTEGER": "int", "DATE": "date", "BOOLEAN": "bool"}


def _f(table: str, column: str, shp: str, personal: str | None = None) -> Field:
    if column == "fid":
        return Field("fid", shp, "编号", "int")
    col = next(c for c in schema.TABLE_BY_NAME[table].columns if c.name == column)
    kind = _KINDS.get(col.sql.split()[0], "text")  # DATETIME stays ISO text
    return Field(column, shp, col.title, kind, personal)


_EXTRA = "extra"  # JSON of unmapped source fields: not in shapefiles

FIELDS: dict[str, tuple[Field, ...]] = {
    # Same names as the demo's survey shapefiles (qjgis/demo.py), which the importer maps.
    "parcels": (
        _f("parcels", "zddm", "ZDDM"),
        _f("parcels", "bdcdyh", "BDCDYH"),
        _f("parcels", "village_code", "CDM"),
        _f("parcels", "zl", "ZL"),
        _f("parcels", "yt", "YT"),
        _f("parcels", "land_type", "YDL"),
        _f("parcels", "zdmj", "ZDMJ"),
        _f("parcels", "pzmj", "PZMJ"),
        _f("parcels", "acquired", "ZJDQDSJ"),
        _f("parcels", "acquisition_mode", "QDFS"),
        _f("parcels", "approval_no", "PZWH"),
        _f("parcels", "approval_date", "PZRQ"),
        _f("parcels", "must_demolish_old", "SFCJ"),
        _f("parcels", "demolition_deadline", "CJQX"),
        _f("parcels", "disposal", "AZFKZT"),
        _f("parcels", "disposal_deadline", "AZFKQX"),
        _f("parcels", "holder_name", "QLRMC"),
        _f("parcels", "holder_id", "ZJH", "id"),
        _f("parcels", "household_no", "HH"),
        _f("parcels", "co_holders", "GYQLR", "text"),
        _f("parcels", _EXTRA, "", "text"),
    ),
    "buildings": (
        _f("buildings", "bdcdyh", "BDCDYH"),
        _f("buildings", "zrzh", "ZRZH"),
        _f("buildings", "zddm", "ZDDM"),
        _f("buildings", "floors", "ZCS"),
        _f("buildings", "structure", "FWJG"),
        _f("buildings", "year_built", "JCNF"),
        _f("buildings", "footprint_area", "ZZDMJ"),
        _f("buildings", "status", "FWZT"),
        _f("buildings", "danger_grade", "WFDJ"),
        _f("buildings", "assessed", "JDRQ"),
        _f("buildings", "assessed_by", "JDDW"),
        _f("buildings", _EXTRA, "", "text"),
    ),
    "villages": (
        _f("villages", "code", "CDM"),
        _f("villages", "name", "CMC"),
        _f("villages", "town_code", "XZQDM"),
        Field("town_name", "XZQMC", "镇街名称", "text"),
        _f("villages", _EXTRA, "", "text"),
    ),
    "households": (
        _f("households", "household_no", "HH"),
        _f("households", "village_code", "CDM"),
        _f("households", "head_name", "HZXM"),
        _f("households", "head_id", "HZSFZH", "id"),
        _f("households", "household_type", "NHLX"),
        _f("households", "lives_in_village", "SFZCJZ"),
        _f("households", "split_status", "FHZT"),
        _f("members", "seq", "XH"),
        _f("members", "name", "XM"),
        _f("members", "id_number", "SFZHM", "id"),
        _f("members", "relation", "YHZGX"),
        _f("members", "sex", "XB"),
        _f("members", "birth_date", "CSRQ"),
        _f("members", "phone", "LXDH", "phone"),
        _f("households", _EXTRA, "", "text"),
        Field("member_extra", "", "成员其他字段(JSON)", "text", "text"),
    ),
    "findings": (
        _f("findings", "fid", "FINDING_ID"),  # the number `review` takes
        _f("findings", "rule_id", "RULE_ID"),
        _f("findings", "rule_version", "RULE_VER"),
        _f("findings", "key", "ENTITY_KEY"),
        _f("findings", "entity_kind", "KIND"),
        _f("findings", "severity", "SEVERITY"),
        _f("findings", "exemption", "EXEMPTION"),
        _f("findings", "village_code", "CDM"),
        # JSON of any length: a DBF cuts text at 254 bytes, so in shapefiles these two go
        # to NAME_details.csv beside it, one row per FINDING_ID.
        _sidecar(_f("findings", "entities", "", "text")),
        _sidecar(_f("findings", "evidence", "", "text")),
        _f("findings", "state", "STATE"),
        _f("findings", "first_run", "FIRST_RUN"),
        _f("findings", "last_run", "LAST_RUN"),
        _f("findings", "decision", "DECISION"),
        _f("findings", "decision_reason", "REASON", "text"),
        _f("findings", "decided_by", "DECIDED_BY"),
        _f("findings", "decided_at", "DECIDED_AT"),
    ),
}
# Extra columns of the XLSX export that stand for the geometry.
GEOMETRY_FIELDS = (
    Field("area", "", "面积(平方米)", "real"),
    Field("centroid_e", "", "中心点东坐标(E)", "real"),
    Field("centroid_n", "", "中心点北坐标(N)", "real"),
)
LAYER_TITLES = {
    "parcels": schema.PARCELS.title,
    "buildings": schema.BUILDINGS.title,
    "villages": schema.VILLAGES.title,
    "households": "户及成员",
    "findings": schema.FINDINGS.title,
}


@dataclass
class ExportResult:
    """What an export wrote; `as_json()` is the CLI's `--json` shape."""

    path: str
    layer: str
    format: str
    rows: int
    files: list[str]
    crs: str | None  # of the written coordinates; None for attribute tables
    encoding: str | None  # shapefile text encoding
    masked: bool
    village: str | None
    omitted: list[str] = field(default_factory=list)  # columns a format cannot carry
    audit_id: int = 0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Table:
    """Rows ready to write: geometry (None for attribute tables), columns, row keys."""

    fields: tuple[Field, ...]
    columns: dict[str, np.ndarray]
    keys: np.ndarray  # business key of each row, for messages
    geometry: np.ndarray | None

    def __len__(self) -> int:
        return len(self.keys)


# ==================================================================== masking
def _is_none(values: Any) -> np.ndarray:
    """Elementwise `is None` over an object column, in one comparison."""
    return np.asarray(np.asarray(values, dtype=object) == None)  # noqa: E711


def _not_null(values: np.ndarray) -> np.ndarray:
    """Indices of the non-null entries of an object column."""
    arr = np.asarray(values, dtype=object)
    return np.flatnonzero(~_is_none(arr))


def mask_id_column(values: Sequence[Any] | np.ndarray) -> np.ndarray:
    """`codes.mask_id` over a column (None stays None), vectorised for 15/18-character IDs."""
    arr = np.asarray(values, dtype=object)
    out = arr.copy()
    idx = _not_null(arr)
    if not len(idx):
        return out
    raw = arr[idx].astype(str)
    n = np.char.str_len(raw)
    clean = n == np.char.str_len(np.char.strip(raw))  # surrounding blanks: the slow path
    result = np.empty(len(idx), dtype=object)
    done = np.zeros(len(idx), dtype=bool)
    for length in (15, 18):  # the two lengths of a real ID number
        sel = clean & (n == length)
        if not sel.any():
            continue
        fixed = raw[sel].astype(f"<U{length}")
        head = fixed.astype("<U6")  # a narrowing cast keeps the first 6 characters
        chars = fixed.view("<U1").reshape(-1, length)
        tail = np.ascontiguousarray(chars[:, length - 4 :]).view("<U4").ravel()
        tail = np.char.replace(tail, "x", "X")
        result[sel] = np.char.add(np.char.add(head, "*" * (length - 10)), tail).astype(object)
        done |= sel
    for i in np.flatnonzero(~done):  # odd lengths and padded values are rare
        result[i] = codes.mask_id(str(arr[idx[i]]))
    out[idx] = result
    return out


def mask_phone_column(values: Sequence[Any] | np.ndarray) -> np.ndarray:
    """`codes.mask_phone` over a column, vectorised for plain 11-digit numbers."""
    arr = np.asarray(values, dtype=object)
    out = arr.copy()
    idx = _not_null(arr)
    if not len(idx):
        return out
    raw = arr[idx].astype(str)
    fast = (np.char.str_len(raw) == 11) & np.char.isdecimal(raw)
    result = np.empty(len(idx), dtype=object)
    if fast.any():
        fixed = raw[fast].astype("<U11")
        chars = fixed.view("<U1").reshape(-1, 11)
        tail = np.ascontiguousarray(chars[:, 7:]).view("<U4").ravel()
        result[fast] = np.char.add(np.char.add(fixed.astype("<U3"), "****"), tail).astype(object)
    for i in np.flatnonzero(~fast):  # separators or other lengths: the exact rule
        result[i] = codes.mask_phone(str(arr[idx[i]]))
    out[idx] = result
    return out


def _mask_match_id(m: re.Match[str]) -> str:
    return codes.mask_id(m.group(0))


def _mask_match_phone(m: re.Match[str]) -> str:
    return codes.mask_phone(m.group(0))


def mask_text_column(values: Sequence[Any] | np.ndarray) -> np.ndarray:
    """Mask ID- and phone-like digit runs inside free text or JSON (None stays None)."""
    arr = _text(np.asarray(values, dtype=object))
    out = arr.copy()
    idx = _not_null(arr)
    if not len(idx):
        return out
    text = arr[idx].tolist()
    # Search the whole column joined once (NUL is no digit, so it keeps values apart) and
    # substitute only in the rows that hold a match.
    joined = "\x00".join(text)
    ends = np.cumsum(np.fromiter(map(len, text), dtype=np.int64, count=len(text)) + 1)
    starts = [m.start() for m in _ID_IN_TEXT.finditer(joined)]
    starts += [m.start() for m in _PHONE_IN_TEXT.finditer(joined)]
    for i in np.unique(np.searchsorted(ends, starts, side="right")).tolist():
        masked = _ID_IN_TEXT.sub(_mask_match_id, text[i])
        out[idx[i]] = _PHONE_IN_TEXT.sub(_mask_match_phone, masked)
    return out


def mask_nested(value: Any) -> Any:
    """A JSON-like value (a report, a result) with every ID- and phone-like digit run masked.

    For what a command prints rather than exports: an import report quotes encoding
    samples such as `石学光(500222196104242923)` and the failing values of bad ID
    numbers. Keys are kept; numbers are left alone (an 18-digit ID is never a JSON
    number here: the importer keeps IDs as text).
    """
    if isinstance(value, str):
        return mask_text_column(np.array([value], dtype=object))[0]
    if isinstance(value, dict):
        return {k: mask_nested(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_nested(v) for v in value]
    return value


def personal_view(
    store: GpkgStore, value: Any, *, unmask: bool, command: str, entity: str | None
) -> Any:
    """`value` as a command may print it: masked, or in clear with an audit entry.

    DESIGN.md, "Personal data": unmasked output is an explicit option and is
    audited, whether it goes to a file (export) or to the screen (`--unmask`).
    """
    if not unmask:
        return mask_nested(value)
    with store.transaction() as conn:
        store.audit(conn, command + ".unmask", entity, None, {"shown": "unmasked"})
    return value


def _mask(table: _Table) -> None:
    for f in table.fields:
        if f.personal is None or f.column not in table.columns:
            continue
        fn = {"id": mask_id_column, "phone": mask_phone_column, "text": mask_text_column}
        table.columns[f.column] = fn[f.personal](table.columns[f.column])


# ==================================================================== collecting rows
def _village_known(store: GpkgStore, village: str) -> bool:
    for table, column in (
        ("villages", "code"),
        ("parcels", "village_code"),
        ("households", "village_code"),
        ("findings", "village_code"),
    ):
        rows = store.execute_sql(
            f'SELECT 1 FROM "{table}" WHERE "{column}" = ? LIMIT 1', (village,)
        )
        if rows:
            return True
    return False


def _columns_of(layer: str) -> list[str]:
    return [f.column for f in FIELDS[layer] if f.column in _stored_columns(layer)]


def _stored_columns(table: str) -> set[str]:
    return {c.name for c in schema.TABLE_BY_NAME[table].columns}


def _text(values: np.ndarray) -> np.ndarray:
    """An object column of str (None kept); SQLite may hand back numbers in a TEXT column."""
    arr = np.asarray(values, dtype=object)
    idx = _not_null(arr)
    present = arr[idx].tolist()
    if set(map(type, present)) <= {str}:  # the common case: nothing to convert
        return arr
    out = arr.copy()
    out[idx] = [str(v) for v in present]
    return out


def _collect_spatial(
    store: GpkgStore, layer: str, village: str | None, fids: np.ndarray | None = None
) -> _Table:
    cols = _columns_of(layer)
    bbox: tuple[float, float, float, float] | None = None
    inside: Any = None
    if village is not None and layer == "buildings":
        rows = store.execute_sql(
            f"SELECT {gpkg.wkb_sql('geom')} FROM villages WHERE code = ?", (village,)
        )
        polys = gpkg.decode([r[0] for r in rows])
        polys = polys[~shapely.is_missing(polys)] if len(polys) else polys
        if not len(polys):
            raise QjgisError("export_no_village_polygon", path=store.path, village=village)
        inside = shapely.union_all(polys)
        x0, y0, x1, y1 = (float(v) for v in shapely.bounds(inside))
        bbox = (x0, y0, x1, y1)
    data = store.read_layer(layer, cols, bbox=bbox)
    keep = np.ones(len(data), dtype=bool)
    if village is not None:
        if layer == "buildings":
            # A building belongs to the village its point-on-surface lies in.
            shapely.prepare(inside)
            pts = shapely.point_on_surface(data.geometry)
            keep = shapely.contains(inside, pts) & ~shapely.is_missing(data.geometry)
        else:
            column = "code" if layer == "villages" else "village_code"
            keep = np.equal(data.attrs[column], village)
    rows: np.ndarray = np.flatnonzero(keep)
    if fids is not None:
        # These rows, in this order (an attribute table's filter and sort); fids the
        # layer no longer has are left out.
        order = np.argsort(data.fids[rows], kind="stable")
        sorted_fids = data.fids[rows][order]
        at = np.searchsorted(sorted_fids, fids)
        found = at < len(sorted_fids)
        found[found] = sorted_fids[at[found]] == fids[found]
        rows = rows[order[at[found]]]
    columns = {c: data.attrs[c][rows] for c in cols}
    geometry = data.geometry[rows]
    if layer == "villages":
        towns = store.read_table("towns", ["code", "name"])
        lookup = dict(zip(towns["code"].tolist(), towns["name"].tolist(), strict=True))
        columns["town_name"] = np.array(
            [lookup.get(c) for c in columns["town_code"].tolist()], dtype=object
        )
    key_column = {"parcels": "zddm", "buildings": "bdcdyh", "villages": "code"}[layer]
    return _Table(FIELDS[layer], columns, _text(columns[key_column]), geometry)


def _collect_households(store: GpkgStore, village: str | None) -> _Table:
    h_cols = [f.column for f in FIELDS["households"] if f.column in _stored_columns("households")]
    m_cols = ["household_no", "seq", "name", "id_number", "relation", "sex", "birth_date"]
    m_cols += ["phone", "extra"]
    h = store.read_table("households", h_cols)
    m = store.read_table("members", m_cols)
    if village is not None:
        keep = np.equal(h["village_code"], village)
        h = {k: v[keep] for k, v in h.items()}
    h_no = h["household_no"].astype(str)
    m_no = m["household_no"].astype(str)
    # A household number may repeat (an import keeps duplicates and flags them): members
    # join the first household row with their number, in file order.
    uniq, first = np.unique(h_no, return_index=True)
    pos = np.searchsorted(uniq, m_no)
    pos_c = np.minimum(pos, max(len(uniq) - 1, 0))
    matched = (pos < len(uniq)) & (uniq[pos_c] == m_no) if len(uniq) else np.zeros(len(m_no), bool)
    m_house = np.where(matched, first[pos_c] if len(uniq) else 0, -1)
    if village is not None:  # members of other villages' households (and orphans) stay out
        m_sel = np.flatnonzero(matched)
    else:
        m_sel = np.arange(len(m_no))
    has_member = np.zeros(len(h_no), dtype=bool)
    has_member[m_house[m_sel][m_house[m_sel] >= 0]] = True
    lonely = np.flatnonzero(~has_member)
    # Rows: members (with their household, or alone) then households without members,
    # ordered by the household's row, then the member's sequence number.
    n_h = len(lonely)
    house = np.concatenate([m_house[m_sel], lonely])
    member = np.concatenate([m_sel, np.full(n_h, -1)])
    m_seq = m["seq"][m_sel]
    seq = np.concatenate(
        [np.where(_is_none(m_seq), 0, m_seq).astype(np.int64), np.zeros(n_h, np.int64)]
    )
    house_order = np.where(house >= 0, house, len(h_no) + member)
    order = np.lexsort((seq, house_order))
    house, member = house[order], member[order]
    columns: dict[str, np.ndarray] = {}

    def take(source: dict[str, np.ndarray], column: str, rows: np.ndarray) -> np.ndarray:
        out = np.full(len(rows), None, dtype=object)
        ok = rows >= 0
        out[ok] = source[column][rows[ok]]
        return out

    for c in h_cols:
        columns[c] = take(h, c, house)
    orphan = house < 0
    columns["household_no"][orphan] = m["household_no"][member[orphan]]
    for c in ("seq", "name", "id_number", "relation", "sex", "birth_date", "phone"):
        columns[c] = take(m, c, member)
    columns["member_extra"] = take(m, "extra", member)
    seq_text = np.where(_is_none(columns["seq"]), "", columns["seq"].astype(str))
    keys = np.char.add(np.char.add(_text(columns["household_no"]).astype(str), "/"), seq_text)
    return _Table(FIELDS["households"], columns, keys.astype(object), None)


def _fetch(
    store: GpkgStore, sql: str, values: list[Any], chunk: int = 900
) -> list[tuple[Any, ...]]:
    """Run `sql` (with one `{}` for a placeholder list) over values in chunks."""
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(values), chunk):
        part = values[start : start + chunk]
        rows += store.execute_sql(sql.format(", ".join("?" * len(part))), part)
    return rows


def _finding_geometry(
    store: GpkgStore, kind: np.ndarray, key: np.ndarray, entities: np.ndarray
) -> np.ndarray:
    """The geometry of each finding's primary entity (None where it has none)."""
    n = len(kind)
    geometry = np.full(n, None, dtype=object)
    if n == 0:
        return geometry
    # entities is JSON per finding; parsing it is one call per finding (findings are few
    # next to the parcels they refer to).
    target: dict[str, list[tuple[int, int | None, str]]] = {"parcel": [], "building": []}
    house_parcels: dict[int, list[int]] = {}
    house_keys: dict[int, str] = {}
    for i, (k, key_i, ents) in enumerate(
        zip(kind.tolist(), key.tolist(), entities.tolist(), strict=True)
    ):
        try:
            refs = json.loads(ents) if ents else []
        except (TypeError, ValueError):
            refs = []
        refs = [r for r in refs if isinstance(r, dict)] if isinstance(refs, list) else []
        if k in target:
            fid = next(
                (r.get("fid") for r in refs if r.get("kind") == k and r.get("key") == key_i),
                None,
            )
            if fid is None:
                fid = next(
                    (r.get("fid") for r in refs if r.get("kind") == k and r.get("fid")), None
                )
            target[k].append((i, fid if isinstance(fid, int) else None, str(key_i)))
        elif k == "household":
            fids = [
                r["fid"]
                for r in refs
                if r.get("kind") == "parcel" and isinstance(r.get("fid"), int)
            ]
            if fids:
                house_parcels[i] = fids
            else:
                house_keys[i] = str(key_i)

    for k, layer, code in (("parcel", "parcels", "zddm"), ("building", "buildings", "bdcdyh")):
        items = target[k]
        unresolved = [(i, key_i) for i, fid, key_i in items if fid is None]
        resolved = {i: fid for i, fid, _ in items if fid is not None}
        if unresolved:
            # A key "CODE#k" is the k-th row carrying a duplicated code, in fid order.
            base = {i: key_i.split("#", 1) for i, key_i in unresolved}
            codes_ = sorted({b[0] for b in base.values()})
            rows = _fetch(
                store,
                f'SELECT fid, "{code}" FROM "{layer}" WHERE "{code}" IN ({{}}) ORDER BY fid',
                codes_,
            )
            by_code: dict[str, list[int]] = {}
            for fid, c in rows:
                by_code.setdefault(c, []).append(fid)
            for i, parts in base.items():
                found = by_code.get(parts[0], [])
                rank = int(parts[1]) if len(parts) == 2 and parts[1].isdigit() else 1
                if 1 <= rank <= len(found) and (len(found) == 1 or len(parts) == 2):
                    resolved[i] = found[rank - 1]
        fids = sorted(set(resolved.values()))
        rows = _fetch(
            store, f'SELECT fid, {gpkg.wkb_sql("geom")} FROM "{layer}" WHERE fid IN ({{}})', fids
        )
        geom_by_fid = dict(
            zip([r[0] for r in rows], gpkg.decode([r[1] for r in rows]), strict=True)
        )
        for i, fid in resolved.items():
            geometry[i] = geom_by_fid.get(fid)

    if house_keys:
        rows = _fetch(
            store,
            "SELECT household_no, fid FROM parcels WHERE household_no IN ({}) ORDER BY fid",
            sorted(set(house_keys.values())),
        )
        by_house: dict[str, list[int]] = {}
        for hno, fid in rows:
            by_house.setdefault(hno, []).append(fid)
        for i, hno in house_keys.items():
            if hno in by_house:
                house_parcels[i] = by_house[hno]
    if house_parcels:
        fids = sorted({f for fs in house_parcels.values() for f in fs})
        rows = _fetch(
            store, f"SELECT fid, {gpkg.wkb_sql('geom')} FROM parcels WHERE fid IN ({{}})", fids
        )
        geom_by_fid = dict(
            zip([r[0] for r in rows], gpkg.decode([r[1] for r in rows]), strict=True)
        )
        finding = np.array([i for i, fs in house_parcels.items() for _ in fs], dtype=np.int64)
        pieces = np.array(
            [geom_by_fid.get(f) for fs in house_parcels.values() for f in fs], dtype=object
        )
        ok = ~shapely.is_missing(pieces)
        finding, pieces = finding[ok], pieces[ok]
        polys, src = shapely.get_parts(pieces, return_index=True)
        if len(polys):
            owners = finding[src]
            uniq, inverse = np.unique(owners, return_inverse=True)
            # Parcels of one household seldom overlap: their collection is their union.
            merged = shapely.multipolygons(polys, indices=inverse)
            bad = np.flatnonzero(~shapely.is_valid(merged))
            for j in bad:  # overlapping parcels: a true union, for these few only
                merged[j] = shapely.union_all(polys[inverse == j])
            geometry[uniq] = merged
    return geometry


def _collect_findings(store: GpkgStore, village: str | None) -> _Table:
    cols = [f.column for f in FIELDS["findings"]]
    data = store.read_table("findings", [c for c in cols if c != "fid"])
    if village is not None:
        keep = np.equal(data["village_code"], village)
        data = {k: v[keep] for k, v in data.items()}
    geometry = _finding_geometry(store, data["entity_kind"], data["key"], data["entities"])
    keys = np.char.add(
        np.char.add(_text(data["rule_id"]).astype(str), " "), _text(data["key"]).astype(str)
    ).astype(object)
    return _Table(FIELDS["findings"], {c: data[c] for c in cols}, keys, geometry)


def _collect(
    store: GpkgStore, layer: str, village: str | None, fids: np.ndarray | None = None
) -> _Table:
    if layer == "households":
        return _collect_households(store, village)
    if layer == "findings":
        return _collect_findings(store, village)
    return _collect_spatial(store, layer, village, fids)


# ==================================================================== column conversion
def _null_mask(values: np.ndarray) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        return np.isnan(arr)
    if arr.dtype == object:
        return _is_none(arr)
    return np.zeros(len(arr), dtype=bool)


def _as_dates(values: np.ndarray) -> np.ndarray | None:
    """ISO dates as datetime64[D] (None -> NaT); None when any value is not a plain date."""
    arr = np.asarray(values, dtype=object)
    idx = _not_null(arr)
    text = arr[idx].astype(str)
    if len(text) and not all(ISO_DATE.match(t) for t in np.unique(text).tolist()):
        return None
    out = np.full(len(arr), np.datetime64("NaT"), dtype="datetime64[D]")
    try:
        out[idx] = text.astype("datetime64[D]")
    except ValueError:  # 2023-02-30 and the like: keep the text as it is
        return None
    return out


def _int_column(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    arr = np.asarray(values, dtype=object)
    missing = _is_none(arr)
    out = np.zeros(len(arr), dtype=np.int64)
    out[~missing] = arr[~missing].astype(np.int64)
    return out, missing


def _bool_column(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    arr = np.asarray(values, dtype=object)
    missing = _is_none(arr)
    out = np.zeros(len(arr), dtype=bool)
    out[~missing] = arr[~missing].astype(int).astype(bool)
    return out, missing


def _ogr_columns(
    table: _Table, fields: Sequence[Field], *, bool_as_text: bool
) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
    """Arrays and null masks for pyogrio, typed by each field's kind."""
    data: list[np.ndarray] = []
    masks: list[np.ndarray | None] = []
    for f in fields:
        values = table.columns[f.column]
        if f.kind == "real":
            data.append(np.asarray(values, dtype=float))
            masks.append(None)  # NaN is written as null
        elif f.kind == "int":
            arr, missing = _int_column(values)
            data.append(arr)
            masks.append(missing if missing.any() else None)
        elif f.kind == "bool" and bool_as_text:
            arr, missing = _bool_column(values)
            text = np.where(arr, "是", "否").astype(object)
            text[missing] = None
            data.append(text)
            masks.append(None)
        elif f.kind == "bool":
            arr, missing = _bool_column(values)
            data.append(arr)
            masks.append(missing if missing.any() else None)
        elif f.kind == "date":
            dates = _as_dates(values)
            data.append(dates if dates is not None else _text(values))
            masks.append(None)
        else:
            data.append(_text(values))
            masks.append(None)
    return data, masks


# ==================================================================== writers
def _check_shp_text(
    path: Path, name: str, values: np.ndarray, keys: np.ndarray, encoding: str
) -> None:
    """Refuse text a DBF cannot hold in `encoding`, naming the first offending row.

    The column is encoded joined into one string (one codec call, not one per value);
    a value can exceed 254 bytes only with more than 254 / (bytes per character) characters,
    so exact byte counts are taken for those few.
    """
    idx = _not_null(values)
    if not len(idx):
        return
    text = _text(values[idx]).tolist()
    try:
        "".join(text).encode(encoding)
    except UnicodeEncodeError:
        bad = [i for i, t in enumerate(text) if not _encodable(t, encoding)]
        first = idx[bad[0]]
        odd = "".join(dict.fromkeys(c for c in text[bad[0]] if not _encodable(c, encoding)))
        raise QjgisError(
            "export_unencodable", path=str(path), field=name, row=int(first) + 1,
            key=keys[first], chars=", ".join(f"'{c}' (U+{ord(c):04X})" for c in odd),
            encoding=encoding, count=len(bad),
        ) from None  # fmt: skip
    widest = 2 if encoding == "GBK" else 4
    chars = np.fromiter(map(len, text), dtype=np.int64, count=len(text))
    maybe = np.flatnonzero(chars * widest > SHP_TEXT_BYTES)
    size = np.array([len(text[i].encode(encoding)) for i in maybe.tolist()], dtype=np.int64)
    long = maybe[size > SHP_TEXT_BYTES]
    if len(long):
        first = idx[long[0]]
        raise QjgisError(
            "export_text_too_long", path=str(path), field=name, row=int(first) + 1,
            key=keys[first], size=int(size[size > SHP_TEXT_BYTES][0]), encoding=encoding,
            count=len(long),
        )  # fmt: skip


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _write_alias_table(
    path: Path, fields: Sequence[Field], details: Sequence[Field], details_name: str
) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = tables.CsvWriter(fh)
        w.writerow(["field", "column", "title", "type"])
        w.writerows((f.shp, f.column, f.title, f.kind) for f in fields)
        # Columns kept in the details table instead of the DBF, so that they are found.
        w.writerows((details_name, f.column, f.title, f.kind) for f in details)


def _ogr_write(path: Path, **kwargs: Any) -> None:
    from pyogrio.errors import DataSourceError, FieldError, GeometryError
    from pyogrio.raw import write

    try:
        write(str(path), **kwargs)
    except (DataSourceError, FieldError, GeometryError, RuntimeError) as exc:
        raise QjgisError("export_write_failed", path=str(path), detail=str(exc)) from None


def _wkb(geometry: np.ndarray) -> np.ndarray:
    return shapely.to_wkb(to_multipolygons(geometry), byte_order=1, flavor="iso")


def _write_shp(
    tmp: Path, final: Path, table: _Table, crs: str, encoding: str
) -> tuple[list[str], list[str]]:
    fields = [f for f in table.fields if f.shp]
    omitted = [f.column for f in table.fields if not f.shp and not f.sidecar]
    for f in fields:
        if f.kind == "text" or (f.kind == "date" and _as_dates(table.columns[f.column]) is None):
            _check_shp_text(final, f.shp, _text(table.columns[f.column]), table.keys, encoding)
    data, masks = _ogr_columns(table, fields, bool_as_text=True)
    spatial = table.geometry is not None
    stem = final.stem
    target = tmp / (f"{stem}.shp" if spatial else f"{stem}.dbf")
    _ogr_write(
        target,
        geometry=None if table.geometry is None else _wkb(table.geometry),
        field_data=data,
        fields=[f.shp for f in fields],
        field_mask=masks,
        driver="ESRI Shapefile",
        geometry_type="MultiPolygon" if spatial else None,
        crs=crs if spatial else None,
        encoding=encoding,
        promote_to_multi=spatial or None,
    )
    cpg = tmp / f"{stem}.cpg"
    if not cpg.exists():  # GDAL writes one for an encoding; the contract is that one exists
        cpg.write_text(encoding, encoding="ascii")
    details = [f for f in table.fields if f.sidecar]
    _write_alias_table(tmp / f"{stem}_fields.csv", fields, details, f"{stem}_details.csv")
    if details:
        key = fields[0]  # the row's identifier in the DBF
        with (tmp / f"{stem}_details.csv").open("w", encoding="utf-8-sig", newline="") as fh:
            w = tables.CsvWriter(fh)
            w.writerow([key.shp] + [f.column for f in details])
            w.writerows(
                zip(
                    *[_text(table.columns[f.column]).tolist() for f in [key, *details]], strict=True
                )
            )
    return sorted(p.name for p in tmp.iterdir() if not p.name.startswith(".")), omitted


def _write_gpkg(tmp: Path, final: Path, table: _Table, layer: str, crs: str) -> list[str]:
    target = tmp / final.name
    data, masks = _ogr_columns(table, table.fields, bool_as_text=False)
    spatial = table.geometry is not None
    _ogr_write(
        target,
        geometry=None if table.geometry is None else _wkb(table.geometry),
        field_data=data,
        fields=[f.column for f in table.fields],
        field_mask=masks,
        layer=layer,
        driver="GPKG",
        geometry_type="MultiPolygon" if spatial else None,
        crs=crs if spatial else None,
        promote_to_multi=spatial or None,
        layer_options={"DESCRIPTION": LAYER_TITLES[layer]},
    )
    _gpkg_titles(target, layer, table.fields)
    return [target.name]


def _gpkg_titles(path: Path, layer: str, fields: Sequence[Field]) -> None:
    """Chinese column titles in the GeoPackage schema extension, as QGIS reads aliases."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, "
            "column_name TEXT NOT NULL, name TEXT, title TEXT, description TEXT, "
            "mime_type TEXT, constraint_name TEXT, "
            "CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), "
            "CONSTRAINT gdc_tn UNIQUE (table_name, name))"
        )
        conn.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, "
            "extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, "
            "CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))"
        )
        conn.execute(
            "INSERT OR IGNORE INTO gpkg_extensions VALUES ('gpkg_data_columns', NULL, "
            "'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write')"
        )
        conn.executemany(
            "INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, title) "
            "VALUES (?, ?, ?, ?)",
            [(layer, f.column, f.title, f.title) for f in fields],
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


def _write_geojson(tmp: Path, final: Path, table: _Table, layer: str, crs: str) -> list[str]:
    target = tmp / final.name
    data, masks = _ogr_columns(table, table.fields, bool_as_text=False)
    geometry = None
    if table.geometry is not None:
        geometry = _wkb(to_wgs84(table.geometry, crs))
    _ogr_write(
        target,
        geometry=geometry,
        field_data=data,
        fields=[f.column for f in table.fields],
        field_mask=masks,
        layer=layer,
        driver="GeoJSON",
        geometry_type="MultiPolygon" if geometry is not None else "Unknown",
        crs=GEOJSON_CRS,
        promote_to_multi=geometry is not None or None,
        layer_options={
            "COORDINATE_PRECISION": str(GEOJSON_DECIMALS),
            "DESCRIPTION": f"{LAYER_TITLES[layer]}; reprojected from {crs} to WGS 84 (RFC 7946)",
        },
    )
    return [target.name]


def to_wgs84(geometry: np.ndarray, crs: str) -> np.ndarray:
    """Project-CRS geometries as WGS 84 longitude/latitude, in one vectorised transform."""
    t = Transformer.from_crs(CRS.from_user_input(crs), GEOJSON_CRS, always_xy=True)
    return _transform(geometry, t)


def from_wgs84(geometry: np.ndarray, crs: str) -> np.ndarray:
    """The inverse of `to_wgs84` (for reading a GeoJSON export back)."""
    t = Transformer.from_crs(GEOJSON_CRS, CRS.from_user_input(crs), always_xy=True)
    return _transform(geometry, t)


def _transform(geometry: np.ndarray, t: Transformer) -> np.ndarray:
    def fn(xy: np.ndarray) -> np.ndarray:
        x, y = t.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(np.asarray(geometry, dtype=object), fn)


def _xlsx_value_columns(table: _Table) -> tuple[list[Field], list[list[Any]]]:
    fields = list(table.fields)
    columns: list[list[Any]] = []
    for f in fields:
        values = table.columns[f.column]
        if f.kind == "real":
            arr = np.asarray(values, dtype=float)
            obj = arr.astype(object)
            obj[np.isnan(arr)] = None
            columns.append(obj.tolist())
        elif f.kind == "int":
            arr, missing = _int_column(values)
            obj = arr.astype(object)
            obj[missing] = None
            columns.append(obj.tolist())
        elif f.kind == "bool":
            arr, missing = _bool_column(values)
            obj = np.where(arr, "是", "否").astype(object)
            obj[missing] = None
            columns.append(obj.tolist())
        elif f.kind == "date":
            dates = _as_dates(values)
            if dates is None:
                columns.append(_text(values).tolist())
            else:
                obj = dates.astype(object)  # datetime.date, or None for NaT
                columns.append(obj.tolist())
        else:
            columns.append(_text(values).tolist())
    if table.geometry is not None:
        g = np.asarray(table.geometry, dtype=object)
        missing = shapely.is_missing(g) | shapely.is_empty(g)
        area = np.round(shapely.area(g), 2).astype(object)
        c = shapely.centroid(g)
        e = np.round(shapely.get_x(c), 3).astype(object)
        n = np.round(shapely.get_y(c), 3).astype(object)
        for arr in (area, e, n):
            arr[missing] = None
            columns.append(arr.tolist())
        fields += GEOMETRY_FIELDS
    return fields, columns


def _write_xlsx(tmp: Path, final: Path, table: _Table, layer: str) -> list[str]:
    from openpyxl import Workbook

    if len(table) > XLSX_MAX_ROWS:
        raise QjgisError(
            "export_too_many_rows", path=str(final), rows=len(table), limit=XLSX_MAX_ROWS
        )
    fields, columns = _xlsx_value_columns(table)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(LAYER_TITLES[layer])
    ws.freeze_panes = "A2"
    ws.append([f.title for f in fields])
    # Only values that would become formulas need a cell object; the scan finds them
    # without a call per value. Codes keep the General format these exports always had.
    for values in columns:
        formulas = [i for i, v in enumerate(values) if isinstance(v, str) and v.startswith("=")]
        for i in formulas:
            values[i] = tables.xlsx_cell(ws, values[i], codes_as_text=False)
    for row in zip(*columns, strict=True):  # openpyxl takes rows one by one
        ws.append(row)  # dates get openpyxl's yyyy-mm-dd format, str cells stay text
    target = tmp / final.name
    wb.save(target)
    return [target.name]


def _write_csv(tmp: Path, final: Path, table: _Table) -> list[str]:
    """The XLSX columns (titles, area and centroid) as UTF-8 CSV with a BOM for Excel;
    every cell through `tables.CsvWriter`, so no text runs as a formula."""
    fields, columns = _xlsx_value_columns(table)
    target = tmp / final.name
    with open(target, "w", encoding="utf-8-sig", newline="") as fh:
        w = tables.CsvWriter(fh)
        w.writerow([f.title for f in fields])
        w.writerows(zip(*columns, strict=True))
    return [target.name]


# ==================================================================== temporary folders
EXPORT_TMP_SUFFIX = ".export.tmp"
# Dot names: never taken for output files (`_write_shp` lists the folder).
_OWNER = ".owner.json"
_LOCK = ".lock"


def _lock_file(fh: Any) -> bool:
    """Take an exclusive lock on an open file without waiting; False if another holds it."""
    try:
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _claim(tmp: Path, store: GpkgStore) -> Any:
    """Mark `tmp` as this project's running export; the returned file holds the lock.

    The operating system drops the lock when the process dies, however it dies, so a
    folder whose lock can be taken belongs to an export that no longer runs.
    """
    (tmp / _OWNER).write_text(
        json.dumps({"project": str(Path(store.path).resolve()), "pid": os.getpid()}),
        encoding="utf-8",
    )
    fh = open(tmp / _LOCK, "a+b")  # noqa: SIM115 - held open until the export ends
    _lock_file(fh)
    return fh


def clean_stale_exports(store: GpkgStore, folder: str | os.PathLike[str]) -> list[Path]:
    """Remove temporary folders a killed export of this project left in `folder`.

    Only folders that name this project as their owner and whose lock is free are
    removed: another project's, and a running export's, are left alone.
    """
    project = str(Path(store.path).resolve())
    removed = []
    for tmp in Path(folder).glob(f".*{EXPORT_TMP_SUFFIX}"):
        try:
            owner = json.loads((tmp / _OWNER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not ours to judge
        if not isinstance(owner, dict) or owner.get("project") != project:
            continue
        try:
            with open(tmp / _LOCK, "a+b") as fh:
                if not _lock_file(fh):
                    continue  # its export still runs
        except OSError:
            continue
        shutil.rmtree(tmp, ignore_errors=True)
        removed.append(tmp)
    return removed


# ==================================================================== the command
def _check_options(layer: str, fmt: str, encoding: str | None) -> str | None:
    if layer not in LAYERS:
        raise QjgisError(
            "invalid_argument",
            name="--layer",
            value=layer,
            reason="one_of",
            choices=", ".join(LAYERS),
        )
    if fmt not in FORMATS:
        raise QjgisError(
            "invalid_argument",
            name="--format",
            value=fmt,
            reason="one_of",
            choices=", ".join(FORMATS),
        )
    if encoding is None:
        return "GBK" if fmt == "shp" else None
    enc = ENCODINGS.get(encoding.lower())
    if enc is None:
        raise QjgisError(
            "invalid_argument", name="--encoding", value=encoding,
            reason="one_of",
            choices=", ".join(ENCODINGS),
        )  # fmt: skip
    if fmt != "shp" and enc != "UTF-8":
        raise QjgisError(
            "invalid_argument", name="--encoding", value=encoding,
            reason="encoding_only_shapefiles",
        )  # fmt: skip
    return enc if fmt == "shp" else None


def _targets(out: Path, fmt: str, layer: str) -> list[Path]:
    """Every file the export will put in place (shapefile sidecars included)."""
    if fmt != "shp":
        return [out]
    spatial = layer != "households"
    names = [".dbf", ".cpg"] if not spatial else [".shp", ".shx", ".dbf", ".prj", ".cpg"]
    files = [out.with_suffix(s) for s in names] + [out.with_name(f"{out.stem}_fields.csv")]
    if any(f.sidecar for f in FIELDS[layer]):
        files.append(out.with_name(f"{out.stem}_details.csv"))
    return files


def export_layer(
    store: GpkgStore,
    layer: str,
    fmt: str,
    out: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    unmask: bool = False,
    village: str | None = None,
    overwrite: bool = False,
    feedback: Feedback | None = None,
    fids: Sequence[int] | np.ndarray | None = None,
) -> ExportResult:
    """Write one layer of the project to `out`, whole or not at all, and audit it.

    With `fids` (parcels, buildings, villages) only those rows are written, in that
    order: what an attribute table shows after its filter and sort.
    """
    fb = feedback or NullFeedback()
    enc = _check_options(layer, fmt, encoding)
    final = Path(out)
    picked = None if fids is None else np.asarray(fids, dtype=np.int64)
    if picked is not None and layer not in FID_LAYERS:
        raise QjgisError("export_fids_layer", path=str(final), layers=", ".join(FID_LAYERS))
    suffixes = SUFFIXES[fmt]
    if final.suffix.lower() not in suffixes:
        raise QjgisError(
            "export_bad_suffix", path=str(final), format=fmt, suffixes=" | *".join(suffixes)
        )
    spatial = layer != "households"
    if fmt == "shp" and spatial and final.suffix.lower() == ".dbf":
        raise QjgisError("export_bad_suffix", path=str(final), format=fmt, suffixes=".shp")
    if not final.parent.is_dir():
        raise QjgisError("file_not_found", path=str(final.parent))
    targets = _targets(final, fmt, layer)
    project_file = Path(store.path).resolve()
    if any(t.resolve() == project_file for t in targets):
        raise QjgisError(
            "invalid_argument", name="--out", value=str(final), reason="is_project_file"
        )
    if not overwrite:
        for t in targets:
            if t.exists():
                raise QjgisError("file_exists", path=str(t))
    if village is not None and not _village_known(store, village):
        raise QjgisError("export_unknown_village", path=store.path, village=village)

    fb.set_progress(0.0, "read")
    table = _collect(store, layer, village, picked)
    check_canceled(fb)
    if not unmask:
        _mask(table)
    fb.set_progress(0.4, "write")
    crs = store.settings().crs
    clean_stale_exports(store, final.parent)
    tmp = final.parent / f".{final.name}.{os.getpid()}{EXPORT_TMP_SUFFIX}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    lock = _claim(tmp, store)
    try:
        omitted: list[str] = []
        if fmt == "shp":
            assert enc is not None
            names, omitted = _write_shp(tmp, final, table, crs, enc)
        elif fmt == "gpkg":
            names = _write_gpkg(tmp, final, table, layer, crs)
        elif fmt == "geojson":
            names = _write_geojson(tmp, final, table, layer, crs)
        elif fmt == "csv":
            names = _write_csv(tmp, final, table)
        else:
            names = _write_xlsx(tmp, final, table, layer)
        check_canceled(fb)
        files = [str(final.parent / n) for n in names]
        written_crs = None if not spatial else (GEOJSON_CRS if fmt == "geojson" else crs)
        result = ExportResult(
            path=str(final), layer=layer, format=fmt, rows=len(table), files=files,
            crs=written_crs, encoding=enc, masked=not unmask, village=village,
            omitted=omitted,
        )  # fmt: skip
        fb.set_progress(0.95, "move")
        with store.transaction() as conn:
            after = {
                "path": str(final.resolve()), "format": fmt, "rows": len(table),
                "masked": not unmask, "village": village, "files": names,
            }  # fmt: skip
            if picked is not None:
                after["picked"] = len(picked)  # rows asked for by number (a table's filter)
            command = "export.unmask" if unmask else "export"
            result.audit_id = store.audit(conn, command, layer, None, after)
        # Committed: only now may the files appear under their names.
        for n in names:
            os.replace(tmp / n, final.parent / n)
        if fmt == "shp":
            # Sidecars of an older export under the same name would not match the new
            # files (a stale .shx next to a new .dbf): remove them.
            keep = set(names)
            for s in SHP_SIDECARS:
                old = final.with_suffix(s)
                if old.name not in keep and old.exists():
                    old.unlink()
    finally:
        lock.close()
        shutil.rmtree(tmp, ignore_errors=True)
    fb.set_progress(1.0, "done")
    return result
