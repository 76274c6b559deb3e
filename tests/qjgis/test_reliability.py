"""Issue 20: a killed or busy write never looks like damage; outside changes are noticed.

Real files in tmp_path, real child processes killed with SIGKILL, a second
connection standing for another program or another desk.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from qjgis import gpkg
from qjgis.errors import QjgisError
from qjgis.store import GpkgStore

ROOT = Path(__file__).resolve().parents[2]

# A writer that spills half a transaction into the file (a tiny page cache), then dies
# as a power cut or the task manager would kill it: the journal or WAL stays behind.
KILLED_WRITER = textwrap.dedent(
    """
    import os, sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("PRAGMA journal_mode = " + sys.argv[2])
    conn.execute("PRAGMA cache_size = 2")
    conn.execute("BEGIN IMMEDIATE")
    for i in range(3000):
        conn.execute(
            "INSERT INTO demo_truth (rule_id, entity_kind, entity_key, note) "
            "VALUES ('X', 'parcel', ?, hex(randomblob(400)))", (str(i),)
        )
    os.kill(os.getpid(), signal.SIGKILL if hasattr(signal, "SIGKILL") else 9)
    """
).replace("import os, sqlite3, sys", "import os, signal, sqlite3, sys")


def _run_killed_writer(path: Path, mode: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, str(path), mode],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr


def _committed_project(path: Path) -> list[tuple[str, str]]:
    """A project with one committed audit entry; returns the audit rows to look for."""
    with GpkgStore.create(path) as store:
        with store.transaction() as conn:
            store.audit(conn, "test.committed", "x", None, {"n": 1})
        return store.execute_sql("SELECT command, entity FROM audit_log")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
@pytest.mark.parametrize("mode", ["DELETE", "WAL"])
def test_a_writer_killed_mid_transaction_leaves_a_project_that_opens(
    tmp_path: Path, mode: str
) -> None:
    # DELETE: as qjgis writes, leaving a hot journal that only a writable connection can
    # roll back (a read-only one said "damaged"); WAL: as another program may leave it.
    path = tmp_path / "p.gpkg"
    committed = _committed_project(path)
    _run_killed_writer(path, mode)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith("p.gpkg-")]
    assert leftovers, "the killed writer should have left its journal or WAL"
    with GpkgStore.open(path, busy_timeout=5) as store:
        assert store.execute_sql("SELECT command, entity FROM audit_log") == committed
        assert store.counts()["demo_truth"] == 0  # the uncommitted rows are gone
        assert store.integrity_check() == []


def test_a_project_left_in_wal_mode_is_switched_back_to_the_rollback_journal(
    tmp_path: Path,
) -> None:
    # as QGIS or another GDAL program may leave it; GDAL and Python's sqlite3 in one
    # process must not share a WAL (docs/reliability.md)
    path = tmp_path / "p.gpkg"
    GpkgStore.create(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    with GpkgStore.open(path) as store:
        assert store.execute_sql("PRAGMA journal_mode")[0][0] == "delete"
    from pyogrio import list_layers

    assert "parcels" in {name for name, _ in list_layers(path)}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.gpkg"]


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another program in the middle of a long write (BEGIN IMMEDIATE, rows written)."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    gpkg.register_functions(other)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO demo_truth (rule_id, entity_kind, entity_key) VALUES ('X','p','1')")
    return other


def test_reads_during_another_programs_write_do_not_wait_or_fail(
    project: GpkgStore, project_path: Path
) -> None:
    other = _hold_write_lock(project_path)
    try:
        with GpkgStore.open(project_path, busy_timeout=0.5) as reader:
            assert reader.counts()["demo_truth"] == 0  # the committed state, at once
            assert reader.integrity_check() == []
        assert project.counts()["demo_truth"] == 0
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_busy_project_is_waited_for_with_a_message_then_refused_as_locked(
    project: GpkgStore, project_path: Path
) -> None:
    told: list[str] = []
    other = _hold_write_lock(project_path)
    try:
        with GpkgStore.open(project_path, busy_timeout=0.6) as writer:
            writer.on_busy = told.append
            with pytest.raises(QjgisError) as exc, writer.transaction():
                pass
        assert exc.value.code == "project_locked"  # busy, never "damaged"
        assert told == [str(project_path)]  # said once, while waiting
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_writer_waits_until_the_other_program_commits(
    project: GpkgStore, project_path: Path
) -> None:
    import threading

    told: list[str] = []
    other = _hold_write_lock(project_path)
    timer = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    timer.start()
    try:
        with GpkgStore.open(project_path, busy_timeout=30) as writer:
            writer.on_busy = told.append
            with writer.transaction() as conn:
                writer.audit(conn, "test.after_wait", None, None, None)
            assert writer.counts()["demo_truth"] == 1  # it waited and sees the other's rows
        assert told == [str(project_path)]
    finally:
        timer.join()
        other.close()


def test_open_of_a_project_locked_by_a_rollback_mode_writer_says_locked_not_damaged(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.gpkg"
    GpkgStore.create(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA journal_mode = DELETE")
    other.execute("BEGIN EXCLUSIVE")  # what a rollback-mode writer holds while it commits
    try:
        with pytest.raises(QjgisError) as exc:
            GpkgStore.open(path, busy_timeout=0.5)
        assert exc.value.code == "project_locked"
    finally:
        other.execute("ROLLBACK")
        other.close()


# ---------------------------------------------------------------- outside changes (point 12)
def test_changes_by_another_program_are_noticed_and_own_ones_are_not(
    project: GpkgStore,
    project_path: Path,
    commit_elsewhere: Callable[[GpkgStore, str], None],
) -> None:
    assert not project.changed_outside()
    with project.transaction() as conn:
        project.audit(conn, "test.own", None, None, None)
    assert not project.changed_outside()  # our own commit
    stamp = project.change_stamp()
    commit_elsewhere(
        project,
        "INSERT INTO demo_truth (rule_id, entity_kind, entity_key) VALUES ('X', 'p', '1')",
    )
    assert project.changed_since(stamp)
    assert project.changed_outside()
    assert not project.changed_outside()  # reported once


def test_a_replaced_project_file_is_noticed(project: GpkgStore, project_path: Path) -> None:
    stamp = project.change_stamp()
    other = project_path.with_name("other.gpkg")
    GpkgStore.create(other).close()
    os.replace(other, project_path)
    assert project.changed_since(stamp)
    assert project.changed_outside()


def test_damage_is_still_reported_as_damage(tmp_path: Path) -> None:
    path = tmp_path / "p.gpkg"
    with GpkgStore.create(path) as store, store.transaction() as conn:
        store.insert_rows(
            conn,
            "demo_truth",
            {
                "rule_id": np.array(["X"] * 500),
                "entity_kind": np.array(["p"] * 500),
                "entity_key": np.array([str(i) for i in range(500)]),
            },
        )
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 3 : page * 3 + 200] = b"\xff" * 200  # scribble over a b-tree page
    path.write_bytes(bytes(data))
    with pytest.raises(QjgisError) as exc:
        GpkgStore.open(path, busy_timeout=0.5)
    assert exc.value.code == "damaged_project"


# ---------------------------------------------------------------- a killed export (point 11)
KILLED_EXPORT = textwrap.dedent(
    """
    import os, signal, sys
    from qjgis.io.export import export_layer
    from qjgis.store import GpkgStore

    real = os.replace

    def replace_then_die(src, dst):  # killed right after the first file is in place
        real(src, dst)
        os.kill(os.getpid(), signal.SIGKILL)

    store = GpkgStore.open(sys.argv[1])
    os.replace = replace_then_die
    export_layer(store, "parcels", "shp", sys.argv[2])
    """
)


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from qjgis.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    build_demo(path, parcels=200, seed=3)
    return path


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_a_killed_export_leaves_no_unaudited_file_and_its_debris_is_cleaned(
    small_demo: Path, tmp_path: Path
) -> None:
    import shutil

    project = tmp_path / "p.gpkg"
    shutil.copy(small_demo, project)
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.run(
        [sys.executable, "-c", KILLED_EXPORT, str(project), str(out / "宗地.shp")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    placed = [p for p in out.iterdir() if not p.name.startswith(".")]
    assert placed, "the child should have died after moving a file into place"
    with GpkgStore.open(project) as store:
        audited = [
            json.loads(a)["path"]
            for (a,) in store.execute_sql("SELECT after FROM audit_log WHERE command = 'export'")
        ]
        assert str((out / "宗地.shp").resolve()) in audited  # no file without its entry
        debris = [p for p in out.iterdir() if p.name.endswith(".export.tmp")]
        assert debris  # what the killed export left ...

        from qjgis.io.export import export_layer

        export_layer(store, "villages", "gpkg", out / "村.gpkg")
    assert [p for p in out.iterdir() if p.name.endswith(".export.tmp")] == []  # ... is gone


def test_a_running_or_foreign_export_folder_is_left_alone(small_demo: Path, tmp_path: Path) -> None:
    import shutil

    from qjgis.io.export import _claim, clean_stale_exports

    project = tmp_path / "p.gpkg"
    shutil.copy(small_demo, project)
    other = tmp_path / "other.gpkg"
    shutil.copy(small_demo, other)
    with GpkgStore.open(project) as store, GpkgStore.open(other) as foreign:
        running = tmp_path / ".a.shp.1.export.tmp"
        running.mkdir()
        held = _claim(running, store)
        dead_foreign = tmp_path / ".b.shp.2.export.tmp"
        dead_foreign.mkdir()
        _claim(dead_foreign, foreign).close()
        unknown = tmp_path / ".c.shp.3.export.tmp"
        unknown.mkdir()
        try:
            assert clean_stale_exports(store, tmp_path) == []
        finally:
            held.close()
        assert clean_stale_exports(store, tmp_path) == [running]
        assert dead_foreign.is_dir() and unknown.is_dir()


# ---------------------------------------------------------------- the audit chain (point 9)
def _tamper(path: Path, table: str, sql: str) -> None:
    """Drop the append-only trigger, rewrite history, put the trigger back: what issue 20 did."""
    from qjgis import schema

    triggers = {"audit_log": schema.AUDIT_TRIGGERS, "case_events": schema.CASE_EVENT_TRIGGERS}
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.execute(f"DROP TRIGGER {table}_no_update")
        conn.execute(f"DROP TRIGGER {table}_no_delete")
        conn.execute(sql)
        for ddl in triggers[table]:
            conn.execute(ddl)
        conn.execute("COMMIT")
    finally:
        conn.close()


def _audited_project(path: Path) -> None:
    from qjgis import commands

    with GpkgStore.create(path) as store:
        for name in ("甲", "乙", "丙"):
            commands.run(store, commands.SetSettings({"user.name": name}))


@pytest.mark.parametrize(
    ("sql", "first_broken"),
    [
        ("UPDATE audit_log SET user = 'someone' WHERE fid = 2", 2),
        ("UPDATE audit_log SET after = '{}' WHERE fid = 3", 3),
        ("DELETE FROM audit_log WHERE fid = 1", 2),
        ("UPDATE audit_log SET time = '2020-01-01T00:00:00Z' WHERE fid = 1", 1),
    ],
)
def test_an_edited_audit_history_is_named_by_the_integrity_check(
    tmp_path: Path, sql: str, first_broken: int
) -> None:
    path = tmp_path / "p.gpkg"
    _audited_project(path)
    with GpkgStore.open(path) as store:
        assert store.integrity_check() == []
    _tamper(path, "audit_log", sql)
    with GpkgStore.open(path) as store:
        problems = store.integrity_check()
    assert [(p.code, p.table) for p in problems] == [("chain", "audit_log")]
    assert problems[0].detail.startswith(f"entry {first_broken} ")


def test_an_entry_appended_outside_qjgis_breaks_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "p.gpkg"
    _audited_project(path)
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO audit_log (time, user, role, command) VALUES ('2026', 'x', 'admin', 'fake')"
    )
    conn.commit()
    conn.close()
    with GpkgStore.open(path) as store:
        (problem,) = store.integrity_check()
    assert problem.code == "chain" and problem.detail.startswith("entry 4 ")


def test_an_edited_case_history_is_named_by_the_integrity_check(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from test_cases_support import bdcdyh, build_village, set_role

    from qjgis import commands
    from qjgis.cases.commands import DisposeRuin, OpenRuinCase

    path = tmp_path / "v.gpkg"
    store = build_village(path)
    set_role(store, "approver")
    commands.run(store, OpenRuinCase(bdcdyh("B9"), date="2026-03-01"))
    commands.run(store, DisposeRuin("R1", disposition="新建审批", deadline="2026-05-31",
                                    date="2026-03-02"))  # fmt: skip
    assert store.integrity_check() == []
    store.close()
    _tamper(path, "case_events", "UPDATE case_events SET event_date = '2026-01-01' WHERE seq = 2")
    with GpkgStore.open(path) as store:
        problems = store.integrity_check()
    assert [(p.code, p.table) for p in problems] == [("chain", "case_events")]


def test_a_settings_change_is_audited_as_made_by_who_made_it(tmp_path: Path) -> None:
    from qjgis import commands

    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        commands.run(store, commands.SetSettings({"user.name": "测量员", "user.role": "surveyor"}))
        change = commands.SetSettings({"user.name": "管理员", "user.role": "admin"})
        commands.run(store, change)
        commands.undo(store, change)
        rows = store.execute_sql("SELECT user, role, command FROM audit_log ORDER BY fid")
    assert rows[1:] == [
        ("测量员", "surveyor", "settings.set"),  # not "管理员 / admin"
        ("管理员", "admin", "settings.set.revert"),
    ]


def test_a_schema4_history_is_chained_by_the_migration(tmp_path: Path) -> None:
    from qjgis import schema

    path = tmp_path / "old.gpkg"
    _audited_project(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for table in schema.CHAINED_TABLES:  # as schema 4 wrote them: no chain column
        conn.execute(f"ALTER TABLE {table} DROP COLUMN chain")
    conn.execute("DELETE FROM gpkg_data_columns WHERE column_name = 'chain'")
    conn.execute("UPDATE qj_meta SET value = '4' WHERE key = 'schema_version'")
    conn.execute("COMMIT")
    conn.close()
    with GpkgStore.open(path) as store:
        assert store.schema_version == schema.SCHEMA_VERSION
        assert store.integrity_check() == []
        chained = store.execute_sql("SELECT count(chain) FROM audit_log")[0][0]
        assert chained == store.counts()["audit_log"] == 3
        with store.transaction() as conn2:
            store.audit(conn2, "test.after_migration", None, None, None)
        assert store.integrity_check() == []
    _tamper(path, "audit_log", "UPDATE audit_log SET user = 'x' WHERE fid = 1")
    with GpkgStore.open(path) as store:
        assert [p.code for p in store.integrity_check()] == ["chain"]
