"""Shared fixtures of the headless engine tests: real GeoPackages in tmp_path, no mocks.

Geometry helpers place features where Qijiang's data lies in the default CRS
(EPSG:4524, easting with the zone-36 prefix): around 36,400,000 / 3,200,000.
Nothing here may import PySide6, pytest-qt, `layers` or `ui`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely

from qjgis import gpkg
from qjgis.store import GpkgStore

#: Where the test features lie, in EPSG:4524 metres (zone-prefixed easting, northing).
ORIGIN_X = 36_400_000.0
ORIGIN_Y = 3_200_000.0


@pytest.fixture
def origin() -> tuple[float, float]:
    return ORIGIN_X, ORIGIN_Y


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "project.gpkg"


@pytest.fixture
def project(project_path: Path) -> Iterator[GpkgStore]:
    """A new, empty project in the default CRS, closed after the test."""
    store = GpkgStore.create(project_path)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def squares() -> Callable[..., np.ndarray]:
    """Factory: `n` axis-aligned squares on a grid near the origin, as an object array.

    Square k has its lower-left corner at (ORIGIN_X + col*step, ORIGIN_Y + row*step),
    with col = k % per_row and row = k // per_row, so neighbours never touch
    while step > size.
    """

    def make(n: int, *, size: float = 10.0, step: float = 20.0, per_row: int = 10) -> np.ndarray:
        k = np.arange(n)
        x = ORIGIN_X + (k % per_row) * step
        y = ORIGIN_Y + (k // per_row) * step
        return np.asarray(shapely.box(x, y, x + size, y + size), dtype=object)

    return make


@pytest.fixture
def scattered() -> Callable[..., np.ndarray]:
    """Factory: `n` random rectangles (3..40 m a side) within `span` metres of the origin."""

    def make(n: int, *, seed: int, span: float = 1000.0) -> np.ndarray:
        rng = np.random.default_rng(seed)
        x = ORIGIN_X + rng.uniform(0.0, span, n)
        y = ORIGIN_Y + rng.uniform(0.0, span, n)
        w = rng.uniform(3.0, 40.0, n)
        h = rng.uniform(3.0, 40.0, n)
        return np.asarray(shapely.box(x, y, x + w, y + h), dtype=object)

    return make


@pytest.fixture
def add_features() -> Callable[..., np.ndarray]:
    """Factory: insert features in one committed transaction and return their fids."""

    def add(
        store: GpkgStore,
        geometry: np.ndarray,
        layer: str = "parcels",
        columns: Mapping[str, Any] | None = None,
    ) -> np.ndarray:
        with store.transaction() as conn:
            return store.insert_features(conn, layer, geometry, dict(columns or {}))

    return add


@pytest.fixture
def commit_elsewhere() -> Callable[[GpkgStore, str], None]:
    """Factory: commit one SQL statement through another connection, as another desktop would."""

    def commit(store: GpkgStore, sql: str) -> None:
        other = sqlite3.connect(store.path, isolation_level=None)
        gpkg.register_functions(other)
        other.execute(sql)
        other.close()

    return commit


@pytest.fixture
def same_column() -> Callable[[np.ndarray, np.ndarray], None]:
    """Assert two readings of a column agree: dtype, and each value's type and value."""

    def check(old: np.ndarray, new: np.ndarray) -> None:
        old, new = np.asarray(old), np.asarray(new)
        assert old.dtype == new.dtype
        if old.dtype.kind == "f":
            assert np.array_equal(old, new, equal_nan=True)
            return
        assert len(old) == len(new)
        for a, b in zip(old.tolist(), new.tolist(), strict=True):
            assert type(a) is type(b) and a == b

    return check
