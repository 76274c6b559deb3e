"""Screenshots of the 报表 menu and the print preview (issue 15) for docs/gui/.

Not a test: builds a demo district, runs the checks, picks a parcel on the map as a
clerk does, opens the 报表 menu (and its 村台账 submenu) over the window, then the
宗地图's print preview from it, all through the real widgets offscreen. Usage:

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/report_menu_screenshots.py
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

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtGui import QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication, QMenu, QWidget  # noqa: E402

from qjgis.checks.findings import run_checks  # noqa: E402
from qjgis.demo import build_demo  # noqa: E402
from qjgis.store import GpkgStore  # noqa: E402
from tests.ui.gui.waiting import pump, wait_until  # noqa: E402
from ui.gui import report_print  # noqa: E402
from ui.gui.app import use_language  # noqa: E402
from ui.gui.app_settings import AppSettings  # noqa: E402
from ui.gui.main_window import MainWindow  # noqa: E402


def with_menus(window: QWidget, menus: list[tuple[QMenu, QPoint]]) -> object:
    """The window's picture with open menus drawn where they stand (offscreen, a menu
    is a window of its own and the window's grab() leaves it out)."""
    image = window.grab().toImage()
    painter = QPainter(image)
    for menu, at in menus:
        painter.drawImage(at, menu.grab().toImage())
    painter.end()
    return image


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "gui"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    use_language(app, "zh")
    tmp = Path(tempfile.mkdtemp(prefix="qjgis-reports-"))
    path = tmp / "demo.gpkg"
    build_demo(path, parcels=1500, seed=2)
    with GpkgStore.open(path) as store:
        run_checks(store)
        fid = int(store.execute_sql(
            "SELECT p.fid FROM parcels p JOIN households h ON h.household_no = p.household_no "
            "ORDER BY p.fid LIMIT 1 OFFSET 40")[0][0])  # fmt: skip
    w = MainWindow(AppSettings(path=str(tmp / "settings.ini")))
    w.workbench.ask_user = False
    w.resize(1400, 860)
    w.open_project(path)
    w.show()
    wb = w.workbench
    layer = w.canvas.renderer.layer("parcels")
    geom = layer.by_fids(np.array([fid], dtype=np.int64))[1][0]
    x0, y0, x1, y1 = shapely.bounds(geom)
    wb.zoom_to((x0 - 40, y0 - 40, x1 + 40, y1 + 40))
    point = shapely.point_on_surface(geom)
    wb.identify_at(point.x, point.y)
    end = time.monotonic() + 10
    while time.monotonic() < end and not w.canvas.frame_ready():
        pump(50)
    pump(200)
    menu = wb.reports.menu
    bar = w.menuBar()
    at = bar.mapTo(w, bar.actionGeometry(menu.menuAction()).bottomLeft())
    menu.popup(w.mapToGlobal(at))
    pump(100)
    sub = wb.reports.ledger_menu
    sub_at = at + QPoint(menu.width() - 4, menu.actionGeometry(sub.menuAction()).top())
    sub.popup(w.mapToGlobal(sub_at))
    pump(100)
    with_menus(w, [(menu, at), (sub, sub_at)]).save(str(out / "report-menu.png"))
    sub.hide()
    menu.hide()
    wb.reports.action_parcel.trigger()
    wait_until(lambda: wb.reports.last_preview is not None, 120)
    dialog = wb.reports.last_preview
    dialog.resize(900, 860)
    wait_until(lambda: report_print.preview_pages(dialog) > 0, 60)
    pump(300)
    dialog.grab().save(str(out / "report-preview.png"))
    print(f"wrote {out / 'report-menu.png'} and {out / 'report-preview.png'}")
    w.close_project()
    w.close()


if __name__ == "__main__":
    main()
