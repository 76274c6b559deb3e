"""Household registers (户籍登记) from XLSX, XLS or CSV: one row per member.

A register is a table of members with their 户号; households are the groups of
rows sharing one 户号, the head (户主) giving the household's own facts. Rows
without a 户号 are kept as households of their own keyed by the ID number, and
flagged. ID numbers that Excel turned into numbers (4.40524E+17) lost digits:
they are stored as written and reported unrecoverable, never guessed.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from qjgis.errors import QjgisError
from qjgis.feedback import Feedback, NullFeedback, check_canceled
from qjgis.io import encoding as enc
from qjgis.io import importer
from qjgis.io import mapping as mapping_mod
from qjgis.io.sources import file_hash

QjgisError.register(
    {
        "register_no_header": (
            "{path}: no header row with known register columns (户号, 姓名, 身份证号 ...) "
            "in the first {rows} rows of any sheet"
        ),
        "register_needs": "{path}: the register has no {column} column (mapped: {mapped})",
        "xls_unsupported": "{path}: reading .xls needs the xlrd package; save the file as .xlsx",
    }
)

_HEADER_SCAN = 20
_HOUSEHOLD_FIELDS = ("village_code", "household_type", "lives_in_village", "split_status")
_MEMBER_FIELDS = ("name", "id_number", "relation", "sex", "birth_date", "phone")
_HEAD = "户主"


def read_table(
    path: Path, encoding: str | None
) -> tuple[list[str], list[list[Any]], dict[str, Any]]:
    """(header, data rows, facts about the read) of the register's member table."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, encoding)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix == ".xls":
        return _read_xls(path)
    raise QjgisError("source_format", path=str(path), suffix=suffix or "(none)")


def _find_header(path: Path, rows: list[list[Any]], sheet: str) -> int | None:
    for i, row in enumerate(rows[:_HEADER_SCAN]):
        names = [str(c).strip() for c in row if c is not None and str(c).strip()]
        if len(names) >= 2 and len(mapping_mod.detect("households", names).targets()) >= 2:
            return i
    return None


def _read_xlsx(path: Path) -> tuple[list[str], list[list[Any]], dict[str, Any]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise QjgisError(
            "source_corrupt", path=str(path), detail=f"not a valid XLSX: {exc}"
        ) from None
    try:
        for ws in wb.worksheets:
            head = [list(r) for r in ws.iter_rows(max_row=_HEADER_SCAN, values_only=True)]
            at = _find_header(path, head, ws.title)
            if at is None:
                continue
            header = [("" if c is None else str(c).strip()) for c in head[at]]
            data = [
                list(r)
                for r in ws.iter_rows(min_row=at + 2, values_only=True)
                if any(c is not None and str(c).strip() != "" for c in r)
            ]
            return header, data, {"sheet": ws.title, "header_row": at + 1}
    finally:
        wb.close()
    raise QjgisError("register_no_header", path=str(path), rows=_HEADER_SCAN)


def _read_xls(path: Path) -> tuple[list[str], list[list[Any]], dict[str, Any]]:
    try:
        import xlrd  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError:
        raise QjgisError("xls_unsupported", path=str(path)) from None
    try:
        book = xlrd.open_workbook(str(path))
    except Exception as exc:  # xlrd raises its own XLRDError and struct errors on damage
        raise QjgisError("source_corrupt", path=str(path), detail=str(exc)[:120]) from None

    def value(cell: Any) -> Any:
        if cell.ctype == xlrd.XL_CELL_DATE:  # a date is a day count in the file
            return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
        return None if cell.ctype == xlrd.XL_CELL_EMPTY else cell.value

    for sheet in book.sheets():
        rows = [[value(c) for c in sheet.row(i)] for i in range(sheet.nrows)]
        at = _find_header(path, rows, sheet.name)
        if at is None:
            continue
        header = [("" if c is None else str(c).strip()) for c in rows[at]]
        data = [r for r in rows[at + 1 :] if any(c is not None and str(c).strip() for c in r)]
        return header, data, {"sheet": sheet.name, "header_row": at + 1}
    raise QjgisError("register_no_header", path=str(path), rows=_HEADER_SCAN)


def _read_csv(
    path: Path, encoding: str | None
) -> tuple[list[str], list[list[Any]], dict[str, Any]]:
    raw = path.read_bytes()
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    sample = body[:65536]
    if len(body) > len(sample):
        sample = sample[: sample.rfind(b"\n") + 1] or sample
    samples = [line for line in sample.split(b"\n") if any(b >= 0x80 for b in line)]
    decision = enc.decide(samples, override=encoding, path=str(path))
    text = body.decode(decision.encoding, errors="replace")  # the one decode of the data
    rows = list(csv.reader(io.StringIO(text)))
    at = _find_header(path, [list(r) for r in rows], "csv")
    if at is None:
        raise QjgisError("register_no_header", path=str(path), rows=_HEADER_SCAN)
    header = [c.strip() for c in rows[at]]
    data: list[list[Any]] = [list(r) for r in rows[at + 1 :] if any(c.strip() for c in r)]
    return header, data, {"encoding": decision.as_dict(), "header_row": at + 1}


def import_register(
    store: Any,
    source: str,
    *,
    encoding: str | None = None,
    mapping_file: str | None = None,
    feedback: Feedback | None = None,
    dry_run: bool = False,
) -> dict[str, Any]:
    fb = feedback or NullFeedback()
    started = time.perf_counter()
    path = Path(source)
    if not path.is_file():
        raise QjgisError("file_not_found", path=source)
    fb.set_progress(0.0, "open")
    header, data, facts = read_table(path, encoding)
    names = [h or f"column{i + 1}" for i, h in enumerate(header)]
    mapping = mapping_mod.detect("households", names)
    if mapping_file is not None:
        mapping_mod.apply_overrides(mapping, mapping_mod.load(mapping_file), source)
    targets = mapping.targets()
    # 户号 or the ID number (importer.REQUIRED); a dry run reports the candidates instead
    missing = importer.required_missing("households", mapping, importer.samples_of(names, data))
    if missing and not dry_run:
        raise importer.required_error("households", source, missing)
    n = len(data)
    width = len(names)
    cols: dict[str, np.ndarray] = {}
    for j, name in enumerate(names):
        arr = np.empty(n, dtype=object)
        arr[:] = [r[j] if j < len(r) else None for r in data]
        cols[name] = arr
    report = importer.Report("households", source)
    sha = file_hash([path])
    report.info = {
        "source_hash": sha, "driver": path.suffix.lower().lstrip("."), "features": n,
        **facts, "mapping": mapping.as_dict(), "columns": width,
    }  # fmt: skip
    importer.refuse_or_report(report, "households", source, missing, dry_run)
    # Issues name the row as the spreadsheet shows it (the header row counts).
    rows = np.arange(n) + int(facts["header_row"])
    values: dict[str, np.ndarray] = {}
    for tgt, src in targets.items():
        raw_values = cols[src]
        if tgt in ("id_number", "phone", "household_no", "village_code"):
            # numbers from Excel: text as written; float IDs are flagged below
            converted = np.array([_cell_text(v) for v in raw_values], dtype=object)
            bad = np.zeros(n, dtype=bool)
        else:
            converted, bad = importer.convert(tgt, raw_values)
        values[tgt] = converted
        if bad.any():
            report.issue("value_invalid", rows[bad], None, field=src, value=raw_values[bad])
    hh = values.get("household_no", np.full(n, None, dtype=object)).copy()
    ids = values.get("id_number", np.full(n, None, dtype=object))
    no_hh = np.array([v is None for v in hh], dtype=bool)
    if no_hh.any():
        fallback = np.array(
            [
                i if i is not None else f"无户号-{r + 1}"
                for i, r in zip(ids[no_hh], rows[no_hh], strict=True)
            ],
            dtype=object,
        )
        hh[no_hh] = fallback
        report.issue("household_no_missing", rows[no_hh], fallback)
    importer.check_ids(report, "id_number", ids, rows, hh)
    if dry_run:  # the row checks are cheap here and worth seeing before the write
        report.info["dry_run"] = True
        return report.as_dict()

    # Households in order of first appearance; the head row gives the household's facts.
    order: dict[str, list[int]] = {}
    for i, h in enumerate(hh.tolist()):
        order.setdefault(h, []).append(i)
    relation = values.get("relation", np.full(n, None, dtype=object))
    heads = np.empty(len(order), dtype=np.int64)
    seq = np.zeros(n, dtype=np.int64)
    no_head: list[int] = []
    for k, members in enumerate(order.values()):
        head = next((i for i in members if relation[i] == _HEAD), None)
        if head is None:
            head = members[0]
            no_head.append(members[0])
        heads[k] = head
        for s, i in enumerate(members, start=1):
            seq[i] = s
    nh = np.array(no_head, dtype=int)
    report.issue("household_head_missing", rows[nh], hh[nh])
    check_canceled(fb)
    unmapped = mapping.unmapped()
    with store.transaction() as conn:
        batch_id = importer.new_batch(store, conn, "households", source, sha)
        h_keys = hh[heads]
        h_cols: dict[str, np.ndarray] = {"household_no": h_keys}
        for f in _HOUSEHOLD_FIELDS:
            if f in values:
                h_cols[f] = values[f][heads]
        names_ = values.get("name", np.full(n, None, dtype=object))
        h_cols["head_name"] = names_[heads]
        h_cols["head_id"] = ids[heads]
        hw = importer.BatchWriter(store, conn, "households", '"household_no"', batch_id, report)
        hw.write(h_keys, rows[heads], h_cols)
        fb.set_progress(0.5, "write")
        check_canceled(fb)
        m_cols: dict[str, np.ndarray] = {"household_no": hh, "seq": seq.astype(object)}
        for f in _MEMBER_FIELDS:
            if f in values:
                m_cols[f] = values[f] if f != "id_number" else ids
        m_cols["extra"] = importer.extra_json({f: cols[f] for f in unmapped}, n)
        person = np.array(
            [
                i if i is not None else nm
                for i, nm in zip(ids.tolist(), names_.tolist(), strict=True)
            ],
            dtype=object,
        )
        m_keys = np.array(
            [f"{h}/{p}" for h, p in zip(hh.tolist(), person.tolist(), strict=True)], dtype=object
        )
        mw = importer.BatchWriter(
            store, conn, "members",
            "\"household_no\" || '/' || coalesce(\"id_number\", \"name\", '')",
            batch_id, report, count_prefix="members.",
        )  # fmt: skip
        mw.write(m_keys, rows, m_cols)
        hw.finish()
        mw.finish()
        report.info["batch_id"] = batch_id
        report.info["households"] = len(order)
        report.info["seconds"] = round(time.perf_counter() - started, 3)
        result = report.as_dict()
        importer.finish_batch(store, conn, batch_id, mapping.as_dict(), result)
        check_canceled(fb)
    fb.set_progress(1.0, "done")
    return result


def _cell_text(v: Any) -> str | None:
    """A cell as text; a float keeps the form Excel showed for long numbers (4.40524E+17)."""
    if v is None:
        return None
    if isinstance(v, float):
        if not np.isfinite(v):
            return None
        if v == int(v) and abs(v) < 1e15:
            return str(int(v))
        return f"{v:.5E}" if abs(v) >= 1e15 else repr(v)
    if isinstance(v, int):
        return str(v)
    text = str(v).strip()
    return text or None
