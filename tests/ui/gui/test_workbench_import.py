"""Importing through the window: preview, encoding re-preview, mapping, import as a
task, cancel leaving the file byte-identical, the batch list and its Undo."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from qjgis.demo import build_demo
from qjgis.store import GpkgStore
from tests.ui.gui.waiting import Emitted, wait_until
from ui.gui.app_settings import AppSettings
from ui.gui.dialogs.import_dialog import ImportDialog
from ui.gui.main_window import MainWindow
from ui.presenters import words

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _chinese(_one_qapplication: object) -> None:
    """These tests read the window as a Chinese clerk does (the conftest restores)."""
    words.set_language("zh")


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A surveyor's delivery: GBK shapefiles of a 3,000-parcel district."""
    folder = tmp_path_factory.mktemp("survey")
    build_demo(folder / "source.gpkg", parcels=3000, seed=4, shapefiles=folder / "shp")
    return folder / "shp"


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
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


def previewed(qtbot: QtBot, dialog: ImportDialog) -> ImportDialog:
    wait_until(lambda: dialog.preview_task is None)
    assert dialog.preview is not None, dialog.status.text()
    return dialog


def test_preview_and_encoding_change(qtbot: QtBot, window: MainWindow, survey: Path) -> None:
    before = Path(window.store.path).read_bytes()
    window.workbench.action_import.trigger()
    dialog = window.findChild(ImportDialog, "dialog_import")
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    dialog.set_source(str(survey / "parcels.shp"), "parcels")
    previewed(qtbot, dialog)
    assert dialog.encoding_label.text() == "GBK（由 .cpg 文件声明）"
    gbk_samples = dialog.samples_label.text()
    assert any("\u4e00" <= c <= "\u9fff" for c in gbk_samples)  # Chinese decoded
    assert dialog.crs_label.text().startswith("EPSG:4524")
    assert dialog.mapping.rowCount() >= 15
    assert dialog.import_button.isEnabled()
    # The drop-down previews again at once, with the chosen encoding: UTF-8 cannot decode
    # this GBK file, and the engine says so (the preview empties, Import is disabled)...
    dialog.encoding.setCurrentIndex(dialog.encoding.findData("UTF-8"))
    wait_until(lambda: dialog.preview_task is None)
    assert dialog.preview is None and not dialog.import_button.isEnabled()
    assert "UTF-8" in dialog.status.text() and "GBK" in dialog.status.text()
    assert dialog.mapping.rowCount() == 0
    # ... GB18030, a superset of GBK, decodes it to the same text.
    dialog.encoding.setCurrentIndex(dialog.encoding.findData("GB18030"))
    previewed(qtbot, dialog)
    assert dialog.encoding_label.text() == "GB18030（手工指定）"
    assert dialog.samples_label.text() == gbk_samples
    assert dialog.import_button.isEnabled()
    assert Path(window.store.path).read_bytes() == before  # a preview writes nothing


def test_mapping_edit_save_and_load(
    qtbot: QtBot, window: MainWindow, survey: Path, tmp_path: Path
) -> None:
    dialog = window.workbench.open_import(str(survey / "parcels.shp"))
    previewed(qtbot, dialog)
    assert dialog.layer.currentData() == "parcels"
    assert dialog.unmapped_label.text() == "" or "宗地代码" not in dialog.unmapped_label.text()
    dialog.set_target("ZDDM", None)
    assert dialog.key_missing
    assert "关键字段“宗地代码”" in dialog.unmapped_label.text()
    assert dialog.overrides()["ZDDM"] is None
    saved = tmp_path / "mapping.json"
    dialog.save_mapping(str(saved))
    assert json.loads(saved.read_text(encoding="utf-8"))["fields"]["ZDDM"] is None
    dialog.set_target("ZDDM", "zddm")
    assert not dialog.key_missing
    dialog.load_mapping(str(saved))
    assert dialog.key_missing


def test_import_as_a_task_then_undo_the_batch(
    qtbot: QtBot, window: MainWindow, survey: Path
) -> None:
    wb = window.workbench
    dialog = previewed(qtbot, wb.open_import(str(survey / "parcels.shp")))
    with Emitted(dialog.imported):
        dialog.import_button.click()
    counts = dialog.report["counts"]
    assert counts["added"] == 3000
    assert dialog.status.text().startswith(f"导入完成（批次 {dialog.report['batch_id']}）")
    assert window.store.counts()["parcels"] == 3000
    # The map read the new layer; the report's rows zoom to their parcel.
    assert len(window.canvas.renderer.layer("parcels")) == 3000
    top = dialog.report_view.topLevelItem(0)
    assert top is not None and top.childCount() > 0
    row = top.child(0)
    dialog.report_view.itemClicked.emit(row, 0)
    assert wb.highlight.selection.get("parcels")
    # The batch list shows it; Undo asks, then runs as a task.
    batches = wb.batches_dock
    assert batches.list.count() == 1
    batches.list.setCurrentRow(0)
    box = batches.ask_undo()
    assert isinstance(box, QMessageBox) and box.isVisible()
    box.button(QMessageBox.StandardButton.Ok).click()
    wait_until(lambda: "（已撤销）" in batches.list.item(0).text())
    assert window.store.counts()["parcels"] == 0
    assert "（已撤销）" in batches.list.item(0).text()
    assert not batches.undo_button.isEnabled()
    # 编辑›撤销 takes the batch's undo back: the engine re-applies the batch, same fids.
    assert wb.action_undo.isEnabled() and "撤销导入批次" in wb.action_undo.text()
    wb.action_undo.trigger()
    assert window.store.counts()["parcels"] == 3000
    assert window.store.execute_sql("SELECT min(fid), max(fid) FROM parcels")[0] == (1, 3000)
    assert "（已撤销）" not in batches.list.item(0).text()
    assert len(window.canvas.renderer.layer("parcels")) == 3000
    # and 编辑›重做 undoes the batch again
    wb.action_redo.trigger()
    assert window.store.counts()["parcels"] == 0
    assert "（已撤销）" in batches.list.item(0).text()
    commands = [c for (c,) in window.store.execute_sql("SELECT command FROM audit_log")]
    assert commands.count("imports.undo") == 2 and commands.count("imports.redo") == 1


def test_cancel_a_running_import_leaves_the_file_unchanged(
    qtbot: QtBot, window: MainWindow, survey: Path
) -> None:
    path = Path(window.store.path)
    before = path.read_bytes()
    dialog = previewed(qtbot, window.workbench.open_import(str(survey / "parcels.shp")))
    tasks = window.workbench.project.tasks
    with Emitted(tasks.progressed):
        dialog.start_import()
    assert dialog.cancel_button.isEnabled()
    with Emitted(tasks.finished):
        dialog.cancel_button.click()
    assert dialog.report is None
    assert dialog.status.text() == "已取消，项目未作任何改动。"
    assert path.read_bytes() == before
    assert window.store.counts()["parcels"] == 0
    assert window.workbench.batches_dock.list.count() == 0


def test_open_a_shapefile_offers_to_import_it(window: MainWindow, survey: Path) -> None:
    shp = str(survey / "parcels.shp")
    assert window.workbench.offer_import(shp)
    box = window.findChild(QMessageBox, "dialog_offer_import")
    assert box is not None and box.isVisible()
    assert "不是 qjgis 项目文件" in box.text() and "导入" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    dialog = window.findChild(ImportDialog, "dialog_import")
    assert dialog is not None and dialog.source.text() == shp


def _corpus() -> Path:
    """The third-party corpus (../shared/testdata or $QJGIS_TESTDATA): skipped where it
    is absent outside CI, a failure in CI (as tests/qjgis/test_import_corpus.py)."""
    env = os.environ.get("QJGIS_TESTDATA")
    default = Path(__file__).parents[3].parent / "shared" / "testdata"
    for candidate in ([Path(env)] if env else []) + [default]:
        if (candidate / "SOURCES.md").is_file():
            return candidate
    if os.environ.get("CI"):
        pytest.fail("third-party test data missing: set QJGIS_TESTDATA (required in CI)")
    pytest.skip("third-party test data not found (../shared/testdata or $QJGIS_TESTDATA)")


def test_an_unmapped_required_target_lists_the_candidates_with_samples(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """Real building footprints (their fields name no village code) as villages: the
    preview says which required target has no field and lists the candidate fields with
    their sample values, as the CLI's dry run does; Import waits. Mapping one runs the
    dry run again, and the list goes."""
    source = tmp_path / "buildings.geojson"
    shutil.copy(_corpus() / "cahierx-geojson-shp-3dtiles" / "buildings.geojson", source)
    before = Path(window.store.path).read_bytes()
    dialog = window.workbench.open_import(str(source))
    dialog.set_source(str(source), "villages")
    previewed(qtbot, dialog)
    text = dialog.required_label.text()
    assert dialog.required_label.isVisible() and dialog.refused
    assert text.splitlines()[:2] == [
        "拒绝导入：没有字段对应必填项 村代码（code）",
        "可选字段（示例值）：",
    ]
    assert "  height：62.8, 83.4" in text.splitlines()
    assert "  id：0fa1d28-0bbf35e-10, 0fa1d29-0bbf390-03, 0fa1d4c-0bbf38a-04" in text
    assert not dialog.import_button.isEnabled()
    dialog.set_target("id", "code")
    previewed(qtbot, dialog)
    assert not dialog.required_label.isVisible() and dialog.required_label.text() == ""
    assert dialog.import_button.isEnabled() and not dialog.refused
    assert dialog.mapping.item(0, 3).text() == words.t("origin.user")
    assert Path(window.store.path).read_bytes() == before  # previews write nothing


def test_a_form_that_lists_nobody_says_so_and_import_waits(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """The real contract-survey form (承包方调查表.xls): the preview says it is a form
    whose table lists nobody, naming the form's other rows; Import stays disabled."""
    source = tmp_path / "承包方调查表.xls"
    shutil.copy(_corpus() / "gaufung-tdqqs" / "承包方调查表.xls", source)
    dialog = window.workbench.open_import(str(source))
    previewed(qtbot, dialog)
    assert dialog.layer.currentData() == "households"
    assert dialog.required_label.isVisible() and dialog.refused
    assert dialog.required_label.text() == (
        "警告：这是一张表单，不是户籍名册：表头（第 13 行）下没有列出成员，第 33, 40, 41, 46 行"
        "是表单的其他栏目；导入时不会写入任何内容"
    )
    assert not dialog.import_button.isEnabled()


def test_reference_layers_and_a_named_one_import_through_the_window(
    qtbot: QtBot, window: MainWindow, survey: Path
) -> None:
    """Issue 19: the dialog offers the reference kinds (guessed from the file's name) and
    another polygon layer under a name the user gives (other:NAME)."""
    wb = window.workbench
    dialog = previewed(qtbot, wb.open_import(str(survey / "landuse.shp")))
    assert dialog.chosen_layer() == "landuse" and not dialog.other_name.isEnabled()
    with Emitted(dialog.imported):
        dialog.import_button.click()
    landuse = dialog.report["counts"]["added"]
    assert landuse > 0
    dialog.close()
    dialog = wb.open_import(str(survey / "village-plan.shp"))
    previewed(qtbot, dialog)
    dialog.layer.setCurrentIndex(dialog.layer.findData("other"))
    assert dialog.other_name.isEnabled()
    dialog.other_name.setText("林地保护红线")
    dialog.other_name.editingFinished.emit()
    previewed(qtbot, dialog)
    assert dialog.chosen_layer() == "other:林地保护红线"
    with Emitted(dialog.imported):
        dialog.import_button.click()
    named = dialog.report["counts"]["added"]
    kinds = dict(
        window.store.execute_sql(
            "SELECT kind, count(*) FROM reference_features GROUP BY kind ORDER BY kind"
        )
    )
    assert kinds == {"landuse": landuse, "other:林地保护红线": named} and named > 0
