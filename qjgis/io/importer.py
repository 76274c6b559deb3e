"""Importing surveyors' layers into a project: one batch, one transaction, nothing dropped.

The import contract (DESIGN.md): a file that cannot be read is refused whole,
before any write; row-level problems keep the row, repaired where possible, and
are reported per source row; re-importing updates rows by their code; duplicate
codes in a batch are all kept and flagged; rows absent from a re-import stay and
are counted; unmapped fields go to `extra`. Each batch is recorded with its
mapping and report, with one row per added or updated feature so that it can be
undone as one step.

Memory stays bounded by the batch size: features are read, checked, reprojected
and written a slice at a time, and the keys seen so far (for duplicates across
slices) live in a temporary SQLite table, not in Python.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from pyproj import CRS

from qjgis import codes, schema
from qjgis.commands import Changes
from qjgis.errors import QjgisError
from qjgis.feedback import Feedback, NullFeedback, check_canceled
from qjgis.io import crs as crs_mod
from qjgis.io import mapping as mapping_mod
from qjgis.io import sources
from qjgis.store import GpkgStore, to_multipolygons
from qjgis.store_api import ProjectStore, update_each

QjgisError.register(
    {
        "import_layer_invalid": (
            "--layer {layer}: one of parcels, buildings, villages, households, landuse, "
            "basic-farmland, village-plan, hazard-zones, hazard-points, or other:NAME"
        ),
        "import_other_name_invalid": (
            "--layer {layer}: a reference layer's name after other: must be 1 to {limit} "
            "characters, without control characters"
        ),
        "header_row_register_only": (
            "--header-row is for household registers (tables); a {layer} layer has no header row"
        ),
        "batch_not_found": "import batch {batch} does not exist in {path}",
        "batch_already_undone": "import batch {batch} was already undone",
        "undo_blocked_later_batch": (
            "import batch {batch} cannot be undone: later batch {later} changed the same "
            "{layer} rows (undo that one first)"
        ),
        "undo_blocked_edited": (
            "import batch {batch} cannot be undone: {layer} row {fid} ({key}) was edited "
            "after the import (version {found}, {expected} expected)"
        ),
        "undo_blocked_missing": (
            "import batch {batch} cannot be undone: {layer} row {fid} no longer exists"
        ),
        "import_required_unmapped": (
            "{path}: no field maps to {target} ({title}), which {layer} requires; map one with "
            "--mapping (fields: {fields})"
        ),
    }
)

SPATIAL = ("parcels", "buildings", "villages")
#: Reference layers (issue 19) share one table; a row's `kind` is the layer it came as.
REFERENCE_KINDS = mapping_mod.REFERENCE_KINDS
REFERENCE_TABLE = schema.REFERENCE_FEATURES.name
LAYERS = (*SPATIAL, "households", *REFERENCE_KINDS)
KEYS = {
    "parcels": "zddm", "buildings": "bdcdyh", "villages": "code", "households": "household_no",
    **dict.fromkeys((*REFERENCE_KINDS, mapping_mod.OTHER), "ref_key"), REFERENCE_TABLE: "ref_key",
}  # fmt: skip
#: the longest name a user may give an `other:NAME` reference layer
OTHER_NAME_LIMIT = 40


def checked_layer(layer: str) -> str:
    """`layer` as imported: one of LAYERS, or `other:NAME` with NAME trimmed; else refused."""
    if layer in LAYERS:
        return layer
    if not mapping_mod.is_other(layer):
        raise QjgisError("import_layer_invalid", layer=layer)
    name = mapping_mod.other_name(layer).strip()
    if not name or len(name) > OTHER_NAME_LIMIT or any(not c.isprintable() for c in name):
        raise QjgisError("import_other_name_invalid", layer=layer, limit=OTHER_NAME_LIMIT)
    return mapping_mod.OTHER_PREFIX + name


#: A hazard point without a radius threatens as far as the project's setting
#: `overlay.hazard_radius_m` says (50 m by default); a file's own radius field wins.
HAZARD_RADIUS_SETTING = "overlay.hazard_radius_m"
#: per-row detail kept in the report for each kind of issue; counts are always complete
DETAIL_LIMIT = 200
BATCH_SIZE = 20_000

#: The required targets of each layer kind (docs/import-guide.md): every group needs one
#: mapped source field, else the import is refused whole. Villages: the code and the
#: name (both NOT NULL). Parcels: the 宗地代码 (the key re-imports update by, and what
#: the checks, cases and reports name a parcel by). Buildings: the 不动产单元号 or the
#: 宗地代码 of the parcel it stands on. Households: something that keys a household (户号,
#: 户主身份证号, or ID numbers with 与户主关系) and names (姓名 or 户主姓名); the register
#: applies that rule itself (register._check_needed), this table documents it.
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "villages": (("code",), ("name",)),
    "parcels": (("zddm",),),
    "buildings": (("bdcdyh", "zddm"),),
    "households": (("household_no", "head_id", "id_number"), ("name", "head_name")),
    # A land-use layer is read by its class code (DLBM); the other reference layers are
    # read by their shapes, and a feature without 标识码 is keyed by its row.
    "landuse": (("dlbm",),),
    **{kind: () for kind in (*REFERENCE_KINDS, mapping_mod.OTHER) if kind != "landuse"},
}

#: the birth date check's upper bound: any real calendar date (a future birth is not a
#: malformed ID number; the checks judge ages, the import only the form)
_NO_LATER_THAN = np.datetime64("9999-12-31")
_EXCEL_NUMBER = re.compile(r"^\s*[0-9](\.[0-9]+)?[eE]\+?[0-9]+\s*$")
_VILLAGE_CODE = re.compile(r"^[0-9]{12}$")


# =================================================================== report
@dataclass
class Report:
    """The import report: plain data, JSON-able, saved with the batch."""

    layer: str
    source: str
    counts: dict[str, int] = field(
        default_factory=lambda: {"read": 0, "added": 0, "updated": 0, "unchanged": 0, "absent": 0}
    )
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)

    def issue(self, kind: str, rows: np.ndarray, keys: np.ndarray | None, **detail: Any) -> None:
        """Record `kind` for source rows `rows` (0-based; reported 1-based)."""
        rows = np.asarray(rows)
        if rows.size == 0:
            return
        entry = self.issues.setdefault(kind, {"count": 0, "rows": []})
        entry["count"] += int(rows.size)
        room = DETAIL_LIMIT - len(entry["rows"])
        if room <= 0:
            return
        extra_arrays = {k: np.asarray(v) for k, v in detail.items()}
        for i in range(min(room, rows.size)):
            item: dict[str, Any] = {"row": int(rows[i]) + 1}
            if keys is not None:
                item["key"] = _jsonable(keys[i])
            for k, arr in extra_arrays.items():
                item[k] = _jsonable(arr[i] if arr.ndim else arr.item())
            entry["rows"].append(item)

    def as_dict(self) -> dict[str, Any]:
        return {
            "layer": self.layer,
            "source": self.source,
            **self.info,
            "counts": self.counts,
            "issues": self.issues,
            "warnings": self.warnings,
        }


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        return round(v, 4) if np.isfinite(v) else None
    return v


# =================================================================== value conversion
def _text(values: np.ndarray, *, strings: bool = False) -> np.ndarray:
    """Values as text (object array of str/None); `strings` says they already are str/None."""
    a = np.asarray(values)
    if a.dtype.kind == "f":
        out = np.empty(len(a), dtype=object)
        finite = np.isfinite(a)
        whole = finite & (a == np.round(a)) & (np.abs(a) < 1e15)
        out[whole] = a[whole].astype(np.int64).astype(str).astype(object)
        rest = finite & ~whole
        out[rest] = a[rest].astype(str).astype(object)
        out[~finite] = None
        return out
    if a.dtype.kind in "iu":
        return a.astype(str).astype(object)
    if a.dtype.kind == "M":
        return _dates(a)[0]
    out = a.astype(object, copy=True)
    if out.size and not strings:
        odd = np.array([v is not None and not isinstance(v, str) for v in out], dtype=bool)
        if odd.any():
            out[odd] = [_text_scalar(v) for v in out[odd]]
    if out.size:
        blank = out == ""
        if blank.any():
            out[blank] = None
    return out


def _text_scalar(v: Any) -> str | None:
    if isinstance(v, float):
        if not np.isfinite(v):
            return None
        return str(int(v)) if v == int(v) and abs(v) < 1e15 else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    return str(v).strip() or None


def _real(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Floats (NaN for missing) and a mask of values that were not numbers."""
    a = np.asarray(values)
    if a.dtype.kind in "fiu":
        return a.astype(float), np.zeros(len(a), dtype=bool)
    out = np.full(len(a), np.nan)
    bad = np.zeros(len(a), dtype=bool)
    for i, v in enumerate(a):
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            bad[i] = True
    return out, bad


def _integer(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    f, bad = _real(values)
    frac = np.isfinite(f) & (f != np.round(f))
    out = np.full(len(f), None, dtype=object)
    ok = np.isfinite(f) & ~frac
    out[ok] = f[ok].astype(np.int64).astype(object)
    return out, bad | frac


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y-%m-%d %H:%M:%S", "%Y年%m月%d日")


def _dates(values: np.ndarray, *, strings: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """ISO dates (object array of str/None) and a mask of values that are no date;
    `strings`: the values are known to be str and None only."""
    a = np.asarray(values)
    if a.dtype.kind == "M":
        out = np.datetime_as_string(a.astype("datetime64[D]"), unit="D").astype(object)
        out[np.isnat(a)] = None
        return out, np.zeros(len(a), dtype=bool)
    out = np.full(len(a), None, dtype=object)
    bad = np.zeros(len(a), dtype=bool)
    # ISO text (what registers and exports mostly hold) is checked by numpy in one
    # call; strptime below sees only the rest (a register's 70,000 birth dates: 2 s).
    rest = _iso_dates(a, out, strings)
    for i in rest:
        v = a[i]
        if v is None or (isinstance(v, float) and not np.isfinite(v)):
            continue
        if isinstance(v, dt.datetime):
            out[i] = v.date().isoformat()
            continue
        if isinstance(v, dt.date):
            out[i] = v.isoformat()
            continue
        text = str(v).strip()
        if not text:
            continue
        for fmt in _DATE_FORMATS:
            try:
                out[i] = dt.datetime.strptime(text, fmt).date().isoformat()
                break
            except ValueError:
                continue
        else:
            bad[i] = True
    return out, bad


def _iso_dates(a: np.ndarray, out: np.ndarray, strings: bool = False) -> np.ndarray | range:
    """Fill `out` where `a` holds a valid YYYY-MM-DD string; the indexes left to parse.
    `strings`: `a` holds only str and None."""
    if a.dtype != object or not len(a):
        return range(len(a))
    if strings:
        # numpy's own conversion, in C: None reads "None", and text longer than ten
        # characters stays longer than ten when cut at eleven
        text = a.astype("<U11")
    else:  # a date object would read as ISO text: only str is looked at
        text = np.array([v if type(v) is str else "" for v in a.tolist()], dtype=str)
    iso = (np.strings.str_len(text) == 10) & (np.strings.find(text, "-") == 4)
    if not iso.any():
        return range(len(a))
    # digits and dashes where YYYY-MM-DD has them, on the code points (" 023-01-01"
    # would parse as year 23): such text parses to the very date it spells
    cps = text[iso].astype("<U10").view(np.uint32).reshape(-1, 10)
    digit = (cps >= ord("0")) & (cps <= ord("9"))
    form = digit[:, [0, 1, 2, 3, 5, 6, 8, 9]].all(axis=1) & (cps[:, 7] == ord("-"))
    done = np.flatnonzero(iso)[form]
    try:
        text[done].astype("datetime64[D]")  # 2023-02-30 is refused
    except ValueError:  # one impossible date: leave them all to the careful path
        return range(len(a))
    out[done] = a[done]
    left = np.ones(len(a), dtype=bool)
    left[done] = False
    return np.flatnonzero(left)


def _years(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(values)
    if a.dtype.kind == "M":
        years = a.astype("datetime64[Y]").astype(np.int64) + 1970
        out = years.astype(object)
        out[np.isnat(a)] = None
        return out, np.zeros(len(a), dtype=bool)
    if a.dtype.kind in "fiu":
        return _integer(a)
    out = np.full(len(a), None, dtype=object)
    bad = np.zeros(len(a), dtype=bool)
    for i, v in enumerate(a):
        if v is None:
            continue
        if isinstance(v, dt.date):
            out[i] = v.year
            continue
        m = re.match(r"^\s*(\d{4})", str(v))
        if m:
            out[i] = int(m.group(1))
        elif str(v).strip():
            bad[i] = True
    return out, bad


_TRUE = {"是", "1", "Y", "YES", "T", "TRUE", "需", "需要"}
_FALSE = {"否", "0", "N", "NO", "F", "FALSE", "不需", "不需要", "无"}


def _bools(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(values)
    out = np.full(len(a), None, dtype=object)
    bad = np.zeros(len(a), dtype=bool)
    if a.dtype.kind in "biuf":
        finite = np.isfinite(a.astype(float))
        out[finite] = (a[finite] != 0).astype(int).astype(object)
        return out, bad
    keys = a.tolist()
    # A flag column holds a handful of distinct spellings: decide each once. Only for
    # text, where equal keys are equal values (1 and 1.0 would share a dict entry).
    text_only = set(map(type, keys)) <= {str, type(None)}
    decided: dict[Any, int | bool | None] = {}
    for v in set(keys) if text_only else ():
        t = "" if v is None else v.strip().upper()
        decided[v] = 1 if t in _TRUE else 0 if t in _FALSE else (False if t else None)
    for i, v in enumerate(() if text_only else keys):
        if v is None:
            continue
        t = str(v).strip().upper()
        if t in _TRUE:
            out[i] = 1
        elif t in _FALSE:
            out[i] = 0
        elif t:
            bad[i] = True
    if text_only:
        flags = [decided[v] for v in keys]
        out[:] = [f if f is not False else None for f in flags]
        bad[:] = [f is False for f in flags]
    return out, bad


def convert(
    target: str, values: np.ndarray, *, strings: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Source values as the target column stores them, and a mask of unconvertible ones.

    `strings` says an object column holds only str and None (what GDAL gives for a
    text field), which spares a type check per value.
    """
    kind = mapping_mod.TYPES.get(target, "text")
    if kind == "real":
        return _real(values)
    if kind == "integer":
        return _integer(values)
    if kind == "date":
        return _dates(values, strings=strings)
    if kind == "year":
        return _years(values)
    if kind == "bool":
        return _bools(values)
    return _text(values, strings=strings), np.zeros(len(values), dtype=bool)


_json_string = json.encoder.encode_basestring


def extra_json(
    fields: Mapping[str, np.ndarray], n: int, strings: frozenset[str] = frozenset()
) -> np.ndarray:
    """One JSON object per row of the unmapped fields (None when there are none)."""
    if not fields:
        return np.full(n, None, dtype=object)
    quoted_columns = []
    for name, values in fields.items():
        texts = _text(values, strings=name in strings)
        none = texts == None  # noqa: E711
        if none.any():
            texts[none] = ""
        quoted = np.empty(n, dtype=object)
        quoted[:] = list(map(_json_string, texts.tolist()))  # one C-level pass
        quoted[none] = "null"
        quoted_columns.append(quoted.tolist())
    # each row's object formatted at once, in C (map over the rows' tuples): not one
    # concatenation pass per field and separator
    template = "{" + ", ".join(_json_string(k).replace("%", "%%") + ": %s" for k in fields) + "}"
    out = np.empty(n, dtype=object)
    out[:] = list(map(template.__mod__, zip(*quoted_columns, strict=True)))
    return out


# =================================================================== required targets
def required_missing(
    layer: str, mapping: mapping_mod.FieldMapping, samples: Mapping[str, list[str]]
) -> list[dict[str, Any]]:
    """The required target groups no source field maps to, each with the unmapped
    source fields as candidates (with sample values); empty when all are mapped."""
    targets = mapping.targets()
    groups = [
        g for g in REQUIRED[mapping_mod.preset_key(layer)] if not any(t in targets for t in g)
    ]
    if not groups:
        return []
    candidates = [{"field": f, "samples": list(samples.get(f, []))} for f in mapping.unmapped()]
    titles = _titles(layer)
    return [
        {"targets": list(g), "titles": [titles.get(t, t) for t in g], "candidates": candidates}
        for g in groups
    ]


def _titles(layer: str) -> dict[str, str]:
    """The Chinese column titles of a layer kind's targets (a register fills members too)."""
    table = REFERENCE_TABLE if mapping_mod.is_reference(layer) else layer
    titles = {c.name: c.title for c in schema.TABLE_BY_NAME[table].columns}
    if layer == "households":
        titles = {**{c.name: c.title for c in schema.MEMBERS.columns}, **titles}
    return titles


def samples_of(columns: Mapping[str, np.ndarray], per_field: int = 3) -> dict[str, list[str]]:
    """Up to `per_field` distinct non-empty values of each column among its first rows."""
    out: dict[str, list[str]] = {}
    for name, values in columns.items():
        shown: list[str] = []
        for v in np.asarray(values, dtype=object)[:50].tolist():
            text = _text_scalar(v) if v is not None else None
            if text and text not in shown:
                shown.append(text[:40])
                if len(shown) >= per_field:
                    break
        out[name] = shown
    return out


def report_refusal(
    report: Report,
    layer: str,
    group: list[str],
    mapping: mapping_mod.FieldMapping,
    columns: Mapping[str, np.ndarray],
    error: QjgisError,
) -> None:
    """A dry run's account of a refusal for an unmapped required target that the caller
    decided by its own rule (a register's): the target, the candidates, the refusal."""
    titles = _titles(layer)
    samples = samples_of({f: columns[f] for f in mapping.unmapped() if f in columns})
    candidates = [{"field": f, "samples": samples.get(f, [])} for f in mapping.unmapped()]
    report.info["required_missing"] = [
        {"targets": group, "titles": [titles.get(t, t) for t in group], "candidates": candidates}
    ]
    report.info["refused"] = {"code": error.code, "params": error.params}


def required_error(layer: str, source: str, missing: list[dict[str, Any]]) -> QjgisError:
    """The one-line refusal for the first unmapped required target."""
    group = missing[0]["targets"]
    titles = _titles(layer)
    fields = [c["field"] for c in missing[0]["candidates"]]
    shown = ", ".join(fields[:12]) + (" …" if len(fields) > 12 else "")
    return QjgisError(
        "import_required_unmapped", path=source, layer=layer, target=" / ".join(group),
        title=" / ".join(titles.get(t, t) for t in group), fields=shown or "-",
    )  # fmt: skip


def refuse_or_report(
    report: Report, layer: str, source: str, missing: list[dict[str, Any]], dry_run: bool
) -> None:
    """Refuse an import with an unmapped required target; a dry run says so in its report
    (with the candidates) and carries the refusal for the caller to show."""
    if not missing:
        return
    error = required_error(layer, source, missing)
    if not dry_run:
        raise error
    report.info["required_missing"] = missing
    report.info["refused"] = {"code": error.code, "params": error.params}


def _not_null_targets(layer: str, columns: Mapping[str, np.ndarray]) -> list[str]:
    table = schema.TABLE_BY_NAME[REFERENCE_TABLE if mapping_mod.is_reference(layer) else layer]
    return [c.name for c in table.columns if "NOT NULL" in c.sql and c.name in columns]


def leave_out_empty(
    report: Report, layer: str, columns: dict[str, np.ndarray], rows: np.ndarray
) -> np.ndarray:
    """Mask of the rows to write: a row whose value is empty in a column the table cannot
    hold empty (a village's code or name) is left out alone and reported by row number,
    instead of failing the whole batch on the NOT NULL constraint."""
    keep = np.ones(len(rows), dtype=bool)
    for name in _not_null_targets(layer, columns):
        empty = keep & (np.asarray(columns[name], dtype=object) == None)  # noqa: E711
        if empty.any():
            key = columns.get(KEYS[mapping_mod.preset_key(layer)])
            report.issue(
                "row_left_out_empty", rows[empty], None if key is None else key[empty],
                column=name,
            )  # fmt: skip
            keep &= ~empty
    return keep


# =================================================================== row checks
def check_ids(
    report: Report, column: str, ids: np.ndarray, rows: np.ndarray, keys: np.ndarray
) -> None:
    """Flag ID numbers that fail the check, and Excel-mangled ones as unrecoverable."""
    present = np.asarray(ids != None, dtype=bool)  # noqa: E711  elementwise, in C
    if not present.any():
        return
    ok = np.zeros(len(ids), dtype=bool)
    # well formed and born on a real date from 1880 on, in one vectorised pass
    ok[present] = codes.valid_id_mask(ids[present].astype(str), born_by=_NO_LATER_THAN)
    suspect = np.flatnonzero(present & ~ok)
    if suspect.size == 0:
        return
    excel, bad, reasons = [], [], []
    for i in suspect:
        text = str(ids[i])
        result = codes.check_id_number(text)
        if result.ok:
            continue
        if _EXCEL_NUMBER.match(text) or text.endswith(".0"):
            excel.append(i)
        else:
            bad.append(i)
            reasons.append(",".join(str(e) for e in result.errors))
    ex = np.array(excel, dtype=int)
    report.issue("id_excel_unrecoverable", rows[ex], keys[ex], column=column, value=ids[ex])
    b = np.array(bad, dtype=int)
    report.issue(
        "id_invalid",
        rows[b],
        keys[b],
        column=column,
        value=ids[b],
        problem=np.array(reasons, dtype=object),
    )


def _bdcdyh_mask(values: np.ndarray) -> np.ndarray:
    text = np.array([v if isinstance(v, str) else "" for v in values], dtype="<U40")
    ok = np.char.str_len(text) == 28
    ok &= codes.valid_zddm_mask(np.array([t[:19] for t in text], dtype="<U19"))
    ok &= np.isin(np.array([t[19:20] for t in text]), ["F", "L", "Q", "W"])
    ok &= np.char.isdigit(np.array([t[20:] for t in text], dtype="<U8"))
    return ok


def check_keys(
    report: Report,
    layer: str,
    keys: np.ndarray,
    rows: np.ndarray,
    alternative: np.ndarray | None = None,
) -> None:
    """Flag missing and malformed codes. `alternative`: another required target that
    identifies the row as well (a building's 宗地代码, REQUIRED): a row with it is not
    'code missing' for want of the key."""
    present = np.array([k is not None for k in keys], dtype=bool)
    missing = ~present
    if alternative is not None:
        missing &= np.array([v is None for v in alternative.tolist()], dtype=bool)
    report.issue(
        "code_missing", rows[missing], keys[missing], column=KEYS[mapping_mod.preset_key(layer)]
    )
    if not present.any():
        return
    text = keys[present].astype(str)
    if layer == "parcels":
        good = codes.valid_zddm_mask(text, homestead=True)
    elif layer == "buildings":
        good = _bdcdyh_mask(keys[present])
    elif layer == "villages":
        good = np.array([bool(_VILLAGE_CODE.match(t)) for t in text], dtype=bool)
    else:
        good = np.char.str_len(text.astype("<U64")) > 0
    idx = np.flatnonzero(present)[~good]
    report.issue("code_malformed", rows[idx], keys[idx], column=KEYS[mapping_mod.preset_key(layer)])


# =================================================================== geometry
@dataclass
class GeometryStep:
    target: CRS
    fn: Callable[[np.ndarray], np.ndarray] | None

    def run(
        self,
        report: Report,
        geoms: np.ndarray,
        rows: np.ndarray,
        keys: np.ndarray,
        unreadable: np.ndarray | None = None,
    ) -> np.ndarray:
        g = np.asarray(geoms, dtype=object)
        missing = shapely.is_missing(g)
        null = missing.copy()
        if unreadable is not None:
            null[unreadable] = False  # flagged once, as geometry_unreadable
        report.issue("geometry_null", rows[null], keys[null])
        empty = ~missing & shapely.is_empty(g)
        report.issue("geometry_empty", rows[empty], keys[empty])
        g = g.copy()
        g[empty] = None
        has_z = ~missing & shapely.has_z(g)
        has_m = ~missing & shapely.has_m(g)
        zm = has_z | has_m
        if zm.any():
            report.issue("z_m_dropped", rows[zm], keys[zm])
            g[zm] = shapely.force_2d(g[zm])
        types = shapely.get_type_id(g)
        collection = types == 7
        if collection.any():
            # Keep the polygonal parts of a mixed collection, say so.
            for i in np.flatnonzero(collection):
                parts = shapely.get_parts(g[i])
                polys = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
                g[i] = shapely.union_all(polys) if len(polys) else None
            report.issue("geometry_collection_reduced", rows[collection], keys[collection])
            types = shapely.get_type_id(g)
        wrong = (types >= 0) & ~np.isin(types, (3, 6))
        if wrong.any():
            names = shapely.get_type_id(g[wrong])
            report.issue(
                "geometry_wrong_type", rows[wrong], keys[wrong],
                found=np.array([_TYPE_NAMES.get(int(t), str(t)) for t in names], dtype=object),
            )  # fmt: skip
            g[wrong] = None
        if self.fn is not None:
            g = shapely.transform(g, self.fn)
        present = ~shapely.is_missing(g)
        bad_xy = present & ~np.isfinite(shapely.bounds(g)).all(axis=1)
        if bad_xy.any():
            report.issue("geometry_nonfinite", rows[bad_xy], keys[bad_xy])
            g[bad_xy] = None
            present &= ~bad_xy
        invalid = present & ~shapely.is_valid(g)
        if invalid.any():
            before = shapely.area(g[invalid])
            reason = shapely.is_valid_reason(g[invalid])
            fixed = _make_valid(g[invalid])
            after = shapely.area(fixed)
            g[invalid] = fixed
            report.issue(
                "geometry_repaired", rows[invalid], keys[invalid],
                area_before=before, area_after=after, area_change=after - before, reason=reason,
            )  # fmt: skip
            collapsed = invalid & (shapely.is_missing(g) | shapely.is_empty(g))
            if collapsed.any():
                report.issue("geometry_collapsed", rows[collapsed], keys[collapsed])
                g[collapsed] = None
        present = ~shapely.is_missing(g)
        multi = present & (shapely.get_num_geometries(g) > 1)
        report.issue(
            "multipart", rows[multi], keys[multi], parts=shapely.get_num_geometries(g[multi])
        )
        far = crs_mod.outside_area_of_use(g, self.target)
        if far.any():
            report.issue("far_outside_crs", rows[far], keys[far])
        return to_multipolygons(g)


def _make_valid(geoms: np.ndarray) -> np.ndarray:
    """make_valid, vectorised; a geometry GEOS cannot repair at all becomes None."""
    try:
        return shapely.make_valid(geoms, method="structure", keep_collapsed=False)
    except shapely.errors.GEOSException:
        out = np.empty(len(geoms), dtype=object)
        for i, g in enumerate(geoms):  # only on the rare batch where GEOS gives up
            try:
                out[i] = shapely.make_valid(g, method="structure", keep_collapsed=False)
            except shapely.errors.GEOSException:
                out[i] = None
        return out


_TYPE_NAMES = {0: "Point", 1: "LineString", 2: "LinearRing", 4: "MultiPoint", 5: "MultiLineString"}


# =================================================================== writing
class BatchWriter:
    """Adds or updates rows of one table by key inside the caller's transaction.

    The k-th occurrence of a key in the file matches the k-th existing row with
    that key (by fid), so a file with duplicate codes re-imports onto the same
    rows. What to write is decided here; the store writes it (`store.batch_table`:
    `qjgis.gpkg_write` on a file, `qjgis.pg.write` on a database), keeping the keys
    seen so far out of Python's memory and the batch's rows for undo.
    """

    def __init__(
        self,
        store: ProjectStore,
        conn: Any,
        table: str,
        key_sql: str,
        batch_id: int,
        report: Report,
        count_prefix: str = "",
        *,
        scope_sql: str = "1 = 1",
        scope_params: tuple[Any, ...] = (),
    ) -> None:
        self.store, self.conn, self.table = store, conn, table
        self.batch_id = batch_id
        self.report = report
        self.prefix = count_prefix
        #: the store's side of this table's writes (SQL of its own back end)
        self.rows = store.batch_table(
            conn, table, key_sql, batch_id, scope_sql=scope_sql, scope_params=scope_params
        )
        self.t = schema.TABLE_BY_NAME[table]
        self.spatial = self.t.geometry is not None
        self.existing = self.rows.existing
        self.span: tuple[int, int] = (0, -1)  # the source rows of the current slice
        #: Into an empty table the keys are only counted at the end: the first slice's
        #: (rows, keys) wait here, and go to the store only when a second slice comes;
        #: a file of one slice (a register, most layers) never writes them.
        self.held: tuple[list[int], list[str | None]] | None = None
        #: called with (fids, columns) of each slice of added rows, inside the transaction
        self.on_added: Callable[[np.ndarray, dict[str, np.ndarray]], None] | None = None

    def _count(self, name: str, n: int) -> None:
        key = self.prefix + name
        self.report.counts[key] = self.report.counts.get(key, 0) + n

    def write(
        self,
        keys: np.ndarray,
        rows: np.ndarray,
        columns: dict[str, np.ndarray],
        geoms: np.ndarray | None = None,
    ) -> None:
        n = len(keys)
        self._count("read", n)
        key_list = keys.tolist()
        if not set(map(type, key_list)) <= {str, type(None)}:  # one pass in C when they are
            key_list = [k if isinstance(k, str) else None for k in key_list]
        row_list = rows.tolist() if rows.dtype.kind in "iu" else [int(r) for r in rows.tolist()]
        # Every row's key stays with the store (on disk, not in memory), so the rows of
        # a duplicated code can be named at the end; this slice is a row range.
        if self.existing == 0 and self.held is None and self.span == (0, -1):
            self.held = (row_list, key_list)
        else:
            self._release()
            self.rows.stage_keys(row_list, key_list)
        self.span = (min(row_list), max(row_list)) if row_list else (0, -2)
        match = np.full(n, -1, dtype=np.int64)
        if self.existing:
            # Only matching needs the running count per key before each slice; into an
            # empty table `finish` counts the keys once.
            self._match(key_list, match)
            self.rows.count_staged(self.span)
        names = list(columns)
        new = match < 0
        if new.any():
            idx = np.flatnonzero(new)
            cols = dict(columns) if len(idx) == n else {c: columns[c][idx] for c in names}
            cols["batch_id"] = np.full(len(idx), self.batch_id)
            fids = self.rows.add(cols, geoms[idx] if self.spatial and geoms is not None else None)
            if self.on_added is not None:
                self.on_added(fids, cols)
            self._count("added", len(idx))
        old = np.flatnonzero(~new)
        if old.size:
            blobs = self.rows.encode(geoms[old]) if geoms is not None else None
            self._update(old, match[old], names, columns, blobs, geoms)

    def _release(self) -> None:
        """Hand the held first slice's keys to the store (a second slice came)."""
        if self.held is not None:
            self.rows.stage_keys(*self.held)
            self.held = None

    def _duplicates(self) -> tuple[int, list[tuple[str, int]], dict[str, list[int]]]:
        """(rows with a duplicated key, the first DETAIL_LIMIT keys by key with their
        counts, the 1-based rows of each of those)."""
        if self.held is not None:  # one slice: counted in memory, as SQL would
            rows, keys = self.held
            counts = Counter(keys)
            nones = counts.pop(None, 0)
            if len(counts) + nones == len(keys):
                return 0, [], {}  # every key once: nothing to look for row by row
            dup = sorted((k, n) for k, n in counts.items() if n > 1)
            shown = [(str(k), n) for k, n in dup[:DETAIL_LIMIT]]
            where: dict[str, list[int]] = {k: [] for k, _ in shown}
            for pos, key in sorted((p, k) for p, k in zip(rows, keys, strict=True) if k in where):
                where[key].append(pos + 1)
            return sum(n for _, n in dup), shown, where
        if not self.existing:
            self.rows.count_duplicates()
        return self.rows.duplicates(DETAIL_LIMIT)

    def _match(self, key_list: list[str | None], match: np.ndarray) -> None:
        """Fill `match` with the existing fid each row updates (-1: a new row).

        The k-th occurrence of a key in the file pairs with the k-th existing row of
        that key, counting occurrences in earlier slices (the store's running counts).
        """
        prior, found = self.rows.existing_by_key(self.span)
        by_key: dict[str, list[int]] = {}
        for fid, key in found:
            by_key.setdefault(key, []).append(fid)
        counts: dict[str, int] = {}
        for i, k in enumerate(key_list):  # the running count per key gives each row its rank
            if k is None:
                continue
            rank = counts.get(k, int(prior.get(k) or 0))
            counts[k] = rank + 1
            fids = by_key.get(k)
            if fids is not None and rank < len(fids):
                match[i] = fids[rank]

    def _update(
        self,
        idx: np.ndarray,
        fids: np.ndarray,
        names: list[str],
        columns: dict[str, np.ndarray],
        blobs: np.ndarray | None,
        geoms: np.ndarray | None,
    ) -> None:
        all_cols = self.rows.all_cols
        fid_list = fids.tolist()
        current = self.rows.current(fid_list)
        offset = 2 if self.spatial else 1
        pos = {c: offset + i for i, c in enumerate(all_cols)}
        values_out: list[tuple[Any, ...]] = []
        changed_fids: list[int] = []
        blobs_out: list[bytes | None] = []
        befores: list[str] = []
        changed: list[int] = []
        unchanged = 0
        compare = [c for c in names if c != "batch_id"]
        for b, (j, fid) in enumerate(zip(idx.tolist(), fid_list, strict=True)):
            row = current[fid]
            values = [_sql_value(columns[c][j]) for c in compare]
            same = all(_same(row[pos[c]], v) for c, v in zip(compare, values, strict=True))
            blob = blobs[b] if blobs is not None else None
            if self.spatial:
                same = same and row[1] == blob
            if same:
                unchanged += 1
                continue
            before = {c: row[pos[c]] for c in all_cols}
            if self.spatial:
                before["geom"] = self.rows.before_geometry(row[1])
            befores.append(json.dumps(before, ensure_ascii=False))
            values_out.append(tuple(values))
            blobs_out.append(blob)
            changed_fids.append(fid)
            changed.append(j)
        if changed_fids:
            self.rows.update(
                changed_fids, compare, values_out, blobs_out if self.spatial else None, befores,
                geoms[np.array(changed, dtype=int)] if self.spatial and geoms is not None
                else None,
            )  # fmt: skip
        self._count("updated", len(changed_fids))
        self._count("unchanged", unchanged)

    def supersede_absent(self) -> int:
        """Mark the in-scope rows the file did not mention as superseded by this batch.

        A newer delivery of a reference layer replaces the older one: its absent
        features stop counting, recorded as updates (with their values before) so
        that undoing this batch brings them back. Call before `finish`.
        """
        fids, rows = self.rows.supersede_absent()
        all_cols = self.rows.all_cols
        befores = []
        for _fid, geom, *values in rows:
            before = dict(zip(all_cols, values, strict=True))
            before["geom"] = self.rows.before_geometry(geom)
            befores.append(json.dumps(before, ensure_ascii=False))
        self.rows.record_updated(fids, befores)
        self._count("superseded", len(fids))
        return len(fids)

    def finish(self) -> None:
        """Duplicates across the whole file, and the rows the file did not mention."""
        total, shown, where = self._duplicates()
        self.held = None
        if total:
            entry = self.report.issues.setdefault(
                self.prefix + "code_duplicate", {"count": 0, "rows": []}
            )
            entry["count"] += total
            entry["rows"] += [{"key": k, "occurrences": n, "rows": where[k]} for k, n in shown]
        self._count("absent", self.rows.absent())
        self.rows.close()


def _sql_value(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not np.isfinite(v):
        return None
    if isinstance(v, bool):
        return int(v)
    return v


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    return str(a) == str(b)


# =================================================================== batches
def new_batch(store: ProjectStore, conn: Any, layer: str, source: str, sha256: str) -> int:
    return store.insert_row(
        conn,
        "import_batches",
        {
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "user": store.settings().user,
            "layer": layer,
            "source": source,
            "source_hash": sha256,
            "undone": 0,
        },
    )


def finish_batch(
    store: ProjectStore,
    conn: Any,
    batch_id: int,
    mapping: dict[str, Any],
    report: dict[str, Any],
) -> None:
    store.update_rows(
        conn,
        "import_batches",
        [batch_id],
        ["mapping", "report"],
        [
            (
                json.dumps(mapping, ensure_ascii=False),
                json.dumps(report, ensure_ascii=False, default=str),
            )
        ],
        bump_version=False,
    )
    store.audit(
        conn,
        "import",
        f"import_batches/{batch_id}",
        None,
        {
            "batch": batch_id,
            "layer": report["layer"],
            "source": report["source"],
            "source_hash": report.get("source_hash"),
            "counts": report["counts"],
        },
    )


# =================================================================== the import
@contextlib.contextmanager
def _page_cache(conn: Any, mib: int = 64) -> Iterator[None]:
    """A larger page cache for the import's transaction, put back afterwards.

    In rollback-journal mode a full cache spills dirty pages to the file, and each
    spill first syncs the journal: a bigger cache means fewer syncs on a large import.
    The store's spill threshold (`gpkg_store._SPILL_KIB`, 1 GiB) lets the dirty pages of one
    transaction grow past this size so that readers are locked out only at the commit;
    that threshold, not this cache, bounds the import's memory. A database keeps its
    own buffers: there, nothing to tune.
    """
    if not isinstance(conn, sqlite3.Connection):
        yield
        return
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {-mib * 1024}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(before)}")


def _has_rows(conn: Any, table: str) -> bool:
    return bool(conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0])


def _lift_indexes(conn: Any, table: str) -> list[str]:
    """Drop the table's secondary indexes; returns the statements that recreate them.

    On a database the indexes stay: dropping one locks the table against every other
    desk's reads until the import commits, and the server keeps them well enough.
    """
    if not isinstance(conn, sqlite3.Connection):
        return []
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY name",
        (table,),
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in indexes]


def import_layer(
    store: ProjectStore,
    layer: str,
    source: str,
    *,
    source_layer: str | None = None,
    encoding: str | None = None,
    source_crs: str | None = None,
    mapping_file: str | None = None,
    feedback: Feedback | None = None,
    batch_size: int = BATCH_SIZE,
    dry_run: bool = False,
    header_row: int | None = None,
) -> dict[str, Any]:
    """Import one source into `layer`; returns the report (also saved with the batch).

    With `dry_run` the source is checked and its encoding, CRS and mapping decided
    and returned as the report's head, and nothing is written. `header_row` (1-based)
    names a register's header row instead of detecting it. Without a mapping file,
    a mapping the user chose for an earlier file with the same fields is used again.
    """
    layer = checked_layer(layer)
    sources.check_file_kind(source)
    if layer == "households":
        from qjgis.io import register

        return register.import_register(
            store, source, encoding=encoding, mapping_file=mapping_file, feedback=feedback,
            dry_run=dry_run, header_row=header_row,
        )  # fmt: skip
    if header_row is not None:
        raise QjgisError("header_row_register_only", layer=layer)
    fb = feedback or NullFeedback()
    started = time.perf_counter()
    fb.set_progress(0.0, "open")
    with sources.open_vector(source, layer, source_layer=source_layer, encoding=encoding) as src:
        mapping = mapping_mod.detect(layer, src.fields)
        remembered = None
        if mapping_file is not None:
            mapping_mod.apply_overrides(mapping, mapping_mod.load(mapping_file), source)
        else:
            remembered = mapping_mod.remembered(store, layer, src.fields)
            if remembered is not None:
                mapping_mod.apply_overrides(mapping, remembered[1], source, origin="saved")
        settings = store.settings()
        target = CRS.from_user_input(settings.crs)
        longitude = float(settings["district.longitude"])
        if source_crs is not None:
            decision = crs_mod.CrsDecision(
                crs_mod.parse_user_crs(source_crs), "override", source_crs
            )
            crs_mod.check_fits(
                decision, src.bounds, longitude, source, f"--source-crs {source_crs}"
            )
        elif src.crs_wkt is not None:
            decision = crs_mod.from_wkt(src.crs_wkt, src.prj_path or source)
            crs_mod.check_fits(decision, src.bounds, longitude, source, src.prj_path or source)
        else:
            decision = crs_mod.propose(src.bounds or (np.nan,) * 4, longitude, source)
        helmert = None
        datum = crs_mod.datum_of(decision.crs)
        if datum in crs_mod.OLD_DATUM_SETTINGS:
            helmert = settings[crs_mod.OLD_DATUM_SETTINGS[datum]]
        fn = crs_mod.transformer(decision.crs, target, helmert, src.prj_path or source)
        report = Report(layer, source)
        report.info = {
            "source_hash": src.sha256,
            "driver": src.driver,
            "source_layer": src.layer,
            "features": src.features,
            "geometry_type": src.geometry_type,
            "encoding": src.encoding.as_dict() if src.encoding is not None else None,
            "crs": decision.as_dict(),
            "target_crs": settings.crs,
            "mapping": mapping.as_dict(),
        }
        if remembered is not None:
            report.info["mapping_batch"] = remembered[0]
        if decision.reason == "proposed":
            report.warnings.append(
                {"code": "crs_proposed", "crs": decision.label, "detail": decision.detail}
            )
        for note in src.warnings:
            report.warnings.append({"code": "source_note", "detail": note})
        if src.encoding is not None and src.encoding.reason == "fallback":
            report.warnings.append({"code": "encoding_fallback", "detail": src.encoding.detail})
        if src.encoding is not None and src.encoding.suggested:
            report.warnings.append({
                "code": "encoding_doubtful", "given": src.encoding.detail,
                "suggested": src.encoding.suggested, "samples": src.encoding.samples,
            })  # fmt: skip
        missing = required_missing(layer, mapping, {})
        if missing:
            samples = src.samples()
            for entry in missing:
                for c in entry["candidates"]:
                    c["samples"] = samples.get(c["field"], [])
        refuse_or_report(report, layer, source, missing, dry_run)
        if dry_run:
            report.info["dry_run"] = True
            report.warnings.extend(src.note_warnings())
            return report.as_dict()
        src.read_note_count, src.read_notes = 0, []  # the samples' rows are read again
        targets = mapping.targets()
        unmapped = mapping.unmapped()
        reference = mapping_mod.is_reference(layer)
        table = REFERENCE_TABLE if reference else layer
        points = layer == "hazard-points"
        # Points are reprojected before they become discs (a radius is in metres).
        step = GeometryStep(target, None if points else fn)
        fb.set_progress(0.02, "read")
        with store.transaction() as conn, _page_cache(conn):
            batch_id = new_batch(store, conn, layer, source, src.sha256)
            # rows retired by an earlier delivery of a reference layer are not "absent" again
            writer = BatchWriter(
                store, conn, table, f'"{KEYS[mapping_mod.preset_key(layer)]}"', batch_id, report,
                scope_sql="kind = ? AND superseded_by IS NULL" if reference else "1 = 1",
                scope_params=(layer,) if reference else (),
            )  # fmt: skip
            # Into an empty layer nothing is looked up by key while writing, and building
            # an index once from the sorted rows costs a third of keeping it up to date
            # row by row; the DDL is part of the transaction, so a failure restores it.
            # (The R-tree of an empty layer is likewise packed once, by the store.)
            lifted = _lift_indexes(conn, table) if writer.existing == 0 else []
            co_holders = CoHolders(store, conn) if layer == "parcels" else None
            if co_holders is not None:
                writer.on_added = co_holders.add
            for start, geoms, values in src.batches(batch_size):
                check_canceled(fb)
                n = len(geoms)
                rows = np.arange(start, start + n)
                columns: dict[str, np.ndarray] = {}
                for tgt, field_name in targets.items():
                    converted, bad = convert(
                        tgt, values[field_name], strings=field_name in src.text_fields
                    )
                    columns[tgt] = converted
                    if bad.any():
                        report.issue(
                            "value_invalid", rows[bad], None, field=field_name,
                            value=np.asarray(values[field_name], dtype=object)[bad],
                        )  # fmt: skip
                key_col = KEYS[mapping_mod.preset_key(layer)]
                keys = columns.get(key_col, np.full(n, None, dtype=object))
                if reference:
                    keys = reference_keys(layer, keys, rows)
                    columns[key_col] = keys
                    columns["kind"] = np.full(n, layer, dtype=object)
                    # a feature delivered again is in force again
                    columns["superseded_by"] = np.full(n, None, dtype=object)
                if key_col not in columns:
                    columns[key_col] = keys
                keep = leave_out_empty(report, layer, columns, rows)
                if not keep.all():
                    # read, but not written: counted, so that read = written + left out
                    left_out = int((~keep).sum())
                    report.counts["read"] += left_out
                    report.counts["left_out"] = report.counts.get("left_out", 0) + left_out
                    columns = {c: v[keep] for c, v in columns.items()}
                    keys, rows, geoms = keys[keep], rows[keep], np.asarray(geoms)[keep]
                    values = {f: np.asarray(v)[keep] for f, v in values.items()}
                    n = len(rows)
                    if n == 0:
                        continue
                alternative = columns.get("zddm") if layer == "buildings" else None
                check_keys(report, layer, keys, rows, alternative)
                if layer == "parcels" and "holder_id" in columns:
                    check_ids(report, "holder_id", columns["holder_id"], rows, keys)
                columns["extra"] = extra_json({f: values[f] for f in unmapped}, n, src.text_fields)
                lost = src.unreadable[(src.unreadable >= start) & (src.unreadable < start + n)]
                if lost.size:  # garbage where a shape should be: kept, flagged as unreadable
                    report.issue("geometry_unreadable", lost, keys[lost - start])
                if points:
                    geoms, radius = hazard_discs(
                        geoms, columns.get("radius_m"), fn, float(settings[HAZARD_RADIUS_SETTING])
                    )
                    columns["radius_m"] = radius
                g = step.run(report, geoms, rows, keys, lost - start)
                writer.write(keys, rows, columns, g)
                fb.set_progress(0.02 + 0.95 * min(start + n, src.features) / src.features, "write")
            if reference:
                writer.supersede_absent()
            writer.finish()
            for sql in lifted:
                conn.execute(sql)
            if layer == "villages":
                derive_towns(store, conn, batch_id, unmapped, report)
            elif co_holders is not None:
                co_holders.finish(report)
            far = report.issues.get("far_outside_crs")
            if far:
                report.warnings.append({
                    "code": "far_outside_crs", "count": far["count"],
                    "rows": [r["row"] for r in far["rows"][:20]],
                    "keys": [r.get("key") for r in far["rows"][:20]],
                    "crs": settings.crs,
                })  # fmt: skip
            report.warnings.extend(src.note_warnings())
            report.info["batch_id"] = batch_id
            report.info["seconds"] = round(time.perf_counter() - started, 3)
            result = report.as_dict()
            finish_batch(store, conn, batch_id, mapping.as_dict(), result)
            check_canceled(fb)
    fb.set_progress(1.0, "done")
    return result


def reference_keys(kind: str, keys: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """A reference feature's key: "kind:标识码", or "kind:#row" (1-based) without one, so
    that a newer delivery of the same layer updates its features in place."""
    out = np.empty(len(keys), dtype=object)
    for i, (k, r) in enumerate(zip(keys.tolist(), rows.tolist(), strict=True)):
        out[i] = f"{kind}:{k}" if isinstance(k, str) and k.strip() else f"{kind}:#{int(r) + 1}"
    return out


def hazard_discs(
    geoms: np.ndarray,
    radius: np.ndarray | None,
    fn: Callable[[np.ndarray], np.ndarray] | None,
    default_radius: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Hazard points as the discs they threaten, in the project CRS, and each file radius.

    A missing, zero or negative radius draws the disc of `default_radius` (the setting
    overlay.hazard_radius_m) and is stored as NULL: the rule then takes the setting as
    it is when the checks run, so changing it changes the findings without a re-import.
    A polygon in a hazard-point file is reprojected and kept as it is (radius 0: the zone).
    """
    g = np.asarray(geoms, dtype=object).copy()
    n = len(g)
    r = np.full(n, np.nan) if radius is None else np.asarray(radius, dtype=float).copy()
    present = ~(shapely.is_missing(g) | shapely.is_empty(g))
    if fn is not None and present.any():
        g[present] = shapely.transform(shapely.force_2d(g[present]), fn)
    kind = shapely.get_type_id(g)
    is_point = present & np.isin(kind, (0, 4))
    defaulted = is_point & ~(r > 0)
    r[defaulted] = np.nan
    r[~is_point] = np.where(present[~is_point], 0.0, np.nan)
    if is_point.any():
        drawn = np.where(defaulted, default_radius, r)
        g[is_point] = shapely.buffer(g[is_point], drawn[is_point], quad_segs=16)
    return g, r


# =================================================================== rows derived from a layer
#: Source fields of a village layer that carry the town's (乡镇/街道) name.
TOWN_NAME_FIELDS = ("XZQMC", "XZMC", "镇街名称", "乡镇名称", "镇名称", "街道名称")

# "张三(500110198001011234)", "李四（5001101980010112X）", or a bare name; separated by
# the punctuation people type between names. Parenthesised text that is not an ID number
# ("王五(已故)") keeps the name without an ID.
_CO_HOLDER = re.compile(r"\s*([^()（）]+?)\s*(?:[（(]\s*([^()（）]*?)\s*[)）])?\s*")
_CO_HOLDER_SEP = re.compile(r"[;；,，、/]+")
_ID_LIKE = re.compile(r"[0-9Xx*]{15,18}")


def record_batch_rows(
    store: ProjectStore,
    conn: Any,
    batch_id: int,
    table: str,
    fids: Sequence[int] | np.ndarray,
    action: str,
    before: Sequence[str] | None = None,
) -> int:
    """The batch's bookkeeping (`import_batch_rows`): one entry per row of `table` with
    `action`, and the row as it was (`before`, JSON) where the undo or redo needs it."""
    n = len(fids)
    columns: dict[str, Any] = {
        "batch_id": np.full(n, batch_id, dtype=np.int64),
        "layer": np.full(n, table, dtype=object),
        "row_fid": np.asarray(fids, dtype=np.int64),
        "action": np.full(n, action, dtype=object),
    }
    if before is not None:
        columns["before"] = np.array(before, dtype=object)
    store.insert_rows(conn, "import_batch_rows", columns)
    return n


def derive_towns(
    store: ProjectStore, conn: Any, batch_id: int, unmapped: list[str], report: Report
) -> None:
    """Add the towns a village layer names (code from the village's town code, name from
    XZQMC or the like) that the project does not have yet, as part of the same batch.

    A district has some dozens of towns and some hundreds of villages: read in Python
    (the smallest name of each town code, as SQL's min would give), written through the
    store, so the same code serves a file and a database."""
    field_name = next(
        (f for f in unmapped if f.upper() in TOWN_NAME_FIELDS or f in TOWN_NAME_FIELDS), None
    )
    if field_name is None:
        return
    known = {r[0] for r in conn.execute("SELECT code FROM towns").fetchall()}
    names: dict[str, str] = {}
    for code, extra in conn.execute(
        "SELECT town_code, extra FROM villages WHERE batch_id = ? AND town_code IS NOT NULL "
        "AND extra IS NOT NULL",
        (batch_id,),
    ).fetchall():
        if code in known:
            continue
        name = json.loads(extra).get(field_name)
        if name is None:
            continue
        name = name if isinstance(name, str) else json.dumps(name, ensure_ascii=False)
        if code not in names or name < names[code]:
            names[code] = name
    if not names:
        return
    codes_sorted = sorted(names)
    fids = store.insert_rows(
        conn, "towns",
        {"code": np.array(codes_sorted, dtype=object),
         "name": np.array([names[c] for c in codes_sorted], dtype=object)},
    )  # fmt: skip
    report.info["towns_added"] = record_batch_rows(store, conn, batch_id, "towns", fids, "added")


def parse_co_holders(text: str | None) -> list[tuple[str, str | None]]:
    """The co-holders (共有权利人) of one parcel as (name, ID number or None) pairs."""
    if not text:
        return []
    name, _, rest = text.partition("(")
    if rest.endswith(")") and _ID_LIKE.fullmatch(inner := rest[:-1].strip()):
        name = name.strip()
        if name and not _CO_HOLDER_SEP.search(name) and "（" not in name:
            return [(name, inner.upper())]  # the usual "姓名(证件号)", without the regexes
    out: list[tuple[str, str | None]] = []
    for part in _CO_HOLDER_SEP.split(text):
        m = _CO_HOLDER.fullmatch(part)
        if m and m.group(1):
            inner = m.group(2)
            out.append((m.group(1), inner.upper() if inner and _ID_LIKE.fullmatch(inner) else None))
    return out


class CoHolders:
    """Co-holders (共有权利人) of the parcels a batch adds, each with the ID number given
    beside the name, written to `parcel_holders` slice by slice as the parcels are, so
    that the checks can tell a co-holder who belongs to another household (names never
    link, DESIGN.md). The primary holder stays on the parcel row (holder_name,
    holder_id, household_no), where the checks read it. They belong to their parcel:
    undoing the batch that added the parcel removes them with it.

    Parcels that a re-import updates keep the co-holders they had: a change of holders
    is a registration matter, not something a survey batch should rewrite silently.
    """

    def __init__(self, store: ProjectStore, conn: Any) -> None:
        self.store, self.conn = store, conn
        self.count = 0
        # into an empty table, build its indexes once at the end (as for the layer)
        empty = not _has_rows(conn, "parcel_holders")
        self.lifted = _lift_indexes(conn, "parcel_holders") if empty else []

    def add(self, fids: np.ndarray, columns: dict[str, np.ndarray]) -> None:
        text = columns.get("co_holders")
        if text is None:
            return
        zddm = columns.get("zddm", np.full(len(fids), None, dtype=object))
        rows = [
            (fid, code, name, id_number)
            for fid, code, t in zip(fids.tolist(), zddm.tolist(), text.tolist(), strict=True)
            if t
            for name, id_number in parse_co_holders(t)
        ]
        if not rows:
            return
        cols = [np.empty(len(rows), dtype=object) for _ in range(4)]
        for k, values in enumerate(zip(*rows, strict=True)):
            cols[k][:] = values
        self.store.insert_rows(
            self.conn, "parcel_holders",
            {"parcel_fid": cols[0], "zddm": cols[1], "name": cols[2], "id_number": cols[3],
             "is_primary": np.zeros(len(rows), dtype=np.int64)},
        )  # fmt: skip
        self.count += len(rows)

    def finish(self, report: Report) -> None:
        for sql in self.lifted:
            self.conn.execute(sql)
        if self.count:
            report.info["holders_added"] = self.count


# =================================================================== batches: list and undo
def list_batches(store: ProjectStore) -> list[dict[str, Any]]:
    rows = store.execute_sql(
        "SELECT fid, created, user, layer, source, source_hash, report, undone "
        "FROM import_batches ORDER BY fid"
    )
    out = []
    for fid, created, user, layer, source, sha, report, undone in rows:
        counts = json.loads(report)["counts"] if report else {}
        out.append({
            "batch": fid, "created": created, "user": user, "layer": layer, "source": source,
            "source_hash": sha, "counts": counts, "undone": bool(undone),
        })  # fmt: skip
    return out


def undo_batch(store: ProjectStore, batch: int, feedback: Feedback | None = None) -> dict[str, Any]:
    """Undo one batch in one transaction: delete its added rows, restore its updated ones.

    Refused, with the row named, when a later batch touched the same rows or a row
    was edited since (its row_version moved on): undoing would lose that work.
    """
    from qjgis.io import batches as redo  # saves the rows for a redo (imports this module)

    fb = feedback or NullFeedback()
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT layer, undone FROM import_batches WHERE fid = ?", (batch,)
        ).fetchone()
        if row is None:
            raise QjgisError("batch_not_found", batch=batch, path=store.path)
        if row[1]:
            raise QjgisError("batch_already_undone", batch=batch)
        later = conn.execute(
            "SELECT r2.batch_id, r2.layer FROM import_batch_rows r1 JOIN import_batch_rows r2 "
            "ON r2.layer = r1.layer AND r2.row_fid = r1.row_fid AND r2.batch_id > r1.batch_id "
            "JOIN import_batches b ON b.fid = r2.batch_id AND b.undone = 0 "
            "WHERE r1.batch_id = ? LIMIT 1",
            (batch,),
        ).fetchone()
        if later is not None:
            raise QjgisError(
                "undo_blocked_later_batch", batch=batch, later=later[0], layer=later[1]
            )
        entries = conn.execute(
            "SELECT layer, row_fid, action, before FROM import_batch_rows WHERE batch_id = ? "
            "AND action IN ('added', 'updated') ORDER BY fid",  # not the redo copies
            (batch,),
        ).fetchall()
        by_layer: dict[str, list[tuple[int, str, Any]]] = {}
        for layer, fid, action, before in entries:
            by_layer.setdefault(layer, []).append(
                (fid, action, json.loads(before) if before else None)
            )
        counts: dict[str, dict[str, int]] = {}
        for layer, items in by_layer.items():
            check_canceled(fb)
            key = {**KEYS, "members": "name"}.get(layer, "fid")
            fids = [f for f, _, _ in items]
            current: dict[int, tuple[int, Any]] = {}
            for start in range(0, len(fids), 900):
                chunk = fids[start : start + 900]
                marks = ",".join("?" * len(chunk))
                for fid, version, k in conn.execute(
                    f'SELECT fid, row_version, "{key}" FROM "{layer}" WHERE fid IN ({marks})', chunk
                ):
                    current[fid] = (version, k)
            # Later batches that updated a row and are undone moved its version on; so
            # did each earlier undo and redo of this batch (qjgis.io.batches).
            bumps = redo.later_undone_bumps(conn, batch, layer)
            cycles = redo.undo_cycles(conn, batch, layer)
            for fid, action, before in items:
                if fid not in current:
                    raise QjgisError("undo_blocked_missing", batch=batch, layer=layer, fid=fid)
                expected = 1 if action == "added" else int(before["row_version"]) + 1
                expected += bumps.get(fid, 0) + 2 * cycles.get(fid, 0)
                if current[fid][0] != expected:
                    raise QjgisError(
                        "undo_blocked_edited", batch=batch, layer=layer, fid=fid,
                        key=current[fid][1], found=current[fid][0], expected=expected,
                    )  # fmt: skip
            added = [(f,) for f, a, _ in items if a == "added"]
            redo.save_for_redo(store, conn, batch, layer, fids, [f for (f,) in added])
            if layer == "parcels":  # the co-holders that came with these parcels
                counts["parcel_holders"] = {
                    "deleted": store.delete_rows(
                        conn, "parcel_holders", [f for (f,) in added], "parcel_fid"
                    ),
                    "restored": 0,
                }
            store.delete_rows(conn, layer, [f for (f,) in added])
            # the rows' values before the batch (a geometry as its GeoPackage blob)
            restored = update_each(
                store,
                conn,
                layer,
                ((fid, _before_values(before)) for fid, action, before in items
                 if action == "updated"),
            )  # fmt: skip
            counts[layer] = {"deleted": len(added), "restored": restored}
        store.update_rows(conn, "import_batches", [batch], ["undone"], [(1,)], bump_version=False)
        store.audit(conn, "imports.undo", f"import_batches/{batch}", {"batch": batch}, counts)
    return {"batch": batch, "layer": row[0], "undone": counts}


def _before_values(before: Mapping[str, Any]) -> dict[str, Any]:
    """A row's recorded values as the store writes them: no row version (the write moves
    it on), a geometry as its GeoPackage blob."""
    values = dict(before)
    values.pop("row_version", None)
    if values.get("geom") is not None:
        values["geom"] = base64.b64decode(values["geom"])
    return values


def batch_report(store: ProjectStore, batch: int) -> dict[str, Any]:
    rows = store.execute_sql("SELECT report FROM import_batches WHERE fid = ?", (batch,))
    if not rows:
        raise QjgisError("batch_not_found", batch=batch, path=store.path)
    return json.loads(rows[0][0]) if rows[0][0] else {}


class ImportLayer:
    """The import as a command for the GUI's undo stack: apply imports, revert undoes it."""

    name = "import"

    def __init__(self, layer: str, source: str, **options: Any) -> None:
        self.layer, self.source, self.options = layer, source, options
        self.report: dict[str, Any] | None = None

    def _changes(self) -> Changes:
        touched = {"households", "members"} if self.layer == "households" else set()
        layer = REFERENCE_TABLE if mapping_mod.is_reference(self.layer) else self.layer
        return Changes(
            layers=frozenset({layer} - touched),
            tables=frozenset(touched | {"import_batches", "import_batch_rows", "audit_log"}),
        )

    def apply(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        self.report = import_layer(store, self.layer, self.source, **self.options)
        return self._changes()

    def revert(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        if self.report is None:
            raise RuntimeError("revert before apply")
        undo_batch(store, int(self.report["batch_id"]))
        return self._changes()


def saved_mapping(store: ProjectStore, batch: int) -> dict[str, Any]:
    """The mapping a batch used, in the form `--mapping FILE` reads back."""
    rows = store.execute_sql("SELECT layer, mapping FROM import_batches WHERE fid = ?", (batch,))
    if not rows:
        raise QjgisError("batch_not_found", batch=batch, path=store.path)
    stored = json.loads(rows[0][1]) if rows[0][1] else {}
    return {"layer": rows[0][0], "fields": stored.get("fields", {})}
