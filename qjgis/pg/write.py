"""The PostgreSQL side of the store's one write path: bulk rows and keyed import batches.

`PgStore.insert_rows` / `insert_features` and `PgBatchTable` (the `store_api.BatchTable`
of a database) write what `qjgis.io.importer.BatchWriter` decided, as
`qjgis.gpkg_write.GpkgBatchTable` does on a file, but in PostgreSQL's way:

- new rows: fids reserved from the table's sequence in one statement, then one binary
  `COPY` (geometry as ISO WKB, which PostGIS takes with the column's SRID);
- updates: the new values go by binary `COPY` into a temporary table, then one
  `UPDATE … FROM` sets them and moves each row's version on;
- the batch's bookkeeping (`import_batch_rows`) by `COPY` too;
- the keys staged in temporary tables dropped at commit (`ON COMMIT DROP`), so memory
  stays flat as on a file; matching, duplicates and absent rows are the file's SQL,
  translated by `PgConnection`.

All of it inside the caller's transaction: a refused import leaves the database as
it was. Geometry leaves the database as WKB and is compared, and kept for undo, as the
GeoPackage blob a file would hold (`gpkg.encode`), so an import's `before` records
read the same on both back ends and survive `push`/`pull`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from qjgis import gpkg, schema
from qjgis.gpkg_store import _python_values
from qjgis.gpkg_write import GpkgBatchTable
from qjgis.pg import roles
from qjgis.pg.sql import COPY_TYPES
from qjgis.store_api import to_multipolygons

if TYPE_CHECKING:
    from qjgis.pg.store import PgConnection, PgStore


def _raw(conn: PgConnection) -> Any:
    """The psycopg connection under the engine's `PgConnection` (COPY and arrays)."""
    return conn._conn


def copy_types(table: schema.Table, names: Sequence[str]) -> list[str]:
    types = table.types | {"fid": "INTEGER", "batch_id": "INTEGER"}
    return [COPY_TYPES[types[n]] for n in names]


def copy_rows(
    conn: PgConnection,
    target: str,
    names: Sequence[str],
    types: Sequence[str],
    columns: list[list[Any]],
) -> None:
    """Binary COPY of aligned column lists into `target` (a quoted table name)."""
    from qjgis.pg.store import _database_errors

    quoted = ", ".join(f'"{n}"' for n in names)
    table = target.strip('"')
    raw = _raw(conn)
    if target.startswith("pg_temp."):  # a staging table of the import's own: as it is
        into = target
    else:  # the table, or a staging table where the town policies apply (roles)
        with _database_errors(conn.url, None, conn.who):
            into = roles.copy_target(raw, table, quoted)
    copy = f"COPY {into} ({quoted}) FROM STDIN (FORMAT BINARY)"
    with _database_errors(conn.url, copy, conn.who), raw.cursor() as cur, cur.copy(copy) as cp:
        cp.set_types(list(types))
        for row in zip(*columns, strict=True):
            cp.write_row(row)
    if into != target and into.startswith("pg_temp."):  # staged: the policies check it now
        with _database_errors(conn.url, roles.copy_insert(table, quoted), conn.who):
            roles.copy_done(raw, table, quoted, into)


def _column_values(table: schema.Table, name: str, values: Any) -> list[Any]:
    """A column as COPY's binary dumpers take it: NULL for NaN, whole numbers as int."""
    return _adapt(table, name, _python_values(values))


def _adapt(table: schema.Table, name: str, out: list[Any]) -> list[Any]:
    kind = table.types.get(name, "INTEGER")
    if COPY_TYPES[kind] in ("int8", "int4"):
        # an integer column given 3.0 (numpy promoted it): the number, not a refusal
        out = [int(v) if isinstance(v, float) and v.is_integer() else v for v in out]
    elif COPY_TYPES[kind] == "float8":
        out = [float(v) if isinstance(v, int) else v for v in out]
    return out


def new_fids(conn: PgConnection, table: str, n: int) -> np.ndarray:
    """`n` fids reserved from the table's sequence (unique whoever else inserts)."""
    from qjgis.pg.store import _database_errors

    if n == 0:
        return np.empty(0, dtype=np.int64)
    # one row, one array, in binary: a row per fid cost a tenth of a second per 20,000.
    # Drawing fids is the first step of an insert: a role that may not insert is refused
    # here (the sequence's privilege), and is told so as for the INSERT itself.
    refused_as = f'INSERT INTO "{table}"'
    with _database_errors(conn.url, refused_as, conn.who), _raw(conn).cursor(binary=True) as cur:
        cur.execute(
            # the sequence looked up once, not once per fid
            "WITH s AS (SELECT pg_get_serial_sequence(%s, 'fid')::regclass AS seq) "
            "SELECT array_agg(nextval(s.seq)) FROM s, generate_series(1, %s)",
            (f'"{table}"', int(n)),
        )
        (fids,) = cur.fetchone()
    return np.array(fids, dtype=np.int64)


def wkb(geoms: np.ndarray) -> list[bytes | None]:
    """Geometries as ISO WKB for a geometry column (None stays NULL)."""
    return shapely.to_wkb(geoms, byte_order=1, include_srid=False, flavor="iso").tolist()


def insert_rows(
    store: PgStore, conn: PgConnection, table: str, columns: Mapping[str, Any]
) -> np.ndarray:
    """Aligned column arrays into an attribute table by binary COPY; the new fids."""
    t = store._layer(table)
    names = store._columns(t, list(columns))
    n = len(next(iter(columns.values()))) if columns else 0
    fids = new_fids(conn, table, n)
    if n:
        copy_rows(
            conn, f'"{table}"', ["fid", *names], copy_types(t, ["fid", *names]),
            [fids.tolist(), *(_column_values(t, c, columns[c]) for c in names)],
        )  # fmt: skip
    return fids


def insert_features(
    store: PgStore, conn: PgConnection, layer: str, geometry: np.ndarray, columns: Mapping[str, Any]
) -> np.ndarray:
    """Features by binary COPY, geometry as WKB in the column's SRID; the new fids.

    The GiST index keeps itself; there is no extent to record (PostGIS measures it)."""
    t = store._layer(layer, spatial=True)
    names = store._columns(t, list(columns))
    geoms = to_multipolygons(np.asarray(geometry, dtype=object))
    fids = new_fids(conn, layer, len(geoms))
    if len(geoms):
        copy_rows(
            conn, f'"{layer}"', ["fid", "geom", *names],
            ["int8", "bytea", *copy_types(t, names)],
            [fids.tolist(), wkb(geoms), *(_column_values(t, c, columns[c]) for c in names)],
        )  # fmt: skip
    return fids


def update_rows(
    store: PgStore,
    conn: PgConnection,
    table: str,
    fids: Sequence[int],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    bump_version: bool = True,
    constants: Mapping[str, Any] | None = None,
) -> None:
    """Set `names` to each row's values on the rows `fids` (a `geom` as its GeoPackage
    blob), each row one version on unless `bump_version` is False; `constants` are set on
    every row alike. The values go by binary COPY into a temporary table of the target's
    own column types (so the server checks them as it would the table's), then one
    `UPDATE … FROM` sets them."""
    if not fids:
        return
    t = store._layer(table)
    names = list(names)
    temp = f"qj_upd_{table}"
    quoted = ", ".join(["fid", *(f'"{c}"' for c in names)])
    conn.execute(f"DROP TABLE IF EXISTS pg_temp.{temp}")
    conn.execute(
        f'CREATE TEMP TABLE {temp} ON COMMIT DROP AS SELECT {quoted} FROM "{table}" WITH NO DATA'
    )
    columns: list[list[Any]] = [list(fids)]
    for k, name in enumerate(names):
        values = [r[k] for r in rows]
        columns.append([blob_wkb(v) for v in values] if name == "geom" else _adapt(t, name, values))
    types = ["int8", *("bytea" if c == "geom" else copy_types(t, [c])[0] for c in names)]
    copy_rows(conn, f"pg_temp.{temp}", ["fid", *names], types, columns)
    constants = dict(constants or {})
    sets = [f'"{c}" = u."{c}"' for c in names] + [f'"{c}" = ?' for c in constants]
    if bump_version:
        sets.append(f'row_version = "{table}".row_version + 1')
    conn.execute(
        f'UPDATE "{table}" SET {", ".join(sets)} FROM pg_temp.{temp} u WHERE "{table}".fid = u.fid',
        tuple(constants.values()),
    )
    conn.execute(f"DROP TABLE pg_temp.{temp}")


def delete_rows(
    store: PgStore, conn: PgConnection, table: str, keys: Sequence[Any], column: str = "fid"
) -> int:
    """DELETE the rows whose `column` is one of `keys`: one statement, the keys as one
    array parameter (no statement per chunk as SQLite's parameter limit needs)."""
    t = store._layer(table)
    store._columns(t, [] if column == "fid" else [column])
    flat = [k.item() if isinstance(k, np.generic) else k for k in keys]
    if not flat:
        return 0
    cur = conn.execute(f'DELETE FROM "{table}" WHERE "{column}" = ANY(?)', (flat,))
    return max(int(cur.rowcount), 0)


def blobs_from_wkb(values: Sequence[Any], srid: int) -> list[bytes | None]:
    """WKB read from the database as the GeoPackage blobs a file would hold."""
    arr = np.empty(len(values), dtype=object)
    arr[:] = [None if v is None else bytes(v) for v in values]
    return gpkg.encode(gpkg.decode(arr), srid).tolist()


def blob_wkb(blob: bytes | None) -> bytes | None:
    """The WKB inside a GeoPackage blob (its header cut, whatever its envelope)."""
    if blob is None:
        return None
    flags = blob[3]
    return bytes(blob[8 + gpkg._ENVELOPE_BYTES[(flags >> 1) & 7] :])


class PgBatchTable(GpkgBatchTable):
    """One table's writes of one import batch, inside the caller's transaction (a database)."""

    temp_prefix = "pg_temp."

    def _index_per_slice(self) -> bool:
        return True  # the GiST index keeps itself

    def _create_scratch(self) -> None:
        for sql in (
            f"DROP TABLE IF EXISTS {self.seen}",
            f"DROP TABLE IF EXISTS {self.cur}",
            f"DROP TABLE IF EXISTS {self.matched}",
            f"CREATE TEMP TABLE {self._bare(self.seen)} (key TEXT PRIMARY KEY, n BIGINT NOT NULL) "
            "ON COMMIT DROP",
            f"CREATE TEMP TABLE {self._bare(self.cur)} (pos BIGINT PRIMARY KEY, key TEXT) "
            "ON COMMIT DROP",
            f"CREATE TEMP TABLE {self._bare(self.matched)} (fid BIGINT PRIMARY KEY) ON COMMIT DROP",
        ):
            self.conn.execute(sql)

    @staticmethod
    def _bare(name: str) -> str:
        return name.removeprefix("pg_temp.")

    def stage_keys(self, rows: list[int], keys: list[str | None]) -> None:
        copy_rows(self.conn, self.cur, ["pos", "key"], ["int8", "text"], [rows, keys])

    def _upsert_counts(self, select: str) -> str:
        return (
            f"INSERT INTO {self.seen} (key, n) {select} "
            f"ON CONFLICT (key) DO UPDATE SET n = {self._bare(self.seen)}.n + excluded.n"
        )

    def _select_rows(self, where: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        cols = ", ".join(f'"{c}"' for c in self.all_cols)
        geom = "ST_AsBinary(geom), " if self.spatial else ""
        rows = self.conn.execute(
            f'SELECT fid, {geom}{cols} FROM "{self.table}" WHERE {where}', tuple(params)
        ).fetchall()
        if not self.spatial or not rows:
            return rows
        blobs = blobs_from_wkb([r[1] for r in rows], self.srs)
        return [(r[0], b, *r[2:]) for r, b in zip(rows, blobs, strict=True)]

    def _rows_by_fid(self, fids: list[int]) -> list[tuple[Any, ...]]:
        return self._select_rows("fid = ANY(?)", [list(fids)])

    def _mark_matched(self, fids: list[int]) -> None:
        self.conn.execute(
            f"INSERT INTO {self.matched} SELECT unnest(?::bigint[]) ON CONFLICT DO NOTHING",
            [list(fids)],
        )

    def _insert(self, columns: dict[str, np.ndarray], geoms: np.ndarray | None) -> np.ndarray:
        if self.spatial:
            assert geoms is not None
            return insert_features(self.store, self.conn, self.table, geoms, columns)
        return insert_rows(self.store, self.conn, self.table, columns)

    def _record_added(self, fids: np.ndarray) -> None:
        n = len(fids)
        if n and fids[-1] - fids[0] + 1 == n:
            # one run of fids (the usual case: reserved in one statement): recorded by
            # the server from the rows themselves, nothing sent
            self.conn.execute(
                "INSERT INTO import_batch_rows (batch_id, layer, row_fid, action) "
                f"SELECT ?, ?, fid, 'added' FROM \"{self.table}\" WHERE fid BETWEEN ? AND ? "
                "ORDER BY fid",
                (self.batch_id, self.table, int(fids[0]), int(fids[-1])),
            )
        elif n:
            copy_rows(
                self.conn, "import_batch_rows", ["batch_id", "layer", "row_fid", "action"],
                ["int8", "text", "int8", "text"],
                [[self.batch_id] * n, [self.table] * n, fids.tolist(), ["added"] * n],
            )  # fmt: skip

    def _record_updated(self, fids: list[int], befores: list[str]) -> None:
        n = len(fids)
        if n:
            copy_rows(
                self.conn, "import_batch_rows",
                ["batch_id", "layer", "row_fid", "action", "before"],
                ["int8", "text", "int8", "text", "text"],
                [[self.batch_id] * n, [self.table] * n, list(fids), ["updated"] * n, befores],
            )  # fmt: skip

    def _grown(self, geoms: np.ndarray) -> None:
        return None  # PostGIS measures a layer's extent itself

    def _supersede(self, fids: list[int]) -> None:
        self.conn.execute(
            f'UPDATE "{self.table}" SET superseded_by = ?, row_version = row_version + 1 '
            "WHERE fid = ANY(?)",
            (self.batch_id, list(fids)),
        )

    def _pack_index(self) -> None:
        return None
