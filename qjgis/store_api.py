"""The project store's interface, shared by its two back ends.

`ProjectStore` is what the engine may ask of a project, whatever holds it: a GeoPackage
file (`qjgis.gpkg_store.GpkgStore`) or a PostgreSQL + PostGIS database
(`qjgis.pg.store.PgStore`). Both read into the same structures (`LayerData`,
`LazyColumns`, `columnar`), so the checks, reports and commands cannot tell them apart.
`qjgis.store` re-exports all of it (older imports keep working) and opens either back end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import shapely

from qjgis import schema
from qjgis.settings import ProjectSettings


class LazyColumns(MutableMapping[str, np.ndarray]):
    """Attribute columns where text is turned into Python objects only when asked for.

    A scan (`GpkgStore.scan`) reads text as fixed-width unicode; most of it is
    only ever compared and hashed as such (`LayerData.text`), so building a
    Python string per value, tens of millions for a district, is left to the
    columns someone reads as objects. Those come as `read_layer` gives them:
    str, None where NULL.
    """

    def __init__(
        self,
        columns: list[str],
        ready: dict[str, np.ndarray],
        text: dict[str, tuple[np.ndarray, np.ndarray | None]],
    ) -> None:
        self._order = list(columns)
        self._ready = dict(ready)
        self._text = dict(text)
        # The checks' rules run two at a time and may first ask for one column together.
        self._lock = threading.Lock()

    def __getitem__(self, name: str) -> np.ndarray:
        with self._lock:
            if name not in self._ready:
                values, valid = self._text[name]  # KeyError for an unknown column, as a dict
                obj = values.astype(object)
                if valid is not None:
                    obj[~valid] = None
                self._ready[name] = obj
                del self._text[name]
            return self._ready[name]

    def __setitem__(self, name: str, values: np.ndarray) -> None:
        with self._lock:
            self._text.pop(name, None)
            if name not in self._ready and name not in self._order:
                self._order.append(name)
            self._ready[name] = values

    def __delitem__(self, name: str) -> None:
        with self._lock:
            if name not in self._ready and name not in self._text:
                raise KeyError(name)
            self._ready.pop(name, None)
            self._text.pop(name, None)
            self._order.remove(name)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, name: object) -> bool:
        with self._lock:
            return name in self._ready or name in self._text


@dataclass
class LayerData:
    """Columns of one layer: fids, shapely geometries and attribute arrays, row-aligned."""

    fids: np.ndarray
    geometry: np.ndarray
    attrs: MutableMapping[str, np.ndarray] = field(default_factory=dict)
    #: TEXT columns also as fixed-width unicode ("" where NULL), when the reader had them
    #: so (`GpkgStore.scan`): the checks compare and hash them without converting objects.
    text: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.fids)


@dataclass(frozen=True)
class IntegrityProblem:
    # stable: sqlite, foreign_key, gpkg, missing_table, srs, trigger, bad_blob, rtree, setting,
    # chain
    code: str
    table: str | None
    detail: str
    #: the first entry (fid) a `chain` problem names
    fid: int | None = None


class Connection(Protocol):
    """What a command's `conn` offers inside `transaction()`, on either back end.

    `sqlite3.Connection` for a file; `qjgis.pg.store.PgConnection` for a database, which
    takes the same SQL (SQLite's dialect as the engine writes it) and translates it.
    """

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...

    def executemany(self, sql: str, rows: Any, /) -> Any: ...


class BatchTable(Protocol):
    """One table's writes of one import batch, inside the caller's transaction.

    The store's half of the one write path (`ProjectStore.batch_table`): the importer's
    `BatchWriter` decides what to write (which existing row a key matches, duplicates,
    what changed), this writes it in its back end's SQL: keys staged out of Python's
    memory, rows added and updated with their row versions, each added row and each
    updated row as it was recorded in `import_batch_rows` for undo. Implemented by
    `qjgis.gpkg_write.GpkgBatchTable` and `qjgis.pg.write.PgBatchTable`.
    """

    #: rows in the table before the batch, and the largest fid then
    existing: int
    max_fid: int
    #: every column of the table (schema order), as `current` rows carry them
    all_cols: list[str]

    def stage_keys(self, rows: list[int], keys: list[str | None]) -> None: ...

    def count_staged(self, span: tuple[int, int]) -> None: ...

    def existing_by_key(
        self, span: tuple[int, int]
    ) -> tuple[dict[str, int], list[tuple[int, str]]]: ...

    def add(self, columns: dict[str, np.ndarray], geoms: np.ndarray | None) -> np.ndarray: ...

    def encode(self, geoms: np.ndarray) -> np.ndarray: ...

    def current(self, fids: list[int]) -> dict[int, tuple[Any, ...]]: ...

    def update(
        self,
        fids: list[int],
        names: list[str],
        values: list[tuple[Any, ...]],
        blobs: list[bytes | None] | None,
        befores: list[str],
        geoms: np.ndarray | None,
    ) -> None: ...

    def before_geometry(self, value: Any) -> str | None: ...

    def supersede_absent(self) -> tuple[list[int], list[tuple[Any, ...]]]: ...

    def record_updated(self, fids: list[int], befores: list[str]) -> None: ...

    def count_duplicates(self) -> None: ...

    def duplicates(self, limit: int) -> tuple[int, list[tuple[str, int]], dict[str, list[int]]]: ...

    def absent(self) -> int: ...

    def close(self) -> None: ...


class ProjectStore(Protocol):
    """What the rest of qjgis may ask of a project, whatever holds it.

    Two back ends: `qjgis.gpkg_store.GpkgStore` (a GeoPackage file) and
    `qjgis.pg.store.PgStore` (PostgreSQL + PostGIS). Reads answer with the same arrays
    (`LayerData`, `columnar`); every write runs inside `transaction()`, one all-or-nothing
    unit, through the store's write methods (`update_row` with its row-version check,
    `audit` and `append_chained` for the hash-chained histories, `write_settings`) and
    the commands' SQL on the `Connection` it yields.
    """

    path: str

    @property
    def schema_version(self) -> int: ...

    def meta(self) -> dict[str, str]: ...

    def settings(self) -> ProjectSettings: ...

    def srs_id(self) -> int: ...

    def transaction(self) -> contextlib.AbstractContextManager[Connection]: ...

    def counts(self) -> dict[str, int]: ...

    def extent(self, layer: str) -> tuple[float, float, float, float] | None: ...

    def read_layer(
        self,
        layer: str,
        columns: Sequence[str] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
    ) -> LayerData: ...

    def read_table(
        self, table: str, columns: Sequence[str] | None = None
    ) -> dict[str, np.ndarray]: ...

    def scan(
        self, table: str, columns: Sequence[str] | None = None, *, geometry: bool = False
    ) -> LayerData: ...

    def scan_many(
        self,
        requests: Mapping[str, tuple[Sequence[str] | None, bool]],
        *,
        threads: int = 2,
    ) -> dict[str, LayerData]: ...

    def execute_sql(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def row_version(self, table: str, fid: int) -> int | None: ...

    def update_row(
        self,
        conn: Any,
        table: str,
        fid: int,
        changes: Mapping[str, Any],
        expected_version: int | None = None,
    ) -> dict[str, Any]: ...

    def audit(
        self,
        conn: Any,
        command: str,
        entity: str | None,
        before: Any,
        after: Any,
        *,
        actor: tuple[str, str] | None = None,
    ) -> int: ...

    def append_chained(self, conn: Any, table: str, values: Mapping[str, Any]) -> int: ...

    # The write path of bulk rows (import, undo and redo of a batch): rows added with
    # their geometry in the project's SRID, keyed batches, geometry in and out of SQL.
    def insert_rows(self, conn: Any, table: str, columns: Mapping[str, Any]) -> np.ndarray: ...

    def insert_row(self, conn: Any, table: str, values: Mapping[str, Any]) -> int: ...

    def delete_rows(
        self, conn: Any, table: str, keys: Sequence[Any], column: str = "fid"
    ) -> int: ...

    def add_meta(self, conn: Any, values: Mapping[str, str]) -> None: ...

    def restore_rows(
        self,
        conn: Any,
        table: str,
        fids: Sequence[int],
        names: Sequence[str],
        rows: Sequence[Sequence[Any]],
    ) -> None: ...

    def insert_features(
        self,
        conn: Any,
        layer: str,
        geometry: np.ndarray,
        columns: Mapping[str, Any],
        *,
        rtree: bool = True,
    ) -> np.ndarray: ...

    def update_rows(
        self,
        conn: Any,
        table: str,
        fids: Sequence[int],
        names: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        bump_version: bool = True,
        constants: Mapping[str, Any] | None = None,
    ) -> None: ...

    def batch_table(
        self, conn: Any, table: str, key_sql: str, batch_id: int, **scope: Any
    ) -> BatchTable: ...

    #: the SELECT expression of a layer's geometry (turned into GeoPackage blobs by
    #: `geom_blobs`), and the SQL placeholder of a geometry parameter (`geom_param`)
    geom_select: str
    geom_marker: str

    def geom_blobs(self, values: Sequence[Any]) -> list[bytes | None]: ...

    def geom_param(self, blob: bytes | None) -> Any: ...

    def integrity_check(self) -> list[IntegrityProblem]: ...

    def close(self) -> None: ...


def update_each(
    store: ProjectStore, conn: Any, table: str, changes: Iterable[tuple[int, Mapping[str, Any]]]
) -> int:
    """Each row's own columns written back (an undo's or a revert's values before), one
    `update_rows` per set of columns, each row one version on; returns the rows written."""
    groups: dict[tuple[str, ...], tuple[list[int], list[tuple[Any, ...]]]] = {}
    for fid, values in changes:
        fids, rows = groups.setdefault(tuple(values), ([], []))
        fids.append(fid)
        rows.append(tuple(values.values()))
    for names, (fids, rows) in groups.items():
        store.update_rows(conn, table, fids, names, rows)
    return sum(len(fids) for fids, _ in groups.values())


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_multipolygons(geoms: np.ndarray) -> np.ndarray:
    """Promote polygons to single-part multipolygons, as the layers declare MULTIPOLYGON."""
    geoms = np.asarray(geoms, dtype=object)
    out = geoms.copy()
    poly = shapely.get_type_id(geoms) == 3
    if poly.any():
        out[poly] = shapely.multipolygons(geoms[poly][:, None])
    return out


def columnar(
    rows: list[tuple[Any, ...]], names: list[str], table: schema.Table
) -> dict[str, np.ndarray]:
    """Row tuples to column arrays: REAL as float (NULL -> NaN), others as objects."""
    types = table.types | {"fid": "INTEGER"}
    out: dict[str, np.ndarray] = {}
    cols = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    for name, values in zip(names, cols, strict=True):
        if types.get(name) == "REAL":
            out[name] = np.array(values, dtype=float)  # numpy reads None as NaN
        elif name == "fid":
            out[name] = np.array(values, dtype=np.int64)
        else:
            arr = np.empty(len(values), dtype=object)
            arr[:] = values
            out[name] = arr
    return out
