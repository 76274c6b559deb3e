"""Pushing a pulled copy back: what the file changed, added and deleted goes in, unless
the server moved on.

`pull` records in the file what it took (`record_baseline`): each editable row's version
(table `qj_pull_base`), each table's largest fid and row count, and an id for this pull.
So the copy knows, without a log of its own, what happened to it since:

- a row of an editable table whose version differs from the pulled one was **changed**;
- a fid in `qj_pull_base` that is no longer in the file was **deleted**;
- a fid above the table's pulled largest fid was **added** (the file's AUTOINCREMENT
  never reuses a fid, so every row the copy added is above it).

`push` of that file into the database it came from (same project id) then calls
`push_back`, which in one server transaction:

- writes every changed row and deletes every deleted row, unless the server's row changed
  since the pull too (or, for a changed row, is gone): then nothing is written and the
  error lists every such row (`sync_conflict`: table, fid, key, the versions pulled, on
  the server and in the file; `file` None for a row the copy deleted); a row deleted on
  both sides is simply gone;
- inserts every added row under a new fid from the server's sequence (no collision with
  rows another desk added meanwhile), and rewrites the references inside the copy to the
  new fids (`REFERENCES`: a case's building and parcel, a holder's parcel, an event's
  case, an import's batch and rows, a finding's runs and entities, an attachment's or an
  audit entry's `table:fid`, a field check run's unchanged findings' `last_run`); an
  added row whose business key (`SYNC_KEYS`: 宗地代码,
  不动产单元号, 户号, a finding's rule and key, a case's building) was also added on the
  server since the pull is refused and listed (`sync_key_conflict`), nothing written;
- appends the entries the copy added to the audit log and the case events after the
  server's own, re-chained there (content and time kept, references renumbered), and one
  audit entry `project.push_back` records the push itself with the counts per table
  (added, updated, deleted, appended);
- carries an import the copy undid or redid (`import_batches.undone`, recorded at the
  pull in place of a version), unless the server undid or redid it too;
- refuses what it cannot carry (`sync_unsupported`, naming the tables): changed settings,
  rows deleted from a table without row versions (the file does not record which);
- a copy is pushed back once (`sync_already_applied`): pull a new one to go on.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qjgis import schema
from qjgis.errors import QjgisError
from qjgis.pg import roles
from qjgis.pg import sql as pgsql
from qjgis.store_api import utc_now

QjgisError.register(
    {
        "sync_conflict": (
            "{path}: {count} rows changed on the server since the pull ({rows}); nothing was pushed"
        ),
        "sync_key_conflict": (
            "{path}: {count} rows the copy added have a key another desk added on the server "
            "since the pull ({rows}); nothing was pushed"
        ),
        "sync_unsupported": (
            "{path}: the copy changed {tables} in a way that cannot be pushed back (changed "
            "settings, or rows deleted from a table without row versions); nothing was pushed"
        ),
        "sync_already_applied": (
            "{path}: this copy was already pushed back on {when}; pull a new copy"
        ),
    }
)

BASE_TABLE = "qj_pull_base"
#: The one table without row versions whose pulled rows a copy may change: its flag.
FLAGGED = "import_batches"
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
    # An import batch has no row version, but its undo and redo flip `undone`: the flag
    # pulled stands in for the version, so an undo in the copy is carried back.
    conn.execute(f"INSERT INTO {BASE_TABLE} SELECT '{FLAGGED}', fid, undone FROM import_batches")
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


#: Business keys an added row must not share with a row another desk added since the pull
#: (the same 宗地代码 surveyed twice, two cases opened on one building): an SQL expression
#: per table, the same text in SQLite and PostgreSQL.
SYNC_KEYS: dict[str, str] = {
    **{t.name: f'"{t.key}"' for t in schema.TABLES if t.key},
    "findings": "rule_id || ':' || \"key\"",
    "ruin_cases": '"bdcdyh"',
    "renovation_cases": '"bdcdyh"',
}
#: Columns holding another table's fid: (table, column) -> the table it points into.
REFERENCES: dict[tuple[str, str], str] = {
    **{(t.name, "batch_id"): "import_batches" for t in schema.TABLES if "batch_id" in t.types},
    ("reference_features", "superseded_by"): "import_batches",
    ("parcel_holders", "parcel_fid"): "parcels",
    ("findings", "first_run"): "check_runs",
    ("findings", "last_run"): "check_runs",
    ("ruin_cases", "building_fid"): "buildings",
    ("ruin_cases", "parcel_fid"): "parcels",
    ("renovation_cases", "building_fid"): "buildings",
    ("renovation_cases", "parcel_fid"): "parcels",
}
#: Fid columns whose table another column of the row names: (table, column) -> (the
#: naming column, its value -> table).
NAMED_REFERENCES: dict[tuple[str, str], tuple[str, dict[str, str]]] = {
    ("import_batch_rows", "row_fid"): ("layer", {t.name: t.name for t in schema.TABLES}),
    ("case_events", "case_fid"): (
        "case_kind",
        {"ruin": "ruin_cases", "renovation": "renovation_cases"},
    ),
}
#: Text columns naming a row as "table:fid" (cases, attachments) or "table/fid" (imports).
ENTITY_COLUMNS = frozenset({("attachments", "entity"), ("audit_log", "entity")})
_ENTITY = re.compile(r"^(\w+)([:/])(\d+)$")
#: A finding's involved entities (JSON objects with a kind and a fid): kind -> table.
FINDING_KINDS = {
    "household": "households",
    "parcel": "parcels",
    "building": "buildings",
    "member": "members",
    "village": "villages",
}


@dataclass
class PushedBack:
    """What a push-back wrote, per table: rows added, updated, deleted, entries appended."""

    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    appended: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> dict[str, int]:
        """Rows written per table, all kinds together."""
        out: dict[str, int] = {}
        for part in (self.added, self.updated, self.deleted, self.appended):
            for name, n in part.items():
                if n:
                    out[name] = out.get(name, 0) + n
        return out

    def as_json(self) -> dict[str, dict[str, int]]:
        return {
            "added": self.added,
            "updated": self.updated,
            "deleted": self.deleted,
            "appended": self.appended,
        }


class _Renumber:
    """The copy's added rows' fids -> their new fids on the server, applied to every row
    the push-back writes (an existing row may now point at an added one)."""

    def __init__(self, new: dict[str, dict[int, int]]) -> None:
        self.new = new

    def fid(self, table: str, value: Any) -> Any:
        known = self.new.get(table)
        if not known or value is None:
            return value
        try:
            return known.get(int(value), value)
        except (TypeError, ValueError):
            return value

    def row(self, table: str, names: list[str], row: Sequence[Any]) -> list[Any]:
        out = list(row)
        at = {n: i for i, n in enumerate(names)}
        if "fid" in at:
            out[at["fid"]] = self.fid(table, out[at["fid"]])
        for col, i in at.items():
            target = REFERENCES.get((table, col))
            if target is not None:
                out[i] = self.fid(target, out[i])
            named = NAMED_REFERENCES.get((table, col))
            if named is not None and named[0] in at:
                target = named[1].get(str(out[at[named[0]]]))
                if target is not None:
                    out[i] = self.fid(target, out[i])
            if (table, col) in ENTITY_COLUMNS and isinstance(out[i], str):
                out[i] = self.entity(out[i])
        if table == "findings" and "entities" in at:
            out[at["entities"]] = self._finding_entities(out[at["entities"]])
        return out

    def entity(self, text: str) -> str:
        m = _ENTITY.match(text)
        if m is None or m.group(1) not in self.new:
            return text
        return f"{m.group(1)}{m.group(2)}{self.fid(m.group(1), m.group(3))}"

    def _finding_entities(self, text: Any) -> Any:
        if not isinstance(text, str) or not any(t in self.new for t in FINDING_KINDS.values()):
            return text
        try:
            entities = json.loads(text)
        except ValueError:
            return text
        moved = False
        for e in entities if isinstance(entities, list) else ():
            table = FINDING_KINDS.get(e.get("kind")) if isinstance(e, dict) else None
            if table is not None and e.get("fid") is not None:
                new = self.fid(table, e["fid"])
                moved |= new != e["fid"]
                e["fid"] = new
        return json.dumps(entities, ensure_ascii=False) if moved else text


@dataclass
class _Plan:
    """What the copy did since the pull, per table (fids in the copy)."""

    added: dict[str, list[int]] = field(default_factory=dict)
    changed: dict[str, list[int]] = field(default_factory=dict)
    deleted: dict[str, list[int]] = field(default_factory=dict)
    unsupported: list[str] = field(default_factory=list)
    #: findings a check run of the copy found again unchanged: only their `last_run`
    #: moved, without a new version (as the engine does, so that no reviewer is beaten)
    touched: dict[int, int] = field(default_factory=dict)
    #: import batches of the pull the copy undid or redid: fid -> `undone` in the copy
    flags: dict[int, int] = field(default_factory=dict)


def _plan(
    src: sqlite3.Connection,
    base: dict[str, dict[int, int]],
    top: dict[str, int],
    pulled_counts: dict[str, int],
) -> _Plan:
    plan = _Plan()
    for table in schema.TABLES:
        name = table.name
        last = int(top.get(name, 0))
        if name == schema.SETTINGS.name:  # compared with the server's as a whole
            continue
        if table in VERSIONED:
            rows = dict(src.execute(f'SELECT fid, row_version FROM "{name}"').fetchall())
            pulled = base.get(name, {})
            plan.deleted[name] = sorted(set(pulled) - set(rows))
            plan.added[name] = sorted(f for f in rows if f not in pulled)
            plan.changed[name] = sorted(
                f for f, v in rows.items() if f in pulled and v != pulled[f]
            )
            if name == "findings":
                runs = int(top.get("check_runs", 0))
                plan.touched = {
                    int(fid): int(last)
                    for fid, last, version in src.execute(
                        "SELECT fid, last_run, row_version FROM findings WHERE last_run > ?",
                        (runs,),
                    )
                    if int(fid) in pulled and int(version) == pulled[int(fid)]
                }
            continue
        n_old = src.execute(f'SELECT count(*) FROM "{name}" WHERE fid <= ?', (last,)).fetchone()[0]
        if n_old != pulled_counts.get(name, 0):  # a row deleted where no version says which
            plan.unsupported.append(name)
        if name == FLAGGED and name in base:
            plan.flags = {
                int(fid): int(undone)
                for fid, undone in src.execute(
                    "SELECT fid, undone FROM import_batches WHERE fid <= ?", (last,)
                )
                if int(fid) in base[name] and int(undone) != base[name][int(fid)]
            }
        if name not in APPENDED:
            plan.added[name] = [
                int(r[0])
                for r in src.execute(
                    f'SELECT fid FROM "{name}" WHERE fid > ? ORDER BY fid', (last,)
                )
            ]
    return plan


def push_back(
    path: Path,
    src: sqlite3.Connection,
    url: str,
    file_meta: dict[str, str],
    *,
    ask_password: Callable[[str], str | None] | None = None,
) -> PushedBack:
    """Carry a pulled copy's edits back (see the module's docstring)."""
    from qjgis.pg.store import PgStore

    pull_id = file_meta["pull_id"]
    top = {k: int(v) for k, v in json.loads(file_meta["pulled_max_fid"]).items()}
    pulled_counts = json.loads(file_meta["pulled_counts"])
    base: dict[str, dict[int, int]] = {}
    for tbl, fid, version in src.execute(f"SELECT tbl, fid, row_version FROM {BASE_TABLE}"):
        base.setdefault(tbl, {})[int(fid)] = int(version)
    plan = _plan(src, base, top, pulled_counts)

    with PgStore.open(url, ask_password=ask_password) as store:
        server_settings = dict(store.execute_sql("SELECT key, value FROM qj_settings"))
        file_settings = dict(src.execute("SELECT key, value FROM qj_settings").fetchall())
        if server_settings != file_settings:
            plan.unsupported.append(schema.SETTINGS.name)
        if plan.unsupported:
            raise QjgisError("sync_unsupported", path=str(path), tables=", ".join(plan.unsupported))
        done = store.meta().get(f"pushed_back:{pull_id}")
        if done is not None:
            raise QjgisError("sync_already_applied", path=str(path), when=done)
        result = PushedBack()
        with store.transaction() as conn:
            raw = store._raw  # psycopg: COPY, the geometry and the version check in one UPDATE
            # No desk adds a row with the same key between the check below and the commit.
            for name in sorted(n for n, fids in plan.added.items() if fids and n in SYNC_KEYS):
                raw.execute(f'LOCK TABLE "{name}" IN SHARE ROW EXCLUSIVE MODE')
            conflicts = _version_conflicts(src, raw, plan, base)
            if conflicts:
                raise QjgisError(
                    "sync_conflict", path=str(path), count=len(conflicts),
                    rows=_listed(conflicts), conflicts=conflicts,
                )  # fmt: skip
            collisions = _key_collisions(src, raw, plan, top)
            if collisions:
                raise QjgisError(
                    "sync_key_conflict", path=str(path), count=len(collisions),
                    rows=_listed(collisions), conflicts=collisions,
                )  # fmt: skip
            renumber = _Renumber(
                {
                    name: dict(zip(fids, _new_fids(raw, name, len(fids)), strict=True))
                    for name, fids in plan.added.items()
                    if fids
                }
            )
            srid = store.srs_id()
            for name, fids in plan.changed.items():
                if fids:
                    result.updated[name] = _apply_updates(
                        src, raw, schema.TABLE_BY_NAME[name], fids, base[name], srid, renumber
                    )  # fmt: skip
            if plan.flags:  # checked above: the server's flags are the pulled ones
                with raw.cursor() as cur:
                    cur.executemany(
                        "UPDATE import_batches SET undone = %s WHERE fid = %s",
                        [(undone, fid) for fid, undone in sorted(plan.flags.items())],
                    )
                result.updated[FLAGGED] = len(plan.flags)
            if plan.touched:  # where the server's finding is still the one pulled
                with raw.cursor() as cur:
                    cur.executemany(
                        "UPDATE findings SET last_run = %s WHERE fid = %s AND row_version = %s",
                        [
                            (renumber.fid("check_runs", last), fid, base["findings"][fid])
                            for fid, last in sorted(plan.touched.items())
                        ],
                    )
                touched = sum(
                    1 for fid in plan.touched if fid not in plan.changed.get("findings", ())
                )
                if touched:
                    result.updated["findings"] = result.updated.get("findings", 0) + touched
            for name, fids in plan.deleted.items():
                if fids:
                    cur = raw.execute(f'DELETE FROM "{name}" WHERE fid = ANY(%s)', (fids,))
                    result.deleted[name] = cur.rowcount
            for name, fids in plan.added.items():
                if fids:
                    result.added[name] = _insert_added(
                        src, raw, schema.TABLE_BY_NAME[name], fids, renumber
                    )
            if result.added.get("attachments"):
                result.added["qj_attachment_content"] = _attachment_content(
                    src, raw, path, plan.added["attachments"]
                )
            for name in APPENDED:
                table = schema.TABLE_BY_NAME[name]
                cols = schema.chained_columns(table)
                quoted = ", ".join(f'"{c}"' for c in cols)
                entries = src.execute(
                    f'SELECT {quoted} FROM "{name}" WHERE fid > ? ORDER BY fid', (top[name],)
                ).fetchall()
                for values in entries:
                    row = renumber.row(name, cols, values)
                    store.append_chained(conn, name, dict(zip(cols, row, strict=True)))
                if entries:
                    result.appended[name] = len(entries)
            store.audit(
                conn, "project.push_back", path.name, None,
                {"pull_id": pull_id, "rows": result.rows, **result.as_json(),
                 "from": file_meta.get("pulled")},
            )  # fmt: skip
            conn.execute(
                "INSERT INTO qj_meta (key, value) VALUES (?, ?)",
                (f"pushed_back:{pull_id}", utc_now()),
            )
        return result


def _listed(conflicts: list[dict[str, Any]]) -> str:
    return ", ".join(
        f"{c['table']}#{c['fid']}" + (f" {c['key']}" if c["key"] else "")
        for c in conflicts[:_SHOWN]
    ) + (" …" if len(conflicts) > _SHOWN else "")


def _version_conflicts(
    src: sqlite3.Connection, raw: Any, plan: _Plan, base: dict[str, dict[int, int]]
) -> list[dict[str, Any]]:
    """Rows the copy changed or deleted that the server changed (or deleted) since the pull.

    The server's rows are locked until the commit, so none changes after this check.
    """
    conflicts: list[dict[str, Any]] = []
    for table in VERSIONED:
        name = table.name
        changed, deleted = plan.changed.get(name, []), plan.deleted.get(name, [])
        if not changed and not deleted:
            continue
        server = dict(
            raw.execute(
                f'SELECT fid, row_version FROM "{name}" WHERE fid = ANY(%s) ORDER BY fid '
                "FOR UPDATE",
                (changed + deleted,),
            ).fetchall()
        )
        for fid in changed:
            if server.get(fid) != base[name][fid]:
                conflicts.append(_conflict(src, table, fid, base, server))
        for fid in deleted:  # deleted on both sides: nothing to do
            if fid in server and server[fid] != base[name][fid]:
                conflicts.append(_conflict(src, table, fid, base, server, raw=raw))
    if plan.flags:
        flags = list(plan.flags)
        server = dict(
            raw.execute(
                "SELECT fid, undone FROM import_batches WHERE fid = ANY(%s) ORDER BY fid "
                "FOR UPDATE",
                (flags,),
            ).fetchall()
        )
        for fid in flags:
            if server.get(fid) != base[FLAGGED][fid]:  # undone or redone there too
                conflicts.append({
                    "table": FLAGGED, "fid": fid, "key": None, "pulled": base[FLAGGED][fid],
                    "server": server.get(fid), "file": plan.flags[fid],
                })  # fmt: skip
    return conflicts


def _key_collisions(
    src: sqlite3.Connection, raw: Any, plan: _Plan, top: dict[str, int]
) -> list[dict[str, Any]]:
    """Added rows whose key a row added on the server since the pull also has."""
    out: list[dict[str, Any]] = []
    for name, fids in plan.added.items():
        expr = SYNC_KEYS.get(name)
        if expr is None or not fids:
            continue
        mine: dict[str, list[int]] = {}
        for start in range(0, len(fids), 500):
            part = fids[start : start + 500]
            marks = ", ".join("?" * len(part))
            for fid, key in src.execute(
                f'SELECT fid, {expr} FROM "{name}" WHERE fid IN ({marks}) AND {expr} IS NOT NULL',
                part,
            ):
                mine.setdefault(str(key), []).append(int(fid))
        if not mine:
            continue
        theirs = raw.execute(
            f'SELECT {expr}, min(fid) FROM "{name}" WHERE fid > %s AND {expr} = ANY(%s) '
            f"GROUP BY {expr}",
            (int(top.get(name, 0)), list(mine)),
        ).fetchall()
        for key, server_fid in sorted(theirs):
            for fid in mine[key]:
                out.append({"table": name, "fid": fid, "key": key, "server_fid": int(server_fid)})
    return sorted(out, key=lambda c: (c["table"], c["fid"]))


def _attachment_content(src: sqlite3.Connection, raw: Any, path: Path, fids: list[int]) -> int:
    """The files of the attachments the copy added (`NAME.files/`), into the database by
    hash, as `push` carries them: a file missing or no longer matching its hash stays out
    (the attachment then shows as missing, as it did beside the copy)."""
    from qjgis.cases.attachments import MEDIA_TYPES, folder_for

    folder = folder_for(path)
    wanted: dict[str, str | None] = {}
    for start in range(0, len(fids), 500):
        part = fids[start : start + 500]
        marks = ", ".join("?" * len(part))
        wanted.update(
            src.execute(
                f"SELECT sha256, media_type FROM attachments WHERE fid IN ({marks})", part
            ).fetchall()
        )
    n = 0
    for sha, media in sorted(wanted.items()):
        file = folder / f"{sha}.{MEDIA_TYPES.get(media or '', ('bin', ()))[0]}"
        if not file.is_file():
            continue
        data = file.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:
            continue
        cur = raw.execute(
            "INSERT INTO qj_attachment_content (sha256, media_type, content) "
            "VALUES (%s, %s, %s) ON CONFLICT (sha256) DO NOTHING",
            (sha, media or "application/octet-stream", data),
        )
        n += cur.rowcount
    return n


def _new_fids(raw: Any, table: str, n: int) -> list[int]:
    """`n` fids from the table's sequence on the server: unique whoever else inserts."""
    rows = raw.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'fid')) FROM generate_series(1, %s)",
        (f'"{table}"', int(n)),
    ).fetchall()
    return [int(r[0]) for r in rows]


def _insert_added(
    src: sqlite3.Connection, raw: Any, table: schema.Table, fids: list[int], renumber: _Renumber
) -> int:
    """The copy's added rows, renumbered, with binary COPY (geometry as WKB, as push)."""
    sql, names, types = pgsql.select(table, dialect="sqlite")
    head, _, _order = sql.rpartition(" ORDER BY ")
    quoted = ", ".join(f'"{n}"' for n in names)
    n = 0
    # the table, or a staging table where the town policies apply to this login (roles)
    target = roles.copy_target(raw, table.name, quoted)
    with (
        raw.cursor() as cur,
        cur.copy(f"COPY {target} ({quoted}) FROM STDIN (FORMAT BINARY)") as cp,
    ):
        cp.set_types(types)
        for start in range(0, len(fids), 500):
            part = fids[start : start + 500]
            marks = ", ".join("?" * len(part))
            for row in src.execute(f"{head} WHERE fid IN ({marks}) ORDER BY fid", part):
                cp.write_row(renumber.row(table.name, names, row))
                n += 1
    roles.copy_done(raw, table.name, quoted, target)
    return n


def _conflict(
    src: sqlite3.Connection,
    table: schema.Table,
    fid: int,
    base: dict[str, dict[int, int]],
    server: dict[int, int],
    *,
    raw: Any = None,
) -> dict[str, Any]:
    """One refused row; `raw` given: the copy deleted it (its key is read on the server)."""
    expr = (
        SYNC_KEYS.get(table.name) if table.name not in ("ruin_cases", "renovation_cases") else None
    )
    key = None
    if raw is not None:
        if expr is not None:
            found = raw.execute(f'SELECT {expr} FROM "{table.name}" WHERE fid = %s', (fid,))
            key = found.fetchone()[0]
        file_version = None
    else:
        if expr is not None:
            key = src.execute(
                f'SELECT {expr} FROM "{table.name}" WHERE fid = ?', (fid,)
            ).fetchone()[0]
        file_version = int(
            src.execute(f'SELECT row_version FROM "{table.name}" WHERE fid = ?', (fid,)).fetchone()[
                0
            ]
        )
    return {
        "table": table.name,
        "fid": fid,
        "key": key,
        "pulled": base[table.name][fid],
        "server": server.get(fid),  # None: deleted on the server
        "file": file_version,  # None: deleted in the copy
    }


def _apply_updates(
    src: sqlite3.Connection,
    raw: Any,
    table: schema.Table,
    fids: list[int],
    pulled: dict[int, int],
    srid: int,
    renumber: _Renumber,
) -> int:
    """The rows the copy changed, renumbered, each if the server still has the pulled version."""
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
                values = renumber.row(table.name, names, row)
                cur.execute(update, (*values[1:], fid, pulled[fid]))
                n += cur.rowcount
    return n
