"""The command line on a database: push, check, review, pull, push back; no password shown."""

from __future__ import annotations

import io
import json
from pathlib import Path

import psycopg
import pytest

from qjgis.demo import build_demo
from ui.cli import main


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--lang", "en", *argv], out=out)
    return code, out.getvalue()


def with_password(url: str) -> str:
    """The same address with a password in it (the test server trusts loopback)."""
    return url.replace("://qjgis_test@", "://qjgis_test:s3cret@")


def test_a_day_on_the_database_from_the_command_line(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = tmp_path / "demo.gpkg"
    build_demo(demo, parcels=300, seed=2)
    url = with_password(pg_url)

    code, out = run("push", str(demo), url, "--json")
    assert code == 0
    pushed = json.loads(out)
    assert pushed["url"] == pg_url and pushed["pushed_back"] is False
    assert pushed["rows"]["parcels"] == 300

    code, out = run("check", url, "--as-of", "2025-06-30", "--json")
    assert code == 0
    assert json.loads(out)["rules"]["QJ-R001"]["found"] > 0
    code, out = run("findings", url, "--rule", "QJ-R001", "--json")
    first = json.loads(out)[0]
    code, out = run("review", url, str(first["fid"]), "--decision", "confirmed",
                    "--reason", "现场核实")  # fmt: skip
    assert code == 0

    copy = tmp_path / "外业.gpkg"
    code, out = run("pull", url, str(copy))
    assert code == 0 and out.startswith(f"Pulled {pg_url} into {copy}")
    code, out = run("findings", str(copy), "--rule", "QJ-R001", "--json")
    pulled = json.loads(out)
    assert pulled[0]["decision"] == "confirmed"
    second = pulled[1]
    code, _ = run("review", str(copy), str(second["fid"]), "--decision", "false-positive",
                  "--reason", "外业复核：宗地已合并")  # fmt: skip
    assert code == 0
    code, out = run("push", str(copy), url)
    assert code == 0
    assert out.strip() == (
        f"Pushed the changes of the copy {copy} back to {pg_url}: Findings 1, Audit log 1\n"
        "0 rows added, 1 updated, 0 deleted, 1 entries appended"
    )
    code, out = run("findings", url, "--rule", "QJ-R001", "--json")
    back = next(f for f in json.loads(out) if f["fid"] == second["fid"])
    assert back["decision"] == "false_positive"

    code, out = run("push", str(copy), url)  # once only
    assert code == 1
    err = capsys.readouterr().err
    assert "already pushed back" in err
    assert "s3cret" not in err
    # nothing written anywhere holds the password: the audit, the metadata, the copy
    with psycopg.connect(pg_url) as pg:
        written = pg.execute(
            "SELECT string_agg(concat_ws(' ', entity, before, after), ' ') FROM audit_log"
        ).fetchone()[0]
        written += " ".join(v for (v,) in pg.execute("SELECT value FROM qj_meta"))
    assert "s3cret" not in written
    assert b"s3cret" not in copy.read_bytes()


def test_errors_are_one_line_without_the_password(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run("pull", with_password(pg_url), str(tmp_path / "x.gpkg"))
    assert code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "push one into it first" in err
    assert pg_url in err and "s3cret" not in err
    code, _ = run("check", "postgresql://clerk:s3cret@127.0.0.1:1/qj")
    assert code == 1
    err = capsys.readouterr().err
    assert "cannot connect" in err and "s3cret" not in err and "Traceback" not in err


def test_the_other_commands_on_a_database(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = tmp_path / "demo.gpkg"
    build_demo(demo, parcels=300, seed=4)
    assert run("push", str(demo), pg_url)[0] == 0
    code, out = run("info", pg_url, "--check", "--json")
    assert code == 0
    info = json.loads(out)
    assert info["path"] == pg_url and info["counts"]["parcels"] == 300
    assert info["integrity"]["ok"] is True
    code, out = run("info", pg_url)
    assert code == 0 and out.splitlines()[0] == f"Database: {pg_url}"  # not "File:"
    code, out = run("settings", pg_url, "--set", "area.tolerance_m2=5", "--json")
    assert code == 0 and json.loads(out)["changed"]["area.tolerance_m2"]["new"] == 5
    code, _ = run("settings", pg_url, "--set", "project.crs=EPSG:4523")
    assert code == 1 and "CRS" in capsys.readouterr().err  # data is in: refused, as on a file
    assert run("check", pg_url, "--as-of", "2025-06-30")[0] == 0
    code, out = run("stats", pg_url, "--findings", "--json")
    assert code == 0 and sum(v["findings"] for v in json.loads(out)) > 0
    with psycopg.connect(pg_url) as pg:
        (ruin,) = pg.execute(
            "SELECT bdcdyh FROM buildings WHERE status = '残垣断壁' ORDER BY fid LIMIT 1"
        ).fetchone()
    code, out = run("case", pg_url, "open", "--bdcdyh", ruin, "--json")
    assert code == 0, capsys.readouterr().err
    code, out = run("case", pg_url, "list", "--json")
    assert [c["bdcdyh"] for c in json.loads(out)] == [ruin]
    assert run("stats", pg_url, "--cases")[0] == 0
    xlsx = tmp_path / "parcels.xlsx"
    code, _ = run("export", pg_url, "--layer", "parcels", "--format", "xlsx", "--out", str(xlsx))
    assert code == 0 and xlsx.stat().st_size > 0
    capsys.readouterr()
    code, _ = run("import", pg_url, str(tmp_path / "x.shp"), "--layer", "parcels")
    err = capsys.readouterr().err
    # the import runs on a database now (tests/qjgis/pg/test_pg_import.py): a missing
    # file is refused in one line naming it, as on a project file
    assert code == 1 and err.count("\n") == 1
    assert f"{tmp_path / 'x.shp'}: file not found" in err
