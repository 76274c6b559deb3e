"""Screenshots of the case panel (issue 16) for docs/gui/ and the README.

Not a test: builds a demo district, runs the checks, opens the cases from the
checks after the preview, takes one reinforcement to 已验收 with a photo and
shows a refused self-demolition with the approver's override dialog, all through
the real widgets offscreen, and saves each state with `grab()`. Usage:

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/case_panel_screenshots.py
        [--out docs/gui]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtGui import QColor, QImage  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPushButton  # noqa: E402

from qjgis.cases import allowed  # noqa: E402
from qjgis.cases.model import CaseKind, Disposition  # noqa: E402
from qjgis.checks.findings import run_checks  # noqa: E402
from qjgis.demo import build_demo  # noqa: E402
from qjgis.store import GpkgStore  # noqa: E402
from ui.gui.app import use_language  # noqa: E402
from ui.gui.app_settings import AppSettings  # noqa: E402
from ui.gui.main_window import MainWindow  # noqa: E402


def _first_case(store: GpkgStore, disposition: Disposition, possible: bool) -> int:
    for (fid,) in store.execute_sql(
        "SELECT fid FROM ruin_cases WHERE state = '待处置' ORDER BY fid"
    ):
        items = allowed.for_case(store, CaseKind.RUIN, fid)
        if next(a for a in items if a.target == disposition.value).possible == possible:
            return int(fid)
    raise SystemExit(f"no demo case where {disposition} is possible={possible}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "gui"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    use_language(app, "zh")
    tmp = Path(tempfile.mkdtemp(prefix="qjgis-cases-"))
    path = tmp / "demo.gpkg"
    build_demo(path, parcels=1500, seed=2)
    with GpkgStore.open(path) as store:
        run_checks(store)
        with store.transaction() as conn:
            store.write_settings(conn, {"user.name": "王审批", "user.role": "approver"})
    w = MainWindow(AppSettings(path=str(tmp / "settings.ini")))
    w.workbench.ask_user = False
    w.resize(1500, 950)
    w.open_project(path)
    w.show()
    preview = w.workbench.open_cases_from_checks()
    preview.grab().save(str(out / "cases-from-checks.png"))
    preview.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    store, dock = w.store, w.workbench.cases_dock

    def ok() -> None:
        dock.dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    def show(fid: int) -> None:
        building = store.execute_sql("SELECT building_fid FROM ruin_cases WHERE fid = ?", [fid])
        dock.show_feature("buildings", int(building[0][0]))

    show(_first_case(store, Disposition.REINFORCEMENT, True))
    dock.button_for("dispose", Disposition.REINFORCEMENT.value).click()
    dock.dialog.owner_keeps.setChecked(True)
    dock.dialog.feasible.setChecked(True)
    dock.dialog.note.setText("户主申请保留，镇村建办评估可加固")
    ok()
    dock.button_for("advance", "加固施工中").click()
    ok()
    photo = tmp / "验收照片.jpg"
    image = QImage(320, 240, QImage.Format.Format_RGB32)
    image.fill(QColor("darkgreen"))
    image.save(str(photo))
    dock.button_for("advance", "加固已验收").click()
    dock.dialog.add_files([str(photo)])
    dock.dialog.note.setText("村委会现场验收")
    ok()
    dock.setFloating(True)
    dock.resize(760, 820)
    app.processEvents()
    dock.grab().save(str(out / "case-panel-accepted.png"))
    show(_first_case(store, Disposition.SELF_DEMOLITION, False))
    app.processEvents()
    dock.grab().save(str(out / "case-panel.png"))
    row = next(i for i, a in enumerate(dock.items) if a.target == Disposition.SELF_DEMOLITION.value)
    dock.findChild(QPushButton, f"button_case_override_{row}").click()
    dock.dialog.reason.setText("县局专题会议决定")
    dock.dialog.resize(560, 360)
    app.processEvents()
    dock.dialog.grab().save(str(out / "case-override.png"))
    dock.dialog.reject()
    # the dashboard, on the ruins tab
    dash = w.workbench.dashboard_dock
    dash.show()
    dash.raise_()
    dash.refresh()
    dash.setFloating(True)
    dash.resize(900, 420)
    app.processEvents()
    dash.grab().save(str(out / "dashboard.png"))
    dash.ruins.save_png(out / "dashboard-ruins-chart.png")
    # a village sheet with one bad row, after the dry run
    from openpyxl import load_workbook

    village = store.execute_sql(
        "SELECT village_code FROM ruin_cases WHERE closed IS NULL GROUP BY 1 "
        "ORDER BY count(*) DESC LIMIT 1"
    )[0][0]
    sheet = w.workbench.open_village_sheet()
    sheet.village.setCurrentIndex(sheet.village.findData(village))
    xlsx = tmp / "村台账.xlsx"
    sheet.export_to(xlsx)
    wb = load_workbook(xlsx)
    ws = wb["案件进展"]
    header = [c.value for c in ws[1]]
    col = {h: header.index(h) + 1 for h in ("达到状态", "日期", "备注")}
    ws.cell(2, col["达到状态"]).value = "已拆完"  # not a state: the bad row
    ws.cell(2, col["日期"]).value = "2099-01-05"
    ws.cell(3, col["达到状态"]).value = "已撤销"
    ws.cell(3, col["日期"]).value = "2099-01-05"
    ws.cell(3, col["备注"]).value = "重复立案"
    wb.save(xlsx)
    sheet.load(xlsx)
    app.processEvents()
    sheet.grab().save(str(out / "village-sheet-import.png"))
    sheet.close()
    # the map themes, zoomed to the village with the most cases
    dash.hide()
    dock.hide()
    w.workbench.cases_dock.hide()
    from qjgis.lookup import feature_bounds

    fids = [r[0] for r in store.execute_sql(
        "SELECT building_fid FROM ruin_cases WHERE village_code = ?", [village])]  # fmt: skip
    x0, y0, x1, y1 = feature_bounds(store, "buildings", fids[:1])[fids[0]]
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w.workbench.zoom_to((cx - 150, cy - 95, cx + 150, cy + 95))  # a hamlet around a case
    box = w.workbench.themes.box
    for theme in ("progress", "renovation", "findings"):
        box.setCurrentIndex(box.findData(theme))
        box.activated.emit(box.currentIndex())
        for _ in range(50):  # the map renders off the GUI thread
            app.processEvents()
            time.sleep(0.05)
        w.canvas.grab().save(str(out / f"theme-{theme}.png"))
    w.close_project()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
