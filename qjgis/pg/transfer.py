"""Moving a project between a GeoPackage and a PostgreSQL + PostGIS database.

`push(file, url)` creates the project schema in an empty database and copies every table
in with binary COPY (geometry as WKB straight out of the GeoPackage blob, cut by SQLite:
no Python object per geometry); `pull(url, file)` makes a file copy that every command
opens. Both keep each row's fid and row version, the audit log's and case events' hash
chains, the settings and the project's identity, so a pulled copy is the same project.
Either side is written in one transaction (PostgreSQL's DDL is transactional; the file
appears whole under its name or not at all): a failure leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import sqlite3
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from qjgis import gpkg, schema
from qjgis.errors import QjgisError
from qjgis.feedback import Feedback, NullFeedback, check_canceled
from qjgis.gpkg_store import GpkgStore
from qjgis.pg import migrate as _migrate  # noqa: F401  (registers database_needs_migration)
from qjgis.pg import sql as pgsql
from qjgis.pg import sync
from qjgis.pg import url as dburl
from qjgis.store_api import utc_now

QjgisError.register(
    {
        "database_not_empty": (
            "{url}: the database already holds a qjgis project; push goes into an empty one"
        ),
        "postgis_missing": "{url}: PostGIS is not available in this database ({detail})",
        "push_bad_value": (
            "{path}: {table} row {fid}, column {column}: {value!r} is not a {kind}; "
            "nothing was pushed"
        ),
        "transfer_failed": "{url}: copying table {table} failed ({detail}); nothing was written",
        "not_a_database_project": "{url}: not a qjgis project database ({reason})",
        "empty_database": "{url}: the database holds no qjgis project (push one into it first)",
    }
)

#: Rows per batch handed from the SQLite reader to the COPY writer.
_BATCH = 10_000
#: What SQLite may hold in a numeric column for the push to carry it over unchanged.
_NUMERIC_STORAGE = {
    "INTEGER": ("integer", "null"),
    "BOOLEAN": ("integer", "null"),
    "REAL": ("real", "integer", "null"),
}


def _ro_connection(path: Path) -> sqlite3.Connection:
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
    # one thread at a time: the COPY's reader thread, then this one again
    return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)


def _first_bad_value(src: sqlite3.Connection, path: Path, table: schema.Table) -> None:
    """Refuse a number column holding text (SQLite allows it, PostgreSQL does not)."""
    checks = [
        (c.name, kind) for c in table.columns if (kind := table.types[c.name]) in _NUMERIC_STORAGE
    ]
    if not checks:
        return
    cases = " ".join(
        f'WHEN typeof("{name}") NOT IN ({", ".join(repr(s) for s in _NUMERIC_STORAGE[kind])}) '
        f"THEN '{name}'"
        for name, kind in checks
    )
    row = src.execute(
        f'SELECT fid, bad FROM (SELECT fid, CASE {cases} END AS bad FROM "{table.name}") '
        "WHERE bad IS NOT NULL LIMIT 1"
    ).fetchone()
    if row is not None:
        fid, column = row
        value = src.execute(
            f'SELECT "{column}" FROM "{table.name}" WHERE fid = ?', (fid,)
        ).fetchone()[0]
        raise QjgisError(
            "push_bad_value",
            path=str(path),
            table=table.name,
            fid=int(fid),
            column=column,
            value=value,
            kind="number" if table.types[column] == "REAL" else "whole number",
        )


@dataclass(frozen=True)
class PushResult:
    """What a push wrote: rows per table; `pushed_back` when a pulled copy went back."""

    rows: dict[str, int]
    pushed_back: bool = False
    #: a push-back's rows per table by kind: added, updated, deleted, appended
    changes: dict[str, dict[str, int]] = field(default_factory=dict)


def push(
    source: str | os.PathLike[str],
    url: str,
    *,
    feedback: Feedback | None = None,
    ask_password: Callable[[str], str | None] | None = None,
) -> PushResult:
    """Copy a project file into an empty database; returns the rows copied per table.

    A copy pulled from this database's project is pushed back instead (`sync.push_back`:
    the rows it changed, added and deleted, unless the server changed them since; returns
    those per table).

    The schema is created from `schema.pg_schema_ddl`; rows go in with binary COPY,
    indexes are built after the data (faster than keeping them up to date row by row),
    the fid sequences continue where the file's AUTOINCREMENT would, and `qj_meta`
    carries the file's project id. One transaction: a failure leaves the database empty.
    """
    fb = feedback or NullFeedback()
    path = Path(source)
    shown = dburl.redact(url)
    # Validates the file and migrates an older one (with a backup). SQLite's page check is
    # left out: the copy reads every row anyway, and damage it meets refuses the push.
    store = GpkgStore.open(path, verify=False)
    try:
        srid = store.srs_id()
        meta = store.meta()
        store.project_id()
    finally:
        store.close()
    with dburl.connect(url, ask_password=ask_password) as probe:
        held = _project_id(probe)
    if held is not None and held == meta.get("project_id") and sync.is_pulled_copy(meta):
        src = _ro_connection(path)
        try:
            src.execute("BEGIN")
            done = sync.push_back(path, src, url, meta, ask_password=ask_password)
            return PushResult(done.rows, pushed_back=True, changes=done.as_json())
        finally:
            src.close()
    src = _ro_connection(path)
    counts: dict[str, int] = {}
    try:
        src.execute("BEGIN")  # one snapshot of the file for the whole push
        sequences = dict(src.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
        with dburl.connect(url, ask_password=ask_password) as pg, pg.transaction():
            _require_empty_with_postgis(pg, shown)
            # the indexes are built once, after the data: give the sorts room
            pg.execute("SET LOCAL maintenance_work_mem = '256MB'")
            ddl = schema.pg_schema_ddl(srid)
            later = [s for s in ddl if s.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX"))]
            for sql in ddl:
                if sql not in later:
                    pg.execute(sql)
            total = len(schema.TABLES)
            for k, table in enumerate(schema.TABLES):
                check_canceled(fb)
                fb.set_progress(k / (total + 1), "push")
                counts[table.name] = _copy_in(src, pg, table, shown, path)
                top = max(int(sequences.get(table.name) or 0), 0)
                if top:
                    pg.execute(
                        "SELECT setval(pg_get_serial_sequence(%s, 'fid'), %s)",
                        (f'"{table.name}"', top),
                    )
            fb.set_progress(total / (total + 1), "push")
            counts["qj_attachment_content"] = _copy_attachments_in(src, pg, path)
            for sql in later:
                pg.execute(sql)
            with pg.cursor() as cur:
                cur.executemany(
                    "INSERT INTO qj_meta (key, value) VALUES (%s, %s)",
                    [
                        *((k, v) for k, v in meta.items() if k not in sync.PULL_META),
                        ("pushed", utc_now()),
                        ("pushed_from", path.name),
                    ],
                )
    finally:
        src.close()
    fb.set_progress(1.0, "push")
    return PushResult(counts)


def _copy_attachments_in(src: sqlite3.Connection, pg: Any, path: Path) -> int:
    """The attachments' files from `NAME.files/` into the database, by hash.

    A file that is missing or no longer matches its hash is left out: the attachment then
    shows as missing on the database too, as it did beside the file.
    """
    from qjgis.cases.attachments import MEDIA_TYPES, folder_for

    folder = folder_for(path)
    n = 0
    rows = src.execute("SELECT DISTINCT sha256, media_type FROM attachments").fetchall()
    if not rows or not folder.is_dir():
        return 0
    with (
        pg.cursor() as cur,
        cur.copy(
            "COPY qj_attachment_content (sha256, media_type, content) FROM STDIN (FORMAT BINARY)"
        ) as cp,
    ):
        cp.set_types(["text", "text", "bytea"])
        seen: set[str] = set()
        for sha, media in rows:
            file = folder / f"{sha}.{MEDIA_TYPES.get(media or '', ('bin', ()))[0]}"
            if sha in seen or not file.is_file():
                continue
            data = file.read_bytes()
            if hashlib.sha256(data).hexdigest() != sha:
                continue
            seen.add(sha)
            cp.write_row((sha, media, data))
            n += 1
    return n


def _copy_attachments_out(pg: Any, out: Path) -> int:
    """The database's attachment files into `OUT.files/`, beside the pulled copy."""
    from qjgis.cases.attachments import MEDIA_TYPES, folder_for

    folder = folder_for(out)
    n = 0
    with pg.cursor(binary=True) as cur:
        cur.execute("SELECT sha256, media_type, content FROM qj_attachment_content")
        while batch := cur.fetchmany(50):
            folder.mkdir(exist_ok=True)
            for sha, media, content in batch:
                target = folder / f"{sha}.{MEDIA_TYPES.get(media or '', ('bin', ()))[0]}"
                if not target.is_file():
                    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
                    tmp.write_bytes(bytes(content))
                    os.replace(tmp, target)
                n += 1
    return n


def _project_id(pg: Any) -> str | None:
    """The id of the project a database holds, None when it holds none."""
    if pg.execute("SELECT to_regclass('qj_meta')").fetchone()[0] is None:
        return None
    row = pg.execute("SELECT value FROM qj_meta WHERE key = 'project_id'").fetchone()
    return "" if row is None else str(row[0])


def _require_empty_with_postgis(pg: Any, shown: str) -> None:
    import psycopg

    if pg.execute("SELECT to_regclass('qj_meta')").fetchone()[0] is not None:
        raise QjgisError("database_not_empty", url=shown)
    try:
        with pg.transaction():
            pg.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except psycopg.Error as exc:
        raise QjgisError("postgis_missing", url=shown, detail=_detail(exc)) from None


def _detail(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _copy_in(src: sqlite3.Connection, pg: Any, table: schema.Table, shown: str, path: Path) -> int:
    import psycopg

    sql, names, types = pgsql.select(table, dialect="sqlite")
    quoted = ", ".join(f'"{n}"' for n in names)
    n = 0
    # SQLite reads the next rows (without the GIL) on a second thread while this one
    # encodes and sends: the two overlap, and the server parses on a core of its own.
    batches: queue.Queue[list[tuple[Any, ...]] | BaseException | None] = queue.Queue(maxsize=4)

    def read() -> None:
        try:
            rows = src.execute(sql)
            while batch := rows.fetchmany(_BATCH):
                batches.put(batch)
            batches.put(None)
        except BaseException as exc:  # handed to the writer, which raises it
            batches.put(exc)

    reader = threading.Thread(target=read, name=f"push-{table.name}", daemon=True)
    try:
        copy = f'COPY "{table.name}" ({quoted}) FROM STDIN (FORMAT BINARY)'
        with pg.cursor() as cur, cur.copy(copy) as cp:
            cp.set_types(types)
            reader.start()
            while (batch := batches.get()) is not None:
                if isinstance(batch, BaseException):
                    raise batch
                for row in batch:
                    cp.write_row(row)
                n += len(batch)
    except (psycopg.DataError, TypeError, ValueError) as exc:
        # A value the column's type cannot take (text in a number column: SQLite allows
        # it). Found here, on failure only, so that a good file is read once.
        _first_bad_value(src, path, table)
        raise QjgisError(
            "transfer_failed", url=shown, table=table.name, detail=_detail(exc)
        ) from None
    except psycopg.Error as exc:
        raise QjgisError(
            "transfer_failed", url=shown, table=table.name, detail=_detail(exc)
        ) from None
    except sqlite3.DatabaseError as exc:
        raise QjgisError("damaged_project", path=str(path), detail=_detail(exc)) from None
    finally:
        if reader.is_alive():  # the writer failed: let the reader finish and go
            while reader.is_alive():
                with contextlib.suppress(queue.Empty):
                    batches.get(timeout=0.1)
    return n


# ---------------------------------------------------------------- pull
def read_meta(pg: Any, shown: str, *, any_version: bool = False) -> dict[str, str]:
    """The database project's `qj_meta`, refusing what is not a project of this schema
    (`any_version`: of any schema, for `migrate`)."""
    if pg.execute("SELECT to_regclass('qj_meta')").fetchone()[0] is None:
        raise QjgisError("empty_database", url=shown)
    meta = dict(pg.execute("SELECT key, value FROM qj_meta").fetchall())
    if meta.get("application") != schema.APPLICATION:
        raise QjgisError("not_a_database_project", url=shown, reason="foreign_meta")
    version = int(meta.get("schema_version", "0"))
    if any_version:
        return meta
    if version > schema.SCHEMA_VERSION:
        raise QjgisError("newer_schema", path=shown, found=version, supported=schema.SCHEMA_VERSION)
    if version < schema.SCHEMA_VERSION:  # migrated by its owner on purpose (pg/migrate.py)
        raise QjgisError(
            "database_needs_migration", url=shown, found=version, supported=schema.SCHEMA_VERSION
        )
    return meta


def pull(
    url: str,
    target: str | os.PathLike[str],
    *,
    feedback: Feedback | None = None,
    ask_password: Callable[[str], str | None] | None = None,
) -> dict[str, int]:
    """Copy a database project into a new project file; returns the rows per table.

    The file is written under a temporary name and renamed when complete. It records
    where it came from (`qj_meta.pulled_from`, the address without its password).
    """
    fb = feedback or NullFeedback()
    out = Path(target)
    shown = dburl.redact(url)
    if out.exists():
        raise QjgisError("file_exists", path=str(out))
    if not out.parent.is_dir():
        raise QjgisError("file_not_found", path=str(out.parent))
    tmp = out.with_name(f".{out.name}.{os.getpid()}.pull")
    tmp.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    try:
        with dburl.connect(url, ask_password=ask_password) as pg, pg.transaction():
            # one snapshot of the whole project, however long the copy takes
            pg.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            meta = read_meta(pg, shown)
            raw_settings = pg.execute("SELECT key, value FROM qj_settings").fetchall()
            values = {k: json.loads(v) for k, v in raw_settings}
            crs = values.get("project.crs", "EPSG:4524")
            GpkgStore.create(tmp, crs=crs).close()
            conn = sqlite3.connect(tmp, isolation_level=None)
            try:
                gpkg.register_functions(conn)
                # A temporary file, renamed only when whole: no need to journal or sync it
                # row by row; a roomy cache for building the indexes.
                conn.execute("PRAGMA synchronous = OFF")
                conn.execute("PRAGMA journal_mode = MEMORY")
                conn.execute("PRAGMA cache_size = -262144")
                conn.execute("BEGIN")
                srid = int(conn.execute("SELECT srs_id FROM gpkg_geometry_columns").fetchone()[0])
                conn.execute("DELETE FROM qj_settings")
                conn.execute("DELETE FROM qj_meta")
                total = len(schema.TABLES)
                for k, table in enumerate(schema.TABLES):
                    check_canceled(fb)
                    fb.set_progress(k / total, "pull")
                    counts[table.name] = _copy_out(pg, conn, table, srid, shown)
                own = ("pushed", "pushed_from")  # the database's, not the copy's
                conn.executemany(
                    "INSERT INTO qj_meta (key, value) VALUES (?, ?)",
                    [
                        *((k, v) for k, v in meta.items() if k not in own and ":" not in k),
                        ("pulled_from", shown),
                        ("pulled", utc_now()),
                        *sync.record_baseline(conn),
                    ],
                )
                conn.execute("COMMIT")
            finally:
                conn.close()
            # push counts the attachments' contents as a table: so does its mirror
            counts["qj_attachment_content"] = _copy_attachments_out(pg, out)
        GpkgStore.open(tmp).close()  # what every command will do with it: validated
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    fb.set_progress(1.0, "pull")
    return counts


#: Rows fetched and written at a time by `pull`: memory stays bounded whatever the size.
_PULL_CHUNK = 50_000


def _copy_out(pg: Any, conn: sqlite3.Connection, table: schema.Table, srid: int, shown: str) -> int:
    """One table from the server into the new file, `_PULL_CHUNK` rows at a time.

    A server-side cursor streams the rows (over the binary protocol, built in C by
    psycopg's binary package: three times faster here than parsing a binary COPY in
    Python); they go into the table without its secondary indexes and R-tree, which are
    built once at the end.
    """
    import psycopg

    sql, names, _types = pgsql.select(table, dialect="postgresql")
    quoted = ", ".join(f'"{n}"' for n in names)
    insert = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" * len(names))})'
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL",
        (table.name,),
    ).fetchall()
    for name, _sql in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    trigger = f"rtree_{table.name}_geom_insert"
    if table.geometry:
        conn.execute(f"DROP TRIGGER {trigger}")
    n = 0
    box: np.ndarray | None = None
    try:
        with pg.cursor(name=f"pull_{table.name}", binary=True) as cur:
            cur.itersize = _PULL_CHUNK
            cur.execute(sql)
            while rows := cur.fetchmany(_PULL_CHUNK):
                if table.geometry:
                    box = _insert_features(conn, rows, srid, insert, box)
                else:
                    conn.executemany(insert, rows)
                n += len(rows)
    except psycopg.Error as exc:
        raise QjgisError(
            "transfer_failed", url=shown, table=table.name, detail=_detail(exc)
        ) from None
    if table.geometry:
        gpkg.rtree_bulk_load(conn, table.name)
        conn.execute(schema.rtree_triggers(table.name)[trigger])
        if box is not None:
            conn.execute(
                "UPDATE gpkg_contents SET last_change = ?, min_x = ?, min_y = ?, max_x = ?, "
                "max_y = ? WHERE table_name = ?",
                (utc_now(), *box.tolist(), table.name),
            )
    for _name, create in indexes:
        conn.execute(create)
    return n


def _insert_features(
    conn: sqlite3.Connection, rows: list[Any], srid: int, insert: str, box: np.ndarray | None
) -> np.ndarray | None:
    """A chunk of features, geometry re-encoded as GeoPackage blobs; the grown extent."""
    wkb = np.empty(len(rows), dtype=object)
    wkb[:] = [r[1] for r in rows]
    geoms = gpkg.decode(wkb)
    blobs = gpkg.encode(geoms, srid).tolist()
    conn.executemany(insert, ((r[0], blob, *r[2:]) for r, blob in zip(rows, blobs, strict=True)))
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not present.any():
        return box
    b = shapely.total_bounds(geoms[present])
    if box is None:
        return b
    return np.concatenate([np.minimum(box[:2], b[:2]), np.maximum(box[2:], b[2:])])
