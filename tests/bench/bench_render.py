"""Benchmark: the map at district scale, ours against QGIS on the same GeoPackage, in one run.

Not a test: prints figures and ratios (recorded in docs/benchmarks.md). Usage:

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_render.py PROJECT.gpkg ...
        [--demo N --cache DIR] [--repeat K] [--no-qgis]

Each project (or the demo district of N parcels, built once into --cache) is
measured at 1600 x 1200, 96 dpi, in a child process of its own, so that its
resident memory is the map's alone:

- open to first frame: open the project (its page check deferred to a worker,
  as the window does; timed apart), make the layers, draw the full extent with
  village labels, until the image is complete;
- full extent with labels, 2 km view (centre of the project) with labels:
  medians of K renderings after one warm-up;
- a pan step: the 2 km view moved 160 px east, K * 2 times in a row (each step
  reads the tiles it has not seen);
- resident memory after opening, viewing and panning (VmRSS) and the peak;
- the GUI-thread stall: the map canvas widget (frames drawn on its worker, the
  previous one moved or scaled on the GUI thread) driven by 30 mouse drags of
  160 px and 10 wheel steps of three notches, 50 ms apart, from town scale in to
  village scale and out, three times, while a 5 ms QTimer records the longest
  gap between its ticks: the time the GUI thread was not free (median of the
  three runs' longest gaps, and each).

QGIS (Debian's python3-qgis 3.22, when installed) runs tests/bench/render_qgis_scaled.py
on the same file in a separate process (it is Qt 5), with the same
scale-dependent visibility as ours (the project's map.* settings), so both
draw the same things. The machine is shared: figures are medians and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
QGIS_PYTHON = "/usr/bin/python3"

_OURS = r"""
import json, resource, statistics, sys, time
t_start = time.perf_counter()
from PySide6.QtCore import QElapsedTimer, QSize, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from layers import MapRenderer, ViewTransform, load_layers
from qjgis.store import GpkgStore

path, repeats = sys.argv[1], int(sys.argv[2])
reference = len(sys.argv) > 3 and sys.argv[3] == "reference"
W, H = 1600, 1200
size = QSize(W, H)
res = {}

def rss_mb():
    with open("/proc/self/status") as f:
        return next(round(int(x.split()[1]) / 1024) for x in f if x.startswith("VmRSS"))

res["rss_start_mb"] = rss_mb()
t0 = time.perf_counter()
store = GpkgStore.open(path, verify=False)  # as the window does: the page check runs aside
layers = load_layers(store, reference=reference)  # as the window: with the reference layers
renderer = MapRenderer(layers)
full = renderer.full_extent()
res["open_s"] = round(time.perf_counter() - t0, 4)
image = renderer.render_image(full, size)
res["open_to_first_frame_s"] = round(time.perf_counter() - t0, 4)
res["full_scale"] = round(renderer.last_stats.scale)
res["full_features"] = renderer.last_stats.features
res["full_labels"] = renderer.last_stats.labels

def timed(extent):
    runs = []
    for _ in range(repeats):
        t = time.perf_counter()
        renderer.render_image(extent, size)
        runs.append(time.perf_counter() - t)
    return round(statistics.median(runs), 4)

t = time.perf_counter()
GpkgStore.check_file(path)
res["check_file_s"] = round(time.perf_counter() - t, 4)
t = time.perf_counter()
store.counts()
res["counts_s"] = round(time.perf_counter() - t, 4)
res["full_labels_s"] = timed(full)
cx, cy = (full[0] + full[2]) / 2, (full[1] + full[3]) / 2
km2 = (cx - 1000, cy - 750, cx + 1000, cy + 750)
t = time.perf_counter()
renderer.render_image(km2, size)
res["km2_cold_s"] = round(time.perf_counter() - t, 4)
res["km2_labels_s"] = timed(km2)
res["km2_scale"] = round(renderer.last_stats.scale)
res["km2_features"] = renderer.last_stats.features
step = 200.0  # 160 px at 1.25 m a pixel
pans = []
for k in range(1, 2 * repeats + 1):
    e = (km2[0] + k * step, km2[1], km2[2] + k * step, km2[3])
    t = time.perf_counter()
    renderer.render_image(e, size)
    pans.append(time.perf_counter() - t)
res["pan_step_s"] = round(statistics.median(pans), 4)
res["pan_step_max_s"] = round(max(pans), 4)
res["rss_mb"] = rss_mb()

# The GUI thread while panning and zooming the canvas widget: wheel steps about
# the cursor and mouse drags, 50 ms apart, from town scale in to village scale
# and out, while a 5 ms QTimer records the gaps between its ticks.
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from ui.gui.map_canvas import MapCanvas

canvas = MapCanvas()
canvas.resize(W, H)
canvas.show()
canvas.set_renderer(renderer)
canvas.set_view((cx, cy), 1.25 * 16)
def settle(limit=30.0):
    end = time.perf_counter() + limit
    while not canvas.frame_ready() and time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
settle()
def wheel(notches):
    pos = QPointF(W / 2 + 100, H / 2 - 50)
    ev = QWheelEvent(pos, canvas.mapToGlobal(pos), QPoint(0, 0), QPoint(0, 120 * notches),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                     Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(canvas, ev)
def mouse(kind, x, buttons):
    pos = QPointF(x, H / 2)
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    event = QMouseEvent(kind, pos, pos, button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas, event)
steps = []
for k in range(40):
    if k % 4 == 3:
        steps.append(("wheel", 3 if k < 24 else -3))  # x1.95 in, or out
    else:
        steps.append(("drag", 160))
def stall_run():
    gaps = []
    clock = QElapsedTimer()
    last = [0]
    def tick():
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    done = []
    def step_(k=0):
        if k >= len(steps):
            done.append(True)
            return
        kind, amount = steps[k]
        if kind == "wheel":
            wheel(amount)
        else:
            x = W / 2 - amount / 2
            mouse(QEvent.Type.MouseButtonPress, x, Qt.MouseButton.LeftButton)
            for dx in (40, 80, 120, 160):
                mouse(QEvent.Type.MouseMove, x + dx * amount / 160, Qt.MouseButton.LeftButton)
            mouse(QEvent.Type.MouseButtonRelease, x + amount, Qt.MouseButton.NoButton)
        QTimer.singleShot(50, lambda: step_(k + 1))
    clock.start()
    timer.start()
    step_()
    while not done:
        app.processEvents()
        time.sleep(0.0005)
    settle()
    timer.stop()
    return max(gaps[1:]), sorted(gaps)[int(len(gaps) * 0.99)]
frames_before = canvas._frames.frames
runs = [stall_run() for _ in range(3)]  # the sequence three times, panning on east
res["stall_max_ms"] = statistics.median(r[0] for r in runs)
res["stall_max_runs_ms"] = [r[0] for r in runs]
res["stall_p99_ms"] = statistics.median(r[1] for r in runs)
res["frames_shown"] = canvas._frames.frames - frames_before
res["frames_cancelled"] = len(canvas._frames.queue.cancelled)
canvas.close_renderer()
res["rss_after_stall_mb"] = rss_mb()
res["maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
store.close()
print("RESULT " + json.dumps(res), flush=True)
"""


def run_ours(path: Path, repeats: int, reference: bool = False) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            _OURS,
            str(path),
            str(repeats),
            *(["reference"] if reference else []),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"ours failed on {path}:\n{out.stderr[-3000:]}")
    return json.loads(line[len("RESULT ") :])


def project_scales(path: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from qjgis.store import GpkgStore

    with GpkgStore.open(path) as store:
        s = store.settings()
        return {
            "villages": s["map.villages.max_scale"],
            "parcels": s["map.parcels.max_scale"],
            "buildings": s["map.buildings.max_scale"],
            "village_labels": s["map.villages.label_max_scale"],
        }


def run_qgis(path: Path, repeats: int) -> dict | None:
    if not Path(QGIS_PYTHON).exists():
        return None
    probe = subprocess.run(
        [QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        return None
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)
    out = subprocess.run(
        [
            QGIS_PYTHON,
            str(HERE / "render_qgis_scaled.py"),
            str(path),
            json.dumps(project_scales(path)),
            str(repeats),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    line = next((x for x in out.stdout.splitlines() if x.startswith("{")), None)
    if line is None:
        print(f"QGIS failed on {path}: {out.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(line)


def demo_project(n: int, cache: Path) -> Path:
    path = cache / f"render-demo-{n}.gpkg"
    if not path.exists():
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        tmp = path.with_suffix(".tmp.gpkg")
        tmp.unlink(missing_ok=True)
        subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "demo", str(tmp), "--parcels", str(n)],
            check=True,
            env=env,
        )
        shutil.move(tmp, path)
    return path


ROWS = [
    ("open to first frame (s)", "open_to_first_frame_s", "open_to_first_frame_s", "≤ 1 s"),
    ("full extent, labels (s)", "full_labels_s", "full_labels_s", "≤ 0.5× QGIS"),
    ("2 km view, labels (s)", "km2_labels_s", "km2_labels_s", "≤ 1.0× QGIS"),
    ("pan step (s)", "pan_step_s", "pan_step_s", ""),
    ("resident, opened+viewed+panned (MB)", "rss_mb", "rss_mb", "≤ 1 GB at 1 M"),
    ("peak resident (MB)", "maxrss_mb", "maxrss_mb", ""),
]


def report(path: Path, ours: dict, qgis: dict | None) -> None:
    print(f"\n== {path.name}")
    print(
        f"   scale at full extent 1:{ours['full_scale']:,}; features drawn {ours['full_features']};"
        f" 2 km view 1:{ours['km2_scale']:,}, {ours['km2_features']}"
    )
    print(f"   {'':38} {'ours':>10} {'QGIS':>10} {'ratio':>7}  goal")
    for title, key_o, key_q, goal in ROWS:
        o = ours.get(key_o)
        q = qgis.get(key_q) if qgis else None
        ratio = f"{o / q:.2f}" if o is not None and q else "—"
        qs = f"{q:>10}" if q is not None else f"{'—':>10}"
        print(f"   {title:38} {o:>10} {qs} {ratio:>7}  {goal}")
    print(
        f"   GUI thread while panning/zooming the canvas (40 steps, 50 ms apart, 3 runs):"
        f" longest stall, median of runs {ours['stall_max_ms']} ms {ours['stall_max_runs_ms']},"
        f" p99 {ours['stall_p99_ms']} ms;"
        f" frames shown {ours['frames_shown']}, cancelled {ours['frames_cancelled']}"
    )
    print(
        f"   not in the first frame: the file's page check (on a worker) {ours['check_file_s']} s,"
        f" row counts for the status bar {ours['counts_s']} s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("projects", nargs="*", type=Path)
    ap.add_argument("--demo", type=int, nargs="*", default=[], help="demo sizes (parcels)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-qgis", action="store_true")
    ap.add_argument(
        "--reference",
        action="store_true",
        help="ours also draws the project's reference layers (land use ...), as the window does",
    )
    args = ap.parse_args()
    paths = list(args.projects) + [demo_project(n, args.cache) for n in args.demo]
    if not paths:
        paths = [demo_project(100_000, args.cache)]
    for path in paths:
        ours = run_ours(path, args.repeat, args.reference)
        qgis = None if args.no_qgis else run_qgis(path, args.repeat)
        if qgis is None and not args.no_qgis:
            print("QGIS: not run (python3-qgis is not installed, or it failed)")
        report(path, ours, qgis)
        print("   json: " + json.dumps({"ours": ours, "qgis": qgis}, ensure_ascii=False))


if __name__ == "__main__":
    main()
