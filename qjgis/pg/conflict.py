"""Many desks on one database: stale edits refused with the other change shown.

Every edit names the row version it was based on and `update_row` writes only if the row
still has it (`UPDATE … WHERE fid = ? AND row_version = ?`, its rowcount checked). Under
PostgreSQL's READ COMMITTED a second desk's UPDATE waits for the first desk's row lock,
then re-reads the row, finds the version moved on and changes nothing: the command is
refused (`write_conflict`), never silently lost.

This module adds what a refused desk needs to read and what concurrent writers need:

- `tag_version`: the audit entry of a row edit records the version the edit produced
  (`row_version` in its `after`), so that
- `their_changes` can say exactly which entries came after the version the refused edit
  was based on: who, when, which command, which attributes from what to what;
- `explained`: a `write_conflict` with those changes as its `theirs` parameter (the
  catalogue's `ui/texts/conflicts.py` words it; the window shows both versions);
- `serialise`: a transaction-scoped advisory lock, so that appends to a hash chain and
  check runs that save findings take turns (released at commit or rollback, also when
  the client dies: the server ends its session).
"""

from __future__ import annotations

import json
import re
from typing import Any

from qjgis.errors import QjgisError

QjgisError.register(
    {
        "database_connection_lost": (
            "{url}: the connection to the database was lost ({detail}); this command was "
            "not saved, the next one connects again"
        ),
    }
)

#: SQLSTATE classes of a session that is gone: connection exceptions, and the server
#: ending it (an administrator's pg_terminate_backend, a shutdown or restart)
_LOST_STATES = ("08", "57P01", "57P02", "57P03")


def connection_lost(exc: BaseException) -> bool:
    """Whether a psycopg error means the session is gone (not that a statement failed)."""
    import psycopg

    if not isinstance(exc, psycopg.OperationalError):
        return False
    state = getattr(exc, "sqlstate", None)
    return state is None or state.startswith(_LOST_STATES)


#: Entities the commands audit a single row under: `findings/12 QJ-R001:…` (a review),
#: `ruin_cases:3` (a case command).
_ROW_ENTITY = re.compile(r"^(\w+)[/:](\d+)(?:\s|$)")

#: How many of a row's newest audit entries a refusal reads back at most.
_LOOKBACK = 50


def serialise(conn: Any, key: str) -> None:
    """Take turns on `key` until this transaction ends (on a database; a file's writer
    already holds the whole file, `BEGIN IMMEDIATE`)."""
    from qjgis.pg.store import PgConnection

    if isinstance(conn, PgConnection):
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (f"qjgis:{key}",))


def row_of(entity: str | None) -> tuple[str, int] | None:
    """(table, fid) of an audit entity naming one row, else None."""
    m = _ROW_ENTITY.match(entity or "")
    return None if m is None else (m.group(1), int(m.group(2)))


def tag_version(conn: Any, entity: str | None, after: Any) -> Any:
    """`after` with the row version this transaction gave the entity's row, if it did."""
    versions = getattr(conn, "versions", None)
    row = row_of(entity)
    if not versions or row is None or not isinstance(after, dict) or row not in versions:
        return after
    return {**after, "row_version": versions[row]}


def _loads(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def their_changes(store: Any, table: str, fid: int, expected: int, found: int) -> dict[str, Any]:
    """What happened to row `fid` of `table` after version `expected`, from the audit log.

    `changes`: the entries, oldest first, each {time, user, role, command, version,
    fields: [[name, before, after], …]}; `untracked`: versions the log names no entry
    for (a check run re-evaluating a finding bumps its version under one entry for the
    whole run). Entries written before versions were recorded (a project pushed from a
    file) count as one version each.
    """
    fid = int(fid)
    rows = store.execute_sql(
        "SELECT time, user, role, command, before, after FROM audit_log "
        "WHERE entity = ? OR entity = ? OR entity LIKE ? ORDER BY fid DESC LIMIT ?",
        (f"{table}/{fid}", f"{table}:{fid}", f"{table}/{fid} %", _LOOKBACK),
    )
    gap = max(0, int(found) - int(expected))
    picked: list[dict[str, Any]] = []
    for time, user, role, command, before_raw, after_raw in rows:
        before, after = _loads(before_raw), _loads(after_raw)
        after = after if isinstance(after, dict) else {}
        before = before if isinstance(before, dict) else {}
        version = after.get("row_version")
        if isinstance(version, int):
            if version <= int(expected):
                break
        elif len(picked) >= gap:
            break
        fields = [[n, before.get(n), v] for n, v in after.items() if n != "row_version"]
        picked.append(
            {
                "time": time,
                "user": user,
                "role": role,
                "command": command,
                "version": version,
                "fields": fields,
            }
        )
    picked.reverse()
    return {"changes": picked, "untracked": max(0, gap - len(picked))}


def explained(store: Any, error: QjgisError) -> QjgisError:
    """`error` (a `write_conflict`) with the other desks' changes as `theirs`.

    Read after the refused transaction rolled back; if the log cannot be read (the
    connection is gone too) the refusal stays as it was.
    """
    p = error.params
    try:
        theirs = their_changes(store, p["table"], p["fid"], p["expected"], p["found"])
    except (QjgisError, KeyError, TypeError, ValueError):
        return error
    return QjgisError(error.code, **p, theirs=theirs)
