"""Benchmark: the building -> parcel join and the full check, against geopandas.

Not a test: prints figures (recorded in docs/benchmarks.md). Usage:

    .venv/bin/python tests/bench/bench_checks.py [--parcels 100000 1000000] [--repeat 3]

For each size it builds the demo district (seed 1, ~1.7 buildings per parcel)
or reuses the copy cached in --cache (default /tmp), then times, each on the
same in-memory geometry arrays:

- ours: `qjgis.checks.joins.building_parcel` with the STRtree build included,
  in geopandas' answer (a single hit is share 1: `exact_single=False`) on 1
  and on N threads, and in the checks' own mode (`exact_single=True`, a
  covers test for single hits);
- geopandas' fastest recipe for the same answer: `sjoin(predicate="intersects")`,
  intersection areas only for buildings with more than one hit, then the largest;
- the full `evaluate()` of every registered rule on the project file, reading
  included, once.

Times are the median of --repeat runs (the full check runs once); "peak" is
the largest resident-memory growth over the phase's start, sampled every 5 ms.
geopandas is only needed here: `pip install geopandas` (the "bench" extra).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from qjgis.checks import joins  # noqa: E402
from qjgis.checks.engine import evaluate  # noqa: E402
from qjgis.demo import AS_OF, build_demo  # noqa: E402
from qjgis.store import GpkgStore  # noqa: E402

_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * _PAGE


class Peak:
    """Largest RSS growth while the block runs (a sampling thread: GEOS memory included)."""

    def __enter__(self) -> Peak:
        self.start = rss()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, rss())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss())

    @property
    def mib(self) -> float:
        return (self.peak - self.start) / 2**20


def timed(
    fn: Callable[[], Any], repeat: int, setup: Callable[[], Any] | None = None
) -> tuple[float, float, Any]:
    """(median seconds, largest peak MiB, last result) over `repeat` runs."""
    times, peaks, out = [], [], None
    for _ in range(repeat):
        out = None
        if setup is not None:
            setup()
        with Peak() as p:
            t0 = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t0)
        peaks.append(p.mib)
    return statistics.median(times), max(peaks), out


def cpu_timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, float]:
    """(median wall seconds, median CPU seconds of all threads, largest peak MiB)."""
    walls, cpus, peaks = [], [], []
    for _ in range(repeat):
        with Peak() as p:
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
        peaks.append(p.mib)
    return statistics.median(walls), statistics.median(cpus), max(peaks)


def geopandas_largest(b: np.ndarray, p: np.ndarray) -> np.ndarray:
    """geopandas' fastest recipe: sjoin, areas only where a building hits several parcels."""
    import geopandas as gpd
    import pandas as pd

    bg = gpd.GeoDataFrame(geometry=gpd.GeoSeries(b, crs="EPSG:4524"))
    pg = gpd.GeoDataFrame(geometry=gpd.GeoSeries(p, crs="EPSG:4524"))
    j = gpd.sjoin(bg, pg, how="inner", predicate="intersects")
    left = j.index.to_numpy()
    right = j["index_right"].to_numpy()
    hits = np.bincount(left, minlength=len(b))
    multi = hits[left] > 1
    area = np.ones(len(left))
    ml, mr = left[multi], right[multi]
    area[multi] = (
        bg.geometry.iloc[ml]
        .reset_index(drop=True)
        .intersection(pg.geometry.iloc[mr].reset_index(drop=True), align=False)
    ).area.to_numpy()
    df = pd.DataFrame({"b": left, "p": right, "area": area})
    best = df.sort_values(["b", "area"]).drop_duplicates("b", keep="last")
    out = np.full(len(b), -1)
    out[best["b"].to_numpy()] = best["p"].to_numpy()
    out[np.bincount(left[area > 0], minlength=len(b)) == 0] = -1
    return out


def demo_file(parcels: int, cache: Path) -> Path:
    path = cache / f"qjgis-bench-demo-{parcels}-seed1.gpkg"
    if not path.exists():
        t0 = time.perf_counter()
        build_demo(path, parcels=parcels, seed=1)
        print(f"  built the demo in {time.perf_counter() - t0:.1f} s: {path}")
    return path


def bench(parcels: int, args: argparse.Namespace) -> dict[str, float]:
    print(f"\n== {parcels:,} parcels")
    path = Path(args.project) if args.project else demo_file(parcels, Path(args.cache))
    with GpkgStore.open(path) as store:
        p = store.read_layer("parcels", []).geometry
        b = store.read_layer("buildings", []).geometry
    print(f"  {len(p):,} parcels, {len(b):,} buildings ({len(b) / len(p):.2f} per parcel)")
    threads = args.threads or joins.default_threads()
    r: dict[str, float] = {}

    def ours(n: int, exact: bool) -> Callable[[], joins.BuildingParcelJoin]:
        return lambda: joins.building_parcel(b, p, exact_single=exact, threads=n)

    # Every run starts from unprepared geometries, as a freshly read layer does.
    def fresh() -> None:
        shapely.destroy_prepared(p)
        shapely.destroy_prepared(b)

    r["ours_1"], r["ours_1_mib"], one = timed(ours(1, False), args.repeat, fresh)
    r["ours_n"], r["ours_n_mib"], mine = timed(ours(threads, False), args.repeat, fresh)
    r["ours_exact"], r["ours_exact_mib"], _ = timed(ours(threads, True), args.repeat, fresh)
    assert (one.parcel == mine.parcel).all()
    try:
        import geopandas  # noqa: F401
    except ImportError:
        print("  geopandas is not installed: pip install geopandas (the bench extra)")
        r["gpd"] = float("nan")
    else:
        r["gpd"], r["gpd_mib"], theirs = timed(lambda: geopandas_largest(b, p), args.repeat, fresh)
        same = mine.parcel == theirs
        # Ties (equal shares) may resolve differently; the share must still be the largest.
        differ = np.flatnonzero(~same)
        tied = [
            i
            for i in differ
            if theirs[i] >= 0
            and np.isclose(
                shapely.area(shapely.intersection(b[i], p[theirs[i]])),
                mine.share[i] * shapely.area(b[i]),
            )
        ]
        print(f"  same parcel as geopandas: {same.sum():,} of {len(b):,} ({len(tied)} ties)")
        assert len(differ) == len(tied)
    nan = float("nan")
    print(
        f"  join, ours 1 thread : {r['ours_1']:.3f} s  (peak +{r['ours_1_mib']:.0f} MiB)\n"
        f"  join, ours {threads} threads: {r['ours_n']:.3f} s  (peak +{r['ours_n_mib']:.0f} MiB)\n"
        f"  join, ours exact    : {r['ours_exact']:.3f} s  (single hits tested with covers)\n"
        f"  join, geopandas     : {r['gpd']:.3f} s  (peak +{r.get('gpd_mib', nan):.0f} MiB)\n"
        f"  ratio ours/geopandas: {r['ours_n'] / r['gpd']:.2f} ({threads} threads), "
        f"{r['ours_1'] / r['gpd']:.2f} (1 thread); goal <= 0.80"
    )

    # The join including the reading it needs: the two layers' geometry from the project,
    # opened and read the way the checks read them (GpkgStore.scan).
    def load_and_join() -> joins.BuildingParcelJoin:
        with GpkgStore.open(path) as store:
            pp = store.scan("parcels", [], geometry=True).geometry
            bb = store.scan("buildings", [], geometry=True).geometry
        return joins.building_parcel(bb, pp, exact_single=True, threads=threads)

    r["load_join"], r["load_join_cpu"], r["load_join_mib"] = cpu_timed(load_and_join, args.repeat)
    print(
        f"  join, ours exact, reading the 2 layers included: {r['load_join']:.2f} s "
        f"(cpu {r['load_join_cpu']:.2f} s, peak +{r['load_join_mib']:.0f} MiB)"
    )
    if not args.skip_full:
        from qjgis.checks.context import LOAD_PLAN

        full_repeat = args.full_repeat or (3 if len(p) <= 100_000 else 1)

        def read_all() -> None:
            with GpkgStore.open(path) as store:
                store.scan_many(LOAD_PLAN, threads=threads)

        r["read"], r["read_cpu"], _ = cpu_timed(read_all, full_repeat)
        print(
            f"  opening and reading what the checks read (store.scan_many): {r['read']:.2f} s "
            f"(cpu {r['read_cpu']:.2f} s)"
        )
        runs: list[Any] = []

        def full() -> None:
            with GpkgStore.open(path) as store:
                runs.append(evaluate(store, as_of=AS_OF, threads=threads))

        r["full"], r["full_cpu"], r["full_mib"] = cpu_timed(full, full_repeat)
        ev = runs[-1]
        findings = sum(len(x.findings) for x in ev.results.values())
        slowest = sorted(ev.seconds.items(), key=lambda kv: -kv[1])[:5]
        print(
            f"  full check: {r['full']:.2f} s (cpu {r['full_cpu']:.2f} s), {findings:,} findings, "
            f"peak +{r['full_mib']:.0f} MiB; loading and joining {ev.context_seconds:.1f} s; "
            "slowest rules: " + ", ".join(f"{k} {v:.1f} s" for k, v in slowest)
        )
        print(
            f"  full check / join alone (compute on loaded arrays): "
            f"{r['full'] / r['ours_exact']:.1f}x\n"
            f"  full check / join with its reading: {r['full'] / r['load_join']:.1f}x "
            f"(cpu {r['full_cpu'] / r['load_join_cpu']:.1f}x); goal <= 3\n"
            f"  full check without its reading / join alone: "
            f"{(r['full'] - r['read']) / r['ours_exact']:.1f}x"
        )
    return r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parcels", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="0: both cores (default)")
    ap.add_argument("--cache", default="/tmp", help="folder of the cached demo files")
    ap.add_argument("--skip-full", action="store_true", help="time the join only")
    ap.add_argument(
        "--full-repeat", type=int, default=0, help="full-check runs (0: 3 to 100k, else 1)"
    )
    ap.add_argument("--project", help="bench this project file instead of a cached demo")
    args = ap.parse_args()
    print(
        f"cpus {os.cpu_count()}, shapely {shapely.__version__}, GEOS {shapely.geos_version_string}"
    )
    if args.project:
        args.parcels = [0]
    for n in args.parcels:
        bench(n, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
