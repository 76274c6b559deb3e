"""The checks' whole-table reading, `GpkgStore.scan`, against `read_layer`/`read_table`.

A scan reads through GDAL's Arrow stream and must give exactly what
`read_layer`/`read_table` give; where GDAL would change a value silently (a
malformed date, a BOOLEAN 7, a fraction in an INTEGER column) or cannot see it
(an open transaction, a commit meanwhile), it must fall back to SQLite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qjgis import gpkg_store as store_mod
from qjgis.demo import build_demo
from qjgis.io.arrow import utf8_fixed
from qjgis.store import GpkgStore, LayerData, LazyColumns

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TEXT = [None, "", "  padded  ", "a\x1fb", "\x1e", "户号 0001", "\U00020000 beyond", "5001101980"]
REAL = [None, 0.1 + 0.2, 1e-300, -2.5, 123456789.123456789, 7.0, 1 / 3, 0.0]
DATES = [None, "2020-01-02", "1999-12-31", None]
COLUMNS = ["zddm", "zdmj", "acquired", "must_demolish_old", "holder_id", "household_no"]


def _assert_equal(
    scanned: LayerData, read: LayerData, cols: list[str], same_column: Callable[..., None]
) -> None:
    assert scanned.fids.tolist() == read.fids.tolist()
    assert list(scanned.attrs) == cols
    for c in cols:
        same_column(read.attrs[c], scanned.attrs[c])
    assert (
        shapely.is_missing(scanned.geometry).tolist() == shapely.is_missing(read.geometry).tolist()
    )
    present = ~shapely.is_missing(read.geometry)
    assert shapely.equals_exact(scanned.geometry[present], read.geometry[present], 0).all()


@pytest.fixture
def parcels(
    project: GpkgStore,
    squares: Callable[..., np.ndarray],
    add_features: Callable[..., np.ndarray],
) -> np.ndarray:
    n = 24
    fids = add_features(project, squares(n), "parcels", {"zddm": TEXT * 3})
    with project.transaction() as conn:
        for k, fid in enumerate(fids.tolist()):
            conn.execute(
                "UPDATE parcels SET zdmj = ?, acquired = ?, must_demolish_old = ?, "
                "holder_id = ? WHERE fid = ?",
                (REAL[k % 8], DATES[k % 4], [None, 1, 0][k % 3], TEXT[(k + 3) % 8], fid),
            )
        conn.execute("UPDATE parcels SET geom = NULL WHERE fid = ?", (int(fids[1]),))
        # fids out of insertion order: rows must still come back in fid order
        conn.execute("UPDATE parcels SET fid = fid + 1000 WHERE fid % 5 = 0")
    return fids


def test_scan_equals_read_layer_through_gdal(
    project: GpkgStore, parcels: np.ndarray, same_column: Callable[[np.ndarray, np.ndarray], None]
) -> None:
    scanned = project.scan("parcels", COLUMNS, geometry=True)
    assert set(scanned.text) == {"zddm", "holder_id", "household_no"}  # GDAL read it
    _assert_equal(scanned, project.read_layer("parcels", COLUMNS), COLUMNS, same_column)
    # The text also comes as fixed-width unicode, "" for NULL, untrimmed.
    expected = [
        "" if v is None else v for v in project.read_layer("parcels", ["zddm"]).attrs["zddm"]
    ]
    assert scanned.text["zddm"].tolist() == expected


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("acquired", "not a date"),  # GDAL reads it as 1970-01-01
        ("acquired", "2020-02-30"),  # GDAL rolls it over to 2020-03-01
        ("acquired", 20200101),  # a number in a DATE column
        ("must_demolish_old", 7),  # GDAL reads any non-zero BOOLEAN as 1
        ("must_demolish_old", -1),
    ],
)
def test_values_gdal_would_change_are_read_through_sqlite(
    project: GpkgStore,
    parcels: np.ndarray,
    column: str,
    value: Any,
    same_column: Callable[[np.ndarray, np.ndarray], None],
) -> None:
    with project.transaction() as conn:
        conn.execute(f"UPDATE parcels SET {column} = ? WHERE fid = ?", (value, int(parcels[2])))
    scanned = project.scan("parcels", COLUMNS, geometry=True)
    _assert_equal(scanned, project.read_layer("parcels", COLUMNS), COLUMNS, same_column)
    assert value in scanned.attrs[column].tolist()


def test_a_fraction_in_an_integer_column_is_read_through_sqlite(
    project: GpkgStore, same_column: Callable[[np.ndarray, np.ndarray], None]
) -> None:
    with project.transaction() as conn:
        for k in range(10):
            conn.execute(
                "INSERT INTO members (household_no, seq, id_number) VALUES (?, ?, ?)",
                (f"H{k}", [1, 2.5, None, 4][k % 4], TEXT[k % 8]),
            )
    cols = ["household_no", "seq", "id_number"]
    scanned = project.scan("members", cols)
    read = project.read_table("members", cols)
    assert scanned.fids.tolist() == read["fid"].tolist()
    for c in cols:
        same_column(read[c], scanned.attrs[c])
    assert 2.5 in scanned.attrs["seq"].tolist()


def test_tables_scan_alike_and_empty_ones_too(
    project: GpkgStore, same_column: Callable[[np.ndarray, np.ndarray], None]
) -> None:
    with project.transaction() as conn:
        for k in range(12):
            conn.execute(
                "INSERT INTO households (household_no, head_id, lives_in_village) VALUES (?, ?, ?)",
                (f"{k:04d}", TEXT[k % 8], [None, 0, 1][k % 3]),
            )
    cols = ["household_no", "head_id", "lives_in_village", "split_status"]
    scanned = project.scan("households", cols)
    read = project.read_table("households", cols)
    assert scanned.text  # through GDAL
    for c in cols:
        same_column(read[c], scanned.attrs[c])
    empty = project.scan("members", ["household_no", "seq"])
    assert len(empty) == 0 and [len(v) for v in empty.attrs.values()] == [0, 0]


def test_inside_a_transaction_a_scan_sees_its_writes(
    project: GpkgStore, parcels: np.ndarray
) -> None:
    with project.transaction() as conn:
        conn.execute("UPDATE parcels SET zddm = 'uncommitted' WHERE fid = ?", (int(parcels[3]),))
        scanned = project.scan("parcels", ["zddm"], geometry=True)
        assert "uncommitted" in scanned.attrs["zddm"].tolist()
        assert not scanned.text  # SQLite read it: GDAL would not see the write


def test_a_commit_during_a_scan_makes_it_read_again(
    project: GpkgStore,
    parcels: np.ndarray,
    monkeypatch: pytest.MonkeyPatch,
    commit_elsewhere: Callable[[GpkgStore, str], None],
) -> None:
    real = store_mod._scan_fast

    def commit_then_scan(*args: Any) -> Any:
        commit_elsewhere(project, "UPDATE parcels SET holder_id = 'changed'")
        return real(*args)

    monkeypatch.setattr(store_mod, "_scan_fast", commit_then_scan)
    got = project.scan_many({"parcels": (["holder_id"], True), "households": (None, False)})
    assert set(got["parcels"].attrs["holder_id"].tolist()) == {"changed"}


def test_scan_many_equals_scans_one_by_one(
    tmp_path: Path, same_column: Callable[[np.ndarray, np.ndarray], None]
) -> None:
    path = tmp_path / "demo.gpkg"
    build_demo(path, parcels=600, seed=3)
    plan = {
        "parcels": (["zddm", "zdmj", "acquired", "holder_id"], True),
        "buildings": (["bdcdyh", "year_built", "status"], True),
        "members": (["household_no", "seq", "id_number"], False),
        "parcel_holders": (["parcel_fid", "id_number", "is_primary"], False),
    }
    with GpkgStore.open(path) as store:
        together = store.scan_many(plan)
        for name, (cols, geometry) in plan.items():
            alone = store.read_layer(name, cols) if geometry else None
            if alone is None:
                rows = store.read_table(name, cols)
                alone = LayerData(rows.pop("fid"), np.empty(0, object), rows)
                assert together[name].fids.tolist() == alone.fids.tolist()
                for c in cols:
                    same_column(alone.attrs[c], together[name].attrs[c])
            else:
                _assert_equal(together[name], alone, cols, same_column)
            assert together[name].text  # all read through GDAL


# ---------------------------------------------------------------- text and keys
_ANY_TEXT = st.text(alphabet=" aZ09户號ß\U00020000\x00é", max_size=7).map(
    lambda s: s.rstrip("\x00")
)


@FAST
@given(values=st.lists(_ANY_TEXT, max_size=30))
def test_utf8_fixed_equals_decoding_each_value(values: list[str]) -> None:
    blobs = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(blobs) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in blobs], out=offsets[1:])
    data = np.frombuffer(b"".join(blobs), dtype=np.uint8)
    got = utf8_fixed(offsets, data)
    assert got.dtype.kind == "U"
    assert got.tolist() == values


def test_lazy_columns_made_objects_once_when_two_threads_ask_together() -> None:
    # The rules run two at a time and may first read the same text column together.
    values = np.array([f"code{k:07d}" for k in range(300_000)])
    for _ in range(5):
        columns = LazyColumns(["code"], {}, {"code": (values, None)})
        barrier = threading.Barrier(2)

        def read(columns: LazyColumns = columns, barrier: threading.Barrier = barrier) -> Any:
            barrier.wait()
            return columns["code"]

        with ThreadPoolExecutor(2) as pool:
            first, second = (f.result() for f in [pool.submit(read), pool.submit(read)])
        assert first is second and first.dtype == object and first[7] == "code0000007"


def test_text_nulls_in_some_batches_only(
    project: GpkgStore,
    squares: Callable[..., np.ndarray],
    add_features: Callable[..., np.ndarray],
    same_column: Callable[[np.ndarray, np.ndarray], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A text column with NULLs in some of the stream's batches and none in others (a newer
    delivery without dates after an older one with them): every row keeps its own validity.
    The 1M-parcel overlay benchmark met it: QJ-R017 raised IndexError on the mask."""
    monkeypatch.setattr(store_mod, "_SCAN_BATCH", 4)
    values = ["a", None, "b", "c"] + ["d"] * 8 + [None, "e"]
    add_features(project, squares(len(values)), "parcels", {"zddm": values})
    scanned = project.scan("parcels", ["zddm"], geometry=True)
    _assert_equal(scanned, project.read_layer("parcels", ["zddm"]), ["zddm"], same_column)
    assert scanned.attrs["zddm"].tolist() == values
