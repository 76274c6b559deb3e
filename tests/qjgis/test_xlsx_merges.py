"""A workbook read from the copy with each worksheet's merged ranges in front
(qjgis.io.xlsx_merges, issue 10 point 9): calamine reads from it exactly what it reads
from the file, the copy is a valid zip, and whatever the copy cannot do is read from
the file itself."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from qjgis.codes import id_check_char
from qjgis.errors import QjgisError
from qjgis.io import importer, workbook, xlsx_merges
from qjgis.store import GpkgStore, file_sha256


def pid(n: int) -> str:
    body = f"50011019700101{n:03d}"
    return body + id_check_char(body)


def form(path: Path) -> Path:
    """A printed form's two-row header (merged down and across), members under it, a
    second sheet with merged ranges of its own, and cells of every kind."""
    wb = Workbook()
    ws = wb.active
    ws.title = "承包方调查表"
    ws.append(["农户家庭成员调查表"])
    ws.append(["户主姓名", "家庭成员情况", None, None, "出生日期", "人口", "备注"])
    ws.append([None, "姓名", "身份证号", "家庭关系", None, None, None])
    for n in range(1, 40):
        ws.append(
            ["张三" if n == 1 else None, f"成员{n}", pid(n), "户主" if n == 1 else "子",
             dt.date(1970, 1, 1) + dt.timedelta(days=97 * n), n % 5 + 0.5, n % 2 == 0]
        )  # fmt: skip
    ws["G45"] = "=F4*2"
    for m in ("A1:G1", "B2:D2", "A2:A3", "E2:E3", "A4:A42"):
        ws.merge_cells(m)
    other = wb.create_sheet("说明")
    other.append(["填表说明", None, None])
    other.append(["一", "二", "三"])
    other.merge_cells("A1:C1")
    wb.create_sheet("空")
    wb.save(path)
    return path


def plain(path: Path) -> list[tuple[str, list[list[Any]], Any]]:
    wb = CalamineWorkbook.from_path(str(path))
    out = []
    for name in wb.sheet_names:
        s = wb.get_sheet_by_name(name)
        out.append((name, s.to_python(skip_empty_area=False), s.merged_cell_ranges))
    wb.close()
    return out


def read(wb: Any) -> list[tuple[str, list[list[Any]], Any]]:
    out = []
    for name in wb.sheet_names:
        s = wb.get_sheet_by_name(name)
        out.append((name, s.to_python(skip_empty_area=False), s.merged_cell_ranges))
    return out


def rezip(src: Path, dst: Path, change: Any = None, method: int = zipfile.ZIP_DEFLATED) -> Path:
    """A copy of the workbook with its worksheets' XML passed through `change`."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", method) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if change is not None and info.filename.startswith("xl/worksheets/"):
                data = change(data)
            zout.writestr(info.filename, data)
    return dst


def prefixed(xml: bytes) -> bytes:
    """The worksheet as the Open XML SDK writes it: every element in the `x:` prefix."""
    xml = re.sub(rb"<(/?)([A-Za-z])", rb"<\1x:\2", xml)
    return xml.replace(b'xmlns="', b'xmlns:x="', 1)


@pytest.mark.parametrize(
    "variant",
    ["openpyxl", "stored", "prefixed", "declaration"],
)
def test_the_copy_reads_as_the_file_with_merged_ranges_in_front(
    tmp_path: Path, variant: str
) -> None:
    src = form(tmp_path / "form.xlsx")
    if variant == "stored":
        src = rezip(src, tmp_path / "stored.xlsx", method=zipfile.ZIP_STORED)
    elif variant == "prefixed":
        src = rezip(src, tmp_path / "prefixed.xlsx", prefixed)
    elif variant == "declaration":  # as Excel writes it, with the XML declaration
        decl = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        src = rezip(
            src, tmp_path / "decl.xlsx", lambda x: x if x.startswith(b"<?xml") else decl + x
        )
    expected = plain(src)
    assert expected[0][2] and expected[1][2]  # the fixture has merged ranges to find
    copy = xlsx_merges.merges_first(src)
    assert copy is not None
    with zipfile.ZipFile(io.BytesIO(copy)) as z:
        assert z.testzip() is None  # every entry's CRC and size check out
        assert z.namelist() == zipfile.ZipFile(src).namelist()
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        for name in sheets:
            xml = z.read(name)
            assert re.match(rb"<(x:)?mergeCells[\s>]", xml), xml[:80]
            original = zipfile.ZipFile(src).read(name)
            assert xml.endswith(original)
    wb = workbook.open_workbook(src)
    assert wb.path is None  # read from the copy
    assert read(wb) == expected
    wb.close()


def test_a_sheet_without_merged_ranges_gets_an_empty_element(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["户号", "姓名"])
    wb.active.append(["H1", "王一"])
    wb.save(tmp_path / "r.xlsx")
    copy = xlsx_merges.merges_first(tmp_path / "r.xlsx")
    assert copy is not None
    xml = zipfile.ZipFile(io.BytesIO(copy)).read("xl/worksheets/sheet1.xml")
    assert xml.startswith(b"<mergeCells></mergeCells>")
    assert read(CalamineWorkbook.from_filelike(io.BytesIO(copy))) == plain(tmp_path / "r.xlsx")


@pytest.mark.parametrize("size", [0, 1, 7, 65535, 65536, 1_000_003])
def test_crc32_combine_is_the_crc_of_the_concatenation(size: int) -> None:
    rng = random.Random(size)
    a = rng.randbytes(rng.randrange(0, 300))
    b = rng.randbytes(size)
    assert xlsx_merges.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def test_small_slices_read_the_same_or_leave_it_to_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inflated a few bytes at a time, the end of the cells is found across slice
    boundaries; when the XML after the cells is longer than the two slices kept, the
    copy is not made (the merged ranges may start before them) and the file is read."""
    src = form(tmp_path / "form.xlsx")
    expected = plain(src)
    made = []
    for size in (3, 64, 500, 4096):
        monkeypatch.setattr(xlsx_merges, "_SLICE", size)
        monkeypatch.setattr(xlsx_merges, "_TAIL_MIN", size)
        copy = xlsx_merges.merges_first(src)
        made.append(copy is not None)
        wb = workbook.open_workbook(src)
        assert read(wb) == expected
        assert (wb.path is None) == (copy is not None)
        wb.close()
    assert made[0] is False and made[-1] is True


@pytest.mark.parametrize("case", ["not_a_zip", "bom", "utf16", "crc", "no_sheet"])
def test_what_the_copy_cannot_do_is_read_from_the_file(tmp_path: Path, case: str) -> None:
    src = form(tmp_path / "form.xlsx")
    if case == "not_a_zip":
        src.write_bytes(b"PK\x03\x04 this is no zip")
    elif case == "bom":
        src = rezip(src, tmp_path / "bom.xlsx", lambda x: b"\xef\xbb\xbf" + x)
    elif case == "utf16":
        src = rezip(src, tmp_path / "u16.xlsx", lambda x: x.decode().encode("utf-16"))
    elif case == "crc":  # one byte of a stored worksheet changed after its CRC was taken
        src = rezip(src, tmp_path / "stored.xlsx", method=zipfile.ZIP_STORED)
        raw = bytearray(src.read_bytes())
        at = raw.index(b"<row ") + 1
        raw[at] = ord("R")
        src.write_bytes(bytes(raw))
    elif case == "no_sheet":
        src = tmp_path / "x.xlsx"
        with zipfile.ZipFile(src, "w") as z:
            z.writestr("word/document.xml", "<w:document/>")
    assert xlsx_merges.merges_first(src) is None
    try:
        wb = workbook.open_workbook(src)
    except Exception:  # calamine's own refusal of the file
        return
    assert wb.path == str(src)
    wb.close()


def test_a_broken_worksheet_is_refused_as_before(tmp_path: Path) -> None:
    """Bytes of a worksheet's compressed data zeroed: the copy is not made, and calamine's
    reading of the file refuses the sheet with its own words; the project is unchanged."""
    src = form(tmp_path / "户籍.xlsx")
    raw = bytearray(src.read_bytes())
    at = zipfile.ZipFile(src).getinfo("xl/worksheets/sheet1.xml").header_offset + 200
    raw[at : at + 200] = bytes(200)
    src.write_bytes(bytes(raw))
    assert xlsx_merges.merges_first(src) is None
    project = tmp_path / "p.gpkg"
    GpkgStore.create(project).close()
    before = file_sha256(project)
    with GpkgStore.open(project) as store, pytest.raises(QjgisError) as err:
        importer.import_layer(store, "households", str(src))
    assert err.value.code == "source_corrupt" and err.value.params["detail"] == "bad_sheet"
    assert err.value.params["sheet"] == "承包方调查表"
    assert file_sha256(project) == before


def test_a_sheet_the_copy_cannot_read_is_read_from_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should calamine ever refuse a sheet of the copy, the import reads the file."""
    src = form(tmp_path / "form.xlsx")
    broken = rezip(
        src, tmp_path / "broken.xlsx", lambda x: x.replace(b"<sheetData>", b"<sheetData><c", 1)
    )
    bad_copy = xlsx_merges.merges_first(broken)
    assert bad_copy is not None
    monkeypatch.setattr(xlsx_merges, "merges_first", lambda path: bad_copy)
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        r = importer.import_layer(store, "households", str(src))
        members = store.read_table("members", ["name"])
    assert r["header_row"] == 3 and r["counts"]["members.added"] == 39
    assert members["name"].tolist() == [f"成员{n}" for n in range(1, 40)]
