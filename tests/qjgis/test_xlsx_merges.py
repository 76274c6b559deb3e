"""A workbook read from the copy with a merged-ranges element in front of each worksheet
(qjgis.io.xlsx_merges, issue 10 point 9): calamine reads from it exactly what it reads
from the file (cells and merged ranges, found as calamine's own second pass finds them),
the copy is a valid zip, and whatever the copy cannot vouch for is read from the file."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import struct
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


def first_element(xml: bytes) -> bytes | None:
    m = re.search(rb"<(x:)?mergeCells[\s>].*?</(x:)?mergeCells>", xml, re.S)
    return m.group(0) if m else None


@pytest.mark.parametrize("variant", ["openpyxl", "stored", "prefixed", "declaration"])
def test_the_copy_reads_as_the_file(tmp_path: Path, variant: str) -> None:
    src = form(tmp_path / "form.xlsx")
    if variant == "stored":
        src = rezip(src, tmp_path / "stored.xlsx", method=zipfile.ZIP_STORED)
    elif variant == "prefixed":
        src = rezip(src, tmp_path / "prefixed.xlsx", prefixed)
    elif variant == "declaration":  # as Excel writes it, with the XML declaration
        decl = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        src = rezip(src, tmp_path / "decl.xlsx", lambda x: decl + x)
    expected = plain(src)
    assert expected[0][2] and expected[1][2]  # the fixture has merged ranges to find
    copy = xlsx_merges.copy_of(src)
    assert copy is not None
    with zipfile.ZipFile(io.BytesIO(copy.data)) as z, zipfile.ZipFile(src) as original:
        assert z.testzip() is None  # every entry's CRC and size check out
        assert z.namelist() == original.namelist()
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        for name in sheets:
            xml = z.read(name)
            assert xml == b"<mergeCells></mergeCells>" + original.read(name)
        found = copy.scan()
        assert found is not None
        assert {k.decode(): v for k, v in found.items()} == {
            n: first_element(original.read(n)) for n in sheets if first_element(original.read(n))
        }
    wb = workbook.open_workbook(src)
    assert read(wb) == expected
    assert wb.path is None  # read from the copy throughout
    wb.close()
    wb.close()  # twice: no error


def test_a_workbook_without_merged_ranges_needs_no_second_workbook(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["户号", "姓名"])
    wb.active.append(["H1", "王一"])
    wb.save(tmp_path / "r.xlsx")
    copy = xlsx_merges.copy_of(tmp_path / "r.xlsx")
    assert copy is not None and copy.scan() == {}
    opened = workbook.open_workbook(tmp_path / "r.xlsx")
    assert read(opened) == plain(tmp_path / "r.xlsx")
    assert opened.path is None and opened._merges is None


@pytest.mark.parametrize("size", [0, 1, 7, 65535, 65536, 1_000_003])
def test_crc32_combine_is_the_crc_of_the_concatenation(size: int) -> None:
    rng = random.Random(size)
    a = rng.randbytes(rng.randrange(0, 300))
    b = rng.randbytes(size)
    assert xlsx_merges.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


@pytest.mark.parametrize("size", [3, 64, 500, 4096])
def test_small_slices_find_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    """Inflated a few bytes at a time, tags split between slices are still found."""
    src = rezip(form(tmp_path / "form.xlsx"), tmp_path / "p.xlsx", prefixed)
    expected = plain(src)
    whole = xlsx_merges.copy_of(src).scan()
    monkeypatch.setattr(xlsx_merges, "_SLICE", size)
    monkeypatch.setattr(xlsx_merges, "_OUT", size)
    assert xlsx_merges.copy_of(src).scan() == whole and whole
    wb = workbook.open_workbook(src)
    assert read(wb) == expected and wb.path is None


MC = re.compile(rb"<mergeCells.*?</mergeCells>", re.S)


def moved_before_data(xml: bytes) -> bytes:
    m = MC.search(xml)
    if m is None:
        return xml
    return xml.replace(m[0], b"").replace(b"<sheetData>", m[0] + b"<sheetData>", 1)


ODD = {
    # calamine's second pass takes the first element wherever it is
    "merges_before_data": lambda x: moved_before_data(x),
    "empty_element_first": lambda x: x.replace(b"<sheetData>", b"<mergeCells/><sheetData>", 1),
    # what a byte search could be fooled by
    "comment_after": lambda x: x.replace(b"</worksheet>", b"<!-- </sheetData> --></worksheet>"),
    "cdata_footer": lambda x: x.replace(
        b"</worksheet>",
        b"<headerFooter><oddFooter><![CDATA[</sheetData>]]></oddFooter></headerFooter></worksheet>",
    ),
    "quoted_in_comment": lambda x: MC.sub(b"", x).replace(
        b"</worksheet>", b'<!-- <mergeCells><mergeCell ref="A1:C3"/></mergeCells> --></worksheet>'
    ),
    "comment_in_element": lambda x: x.replace(
        b'<mergeCells count="5">', b'<mergeCells count="5"><!-- </mergeCells> -->', 1
    ),
    "second_sheet_data": lambda x: x.replace(
        b"</sheetData>",
        b'</sheetData><!-- n --><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>FAKE'
        b"</t></is></c></row></sheetData>",
        1,
    ),
    "name_in_text": lambda x: x.replace(
        b"<sheetData>",
        b'<sheetData><row r="99"><c r="A99" t="inlineStr"><is><t>'
        b"&lt;mergeCells&gt; mergeCells</t></is></c></row>",
        1,
    ),
}


@pytest.mark.parametrize("case", sorted(ODD))
def test_odd_sheets_read_as_the_file(tmp_path: Path, case: str) -> None:
    src = form(tmp_path / "form.xlsx")
    assert b'<mergeCells count="5">' in zipfile.ZipFile(src).read("xl/worksheets/sheet1.xml")
    odd = rezip(src, tmp_path / f"{case}.xlsx", ODD[case])
    try:
        expected = plain(odd)
    except Exception as exc:
        expected = type(exc).__name__
    wb = workbook.open_workbook(odd)
    try:
        got: Any = read(wb)
    except Exception as exc:
        got = type(exc).__name__
    assert got == expected


def test_a_unicode_path_field_is_kept(tmp_path: Path) -> None:
    """A name in the Info-ZIP Unicode Path field (0x7075), which calamine's zip reader
    honours and Python's ignores: the copy keeps every extra field as it is."""
    src = form(tmp_path / "form.xlsx")
    odd = tmp_path / "unicode-path.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(odd, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                raw = b"xl/worksheets/sheetX.xml"
                real = info.filename.encode()
                field = struct.pack("<BI", 1, zlib.crc32(raw)) + real
                out = zipfile.ZipInfo(raw.decode(), info.date_time)
                out.extra = struct.pack("<HH", 0x7075, len(field)) + field
                out.compress_type = zipfile.ZIP_DEFLATED
                zout.writestr(out, data)
            else:
                zout.writestr(info.filename, data)
    expected = plain(odd)
    assert expected[0][2]
    wb = workbook.open_workbook(odd)
    assert read(wb) == expected and wb.path is None


@pytest.mark.parametrize("case", ["not_a_zip", "no_sheet", "bom", "utf16", "crc", "doctype"])
def test_what_the_copy_cannot_vouch_for_is_read_from_the_file(tmp_path: Path, case: str) -> None:
    src = form(tmp_path / "form.xlsx")
    made = True
    if case == "not_a_zip":
        src.write_bytes(b"PK\x03\x04 this is no zip")
        made = False
    elif case == "no_sheet":
        src = tmp_path / "x.xlsx"
        with zipfile.ZipFile(src, "w") as z:
            z.writestr("word/document.xml", "<w:document/>")
        made = False
    elif case == "bom":
        src = rezip(src, tmp_path / "bom.xlsx", lambda x: b"\xef\xbb\xbf" + x)
    elif case == "utf16":
        src = rezip(src, tmp_path / "u16.xlsx", lambda x: x.decode().encode("utf-16"))
    elif case == "doctype":
        src = rezip(src, tmp_path / "dt.xlsx", lambda x: b"<!DOCTYPE worksheet>" + x)
    elif case == "crc":  # one byte of a stored worksheet changed after its CRC was taken
        src = rezip(src, tmp_path / "stored.xlsx", method=zipfile.ZIP_STORED)
        raw = bytearray(src.read_bytes())
        at = raw.index(b"<row ") + 1
        raw[at] = ord("R")
        src.write_bytes(bytes(raw))
    copy = xlsx_merges.copy_of(src)
    assert (copy is not None) == made
    if copy is not None:
        assert copy.scan() is None
    try:
        expected: Any = plain(src)
    except Exception as exc:
        expected = type(exc).__name__
    try:
        wb = workbook.open_workbook(src)
        got: Any = read(wb)
    except Exception as exc:
        got = type(exc).__name__
    else:
        assert wb.path == str(src)
    assert got == expected


def test_cut_files_never_break_the_copy(tmp_path: Path) -> None:
    """A workbook cut short or with bytes overwritten at many places: making the copy
    never raises, and what is read through it is what calamine reads from the file."""
    raw = form(tmp_path / "form.xlsx").read_bytes()
    rng = random.Random(5)
    for k in range(40):
        data = bytearray(raw)
        if k % 2:
            data = data[: rng.randrange(len(raw))]
        else:
            at = rng.randrange(len(raw) - 8)
            data[at : at + 8] = rng.randbytes(8)
        src = tmp_path / f"cut{k}.xlsx"
        src.write_bytes(bytes(data))
        xlsx_merges.copy_of(src)  # raises nothing
        try:
            expected: Any = plain(src)
        except Exception as exc:
            expected = type(exc).__name__
        try:
            got: Any = read(workbook.open_workbook(src))
        except Exception as exc:
            got = type(exc).__name__
        assert got == expected, k


def test_a_broken_worksheet_is_refused_as_before(tmp_path: Path) -> None:
    """Bytes of a worksheet's compressed data zeroed: the scan does not vouch for the
    copy, and calamine's reading of the file refuses the sheet with its own words; the
    project is unchanged."""
    src = form(tmp_path / "户籍.xlsx")
    raw = bytearray(src.read_bytes())
    at = zipfile.ZipFile(src).getinfo("xl/worksheets/sheet1.xml").header_offset + 200
    raw[at : at + 200] = bytes(200)
    src.write_bytes(bytes(raw))
    assert xlsx_merges.copy_of(src).scan() is None
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
    """Should calamine ever refuse a sheet of the copy that the scan vouched for, the
    import reads the file."""
    src = form(tmp_path / "form.xlsx")
    broken = rezip(src, tmp_path / "b.xlsx", lambda x: x.replace(b'<c r="B4"', b'<c r="!!4"', 1))
    bad_copy = xlsx_merges.copy_of(broken)
    assert bad_copy is not None and bad_copy.scan() is not None
    with pytest.raises(Exception):  # noqa: B017  calamine refuses that copy's sheet
        CalamineWorkbook.from_filelike(io.BytesIO(bad_copy.data)).get_sheet_by_index(0)
    monkeypatch.setattr(xlsx_merges, "copy_of", lambda path: bad_copy)
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        r = importer.import_layer(store, "households", str(src))
        members = store.read_table("members", ["name"])
    assert r["header_row"] == 3 and r["counts"]["members.added"] == 39
    assert members["name"].tolist() == [f"成员{n}" for n in range(1, 40)]
