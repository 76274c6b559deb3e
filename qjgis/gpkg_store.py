"""The project store's GeoPackage back end: `GpkgStore`, one project in one file.

The interface it implements is `qjgis.store_api.ProjectStore`; `qjgis.pg.store.PgStore`
is the other back end; `qjgis.store` names both (and keeps every older import working).
Every write runs inside `transaction()`: one SQLite transaction, committed whole
or rolled back whole, so a failed import or a crash leaves the file as it was.
Opening validates the file first, writing nothing of its own; a file that is not
a qjgis project, a damaged one, or one from a newer schema is refused before
anything is written.

Crashes and other programs (docs/reliability.md):
- The file keeps SQLite's rollback journal, not WAL: GDAL (pyogrio's own copy
  of SQLite) reads the file in this process while Python's sqlite3 does, and two
  copies of SQLite sharing a WAL's memory-mapped `-shm` crash with SIGBUS (seen
  in the checks' tests). A file another program left in WAL is switched back.
- Validation opens the file read-write (never `mode=ro`) so that SQLite can roll
  back the hot journal a writer killed mid-commit leaves (or recover its WAL).
- A project another program is writing is waited for (`busy_timeout`, with one
  call of `on_busy` so the user sees why), then refused as `project_locked`;
  only SQLite's corruption codes or a failing `quick_check` are `damaged_project`;
  any other failure to open is `project_unreadable`, never "damaged".
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import shutil
import sqlite3
import time
import urllib.parse
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS

from qjgis import gpkg, schema
from qjgis import settings as settings_mod
from qjgis.errors import QjgisError
from qjgis.settings import ProjectSettings
from qjgis.store_api import (
    IntegrityProblem,
    LayerData,
    LazyColumns,
    columnar,
    to_multipolygons,
    utc_now,
)

_columnar = columnar

_SQLITE_MAGIC = b"SQLite format 3\x00"


_log = logging.getLogger(__name__)


def _ro_uri(path: Path) -> str:
    return "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"


def _rw_uri(path: Path) -> str:
    """Read-write, never create: SQLite may recover a crashed writer's journal or WAL."""
    return "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=rw"


#: Seconds a command waits for another program's write before it gives up (`project_locked`)
#: while the project's own `store.busy_timeout_s` setting is not yet read (opening).
BUSY_TIMEOUT = float(settings_mod.SPEC_BY_KEY["store.busy_timeout_s"].default)


def busy_timeout_override() -> float | None:
    """QJGIS_BUSY_TIMEOUT in seconds when set: it overrides the project's setting.

    Read at each open, not at import, so that one desk (or a test) can change it; a
    value that is not a number is ignored (logged), never a traceback.
    """
    raw = os.environ.get("QJGIS_BUSY_TIMEOUT", "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        _log.warning("QJGIS_BUSY_TIMEOUT=%r is not a number of seconds; ignored", raw)
        return None
    return value if value >= 0 and value == value else None


#: How long one attempt waits inside SQLite before `on_busy` is told and the wait goes on.
_BUSY_SLICE_MS = 250
#: Dirty pages a write transaction keeps in memory before it writes any to the file. In
#: rollback-journal mode the first page written takes the EXCLUSIVE lock until the commit,
#: holding every reader out; below this a reader waits only while the writer commits
#: (a 500,000-parcel import: reads held out 1.2 s instead of 69 s; docs/reliability.md).
#: Memory is taken only as a transaction needs it and given back at its end.
_SPILL_KIB = 1024 * 1024
#: SQLite's primary result codes that mean the file itself is damaged (SQLITE_CORRUPT, _NOTADB).
_DAMAGE_CODES = {11, 26}


def _is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED
    return "locked" in str(exc) or "busy" in str(exc)


def _is_damage(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _DAMAGE_CODES
    text = str(exc)
    return "malformed" in text or "not a database" in text


def _notify_busy_default(path: str) -> None:
    _log.warning("%s: another program is writing the project; waiting", path)


_busy_notice: Callable[[str], None] | None = None


def set_busy_notice(notice: Callable[[str], None] | None) -> None:
    """What every store calls, once, when it starts waiting for another program's write.

    The CLI prints "另一程序正在写入本项目，等待中…"; the window shows it in its status
    bar. A store's own `on_busy` takes precedence.
    """
    global _busy_notice
    _busy_notice = notice


def wait_while_busy(
    attempt: Callable[[], Any],
    path: str,
    *,
    timeout: float | None = None,
    on_busy: Callable[[str], None] | None = None,
) -> Any:
    """`attempt()`, repeated while SQLite says the file is busy, up to `timeout` seconds.

    `on_busy(path)` is called once, at the first refusal, so that the user sees why
    nothing happens (the CLI prints "另一程序正在写入本项目，等待中…"); then the
    wait goes on silently until the other program commits or the time is up.
    """
    limit = BUSY_TIMEOUT if timeout is None else timeout
    notify = on_busy or _busy_notice or _notify_busy_default
    deadline: float | None = None
    while True:
        try:
            return attempt()
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
            now = time.monotonic()
            if deadline is None:
                deadline = now + limit
                notify(path)
            if now >= deadline:
                raise QjgisError("project_locked", path=path) from None
            time.sleep(0.05)


def _epsg(crs: str) -> int:
    code = CRS.from_user_input(crs).to_epsg()
    if code is None:  # settings validation makes this unreachable for stored values
        raise QjgisError("invalid_crs", value=crs, reason="no_epsg_code")
    return int(code)


def _srs_rows(epsg: int) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = [
        ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian"),
        ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic"),
    ]
    for code in sorted({4326, epsg}):
        crs = CRS.from_epsg(code)
        rows.append((crs.name, code, "EPSG", code, crs.to_wkt("WKT1_GDAL"), crs.name))
    return rows


def _python_values(arr: Any) -> list[Any]:
    """A column as Python values for sqlite3, with NaN and NaT as NULL."""
    a = np.asarray(arr)
    if a.dtype.kind == "f":
        obj = a.astype(object)
        obj[np.isnan(a)] = None
        return obj.tolist()
    if a.dtype.kind == "M":
        obj = np.datetime_as_string(a, unit="D").astype(object)
        obj[np.isnat(a)] = None
        return obj.tolist()
    if a.dtype.kind == "b":
        return a.astype(int).tolist()
    return a.tolist()


#: rows per multi-row INSERT: past a few hundred the statement text grows and nothing is won
_ROWS_PER_INSERT = 500


def insert_many(conn: sqlite3.Connection, head: str, columns: Sequence[Sequence[Any]]) -> None:
    """`head` ("INSERT INTO t (a, b)") with the rows of the aligned `columns`, several
    hundred rows per statement.

    sqlite3's `executemany` resets, binds and steps its statement once per row, and that
    per-row overhead (not SQLite's own work) was most of a register's write: 70,564
    members took 0.17 s that way and 0.11 s as multi-row VALUES (docs/benchmarks.md).
    """
    if not columns:
        return
    width = len(columns)
    n = len(columns[0])
    if n == 0:
        return
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, min(_ROWS_PER_INSERT, limit // width))
    row = "(" + ", ".join("?" * width) + ")"
    flat = list(itertools.chain.from_iterable(zip(*columns, strict=True)))
    step = per * width
    whole = n // per * step
    if whole:
        sql = f"{head} VALUES " + ", ".join([row] * per)
        for start in range(0, whole, step):
            conn.execute(sql, flat[start : start + step])
    if whole < len(flat):
        conn.execute(f"{head} VALUES " + ", ".join([row] * (n % per)), flat[whole:])


class GpkgStore:
    """A qjgis project held in one GeoPackage file."""

    def __init__(
        self, path: Path, conn: sqlite3.Connection, *, busy_timeout: float | None = None
    ) -> None:
        self.path = str(path)
        self._conn = conn
        self._in_tx = False
        self._settings: ProjectSettings | None = None
        self.busy_timeout = BUSY_TIMEOUT if busy_timeout is None else busy_timeout
        #: Whether `busy_timeout` was given (argument or QJGIS_BUSY_TIMEOUT) rather than
        #: taken from the project's `store.busy_timeout_s` setting.
        self._busy_fixed = busy_timeout is not None
        #: Told once when this store starts waiting for another program's write, in
        #: place of the process-wide `set_busy_notice`.
        self.on_busy: Callable[[str], None] | None = None
        self._stamp = self.change_stamp()

    # ------------------------------------------------------------ create / open
    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        *,
        crs: str = "EPSG:4524",
        overwrite: bool = False,
        settings: Mapping[str, Any] | None = None,
    ) -> GpkgStore:
        """Write a new, empty project; the file appears whole or not at all."""
        target = Path(path)
        if target.exists() and not overwrite:
            raise QjgisError("file_exists", path=str(target))
        if not target.parent.is_dir():
            raise QjgisError("file_not_found", path=str(target.parent))
        values = settings_mod.defaults()
        values["project.crs"] = settings_mod.validate("project.crs", crs)
        for key, value in (settings or {}).items():
            values[key] = settings_mod.validate(key, value)
        settings_mod.check_consistency(values)
        epsg = _epsg(values["project.crs"])

        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            gpkg.register_functions(conn)
            conn.execute(f"PRAGMA application_id = {schema.GPKG_APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {schema.GPKG_USER_VERSION}")
            conn.execute("BEGIN")
            for version in sorted(schema.MIGRATIONS):
                if version == 1:
                    schema.MIGRATIONS[1](conn, epsg)
                    conn.executemany(
                        "INSERT INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)", _srs_rows(epsg)
                    )
                else:
                    schema.MIGRATIONS[version](conn, epsg)
            conn.executemany(
                "INSERT INTO qj_meta VALUES (?, ?)",
                [
                    ("application", schema.APPLICATION),
                    ("schema_version", str(schema.SCHEMA_VERSION)),
                    ("created", utc_now()),
                    ("project_id", uuid.uuid4().hex),
                ],
            )
            conn.executemany(
                "INSERT INTO qj_settings (key, value) VALUES (?, ?)",
                [(k, json.dumps(v, ensure_ascii=False)) for k, v in values.items()],
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.close()
            tmp.unlink(missing_ok=True)
            raise
        conn.close()
        os.replace(tmp, target)
        return cls.open(target)

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        migrate: bool = True,
        busy_timeout: float | None = None,
        verify: bool = True,
    ) -> GpkgStore:
        """Open a project, migrating an older schema after writing a backup beside it.

        A project another program is writing is waited for up to `busy_timeout`
        seconds, then refused with `project_locked`. Without the argument the wait is
        QJGIS_BUSY_TIMEOUT when set, else the project's `store.busy_timeout_s`
        setting once the file is open (`BUSY_TIMEOUT` until its settings are read).
        `verify` runs SQLite's quick_check, which reads every page: seconds for a
        district's file. The map window opens with it False, so the map shows at
        once, and runs `check_file` on a worker thread meanwhile.
        """
        target = Path(path)
        fixed = busy_timeout if busy_timeout is not None else busy_timeout_override()
        wait = fixed if fixed is not None else BUSY_TIMEOUT
        version = cls._inspect(target, wait, verify=verify)
        if version < schema.SCHEMA_VERSION:
            if not migrate:
                raise QjgisError(
                    "not_a_project", path=str(target), reason="needs_migration", version=version
                )
            cls._migrate(target, version)
        conn = sqlite3.connect(target, isolation_level=None, timeout=wait)
        gpkg.register_functions(conn)
        cls._use_rollback_journal(conn)
        conn.execute(f"PRAGMA cache_spill = {-_SPILL_KIB}")
        store = cls(target, conn, busy_timeout=fixed)
        store._apply_busy_setting()
        return store

    def _apply_busy_setting(self) -> None:
        """Take the wait from the project's setting unless it was given; SQLite's too.

        SQLite's own busy handler is what a plain read waits with; `_begin` waits
        for a write with the notice and caps that wait at SQLite's value.
        """
        if not self._busy_fixed:
            self.busy_timeout = float(self.settings()["store.busy_timeout_s"])
        self._conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")

    @staticmethod
    def check_file(path: str | os.PathLike[str]) -> None:
        """QjgisError damaged_project when SQLite's quick_check finds damage; thread-safe."""
        target = Path(path)
        try:
            conn = sqlite3.connect(_ro_uri(target), uri=True)
            try:
                check = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            code = "damaged_project" if _is_damage(exc) else "project_unreadable"
            raise QjgisError(code, path=str(target), detail=str(exc)) from None
        if check != "ok":
            raise QjgisError("damaged_project", path=str(target), detail=check)

    @staticmethod
    def _use_rollback_journal(conn: sqlite3.Connection) -> None:
        """Switch a file another program left in WAL mode back to the rollback journal.

        GDAL reads the project through its own copy of SQLite in this process (the
        checks' scans, exports); in WAL mode two copies share the `-shm` memory map and
        one can truncate it under the other: SIGBUS (docs/reliability.md). The switch
        needs the file to itself: while another program has it open it stays as it is.
        """
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            return
        before = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(before)}")

    @staticmethod
    def _inspect(target: Path, wait: float = 0.0, *, verify: bool = True) -> int:
        """The schema version of a file, checked without writing; refuses what is not ours.

        The connection is read-write (never `mode=ro`): a writer killed mid-transaction
        leaves a hot journal or a WAL that only a writable connection can roll back or
        recover, and a read-only one would report "attempt to write a readonly
        database" for a sound file. Only a file on read-only media is read with `mode=ro`.
        """
        if not target.is_file():
            raise QjgisError("file_not_found", path=str(target))
        with target.open("rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
        if head != _SQLITE_MAGIC:
            raise QjgisError("not_a_project", path=str(target), reason="not_a_geopackage")

        def read() -> tuple[int, set[str], dict[str, str] | None]:
            try:
                conn = sqlite3.connect(_rw_uri(target), uri=True, timeout=_BUSY_SLICE_MS / 1000)
            except sqlite3.OperationalError:  # read-only media or permissions
                conn = sqlite3.connect(_ro_uri(target), uri=True, timeout=_BUSY_SLICE_MS / 1000)
            try:
                if verify:
                    check = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
                    if check != "ok":
                        raise QjgisError("damaged_project", path=str(target), detail=check)
                app_id = conn.execute("PRAGMA application_id").fetchone()[0]
                names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
                meta = None
                if "qj_meta" in names:
                    meta = dict(conn.execute("SELECT key, value FROM qj_meta").fetchall())
                return app_id, names, meta
            finally:
                conn.close()

        try:
            app_id, names, found = wait_while_busy(read, str(target), timeout=wait)
        except sqlite3.DatabaseError as exc:
            if _is_damage(exc):
                raise QjgisError("damaged_project", path=str(target), detail=str(exc)) from None
            raise QjgisError("project_unreadable", path=str(target), detail=str(exc)) from None
        if found is None:
            reason = (
                "geopackage_without_qjgis"
                if app_id == schema.GPKG_APPLICATION_ID or "gpkg_contents" in names
                else "sqlite_not_geopackage"
            )
            raise QjgisError("not_a_project", path=str(target), reason=reason)
        meta = found
        if meta.get("application") != schema.APPLICATION:
            raise QjgisError("not_a_project", path=str(target), reason="foreign_meta")
        try:
            version = int(meta.get("schema_version", ""))
        except ValueError:
            raise QjgisError(
                "damaged_project", path=str(target), detail="schema_unreadable"
            ) from None
        if version > schema.SCHEMA_VERSION:
            raise QjgisError(
                "newer_schema", path=str(target), found=version, supported=schema.SCHEMA_VERSION
            )
        if version < 1:
            raise QjgisError(
                "damaged_project", path=str(target), detail="bad_schema_version", version=version
            )
        return version

    @staticmethod
    def _migrate(target: Path, version: int) -> None:
        backup = target.with_name(f"{target.stem}.schema{version}.bak{target.suffix}")
        shutil.copy2(target, backup)
        conn = sqlite3.connect(target, isolation_level=None, timeout=BUSY_TIMEOUT)
        try:
            gpkg.register_functions(conn)
            srs = conn.execute(
                "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = 'parcels'"
            ).fetchone()[0]
            conn.execute("BEGIN IMMEDIATE")
            try:
                for step in range(version + 1, schema.SCHEMA_VERSION + 1):
                    schema.MIGRATIONS[step](conn, srs)
                conn.execute(
                    "UPDATE qj_meta SET value = ? WHERE key = 'schema_version'",
                    (str(schema.SCHEMA_VERSION),),
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> GpkgStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ transactions
    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One all-or-nothing unit of work; nested calls join the outer one."""
        if self._in_tx:
            yield self._conn
            return
        self._begin()
        self._in_tx = True
        try:
            yield self._conn
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            self._settings = None
            raise
        finally:
            self._in_tx = False

    def _begin(self) -> None:
        """BEGIN IMMEDIATE, waiting (and saying so once) while another program writes."""
        conn = self._conn
        before = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_SLICE_MS}")
        try:
            # the stored busy timeout caps the wait when it is shorter than ours
            limit = min(self.busy_timeout, before / 1000) if before else self.busy_timeout
            wait_while_busy(
                lambda: conn.execute("BEGIN IMMEDIATE"),
                self.path,
                timeout=limit,
                on_busy=self.on_busy,
            )
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(before)}")

    # ------------------------------------------------------------ outside changes
    def change_stamp(self) -> tuple[int, tuple[int, int] | None]:
        """What `changed_since` compares: SQLite's data version and the file's identity.

        `PRAGMA data_version` changes when another connection (another program, the
        CLI, another desk) commits, never for this handle's own commits; the file's
        device and inode change when the file is replaced by another. Size and mtime
        are left out: our own commits change them. Both are cheap enough to ask
        every second.
        """
        version = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        try:
            st = os.stat(self.path)
            ident: tuple[int, int] | None = (st.st_dev, st.st_ino)
        except OSError:
            ident = None  # moved or deleted: differs from any stamp taken before
        return version, ident

    def changed_since(self, stamp: tuple[int, tuple[int, int] | None]) -> bool:
        """Whether someone else changed or replaced the project after `stamp` was taken."""
        return self.change_stamp() != stamp

    def changed_outside(self) -> bool:
        """Whether someone else changed the project since the last call (or the open)."""
        now = self.change_stamp()
        changed, self._stamp = now != self._stamp, now
        if changed:
            self._settings = None  # another program may have changed them
        return changed

    # ------------------------------------------------------------ meta and settings
    @property
    def schema_version(self) -> int:
        row = self._conn.execute("SELECT value FROM qj_meta WHERE key='schema_version'").fetchone()
        return int(row[0])

    def meta(self) -> dict[str, str]:
        return dict(self._conn.execute("SELECT key, value FROM qj_meta").fetchall())

    def project_id(self) -> str:
        """This project's identity (a random id kept in `qj_meta`), given one if it has none.

        Files that leave the project and come back (the village sheet) carry it, so a
        file made from another project is recognised. A copy of the file keeps the id:
        it is the same project's data.
        """
        row = self._conn.execute("SELECT value FROM qj_meta WHERE key = 'project_id'").fetchone()
        if row is not None:
            return str(row[0])
        with self.transaction() as conn:  # a project created before ids: give it one now
            conn.execute(
                "INSERT OR IGNORE INTO qj_meta VALUES ('project_id', ?)", (uuid.uuid4().hex,)
            )
            return str(
                conn.execute("SELECT value FROM qj_meta WHERE key = 'project_id'").fetchone()[0]
            )

    def settings(self) -> ProjectSettings:
        if self._settings is None:
            values = settings_mod.defaults()
            for key, raw in self._conn.execute("SELECT key, value FROM qj_settings"):
                if key in settings_mod.SPEC_BY_KEY:
                    values[key] = json.loads(raw)
            self._settings = ProjectSettings(values)
        return self._settings

    def write_settings(
        self, conn: sqlite3.Connection, changes: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Validate and store `changes` inside the caller's transaction; returns old values.

        All keys are validated before any is written, and cross-key rules are checked
        on the result, so a bad value leaves every setting as it was.
        """
        self._settings = None  # validate against what is stored now, not a stale cache
        current = dict(self.settings().values)
        new = dict(current)
        for key, value in changes.items():
            new[key] = settings_mod.validate(key, value)
        settings_mod.check_consistency(new)
        if new["project.crs"] != current["project.crs"]:
            self._change_crs(conn, new["project.crs"])
        conn.executemany(
            "INSERT INTO qj_settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [(k, json.dumps(new[k], ensure_ascii=False)) for k in changes],
        )
        self._settings = None
        if "store.busy_timeout_s" in changes and not self._busy_fixed:
            self.busy_timeout = float(new["store.busy_timeout_s"])  # the next wait
        return {k: current[k] for k in changes}

    def _change_crs(self, conn: sqlite3.Connection, crs: str) -> None:
        count = sum(self.counts()[name] for name in schema.SPATIAL_LAYERS)
        if count:
            raise QjgisError("crs_locked", count=count)
        epsg = _epsg(crs)
        conn.executemany(
            "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)", _srs_rows(epsg)
        )
        conn.execute("UPDATE gpkg_geometry_columns SET srs_id = ?", (epsg,))
        conn.execute("UPDATE gpkg_contents SET srs_id = ? WHERE data_type = 'features'", (epsg,))

    def srs_id(self) -> int:
        return _epsg(self.settings().crs)

    # ------------------------------------------------------------ audit
    def audit(
        self,
        conn: sqlite3.Connection,
        command: str,
        entity: str | None,
        before: Any,
        after: Any,
        *,
        actor: tuple[str, str] | None = None,
    ) -> int:
        """Append one audit entry inside the caller's transaction.

        `actor` (user, role) names who acted when the command itself changed the
        current user or role (a settings change is recorded as made by who was
        the user before it); otherwise the current settings say.
        """
        s = self.settings()
        user, role = actor if actor is not None else (s.user, s.role.value)
        return self.append_chained(
            conn,
            "audit_log",
            {
                "time": utc_now(),
                "user": user,
                "role": role,
                "command": command,
                "entity": entity,
                "before": json.dumps(before, ensure_ascii=False, default=str),
                "after": json.dumps(after, ensure_ascii=False, default=str),
            },
        )

    def append_chained(
        self, conn: sqlite3.Connection, table: str, values: Mapping[str, Any]
    ) -> int:
        """Append one entry to an append-only history (audit log, case events), chained.

        The entry's `chain` hash covers the previous entry's hash, its fid and its
        values (`schema.chain_hash`); `integrity_check` verifies the whole chain.
        The caller's transaction holds the write lock, so no one appends between
        reading the last hash and writing this one.
        """
        if table not in schema.CHAINED_TABLES:
            raise QjgisError("invalid_argument", name="table", value=table, reason="not_chained")
        t = schema.TABLE_BY_NAME[table]
        cols = schema.chained_columns(t)
        unknown = set(values) - set(cols)
        if unknown:
            raise QjgisError(
                "invalid_argument",
                name="columns",
                value=sorted(unknown),
                reason="not_in_table",
                table=table,
            )
        types = t.types
        row = [schema.chain_value(types[c], values.get(c)) for c in cols]
        last = conn.execute(
            f'SELECT "{schema.CHAIN_COLUMN}" FROM "{table}" ORDER BY fid DESC LIMIT 1'
        ).fetchone()
        previous = schema.CHAIN_GENESIS if last is None else last[0]
        fid = self.next_fid(conn, table)
        chain = schema.chain_hash(previous, fid, row)
        quoted = ", ".join(["fid", *[f'"{c}"' for c in cols], f'"{schema.CHAIN_COLUMN}"'])
        conn.execute(
            f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join("?" * (len(cols) + 2))})',
            (fid, *row, chain),
        )
        return fid

    def verify_chain(self, table: str) -> IntegrityProblem | None:
        """The first entry of a chained history that does not match its hash, if any."""
        t = schema.TABLE_BY_NAME[table]
        cols = schema.chained_columns(t)
        types = t.types
        quoted = ", ".join(f'"{c}"' for c in cols)
        previous = schema.CHAIN_GENESIS
        cur = self._conn.execute(
            f'SELECT fid, "{schema.CHAIN_COLUMN}", {quoted} FROM "{table}" ORDER BY fid'
        )
        for fid, stored, *values in cur:
            row = [schema.chain_value(types[c], v) for c, v in zip(cols, values, strict=True)]
            expected = schema.chain_hash(previous, fid, row)
            if stored != expected:
                cur.close()
                return IntegrityProblem(
                    "chain",
                    table,
                    f"entry {fid} does not match its hash: it, or an entry before it, "
                    "was edited, inserted or deleted outside qjgis",
                    fid=int(fid),
                )
            previous = stored
        return None

    # ------------------------------------------------------------ reading
    def counts(self) -> dict[str, int]:
        return {
            t.name: self._conn.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0]
            for t in schema.TABLES
        }

    def extent(self, layer: str) -> tuple[float, float, float, float] | None:
        """The exact extent: from gpkg_contents, kept exact on every write, else a scan.

        The R-tree is no source for it: SQLite stores its bounds as 32-bit floats,
        rounded outwards by metres at zone-prefixed eastings.
        """
        self._layer(layer, spatial=True)
        row = self._conn.execute(
            "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?", (layer,)
        ).fetchone()
        if row is None or row[0] is None:
            row = self._conn.execute(
                f"SELECT min(ST_MinX(geom)), min(ST_MinY(geom)), max(ST_MaxX(geom)), "
                f'max(ST_MaxY(geom)) FROM "{layer}"'
            ).fetchone()
        return None if row[0] is None else (row[0], row[1], row[2], row[3])

    @staticmethod
    def _layer(name: str, *, spatial: bool = False) -> schema.Table:
        table = schema.TABLE_BY_NAME.get(name)
        if table is None or (spatial and not table.geometry):
            raise QjgisError("unknown_layer", layer=name)
        return table

    def _columns(self, table: schema.Table, columns: Sequence[str] | None) -> list[str]:
        names = [c.name for c in table.columns]
        if columns is None:
            return names
        unknown = [c for c in columns if c not in names]
        if unknown:
            raise QjgisError(
                "invalid_argument",
                name="columns",
                value=unknown,
                reason="not_in_table",
                table=table.name,
            )
        return list(columns)

    def read_layer(
        self,
        layer: str,
        columns: Sequence[str] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
    ) -> LayerData:
        """A spatial layer as arrays; `bbox` (minx, miny, maxx, maxy) goes through the R-tree."""
        table = self._layer(layer, spatial=True)
        cols = self._columns(table, columns)
        if bbox is None:
            # A whole layer (the checks read a million rows): column by column, see _read_columns.
            data = _read_columns(self._conn, layer, cols, table, geometry=True, path=self.path)
            geometry = data.pop("geometry")
        else:
            select = ", ".join(["t.fid", gpkg.wkb_sql("t.geom")] + [f't."{c}"' for c in cols])
            sql = (
                f'SELECT {select} FROM "{layer}" t JOIN rtree_{layer}_geom r ON r.id = t.fid '
                "WHERE r.maxx >= ? AND r.minx <= ? AND r.maxy >= ? AND r.miny <= ? ORDER BY t.fid"
            )
            params = (bbox[0], bbox[2], bbox[1], bbox[3])
            rows = self._conn.execute(sql, params).fetchall()
            data = _columnar(rows, ["fid", "wkb", *cols], table)
            geometry = gpkg.decode(data.pop("wkb"))
        out = LayerData(fids=data.pop("fid").astype(np.int64), geometry=geometry, attrs=data)
        if bbox is not None and len(out):
            # The R-tree's float32 bounds are rounded outwards: filter exactly.
            b = shapely.bounds(out.geometry)
            keep = (
                (b[:, 2] >= bbox[0])
                & (b[:, 0] <= bbox[2])
                & (b[:, 3] >= bbox[1])
                & (b[:, 1] <= bbox[3])
            )
            out = LayerData(
                out.fids[keep], out.geometry[keep], {k: v[keep] for k, v in out.attrs.items()}
            )
        return out

    def read_table(self, table: str, columns: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        t = self._layer(table)
        cols = self._columns(t, columns)
        return _read_columns(self._conn, table, cols, t, geometry=False, path=self.path)

    def scan(
        self, table: str, columns: Sequence[str] | None = None, *, geometry: bool = False
    ) -> LayerData:
        """A whole layer or table for analysis (the checks), as `read_layer` gives it, faster.

        GDAL's GeoPackage driver streams the fids, the geometry and the text and
        number columns as Arrow buffers, without a Python object per value: a
        tenth of the time SQLite's aggregates take (`_read_columns`). GDAL is
        not trusted where it would silently change a value: it turns a malformed
        DATE ("not a date", "2020-02-30", a number) into some real date, a
        BOOLEAN 7 into 1, a REAL stored as text into 0. So DATE columns are read
        through SQLite on a second connection while GDAL reads the rest, and the
        same connection checks that the number columns hold integral numbers (0
        or 1 for a BOOLEAN) or numbers (REAL). A column that fails is read
        through SQLite; so is everything when GDAL cannot read the file, when the
        project is inside a transaction (GDAL would not see its writes), or when
        another connection committed meanwhile (`PRAGMA data_version`).
        TEXT columns also come as fixed-width unicode in `LayerData.text`; the
        `geometry` of a table without one is an empty array.
        """
        return self.scan_many({table: (columns, geometry)}, threads=1)[table]

    def scan_many(
        self,
        requests: Mapping[str, tuple[Sequence[str] | None, bool]],
        *,
        threads: int = 2,
    ) -> dict[str, LayerData]:
        """Several `scan`s, {table: (columns, geometry)}, read on `threads` threads at once.

        GDAL and SQLite read without holding the GIL, so on two cores two tables
        read in little more than the time of the larger. Largest tables go first.
        """
        plans = {}
        for table, (columns, geometry) in requests.items():
            t = self._layer(table, spatial=geometry)
            cols = self._columns(t, columns)
            plans[table] = (cols, t.types, geometry)
        found: dict[str, LayerData | None] = dict.fromkeys(plans)
        # Not through GDAL while the file is in WAL mode (another program, e.g. QGIS
        # editing, keeps it so): two copies of SQLite in one process clobber each
        # other's `-shm` (wrong counts, SIGBUS; docs/reliability.md).
        wal = self._conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
        if not self._conn.in_transaction and not wal:
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]

            def size(name: str) -> int:  # the largest fid: no count(*) scan
                return self._conn.execute(f'SELECT max(fid) FROM "{name}"').fetchone()[0] or 0

            sizes = {name: size(name) for name in plans}
            order = sorted(plans, key=lambda name: -sizes[name])
            with ThreadPoolExecutor(max(1, threads)) as pool:
                futures = {
                    name: pool.submit(_scan_fast, self.path, name, *plans[name]) for name in order
                }
                found = {name: futures[name].result() for name in plans}
            if self._conn.execute("PRAGMA data_version").fetchone()[0] != version:
                found = dict.fromkeys(plans)  # another connection wrote meanwhile: read again
        out: dict[str, LayerData] = {}
        for table, (cols, _types, geometry) in plans.items():
            data = found[table]
            if data is None and geometry:
                data = self.read_layer(table, cols)
            elif data is None:
                rows = self.read_table(table, cols)
                fids = rows.pop("fid").astype(np.int64)
                data = LayerData(fids=fids, geometry=np.empty(0, object), attrs=rows)
            out[table] = data
        return out

    def execute_sql(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Read-only SQL for reports and tests; writes must go through transactions."""
        return self._conn.execute(sql, params).fetchall()

    def execute_sql_chunks(
        self, sql: str, params: Sequence[Any] = (), size: int = 8192
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Read-only SQL in chunks of `size` rows: a worker reading a long result can let
        the GIL go between chunks, so the GUI thread keeps answering."""
        cursor = self._conn.execute(sql, params)
        while rows := cursor.fetchmany(size):
            yield rows

    # ------------------------------------------------------------ writing one row
    def update_row(
        self,
        conn: sqlite3.Connection,
        table: str,
        fid: int,
        changes: Mapping[str, Any],
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Change attributes of one editable row, checking its version; returns the old values.

        When `expected_version` is given and the row has moved on (another handle
        or another desktop wrote it), the write is refused with `write_conflict`:
        a stale edit is never silently lost. The version is bumped in the same
        statement that checks it, so two writers cannot both pass.
        """
        t = self._layer(table)
        if not t.editable:
            raise QjgisError("invalid_argument", name="table", value=table, reason="not_editable")
        names = self._columns(t, list(changes))
        selected = ", ".join(["row_version"] + [f'"{c}"' for c in names])
        row = conn.execute(
            f'SELECT {selected} FROM "{table}" WHERE fid = ?', (int(fid),)
        ).fetchone()
        if row is None:
            raise QjgisError("invalid_argument", name=table, value=fid, reason="no_such_row")
        found = int(row[0])
        if expected_version is not None and found != int(expected_version):
            raise QjgisError(
                "write_conflict", table=table, fid=fid, expected=expected_version, found=found
            )
        before = dict(zip(names, row[1:], strict=True))
        sets = ", ".join([f'"{c}" = ?' for c in names] + ["row_version = row_version + 1"])
        cur = conn.execute(
            f'UPDATE "{table}" SET {sets} WHERE fid = ? AND row_version = ?',
            (*[changes[c] for c in names], int(fid), found),
        )
        if cur.rowcount != 1:  # changed between our read and our write
            raise QjgisError(
                "write_conflict", table=table, fid=fid, expected=found, found=found + 1
            )
        return before

    def find_villages(self, village: str) -> list[tuple[str, str]]:
        """(code, name) of the villages a user means by a code or a name, in file order.

        Names can repeat across towns, so a name may mean several villages.
        """
        rows = self._conn.execute(
            "SELECT code, name FROM villages WHERE code = ? OR name = ? ORDER BY fid",
            (village, village),
        ).fetchall()
        if not rows:
            raise QjgisError("village_not_found", path=self.path, village=village)
        return [(r[0], r[1]) for r in rows]

    def row_version(self, table: str, fid: int) -> int | None:
        row = self._conn.execute(
            f'SELECT row_version FROM "{self._layer(table).name}" WHERE fid = ?', (int(fid),)
        ).fetchone()
        return None if row is None else int(row[0])

    # ------------------------------------------------------------ writing in bulk
    def insert_rows(
        self, conn: sqlite3.Connection, table: str, columns: Mapping[str, Any]
    ) -> np.ndarray:
        """Insert aligned column arrays into an attribute table; returns the new fids."""
        t = self._layer(table)
        names = self._columns(t, list(columns))
        n = len(next(iter(columns.values()))) if columns else 0
        start = self.next_fid(conn, table)
        fids = np.arange(start, start + n, dtype=np.int64)
        values = [_python_values(columns[c]) for c in names]
        quoted = ", ".join(["fid"] + [f'"{c}"' for c in names])
        insert_many(conn, f'INSERT INTO "{table}" ({quoted})', [fids.tolist(), *values])
        return fids

    def insert_row(self, conn: sqlite3.Connection, table: str, values: Mapping[str, Any]) -> int:
        """Insert one row into a table; returns its fid."""
        return int(self.insert_rows(conn, table, {c: [v] for c, v in values.items()})[0])

    def delete_rows(
        self, conn: sqlite3.Connection, table: str, keys: Sequence[Any], column: str = "fid"
    ) -> int:
        """Delete the rows whose `column` is one of `keys`, some hundreds per statement
        (SQLite's parameter limit); returns how many went."""
        t = self._layer(table)
        self._columns(t, [] if column == "fid" else [column])
        flat = list(keys)
        gone = 0
        for start in range(0, len(flat), 900):
            chunk = flat[start : start + 900]
            cur = conn.execute(
                f'DELETE FROM "{table}" WHERE "{column}" IN ({",".join("?" * len(chunk))})',
                chunk,
            )
            gone += max(int(cur.rowcount), 0)
        return gone

    @staticmethod
    def add_meta(conn: sqlite3.Connection, values: Mapping[str, str]) -> None:
        """New keys of the project's metadata (`qj_meta`); a key already there is refused
        by its primary key, as a project's identity must not change under it."""
        conn.executemany(
            "INSERT INTO qj_meta (key, value) VALUES (?, ?)",
            [(str(k), str(v)) for k, v in values.items()],
        )

    def restore_rows(
        self,
        conn: sqlite3.Connection,
        table: str,
        fids: Sequence[int],
        names: Sequence[str],
        rows: Sequence[Sequence[Any]],
    ) -> None:
        """Insert rows again under their own fids (`gpkg_write.restore_rows`)."""
        from qjgis import gpkg_write

        gpkg_write.restore_rows(self, conn, table, fids, names, rows)

    def insert_features(
        self,
        conn: sqlite3.Connection,
        layer: str,
        geometry: np.ndarray,
        columns: Mapping[str, Any],
        *,
        rtree: bool = True,
    ) -> np.ndarray:
        """Insert features in bulk inside the caller's transaction; returns the new fids.

        The R-tree insert trigger would call back into Python five times per row;
        for a bulk insert it is lifted, the index rows are written from shapely's
        vectorised bounds, and the trigger is put back, all in the same transaction.
        With `rtree=False` no index rows are written: the caller fills an empty
        index once at the end (`gpkg.rtree_bulk_load`), in the same transaction.
        """
        t = self._layer(layer, spatial=True)
        names = self._columns(t, list(columns))
        geoms = to_multipolygons(np.asarray(geometry, dtype=object))
        n = len(geoms)
        start = self.next_fid(conn, layer)
        fids = np.arange(start, start + n, dtype=np.int64)
        blobs = gpkg.encode(geoms, self.srs_id())
        values = [_python_values(columns[c]) for c in names]
        trigger = f"rtree_{layer}_geom_insert"
        conn.execute(f"DROP TRIGGER {trigger}")
        quoted = ", ".join(["fid", "geom"] + [f'"{c}"' for c in names])
        insert_many(
            conn, f'INSERT INTO "{layer}" ({quoted})', [fids.tolist(), blobs.tolist(), *values]
        )
        keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        if rtree:
            b = shapely.bounds(geoms[keep])
            conn.executemany(
                f"INSERT INTO rtree_{layer}_geom VALUES (?, ?, ?, ?, ?)",
                zip(
                    fids[keep].tolist(),
                    b[:, 0].tolist(),
                    b[:, 2].tolist(),
                    b[:, 1].tolist(),
                    b[:, 3].tolist(),
                    strict=True,
                ),
            )
        conn.execute(schema.rtree_triggers(layer)[trigger])
        self._touch(conn, layer, shapely.total_bounds(geoms[keep]) if keep.any() else None, n)
        return fids

    def update_rows(
        self,
        conn: sqlite3.Connection,
        table: str,
        fids: Sequence[int],
        names: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        bump_version: bool = True,
        constants: Mapping[str, Any] | None = None,
    ) -> None:
        """Set `names` to each row's values on the rows `fids` (a `geom` as its GeoPackage
        blob), each row one version on unless `bump_version` is False; `constants` are set
        on every row alike. No version check: the caller has compared what it read."""
        if not fids:
            return
        self._layer(table)
        constants = dict(constants or {})
        sets = [f'"{c}" = ?' for c in (*names, *constants)]
        if bump_version:
            sets.append("row_version = row_version + 1")
        tail = tuple(constants.values())
        conn.executemany(
            f'UPDATE "{table}" SET {", ".join(sets)} WHERE fid = ?',
            ((*row, *tail, fid) for row, fid in zip(rows, fids, strict=True)),
        )

    # ------------------------------------------------------------ the write path of a batch
    def batch_table(
        self, conn: sqlite3.Connection, table: str, key_sql: str, batch_id: int, **scope: Any
    ) -> Any:
        """One table's writes of one import batch (`store_api.BatchTable`), in SQLite."""
        from qjgis.gpkg_write import GpkgBatchTable

        return GpkgBatchTable(self, conn, table, key_sql, batch_id, **scope)

    #: a layer's geometry in a SELECT, and a geometry parameter in an INSERT or UPDATE:
    #: on a file both are the GeoPackage blob itself
    geom_select = "geom"
    geom_marker = "?"

    @staticmethod
    def geom_blobs(values: Sequence[Any]) -> list[bytes | None]:
        """Geometries as `geom_select` read them, as GeoPackage blobs (they are)."""
        return list(values)

    @staticmethod
    def geom_param(blob: bytes | None) -> Any:
        """A GeoPackage blob as the parameter of `geom_marker`."""
        return blob

    def _touch(
        self, conn: sqlite3.Connection, layer: str, added: np.ndarray | None, n_added: int
    ) -> None:
        """Record the change time and grow the exact extent by the added features' bounds."""
        row = conn.execute(
            "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?", (layer,)
        ).fetchone()
        total = conn.execute(f'SELECT count(*) FROM "{layer}"').fetchone()[0]
        if (row is None or row[0] is None) and total > n_added:
            # Rows written by another program left no extent: measure them all.
            row = conn.execute(
                f"SELECT min(ST_MinX(geom)), min(ST_MinY(geom)), max(ST_MaxX(geom)), "
                f'max(ST_MaxY(geom)) FROM "{layer}"'
            ).fetchone()
            extent = None if row[0] is None else np.array(row, dtype=float)
        else:
            extent = None if row is None or row[0] is None else np.array(row, dtype=float)
            if added is not None:
                a = np.asarray(added, dtype=float)
                extent = (
                    a
                    if extent is None
                    else np.concatenate(
                        [np.minimum(extent[:2], a[:2]), np.maximum(extent[2:], a[2:])]
                    )
                )
        values = extent.tolist() if extent is not None else [None] * 4
        conn.execute(
            "UPDATE gpkg_contents SET last_change = ?, min_x = ?, min_y = ?, max_x = ?, "
            "max_y = ? WHERE table_name = ?",
            (utc_now(), *values, layer),
        )

    @staticmethod
    def next_fid(conn: sqlite3.Connection, table: str) -> int:
        row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
        top = conn.execute(f'SELECT max(fid) FROM "{table}"').fetchone()[0]
        return max(row[0] if row else 0, top or 0) + 1

    # ------------------------------------------------------------ integrity
    def integrity_check(self) -> list[IntegrityProblem]:
        """A full check of the file: SQLite pages, GeoPackage tables, indexes, settings."""
        problems: list[IntegrityProblem] = []
        result = [r[0] for r in self._conn.execute("PRAGMA integrity_check(20)")]
        if result != ["ok"]:
            problems += [IntegrityProblem("sqlite", None, r) for r in result]
            return problems
        fk = self._conn.execute("PRAGMA foreign_key_check").fetchall()
        problems += [IntegrityProblem("foreign_key", r[0], repr(r)) for r in fk]
        if self._conn.execute("PRAGMA application_id").fetchone()[0] != schema.GPKG_APPLICATION_ID:
            problems.append(IntegrityProblem("gpkg", None, "application_id is not GPKG"))
        srs = self.srs_id()
        names = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master")}
        for table in schema.TABLES:
            if table.name not in names:
                problems.append(IntegrityProblem("missing_table", table.name, "table missing"))
        for layer in schema.SPATIAL_LAYERS:
            if layer not in names:
                continue
            declared = self._conn.execute(
                "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = ?", (layer,)
            ).fetchone()
            if declared is None or declared[0] != srs:
                problems.append(IntegrityProblem("srs", layer, f"srs {declared} != {srs}"))
            for trig in schema.rtree_triggers(layer):
                if trig not in names:
                    problems.append(IntegrityProblem("trigger", layer, f"{trig} missing"))
            bad = self._conn.execute(
                f'SELECT count(*) FROM "{layer}" WHERE geom IS NOT NULL AND '
                "substr(geom, 1, 2) != X'4750'"
            ).fetchone()[0]
            if bad:
                problems.append(IntegrityProblem("bad_blob", layer, f"{bad} geometry blobs"))
            mismatch = self._conn.execute(
                f'SELECT count(*) FROM "{layer}" t LEFT JOIN rtree_{layer}_geom r '
                "ON r.id = t.fid WHERE t.geom IS NOT NULL AND NOT ST_IsEmpty(t.geom) AND "
                "(r.id IS NULL OR "
                + " OR ".join(
                    # the R-tree holds float32 bounds: a few metres off at 3.6e7 is normal
                    f"abs(r.{c} - ST_{f}(t.geom)) > 2e-7 * abs(ST_{f}(t.geom)) + 1e-3"
                    for c, f in (
                        ("minx", "MinX"),
                        ("maxx", "MaxX"),
                        ("miny", "MinY"),
                        ("maxy", "MaxY"),
                    )
                )
                + ")"
            ).fetchone()[0]
            orphans = self._conn.execute(
                f'SELECT count(*) FROM rtree_{layer}_geom r LEFT JOIN "{layer}" t '
                "ON t.fid = r.id WHERE t.fid IS NULL"
            ).fetchone()[0]
            if mismatch or orphans:
                problems.append(
                    IntegrityProblem(
                        "rtree", layer, f"{mismatch} features unindexed, {orphans} stale entries"
                    )
                )
        for table in ("audit_log", "case_events"):  # the append-only histories
            for trig in (f"{table}_no_update", f"{table}_no_delete"):
                if trig not in names:
                    problems.append(IntegrityProblem("trigger", table, f"{trig} missing"))
            if table in names:
                broken = self.verify_chain(table)
                if broken is not None:
                    problems.append(broken)
        stored = settings_mod.defaults()
        for key, raw in self._conn.execute("SELECT key, value FROM qj_settings"):
            try:
                stored[key] = settings_mod.validate(key, json.loads(raw))
            except (QjgisError, json.JSONDecodeError) as exc:
                problems.append(IntegrityProblem("setting", "qj_settings", str(exc)))
        if not problems:
            try:
                settings_mod.check_consistency(stored)
            except QjgisError as exc:
                problems.append(IntegrityProblem("setting", "qj_settings", str(exc)))
        return problems


# Separators for text aggregated by SQLite: ASCII unit separator between values and record
# separator standing for NULL. A column whose values contain the first, or are the second,
# is read row by row.
_SEP = "\x1f"
_NULL = "\x1e"
# The storage classes each declared type may come back through the aggregated path unchanged
# (any other type: text only).
_AGGREGATED = {
    "INTEGER": {"integer", "null"},
    "BOOLEAN": {"integer", "null"},
    "REAL": {"real", "integer", "null"},
}


def _read_columns(
    conn: sqlite3.Connection,
    table_name: str,
    cols: list[str],
    table: schema.Table,
    *,
    geometry: bool,
    path: str | None = None,
) -> dict[str, np.ndarray]:
    """Whole columns in fid order, as `_columnar` returns them (plus the decoded "geometry").

    Fetching a million rows as tuples and transposing them costs more than the
    checks that use them. Instead SQLite joins each column into one string in an
    aggregate query, which Python splits or numpy parses in C: text split on a
    separator, integers and fids by `np.fromstring`, REAL through `quote()`
    (which SQLite writes with as many digits as the value needs to read back
    identical). The same query says whether a column holds only what that path
    gives back unchanged (see `_aggregate_columns`); a column that does not (a
    number in a DATE column, text in an INTEGER one) is fetched row by row, as
    is the geometry. The fids come from the same pass as the columns, so rows are put
    in fid order whatever order SQLite scanned them in.

    SQLite runs a query without the GIL, so with `path` a large table is read
    on two connections at once (half the columns and the geometry on a second,
    read-only one): both cores work. Nothing else may have committed in the
    meantime (`PRAGMA data_version`), otherwise the table is read again on
    `conn` alone; inside a transaction only `conn` sees its own writes, so
    reading stays on it.
    """
    types = table.types
    q = f'"{table_name}"'
    wkb_sql = f"SELECT {gpkg.wkb_sql('geom')} FROM {q} ORDER BY fid"
    out: dict[str, np.ndarray] = {}
    second = cols[len(cols) // 2 :] if geometry else cols[(len(cols) + 1) // 2 :]
    first = cols[: len(cols) - len(second)]
    parallel = (
        path is not None
        and not conn.in_transaction
        and (geometry or len(cols) > 1)
        and (conn.execute(f"SELECT max(fid) - min(fid) FROM {q}").fetchone()[0] or 0)
        >= _PARALLEL_ROWS
    )
    if parallel:
        assert path is not None
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        with ThreadPoolExecutor(max_workers=1) as pool:
            other = pool.submit(
                _read_on_second_connection, path, table_name, second, types, geometry
            )
            n, fids, mine = _aggregate_columns(conn, table_name, first, types)
            try:
                n2, fids2, theirs, geoms = other.result()
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise
                # Another program's commit outlasted the helper's short wait: read
                # again on `conn`, which waits as long as the project's setting says.
                n2, fids2, theirs, geoms = -1, fids, {}, None
        same = conn.execute("PRAGMA data_version").fetchone()[0] == version
        if same and n == n2 and np.array_equal(fids, fids2):
            out.update(mine)
            out.update(theirs)
            if geoms is not None:
                out["geometry"] = geoms
        else:
            out = {}
    if not out:
        n, fids, out = _aggregate_columns(conn, table_name, cols, types)
        if geometry:
            out["geometry"] = gpkg.decode(_fetch_column(conn, wkb_sql, n))
    for c in cols:
        if out[c] is None:
            values = _fetch_column(conn, f'SELECT "{c}" FROM {q} ORDER BY fid', n)
            out[c] = values.astype(float) if types.get(c) == "REAL" else values
    out["fid"] = fids
    return {name: out[name] for name in ["fid", *(["geometry"] if geometry else []), *cols]}


#: Below this many rows a second connection costs more than it saves.
_PARALLEL_ROWS = 20_000


def _read_on_second_connection(
    path: str, table_name: str, cols: list[str], types: dict[str, str], geometry: bool
) -> tuple[int, np.ndarray, dict[str, np.ndarray | None], np.ndarray | None]:
    conn = sqlite3.connect(_ro_uri(Path(path)), uri=True, timeout=5.0)
    try:
        n, fids, out = _aggregate_columns(conn, table_name, cols, types)
        geoms = None
        if geometry:
            sql = f'SELECT {gpkg.wkb_sql("geom")} FROM "{table_name}" ORDER BY fid'
            # Decoded here, while the other thread waits on SQLite without holding the GIL.
            geoms = gpkg.decode(_fetch_column(conn, sql, n))
        return n, fids, out, geoms
    finally:
        conn.close()


def _aggregate_columns(
    conn: sqlite3.Connection, table_name: str, cols: list[str], types: dict[str, str]
) -> tuple[int, np.ndarray, dict[str, np.ndarray | None]]:
    """(rows, fids in order, column arrays in fid order; None where only rows will do).

    SQLite orders NULL < numbers < text < blob, so the storage classes of a
    column's `min` and `max` tell whether all its values are text (or all
    numbers): a quarter cheaper than `typeof` on every value. `count` gives
    the NULLs, which must match the NULL markers found.
    """
    parts = ["count(*)", "group_concat(fid, ',')"]
    for c in cols:
        if types.get(c, "TEXT") == "REAL":
            parts.append(
                f"group_concat(CASE WHEN \"{c}\" IS NULL THEN 'nan' ELSE quote(\"{c}\") END, ',')"
            )
        else:
            parts.append(f'group_concat(ifnull("{c}", char(30)), char(31))')
        parts.append(f'count("{c}"), typeof(min("{c}")), typeof(max("{c}"))')
    row = conn.execute(f'SELECT {", ".join(parts)} FROM "{table_name}"').fetchone()
    n = int(row[0])
    fids = _parse_numbers(row[1] or "", np.int64, n)
    if fids is None:  # unreachable for an INTEGER PRIMARY KEY: fetch them to be safe
        sql = f'SELECT fid FROM "{table_name}" ORDER BY fid'
        return n, _fetch_column(conn, sql, n).astype(np.int64), dict.fromkeys(cols)
    order = _fid_order(fids)
    out: dict[str, np.ndarray | None] = {}
    for k, c in enumerate(cols):
        text, filled, low, high = row[2 + 4 * k : 6 + 4 * k]
        kind = types.get(c, "TEXT")
        arr = None
        if {low, high} <= _AGGREGATED.get(kind, {"text", "null"}):
            arr = _split_column(text, kind, n, n - int(filled))
        out[c] = arr if arr is None or order is None else arr[order]
    return n, fids if order is None else fids[order], out


def _scan_fast(
    path: str, table: str, cols: list[str], types: dict[str, str], geometry: bool
) -> LayerData | None:
    """`GpkgStore.scan` through GDAL (see there), or None where it must not be trusted."""
    from pyogrio import raw
    from pyogrio.errors import DataLayerError, DataSourceError

    from qjgis.io import arrow

    dates = [c for c in cols if types.get(c) == "DATE"]
    numbers = [c for c in cols if types.get(c) in ("INTEGER", "BOOLEAN", "REAL")]
    via_gdal = [c for c in cols if c not in dates]

    def sqlite_side() -> tuple[Any, dict[str, tuple[Any, ...]]]:
        conn = sqlite3.connect(_ro_uri(Path(path)), uri=True, timeout=5.0)
        try:
            read = _aggregate_columns(conn, table, dates, types) if dates else None
            return read, _number_summary(conn, table, numbers)
        finally:
            conn.close()

    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            side = pool.submit(sqlite_side) if dates or numbers else None
            with raw.open_arrow(
                path,
                layer=table,
                columns=via_gdal,
                read_geometry=geometry,
                return_fids=True,
                batch_size=_SCAN_BATCH,
                use_pyarrow=False,
            ) as (_meta, reader):
                _capsule, ptr = arrow.stream_pointer(reader)  # the capsule keeps ptr alive
                got = arrow.scan_columns(ptr, gpkg.decode)
            date_read, summary = side.result() if side is not None else (None, {})
    except (
        DataSourceError,  # GDAL cannot open the file
        DataLayerError,  # or the table
        arrow.ArrowStreamError,  # a type it cannot stream, a failing batch
        UnicodeDecodeError,  # text that is not UTF-8
        sqlite3.Error,
    ) as exc:
        _log.info("scan of %s falls back to SQLite: %s", table, exc)
        return None
    if "fid" not in got:
        return None
    fids = np.asarray(got.pop("fid")[0], dtype=np.int64)
    order = _fid_order(fids)
    if order is not None:
        fids = fids[order]
    geom = np.empty(0, dtype=object)
    if geometry:
        name = next((k for k in got if k not in cols), None)
        if name is None:
            return None
        geom = got.pop(name)[0]
        geom = geom if order is None else geom[order]
    attrs: dict[str, np.ndarray] = {}
    text: dict[str, np.ndarray] = {}
    pending: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
    for c in via_gdal:
        if c not in got:
            return None
        values, valid = got[c]
        if order is not None:
            values = values[order]
            valid = None if valid is None else valid[order]
        kind = types.get(c, "TEXT")
        if kind in ("REAL", "INTEGER", "BOOLEAN") and not _faithful(
            kind, values, valid, summary[c]
        ):
            return None
        if kind == "REAL":
            values = values.astype(np.float64)
            if valid is not None:
                values[~valid] = np.nan
            attrs[c] = values
            continue
        if kind in ("INTEGER", "BOOLEAN"):
            obj = values.astype(np.int64).astype(object)  # Python ints, as sqlite3 gives
            if valid is not None:
                obj[~valid] = None
            attrs[c] = obj
        else:
            text[c] = values
            pending[c] = (values, valid)
    if date_read is not None:
        n, sql_fids, sql_cols = date_read
        if n != len(fids) or not np.array_equal(fids, sql_fids):
            return None
        for c in dates:
            if sql_cols[c] is None:  # not all text: a row-by-row read keeps it as stored
                return None
            attrs[c] = sql_cols[c]
    return LayerData(fids=fids, geometry=geom, attrs=LazyColumns(cols, attrs, pending), text=text)


#: Rows per Arrow batch of a scan: large enough that per-batch overhead vanishes.
_SCAN_BATCH = 100_000


def _number_summary(conn: sqlite3.Connection, table: str, cols: list[str]) -> dict[str, tuple]:
    """Per number column: typeof(min), typeof(max), total, count, min, max, from SQLite."""
    if not cols:
        return {}
    parts = [
        f'typeof(min("{c}")), typeof(max("{c}")), total("{c}"), count("{c}"), '
        f'min("{c}"), max("{c}")'
        for c in cols
    ]
    row = conn.execute(f'SELECT {", ".join(parts)} FROM "{table}"').fetchone()
    return {c: tuple(row[6 * k : 6 * k + 6]) for k, c in enumerate(cols)}


def _faithful(kind: str, values: np.ndarray, valid: np.ndarray | None, summary: tuple) -> bool:
    """Whether GDAL gave a number column back as SQLite holds it (see `GpkgStore.scan`).

    SQLite orders NULL < numbers < text < blob, so `typeof` of min and max says
    whether all are numbers. GDAL truncates a fraction in an INTEGER column and
    reads any BOOLEAN but 0 as 1: the count, the sum (exact for these sizes) and
    the range must then match what it gave.
    """
    low, high, total, count, lo, hi = summary
    if not {low, high} <= _AGGREGATED[kind]:
        return False
    present = values if valid is None else values[valid]
    if len(present) != count:
        return False
    if kind == "REAL" or not count:
        return True
    if kind == "BOOLEAN" and (lo < 0 or hi > 1):
        return False
    return float(present.astype(np.float64).sum()) == float(total) and (
        int(present.min()),
        int(present.max()),
    ) == (lo, hi)


def _fid_order(fids: np.ndarray) -> np.ndarray | None:
    """None when the fids already increase (the usual scan order), else their sorting order."""
    return None if np.all(fids[1:] > fids[:-1]) else np.argsort(fids, kind="stable")


def _parse_numbers(text: str, dtype: Any, n: int) -> np.ndarray | None:
    """Comma-separated numbers parsed in C; None when they do not parse into `n` values."""
    if not n:
        return np.empty(0, dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy only warns when it stops at unparsable text
        try:
            arr = np.fromstring(text, dtype=dtype, sep=",")
        except (ValueError, DeprecationWarning):
            return None
    return arr if len(arr) == n else None


def _split_column(text: str | None, kind: str, n: int, nulls: int) -> np.ndarray | None:
    """An aggregated column as `_columnar` gives it; None if it must be read row by row."""
    if not n:
        return np.empty(0, dtype=float if kind == "REAL" else object)
    if kind == "REAL":
        return _parse_numbers(text or "", float, n)
    values = np.array((text or "").split(_SEP), dtype=object)
    if len(values) != n:  # a value holds the separator
        return None
    null = values == _NULL
    if int(null.sum()) != nulls:  # a value is the NULL marker itself
        return None
    if kind in ("INTEGER", "BOOLEAN"):
        values[null] = "0"
        try:
            values = values.astype(np.int64).astype(object)  # Python ints, as sqlite3 gives
        except (ValueError, OverflowError):  # a REAL among the integers
            return None
    values[null] = None
    return values


def _fetch_column(conn: sqlite3.Connection, sql: str, n: int) -> np.ndarray:
    """One column of a query as an object array (numbers and bytes kept as they are)."""
    rows = conn.execute(sql).fetchall()
    out = np.empty(len(rows), dtype=object)
    out[:] = [r[0] for r in rows]
    if len(out) != n:  # one connection reads one snapshot: only a bug gets here
        raise QjgisError("invalid_argument", name="table", value=sql, reason="changed_while_read")
    return out
