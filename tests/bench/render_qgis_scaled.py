"""Render benchmark, QGIS side, drawing what ours draws (run by bench_render.py).

Debian's python3 with python3-qgis (QGIS is Qt 5: a separate process). Like
/work/shared/anchors/render_qgis.py, plus what a fair comparison needs: each
layer gets the same scale-dependent visibility as ours (QGIS's "minimum scale"
is our `max_scale`: the most zoomed-out 1:N at which a layer shows), village
labels the same font, size and scale range; the same views, and a pan step.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 render_qgis_scaled.py PROJECT.gpkg SCALES_JSON

SCALES_JSON: {"villages": N|null, "parcels": N|null, "buildings": N|null,
"village_labels": N|null}. Prints one JSON line (seconds, resident MB). QGIS
3.22 may crash while shutting down: the caller reads the line, not the exit code.
"""

import json
import resource
import statistics
import sys
import time

t_start = time.perf_counter()
from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsPalLayerSettings,
    QgsRectangle,
    QgsTextFormat,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QFont  # noqa: E402

QgsApplication.setPrefixPath("/usr", True)
qgs = QgsApplication([], False)
qgs.initQgis()
path, scales = sys.argv[1], json.loads(sys.argv[2])
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
WIDTH, HEIGHT = 1600, 1200

t0 = time.perf_counter()
names = ("buildings", "parcels", "villages")  # QGIS draws the first on top
lyrs = [QgsVectorLayer(f"{path}|layername={n}", n, "ogr") for n in names]
assert all(lyr.isValid() for lyr in lyrs), [lyr.name() for lyr in lyrs if not lyr.isValid()]
for lyr in lyrs:
    limit = scales.get(lyr.name())
    if limit:
        lyr.setScaleBasedVisibility(True)
        lyr.setMinimumScale(float(limit))  # most zoomed out
        lyr.setMaximumScale(1.0)
vil = lyrs[2]
s = QgsPalLayerSettings()
s.fieldName = "name"
s.enabled = True
if scales.get("village_labels"):
    s.scaleVisibility = True
    s.minimumScale = float(scales["village_labels"])
    s.maximumScale = 1.0
fmt = QgsTextFormat()
font = QFont("WenQuanYi Micro Hei")
font.setBold(True)
fmt.setFont(font)
fmt.setSize(11)
s.setFormat(fmt)
vil.setLabeling(QgsVectorLayerSimpleLabeling(s))
vil.setLabelsEnabled(True)
full = QgsRectangle()
for lyr in lyrs:
    full.combineExtentWith(lyr.extent())
t_load = time.perf_counter() - t0


def render(ext):
    ms = QgsMapSettings()
    ms.setLayers(lyrs)
    ms.setDestinationCrs(lyrs[1].crs())
    ms.setOutputSize(QSize(WIDTH, HEIGHT))
    ms.setOutputDpi(96)
    ms.setExtent(ext)
    job = QgsMapRendererSequentialJob(ms)
    job.start()
    job.waitForFinished()
    return job.renderedImage(), ms.scale()


t = time.perf_counter()
_, full_scale = render(full)
t_first = time.perf_counter() - t


def timed(ext):
    runs = []
    for _ in range(repeats):
        t = time.perf_counter()
        render(ext)
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


cx, cy = full.center().x(), full.center().y()
half_w, half_h = 1000.0, 750.0
village = QgsRectangle(cx - half_w, cy - half_h, cx + half_w, cy + half_h)
res = {
    "load_s": round(t_load, 4),
    "first_frame_s": round(t_first, 4),
    "open_to_first_frame_s": round(t_load + t_first, 4),
    "full_scale": round(full_scale),
}
res["full_labels_s"] = round(timed(full), 4)
render(village)
res["km2_labels_s"] = round(timed(village), 4)
_, res["km2_scale"] = render(village)
res["km2_scale"] = round(res["km2_scale"])
# A pan step: the 2 km view moved 160 px (a tenth of its width) east, then again.
step = 2 * half_w / 10
pans = []
for k in range(1, 2 * repeats + 1):
    ext = QgsRectangle(cx - half_w + k * step, cy - half_h, cx + half_w + k * step, cy + half_h)
    t = time.perf_counter()
    render(ext)
    pans.append(time.perf_counter() - t)
res["pan_step_s"] = round(statistics.median(pans), 4)
res["maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
with open("/proc/self/status") as f:
    res["rss_mb"] = next(round(int(x.split()[1]) / 1024) for x in f if x.startswith("VmRSS"))
print(json.dumps(res), flush=True)
