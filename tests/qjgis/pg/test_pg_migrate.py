"""A database of an older schema: refused on open, migrated by `migrate` in one transaction
from the same definitions as a project file's migrations; a newer one refused."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import psycopg
import pytest

from qjgis import schema
from qjgis.demo import build_demo
from qjgis.errors import QjgisError
from qjgis.pg import migrate as pg_migrate
from qjgis.pg.migrate import migrate
from qjgis.pg.store import PgStore
from qjgis.pg.transfer import pull, push
from qjgis.store import GpkgStore
from ui.cli import main


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    build_demo(path, parcels=200, seed=5)
    return path


def rewind(url: str, version: int) -> None:
    """Make a database of an older schema: the reverse of every step after `version`."""
    with psycopg.connect(url) as pg:
        for v in range(schema.SCHEMA_VERSION, version, -1):
            step = schema.STEPS[v]
            for table, col in step.added_columns():
                pg.execute(f'ALTER TABLE "{table.name}" DROP COLUMN "{col.name}"')
            for name in step.chains:
                pg.execute(f'ALTER TABLE "{name}" DROP COLUMN "{schema.CHAIN_COLUMN}"')
            for table, col in step.indexes:
                pg.execute(f'DROP INDEX "idx_{table}_{col}"')
            for name in step.creates:
                pg.execute(f'DROP TABLE "{name}"')
        pg.execute("UPDATE qj_meta SET value = %s WHERE key = 'schema_version'", (str(version),))


def shape(url: str) -> dict[str, Any]:
    """What a schema is made of: columns (type, null, default, title), indexes, triggers."""
    with psycopg.connect(url) as pg:
        columns = pg.execute(
            "SELECT c.table_name::text, c.column_name::text, c.data_type::text, "
            "c.is_nullable::text, c.column_default::text, "
            "col_description(format('%I', c.table_name)::regclass, c.ordinal_position::int) "
            "FROM information_schema.columns c JOIN information_schema.tables t "
            "USING (table_schema, table_name) WHERE c.table_schema = 'public' "
            "AND t.table_type = 'BASE TABLE' AND c.table_name NOT IN ('spatial_ref_sys')"
        ).fetchall()
        indexes = pg.execute(
            "SELECT indexname::text, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        ).fetchall()
        triggers = pg.execute(
            "SELECT tgname::text, tgrelid::regclass::text, tgenabled::text FROM pg_trigger "
            "WHERE NOT tgisinternal"
        ).fetchall()
        geometry = pg.execute(
            "SELECT f_table_name::text, type, srid FROM geometry_columns"
        ).fetchall()
    # a column added by a migration comes last: the order of columns is not compared
    return {
        "columns": sorted(columns, key=lambda r: (r[0], r[1])),
        "indexes": sorted(indexes),
        "triggers": sorted(triggers),
        "geometry": sorted(geometry),
    }


def chains(url: str) -> dict[str, list[tuple[int, str]]]:
    with psycopg.connect(url) as pg:
        return {
            name: pg.execute(f'SELECT fid, chain FROM "{name}" ORDER BY fid').fetchall()
            for name in schema.CHAINED_TABLES
        }


def test_an_older_database_is_refused_then_migrated_to_the_schema_push_creates(
    demo_file: Path, pg_url: str, pg_server: Any, tmp_path: Path
) -> None:
    push(demo_file, pg_url)
    fresh = shape(pg_url)
    hashes = chains(pg_url)
    assert hashes["audit_log"]  # the demo's history is there to be chained again
    rewind(pg_url, 4)
    assert shape(pg_url) != fresh
    with pytest.raises(QjgisError) as err:
        PgStore.open(pg_url)
    assert err.value.code == "database_needs_migration"
    assert (err.value.params["found"], err.value.params["supported"]) == (4, 8)

    done = migrate(pg_url)
    assert (done.found, done.version) == (4, schema.SCHEMA_VERSION)
    assert [v for v, _why in done.steps] == [5, 6, 7, 8]
    assert shape(pg_url) == fresh  # the same tables, columns, titles, indexes, triggers
    assert chains(pg_url) == hashes  # step 5 chains the history as the file's step does
    with PgStore.open(pg_url) as store:
        assert store.schema_version == schema.SCHEMA_VERSION
        assert store.integrity_check() == []
        assert "migrated:4" in store.meta()
        # the append-only trigger is back on
        with pytest.raises(QjgisError), store.transaction() as conn:
            conn.execute("DELETE FROM audit_log WHERE fid = 1")
    assert migrate(pg_url).steps == ()  # once only
    out = tmp_path / "after.gpkg"
    pull(pg_url, out)
    with GpkgStore.open(out) as store:
        assert store.integrity_check() == []


def test_a_failed_migration_leaves_the_database_as_it_was(
    demo_file: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    push(demo_file, pg_url)
    rewind(pg_url, 6)
    before = shape(pg_url)
    real = pg_migrate.apply_step

    def failing(pg: Any, step: schema.Migration, srid: int) -> None:
        real(pg, step, srid)
        if step.version == 7:  # after step 7 has created its table
            pg.execute('ALTER TABLE "no_such_table" ADD COLUMN x int')

    monkeypatch.setattr(pg_migrate, "apply_step", failing)
    with pytest.raises(QjgisError) as err:
        migrate(pg_url)
    assert err.value.code == "migration_refused"
    assert shape(pg_url) == before
    with psycopg.connect(pg_url) as pg:
        assert pg.execute("SELECT to_regclass('reference_features')").fetchone() == (None,)
        assert pg.execute("SELECT value FROM qj_meta WHERE key = 'schema_version'").fetchone() == (
            "6",
        )


def test_a_database_newer_than_the_code_is_refused(demo_file: Path, pg_url: str) -> None:
    push(demo_file, pg_url)
    with psycopg.connect(pg_url) as pg:
        pg.execute("UPDATE qj_meta SET value = '9' WHERE key = 'schema_version'")
    before = shape(pg_url)
    for attempt in (PgStore.open, migrate):
        with pytest.raises(QjgisError) as err:
            attempt(pg_url)
        assert err.value.code == "newer_schema"
        assert (err.value.params["found"], err.value.params["supported"]) == (9, 8)
    assert shape(pg_url) == before


def test_migrate_from_the_command_line(
    demo_file: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    push(demo_file, pg_url)
    rewind(pg_url, 7)

    def run(*argv: str) -> tuple[int, str]:
        out = io.StringIO()
        return main(["--lang", "en", *argv], out=out), out.getvalue()

    code, _ = run("check", pg_url, "--as-of", "2025-06-30")
    assert code == 1
    err = capsys.readouterr().err
    assert (
        "the database is at schema 7, this qjgis uses 8; "
        f"its owner migrates it with `migrate {pg_url}`" in err
    )
    assert "Traceback" not in err
    code, out = run("migrate", pg_url)
    assert (code, out.strip()) == (0, f"Migrated {pg_url} from schema 7 to schema 8")
    code, out = run("migrate", pg_url)
    assert (code, out.strip()) == (0, f"{pg_url} is at schema 8 already: nothing to migrate")
    code, _ = run("check", pg_url, "--as-of", "2025-06-30")
    assert code == 0


def test_what_a_migration_adds_is_covered_by_the_servers_roles(
    demo_file: Path, pg_url: str
) -> None:
    push(demo_file, pg_url)
    assert main(["db", "init", pg_url], out=io.StringIO()) == 0
    for name, role in [("surveyor1", "surveyor"), ("reviewer1", "reviewer")]:
        assert main(["db", "user", "add", pg_url, name, "--role", role], out=io.StringIO()) == 0
    rewind(pg_url, 6)  # reference_features and findings.decision_exemption come back
    migrate(pg_url)

    def as_login(login: str) -> str:
        return pg_url.replace("://qjgis_test@", f"://{login}@")

    with psycopg.connect(as_login("surveyor1")) as pg:  # a layer a surveyor imports into
        pg.execute("INSERT INTO reference_features (kind, ref_key) VALUES ('landuse', 'landuse:1')")
    with psycopg.connect(pg_url) as pg:
        fid = pg.execute("SELECT min(fid) FROM findings").fetchone()[0]
    with psycopg.connect(as_login("reviewer1")) as pg:  # the reviewer's new column
        pg.execute(
            "UPDATE findings SET decision = 'exempted', decision_exemption = '继承', "
            "row_version = row_version + 1 WHERE fid = %s",
            (fid,),
        )
    with (
        psycopg.connect(as_login("surveyor1")) as pg,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):  # and only the reviewer's
        pg.execute("UPDATE findings SET decision_exemption = '继承' WHERE fid = %s", (fid,))
