"""Migrating a database project of an older schema: `migrate URL`.

The same definitions as a project file's migrations (`schema.STEPS`: what each version
creates, chains and adds), in PostgreSQL's dialect, all steps and the new version in one
transaction (PostgreSQL's DDL is transactional: a failure leaves the database as it was).

A database is migrated by its owner on purpose, never on open: desks of several versions
share it, an upgrade changes it under all of them, and only the schema's owner may ALTER
its tables. A desk opening an older database is refused (`database_needs_migration`,
naming the command and the dump to take first), as is one opening a newer database than
its code reads (`newer_schema`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from qjgis import schema
from qjgis.errors import QjgisError
from qjgis.pg import roles
from qjgis.pg import url as dburl
from qjgis.store_api import utc_now

QjgisError.register(
    {
        "database_needs_migration": (
            "{url}: the database is at schema {found}, this qjgis uses {supported}; "
            "its owner migrates it with `migrate {url}` (after a pg_dump)"
        ),
        "migration_refused": "{url}: migrating schema {found} to {supported} failed ({detail}); "
        "the database was not changed",
    }
)


@dataclass(frozen=True)
class Migrated:
    """What `migrate` did: the versions before and after, and each step's reason."""

    url: str
    found: int
    version: int
    steps: tuple[tuple[int, str], ...]


def migrate(url: str, *, ask_password: Callable[[str], str | None] | None = None) -> Migrated:
    """Bring a database project to today's schema (nothing to do when it is there)."""
    import psycopg

    shown = dburl.redact(url)
    with dburl.connect(url, ask_password=ask_password) as pg:
        found = _version(pg, shown)
        if found > schema.SCHEMA_VERSION:
            raise QjgisError(
                "newer_schema", path=shown, found=found, supported=schema.SCHEMA_VERSION
            )
        todo = [schema.STEPS[v] for v in range(found + 1, schema.SCHEMA_VERSION + 1)]
        if not todo:
            return Migrated(shown, found, found, ())
        try:
            with pg.transaction():
                # No desk writes while the tables change under it (and none reads a half-
                # migrated schema): the version row is locked first, the tables as altered.
                pg.execute("SELECT value FROM qj_meta WHERE key = 'schema_version' FOR UPDATE")
                srid = _srid(pg)
                for step in todo:
                    apply_step(pg, step, srid)
                # the server's roles (`db init`) cover what the steps added, as the rest
                roles.reapply_security(pg)
                pg.execute(
                    "UPDATE qj_meta SET value = %s WHERE key = 'schema_version'",
                    (str(schema.SCHEMA_VERSION),),
                )
                pg.execute(
                    "INSERT INTO qj_meta (key, value) VALUES (%s, %s) "
                    "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    (f"migrated:{found}", utc_now()),
                )
        except psycopg.Error as exc:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise QjgisError(
                "migration_refused", url=shown, found=found, supported=schema.SCHEMA_VERSION,
                detail=detail,
            ) from None  # fmt: skip
    return Migrated(shown, found, schema.SCHEMA_VERSION, tuple((s.version, s.why) for s in todo))


def _version(pg: Any, shown: str) -> int:
    from qjgis.pg.transfer import read_meta

    meta = read_meta(pg, shown, any_version=True)
    return int(meta.get("schema_version", "0"))


def _srid(pg: Any) -> int:
    row = pg.execute(
        "SELECT srid FROM geometry_columns WHERE f_table_schema = current_schema() "
        "AND f_table_name = 'parcels'"
    ).fetchone()
    return int(row[0])


def _tables(pg: Any) -> set[str]:
    rows = pg.execute(
        "SELECT table_name::text FROM information_schema.tables "
        "WHERE table_schema = current_schema()"
    ).fetchall()
    return {r[0] for r in rows}


def _columns(pg: Any, table: str) -> set[str]:
    rows = pg.execute(
        "SELECT column_name::text FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s",
        (table,),
    ).fetchall()
    return {r[0] for r in rows}


def apply_step(pg: Any, step: schema.Migration, srid: int) -> None:
    """One migration on the database, in the caller's transaction (what is there stays).

    Step 1 (the project's first tables) has no PostgreSQL counterpart to run: a database
    project starts at the schema `push` created, which is at least that.
    """
    have = _tables(pg)
    for name in step.creates:
        if name not in have:  # with its indexes, comments and append-only triggers
            for sql in schema.pg_table_ddl(schema.TABLE_BY_NAME[name], srid):
                pg.execute(sql)
    for table, col in step.indexes:
        pg.execute(f'CREATE INDEX IF NOT EXISTS "idx_{table}_{col}" ON "{table}" ("{col}")')
    for name in step.chains:
        _chain(pg, name)
    for table, col in step.added_columns():
        if col.name not in _columns(pg, table.name):
            pg.execute(f'ALTER TABLE "{table.name}" ADD COLUMN {schema.pg_column_sql(col)}')
            pg.execute(
                f'COMMENT ON COLUMN "{table.name}"."{col.name}" IS {schema._pg_literal(col.title)}'
            )


def _chain(pg: Any, name: str) -> None:
    """Schema 5 on a database: the history gets its hash column, its entries chained."""
    if schema.CHAIN_COLUMN in _columns(pg, name):
        return
    table = schema.TABLE_BY_NAME[name]
    column = next(c for c in table.columns if c.name == schema.CHAIN_COLUMN)
    pg.execute(f'ALTER TABLE "{name}" ADD COLUMN {schema.pg_column_sql(column)}')
    pg.execute(f'COMMENT ON COLUMN "{name}"."{column.name}" IS {schema._pg_literal(column.title)}')
    quoted = ", ".join(f'"{c}"' for c in schema.chained_columns(table))
    rows = pg.execute(f'SELECT fid, {quoted} FROM "{name}" ORDER BY fid').fetchall()
    # The append-only trigger refuses the one-time fill: lifted and put back inside the
    # migration's transaction (only the table's owner may; so only the owner migrates).
    trigger = f"{name}_no_update_delete"
    pg.execute(f'ALTER TABLE "{name}" DISABLE TRIGGER {trigger}')
    with pg.cursor() as cur:
        cur.executemany(
            f'UPDATE "{name}" SET "{schema.CHAIN_COLUMN}" = %s WHERE fid = %s',
            schema.chain_all(rows, table),
        )
    pg.execute(f'ALTER TABLE "{name}" ENABLE TRIGGER {trigger}')
