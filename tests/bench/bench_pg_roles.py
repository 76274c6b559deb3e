"""Benchmark: what the server's roles and town policies cost (issue 18, points 2 and 3).

Not a test: prints figures (recorded in docs/benchmarks.md). Usage:

    .venv/bin/python tests/bench/bench_pg_roles.py [--parcels 100000] [--repeat 3]

Starts a throwaway PostgreSQL cluster (tests/qjgis/pg/pgcluster.py), pushes the cached demo
district (tests/bench/bench_pg.py's `demo_file`), runs `db init` and adds two surveyor
logins, one for the whole district and one for the first town, then measures, median of
--repeat runs, as the owner (who bypasses row-level security), as the county login (the
town policy is evaluated, and lets every row through) and as the town login (it sees its
town's rows only):

- reading the parcels layer (`read_layer`, geometry included);
- the full check (`evaluate()` of every rule, reading included; no write).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "qjgis" / "pg"))
sys.path.insert(0, str(ROOT / "tests" / "bench"))

from bench_pg import demo_file  # noqa: E402
from pgcluster import start  # noqa: E402

from qjgis.checks.engine import evaluate  # noqa: E402
from qjgis.demo import AS_OF  # noqa: E402
from qjgis.pg import roles  # noqa: E402
from qjgis.pg.store import PgStore  # noqa: E402
from qjgis.pg.transfer import push  # noqa: E402


def median_time(repeat: int, url: str, what: str) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeat):
        with PgStore.open(url) as store:
            t0 = time.perf_counter()
            if what == "read":
                rows = len(store.read_layer("parcels").fids)
            else:
                found = evaluate(store, as_of=AS_OF).results.values()
                rows = sum(len(r.findings) for r in found)
            times.append(time.perf_counter() - t0)
    return statistics.median(times), rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parcels", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cache", default="/tmp", help="folder of the cached demo files")
    args = ap.parse_args()
    path = demo_file(args.parcels, Path(args.cache))
    server = start()
    try:
        url = server.new_database()
        push(path, url)
        t0 = time.perf_counter()
        roles.init_roles(url)
        init = time.perf_counter() - t0
        with PgStore.open(url) as store:
            town = str(store.read_table("towns", ["code"])["code"][0])
        roles.add_user(url, "county", "surveyor")
        roles.add_user(url, "town", "surveyor", town=town)
        logins = {
            "owner": url,
            "county": url.replace(f"://{server.user}@", "://county@"),
            f"town {town}": url.replace(f"://{server.user}@", "://town@"),
        }
        print(f"\n== {args.parcels:,} parcels, median of {args.repeat}; db init {init:.2f} s")
        for what, label in (("read", "read parcels"), ("check", "full check")):
            base = None
            for name, login_url in logins.items():
                seconds, rows = median_time(args.repeat, login_url, what)
                base = base or seconds
                print(f"{label:<13} {name:<16} {seconds:8.3f} s  {rows:>9,} rows/findings  "
                      f"ratio to owner {seconds / base:.2f}", flush=True)  # fmt: skip
    finally:
        server.stop()


if __name__ == "__main__":
    main()
