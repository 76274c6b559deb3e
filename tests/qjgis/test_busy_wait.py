"""Issue 20 point 2: how long a command waits for another program's write is a setting.

`store.busy_timeout_s` (60 s by default) is stored in the project like every other
setting; QJGIS_BUSY_TIMEOUT overrides it on one desk, an explicit argument overrides
both. A connection standing for another program holds the write lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qjgis import gpkg
from qjgis import gpkg_store as store_mod
from qjgis.errors import QjgisError
from qjgis.settings import SPEC_BY_KEY, validate
from qjgis.store import GpkgStore


@pytest.fixture(autouse=True)
def _no_env_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QJGIS_BUSY_TIMEOUT", raising=False)


def _set(path: Path, **values: Any) -> None:
    with GpkgStore.open(path) as store, store.transaction() as conn:
        store.write_settings(conn, values)


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    gpkg.register_functions(other)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO demo_truth (rule_id, entity_kind, entity_key) VALUES ('X','p','1')")
    return other


def test_the_wait_is_a_catalogued_setting_with_a_default_and_bounds() -> None:
    assert SPEC_BY_KEY["store.busy_timeout_s"].default == 60.0
    assert validate("store.busy_timeout_s", "90") == 90.0
    for bad in (-1, 3601, "abc", None):
        with pytest.raises(QjgisError) as exc:
            validate("store.busy_timeout_s", bad)
        assert exc.value.code == "invalid_setting"


def test_an_open_project_waits_as_long_as_its_setting_says(project_path: Path) -> None:
    GpkgStore.create(project_path).close()
    with GpkgStore.open(project_path) as store:
        assert store.busy_timeout == 60.0
    _set(project_path, **{"store.busy_timeout_s": 0.4})
    told: list[str] = []
    other = _hold_write_lock(project_path)
    try:
        with GpkgStore.open(project_path) as writer:
            assert writer.busy_timeout == 0.4
            # plain reads wait through SQLite's own handler: the same limit
            assert writer.execute_sql("PRAGMA busy_timeout")[0][0] == 400
            writer.on_busy = told.append
            with pytest.raises(QjgisError) as exc, writer.transaction():
                pass
        assert exc.value.code == "project_locked"
        assert told == [str(project_path)]
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_changing_the_setting_changes_the_next_wait_of_the_open_store(
    project: GpkgStore,
) -> None:
    with project.transaction() as conn:
        project.write_settings(conn, {"store.busy_timeout_s": 7})
    assert project.busy_timeout == 7.0


def test_the_environment_and_the_argument_override_the_setting(
    project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    GpkgStore.create(project_path).close()
    _set(project_path, **{"store.busy_timeout_s": 30})
    monkeypatch.setenv("QJGIS_BUSY_TIMEOUT", "2.5")
    with GpkgStore.open(project_path) as store:
        assert store.busy_timeout == 2.5
        with store.transaction() as conn:  # the override stays over a settings change
            store.write_settings(conn, {"store.busy_timeout_s": 20})
        assert store.busy_timeout == 2.5
    with GpkgStore.open(project_path, busy_timeout=1) as store:
        assert store.busy_timeout == 1
    monkeypatch.setenv("QJGIS_BUSY_TIMEOUT", "soon")  # not a number: ignored, no traceback
    with GpkgStore.open(project_path) as store:
        assert store.busy_timeout == 20.0


def test_a_busy_second_reader_falls_back_to_the_waiting_connection(
    project: GpkgStore,
    squares: Callable[..., np.ndarray],
    add_features: Callable[..., np.ndarray],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The parallel read's helper connection waits only briefly; when another program's
    # commit outlasts it, the read is done again on the store's connection, not failed.
    add_features(project, squares(30), "parcels", {"zddm": [f"Z{k}" for k in range(30)]})
    expected = project.read_layer("parcels", ["zddm", "holder_id"])

    def busy(*_args: Any) -> Any:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(store_mod, "_PARALLEL_ROWS", 0)
    monkeypatch.setattr(store_mod, "_read_on_second_connection", busy)
    got = project.read_layer("parcels", ["zddm", "holder_id"])
    assert got.fids.tolist() == expected.fids.tolist()
    assert got.attrs["zddm"].tolist() == expected.attrs["zddm"].tolist()


def test_a_project_another_program_keeps_in_wal_mode_is_scanned_without_gdal(
    project_path: Path,
    squares: Callable[..., np.ndarray],
    add_features: Callable[..., np.ndarray],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # QGIS keeps a GeoPackage in WAL mode while it edits it, so qjgis cannot switch it
    # back; GDAL's copy of SQLite and Python's must not share its -shm in one process.
    with GpkgStore.create(project_path) as store:
        add_features(store, squares(12), "parcels", {"zddm": [f"Z{k}" for k in range(12)]})
    qgis = sqlite3.connect(project_path, isolation_level=None)
    qgis.execute("PRAGMA journal_mode = WAL")
    qgis.execute("SELECT count(*) FROM parcels").fetchone()  # holds the file open
    calls: list[str] = []
    real = store_mod._scan_fast

    def spy(*args: Any) -> Any:
        calls.append(args[1])
        return real(*args)

    monkeypatch.setattr(store_mod, "_scan_fast", spy)
    try:
        with GpkgStore.open(project_path) as store:
            assert store.execute_sql("PRAGMA journal_mode")[0][0] == "wal"  # not ours to switch
            got = store.scan("parcels", ["zddm"], geometry=True)
            assert sorted(got.attrs["zddm"]) == sorted(f"Z{k}" for k in range(12))
            assert len(got.geometry) == 12
        assert calls == []
    finally:
        qgis.close()
