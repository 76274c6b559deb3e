"""The fast paths the checks run on: whole-column reading, text keys, pair sets, R014's reuse.

Each fast path is compared with the plain one it replaced (row-by-row reading,
`np.strings`, `np.unique(axis=0)`, the rule reading and joining by itself), on
values chosen to hit its fallbacks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qjgis import codes, gpkg, schema
from qjgis import gpkg_store as store_mod
from qjgis.checks import joins
from qjgis.checks.context import to_flags
from qjgis.checks.engine import evaluate
from qjgis.checks.rules_remediation import ruin_not_dealt_with
from qjgis.demo import AS_OF, build_demo
from qjgis.feedback import NullFeedback
from qjgis.settings import ProjectSettings
from qjgis.store import GpkgStore, _columnar

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

AWKWARD_TEXT = [
    None,
    "",
    "  padded  ",
    "a\x1fb",  # the separator the aggregated reading splits on
    "\x1e",  # the marker it reads as NULL
    "户号 0001",
    "\U00020000 beyond the BMP",
    "5001101980010100",
]


def _row_by_row(store: GpkgStore, table: str, cols: list[str], geometry: bool) -> dict[str, Any]:
    """What read_layer / read_table returned before: one fetchall, transposed."""
    t = schema.TABLE_BY_NAME[table]
    head = ["fid", gpkg.wkb_sql("geom")] if geometry else ["fid"]
    select = ", ".join(head + [f'"{c}"' for c in cols])
    rows = store.execute_sql(f'SELECT {select} FROM "{table}" ORDER BY fid')
    return _columnar(rows, ["fid", *(["wkb"] if geometry else []), *cols], t)


def test_read_layer_equals_row_by_row_reading(
    project: GpkgStore,
    squares: Callable[..., np.ndarray],
    add_features: Callable[..., np.ndarray],
    same_column: Callable[[np.ndarray, np.ndarray], None],
) -> None:
    n = len(AWKWARD_TEXT) * 2
    fids = add_features(project, squares(n), "parcels", {"zddm": AWKWARD_TEXT * 2})
    awkward_real = [None, 0.1 + 0.2, 1e-300, -2.5, 123456789.123456789, 7.0, 1 / 3, None]
    with project.transaction() as conn:
        for k, fid in enumerate(fids.tolist()):
            conn.execute(
                "UPDATE parcels SET zdmj = ?, acquired = ?, must_demolish_old = ?, "
                "holder_id = ?, household_no = ? WHERE fid = ?",
                (
                    awkward_real[k % len(awkward_real)],
                    [None, "2020-01-02", 2020, "not a date"][k % 4],  # DATE: numeric affinity
                    [None, 1, 0, "是"][k % 4],  # BOOLEAN: integer, or text as imported
                    None if k % 3 else f"id{k}",
                    "",
                    fid,
                ),
            )
        conn.execute("UPDATE parcels SET geom = NULL WHERE fid = ?", (int(fids[1]),))
    cols = ["zddm", "zdmj", "acquired", "must_demolish_old", "holder_id", "household_no"]
    new = project.read_layer("parcels", cols)
    old = _row_by_row(project, "parcels", cols, geometry=True)
    assert new.fids.tolist() == old["fid"].tolist() == sorted(fids.tolist())
    for c in cols:
        same_column(old[c], new.attrs[c])
    decoded = gpkg.decode(old["wkb"])
    assert shapely.is_missing(new.geometry).tolist() == shapely.is_missing(decoded).tolist()
    assert shapely.equals_exact(new.geometry, decoded, 0).sum() == n - 1


def test_read_table_equals_row_by_row_reading(
    project: GpkgStore, same_column: Callable[[np.ndarray, np.ndarray], None]
) -> None:
    with project.transaction() as conn:
        for k, text in enumerate(AWKWARD_TEXT * 3):
            conn.execute(
                "INSERT INTO members (household_no, seq, id_number, birth_date) "
                "VALUES (?, ?, ?, ?)",
                (
                    f"H{k % 4}",
                    [None, k, -(2**62), "3", 2.5][k % 5],
                    text,
                    [None, "1990-01-01"][k % 2],
                ),
            )
        # fids out of insertion order: the rows must still come back in fid order
        conn.execute("UPDATE members SET fid = fid + 1000 WHERE fid % 3 = 0")
    cols = ["household_no", "seq", "id_number", "birth_date"]
    new = project.read_table("members", cols)
    old = _row_by_row(project, "members", cols, geometry=False)
    for c in ["fid", *cols]:
        same_column(old[c], new[c])
    empty = project.read_table("households", ["household_no", "lives_in_village"])
    assert [len(v) for v in empty.values()] == [0, 0, 0]


# ---------------------------------------------------------------- text keys
_TEXT = st.text(alphabet=" \t\u3000aAxX1户號\U00020000ß", max_size=6)


@FAST
@given(values=st.lists(_TEXT, max_size=20))
def test_strip_and_upper_equal_np_strings(values: list[str]) -> None:
    arr = np.array(values, dtype=str)
    assert codes.strip_text(arr).tolist() == np.strings.strip(arr).tolist()
    assert codes.upper_text(arr).tolist() == np.strings.upper(arr).tolist()


@FAST
@given(values=st.lists(_TEXT, min_size=1, max_size=20))
def test_key_hash_is_a_function_of_the_string(values: list[str]) -> None:
    together = joins.key_hash(np.array(values, dtype=str))
    alone = [joins.key_hash(np.array([v], dtype=str))[0] for v in values]
    assert together.tolist() == alone
    distinct = dict(zip(values, together.tolist(), strict=True))
    assert len(set(distinct.values())) == len(distinct)  # no collision on such short keys


def test_lookup_survives_hash_collisions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(joins, "key_hash", lambda text: np.zeros(len(text), dtype=np.uint64))
    table = np.array(["b", "a", "c", "a"])
    assert joins.lookup(np.array(["a", "c", "z", "", "b"]), table).tolist() == [1, 2, -1, -1, 0]


@FAST
@given(
    pairs=st.lists(
        st.tuples(st.integers(-5, 2**40), st.integers(-(2**30), 7)), min_size=1, max_size=30
    )
)
def test_unique_pairs_equal_unique_rows(pairs: list[tuple[int, int]]) -> None:
    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    got = joins.unique_pairs(a, b)
    expected = np.unique(np.stack([a, b], axis=1), axis=0)
    assert got[0].tolist() == expected[:, 0].tolist()
    assert got[1].tolist() == expected[:, 1].tolist()
    assert got[0].dtype == a.dtype


@FAST
@given(
    values=st.lists(
        st.one_of(
            st.none(),
            st.integers(-3, 3),
            st.sampled_from([1.0, 1.5, float("nan"), True, False, 10**400]),
            st.sampled_from(["1", " 1", "true", "是", "否", "Yes", "0"]),
        ),
        max_size=12,
    )
)
def test_flags_equal_their_text_reading(values: list[Any]) -> None:
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    text = np.strings.lower(np.where(arr == None, "", arr).astype(str))  # noqa: E711
    expected = np.isin(text, ("1", "1.0", "true", "是", "y", "yes", "t"))
    assert to_flags(arr).tolist() == expected.tolist()


# ---------------------------------------------------------------- R014 in a run
@dataclass
class BareContext:
    store: GpkgStore
    settings: ProjectSettings
    as_of: dt.date


def test_r014_in_a_check_run_equals_the_rule_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "demo.gpkg"
    build_demo(path, parcels=1500, seed=2)
    with GpkgStore.open(path) as store:
        alone = ruin_not_dealt_with.run(
            BareContext(store, store.settings(), AS_OF), store.settings(), NullFeedback()
        )
        in_run = evaluate(store, ["QJ-R002", "QJ-R014"], as_of=AS_OF).results["QJ-R014"]
    assert alone.findings
    assert in_run.findings == alone.findings


def test_reading_on_two_connections_equals_one(
    project: GpkgStore,
    squares: Callable[..., np.ndarray],
    add_features: Callable[..., np.ndarray],
    monkeypatch: pytest.MonkeyPatch,
    same_column: Callable[[np.ndarray, np.ndarray], None],
) -> None:
    add_features(project, squares(40), "parcels", {"zddm": [f"Z{k}" for k in range(40)]})
    cols = ["zddm", "zdmj", "holder_id", "household_no"]
    serial = project.read_layer("parcels", cols)
    calls: list[str] = []
    real = store_mod._read_on_second_connection

    def spy(*args: Any) -> Any:
        calls.append(args[1])
        return real(*args)

    monkeypatch.setattr(store_mod, "_PARALLEL_ROWS", 0)
    monkeypatch.setattr(store_mod, "_read_on_second_connection", spy)
    parallel = project.read_layer("parcels", cols)
    assert calls == ["parcels"]
    assert parallel.fids.tolist() == serial.fids.tolist()
    assert shapely.equals_exact(parallel.geometry, serial.geometry, 0).all()
    for c in cols:
        same_column(serial.attrs[c], parallel.attrs[c])
    # Inside a transaction only the store's own connection sees its writes.
    with project.transaction() as conn:
        conn.execute(
            "UPDATE parcels SET zddm = 'uncommitted' WHERE fid = ?", (int(serial.fids[0]),)
        )
        assert project.read_layer("parcels", ["zddm"]).attrs["zddm"][0] == "uncommitted"
        assert calls == ["parcels"]


def test_a_commit_between_the_two_reads_makes_one_read_again(
    project: GpkgStore,
    squares: Callable[..., np.ndarray],
    add_features: Callable[..., np.ndarray],
    monkeypatch: pytest.MonkeyPatch,
    commit_elsewhere: Callable[[GpkgStore, str], None],
) -> None:
    fids = add_features(project, squares(30), "parcels", {"zddm": [f"Z{k}" for k in range(30)]})
    real = store_mod._read_on_second_connection

    def commit_then_read(*args: Any) -> Any:
        commit_elsewhere(project, "UPDATE parcels SET zddm = 'changed', holder_id = 'x'")
        return real(*args)

    monkeypatch.setattr(store_mod, "_PARALLEL_ROWS", 0)
    monkeypatch.setattr(store_mod, "_read_on_second_connection", commit_then_read)
    got = project.read_layer("parcels", ["zddm", "holder_id"])
    assert got.fids.tolist() == sorted(fids.tolist())
    # Both halves come from one snapshot: the later one, read again on one connection.
    assert set(got.attrs["zddm"].tolist()) == {"changed"}
    assert set(got.attrs["holder_id"].tolist()) == {"x"}
