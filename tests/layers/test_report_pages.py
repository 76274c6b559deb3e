"""Printed reports end to end: the CLI writes PDFs and XLSX; assertions read them back.

Text is read with pdftotext (what a clerk's search or a registry's indexer sees),
metadata and fonts with pikepdf, workbooks with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import shapely

from layers.atlas import write_atlas
from layers.report_pages import (
    TABLE_ROWS_FIRST,
    Page,
    Signature,
    contents_page_count,
    draw_parcel_pages,
    parcel_page_count,
)
from qjgis.cases.commands import OpenFromFindings
from qjgis.checks.findings import run_checks
from qjgis.commands import run
from qjgis.demo import AS_OF, build_demo
from qjgis.errors import Canceled
from qjgis.feedback import NullFeedback
from qjgis.reports import content, ledgers
from qjgis.reports.atlas import plan_atlas
from qjgis.store import GpkgStore
from ui.cli.dispatch import main
from ui.texts.report import page_words

pytestmark = pytest.mark.gui

ID18 = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")
PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler) not installed")


def pdf_text(path: Path) -> str:
    assert PDFTOTEXT is not None
    return subprocess.run(
        [PDFTOTEXT, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def squeeze(text: str) -> str:
    """pdftotext drops or adds spaces between CJK characters: compare without any."""
    return re.sub(r"\s+", "", text)


def cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--lang", "zh", *args], out=out)
    return code, out.getvalue()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pages") / "demo.gpkg"
    build_demo(path, parcels=400, seed=5)
    with GpkgStore.open(path) as store:
        run_checks(store, as_of=AS_OF)
        run(store, OpenFromFindings(date=AS_OF))
    return path


def _first_village(path: Path) -> str:
    with GpkgStore.open(path) as store:
        return str(store.execute_sql("SELECT code FROM villages ORDER BY code")[0][0])


# ---------------------------------------------------------------- 宗地图
@needs_pdftotext
def test_parcel_page_text_is_chinese_and_the_table_is_the_geometry(
    project: Path, tmp_path: Path, qapp: object
) -> None:
    with GpkgStore.open(project) as store:
        zddm = store.execute_sql("SELECT zddm FROM ruin_cases ORDER BY fid LIMIT 1")[0][0]
        data = content.ReportData.load(store, [content.parcel_fid(store, zddm)])
        (report,) = list(data.reports())
    out = tmp_path / "parcel.pdf"
    code, printed = cli("report", str(project), "parcel", "--parcel", zddm, "--out", str(out),
                        "--json")  # fmt: skip
    assert code == 0, printed
    result = json.loads(printed)
    assert result["pages"] == 1 and result["masked"] is True
    text = pdf_text(out)
    for word in ("宗地图", "宗地代码", "土地权利人", "宗地四至", "点号", "制图者", "审核者",
                 "第 1 页 共 1 页", zddm, f"1:{report.scale}", "CGCS2000"):  # fmt: skip
        assert squeeze(word) in squeeze(text), word
    # every table row as printed: point, X = northing, Y = easting to 0.001 m
    for row in report.table:
        assert re.search(rf"{row.point}\s+{row.x:.3f}\s+{row.y:.3f}", text), row
    assert not ID18.search(text)
    assert "********" in text


def test_pdf_embeds_the_font_and_carries_utf8_metadata(
    project: Path, tmp_path: Path, qapp: object
) -> None:
    import pikepdf

    with GpkgStore.open(project) as store:
        zddm = store.execute_sql("SELECT zddm FROM parcels ORDER BY fid LIMIT 1")[0][0]
    out = tmp_path / "p.pdf"
    assert cli("report", str(project), "parcel", "--parcel", zddm, "--out", str(out))[0] == 0
    with pikepdf.open(out) as pdf:
        assert str(pdf.docinfo["/Title"]) == f"宗地图 {zddm}"
        embedded = []
        for font in pdf.pages[0].Resources.Font.values():
            for desc in font.get("/DescendantFonts", [font]):
                d = desc.get("/FontDescriptor")
                if d is not None:
                    embedded.append(any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")))
    assert embedded and all(embedded)


@needs_pdftotext
def test_unmask_prints_ids_and_is_audited(project: Path, tmp_path: Path, qapp: object) -> None:
    with GpkgStore.open(project) as store:
        zddm = store.execute_sql(
            "SELECT zddm FROM parcels WHERE holder_id IS NOT NULL ORDER BY fid LIMIT 1"
        )[0][0]
        before = store.execute_sql("SELECT count(*) FROM audit_log WHERE command LIKE 'report%'")
    out = tmp_path / "clear.pdf"
    code, printed = cli("report", str(project), "parcel", "--parcel", zddm, "--out", str(out),
                        "--unmask")  # fmt: skip
    assert code == 0
    assert printed.splitlines() == [
        f"已写入 {out}：1 页",
        "身份证号和电话为明文，本次输出已记入审计日志",
    ]
    assert ID18.search(pdf_text(out))
    with GpkgStore.open(project) as store:
        rows = store.execute_sql(
            "SELECT command, entity FROM audit_log WHERE command LIKE 'report%' ORDER BY fid"
        )
    assert len(rows) == before[0][0] + 1
    assert rows[-1] == ("report.unmask", f"parcel:{zddm}")


def test_existing_output_and_unknown_parcel_are_refused_in_one_line(
    project: Path, tmp_path: Path, qapp: object, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.pdf"
    out.write_bytes(b"keep")
    code, _ = cli("report", str(project), "parcel", "--parcel", "nope", "--out", str(out))
    assert code == 1 and out.read_bytes() == b"keep"
    code, _ = cli("report", str(project), "parcel", "--parcel", "nope", "--out",
                  str(tmp_path / "y.pdf"))  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and "没有宗地代码为 nope 的宗地" in err and "Traceback" not in err
    assert not (tmp_path / "y.pdf").exists()


def test_a_long_point_table_continues_on_a_second_page(tmp_path: Path, qapp: object) -> None:
    store = GpkgStore.create(tmp_path / "round.gpkg")
    angles = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    ring = np.c_[36_400_000 + 10 * np.cos(angles), 3_200_000 + 10 * np.sin(angles)]
    with store.transaction() as conn:
        store.insert_features(
            conn, "parcels", np.array([shapely.Polygon(ring)], dtype=object), {"zddm": ["R"]}
        )
    try:
        (report,) = list(content.ReportData.load(store, [content.parcel_fid(store, "R")]).reports())
    finally:
        store.close()
    words = page_words("zh")
    assert len(report.table) == 41 > TABLE_ROWS_FIRST
    assert parcel_page_count(report, words) == 2
    out = tmp_path / "round.pdf"
    page = Page(out, title="t", author="a")
    try:
        assert draw_parcel_pages(page, report, words, Signature("a", "2026-01-01")) == 2
    finally:
        page.close()
    if PDFTOTEXT:
        text = pdf_text(out)
        assert "第2页共2页" in squeeze(text) and "宗地图（续）" in text and "J40" in text


# ---------------------------------------------------------------- household and ledgers
@needs_pdftotext
def test_household_sheet_lists_members_and_every_parcel(
    project: Path, tmp_path: Path, qapp: object
) -> None:
    with GpkgStore.open(project) as store:
        no, entities = store.execute_sql(
            "SELECT key, entities FROM findings WHERE rule_id = 'QJ-R001' ORDER BY fid LIMIT 1"
        )[0]
        names = [r[0] for r in store.execute_sql(
            "SELECT name FROM members WHERE household_no = ?", [no])]  # fmt: skip
    out = tmp_path / "hh.pdf"
    assert cli("report", str(project), "household", "--household", no, "--out", str(out))[0] == 0
    text = pdf_text(out)
    assert "一户一档" in text and no in text
    for e in json.loads(entities):
        if e["kind"] == "parcel":
            assert e["key"] in text
    for name in names:
        assert name in text
    assert not ID18.search(text)


@needs_pdftotext
def test_ledger_pdf_and_xlsx_carry_the_totals_of_stats(
    project: Path, tmp_path: Path, qapp: object
) -> None:
    from openpyxl import load_workbook

    village = _first_village(project)
    as_of = "2026-08-01"
    with GpkgStore.open(project) as store:
        led = ledgers.village_ledger(store, village, "ruins", as_of=dt.date(2026, 8, 1))
    assert led.rows, "the demo village has ruin cases"
    pdf, xlsx = tmp_path / "ruins.pdf", tmp_path / "ruins.xlsx"
    for fmt, out in (("pdf", pdf), ("xlsx", xlsx)):
        code, printed = cli("report", str(project), "ledger", "--village", village, "--kind",
                            "ruins", "--format", fmt, "--out", str(out), "--as-of", as_of,
                            "--json")  # fmt: skip
        assert code == 0, printed
        assert json.loads(printed)["totals"] == led.totals
    text = pdf_text(pdf)
    assert "残垣断壁整治台账" in text
    assert f"合计：{led.totals['ruin_cases']}件" in squeeze(text)
    assert "村负责人（签字）" in text
    for row in led.rows:
        assert row["bdcdyh"] in text
    wb = load_workbook(xlsx)
    ws = wb.active
    assert ws is not None
    assert "A1:" in str(ws.merged_cells) and ws.freeze_panes == "A4"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$3"
    header = [c.value for c in ws[3]]
    assert header[:3] == ["序号", "案件号", "不动产单元号"]
    code_cell = ws.cell(row=4, column=3)
    assert code_cell.value == led.rows[0]["bdcdyh"] and code_cell.data_type == "s"
    totals = ws.cell(row=4 + len(led.rows), column=1).value
    assert isinstance(totals, str) and totals.startswith(f"合计：{led.totals['ruin_cases']} 件")
    # In English the village and the ledger's name are kept apart.
    en = tmp_path / "ruins-en.xlsx"
    code, printed = cli("report", str(project), "ledger", "--village", village, "--kind",
                        "ruins", "--format", "xlsx", "--out", str(en), "--as-of", as_of,
                        "--lang", "en")  # fmt: skip
    assert code == 0, printed
    title = load_workbook(en).active.cell(row=1, column=1).value
    assert title == f"{led.village_name} — Ledger: ruined houses", title


# ---------------------------------------------------------------- the atlas
@needs_pdftotext
def test_atlas_into_one_pdf_with_contents_on_two_processes(
    project: Path, tmp_path: Path, qapp: object
) -> None:
    import pikepdf

    village = _first_village(project)
    out = tmp_path / "atlas.pdf"
    code, printed = cli("report", str(project), "atlas", "--village", village, "--out", str(out),
                        "--workers", "2", "--json")  # fmt: skip
    assert code == 0, printed
    result = json.loads(printed)
    with GpkgStore.open(project) as store:
        plan = plan_atlas(store, village=village)
        data = content.ReportData.load(store, plan.printed)
    assert result["parcels"] == len(plan.printed) == len(data)
    assert result["workers"] == 2
    assert [d["zddm"] for d in result["left_out"]] == [d["zddm"] for d in plan.left_out]
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == result["pages"]
        assert str(pdf.docinfo["/Title"]).endswith("宗地图集")
    text = pdf_text(out)
    pages = text.split("\f")
    assert "宗地图集" in pages[0]  # the contents page comes first
    total = result["pages"]
    codes = [r.zddm for r in data.reports()]
    # contents lists each parcel with its first page; that page shows that parcel
    contents = "\n".join(pages[: contents_page_count(len(codes))])
    for zddm in codes[:: max(1, len(codes) // 7)]:
        m = re.search(rf"{zddm}.*?(\d+)\s*$", contents, re.M)
        assert m, zddm
        first = int(m.group(1))
        assert zddm in pages[first - 1]
        assert f"第{first}页共{total}页" in squeeze(pages[first - 1])
    kb_per_page = out.stat().st_size / 1024 / total
    assert kb_per_page <= 20


def test_atlas_one_pdf_per_parcel_and_cancel_leaves_nothing(
    project: Path, tmp_path: Path, qapp: object
) -> None:
    village = _first_village(project)
    folder = tmp_path / "each"
    code, printed = cli("report", str(project), "atlas", "--village", village, "--out",
                        str(folder), "--json", "--force")  # fmt: skip
    assert code == 0, printed
    result = json.loads(printed)
    files = sorted(folder.glob("*.pdf"))
    assert len(files) == result["parcels"] == len(result["files"])
    assert result["forced"] is True

    class CancelSoon(NullFeedback):
        def set_progress(self, fraction: float, stage: str = "") -> None:
            super().set_progress(fraction, stage)
            if stage == "draw":
                self.cancel()

    target = tmp_path / "canceled.pdf"
    with GpkgStore.open(project) as store:
        plan = plan_atlas(store, village=village)
        with pytest.raises(Canceled):
            write_atlas(store, plan.printed, target, page_words(), Signature("a", "b"), title="t",
                        workers=2, feedback=CancelSoon())  # fmt: skip
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# ---------------------------------------------------------------- print preview's device
def test_pages_draw_onto_a_printer_as_onto_a_pdf(
    project: Path, tmp_path: Path, qapp: object
) -> None:
    from PySide6.QtPrintSupport import QPrinter

    from ui.gui.report_print import preview, print_to

    with GpkgStore.open(project) as store:
        zddm = store.execute_sql("SELECT zddm FROM parcels ORDER BY fid LIMIT 1")[0][0]
        (report,) = list(
            content.ReportData.load(store, [content.parcel_fid(store, zddm)]).reports()
        )
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printer.pdf"
    printer.setOutputFileName(str(out))
    words = page_words("zh")

    def draw(page: Page) -> int:
        return draw_parcel_pages(page, report, words, Signature("a", "b"))

    assert print_to(printer, draw, title="t", author="a", landscape=False) == 1
    if PDFTOTEXT:
        assert zddm in pdf_text(out) and "宗地图" in pdf_text(out)
    dialog = preview(None, draw, title="宗地图", author="a")
    assert dialog.windowTitle() == "宗地图"
    dialog.deleteLater()


@needs_pdftotext
def test_area_decimals_are_a_setting(tmp_path: Path, qapp: object) -> None:
    path = tmp_path / "one.gpkg"
    store = GpkgStore.create(path)
    with store.transaction() as conn:
        store.insert_features(
            conn, "parcels",
            np.array([shapely.box(36_400_000, 3_200_000, 36_400_010.123, 3_200_007)], dtype=object),
            {"zddm": ["A"], "pzmj": [70.0]},
        )  # fmt: skip
        store.write_settings(conn, {"report.area_decimals": 1})
    store.close()
    out = tmp_path / "a.pdf"
    assert cli("report", str(path), "parcel", "--parcel", "A", "--out", str(out))[0] == 0
    text = squeeze(pdf_text(out))
    assert "70.9㎡" in text and "70.0㎡" in text  # 10.123 × 7 = 70.861 m²
    assert "70.86㎡" not in text
