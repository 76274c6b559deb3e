"""Benchmark: the project on PostgreSQL + PostGIS (issue 17's goals).

Not a test: prints figures (recorded in docs/benchmarks.md). Usage:

    .venv/bin/python tests/bench/bench_pg.py [--parcels 100000 1000000] [--repeat 3]

Starts a throwaway PostgreSQL cluster (tests/qjgis/pg/pgcluster.py: as the `postgres`
user when run as root, on a free loopback port, stopped at the end), builds or reuses the
demo district of each size (cached in --cache), then measures, median of --repeat runs:

- push: `qjgis.pg.transfer.push` of the file into a new database, against
  `ogr2ogr -f PostgreSQL` (the system's GDAL) of the same file into another new database
  (every table of the file, GDAL's COPY path; goal: push <= 1.0x ogr2ogr);
- pull: `qjgis.pg.transfer.pull` back into a new file (no goal; for the record);
- the full check: `evaluate()` of every registered rule, reading included, on the file
  and on the database (goal: database <= 1.5x file).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "qjgis" / "pg"))

from pgcluster import PgServer, start  # noqa: E402

from qjgis.checks.engine import evaluate  # noqa: E402
from qjgis.demo import AS_OF, build_demo  # noqa: E402
from qjgis.pg.store import PgStore  # noqa: E402
from qjgis.pg.transfer import pull, push  # noqa: E402
from qjgis.store import GpkgStore  # noqa: E402


def demo_file(parcels: int, cache: Path) -> Path:
    path = cache / f"qjgis-bench-demo-{parcels}-seed1.gpkg"
    if not path.exists():
        t0 = time.perf_counter()
        build_demo(path, parcels=parcels, seed=1)
        print(f"  built {path.name} in {time.perf_counter() - t0:.1f} s", flush=True)
    return path


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def median_of(repeat: int, setup: Callable[[], str], body: Callable[[str], object],
              teardown: Callable[[str], None]) -> float:  # fmt: skip
    times = []
    for _ in range(repeat):
        target = setup()
        try:
            times.append(timed(lambda target=target: body(target)))
        finally:
            teardown(target)
    return statistics.median(times)


def ogr2ogr(server: PgServer, path: Path, url: str) -> None:
    dbname = url.rsplit("/", 1)[1]
    subprocess.run(
        ["ogr2ogr", "-f", "PostgreSQL", f"PG:{server.conninfo(dbname)}", str(path)],
        check=True, capture_output=True,
    )  # fmt: skip


def bench(server: PgServer, parcels: int, cache: Path, repeat: int, only: set[str]) -> None:
    path = demo_file(parcels, cache)
    # A cached file of an older schema is migrated first (push takes today's schema only).
    with GpkgStore.open(path):
        pass
    size = path.stat().st_size / 1e6
    print(f"\n== {parcels:,} parcels ({size:.0f} MB file), median of {repeat}", flush=True)
    if "push" in only:
        ours = median_of(repeat, server.new_database, lambda u: push(path, u), server.drop_database)
        gdal = median_of(
            repeat, server.new_database, lambda u: ogr2ogr(server, path, u), server.drop_database
        )
        print(f"push            {ours:8.2f} s   ogr2ogr -f PostgreSQL {gdal:8.2f} s   "
              f"ratio {ours / gdal:.2f} (goal <= 1.0)", flush=True)  # fmt: skip
    if not only & {"pull", "check"}:
        return

    url = server.new_database()
    try:
        t_push = timed(lambda: push(path, url))
        print(f"  (pushed in {t_push:.1f} s)", flush=True)
        if "pull" in only:
            with tempfile.TemporaryDirectory() as tmp:
                pulls = []
                for k in range(repeat):
                    out = Path(tmp) / f"pull{k}.gpkg"
                    pulls.append(timed(lambda out=out: pull(url, out)))
                    out.unlink()
            print(f"pull            {statistics.median(pulls):8.2f} s", flush=True)
        if "check" not in only:
            return
        on_file, on_db = [], []
        for _ in range(repeat):
            with GpkgStore.open(path) as store:
                on_file.append(timed(lambda store=store: evaluate(store, as_of=AS_OF)))
            with PgStore.open(url) as pg:
                on_db.append(timed(lambda pg=pg: evaluate(pg, as_of=AS_OF)))
        f, d = statistics.median(on_file), statistics.median(on_db)
        print(f"full check      file {f:8.2f} s   database {d:8.2f} s   "
              f"ratio {d / f:.2f} (goal <= 1.5)", flush=True)  # fmt: skip
    finally:
        server.drop_database(url)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parcels", type=int, nargs="+", default=[100_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cache", default="/tmp", help="folder of the cached demo files")
    ap.add_argument(
        "--only", nargs="+", choices=["push", "pull", "check"], default=["push", "pull", "check"],
        help="measure only these (the 1,000,000-parcel check alone: --only check)",
    )  # fmt: skip
    args = ap.parse_args()
    server = start()
    try:
        for n in args.parcels:
            bench(server, n, Path(args.cache), args.repeat, set(args.only))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
