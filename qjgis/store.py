"""The project store: one interface (`store_api`), two back ends, one way to open either.

- `qjgis.store_api`: the interface (`ProjectStore`, `Connection`) and what both back ends
  read into (`LayerData`, `LazyColumns`, `columnar`, `IntegrityProblem`);
- `qjgis.gpkg_store`: `GpkgStore`, a project in a GeoPackage file;
- `qjgis.pg.store`: `PgStore`, a project in PostgreSQL + PostGIS (docs/database.md).

`open_project` takes a file or a database address (`postgresql://…`, `service=NAME`).
Every name older code imports from here (`GpkgStore`, `LayerData`, `utc_now`,
`insert_many`, `set_busy_notice` …) is re-exported; the GeoPackage back end's private
helpers (which tests replace) live in `qjgis.gpkg_store`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from typing import Any

from qjgis.gpkg_store import (
    BUSY_TIMEOUT,
    GpkgStore,
    busy_timeout_override,
    insert_many,
    set_busy_notice,
    wait_while_busy,
)
from qjgis.store_api import (
    Connection,
    IntegrityProblem,
    LayerData,
    LazyColumns,
    ProjectStore,
    columnar,
    to_multipolygons,
    utc_now,
)

_columnar = columnar  # its name before the split

__all__ = [
    "BUSY_TIMEOUT",
    "Connection",
    "GpkgStore",
    "IntegrityProblem",
    "LayerData",
    "LazyColumns",
    "ProjectStore",
    "busy_timeout_override",
    "columnar",
    "create_project",
    "file_sha256",
    "insert_many",
    "open_project",
    "set_busy_notice",
    "to_multipolygons",
    "utc_now",
    "wait_while_busy",
]


def file_sha256(path: str | os.PathLike[str]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def open_project(
    target: str | os.PathLike[str],
    *,
    ask_password: Callable[[str], str | None] | None = None,
) -> Any:
    """The project a command names: a database address (`PgStore`) or a file (`GpkgStore`)."""
    from qjgis.pg.url import is_database_url

    if isinstance(target, str) and is_database_url(target):
        from qjgis.pg.store import PgStore

        return PgStore.open(target, ask_password=ask_password)
    return GpkgStore.open(target)


def create_project(path: str | os.PathLike[str], *, crs: str = "EPSG:4524") -> GpkgStore:
    return GpkgStore.create(path, crs=crs)
