"""Switching the language while the window runs (issue 13): menus, docks and open
dialogs are said again at once, views refresh in the new words, the choice is saved."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMenu
from pytestqt.qtbot import QtBot

from qjgis.checks.findings import run_checks
from qjgis.commands import Changes
from qjgis.demo import build_demo
from qjgis.store import GpkgStore
from tests.ui.gui.waiting import wait_until
from ui import texts
from ui.gui.app_settings import AppSettings
from ui.gui.dialogs.settings import SettingsDialog
from ui.gui.main_window import MainWindow
from ui.gui.retext import Translator

pytestmark = pytest.mark.gui
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lang") / "demo.gpkg"
    build_demo(path, parcels=400, seed=5)
    with GpkgStore.open(path) as store:
        run_checks(store)
    return path


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, demo_file: Path) -> Iterator[MainWindow]:
    texts.set_language("zh")
    project = tmp_path / "demo.gpkg"
    project.write_bytes(demo_file.read_bytes())
    w = MainWindow(AppSettings(path=str(tmp_path / "settings.ini")))
    qtbot.addWidget(w)
    w.workbench.ask_user = False
    assert w.open_project(project)
    w.show()
    yield w
    w.close_project()


def menu_texts(window: MainWindow) -> list[str]:
    out = []
    for action in window.menuBar().actions():
        menu = action.menu()
        out.append(action.text())
        if isinstance(menu, QMenu) and menu is not window.recent_menu:
            out += [a.text() for a in menu.actions() if a.text() and a.menu() is None]
    return out


def test_translator_says_plain_and_filled_texts_again() -> None:
    say = Translator.between("zh", "en")
    assert say(texts.t("table.menu", "zh")) == texts.t("table.menu", "en")
    assert say("100,000 行") == "100,000 rows"
    # a catalogue word inside a sentence is said again too
    zh = texts.t("undo.batch", "zh", batch=3, layer=texts.t("layer.parcels", "zh"))
    assert say(zh) == texts.t("undo.batch", "en", batch=3, layer=texts.t("layer.parcels", "en"))
    assert say("张三") == "张三"  # not a catalogue text: left as it is


def test_switch_to_english_and_back_while_running(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    wb = window.workbench
    assert texts.t("window.menu_file", "zh") in menu_texts(window)
    table = wb.open_attribute_table("parcels")
    wait_until(lambda: not table.model.loading)
    n = table.model.rowCount()
    assert table.count_label.text() == f"{n:,} 行"
    wb.findings_dock.set_filters(rule="QJ-R001")
    # The settings dialog switches it: saved, and applied at once.
    dialog = wb.open_settings()
    assert isinstance(dialog, SettingsDialog)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert texts.language() == "en"
    assert AppSettings(path=str(tmp_path / "settings.ini")).language == "en"
    menus = menu_texts(window)
    assert texts.t("window.menu_file", "en") in menus and texts.t("menu.checks", "en") in menus
    assert [m for m in menus if CJK.search(m)] == []
    for dock in (wb.findings_dock, wb.batches_dock, wb.identify_dock, wb.legend_dock):
        assert not CJK.search(dock.windowTitle()), dock.objectName()
    # an open dialog is said again: title, buttons, the count, the column titles
    assert table.windowTitle() == texts.t("table.title", "en")
    assert table.export_button.text() == texts.t("table.export", "en")
    assert table.count_label.text() == f"{n:,} rows"
    header = str(table.model.headerData(1, Qt.Orientation.Horizontal))
    assert header and not CJK.search(header)
    # views that word their rows once are refreshed in the new words
    rows = wb.findings_dock.model.rows
    assert len(rows) > 0 and not CJK.search(rows[0].rule)
    assert wb.action_undo.text().startswith(texts.t("edit.undo", "en"))
    assert wb.action_undo.objectName() == "action_undo"
    assert not CJK.search(wb.user_label.text().replace(window.store.settings().user, ""))
    # and back
    assert window.set_language("zh")
    assert texts.t("window.menu_file", "zh") in menu_texts(window)
    assert table.count_label.text() == f"{n:,} 行"
    assert wb.action_undo.text().startswith(texts.t("edit.undo", "zh"))
    assert AppSettings(path=str(tmp_path / "settings.ini")).language == "zh"
    assert not window.set_language("zh")  # already: nothing to do


def test_undo_still_works_after_a_switch(window: MainWindow) -> None:
    wb = window.workbench
    window.set_language("en")
    # The findings dock reads on a worker (at the opening, and again after the switch).
    wait_until(lambda: not wb.findings_dock.loading and bool(wb.findings_dock.model.records))
    record = wb.findings_dock.model.records[0]
    from ui.gui import operations

    assert operations.review_finding(wb.project, record.fid, "confirmed", "checked on site")
    assert wb.action_undo.isEnabled() and "Undo" in wb.action_undo.text()
    wb.action_undo.trigger()
    decision = window.store.execute_sql(
        "SELECT decision FROM findings WHERE fid = ?", (record.fid,)
    )[0][0]
    assert decision is None
    wb.project.announce(Changes(tables=frozenset({"findings"})))
