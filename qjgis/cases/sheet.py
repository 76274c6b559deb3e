"""The field round trip: a village's open cases as a sheet for cadres, and reading it back.

Export writes one row per open case with what the cadre needs to find it on the
ground and three columns to fill: the state reached, the date and a note. The
row carries the case's row version, so a sheet filled in while someone else
moved the case on is refused for that row, never applied over the newer state.

The sheet carries the project's identity and the village (on the 说明 sheet):
a sheet from another project is refused whole, and a row whose case is not in
the sheet's village, whose version is not a number, or which holds a formula
is an invalid row, reported. Cells are written through the one guarded cell
writer (`tables.xlsx_cell`), so no value a surveyor or a holder's name brings
becomes a live formula in a sheet sent to village cadres.

Import validates every filled row by applying it as the real command would
(each row in a savepoint, in sheet order), so the sheet is judged by exactly
the rules the CLI and the GUI use. Nothing is applied while any row is invalid
unless the caller asks to apply the valid ones; the whole import is one
transaction either way, and one command that can be undone.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qjgis.cases.commands import AdvanceCase, is_overdue
from qjgis.cases.model import (
    CaseKind,
    code_name,
    format_case_id,
    next_states,
    parse_case_id,
    parse_state,
)
from qjgis.commands import Changes
from qjgis.errors import QjgisError, register_reasons
from qjgis.store import GpkgStore
from qjgis.tables import xlsx_cell

QjgisError.register(
    {
        "sheet_unreadable": "{path}: not a case sheet exported by qjgis ({reason})",
        "sheet_row_case": "{path} row {row}: {value} is not a case id (R12, W3)",
        "sheet_row_state": "{path} row {row}: {value} is not a state of case {case}",
        "sheet_row_date": "{path} row {row}: the date {value} is not a date (YYYY-MM-DD)",
        "sheet_row_incomplete": "{path} row {row}: fill both the state reached and its date",
        "sheet_other_project": (
            "{path}: this sheet was exported from another project ({found}); "
            "export the sheet from this project"
        ),
        "sheet_row_village": (
            "{path} row {row}: case {case} is not in the sheet's village {village}"
        ),
        "sheet_row_version": (
            "{path} row {row}: the hidden version column holds {value!r}, not a number; "
            "do not edit it (export the sheet again)"
        ),
        "sheet_row_formula": (
            "{path} row {row}: the cell {column} is a formula; type the value itself"
        ),
        "sheet_invalid_rows": (
            "{path}: {count} row(s) are invalid, so nothing was applied "
            "(fix them, or apply the valid rows with --apply-valid)"
        ),
    }
)

register_reasons(
    {
        "no_identity": (
            "no project id or village code on its 说明 sheet (exported before qjgis "
            "recorded them, or edited): export the sheet again"
        )
    }
)

SHEET_TITLE = "案件进展"
INFO_TITLE = "说明"
#: labels of the 说明 sheet's rows that tie the sheet to its project and village
PROJECT_ID_LABEL = "项目标识"
VILLAGE_CODE_LABEL = "村代码"
#: column key -> Chinese header; cadres fill the last three
COLUMNS: tuple[tuple[str, str], ...] = (
    ("case", "案件编号"),
    ("kind", "案件类型"),
    ("bdcdyh", "不动产单元号"),
    ("zddm", "宗地代码"),
    ("household_no", "户号"),
    ("head_name", "户主"),
    ("disposition", "处置方式"),
    ("state", "当前状态"),
    ("deadline", "期限"),
    ("overdue", "是否逾期"),
    ("allowed", "可填状态"),
    ("reached", "达到状态"),
    ("date", "日期"),
    ("note", "备注"),
    ("version", "版本"),
)
HEADERS = dict(COLUMNS)
KIND_TITLES = {CaseKind.RUIN: "残垣断壁整治", CaseKind.RENOVATION: "危房改造"}


def open_cases(store: GpkgStore, village_code: str) -> list[dict[str, Any]]:
    """The village's cases that are neither closed nor cancelled, ruins first."""
    out = []
    for kind in CaseKind:
        disposition = "c.disposition" if kind is CaseKind.RUIN else "NULL"
        for row in store.execute_sql(
            f"SELECT c.fid, c.bdcdyh, c.zddm, c.household_no, h.head_name, {disposition}, "
            f"c.state, c.deadline, c.row_version FROM {kind.table} c "
            "LEFT JOIN households h ON h.household_no = c.household_no "
            "WHERE c.village_code = ? AND c.closed IS NULL ORDER BY c.fid",
            [village_code],
        ):
            fid, bdcdyh, zddm, hh, head, disp, state, deadline, version = row
            out.append(
                {
                    "case": format_case_id(kind, fid),
                    "kind": KIND_TITLES[kind],
                    "bdcdyh": bdcdyh,
                    "zddm": zddm,
                    "household_no": hh,
                    "head_name": head,
                    "disposition": disp,
                    "state": state,
                    "deadline": deadline,
                    "allowed": " / ".join(s.value for s in next_states(kind, state, disp)),
                    "version": version,
                }
            )
    return out


def export_sheet(
    store: GpkgStore, village: str, out: str | os.PathLike[str], as_of: dt.date
) -> dict[str, Any]:
    """Write the village's open cases to an XLSX file; returns what was written."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    code, name = store.find_villages(village)[0]
    cases = open_cases(store, code)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ws.append([title for _, title in COLUMNS])
    for c in cases:
        c["overdue"] = "是" if is_overdue(c, as_of) else ""
        ws.append([xlsx_cell(ws, c.get(key)) for key, _ in COLUMNS])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
    keys = [k for k, _ in COLUMNS]
    for cell in ws[1]:
        cell.font = bold
    for key in ("reached", "date", "note"):
        col = keys.index(key) + 1
        for row in range(1, len(cases) + 2):
            ws.cell(row=row, column=col).fill = fill
    widths = {
        "case": 9,
        "kind": 13,
        "bdcdyh": 30,
        "zddm": 22,
        "household_no": 18,
        "allowed": 30,
        "reached": 16,
        "date": 12,
        "note": 30,
    }
    for i, key in enumerate(keys, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = widths.get(key, 12)
    ws.column_dimensions[
        ws.cell(row=1, column=keys.index("version") + 1).column_letter
    ].hidden = True
    ws.freeze_panes = "B2"
    if cases:
        states = sorted({s for c in cases for s in c["allowed"].split(" / ") if s})
        col = ws.cell(row=1, column=keys.index("reached") + 1).column_letter
        dv = DataValidation(type="list", formula1='"' + ",".join(states) + '"', allow_blank=True)
        dv.add(f"{col}2:{col}{len(cases) + 1}")
        ws.add_data_validation(dv)
    info = wb.create_sheet(INFO_TITLE)
    for line in (
        ("项目", str(Path(store.path).name)),
        ("村", f"{name}（{code}）"),
        ("导出日期", as_of.isoformat()),
        (
            "填写说明",
            "在“达到状态”中选填案件已达到的状态，并填写日期（YYYY-MM-DD）和备注；不要修改其他列。",
        ),
        (PROJECT_ID_LABEL, store.project_id()),
        (VILLAGE_CODE_LABEL, code),
    ):
        info.append([xlsx_cell(info, v) for v in line])
    info.column_dimensions["B"].width = 80
    target = Path(out)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return {"path": str(target), "village": code, "village_name": name, "cases": len(cases)}


# ---------------------------------------------------------------- import
@dataclass
class RowError:
    row: int
    case: str | None
    error: QjgisError


@dataclass
class RowApplied:
    row: int
    case: str
    from_state: str
    to_state: str
    date: str


def _cell_date(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip().replace("/", "-").replace(".", "-")
    return dt.date.fromisoformat(text).isoformat()


def _version(value: Any) -> int | None:
    """The row version from its cell: an integer (Excel may store 3 as 3.0), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


@dataclass
class SheetContent:
    """What a returned sheet holds: its data rows and the identity it was exported with."""

    rows: list[tuple[int, dict[str, Any]]]
    #: (Excel row number, column title) of every formula cell among the data rows
    formulas: dict[int, list[str]]
    project_id: str | None
    village_code: str | None


def read_sheet(path: str | os.PathLike[str]) -> SheetContent:
    """The sheet's data rows as (Excel row number, {column key: value}), blank rows left out.

    Read with formulas as formulas (not Excel's cached results): a formula cell
    is reported, never silently taken for an empty one or for its result.
    """
    from openpyxl import load_workbook

    src = Path(path)
    if not src.is_file():
        raise QjgisError("file_not_found", path=str(src))
    try:
        wb = load_workbook(src, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a file that is not XLSX
        raise QjgisError(
            "sheet_unreadable", path=str(src), reason="not_xlsx", detail=type(exc).__name__
        ) from None
    try:
        if SHEET_TITLE not in wb.sheetnames:
            raise QjgisError(
                "sheet_unreadable", path=str(src), reason="no_sheet", sheet=SHEET_TITLE
            )
        rows = wb[SHEET_TITLE].iter_rows()
        header = [str(c.value).strip() if c.value is not None else "" for c in next(rows, ())]
        index = {}
        for key, title in COLUMNS:
            if key in ("case", "reached", "date", "note", "version") and title not in header:
                raise QjgisError(
                    "sheet_unreadable", path=str(src), reason="no_column", column=title
                )
            if title in header:
                index[key] = header.index(title)
        out = []
        formulas: dict[int, list[str]] = {}
        for number, cells in enumerate(rows, start=2):
            found = [
                header[i] or str(i + 1)
                for i, c in enumerate(cells)
                if getattr(c, "data_type", None) == "f" and i < len(header)
            ]
            values = [getattr(c, "value", None) for c in cells]
            row = {k: values[i] if i < len(values) else None for k, i in index.items()}
            if found:
                formulas[number] = found
            elif all(v is None or str(v).strip() == "" for v in row.values()):
                continue
            out.append((number, row))
        identity: dict[str, str] = {}
        if INFO_TITLE in wb.sheetnames:
            for line in wb[INFO_TITLE].iter_rows(values_only=True):
                if len(line) >= 2 and line[0] in (PROJECT_ID_LABEL, VILLAGE_CODE_LABEL):
                    identity[str(line[0])] = "" if line[1] is None else str(line[1]).strip()
        return SheetContent(
            out, formulas, identity.get(PROJECT_ID_LABEL), identity.get(VILLAGE_CODE_LABEL)
        )
    finally:
        wb.close()


def read_rows(path: str | os.PathLike[str]) -> list[tuple[int, dict[str, Any]]]:
    """The sheet's data rows as (Excel row number, {column key: value}), blank rows left out."""
    return read_sheet(path).rows


@dataclass
class ImportSheet:
    """Apply the states a sheet reports; one transaction, one undoable command."""

    path: str | os.PathLike[str]
    apply_valid: bool = False
    name = "sheet.import"
    applied: list[RowApplied] = field(default_factory=list, init=False)
    errors: list[RowError] = field(default_factory=list, init=False)
    rows_read: int = field(default=0, init=False)
    _commands: list[AdvanceCase] = field(default_factory=list, init=False)

    def apply(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        self.applied, self.errors, self._commands = [], [], []
        src = str(self.path)
        content = read_sheet(self.path)
        if not content.project_id or not content.village_code:
            raise QjgisError("sheet_unreadable", path=src, reason="no_identity")
        if content.project_id != store.project_id():
            raise QjgisError("sheet_other_project", path=src, found=content.project_id)
        rows = content.rows
        self.rows_read = len(rows)
        versions: dict[str, int] = {}
        for number, row in rows:
            case_text = str(row.get("case") or "").strip()
            reached = str(row.get("reached") or "").strip()
            note = str(row.get("note") or "").strip() or None
            if number in content.formulas:
                column = ", ".join(content.formulas[number])
                error = QjgisError("sheet_row_formula", path=src, row=number, column=column)
                self.errors.append(RowError(number, case_text or None, error))
                continue
            if not reached and row.get("date") in (None, ""):
                continue  # nothing reported for this case
            try:
                command = self._command(src, number, case_text, reached, row, note, versions)
                self._check_village(store, src, number, command.case, content.village_code)
                conn.execute("SAVEPOINT sheet_row")
                try:
                    command.apply(store, conn)
                except BaseException:
                    conn.execute("ROLLBACK TO sheet_row")
                    conn.execute("RELEASE sheet_row")
                    raise
                conn.execute("RELEASE sheet_row")
            except QjgisError as exc:
                self.errors.append(RowError(number, case_text or None, exc))
                continue
            # apply read the case before moving it: no second read for its old state and version
            versions[command.case] = int(command._version_after or 0)
            self._commands.append(command)
            self.applied.append(
                RowApplied(
                    number,
                    command.case,
                    command._before["state"],
                    command._after["state"],
                    str(_cell_date(row["date"])),
                )
            )
        if self.errors and not self.apply_valid:
            raise QjgisError("sheet_invalid_rows", path=src, count=len(self.errors))
        store.audit(
            conn,
            self.name,
            src,
            None,
            {
                "applied": [vars(a) for a in self.applied],
                "invalid_rows": [e.row for e in self.errors],
            },
        )
        return Changes(
            tables=frozenset({"ruin_cases", "renovation_cases", "case_events", "audit_log"}),
            layers=frozenset({"buildings"}) if self.applied else frozenset(),
        )

    def _command(
        self,
        src: str,
        number: int,
        case_text: str,
        reached: str,
        row: dict[str, Any],
        note: str | None,
        versions: dict[str, int],
    ) -> AdvanceCase:
        try:
            kind, fid = parse_case_id(case_text)
        except ValueError:
            raise QjgisError("sheet_row_case", path=src, row=number, value=case_text) from None
        case_id = format_case_id(kind, fid)
        if not reached or row.get("date") in (None, ""):
            raise QjgisError("sheet_row_incomplete", path=src, row=number)
        try:
            state = parse_state(kind, reached)
        except ValueError:
            raise QjgisError(
                "sheet_row_state", path=src, row=number, value=reached, case=case_id
            ) from None
        try:
            date = _cell_date(row.get("date"))
        except ValueError:
            raise QjgisError("sheet_row_date", path=src, row=number, value=row["date"]) from None
        expected = versions.get(case_id)
        if expected is None:
            # The row version is what the conflict check compares: without a number the
            # row would overwrite whatever state the case has reached since the export.
            expected = _version(row.get("version"))
            if expected is None:
                raise QjgisError(
                    "sheet_row_version", path=src, row=number, value=row.get("version")
                )
        return AdvanceCase(
            case_id, to=code_name(state), date=date, note=note, expected_version=expected
        )

    @staticmethod
    def _check_village(
        store: GpkgStore, src: str, number: int, case_id: str, village: str | None
    ) -> None:
        """A row may only move a case of the village the sheet was exported for."""
        kind, fid = parse_case_id(case_id)
        found = store.execute_sql(f"SELECT village_code FROM {kind.table} WHERE fid = ?", [fid])
        if found and found[0][0] != village:
            raise QjgisError(
                "sheet_row_village", path=src, row=number, case=case_id, village=village
            )

    def revert(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        for command in reversed(self._commands):
            command.revert(store, conn)
        store.audit(
            conn,
            self.name + ".revert",
            str(self.path),
            {"applied": [vars(a) for a in self.applied]},
            None,
        )
        return Changes(
            tables=frozenset({"ruin_cases", "renovation_cases", "case_events", "audit_log"}),
            layers=frozenset({"buildings"}),
        )
