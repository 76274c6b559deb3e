"""The database's `scan_many`: two connections on one snapshot read what one would."""

from __future__ import annotations

import gc
from pathlib import Path

import numpy as np
import pytest
import shapely

from qjgis.checks.context import LOAD_PLAN
from qjgis.demo import build_demo
from qjgis.pg.store import PgStore
from qjgis.pg.transfer import push


@pytest.fixture
def pg_demo(tmp_path: Path, pg_url: str) -> str:
    path = tmp_path / "demo.gpkg"
    build_demo(path, parcels=300, seed=3)
    push(path, pg_url)
    return pg_url


def _same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for name in a:
        assert np.array_equal(a[name].fids, b[name].fids)
        assert a[name].attrs.keys() == b[name].attrs.keys()
        for col in a[name].attrs:
            x, y = a[name].attrs[col], b[name].attrs[col]
            assert x.dtype == y.dtype, (name, col)
            if x.dtype == float:
                assert np.array_equal(x, y, equal_nan=True), (name, col)
            else:
                assert list(x) == list(y), (name, col)
        assert bool(shapely.equals_exact(a[name].geometry, b[name].geometry, 0).all())


def test_reading_on_two_connections_gives_what_one_reads(pg_demo: str) -> None:
    assert gc.isenabled()
    with PgStore.open(pg_demo) as store:
        one = store.scan_many(LOAD_PLAN, threads=1)
        two = store.scan_many(LOAD_PLAN, threads=2)
        assert len(two["parcels"].fids) == 300
        _same(one, two)
    assert gc.isenabled()  # the collector paused for the rows is running again


def test_inside_a_transaction_the_rows_it_wrote_are_read(pg_demo: str) -> None:
    with PgStore.open(pg_demo) as store:
        with store.transaction() as conn:
            store.insert_features(
                conn, "parcels", np.array([shapely.box(0, 0, 10, 10)]), {"zddm": ["NEW"]}
            )
            seen = store.scan_many(LOAD_PLAN, threads=2)
            assert "NEW" in list(seen["parcels"].attrs["zddm"])
            conn.execute("SELECT 1")  # the transaction is still usable afterwards
        assert len(store.scan_many(LOAD_PLAN)["parcels"].fids) == 301
