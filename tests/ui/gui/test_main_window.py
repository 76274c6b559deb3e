"""The main window on a small project: title, counts, navigation, layers, settings, errors."""

from __future__ import annotations

import sys
import threading
import time
import types
from pathlib import Path

import numpy as np
import pytest
import shapely
from PySide6.QtCore import QEvent, QPoint, QPointF, QSettings, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

import ui.gui.main_window as main_window_mod
from layers.style import PARCEL_FILL, STATUS_COLORS
from qjgis.errors import Canceled
from qjgis.store import GpkgStore
from ui import texts
from ui.gui import app as app_mod
from ui.gui import qt_i18n
from ui.gui.app_settings import MAX_RECENT, AppSettings
from ui.gui.main_window import MainWindow
from ui.gui.map_canvas import ZOOM_STEP, MapCanvas

pytestmark = pytest.mark.gui

X0, Y0 = 36_358_000.0, 3_205_000.0
VILLAGES = ("麻柳村", "石佛村", "永新村")
IN_USE_HOUSE = (X0 + 24, Y0 + 24, X0 + 40, Y0 + 40)  # the first house, status 在用


def build_project(path: Path) -> Path:
    """Three villages, 24 parcels each, one house per parcel (the first one in use)."""
    store = GpkgStore.create(path)
    statuses = ("在用", "闲置", "残垣断壁", "已拆除", "已复垦")
    parcels, houses, zddm, status = [], [], [], []
    k = 0
    for v in range(3):
        for i in range(6):
            for j in range(4):
                x, y = X0 + v * 400 + 20 + i * 60, Y0 + 20 + j * 70
                parcels.append(shapely.box(x, y, x + 40, y + 50))
                houses.append(shapely.box(x + 4, y + 4, x + 20, y + 20))
                zddm.append(f"500110108{v + 1:03d}JC{k + 1:05d}")
                status.append(statuses[k % 5])
                k += 1
    villages = [shapely.box(X0 + i * 400, Y0, X0 + (i + 1) * 400, Y0 + 300) for i in range(3)]
    with store.transaction() as conn:
        store.insert_features(
            conn,
            "villages",
            np.array(villages, dtype=object),
            {
                "code": np.array([f"50011010800{i + 1}" for i in range(3)], dtype=object),
                "name": np.array(VILLAGES, dtype=object),
            },
        )
        store.insert_features(
            conn, "parcels", np.array(parcels, dtype=object), {"zddm": np.array(zddm, dtype=object)}
        )
        store.insert_features(
            conn,
            "buildings",
            np.array(houses, dtype=object),
            {"status": np.array(status, dtype=object), "zddm": np.array(zddm, dtype=object)},
        )
    store.close()
    return path


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_project(tmp_path_factory.mktemp("ui") / "small.gpkg")


@pytest.fixture
def settings(tmp_path: Path) -> AppSettings:
    return AppSettings(tmp_path / "qjgis.ini")


class Boxes:
    """Stands in for QMessageBox: records what the user would have been shown."""

    def __init__(self) -> None:
        self.shown: list[str] = []

    def critical(self, _parent: object, _title: str, text: str) -> None:
        self.shown.append(text)


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    fake = Boxes()
    monkeypatch.setattr(main_window_mod, "QMessageBox", fake)
    return fake


@pytest.fixture
def window(qtbot: QtBot, settings: AppSettings, boxes: Boxes) -> MainWindow:
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.resize(1000, 700)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def opened(window: MainWindow, project: Path) -> MainWindow:
    assert window.open_project(project), window.last_error
    QApplication.processEvents()
    return window


def drawn(canvas: MapCanvas) -> QImage:
    """The canvas once the frame of its current view has arrived from the render thread."""
    canvas.grab()  # a paint asks for the frame
    deadline = time.monotonic() + 20
    while not canvas.frame_ready():
        assert time.monotonic() < deadline, "no frame from the render thread"
        QApplication.processEvents()
        time.sleep(0.005)
    return canvas.grab().toImage()


def send_mouse(widget: object, kind: QEvent.Type, pos: QPointF, buttons: Qt.MouseButton) -> None:
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    event = QMouseEvent(kind, pos, pos, button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def pixel(image: QImage, x: float, y: float) -> tuple[int, int, int]:
    c = QColor(image.pixel(int(x), int(y)))
    return (c.red(), c.green(), c.blue())


def rgb_of(color: QColor) -> tuple[int, int, int]:
    return (color.red(), color.green(), color.blue())


# ---------------------------------------------------------------- opening
def test_title_counts_and_layers(opened: MainWindow, project: Path) -> None:
    assert opened.windowTitle() == "qjgis — small"
    counts = opened.counts_label.text()
    assert "3" in counts
    assert counts.count("72") == 2
    assert opened.crs_label.text() == "EPSG:4524"
    names = [opened.layer_list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(4)]
    # Top of the list is drawn on top; towns are dissolved from the villages.
    assert names == ["buildings", "parcels", "towns", "villages"]
    assert all(opened.layer_list.item(r).checkState() == Qt.CheckState.Checked for r in range(4))
    # The map opens on the whole project, centred.
    full = opened.canvas.renderer.full_extent() if opened.canvas.renderer else None
    assert full is not None
    e = opened.canvas.extent()
    assert e[0] < full[0]
    assert e[1] < full[1]
    assert e[2] > full[2]
    assert e[3] > full[3]
    assert (e[0] + e[2]) / 2 == pytest.approx((full[0] + full[2]) / 2)
    assert (e[1] + e[3]) / 2 == pytest.approx((full[1] + full[3]) / 2)


def test_an_empty_project_opens_with_a_hint(window: MainWindow, tmp_path: Path) -> None:
    GpkgStore.create(tmp_path / "empty.gpkg").close()
    assert window.open_project(tmp_path / "empty.gpkg")
    assert window.windowTitle() == "qjgis — empty"
    assert window.canvas.message
    window.canvas.grab()  # paints without a map extent


def test_no_project_shows_a_hint(window: MainWindow) -> None:
    assert window.windowTitle() == "qjgis"
    assert window.canvas.message
    assert window.layer_list.count() == 0


# ---------------------------------------------------------------- navigation
def test_wheel_zooms_about_the_cursor(opened: MainWindow) -> None:
    canvas = opened.canvas
    pos = QPointF(200.0, 150.0)
    under_cursor = canvas.map_to_world(pos)
    upp = canvas.units_per_pixel
    width = canvas.extent()[2] - canvas.extent()[0]
    scale_before = opened.scale_label.text()
    event = QWheelEvent(
        pos,
        canvas.mapToGlobal(pos),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(canvas, event)
    assert canvas.units_per_pixel == pytest.approx(upp / ZOOM_STEP)
    assert canvas.extent()[2] - canvas.extent()[0] == pytest.approx(width / ZOOM_STEP)
    x, y = canvas.map_to_world(pos)
    assert x == pytest.approx(under_cursor[0], abs=1e-6)
    assert y == pytest.approx(under_cursor[1], abs=1e-6)
    # ... and the scale in the status bar follows.
    assert opened.scale_label.text() != scale_before
    assert "1:" in opened.scale_label.text()


def test_drag_pans_the_map(opened: MainWindow, qtbot: QtBot) -> None:
    canvas = opened.canvas
    start, end = QPointF(300.0, 200.0), QPointF(360.0, 240.0)
    grabbed = canvas.map_to_world(start)
    cx, cy = canvas.centre
    upp = canvas.units_per_pixel
    send_mouse(canvas, QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
    send_mouse(canvas, QEvent.Type.MouseMove, QPointF(330.0, 220.0), Qt.MouseButton.LeftButton)
    canvas.grab()  # paints the shifted cache mid-drag
    send_mouse(canvas, QEvent.Type.MouseMove, end, Qt.MouseButton.LeftButton)
    send_mouse(canvas, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)
    # Content moved right and down: the view moved west and north.
    assert canvas.centre[0] == pytest.approx(cx - 60 * upp)
    assert canvas.centre[1] == pytest.approx(cy + 40 * upp)
    assert canvas.units_per_pixel == upp
    x, y = canvas.map_to_world(end)
    assert (x, y) == pytest.approx(grabbed)
    # The cursor position is shown in project coordinates.
    assert f"{x:,.2f}" in opened.coords_label.text()


def test_double_click_and_full_extent_action_show_everything(opened: MainWindow) -> None:
    canvas = opened.canvas
    full_view = canvas.extent()
    canvas.zoom_by(8.0, QPointF(10, 10))
    canvas.pan_pixels(100, -50)
    assert canvas.extent() != pytest.approx(full_view)
    send_mouse(canvas, QEvent.Type.MouseButtonDblClick, QPointF(50, 50), Qt.MouseButton.LeftButton)
    assert canvas.extent() == pytest.approx(full_view)
    canvas.zoom_by(3.0)
    opened.action_full_extent.trigger()
    assert canvas.extent() == pytest.approx(full_view)


# ---------------------------------------------------------------- layers
def test_unchecking_a_layer_stops_drawing_it(opened: MainWindow) -> None:
    canvas = opened.canvas
    assert canvas.renderer is not None
    canvas.renderer.labels_enabled = False  # the village name would sit on the house
    margin = 10
    canvas.set_extent(
        (
            IN_USE_HOUSE[0] - margin,
            IN_USE_HOUSE[1] - margin,
            IN_USE_HOUSE[2] + margin,
            IN_USE_HOUSE[3] + margin,
        )
    )
    centre = canvas.world_to_map(
        (IN_USE_HOUSE[0] + IN_USE_HOUSE[2]) / 2, (IN_USE_HOUSE[1] + IN_USE_HOUSE[3]) / 2
    )
    image = drawn(canvas)
    assert pixel(image, centre.x(), centre.y()) == rgb_of(STATUS_COLORS["在用"])
    assert canvas.last_stats is not None
    assert canvas.last_stats.features.get("buildings", 0) >= 1

    item = opened.layer_item("buildings")
    assert item is not None
    item.setCheckState(Qt.CheckState.Unchecked)
    renderer = canvas.renderer
    assert renderer is not None
    layer = renderer.layer("buildings")
    assert layer is not None
    assert not layer.visible
    image = drawn(canvas)
    assert "buildings" not in canvas.last_stats.features
    assert pixel(image, centre.x(), centre.y()) == rgb_of(PARCEL_FILL)

    item.setCheckState(Qt.CheckState.Checked)
    image = drawn(canvas)
    assert pixel(image, centre.x(), centre.y()) == rgb_of(STATUS_COLORS["在用"])


# ---------------------------------------------------------------- settings
def test_settings_remember_the_last_project(
    opened: MainWindow, project: Path, tmp_path: Path
) -> None:
    again = AppSettings(tmp_path / "qjgis.ini")
    assert again.last_project == str(project.resolve())
    assert again.recent_projects[0] == str(project.resolve())
    opened.close()
    assert AppSettings(tmp_path / "qjgis.ini").window_geometry is not None


def test_startup_reopens_the_last_project(
    qtbot: QtBot, project: Path, settings: AppSettings, boxes: Boxes, tmp_path: Path
) -> None:
    settings.add_recent(project)
    w = MainWindow(settings)
    qtbot.addWidget(w)
    startup = app_mod.open_initial_project(w, None, settings, demo=tmp_path / "demo.gpkg")
    assert startup.outcome == "last"
    assert w.windowTitle() == "qjgis — small"
    assert not (tmp_path / "demo.gpkg").exists()


def test_recent_list_is_unique_and_capped(settings: AppSettings, tmp_path: Path) -> None:
    for i in range(MAX_RECENT + 3):
        settings.add_recent(tmp_path / f"p{i}.gpkg")
    settings.add_recent(tmp_path / "p5.gpkg")
    recent = settings.recent_projects
    assert len(recent) == MAX_RECENT
    assert recent[0] == str((tmp_path / "p5.gpkg").resolve())
    assert len(set(recent)) == len(recent)
    settings.remove_recent(tmp_path / "p5.gpkg")
    assert settings.last_project is None
    with pytest.raises(ValueError):
        settings.language = "fr"


# ---------------------------------------------------------------- errors
def test_opening_a_non_project_file_shows_an_error(
    opened: MainWindow, boxes: Boxes, tmp_path: Path
) -> None:
    bogus = tmp_path / "notes.gpkg"
    bogus.write_text("these are not the parcels you are looking for", encoding="utf-8")
    assert not opened.open_project(bogus)
    assert len(boxes.shown) == 1
    assert str(bogus) in boxes.shown[0]
    assert "Traceback" not in boxes.shown[0]
    # The project that was open stays open.
    assert opened.windowTitle() == "qjgis — small"
    assert opened.store is not None


def test_a_missing_last_project_is_skipped_quietly(
    qtbot: QtBot, settings: AppSettings, boxes: Boxes, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.gpkg"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    demo = tmp_path / "demo.gpkg"
    build_project(demo)
    settings.add_recent(broken)
    w = MainWindow(settings)
    qtbot.addWidget(w)
    startup = app_mod.open_initial_project(w, None, settings, demo=demo)
    assert startup.outcome == "demo"
    assert boxes.shown == []
    assert w.windowTitle() == "qjgis — demo"


# ---------------------------------------------------------------- first run
def test_first_run_builds_the_demo_district(
    qtbot: QtBot, settings: AppSettings, boxes: Boxes, tmp_path: Path
) -> None:
    w = MainWindow(settings)
    qtbot.addWidget(w)
    demo = tmp_path / "appdata" / "demo.gpkg"
    startup = app_mod.open_initial_project(w, None, settings, demo=demo, parcels=200)
    assert startup.outcome == "building"
    assert startup.demo is not None
    with qtbot.waitSignal(startup.demo.done, timeout=60_000) as done:
        pass
    assert done.args == ["opened"], boxes.shown
    assert demo.is_file()
    assert w.windowTitle() == "qjgis — demo"
    assert settings.last_project == str(demo.resolve())


def test_canceling_the_demo_leaves_no_file_and_an_empty_window(
    qtbot: QtBot,
    settings: AppSettings,
    boxes: Boxes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started = threading.Event()

    def slow_build(path: Path, *, parcels: int, seed: int, feedback: object) -> None:
        Path(path).write_bytes(b"half a project")  # a generator that forgot to clean up
        started.set()
        while True:
            feedback.set_progress(0.1, "generate")  # type: ignore[attr-defined]
            if feedback.is_canceled():  # type: ignore[attr-defined]
                raise Canceled()
            threading.Event().wait(0.01)

    monkeypatch.setitem(sys.modules, "qjgis.demo", types.SimpleNamespace(build_demo=slow_build))
    w = MainWindow(settings)
    qtbot.addWidget(w)
    demo = tmp_path / "demo.gpkg"
    startup = app_mod.open_initial_project(w, None, settings, demo=demo)
    assert startup.demo is not None
    assert started.wait(10)
    with qtbot.waitSignal(startup.demo.done, timeout=10_000) as done:
        button = startup.demo.dialog.findChild(QPushButton)
        assert button is not None
        button.click()
    assert done.args == ["canceled"]
    assert not demo.exists()
    assert w.store is None
    assert w.windowTitle() == "qjgis"
    assert "demo" in w.canvas.message.lower()
    assert boxes.shown == []


def test_run_gui_opens_the_given_project(
    qtbot: QtBot, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The default AppSettings must land in tmp_path, never in the user's settings.
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    seen: list[str] = []

    def look_and_quit() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow):
                seen.append(widget.windowTitle())
                widget.close()
        QApplication.quit()

    QTimer.singleShot(200, look_and_quit)
    assert app_mod.run_gui(str(project), lang="en") == 0
    assert seen == ["qjgis — small"]
    assert list(tmp_path.rglob("*.ini"))


# ---------------------------------------------------------------- language
def test_chinese_interface(
    qtbot: QtBot, settings: AppSettings, boxes: Boxes, tmp_path: Path
) -> None:
    app = QApplication.instance()
    assert app is not None
    texts.set_language("zh")
    qt_i18n.install_qt_translator(app, "zh")
    try:
        w = MainWindow(settings)
        qtbot.addWidget(w)
        titles = [a.text() for a in w.menuBar().actions()]
        assert titles[0].startswith("文件")
        assert w.action_full_extent.text().startswith("全图")
        assert w.action_full_extent.iconText() == "全图"  # the toolbar button
        bogus = tmp_path / "x.gpkg"
        bogus.write_text("no", encoding="utf-8")
        assert not w.open_project(bogus)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in boxes.shown[-1])
    finally:
        qt_i18n.remove_translators(app)
