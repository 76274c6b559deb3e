"""The GeoPackage side of the store's one write path for keyed batches (`BatchTable`).

An import writes a table through `store.batch_table(...)`: the store stages the keys
the file brings, finds the existing rows they match, adds and updates rows with their
row versions, and keeps the batch's bookkeeping (`import_batch_rows`: what it added,
and each updated row as it was, for undo). `qjgis.io.importer.BatchWriter` decides
*what* to write (the k-th occurrence of a key matches the k-th existing row, duplicates
kept and flagged, absent rows reported); this class, and `qjgis.pg.write.PgBatchTable`
for a database, decide *how*, each in its own SQL.

On a file: keys live in temporary SQLite tables (memory stays flat whatever the file's
size), new features go through `GpkgStore.insert_features` (R-tree rows from shapely's
bounds, or one packed R-tree at the end into an empty layer), updates are `executemany`.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from qjgis import gpkg, schema

if TYPE_CHECKING:
    from qjgis.gpkg_store import GpkgStore

_CHUNK = 900  # parameters per IN (...) list: under SQLite's old limit of 999


class GpkgBatchTable:
    """One table's writes of one import batch, inside the caller's transaction (a file)."""

    #: where the batch's scratch tables live (SQLite's temporary database)
    temp_prefix = "temp."

    def __init__(
        self,
        store: Any,
        conn: Any,
        table: str,
        key_sql: str,
        batch_id: int,
        *,
        scope_sql: str = "1 = 1",
        scope_params: Sequence[Any] = (),
    ) -> None:
        self.store, self.conn, self.table = store, conn, table
        self.key_sql = key_sql  # SQL expression of the key over the table's columns
        self.batch_id = batch_id
        #: SQL condition (with `scope_params`) on the rows this import speaks for: a
        #: reference layer's kind; rows outside it are never "absent" from the file.
        self.scope_sql = scope_sql
        self.scope_params = tuple(scope_params)
        self.t = schema.TABLE_BY_NAME[table]
        self.spatial = self.t.geometry is not None
        self.all_cols = [c.name for c in self.t.columns]
        self.max_fid = int(
            conn.execute(f'SELECT coalesce(max(fid), 0) FROM "{table}"').fetchone()[0]
        )
        self.existing = int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
        self.srs = store.srs_id()
        self.seen = f"{self.temp_prefix}imp_seen_{table}"
        self.cur = f"{self.temp_prefix}imp_cur_{table}"
        self.matched = f"{self.temp_prefix}imp_matched_{table}"
        self.index_per_slice = self._index_per_slice()
        self._create_scratch()

    # ------------------------------------------------------------ back-end specifics
    def _index_per_slice(self) -> bool:
        """False: the R-tree of an empty layer is packed once, at `close`."""
        if not self.spatial:
            return True
        rtree = f"rtree_{self.table}_geom"
        has = self.conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{rtree}")').fetchone()[0]
        return self.existing > 0 or bool(has)

    def _create_scratch(self) -> None:
        for sql in (
            f"DROP TABLE IF EXISTS {self.seen}",
            f"DROP TABLE IF EXISTS {self.cur}",
            f"DROP TABLE IF EXISTS {self.matched}",
            f"CREATE TABLE {self.seen} (key TEXT PRIMARY KEY, n INTEGER NOT NULL)",
            f"CREATE TABLE {self.cur} (pos INTEGER PRIMARY KEY, key TEXT)",
            f"CREATE TABLE {self.matched} (fid INTEGER PRIMARY KEY)",
        ):
            self.conn.execute(sql)

    def stage_keys(self, rows: list[int], keys: list[str | None]) -> None:
        """Keep the keys of source rows `rows` (to count them and name duplicates)."""
        from qjgis.gpkg_store import insert_many

        insert_many(self.conn, f"INSERT INTO {self.cur} (pos, key)", [rows, keys])

    def _upsert_counts(self, select: str) -> str:
        return (
            f"INSERT INTO {self.seen} (key, n) {select} "
            "ON CONFLICT(key) DO UPDATE SET n = n + excluded.n"
        )

    def encode(self, geoms: np.ndarray) -> np.ndarray:
        """Geometries as the table's rows compare them (`current`): GeoPackage blobs."""
        return gpkg.encode(geoms, self.srs)

    def _select_rows(self, where: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """(fid, [geometry blob], every column) of the rows `where` picks."""
        cols = ", ".join(f'"{c}"' for c in self.all_cols)
        geom = "geom, " if self.spatial else ""
        return self.conn.execute(
            f'SELECT fid, {geom}{cols} FROM "{self.table}" WHERE {where}', tuple(params)
        ).fetchall()

    def _rows_by_fid(self, fids: list[int]) -> list[tuple[Any, ...]]:
        out: list[tuple[Any, ...]] = []
        for start in range(0, len(fids), _CHUNK):
            chunk = fids[start : start + _CHUNK]
            out += self._select_rows(f"fid IN ({','.join('?' * len(chunk))})", chunk)
        return out

    def _mark_matched(self, fids: list[int]) -> None:
        self.conn.executemany(
            f"INSERT OR IGNORE INTO {self.matched} VALUES (?)", [(f,) for f in fids]
        )

    def _insert(self, columns: dict[str, np.ndarray], geoms: np.ndarray | None) -> np.ndarray:
        if self.spatial:
            assert geoms is not None
            return self.store.insert_features(
                self.conn, self.table, geoms, columns, rtree=self.index_per_slice
            )
        return self.store.insert_rows(self.conn, self.table, columns)

    def _record_added(self, fids: np.ndarray) -> None:
        conn = self.conn
        if len(fids) and fids[-1] - fids[0] + 1 == len(fids):
            # the new fids are one run: record them in one statement, inside SQLite
            conn.execute(
                "INSERT INTO import_batch_rows (batch_id, layer, row_fid, action) "
                f"SELECT ?, ?, fid, 'added' FROM \"{self.table}\" WHERE fid BETWEEN ? AND ?",
                (self.batch_id, self.table, int(fids[0]), int(fids[-1])),
            )
        else:
            conn.executemany(
                "INSERT INTO import_batch_rows (batch_id, layer, row_fid, action) "
                "VALUES (?, ?, ?, 'added')",
                [(self.batch_id, self.table, f) for f in fids.tolist()],
            )

    def _write_updates(
        self, fids: list[int], names: list[str], values: list[tuple[Any, ...]],
        blobs: list[bytes | None] | None,
    ) -> None:  # fmt: skip
        if self.spatial:
            rows = [(b, *v) for b, v in zip(blobs or [None] * len(fids), values, strict=True)]
            names = ["geom", *names]
        else:
            rows = values
        self.store.update_rows(
            self.conn, self.table, fids, names, rows, constants={"batch_id": self.batch_id}
        )

    def _record_updated(self, fids: list[int], befores: list[str]) -> None:
        self.conn.executemany(
            "INSERT INTO import_batch_rows (batch_id, layer, row_fid, action, before) "
            "VALUES (?, ?, ?, 'updated', ?)",
            [(self.batch_id, self.table, f, b) for f, b in zip(fids, befores, strict=True)],
        )

    def _grown(self, geoms: np.ndarray) -> None:
        """The layer's recorded extent and change time, after updated geometries."""
        present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        if present.any():
            self.store._touch(self.conn, self.table, shapely.total_bounds(geoms[present]), 0)

    def _supersede(self, fids: list[int]) -> None:
        self.conn.executemany(
            f'UPDATE "{self.table}" SET superseded_by = ?, row_version = row_version + 1 '
            "WHERE fid = ?",
            [(self.batch_id, f) for f in fids],
        )

    def _drop_scratch(self) -> None:
        for t in (self.seen, self.cur, self.matched):
            self.conn.execute(f"DROP TABLE IF EXISTS {t}")

    def _pack_index(self) -> None:
        if not self.index_per_slice:
            gpkg.rtree_bulk_load(self.conn, self.table)

    # ------------------------------------------------------------ the write path
    def count_staged(self, span: tuple[int, int]) -> None:
        """Add the keys of staged rows `span` (first, last) to the running counts."""
        self.conn.execute(
            self._upsert_counts(
                f"SELECT key, count(*) FROM {self.cur} WHERE pos BETWEEN ? AND ? "
                "AND key IS NOT NULL GROUP BY key"
            ),
            span,
        )

    def existing_by_key(
        self, span: tuple[int, int]
    ) -> tuple[dict[str, int], list[tuple[int, str]]]:
        """For the staged rows `span`: how often each of their keys came in earlier
        slices, and the existing rows (fid, key) with those keys, in fid order."""
        conn = self.conn
        batch_keys = f"SELECT key FROM {self.cur} WHERE pos BETWEEN ? AND ?"
        prior = dict(
            conn.execute(
                f"SELECT s.key, s.n FROM {self.seen} s WHERE s.key IN ({batch_keys})", span
            ).fetchall()
        )
        found = conn.execute(
            f'SELECT fid, {self.key_sql} FROM "{self.table}" '
            f"WHERE fid <= ? AND {self.key_sql} IN ({batch_keys}) ORDER BY fid",
            (self.max_fid, *span),
        ).fetchall()
        return prior, found

    def add(self, columns: dict[str, np.ndarray], geoms: np.ndarray | None) -> np.ndarray:
        """Insert new rows (with `batch_id` among `columns`) and record them as added."""
        fids = self._insert(columns, geoms)
        self._record_added(fids)
        return fids

    def current(self, fids: list[int]) -> dict[int, tuple[Any, ...]]:
        """The rows `fids` as they are: (fid, [geometry as `encode` gives it], columns…),
        every column of the table in schema order; they count as matched by the file."""
        self._mark_matched(fids)
        return {row[0]: row for row in self._rows_by_fid(fids)}

    def update(
        self,
        fids: list[int],
        names: list[str],
        values: list[tuple[Any, ...]],
        blobs: list[bytes | None] | None,
        befores: list[str],
        geoms: np.ndarray | None,
    ) -> None:
        """Set `names` to `values` (and the geometry to `blobs`) on rows `fids`, one
        version on, recording each row as it was (`befores`, JSON) for undo."""
        if not fids:
            return
        self._write_updates(fids, names, values, blobs)
        self._record_updated(fids, befores)
        if self.spatial and geoms is not None:
            self._grown(geoms)

    def before_geometry(self, value: Any) -> str | None:
        """A row's geometry (as `current` gives it) as its `before` JSON keeps it."""
        return None if value is None else base64.b64encode(value).decode("ascii")

    def supersede_absent(self) -> tuple[list[int], list[tuple[Any, ...]]]:
        """Mark the in-scope rows the file did not mention as superseded by this batch;
        returns them as they were (fid, geometry, columns…) for the caller's record."""
        if not self.existing:
            return [], []
        rows = self._select_rows(
            f"fid <= ? AND superseded_by IS NULL AND fid NOT IN (SELECT fid FROM {self.matched}) "
            "AND fid NOT IN (SELECT row_fid FROM import_batch_rows WHERE batch_id = ? "
            f"AND layer = ?) AND ({self.scope_sql})",
            (self.max_fid, self.batch_id, self.table, *self.scope_params),
        )
        fids = [int(r[0]) for r in rows]
        self._supersede(fids)
        return fids, rows

    def record_updated(self, fids: list[int], befores: list[str]) -> None:
        self._record_updated(fids, befores)

    def count_duplicates(self) -> None:
        """Into an empty table the keys were only staged: count the duplicated ones."""
        self.conn.execute(
            f"INSERT INTO {self.seen} (key, n) SELECT key, count(*) FROM {self.cur} "
            "WHERE key IS NOT NULL GROUP BY key HAVING count(*) > 1"
        )

    def duplicates(self, limit: int) -> tuple[int, list[tuple[str, int]], dict[str, list[int]]]:
        """(rows with a duplicated key, the first `limit` such keys with their counts,
        the 1-based source rows of each of those)."""
        conn = self.conn
        total = conn.execute(f"SELECT coalesce(sum(n), 0) FROM {self.seen} WHERE n > 1").fetchone()
        if not total[0]:
            return 0, [], {}
        shown = [
            (str(k), int(n))
            for k, n in conn.execute(
                f"SELECT key, n FROM {self.seen} WHERE n > 1 ORDER BY key LIMIT ?", (limit,)
            ).fetchall()
        ]
        where: dict[str, list[int]] = {k: [] for k, _ in shown}
        for pos, key in conn.execute(
            f"SELECT pos, key FROM {self.cur} WHERE key IN "
            f"(SELECT key FROM {self.seen} WHERE n > 1 ORDER BY key LIMIT ?) ORDER BY pos",
            (limit,),
        ).fetchall():
            where[key].append(int(pos) + 1)
        return int(total[0]), shown, where

    def absent(self) -> int:
        """In-scope rows that existed before the batch and that the file did not mention."""
        if not self.existing:
            return 0
        return int(
            self.conn.execute(
                f'SELECT count(*) FROM "{self.table}" WHERE fid <= ? '
                f"AND fid NOT IN (SELECT fid FROM {self.matched}) "
                f"AND fid NOT IN (SELECT row_fid FROM import_batch_rows WHERE batch_id = ? "
                f"AND layer = ?) AND ({self.scope_sql})",
                (self.max_fid, self.batch_id, self.table, *self.scope_params),
            ).fetchone()[0]
        )

    def close(self) -> None:
        """Drop the scratch tables; into an empty layer, pack its spatial index now."""
        self._drop_scratch()
        self._pack_index()


def batch_table(
    store: GpkgStore, conn: Any, table: str, key_sql: str, batch_id: int, **scope: Any
) -> GpkgBatchTable:
    return GpkgBatchTable(store, conn, table, key_sql, batch_id, **scope)


def restore_rows(
    store: Any,
    conn: Any,
    table: str,
    fids: Sequence[int],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> None:
    """Insert rows again under their own fids (a redo puts back what an undo deleted):
    `names` may hold `row_version` (kept as given) and `geom` (its GeoPackage blob).
    Rare and small, so plain parameterised INSERTs on both back ends (`geom_marker`)."""
    if not fids:
        return
    t = store._layer(table)
    store._columns(t, [c for c in names if c not in ("geom", "row_version")])
    cols = ", ".join(["fid", *(c if c in ("geom", "row_version") else f'"{c}"' for c in names)])
    marks = ", ".join(["?", *(store.geom_marker if c == "geom" else "?" for c in names)])
    at = [k for k, c in enumerate(names) if c == "geom"]

    def params(fid: int, row: Sequence[Any]) -> tuple[Any, ...]:
        values = list(row)
        for k in at:
            values[k] = store.geom_param(values[k])
        return (int(fid), *values)

    conn.executemany(
        f'INSERT INTO "{table}" ({cols}) VALUES ({marks})',
        [params(f, r) for f, r in zip(fids, rows, strict=True)],
    )
