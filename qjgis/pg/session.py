"""More connections to an open database project, with the credentials it was opened with.

The window keeps one `PgStore` on its GUI thread; the map's layers read on the render
thread and the tasks (checks, imports, reports) run on workers, each on a connection of its
own (a connection's queries run one at a time: a long read on the GUI thread's would stall
it). A password the user typed at the prompt is in none of the addresses: it is taken from
the open connection (`ConnectionInfo.password`) and kept in memory only, in `Credentials`,
never written down (recent projects, the audit and messages carry `redact(url)`).
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from qjgis.pg import url as dburl


@dataclass(frozen=True)
class Credentials:
    """How to connect again: the address as given and the password the server took."""

    url: str
    password: str | None = field(default=None, repr=False)

    @property
    def shown(self) -> str:
        return dburl.redact(self.url)


def credentials(store: Any) -> Credentials:
    """The credentials of an open `PgStore` (its address and the password it used)."""
    raw = store._raw  # the store's psycopg connection: its libpq knows the password used
    password = None if raw.closed else (raw.info.password or None)
    return Credentials(store.url, password)


def connect(creds: Credentials, *, read_only: bool = False, **kwargs: Any) -> Any:
    """A new psycopg connection (autocommit unless told); errors as `dburl.connect`'s."""
    if creds.password is not None:
        kwargs["password"] = creds.password
    if read_only:
        # The map only reads: the server refuses a write that a bug might attempt.
        kwargs["options"] = "-c default_transaction_read_only=on"
    kwargs.setdefault("autocommit", True)
    return dburl.connect(creds.url, **kwargs)


def open_store(creds: Credentials) -> Any:
    """Another `PgStore` on the same database (a worker thread's own)."""
    from qjgis.pg.store import PgStore

    conn = connect(creds)
    store = PgStore(creds.url, conn)
    # a lost session opened anew (`PgStore.reconnect`) takes the same password; a worker
    # has nobody to ask
    store.ask_password = lambda _shown: creds.password
    return store


def database_name(address: str) -> str:
    """What a window's title calls a database project: its database or service name."""
    text = dburl.redact(address)
    if text.startswith("service="):
        return text.split()[0].removeprefix("service=")
    path = urllib.parse.urlsplit(text).path.strip("/")
    return urllib.parse.unquote(path) or text


def is_database(store: Any) -> bool:
    """Whether an open store is a database project (its `path` is then an address)."""
    return dburl.is_database_url(getattr(store, "path", ""))


def bounds_table(store: Any, layer: str) -> str:
    """What to read features' bounds from, as `FROM` takes it, with the GeoPackage R-tree's
    columns (`id, minx, miny, maxx, maxy`): the R-tree of a file's layer; on a database
    the bbox PostGIS keeps in each geometry (the subquery is inlined by the planner, so
    `WHERE id IN (…)` is answered by the primary key)."""
    if not is_database(store):
        return f'"rtree_{layer}_geom"'
    return (
        "(SELECT fid AS id, ST_XMin(geom) AS minx, ST_YMin(geom) AS miny, "
        f'ST_XMax(geom) AS maxx, ST_YMax(geom) AS maxy FROM "{layer}" '
        f'WHERE geom IS NOT NULL) AS "rtree_{layer}_geom"'
    )


def analyze_if_never(store: Any) -> list[str]:
    """ANALYZE the project's tables the server has never gathered statistics for; their names.

    `push` leaves that to autovacuum (it is not part of a copy; ogr2ogr does not do it
    either), which gets round to it within a minute or so. A database opened before then has
    a planner that takes every table for empty and every code for common: a lookup by code
    per row (the findings dock's holders) walks a table each time, 125 s instead of 0.4 s at
    100,000 parcels. So whoever opens such a database gathers them first: a few seconds,
    once in the database's life (the server's statistics views name the tables never
    analyzed; `pg_class.reltuples` does not tell, CREATE INDEX sets it). A login that does
    not own the tables only gets the server's warning.
    """
    never = never_analyzed(store)
    if never:
        store._query("ANALYZE " + ", ".join(f'"{n}"' for n in never))
    return never


def never_analyzed(store: Any) -> list[str]:
    """The project's tables the server has never gathered statistics for (a catalogue
    query, milliseconds: the window asks it on the GUI thread and only then runs
    `analyze_if_never` on a worker)."""
    from qjgis import schema

    names = [t.name for t in schema.TABLES]
    rows = store._query(
        "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() "
        "AND relname = ANY(%s) AND last_analyze IS NULL AND last_autoanalyze IS NULL "
        "ORDER BY relname",
        (names,),
    ).fetchall()
    return [r[0] for r in rows]
