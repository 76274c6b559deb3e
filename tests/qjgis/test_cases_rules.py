"""QJ-R014 and QJ-R015 against the demo district's ground truth and the case village.

The rules get a context holding only what the rule contract promises (`store`,
`settings`, `as_of`), so they cannot lean on anything else of a check run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_cases_support import bdcdyh, build_village, set_role

from qjgis import commands
from qjgis.cases.commands import AdvanceCase, DisposeRuin, OpenRenovationCase, OpenRuinCase
from qjgis.checks.base import REGISTRY, EntityKind, RuleResult
from qjgis.checks.engine import evaluate
from qjgis.checks.rules_remediation import renovation_with_other_house, ruin_not_dealt_with
from qjgis.demo import AS_OF, build_demo
from qjgis.feedback import NullFeedback
from qjgis.settings import ProjectSettings
from qjgis.store import GpkgStore


@dataclass
class Ctx:
    store: GpkgStore
    settings: ProjectSettings
    as_of: dt.date


def _run(rule: object, store: GpkgStore, as_of: dt.date) -> RuleResult:
    return rule.run(Ctx(store, store.settings(), as_of), store.settings(), NullFeedback())  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    build_demo(path, parcels=2000, seed=3)
    return path


def test_rules_are_registered() -> None:
    assert REGISTRY["QJ-R014"] is ruin_not_dealt_with
    assert REGISTRY["QJ-R014"].date_dependent
    assert REGISTRY["QJ-R015"] is renovation_with_other_house
    assert REGISTRY["QJ-R015"].entity_kind is EntityKind.BUILDING


def test_r014_on_the_demo_district_has_precision_and_recall_one(demo: Path) -> None:
    with GpkgStore.open(demo) as store:
        truth = {
            k
            for (k,) in store.execute_sql(
                "SELECT entity_key FROM demo_truth WHERE rule_id = 'QJ-R014'"
            )
        }
        result = _run(ruin_not_dealt_with, store, AS_OF)
    found = {f.key for f in result.findings}
    assert truth, "the demo plants ruins"
    assert len(found) == len(result.findings)  # one finding per key
    true_positive = len(found & truth)
    assert true_positive / len(found) == 1.0  # precision
    assert true_positive / len(truth) == 1.0  # recall
    assert all(f.evidence["reason"] == "no_case" for f in result.findings)
    assert all(f.village_code for f in result.findings)


def test_r014_follows_the_cases(tmp_path: Path) -> None:
    store = build_village(tmp_path / "v.gpkg")
    ruins = {bdcdyh(c) for c in ("B1", "B2", "B9", "B10", "B11")}
    day = dt.date(2026, 6, 1)
    assert {f.key for f in _run(ruin_not_dealt_with, store, day).findings} == ruins

    def run(cmd: object) -> None:
        commands.run(store, cmd)  # type: ignore[arg-type]

    run(OpenRuinCase(bdcdyh("B1"), date="2026-03-01"))  # open, no disposition: still found
    run(OpenRuinCase(bdcdyh("B9"), date="2026-03-01"))
    run(DisposeRuin("R2", disposition="新建审批", deadline="2026-06-30", date="2026-03-02"))
    run(OpenRuinCase(bdcdyh("B10"), date="2026-03-01"))
    run(DisposeRuin("R3", disposition="房屋权益保全", deadline="2026-05-31", date="2026-03-02"))
    run(OpenRuinCase(bdcdyh("B2"), date="2026-03-01"))
    run(DisposeRuin("R4", disposition="责令自行拆除", deadline="2026-04-30", date="2026-03-02"))
    run(AdvanceCase("R4", to="demolished", date="2026-04-20"))  # done: no longer a ruin

    by_key = {f.key: f for f in _run(ruin_not_dealt_with, store, day).findings}
    assert set(by_key) == {bdcdyh("B1"), bdcdyh("B10"), bdcdyh("B11")}
    assert by_key[bdcdyh("B1")].evidence["reason"] == "undisposed"
    assert by_key[bdcdyh("B1")].evidence["case"] == "R1"
    late = by_key[bdcdyh("B10")].evidence
    assert (late["reason"], late["days_overdue"], late["case"]) == ("overdue", 1, "R3")
    assert by_key[bdcdyh("B11")].evidence["reason"] == "no_case"
    kinds = {e.kind for e in by_key[bdcdyh("B1")].entities}
    assert kinds == {EntityKind.BUILDING, EntityKind.PARCEL, EntityKind.HOUSEHOLD}
    # the same data judged on an earlier day: the preservation case is not late yet
    earlier = {f.key for f in _run(ruin_not_dealt_with, store, dt.date(2026, 5, 31)).findings}
    assert earlier == {bdcdyh("B1"), bdcdyh("B11")}
    store.close()


def test_r014_an_overdue_case_is_found_after_the_building_stops_being_a_ruin(
    tmp_path: Path,
) -> None:
    store = build_village(tmp_path / "v.gpkg")
    commands.run(store, OpenRuinCase(bdcdyh("B9"), date="2026-03-01"))
    commands.run(
        store, DisposeRuin("R1", disposition="新建审批", deadline="2026-04-30", date="2026-03-02")
    )
    with store.transaction() as conn:  # a re-import says demolished, nobody verified it
        conn.execute("UPDATE buildings SET status = '已拆除' WHERE bdcdyh = ?", [bdcdyh("B9")])
    found = {f.key: f for f in _run(ruin_not_dealt_with, store, dt.date(2026, 5, 1)).findings}
    assert found[bdcdyh("B9")].evidence["reason"] == "overdue"
    store.close()


def test_r015_renovation_of_a_household_with_another_house(tmp_path: Path) -> None:
    store = build_village(tmp_path / "v.gpkg")
    day = dt.date(2026, 6, 1)
    assert _run(renovation_with_other_house, store, day).findings == []
    commands.run(store, OpenRenovationCase(bdcdyh("B4"), date="2026-03-01"))  # eligible
    set_role(store, "approver")
    commands.run(
        store, OpenRenovationCase(bdcdyh("B6"), date="2026-03-01", override_reason="另一处为杂房")
    )
    (finding,) = _run(renovation_with_other_house, store, day).findings
    assert finding.key == bdcdyh("B6")
    assert finding.evidence["other_houses"] == [bdcdyh("B7")]
    assert finding.evidence["case"] == "W2" and finding.evidence["grade"] == "D"
    # the other house demolished: no longer a finding
    with store.transaction() as conn:
        conn.execute("UPDATE buildings SET status = '已拆除' WHERE bdcdyh = ?", [bdcdyh("B7")])
    assert _run(renovation_with_other_house, store, day).findings == []
    # a cancelled case is not a claim
    with store.transaction() as conn:
        conn.execute("UPDATE buildings SET status = '在用' WHERE bdcdyh = ?", [bdcdyh("B7")])
    commands.run(store, AdvanceCase("W2", to="cancelled", note="撤回申请", date="2026-03-02"))
    assert _run(renovation_with_other_house, store, day).findings == []
    store.close()


def test_r015_a_house_acquired_after_the_application_is_found(tmp_path: Path) -> None:
    store = build_village(tmp_path / "v.gpkg")
    commands.run(store, OpenRenovationCase(bdcdyh("B5"), date="2026-03-01"))  # H4, D
    with store.transaction() as conn:  # H4 later takes over P7 and its standing house
        conn.execute("UPDATE parcels SET household_no = 'H4' WHERE zddm LIKE '%JC00007'")
    (finding,) = _run(renovation_with_other_house, store, dt.date(2026, 6, 1)).findings
    assert finding.key == bdcdyh("B5") and finding.evidence["other_houses"] == [bdcdyh("B7")]
    # In a check run the rule takes the run's buildings, parcels and join: the same finding.
    run = evaluate(store, ["QJ-R015"], as_of=dt.date(2026, 6, 1)).results["QJ-R015"]
    assert run.findings == [finding]
    store.close()
