"""Benchmark: the longest stall of the GUI thread during a clerk's scripted session.

Not a test: prints figures (recorded in docs/benchmarks.md). Usage:

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_gui.py \\
        [--parcels 200000] [--project FILE] [--repeat 5]

On a demo district (built once, or --project), with the checks run, it opens the
window and then, each step --repeat times: opens the attribute table of the
parcels, scrolls to the end, the middle and back, sorts by 宗地代码 and by area,
filters the findings dock (rule, village, text) and clicks a finding (zoom and
highlight). A 1 ms QTimer records the gaps between its ticks while the step's
events are processed; a step's stall is its longest gap (the time the event loop
could not answer). Printed: median and worst of each step's stall, and of the
step's wall time. The goal of issue 13: no stall over 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.ui.gui.waiting import pump  # noqa: E402  (PySide6 6.12's processEvents leaks None)


class StallMeter:
    """Gaps between the ticks of a 1 ms timer: how long the event loop was busy."""

    def __init__(self, interval_ms: int = 1) -> None:
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.worst = 0.0
        # The GUI thread's own CPU time in its longest-CPU gap: about what the stall is on
        # an idle machine (a wall-clock gap also counts the time other processes took).
        self.last_cpu = time.thread_time()
        self.worst_cpu = 0.0

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.worst = max(self.worst, now - self.last)
        self.worst_cpu = max(self.worst_cpu, cpu - self.last_cpu)
        self.last, self.last_cpu = now, cpu

    def measure(self, step: Callable[[], None], settle_s: float = 0.15) -> tuple[float, float]:
        """(longest gap, wall time) of `step` run from a timer tick, then events settled."""
        self.worst = self.worst_cpu = 0.0
        self.timer.start()
        done: list[float] = []

        def run() -> None:
            t = time.perf_counter()
            step()
            done.append(time.perf_counter() - t)

        self.last, self.last_cpu = time.perf_counter(), time.thread_time()
        starter = QTimer()
        starter.setSingleShot(True)
        starter.timeout.connect(run)
        starter.start(0)
        end = time.perf_counter() + 30
        while not done and time.perf_counter() < end:
            pump(5)
        settle_end = time.perf_counter() + settle_s  # paints and queued work that follow
        while time.perf_counter() < settle_end:
            pump(5)
        self.timer.stop()
        return self.worst, done[0] if done else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parcels", type=int, default=200_000)
    parser.add_argument("--project", help="an existing project (checks are run if it has none)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cache", default="/tmp")
    parser.add_argument("--cases", action="store_true", help="the case panel and dashboard steps")
    parser.add_argument(
        "--pg",
        nargs="?",
        const="",
        metavar="URL",
        help="the window on a database: the demo pushed to URL (an empty database), or "
        "without URL to a throwaway PostgreSQL + PostGIS cluster (tests/qjgis/pg/pgcluster.py)",
    )
    parser.add_argument(
        "--open-only",
        action="store_true",
        help="with --pg: measure the opening's stalls only, not the session's steps",
    )
    args = parser.parse_args()
    _app = QApplication.instance() or QApplication([])
    if args.pg is not None:
        return database_window(args)
    from qjgis.checks.findings import run_checks
    from qjgis.demo import build_demo
    from qjgis.store import GpkgStore
    from ui import texts
    from ui.gui.app_settings import AppSettings
    from ui.gui.main_window import MainWindow

    texts.set_language("zh")
    path = Path(args.project or Path(args.cache) / f"qjgis-bench-gui-{args.parcels}.gpkg")
    if not path.exists():
        t = time.perf_counter()
        build_demo(path, parcels=args.parcels, seed=1)
        print(f"demo of {args.parcels:,} parcels built in {time.perf_counter() - t:.1f} s")
    with GpkgStore.open(path) as store:
        if not store.execute_sql("SELECT count(*) FROM findings")[0][0]:
            run_checks(store)
        counts = store.counts()
        n_findings = store.execute_sql("SELECT count(*) FROM findings")[0][0]
    print(f"project {path}: {counts.get('parcels', 0):,} parcels, {n_findings:,} findings")
    window = MainWindow(AppSettings(path=str(Path(args.cache) / "qjgis-bench-gui.ini")))
    window.workbench.ask_user = False
    window.resize(1500, 950)
    t = time.perf_counter()
    window.open_project(path)
    window.show()
    print(f"open project (map layers read): {time.perf_counter() - t:.2f} s (not in the steps)")
    wb = window.workbench
    # The findings dock and the outlines are read on workers, the map drawn on its own
    # thread: the session starts once they are in (their stalls are the opening's).
    t = time.perf_counter()
    end = t + 300
    while (wb.findings_dock.loading or wb.project.tasks.running) and time.perf_counter() < end:
        pump(20)
    pump(1000)
    print(f"findings read and shown: {time.perf_counter() - t:.2f} s after the window showed")
    if args.cases:
        return case_panel_and_dashboard(window, args.repeat)
    worst_all = clerk_session(window, args.repeat)
    print(f"\nlongest stall of the whole run: {worst_all:.1f} ms (goal: under 100 ms)")
    window.close_project()
    window.close()
    return 0


def clerk_session(window: object, repeat: int) -> float:
    """The clerk's steps (attribute table, findings dock, a finding clicked), each `repeat`
    times; prints each step's stalls and returns the longest (ms)."""
    wb = window.workbench
    meter = StallMeter()
    dock = wb.findings_dock
    village = dock.village_filter.itemData(1)
    holder = next((r.holder for r in dock.model.rows if r.holder), "")

    state: dict[str, object] = {}

    def until_loaded(table: object) -> None:
        # The sort runs on a worker; the event loop keeps turning (and the meter ticking)
        # until the rows are in, so the step's wall time is the time to the sorted rows.
        end = time.perf_counter() + 120
        while table.model.loading and time.perf_counter() < end:
            pump(5)

    def open_table() -> None:
        state["table"] = wb.open_attribute_table("parcels")
        until_loaded(state["table"])

    def scroll() -> None:
        table = state["table"]
        model = table.model
        for row in (model.rowCount() - 1, model.rowCount() // 2, 0):
            table.view.scrollTo(model.index(row, 1))
            pump(5)

    def sort_code() -> None:
        table = state["table"]
        table.view.sortByColumn(table.model.columns.index("zddm"), Qt.SortOrder.DescendingOrder)
        until_loaded(table)

    def sort_area() -> None:
        table = state["table"]
        table.view.sortByColumn(table.model.columns.index("zdmj"), Qt.SortOrder.AscendingOrder)
        until_loaded(table)

    def close_table() -> None:
        state.pop("table").close()

    def filter_rule() -> None:
        dock.set_filters(rule="QJ-R001")

    def filter_village() -> None:
        dock.set_filters(village=village)

    def filter_text() -> None:
        dock.set_filters()
        dock.text_filter.setText(holder)

    def click_finding() -> None:  # the dock shows QJ-R001 from the step before
        row = state.get("row", 0)
        state["row"] = (row + 1) % max(dock.model.rowCount(), 1)
        dock.view.selectRow(row)

    steps = [
        ("open attribute table", open_table),
        ("scroll end/middle/top", scroll),
        ("sort by 宗地代码", sort_code),
        ("sort by area", sort_area),
        ("close attribute table", close_table),
        ("filter findings: rule", filter_rule),
        ("filter findings: village", filter_village),
        ("filter findings: text", filter_text),
        ("filter findings: rule again", filter_rule),
        ("click a finding (zoom)", click_finding),
    ]
    results: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in steps}
    for _ in range(repeat):
        for name, step in steps:
            results[name].append(meter.measure(step))
    print(f"\n{'step':28} {'stall median':>13} {'stall worst':>12} {'wall median':>12}")
    worst_all = 0.0
    for name, rows in results.items():
        stalls = [r[0] * 1000 for r in rows]
        walls = [r[1] * 1000 for r in rows]
        worst_all = max(worst_all, max(stalls))
        print(
            f"{name:28} {statistics.median(stalls):10.1f} ms {max(stalls):9.1f} ms "
            f"{statistics.median(walls):9.1f} ms"
        )
    return worst_all


def open_database_measured(window: Any, url: str, repeat: int) -> bool:
    """Open the database `repeat` times in the shown window, each until its extents and
    counts are in (read on the GUI thread before the change, on a worker after it: the
    window's `database_reading`), and print the longest GUI-thread stall of each opening:
    the first after the push (its one-time ANALYZE) apart from the others."""
    meter = StallMeter()
    rows: list[tuple[float, float]] = []
    cpus: list[float] = []  # the GUI thread's own CPU in its longest-CPU gap (ms)
    ok: list[bool] = []
    for i in range(repeat):
        if i:
            window.close_project()
            settle(window, 0.5)
        ok.clear()

        def step() -> None:
            ok.append(window.open_project(url, report_errors=False))
            end = time.perf_counter() + 300
            while getattr(window, "database_reading", False) and time.perf_counter() < end:
                pump(5)
            project = window.workbench.project
            while project is not None and project.tasks.running and time.perf_counter() < end:
                pump(5)  # the findings dock's read too: the stall of the whole opening

        rows.append(meter.measure(step))
        cpus.append(meter.worst_cpu * 1000)
        if not ok or not ok[0]:
            print(f"cannot open {url}: {window.last_error}")
            return False
    stalls = [r[0] * 1000 for r in rows]
    walls = [r[1] for r in rows]
    print(f"open database, first after the push (ANALYZE): longest GUI-thread stall "
          f"{stalls[0]:.1f} ms (GUI CPU {cpus[0]:.1f} ms), "
          f"{walls[0]:.2f} s until read")  # fmt: skip
    if len(rows) > 1:
        print(f"open database, again (x{len(rows) - 1}): stall median "
              f"{statistics.median(stalls[1:]):.1f} ms, worst {max(stalls[1:]):.1f} ms; "
              f"GUI CPU in its longest-CPU gap median {statistics.median(cpus[1:]):.1f} ms; "
              f"until read median {statistics.median(walls[1:]):.2f} s "
              f"(stalls {[round(s) for s in stalls[1:]]} ms)")  # fmt: skip
    return True


def database_window(args: argparse.Namespace) -> int:
    """`--pg`: the same demo pushed to PostgreSQL + PostGIS and the window opened on its
    address. The map's steps are the database's own (tiles from the GiST index, WKB over
    the binary protocol, decoded in batches on the render thread): the whole district, a
    village, a pan, a zoom back out; then the clerk's steps of the file session (the
    attribute table's pages and sorts, the findings dock, a click on a finding).
    """
    from qjgis.checks.findings import run_checks
    from qjgis.demo import build_demo
    from qjgis.pg.transfer import push
    from qjgis.store import GpkgStore
    from ui import texts
    from ui.gui.app_settings import AppSettings
    from ui.gui.main_window import MainWindow

    texts.set_language("zh")
    path = Path(args.project or Path(args.cache) / f"qjgis-bench-gui-{args.parcels}.gpkg")
    if not path.exists():
        t = time.perf_counter()
        build_demo(path, parcels=args.parcels, seed=1)
        print(f"demo of {args.parcels:,} parcels built in {time.perf_counter() - t:.1f} s")
    with GpkgStore.open(path) as store:
        if not store.execute_sql("SELECT count(*) FROM findings")[0][0]:
            run_checks(store)
    server = None
    url = args.pg
    if not url:
        sys.path.insert(0, str(ROOT / "tests" / "qjgis" / "pg"))
        from pgcluster import start

        server = start()
        url = server.new_database()
    try:
        t = time.perf_counter()
        pushed = push(path, url)
        print(f"pushed {pushed.rows.get('parcels', 0):,} parcels to {url} in "
              f"{time.perf_counter() - t:.1f} s")  # fmt: skip
        window = MainWindow(AppSettings(path=str(Path(args.cache) / "qjgis-bench-gui-pg.ini")))
        window.workbench.ask_user = False
        window.resize(1500, 950)
        window.show()
        if not open_database_measured(window, url, args.repeat):
            return 1
        if args.open_only:
            window.close_project()
            window.close()
            return 0
        wb = window.workbench
        t = time.perf_counter()
        end = t + 300
        while (wb.findings_dock.loading or wb.project.tasks.running) and time.perf_counter() < end:
            pump(20)
        settle(window, 10.0)
        print(f"findings read and shown: {time.perf_counter() - t:.2f} s after the window showed")
        canvas = window.canvas
        full = canvas.renderer.full_extent()
        village = store_village_extent(window)
        x0, y0, x1, y1 = village
        w, h = x1 - x0, y1 - y0

        def frame(step: Callable[[], None]) -> Callable[[], None]:
            # the step, then the events until the render thread's frame is in
            def run() -> None:
                step()
                end = time.perf_counter() + 60
                canvas.update()
                while not canvas.frame_ready() and time.perf_counter() < end:
                    pump(5)

            return run

        meter = StallMeter()
        steps = [
            ("map: whole district", frame(canvas.zoom_to_full_extent)),
            ("map: zoom to a village", frame(lambda: wb.zoom_to(village))),
            ("map: pan half a view", frame(lambda: wb.zoom_to((x0 + w / 2, y0, x1 + w / 2, y1)))),
            ("map: back to the village", frame(lambda: wb.zoom_to(village))),
            ("map: a few parcels", frame(lambda: wb.zoom_to(
                (x0 + w * 0.45, y0 + h * 0.45, x0 + w * 0.5, y0 + h * 0.5)))),
        ]  # fmt: skip
        results: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in steps}
        for _ in range(args.repeat):
            for name, step in steps:
                results[name].append(meter.measure(step))
        print(f"\n{'step':28} {'stall median':>13} {'stall worst':>12} {'wall median':>12}")
        worst_all = 0.0
        for name, rows in results.items():
            stalls = [r[0] * 1000 for r in rows]
            walls = [r[1] * 1000 for r in rows]
            worst_all = max(worst_all, max(stalls))
            print(
                f"{name:28} {statistics.median(stalls):10.1f} ms {max(stalls):9.1f} ms "
                f"{statistics.median(walls):9.1f} ms"
            )
        print(f"(whole district {full})")
        worst_clerk = clerk_session(window, args.repeat)
        load = os.getloadavg()[0]
        print(f"\nload average {load:.1f} on {os.cpu_count()} cores")
        print(f"longest stall on the database: {max(worst_all, worst_clerk):.1f} ms "
              "(goal: under 100 ms)")  # fmt: skip
        window.close_project()
        window.close()
    finally:
        if server is not None:
            server.stop()
    return 0


def store_village_extent(window: object) -> tuple[float, float, float, float]:
    """The bounds of the project's first village (a view of a few thousand parcels)."""
    store = window.store
    fid = store.execute_sql("SELECT fid FROM villages ORDER BY fid LIMIT 1")[0][0]
    from qjgis.lookup import feature_bounds

    return feature_bounds(store, "villages", [int(fid)])[int(fid)]


def case_panel_and_dashboard(window: object, repeat: int) -> int:
    """Issue 16: the first and later case panels of a ruin, the dashboard's first and
    later showings, at the district's full extent (every finding outline in view).

    Each round closes and reopens the project, so "first" is first for that project
    (widgets that live with the window are built once, as for a clerk). A 5 ms timer
    records the longest gap; the project needs cases (`case PROJECT open --from-checks`).
    """
    wb = window.workbench
    path = window.project_path
    store = window.store
    ruins = store.execute_sql(
        "SELECT building_fid FROM ruin_cases ORDER BY fid LIMIT ?", [repeat * 3 + 3]
    )
    if not ruins:
        print("no ruin cases: run `case PROJECT open --from-checks` first")
        return 1
    from qjgis.lookup import feature_bounds

    centres = []
    for (fid,) in ruins:
        x0, y0, x1, y1 = feature_bounds(store, "buildings", [int(fid)])[int(fid)]
        centres.append(((x0 + x1) / 2, (y0 + y1) / 2))
    meter = StallMeter(interval_ms=5)
    steps = ("first case panel", "later case panel", "first dashboard", "dashboard level")
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in steps}
    cpu: dict[str, list[float]] = {name: [] for name in steps}

    def measure(name: str, step: Callable[[], object], settle_s: float = 0.5) -> None:
        results[name].append(meter.measure(step, settle_s=settle_s))
        cpu[name].append(meter.worst_cpu)

    for round_ in range(repeat):
        if round_:
            window.open_project(path)
        window.canvas.zoom_to_full_extent()
        wb.cases_dock.hide()
        wb.findings_dock.raise_()  # the dashboard is a hidden tab behind it
        settle(window)
        a, b = centres[2 * round_ % len(centres)], centres[(2 * round_ + 1) % len(centres)]

        def panel(x: float, y: float) -> None:
            wb.identify_at(x, y)
            wb.cases_dock.show()
            wb.cases_dock.raise_()

        measure("first case panel", lambda a=a: panel(*a))
        measure("later case panel", lambda b=b: panel(*b))
        dash = wb.dashboard_dock
        measure("first dashboard", lambda dash=dash: (dash.show(), dash.raise_()))
        level = dash.level
        measure(
            "dashboard level",
            lambda level=level: level.setCurrentIndex((level.currentIndex() + 1) % 3),
            settle_s=0.15,
        )
    load = os.getloadavg()[0]
    print(f"\nload average {load:.1f} on {os.cpu_count()} cores; {repeat} rounds")
    print(f"{'step':18} {'stall median':>13} {'worst':>9} {'GUI CPU median':>15} "
          f"{'worst':>9}  stalls (ms)")  # fmt: skip
    for name, rows in results.items():
        stalls = [r[0] * 1000 for r in rows]
        cpus = [c * 1000 for c in cpu[name]]
        print(
            f"{name:18} {statistics.median(stalls):10.1f} ms {max(stalls):6.1f} ms "
            f"{statistics.median(cpus):12.1f} ms {max(cpus):6.1f} ms  {[round(s) for s in stalls]}"
        )
    window.close_project()
    window.close()
    return 0


def settle(window: object, seconds: float = 3.0) -> None:
    """Let the map finish drawing (off the GUI thread) before a step starts."""
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        pump(20)
        if time.perf_counter() - start > 0.5 and window.canvas.frame_ready():
            break


if __name__ == "__main__":
    raise SystemExit(main())
