"""`check`, `findings`, `review`, `stats --findings` from the command line, on a real demo."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qjgis.demo import build_demo
from qjgis.store import GpkgStore, file_sha256
from ui.cli import main


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    build_demo(path, parcels=1500, seed=3)
    return path


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "区 demo.gpkg"  # a space and Chinese in the path, as on a bureau desktop
    shutil.copy(demo_template, path)
    return path


def truth(path: Path) -> dict[str, set[str]]:
    with GpkgStore.open(path) as store:
        rows = store.execute_sql("SELECT rule_id, entity_key FROM demo_truth")
    found: dict[str, set[str]] = {}
    for rule, key in rows:
        found.setdefault(rule, set()).add(key)
    return found


def test_check_finds_the_planted_cases_and_is_idempotent(demo: Path) -> None:
    code, text = run("check", str(demo), "--json", "--as-of", "2026-06-30")
    assert code == 0
    result = json.loads(text)
    assert result["as_of"] == "2026-06-30"
    expected = truth(demo)
    for rule_id, summary in result["rules"].items():
        assert summary["found"] == len(expected.get(rule_id, ())), rule_id
        assert summary["new"] == summary["found"]
    with GpkgStore.open(demo) as store:
        keys = store.execute_sql("SELECT rule_id, key FROM findings WHERE state = 'open'")
    for rule_id in result["rules"]:
        assert {k for r, k in keys if r == rule_id} == expected.get(rule_id, set())

    code, text = run("check", str(demo), "--json", "--as-of", "2026-06-30")
    again = json.loads(text)
    assert again["run_id"] == result["run_id"] + 1
    assert all(
        s["new"] == 0 and s["changed"] == 0 and s["gone"] == 0 for s in again["rules"].values()
    )


def test_check_text_output_in_chinese(demo: Path) -> None:
    code, text = run("check", str(demo), "--rules", "QJ-R001,QJ-R003", "--lang", "zh")
    assert code == 0
    assert "一户多宅" in text
    assert "QJ-R004" not in text


def test_unknown_rule_is_one_line_error(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = file_sha256(demo)
    code, _ = run("check", str(demo), "--rules", "QJ-R999", "--lang", "en")
    assert code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "QJ-R999" in err and "Traceback" not in err
    assert file_sha256(demo) == before


def test_findings_review_and_stats(demo: Path, tmp_path: Path) -> None:
    assert run("check", str(demo), "--as-of", "2026-06-30")[0] == 0
    code, text = run("findings", str(demo), "--rule", "QJ-R001", "--json")
    assert code == 0
    listed = json.loads(text)
    assert listed and all(f["rule_id"] == "QJ-R001" for f in listed)
    target = next(f for f in listed if f["exemption"] is None)

    # by village name, as a cadre would type it
    code, text = run("findings", str(demo), "--village", target["village_name"], "--json")
    assert code == 0
    assert target["fid"] in {f["fid"] for f in json.loads(text)}

    code, text = run(
        "review",
        str(demo),
        f"QJ-R001:{target['key']}",
        "--decision",
        "confirmed",
        "--reason",
        "实地核实：两处宅基地均在用",
        "--lang",
        "zh",
    )
    assert code == 0
    assert "已确认" in text or "confirmed" in text
    code, text = run("findings", str(demo), "--decision", "confirmed", "--json")
    (confirmed,) = json.loads(text)
    assert confirmed["fid"] == target["fid"]
    assert confirmed["decision_reason"] == "实地核实：两处宅基地均在用"

    # the decision survives a re-run
    assert run("check", str(demo), "--as-of", "2026-06-30")[0] == 0
    code, text = run("findings", str(demo), "--decision", "confirmed", "--json")
    assert [f["fid"] for f in json.loads(text)] == [target["fid"]]
    with GpkgStore.open(demo) as store:
        audit = store.execute_sql(
            "SELECT command, after FROM audit_log WHERE command = 'findings.review'"
        )
    assert len(audit) == 1 and "实地核实" in audit[0][1]

    # files: csv for Excel, xlsx with Chinese headers
    out_csv = tmp_path / "核查结果.csv"
    code, _ = run("findings", str(demo), "--format", "csv", "--out", str(out_csv), "--lang", "zh")
    assert code == 0
    rows = list(csv.reader(out_csv.read_text(encoding="utf-8-sig").splitlines()))
    assert "规则" in rows[0] and len(rows) > 10
    out_xlsx = tmp_path / "stats.xlsx"
    code, _ = run("stats", str(demo), "--findings", "--by", "town", "--out", str(out_xlsx))
    assert code == 0
    sheet = load_workbook(out_xlsx).active
    assert sheet is not None and sheet.max_row > 1

    code, text = run("stats", str(demo), "--findings", "--by", "village", "--json")
    villages = json.loads(text)
    code, text = run("stats", str(demo), "--findings", "--by", "district", "--json")
    (district,) = json.loads(text)
    assert district["findings"] == sum(v["findings"] for v in villages)
    standing_multi = sum(
        1 for f in listed if f["exemption"] is None and f["decision"] != "false_positive"
    )
    assert district["multi_homestead_households"] == standing_multi


def test_review_mistakes_are_clear(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("check", str(demo), "--rules", "QJ-R001")[0] == 0
    code, _ = run("review", str(demo), "99999", "--decision", "confirmed", "--reason", "x")
    assert code == 1
    assert "99999" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        run("review", str(demo), "1", "--decision", "maybe", "--reason", "x")
    assert usage.value.code == 2
    with pytest.raises(SystemExit) as usage:
        run("review", str(demo), "1", "--decision", "exempted", "--reason", "x",
            "--exemption", "friendship")  # fmt: skip
    assert usage.value.code == 2
    capsys.readouterr()
    code, _ = run("review", str(demo), "1", "--decision", "confirmed", "--reason", "x",
                  "--exemption", "split", "--lang", "zh")  # fmt: skip
    assert code == 1
    assert "豁免代码（split）只能与审核结论“豁免”一起使用" in capsys.readouterr().err
    assert run("settings", str(demo), "--set", "user.role=surveyor")[0] == 0
    code, _ = run("review", str(demo), "1", "--decision", "confirmed", "--reason", "x")
    assert code == 1
    assert "surveyor" in capsys.readouterr().err


def test_review_with_an_exemption_code(demo: Path, tmp_path: Path) -> None:
    assert run("check", str(demo), "--rules", "QJ-R001")[0] == 0
    code, text = run("review", str(demo), "1", "--decision", "exempted", "--reason",
                     "父亲去世后继承", "--exemption", "继承", "--lang", "zh")  # fmt: skip
    assert code == 0 and "已豁免（继承）" in text
    code, text = run("findings", str(demo), "--decision", "exempted", "--json")
    (record,) = json.loads(text)
    assert record["decision_exemption"] == "inheritance"
    out = tmp_path / "exempted.csv"
    code, _ = run("findings", str(demo), "--decision", "exempted", "--format", "csv",
                  "--out", str(out), "--lang", "zh")  # fmt: skip
    assert code == 0 and "已豁免（继承）" in out.read_text(encoding="utf-8-sig")
