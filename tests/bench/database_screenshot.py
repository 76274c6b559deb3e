"""The window on a database project, for docs/gui/database-window.png (and the dialog).

Not a test: builds the demo district, runs the checks, pushes it to PostgreSQL + PostGIS
(the database at --pg URL, an empty one, or a throwaway cluster started for the run, see
tests/qjgis/pg/pgcluster.py), opens the real window through File ▸ Open database… and saves
the dialog and the window with a finding selected. Usage:

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/database_screenshot.py \\
        [--pg URL] [--out docs/gui]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.bench.gui_screenshots import settle  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs" / "gui"))
    parser.add_argument("--pg", metavar="URL", help="an empty database (default: a throwaway one)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    from qjgis.checks.findings import run_checks
    from qjgis.demo import build_demo
    from qjgis.pg.transfer import push
    from qjgis.store import GpkgStore
    from ui.gui.app import use_language
    from ui.gui.app_settings import AppSettings
    from ui.gui.main_window import MainWindow

    use_language(app, "zh")
    work = Path(tempfile.mkdtemp(prefix="qjgis-dbshot-"))
    server = None
    url = args.pg
    try:
        if not url:
            sys.path.insert(0, str(ROOT / "tests" / "qjgis" / "pg"))
            from pgcluster import start

            server = start()
            url = server.new_database()
        project = work / "綦江演示.gpkg"
        build_demo(project, parcels=3000, seed=1)
        with GpkgStore.open(project) as store:
            run_checks(store)
        push(project, url)
        window = MainWindow(AppSettings(path=str(work / "settings.ini")))
        window.workbench.ask_user = False
        window.resize(1500, 950)
        window.show()
        dialog = window.choose_database()
        dialog.address.setEditText(url)
        settle()
        dialog.grab().save(str(out / "open-database.png"))
        print("wrote", out / "open-database.png")
        dialog.choose()
        wb = window.workbench
        settle(lambda: not wb.findings_dock.loading and not wb.project.tasks.running)
        wb.findings_dock.set_filters(rule="QJ-R001")
        settle(lambda: not wb.findings_dock.loading)
        wb.findings_dock.view.selectRow(0)
        settle()
        settle(lambda: not window.canvas.drawing)
        settle()
        window.grab().save(str(out / "database-window.png"))
        print("wrote", out / "database-window.png")
        window.close_project()
        window.close()
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
