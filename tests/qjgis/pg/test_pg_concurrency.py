"""Many desks at once on one database (issue 18): client processes editing the same and
different rows; exactly one edit wins per base version, every refusal names the winner's
change, nothing reported saved is lost, and the hash chains stay chains."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from qjgis import commands
from qjgis.cases.commands import OpenFromFindings
from qjgis.checks.findings import Review, run_checks
from qjgis.demo import build_demo
from qjgis.errors import QjgisError
from qjgis.pg.store import PgStore
from qjgis.pg.transfer import push

ROOT = Path(__file__).resolve().parents[3]
AS_OF = "2025-06-30"


#: the logins of the tests' desks (each desk is a person with a database login)
DESKS = (*(f"desk{k}" for k in range(8)), "zhangsan", "lisi")


def as_login(url: str, login: str) -> str:
    """The same database as another login (the test server trusts loopback)."""
    return url.replace("://qjgis_test@", f"://{login}@")


def prepared(url: str, tmp_path: Path, parcels: int = 300) -> tuple[list[int], list[str]]:
    """The demo district pushed to `url`, checked, its ruins opened as cases, a login per
    desk (`DESKS`, administrators): the open findings' fids and the pending cases' ids."""
    import datetime as dt

    from qjgis.pg import roles

    demo = tmp_path / "demo.gpkg"
    build_demo(demo, parcels=parcels, seed=2)
    push(demo, url)
    roles.init_roles(url)
    for desk in DESKS:
        roles.add_user(url, desk, "admin")
    with PgStore.open(url) as store:
        run_checks(store, as_of=dt.date.fromisoformat(AS_OF))
        commands.run(store, OpenFromFindings(date="2025-07-01"))
        fids = [r[0] for r in store.execute_sql("SELECT fid FROM findings ORDER BY fid")]
        cases = [f"R{r[0]}" for r in store.execute_sql("SELECT fid FROM ruin_cases ORDER BY fid")]
    return fids, cases


def versions(url: str, table: str, fids: list[int]) -> dict[int, int]:
    with PgStore.open(url) as store:
        return {f: store.row_version(table, f) or 0 for f in fids}


def run_desks(url: str, tmp_path: Path, plans: dict[str, list[dict[str, Any]]]) -> dict:
    """Start one client process per desk, all at the same moment; their results by desk."""
    start = time.time() + 3.0  # every desk connected and waiting before it
    procs = {}
    for desk, edits in plans.items():
        plan = tmp_path / f"plan-{desk}.json"
        plan.write_text(json.dumps({"url": as_login(url, desk), "start": start, "edits": edits}))
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        procs[desk] = subprocess.Popen(
            [sys.executable, "-m", "tests.qjgis.pg.desk", str(plan)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    out = {}
    for desk, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=600)
        assert proc.returncode == 0, stderr
        out[desk] = json.loads(stdout.strip().splitlines()[-1])
    return out


def review(fid: int, version: int, desk: str) -> dict[str, Any]:
    return {"kind": "review", "fid": fid, "version": version, "decision": "confirmed",
            "reason": f"{desk} 现场核实"}  # fmt: skip


def cancel(case: str, base: dict[int, int], desk: str) -> dict[str, Any]:
    return {"kind": "advance", "case": case, "version": base[int(case[1:])], "to": "cancelled",
            "note": f"{desk} 撤销"}  # fmt: skip


def check_chains(url: str) -> None:
    with PgStore.open(url) as store:
        assert store.integrity_check() == []


def assert_explained(result: dict[str, Any], winners: set[str]) -> None:
    """A refusal is a write_conflict naming a change by a desk that won."""
    assert result["code"] == "write_conflict", result
    theirs = result["params"]["theirs"]
    assert theirs["changes"], result
    change = theirs["changes"][-1]
    assert change["user"] in winners
    names = {f[0] for f in change["fields"]}
    assert {"decision", "decision_reason"} <= names or "state" in names


@pytest.mark.parametrize("desks", [2, 8])
def test_desks_on_the_same_rows_one_wins_per_base_version(
    pg_url: str, tmp_path: Path, desks: int
) -> None:
    fids, cases = prepared(pg_url, tmp_path)
    rows = fids[:6]
    base = versions(pg_url, "findings", rows)
    case_rows = cases[:2]
    case_base = versions(pg_url, "ruin_cases", [int(c[1:]) for c in case_rows])
    names = [f"desk{k}" for k in range(desks)]
    plans = {d: [review(f, base[f], d) for f in rows] + [cancel(c, case_base, d) for c in case_rows]
             for d in names}  # fmt: skip
    results = run_desks(pg_url, tmp_path, plans)

    with PgStore.open(pg_url) as store:
        for k, fid in enumerate(rows):
            outcomes = {d: results[d][k] for d in names}
            won = [d for d, r in outcomes.items() if r["ok"]]
            assert len(won) == 1, outcomes  # exactly one per base version
            for r in outcomes.values():
                if not r["ok"]:
                    assert_explained(r, set(won))
                    assert r["params"]["expected"] == base[fid]
            # the winner's edit is what the database holds; one version on
            row = store.execute_sql(
                "SELECT decision_reason, row_version FROM findings WHERE fid = ?", (fid,)
            )[0]
            assert row == (f"{won[0]} 现场核实", base[fid] + 1)
        for k, case in enumerate(case_rows, start=len(rows)):
            won = [d for d in names if results[d][k]["ok"]]
            assert len(won) == 1
            for d in names:
                if d not in won:
                    assert_explained(results[d][k], set(won))
            state = store.execute_sql(
                "SELECT state, row_version FROM ruin_cases WHERE fid = ?", (int(case[1:]),)
            )[0]
            assert state == ("已撤销", case_base[int(case[1:])] + 1)
        # one audit entry per saved edit, none for a refused one
        audited = Counter(
            r[0]
            for r in store.execute_sql(
                "SELECT command FROM audit_log WHERE command IN ('findings.review', 'case.advance')"
            )
        )
        assert audited == {"findings.review": len(rows), "case.advance": len(case_rows)}
    check_chains(pg_url)


@pytest.mark.parametrize("desks", [2, 8])
def test_desks_on_different_rows_all_succeed(pg_url: str, tmp_path: Path, desks: int) -> None:
    fids, cases = prepared(pg_url, tmp_path)
    per = 4
    names = [f"desk{k}" for k in range(desks)]
    mine = {d: fids[k * per : (k + 1) * per] for k, d in enumerate(names)}
    base = versions(pg_url, "findings", [f for v in mine.values() for f in v])
    plans = {d: [review(f, base[f], d) for f in mine[d]] for d in names}
    for k, d in enumerate(names):  # and a case each, where the demo has enough
        if k < len(cases):
            fid = int(cases[k][1:])
            version = versions(pg_url, "ruin_cases", [fid])[fid]
            plans[d].append({"kind": "advance", "case": cases[k], "version": version,
                             "to": "cancelled", "note": f"{d} 撤销"})  # fmt: skip
    results = run_desks(pg_url, tmp_path, plans)
    assert all(r["ok"] for rs in results.values() for r in rs), results
    # recount: every reported success is in the database
    with PgStore.open(pg_url) as store:
        for d in names:
            for fid in mine[d]:
                assert store.execute_sql(
                    "SELECT decision, decision_reason, decided_by, row_version FROM findings "
                    "WHERE fid = ?", (fid,),
                )[0] == ("confirmed", f"{d} 现场核实", d, base[fid] + 1)  # fmt: skip
        saved = sum(len(p) for p in plans.values())
        logged = store.execute_sql(
            "SELECT count(*) FROM audit_log WHERE command IN ('findings.review', 'case.advance')"
        )[0][0]
        assert logged == saved
    check_chains(pg_url)


def test_a_refusal_shows_the_other_desks_change(pg_url: str, tmp_path: Path) -> None:
    """Who, when, which attributes from what to what; one line in the user's language."""
    from ui import texts

    fids, _cases = prepared(pg_url, tmp_path)
    fid = fids[0]
    with PgStore.open(pg_url) as a, PgStore.open(as_login(pg_url, "lisi")) as b:
        seen = a.row_version("findings", fid)
        assert seen == b.row_version("findings", fid)
        commands.run(b, Review(fid, "exempted", "继承", expected_version=seen,
                               exemption="inheritance"))  # fmt: skip
        with pytest.raises(QjgisError) as err:
            commands.run(a, Review(fid, "confirmed", "现场核实", expected_version=seen))
    theirs = err.value.params["theirs"]
    (change,) = theirs["changes"]
    assert change["user"] == "lisi" and change["command"] == "findings.review"
    fields = {name: (before, after) for name, before, after in change["fields"]}
    assert fields["decision"] == (None, "exempted")
    assert fields["decision_reason"] == (None, "继承")
    assert change["version"] == seen + 1 and theirs["untracked"] == 0
    texts.set_language("zh")
    try:
        line = texts.error_text(err.value)
    finally:
        texts.set_language("en")
    assert f"核查结果 {fid} 已被他人修改" in line and "lisi（管理员）" in line and "继承" in line
    assert "\n" not in line


def cli(url: str, *argv: str, user: str = "qjgis_test") -> subprocess.Popen[str]:
    """The real command line as its own process (a desk's clerk running a command)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "main.py", "--lang", "zh", argv[0], as_login(url, user), *argv[1:]],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_check_runs_at_once_do_not_collide(pg_url: str, tmp_path: Path) -> None:
    """Two desks run the checks at the same moment: both saved, no finding twice, the
    second run updating the first's findings by rule and key."""
    demo = tmp_path / "demo.gpkg"
    build_demo(demo, parcels=300, seed=2)
    push(demo, pg_url)
    runs = [cli(pg_url, "check", "--as-of", AS_OF, "--json") for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], [o[1] for o in outs]
    found = [json.loads(o[0])["rules"]["QJ-R001"]["found"] for o in outs]
    with PgStore.open(pg_url) as store:
        keys = store.execute_sql("SELECT rule_id, key FROM findings")
        assert len(keys) == len(set(keys))
        r001 = store.execute_sql("SELECT count(*) FROM findings WHERE rule_id = 'QJ-R001'")
        assert r001[0][0] == found[0] == found[1]
        runs_saved = store.execute_sql("SELECT count(*) FROM check_runs WHERE finished IS NOT NULL")
        assert runs_saved[0][0] == 2
        # the fid sequence stays ahead of every finding: a third run inserts without clash
        store.execute_sql("SELECT 1")
    with PgStore.open(pg_url) as store:
        with store.transaction() as conn:
            conn.execute("DELETE FROM findings WHERE rule_id = 'QJ-R001'")
        run_checks(store, ["QJ-R001"], as_of=__import__("datetime").date(2025, 6, 30))
        assert store.integrity_check() == []


def test_the_command_line_says_whose_change_beat_a_stale_review(
    pg_url: str, tmp_path: Path
) -> None:
    fids, _cases = prepared(pg_url, tmp_path)
    fid = fids[0]
    seen = versions(pg_url, "findings", [fid])[fid]
    first = cli(pg_url, "review", str(fid), "--decision", "exempted", "--exemption",
                "inheritance", "--reason", "继承", "--expect-version", str(seen),
                user="zhangsan")  # fmt: skip
    assert first.communicate(timeout=300)[0] and first.returncode == 0
    late = cli(pg_url, "review", str(fid), "--decision", "confirmed", "--reason", "现场核实",
               "--expect-version", str(seen), user="lisi")  # fmt: skip
    stdout, stderr = late.communicate(timeout=300)
    assert late.returncode == 1 and stdout == ""
    (line,) = stderr.strip().splitlines()  # one line, no traceback
    assert f"核查结果 {fid} 已被他人修改，您的修改未保存" in line
    assert f"您依据的是版本 {seen}，现为版本 {seen + 1}" in line
    assert "zhangsan（管理员）" in line and "审核" in line and "继承" in line
    with PgStore.open(pg_url) as store:
        assert store.execute_sql("SELECT decided_by, decision FROM findings WHERE fid = ?", (fid,))[
            0
        ] == ("zhangsan", "exempted")


def test_undoing_a_review_does_not_overwrite_a_later_decision(pg_url: str, tmp_path: Path) -> None:
    fids, _cases = prepared(pg_url, tmp_path)
    fid = fids[0]
    with PgStore.open(pg_url) as a, PgStore.open(as_login(pg_url, "lisi")) as b:
        mine = Review(fid, "confirmed", "现场核实")
        commands.run(a, mine)
        commands.run(b, Review(fid, "false-positive", "宗地已合并", replace=True))
        with pytest.raises(QjgisError) as err:
            commands.undo(a, mine)
        assert err.value.code == "write_conflict"
        assert err.value.params["theirs"]["changes"][-1]["user"] == "lisi"
        assert a.execute_sql("SELECT decision FROM findings WHERE fid = ?", (fid,)) == [
            ("false_positive",)
        ]


def test_a_check_run_saved_while_another_is_saving_updates_its_findings(
    pg_url: str, tmp_path: Path
) -> None:
    """The second save waits for the first (a lock per run) and then updates the first's
    findings by rule and key: no duplicate-key refusal, no finding twice."""
    import datetime as dt
    import threading

    from qjgis.checks.engine import evaluate
    from qjgis.checks.findings import SaveRun

    demo = tmp_path / "demo.gpkg"
    build_demo(demo, parcels=300, seed=2)
    push(demo, pg_url)
    as_of = dt.date(2025, 6, 30)
    with PgStore.open(pg_url) as a, PgStore.open(pg_url) as b:
        runs = [SaveRun(evaluate(s, ["QJ-R001", "QJ-R003"], as_of=as_of)) for s in (a, b)]
        errors: list[BaseException] = []
        second_started = threading.Event()

        def save_second() -> None:
            try:
                second_started.set()
                with b.transaction() as conn:
                    runs[1].apply(b, conn)
            except BaseException as exc:  # reported below
                errors.append(exc)

        with a.transaction() as conn:
            runs[0].apply(a, conn)
            worker = threading.Thread(target=save_second)
            worker.start()
            second_started.wait()
            worker.join(timeout=1.0)  # it waits on the first run's lock meanwhile
            assert worker.is_alive()
        worker.join()
        assert errors == []
        assert runs[1].summary is not None and runs[0].summary is not None
        assert runs[1].summary.rules["QJ-R001"].new == 0  # the first's, updated
        keys = a.execute_sql("SELECT rule_id, key FROM findings")
        assert len(keys) == len(set(keys)) == sum(s.found for s in runs[0].summary.rules.values())
        assert a.integrity_check() == []


def test_evidence_added_to_one_case_at_two_desks_at_once(pg_url: str, tmp_path: Path) -> None:
    """Attaching moves no version, so nothing refuses the second desk: both are kept, one
    after the other in the case's history (before: the same next seq, a duplicate key)."""
    import threading

    from qjgis.cases.commands import AttachEvidence

    _fids, cases = prepared(pg_url, tmp_path)
    case = cases[0]
    scans = []
    for k in range(2):
        scan = tmp_path / f"scan{k}.pdf"
        scan.write_bytes(b"%PDF-1.4\n" + f"desk {k}\n".encode() + b"%%EOF\n")
        scans.append(scan)
    with PgStore.open(pg_url) as a, PgStore.open(as_login(pg_url, "lisi")) as b:
        errors: list[BaseException] = []

        def attach_at_b() -> None:
            try:
                commands.run(b, AttachEvidence(case, [scans[1]], note="乙"))
            except BaseException as exc:  # reported below
                errors.append(exc)

        with a.transaction() as conn:
            AttachEvidence(case, [scans[0]], note="甲").apply(a, conn)
            worker = threading.Thread(target=attach_at_b)
            worker.start()
            worker.join(timeout=1.0)  # waits for the history's turn meanwhile
            assert worker.is_alive()
        worker.join()
        assert errors == []
        events = a.execute_sql(
            "SELECT seq, note FROM case_events WHERE case_fid = ? AND action = 'attach' "
            "ORDER BY seq", (int(case[1:]),),
        )  # fmt: skip
        assert [n for _s, n in events] == ["甲", "乙"]
        assert events[1][0] == events[0][0] + 1
        assert a.integrity_check() == []
