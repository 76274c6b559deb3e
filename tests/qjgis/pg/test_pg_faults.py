"""Faults on a shared database (issue 18 point 4), with the real server: a desk killed in
the middle of a transaction, the server restarted while a desk works, a session ended by
the server during a long write. Nothing is half-written and nothing reported saved is lost."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from qjgis import commands
from qjgis.checks.engine import evaluate
from qjgis.checks.findings import Review, SaveRun, run_checks
from qjgis.demo import build_demo
from qjgis.errors import QjgisError
from qjgis.pg.store import PgStore
from qjgis.pg.transfer import push
from tests.qjgis.pg.pgcluster import PgServer
from tests.qjgis.pg.test_pg_concurrency import ROOT, prepared, versions
from ui import texts

AS_OF = dt.date(2025, 6, 30)


def end_other_sessions(url: str) -> int:
    """What an administrator's `pg_terminate_backend` does to every other session of the
    database; returns how many were ended."""
    with psycopg.connect(url, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return sum(1 for (ok,) in rows if ok)


def one_line(error: QjgisError) -> str:
    line = texts.error_text(error)
    assert "\n" not in line and "Traceback" not in line
    return line


def test_a_desk_killed_mid_transaction_leaves_no_partial_write(pg_url: str, tmp_path: Path) -> None:
    fids, _cases = prepared(pg_url, tmp_path)
    fid = fids[0]
    base = versions(pg_url, "findings", [fid])[fid]
    with PgStore.open(pg_url) as store:
        audit_before = store.counts()["audit_log"]
    plan = tmp_path / "plan.json"
    edit = {"kind": "hold", "fid": fid, "version": base, "decision": "confirmed",
            "reason": "写了一半", "seconds": 600}  # fmt: skip
    plan.write_text(json.dumps({"url": pg_url, "edits": [edit]}))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    desk = subprocess.Popen([sys.executable, "-m", "tests.qjgis.pg.desk", str(plan)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert desk.stdout is not None
    assert json.loads(desk.stdout.readline()) == {"holding": True}  # row written, not committed
    desk.send_signal(signal.SIGKILL)
    desk.wait()
    # The server rolls the dead session back: the row lock and the audit chain's lock go
    # with it, so another desk's edit on the same base version goes through.
    with PgStore.open(pg_url) as store:
        commands.run(store, Review(fid, "false-positive", "复核", expected_version=base))
        row = store.execute_sql(
            "SELECT decision, decision_reason, row_version FROM findings WHERE fid = ?", (fid,)
        )
        assert row == [("false_positive", "复核", base + 1)]
        assert store.counts()["audit_log"] == audit_before + 1
        assert "写了一半" not in json.dumps(store.execute_sql("SELECT after FROM audit_log"))
        assert store.integrity_check() == []


def test_a_server_restart_while_a_desk_works(
    pg_server: PgServer, pg_url: str, tmp_path: Path
) -> None:
    fids, _cases = prepared(pg_url, tmp_path)
    a, b, c = fids[:3]
    with PgStore.open(pg_url) as store:
        commands.run(store, Review(a, "confirmed", "重启前保存"))  # reported saved
        pg_server.restart()
        # the next command opens a new session by itself
        commands.run(store, Review(b, "confirmed", "重启后保存"))

        # a restart in the middle of a transaction: refused in one line, nothing of it kept
        def review_then_restart() -> None:
            with store.transaction() as conn:
                Review(c, "confirmed", "重启时未提交").apply(store, conn)
                pg_server.restart()

        with pytest.raises(QjgisError) as err:
            review_then_restart()
        assert err.value.code == "database_connection_lost"
        one_line(err.value)

        # the server away: the desk says so in one line; back: the desk goes on
        pg_server.halt()
        try:
            with pytest.raises(QjgisError) as err:
                commands.run(store, Review(c, "confirmed", "服务器停止时"))
            assert err.value.code == "database_unreachable"
            assert store.path in one_line(err.value)
        finally:
            pg_server.resume()
        commands.run(store, Review(c, "confirmed", "恢复后保存"))
        reasons = dict(store.execute_sql(
            "SELECT fid, decision_reason FROM findings WHERE fid IN (?, ?, ?)", (a, b, c)
        ))  # fmt: skip
        assert reasons == {a: "重启前保存", b: "重启后保存", c: "恢复后保存"}
        assert store.integrity_check() == []


def test_a_push_whose_session_is_ended_leaves_the_database_empty(
    pg_url: str, tmp_path: Path
) -> None:
    demo = tmp_path / "demo.gpkg"
    build_demo(demo, parcels=300, seed=2)

    class EndSessionHalfway:
        ended = 0

        def set_progress(self, fraction: float, stage: str = "") -> None:
            if 0.3 < fraction < 0.9 and not self.ended:  # some tables copied, more to come
                self.ended = end_other_sessions(pg_url)

        def is_canceled(self) -> bool:
            return False

    feedback = EndSessionHalfway()
    with pytest.raises(QjgisError) as err:
        push(demo, pg_url, feedback=feedback)
    assert feedback.ended == 1
    one_line(err.value)
    with psycopg.connect(pg_url) as conn:
        left = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_name IN ('parcels', 'findings', 'audit_log', 'qj_meta')"
        ).fetchone()
        assert left == (0,)  # absent, not half there
    assert push(demo, pg_url).rows["parcels"] == 300  # and the database takes it whole


def test_a_check_run_whose_session_is_ended_is_whole_or_absent(pg_url: str, tmp_path: Path) -> None:
    demo = tmp_path / "demo.gpkg"
    build_demo(demo, parcels=300, seed=2)
    push(demo, pg_url)
    with PgStore.open(pg_url) as store:
        before = store.counts()
        run = SaveRun(evaluate(store, as_of=AS_OF))

        def save_then_lose_the_session() -> None:
            with store.transaction() as conn:
                run.apply(store, conn)  # every finding written, the run not yet committed
                assert end_other_sessions(pg_url) == 1

        with pytest.raises(QjgisError) as err:
            save_then_lose_the_session()
        assert err.value.code == "database_connection_lost"
        one_line(err.value)
        after = store.counts()  # read on a new session
        for table in ("findings", "check_runs", "audit_log"):
            assert after[table] == before[table] == (1 if table == "audit_log" else 0)
        summary = run_checks(store, as_of=AS_OF)  # the next run goes through whole
        assert store.counts()["findings"] == sum(s.found for s in summary.rules.values())
        assert store.integrity_check() == []


def test_an_import_whose_session_is_ended_is_whole_or_absent(pg_url: str, tmp_path: Path) -> None:
    """The session ended by the server halfway through an import on a URL: no row of the
    batch, no batch, no audit entry; the same store's next import goes in whole."""
    from qjgis.feedback import NullFeedback
    from qjgis.io import importer
    from qjgis.store import GpkgStore
    from tests.qjgis.pg.test_pg_import import _state

    build_demo(tmp_path / "demo.gpkg", parcels=300, seed=13, shapefiles=tmp_path / "shp")
    shp = tmp_path / "shp"
    empty = tmp_path / "empty.gpkg"
    GpkgStore.create(empty).close()
    push(empty, pg_url)
    with PgStore.open(pg_url) as db:
        importer.import_layer(db, "villages", str(shp / "villages.shp"))
        before = _state(pg_url)

        class EndSessionWhileWriting(NullFeedback):
            ended = 0

            def set_progress(self, fraction: float, stage: str = "") -> None:
                super().set_progress(fraction, stage)
                if fraction >= 0.5 and not self.ended:  # rows on the server, not committed
                    self.ended = end_other_sessions(pg_url)

        feedback = EndSessionWhileWriting()
        with pytest.raises(QjgisError) as err:
            importer.import_layer(db, "parcels", str(shp / "parcels.shp"), feedback=feedback)
        assert feedback.ended == 1
        assert err.value.code == "database_connection_lost"
        one_line(err.value)
        assert _state(pg_url) == before  # absent: not one parcel, batch or audit entry
        report = importer.import_layer(db, "parcels", str(shp / "parcels.shp"))
        assert report["counts"]["added"] == 300  # whole, on a new session
        assert db.counts()["parcels"] == 300
        assert db.integrity_check() == []
