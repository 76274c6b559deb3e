"""A pulled copy pushed back: its edits go in, unless the server changed the same rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import psycopg
import pytest

from qjgis.checks.findings import Review, list_findings, run_checks
from qjgis.commands import run
from qjgis.demo import build_demo
from qjgis.errors import QjgisError
from qjgis.pg.store import PgStore
from qjgis.pg.transfer import pull, push
from qjgis.store import GpkgStore

AS_OF = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    build_demo(path, parcels=300, seed=11)
    return path


@pytest.fixture
def server_with_findings(demo_file: Path, pg_url: str) -> str:
    push(demo_file, pg_url)
    with PgStore.open(pg_url) as store:
        run_checks(store, as_of=AS_OF)
    return pg_url


def _edit_parcel(store: GpkgStore | PgStore, fid: int, zl: str) -> None:
    with store.transaction() as conn:
        before = store.update_row(conn, "parcels", fid, {"zl": zl})
        store.audit(conn, "parcels.edit", f"parcels/{fid}", before, {"zl": zl})


def _audit_count(url: str) -> int:
    with psycopg.connect(url) as pg:
        return int(pg.execute("SELECT count(*) FROM audit_log").fetchone()[0])


def test_field_edits_go_back_to_the_server(server_with_findings: str, tmp_path: Path) -> None:
    url = server_with_findings
    copy = tmp_path / "外业.gpkg"
    pull(url, copy)
    with GpkgStore.open(copy) as store:
        assert store.integrity_check() == []  # the baseline table does not upset the file
        finding = list_findings(store)[0]
        run(store, Review(finding.fid, "confirmed", "外业核实属实"))
        _edit_parcel(store, 5, "綦江区古南街道 外业更正")
    before = _audit_count(url)
    result = push(copy, url)
    assert result.pushed_back
    assert result.rows == {"findings": 1, "parcels": 1, "audit_log": 2}
    with PgStore.open(url) as store:
        f = next(x for x in list_findings(store) if x.fid == finding.fid)
        assert (f.decision, f.decision_reason) == ("confirmed", "外业核实属实")
        assert store.execute_sql("SELECT zl, row_version FROM parcels WHERE fid = 5") == [
            ("綦江区古南街道 外业更正", 2)
        ]
        assert store.integrity_check() == []  # the appended entries are chained on the server
        commands = [r[0] for r in store.execute_sql(
            "SELECT command FROM audit_log ORDER BY fid DESC LIMIT 3")]  # fmt: skip
        assert commands == ["project.push_back", "parcels.edit", "findings.review"]
    assert _audit_count(url) == before + 3
    with pytest.raises(QjgisError) as err:  # a copy goes back once
        push(copy, url)
    assert err.value.code == "sync_already_applied"


def test_rows_changed_on_the_server_since_the_pull_refuse_the_push(
    server_with_findings: str, tmp_path: Path
) -> None:
    url = server_with_findings
    copy = tmp_path / "copy.gpkg"
    pull(url, copy)
    with PgStore.open(url) as store:  # another desk edits parcel 7 meanwhile
        _edit_parcel(store, 7, "服务器上的修改")
        zddm = store.execute_sql("SELECT zddm FROM parcels WHERE fid = 7")[0][0]
    with GpkgStore.open(copy) as store:
        _edit_parcel(store, 7, "外业的修改")
        _edit_parcel(store, 8, "外业的另一处修改")
    before = _audit_count(url)
    with pytest.raises(QjgisError) as err:
        push(copy, url)
    assert err.value.code == "sync_conflict"
    assert err.value.params["count"] == 1
    assert err.value.params["conflicts"] == [
        {"table": "parcels", "fid": 7, "key": zddm, "pulled": 1, "server": 2, "file": 2}
    ]
    assert zddm in err.value.params["rows"]
    with PgStore.open(url) as store:  # nothing of the copy was written, not even parcel 8
        assert store.execute_sql("SELECT zl FROM parcels WHERE fid = 7") == [("服务器上的修改",)]
        assert store.execute_sql("SELECT row_version FROM parcels WHERE fid = 8") == [(1,)]
    assert _audit_count(url) == before


def test_added_rows_are_refused_naming_the_table(server_with_findings: str, tmp_path: Path) -> None:
    url = server_with_findings
    copy = tmp_path / "copy.gpkg"
    pull(url, copy)
    with GpkgStore.open(copy) as store, store.transaction() as conn:
        conn.execute("INSERT INTO towns (code, name) VALUES ('500110199', '新镇')")
    with pytest.raises(QjgisError) as err:
        push(copy, url)
    assert err.value.code == "sync_unsupported"
    assert err.value.params["tables"] == "towns"


def test_a_pulled_copy_goes_into_an_empty_database_as_a_project(
    server_with_findings: str, tmp_path: Path, pg_server
) -> None:
    copy = tmp_path / "copy.gpkg"
    pull(server_with_findings, copy)
    other = pg_server.new_database()
    try:
        push(copy, other)
        with PgStore.open(other) as store:
            assert "pull_id" not in store.meta()
    finally:
        pg_server.drop_database(other)
