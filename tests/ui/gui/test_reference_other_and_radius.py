"""Issue 19 in the window: a reference layer a user named (`import --layer other:NAME`) is
listed under its name with a swatch, drawn in plain grey and in the legend; a hazard point
without its own radius is drawn at overlay.hazard_radius_m as it is now, and drawn anew when
the setting changes (and when that change is undone)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely
from pyogrio import raw
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from test_main_window import X0, Y0, Boxes, build_project, drawn, pixel

import ui.gui.main_window as main_window_mod
from qjgis.io import importer
from qjgis.store import GpkgStore
from ui.gui.app_settings import AppSettings
from ui.gui.main_window import MainWindow
from ui.gui.operations import apply_settings

pytestmark = pytest.mark.gui

NAME = "林地保护红线"
RED_LINE = (X0 + 100, Y0 + 330, X0 + 300, Y0 + 410)
HAZARD = (X0 + 800, Y0 + 370)  # a point without a radius of its own


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("refother")
    path = build_project(folder / "ref.gpkg")
    src = folder / "lbhx.shp"
    raw.write(
        str(src), shapely.to_wkb(np.array([shapely.box(*RED_LINE)], dtype=object)),
        [np.array(["1"], dtype=object)], ["BSM"], crs="EPSG:4524", encoding="GBK",
        geometry_type="Polygon", driver="ESRI Shapefile",
    )  # fmt: skip
    points = folder / "zhd.shp"
    raw.write(
        str(points), shapely.to_wkb(np.array([shapely.Point(*HAZARD)], dtype=object)),
        [np.array(["H1"], dtype=object)], ["ZHDBH"], crs="EPSG:4524", encoding="GBK",
        geometry_type="Point", driver="ESRI Shapefile",
    )  # fmt: skip
    with GpkgStore.open(path) as store:
        importer.import_layer(store, f"other:{NAME}", str(src))
        importer.import_layer(store, "hazard-points", str(points))  # disc of 50 m stored
    return path


@pytest.fixture
def opened(
    qtbot: QtBot, tmp_path: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    monkeypatch.setattr(main_window_mod, "QMessageBox", Boxes())
    window = MainWindow(AppSettings(tmp_path / "qjgis.ini"))
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_project(project), window.last_error
    QApplication.processEvents()
    return window


def test_a_user_named_layer_is_listed_and_drawn_under_its_name(
    opened: MainWindow, qtbot: QtBot
) -> None:
    kind = f"other:{NAME}"
    item = opened.layer_item(kind)
    assert item is not None
    qtbot.waitUntil(lambda: item.text() == f"{NAME} (1)", timeout=10000)
    assert not item.icon().isNull()  # its grey swatch
    dock = opened.workbench.legend_dock
    assert NAME in [dock.list.item(r).text().strip() for r in range(dock.list.count())]
    canvas = opened.canvas
    assert canvas.renderer is not None
    canvas.renderer.labels_enabled = False
    canvas.set_extent((X0 + 50, Y0 + 300, X0 + 350, Y0 + 440))
    image = drawn(canvas)
    assert canvas.last_stats.features.get(kind) == 1
    # the outline in plain grey, the inside unfilled
    left = canvas.world_to_map(RED_LINE[0], (RED_LINE[1] + RED_LINE[3]) / 2)
    inside = canvas.world_to_map((RED_LINE[0] + RED_LINE[2]) / 2, (RED_LINE[1] + RED_LINE[3]) / 2)
    outside = canvas.world_to_map(RED_LINE[0] - 30, (RED_LINE[1] + RED_LINE[3]) / 2)
    edge = {pixel(image, left.x() + dx, left.y()) for dx in (-1, 0, 1)}
    assert any(max(c) - min(c) < 12 and max(c) < 160 for c in edge), edge  # grey
    assert pixel(image, inside.x(), inside.y()) == pixel(image, outside.x(), outside.y())


def _disc_radius(window: MainWindow) -> float:
    canvas = window.canvas
    canvas.set_extent((HAZARD[0] - 200, HAZARD[1] - 150, HAZARD[0] + 200, HAZARD[1] + 150))
    drawn(canvas)
    layer = canvas.renderer.layer("hazard-points")  # type: ignore[union-attr]
    f = layer.features((HAZARD[0] - 1, HAZARD[1] - 1, HAZARD[0] + 1, HAZARD[1] + 1), 0.0)
    return float(np.sqrt(shapely.area(f.geometry[0]) / np.pi))


def _tinted(window: MainWindow, metres: float) -> bool:
    canvas = window.canvas
    at = canvas.world_to_map(HAZARD[0] + metres, HAZARD[1])
    away = canvas.world_to_map(HAZARD[0] + 195, HAZARD[1] + 145)
    image = drawn(canvas)
    return pixel(image, at.x(), at.y()) != pixel(image, away.x(), away.y())


def test_a_defaulted_hazard_disc_follows_the_setting(opened: MainWindow) -> None:
    assert _disc_radius(opened) == pytest.approx(50.0, rel=0.01)
    assert opened.canvas.renderer is not None
    opened.canvas.renderer.labels_enabled = False
    assert not _tinted(opened, 90)
    project = opened.workbench.project
    assert project is not None
    apply_settings(project, {"overlay.hazard_radius_m": 120.0})
    QApplication.processEvents()
    assert _disc_radius(opened) == pytest.approx(120.0, rel=0.01)
    assert _tinted(opened, 90)  # 90 m east of the point is now inside its disc
    project.undo_stack.undo()
    QApplication.processEvents()
    assert _disc_radius(opened) == pytest.approx(50.0, rel=0.01)
    assert not _tinted(opened, 90)
