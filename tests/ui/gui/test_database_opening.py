"""Opening a database project does not stall the GUI thread (issue 17's follow-up).

The layers' extents (`ST_Extent`) and counts, and a freshly pushed database's one-time
ANALYZE, walk whole tables: 1.4 s (plus ~4 s) at 100,000 parcels. The window reads them on
a worker and shows at once; the map zooms to the district when they arrive. Here the
worker's reads are held at a gate the test opens: the window is shown and its event loop
answers (a QTimer fires) while they are pending, nothing has been counted on the GUI
thread, and afterwards the map's extent, the layer list's and the status bar's counts are
the file's.
"""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from layers.source import PgLayer
from qjgis.demo import build_demo
from qjgis.pg.transfer import push
from tests.ui.gui.waiting import wait_until
from ui.gui.app_settings import AppSettings
from ui.gui.main_window import MainWindow
from ui.presenters import words

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dbopen") / "demo.gpkg"
    build_demo(path, parcels=600, seed=7)
    return path


def new_window(qtbot: QtBot, tmp_path: Path, name: str) -> MainWindow:
    w = MainWindow(AppSettings(path=str(tmp_path / name)))
    qtbot.addWidget(w)
    w.workbench.ask_user = False
    w.resize(1000, 700)
    w.show()
    return w


def never_analyzed(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname IN "
            "('parcels', 'villages', 'buildings') AND last_analyze IS NULL "
            "AND last_autoanalyze IS NULL"
        ).fetchall()
    return sorted(r[0] for r in rows)


def test_the_window_answers_while_the_database_is_measured(
    qtbot: QtBot, tmp_path: Path, demo_file: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    words.set_language("zh")
    push(demo_file, pg_url)
    gate = threading.Event()
    measuring = threading.Event()
    real_measure = PgLayer.measure

    def held(self: PgLayer, conn: object = None) -> object:
        measuring.set()
        assert gate.wait(120), "the test never opened the gate"
        return real_measure(self, conn)

    monkeypatch.setattr(PgLayer, "measure", held)
    window = new_window(qtbot, tmp_path, "db.ini")
    try:
        assert window.open_project(pg_url), window.last_error
        assert window.isVisible()
        # the event loop answers while the worker's reads are pending
        fired: list[bool] = []
        QTimer.singleShot(0, lambda: fired.append(True))
        wait_until(lambda: bool(fired) and measuring.is_set())
        assert window.database_reading
        renderer = window.canvas.renderer
        assert renderer is not None
        parcels = renderer.layer("parcels")
        assert isinstance(parcels, PgLayer)
        # nothing was counted on the GUI thread; the status bar says it is at work
        assert parcels.known_len() is None
        assert window.counts_label.text() == words.t("dbgui.counting")
        assert window.workbench.project.tasks.running
        status = window.findChild(object, "task_status")
        assert status is not None and status.isVisible()
        # ANALYZE (once in the database's life) ran on the worker before the measures
        assert never_analyzed(pg_url) == []

        with qtbot.waitSignal(window.databaseRead, timeout=60_000) as blocker:
            gate.set()
        assert blocker.args == [True]
        assert not window.database_reading

        on_file = new_window(qtbot, tmp_path, "file.ini")
        assert on_file.open_project(demo_file)
        file_renderer = on_file.canvas.renderer
        assert file_renderer is not None
        # the map's extent and the counts are the file's
        assert renderer.full_extent() == pytest.approx(file_renderer.full_extent(), abs=1e-3)
        assert window.counts_label.text() == on_file.counts_label.text()

        def rows(w: MainWindow) -> list[str]:
            return [w.layer_list.item(i).text() for i in range(w.layer_list.count())]

        # the layer list's counts (the file's reference layers are counted aside)
        assert "(600)" in " ".join(rows(window))
        wait_until(lambda: rows(on_file) == rows(window))
        # 全图 zooms to the district, as on the file (same window size)
        on_file.resize(window.size())
        window.canvas.resize(on_file.canvas.size())
        window.canvas.zoom_to_full_extent()
        on_file.canvas.zoom_to_full_extent()
        assert window.canvas.extent() == pytest.approx(on_file.canvas.extent(), abs=1e-2)
        on_file.close_project()
    finally:
        gate.set()
        window.close_project()


def test_the_first_opening_answers_events_while_it_analyzes(
    qtbot: QtBot, tmp_path: Path, demo_file: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database pushed a moment ago is analyzed before the docks read (their plans need
    the statistics), on a thread: a timer set before the opening fires while ANALYZE waits
    for it (were the GUI thread blocked, the gate would stay shut)."""
    from qjgis.pg import session

    words.set_language("en")
    push(demo_file, pg_url)
    assert never_analyzed(pg_url)  # the push leaves the statistics to autovacuum
    gate = threading.Event()
    answered: list[bool] = []
    real = session.analyze_if_never

    def held(store: object) -> list[str]:
        answered.append(gate.wait(30))
        return real(store)

    monkeypatch.setattr(session, "analyze_if_never", held)
    monkeypatch.setattr("ui.gui.main_window.analyze_if_never", held)
    window = new_window(qtbot, tmp_path, "first.ini")
    try:
        QTimer.singleShot(0, gate.set)
        assert window.open_project(pg_url), window.last_error
        assert answered == [True]
        assert never_analyzed(pg_url) == []
        # the docks started after it: the findings dock reads with the statistics in
        wait_until(lambda: not window.database_reading)
        assert "(600)" in " ".join(
            window.layer_list.item(i).text() for i in range(window.layer_list.count())
        )
    finally:
        gate.set()
        window.close_project()
