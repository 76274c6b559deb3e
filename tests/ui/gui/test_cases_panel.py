"""The case panel (issue 16, points 2-5) driven through its real widgets on a demo
district: open cases from the checks after a preview, take a reinforcement to
已验收 with a photo, read why a self-demolition is refused (and an approver's
override that needs a reason), undo an advance, pay a C renovation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from qjgis.cases import allowed
from qjgis.cases.model import CaseKind, Disposition
from qjgis.checks.findings import run_checks
from qjgis.demo import build_demo
from qjgis.store import GpkgStore
from ui.gui.app_settings import AppSettings
from ui.gui.dialogs.case_action import CaseActionDialog
from ui.gui.docks.cases import CasesDock
from ui.gui.main_window import MainWindow
from ui.presenters import words

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _chinese(_one_qapplication: object) -> None:
    words.set_language("zh")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cases") / "demo.gpkg"
    build_demo(path, parcels=1500, seed=2)
    with GpkgStore.open(path) as store:
        run_checks(store)
        with store.transaction() as conn:
            store.write_settings(conn, {"user.name": "王审批", "user.role": "approver"})
    return path


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, demo_file: Path) -> Iterator[MainWindow]:
    project = tmp_path / "demo.gpkg"
    project.write_bytes(demo_file.read_bytes())
    w = MainWindow(AppSettings(path=str(tmp_path / "settings.ini")))
    qtbot.addWidget(w)
    w.workbench.ask_user = False
    w.resize(1400, 900)
    assert w.open_project(project)
    w.show()
    yield w
    w.close_project()


def _ok(dialog: CaseActionDialog | QDialogButtonBox) -> QPushButton:
    box = dialog.buttons if isinstance(dialog, CaseActionDialog) else dialog
    return box.button(QDialogButtonBox.StandardButton.Ok)


def _store(window: MainWindow) -> GpkgStore:
    assert window.store is not None
    return window.store


def _open_from_checks(window: MainWindow) -> list[str]:
    dialog = window.workbench.open_cases_from_checks()
    assert dialog is not None and dialog.codes  # the preview lists the ruins first
    assert dialog.list.count() == len(dialog.codes)
    _ok(dialog.buttons).click()
    assert len(dialog.opened) == len(dialog.codes)
    return dialog.opened


def _case_where(window: MainWindow, disposition: Disposition, possible: bool) -> str:
    store = _store(window)
    for (fid,) in store.execute_sql("SELECT fid FROM ruin_cases ORDER BY fid"):
        items = allowed.for_case(store, CaseKind.RUIN, fid)
        item = next(a for a in items if a.target == disposition.value)
        if item.possible == possible:
            return f"R{fid}"
    raise AssertionError(f"no demo case where {disposition} is possible={possible}")


def _show_case(window: MainWindow, case: str) -> CasesDock:
    dock = window.workbench.cases_dock
    building = _store(window).execute_sql(
        "SELECT building_fid FROM ruin_cases WHERE fid = ?", [int(case[1:])]
    )[0][0]
    dock.show_feature("buildings", int(building))
    assert dock.current_case() == case
    return dock


def _state(window: MainWindow, case: str) -> str:
    return _store(window).execute_sql(
        "SELECT state FROM ruin_cases WHERE fid = ?", [int(case[1:])]
    )[0][0]


def test_open_cases_from_the_checks_after_a_preview_and_undo_them(window: MainWindow) -> None:
    stack = window.workbench.project.undo_stack  # type: ignore[union-attr]
    opened = _open_from_checks(window)
    assert stack.count() == 1
    rows = _store(window).execute_sql("SELECT count(*) FROM ruin_cases WHERE state = '待处置'")
    assert rows[0][0] == len(opened)
    again = window.workbench.open_cases_from_checks()
    assert again is not None and not again.codes and not _ok(again.buttons).isEnabled()
    again.reject()
    window.workbench.action_undo.trigger()
    rows = _store(window).execute_sql("SELECT count(*) FROM ruin_cases WHERE state = '已撤销'")
    assert rows[0][0] == len(opened)


def test_reinforcement_to_accepted_with_a_photo(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    _open_from_checks(window)
    case = _case_where(window, Disposition.REINFORCEMENT, True)
    dock = _show_case(window, case)
    dock.button_for("dispose", Disposition.REINFORCEMENT.value).click()
    dialog = dock.dialog
    assert dialog is not None and not _ok(dialog).isEnabled()  # wish and feasibility first
    dialog.owner_keeps.setChecked(True)
    dialog.feasible.setChecked(True)
    _ok(dialog).click()
    assert _state(window, case) == "已制定加固方案"
    dock.button_for("advance", "加固施工中").click()
    assert dock.dialog is not None
    _ok(dock.dialog).click()
    photo = tmp_path / "验收照片.jpg"
    image = QImage(320, 240, QImage.Format.Format_RGB32)
    image.fill(QColor("darkgreen"))
    assert image.save(str(photo))
    dock.button_for("advance", "加固已验收").click()
    dock.dialog.add_files([str(photo)])
    dock.dialog.note.setText("村委会现场验收")
    _ok(dock.dialog).click()
    assert _state(window, case) == "加固已验收"
    assert dock.files.count() == 1 and not dock.files.item(0).icon().isNull()
    assert dock.history.topLevelItemCount() == 4  # open, dispose, two advances
    last = dock.history.topLevelItem(3)
    assert "加固已验收" in last.text(2) and last.text(3) == "王审批" and last.text(6) == "1"
    # a closed case offers attaching only
    assert [b.isEnabled() for b in dock.buttons].count(True) == 1
    qtbot.wait(10)


def test_a_refused_self_demolition_shows_why_and_an_override_needs_a_reason(
    window: MainWindow,
) -> None:
    _open_from_checks(window)
    case = _case_where(window, Disposition.SELF_DEMOLITION, False)
    dock = _show_case(window, case)
    button = dock.button_for("dispose", Disposition.SELF_DEMOLITION.value)
    assert not button.isEnabled()
    reason = dock.reason_for("dispose", Disposition.SELF_DEMOLITION.value)
    assert "责令自行拆除须以农户" in reason and "一户多宅" in reason
    assert _store(window).path not in reason  # the project on screen is not repeated
    row = dock.items.index(
        next(a for a in dock.items if a.target == Disposition.SELF_DEMOLITION.value)
    )
    override = dock.findChild(QPushButton, f"button_case_override_{row}")
    assert override is not None  # the user is an approver
    override.click()
    dialog = dock.dialog
    assert dialog is not None and dialog.override
    assert "责令自行拆除须以农户" in dialog.findChild(QLabel, "label_override_reasons").text()
    assert not _ok(dialog).isEnabled()
    dialog.reason.setText("县局专题会议决定")
    assert _ok(dialog).isEnabled()
    _ok(dialog).click()
    assert _state(window, case) == "已下达拆除通知"
    stored = _store(window).execute_sql(
        "SELECT override_reason FROM ruin_cases WHERE fid = ?", [int(case[1:])]
    )[0][0]
    assert stored == "县局专题会议决定"


def test_undo_an_advance(window: MainWindow) -> None:
    _open_from_checks(window)
    case = _case_where(window, Disposition.NEW_BUILD, True)
    dock = _show_case(window, case)
    dock.button_for("dispose", Disposition.NEW_BUILD.value).click()
    _ok(dock.dialog).click()
    assert _state(window, case) == "待拆除"
    dock.button_for("advance", "已拆除").click()
    _ok(dock.dialog).click()
    assert _state(window, case) == "已拆除"
    window.workbench.action_undo.trigger()
    assert _state(window, case) == "待拆除"
    assert dock.current_case() == case  # the panel refreshed on the change, same case
    assert dock.button_for("advance", "已拆除").isEnabled()
    actions = [
        dock.history.topLevelItem(i).text(1) for i in range(dock.history.topLevelItemCount())
    ]
    assert actions[-1] == "撤回"  # the undo is history too, never a rewrite


def test_pay_a_c_renovation(window: MainWindow) -> None:
    store = _store(window)
    dock = window.workbench.cases_dock
    graded = store.execute_sql("SELECT fid, bdcdyh FROM buildings WHERE danger_grade = 'C'")
    fid, code = next((f, c) for f, c in graded if allowed.for_building(store, c)[1].possible)
    dock.show_feature("buildings", int(fid))
    assert dock.current_case() is None
    dock.button_for("open_renovation").click()
    _ok(dock.dialog).click()
    case = dock.current_case()
    assert case is not None and case.startswith("W")
    pay = dock.button_for("pay")
    assert not pay.isEnabled() and "批准" in dock.reason_for("pay")
    dock.button_for("advance", "已批准").click()
    _ok(dock.dialog).click()
    dock.button_for("pay").click()
    dialog = dock.dialog
    assert dialog is not None and dialog.amount is not None
    assert dialog.amount.maximum() == 7500.0  # the approved subsidy, shown and enforced
    assert "7,500.00" in dialog.findChild(QLabel, "label_case_subsidy").text()
    dialog.amount.setValue(9000)
    assert dialog.amount.value() == 7500.0
    _ok(dialog).click()
    row = next(r for r in dock.rows if r["id"] == case)
    assert row["paid"] == 7500.0
    tree_row = dock.tree.currentItem()
    assert tree_row.text(6) == "7,500" and tree_row.text(7) == "7,500"
    assert not dock.button_for("pay").isEnabled()
    assert "已全部拨付" in dock.reason_for("pay")
    assert code


def _switch_user(window: MainWindow, name: str, role: str) -> None:
    """编辑 ▸ 切换用户…, as a clerk hands the desk over."""
    from ui.gui.dialogs.switch_user import SwitchUserDialog

    window.workbench.action_switch_user.trigger()
    (dialog,) = [d for d in window.findChildren(SwitchUserDialog) if d.isVisible()]
    dialog.name.setText(name)
    dialog.role.setCurrentIndex(dialog.role.findData(role))
    dialog.save()


def test_an_approval_is_the_approvers_the_surveyor_sees_why(window: MainWindow) -> None:
    store = _store(window)
    dock = window.workbench.cases_dock
    graded = store.execute_sql("SELECT fid, bdcdyh FROM buildings WHERE danger_grade = 'D'")
    fid, _code = next((f, c) for f, c in graded if allowed.for_building(store, c)[1].possible)
    _switch_user(window, "李调查", "surveyor")
    dock.show_feature("buildings", int(fid))
    dock.button_for("open_renovation").click()  # the application: field work
    _ok(dock.dialog).click()
    case = dock.current_case()
    assert case is not None and case.startswith("W")
    approve = dock.button_for("advance", "已批准")
    assert not approve.isEnabled()
    assert "仅审批人可以办理" in dock.reason_for("advance", "已批准")
    assert dock.button_for("advance", "已撤销").isEnabled()  # not an approval
    _switch_user(window, "王审批", "approver")  # the panel follows the new role
    assert dock.current_case() == case
    dock.button_for("advance", "已批准").click()
    _ok(dock.dialog).click()
    sql = "SELECT state FROM renovation_cases WHERE fid = ?"
    assert store.execute_sql(sql, [int(case[1:])])[0][0] == "已批准"


def test_dropped_photos_attach_and_a_missing_folder_shows_them_missing(
    window: MainWindow, tmp_path: Path
) -> None:
    """Issue 16, point 3: drop photos on a case; thumbnails; without the project's
    attachment folder they show as missing, and no error dialog appears."""
    from qjgis.cases.attachments import folder_for

    _open_from_checks(window)
    case = _case_where(window, Disposition.NEW_BUILD, True)
    dock = _show_case(window, case)
    photos = []
    for i, colour in enumerate(("red", "blue")):
        photos.append(tmp_path / f"现场{i}.png")
        image = QImage(200, 100, QImage.Format.Format_RGB32)
        image.fill(QColor(colour))
        assert image.save(str(photos[-1]))
    dialog = dock.drop_files([str(p) for p in photos])
    assert dialog is not None and dialog.files.count() == 2
    _ok(dialog).click()
    assert dock.files.count() == 2
    assert all(not dock.files.item(i).icon().isNull() for i in range(2))
    folder = folder_for(_store(window).path)
    folder.rename(folder.with_name("moved away"))
    dock.refresh()
    texts = [dock.files.item(i).text() for i in range(dock.files.count())]
    assert len(texts) == 2 and all("文件缺失" in x for x in texts)
    assert all(dock.files.item(i).icon().isNull() for i in range(2))
    assert window.findChild(QMessageBox, "dialog_error") is None


def test_measure_a_plot_in_metres_and_square_metres(qtbot: QtBot, window: MainWindow) -> None:
    """Issue 16, point 9: clicks on the map become points (not identifies) while the tool
    is on; the readout is in m and m², measured in the project CRS."""
    import shapely
    from PySide6.QtCore import Qt

    wb, canvas = window.workbench, window.canvas
    fid = _store(window).execute_sql("SELECT fid FROM parcels ORDER BY fid LIMIT 1")[0][0]
    geom = canvas.renderer.layer("parcels").by_fids([fid])[1][0]
    x0, y0, x1, y1 = shapely.bounds(geom)
    wb.zoom_to((x0 - 5, y0 - 5, x1 + 5, y1 + 5))
    identified = wb.identify_dock.title.text()
    wb.action_measure.trigger()
    assert wb.measure.active
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    for x, y in corners:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=canvas.world_to_map(x, y).toPoint())
    m = wb.measure.measurement
    assert m is not None and m.points == 4 and m.method == "planar"
    # the clicks land on whole pixels: the box's figures within a pixel's worth
    px = (x1 - x0 + 10) / canvas.width() * 2
    w, h = x1 - x0, y1 - y0
    assert m.perimeter == pytest.approx(2 * (w + h), abs=8 * px)
    assert m.area == pytest.approx(w * h, abs=2 * (w + h) * px + 4 * px * px)
    assert "m²" in wb.measure.readout() and f"{m.area:,.2f}" in window.statusBar().currentMessage()
    assert wb.identify_dock.title.text() == identified  # no click identified anything
    qtbot.mouseClick(canvas, Qt.MouseButton.RightButton, pos=canvas.world_to_map(x0, y0).toPoint())
    assert wb.measure.finished
    wb.action_measure.trigger()
    assert not wb.measure.active and wb.measure.measurement is None


def test_import_a_village_sheet_with_one_bad_row(window: MainWindow, tmp_path: Path) -> None:
    """Issue 16, point 8: export a village's sheet; import it back: the dry run lists the
    bad row (row, column, reason) and keeps nothing; applying the valid rows is a choice."""
    from openpyxl import load_workbook

    from ui.gui.dialogs.village_sheet import VillageSheetDialog

    _open_from_checks(window)
    store = _store(window)
    village = store.execute_sql(
        "SELECT village_code FROM ruin_cases GROUP BY village_code ORDER BY count(*) DESC LIMIT 1"
    )[0][0]
    dialog = window.workbench.open_village_sheet()
    assert isinstance(dialog, VillageSheetDialog)
    dialog.village.setCurrentIndex(dialog.village.findData(village))
    out = tmp_path / "村台账.xlsx"
    written = dialog.export_to(out)
    assert written is not None and written["cases"] >= 2 and out.exists()
    wb = load_workbook(out)
    ws = wb["案件进展"]
    header = [c.value for c in ws[1]]
    col = {h: header.index(h) + 1 for h in ("案件编号", "达到状态", "日期", "备注")}
    ws.cell(row=2, column=col["达到状态"]).value = "已拆除"  # no disposition yet: refused
    later = (dt.date.today() + dt.timedelta(days=1)).isoformat()  # the cases opened today
    ws.cell(row=2, column=col["日期"]).value = later
    ws.cell(row=3, column=col["达到状态"]).value = "已撤销"
    ws.cell(row=3, column=col["日期"]).value = later
    ws.cell(row=3, column=col["备注"]).value = "重复立案"
    wb.save(out)
    good_case = ws.cell(row=3, column=col["案件编号"]).value
    before = store.execute_sql("SELECT count(*) FROM case_events")[0][0]
    preview = dialog.load(out)
    assert preview is not None
    assert store.execute_sql("SELECT count(*) FROM case_events")[0][0] == before  # a dry run
    assert dialog.table.rowCount() == 1
    cells = [dialog.table.item(0, j).text() for j in range(4)]
    assert cells[0] == "2" and cells[2] == "达到状态" and "已拆除" in cells[3]
    assert not dialog.apply_all.isEnabled() and dialog.apply_valid.isEnabled()
    dialog.apply_valid.click()
    assert dialog.result is not None and [a.case for a in dialog.result.applied] == [good_case]
    state = store.execute_sql("SELECT state FROM ruin_cases WHERE fid = ?", [int(good_case[1:])])
    assert state[0][0] == "已撤销"
    assert not dialog.apply_valid.isEnabled()  # applied once, not twice
    window.workbench.action_undo.trigger()  # one undo step for the whole sheet
    state = store.execute_sql("SELECT state FROM ruin_cases WHERE fid = ?", [int(good_case[1:])])
    assert state[0][0] == "待处置"


def test_dashboard_charts_click_a_village_and_export(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """Issue 16, point 7: figures per village; a click on a village's bar zooms the map
    there and lists its cases; the chart exports as PNG, the table as XLSX."""
    from openpyxl import load_workbook
    from PySide6.QtCore import Qt

    opened = _open_from_checks(window)
    store = _store(window)
    dock = window.workbench.dashboard_dock
    dock.show()
    dock.raise_()
    dock.refresh()
    by_village = dict(store.execute_sql("SELECT village_code, count(*) FROM ruin_cases GROUP BY 1"))
    assert sum(dock.ruins.totals()) == len(opened) == sum(by_village.values())
    assert [r["code"] for r in dock.rows if r["ruin_cases"]] == sorted(by_village)
    mh = store.execute_sql(
        "SELECT decision IS NOT NULL, count(*) FROM findings WHERE rule_id = 'QJ-R001' "
        "AND state = 'open' GROUP BY 1"
    )
    counts = {bool(k): n for k, n in mh}
    assert sum(r["mh_open"] for r in dock.rows) == counts.get(False, 0)
    assert sum(r["mh_handled"] for r in dock.rows) == counts.get(True, 0)
    trend = dock.trend.series[0].values
    assert sum(trend) == len(opened)  # opened this month, from the cases' opening events
    # click the bar of the village with the most cases
    index = max(range(len(dock.rows)), key=lambda i: dock.rows[i]["ruin_cases"])
    code = dock.rows[index]["code"]
    dock.tabs.setCurrentWidget(dock.ruins)
    qtbot.waitUntil(lambda: len(dock.ruins._bars) == len(dock.rows))
    before = window.canvas.extent()
    centre = dock.ruins.bar_rect(index).center().toPoint()
    qtbot.mouseClick(dock.ruins, Qt.MouseButton.LeftButton, pos=centre)
    cases = window.workbench.cases_dock
    assert cases.subject is not None and cases.subject.key == code
    assert len(cases.rows) == by_village[code]
    assert window.canvas.extent() != before  # zoomed to the village
    png = dock.export_png(tmp_path / "统计.png")
    assert png is not None and not QImage(str(png)).isNull()
    xlsx = dock.export_xlsx(tmp_path / "统计.xlsx")
    assert xlsx is not None
    ws = load_workbook(xlsx).active
    header = [c.value for c in ws[1]]
    assert header[:2] == ["名称", "代码"] and "一户多宅·待审核" in header
    assert ws.max_row == len(dock.rows) + 1


def test_map_themes_switch_from_the_toolbar_and_are_saved_in_the_project(
    window: MainWindow, tmp_path: Path
) -> None:
    """Issue 16, point 6: 整治进度 colours every ruin case, overdue in red, with its legend;
    危房改造 the C/D houses; the theme is a project setting, kept when the file reopens."""
    from qjgis import commands
    from qjgis.cases.commands import DisposeRuin, OpenRuinCase
    from qjgis.commands import Changes

    wb = window.workbench
    store = _store(window)
    # one case long past its deadline: opened and ordered in the past, the others today
    ruin = store.execute_sql("SELECT bdcdyh FROM buildings WHERE status = '残垣断壁' LIMIT 1")
    late = OpenRuinCase(ruin[0][0], date="2025-01-01")
    commands.run(store, late)
    commands.run(
        store,
        DisposeRuin(f"R{late.fid}", disposition="new-build", deadline="2025-02-01",
                    date="2025-01-02"),
    )  # fmt: skip
    wb.project.announce(Changes(tables=frozenset({"ruin_cases"})))
    opened = _open_from_checks(window)
    box = wb.themes.box
    assert box.currentData() == "findings" and wb.action_show_findings.isChecked()
    box.setCurrentIndex(box.findData("progress"))
    box.activated.emit(box.currentIndex())
    assert store.settings()["map.theme"] == "progress"
    layer = wb.themes.layer
    assert len(layer.categories) == len(opened) + 1
    late_building = store.execute_sql(
        "SELECT building_fid FROM ruin_cases WHERE fid = ?", [late.fid]
    )[0][0]
    assert layer.categories[late_building] == "overdue"
    assert layer.colours["overdue"] == "#d32f2f"
    rows = layer.legend_rows()
    assert rows[0] == ("#d32f2f", "已逾期", 1)
    assert sum(n for _c, _w, n in rows) == len(opened) + 1
    assert not wb.action_show_findings.isChecked()  # the findings theme is the outlines
    image = window.canvas.grab().toImage()
    assert not image.isNull()
    box.setCurrentIndex(box.findData("renovation"))
    box.activated.emit(box.currentIndex())
    graded = store.execute_sql("SELECT count(*) FROM buildings WHERE danger_grade IN ('C','D')")
    assert len(layer.categories) == graded[0][0]
    assert set(layer.categories.values()) == {"no_case"}
    wb.action_undo.trigger()  # the theme change is one undo step
    assert store.settings()["map.theme"] == "progress" and box.currentData() == "progress"
    path = Path(store.path)
    window.close_project()
    assert window.open_project(path)
    assert window.workbench.themes.box.currentData() == "progress"
    assert len(window.workbench.themes.layer.categories) == len(opened) + 1


def test_a_case_panel_asks_what_is_allowed_once(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16's stall: the panel asked the engine twice per case shown (the tree's
    current-item signal, then the refresh), half of the first panel's 80 ms."""
    from ui.gui import case_operations

    case = _open_from_checks(window)[0]
    asked: list[str] = []
    real = case_operations.allowed_for_case
    monkeypatch.setattr(
        case_operations, "allowed_for_case", lambda p, c: asked.append(c) or real(p, c)
    )
    dock = _show_case(window, case)
    assert asked == [case]
    assert dock.buttons  # the actions are there
    dock.refresh()
    assert asked == [case, case]


def test_dashboard_table_sizes_its_columns_from_a_sample_not_every_cell(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16's stall: the table made an item per figure and measured every one for the
    column widths (150 ms at a district's 334 villages); now it reads at most the first
    rows for the widths and shows the same figures."""
    from ui.gui.docks import dashboard

    _open_from_checks(window)
    dock = window.workbench.dashboard_dock
    dock.level.setCurrentIndex(dock.level.findData("village"))
    monkeypatch.setattr(dashboard, "SIZE_FROM_ROWS", 2)
    read: list[tuple[int, int]] = []
    real = dashboard.FiguresModel.text
    monkeypatch.setattr(
        dashboard.FiguresModel, "text", lambda m, i, j: read.append((i, j)) or real(m, i, j)
    )
    dock.refresh()
    assert len(dock.rows) > 2 and {i for i, _ in read} <= {0, 1}
    model, header = dock.table.model(), dock.table.horizontalHeader()
    assert model.rowCount() == len(dock.rows) and model.columnCount() == len(dock.columns)
    j = [k for k, _ in dock.columns].index("ruin_cases")
    assert [model.index(i, j).data() for i in range(len(dock.rows))] == [
        str(r["ruin_cases"]) for r in dock.rows
    ]
    for j, (_k, title) in enumerate(dock.columns):
        assert header.sectionSize(j) >= header.fontMetrics().horizontalAdvance(title)
