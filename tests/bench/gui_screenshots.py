"""Screenshots of the workbench's main states for docs/gui/ and the README.

Not a test: builds a demo district, drives the real widgets offscreen and saves
each state with `grab()`. Usage:

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/gui_screenshots.py [--out docs/gui]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from qjgis.demo import build_demo  # noqa: E402
from qjgis.store import GpkgStore  # noqa: E402
from tests.ui.gui.waiting import pump  # noqa: E402  (PySide6 6.12's processEvents leaks None)


def settle(condition=lambda: True, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while True:
        pump(20)
        time.sleep(0.01)
        if condition() or time.monotonic() > end:
            return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs" / "gui"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    from ui.gui.app import use_language
    from ui.gui.app_settings import AppSettings
    from ui.gui.main_window import MainWindow

    use_language(app, "zh")
    work = Path(tempfile.mkdtemp(prefix="qjgis-shots-"))
    try:
        project = work / "綦江演示.gpkg"
        build_demo(project, parcels=3000, seed=1, shapefiles=work / "shp")
        window = MainWindow(AppSettings(path=str(work / "settings.ini")))
        window.workbench.ask_user = False
        window.resize(1500, 950)
        window.open_project(project)
        with GpkgStore.open(project) as store:
            from qjgis.commands import SetSettings, run

            run(store, SetSettings({"user.name": "王丽", "user.role": "reviewer"}))
        window.close_project()
        window.open_project(project)
        window.show()
        wb = window.workbench
        settle()

        def shot(widget, name: str) -> None:
            settle()
            # The map draws off the GUI thread: wait for its frame, then the overlays.
            settle(lambda: not window.canvas.drawing)
            settle()
            widget.grab().save(str(out / name))
            print("wrote", out / name)

        # Run the checks through the dialog.
        dialog = wb.open_run_checks()
        dialog.start()
        settle(lambda: dialog.summary is not None)
        # the dock and the outlines read the new findings on workers
        settle(lambda: not wb.findings_dock.loading and not wb.project.tasks.running)
        dialog.resize(620, 640)
        shot(dialog, "run-checks.png")
        dialog.close()
        # A multiple-homestead finding selected: zoomed and highlighted.
        wb.findings_dock.set_filters(rule="QJ-R001")
        wb.findings_dock.view.selectRow(0)
        shot(window, "findings.png")
        fid = wb.findings_dock.selected_fid()
        review = wb.open_review(fid)
        review.set_decision("confirmed", "经入户核实，两处宅基地均由该户使用")
        shot(review, "review.png")
        review.save()
        record = wb.findings_dock.model.records[0]
        household = wb.open_household(record.key)
        shot(household, "household.png")
        household.close()
        shot(window, "after-review.png")
        # Search a 户号 and identify.
        wb.search_box.setText(record.key)
        wb.search(record.key)
        shot(window, "search.png")
        # Import dialog with its preview, into a fresh project.
        empty = work / "新批次.gpkg"
        GpkgStore.create(empty).close()
        window.open_project(empty)
        imp = wb.open_import(str(work / "shp" / "parcels.shp"))
        settle(lambda: imp.preview is not None and imp.preview_task is None)
        imp.resize(760, 820)
        shot(imp, "import-preview.png")
        imp.start_import()
        settle(lambda: imp.report is not None)
        shot(imp, "import-report.png")
        imp.close()
        window.open_project(project)
        table = wb.open_attribute_table("parcels")
        table.field.setCurrentIndex(table.field.findData("holder_name"))
        table.operator.setCurrentIndex(table.operator.findData("starts"))
        table.value.setText("王")
        table.apply_filter()
        shot(table, "attribute-table.png")
        table.close()
        settings = wb.open_settings()
        settings.tabs.setCurrentIndex(1)
        shot(settings, "settings.png")
        settings.close()
        window.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
