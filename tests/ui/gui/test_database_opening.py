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
from tests.ui.gui import test_workbench_import as imports
from tests.ui.gui.waiting import wait_until
from ui.gui.app_settings import AppSettings
from ui.gui.main_window import MainWindow
from ui.presenters import words

pytestmark = pytest.mark.gui

survey = imports.survey  # a surveyor's 3,000 parcels as shapefiles (a module fixture)


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


# ---------------------------------------------------------------- the GUI thread's share
#: what `PgStore.open`, a first opening's ANALYZE check and the map layers' metadata ask
#: (the store's checks, the settings, the SRID, the reference kinds)
OPENING_SQL = ("qj_meta", "qj_settings", "geometry_columns", "reference_features",
               "pg_stat_user_tables", "pg_roles")  # fmt: skip


class QueryThreads:
    """Every query the project's store connections send, with the thread that sent it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from qjgis.pg import store as pgstore

        self.seen: list[tuple[bool, str]] = []  # (on the GUI thread, sql)
        for cls, name in ((pgstore.PgConnection, "_execute"), (pgstore.PgStore, "_query")):
            real = getattr(cls, name)

            def wrapped(obj: object, sql: str, *args: object, _real: object = real) -> object:
                self.seen.append((threading.current_thread() is threading.main_thread(), sql))
                return _real(obj, sql, *args)  # type: ignore[operator]

            monkeypatch.setattr(cls, name, wrapped)

    def on_gui(self, *words_: str) -> list[str]:
        return [sql for gui, sql in self.seen if gui and any(w in sql for w in words_)]

    def aside(self, *words_: str) -> list[str]:
        return [sql for gui, sql in self.seen if not gui and any(w in sql for w in words_)]


@pytest.fixture(scope="module")
def checked_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with its findings (the findings dock has rows to fill) and ruin cases (the
    dashboard has figures)."""
    from qjgis.checks.findings import run_checks
    from qjgis.store import GpkgStore

    path = tmp_path_factory.mktemp("dbopen-checked") / "checked.gpkg"
    build_demo(path, parcels=600, seed=7)
    with GpkgStore.open(path) as store:
        run_checks(store)
    return path


def test_the_store_opens_on_a_thread_while_the_window_answers(
    qtbot: QtBot, tmp_path: Path, checked_file: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17's last stall: the connection, the store's checks (`PgStore.open`), the map
    layers' metadata, the dashboard's figures and the findings' filter arrays are made on
    worker threads; the GUI thread's event loop answers meanwhile. Here `PgStore.open`
    waits for a timer set before the opening: were it run on the GUI thread, the timer
    could not fire and the gate would stay shut. Afterwards the findings dock shows every
    finding once (as many as the store holds)."""
    from layers import source
    from qjgis.pg.store import PgStore
    from qjgis.store import GpkgStore
    from ui.gui.docks import findings as findings_dock

    words.set_language("zh")
    push(checked_file, pg_url)
    window = new_window(qtbot, tmp_path, "aside.ini")
    pump_ready = threading.Event()
    answered: list[bool] = []
    threads: dict[str, list[bool]] = {"open": [], "layers": [], "columns": []}
    real_open = PgStore.open.__func__  # type: ignore[attr-defined]
    real_layers = source.map_layers
    real_columns = findings_dock.RecordColumns.__init__

    def held_open(cls: type, url: str, **kwargs: object) -> PgStore:
        threads["open"].append(threading.current_thread() is threading.main_thread())
        answered.append(pump_ready.wait(30))  # not a time limit: a deadlock's way out
        return real_open(cls, url, **kwargs)  # type: ignore[no-any-return]

    def noted_layers(*args: object, **kwargs: object) -> object:
        threads["layers"].append(threading.current_thread() is threading.main_thread())
        return real_layers(*args, **kwargs)  # type: ignore[arg-type]

    def noted_columns(self: object, *args: object) -> None:
        threads["columns"].append(threading.current_thread() is threading.main_thread())
        real_columns(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(PgStore, "open", classmethod(held_open))
    monkeypatch.setattr(source, "map_layers", noted_layers)
    monkeypatch.setattr(findings_dock.RecordColumns, "__init__", noted_columns)
    queries = QueryThreads(monkeypatch)
    dock = window.workbench.findings_dock
    dashboard = window.workbench.dashboard_dock
    dashboard.show()  # shown: its figures are read at opening
    try:
        QTimer.singleShot(0, pump_ready.set)
        assert window.open_project(pg_url), window.last_error
        assert answered == [True]
        assert threads["open"] == [False] and threads["layers"] == [False]
        # nothing the opening asks went over the GUI thread's connection
        assert queries.on_gui(*OPENING_SQL) == []
        assert queries.aside("qj_settings") and queries.aside("geometry_columns")
        wait_until(lambda: not window.database_reading and not dock.loading)
        wait_until(lambda: not window.workbench.project.tasks.running)
        # the findings dock's rows: every open finding, once; its arrays made aside
        with GpkgStore.open(checked_file) as store:
            n = store.execute_sql("SELECT count(*) FROM findings WHERE state = 'open'")[0][0]
        assert n > 0
        assert dock.model.rowCount() == n
        assert len({dock.model.fid(i) for i in range(n)}) == n
        assert threads["columns"] and not any(threads["columns"])
        # the dashboard's figures were read aside and are shown
        assert queries.aside("ruin_cases") and queries.on_gui("ruin_cases") == []
        assert dashboard.rows
    finally:
        pump_ready.set()
        window.close_project()


def test_an_import_and_its_undo_are_measured_aside(
    qtbot: QtBot, tmp_path: Path, pg_url: str, survey: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`reload_map` after an import or an undo on a database: the layers' extents and
    counts are measured on a worker (held here at a gate), the map keeps its view and the
    event loop answers; then the layer list, the status bar and the extent are the
    store's, after the import and after its undo."""
    from PySide6.QtWidgets import QMessageBox

    from qjgis.store import GpkgStore
    from tests.ui.gui.test_workbench_import import previewed
    from tests.ui.gui.waiting import Emitted

    words.set_language("zh")
    empty = tmp_path / "empty.gpkg"
    GpkgStore.create(empty).close()
    push(empty, pg_url)
    window = new_window(qtbot, tmp_path, "import.ini")
    gate = threading.Event()
    gate.set()
    real_measure = PgLayer.measure

    def held(self: PgLayer, conn: object = None) -> object:
        assert gate.wait(120), "the test never opened the gate"
        return real_measure(self, conn)

    monkeypatch.setattr(PgLayer, "measure", held)

    def summary(n: int) -> str:
        return words.t("window.summary").format(villages="0", parcels=f"{n:,}", buildings="0")

    def parcels_row() -> str:
        item = window.layer_item("parcels")
        assert item is not None
        return item.text()

    try:
        assert window.open_project(pg_url), window.last_error
        wait_until(lambda: not window.database_reading)
        assert window.counts_label.text() == summary(0)
        wb = window.workbench
        dialog = previewed(qtbot, wb.open_import(str(survey / "parcels.shp")))
        gate.clear()
        with Emitted(dialog.imported):
            dialog.import_button.click()
        # the map was read again; its extents and counts are pending on the worker
        assert window.database_reading
        parcels = window.canvas.renderer.layer("parcels")
        assert isinstance(parcels, PgLayer) and parcels.known_len() is None
        fired: list[bool] = []
        QTimer.singleShot(0, lambda: fired.append(True))
        wait_until(lambda: bool(fired))
        assert window.counts_label.text() == summary(0)  # not counted on the GUI thread
        with qtbot.waitSignal(window.databaseRead, timeout=60_000) as blocker:
            gate.set()
        assert blocker.args == [True]
        assert window.store.counts()["parcels"] == 3000
        assert window.counts_label.text() == summary(3000)
        assert "(3,000)" in parcels_row()
        assert window.canvas.renderer.full_extent() == pytest.approx(
            window.store.extent("parcels"), abs=1e-3
        )
        # the batch undone from the batches dock: measured aside again
        batches = wb.batches_dock
        batches.list.setCurrentRow(0)
        box = batches.ask_undo()
        assert isinstance(box, QMessageBox)
        with qtbot.waitSignal(window.databaseRead, timeout=60_000):
            box.button(QMessageBox.StandardButton.Ok).click()
        wait_until(lambda: not window.database_reading)
        assert window.store.counts()["parcels"] == 0
        assert window.counts_label.text() == summary(0)
        assert "(0)" in parcels_row()
        assert window.canvas.renderer.full_extent() is None
    finally:
        gate.set()
        window.close_project()
