"""A village ledger as a formatted XLSX: title, merged header, widths, frozen header,
A4 landscape print setup with the header repeated, totals and signature lines.

Codes stay text: every value goes through `qjgis.tables.xlsx_cell`, the project's
guarded cell writer (text starting with "=" is never a formula; long digit
strings get the text format), so an ID or parcel code never turns into 5.0011E+17.
Written under a temporary name and moved into place whole.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from qjgis.errors import QjgisError
from qjgis.reports.ledgers import Ledger
from qjgis.tables import xlsx_cell


def sheet_title(title: str) -> str:
    """`title` as Excel allows a sheet's name: none of : \\ / ? * [ ], at most 31
    characters (the English ledger titles read "Ledger: ruined houses")."""
    cleaned = re.sub(r"[:\\/?*\[\]]", " ", title)
    return re.sub(r"\s+", " ", cleaned).strip()[:31].strip() or "Sheet"


def write_ledger_xlsx(
    ledger: Ledger,
    path: str | os.PathLike[str],
    *,
    title: str,
    subtitle: str,
    headers: Mapping[str, str],
    widths: Mapping[str, float],
    totals_line: str,
    signatures: Sequence[str],
    yes_no: tuple[str, str] = ("是", "否"),
) -> Path:
    """Write `ledger` to `path`; `headers` and `widths` (characters) per column key."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    target = Path(path)
    if not target.parent.is_dir():
        raise QjgisError("file_not_found", path=str(target.parent))
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = sheet_title(title)
    n = len(ledger.columns)
    last = get_column_letter(n)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.merge_cells(f"A1:{last}1")
    head = _put(ws, 1, 1, title)
    head.font = Font(bold=True, size=14)
    head.alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A2:{last}2")
    _put(ws, 2, 1, subtitle)
    for j, key in enumerate(ledger.columns, start=1):
        c = _put(ws, 3, j, headers.get(key, key))
        c.font = Font(bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = border
        ws.column_dimensions[get_column_letter(j)].width = widths.get(key, 12)
    for i, row in enumerate(ledger.rows, start=4):
        for j, key in enumerate(ledger.columns, start=1):
            v = row.get(key)
            if isinstance(v, bool):
                v = yes_no[0] if v else yes_no[1]
            _put(ws, i, j, v).border = border
    end = 4 + len(ledger.rows)
    ws.merge_cells(f"A{end}:{last}{end}")
    _put(ws, end, 1, totals_line).font = Font(bold=True)
    sig_row = end + 2
    per = max(1, n // max(1, len(signatures)))
    for k, s in enumerate(signatures):
        _put(ws, sig_row, 1 + k * per, f"{s}：")
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    wb.properties.title = title
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _put(ws: Any, row: int, col: int, value: Any) -> Any:
    """One cell through the guarded writer: a formula-like text or a code stays text."""
    guarded = xlsx_cell(ws, value)
    cell = ws.cell(row=row, column=col)
    if guarded is value:
        cell.value = value
    else:  # a WriteOnlyCell carrying the value, its type and its number format
        cell.value = guarded.value
        cell.data_type = guarded.data_type
        cell.number_format = guarded.number_format
    return cell
