"""Household registers (户籍登记) from XLSX, XLS, ODS or CSV: one row per member, or
one per head.

A register is a table of members; a head's row (与户主关系 户主/本人) starts a
household keyed by its 户号, else by the head's ID number, and the rows without a
户号 below it belong to it (`household_keys`). The head row gives the household's
own facts, including the size it records (家庭人口). Printed forms are read too:
the header is found among the first rows, across a two-row merged header;
placeholder rows are skipped and counted; a header-only template imports nothing.
ID numbers that Excel turned into numbers (4.40524E+17) lost digits: they are
stored as written and reported unrecoverable, never guessed.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import operator
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from qjgis.errors import QjgisError
from qjgis.feedback import Feedback, NullFeedback, check_canceled
from qjgis.gcpause import paused_gc
from qjgis.io import encoding as enc
from qjgis.io import importer, workbook
from qjgis.io import mapping as mapping_mod
from qjgis.io.sources import file_hash

QjgisError.register(
    {
        "register_no_header": (
            "{path}: no header row with known register columns (户号, 姓名, 身份证号 ...) "
            "in the first {rows} rows of any sheet"
        ),
        "register_needs": "{path}: the register has no {column} column (mapped: {mapped})",
        "register_header_row": (
            "{path}: header row {row} is outside the sheet {sheet} ({rows} rows); "
            "give the row number the spreadsheet shows"
        ),
        "register_header_row_empty": (
            "{path}: row {row} of sheet {sheet} is no header: none of its cells "
            "({cells}) is a register column"
        ),
        "register_empty": (
            "{path}: the register has a header (row {row}) but no data rows "
            "({skipped} placeholder rows skipped); nothing imported"
        ),
        "register_is_form": (
            "{path}: a form, not a register: under its header (row {row}) no member is "
            "listed, and rows {rows} are other parts of the form (cells merged across "
            "its columns); nothing imported"
        ),
    }
)

_HEADER_SCAN = 20
_HOUSEHOLD_FIELDS = (
    "village_code", "household_type", "lives_in_village", "split_status", "declared_size",
)  # fmt: skip
_MEMBER_FIELDS = ("name", "id_number", "relation", "sex", "birth_date", "phone")
_MEMBER_DATES = ("joined_on", "left_on")
#: 与户主关系 values that make a row the head of a household (it starts the household)
HEAD_RELATIONS = frozenset({"户主", "本人", "户主本人", "本人(户主)", "本人（户主）"})
#: What templates and exports put in a cell that has no value: a row of these is no person.
PLACEHOLDERS = frozenset(
    {"N", "NULL", "NONE", "NAN", "N/A", "#N/A", "-", "--", "—", "——", "/", "\\", "无", "空",
     "…", "..."}
)  # fmt: skip
#: The columns whose values make a row a person; a row with none of them is skipped.
_IDENTITY = ("household_no", "name", "id_number", "head_id")


def read_table(
    path: Path,
    encoding: str | None,
    header_row: int | None = None,
    known: frozenset[str] = frozenset(),
) -> tuple[list[str], list[np.ndarray], np.ndarray, dict[str, Any], dict[str, bool]]:
    """(header, data columns, the data's 0-based sheet rows, facts about the read, the
    columns that hold only text: name -> known to need no stripping) of the register's
    member table: blank rows left out, empty cells None.

    The header is the row among the first rows that names the most register
    columns (or row `header_row`, 1-based as the spreadsheet shows it). A
    printed form's header spans two rows with merged cells (户主姓名 merged
    down, 家庭成员情况 merged across 姓名, 身份证号码 ...): merged cells take
    their value, and blanks in the header row take the title above them, so
    the lower row is the whole header. Columns with neither a title nor data
    (column13 … column255 of a formatted sheet) are dropped. `known` are source
    field names a mapping file or a remembered mapping names: they count as
    register columns too.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        sheets: Iterator[_Sheet] = iter([_csv_sheet(path, encoding)])
    elif suffix in (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"):
        sheets = _excel_sheets(path)
    else:
        raise QjgisError("source_format", path=str(path), suffix=suffix or "(none)")
    with contextlib.closing(sheets) if hasattr(sheets, "close") else contextlib.nullcontext():
        for sheet in sheets:
            found = _header(path, sheet, header_row, known)
            if found is None:
                continue
            at, header, used = found
            body = sheet.rows[at + 1 :]
            form = _form_rows(sheet, at, len(header))
            if form:  # a form's other sections are no rows of its table: blanked, named
                body = list(body)
                for r in form:
                    body[r - at - 1] = []
            header, columns, rows, text = _columns(header, body)
            rows += at + 1
            facts: dict[str, Any] = {"header_row": at + 1, "header_rows": used}
            if form:
                facts["form_rows"] = [r + 1 for r in form]
            if sheet.name is not None:
                facts["sheet"] = sheet.name
            if sheet.encoding is not None:
                facts["encoding"] = sheet.encoding
            return header, columns, rows, facts, text
    raise QjgisError("register_no_header", path=str(path), rows=_HEADER_SCAN)


class _Sheet:
    """A sheet's cells as read, and its merged ranges; `head(n)`: the first n rows
    cleaned (None for empty, text stripped), where the header is looked for."""

    def __init__(
        self,
        name: str | None,
        rows: list[list[Any]],
        merged: list[tuple[tuple[int, int], tuple[int, int]]] | None = None,
        encoding: dict[str, Any] | None = None,
    ) -> None:
        self.name, self.rows, self.merged, self.encoding = name, rows, merged or [], encoding
        self._head: list[list[Any]] = []

    def head(self, n: int) -> list[list[Any]]:
        if len(self._head) < min(n, len(self.rows)):
            self._head = [_clean(r) for r in self.rows[:n]]
        return self._head


def _clean(row: list[Any]) -> list[Any]:
    return [(c.strip() or None) if isinstance(c, str) else c for c in row]


def _excel_sheets(path: Path) -> Iterator[_Sheet]:
    """Each sheet of a workbook, read by calamine (Rust): 10× openpyxl's read of the same
    register (docs/benchmarks.md). Sheets are read one by one, until one has a header."""
    from python_calamine import CalamineError

    # the first sheet, parsed on a thread (qjgis.io.workbook) since the command line, the
    # import dialog or import_register named the file
    early = workbook.take(path)
    try:
        wb = early[0] if early is not None else workbook.open_workbook(path)
    except (CalamineError, OSError, ValueError) as exc:
        kind = path.suffix.lower().lstrip(".").upper()
        raise QjgisError(
            "source_corrupt", path=str(path), detail="bad_workbook", kind=kind, error=str(exc)[:120]
        ) from None
    try:
        for name in wb.sheet_names:
            if early is not None and name == early[1]:
                yield _Sheet(name, early[2], early[3])
                early = None
                continue
            try:
                ws = wb.get_sheet_by_name(name)
                rows = ws.to_python(skip_empty_area=False)
                merged = list(ws.merged_cell_ranges or [])
            except (CalamineError, ValueError) as exc:
                raise QjgisError(
                    "source_corrupt",
                    path=str(path),
                    detail="bad_sheet",
                    sheet=name,
                    error=str(exc)[:120],
                ) from None
            yield _Sheet(name, rows, merged)
    finally:
        wb.close()


def _csv_sheet(path: Path, encoding: str | None) -> _Sheet:
    raw = path.read_bytes()
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    sample = body[:65536]
    if len(body) > len(sample):
        sample = sample[: sample.rfind(b"\n") + 1] or sample
    samples = [line for line in sample.split(b"\n") if any(b >= 0x80 for b in line)]
    decision = enc.decide(samples, override=encoding, path=str(path))
    text = body.decode(decision.encoding, errors="replace")  # the one decode of the data
    rows = list(csv.reader(io.StringIO(text)))
    return _Sheet(None, rows, encoding=decision.as_dict())


def _filled(sheet: _Sheet, at: int) -> tuple[list[Any], list[int]]:
    """Row `at` as a header: a cell merged down from a title above takes that title;
    without merge information (CSV), a blank takes the title above it when the row
    above is itself a row of titles (a two-row header). Also returns the 1-based rows
    the names came from."""
    rows = sheet.head(at + 1)
    width = max((len(r) for r in rows), default=0)

    def cell(r: int, c: int) -> Any:
        return rows[r][c] if c < len(rows[r]) else None

    names = [cell(at, c) for c in range(width)]
    used = {at + 1}
    for (r0, c0), (r1, _) in sheet.merged:
        # a title merged down names its first column; across, the columns it spans
        # are one column of the printed form (their data, if any, goes to columnN)
        if r0 < at <= r1 and c0 < width and names[c0] is None and cell(r0, c0) is not None:
            names[c0] = cell(r0, c0)
            used.add(r0 + 1)
    if at > 0 and not sheet.merged:  # no merge information (CSV): the row above fills
        above = [cell(at - 1, c) for c in range(width)]
        if sum(v is not None for v in above) >= 2:  # not a one-cell title line
            for c in range(width):
                if names[c] is None and above[c] is not None:
                    names[c] = above[c]
                    used.add(at)
    return names, sorted(used)


def _form_rows(sheet: _Sheet, at: int, width: int) -> list[int]:
    """The 0-based rows under the header (row `at`) that are other parts of a printed
    form, not rows of its table: rows with content covered by a merged cell that spans
    more than one of the header's columns (调查记事, 调查员/日期 boxes under a
    承包方调查表's member table). A table's own cells may be merged across the sheet
    columns one header title spans, or down across rows (a 户号 over a household's
    members), but never across two titles."""
    if not sheet.merged:
        return []
    field_of = list(range(max(width, 1)))  # the header title each sheet column is under
    for (r0, c0), (r1, c1) in sheet.merged:
        if r0 <= at <= r1:
            for c in range(c0, min(c1 + 1, len(field_of))):
                field_of[c] = c0
    covered: set[int] = set()
    for (r0, c0), (r1, c1) in sheet.merged:
        if r0 <= at:
            continue
        fields = {field_of[c] if c < len(field_of) else c for c in range(c0, c1 + 1)}
        if len(fields) > 1:
            covered.update(range(r0, r1 + 1))
    return [
        r for r in sorted(covered)
        if r < len(sheet.rows) and any(v not in ("", None) for v in sheet.rows[r])
    ]  # fmt: skip


def _names(cells: list[Any]) -> list[str]:
    """Header cells as unique column names; blanks stay "" (named later if they hold data)."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for c in cells:
        name = "" if c is None else str(c).strip()
        if name:
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:  # a title merged across columns repeats: keep each column
                name = f"{name}({seen[name]})"
        out.append(name)
    return out


def _score(names: list[str], known: frozenset[str]) -> int:
    """How many register columns a candidate header row names."""
    present = [n for n in names if n]
    return len(mapping_mod.detect("households", present).targets()) + len(known & set(present))


def _header(
    path: Path, sheet: _Sheet, header_row: int | None, known: frozenset[str]
) -> tuple[int, list[str], list[int]] | None:
    """(0-based row, names, 1-based rows used) of the sheet's header, or None."""
    if header_row is not None:
        if not 1 <= header_row <= len(sheet.rows):
            raise QjgisError(
                "register_header_row", path=str(path), row=header_row,
                sheet=sheet.name or "csv", rows=len(sheet.rows),
            )  # fmt: skip
        cells, used = _filled(sheet, header_row - 1)
        names = _names(cells)
        if not _score(names, known):
            raise QjgisError(
                "register_header_row_empty", path=str(path), row=header_row,
                sheet=sheet.name or "csv", cells=", ".join(n for n in names if n)[:200] or "-",
            )  # fmt: skip
        return header_row - 1, names, used
    best: tuple[int, int, list[str], list[int]] | None = None
    head = sheet.head(_HEADER_SCAN)
    for at in range(len(head)):
        if sum(c is not None for c in head[at]) == 0:
            continue
        cells, used = _filled(sheet, at)
        names = _names(cells)
        score = _score(names, known)
        if score >= 2 and (best is None or score > best[0]):
            best = (score, at, names, used)
    return None if best is None else (best[1], best[2], best[3])


def _columns(
    header: list[str], body: list[list[Any]]
) -> tuple[list[str], list[np.ndarray], np.ndarray, dict[str, bool]]:
    """(names, columns, 0-based body rows kept, the all-text columns: name -> known to
    need no stripping) of the data under the header.

    The body becomes one 2-D object array, so that the work per cell runs in C (one
    conversion, elementwise comparisons; 5× the column-by-column zip): blank rows and
    the columns with no title and no value go; untitled columns that hold data are
    named columnN. Whether a column holds only text is decided here once: stripping,
    converting and the `extra` JSON take the text fast paths by it.
    """
    widths = set(map(len, body))
    width = max([len(header), *widths])
    if widths - {width}:  # CSV lines may be short
        body = [r if len(r) == width else [*r, *[None] * (width - len(r))] for r in body]
    cells = np.empty((len(body), width), dtype=object)
    if body:
        cells[:] = body
    text, clean = _text_columns(cells)
    if all(text):  # str and None only: a cell is filled when it is true (not "" nor None)
        filled = cells.astype(bool)
        empty = ~filled
    else:
        empty = (cells == "") | (cells == None)  # noqa: E711  elementwise, in C
        filled = ~empty
    cells[empty] = None
    keep_rows = np.flatnonzero(filled.any(axis=1))
    any_in_column = filled.any(axis=0)
    keep = [
        j for j in range(width) if (j < len(header) and header[j]) or any_in_column[j]
    ]  # fmt: skip
    names = [header[j] if j < len(header) and header[j] else f"column{j + 1}" for j in keep]
    if len(keep_rows) < len(body):
        cells = cells[keep_rows]
    columns = [np.ascontiguousarray(cells[:, j]) for j in keep]
    return names, columns, keep_rows, {names[k]: clean for k, j in enumerate(keep) if text[j]}


_TEXT_TYPES = frozenset({str, type(None)})


def _text_columns(cells: np.ndarray) -> tuple[list[bool], bool]:
    """Per column of a 2-D object array: whether it holds only text (and None); and
    whether the whole sheet is text that needs no stripping. `str.join` refuses anything
    but text, in C: a sheet of text is told in one call, a column that refuses is looked
    at cell by cell. `str.strip` returns the very same object when there is nothing to
    strip: one C-level pass over the sheet tells that no column needs it."""
    flat = cells.ravel().tolist()
    try:
        "".join(flat)
    except TypeError:
        pass
    else:
        clean = all(map(operator.is_, map(str.strip, flat), flat))
        return [True] * cells.shape[1], clean
    out = []
    for j in range(cells.shape[1]):
        column = cells[:, j].tolist()
        try:
            "".join(column)
            out.append(True)
        except TypeError:
            out.append(_TEXT_TYPES.issuperset(map(type, column)))
    return out, False


def stripped(values: np.ndarray, text: bool | None = None, clean: bool = False) -> np.ndarray:
    """Text without surrounding blanks, None where nothing is left. A text column whose
    values have no blank at either end is returned as it is: most are. `str.strip`
    returns the very same object when there is nothing to strip, so one C-level pass
    (map) and an identity check tell. `text`: whether the column is known to hold only
    text and None; `clean`: known to need no stripping (`_text_columns`)."""
    if text and clean:
        return values
    cells = values.tolist()
    if text is None:
        text = _TEXT_TYPES.issuperset(map(type, cells))
    if text:
        present = list(filter(None, cells))
        if all(map(operator.is_, map(str.strip, present), present)):
            return values
    return np.array([(v.strip() or None) if type(v) is str else v for v in cells], dtype=object)


def import_register(
    store: Any,
    source: str,
    *,
    encoding: str | None = None,
    mapping_file: str | None = None,
    feedback: Feedback | None = None,
    dry_run: bool = False,
    header_row: int | None = None,
) -> dict[str, Any]:
    """Import a household register: households and their members, one batch.

    Households (issue 11's rule): a row whose 与户主关系 is 户主/本人 — or, without
    that column, a row with a 户号 — starts a household, keyed by its 户号, else
    by the 户主身份证号 column, else by the head's own ID number; following rows
    without a key belong to it until the next head. Rows that name no one (no
    户号, no name, no ID number: a template's placeholder row) are skipped and
    counted. A register with no data rows imports nothing and records no batch.
    """
    with paused_gc():  # rows and columns hold no cycles
        return _import_register(
            store, source, encoding=encoding, mapping_file=mapping_file, feedback=feedback,
            dry_run=dry_run, header_row=header_row,
        )  # fmt: skip


def _import_register(
    store: Any,
    source: str,
    *,
    encoding: str | None,
    mapping_file: str | None,
    feedback: Feedback | None,
    dry_run: bool,
    header_row: int | None,
) -> dict[str, Any]:
    fb = feedback or NullFeedback()
    started = time.perf_counter()
    path = Path(source)
    if not path.is_file():
        raise QjgisError("file_not_found", path=source)
    fb.set_progress(0.0, "open")
    # The workbook parses on another core (python-calamine releases the GIL) while the
    # mapping, the saved mappings and the file's hash are read here; read_table takes it.
    early = path.suffix.lower() in workbook.SUFFIXES and workbook.prefetch(path)
    try:
        sha = file_hash([path])
        chosen = mapping_mod.load(mapping_file) if mapping_file is not None else None
        # names the user mapped before count as register columns when finding the header
        known = (
            mapping_mod.saved_fields(store, "households") if chosen is None else frozenset(chosen)
        )
    except BaseException:
        if early:
            workbook.forget(path)
        raise
    header, data, rows, facts, text = read_table(path, encoding, header_row, known)
    names = header
    mapping = mapping_mod.detect("households", names)
    remembered = None
    if chosen is not None:
        mapping_mod.apply_overrides(mapping, chosen, source)
    else:
        remembered = mapping_mod.remembered(store, "households", names)
        if remembered is not None:
            mapping_mod.apply_overrides(mapping, remembered[1], source, origin="saved")
    targets = mapping.targets()
    try:
        _check_needed(source, targets)
        refusal = None
    except QjgisError as exc:
        if not dry_run:
            raise
        refusal = exc  # the dry run says so, with the candidates (importer.REQUIRED)
    n = len(rows)
    cols: dict[str, np.ndarray] = dict(zip(names, data, strict=True))
    report = importer.Report("households", source)
    form_rows = facts.pop("form_rows", [])
    report.info = {
        "source_hash": sha, "driver": path.suffix.lower().lstrip("."), "features": n,
        **facts, "mapping": mapping.as_dict(), "columns": len(names),
    }  # fmt: skip
    if form_rows:
        report.issue("row_form", np.array(form_rows) - 1, None)
        report.info["form_rows"] = len(form_rows)
    if refusal is not None:
        column = str(refusal.params["column"])
        group = [column] if column != "name" else ["name", "head_name"]
        importer.report_refusal(report, "households", group, mapping, cols, refusal)
        report.info["dry_run"] = True
        return report.as_dict()
    if remembered is not None:
        report.info["mapping_batch"] = remembered[0]
    # Issues name the row as the spreadsheet shows it (`rows`: 0-based sheet rows).
    for src in targets.values():
        cols[src] = stripped(cols[src], src in text, text.get(src, False))
    values, invalid = _convert(targets, cols, n, frozenset(text))
    person = _names_a_person(values, n)
    for src, bad in invalid.items():  # a placeholder row's N is no invalid value
        bad &= person
        report.issue("value_invalid", rows[bad], None, field=src, value=cols[src][bad])
    if not person.all():
        report.issue("row_placeholder", rows[~person], None)
        report.info["skipped_rows"] = int((~person).sum())
        keep = np.flatnonzero(person)
        rows = rows[keep]
        values = {k: v[keep] for k, v in values.items()}
        cols = {k: v[keep] for k, v in cols.items()}
        n = len(keep)
    if n == 0:
        skipped = int(report.info.get("skipped_rows", 0))
        shown = ", ".join(map(str, form_rows[:10])) + (" …" if len(form_rows) > 10 else "")
        if not dry_run:
            if form_rows:
                raise QjgisError(
                    "register_is_form", path=source, row=facts["header_row"], rows=shown
                )
            raise QjgisError(
                "register_empty", path=source, row=facts["header_row"], skipped=skipped
            )
        if form_rows:
            report.warnings.append(
                {"code": "register_is_form", "row": facts["header_row"], "rows": shown}
            )
        else:
            report.warnings.append(
                {"code": "register_empty", "row": facts["header_row"], "skipped": skipped}
            )
        report.info["dry_run"] = True
        return report.as_dict()
    if "name" not in values:  # a register of heads named by 户主姓名 only
        values["name"] = values["head_name"]
    none = np.full(n, None, dtype=object)
    relation = values.get("relation")
    ids = values.get("id_number", none)
    hh, head_rows, missing = household_keys(
        values.get("household_no", none), values.get("head_id", none), ids, relation, rows
    )
    if "id_number" not in values and "head_id" in values:
        ids = np.where(head_rows, values["head_id"], None)  # the head's own ID
    report.issue("household_no_missing", rows[missing], hh[missing])
    importer.check_ids(report, "id_number", ids, rows, hh)

    # Households in order of first appearance; the head row gives the household's facts.
    home, heads, seq, listed, no_head = group_households(hh, head_rows)
    report.issue("household_head_missing", rows[heads[no_head]], hh[heads[no_head]])
    declared = _declared_sizes(values, home, heads)
    if declared is not None and (listed > 1).any():
        # The register lists members: they count; a recorded size that differs is shown.
        known = np.array([d is not None for d in declared.tolist()], dtype=bool)
        differ = np.flatnonzero(known & (declared != listed))
        report.issue(
            "household_size_differs", rows[heads[differ]], hh[heads[differ]],
            members=listed[differ], declared=declared[differ],
        )  # fmt: skip
    report.info["households"] = len(heads)
    report.info["lists"] = "members" if (listed > 1).any() else "heads"
    if dry_run:  # the row checks are cheap here and worth seeing before the write
        report.info["dry_run"] = True
        return report.as_dict()

    check_canceled(fb)
    unmapped = mapping.unmapped()
    with store.transaction() as conn, importer._page_cache(conn):
        batch_id = importer.new_batch(store, conn, "households", source, sha)
        h_keys = hh[heads]
        h_cols: dict[str, np.ndarray] = {"household_no": h_keys}
        for f in _HOUSEHOLD_FIELDS:
            if f in values:
                h_cols[f] = values[f][heads]
        if declared is not None:
            h_cols["declared_size"] = declared
        head_name = values["name"][heads]
        if "head_name" in values:
            head_name = np.where(head_name == None, values["head_name"][heads], head_name)  # noqa: E711
        h_cols["head_name"] = head_name
        h_cols["head_id"] = ids[heads]
        hw = importer.BatchWriter(store, conn, "households", '"household_no"', batch_id, report)
        # Into empty tables, build the indexes once at the end (as the layers do).
        lifted = importer._lift_indexes(conn, "households") if hw.existing == 0 else []
        hw.write(h_keys, rows[heads], h_cols)
        fb.set_progress(0.5, "write")
        check_canceled(fb)
        m_cols: dict[str, np.ndarray] = {"household_no": hh, "seq": seq.astype(object)}
        for f in (*_MEMBER_FIELDS, *_MEMBER_DATES):
            if f in values:
                m_cols[f] = values[f] if f != "id_number" else ids
        if "id_number" not in values and "head_id" in values:
            m_cols["id_number"] = ids
        m_cols["extra"] = importer.extra_json({f: cols[f] for f in unmapped}, n, frozenset(text))
        # as the writer's SQL key: 户号/ID, else 户号/name, else 户号/
        person = np.where(ids != None, ids, values["name"])  # noqa: E711
        person[person == None] = ""  # noqa: E711
        # one "/".join per pair in C: a third faster than two elementwise additions
        m_keys = np.empty(n, dtype=object)
        m_keys[:] = list(map("/".join, zip(hh.tolist(), person.tolist(), strict=True)))
        mw = importer.BatchWriter(
            store, conn, "members",
            "\"household_no\" || '/' || coalesce(\"id_number\", \"name\", '')",
            batch_id, report, count_prefix="members.",
        )  # fmt: skip
        if mw.existing == 0:
            lifted += importer._lift_indexes(conn, "members")
        mw.write(m_keys, rows, m_cols)
        hw.finish()
        mw.finish()
        for sql in lifted:
            conn.execute(sql)
        report.info["batch_id"] = batch_id
        report.info["seconds"] = round(time.perf_counter() - started, 3)
        result = report.as_dict()
        importer.finish_batch(store, conn, batch_id, mapping.as_dict(), result)
        check_canceled(fb)
    fb.set_progress(1.0, "done")
    return result


def _check_needed(source: str, targets: dict[str, str]) -> None:
    """A register needs names (姓名, or 户主姓名 for a register of heads) and something
    that keys households: 户号, 户主身份证号, or ID numbers with 与户主关系."""
    mapped = ", ".join(f"{s}->{t}" for t, s in targets.items()) or "-"
    if "name" not in targets and "head_name" not in targets:
        raise QjgisError("register_needs", path=source, column="name", mapped=mapped)
    keyed = (
        "household_no" in targets
        or "head_id" in targets
        or ("relation" in targets and "id_number" in targets)
    )
    if not keyed:
        raise QjgisError("register_needs", path=source, column="household_no", mapped=mapped)


def _convert(
    targets: dict[str, str], cols: dict[str, np.ndarray], n: int, text_columns: frozenset[str]
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Each mapped column as its target stores it, and (by source field) the rows whose
    value did not convert. `text_columns`: the source fields that hold only text."""
    values: dict[str, np.ndarray] = {}
    invalid: dict[str, np.ndarray] = {}
    for tgt, src in targets.items():
        raw_values = cols[src]
        # text already stripped with blanks None: the converters can skip their checks
        text = src in text_columns
        if tgt in ("id_number", "head_id", "phone", "household_no", "village_code"):
            # numbers from Excel: text as written; float IDs are flagged later
            if text:
                converted = raw_values.copy()
            else:
                converted = np.array([_cell_text(v) for v in raw_values], dtype=object)
            if tgt in _IDENTITY:  # text as written or by _cell_text: str and None
                converted[_placeholder(converted, True)] = None
            bad = np.zeros(n, dtype=bool)
        else:
            converted, bad = importer.convert(tgt, raw_values, strings=text)
            if tgt in _IDENTITY:  # a name: text target, str and None
                converted[_placeholder(converted, True)] = None
        values[tgt] = converted
        if bad.any():
            invalid[src] = bad
    return values, invalid


def _spellings(word: str) -> set[str]:
    """Every upper/lower-case spelling of `word` (N/A: n/a, N/a, n/A, N/A)."""
    return {"".join(p) for p in itertools.product(*({c.lower(), c.upper()} for c in word))}


#: the placeholders as they may be typed, so that a stripped value is looked up as it is
_PLACEHOLDER_SPELLINGS = frozenset(s for w in PLACEHOLDERS for s in _spellings(w))


def _placeholder(values: np.ndarray, text: bool | None = None) -> np.ndarray:
    """Which values are placeholders (N, NULL, /, 无 ...). Text, stripped as `_convert`
    gives it, is looked up in a set of every spelling, in C (map); other values by
    their text. `text`: whether the values are known to be text and None."""
    cells = values.tolist()
    if text or (text is None and _TEXT_TYPES.issuperset(map(type, cells))):
        found = map(_PLACEHOLDER_SPELLINGS.__contains__, cells)
        return np.fromiter(found, dtype=bool, count=len(cells))
    return np.array(
        [v is not None and str(v).strip().upper() in PLACEHOLDERS for v in cells], dtype=bool
    )


def _names_a_person(values: dict[str, np.ndarray], n: int) -> np.ndarray:
    person = np.zeros(n, dtype=bool)
    for tgt in (*_IDENTITY, "head_name"):
        if tgt in values:
            person |= values[tgt] != None  # noqa: E711
    return person


def household_keys(
    household_no: np.ndarray,
    head_id: np.ndarray,
    id_number: np.ndarray,
    relation: np.ndarray | None,
    rows: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(household key per row, is-head mask, mask of rows keyed without a 户号).

    A row's own key is its 户号, else its 户主身份证号. A head (与户主关系 户主/本人;
    without that column, any row with a key) starts a household: its key, else its
    own ID number. A row without a key joins the household started above it; with
    none above, it stands alone under its ID number (or 无户号-ROW) and is flagged.
    """
    n = len(household_no)
    own = np.where(household_no == None, head_id, household_no)  # noqa: E711
    if relation is None:
        head = own != None  # noqa: E711
    else:
        # a set lookup per value in C (map); None and numbers are no head
        found = map(HEAD_RELATIONS.__contains__, relation.tolist())
        head = np.fromiter(found, dtype=bool, count=len(relation))
    if (own != None).all():  # noqa: E711  every row keyed: nothing to carry down
        return own.copy(), np.asarray(head, dtype=bool), np.zeros(n, dtype=bool)
    keys = np.empty(n, dtype=object)
    missing = household_no == None  # noqa: E711
    current: str | None = None
    for i, (k, h, pid, r) in enumerate(
        zip(own.tolist(), head.tolist(), id_number.tolist(), rows.tolist(), strict=True)
    ):
        if k is not None:
            current = keys[i] = k
        elif h or current is None:
            # a head without a key, or a row with no head above it: its own ID keys it
            current = keys[i] = pid if pid is not None else f"无户号-{r + 1}"
            if not h:
                current = None  # a lone member starts nothing for the rows below
        else:
            keys[i] = current
            missing[i] = False  # keyed by the head above: as the register means it
    # a row keyed by the 户主身份证号 column is keyed as the register means it, too
    missing &= head_id == None  # noqa: E711
    return keys, np.asarray(head, dtype=bool), missing


def _declared_sizes(
    values: dict[str, np.ndarray], home: np.ndarray, heads: np.ndarray
) -> np.ndarray | None:
    """The recorded household size (家庭人口) per household: the head row's, else the
    first member row's that has one; None when the register has no such column."""
    if "declared_size" not in values:
        return None
    sizes = values["declared_size"]
    n = len(sizes)
    have = sizes != None  # noqa: E711
    first = np.full(len(heads), n, dtype=np.int64)
    np.minimum.at(first, home[have], np.flatnonzero(have))
    out = sizes[heads].copy()
    fill = (out == None) & (first < n)  # noqa: E711
    out[fill] = sizes[first[fill]]
    return out


def group_households(
    keys: np.ndarray, head_rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows grouped by household key, households in order of first appearance.

    Returns (household index per row, the head row of each household, 1-based
    position of each row in its household, rows per household, mask of households
    with no head row, whose first row stands in as head).
    """
    n = len(keys)
    _, first, inverse = np.unique(keys.astype(str), return_index=True, return_inverse=True)
    rank = np.argsort(first, kind="stable")
    position = np.empty_like(rank)
    position[rank] = np.arange(len(rank))
    home = position[inverse.reshape(-1)]
    listed = np.bincount(home, minlength=len(rank))
    order = np.argsort(home, kind="stable")
    seq = np.empty(n, dtype=np.int64)
    seq[order] = np.arange(n) - np.repeat(np.cumsum(listed) - listed, listed) + 1
    heads = np.full(len(rank), n, dtype=np.int64)
    np.minimum.at(heads, home[head_rows], np.flatnonzero(head_rows))
    no_head = heads == n
    heads[no_head] = first[rank][no_head]
    return home, heads, seq, listed, no_head


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
