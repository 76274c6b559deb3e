"""Integer keys, the sorted search, and a full run of the checks on both cores.

The integer codes and the sorted search replace string hashing on the hot path
and must find exactly what a dictionary of the strings finds; a full run, which
loads on two threads and runs two rules at a time, must find what every rule
finds alone, report progress from the calling thread, and cancel cleanly.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qjgis import store as store_mod
from qjgis.checks import joins
from qjgis.checks.context import CheckContext
from qjgis.checks.engine import evaluate
from qjgis.checks.findings import run_checks
from qjgis.demo import AS_OF, build_demo
from qjgis.errors import QjgisError
from qjgis.feedback import NullFeedback
from qjgis.store import GpkgStore

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_DIGITS = st.text(alphabet="0123456789", min_size=0, max_size=20)


@FAST
@given(values=st.lists(st.one_of(_DIGITS, st.text(alphabet="01a X", max_size=4)), max_size=30))
def test_digit_codes_are_equal_exactly_for_equal_strings(values: list[str]) -> None:
    text = np.array(values, dtype=str)
    codes = joins.digit_codes(text)
    coded = [v.isascii() and v.isdigit() and 1 <= len(v) <= 18 for v in values]
    assert (codes >= 0).tolist() == coded
    kept = [(v, int(c)) for v, c, ok in zip(values, codes, coded, strict=True) if ok]
    for a, ca in kept:
        for b, cb in kept:
            assert (a == b) == (ca == cb)


_IDS = st.one_of(
    st.text(alphabet="0123456789", min_size=17, max_size=17).map(
        lambda s: s + "0123456789X"[len(s) % 11]
    ),
    st.text(alphabet="0123456789X", min_size=16, max_size=19),
    st.just(""),
)


@FAST
@given(values=st.lists(_IDS, max_size=30))
def test_id_codes_are_equal_exactly_for_equal_ids(values: list[str]) -> None:
    codes = joins.id_codes(np.array(values, dtype=str))
    form = [len(v) == 18 and v[:17].isdigit() and (v[17].isdigit() or v[17] == "X") for v in values]
    assert (codes >= 0).tolist() == form
    kept = [(v, int(c)) for v, c, ok in zip(values, codes, form, strict=True) if ok]
    for a, ca in kept:
        for b, cb in kept:
            assert (a == b) == (ca == cb)


@FAST
@given(
    table=st.lists(st.one_of(_DIGITS, st.sampled_from(["", "A1", "户1"])), max_size=25),
    keys=st.lists(st.one_of(_DIGITS, st.sampled_from(["", "A1", "户1", "007"])), max_size=25),
)
def test_key_table_finds_what_a_dict_finds(table: list[str], keys: list[str]) -> None:
    first: dict[str, int] = {}
    for row, key in enumerate(table):
        if key:
            first.setdefault(key, row)
    expected = [first.get(k, -1) if k else -1 for k in keys]
    assert joins.lookup(np.array(keys, dtype=str), np.array(table, dtype=str)).tolist() == expected


def test_key_table_of_digit_keys_uses_exact_codes() -> None:
    table = joins.KeyTable.build(np.array(["0012", "12", "", "0012"]))
    assert table.coded
    assert table.find(np.array(["12", "0012", "012", "", "x"])).tolist() == [1, 0, -1, -1, -1]


def test_search_sorted_equals_numpy_for_many_keys() -> None:
    rng = np.random.default_rng(5)
    table = np.sort(rng.integers(0, 10**12, 70_000))
    keys = np.concatenate([rng.choice(table, 40_000), rng.integers(0, 10**12, 40_000)])
    expected = np.minimum(np.searchsorted(table, keys), len(table) - 1)
    assert np.array_equal(joins.search_sorted(table, keys), expected)
    assert np.array_equal(joins.search_sorted(table, keys[:10]), expected[:10])


def test_id_index_with_ambiguous_and_irregular_ids() -> None:
    good = "11010519491231002X"
    ids = np.array([good, good, "abc", "abc", "ABC", "500110800101005", "", "12345"], dtype=object)
    household = np.array([0, 0, 1, 2, 3, 4, 5, -1])
    index = joins.id_index(ids, household)
    assert sorted(index.ambiguous.tolist()) == ["ABC"]  # abc normalises to ABC: two households
    found = index.find(np.array([good, " 11010519491231002x", "abc", "12345", "", None], object))
    assert found.tolist() == [0, 0, -1, -1, -1, -1]
    # a 15-digit number links as its 18-digit form
    assert index.find(np.array(["500110800101005"], object)).tolist() == [4]


# ---------------------------------------------------------------- a full run
def test_a_full_run_on_two_threads_equals_rules_run_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "demo.gpkg"
    build_demo(path, parcels=1200, seed=4)
    with GpkgStore.open(path) as store:
        together = evaluate(store, as_of=AS_OF, threads=2)
        ids = [r.id for r in together.rules]
        for rule_id in ids:
            alone = evaluate(store, [rule_id], as_of=AS_OF, threads=1).results[rule_id]
            assert together.results[rule_id].findings == alone.findings, rule_id
            assert together.results[rule_id].unevaluated == alone.unevaluated, rule_id
        assert sum(len(r.findings) for r in together.results.values()) > 0


def test_preload_computes_what_the_properties_compute(tmp_path: Path) -> None:
    path = tmp_path / "demo.gpkg"
    build_demo(path, parcels=800, seed=6)
    with GpkgStore.open(path) as store:
        lazy = CheckContext(store, as_of=AS_OF)
        loaded = CheckContext(store, as_of=AS_OF)
        loaded.preload()
        for name in ("parcel_household", "building_parcel", "parcel_village", "parcel_keys"):
            assert np.array_equal(getattr(lazy, name), getattr(loaded, name)), name
        assert np.array_equal(lazy.neighbours.i, loaded.neighbours.i)
        assert np.array_equal(lazy.id_index.codes, loaded.id_index.codes)


class _Recorder(NullFeedback):
    """Records progress; cancels once progress reaches `stop_at` (never by default)."""

    def __init__(self, stop_at: float = 2.0) -> None:
        super().__init__()
        self.seen: list[tuple[float, str, str]] = []
        self.stop_at = stop_at

    def set_progress(self, fraction: float, stage: str = "") -> None:
        self.seen.append((fraction, stage, threading.current_thread().name))
        if fraction >= self.stop_at:
            self.cancel()


def test_a_full_run_reports_progress_in_order_from_the_calling_thread(tmp_path: Path) -> None:
    path = tmp_path / "demo.gpkg"
    build_demo(path, parcels=600, seed=8)
    fb = _Recorder()
    with GpkgStore.open(path) as store:
        ev = evaluate(store, as_of=AS_OF, feedback=fb, threads=2)
    fractions = [f for f, _, _ in fb.seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert {t for _, _, t in fb.seen} == {threading.current_thread().name}
    assert {s for _, s, _ in fb.seen} >= {"context", "done", *(r.id for r in ev.rules)}


@pytest.mark.parametrize("stop_at", [0.2, 0.7])  # while loading; while the rules run
def test_a_full_run_canceled_midway_raises_and_writes_nothing(
    tmp_path: Path, stop_at: float
) -> None:
    path = tmp_path / "demo.gpkg"
    build_demo(path, parcels=600, seed=8)
    before = store_mod.file_sha256(path)
    fb = _Recorder(stop_at)
    with GpkgStore.open(path) as store, pytest.raises(QjgisError) as err:
        run_checks(store, as_of=AS_OF, feedback=fb)
    assert err.value.code == "canceled"
    assert max(f for f, _, _ in fb.seen) < 1.0
    assert store_mod.file_sha256(path) == before
