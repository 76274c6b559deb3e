"""Presenters: findings and households in words, Qt-free (runs in the headless tier)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qjgis.checks.findings import list_findings, run_checks
from qjgis.demo import build_demo
from qjgis.store import GpkgStore
from tests.test_architecture import check_package
from ui.presenters import words
from ui.presenters.findings import (
    decision_counts_text,
    evidence_lines,
    evidence_text,
    finding_row,
    value_text,
)

ROOT = Path(__file__).resolve().parent.parent


def words_catalogue() -> list[str]:
    from ui.texts import CATALOGUE

    return list(CATALOGUE)


@pytest.fixture(autouse=True)
def _chinese():
    words.set_language("zh")
    yield
    words.set_language("zh")


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("presenters") / "demo.gpkg"
    build_demo(path, parcels=600, seed=3)
    with GpkgStore.open(path) as store:
        run_checks(store)
    return path


def test_presenters_import_no_qt() -> None:
    violations = check_package(
        ROOT / "ui" / "presenters", "ui.presenters", ("PySide6", "shiboken6", "ui.gui", "layers")
    )
    assert violations == [], "\n".join(map(str, violations))


def test_every_finding_reads_in_chinese_words(checked: Path) -> None:
    with GpkgStore.open(checked) as store:
        records = list_findings(store)
    assert {r.rule_id for r in records} >= {"QJ-R001", "QJ-R003", "QJ-R005"}
    for record in records:
        row = finding_row(record)
        assert row.rule.startswith(record.rule_id + " ")
        assert row.rule != record.rule_id + " " + record.rule_id  # a title, not the id again
        assert row.decision == "待审核"
        # Evidence in words: no JSON syntax, no raw key names of known keys.
        assert not any(c in row.evidence for c in '{}[]"'), row.evidence
        for key in record.evidence:
            if key in {k.removeprefix("ev.") for k in words_catalogue() if k.startswith("ev.")}:
                assert f"{key}：" not in row.evidence
        for title, value in evidence_lines(record.evidence):
            assert title and value


def test_units_follow_the_key() -> None:
    assert value_text("area_m2", 107.5) == "107.5 m²"
    assert value_text("largest_share", 0.1927) == "19.3%"
    assert value_text("days_overdue", 3896) == "3896 天"
    assert value_text("members", 4) == "4 人"
    assert value_text("recorded_exists", True) == "是"
    assert value_text("problems", ["id.bad_birth_date"]) == "出生日期无效"
    assert value_text("exemptions", ["inheritance", "split"]) == "继承、分户"
    assert value_text("approval_no", None) == "无"
    # A value nobody has a word for shows as itself, never disappears.
    assert value_text("status", "残垣断壁") == "残垣断壁"


def test_multiple_homesteads_evidence_names_every_parcel(checked: Path) -> None:
    with GpkgStore.open(checked) as store:
        record = list_findings(store, rule="QJ-R001")[0]
    text = evidence_text(record.evidence)
    for parcel in record.evidence["parcels"]:
        assert parcel["parcel"] in text
        assert f"{parcel['area_m2']:g}".rstrip("0") in text.replace(",", "")
    assert f"宅基地宗数：{record.evidence['homesteads']}" in text


def test_english_when_chosen(checked: Path) -> None:
    with GpkgStore.open(checked) as store:
        record = list_findings(store, rule="QJ-R001")[0]
    words.set_language("en")
    row = finding_row(record)
    assert row.rule == "QJ-R001 One household, several homesteads"
    assert row.decision == "pending"
    assert "homesteads: " in row.evidence
    assert decision_counts_text({"pending": 2}).startswith("pending 2 · confirmed 0")


def test_unknown_evidence_keys_still_show() -> None:
    assert evidence_text({"new_fact_m2": 3.0, "note": "x"}) == "new_fact_m2：3 m²；note：x"
    assert json.dumps({"a": 1})  # the JSON module is what rules store; words never include it


def test_a_ruin_findings_case_state_and_disposition_read_in_the_language() -> None:
    evidence = {"case": "R4", "state": "待处置", "disposition": "新建审批", "status": "残垣断壁"}
    words.set_language("en")
    try:
        text = evidence_text(evidence)
    finally:
        words.set_language("zh")
    assert "pending" in text and "new build approval" in text and "ruin" in text
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert "待处置" in evidence_text(evidence) and "新建审批" in evidence_text(evidence)


def test_a_case_reads_with_its_allowed_next_steps() -> None:
    from ui.presenters.cases import case_line, next_steps

    assert next_steps("ruin", "加固施工中", "排危加固") == ["加固已验收", "已撤销"]
    assert next_steps("ruin", "待处置", None) == ["已撤销"]
    assert next_steps("renovation", "已入住") == []
    assert case_line("ruin", 12, "已下达拆除通知", "责令自行拆除").endswith(
        "已下达拆除通知 → 已拆除 / 已撤销"
    )
    words.set_language("en")
    steps = next_steps("ruin", "加固施工中", "排危加固")
    assert len(steps) == 2 and all(s.isascii() for s in steps)
