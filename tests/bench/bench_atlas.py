"""Benchmark: a 1,000-parcel 宗地图 atlas into one PDF, ours against QGIS 3.22's Atlas.

Not a test: prints figures (recorded in docs/benchmarks.md). Usage:

    .venv/bin/python tests/bench/bench_atlas.py [--parcels 1000] [--repeat 3] [--workers 1 2]

It builds the demo district (one town, --parcels parcels, seed 1) with its survey
shapefiles in --cache (default /tmp/qjgis_bench_atlas), runs the checks once (the
atlas's quality gate reads their findings), then times the whole command as a clerk
runs it, interpreter start included:

    python main.py report PROJECT atlas --town 石角镇 --out atlas.pdf --force --workers N

and reports parcels/s (parcels printed / wall seconds, median of --repeat), the CPU
seconds of the command and its workers (steadier than wall time when other jobs share
the cores), and KB per page of the PDF. `--force` prints every parcel, so the count is the town's.

The QGIS side runs in the same invocation when Debian's python3-qgis is importable by
/usr/bin/python3: ../shared/anchors/qgis_atlas.py on the same parcels and buildings
(fields renamed to the anchor's QLR/FWBM/JG/CS), with --qix --text --jzd, its best
set-up (spatial indexes, text as text, J numbers, edge lengths and the 界址点成果表).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

ANCHOR = Path(os.environ.get("QJGIS_ANCHORS", ROOT.parent.parent / "shared" / "anchors"))
ANCHOR = ANCHOR / "qgis_atlas.py"


def prepare(cache: Path, parcels: int) -> tuple[Path, Path]:
    from qjgis.checks.findings import run_checks
    from qjgis.demo import AS_OF, build_demo
    from qjgis.store import GpkgStore

    project = cache / f"atlas_{parcels}.gpkg"
    shapes = cache / f"atlas_{parcels}_shp"
    if not project.exists():
        shapes.mkdir(parents=True, exist_ok=True)
        build_demo(project, parcels=parcels, seed=1, shapefiles=shapes)
        with GpkgStore.open(project) as store:
            run_checks(store, as_of=AS_OF)
    return project, shapes


def ours(project: Path, out: Path, workers: int, town: str) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, str(ROOT / "main.py"), "report", str(project), "atlas"]
    cmd += ["--town", town, "--out", str(out), "--force", "--overwrite", "--json"]
    cmd += ["--workers", str(workers)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(done.stdout)
    return {
        "seconds": seconds,
        # CPU of the command and its worker processes: steadier than wall time on a
        # machine other jobs share
        "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "parcels": result["parcels"],
        "pages": result["pages"],
        "kb_per_page": out.stat().st_size / 1024 / result["pages"],
    }


def qgis_side(shapes: Path, parcels: int, work: Path) -> dict[str, object] | None:
    """The anchor's figures, or None when QGIS's Python is not installed."""
    probe = subprocess.run(["/usr/bin/python3", "-c", "import qgis.core"], capture_output=True)
    if probe.returncode != 0 or not ANCHOR.exists():
        return None
    from pyogrio.raw import read, write

    data = work / "qgis_data"
    data.mkdir(parents=True, exist_ok=True)
    renames = {
        "parcels": {"QLRMC": "QLR"},
        "buildings": {"BDCDYH": "FWBM", "FWJG": "JG", "ZCS": "CS"},
    }
    for layer, names in renames.items():
        meta, _, geometry, values = read(shapes / f"{layer}.shp", encoding="GBK")
        fields = [names.get(f, f) for f in meta["fields"]]
        write(
            data / f"{layer}.shp", geometry, values, fields, geometry_type="MultiPolygon",
            crs=meta["crs"], encoding="UTF-8",
        )  # fmt: skip
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    cmd = ["/usr/bin/python3", str(ANCHOR), str(data), str(parcels), "3", "--qix", "--text",
           "--jzd", "--out", str(work / "qgis_out")]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    for line in done.stdout.splitlines():  # QGIS may crash on exit after printing
        if line.startswith("{"):
            return dict(json.loads(line))
    return {"error": (done.stderr or done.stdout)[-400:]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--parcels", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--cache", type=Path, default=Path("/tmp/qjgis_bench_atlas"))
    ap.add_argument("--no-qgis", action="store_true")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    project, shapes = prepare(args.cache, args.parcels)
    from qjgis.store import GpkgStore

    with GpkgStore.open(project) as store:
        (town,) = store.execute_sql("SELECT name FROM towns ORDER BY code LIMIT 1")[0]
    print(f"cpus {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} at start")
    rows = []
    for workers in args.workers:
        runs = [ours(project, args.cache / f"atlas_w{workers}.pdf", workers, town)
                for _ in range(args.repeat)]  # fmt: skip
        sec = statistics.median(r["seconds"] for r in runs)
        n = runs[0]["parcels"]
        row = {
            "side": f"qjgis, {workers} process(es)",
            "parcels": n,
            "pages": runs[0]["pages"],
            "median_s": round(sec, 2),
            "all_s": [round(r["seconds"], 2) for r in runs],
            "parcels_per_s": round(n / sec, 1),
            "cpu_s_median": round(statistics.median(r["cpu_s"] for r in runs), 2),
            "kb_per_page": round(runs[0]["kb_per_page"], 1),
        }
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False))
    if not args.no_qgis:
        q = qgis_side(shapes, args.parcels, args.cache)
        if q is None:
            print("QGIS: python3-qgis is not installed for /usr/bin/python3; QGIS side skipped")
        else:
            print("QGIS 3.22 atlas (--qix --text --jzd):", json.dumps(q, ensure_ascii=False))
            pps = q.get("single_pdf_pages_per_s")
            if isinstance(pps, int | float) and pps:
                for row in rows:
                    ratio = float(row["parcels_per_s"]) / pps  # type: ignore[arg-type]
                    print(f"{row['side']}: {ratio:.2f}× QGIS's pages/s in this run")


if __name__ == "__main__":
    main()
