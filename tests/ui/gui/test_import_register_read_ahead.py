"""The import dialog parses a register's workbook again while the clerk reads the
preview, so that the import finds it parsed (issue 10 point 9); closing the dialog
without importing lets it go."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from pytestqt.qtbot import QtBot

from qjgis.io import workbook
from qjgis.store import GpkgStore
from tests.ui.gui.waiting import Emitted, wait_until
from ui.gui.app_settings import AppSettings
from ui.gui.dialogs.import_dialog import ImportDialog
from ui.gui.main_window import MainWindow
from ui.presenters import words

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, _one_qapplication: object) -> Iterator[MainWindow]:
    words.set_language("zh")
    project = tmp_path / "empty.gpkg"
    GpkgStore.create(project).close()
    w = MainWindow(AppSettings(path=str(tmp_path / "settings.ini")))
    qtbot.addWidget(w)
    w.workbench.ask_user = False
    assert w.open_project(project)
    w.show()
    yield w
    w.close_project()


@pytest.fixture
def register(tmp_path: Path) -> Path:
    path = tmp_path / "户籍名册.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["户号", "姓名", "身份证号", "与户主关系"])
    for h in range(30):
        ws.append([f"H{h:03d}", f"户主{h}", None, "户主"])
        ws.append([f"H{h:03d}", f"子{h}", None, "子"])
    wb.save(path)
    return path


def previewed(dialog: ImportDialog) -> ImportDialog:
    wait_until(lambda: dialog.preview_task is None)
    assert dialog.preview is not None, dialog.status.text()
    return dialog


def waiting(path: Path) -> bool:
    return os.path.abspath(path) in workbook._pending


def test_the_import_finds_the_register_parsed(
    window: MainWindow, register: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = previewed(window.workbench.open_import(str(register)))
    assert dialog.layer.currentData() == "households"
    assert waiting(register)  # parsing again while the preview shows
    taken: list[bool] = []
    take = workbook.take

    def spy(path: object) -> object:
        got = take(path)  # type: ignore[arg-type]
        taken.append(got is not None)
        return got

    monkeypatch.setattr(workbook, "take", spy)
    with Emitted(dialog.imported):
        dialog.import_button.click()
    assert dialog.report["counts"]["members.added"] == 60
    assert taken == [True]
    assert not waiting(register)


def test_closing_the_dialog_lets_the_parse_go(window: MainWindow, register: Path) -> None:
    dialog = previewed(window.workbench.open_import(str(register)))
    assert waiting(register)
    dialog.reject()
    assert not waiting(register)


def test_a_layer_is_not_parsed_ahead(window: MainWindow, register: Path) -> None:
    dialog = window.workbench.open_import(str(register))
    previewed(dialog)
    dialog.layer.setCurrentIndex(dialog.layer.findData("parcels"))
    wait_until(lambda: dialog.preview_task is None)
    assert not waiting(register)
    dialog.reject()
