"""The 报表 menu's own tests, run again on a database project.

The demo district (checked, its ruins opened as cases) pushed to a real PostgreSQL +
PostGIS and opened in the window: the menu's entries, the parcel map's preview from the
map, the village atlas as a task whose drawing processes connect to the database
themselves, the household dialog's sheet. Not repeated: the tests that make their
command-line twin from `Path(store.path)` (the household sheet, the ledgers:
tests/ui/gui/test_database_reports.py compares those on a database) and the one that
lowers SQLite's parameter limit on the file's connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from qjgis.pg.transfer import push
from tests.ui.gui import test_report_menu as menu
from tests.ui.gui.waiting import wait_until
from ui.gui.app_settings import AppSettings
from ui.gui.main_window import MainWindow

pytestmark = pytest.mark.gui

demo_file = menu.demo_file  # checked, ruins opened as cases (a module fixture)


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, demo_file: Path, pg_url: str) -> Iterator[MainWindow]:
    push(demo_file, pg_url)
    w = MainWindow(AppSettings(path=str(tmp_path / "settings.ini")))
    qtbot.addWidget(w)
    w.workbench.ask_user = False
    w.resize(1300, 850)
    assert w.open_project(pg_url), w.last_error
    assert w.workbench.project is not None and w.workbench.project.is_database
    w.show()
    wait_until(lambda: not w.workbench.findings_dock.loading)
    yield w
    w.close_project()


test_reports_menu_is_there_and_disabled_until_something_is_selected = (
    menu.test_reports_menu_is_there_and_disabled_until_something_is_selected
)


def test_parcel_map_preview_from_the_map_context_menu(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The menu's test with the database's own words: the parcel with the most boundary
    points by `ST_NPoints`, the command line's report made from the address."""
    from PySide6.QtGui import QAction

    from qjgis.lookup import feature_bounds
    from ui.gui import report_print

    store = window.store
    assert store is not None
    fid, zddm = store.execute_sql(
        "SELECT fid, zddm FROM parcels WHERE zddm IS NOT NULL "
        "ORDER BY ST_NPoints(geom) DESC, fid LIMIT 1"
    )[0]
    canvas = window.canvas
    window.workbench.zoom_to(feature_bounds(store, "parcels", [int(fid)])[int(fid)])
    canvas.customContextMenuRequested.emit(canvas.world_to_map(*menu.inside(window, fid)).toPoint())
    m = menu.reports(window)
    assert m.last_context_menu is not None and m.action_parcel in m.last_context_menu.actions()
    assert m.targets.zddm == zddm and m.action_parcel.isEnabled()
    m.action_parcel.trigger()
    pages = menu.opened_preview(window, None)
    expected = menu.cli_pages(store.path, tmp_path / "cli.pdf", "parcel", "--parcel", zddm)  # type: ignore[arg-type]
    assert pages == expected["pages"]
    out = tmp_path / "预览.pdf"
    monkeypatch.setattr(report_print, "ask_pdf_path", lambda _parent, _title: str(out))
    dialog = m.last_preview
    assert dialog is not None
    save = next(
        a for a in dialog.findChildren(QAction) if a.objectName() == "action_preview_save_pdf"
    )
    save.trigger()
    text = _pdftotext(out)
    assert zddm in text and "Parcel map" in text


def _pdftotext(path: Path) -> str:
    import subprocess

    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


test_village_atlas_from_the_menu_is_a_task_whose_pdf_has_the_parcel_codes = (
    menu.test_village_atlas_from_the_menu_is_a_task_whose_pdf_has_the_parcel_codes
)
test_household_dialog_offers_its_sheet = menu.test_household_dialog_offers_its_sheet
