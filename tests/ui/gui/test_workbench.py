"""The clerk's 一户多宅 day driven through the real widgets on a demo district.

Run the checks as a task (and cancel one), filter the findings, select one and see
it highlighted where it is, review it, undo and redo the review, see a surveyor
refused, open the household, search a 户号.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from qjgis.checks.engine import load_rules
from qjgis.checks.findings import run_checks
from qjgis.codes import EXEMPTION_CODES
from qjgis.commands import Changes
from qjgis.demo import build_demo
from qjgis.store import GpkgStore
from tests.ui.gui.waiting import Emitted, wait_until
from ui.gui import operations
from ui.gui.app_settings import AppSettings
from ui.gui.dialogs.review import ReviewDialog
from ui.gui.main_window import MainWindow
from ui.presenters import words

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _chinese(_one_qapplication: object) -> None:
    """These tests read the window as a Chinese clerk does (the conftest restores)."""
    words.set_language("zh")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wb") / "demo.gpkg"
    build_demo(path, parcels=1500, seed=2)
    return path


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, demo_file: Path) -> Iterator[MainWindow]:
    words.set_language("zh")
    project = tmp_path / "demo.gpkg"
    project.write_bytes(demo_file.read_bytes())
    settings = AppSettings(path=str(tmp_path / "settings.ini"))
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.workbench.ask_user = False  # the tests say who works
    w.resize(1300, 850)
    assert w.open_project(project)
    w.show()
    yield w
    w.close_project()


def settled(window: MainWindow) -> None:
    """Wait for the reads that follow a change (the findings dock, the outlines: workers)."""
    project = window.workbench.project
    wait_until(lambda: project is None or not project.tasks.running)
    wait_until(lambda: not window.workbench.findings_dock.loading)


def checked(window: MainWindow) -> MainWindow:
    # Checks saved outside the window, then the window is told, as after a task.
    assert window.store is not None
    with GpkgStore.open(window.store.path) as store:
        run_checks(store)
    window.workbench.project.announce(Changes(tables=frozenset({"findings"})))
    wait_until(lambda: not window.workbench.findings_dock.loading)  # read on a worker
    return window


def test_objects_have_stable_names(window: MainWindow) -> None:
    for name in ("action_run_checks", "action_undo", "action_redo", "action_switch_user",
                 "action_open", "action_review", "action_household"):  # fmt: skip
        assert window.findChild(type(window.workbench.action_undo), name) is not None, name
    assert window.findChild(type(window.workbench.findings_dock), "dock_findings") is not None
    assert window.workbench.search_box.objectName() == "search_box"


def test_run_checks_dialog_is_a_task_with_a_summary(qtbot: QtBot, window: MainWindow) -> None:
    wb = window.workbench
    assert wb.findings_dock.model.rowCount() == 0
    dialog = wb.open_run_checks()
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    seen: list[str] = []
    window.workbench.project.tasks.progressed.connect(lambda _t, _f, stage: seen.append(stage))
    settled(window)
    qtbot.mouseClick(dialog.run_button, qtbot_button())
    assert wb.task_status.isVisible()
    assert not dialog.run_button.isEnabled()
    wait_until(lambda: dialog.summary is not None)
    settled(window)
    assert dialog.table.rowCount() == len(dialog.summary.rules) == len(load_rules())
    assert dialog.table.item(0, 0).text() == "QJ-R001 一户多宅"
    assert int(dialog.table.item(0, 1).text()) == dialog.summary.rules["QJ-R001"].found > 0
    assert any(s.startswith("QJ-R") for s in seen)  # per-rule progress reached the GUI
    # The dock refreshed from the `changed` signal and the run is one undo step.
    n = wb.findings_dock.model.rowCount()
    assert n == sum(s.found for s in dialog.summary.rules.values())
    assert wb.action_undo.text() == "撤销 运行核查"
    wb.action_undo.trigger()
    settled(window)
    assert wb.findings_dock.model.rowCount() == 0
    wb.action_redo.trigger()
    settled(window)
    assert wb.findings_dock.model.rowCount() == n


def qtbot_button():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_cancel_running_checks_leaves_the_file_unchanged(qtbot: QtBot, window: MainWindow) -> None:
    wb = window.workbench
    path = Path(window.store.path)
    before = path.read_bytes()
    dialog = wb.open_run_checks()
    tasks = wb.project.tasks
    with Emitted(tasks.progressed):
        dialog.start()
    # A second writing task is refused, visibly, while the first runs.
    refused: list[str] = []
    tasks.refused.connect(refused.append)
    second = operations.run_checks(wb.project, None, None, parent=window)
    assert second is None and "另一个写入任务正在进行" in refused[0]
    # So is an edit through the undo stack, with a message saying why.
    assert not operations.set_user(wb.project, "张三", "reviewer", parent=window)
    box = window.findChild(QMessageBox, "dialog_error")
    assert box is not None and "另一个写入任务正在进行" in box.text()
    box.close()
    with Emitted(tasks.finished):
        qtbot.mouseClick(dialog.cancel_button, qtbot_button())
    assert dialog.summary is None
    assert dialog.stage.text() == "已取消，项目未作任何改动。"
    assert path.read_bytes() == before
    assert wb.findings_dock.model.rowCount() == 0
    assert wb.project.undo_stack.count() == 0


def test_filters_and_counts(window: MainWindow) -> None:
    dock = checked(window).workbench.findings_dock
    total = dock.model.rowCount()
    assert dock.counts_label.text().startswith(f"共 {total} 条：待审核 {total}")
    dock.set_filters(rule="QJ-R001")
    rows = dock.model.rows
    assert rows and all(r.rule_id == "QJ-R001" for r in rows) and len(rows) < total
    holder = next(r.holder for r in rows if r.holder)
    dock.text_filter.setText(holder)
    assert dock.model.rows and all(holder in r.holder or holder in r.key for r in dock.model.rows)
    village = dock.model.records[0].village_code
    dock.set_filters(village=village)
    assert all(r.village_code == village for r in dock.model.records)
    dock.set_filters(decision="confirmed")
    assert dock.model.rowCount() == 0


def test_selecting_a_finding_highlights_and_zooms_to_its_parcels(
    qtbot: QtBot, window: MainWindow
) -> None:
    wb = checked(window).workbench
    dock = wb.findings_dock
    dock.set_filters(rule="QJ-R001")
    dock.view.selectRow(0)
    record = dock.model.records[0]
    parcels = {e["fid"] for e in record.entities if e["kind"] == "parcel"}
    assert set(wb.highlight.selection["parcels"]) == parcels
    x0, y0, x1, y1 = window.canvas.extent()
    for box in operations.entity_bounds(wb.project, record.entities)["parcels"]:
        bx0, by0, bx1, by1 = box[1]
        assert x0 <= bx0 and bx1 <= x1 and y0 <= by0 and by1 <= y1
    # The highlight is drawn: its colour is in the window's picture.
    image = window.canvas.grab().toImage()
    found = any(
        image.pixelColor(x, y).name() == "#00c8ff"
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
    )
    assert found


def review_dialog(window: MainWindow, rule: str = "QJ-R001") -> ReviewDialog:
    dock = checked(window).workbench.findings_dock
    dock.set_filters(rule=rule, decision="pending")
    dock.view.selectRow(0)
    dock.view.doubleClicked.emit(dock.model.index(0, 0))
    dialog = window.findChild(ReviewDialog, "dialog_review")
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    return dialog


def test_review_undo_redo_through_the_engine(window: MainWindow) -> None:
    dialog = review_dialog(window)
    fid = dialog.record.fid
    wb = window.workbench
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.reason.setPlainText("")
    assert not ok.isEnabled()  # a reason is required
    dialog.set_decision("confirmed", "现场核实，两宗均在使用")
    assert ok.isEnabled()
    ok.click()
    store = window.store

    def decision() -> tuple:
        return store.execute_sql(
            "SELECT decision, decision_reason FROM findings WHERE fid = ?", (fid,)
        )[0]

    assert decision() == ("confirmed", "现场核实，两宗均在使用")
    assert wb.action_undo.text().startswith("撤销 审核 一户多宅")
    assert "确认" in wb.action_undo.text()
    settled(window)
    assert wb.findings_dock.model.rowCount() > 0  # refreshed, still filtered on pending
    assert fid not in [r.fid for r in wb.findings_dock.model.rows]
    wb.action_undo.trigger()
    assert decision() == (None, None)
    settled(window)
    assert fid in [r.fid for r in wb.findings_dock.model.rows]
    wb.action_redo.trigger()
    assert decision() == ("confirmed", "现场核实，两宗均在使用")
    commands = [r[0] for r in store.execute_sql("SELECT command FROM audit_log ORDER BY fid")]
    assert commands[-3:] == ["findings.review", "findings.review.revert", "findings.review"]


def test_exemption_records_its_code(window: MainWindow) -> None:
    dialog = review_dialog(window)
    combo = dialog.exemption
    assert [combo.itemData(i) for i in range(combo.count())] == list(EXEMPTION_CODES)
    assert combo.itemText(0) == "继承"
    dialog.set_decision("confirmed", "x")
    assert not combo.isEnabled()  # a code goes with 豁免 only
    dialog.set_decision("exempted", "有继承公证书", exemption="inheritance")
    assert combo.isEnabled()
    fid = dialog.record.fid
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    row = window.store.execute_sql(
        "SELECT decision, decision_reason, decision_exemption FROM findings WHERE fid = ?", (fid,)
    )[0]
    assert row == ("exempted", "有继承公证书", "inheritance")
    # shown: the findings dock's decision column and the dialog opened again
    settled(window)
    wb = window.workbench
    wb.findings_dock.set_filters(rule="QJ-R001", decision="exempted")
    texts = [r.decision for r in wb.findings_dock.model.rows if r.fid == fid]
    assert texts and "已豁免（继承）" in texts[0]
    again = wb.open_review(fid)
    assert again is not None and again.exemption.currentData() == "inheritance"
    assert again.findChild(QLabel, "label_current").text().startswith("已豁免（继承）")


def test_a_surveyors_review_is_refused(qtbot: QtBot, window: MainWindow) -> None:
    wb = checked(window).workbench
    assert operations.set_user(wb.project, "张三", "surveyor")
    assert wb.user_label.text() == "张三（调查员）"
    assert wb.action_undo.text() == "撤销 切换用户：张三（调查员）"
    dialog = review_dialog(window)
    assert "不能审核核查结果" in dialog.note.text()
    dialog.set_decision("confirmed", "看起来不对")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    box = window.findChild(QMessageBox, "dialog_error")
    assert box is not None and box.isVisible()
    assert box.text().startswith("角色 调查员 无权执行“审核核查结果”")
    assert "Traceback" not in box.text()
    assert window.store.execute_sql(
        "SELECT decision FROM findings WHERE fid = ?", (dialog.record.fid,)
    )[0] == (None,)
    assert dialog.isVisible()  # the clerk's reason is not lost


def test_household_view_from_a_finding(window: MainWindow) -> None:
    wb = checked(window).workbench
    assert operations.set_user(wb.project, "李四", "surveyor")
    dock = wb.findings_dock
    dock.set_filters(rule="QJ-R001")
    dock.view.selectRow(0)
    record = dock.model.records[0]
    wb.action_household.trigger()
    from ui.gui.dialogs.household import HouseholdDialog

    dialog = window.findChild(HouseholdDialog, "dialog_household")
    assert dialog is not None and dialog.isVisible()
    assert dialog.detail.household_no == record.key
    assert record.key in dialog.windowTitle()
    assert dialog.members.rowCount() == len(dialog.detail.members) > 0
    ids = [dialog.members.item(r, 5).text() for r in range(dialog.members.rowCount())]
    assert all("*" in i for i in ids if i)  # masked for a surveyor
    parcels = {f.fid for f in dialog.detail.parcels}
    assert set(wb.highlight.selection["parcels"]) == parcels
    # Clicking one parcel zooms to it alone.
    item = dialog.features.item(0)
    dialog.features.itemClicked.emit(item)
    layer, fid = item.data(0x0100)
    assert wb.highlight.selection == {layer: (fid,)}


def test_search_a_household_number(window: MainWindow) -> None:
    wb = window.workbench
    no, _zddm, fid = window.store.execute_sql(
        "SELECT household_no, zddm, fid FROM parcels WHERE household_no IS NOT NULL LIMIT 1"
    )[0]
    wb.search_box.setText(no)
    wb.search_box.returnPressed.emit()
    assert wb.search_dock.isVisible()
    assert wb.search_results.count() >= 1
    assert no in wb.search_results.item(0).text()
    assert fid in wb.highlight.selection["parcels"]
    wb.search_box.setText("没有这个人")
    wb.search_box.returnPressed.emit()
    assert wb.search_results.item(0).text() == "没有找到“没有这个人”"


def test_the_window_asks_who_works_once(qtbot: QtBot, tmp_path: Path, demo_file: Path) -> None:
    project = tmp_path / "p.gpkg"
    project.write_bytes(demo_file.read_bytes())
    w = MainWindow(AppSettings(path=str(tmp_path / "s.ini")))
    qtbot.addWidget(w)
    assert w.open_project(project)
    from ui.gui.dialogs.switch_user import SwitchUserDialog

    dialog = w.findChild(SwitchUserDialog, "dialog_switch_user")
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    dialog.name.setText("王五")
    dialog.role.setCurrentIndex(dialog.role.findData("reviewer"))
    dialog.save()
    assert w.store.settings().user == "王五"
    assert w.workbench.user_label.text() == "王五（审核员）"
    w.close_project()
    assert w.open_project(project)
    assert [d for d in w.findChildren(SwitchUserDialog) if d.isVisible()] == []
    w.close_project()


def test_findings_on_the_map_with_a_legend_and_a_toggle(window: MainWindow) -> None:
    wb = window.workbench
    assert wb.findings_layer.count() == 0  # no checks yet
    checked(window)
    assert wb.refresh_findings_layer() is not None  # read on a worker
    wait_until(lambda: wb.findings_layer.count() > 0)
    features = wb.findings_layer.features
    record = next(r for r in wb.findings_dock.model.records if r.rule_id == "QJ-R001")
    for e in record.entities:
        if e["kind"] == "parcel":
            assert features["parcels"][e["fid"]] in ("error", "warning", "info")
    assert wb.findings_layer.count() > 0
    # The outline paths are built once per view: a repaint over an unchanged view (a
    # dialog opening above the map) draws the kept paths; a new scale builds them again.
    layer = wb.findings_layer
    layer.paths.invalidate()
    layer.repaint()
    built = layer.paths.builds
    layer.repaint()
    layer.repaint()
    assert layer.paths.builds == built
    window.canvas.set_view(window.canvas.centre, window.canvas.units_per_pixel * 0.5)
    layer.repaint()
    assert layer.paths.builds == built + 1
    legend = [wb.legend_dock.list.item(i).text() for i in range(wb.legend_dock.list.count())]
    assert "有核查结果：违规" in legend and "农房：残垣断壁" in legend and "行政村" in legend
    wb.action_show_findings.setChecked(False)
    assert not wb.findings_layer.isVisible() and wb.findings_layer.count() == 0
    wb.action_show_findings.setChecked(True)
    wait_until(lambda: wb.findings_layer.count() > 0)
    # A false positive is no longer outlined (a parcel no other finding names).
    uses: dict[int, int] = {}
    for r in wb.findings_dock.model.records:
        for e in r.entities:
            if e["kind"] == "parcel":
                uses[e["fid"]] = uses.get(e["fid"], 0) + 1
    record, parcel = next(
        (r, e["fid"])
        for r in wb.findings_dock.model.records
        for e in r.entities
        if e["kind"] == "parcel" and uses[e["fid"]] == 1
    )
    assert parcel in wb.findings_layer.features["parcels"]
    assert operations.review_finding(wb.project, record.fid, "false_positive", "测绘错误")
    wait_until(lambda: parcel not in wb.findings_layer.features["parcels"])


def test_identify_a_parcel_shows_its_attributes_and_household(window: MainWindow) -> None:
    import shapely

    wb = window.workbench
    store = window.store
    fid, zddm, hh = store.execute_sql(
        "SELECT p.fid, p.zddm, p.household_no FROM parcels p JOIN households h "
        "ON h.household_no = p.household_no LIMIT 1"
    )[0]
    with store.transaction() as conn:
        conn.execute('UPDATE parcels SET extra = \'{"TFH": "H-48-12"}\' WHERE fid = ?', (fid,))
    parcels = window.canvas.renderer.layer("parcels")
    buildings = window.canvas.renderer.layer("buildings")
    geom = parcels.by_fids([fid])[1][0]
    # A point of the parcel that no building covers: a click there means the parcel.
    _near, footprints = buildings.in_box(tuple(shapely.bounds(geom)))
    free = shapely.difference(geom, shapely.union_all(footprints))
    point = shapely.point_on_surface(free)
    wb.zoom_to(shapely.bounds(geom))
    assert wb.identify_at(point.x, point.y) == ("parcels", fid)
    values = wb.identify_dock.values()
    assert values["宗地代码"] == zddm
    assert values["TFH"] == "H-48-12"  # a field kept in extra, under its own name
    assert wb.highlight.selection == {"parcels": (fid,)}
    assert wb.identify_dock.household_button.isVisible()
    wb.identify_dock.household_button.click()
    from ui.gui.dialogs.household import HouseholdDialog

    dialog = window.findChild(HouseholdDialog, "dialog_household")
    assert dialog is not None and dialog.detail.household_no == hh
    x0, y0, _, _ = shapely.bounds(geom)
    assert wb.identify_at(x0 - 10_000, y0 - 10_000) is None
    assert wb.identify_dock.title.text() == "此处没有要素。"


def test_a_click_on_the_map_identifies(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtCore import QPoint

    wb = window.workbench
    canvas = window.canvas
    qtbot.mouseClick(canvas, qtbot_button(), pos=QPoint(canvas.width() // 2, canvas.height() // 2))
    title = wb.identify_dock.title.text()
    assert title  # either a feature's title or "no feature here", never the start hint
    assert title != "单击地图上的要素查看其属性。"


def test_settings_validate_at_the_field_and_undo(window: MainWindow) -> None:
    from ui.gui.dialogs.settings import SettingsDialog

    wb = window.workbench
    wb.action_settings.trigger()
    dialog = window.findChild(SettingsDialog, "dialog_settings")
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    edit = dialog.edits["area.per_person_other"]
    assert edit.text() == "30.0"
    edit.setText("abc")
    assert dialog.errors["area.per_person_other"].isVisible()
    assert "abc" in dialog.errors["area.per_person_other"].text()
    dialog.save()
    assert dialog.isVisible()  # refused at the field, nothing written
    assert window.store.settings()["area.per_person_other"] == 30.0
    edit.setText("25")
    assert not dialog.errors["area.per_person_other"].isVisible()
    # A rule across fields is the engine's: shown at the field it names.
    dialog.edits["area.household_min"].setText("6")
    dialog.save()
    assert dialog.isVisible()
    assert dialog.errors["area.household_min"].isVisible()
    assert window.store.settings()["area.per_person_other"] == 30.0
    dialog.edits["area.household_min"].setText("3")
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.save()
    assert not dialog.isVisible()
    assert window.store.settings()["area.per_person_other"] == 25.0
    assert window.settings.language == "en"
    # the language switched at once: the undo action and its command say it in English
    key = words.t("settings.key.area.per_person_other")
    assert wb.action_undo.text() == f"Undo {words.t('undo.settings', keys=key)}"
    assert "人均" not in wb.action_undo.text()
    wb.action_undo.trigger()
    assert window.store.settings()["area.per_person_other"] == 30.0


def test_dock_filters_in_memory_agree_with_the_engines(window: MainWindow) -> None:
    from qjgis.checks.findings import list_findings, village_codes
    from ui.gui.docks.findings import filter_records

    store = checked(window).store
    assert operations.review_finding(
        window.workbench.project, list_findings(store)[0].fid, "confirmed", "核实"
    )
    every = list_findings(store)
    village = every[0].village_name
    for rule in (None, "QJ-R001", "QJ-R003"):
        for decision in (None, "pending", "confirmed", "exempted", "needs_review"):
            for name in (None, village):
                codes = set(village_codes(store, name)) if name else None
                mine = filter_records(every, rule=rule, villages=codes, decision=decision)
                theirs = list_findings(store, rule=rule, village=name, decision=decision)
                assert [r.fid for r in mine] == [r.fid for r in theirs], (rule, decision, name)
