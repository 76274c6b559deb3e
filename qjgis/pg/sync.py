"""Pushing a pulled copy back: the rows the file changed go in, unless the server moved on.

`pull` records in the file what it took (`record_baseline`): each editable row's version
(table `qj_pull_base`), each other table's largest fid, and an id for this pull. `push` of
that file into the database it came from (same project id) then calls `push_back`:

- a row the file changed (its version differs from the pulled one) is written to the
  server, unless the server's row changed since the pull too (or is gone): then nothing
  is written and the error lists every such row (`sync_conflict`: table, fid, key, the
  versions pulled, on the server and in the file);
- the entries the file appended to the audit log and the case events are appended on the
  server, chained after the server's own (their hashes are recomputed there; their
  content and time are kept), and one audit entry records the push-back itself;
- rows the copy added or deleted elsewhere, and changed settings, are not carried back yet:
  the push is refused naming the tables (`sync_unsupported`);
- a copy is pushed back once (`sync_already_applied`): pull a new one to go on.
All of it in one server transaction.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qjgis import schema
from qjgis.errors import QjgisError
from qjgis.pg import sql as pgsql
from qjgis.store_api import utc_now

QjgisError.register(
    {
        "sync_conflict": (
            "{path}: {count} rows changed on the server since the pull ({rows}); nothing was pushed"
        ),
        "sync_unsupported": (
            "{path}: the copy added or deleted rows in {tables}, which cannot be pushed back "
            "yet; nothing was pushed"
        ),
        "sync_already_applied": (
            "{path}: this copy was already pushed back on {when}; pull a new copy"
        ),
    }
)

BASE_TABLE = "qj_pull_base"
#: Tables whose rows carry a version (the edits a copy may carry back).
VERSIONED = tuple(t for t in schema.TABLES if "row_version" in t.types)
#: Tables a copy may append to: entries re-chained on the server.
APPENDED = schema.APPEND_ONLY
#: `qj_meta` entries of a pulled copy (not carried into a database by a fresh push).
PULL_META = ("pull_id", "pulled_max_fid", "pulled_counts", "pulled", "pulled_from")
#: Shown in a conflict message; the error's `conflicts` parameter has them all.
_SHOWN = 10


def record_baseline(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Inside the pull's transaction: what was pulled; returns `qj_meta` entries to add."""
    conn.execute(
        f"CREATE TABLE {BASE_TABLE} (tbl TEXT NOT NULL, fid INTEGER NOT NULL, "
        "row_version INTEGER NOT NULL, PRIMARY KEY (tbl, fid)) WITHOUT ROWID"
    )
    for table in VERSIONED:
        conn.execute(
            f'INSERT INTO {BASE_TABLE} SELECT ?, fid, row_version FROM "{table.name}"',
            (table.name,),
        )
    top = {
        t.name: conn.execute(f'SELECT coalesce(max(fid), 0) FROM "{t.name}"').fetchone()[0]
        for t in schema.TABLES
    }
    counts = {
        t.name: conn.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0]
        for t in schema.TABLES
    }
    return [
        ("pull_id", uuid.uuid4().hex),
        ("pulled_max_fid", json.dumps(top)),
        ("pulled_counts", json.dumps(counts)),
    ]


def is_pulled_copy(meta: dict[str, str]) -> bool:
    return "pull_id" in meta and "pulled_max_fid" in meta


def push_back(
    path: Path,
    src: sqlite3.Connection,
    url: str,
    file_meta: dict[str, str],
    *,
    ask_password: Callable[[str], str | None] | None = None,
) -> dict[str, int]:
    """Carry a pulled copy's edits back (see the module's docstring); rows per table."""
    from qjgis.pg.store import PgStore

    pull_id = file_meta["pull_id"]
    top = json.loads(file_meta["pulled_max_fid"])
    pulled_counts = json.loads(file_meta["pulled_counts"])
    base: dict[str, dict[int, int]] = {}
    for tbl, fid, version in src.execute(f"SELECT tbl, fid, row_version FROM {BASE_TABLE}"):
        base.setdefault(tbl, {})[int(fid)] = int(version)

    # What the copy did, table by table.
    unsupported: list[str] = []
    changed: dict[str, list[int]] = {}
    for table in schema.TABLES:
        name = table.name
        if name in base or table in VERSIONED:
            rows = dict(src.execute(f'SELECT fid, row_version FROM "{name}"').fetchall())
            pulled = base.get(name, {})
            if set(rows) - set(pulled) or set(pulled) - set(rows):
                unsupported.append(name)
                continue
            changed[name] = sorted(f for f, v in rows.items() if v != pulled[f])
            continue
        n_old, n_new = src.execute(
            f"SELECT count(*) FILTER (WHERE fid <= ?), count(*) FILTER (WHERE fid > ?) "
            f'FROM "{name}"',
            (int(top[name]), int(top[name])),
        ).fetchone()
        if n_old != pulled_counts[name] or (n_new and name not in APPENDED):
            unsupported.append(name)
    with PgStore.open(url, ask_password=ask_password) as store:
        server_settings = dict(store.execute_sql("SELECT key, value FROM qj_settings"))
        file_settings = dict(src.execute("SELECT key, value FROM qj_settings").fetchall())
        if server_settings != file_settings:
            unsupported.append("qj_settings")
        if unsupported:
            raise QjgisError("sync_unsupported", path=str(path), tables=", ".join(unsupported))
        done = store.meta().get(f"pushed_back:{pull_id}")
        if done is not None:
            raise QjgisError("sync_already_applied", path=str(path), when=done)
        applied: dict[str, int] = {}
        with store.transaction() as conn:
            raw = store._raw  # psycopg: the geometry and the version check in one UPDATE
            conflicts: list[dict[str, Any]] = []
            for name, fids in changed.items():
                if not fids:
                    continue
                server = dict(
                    raw.execute(
                        f'SELECT fid, row_version FROM "{name}" WHERE fid = ANY(%s) FOR UPDATE',
                        (fids,),
                    ).fetchall()
                )
                table = schema.TABLE_BY_NAME[name]
                for fid in fids:
                    if server.get(fid) != base[name][fid]:
                        conflicts.append(_conflict(src, table, fid, base, server))
            if conflicts:
                listed = ", ".join(
                    f"{c['table']}#{c['fid']}" + (f" {c['key']}" if c["key"] else "")
                    for c in conflicts[:_SHOWN]
                ) + (" …" if len(conflicts) > _SHOWN else "")
                raise QjgisError(
                    "sync_conflict", path=str(path), count=len(conflicts), rows=listed,
                    conflicts=conflicts,
                )  # fmt: skip
            srid = store.srs_id()
            for name, fids in changed.items():
                if fids:
                    applied[name] = _apply_updates(
                        src, raw, schema.TABLE_BY_NAME[name], fids, base[name], srid
                    )  # fmt: skip
            for name in APPENDED:
                table = schema.TABLE_BY_NAME[name]
                cols = schema.chained_columns(table)
                quoted = ", ".join(f'"{c}"' for c in cols)
                entries = src.execute(
                    f'SELECT {quoted} FROM "{name}" WHERE fid > ? ORDER BY fid', (int(top[name]),)
                ).fetchall()
                for values in entries:
                    store.append_chained(conn, name, dict(zip(cols, values, strict=True)))
                if entries:
                    applied[name] = len(entries)
            store.audit(
                conn, "project.push_back", path.name, None,
                {"pull_id": pull_id, "rows": applied, "from": file_meta.get("pulled")},
            )  # fmt: skip
            conn.execute(
                "INSERT INTO qj_meta (key, value) VALUES (?, ?)",
                (f"pushed_back:{pull_id}", utc_now()),
            )
        return applied


def _conflict(
    src: sqlite3.Connection,
    table: schema.Table,
    fid: int,
    base: dict[str, dict[int, int]],
    server: dict[int, int],
) -> dict[str, Any]:
    key = None
    if table.key:
        row = src.execute(f'SELECT "{table.key}" FROM "{table.name}" WHERE fid = ?', (fid,))
        key = row.fetchone()[0]
    elif table.name == "findings":
        row = src.execute("SELECT rule_id || ':' || key FROM findings WHERE fid = ?", (fid,))
        key = row.fetchone()[0]
    file_version = src.execute(
        f'SELECT row_version FROM "{table.name}" WHERE fid = ?', (fid,)
    ).fetchone()[0]
    return {
        "table": table.name,
        "fid": fid,
        "key": key,
        "pulled": base[table.name][fid],
        "server": server.get(fid),  # None: deleted on the server
        "file": int(file_version),
    }


def _apply_updates(
    src: sqlite3.Connection,
    raw: Any,
    table: schema.Table,
    fids: list[int],
    pulled: dict[int, int],
    srid: int,
) -> int:
    sql, names, _types = pgsql.select(table, dialect="sqlite")
    head, _, _order = sql.rpartition(" ORDER BY ")
    sets = [
        f'"{c}" = ST_GeomFromWKB(%s, {int(srid)})' if c == "geom" else f'"{c}" = %s'
        for c in names[1:]
    ]
    update = f'UPDATE "{table.name}" SET {", ".join(sets)} WHERE fid = %s AND row_version = %s'
    n = 0
    for start in range(0, len(fids), 500):
        part = fids[start : start + 500]
        marks = ", ".join("?" * len(part))
        rows = src.execute(f"{head} WHERE fid IN ({marks})", part).fetchall()
        with raw.cursor() as cur:
            for row in rows:
                fid = int(row[0])
                cur.execute(update, (*row[1:], fid, pulled[fid]))
                n += cur.rowcount
    return n
