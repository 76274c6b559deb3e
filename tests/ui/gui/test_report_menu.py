"""Issue 15's menu entries driven through the real window on the demo district: the 报表
menu and the context menus of the map, the findings and cases panels and the household
dialog open the print preview of the right report (as many pages as the `report`
command writes for it), save it as a PDF, export a ledger to Excel, and run the village
atlas as a task whose PDF holds the village's parcel codes; with nothing selected the
entries are disabled."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from qjgis import commands
from qjgis.cases.commands import OpenFromFindings
from qjgis.checks.findings import run_checks
from qjgis.demo import build_demo
from qjgis.lookup import feature_bounds
from qjgis.reports.atlas import plan_atlas
from qjgis.store import GpkgStore
from tests.ui.gui.waiting import wait_until
from ui.gui import report_operations, report_print
from ui.gui.app_settings import AppSettings
from ui.gui.main_window import MainWindow
from ui.gui.report_menu import ReportMenu

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "demo.gpkg"
    build_demo(path, parcels=300, seed=4)
    with GpkgStore.open(path) as store:
        run_checks(store)
        commands.run(store, OpenFromFindings())
    return path


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, demo_file: Path) -> Iterator[MainWindow]:
    project = tmp_path / "demo.gpkg"
    project.write_bytes(demo_file.read_bytes())
    w = MainWindow(AppSettings(path=str(tmp_path / "settings.ini")))
    qtbot.addWidget(w)
    w.workbench.ask_user = False
    w.resize(1300, 850)
    assert w.open_project(project)
    w.show()
    # The findings dock reads its rows on a worker; the menus act on what it shows.
    wait_until(lambda: not w.workbench.findings_dock.loading)
    yield w
    w.close_project()


def reports(window: MainWindow) -> ReportMenu:
    return window.workbench.reports


def cli_pages(project: Path, out: Path, *args: str) -> dict[str, object]:
    """What the `report` command writes for the same report (its --json)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QJGIS_LANG": "en"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "report", str(project), *args,
         "--out", str(out), "--json"],
        capture_output=True, text=True, env=env, cwd=ROOT, check=True,
    )  # fmt: skip
    return json.loads(result.stdout)


def opened_preview(window: MainWindow, before: QPrintPreviewDialog | None) -> int:
    """Wait for the preview the entry opens; the number of pages it shows."""
    menu = reports(window)
    wait_until(lambda: menu.last_preview is not None and menu.last_preview is not before, 120)
    dialog = menu.last_preview
    assert dialog is not None and dialog.isVisible()
    wait_until(lambda: report_print.preview_pages(dialog) > 0, 60)
    return report_print.preview_pages(dialog)


def inside(window: MainWindow, fid: int) -> tuple[float, float]:
    """A point inside the parcel (its representative point)."""
    import shapely

    layer = window.canvas.renderer.layer("parcels")
    _found, geoms = layer.by_fids(np.array([fid], dtype=np.int64))
    point = shapely.point_on_surface(geoms[0])
    return point.x, point.y


def pick_on_map(window: MainWindow, fid: int) -> None:
    """A click inside the parcel, as the clerk does (a building there picks its parcel)."""
    window.workbench.identify_at(*inside(window, fid))


def entries(window: MainWindow) -> list[QAction]:
    m = reports(window)
    return [m.action_parcel, m.action_household, m.action_atlas, *m.ledger_actions.values()]


def test_reports_menu_is_there_and_disabled_until_something_is_selected(
    window: MainWindow,
) -> None:
    menu = window.findChild(QMenu, "menu_reports")
    assert menu is not None and menu.menuAction() in window.menuBar().actions()
    assert menu.title() == "Reports"
    assert not any(a.isEnabled() for a in entries(window))
    assert "First pick a parcel" in reports(window).action_parcel.statusTip()
    store = window.store
    assert store is not None
    fid, zddm, village = store.execute_sql(
        "SELECT p.fid, p.zddm, v.name FROM parcels p JOIN villages v ON v.code = p.village_code "
        "WHERE p.household_no IN (SELECT household_no FROM households) ORDER BY p.fid LIMIT 1"
    )[0]
    pick_on_map(window, int(fid))
    m = reports(window)
    assert m.targets.parcel_fid == fid
    assert all(a.isEnabled() for a in entries(window))
    assert m.action_parcel.text() == f"Parcel map ({zddm})…"
    assert m.action_atlas.text() == f"Atlas ({village})…"
    window.workbench.action_clear_highlight.trigger()  # Esc: nothing selected
    assert not any(a.isEnabled() for a in entries(window))
    window.close_project()
    assert not any(a.isEnabled() for a in entries(window))


def test_parcel_map_preview_from_the_map_context_menu(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = window.store
    assert store is not None
    # the parcel with the most boundary points: its table may run onto a second page
    fid, zddm = store.execute_sql(
        "SELECT fid, zddm FROM parcels WHERE zddm IS NOT NULL "
        "ORDER BY length(geom) DESC, fid LIMIT 1"
    )[0]
    canvas = window.canvas
    window.workbench.zoom_to(feature_bounds(store, "parcels", [int(fid)])[int(fid)])
    # a right click inside it (a building there stands for its parcel)
    canvas.customContextMenuRequested.emit(canvas.world_to_map(*inside(window, fid)).toPoint())
    m = reports(window)
    menu = m.last_context_menu
    assert menu is not None and m.action_parcel in menu.actions()
    assert m.targets.zddm == zddm and m.action_parcel.isEnabled()
    m.action_parcel.trigger()
    pages = opened_preview(window, None)
    expected = cli_pages(Path(store.path), tmp_path / "cli.pdf", "parcel", "--parcel", zddm)
    assert pages == expected["pages"]
    # 另存为 PDF from the preview writes the same pages, the code as text in them
    out = tmp_path / "预览.pdf"
    monkeypatch.setattr(report_print, "ask_pdf_path", lambda _parent, _title: str(out))
    dialog = m.last_preview
    assert dialog is not None
    save = next(
        a for a in dialog.findChildren(QAction) if a.objectName() == "action_preview_save_pdf"
    )
    save.trigger()
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True)
    assert zddm in text.stdout and "Parcel map" in text.stdout  # the tests speak English
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    assert re.search(rf"^Pages:\s+{pages}$", info.stdout, re.M)


def test_household_sheet_from_the_findings_context_menu(window: MainWindow, tmp_path: Path) -> None:
    dock = window.workbench.findings_dock
    dock.set_filters(rule="QJ-R001")  # 一户多宅: the finding names a household
    assert dock.model.rowCount() > 0
    record_row = 0
    rect = dock.view.visualRect(dock.model.index(record_row, 0))
    dock.view.customContextMenuRequested.emit(rect.center())
    m = reports(window)
    assert m.last_context_menu is not None
    household = m.targets.household
    assert household and m.action_household.isEnabled()
    assert m.action_household.text() == f"Household file (household {household})…"
    m.action_household.trigger()
    pages = opened_preview(window, None)
    store = window.store
    assert store is not None
    expected = cli_pages(
        Path(store.path), tmp_path / "hh.pdf", "household", "--household", household
    )
    assert pages == expected["pages"] and pages >= 1


def test_ledgers_from_the_cases_context_menu_as_preview_and_excel(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = window.store
    assert store is not None
    building, village = store.execute_sql(
        "SELECT building_fid, village_code FROM ruin_cases ORDER BY fid LIMIT 1"
    )[0]
    cases = window.workbench.cases_dock
    cases.show_feature("buildings", int(building))
    item = cases.tree.topLevelItem(0)
    assert item is not None
    cases.tree.customContextMenuRequested.emit(cases.tree.visualItemRect(item).center())
    m = reports(window)
    assert m.targets.village == village
    pdf, xlsx = m.ledger_actions["ruins", "pdf"], m.ledger_actions["ruins", "xlsx"]
    assert pdf in m.last_context_menu.findChild(QMenu, "menu_report_ledgers").actions()
    pdf.trigger()
    pages = opened_preview(window, None)
    expected = cli_pages(
        Path(store.path), tmp_path / "ruins.pdf",
        "ledger", "--village", village, "--kind", "ruins", "--format", "pdf",
    )  # fmt: skip
    assert pages == expected["pages"]
    out = tmp_path / "台账.xlsx"
    monkeypatch.setattr(report_operations, "ask_save_path", lambda *_a: str(out))
    xlsx.trigger()
    wait_until(lambda: "台账.xlsx" in window.statusBar().currentMessage(), 120)
    sheet = load_workbook(out).active
    codes = {c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    ruin_codes = {r[0] for r in store.execute_sql(
        "SELECT bdcdyh FROM ruin_cases WHERE village_code = ?", [village])}  # fmt: skip
    assert ruin_codes and ruin_codes <= codes
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_village_atlas_from_the_menu_is_a_task_whose_pdf_has_the_parcel_codes(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = window.store
    assert store is not None
    fid, village = store.execute_sql(
        "SELECT fid, village_code FROM parcels WHERE village_code = "
        "(SELECT village_code FROM parcels GROUP BY 1 ORDER BY count(*) LIMIT 1) LIMIT 1"
    )[0]
    pick_on_map(window, int(fid))
    m = reports(window)
    assert m.targets.village == village and m.action_atlas.isEnabled()
    out = tmp_path / "图集.pdf"
    monkeypatch.setattr(report_operations, "ask_save_path", lambda *_a: str(out))
    tasks = window.workbench.project.tasks
    seen: list[str] = []
    tasks.progressed.connect(lambda _task, _f, stage: seen.append(stage))
    m.action_atlas.trigger()
    wait_until(lambda: "图集.pdf" in window.statusBar().currentMessage(), 300)
    plan = plan_atlas(store, village=village)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True)
    codes = [
        store.execute_sql("SELECT zddm FROM parcels WHERE fid = ?", [int(f)])[0][0]
        for f in plan.printed
    ]
    assert codes and all(code in text.stdout for code in codes)
    assert "draw" in seen  # progress in the status bar while it ran


def test_household_dialog_offers_its_sheet(window: MainWindow) -> None:
    store = window.store
    assert store is not None
    household = store.execute_sql(
        "SELECT household_no FROM parcels WHERE household_no IN "
        "(SELECT household_no FROM households) LIMIT 1"
    )[0][0]
    dialog = window.workbench.open_household(household)
    assert dialog is not None
    dialog.members.customContextMenuRequested.emit(QPoint(5, 5))
    m = reports(window)
    assert m.targets.household == household and m.action_household.isEnabled()
    assert m.last_context_menu is not None and m.action_household in m.last_context_menu.actions()


def test_a_box_over_many_parcels_leaves_one_village_or_none(window: MainWindow) -> None:
    """A Ctrl-drag box may select thousands of parcels: more than one statement's
    parameters. Several parcels give no 宗地图; one village still gives its ledgers."""
    store = window.store
    assert store is not None
    village, n = store.execute_sql(
        "SELECT village_code, count(*) FROM parcels GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
    )[0]
    fids = [r[0] for r in store.execute_sql(
        "SELECT fid FROM parcels WHERE village_code = ?", [village])]  # fmt: skip
    # SQLite's classic limit of parameters per statement (this build allows more; the one
    # in a Windows Python may not): the village's parcels and fids that are none (a stale
    # selection) go past it
    store._conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    targets = report_operations.targets_of(
        window.workbench.project, parcels=[*fids, *range(10**6, 10**6 + 1000)]
    )
    assert n > 1 and targets.parcel_fid is None and targets.village == village
    everything = [r[0] for r in store.execute_sql("SELECT fid FROM parcels")]
    assert (
        report_operations.targets_of(window.workbench.project, parcels=everything).village is None
    )
