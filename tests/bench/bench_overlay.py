"""Benchmark: QJ-R017's overlay (homesteads on farmland) against geopandas.

Not a test: prints figures. Usage:

    .venv/bin/python tests/bench/bench_overlay.py [--parcels 100000 1000000] [--repeat 3]

For each size it builds the demo district (seed 1) or reuses the copy cached in
--cache (default /tmp), reads its homestead parcels, and generates a land-use
layer of realistic size over the district: a jittered lattice of patches (shared
vertices, no gaps or overlaps, as a 三调 地类图斑 layer is), `--patches-per-parcel`
patches per parcel (0.5 by default: 500,000 patches at 1,000,000 parcels), each a
class drawn at random (40 % 耕地 01xx). Then, each on the same in-memory arrays,
it times the farmland area under every parcel:

- ours: `qjgis.checks.rules_overlay.overlay_areas` (STRtree build included, one
  bulk query, vectorised intersection only where a parcel crosses a patch edge)
  and the per-parcel totals;
- geopandas `overlay(how="intersection")` of the parcels with the farmland
  patches, then area and a group-by per parcel;
- geopandas `sjoin(predicate="intersects")`, then the intersection of each
  joined pair (vectorised over the pairs), area and a group-by;
- the full QJ-R017 (`evaluate(["QJ-R017"])`) on the project file with the
  generated layer stored in it, reading included, once.

All four must agree on the total farmland area under parcels (to 1e-6 relative).
Times are the median of --repeat rounds, the methods taking turns in each round (a
burst of load on the shared machine falls on all of them). geopandas is only needed here (the
"bench" extra).
"""

from __future__ import annotations

import argparse
import statistics
import sys
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
from qjgis.checks.rules_overlay import overlay_areas  # noqa: E402
from qjgis.demo import AS_OF, build_demo  # noqa: E402
from qjgis.store import GpkgStore  # noqa: E402


def interleaved(
    methods: dict[str, Callable[[], Any]], repeat: int
) -> tuple[dict[str, float], dict[str, Any]]:
    """Median time and result of each method, the methods taking turns in every round
    (A B C, A B C ...): on a shared machine a burst of load then falls on all of them,
    and the ratios stay fair where back-to-back series would not."""
    times: dict[str, list[float]] = {name: [] for name in methods}
    out: dict[str, Any] = {}
    for _ in range(repeat):
        for name, fn in methods.items():
            t0 = time.perf_counter()
            out[name] = fn()
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(t) for name, t in times.items()}, out


def land_use(bounds: np.ndarray, patches: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """About `patches` jittered quads tiling `bounds`, and a class code for each."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = bounds
    aspect = (x1 - x0) / (y1 - y0)
    ny = max(1, int(np.sqrt(patches / aspect)))
    nx = max(1, int(patches / ny))
    xs, ys = np.linspace(x0, x1, nx + 1), np.linspace(y0, y1, ny + 1)
    grid = np.stack(np.meshgrid(xs, ys), -1)
    step = min((x1 - x0) / nx, (y1 - y0) / ny)
    inner = grid[1:-1, 1:-1]
    inner += rng.uniform(-0.3 * step, 0.3 * step, inner.shape)
    r, c = np.meshgrid(np.arange(ny), np.arange(nx), indexing="ij")
    r, c = r.ravel(), c.ravel()
    quad = np.stack(
        [grid[r, c], grid[r, c + 1], grid[r + 1, c + 1], grid[r + 1, c], grid[r, c]], axis=1
    )
    geoms = shapely.polygons(quad)
    codes = rng.choice(
        np.array(["0101", "0103", "0201", "0301", "0702", "1006", "1107"]),
        len(geoms),
        p=[0.15, 0.25, 0.1, 0.25, 0.1, 0.1, 0.05],
    )
    return geoms, codes


def ours(parcels: np.ndarray, farmland: np.ndarray) -> np.ndarray:
    ov = overlay_areas(parcels, farmland)
    return ov.totals(len(parcels))


def gpd_overlay(parcels: np.ndarray, farmland: np.ndarray, crs: str) -> np.ndarray:
    import geopandas as gpd

    left = gpd.GeoDataFrame({"p": np.arange(len(parcels))}, geometry=parcels, crs=crs)
    right = gpd.GeoDataFrame({"f": np.arange(len(farmland))}, geometry=farmland, crs=crs)
    out = gpd.overlay(left, right, how="intersection", keep_geom_type=True)
    area = out.geometry.area.groupby(out["p"].to_numpy()).sum()
    totals = np.zeros(len(parcels))
    totals[area.index.to_numpy()] = area.to_numpy()
    return totals


def gpd_sjoin(parcels: np.ndarray, farmland: np.ndarray, crs: str) -> np.ndarray:
    import geopandas as gpd

    left = gpd.GeoDataFrame(geometry=parcels, crs=crs)
    right = gpd.GeoDataFrame(geometry=farmland, crs=crs)
    pairs = gpd.sjoin(left, right, predicate="intersects", how="inner")
    li = pairs.index.to_numpy()
    ri = pairs["index_right"].to_numpy()
    area = shapely.area(shapely.intersection(left.geometry.values[li], right.geometry.values[ri]))
    totals = np.bincount(li, weights=area, minlength=len(parcels))
    return totals


def run(parcels_n: int, args: argparse.Namespace) -> None:
    path = Path(args.cache) / f"qjgis-bench-overlay-{parcels_n}.gpkg"
    if not path.exists():
        t0 = time.perf_counter()
        build_demo(path, parcels=parcels_n, seed=1)
        print(f"built demo {parcels_n:,} in {time.perf_counter() - t0:.1f} s")
    with GpkgStore.open(path) as store:
        crs = store.settings().crs
        p = store.scan("parcels", ("yt", "disposal"), geometry=True)
        home = joins.homestead_mask(p.attrs["yt"], p.attrs["disposal"])
        parcels = np.asarray(p.geometry, dtype=object)[home]
        parcels = parcels[~shapely.is_missing(parcels)]
        parcels = shapely.make_valid(parcels)
        extent = shapely.total_bounds(parcels)
        pad = 200.0
        bounds = extent + np.array([-pad, -pad, pad, pad])
        n_patches = int(parcels_n * args.patches_per_parcel)
        lu, codes = land_use(bounds, n_patches, seed=19)
        farmland = lu[np.char.startswith(codes, "01")]
        print(
            f"\n{parcels_n:,} parcels ({len(parcels):,} homesteads), land use {len(lu):,} patches "
            f"({len(farmland):,} farmland), repeat {args.repeat}"
        )
        methods: dict[str, Callable[[], Any]] = {"ours": lambda: ours(parcels, farmland)}
        if not args.no_overlay:
            methods["overlay"] = lambda: gpd_overlay(parcels, farmland, crs)
        methods["sjoin"] = lambda: gpd_sjoin(parcels, farmland, crs)
        medians, results = interleaved(methods, args.repeat)
        titles = {
            "ours": "ours: overlay_areas (STRtree bulk query + vectorised)",
            "overlay": "geopandas overlay(how='intersection') + groupby",
            "sjoin": "geopandas sjoin(intersects) + intersection + sum",
        }
        rows = [(titles[name], t) for name, t in medians.items()]
        t_ours, a_ours = medians["ours"], results["ours"]
        for name, a in results.items():
            if not np.allclose(a, a_ours, rtol=1e-6, atol=1e-6):
                raise SystemExit(f"{name} disagrees with ours on the farmland areas")
        print(f"farmland under parcels: {a_ours.sum():,.1f} m², {int((a_ours > 1).sum()):,} > 1 m²")
        print("| method | median s | ours / it |")
        print("|---|---:|---:|")
        for name, t in rows:
            print(f"| {name} | {t:.2f} | {t_ours / t:.2f} |")
        if args.full_rule:
            # the land-use layer into a copy of the project: the rule as a user runs it
            copy = path.with_name(path.stem + "-lu.gpkg")
            copy.write_bytes(path.read_bytes())
            with GpkgStore.open(copy) as c, c.transaction() as conn:
                conn.execute("DELETE FROM reference_features WHERE kind = 'landuse'")
                c.insert_features(
                    conn, "reference_features", lu,
                    {"kind": np.full(len(lu), "landuse", dtype=object),
                     "ref_key": np.char.add("landuse:", np.arange(len(lu)).astype(str)),
                     "dlbm": codes.astype(object)},
                )  # fmt: skip
            with GpkgStore.open(copy) as c:
                t0 = time.perf_counter()
                ev = evaluate(c, ["QJ-R017"], as_of=AS_OF)
                t_rule = time.perf_counter() - t0
            if args.keep_copy:
                print(f"kept the project with the generated land-use layer: {copy}")
            else:
                copy.unlink()
            n = len(ev.results["QJ-R017"].findings)
            print(f"QJ-R017 end to end (context, reading, overlay, findings): {t_rule:.2f} s, "
                  f"{n:,} findings")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--parcels", type=int, nargs="+", default=[100_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--patches-per-parcel", type=float, default=0.5)
    ap.add_argument("--cache", default="/tmp")
    ap.add_argument("--no-overlay", action="store_true", help="skip geopandas overlay (slow)")
    ap.add_argument("--full-rule", action="store_true", help="also time QJ-R017 end to end")
    ap.add_argument(
        "--keep-copy",
        action="store_true",
        help="with --full-rule, keep the project holding the generated land-use layer "
        "(for tests/bench/bench_render.py --reference: the map with 500,000 patches)",
    )
    args = ap.parse_args()
    for n in args.parcels:
        run(n, args)


if __name__ == "__main__":
    main()
