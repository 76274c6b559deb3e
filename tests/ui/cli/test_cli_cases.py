"""`case` and `sheet` from the command line, on a real demo district after `check`."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from qjgis.cases.commands import illegal_findings
from qjgis.cases.locate import household_standing_buildings, place_buildings
from qjgis.demo import build_demo
from qjgis.store import GpkgStore
from ui.cli import main

ROOT = Path(__file__).resolve().parents[3]


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def run_json(*argv: str) -> Any:
    code, text = run(*argv, "--json")
    assert code == 0, text
    return json.loads(text)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    build_demo(path, parcels=2000, seed=1)
    assert main(["check", str(path), "--as-of", "2026-06-30"], out=io.StringIO()) == 0
    # A reviewer confirms the violations first: only a confirmed finding grounds an
    # order to demolish (issue 11, point 8).
    with GpkgStore.open(path) as store:
        illegal = store.execute_sql(
            "SELECT fid FROM findings WHERE rule_id IN ('QJ-R001', 'QJ-R002') "
            "AND exemption IS NULL ORDER BY fid"
        )
    for (fid,) in illegal:
        argv = ["review", str(path), str(fid), "--decision", "confirmed", "--reason", "核实"]
        assert main(argv, out=io.StringIO()) == 0
    return path


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "区 demo.gpkg"
    shutil.copy(demo_template, path)
    return path


def _pick(path: Path) -> dict[str, list[str]]:
    """Buildings of the demo for each path of the policy, found from the data, not hard-coded."""
    with GpkgStore.open(path) as store:
        ruins = [r[0] for r in store.execute_sql("SELECT fid FROM buildings WHERE status = ?",
                                                 ["残垣断壁"])]  # fmt: skip
        illegal, only = [], []
        for p in place_buildings(store, ruins):
            if illegal_findings(store, p.household_no, p.zddm):
                illegal.append(p.bdcdyh)
            elif (
                store.execute_sql(
                    "SELECT count(*) FROM parcels WHERE household_no = ?", [p.household_no]
                )[0][0]
                == 1
            ):
                only.append(p.bdcdyh)
        graded = [
            r[0]
            for r in store.execute_sql(
                "SELECT fid FROM buildings WHERE danger_grade IN ('C', 'D') ORDER BY fid"
            )
        ]
        eligible: dict[str, list[str]] = {"C": [], "D": []}
        for p in place_buildings(store, graded):
            lives = store.execute_sql(
                "SELECT lives_in_village FROM households WHERE household_no = ?", [p.household_no]
            )
            others = [
                b
                for b in household_standing_buildings(store, p.household_no)
                if b.parcel_fid != p.parcel_fid
            ]
            if lives and lives[0][0] and not others:
                eligible[p.danger_grade].append(p.bdcdyh)
    return {"illegal": illegal, "only": only, "C": eligible["C"], "D": eligible["D"]}


@pytest.mark.parametrize(
    "argv",
    [
        ["case", "--help"],
        ["case", "p.gpkg", "open", "--help"],
        ["case", "p.gpkg", "dispose", "--help"],
        ["case", "p.gpkg", "advance", "--help"],
        ["case", "p.gpkg", "show", "--help"],
        ["sheet", "p.gpkg", "import", "--help"],
    ],
)
def test_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_four_dispositions_and_two_renovations_to_the_end(demo: Path) -> None:
    p = str(demo)
    pick = _pick(demo)
    assert pick["illegal"] and len(pick["only"]) >= 3 and pick["C"] and pick["D"]

    with GpkgStore.open(demo) as store:
        ruins = store.execute_sql("SELECT count(*) FROM findings WHERE rule_id = 'QJ-R014'")
    opened = run_json("case", p, "open", "--from-checks", "--date", "2026-07-01")["opened"]
    assert len(opened) == ruins[0][0] > 0  # every QJ-R014 finding of the demo
    ids = {c["bdcdyh"]: c["id"] for c in run_json("case", p, "list")}

    case = ids[pick["illegal"][0]]
    row = run_json(
        "case",
        p,
        "dispose",
        case,
        "--as",
        "self-demolition",
        "--deadline",
        "2026-08-31",
        "--date",
        "2026-07-02",
        "--note",
        "责令限期自行拆除",
    )
    assert row["state"] == "已下达拆除通知" and row["deadline"] == "2026-08-31"
    row = run_json("case", p, "advance", case, "--to", "demolished", "--date", "2026-08-20")
    assert row["state"] == "已拆除" and row["closed"] == "2026-08-20"

    a, b, c = (ids[k] for k in pick["only"][:3])
    run_json(
        "case",
        p,
        "dispose",
        a,
        "--as",
        "reinforcement",
        "--owner-keeps",
        "--feasible",
        "--date",
        "2026-07-02",
    )
    for to in ("in-progress", "accepted"):
        row = run_json("case", p, "advance", a, "--to", to, "--date", "2026-09-01")
    assert row["state"] == "加固已验收"
    run_json(
        "case",
        p,
        "dispose",
        b,
        "--as",
        "new-build",
        "--deadline",
        "2026-08-31",
        "--date",
        "2026-07-02",
    )
    for to in ("demolished", "applied", "approved", "built"):
        row = run_json("case", p, "advance", b, "--to", to, "--date", "2026-09-01")
    assert row["state"] == "新房已建成"
    run_json(
        "case",
        p,
        "dispose",
        c,
        "--as",
        "preservation",
        "--deadline",
        "2026-08-31",
        "--date",
        "2026-07-02",
    )
    for to in ("demolished", "preserved"):
        row = run_json("case", p, "advance", c, "--to", to, "--date", "2026-09-01")
    assert row["preserved_household_no"] and row["preserved_parcel_area"] > 0

    for grade, subsidy in (("C", 7500.0), ("D", 35000.0)):
        row = run_json(
            "case", p, "open", "--renovation", "--bdcdyh", pick[grade][0], "--date", "2026-07-01"
        )
        assert row["subsidy"] == subsidy
        w = row["id"]
        run_json("case", p, "advance", w, "--to", "approved", "--date", "2026-07-10")
        run_json("case", p, "pay", w, "--amount", str(subsidy), "--date", "2026-07-15")
        for to in ("under-construction", "accepted", "moved-in"):
            row = run_json("case", p, "advance", w, "--to", to, "--date", "2026-10-01")
        assert row["state"] == "已入住" and row["paid"] == subsidy

    shown = run_json("case", p, "show", b)
    assert [e["action"] for e in shown["events"]] == ["open", "dispose"] + ["advance"] * 4
    stats = run_json("stats", p, "--cases", "--by", "district", "--as-of", "2026-10-01")
    assert stats  # the lead's command over case_statistics


def test_refused_transition_is_one_line_and_changes_nothing(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = str(demo)
    bdcdyh = _pick(demo)["only"][0]
    case = run_json("case", p, "open", "--bdcdyh", bdcdyh, "--date", "2026-07-01")["id"]
    before = demo.read_bytes()
    capsys.readouterr()
    code, _ = run("case", p, "advance", case, "--to", "demolished", "--date", "2026-07-02")
    err = capsys.readouterr().err
    assert code == 1
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and case in lines[0] and "is pending" in lines[0]
    assert "待处置" not in lines[0]  # the state is named in the language of the message
    assert demo.read_bytes() == before


def test_show_text_and_evidence(demo: Path, tmp_path: Path) -> None:
    p = str(demo)
    bdcdyh = _pick(demo)["illegal"][0]
    case = run_json("case", p, "open", "--bdcdyh", bdcdyh, "--date", "2026-07-01")["id"]
    notice = tmp_path / "拆除通知书.pdf"
    notice.write_bytes(b"%PDF-1.4 notice")
    run_json(
        "case",
        p,
        "dispose",
        case,
        "--as",
        "self-demolition",
        "--deadline",
        "2026-08-31",
        "--evidence",
        str(notice),
        "--date",
        "2026-07-02",
    )
    code, text = run("case", p, "show", case, "--as-of", "2026-09-01", "--lang", "en")
    assert code == 0
    assert case in text and "OVERDUE" in text and "拆除通知书.pdf" in text
    attached = run_json("case", p, "attach", case, str(notice), "--date", "2026-07-03")
    assert len(attached["attached"]) == 1
    shown = run_json("case", p, "show", case)
    assert len(shown["attachments"]) == 2 and not shown["attachments"][0]["missing"]


def test_sheet_round_trip(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = str(demo)
    run_json("case", p, "open", "--from-checks", "--date", "2026-07-01")
    with GpkgStore.open(demo) as store:
        village = store.execute_sql(
            "SELECT village_code FROM ruin_cases GROUP BY village_code "
            "ORDER BY count(*) DESC LIMIT 1"
        )[0][0]
    out = tmp_path / "村台账.xlsx"
    written = run_json(
        "sheet", p, "export", "--village", village, "--out", str(out), "--as-of", "2026-07-01"
    )
    assert written["cases"] >= 2
    wb = load_workbook(out)
    ws = wb["案件进展"]
    header = [c.value for c in ws[1]]
    col = {h: header.index(h) + 1 for h in ("案件编号", "达到状态", "日期", "备注")}
    ws.cell(row=2, column=col["达到状态"]).value = "已拆除"  # no disposition yet: invalid
    ws.cell(row=2, column=col["日期"]).value = "2026-07-05"
    ws.cell(row=3, column=col["达到状态"]).value = "已撤销"
    ws.cell(row=3, column=col["日期"]).value = "2026-07-05"
    ws.cell(row=3, column=col["备注"]).value = "重复立案"
    wb.save(out)
    capsys.readouterr()
    code, _ = run("sheet", p, "import", str(out), "--lang", "en")
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("row 2:") and "--apply-valid" in err
    result = run_json("sheet", p, "import", str(out), "--apply-valid")
    assert [e["row"] for e in result["errors"]] == [2]
    assert [a["to_state"] for a in result["applied"]] == ["已撤销"]


def test_real_process_exit_codes(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QJGIS_LANG": "en"}
    project = tmp_path / "p.gpkg"
    GpkgStore.create(project).close()
    bad = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "case", str(project), "show", "R1"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1 and "R1" in bad.stderr and "Traceback" not in bad.stderr
    usage = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "case", str(project), "show", "12"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert usage.returncode == 2


def test_every_case_error_has_a_translatable_text_with_the_same_placeholders() -> None:
    import string

    import qjgis.cases.attachments
    import qjgis.cases.commands
    import qjgis.cases.sheet
    from qjgis.errors import QjgisError
    from ui import texts as catalogue

    modules = (qjgis.cases.attachments, qjgis.cases.commands, qjgis.cases.sheet)
    source = "".join(Path(m.__file__).read_text(encoding="utf-8") for m in modules)
    ours = {code for code in QjgisError.TEMPLATES if f'"{code}":' in source}
    texts = {c[4:]: pair for c, pair in catalogue.CATALOGUE.items() if c[4:] in ours}
    assert ours == set(texts)

    def fields(template: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(template) if f}

    for code in ours:
        zh, en = texts[code]
        assert fields(zh) == fields(en) == fields(QjgisError.TEMPLATES[code]), code


def test_states_and_dispositions_in_either_language(demo: Path) -> None:
    """`--to under-construction` works for a reinforcement like `--to 加固施工中`; `--as` takes
    排危加固; and what comes back is worded in the output's language."""
    p = str(demo)
    only = _pick(demo)["only"]
    run_json("case", p, "open", "--from-checks", "--date", "2026-07-01")
    ids = {c["bdcdyh"]: c["id"] for c in run_json("case", p, "list")}
    a, b = ids[only[0]], ids[only[1]]
    for case, disposition in ((a, "排危加固"), (b, "Reinforcement")):
        row = run_json("case", p, "dispose", case, "--as", disposition, "--owner-keeps",
                       "--feasible", "--date", "2026-07-02")  # fmt: skip
        assert row["disposition"] == "排危加固" and row["state"] == "已制定加固方案"
    row = run_json("case", p, "advance", a, "--to", "under-construction", "--date", "2026-07-03")
    assert row["state"] == "加固施工中"
    row = run_json("case", p, "advance", b, "--to", "加固施工中", "--date", "2026-07-03")
    assert row["state"] == "加固施工中"
    row = run_json(
        "case", p, "advance", b, "--to", "Reinforcement accepted", "--date", "2026-07-04"
    )
    assert row["state"] == "加固已验收"

    code, text = run("case", p, "show", a, "--lang", "en")
    assert code == 0
    assert "under construction" in text and "reinforcement" in text and "pending" in text
    assert not re.search(r"[\u4e00-\u9fff]", text.split("\n")[0]), text
    code, text = run("case", p, "show", a, "--lang", "zh")
    assert "加固施工中" in text and "排危加固" in text and "立案" in text
    assert not re.search(r"\b(open|advance|dispose|pending|administrator)\b", text), text


def test_an_unknown_state_names_the_choices_in_the_users_language(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = str(demo)
    case = run_json("case", p, "open", "--bdcdyh", _pick(demo)["only"][0], "--date",
                    "2026-07-01")["id"]  # fmt: skip
    before = demo.read_bytes()
    capsys.readouterr()
    code, _ = run("case", p, "advance", case, "--to", "rebuilt", "--lang", "zh")
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert "应为以下之一" in err and "in-progress" in err and "rebuilt" in err
    assert demo.read_bytes() == before


def test_case_statistics_have_column_titles_in_the_language(demo: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    p = str(demo)
    run_json("case", p, "open", "--from-checks", "--date", "2026-07-01")
    code, zh = run("stats", p, "--cases", "--lang", "zh")
    assert code == 0
    head = zh.splitlines()[0]
    assert "残垣断壁·待处置" in head and "ruin_state_pending" not in head
    code, en = run("stats", p, "--cases", "--lang", "en")
    assert "ruins pending" in en.splitlines()[0] and "残垣" not in en.splitlines()[0]
    out = tmp_path / "案件统计.xlsx"
    assert run("stats", p, "--cases", "--out", str(out), "--lang", "zh")[0] == 0
    titles = [c.value for c in next(load_workbook(out).active.iter_rows(max_row=1))]
    assert "残垣断壁·待处置" in titles and "ruin_state_pending" not in titles
    rows = run_json("stats", p, "--cases")  # JSON keeps the codes for scripts
    assert "ruin_state_pending" in rows[0]


def test_a_village_by_name_or_code(demo: Path, tmp_path: Path) -> None:
    p = str(demo)
    with GpkgStore.open(demo) as store:
        code, name = store.execute_sql("SELECT code, name FROM villages ORDER BY fid LIMIT 1")[0]
    run_json("case", p, "open", "--from-checks", "--date", "2026-07-01")
    by_name = run_json("case", p, "list", "--village", name)
    assert by_name == run_json("case", p, "list", "--village", code)
    for village in (name, code):
        target = tmp_path / f"{village}.gpkg"
        body = run_json("export", p, "--layer", "parcels", "--format", "gpkg", "--out",
                        str(target), "--village", village)  # fmt: skip
        assert body["rows"] > 0
    assert run("findings", p, "--village", name)[0] == 0


def test_show_lists_what_is_allowed_and_why_not_in_both_languages(demo: Path) -> None:
    """Issue 16, point 1: a clerk sees the refusal's reason before trying, not after."""
    p = str(demo)
    only = _pick(demo)["only"][0]  # the only homestead, no illegal finding
    case = run_json("case", p, "open", "--bdcdyh", only, "--date", "2026-07-01")["id"]
    shown = run_json("case", p, "show", case, "--lang", "zh")
    demolish = next(a for a in shown["allowed"] if a["target"] == "责令自行拆除")
    assert not demolish["possible"] and demolish["overridable"]
    (reason,) = demolish["reasons"]
    assert reason["code"] == "case_needs_illegal_finding"
    assert "责令自行拆除须以农户" in reason["message"] and p not in reason["message"]
    reinforce = next(a for a in shown["allowed"] if a["target"] == "排危加固")
    assert reinforce["possible"] and reinforce["needs"] == ["owner_keeps", "feasible"]
    code, zh = run("case", p, "show", case, "--lang", "zh")
    assert code == 0 and "当前可办理" in zh
    assert "✗ 处置为 责令自行拆除" in zh and "✓ 处置为 排危加固" in zh
    code, en = run("case", p, "show", case, "--lang", "en")
    assert "Allowed now" in en and "✗ dispose as ordered self-demolition" in en
    # what the listing calls impossible is what the command refuses, with the same words
    code, _ = run(
        "case", p, "dispose", case, "--as", "self-demolition", "--deadline", "2026-08-31",
        "--date", "2026-07-02", "--lang", "zh",
    )  # fmt: skip
    assert code == 1
