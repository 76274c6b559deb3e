"""`PgStore`: a qjgis project held in PostgreSQL + PostGIS, for the store protocol.

Reads answer as `GpkgStore`'s do (the same arrays, in fid order, through `columnar`):
whole layers come over the binary protocol, geometry as WKB from `ST_AsBinary`, so the checks run
unchanged and find the same findings with the same evidence. Writes run inside
`transaction()`, one PostgreSQL transaction, through `PgConnection`: the commands' SQL
is written for SQLite (`?` parameters, `INSERT OR IGNORE`, `cursor.lastrowid`) and is
translated statement by statement, so every command, the audit log and its hash chain
and the row-version checks are the same code on both back ends.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from qjgis import gpkg, schema
from qjgis import settings as settings_mod
from qjgis.errors import QjgisError
from qjgis.gcpause import paused_gc
from qjgis.gpkg_store import GpkgStore
from qjgis.pg import conflict, roles
from qjgis.pg import sql as pgsql
from qjgis.pg import url as dburl
from qjgis.pg.transfer import read_meta
from qjgis.settings import ProjectSettings
from qjgis.store_api import IntegrityProblem, LayerData, columnar

# ---------------------------------------------------------------- SQLite SQL -> PostgreSQL
_QUOTED = re.compile(r"('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")")
_BARE_USER = re.compile(r"(?<![\w.])user(?![\w(])", re.IGNORECASE)
_INSERT_TABLE = re.compile(r'^\s*INSERT\s+(?:OR\s+IGNORE\s+)?INTO\s+"?(\w+)"?', re.IGNORECASE)


def _wkb_pattern() -> re.Pattern[str]:
    """`gpkg.wkb_sql(column)` (WKB cut from a GeoPackage blob), for any column name."""
    marker = "\x00COLUMN\x00"
    text = re.escape(gpkg.WKB_SQL.format(c=marker))
    first = text.replace(re.escape(marker), r"(?P<c>[\w.\"]+)", 1)
    return re.compile(first.replace(re.escape(marker), r"(?P=c)"))


_WKB = _wkb_pattern()
_TABLE_INFO = re.compile(r"^\s*PRAGMA\s+table_info\(\s*\"?(\w+)\"?\s*\)\s*$", re.IGNORECASE)


def translate(sql: str) -> str:
    """SQLite's dialect as the engine writes it, in PostgreSQL's.

    `?` -> `%s` and `%` -> `%%` outside string literals; the column name `user`
    (a PostgreSQL keyword) quoted; `INSERT OR IGNORE` -> `ON CONFLICT DO NOTHING`;
    an INSERT returns its fid so that `lastrowid` answers as in SQLite.
    """
    info = _TABLE_INFO.match(sql)
    if info is not None:  # (cid, name, type, notnull, dflt_value, pk) as SQLite gives them
        return (
            "SELECT ordinal_position - 1, column_name::text, upper(data_type::text), "
            "(is_nullable = 'NO')::int, column_default::text, "
            "(column_name = 'fid')::int FROM information_schema.columns "
            f"WHERE table_schema = current_schema() AND table_name = '{info.group(1)}' "
            "ORDER BY ordinal_position"
        )
    if re.match(r"^\s*PRAGMA\s", sql, re.IGNORECASE):  # SQLite's own knobs: no equivalent
        raise QjgisError("database_not_supported", url="", what=sql.strip())
    sql = _WKB.sub(lambda m: f"ST_AsBinary({m.group('c')})", sql)
    parts = _QUOTED.split(sql)
    out = []
    for k, part in enumerate(parts):
        if k % 2:  # a quoted literal or identifier: as it is
            out.append(part)
            continue
        part = part.replace("%", "%%").replace("?", "%s")
        out.append(_BARE_USER.sub('"user"', part))
    text = "".join(out)
    ignore = re.match(r"^\s*INSERT\s+OR\s+IGNORE\s+", text, re.IGNORECASE)
    if ignore:
        text = "INSERT " + text[ignore.end() :] + " ON CONFLICT DO NOTHING"
    if (
        re.match(r"^\s*INSERT\s", text, re.IGNORECASE)
        and "RETURNING" not in text.upper()
        and (m := _INSERT_TABLE.match(text)) is not None
        and m.group(1) in schema.TABLE_BY_NAME  # the project's tables, all keyed by fid
    ):
        text += " RETURNING fid"
    return text


@contextlib.contextmanager
def _database_errors(
    url: str, sql: str | None = None, who: roles.Identity | None = None
) -> Iterator[None]:
    """A server's refusal as a QjgisError (one line for the user), never a traceback.

    The transaction it happened in is rolled back by `transaction()`; a stale version is
    still `write_conflict`, raised by the engine before the server is asked. A refusal
    for want of a privilege (a role's GRANTs, a town's row-level security, the approval
    trigger: `roles.refusal`) names the login, its role and what was refused.
    """
    import psycopg

    try:
        yield
    except psycopg.Error as exc:
        refused = roles.refusal(exc, sql)
        if refused is not None and who is not None:
            raise QjgisError(
                "database_refused", url=url, login=who.login, role=who.role.value, **refused
            ) from exc
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        code = "database_connection_lost" if conflict.connection_lost(exc) else "database_error"
        raise QjgisError(code, url=url, detail=lines[0] if lines else type(exc).__name__) from exc


class PgCursor:
    """The part of `sqlite3.Cursor` the engine uses."""

    def __init__(self, cur: Any, *, returning: bool = False) -> None:
        self._cur = cur
        self.lastrowid: int | None = None
        self.rowcount = cur.rowcount
        if returning and cur.description is not None:
            row = cur.fetchone()
            self.lastrowid = None if row is None else int(row[0])

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._cur.fetchone() if self._cur.description is not None else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._cur.fetchall() if self._cur.description is not None else []

    def fetchmany(self, size: int = 1) -> list[tuple[Any, ...]]:
        return self._cur.fetchmany(size) if self._cur.description is not None else []

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.fetchall())

    def close(self) -> None:
        self._cur.close()


_DDL = re.compile(r"^\s*(ALTER|CREATE|DROP)\s", re.IGNORECASE)


class _Rows:
    """Rows already at hand, answering as a cursor does."""

    lastrowid = None

    def __init__(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self._rows = list(rows)
        self.rowcount = len(self._rows)

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self._rows = self._rows, []
        return rows

    def fetchmany(self, size: int = 1) -> list[tuple[Any, ...]]:
        rows, self._rows = self._rows[:size], self._rows[size:]
        return rows

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.fetchall())

    def close(self) -> None:
        self._rows = []


class PgConnection:
    """What a command's `conn` is on a database: `execute`/`executemany` as in sqlite3."""

    def __init__(self, conn: Any, url: str = "") -> None:
        self._conn = conn
        self.url = url  # redacted: for messages
        #: tables an INSERT named in this transaction: their fid sequences are moved past
        #: explicit fids before commit (SQLite's AUTOINCREMENT does that by itself)
        self.inserted: set[str] = set()
        #: the login this connection acts as (`PgStore.identity`), named in refusals
        self.who: roles.Identity | None = None
        #: (table, fid) -> row version written by `update_row` in this transaction
        self.versions: dict[tuple[str, int], int] = {}
        #: a chained table's next fid, drawn together with its turn (`append_chained`)
        self.drawn_fids: dict[str, int] = {}
        #: `PRAGMA table_info` answers of this session (cleared by any DDL)
        self._table_info: dict[str, list[tuple[Any, ...]]] = {}

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return bool(self._conn.info.transaction_status != TransactionStatus.IDLE)

    def _note(self, sql: str) -> None:
        m = _INSERT_TABLE.match(sql)
        if m is not None:
            self.inserted.add(m.group(1))

    def execute(self, sql: str, params: Sequence[Any] = ()) -> PgCursor | _Rows:
        info = _TABLE_INFO.match(sql)
        if info is not None and info.group(1) in self._table_info:
            # A table's columns, asked per case read: from the session's memory, not from
            # information_schema (a slow catalogue view) every time a desk opens a case.
            return _Rows(self._table_info[info.group(1)])
        if _DDL.match(sql):
            self._table_info.clear()
        if info is not None:
            rows = self._execute(sql, params).fetchall()
            self._table_info[info.group(1)] = rows
            return _Rows(rows)
        return self._execute(sql, params)

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> PgCursor:
        self._note(sql)
        try:
            text = translate(sql)
        except QjgisError as exc:
            raise QjgisError(exc.code, **(exc.params | {"url": self.url})) from None
        cur = self._conn.cursor()
        with _database_errors(self.url, sql, self.who):
            cur.execute(text, tuple(params) if params else None)
            return PgCursor(cur, returning=text.endswith(" RETURNING fid"))

    def executemany(self, sql: str, rows: Any) -> PgCursor:
        self._note(sql)
        text = translate(sql).removesuffix(" RETURNING fid")
        cur = self._conn.cursor()
        with _database_errors(self.url, sql, self.who):
            cur.executemany(text, [tuple(r) for r in rows])
        return PgCursor(cur)


class PgStore:
    """A qjgis project in a PostgreSQL database (see the module's docstring)."""

    def __init__(self, url: str, conn: Any) -> None:
        self.url = url
        #: what a store is named by in messages, recent projects and the audit: no password
        self.path = dburl.redact(url)
        self._raw = conn
        self._conn = PgConnection(conn, self.path)
        self._in_tx = False
        self._settings: ProjectSettings | None = None
        #: the layers' SRID, asked once (`geometry_columns` is a slow catalogue view: 9 ms
        #: a time, and every map layer asked it when a project opened)
        self._srid: int | None = None
        self.on_busy: Callable[[str], None] | None = None
        #: asked again for the password when a lost connection is opened anew
        self.ask_password: Callable[[str], str | None] | None = None

    @classmethod
    def open(cls, url: str, *, ask_password: Callable[[str], str | None] | None = None) -> PgStore:
        conn = dburl.connect(url, ask_password=ask_password, autocommit=True)
        try:
            read_meta(conn, dburl.redact(url))
        except BaseException:
            conn.close()
            raise
        store = cls(url, conn)
        store.ask_password = ask_password
        store.identity()  # known before any write, so that a refusal can name the login
        return store

    # ------------------------------------------------------------ a lost connection
    def _lost(self) -> bool:
        return bool(self._raw.closed or self._raw.broken)

    def reconnect(self) -> None:
        """A new session in place of a lost one (the server restarted, an administrator
        ended the session): only between transactions, so nothing is in flight. If the
        server is still away, `database_unreachable` says so in one line."""
        old = self._raw
        new = dburl.connect(self.url, ask_password=self.ask_password, autocommit=True)
        self._raw = new
        self._conn._conn = new
        self._settings = None
        with contextlib.suppress(Exception):
            old.close()

    @contextlib.contextmanager
    def _begun(self) -> Iterator[None]:
        """A server transaction; a session found lost at BEGIN (the first thing a write
        sends) is opened anew first, so a desk's next command after a restart just works."""
        import psycopg

        if self._lost():
            self.reconnect()
        try:
            tx = self._raw.transaction()
            tx.__enter__()
        except psycopg.OperationalError:
            if not self._lost():
                raise
            self.reconnect()
            tx = self._raw.transaction()
            tx.__enter__()
        with contextlib.ExitStack() as stack:
            stack.push(tx)  # commit, or roll back on an exception (the server does if gone)
            yield

    def _read_again(self, read: Callable[[], Any]) -> Any:
        """A read outside a transaction; one that meets a lost session is asked once more
        on a new one (reading twice changes nothing)."""
        if not self._in_tx and self._lost():
            self.reconnect()
        try:
            return read()
        except QjgisError as exc:
            if self._in_tx or exc.code != "database_connection_lost" or not self._lost():
                raise
        self.reconnect()
        return read()

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> PgStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ transactions
    @contextlib.contextmanager
    def transaction(self) -> Iterator[PgConnection]:
        """One all-or-nothing unit of work; nested calls join the outer one."""
        if self._in_tx:
            yield self._conn
            return
        self._in_tx = True
        self._conn.inserted = set()
        self._conn.versions = {}
        self._conn.drawn_fids = {}
        try:
            with _database_errors(self.path, None, self._conn.who), self._begun():
                yield self._conn
                for table in sorted(self._conn.inserted):
                    if table in schema.TABLE_BY_NAME:
                        # Only ever forward: another desk may hold fids from the sequence
                        # beyond this transaction's view of max(fid), and moving it back
                        # would hand those fids out twice.
                        self._query(
                            "SELECT setval(pg_get_serial_sequence(%s, 'fid'), m) FROM "
                            f'(SELECT max(fid) AS m FROM "{table}") x WHERE m > coalesce('
                            "pg_sequence_last_value(pg_get_serial_sequence(%s, 'fid')::regclass)"
                            ", 0)",
                            (f'"{table}"', f'"{table}"'),
                        )
        except QjgisError as exc:
            self._settings = self._srid = None
            if exc.code == "write_conflict" and "theirs" not in exc.params:
                raise conflict.explained(self, exc) from exc
            raise
        except BaseException:
            self._settings = self._srid = None
            raise
        finally:
            self._in_tx = False

    def _query(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        """A query on the server, its refusal (or a lost connection) a one-line error."""

        def read() -> Any:
            with _database_errors(self.path):
                return self._raw.execute(sql, params)

        return self._read_again(read)

    @staticmethod
    def next_fid(conn: PgConnection, table: str) -> int:
        drawn = conn.drawn_fids.pop(table, None)  # with the chain's turn (`append_chained`)
        if drawn is not None:
            return drawn
        row = conn.execute(
            "SELECT nextval(pg_get_serial_sequence(?, 'fid'))", (f'"{table}"',)
        ).fetchone()
        assert row is not None
        return int(row[0])

    def changed_outside(self) -> bool:
        self._settings = None  # another desk may have changed them: read again
        self._srid = None  # an empty project's CRS too
        return False

    # ------------------------------------------------------------ meta and settings
    @property
    def schema_version(self) -> int:
        return int(self.meta()["schema_version"])

    def meta(self) -> dict[str, str]:
        return dict(self._query("SELECT key, value FROM qj_meta").fetchall())

    def project_id(self) -> str:
        return self.meta()["project_id"]

    def settings(self) -> ProjectSettings:
        if self._settings is None:
            values = settings_mod.defaults()
            for key, raw in self._query("SELECT key, value FROM qj_settings"):
                if key in settings_mod.SPEC_BY_KEY:
                    values[key] = json.loads(raw)
            # Who acts is the database login, not a setting anyone could change (issue 18):
            # the audit, the review's `decided_by` and the engine's role checks read these.
            who = self.identity()
            values["user.name"], values["user.role"] = who.login, who.role.value
            self._settings = ProjectSettings(values)
        return self._settings

    def identity(self) -> roles.Identity:
        """The login this store's connection acts as, its role and town (`roles`)."""
        if self._conn.who is None:
            with _database_errors(self.path):
                self._conn.who = roles.login_identity(self._raw)
        return self._conn.who

    def _change_crs(self, conn: PgConnection, crs: str) -> None:
        """A new project CRS while the layers are empty (`write_settings` asks)."""
        count = sum(self.counts()[name] for name in schema.SPATIAL_LAYERS)
        if count:
            raise QjgisError("crs_locked", count=count)
        epsg = int(crs.split(":")[1])
        self._srid = None  # asked again after the commit (a rollback keeps the old one)
        for table in schema.TABLES:
            if table.geometry:
                kind = schema.PG_GEOMETRY[table.geometry]
                conn.execute(
                    f'ALTER TABLE "{table.name}" ALTER COLUMN geom TYPE geometry({kind}, {epsg})'
                )

    def srs_id(self) -> int:
        if self._srid is None:
            row = self._query(
                "SELECT srid FROM geometry_columns WHERE f_table_name = 'parcels' "
                "AND f_table_schema = current_schema()"
            ).fetchone()
            self._srid = int(row[0])
        return self._srid

    # The engine's own code for these, on this store's connection (see PgConnection).
    # The engine's own code for these (the version check, the hash chain, the settings'
    # validation), run on this store: it only asks `self` what both back ends answer.
    def write_settings(self, conn: PgConnection, changes: Mapping[str, Any]) -> dict[str, Any]:
        for key in ("user.name", "user.role"):
            if key in changes:  # the login decides (`identity`): refused, not ignored
                who = self.identity()
                raise QjgisError("identity_from_login", url=self.path, key=key,
                                 login=who.login, role=who.role.value)  # fmt: skip
        return GpkgStore.write_settings(self, conn, changes)  # type: ignore[arg-type]

    def find_villages(self, village: str) -> list[tuple[str, str]]:
        return GpkgStore.find_villages(self, village)  # type: ignore[arg-type]

    def audit(
        self,
        conn: PgConnection,
        command: str,
        entity: str | None,
        before: Any,
        after: Any,
        *,
        actor: tuple[str, str] | None = None,
    ) -> int:
        after = conflict.tag_version(conn, entity, after)
        return GpkgStore.audit(self, conn, command, entity, before, after, actor=actor)  # type: ignore[arg-type]

    def append_chained(self, conn: PgConnection, table: str, values: Mapping[str, Any]) -> int:
        # Desks append at once: the chain's head is read and extended under a lock held
        # to commit, so no two entries chain to the same predecessor (a forked chain).
        # The turn and the entry's fid in one round trip: the subquery takes the lock first
        # (OFFSET 0 keeps the planner from folding it in), then the fid is drawn, so fids
        # follow the chain's order.
        row = conn.execute(
            "SELECT nextval(pg_get_serial_sequence(?, 'fid')) FROM "
            "(SELECT pg_advisory_xact_lock(hashtext(?)) OFFSET 0) AS turn",
            (f'"{table}"', f"qjgis:chain:{table}"),
        ).fetchone()
        conn.drawn_fids[table] = int(row[0])
        noted = table in conn.inserted
        fid = GpkgStore.append_chained(self, conn, table, values)  # type: ignore[arg-type]
        if not noted:  # its fid came from the sequence: no setval at commit (inside the lock)
            conn.inserted.discard(table)
        return fid

    def update_row(
        self,
        conn: PgConnection,
        table: str,
        fid: int,
        changes: Mapping[str, Any],
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        # GpkgStore's code: `UPDATE … WHERE fid = ? AND row_version = ?` with its rowcount
        # checked. Under READ COMMITTED a second desk's UPDATE waits for the first's row
        # lock and then re-reads the row, finds the version moved on and changes nothing:
        # refused, never a lost update. The new version is kept for the audit entry
        # (`conflict.tag_version`), so a later refusal can show this change.
        before = GpkgStore.update_row(self, conn, table, fid, changes, expected_version)  # type: ignore[arg-type]
        versions = getattr(conn, "versions", None)
        if versions is not None:
            if expected_version is not None:  # written only if it had that version: one on
                versions[(table, int(fid))] = int(expected_version) + 1
            else:
                row = conn.execute(
                    f'SELECT row_version FROM "{table}" WHERE fid = ?', (int(fid),)
                ).fetchone()
                versions[(table, int(fid))] = int(row[0])
        return before

    _layer = staticmethod(GpkgStore._layer)

    def _columns(self, table: schema.Table, columns: Sequence[str] | None) -> list[str]:
        return GpkgStore._columns(self, table, columns)  # type: ignore[arg-type]

    # ------------------------------------------------------------ reading
    def execute_sql(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Read-only SQL (written for SQLite, translated); writes go through transactions."""
        return self._read_again(lambda: self._conn.execute(sql, params).fetchall())  # type: ignore[no-any-return]

    def execute_sql_chunks(
        self, sql: str, params: Sequence[Any] = (), size: int = 8192
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Read-only SQL in chunks of `size` rows, as `GpkgStore.execute_sql_chunks`."""
        cursor = self._conn.execute(sql, params)
        while rows := cursor.fetchmany(size):
            yield rows

    def counts(self) -> dict[str, int]:
        return {
            t.name: int(self._query(f'SELECT count(*) FROM "{t.name}"').fetchone()[0])
            for t in schema.TABLES
        }

    def extent(self, layer: str) -> tuple[float, float, float, float] | None:
        self._layer(layer, spatial=True)
        row = self._query(
            f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
            f'(SELECT ST_Extent(geom)::geometry AS e FROM "{layer}") x'
        ).fetchone()
        return None if row is None or row[0] is None else (row[0], row[1], row[2], row[3])

    def row_version(self, table: str, fid: int) -> int | None:
        row = self._query(
            f'SELECT row_version FROM "{self._layer(table).name}" WHERE fid = %s', (int(fid),)
        ).fetchone()
        return None if row is None else int(row[0])

    def _read(
        self, table: schema.Table, cols: list[str], *, geometry: bool, where: str = "",
        params: Sequence[Any] = (), conn: Any = None,
    ) -> dict[str, np.ndarray]:  # fmt: skip
        """Whole columns in fid order, as `columnar` gives them (geometry as WKB);
        on `conn` (a `scan_many` reader's) or this store's connection."""
        pick = ["fid", *(["geom"] if geometry else []), *cols]
        sql, _names, _types = pgsql.select(table, dialect="postgresql", pick=pick, where=where)
        # The binary protocol's rows are built in C (psycopg's binary package), faster
        # than parsing a binary COPY row by row in Python.
        names_out = ["fid", *(["wkb"] if geometry else []), *cols]
        with (
            paused_gc(),  # millions of row tuples: nothing for the collector
            (conn or self._raw).cursor(binary=True) as cur,
            _database_errors(self.path),
        ):
            cur.execute(sql, tuple(params) if params else None)
            rows = cur.fetchall()
            data = columnar(rows, names_out, table)
            del rows
        if geometry:
            data["geometry"] = gpkg.decode(data.pop("wkb"))
        return data

    def read_layer(
        self,
        layer: str,
        columns: Sequence[str] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
    ) -> LayerData:
        table = self._layer(layer, spatial=True)
        cols = self._columns(table, columns)
        if bbox is None:
            data = self._read(table, cols, geometry=True)
        else:
            data = self._read(
                table, cols, geometry=True,
                where="WHERE geom && ST_MakeEnvelope(%s, %s, %s, %s)",
                params=tuple(float(v) for v in bbox),
            )  # fmt: skip
        geometry = data.pop("geometry")
        return LayerData(fids=data.pop("fid").astype(np.int64), geometry=geometry, attrs=data)

    def read_table(self, table: str, columns: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        t = self._layer(table)
        return self._read(t, self._columns(t, columns), geometry=False)

    def scan(
        self, table: str, columns: Sequence[str] | None = None, *, geometry: bool = False
    ) -> LayerData:
        if geometry:
            return self.read_layer(table, columns)
        rows = self.read_table(table, columns)
        fids = rows.pop("fid").astype(np.int64)
        return LayerData(fids=fids, geometry=np.empty(0, object), attrs=rows)

    def scan_many(
        self,
        requests: Mapping[str, tuple[Sequence[str] | None, bool]],
        *,
        threads: int = 2,
    ) -> dict[str, LayerData]:
        """Several `scan`s, {table: (columns, geometry)}, on `threads` connections at once.

        As the file's `scan_many` reads two tables at a time: while one thread builds
        rows (holding the GIL), the other's server prepares and sends the next (psycopg
        waits on the socket without it). The readers share one snapshot (the first
        exports it, the others take it: `SET TRANSACTION SNAPSHOT`), so the tables agree
        as if read by one query. Inside a write transaction (whose rows only this
        connection sees) they are read one after the other on it.
        """
        if threads <= 1 or len(requests) < 2 or self._in_tx:
            return {
                table: self.scan(table, columns, geometry=geometry)
                for table, (columns, geometry) in requests.items()
            }
        import psycopg

        plans = {
            table: (self._layer(table, spatial=geometry), columns, geometry)
            for table, (columns, geometry) in requests.items()
        }
        sizes = {
            name: int(self._query(f'SELECT coalesce(max(fid), 0) FROM "{name}"').fetchone()[0])
            for name in plans
        }
        todo = sorted(plans, key=lambda name: -sizes[name])  # the largest first
        lock = threading.Lock()
        out: dict[str, LayerData] = {}

        def work(conn: Any) -> None:
            while True:
                with lock:
                    if not todo:
                        return
                    name = todo.pop(0)
                t, columns, geometry = plans[name]
                data = self._read(t, self._columns(t, columns), geometry=geometry, conn=conn)
                fids = data.pop("fid").astype(np.int64)
                geoms = data.pop("geometry") if geometry else np.empty(0, object)
                out[name] = LayerData(fids=fids, geometry=geoms, attrs=data)

        info = self._raw.info
        with _database_errors(self.path):
            helpers = [
                psycopg.connect(info.dsn, password=info.password or None, autocommit=True)
                for _ in range(min(threads, len(plans)) - 1)
            ]
        try:
            with _database_errors(self.path), self._raw.transaction():
                self._raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                snapshot = self._raw.execute("SELECT pg_export_snapshot()").fetchone()[0]
                for helper in helpers:
                    helper.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    helper.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                with ThreadPoolExecutor(len(helpers)) as pool:
                    running = [pool.submit(work, h) for h in helpers]
                    work(self._raw)
                    for f in running:
                        f.result()
        finally:
            for helper in helpers:
                helper.close()
        return {name: out[name] for name in requests}

    # ------------------------------------------------------------ writing in bulk (qjgis.pg.write)
    def insert_rows(self, conn: PgConnection, table: str, columns: Mapping[str, Any]) -> np.ndarray:
        """Insert aligned column arrays into an attribute table (binary COPY); the new fids."""
        from qjgis.pg import write

        return write.insert_rows(self, conn, table, columns)

    def delete_rows(
        self, conn: PgConnection, table: str, keys: Sequence[Any], column: str = "fid"
    ) -> int:
        """Delete the rows whose `column` is one of `keys` (one statement, the keys as
        one array parameter); returns how many went."""
        from qjgis.pg import write

        return write.delete_rows(self, conn, table, keys, column)

    # The same code on both back ends (PgConnection translates the statements; insert_row
    # goes through this store's insert_rows).
    add_meta = staticmethod(GpkgStore.add_meta)
    restore_rows = GpkgStore.restore_rows
    insert_row = GpkgStore.insert_row

    def insert_features(
        self,
        conn: PgConnection,
        layer: str,
        geometry: np.ndarray,
        columns: Mapping[str, Any],
        *,
        rtree: bool = True,
    ) -> np.ndarray:
        """Insert features inside the caller's transaction (binary COPY, geometry as WKB in
        the project's SRID; the GiST index keeps itself); the new fids."""
        from qjgis.pg import write

        return write.insert_features(self, conn, layer, geometry, columns)

    def update_rows(
        self,
        conn: PgConnection,
        table: str,
        fids: Sequence[int],
        names: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        bump_version: bool = True,
        constants: Mapping[str, Any] | None = None,
    ) -> None:
        """Many rows' new values by fid (binary COPY, then one UPDATE … FROM)."""
        from qjgis.pg import write

        write.update_rows(
            self, conn, table, fids, names, rows, bump_version=bump_version, constants=constants
        )

    def batch_table(
        self, conn: PgConnection, table: str, key_sql: str, batch_id: int, **scope: Any
    ) -> Any:
        """One table's writes of one import batch (`store_api.BatchTable`), on the server."""
        from qjgis.pg.write import PgBatchTable

        return PgBatchTable(self, conn, table, key_sql, batch_id, **scope)

    geom_select = "ST_AsBinary(geom)"

    @property
    def geom_marker(self) -> str:
        return f"ST_GeomFromWKB(?, {self.srs_id()})"

    def geom_blobs(self, values: Sequence[Any]) -> list[bytes | None]:
        """WKB read through `geom_select` as the GeoPackage blobs a file would hold."""
        from qjgis.pg import write

        return write.blobs_from_wkb(values, self.srs_id())

    @staticmethod
    def geom_param(blob: bytes | None) -> Any:
        """A GeoPackage blob as the WKB parameter of `geom_marker`."""
        from qjgis.pg import write

        return write.blob_wkb(blob)

    def __getattr__(self, name: str) -> Any:
        # What a file project can do and a database project cannot yet: a clear refusal
        # rather than an AttributeError's traceback.
        if name in _FILE_ONLY:
            raise QjgisError("database_not_supported", url=self.path, what=name)
        raise AttributeError(name)

    # ------------------------------------------------------------ attachments
    def put_attachment(self, conn: PgConnection, sha256: str, media_type: str, data: bytes) -> Path:
        """Keep an attachment's content in the database (once per hash); its local copy."""
        conn.execute(
            "INSERT INTO qj_attachment_content (sha256, media_type, content) VALUES (?, ?, ?) "
            "ON CONFLICT (sha256) DO NOTHING",
            (sha256, media_type, data),
        )
        return self._cache_file(sha256, media_type, data)

    def attachment_path(self, sha256: str, media_type: str | None) -> Path | None:
        """A local copy of an attachment (fetched once into a cache), None if the database
        has no content for it (attachments then show as missing, as on a file project)."""
        cached = self._cache_dir() / f"{sha256}.{_extension(media_type)}"
        if cached.is_file():
            return cached
        row = self._query(
            "SELECT content FROM qj_attachment_content WHERE sha256 = %s", (sha256,)
        ).fetchone()
        if row is None:
            return None
        return self._cache_file(sha256, media_type, bytes(row[0]))

    def _cache_dir(self) -> Path:
        folder = Path(tempfile.gettempdir()) / "qjgis-attachments" / self.project_id()
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _cache_file(self, sha256: str, media_type: str | None, data: bytes) -> Path:
        if hashlib.sha256(data).hexdigest() != sha256:  # never show other bytes under a hash
            raise QjgisError("invalid_argument", name="attachment", value=sha256,
                             reason="changed_while_read")  # fmt: skip
        target = self._cache_dir() / f"{sha256}.{_extension(media_type)}"
        if not target.is_file():
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)
        return target

    def integrity_check(self) -> list[IntegrityProblem]:
        """The hash chains of the append-only histories (the server keeps its own pages)."""
        return [p for t in schema.CHAINED_TABLES if (p := self.verify_chain(t)) is not None]

    def verify_chain(self, table: str) -> IntegrityProblem | None:
        return GpkgStore.verify_chain(self, table)  # type: ignore[arg-type]


#: GpkgStore's methods PgStore does not have (yet): asked for, they refuse clearly.
_FILE_ONLY = frozenset(
    n for n in dir(GpkgStore) if not n.startswith("__") and n not in PgStore.__dict__
)


def _extension(media_type: str | None) -> str:
    from qjgis.cases.attachments import MEDIA_TYPES

    return MEDIA_TYPES.get(media_type or "", ("bin", ()))[0]


def open_store(
    target: str, *, ask_password: Callable[[str], str | None] | None = None
) -> GpkgStore | PgStore:
    """The project a command names: a database address or a project file."""
    if dburl.is_database_url(target):
        return PgStore.open(target, ask_password=ask_password)
    return GpkgStore.open(target)
