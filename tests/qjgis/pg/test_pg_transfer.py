"""push and pull against a real PostgreSQL + PostGIS: the demo district, every table."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
import shapely

from qjgis import gpkg, schema
from qjgis.demo import build_demo
from qjgis.errors import QjgisError
from qjgis.pg import transfer
from qjgis.pg.transfer import pull, push
from qjgis.store import GpkgStore


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "綦江演示.gpkg"
    build_demo(path, parcels=600, seed=5)
    return path


def _rows(path: Path, table: schema.Table) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        cols = ", ".join(f'"{c.name}"' for c in table.columns)
        geom = f"{gpkg.wkb_sql('geom')}, " if table.geometry else ""
        rows = conn.execute(f'SELECT fid, {geom}{cols} FROM "{table.name}" ORDER BY fid')
        return rows.fetchall()
    finally:
        conn.close()


def _same_rows(a: list[tuple], b: list[tuple], geometry: bool) -> None:
    assert len(a) == len(b)
    for ra, rb in zip(a, b, strict=True):
        if geometry:
            ga, gb = shapely.from_wkb(ra[1]), shapely.from_wkb(rb[1])
            assert shapely.equals_exact(ga, gb, tolerance=0.0), ra[0]
            ra, rb = ra[:1] + ra[2:], rb[:1] + rb[2:]
        assert ra == rb


def test_push_then_pull_gives_back_every_table(
    demo_file: Path, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pull streams in chunks: small ones here, so that every table spans several
    monkeypatch.setattr(transfer, "_PULL_CHUNK", 97)
    pushed = push(demo_file, pg_url).rows
    counts = dict(pushed)
    assert counts.pop("qj_attachment_content") == 0  # the demo has no attachment files
    with GpkgStore.open(demo_file) as store:
        assert counts == store.counts()
        meta = store.meta()
    assert counts["parcels"] == 600 and counts["audit_log"] > 0 and counts["demo_truth"] > 0
    with psycopg.connect(pg_url) as pg:
        # Chinese text arrives as text; geometry as PostGIS geometry in the project CRS
        name = pg.execute("SELECT name FROM villages ORDER BY fid LIMIT 1").fetchone()[0]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in name)
        srid, kind = pg.execute(
            "SELECT DISTINCT ST_SRID(geom), GeometryType(geom) FROM parcels"
        ).fetchall()[0]
        assert (srid, kind) == (4524, "MULTIPOLYGON")
        assert pg.execute("SELECT count(*) FROM parcels WHERE NOT ST_IsValid(geom)").fetchone()
        # new rows continue after the file's fids
        top = pg.execute("SELECT max(fid) FROM audit_log").fetchone()[0]
        next_fid = pg.execute(
            "SELECT nextval(pg_get_serial_sequence('audit_log', 'fid'))"
        ).fetchone()[0]
        assert next_fid == top + 1
        db_meta = dict(pg.execute("SELECT key, value FROM qj_meta").fetchall())
        assert db_meta["project_id"] == meta["project_id"]

    out = tmp_path / "外业副本.gpkg"
    pulled = pull(pg_url, out)
    assert pulled == pushed  # the same tables counted both ways, attachments included
    for table in schema.TABLES:
        _same_rows(_rows(demo_file, table), _rows(out, table), bool(table.geometry))
    with GpkgStore.open(out) as store:  # a valid project: every command opens it
        assert store.integrity_check() == []
        assert store.settings().values == GpkgStore.open(demo_file).settings().values
        assert store.meta()["pulled_from"] == pg_url
        assert store.meta()["project_id"] == meta["project_id"]
        for layer in schema.SPATIAL_LAYERS:
            if counts[layer]:
                assert store.extent(layer) == pytest.approx(GpkgStore.open(demo_file).extent(layer))


def test_the_history_stays_append_only_on_the_server(demo_file: Path, pg_url: str) -> None:
    push(demo_file, pg_url)
    with psycopg.connect(pg_url) as pg:
        assert pg.execute("SELECT count(*) FROM audit_log").fetchone()[0] > 0
        for table in schema.APPEND_ONLY:
            statements = [f"TRUNCATE {table}"]  # a statement trigger: fires on an empty table
            if pg.execute(f"SELECT count(*) FROM {table}").fetchone()[0]:
                statements += [f"UPDATE {table} SET fid = fid", f"DELETE FROM {table}"]
            for sql in statements:
                refused = pytest.raises(psycopg.errors.RaiseException, match="append-only")
                with refused, pg.transaction():
                    pg.execute(sql)


def test_push_into_a_project_database_is_refused_and_changes_nothing(
    demo_file: Path, pg_url: str
) -> None:
    push(demo_file, pg_url)
    with psycopg.connect(pg_url) as pg:
        before = pg.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with pytest.raises(QjgisError) as err:
        push(demo_file, pg_url)
    assert err.value.code == "database_not_empty"
    with psycopg.connect(pg_url) as pg:
        assert pg.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before


def test_a_value_postgresql_cannot_hold_refuses_the_push_whole(
    demo_file: Path, pg_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.gpkg"
    bad.write_bytes(demo_file.read_bytes())
    conn = sqlite3.connect(bad)
    gpkg.register_functions(conn)
    fid = conn.execute("SELECT max(fid) FROM parcels").fetchone()[0]
    conn.execute("UPDATE parcels SET zdmj = '约120' WHERE fid = ?", (fid,))
    conn.commit()
    conn.close()
    with pytest.raises(QjgisError) as err:
        push(bad, pg_url)
    assert err.value.code == "push_bad_value"
    assert err.value.params | {"path": ""} == {
        "path": "", "table": "parcels", "fid": fid, "column": "zdmj",
        "value": "约120", "kind": "number",
    }  # fmt: skip
    with psycopg.connect(pg_url) as pg:
        assert pg.execute("SELECT to_regclass('qj_meta')").fetchone()[0] is None


def test_pull_refuses_a_database_without_a_project_and_writes_no_file(
    pg_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "out.gpkg"
    with pytest.raises(QjgisError) as err:
        pull(pg_url, out)
    assert err.value.code == "empty_database"
    assert list(tmp_path.iterdir()) == []
