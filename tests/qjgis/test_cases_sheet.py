"""The village sheet: export the open cases, fill it as a cadre would, import it back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_cases_support import VILLAGE, bdcdyh, build_village, set_role

from qjgis import commands
from qjgis.cases.commands import (
    AdvanceCase,
    DisposeRuin,
    OpenRenovationCase,
    OpenRuinCase,
    read_case,
)
from qjgis.cases.model import CaseKind
from qjgis.cases.sheet import HEADERS, SHEET_TITLE, ImportSheet, export_sheet
from qjgis.errors import QjgisError
from qjgis.store import GpkgStore

AS_OF = dt.date(2026, 6, 1)


@pytest.fixture
def village(tmp_path: Path) -> GpkgStore:
    store = build_village(tmp_path / "village.gpkg")
    set_role(store, "approver")
    for code in ("B1", "B9", "B10"):
        commands.run(store, OpenRuinCase(bdcdyh(code), date="2026-03-01"))
    commands.run(
        store, DisposeRuin("R2", disposition="新建审批", deadline="2026-05-31", date="2026-03-02")
    )
    commands.run(
        store,
        DisposeRuin("R3", disposition="房屋权益保全", deadline="2026-07-31", date="2026-03-02"),
    )
    commands.run(store, OpenRenovationCase(bdcdyh("B4"), date="2026-03-01"))
    commands.run(store, OpenRuinCase(bdcdyh("B2"), date="2026-03-01"))  # R4, closed below
    commands.run(
        store,
        DisposeRuin("R4", disposition="责令自行拆除", deadline="2026-04-30", date="2026-03-02"),
    )
    commands.run(store, AdvanceCase("R4", to="demolished", date="2026-04-02"))
    yield store
    store.close()


def _sheet_rows(path: Path) -> tuple[list[str], list[list[object]]]:
    wb = load_workbook(path)
    ws = wb[SHEET_TITLE]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return [str(h) for h in rows[0]], rows[1:]


def _fill(path: Path, fills: dict[str, tuple[object, object, object]]) -> None:
    wb = load_workbook(path)
    ws = wb[SHEET_TITLE]
    header = [c.value for c in ws[1]]
    col = {k: header.index(HEADERS[k]) + 1 for k in ("case", "reached", "date", "note")}
    for row in range(2, ws.max_row + 1):
        case = ws.cell(row=row, column=col["case"]).value
        if case in fills:
            for key, value in zip(("reached", "date", "note"), fills[case], strict=True):
                ws.cell(row=row, column=col[key]).value = value
    wb.save(path)


def test_export_lists_the_open_cases_with_chinese_headers(
    village: GpkgStore, tmp_path: Path
) -> None:
    out = tmp_path / "麻柳村.xlsx"
    summary = export_sheet(village, "麻柳村", out, AS_OF)
    assert summary["cases"] == 4 and summary["village"] == VILLAGE
    header, rows = _sheet_rows(out)
    assert header[:3] == ["案件编号", "案件类型", "不动产单元号"]
    assert {"达到状态", "日期", "备注"} <= set(header)
    by_case = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    assert set(by_case) == {"R1", "R2", "R3", "W1"}  # R4 is closed
    assert by_case["R2"]["当前状态"] == "待拆除" and by_case["R2"]["是否逾期"] == "是"
    assert by_case["R3"]["是否逾期"] in (None, "")
    assert by_case["R2"]["可填状态"] == "已拆除 / 已撤销"
    assert by_case["W1"]["户主"] == "户主H3"
    assert by_case["R1"]["版本"] == 1
    with pytest.raises(QjgisError) as exc:
        export_sheet(village, "不存在村", out, AS_OF)
    assert exc.value.code == "village_not_found"


def test_import_applies_valid_rows_in_one_go(village: GpkgStore, tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    export_sheet(village, VILLAGE, out, AS_OF)
    _fill(
        out,
        {
            "R2": ("已拆除", dt.datetime(2026, 5, 20), "已拆除，现场核实"),
            "W1": ("已批准", "2026-05-21", None),
        },
    )
    cmd = ImportSheet(out)
    commands.run(village, cmd)
    assert [(a.case, a.to_state, a.row) for a in cmd.applied] == [
        ("R2", "已拆除", 3),
        ("W1", "已批准", 5),
    ]
    assert read_case(village, CaseKind.RUIN, 2)["state"] == "已拆除"
    status = village.execute_sql("SELECT status FROM buildings WHERE bdcdyh = ?", [bdcdyh("B9")])
    assert status[0][0] == "已拆除"
    assert read_case(village, CaseKind.RENOVATION, 1)["state"] == "已批准"
    # undone as one step
    commands.undo(village, cmd)
    assert read_case(village, CaseKind.RUIN, 2)["state"] == "待拆除"
    assert read_case(village, CaseKind.RENOVATION, 1)["state"] == "已申请"


def test_nothing_is_applied_while_a_row_is_invalid(village: GpkgStore, tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    export_sheet(village, VILLAGE, out, AS_OF)
    _fill(
        out,
        {
            "R1": ("已拆除", "2026-05-20", None),  # no disposition yet: refused
            "R2": ("已拆除", "2026-05-20", "ok"),
            "R3": ("已拆除", "2026-13-45", None),  # not a date
            "W1": ("已入住", "2026-05-20", None),  # skips steps
        },
    )
    events = village.execute_sql("SELECT count(*) FROM case_events")[0][0]
    cmd = ImportSheet(out)
    with pytest.raises(QjgisError) as exc:
        commands.run(village, cmd)
    assert exc.value.code == "sheet_invalid_rows" and exc.value.params["count"] == 3
    assert [(e.row, e.error.code) for e in cmd.errors] == [
        (2, "transition_refused"),
        (4, "sheet_row_date"),
        (5, "transition_refused"),
    ]
    assert village.execute_sql("SELECT count(*) FROM case_events")[0][0] == events
    assert read_case(village, CaseKind.RUIN, 2)["state"] == "待拆除"

    valid_only = ImportSheet(out, apply_valid=True)
    commands.run(village, valid_only)
    assert [a.case for a in valid_only.applied] == ["R2"]
    assert len(valid_only.errors) == 3
    assert read_case(village, CaseKind.RUIN, 2)["state"] == "已拆除"


def test_a_case_moved_on_since_the_export_is_refused(village: GpkgStore, tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    export_sheet(village, VILLAGE, out, AS_OF)
    commands.run(village, AdvanceCase("W1", to="approved", date="2026-04-01"))  # at the bureau
    _fill(out, {"W1": ("已批准", "2026-05-01", "村里也报了")})
    cmd = ImportSheet(out, apply_valid=True)
    commands.run(village, cmd)
    ((row, code),) = [(e.row, e.error.code) for e in cmd.errors]
    assert (row, code) == (5, "write_conflict")


def test_two_rows_for_one_case_apply_in_order(village: GpkgStore, tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    export_sheet(village, VILLAGE, out, AS_OF)
    wb = load_workbook(out)
    ws = wb[SHEET_TITLE]
    header = [c.value for c in ws[1]]
    w1 = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "W1")
    ws.append([ws.cell(row=w1, column=c).value for c in range(1, len(header) + 1)])
    for row, (state, day) in (
        (w1, ("已批准", "2026-04-01")),
        (ws.max_row, ("施工中", "2026-05-01")),
    ):
        ws.cell(row=row, column=header.index("达到状态") + 1).value = state
        ws.cell(row=row, column=header.index("日期") + 1).value = day
    wb.save(out)
    commands.run(village, ImportSheet(out))
    assert read_case(village, CaseKind.RENOVATION, 1)["state"] == "施工中"


@pytest.mark.parametrize("content", [b"not a workbook", b"PK\x03\x04 truncated zip"])
def test_a_file_that_is_not_a_sheet_is_refused(
    village: GpkgStore, tmp_path: Path, content: bytes
) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(content)
    with pytest.raises(QjgisError) as exc:
        commands.run(village, ImportSheet(bad))
    assert exc.value.code == "sheet_unreadable" and "bad.xlsx" in exc.value.english()


# ---------------------------------------------------------------- issue 20: trust nothing
DDE = "=cmd|' /C calc'!A0"


def _raw(store: GpkgStore, sql: str, params: tuple[object, ...] = ()) -> None:
    """Write behind the commands' back, as data imported from a surveyor's file could be."""
    with store.transaction() as conn:
        conn.execute(sql, params)


def test_no_value_becomes_a_formula_in_the_exported_sheet(
    village: GpkgStore, tmp_path: Path
) -> None:
    _raw(village, "UPDATE households SET head_name = ? WHERE household_no = 'H3'", (DDE,))
    _raw(village, "UPDATE villages SET name = ?", ('=HYPERLINK("http://x","麻柳村")',))
    out = tmp_path / "s.xlsx"
    export_sheet(village, VILLAGE, out, AS_OF)
    wb = load_workbook(out)  # formulas stay formulas when read this way
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert DDE in {c.value for c in cells}  # kept, as text
    assert '=HYPERLINK("http://x","麻柳村")（' + VILLAGE + "）" in {c.value for c in cells}


def test_a_sheet_from_another_project_is_refused_whole(village: GpkgStore, tmp_path: Path) -> None:
    other = build_village(tmp_path / "other.gpkg")
    set_role(other, "approver")
    commands.run(other, OpenRenovationCase(bdcdyh("B4"), date="2026-03-01"))
    out = tmp_path / "other.xlsx"
    export_sheet(other, VILLAGE, out, AS_OF)  # same village code, same case ids
    other.close()
    _fill(out, {"W1": ("已批准", "2026-05-21", None)})
    with pytest.raises(QjgisError) as exc:
        commands.run(village, ImportSheet(out, apply_valid=True))
    assert exc.value.code == "sheet_other_project"
    assert read_case(village, CaseKind.RENOVATION, 1)["state"] == "已申请"


def test_a_row_moved_to_a_case_of_another_village_is_invalid(
    village: GpkgStore, tmp_path: Path
) -> None:
    _raw(village, "UPDATE ruin_cases SET village_code = '500110108999' WHERE fid = 3")
    out = tmp_path / "s.xlsx"
    export_sheet(village, VILLAGE, out, AS_OF)
    wb = load_workbook(out)
    ws = wb[SHEET_TITLE]
    r2 = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "R2")
    ws.cell(row=r2, column=1).value = "R3"  # a case of the other village
    wb.save(out)
    _fill(out, {"R3": ("已拆除", "2026-05-20", None)})
    cmd = ImportSheet(out, apply_valid=True)
    commands.run(village, cmd)
    assert [(e.row, e.error.code) for e in cmd.errors] == [(r2, "sheet_row_village")]
    assert cmd.applied == []


@pytest.mark.parametrize("version", ["abc", None, "", 1.5])
def test_a_version_that_is_not_a_number_is_an_invalid_row(
    village: GpkgStore, tmp_path: Path, version: object
) -> None:
    out = tmp_path / "s.xlsx"
    export_sheet(village, VILLAGE, out, AS_OF)
    commands.run(village, AdvanceCase("W1", to="approved", date="2026-04-01"))  # moved on
    wb = load_workbook(out)
    ws = wb[SHEET_TITLE]
    header = [c.value for c in ws[1]]
    w1 = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "W1")
    ws.cell(row=w1, column=header.index(HEADERS["version"]) + 1).value = version
    wb.save(out)
    _fill(out, {"W1": ("已批准", "2026-05-01", None)})
    cmd = ImportSheet(out, apply_valid=True)
    commands.run(village, cmd)
    assert [(e.row, e.error.code) for e in cmd.errors] == [(w1, "sheet_row_version")]


def test_formula_cells_make_invalid_rows_that_are_reported(
    village: GpkgStore, tmp_path: Path
) -> None:
    out = tmp_path / "s.xlsx"
    export_sheet(village, VILLAGE, out, AS_OF)
    wb = load_workbook(out)
    ws = wb[SHEET_TITLE]
    header = [c.value for c in ws[1]]
    r2 = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "R2")
    ws.cell(row=r2, column=header.index("达到状态") + 1).value = '="已拆除"'
    ws.cell(row=r2, column=header.index("日期") + 1).value = "=TODAY()"
    wb.save(out)
    cmd = ImportSheet(out)
    with pytest.raises(QjgisError) as exc:
        commands.run(village, cmd)
    assert exc.value.code == "sheet_invalid_rows" and exc.value.params["count"] == 1
    ((row, error),) = [(e.row, e.error) for e in cmd.errors]
    assert row == r2 and error.code == "sheet_row_formula"
    assert error.params["column"] == "达到状态, 日期"
    assert read_case(village, CaseKind.RUIN, 2)["state"] == "待拆除"
