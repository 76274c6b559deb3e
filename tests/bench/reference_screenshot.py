"""Screenshot of the reference layers on the map (issue 19) for docs/gui/.

Not a test: builds the demo district, opens it in the real window offscreen, zooms to a
hamlet with its fields, basic farmland, construction boundary and a hazard point's threat
disc, and saves the window (map and layer list with the land-use legend). Usage:

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/reference_screenshot.py [--out docs/gui]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from qjgis.demo import build_demo  # noqa: E402
from qjgis.store import GpkgStore  # noqa: E402
from tests.bench.gui_screenshots import settle  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs" / "gui"))
    parser.add_argument("--lang", default="zh", choices=("zh", "en"))
    parser.add_argument("--span", type=float, default=900.0, help="metres shown across")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    import shapely

    from ui.gui.app import use_language
    from ui.gui.app_settings import AppSettings
    from ui.gui.main_window import MainWindow

    use_language(app, args.lang)
    work = Path(tempfile.mkdtemp(prefix="qjgis-ref-shot-"))
    try:
        project = work / "綦江演示.gpkg"
        build_demo(project, parcels=3000, seed=1)
        with GpkgStore.open(project) as store:
            data = store.scan("reference_features", ("kind",), geometry=True)
        kinds = data.attrs["kind"].astype(str)
        # a hazard point's disc: around it lie settlements, their fields and woods
        centre = shapely.centroid(data.geometry[kinds == "hazard-points"][0])
        window = MainWindow(AppSettings(path=str(work / "settings.ini")))
        window.workbench.ask_user = False
        window.resize(1500, 950)
        window.open_project(project)
        window.show()
        # room for the layer list and its land-use legend
        window.resizeDocks([window.layer_dock], [330], Qt.Orientation.Horizontal)
        window.resizeDocks([window.layer_dock], [560], Qt.Orientation.Vertical)
        settle()
        half = args.span / 2
        window.canvas.set_extent(
            (centre.x - half, centre.y - half, centre.x + half, centre.y + half)
        )
        settle()
        settle(lambda: not window.canvas.drawing)
        settle()
        name = "reference-layers.png" if args.lang == "zh" else "reference-layers-en.png"
        window.grab().save(str(out / name))
        stats = window.canvas.last_stats
        print("wrote", out / name, "features drawn:", stats.features if stats else None)
        window.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
