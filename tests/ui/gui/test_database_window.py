"""The window on a database project: the demo district pushed to a real PostgreSQL + PostGIS.

The real window, its map, docks and dialogs, opened on `postgresql://…` as a clerk does
(File ▸ Open database…): the map draws the same picture as on the file it was pushed from,
the findings dock lists the same findings, a review made in the window lands on the server
(read back with psycopg) with its audit entry, another desk's change is noticed, and the
recent projects keep the address without its password.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import psycopg
import pytest
import shapely
import shiboken6
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from layers.source import PgLayer
from qjgis.checks.findings import Review, list_findings, run_checks
from qjgis.commands import run
from qjgis.demo import build_demo
from qjgis.pg.store import PgStore
from qjgis.pg.transfer import push
from qjgis.store import GpkgStore
from tests.ui.gui.waiting import wait_until
from ui.gui.app_settings import AppSettings
from ui.gui.dialogs.review import ReviewDialog
from ui.gui.main_window import MainWindow
from ui.presenters import words

pytestmark = pytest.mark.gui


def with_password(url: str) -> str:
    """The same address with a password in it (the test server trusts loopback)."""
    return url.replace("://qjgis_test@", "://qjgis_test:s3cret@")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dbwin") / "demo.gpkg"
    build_demo(path, parcels=900, seed=4)
    with GpkgStore.open(path) as store:
        run_checks(store)
    return path


@pytest.fixture
def database(demo_file: Path, pg_url: str) -> str:
    push(demo_file, pg_url)
    return pg_url


def new_window(qtbot: QtBot, tmp_path: Path, name: str = "settings.ini") -> MainWindow:
    w = MainWindow(AppSettings(path=str(tmp_path / name)))
    qtbot.addWidget(w)
    w.workbench.ask_user = False  # the tests say who works
    w.resize(1200, 800)
    w.show()
    return w


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    w = new_window(qtbot, tmp_path)
    yield w
    w.close_project()


def settled(window: MainWindow) -> None:
    project = window.workbench.project
    wait_until(lambda: project is None or not project.tasks.running)
    wait_until(lambda: not window.workbench.findings_dock.loading)


def drawn(window: MainWindow) -> QImage:
    canvas = window.canvas
    canvas.grab()  # a paint asks for the frame
    deadline = time.monotonic() + 30
    while not canvas.frame_ready():
        assert time.monotonic() < deadline, "no frame from the render thread"
        QApplication.processEvents()
        time.sleep(0.005)
    return canvas.grab().toImage()


def open_by_dialog(window: MainWindow, address: str) -> None:
    """File ▸ Open database…, the address typed, OK."""
    action = window.findChild(type(window.action_open), "action_open_database")
    assert action is not None and action in window.menuBar().actions()[0].menu().actions()
    dialog = window.choose_database()
    assert dialog.isVisible() and not dialog.isModal()
    dialog.address.setEditText("not a database")
    dialog.buttons_ok().click()
    assert dialog.isVisible() and dialog.problem.isVisible()  # refused, said why, still open
    dialog.address.setEditText(address)
    dialog.buttons_ok().click()
    # closed (deleted on close: a first opening's ANALYZE answers events meanwhile, the
    # deletion among them)
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()


def test_the_window_on_a_database(
    qtbot: QtBot, tmp_path: Path, demo_file: Path, database: str
) -> None:
    words.set_language("zh")
    address = with_password(database)
    on_db = new_window(qtbot, tmp_path)
    open_by_dialog(on_db, address)
    assert on_db.last_error is None
    # the extents and counts are read on a worker (test_database_opening.py)
    wait_until(lambda: not on_db.database_reading)
    assert on_db.project_path == database  # the address, without its password
    name = database.rsplit("/", 1)[1]
    assert on_db.windowTitle() == f"qjgis — {name}"
    layers = on_db.canvas.renderer.layers  # type: ignore[union-attr]
    # villages, parcels, buildings and the reference layers read from PostGIS; the towns
    # dissolved from the villages
    kinds = {x.name: type(x).__name__ for x in layers}
    assert {n for n, k in kinds.items() if k != "PgLayer"} == {"towns"}
    assert {"villages", "parcels", "buildings", "landuse"} <= set(kinds)
    assert "900" in on_db.counts_label.text()

    on_file = new_window(qtbot, tmp_path, "file.ini")
    assert on_file.open_project(demo_file)
    for w in (on_file, on_db):
        w.canvas.zoom_to_full_extent()
    # The same map, pixel for pixel, as on the file it was pushed from; and not blank.
    picture_db, picture_file = drawn(on_db), drawn(on_file)
    assert picture_db == picture_file
    background = QColor(picture_db.pixel(2, 2)).rgb()
    parcels = on_db.canvas.renderer.layer("parcels")  # type: ignore[union-attr]
    assert isinstance(parcels, PgLayer)
    x0, y0, x1, y1 = parcels.extent()  # type: ignore[misc]
    _fids, geoms = parcels.in_box((x0, y0, x1, y1))
    points = shapely.get_coordinates(shapely.point_on_surface(geoms[:50]))
    xy = on_db.canvas.transform().world_to_pixel(points)
    coloured = [QColor(picture_db.pixel(int(x), int(y))).rgb() != background for x, y in xy]
    assert np.mean(coloured) > 0.9

    # The findings dock lists the same findings as on the file.
    settled(on_db)
    settled(on_file)
    n_file = on_file.workbench.findings_dock.model.rowCount()
    assert n_file > 0 and on_db.workbench.findings_dock.model.rowCount() == n_file
    on_file.close_project()

    # A review made in the window lands in the database, with its audit entry.
    dock = on_db.workbench.findings_dock
    dock.set_filters(rule="QJ-R001", decision="pending")
    settled(on_db)
    dock.view.selectRow(0)
    dock.view.doubleClicked.emit(dock.model.index(0, 0))
    dialog = on_db.findChild(ReviewDialog, "dialog_review")
    assert dialog is not None and dialog.isVisible()
    fid = dialog.record.fid
    dialog.set_decision("confirmed", "现场核实，两宗均在使用")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    with psycopg.connect(database) as conn:
        row = conn.execute(
            "SELECT decision, decision_reason FROM findings WHERE fid = %s", (fid,)
        ).fetchone()
        assert row == ("confirmed", "现场核实，两宗均在使用")
        last = conn.execute("SELECT command FROM audit_log ORDER BY fid DESC LIMIT 1").fetchone()
        assert last == ("findings.review",)
    on_db.workbench.action_undo.trigger()  # undo is the command's revert, on the server too
    with psycopg.connect(database) as conn:
        row = conn.execute("SELECT decision FROM findings WHERE fid = %s", (fid,)).fetchone()
        assert row == (None,)
    settled(on_db)

    # Another desk reviews: the window notices at its next look and refreshes.
    project = on_db.workbench.project
    assert project is not None and project.is_database
    assert project.check_outside() is False  # our own undo is not someone else's change
    with PgStore.open(database) as other:
        other_fid = list_findings(other, rule="QJ-R001", decision="pending")[0].fid
        run(other, Review(other_fid, "confirmed", "另一台电脑审核"))
    noticed: list[bool] = []
    project.outsideChanged.connect(noticed.append)
    assert project.check_outside() is True and noticed == [False]
    settled(on_db)

    # Recent projects keep the database without its password.
    settings = on_db.settings
    assert settings.recent_projects[0] == database
    assert settings.last_project == database
    on_db.close()
    assert "s3cret" not in Path(settings.file_name).read_text(encoding="utf-8")


def test_a_database_that_does_not_answer_is_refused_in_words(
    window: MainWindow, tmp_path: Path, database: str
) -> None:
    words.set_language("en")
    errors: list[str] = []
    window.show_error = errors.append  # type: ignore[method-assign]
    gone = database.rsplit("/", 1)[0] + "/no_such_database"
    assert window.open_project(with_password(gone)) is False
    assert len(errors) == 1 and "cannot connect to the database" in errors[0]
    assert "s3cret" not in errors[0] and "Traceback" not in errors[0]
    assert window.store is None  # nothing was open, nothing is
    assert window.settings.recent_projects == []


def test_the_window_is_launched_on_an_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """`main.py postgresql://…`, `main.py service=NAME` and `main.py gui [--lang] ADDRESS`
    open the window on the address; other arguments stay commands of the command line."""
    from ui import launch

    opened: list[tuple[str | None, str | None]] = []
    monkeypatch.setattr(launch, "open_window", lambda p, lang: opened.append((p, lang)) or 0)
    url = "postgresql://clerk@db.bureau/qijiang"
    assert launch.main([url]) == 0
    assert launch.main(["service=qijiang"]) == 0
    assert launch.main(["gui", "--lang", "en", url]) == 0
    assert launch.main(["gui"]) == 0
    assert launch.main(["gui", "demo.gpkg"]) == 0
    assert opened == [(url, None), ("service=qijiang", None), (url, "en"), (None, None),
                      ("demo.gpkg", None)]  # fmt: skip


def test_a_password_is_asked_only_when_the_server_wants_one_and_never_kept(
    window: MainWindow, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first connection is refused for want of a password (as libpq says it): the
    window asks once, connects with the answer, and the password is in neither the recent
    projects nor the title; the map's and the tasks' connections reuse it from memory."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    real_connect = psycopg.connect
    given: list[str | None] = []

    def connect(conninfo: str = "", **kwargs: object) -> psycopg.Connection:
        given.append(kwargs.get("password"))  # type: ignore[arg-type]
        if kwargs.get("password") != "街道办2024":
            raise psycopg.OperationalError("connection failed: fe_sendauth: no password supplied")
        # the test server trusts loopback: it takes the password without asking for it,
        # and libpq keeps it on the connection as it does for a server that asked
        return real_connect(conninfo, **kwargs)

    asked: list[tuple[str, QLineEdit.EchoMode]] = []

    def get_text(_parent: object, _title: str, label: str, echo: QLineEdit.EchoMode) -> tuple:
        asked.append((label, echo))
        return "街道办2024", True

    monkeypatch.setattr(psycopg, "connect", connect)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    errors: list[str] = []
    window.show_error = errors.append  # type: ignore[method-assign]  # no modal box
    assert window.open_project(database), window.last_error
    assert len(asked) == 1 and database in asked[0][0]
    assert asked[0][1] == QLineEdit.EchoMode.Password
    parcels = window.canvas.renderer.layer("parcels")  # type: ignore[union-attr]
    assert len(parcels) == 900  # type: ignore[arg-type]  # its own connection, same password
    settled(window)  # the findings dock's task connected too
    assert len(asked) == 1  # nobody was asked again
    assert given.count("街道办2024") >= 3  # the window's, the map's, a task's
    window.close_project()
    stored = Path(window.settings.file_name).read_text(encoding="utf-8")
    assert database in stored and "街道办2024" not in stored
    assert errors == []
    from PySide6.QtWidgets import QMessageBox

    assert window.findChild(QMessageBox, "dialog_error") is None  # no task failed either
