"""Benchmark: does WAL crash a process that reads the project through two copies of SQLite?

    .venv/bin/python tests/bench/bench_wal_crash.py [--runs N] [--seconds S] [--variants a,b]

Not a test: prints, per variant, how many of N child processes died by a signal (SIGBUS,
SIGSEGV), how many reads GDAL made, how many failed (GDAL waits for no lock), and how often
GDAL saw fewer rows than were committed before its read began (a stale read).

Each child opens one project and, for S seconds, on three threads at once:
- writes through Python's `sqlite3` (qjgis's own writes): small committed transactions;
- reads through Python's `sqlite3`, opening a fresh connection each time (a second store,
  the checks' second reader);
- reads through pyogrio's GDAL, which links its own copy of SQLite (the checks' scans,
  exports): open, count the rows, close.

Variants:
- `delete`: the rollback journal, as qjgis keeps it;
- `wal`: WAL mode;
- `wal-mmap0`: WAL, and `PRAGMA mmap_size = 0` on every Python connection;
- `wal-nolock`: WAL, GDAL opens with the GPKG driver's NOLOCK=YES;
- `wal-immutable`: WAL, GDAL opens with IMMUTABLE=YES.
"""

from __future__ import annotations

import argparse
import collections
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import sqlite3, sys, threading, time
    sys.path.insert(0, {root!r})
    import collections
    from pyogrio import raw
    from qjgis import gpkg

    path, variant, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    wal = variant.startswith("wal")
    options = {{}}
    if variant == "wal-nolock":
        options["NOLOCK"] = "YES"
    if variant == "wal-immutable":
        options["IMMUTABLE"] = "YES"

    def connect():
        conn = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
        if variant == "wal-mmap0":
            conn.execute("PRAGMA mmap_size = 0")
        return conn

    first = connect()
    gpkg.register_functions(first)
    first.execute("PRAGMA journal_mode = " + ("WAL" if wal else "DELETE"))
    stop = time.monotonic() + seconds
    committed = [first.execute("SELECT count(*) FROM demo_truth").fetchone()[0]]
    errors = collections.Counter()
    stats = {{"writes": 0, "sql_reads": 0, "gdal_reads": 0, "stale": 0, "errors": 0}}

    def writer():
        i = 0
        while time.monotonic() < stop:
            first.execute("BEGIN IMMEDIATE")
            for _ in range(50):
                first.execute(
                    "INSERT INTO demo_truth (rule_id, entity_kind, entity_key, note) "
                    "VALUES ('X', 'p', ?, hex(randomblob(200)))", (f"k{{i}}",))
                i += 1
            first.execute("COMMIT")
            committed[0] += 50
            stats["writes"] += 1

    def sql_reader():
        while time.monotonic() < stop:
            conn = connect()
            conn.execute("SELECT count(*) FROM demo_truth").fetchone()
            conn.close()
            stats["sql_reads"] += 1

    def gdal_reader():
        while time.monotonic() < stop:
            before = committed[0]
            try:
                got = raw.read(path, sql="SELECT count(*) AS n FROM demo_truth",
                               read_geometry=False, **options)
            except Exception as exc:
                stats["errors"] += 1
                errors[type(exc).__name__ + ": " + str(exc)[:60]] += 1
                continue
            stats["gdal_reads"] += 1
            if int(got[3][0][0]) < before:
                stats["stale"] += 1

    threads = [threading.Thread(target=f) for f in (writer, sql_reader, gdal_reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    first.close()
    print(" ".join(f"{{k}}={{v}}" for k, v in stats.items()))
    for text, n in errors.most_common(2):
        print(f"{{n}} x {{text}}", file=sys.stderr)
    """
).format(root=str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--variants", default="delete,wal,wal-mmap0,wal-nolock,wal-immutable")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from qjgis.store import GpkgStore

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.gpkg"
        GpkgStore.create(base).close()
        for variant in args.variants.split(","):
            outcomes: collections.Counter[str] = collections.Counter()
            totals: collections.Counter[str] = collections.Counter()
            for run in range(args.runs):
                path = Path(tmp) / f"{variant}-{run}.gpkg"
                path.write_bytes(base.read_bytes())
                proc = subprocess.run(
                    [sys.executable, "-c", CHILD, str(path), variant, str(args.seconds)],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if proc.returncode < 0:
                    outcomes[signal.Signals(-proc.returncode).name] += 1
                elif proc.returncode:
                    outcomes[f"exit {proc.returncode}"] += 1
                    print(proc.stderr[-500:], file=sys.stderr)
                else:
                    outcomes["ok"] += 1
                    if run == 0 and proc.stderr.strip():
                        print("   first run's GDAL errors:", proc.stderr.strip()[:300])
                    for part in proc.stdout.split():
                        key, value = part.split("=")
                        totals[key] += int(value)
                for leftover in Path(tmp).glob(f"{variant}-{run}.gpkg*"):
                    leftover.unlink()
            print(
                f"{variant:14s} {args.runs} runs: "
                + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
                + " | "
                + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())),
                flush=True,
            )


if __name__ == "__main__":
    main()
