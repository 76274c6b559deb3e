"""The attribute table pages through 100,000 parcels: SQL sorts and filters, the model
reads only the pages shown, selection reaches the map."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import shapely
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from qjgis.store import GpkgStore
from tests.ui.gui.waiting import Emitted, wait_until
from ui.gui.app_settings import AppSettings
from ui.gui.dialogs.attribute_table import CACHED_PAGES, PAGE, AttributeTableDialog
from ui.gui.main_window import MainWindow
from ui.presenters import words

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _chinese(_one_qapplication: object) -> None:
    """These tests read the window as a Chinese clerk does (the conftest restores)."""
    words.set_language("zh")


N = 100_000
X0, Y0 = 36_400_000.0, 3_200_000.0


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.gpkg"
    store = GpkgStore.create(path)
    i = np.arange(N)
    x, y = X0 + (i % 400) * 30.0, Y0 + (i // 400) * 30.0
    geoms = shapely.box(x, y, x + 20, y + 20)
    # Codes in scrambled order, so that sorting by code is not the fid order.
    serial = (i * 7919) % N
    zddm = np.char.add("500110108001JC", np.char.zfill(serial.astype(str), 5))
    holder = np.where(i % 10 == 0, "张三", "李四").astype(object)
    with store.transaction() as conn:
        store.insert_features(
            conn, "parcels", geoms,
            {"zddm": zddm.astype(object), "holder_name": holder, "zdmj": (i % 500).astype(float)},
        )  # fmt: skip
    store.close()
    return path


@pytest.fixture(scope="module")
def window(
    qapp: object, tmp_path_factory: pytest.TempPathFactory, big: Path
) -> Iterator[MainWindow]:
    # One window for the module: reading 100,000 parcels for the map is the slow part.
    words.set_language("zh")
    w = MainWindow(AppSettings(path=str(tmp_path_factory.mktemp("s") / "settings.ini")))
    w.workbench.ask_user = False
    assert w.open_project(big)
    w.show()
    yield w
    w.close_project()
    w.close()
    w.deleteLater()


def test_pages_through_100000_parcels(qtbot: QtBot, window: MainWindow) -> None:
    window.workbench.action_attribute_table.trigger()
    dialog = window.findChild(AttributeTableDialog, "dialog_attribute_table")
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    model = dialog.model
    wait_until(lambda: not model.loading)  # counted on a worker: the window did not wait
    assert model.rowCount() == N
    # opened in fid order, read once (not sorted again by the view's cleared indicator)
    assert model.sort_column is None and model._generation == 1
    assert model.fids[:5].tolist() == [1, 2, 3, 4, 5]
    assert dialog.count_label.text() == "100,000 行"
    assert model.headerData(1, Qt.Orientation.Horizontal) == "宗地代码"
    qtbot.wait(50)
    shown = model.fetches
    assert 1 <= shown <= 2  # only what the view shows was read
    # Jump to the end and to the middle: each is one page, whatever the size.
    for row in (N - 1, N // 2, 12_345):
        dialog.view.scrollTo(model.index(row, 0))
        qtbot.wait(10)
        assert model.data(model.index(row, 0)) == str(int(model.fids[row]))
    assert model.fetches <= shown + 6
    assert len(model._pages) <= CACHED_PAGES


def test_sort_and_filter_in_sql(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.workbench.open_attribute_table("parcels")
    model = dialog.model
    wait_until(lambda: not model.loading)
    col = model.columns.index("zddm")
    with Emitted(model.loaded):  # sorted in SQL on a worker: the window does not wait
        dialog.view.sortByColumn(col, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, col)) == "500110108001JC99999"
    assert model.data(model.index(N - 1, col)) == "500110108001JC00000"
    dialog.field.setCurrentIndex(dialog.field.findData("holder_name"))
    dialog.operator.setCurrentIndex(dialog.operator.findData("="))
    dialog.value.setText("张三")
    with Emitted(model.loaded):
        dialog.apply_button.click()
    assert model.rowCount() == N // 10
    assert dialog.count_label.text() == "10,000 行"
    codes = [model.data(model.index(r, col)) for r in range(50)]
    assert codes == sorted(codes, reverse=True)  # still sorted, now filtered
    dialog.field.setCurrentIndex(dialog.field.findData("zdmj"))
    dialog.operator.setCurrentIndex(dialog.operator.findData(">="))
    dialog.value.setText("495")
    with Emitted(model.loaded):
        dialog.apply_button.click()
    assert model.rowCount() == N // 500 * 5
    with Emitted(model.loaded):
        dialog.clear_button.click()
    assert model.rowCount() == N


def test_selected_rows_are_highlighted_on_the_map(window: MainWindow) -> None:
    dialog = window.workbench.open_attribute_table("parcels")
    wait_until(lambda: not dialog.model.loading)
    dialog.view.selectRow(PAGE + 3)
    fid = dialog.model.fid(PAGE + 3)
    assert window.workbench.highlight.selection == {"parcels": (fid,)}


def test_box_selection_on_the_map_selects_the_table_rows(qtbot: QtBot, window: MainWindow) -> None:

    wb = window.workbench
    dialog = wb.open_attribute_table("parcels")
    wait_until(lambda: not dialog.model.loading)
    # Parcels 1..3 of the first row of the grid: boxes of 20 m every 30 m.
    wb.zoom_to((X0, Y0, X0 + 100, Y0 + 100))
    canvas = window.canvas
    a = canvas.world_to_map(X0 + 5, Y0 + 5).toPoint()
    b = canvas.world_to_map(X0 + 75, Y0 + 15).toPoint()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, a)
    qtbot.mouseMove(canvas, b)
    centre = canvas.centre
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, b)
    assert canvas.centre == centre  # a box, not a pan
    assert wb.highlight.selection == {"parcels": (1, 2, 3)}
    selected = sorted(
        dialog.model.fid(i.row()) for i in dialog.view.selectionModel().selectedRows()
    )
    assert selected == [1, 2, 3]


def test_export_the_filtered_sorted_rows_as_a_task(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """Issue 13: the rows the table shows (filter and sort) go out through the export."""
    import csv

    from openpyxl import load_workbook
    from pyogrio.raw import read

    dialog = window.workbench.open_attribute_table("parcels")
    model = dialog.model
    wait_until(lambda: not model.loading)
    col = model.columns.index("zddm")
    with Emitted(model.loaded):
        dialog.view.sortByColumn(col, Qt.SortOrder.DescendingOrder)
    dialog.field.setCurrentIndex(dialog.field.findData("zdmj"))
    dialog.operator.setCurrentIndex(dialog.operator.findData(">="))
    dialog.value.setText("498")
    with Emitted(model.loaded):
        dialog.apply_button.click()
    shown = [model.data(model.index(r, col)) for r in range(model.rowCount())]
    assert len(shown) == N // 500 * 2 and shown == sorted(shown, reverse=True)
    assert dialog.export_button.isEnabled()
    tasks = window.workbench.project.tasks
    for name in ("shown.gpkg", "shown.csv", "shown.xlsx"):
        with Emitted(tasks.finished):
            assert dialog.export_to(str(tmp_path / name))
        assert dialog.exported is not None and dialog.exported.rows == len(shown)
        assert dialog.count_label.text().startswith(f"已导出 {len(shown)} 行")
    # pyogrio's raw reader: geopandas is only a benchmark extra
    fields = read(tmp_path / "shown.gpkg", columns=["zddm"], read_geometry=False)[3]
    assert fields[0].tolist() == shown
    rows = list(csv.reader((tmp_path / "shown.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][0] == "宗地代码" and [r[0] for r in rows[1:]] == shown
    sheet = load_workbook(tmp_path / "shown.xlsx").active
    assert [c.value for c in sheet["A"]][1:] == shown
    commands = window.store.execute_sql("SELECT command FROM audit_log WHERE command = 'export'")
    assert len(commands) == 3
    # The file dialog opens without blocking the event loop (open(): modal to the table
    # only); the register's table cannot export by row.
    box = dialog.ask_export()
    assert box.isVisible() and box.windowModality() == Qt.WindowModality.WindowModal
    box.close()
    dialog.layer.setCurrentIndex(dialog.layer.findData("members"))
    wait_until(lambda: not dialog.model.loading)
    assert not dialog.export_button.isEnabled()
