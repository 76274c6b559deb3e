"""Benchmark: how long reads are held out while another program imports. Not a test.

    .venv/bin/python tests/bench/bench_busy_read.py SHAPEFILE [--variants a,b] [--every MS]

SHAPEFILE is a parcels layer (another with `--layer`), e.g. from `python main.py demo d.gpkg
--parcels 100000 --shapefiles DIR`. For each page-cache variant a fresh project is made,
`import --layer parcels` runs in a child process (the CLI, as another program would), and this
process reads the project meanwhile: `counts()` on an open store every `--every` ms, plus a
fresh `GpkgStore.open` every tenth time. Printed per variant: the import's time and peak
memory (ru_maxrss of the child), the reads made, how many failed, their median and
largest latency, and the longest stretch the reads were held out.

Variants (what the import's connection is set to; `current` is qjgis as it is):
- `small`: SQLite's default 2 MiB cache, spilling when full: the first spill takes the
  EXCLUSIVE lock until the commit;
- `64mib`: the importer's 64 MiB cache, spilling when full (qjgis before `_SPILL_KIB`);
- `off-in-tx`: 64 MiB and `PRAGMA cache_spill = OFF` inside the transaction, which
  SQLite ignores (it applies that flag only outside a transaction): as `64mib`;
- `current`: the store's spill threshold (`PRAGMA cache_spill = -KiB`, 1 GiB) and the
  importer's 64 MiB cache: the file is locked only while the transaction commits.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from qjgis.errors import QjgisError  # noqa: E402
from qjgis.store import GpkgStore  # noqa: E402

CHILD = textwrap.dedent(
    """
    import contextlib, resource, sys
    sys.path.insert(0, {root!r})
    from qjgis.io import importer

    variant = sys.argv[1]

    @contextlib.contextmanager
    def page_cache(conn, mib=64):
        before = conn.execute("PRAGMA cache_size").fetchone()[0]
        conn.execute(f"PRAGMA cache_size = {{-2048 if variant == 'small' else -mib * 1024}}")
        conn.execute("PRAGMA cache_spill = 1")  # spill as soon as the cache is full
        if variant == "off-in-tx":
            conn.execute("PRAGMA cache_spill = OFF")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA cache_size = {{int(before)}}")

    if variant != "current":
        importer._page_cache = page_cache
    from ui.launch import main
    code = main(sys.argv[2:])
    print("maxrss_mib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, file=sys.stderr)
    sys.exit(code)
    """
).format(root=str(ROOT))


def run_variant(base: Path, shapefile: Path, layer: str, variant: str, every: float) -> None:
    project = base.with_name(f"{variant}.gpkg")
    shutil.copy(base, project)
    reader = GpkgStore.open(project, busy_timeout=600, verify=False)
    env = {**os.environ, "QJGIS_LANG": "en"}
    args = ["import", str(project), str(shapefile), "--layer", layer, "--lang", "en"]
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, variant, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    latencies: list[float] = []
    failures: list[str] = []
    held_from: float | None = None
    longest_held = 0.0
    n = 0
    while child.poll() is None:
        t0 = time.perf_counter()
        try:
            if n % 10 == 9:
                with GpkgStore.open(project, busy_timeout=600, verify=False) as other:
                    other.counts()
            else:
                reader.counts()
        except (QjgisError, sqlite3.Error) as exc:
            failures.append(str(exc))
        t1 = time.perf_counter()
        latencies.append(t1 - t0)
        # a read that took long was held out from t0; a quick one means it is free again
        if t1 - t0 > 0.1:
            longest_held = max(longest_held, t1 - t0)
            held_from = held_from if held_from is not None else t0
        n += 1
        time.sleep(every / 1000)
    _, err = child.communicate()
    total = time.perf_counter() - start
    rss = next((line.split()[1] for line in err.splitlines() if line.startswith("maxrss")), "?")
    rows = reader.counts()[layer]
    reader.close()
    lat = sorted(latencies)
    print(
        f"{variant:8s} import {total:6.1f} s, rc {child.returncode}, {rows} {layer}, "
        f"peak {float(rss):6.0f} MiB | reads {len(lat)}, failed {len(failures)}, "
        f"median {1000 * statistics.median(lat):6.1f} ms, "
        f"p99 {1000 * lat[int(0.99 * (len(lat) - 1))]:7.1f} ms, "
        f"longest held out {1000 * longest_held:7.0f} ms",
        flush=True,
    )
    if child.returncode != 0:
        print(err[-2000:])
    for f in failures[:3]:
        print("   failure:", f)
    project.unlink()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("shapefile", type=Path)
    parser.add_argument("--layer", default="parcels")
    parser.add_argument("--variants", default="small,64mib,off-in-tx,current")
    parser.add_argument("--every", type=float, default=20.0, help="ms between reads")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.gpkg"
        GpkgStore.create(base).close()
        for _ in range(args.repeat):
            for variant in args.variants.split(","):
                with contextlib.suppress(KeyboardInterrupt):
                    run_variant(base, args.shapefile, args.layer, variant, args.every)


if __name__ == "__main__":
    main()
