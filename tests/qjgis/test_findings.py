"""Findings persistence: runs, decisions that stick, review again on changed evidence.

The evaluations here are built from real `Finding` records, as the rules
produce them, so that the store side is tested apart from the rules.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from qjgis import commands
from qjgis.checks.base import EntityKind, EntityRef, Finding, Rule, RuleResult, Severity
from qjgis.checks.engine import Evaluation
from qjgis.checks.findings import (
    Review,
    SaveRun,
    finding_statistics,
    get_finding,
    list_findings,
)
from qjgis.errors import QjgisError
from qjgis.store import GpkgStore


def _noop(*_: object) -> RuleResult:
    return RuleResult()


R1 = Rule("QJ-R001", 1, "multiple homesteads", EntityKind.HOUSEHOLD, (), _noop)
R3 = Rule("QJ-R003", 1, "over area", EntityKind.PARCEL, (), _noop)


def household(hno: str, parcels: Sequence[str], village: str, *, exemption: str | None = None):
    return Finding(
        "QJ-R001",
        hno,
        EntityKind.HOUSEHOLD,
        (EntityRef(EntityKind.HOUSEHOLD, hno), *(EntityRef(EntityKind.PARCEL, p) for p in parcels)),
        {"parcels": list(parcels), "count": len(parcels)},
        Severity.ERROR,
        exemption,
        village,
    )


def over_area(zddm: str, excess: float, village: str) -> Finding:
    return Finding(
        "QJ-R003",
        zddm,
        EntityKind.PARCEL,
        (EntityRef(EntityKind.PARCEL, zddm, 1),),
        {"area_m2": 150 + excess, "standard_m2": 150.0, "excess_m2": excess},
        Severity.ERROR,
        None,
        village,
    )


def evaluation(*findings: Finding, rules: Sequence[Rule] = (R1, R3)) -> Evaluation:
    results = {r.id: RuleResult([f for f in findings if f.rule_id == r.id]) for r in rules}
    return Evaluation(dt.date(2026, 6, 30), list(rules), results)


def save(store: GpkgStore, ev: Evaluation) -> SaveRun:
    cmd = SaveRun(ev)  # type: ignore[arg-type]
    commands.run(store, cmd)
    return cmd


V1, V2, V3 = "500110108001", "500110108002", "500110109001"


@pytest.fixture
def store(project: GpkgStore, squares: Callable[..., np.ndarray]) -> GpkgStore:
    with project.transaction() as conn:
        project.insert_rows(
            conn, "towns", {"code": ["500110108", "500110109"], "name": ["石角镇", "东溪镇"]}
        )
        project.insert_features(
            conn,
            "villages",
            squares(3, size=100, step=200),
            {
                "code": [V1, V2, V3],
                "name": ["麻柳村", "青坪村", "麻柳村"],
                "town_code": ["500110108", "500110108", "500110109"],
            },
        )
    return project


def versions(store: GpkgStore) -> dict[str, tuple[int, str, str | None]]:
    rows = store.execute_sql("SELECT key, row_version, state, decision FROM findings")
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def test_a_run_saves_findings_and_is_idempotent(store: GpkgStore) -> None:
    ev = evaluation(household("H1", ["A", "B"], V1), over_area("Z1", 20.5, V2))
    first = save(store, ev).summary
    assert first is not None
    assert first.rules["QJ-R001"].new == 1 and first.rules["QJ-R003"].new == 1
    assert first.villages == {V1: {"QJ-R001": 1}, V2: {"QJ-R003": 1}}
    before = versions(store)
    second = save(store, ev).summary
    assert second is not None
    assert second.run_id == first.run_id + 1
    assert {k: (v.new, v.changed, v.gone) for k, v in second.rules.items()} == {
        "QJ-R001": (0, 0, 0),
        "QJ-R003": (0, 0, 0),
    }
    assert versions(store) == before
    assert store.counts()["findings"] == 2
    assert store.counts()["check_runs"] == 2
    last = store.execute_sql("SELECT DISTINCT last_run FROM findings")
    assert last == [(second.run_id,)]


def test_decision_survives_reruns_and_changed_evidence_asks_again(store: GpkgStore) -> None:
    save(store, evaluation(household("H1", ["A", "B"], V1), over_area("Z1", 20.5, V2)))
    commands.run(store, Review("QJ-R001:H1", "confirmed", "两处宅基地均在用"))
    save(store, evaluation(household("H1", ["A", "B"], V1), over_area("Z1", 20.5, V2)))
    f = get_finding(store, "QJ-R001:H1")
    assert (f.decision, f.needs_review, f.decision_reason) == (
        "confirmed",
        False,
        "两处宅基地均在用",
    )

    # a third parcel turns up: the decision stays, but asks for review again
    summary = save(store, evaluation(household("H1", ["A", "B", "C"], V1))).summary
    assert summary is not None
    assert summary.rules["QJ-R001"].changed == 1
    assert summary.rules["QJ-R001"].needs_review == 1
    assert summary.rules["QJ-R003"].gone == 1
    f = get_finding(store, "QJ-R001:H1")
    assert (f.decision, f.needs_review, f.evidence["count"]) == ("confirmed", True, 3)
    assert [r.key for r in list_findings(store, decision="needs-review")] == ["H1"]
    assert get_finding(store, "QJ-R003:Z1").state == "gone"
    assert list_findings(store, rule="QJ-R003") == []
    assert len(list_findings(store, rule="QJ-R003", include_gone=True)) == 1

    # deciding again on the new evidence settles it
    commands.run(store, Review("QJ-R001:H1", "confirmed", "三处"))
    assert get_finding(store, "QJ-R001:H1").needs_review is False

    # found again: open again, same row, same fid
    fid = get_finding(store, "QJ-R003:Z1").fid
    save(store, evaluation(household("H1", ["A", "B", "C"], V1), over_area("Z1", 20.5, V2)))
    assert get_finding(store, "QJ-R003:Z1").state == "open"
    assert get_finding(store, "QJ-R003:Z1").fid == fid


def test_rules_that_did_not_run_keep_their_findings(store: GpkgStore) -> None:
    save(store, evaluation(household("H1", ["A", "B"], V1), over_area("Z1", 20.5, V2)))
    save(store, evaluation(rules=(R1,)))  # only QJ-R001 ran and found nothing
    assert get_finding(store, "QJ-R001:H1").state == "gone"
    assert get_finding(store, "QJ-R003:Z1").state == "open"


def test_exempted_candidates_remain_findings(store: GpkgStore) -> None:
    save(store, evaluation(household("H2", ["A", "B"], V1, exemption="inheritance")))
    (f,) = list_findings(store)
    assert f.exemption == "inheritance"
    stats = finding_statistics(store, by="village")
    row = next(r for r in stats if r["code"] == V1)
    assert row["exempted"] == 1 and row["multi_homestead_households"] == 0


def test_review_rules(store: GpkgStore) -> None:
    save(store, evaluation(household("H1", ["A", "B"], V1)))
    with pytest.raises(QjgisError) as err:
        commands.run(store, Review("QJ-R001:H1", "exempted", "  "))
    assert err.value.code == "reason_required"
    with pytest.raises(QjgisError) as err:
        commands.run(store, Review("QJ-R001:H9", "confirmed", "x"))
    assert err.value.code == "unknown_finding"
    with pytest.raises(QjgisError) as err:
        Review("QJ-R001:H1", "maybe", "x")
    assert err.value.code == "invalid_argument"
    commands.run(store, commands.SetSettings({"user.role": "surveyor"}))
    with pytest.raises(QjgisError) as err:
        commands.run(store, Review("QJ-R001:H1", "confirmed", "x"))
    assert err.value.code == "not_permitted"
    assert get_finding(store, "QJ-R001:H1").decision is None


def test_review_is_audited_and_reverts(store: GpkgStore) -> None:
    save(store, evaluation(household("H1", ["A", "B"], V1)))
    fid = get_finding(store, "QJ-R001:H1").fid
    commands.run(store, commands.SetSettings({"user.name": "张科员", "user.role": "reviewer"}))
    review = Review(str(fid), "false-positive", "户号录入错误")
    commands.run(store, review)
    f = get_finding(store, fid)
    assert (f.decision, f.decided_by) == ("false_positive", "张科员")
    commands.undo(store, review)
    assert get_finding(store, fid).decision is None
    log = store.execute_sql(
        "SELECT user, role, command, before, after FROM audit_log "
        "WHERE command LIKE 'findings.review%' ORDER BY fid"
    )
    assert [r[2] for r in log] == ["findings.review", "findings.review.revert"]
    assert log[0][:2] == ("张科员", "reviewer")
    assert json.loads(log[0][4])["decision"] == "false_positive"
    assert json.loads(log[1][4])["decision"] is None


def test_stale_review_is_refused(store: GpkgStore, project_path: Path) -> None:
    save(store, evaluation(household("H1", ["A", "B"], V1)))
    seen = get_finding(store, "QJ-R001:H1").row_version
    other = GpkgStore.open(project_path)
    try:
        commands.run(other, Review("QJ-R001:H1", "confirmed", "核实", expected_version=seen))
    finally:
        other.close()
    with pytest.raises(QjgisError) as err:
        commands.run(store, Review("QJ-R001:H1", "false-positive", "误报", expected_version=seen))
    assert err.value.code == "write_conflict"
    assert get_finding(store, "QJ-R001:H1").decision == "confirmed"


def test_reverting_a_run_restores_the_previous_findings(store: GpkgStore) -> None:
    save(store, evaluation(household("H1", ["A", "B"], V1), over_area("Z1", 20.5, V2)))
    before = {
        r.key: (r.state, r.evidence, r.decision) for r in list_findings(store, include_gone=True)
    }
    run = save(store, evaluation(household("H1", ["A", "B", "C"], V1), over_area("Z2", 3, V3)))
    assert store.counts()["findings"] == 3
    commands.undo(store, run)
    after = {
        r.key: (r.state, r.evidence, r.decision) for r in list_findings(store, include_gone=True)
    }
    assert after == before


def test_filters_and_statistics(store: GpkgStore) -> None:
    save(
        store,
        evaluation(
            household("H1", ["A", "B"], V1),
            household("H2", ["C", "D"], V3),
            household("H3", ["E", "F"], V2, exemption="historical"),
            over_area("Z1", 20.5, V1),
            over_area("Z2", 4.25, V3),
        ),
    )
    # 麻柳村 is the name of two villages in two towns: a name means both
    assert {r.key for r in list_findings(store, village="麻柳村")} == {"H1", "H2", "Z1", "Z2"}
    assert {r.key for r in list_findings(store, village=V2)} == {"H3"}
    assert list_findings(store, village=V2)[0].village_name == "青坪村"
    with pytest.raises(QjgisError):
        list_findings(store, village="不存在村")
    commands.run(store, Review("QJ-R003:Z2", "false-positive", "面积录错"))
    assert [r.key for r in list_findings(store, decision="pending", rule="QJ-R003")] == ["Z1"]

    villages = {r["code"]: r for r in finding_statistics(store, by="village")}
    assert set(villages) == {V1, V2, V3}
    assert villages[V1]["multi_homestead_households"] == 1
    assert villages[V1]["over_area_m2"] == 20.5
    assert villages[V3]["over_area_m2"] == 0  # its only over-area finding is a false positive
    assert villages[V3]["false_positive"] == 1
    assert villages[V2]["exempted"] == 1 and villages[V2]["multi_homestead_households"] == 0

    towns = {r["code"]: r for r in finding_statistics(store, by="town")}
    assert set(towns) == {"500110108", "500110109"}
    assert towns["500110108"]["name"] == "石角镇"
    assert towns["500110108"]["findings"] == 3
    (district,) = finding_statistics(store, by="district")
    assert district["findings"] == sum(t["findings"] for t in towns.values()) == 5
    assert district["by_rule"]["QJ-R001"] == {"found": 3, "standing": 2}


# ---------------------------------------------------------------- issue 20 point 10
def test_a_second_review_does_not_silently_replace_the_first(store: GpkgStore) -> None:
    save(store, evaluation(household("H1", ["A", "B"], V1)))
    commands.run(store, commands.SetSettings({"user.name": "张科员", "user.role": "reviewer"}))
    commands.run(store, Review("QJ-R001:H1", "confirmed", "两处均在用"))
    commands.run(store, commands.SetSettings({"user.name": "李科员"}))
    with pytest.raises(QjgisError) as err:
        commands.run(store, Review("QJ-R001:H1", "false-positive", "户号错"))
    assert err.value.code == "decision_exists"
    assert err.value.params["decided_by"] == "张科员"
    f = get_finding(store, "QJ-R001:H1")
    assert (f.decision, f.decided_by) == ("confirmed", "张科员")
    # asked for explicitly, it replaces, and the audit keeps both
    commands.run(store, Review("QJ-R001:H1", "false-positive", "户号错", replace=True))
    assert get_finding(store, "QJ-R001:H1").decision == "false_positive"
    log = store.execute_sql(
        "SELECT user, before, after FROM audit_log WHERE command = 'findings.review' ORDER BY fid"
    )
    assert [(u, json.loads(a)["decision"]) for u, _, a in log] == [
        ("张科员", "confirmed"),
        ("李科员", "false_positive"),
    ]
    assert json.loads(log[1][1])["decision"] == "confirmed"


def test_a_replacing_review_on_a_stale_version_is_refused(store: GpkgStore) -> None:
    save(store, evaluation(household("H1", ["A", "B"], V1)))
    seen = get_finding(store, "QJ-R001:H1").row_version
    commands.run(store, Review("QJ-R001:H1", "confirmed", "核实"))  # someone else, meanwhile
    with pytest.raises(QjgisError) as err:
        commands.run(
            store,
            Review("QJ-R001:H1", "exempted", "继承", expected_version=seen, replace=True),
        )
    assert err.value.code == "write_conflict"
    assert get_finding(store, "QJ-R001:H1").decision == "confirmed"


def test_review_with_an_exemption_code_is_stored_audited_and_kept(store: GpkgStore) -> None:
    """Issue 13: the exemption code is the decision's own field, not only reason words."""
    save(store, evaluation(household("H1", ["A", "B"], V1)))
    review = Review("QJ-R001:H1", "exempted", "父亲去世后继承", exemption="inheritance")
    commands.run(store, review)
    f = get_finding(store, "QJ-R001:H1")
    assert (f.decision, f.decision_exemption) == ("exempted", "inheritance")
    (before, after) = store.execute_sql(
        "SELECT before, after FROM audit_log WHERE command = 'findings.review'"
    )[0]
    assert json.loads(before)["decision_exemption"] is None
    assert json.loads(after)["decision_exemption"] == "inheritance"
    # a rerun keeps it with the decision
    save(store, evaluation(household("H1", ["A", "B"], V1)))
    assert get_finding(store, "QJ-R001:H1").decision_exemption == "inheritance"
    # replaced by a confirmation, the code goes; undoing that brings it back
    again = Review("QJ-R001:H1", "confirmed", "复查后确认", replace=True)
    commands.run(store, again)
    assert get_finding(store, "QJ-R001:H1").decision_exemption is None
    commands.undo(store, again)
    assert get_finding(store, "QJ-R001:H1").decision_exemption == "inheritance"
    reverted = store.execute_sql(
        "SELECT after FROM audit_log WHERE command = 'findings.review.revert'"
    )[0][0]
    assert json.loads(reverted)["decision_exemption"] == "inheritance"


def test_an_exemption_code_is_checked(store: GpkgStore) -> None:
    save(store, evaluation(household("H1", ["A", "B"], V1)))
    with pytest.raises(QjgisError) as err:
        Review("QJ-R001:H1", "exempted", "x", exemption="friendship")
    assert err.value.code == "invalid_argument" and "inheritance" in err.value.params["choices"]
    with pytest.raises(QjgisError) as err:
        Review("QJ-R001:H1", "confirmed", "x", exemption="split")
    assert err.value.code == "exemption_needs_exempted"
    assert Review("QJ-R001:H1", "exempted", "x", exemption=" Historical ").exemption == "historical"
    assert Review("QJ-R001:H1", "exempted", "x", exemption="").exemption is None


def test_a_run_after_an_undone_run_reverts_exactly_its_own_findings(store: GpkgStore) -> None:
    # SQLite's AUTOINCREMENT does not hand the undone run's fids out again: the run must
    # remember the fids the store wrote, not "max(fid) + 1", or its undo leaves rows behind
    first = save(store, evaluation(household("H1", ["A", "B"], V1), over_area("Z1", 20.5, V2)))
    commands.undo(store, first)
    assert store.counts()["findings"] == 0
    second = save(store, evaluation(household("H1", ["A", "B"], V1), over_area("Z1", 20.5, V2)))
    assert store.counts()["findings"] == 2
    commands.undo(store, second)
    assert store.counts()["findings"] == 0
