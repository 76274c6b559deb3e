"""Table files for findings and statistics: CSV Excel can read, JSON, XLSX with codes as text."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qjgis.errors import QjgisError
from qjgis.tables import write_table

ROWS = [
    {"code": "500110108001", "name": "麻柳村", "id": "50011019800101123X", "n": 3, "ev": {"a": 1}},
    {"code": "500110108002", "name": "青坪村", "id": "500110198001011234", "n": 0, "ev": [1, 2]},
]
COLUMNS = [
    ("code", "村代码"),
    ("name", "村名称"),
    ("id", "身份证号"),
    ("n", "数量"),
    ("ev", "证据"),
]


def test_csv_has_a_bom_and_chinese_headers(tmp_path: Path) -> None:
    path = write_table(ROWS, COLUMNS, tmp_path / "t.csv", "csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["村代码", "村名称", "身份证号", "数量", "证据"]
    assert rows[1] == ["500110108001", "麻柳村", "50011019800101123X", "3", '{"a": 1}']


def test_json_keeps_keys_and_nesting(tmp_path: Path) -> None:
    path = write_table(ROWS, COLUMNS, tmp_path / "t.json", "json")
    assert json.loads(path.read_text(encoding="utf-8")) == ROWS


def test_xlsx_keeps_long_codes_as_text(tmp_path: Path) -> None:
    path = write_table(ROWS, COLUMNS, tmp_path / "t.xlsx", "xlsx", sheet="统计")
    ws = load_workbook(path)["统计"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0] == ["村代码", "村名称", "身份证号", "数量", "证据"]
    assert values[2][:4] == ["500110108002", "青坪村", "500110198001011234", 0]
    assert isinstance(values[2][2], str)


def test_xlsx_never_writes_a_formula(tmp_path: Path) -> None:
    note = '=HYPERLINK("http://x","点击")'
    path = write_table([{"note": note}], [("note", "备注")], tmp_path / "t.xlsx", "xlsx")
    c = load_workbook(path).active.cell(row=2, column=1)
    assert c.value == note and c.data_type == "s"


def test_bad_format_or_folder_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(QjgisError) as err:
        write_table(ROWS, COLUMNS, tmp_path / "t.pdf", "pdf")
    assert err.value.code == "invalid_argument"
    with pytest.raises(QjgisError) as err:
        write_table(ROWS, COLUMNS, tmp_path / "missing" / "t.csv", "csv")
    assert err.value.code == "file_not_found"
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- issue 20: CSV injection
DANGEROUS = ["=1+2", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "=cmd|' /C calc'!A0"]


def _csv_rows(text: str) -> list[list[str]]:
    import io

    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_neutralises_what_a_spreadsheet_would_run(tmp_path: Path) -> None:
    rows = [{"v": v, "n": -3.5} for v in DANGEROUS] + [{"v": "麻柳村-1组", "n": 2}]
    path = write_table(rows, [("v", "值"), ("n", "数")], tmp_path / "t.csv", "csv")
    got = _csv_rows(path.read_bytes().decode("utf-8-sig"))[1:]
    assert [r[0] for r in got] == ["'" + v for v in DANGEROUS] + ["麻柳村-1组"]
    assert {r[1] for r in got} == {"-3.5", "2"}  # numbers stay numbers


def test_csv_to_a_stream_is_neutralised_too() -> None:
    import io

    from qjgis.tables import write_csv

    out = io.StringIO()
    write_csv([{"v": '=HYPERLINK("x")'}], [("v", "=header")], out)
    assert _csv_rows(out.getvalue()) == [["'=header"], ['\'=HYPERLINK("x")']]
