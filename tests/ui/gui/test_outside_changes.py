"""The window notices what others write: another desk, the command line, a replaced file.

Issue 20, point 12: the window kept showing 5,000 parcels after the file was replaced by a
500-parcel one. The open project asks the file every second (SQLite's data_version and the
file's identity); a change refreshes the views, a replaced file is opened again.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from qjgis.checks.findings import run_checks
from qjgis.demo import build_demo
from qjgis.store import GpkgStore
from tests.ui.gui.waiting import wait_until
from ui.gui.app_settings import AppSettings
from ui.gui.main_window import MainWindow
from ui.presenters import words

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("outside")
    big, small = folder / "big.gpkg", folder / "small.gpkg"
    build_demo(big, parcels=1500, seed=2)
    build_demo(small, parcels=300, seed=5)
    return big, small


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, demos: tuple[Path, Path]) -> Iterator[MainWindow]:
    words.set_language("zh")
    project = tmp_path / "demo.gpkg"
    project.write_bytes(demos[0].read_bytes())
    w = MainWindow(AppSettings(path=str(tmp_path / "settings.ini")))
    qtbot.addWidget(w)
    w.workbench.ask_user = False
    assert w.open_project(project)
    w.show()
    yield w
    w.close_project()


def _parcels(window: MainWindow) -> int:
    assert window.store is not None
    return int(window.store.execute_sql("SELECT count(*) FROM parcels")[0][0])


def test_the_project_is_watched_and_nothing_changed_is_nothing(window: MainWindow) -> None:
    project = window.workbench.project
    assert project is not None and project._watch.isActive()
    assert project._watch.interval() <= 1000
    assert not project.check_outside()  # our own open wrote nothing anyone else did


def test_checks_run_elsewhere_show_in_the_findings_dock(window: MainWindow) -> None:
    wb = window.workbench
    assert wb.findings_dock.model.rowCount() == 0
    assert window.store is not None
    with GpkgStore.open(window.store.path) as other:  # another desk, or the CLI
        run_checks(other)
    assert wb.project is not None and wb.project.check_outside()
    wait_until(lambda: wb.findings_dock.model.rowCount() > 0)  # read on a worker
    assert window.statusBar().currentMessage() == words.t("project.changed_outside")
    assert not wb.project.check_outside()  # seen once, then quiet again


def test_a_replaced_file_is_opened_again(window: MainWindow, demos: tuple[Path, Path]) -> None:
    assert _parcels(window) == 1500
    path = window.project_path
    assert path is not None
    replacement = Path(path).with_name("new.gpkg")
    replacement.write_bytes(demos[1].read_bytes())
    os.replace(replacement, path)  # what a copy over the shared drive does
    assert window.workbench.project is not None and window.workbench.project.check_outside()
    assert window.project_path == path
    assert _parcels(window) == 300
    assert window.statusBar().currentMessage() == words.t("project.replaced_outside")


def test_the_timer_finds_the_change_by_itself(window: MainWindow) -> None:
    assert window.store is not None
    with GpkgStore.open(window.store.path) as other:
        run_checks(other)
    # No call from the test: the project's own timer notices within a second or so.
    wait_until(lambda: window.workbench.findings_dock.model.rowCount() > 0, timeout=30.0)
    assert window.statusBar().currentMessage() == words.t("project.changed_outside")
