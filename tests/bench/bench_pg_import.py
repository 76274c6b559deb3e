"""Benchmark: `import` into a PostgreSQL database against the same import into a GeoPackage.

Not a test: prints figures (recorded in docs/benchmarks.md). Usage:

    .venv/bin/python tests/bench/bench_pg_import.py [--parcels 20000 ...] [--repeat 3]
        [--cache DIR]

Starts a throwaway PostgreSQL cluster (tests/qjgis/pg/pgcluster.py: as the `postgres`
user when run as root, on a free loopback port, stopped at the end), builds or reuses the
demo district's survey files of each size (GBK shapefiles and the register, seed 1,
cached in --cache), then, median of --repeat runs, each into a new project:

- into a file: `import_layer` of villages, parcels, buildings and the register into a
  new GeoPackage;
- into a database: the same into a new database holding an empty project (pushed from
  a new file; the push is not timed);
- the re-import of the same parcels file onto the imported parcels (every row matched
  by code and compared: the update path, nothing changed) on both.

Every import runs in this process, one after the other, so both pay the same reading,
checks and reprojection; the ratio is database / file per layer.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "qjgis" / "pg"))

from pgcluster import PgServer, start  # noqa: E402

from qjgis.demo import build_demo  # noqa: E402
from qjgis.io.importer import import_layer  # noqa: E402
from qjgis.pg.store import PgStore  # noqa: E402
from qjgis.pg.transfer import push  # noqa: E402
from qjgis.store import GpkgStore  # noqa: E402

LAYERS = (
    ("villages", "villages.shp"),
    ("parcels", "parcels.shp"),
    ("buildings", "buildings.shp"),
    ("households", "register.xlsx"),
)


def survey_files(parcels: int, cache: Path) -> Path:
    folder = cache / f"qjgis-bench-pg-import-{parcels}-seed1"
    if not (folder / "register.xlsx").exists():
        t0 = time.perf_counter()
        folder.mkdir(parents=True, exist_ok=True)
        build_demo(folder / "demo.gpkg", parcels=parcels, seed=1, shapefiles=folder)
        print(f"  built the survey files in {folder} in {time.perf_counter() - t0:.1f} s")
    return folder


def run_imports(store: object, files: Path) -> dict[str, float]:
    """Seconds of each layer's import, then of the parcels' re-import."""
    out = {}
    for layer, name in LAYERS:
        t0 = time.perf_counter()
        report = import_layer(store, layer, str(files / name))  # type: ignore[arg-type]
        out[layer] = time.perf_counter() - t0
        assert report["counts"]["added"] > 0
    t0 = time.perf_counter()
    report = import_layer(store, "parcels", str(files / "parcels.shp"))  # type: ignore[arg-type]
    out["parcels again"] = time.perf_counter() - t0
    assert report["counts"]["unchanged"] == report["counts"]["read"]
    return out


def bench(server: PgServer, parcels: int, cache: Path, repeat: int) -> None:
    files = survey_files(parcels, cache)
    print(f"\n== {parcels:,} parcels' survey files, median of {repeat}", flush=True)
    on_file: list[dict[str, float]] = []
    on_db: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.gpkg"
        GpkgStore.create(empty).close()
        for k in range(repeat):
            path = Path(tmp) / f"p{k}.gpkg"
            with GpkgStore.create(path) as store:
                on_file.append(run_imports(store, files))
            path.unlink()
            url = server.new_database()
            try:
                push(empty, url)
                with PgStore.open(url) as db:
                    on_db.append(run_imports(db, files))
            finally:
                server.drop_database(url)
    print("| layer | into a GeoPackage s | into PostgreSQL s | ratio |")
    print("|---|---|---|---|")
    for name in on_file[0]:
        f = statistics.median(r[name] for r in on_file)
        d = statistics.median(r[name] for r in on_db)
        print(f"| {name} | {f:.2f} | {d:.2f} | {d / f:.2f} |", flush=True)
    f = statistics.median(sum(r.values()) for r in on_file)
    d = statistics.median(sum(r.values()) for r in on_db)
    print(f"| all | {f:.2f} | {d:.2f} | {d / f:.2f} |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parcels", type=int, nargs="+", default=[20_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cache", default=tempfile.gettempdir(), help="folder of the cached files")
    args = ap.parse_args()
    server = start()
    try:
        for n in args.parcels:
            bench(server, n, Path(args.cache), args.repeat)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
