"""The reference layers in the window (issue 19): listed with their swatches and the land-use
legend, drawn on the map in their colours, switched off and on from the layer list."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from test_main_window import X0, Y0, Boxes, build_project, drawn, pixel, rgb_of

import ui.gui.main_window as main_window_mod
from layers.style import LANDUSE_COLORS
from qjgis.store import GpkgStore
from ui import texts
from ui.gui.app_settings import AppSettings
from ui.gui.main_window import LAYER_ROLE, MainWindow

pytestmark = pytest.mark.gui

FIELD = (X0, Y0 + 320, X0 + 400, Y0 + 420)  # 0103 旱地, north of the first village
WOOD = (X0 + 400, Y0 + 320, X0 + 800, Y0 + 420)  # 0301 乔木林地
HAZARD_CENTRE = (X0 + 1000, Y0 + 370)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_project(tmp_path_factory.mktemp("refmap") / "ref.gpkg")
    rows = [
        ("landuse", "landuse:1", "0103", shapely.box(*FIELD)),
        ("landuse", "landuse:2", "0301", shapely.box(*WOOD)),
        ("basic-farmland", "basic-farmland:1", "0103", shapely.box(*FIELD)),
        ("hazard-points", "hazard-points:1", None, shapely.Point(*HAZARD_CENTRE).buffer(40)),
    ]
    with GpkgStore.open(path) as store, store.transaction() as conn:
        store.insert_features(
            conn,
            "reference_features",
            np.array([r[3] for r in rows], dtype=object),
            {
                "kind": np.array([r[0] for r in rows], dtype=object),
                "ref_key": np.array([r[1] for r in rows], dtype=object),
                "dlbm": np.array([r[2] for r in rows], dtype=object),
            },
        )
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


def _rows(window: MainWindow) -> list[tuple[object, str, bool]]:
    out = []
    for r in range(window.layer_list.count()):
        item = window.layer_list.item(r)
        checkable = bool(item.flags() & Qt.ItemFlag.ItemIsUserCheckable)
        out.append((item.data(LAYER_ROLE), item.text(), checkable))
    return out


def test_layer_list_holds_the_reference_layers_and_the_legend(
    opened: MainWindow, qtbot: QtBot
) -> None:
    # reference layers are counted aside (a county's land use takes a second): the count
    # comes into the row when it is known
    item = opened.layer_item("landuse")
    assert item is not None
    qtbot.waitUntil(lambda: item.text().endswith("(2)"), timeout=10000)
    rows = _rows(opened)
    layers = [name for name, _, checkable in rows if checkable]
    # top of the list is drawn on top: the reference layers under the towns and parcels
    assert layers == [
        "buildings", "parcels", "towns", "hazard-points", "basic-farmland", "landuse", "villages",
    ]  # fmt: skip
    titles = {name: text for name, text, checkable in rows if checkable}
    assert titles["landuse"] == f"{texts.t('layer.landuse')} (2)"
    assert titles["hazard-points"].startswith(texts.t("layer.hazard-points"))
    # the land-use legend follows its layer: 12 first-level classes and "unrecognised"
    at = [name for name, _, _ in rows].index("landuse")
    legend = rows[at + 1 : at + 14]
    assert all(name is None and not checkable for name, _, checkable in legend)
    assert legend[0][1].strip() == f"01 {texts.t('landuse.01')}" == "01 Cultivated land"
    assert legend[10][1].strip() == "11 Water and water works"
    assert legend[12][1].strip() == texts.t("landuse.other")
    assert rows[at + 14][0] == "villages"
    # every layer row and every legend row carries its swatch, but for the layers drawn
    # by class (buildings by status, land use by class: their rows below show them)
    for r in range(opened.layer_list.count()):
        item = opened.layer_list.item(r)
        by_class = item.data(LAYER_ROLE) in ("buildings", "landuse")
        assert item.icon().isNull() == by_class, item.text()


def test_reference_layers_are_drawn_and_switched_off(opened: MainWindow) -> None:
    canvas = opened.canvas
    assert canvas.renderer is not None
    canvas.renderer.labels_enabled = False
    canvas.set_extent((X0 - 20, Y0 + 300, X0 + 1100, Y0 + 440))
    wood = canvas.world_to_map((WOOD[0] + WOOD[2]) / 2, (WOOD[1] + WOOD[3]) / 2)
    field = canvas.world_to_map(FIELD[0] + 10.3, (FIELD[1] + FIELD[3]) / 2)
    hazard = canvas.world_to_map(*HAZARD_CENTRE)
    outside = canvas.world_to_map(HAZARD_CENTRE[0] - 80, HAZARD_CENTRE[1])
    image = drawn(canvas)
    assert pixel(image, wood.x(), wood.y()) == rgb_of(LANDUSE_COLORS["03"])
    background = pixel(image, outside.x(), outside.y())
    assert pixel(image, hazard.x(), hazard.y()) != background  # the threat disc is tinted
    assert "hazard-points" in canvas.last_stats.features
    assert canvas.last_stats.features.get("landuse") == 2

    item = opened.layer_item("landuse")
    assert item is not None
    item.setCheckState(Qt.CheckState.Unchecked)
    image = drawn(canvas)
    assert "landuse" not in canvas.last_stats.features
    assert pixel(image, wood.x(), wood.y()) == background
    # basic farmland is hatched over the field: without the land use, hatch on background
    assert pixel(image, field.x(), field.y()) != rgb_of(LANDUSE_COLORS["01"])
    item.setCheckState(Qt.CheckState.Checked)
    image = drawn(canvas)
    assert pixel(image, wood.x(), wood.y()) == rgb_of(LANDUSE_COLORS["03"])


def test_legend_dock_explains_the_reference_layers(opened: MainWindow) -> None:
    dock = opened.workbench.legend_dock
    texts_shown = [dock.list.item(r).text().strip() for r in range(dock.list.count())]
    for kind in ("landuse", "basic-farmland", "hazard-points"):
        assert texts.t(f"layer.{kind}") in texts_shown
    assert "01 Cultivated land" in texts_shown
    assert texts.t("legend.hazard_disc") in texts_shown
    # read again (after an import or an undo): the rows are replaced, not added twice
    opened.workbench.reload_map()
    again = [dock.list.item(r).text().strip() for r in range(dock.list.count())]
    assert again == texts_shown
