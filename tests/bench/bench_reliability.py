"""Benchmark: what issue 20's guards cost. Not a test: prints figures.

    .venv/bin/python tests/bench/bench_reliability.py [--entries N] [--records N] [--repeat K]

- the audit chain: appending N entries (each reads the last hash and hashes its
  own values) against the plain INSERT qjgis did before, in one transaction;
  then `verify_chain` over them (what `info --check` adds);
- the shapefile record check (`unreadable_shape_records`) on a polygon .shp of N
  records, against GDAL's own `read_info` with a forced feature count, which
  every import already pays;
- `change_stamp`, the query the window would poll each second.

Medians of K runs, in milliseconds, and the ratios.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from pyogrio.raw import write

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from qjgis.io.sources import unreadable_shape_records
from qjgis.store import GpkgStore, utc_now


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_chain(folder: Path, entries: int, repeat: int) -> None:
    store = GpkgStore.create(folder / "audit.gpkg")
    after = json.dumps({"path": "/x/宗地.shp", "rows": 123456, "masked": True})

    def chained() -> None:
        with store.transaction() as conn:
            for _ in range(entries):
                store.audit(conn, "export", "parcels", None, after)

    def plain() -> None:
        with store.transaction() as conn:
            for _ in range(entries):
                conn.execute(
                    "INSERT INTO audit_log (time, user, role, command, entity, before, after) "
                    "VALUES (?,?,?,?,?,?,?)",
                    (utc_now(), "u", "reviewer", "export", "parcels", "null", after),
                )

    t_plain = median_ms(plain, repeat)  # plain rows break the chain: a separate project
    store.close()
    store = GpkgStore.create(folder / "audit2.gpkg", overwrite=True)
    t_chain = median_ms(chained, repeat)
    total = store.counts()["audit_log"]
    t_verify = median_ms(lambda: store.verify_chain("audit_log"), repeat)
    t_stamp = median_ms(lambda: [store.change_stamp() for _ in range(1000)], repeat) / 1000
    print(f"audit append, {entries} entries: plain {t_plain:.1f} ms, chained {t_chain:.1f} ms "
          f"(x{t_chain / t_plain:.2f}, {1000 * t_chain / entries:.1f} us an entry)")  # fmt: skip
    print(f"verify_chain over {total} entries: {t_verify:.1f} ms "
          f"({1000 * t_verify / total:.2f} us an entry)")  # fmt: skip
    print(f"change_stamp: {1000 * t_stamp:.1f} us a call")
    store.close()


def bench_records(folder: Path, records: int, repeat: int) -> None:
    x = 36_400_000.0 + (np.arange(records) % 1000) * 30.0
    y = 3_200_000.0 + (np.arange(records) // 1000) * 30.0
    geoms = shapely.box(x, y, x + 20, y + 20)
    shp = folder / "parcels.shp"
    write(
        str(shp),
        geometry=shapely.to_wkb(shapely.multipolygons([[g] for g in geoms])),
        field_data=[np.arange(records)],
        fields=["ID"],
        geometry_type="MultiPolygon",
        crs="EPSG:4524",
        driver="ESRI Shapefile",
    )
    shx = shp.with_suffix(".shx")
    t_ours = median_ms(lambda: unreadable_shape_records(shp, shx), repeat)
    t_gdal = median_ms(
        lambda: pyogrio.read_info(shp, force_feature_count=True, force_total_bounds=True), repeat
    )
    print(f"record check, {records} records ({shp.stat().st_size >> 20} MiB): {t_ours:.1f} ms; "
          f"GDAL read_info {t_gdal:.1f} ms (x{t_ours / t_gdal:.2f})")  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--entries", type=int, default=20_000)
    p.add_argument("--records", type=int, default=500_000)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_chain(Path(tmp), args.entries, args.repeat)
        bench_records(Path(tmp), args.records, args.repeat)


if __name__ == "__main__":
    main()
