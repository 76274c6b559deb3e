"""Issue 20 point 2: the window says "另一程序正在写入本项目，等待中…" while a store waits.

Another program stands as a second SQLite connection holding the lock: EXCLUSIVE while
the window opens the project (the GUI thread waits), RESERVED while a worker writes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from qjgis import gpkg
from qjgis.errors import QjgisError
from qjgis.store import GpkgStore, set_busy_notice
from tests.ui.gui.waiting import wait_until
from ui.gui.app_settings import AppSettings
from ui.gui.busy import install_busy_notice
from ui.gui.main_window import MainWindow
from ui.presenters import words

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    words.set_language("zh")
    w = MainWindow(AppSettings(path=str(tmp_path / "settings.ini")))
    qtbot.addWidget(w)
    w.workbench.ask_user = False
    install_busy_notice(w)
    w.show()
    yield w
    set_busy_notice(None)
    w.close_project()


def _other_program(path: Path, lock: str) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    gpkg.register_functions(other)
    other.execute(f"BEGIN {lock}")
    return other


def test_opening_a_project_another_program_commits_says_so_then_opens(
    window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "p.gpkg"
    GpkgStore.create(path).close()
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    other = _other_program(path, "EXCLUSIVE")  # what a writer holds while it commits
    release = threading.Timer(1.0, lambda: other.execute("ROLLBACK"))
    release.start()
    try:
        assert window.open_project(path)  # waited on the GUI thread, then opened
    finally:
        release.join()
        other.close()
    assert f"{path}：另一程序正在写入本项目，等待中…" in messages
    assert window.store is not None and window.last_error is None


def test_a_worker_waiting_for_another_programs_write_says_so_in_the_status_bar(
    window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "p.gpkg"
    GpkgStore.create(path).close()
    other = _other_program(path, "IMMEDIATE")  # another program in the middle of a write
    outcome: list[str] = []

    def write() -> None:  # as a task does, on its own connection and thread
        with GpkgStore.open(path, busy_timeout=1) as store:
            try:
                with store.transaction() as conn:
                    store.audit(conn, "test.write", None, None, None)
            except QjgisError as exc:
                outcome.append(exc.code)

    worker = threading.Thread(target=write)
    worker.start()
    try:
        wait_until(lambda: "等待中" in window.statusBar().currentMessage())
    finally:
        worker.join()
        other.execute("ROLLBACK")
        other.close()
    assert window.statusBar().currentMessage() == f"{path}：另一程序正在写入本项目，等待中…"
    assert outcome == ["project_locked"]
