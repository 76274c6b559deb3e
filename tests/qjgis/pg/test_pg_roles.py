"""Roles enforced by the server (issue 18): `db init`, `db user add/list`, each role's
refusals by the database itself, a town login's rows, the append-only audit, and the
identity taken from the login.

The logins are made by the real `db user add` in the test's database; the throwaway
cluster trusts loopback connections (pgcluster.py), so each connects without a password.
Where a Python check would refuse first, the same write is also sent directly with
psycopg as that login, to show that the server refuses it (not only the client).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import psycopg
import pytest

from qjgis.demo import build_demo
from qjgis.errors import QjgisError
from qjgis.pg import roles
from qjgis.store import open_project
from ui import texts
from ui.cli import main


def run(*argv: str, lang: str = "en") -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--lang", lang, *argv], out=out)
    return code, out.getvalue()


def as_login(url: str, login: str) -> str:
    """The same database as another login (the test server trusts loopback)."""
    return url.replace("://qjgis_test@", f"://{login}@")


@pytest.fixture(scope="module")
def demo_two_towns(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo district of two towns (石角镇 500110108, 东溪镇 500110109)."""
    path = tmp_path_factory.mktemp("roles") / "demo.gpkg"
    summary = build_demo(path, parcels=3700, seed=3)
    assert summary.towns == 2
    return path


@pytest.fixture
def bureau(pg_url: str, demo_two_towns: Path) -> str:
    """The demo pushed, checked by the owner, its roles set up and five logins added."""
    assert run("push", str(demo_two_towns), pg_url)[0] == 0
    assert run("check", pg_url, "--as-of", "2025-06-30")[0] == 0
    assert run("db", "init", pg_url)[0] == 0
    for name, role, town in [
        ("viewer1", "viewer", None),
        ("surveyor1", "surveyor", None),
        ("reviewer1", "reviewer", None),
        ("shijiao", "reviewer", "500110108"),
        ("approver1", "approver", None),
        ("admin1", "admin", None),
    ]:
        extra = ["--town", town] if town else []
        code, _ = run("db", "user", "add", pg_url, name, "--role", role, *extra)
        assert code == 0
    return pg_url


def first_finding(url: str, town: str) -> int:
    with psycopg.connect(url) as pg:
        return int(
            pg.execute(
                "SELECT fid FROM findings WHERE village_code LIKE %s ORDER BY fid LIMIT 1",
                (town + "%",),
            ).fetchone()[0]
        )


def test_db_init_and_user_add_are_idempotent_and_list_says_who_is_who(
    bureau: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run("db", "init", bureau, "--json")
    assert code == 0
    again = json.loads(out)
    assert again["created"] == []  # a second run creates nothing, grants the same
    db = bureau.rsplit("/", 1)[1]
    assert again["groups"]["viewer"] == f"qj_{db}_viewer"

    code, out = run("db", "user", "add", bureau, "shijiao", "--role", "审核员",
                    "--town", "500110108")  # fmt: skip
    assert code == 0 and out.startswith("Updated the login shijiao")
    code, out = run("db", "user", "list", bureau, "--json")
    users = {u["login"]: u for u in json.loads(out)}
    assert sorted(users) == ["admin1", "approver1", "reviewer1", "shijiao", "surveyor1", "viewer1"]
    assert users["shijiao"]["role"] == "reviewer" and users["shijiao"]["town"] == "500110108"
    assert users["shijiao"]["town_name"] == "石角镇"
    assert users["viewer1"]["town"] is None and users["admin1"]["role"] == "admin"
    code, out = run("db", "user", "list", bureau, lang="zh")
    assert code == 0
    assert out.splitlines()[0].split() == ["登录名", "角色", "镇街"]
    assert "shijiao    审核员  500110108 石角镇" in out and "500110108 石角镇" in out

    # moving a login to another role leaves it in that one only
    assert run("db", "user", "add", bureau, "surveyor1", "--role", "viewer")[0] == 0
    code, out = run("db", "user", "list", bureau, "--json")
    assert {u["login"]: u["role"] for u in json.loads(out)}["surveyor1"] == "viewer"
    with psycopg.connect(as_login(bureau, "surveyor1")) as pg:
        assert roles.login_identity(pg).role.value == "viewer"

    # the bureau's administrator adds users from then on
    code, out = run("db", "user", "add", as_login(bureau, "admin1"), "clerk9", "--role",
                    "surveyor", "--town", "500110109")  # fmt: skip
    assert code == 0, capsys.readouterr().err
    with psycopg.connect(as_login(bureau, "clerk9")) as pg:
        who = roles.login_identity(pg)
    assert (who.login, who.role.value, who.town) == ("clerk9", "surveyor", "500110109")

    capsys.readouterr()
    code, _ = run("db", "user", "add", bureau, "x1", "--role", "surveyor", "--town", "999999999")
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert "no town 999999999" in err and "500110108 石角镇" in err
    code, _ = run("db", "user", "add", bureau, "bad-name;", "--role", "viewer")
    assert code == 1 and "not a usable login name" in capsys.readouterr().err
    code, _ = run("db", "user", "add", bureau, f"qj_{db}_admin", "--role", "viewer")
    assert code == 1 and "group role" in capsys.readouterr().err


def test_only_the_owner_sets_roles_up_and_an_uninitialised_database_says_so(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = tmp_path / "d.gpkg"
    build_demo(demo, parcels=300, seed=2)
    assert run("push", str(demo), pg_url)[0] == 0
    code, _ = run("db", "user", "list", pg_url)
    assert code == 1 and "run db init first" in capsys.readouterr().err
    assert run("db", "init", pg_url)[0] == 0
    assert run("db", "user", "add", pg_url, "clerk", "--role", "surveyor")[0] == 0
    code, _ = run("db", "init", as_login(pg_url, "clerk"))
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert "clerk may not set up the roles: it may not create roles" in err
    # a login of the server that is none of this project's may not even connect
    stranger = "stranger_" + pg_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_url, autocommit=True) as pg:
        pg.execute(f"CREATE ROLE {stranger} LOGIN")
    code, _ = run("findings", as_login(pg_url, stranger))
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "cannot connect" in err
    assert "permission denied for database" in err


def test_a_viewer_reads_and_the_server_refuses_its_writes(
    bureau: str, capsys: pytest.CaptureFixture[str]
) -> None:
    viewer = as_login(bureau, "viewer1")
    code, out = run("findings", viewer, "--json")
    assert code == 0 and len(json.loads(out)) > 0
    fid = first_finding(bureau, "500110108")
    capsys.readouterr()
    code, _ = run("review", viewer, str(fid), "--decision", "confirmed", "--reason", "看过")
    err = capsys.readouterr().err
    assert code == 1 and "login's role viewer may not review findings" in err
    # the same write past the client's check: the server refuses it
    with psycopg.connect(viewer) as pg, pytest.raises(psycopg.errors.InsufficientPrivilege):
        pg.execute("UPDATE findings SET decision = 'confirmed' WHERE fid = %s", (fid,))
    code, _ = run("check", viewer, "--as-of", "2025-06-30")
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert "the database refused viewer1 (viewer)" in err
    assert "may not add rows to check_runs" in err and "nothing was changed" in err
    code, _ = run("check", viewer, "--as-of", "2025-06-30", lang="zh")
    err = capsys.readouterr().err
    assert "数据库拒绝了 viewer1（查看员）：此角色无权向「核查运行记录」" in err or (
        "数据库拒绝了 viewer1（查看员）" in err and "check_runs" in err
    )


def test_a_surveyor_edits_the_survey_but_may_not_decide_findings_or_approve(
    bureau: str, capsys: pytest.CaptureFixture[str]
) -> None:
    surveyor = as_login(bureau, "surveyor1")
    assert run("check", surveyor, "--as-of", "2025-06-30")[0] == 0  # checks: field work
    fid = first_finding(bureau, "500110108")
    with psycopg.connect(surveyor) as pg:
        pg.execute("UPDATE parcels SET zl = zl WHERE fid = 1")  # the survey: allowed
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # a decision: refused
            pg.execute("UPDATE findings SET decision = 'confirmed' WHERE fid = %s", (fid,))
    with psycopg.connect(surveyor) as pg, pytest.raises(psycopg.errors.InsufficientPrivilege):
        pg.execute("UPDATE qj_settings SET value = '5' WHERE key = 'area.tolerance_m2'")

    # a ruin case under reinforcement: the surveyor opens, plans and starts it (field
    # work); its acceptance (加固已验收) is an approval, the approver's
    with psycopg.connect(bureau) as pg:
        (ruin,) = pg.execute(
            "SELECT bdcdyh FROM buildings WHERE status = '残垣断壁' ORDER BY fid LIMIT 1"
        ).fetchone()
    code, out = run("case", surveyor, "open", "--bdcdyh", ruin, "--json")
    assert code == 0, capsys.readouterr().err
    opened = json.loads(out)["id"]
    code, _ = run("case", surveyor, "dispose", opened, "--as", "reinforcement",
                  "--owner-keeps", "--feasible")  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert run("case", surveyor, "advance", opened, "--to", "in-progress")[0] == 0
    capsys.readouterr()
    code, _ = run("case", surveyor, "advance", opened, "--to", "accepted")
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    # the commands know the login's role: refused before the server is asked, as on a file
    assert "surveyor1 (surveyor) cannot move it to reinforcement accepted" in err
    assert "recorded only by an approver" in err
    code, _ = run("case", surveyor, "advance", opened, "--to", "accepted", lang="zh")
    assert "不能将其转为“加固已验收”：这是审批事项，仅审批人可以办理" in capsys.readouterr().err
    with psycopg.connect(surveyor) as pg:  # past the client: the trigger refuses
        with pytest.raises(psycopg.errors.InsufficientPrivilege), pg.transaction():
            pg.execute("UPDATE ruin_cases SET state = '加固已验收'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege), pg.transaction():
            pg.execute("UPDATE ruin_cases SET override_reason = '我说了算'")
    code, _ = run("case", as_login(bureau, "approver1"), "advance", opened, "--to", "accepted")
    assert code == 0, capsys.readouterr().err
    with psycopg.connect(bureau) as pg:
        who = pg.execute(
            'SELECT "user", role FROM case_events ORDER BY fid DESC LIMIT 1'
        ).fetchone()
    assert who == ("approver1", "approver")


def test_a_reviewer_decides_and_the_audit_names_the_login_not_the_settings(
    bureau: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with psycopg.connect(bureau) as pg:  # what a file's settings would have said
        pg.execute(
            "INSERT INTO qj_settings (key, value) VALUES ('user.name', '\"张三\"'), "
            "('user.role', '\"admin\"') ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        )
    reviewer = as_login(bureau, "reviewer1")
    fid = first_finding(bureau, "500110109")
    code, _ = run("review", reviewer, str(fid), "--decision", "confirmed", "--reason", "现场核实")
    assert code == 0, capsys.readouterr().err
    with psycopg.connect(bureau) as pg:
        entry = pg.execute(
            'SELECT "user", role, command FROM audit_log ORDER BY fid DESC LIMIT 1'
        ).fetchone()
        decided_by = pg.execute(
            "SELECT decided_by FROM findings WHERE fid = %s", (fid,)
        ).fetchone()[0]
    assert entry == ("reviewer1", "reviewer", "findings.review")
    assert decided_by == "reviewer1"
    code, out = run("settings", reviewer, "--json")
    shown = json.loads(out)["settings"]
    assert code == 0
    assert shown["user.name"] == "reviewer1" and shown["user.role"] == "reviewer"
    for key in ("user.role=admin", "user.name=李四"):
        code, _ = run("settings", reviewer, "--set", key)
        err = capsys.readouterr().err
        assert code == 1 and "the user and role come from the login (reviewer1, reviewer)" in err
    # the owner is an administrator: the settings are theirs to change
    code, _ = run("settings", as_login(bureau, "admin1"), "--set", "area.tolerance_m2=5")
    assert code == 0, capsys.readouterr().err
    code, _ = run("settings", reviewer, "--set", "area.tolerance_m2=6")
    err = capsys.readouterr().err
    assert code == 1 and "may not add rows to qj_settings" in err
    with open_project(as_login(bureau, "admin1")) as store:
        assert store.identity().role.value == "admin"
    with open_project(bureau) as store:  # the owner: an administrator, not in any group
        assert store.identity().owner and store.identity().role.value == "admin"


def test_a_town_login_sees_and_changes_only_its_towns_rows(
    bureau: str, capsys: pytest.CaptureFixture[str]
) -> None:
    town = as_login(bureau, "shijiao")
    with psycopg.connect(bureau) as pg:
        total = pg.execute("SELECT count(*) FROM findings").fetchone()[0]
        mine = pg.execute(
            "SELECT count(*) FROM findings WHERE village_code LIKE '500110108%'"
        ).fetchone()[0]
        parcels_mine = pg.execute(
            "SELECT count(*) FROM parcels WHERE zddm LIKE '500110108%'"
        ).fetchone()[0]
    assert 0 < mine < total
    code, out = run("findings", town, "--json")
    seen = json.loads(out)
    assert code == 0 and len(seen) == mine
    assert {f["village_code"][:9] for f in seen} == {"500110108"}
    other = first_finding(bureau, "500110109")
    assert other not in {f["fid"] for f in seen}
    with psycopg.connect(town) as pg:
        assert pg.execute("SELECT count(*) FROM parcels").fetchone()[0] == parcels_mine
        assert pg.execute("SELECT count(*) FROM findings WHERE fid = %s", (other,)).fetchone() == (
            0,
        )
        # another town's row: not there to update (nothing changes)
        cur = pg.execute(
            "UPDATE findings SET decision = 'confirmed', decision_reason = 'x' WHERE fid = %s",
            (other,),
        )
        assert cur.rowcount == 0
        # its own row moved into another town: refused by the policy
        own = first_finding(bureau, "500110108")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            pg.execute("UPDATE findings SET village_code = '500110109200' WHERE fid = %s", (own,))
    with psycopg.connect(bureau) as pg:
        assert pg.execute("SELECT decision FROM findings WHERE fid = %s", (other,)).fetchone() == (
            None,
        )
    capsys.readouterr()
    code, _ = run("review", town, str(other), "--decision", "confirmed", "--reason", "越权")
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and f"no finding {other}" in err
    own = first_finding(bureau, "500110108")
    code, _ = run("review", town, str(own), "--decision", "confirmed", "--reason", "本镇核实")
    assert code == 0, capsys.readouterr().err
    # the checks need the whole district: a town's login may not run them
    code, _ = run("check", town, "--as-of", "2025-06-30")
    err = capsys.readouterr().err
    assert (
        code == 1 and "the database refused shijiao (reviewer): a town's login may not run" in err
    )
    # an administrator without a town sees all
    code, out = run("findings", as_login(bureau, "admin1"), "--json")
    assert len(json.loads(out)) == total


def test_a_field_copy_pulled_by_a_town_login_holds_its_town_and_goes_back(
    bureau: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    town = as_login(bureau, "shijiao")
    copy = tmp_path / "石角镇外业.gpkg"
    assert run("pull", town, str(copy))[0] == 0
    code, out = run("findings", str(copy), "--json")
    pulled = json.loads(out)
    assert pulled and {f["village_code"][:9] for f in pulled} == {"500110108"}
    code, out = run("info", str(copy), "--json")
    with psycopg.connect(bureau) as pg:
        mine = pg.execute("SELECT count(*) FROM parcels WHERE zddm LIKE '500110108%'").fetchone()
    assert code == 0 and json.loads(out)["counts"]["parcels"] == mine[0]
    fid = pulled[0]["fid"]
    code, _ = run("review", str(copy), str(fid), "--decision", "confirmed", "--reason", "外业核实")
    assert code == 0, capsys.readouterr().err
    code, out = run("push", str(copy), town)
    assert code == 0, capsys.readouterr().err
    with psycopg.connect(bureau) as pg:
        assert pg.execute("SELECT decision FROM findings WHERE fid = %s", (fid,)).fetchone() == (
            "confirmed",
        )
        assert pg.execute(
            'SELECT "user", command FROM audit_log ORDER BY fid DESC LIMIT 1'
        ).fetchone() == ("shijiao", "project.push_back")
    # qj_meta takes a push-back's record from a writer, nothing else
    with psycopg.connect(town) as pg, pytest.raises(psycopg.errors.InsufficientPrivilege):
        pg.execute("INSERT INTO qj_meta (key, value) VALUES ('owner', 'shijiao')")


def test_the_audit_is_append_only_for_everyone_but_the_owner(bureau: str) -> None:
    for login in ("viewer1", "surveyor1", "reviewer1", "approver1", "admin1"):
        with psycopg.connect(as_login(bureau, login)) as pg:
            for statement in (
                "UPDATE audit_log SET command = 'forged'",
                "DELETE FROM audit_log",
                "TRUNCATE audit_log",
                "UPDATE case_events SET note = 'forged'",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege), pg.transaction():
                    pg.execute(statement)
    with (  # the owner: the trigger refuses it anyway
        psycopg.connect(bureau) as pg,
        pytest.raises(psycopg.errors.RaiseException, match="append-only"),
    ):
        pg.execute("UPDATE audit_log SET command = 'forged'")
    with psycopg.connect(bureau) as pg:
        privileges = pg.execute(
            "SELECT DISTINCT privilege_type FROM information_schema.role_table_grants "
            "WHERE table_name IN ('audit_log', 'case_events') AND grantee = ANY(%s)",
            (list(roles.group_names(bureau.rsplit("/", 1)[1]).values()),),
        ).fetchall()
    assert sorted(p for (p,) in privileges) == ["INSERT", "SELECT"]


def test_a_refusal_from_the_server_is_one_line_in_each_language() -> None:
    refused = QjgisError(
        "database_refused", url="postgresql://clerk@db/qj", login="clerk", role="viewer",
        reason="refused_update", table="findings", title="核查结果",
    )  # fmt: skip
    texts.set_language("zh")
    try:
        zh = texts.error_text(refused)
    finally:
        texts.set_language("en")
    en = texts.error_text(refused)
    assert zh == (
        "postgresql://clerk@db/qj：数据库拒绝了 clerk（查看员）：此角色无权修改「核查结果」"
        "（findings）；未作任何修改"
    )
    assert en == (
        "postgresql://clerk@db/qj: the database refused clerk (viewer): this role may not "
        "change findings (核查结果); nothing was changed"
    )


def test_group_names_are_per_database_and_schema_and_fit_postgresql() -> None:
    assert roles.group_names("qijiang")[roles.Role.VIEWER] == "qj_qijiang_viewer"
    assert roles.group_names("qijiang", "town2")[roles.Role.ADMIN] == "qj_qijiang_town2_admin"
    odd = roles.group_names("綦江区 项目" * 10, "s" * 80)
    assert all(len(n.encode()) <= 63 and n.isascii() for n in odd.values())
    assert odd != roles.group_names("綦江区 项目" * 9, "s" * 80)


def test_a_password_is_set_hashed_and_never_shown(
    bureau: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("北京-s3cret\n"))  # a script's password
    code, out = run("db", "user", "add", bureau, "clerk2", "--role", "viewer",
                    "--password-prompt")  # fmt: skip
    assert code == 0 and "s3cret" not in out + capsys.readouterr().err
    with psycopg.connect(bureau) as pg:
        (stored,) = pg.execute(
            "SELECT rolpassword FROM pg_authid WHERE rolname = 'clerk2'"
        ).fetchone()
    assert stored.startswith("SCRAM-SHA-256$") and "s3cret" not in stored
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    code, _ = run("db", "user", "add", bureau, "clerk3", "--role", "viewer", "--password-prompt")
    assert code == 1 and "the password is empty" in capsys.readouterr().err


def test_a_surveyor_imports_and_a_viewer_or_another_towns_login_is_refused(
    bureau: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_demo(tmp_path / "new.gpkg", parcels=300, seed=5, shapefiles=tmp_path / "shp")
    parcels = tmp_path / "shp" / "parcels.shp"  # 石角镇's codes (500110108…)
    with psycopg.connect(bureau) as pg:
        before = pg.execute("SELECT count(*), max(fid) FROM audit_log").fetchone()
    capsys.readouterr()
    code, _ = run("import", as_login(bureau, "viewer1"), str(parcels), "--layer", "parcels")
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert "the database refused viewer1 (viewer)" in err
    with psycopg.connect(bureau) as pg:  # nothing written, not even the audit
        assert pg.execute("SELECT count(*), max(fid) FROM audit_log").fetchone() == before
    code, _ = run("db", "user", "add", bureau, "dongxi", "--role", "surveyor",
                  "--town", "500110109")  # fmt: skip
    assert code == 0
    code, _ = run("import", as_login(bureau, "dongxi"), str(parcels), "--layer", "parcels")
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert "the database refused dongxi (surveyor)" in err and "another town" in err
    code, _ = run("import", as_login(bureau, "surveyor1"), str(parcels), "--layer", "parcels")
    assert code == 0, capsys.readouterr().err
    with psycopg.connect(bureau) as pg:
        who = pg.execute(
            'SELECT "user", role, command FROM audit_log ORDER BY fid DESC LIMIT 1'
        ).fetchone()
    assert who[:2] == ("surveyor1", "surveyor") and who[2].startswith("import")
    with psycopg.connect(bureau) as pg:
        (batch,) = pg.execute("SELECT max(fid) FROM import_batches").fetchone()
        counts = pg.execute("SELECT count(*), sum(row_version) FROM parcels").fetchone()
    code, _ = run("imports", as_login(bureau, "viewer1"), "--undo", str(batch))
    assert code == 1 and "the database refused viewer1 (viewer)" in capsys.readouterr().err
    code, _ = run("imports", as_login(bureau, "surveyor1"), "--undo", str(batch))
    assert code == 0, capsys.readouterr().err
    with psycopg.connect(bureau) as pg:
        assert pg.execute("SELECT count(*), sum(row_version) FROM parcels").fetchone() != counts


def test_a_clerks_field_copy_with_new_rows_goes_back_under_the_policies(
    bureau: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rows the copy added (a new case and its history) go back as the clerk's login: the
    server's town policies check them (PostgreSQL refuses COPY into such a table)."""
    town = as_login(bureau, "shijiao")
    copy = tmp_path / "石角镇外业.gpkg"
    assert run("pull", town, str(copy))[0] == 0
    with psycopg.connect(bureau) as pg:
        (ruin,) = pg.execute(
            "SELECT bdcdyh FROM buildings WHERE status = '残垣断壁' AND zddm LIKE '500110108%' "
            "ORDER BY fid LIMIT 1"
        ).fetchone()
        cases = pg.execute("SELECT count(*) FROM ruin_cases").fetchone()[0]
    code, _ = run("case", str(copy), "open", "--bdcdyh", ruin)
    assert code == 0, capsys.readouterr().err
    code, _ = run("push", str(copy), town)
    assert code == 0, capsys.readouterr().err
    with psycopg.connect(bureau) as pg:
        assert pg.execute("SELECT count(*) FROM ruin_cases").fetchone()[0] == cases + 1
        assert (
            pg.execute("SELECT village_code FROM ruin_cases ORDER BY fid DESC LIMIT 1")
            .fetchone()[0]
            .startswith("500110108")
        )
