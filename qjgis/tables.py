"""Write a table of rows as CSV, JSON or XLSX, whole or not at all.

CSV gets a UTF-8 byte-order mark because Excel on a Chinese Windows desktop
reads BOM-less CSV as GBK and garbles the text. XLSX cells are written as text
where a value looks like a number but is a code (ID numbers, parcel codes), so
Excel does not turn 500110199001011234 into 5.0011E+17.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from qjgis.errors import QjgisError

FORMATS = ("csv", "json", "xlsx")


def cell(value: Any) -> Any:
    """A value as one table cell: nested values become JSON text."""
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


#: What makes a spreadsheet read a typed or imported cell as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """`value` as one CSV field that no spreadsheet runs as a formula.

    OWASP's CSV-injection guidance: text starting with = + - @, a tab or a carriage
    return is prefixed with a single quote, which Excel and WPS show as text (a holder
    named `=cmd|' /C calc'!A0` stays a name). Numbers are left alone: -3.5 is a number.
    """
    v = cell(value)
    if isinstance(v, str) and v.startswith(FORMULA_START):
        return "'" + v
    return v


class CsvWriter:
    """`csv.writer` whose every field goes through `csv_cell`: every CSV the project writes."""

    def __init__(self, stream: TextIO) -> None:
        self._w = csv.writer(stream)

    def writerow(self, row: Iterable[Any]) -> None:
        self._w.writerow([csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def write_csv(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]], stream: TextIO
) -> None:
    """Rows as CSV with the headers, to any text stream (a file, or stdout)."""
    w = CsvWriter(stream)
    w.writerow([h for _, h in columns])
    w.writerows([r.get(k) for k, _ in columns] for r in rows)


def write_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[tuple[str, str]],
    path: str | os.PathLike[str],
    fmt: str,
    *,
    sheet: str = "Sheet1",
) -> Path:
    """Write `rows` (dicts) with `columns` as (key, header) pairs; returns the path.

    JSON keeps the keys and nested values as they are; CSV and XLSX use the
    headers and flatten nested values to JSON text.
    """
    if fmt not in FORMATS:
        raise QjgisError(
            "invalid_argument",
            name="--format",
            value=fmt,
            reason="one_of",
            choices="csv, json, xlsx",
        )
    target = Path(path)
    if not target.parent.is_dir():
        raise QjgisError("file_not_found", path=str(target.parent))
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        if fmt == "json":
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(list(rows), fh, ensure_ascii=False, indent=2, default=str)
        elif fmt == "csv":
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                write_csv(rows, columns, fh)
        else:
            _write_xlsx(tmp, rows, columns, sheet)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _write_xlsx(
    path: Path, rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]], sheet: str
) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    bold = Font(bold=True)
    header = []
    for _, title in columns:
        c = WriteOnlyCell(ws, value=title)
        c.font = bold
        header.append(c)
    ws.append(header)
    for r in rows:
        ws.append([xlsx_cell(ws, cell(r.get(k))) for k, _ in columns])
    wb.save(path)


def xlsx_cell(ws: Any, value: Any, *, codes_as_text: bool = True) -> Any:
    """`value` as it goes into a row of the sheet `ws`: itself, or a text cell.

    The one guarded cell writer of every XLSX the project writes (tables, exports, the
    village sheet). openpyxl stores text that starts with "=" as a formula, which Excel
    would run: such values (a surveyor's note, a holder named `=cmd|' /C calc'!A0`, a
    planted =HYPERLINK) become explicit text cells. In an XLSX file only a formula cell
    is ever evaluated, so text cells need no quote prefix (unlike CSV). With
    `codes_as_text`, long digit strings get the text format so that Excel keeps them as
    codes if the cell is edited, instead of turning them into 5.0011E+17.
    """
    formula = isinstance(value, str) and value.startswith("=")
    code = codes_as_text and isinstance(value, str) and value.isdigit() and len(value) > 11
    if not (formula or code):
        return value
    from openpyxl.cell import WriteOnlyCell

    c = WriteOnlyCell(ws, value=value)
    if formula:
        c.data_type = "s"
    else:
        c.number_format = "@"  # a code, not a number
    return c
