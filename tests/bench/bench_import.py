"""Benchmark: importing the demo district's GBK shapefiles, against `ogr2ogr -f GPKG`.

Not a test: prints figures (recorded in docs/benchmarks.md). Usage:

    .venv/bin/python tests/bench/bench_import.py [N ...] [--cache DIR] [--batch ROWS]
        [--repeat K] [--shp DIR ...] [--with-geopandas] [--register [--cli] [--no-openpyxl]]

For each size N (default 100000 parcels) it builds the demo district with its
survey files (seed 1), or reuses the copy cached in --cache (default /tmp); sizes
above 100,000 are copies of the 100,000-parcel district side by side. `--shp DIR`
adds a folder of demo shapefiles as it is (e.g. the 1,000,000-parcel district).
`--repeat K` runs each tool K times and prints the medians. Then,
on the same files in the same run, for parcels.shp and buildings.shp:

- ogr2ogr: `ogr2ogr -f GPKG OUT.gpkg FILE.shp` (GDAL's own copy: no checks, no
  mapping, no undo records);
- ours: `qjgis.io.importer.import_layer` into a new empty project, in a child
  process: encoding detection, mapping, per-row checks, reprojection test, the
  GeoPackage write with its R-tree and indexes, the batch rows for undo, one
  transaction.

Each runs in its own child process under `/usr/bin/time`, which gives the wall
time, the CPU time (user + system: less sensitive to other load on the machine)
and the peak resident memory of that process alone.

`--register` measures the household register instead (issue 10 point 9): the
same district's register.xlsx imported against its parcels.shp, each into a new
project in its own child process, and the ratio register / parcels (goal ≤ 2);
then reading the workbook alone with openpyxl (read-only, values), with python-calamine,
and as the import reads it (python-calamine on a copy with each sheet's merged ranges in
front, qjgis.io.xlsx_merges). The runs are interleaved (parcels, register,
parcels, ...), so that a change of load on the machine touches both alike.
`--register --cli` also times both imports as a user runs them, `python main.py import
PROJECT SOURCE --layer ...` (without pandas/geopandas, as the app's install) into a new
project (made by `main.py new`, not timed): the command line's own start-up counts for
both, and a register's workbook starts parsing on another core during it
(qjgis.io.workbook).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from qjgis.demo import build_demo  # noqa: E402

_OURS = """
import sys
# The app's install has no pandas/geopandas (geopandas is the `bench` extra), and
# pyogrio imports them at start-up when present (0.17 s CPU here): leave them out,
# as the app does, unless --with-geopandas.
if sys.argv[5] == "0":
    sys.modules["pandas"] = sys.modules["geopandas"] = None
from qjgis.io.importer import import_layer
from qjgis.store import GpkgStore
store = GpkgStore.create(sys.argv[1])
report = import_layer(store, sys.argv[2], sys.argv[3], batch_size=int(sys.argv[4]))
store.close()
assert report["counts"]["added"] == report["counts"]["read"] > 0
"""


#: `python main.py ARGS` as the app's install runs it: without pandas/geopandas, which
#: pyogrio imports at start-up when present (they are only the bench extra's)
_CLI = """
import sys
sys.modules["pandas"] = sys.modules["geopandas"] = None
from ui.launch import main
sys.exit(main(sys.argv[1:]))
"""


#: what every import child pays before its own work: the interpreter, the imports, a new
#: project (the register's floor is this plus calamine's parse of the workbook)
_FIXED = """
import sys
sys.modules["pandas"] = sys.modules["geopandas"] = None
from qjgis.io.importer import import_layer
from qjgis.store import GpkgStore
GpkgStore.create(sys.argv[1]).close()
"""


_READ = """
import sys, time
from pathlib import Path
t = time.perf_counter()
if sys.argv[2] == "openpyxl":
    from openpyxl import load_workbook
    wb = load_workbook(sys.argv[1], read_only=True, data_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
elif sys.argv[2] == "calamine":
    from python_calamine import CalamineWorkbook
    wb = CalamineWorkbook.from_path(sys.argv[1])
    rows = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    wb.close()
else:  # as the import reads it: the merged ranges moved in front (qjgis.io.xlsx_merges)
    from qjgis.io.workbook import open_workbook
    wb = open_workbook(sys.argv[1])
    rows = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    wb.close()
assert len(rows) > 1
"""


def timed(cmd: list[str]) -> dict[str, float]:
    """Wall s, CPU s and peak RSS MiB of one child process, from GNU time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        subprocess.run(
            ["/usr/bin/time", "-o", out.name, "-f", "%e %U %S %M", *cmd],
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
        )
        wall, user, sys_, rss_kb = out.read().split()[-4:]
    return {"wall": float(wall), "cpu": float(user) + float(sys_), "rss": int(rss_kb) / 1024}


#: The largest district the demo generator builds reliably; larger files are tiles of it.
BASE = 100_000


def survey_files(n: int, cache: Path) -> Path:
    folder = cache / f"qjgis-bench-import-{n}"
    if not (folder / "shp" / "buildings.shp").exists():
        folder.mkdir(parents=True, exist_ok=True)
        if n <= BASE:
            print(f"building the demo district with {n:,} parcels ...", flush=True)
            build_demo(folder / "demo.gpkg", parcels=n, seed=1, shapefiles=folder / "shp")
        else:
            tile(survey_files(BASE, cache), folder / "shp", -(-n // BASE))
    return folder / "shp"


def tile(base: Path, out: Path, copies: int) -> None:
    """`copies` copies of the base district, 40 km apart northwards, codes kept unique.

    The copy number goes into the first serial digit of the parcel code (and so of the
    unit code), which the demo leaves 0: every code stays well-formed and unique.
    Written a copy at a time (GBK, appended), so memory stays that of one copy.
    """
    from pyogrio import raw

    out.mkdir(parents=True, exist_ok=True)
    print(f"tiling {copies} copies of {base} ...", flush=True)
    for layer in ("parcels", "buildings"):
        meta, _, wkb, fields = raw.read(str(base / f"{layer}.shp"), encoding="GBK")
        names = list(meta["fields"])
        geoms = shapely.from_wkb(wkb)
        for t in range(copies):
            moved = shapely.transform(geoms, lambda c, t=t: c + np.array([0.0, 40_000.0 * t]))
            cols = []
            for name, values in zip(names, fields, strict=True):
                if values.dtype == object:
                    # as the demo writes text: "" for none, fixed width, so the DBF
                    # fields keep the demo's widths instead of GDAL's 254 for objects
                    values = np.array(["" if v is None else v for v in values], dtype=str)
                if name in ("ZDDM", "BDCDYH"):
                    values = np.array([v[:14] + str(t) + v[15:] if v else v for v in values])
                cols.append(values)
            raw.write(
                str(out / f"{layer}.shp"), shapely.to_wkb(moved), cols, names,
                driver="ESRI Shapefile", geometry_type="MultiPolygon", crs="EPSG:4524",
                encoding="GBK", promote_to_multi=True, append=t > 0,
            )  # fmt: skip


def _count(shp: Path) -> int:
    out = subprocess.run(
        ["ogrinfo", "-so", "-al", str(shp)], capture_output=True, text=True, check=True
    ).stdout
    return int(out.split("Feature Count: ")[1].split()[0])


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: float(np.median([r[k] for r in runs])) for k in runs[0]}


def bench_register(
    n: int, shp: Path, repeat: int, cli: bool = False, openpyxl: bool = True
) -> None:
    """Register vs parcels import of one district, and the workbook read alone."""
    register = shp / "register.xlsx"
    if not register.exists():
        print(f"{shp}: no register.xlsx (the district's register is split by town)")
        return
    runs: dict[str, list[dict[str, float]]] = {}
    main_py = str(ROOT / "main.py")
    load = os.getloadavg()  # other work on the machine: quoted with the figures
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            for layer, src in (("parcels", shp / "parcels.shp"), ("households", register)):
                for f in Path(tmp).glob("*.gpkg*"):
                    f.unlink()
                runs.setdefault(layer, []).append(timed(
                    [sys.executable, "-c", _OURS, f"{tmp}/{layer}.gpkg", layer, str(src),
                     "20000", "0"]
                ))  # fmt: skip
            for layer, src in (("parcels", shp / "parcels.shp"), ("households", register)):
                if not cli:
                    break
                for f in Path(tmp).glob("*.gpkg*"):
                    f.unlink()
                project = f"{tmp}/cli-{layer}.gpkg"
                subprocess.run(
                    [sys.executable, main_py, "new", project], check=True, cwd=ROOT,
                    env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
                )  # fmt: skip
                runs.setdefault(f"cli-{layer}", []).append(timed(
                    [sys.executable, "-c", _CLI, "import", project, str(src), "--layer", layer]
                ))  # fmt: skip
            readers = ("calamine", "ours", "openpyxl")
            for reader in readers if openpyxl else readers[:2]:
                runs.setdefault(reader, []).append(
                    timed([sys.executable, "-c", _READ, str(register), reader])
                )
            for f in Path(tmp).glob("*.gpkg*"):
                f.unlink()
            runs.setdefault("fixed", []).append(
                timed([sys.executable, "-c", _FIXED, f"{tmp}/fixed.gpkg"])
            )
    m = {k: _median(v) for k, v in runs.items()}
    p, h = m["parcels"], m["households"]
    end = os.getloadavg()[0]
    print(f"district of {n:,} parcels, medians of {repeat} "
          f"(load average {load[0]:.1f} at the start, {end:.1f} at the end):")  # fmt: skip
    print(f"  import parcels.shp    {p['wall']:6.2f} s (cpu {p['cpu']:6.2f})")
    print(f"  import register.xlsx  {h['wall']:6.2f} s (cpu {h['cpu']:6.2f})")
    print(f"  ratio register / parcels: wall {h['wall'] / p['wall']:.2f}, "
          f"cpu {h['cpu'] / p['cpu']:.2f} (goal <= 2)")  # fmt: skip
    if cli:
        cp, ch = m["cli-parcels"], m["cli-households"]
        print(f"  as a user runs it (python main.py import ...), medians of {repeat}:")
        print(f"    parcels.shp    {cp['wall']:6.2f} s (cpu {cp['cpu']:6.2f})")
        print(f"    register.xlsx  {ch['wall']:6.2f} s (cpu {ch['cpu']:6.2f})")
        print(f"    ratio register / parcels: wall {ch['wall'] / cp['wall']:.2f}, "
              f"cpu {ch['cpu'] / cp['cpu']:.2f}")  # fmt: skip
    fixed = m["fixed"]["cpu"]
    print(f"  fixed cost of a child (interpreter, imports, new project): cpu {fixed:.2f}; "
          f"own work: parcels {p['cpu'] - fixed:.2f}, register {h['cpu'] - fixed:.2f}")  # fmt: skip
    c = m["calamine"]
    o = m["ours"]
    print(f"  read the workbook: calamine {c['wall']:.2f} s (cpu {c['cpu']:.2f}); as the import "
          f"reads it, merged ranges in front: {o['wall']:.2f} s (cpu {o['cpu']:.2f})")  # fmt: skip
    if openpyxl:
        o = m["openpyxl"]
        print(f"  read the workbook: openpyxl {o['wall']:.2f} s (cpu {o['cpu']:.2f}), "
              f"openpyxl / calamine cpu {o['cpu'] / c['cpu']:.1f}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[100_000])
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()))
    ap.add_argument("--batch", type=int, default=20_000, help="rows per slice (ours)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each; medians shown")
    ap.add_argument(
        "--shp", type=Path, action="append", default=[],
        help="a folder of demo shapefiles to measure as well (e.g. /tmp/qjgis-demo-1m-shp)",
    )  # fmt: skip
    ap.add_argument("--with-geopandas", action="store_true", help="let pyogrio import pandas")
    ap.add_argument(
        "--cli", action="store_true",
        help="with --register: also time both imports through python main.py import",
    )  # fmt: skip
    ap.add_argument(
        "--no-openpyxl", action="store_true",
        help="with --register: leave out reading the workbook with openpyxl (10 s a run)",
    )  # fmt: skip
    ap.add_argument(
        "--register", action="store_true",
        help="the household register against the parcels of the same district",
    )  # fmt: skip
    args = ap.parse_args()
    if args.register:
        for n in args.sizes:
            bench_register(
                n, survey_files(n, args.cache), args.repeat, args.cli, not args.no_openpyxl
            )
        return
    rows = []
    folders = [(n, survey_files(n, args.cache)) for n in args.sizes]
    folders += [(_count(shp / "parcels.shp"), shp) for shp in args.shp]
    for n, shp in folders:
        with tempfile.TemporaryDirectory() as tmp:
            for layer in ("parcels", "buildings"):
                src = str(shp / f"{layer}.shp")
                mb = sum(p.stat().st_size for p in shp.glob(f"{layer}.*")) / 2**20
                runs_gdal, runs_ours = [], []
                for _ in range(args.repeat):
                    for f in Path(tmp).glob("*.gpkg*"):
                        f.unlink()
                    runs_gdal.append(
                        timed(["ogr2ogr", "-f", "GPKG", f"{tmp}/{layer}-ogr.gpkg", src])
                    )
                    runs_ours.append(timed(
                        [sys.executable, "-c", _OURS, f"{tmp}/{layer}-ours.gpkg", layer, src,
                         str(args.batch), "1" if args.with_geopandas else "0"]
                    ))  # fmt: skip
                gdal, ours = _median(runs_gdal), _median(runs_ours)
                features = _count(Path(src))
                rows.append((n, layer, features, mb, gdal, ours))
                g, o = gdal, ours
                print(
                    f"{n:>9,} {layer:<9} {features:>9,} rows {mb:7.1f} MiB | "
                    f"ogr2ogr {g['wall']:6.1f} s (cpu {g['cpu']:6.1f}) {g['rss']:6.0f} MiB | "
                    f"ours {o['wall']:6.1f} s (cpu {o['cpu']:6.1f}) {o['rss']:6.0f} MiB | "
                    f"ratio wall {o['wall'] / g['wall']:.2f} cpu {o['cpu'] / g['cpu']:.2f}",
                    flush=True,
                )
    print()
    print("| parcels (demo) | layer | rows | files MiB | ogr2ogr s (cpu) | ours s (cpu) | "
          "ratio wall / cpu | ogr2ogr peak MiB | ours peak MiB |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for n, layer, features, mb, g, o in rows:
        print(
            f"| {n:,} | {layer} | {features:,} | {mb:.0f} | {g['wall']:.1f} ({g['cpu']:.1f}) | "
            f"{o['wall']:.1f} ({o['cpu']:.1f}) | {o['wall'] / g['wall']:.2f} / "
            f"{o['cpu'] / g['cpu']:.2f} | {g['rss']:.0f} | {o['rss']:.0f} |"
        )


if __name__ == "__main__":
    main()
