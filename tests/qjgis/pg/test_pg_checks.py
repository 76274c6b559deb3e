"""The checks on a database project: the same findings as on the file, saved on the server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import psycopg
import pytest

from qjgis import gpkg
from qjgis.checks.engine import evaluate
from qjgis.checks.findings import Review, list_findings, run_checks
from qjgis.commands import run
from qjgis.demo import build_demo
from qjgis.errors import QjgisError
from qjgis.pg.store import PgStore, open_store, translate
from qjgis.pg.transfer import push
from qjgis.store import GpkgStore

AS_OF = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    build_demo(path, parcels=800, seed=7)
    return path


def _findings(store: GpkgStore | PgStore) -> dict[tuple[str, str], tuple]:
    ev = evaluate(store, as_of=AS_OF, threads=1)
    return {
        (rule_id, f.key): (f.entity_kind, f.exemption, f.village_code, f.entities, f.evidence)
        for rule_id, result in ev.results.items()
        for f in result.findings
    }


def test_same_finding_keys_and_evidence_as_on_the_file(demo_file: Path, pg_url: str) -> None:
    push(demo_file, pg_url)
    with GpkgStore.open(demo_file) as store:
        on_file = _findings(store)
    with PgStore.open(pg_url) as store:
        on_db = _findings(store)
    assert len(on_file) > 50
    assert on_db.keys() == on_file.keys()
    assert on_db == on_file


def test_a_check_run_and_a_review_are_saved_on_the_server(demo_file: Path, pg_url: str) -> None:
    push(demo_file, pg_url)
    with open_store(pg_url) as store:
        assert isinstance(store, PgStore)
        summary = run_checks(store, as_of=AS_OF)
        assert summary.run_id > 0
        found = sum(s.found for s in summary.rules.values())
        assert found > 50
        # the same run again: nothing new, nothing changed
        again = run_checks(store, as_of=AS_OF)
        assert sum(s.new for s in again.rules.values()) == 0
        first = list_findings(store)[0]
        run(store, Review(first.fid, "confirmed", "现场核实属实"))
        decided = next(f for f in list_findings(store) if f.fid == first.fid)
        assert decided.decision == "confirmed"
        assert store.integrity_check() == []  # the audit chain is whole, written on the server
    with psycopg.connect(pg_url) as pg:
        assert pg.execute("SELECT count(*) FROM check_runs").fetchone()[0] == 2
        n = pg.execute("SELECT count(*) FROM findings").fetchone()[0]
        assert n == found
        command = pg.execute("SELECT command FROM audit_log ORDER BY fid DESC LIMIT 1").fetchone()
        assert command[0].startswith("findings.review")


def test_a_stale_review_on_the_database_is_refused(demo_file: Path, pg_url: str) -> None:
    push(demo_file, pg_url)
    with PgStore.open(pg_url) as a, PgStore.open(pg_url) as b:
        run_checks(a, as_of=AS_OF)
        f = list_findings(a)[0]
        run(a, Review(f.fid, "confirmed", "属实", expected_version=f.row_version))
        with pytest.raises(QjgisError) as err:  # b decided on what it read before a's review
            run(b, Review(f.fid, "exempted", "继承", expected_version=f.row_version))
        assert err.value.code == "write_conflict"


@pytest.mark.parametrize(
    ("sqlite", "postgresql"),
    [
        ("SELECT a FROM t WHERE b = ? AND c = '?%'", "SELECT a FROM t WHERE b = %s AND c = '?%'"),
        (
            "INSERT INTO check_runs (started, user) VALUES (?,?)",
            'INSERT INTO check_runs (started, "user") VALUES (%s,%s) RETURNING fid',
        ),
        (
            "INSERT OR IGNORE INTO qj_meta VALUES ('id', ?)",
            "INSERT INTO qj_meta VALUES ('id', %s) ON CONFLICT DO NOTHING",
        ),
        ('SELECT "user", u.user FROM audit_log u', 'SELECT "user", u.user FROM audit_log u'),
        (
            f"SELECT fid, {gpkg.wkb_sql('b.geom')} FROM buildings b",
            "SELECT fid, ST_AsBinary(b.geom) FROM buildings b",
        ),
    ],
)
def test_sqlite_sql_is_translated(sqlite: str, postgresql: str) -> None:
    assert translate(sqlite) == postgresql


def test_a_lost_server_is_a_one_line_error(demo_file: Path, pg_server, tmp_path: Path) -> None:
    url = pg_server.new_database()
    push(demo_file, url)
    store = PgStore.open(url)
    name = url.rsplit("/", 1)[1]
    try:
        counts = store.counts()
        with psycopg.connect(pg_server.url("postgres"), autocommit=True) as admin:
            terminate = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s"
            admin.execute(terminate, (name,))
            # an ended session is opened anew by the next read (issue 18)
            assert store.counts() == counts
            # a server that takes no new session: said in one line
            admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
            admin.execute(terminate, (name,))
        with pytest.raises(QjgisError) as err:
            store.counts()
        assert err.value.code == "database_unreachable"
        assert err.value.params["url"] == url
    finally:
        store._raw.close()
        pg_server.drop_database(url)
