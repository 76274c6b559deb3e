"""Findings in the project: saved per run, decided by reviewers, kept across runs.

DESIGN.md's findings contract: a finding is keyed by (rule id, primary entity
key). Re-running the checks updates the evidence of the findings it finds
again, adds the new ones and marks the ones it no longer finds as `gone`; a
reviewer's decision sticks to the key. When the evidence a decision was made on
changes, the finding asks for review again (`needs_review`), derived from the
evidence hash at decision time, never stored as a flag that could go stale.

Saving a run and recording a decision are commands: each applies in one
transaction, is audited, and can be reverted by a compensating write.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from qjgis.checks.base import Finding
from qjgis.commands import Changes
from qjgis.errors import QjgisError
from qjgis.model import Role
from qjgis.pg.url import is_database_url
from qjgis.store import GpkgStore
from qjgis.store_api import update_each

if TYPE_CHECKING:
    from qjgis.checks.engine import Evaluation

QjgisError.register(
    {
        "unknown_finding": "no finding {finding} in this project",
        "not_permitted": "the role {role} may not {action}",
        "not_permitted_login": (
            "this database login's role {role} may not {action} "
            "(an administrator gives a login its role: db user add)"
        ),
        "reason_required": "a decision of {decision} needs a reason",
        "decision_exists": (
            "finding {finding} was already decided ({decision}, by {decided_by} at "
            "{decided_at}); replacing that decision must be asked for (--replace)"
        ),
        "exemption_needs_exempted": (
            "an exemption code ({exemption}) goes with the decision exempted, not {decision}"
        ),
    }
)


class Decision:
    CONFIRMED = "confirmed"
    EXEMPTED = "exempted"
    FALSE_POSITIVE = "false_positive"
    ALL = (CONFIRMED, EXEMPTED, FALSE_POSITIVE)

    @staticmethod
    def parse(value: str) -> str:
        v = value.strip().lower().replace("-", "_")
        if v not in Decision.ALL:
            raise QjgisError(
                "invalid_argument",
                name="--decision",
                value=value,
                reason="one_of",
                choices="confirmed, exempted, false-positive",
            )
        return v


def _exemption(code: str | None, decision: str) -> str | None:
    """A reviewer's exemption code: one of `EXEMPTION_CODES`, and only with 豁免."""
    from qjgis.codes import EXEMPTION_CODES

    if code is None or not str(code).strip():
        return None
    value = str(code).strip().lower().replace("-", "_")
    if value not in EXEMPTION_CODES:
        raise QjgisError(
            "invalid_argument", name="--exemption", value=code, reason="one_of",
            choices=", ".join(EXEMPTION_CODES),
        )  # fmt: skip
    if decision != Decision.EXEMPTED:
        raise QjgisError("exemption_needs_exempted", exemption=value, decision=decision)
    return value


#: Who may decide findings; surveyors bring data, they do not judge it.
REVIEW_ROLES = frozenset({Role.REVIEWER, Role.APPROVER, Role.ADMIN})

#: Columns a run writes on a finding it (re)finds; decisions are left alone.
_RUN_COLUMNS = (
    "rule_version",
    "entity_kind",
    "severity",
    "exemption",
    "village_code",
    "entities",
    "evidence",
    "evidence_hash",
    "state",
    "last_run",
)
_DECISION_COLUMNS = (
    "decision", "decision_reason", "decided_by", "decided_at", "decided_hash",
    "decision_exemption",
)  # fmt: skip
#: what the audit log records of a decision, before and after
_AUDITED = ("decision", "decision_reason", "decision_exemption")


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def _finding_row(f: Finding, version: int, run_id: int) -> dict[str, Any]:
    return {
        "rule_version": version,
        "entity_kind": f.entity_kind.value,
        "severity": f.severity.value,
        "exemption": f.exemption,
        "village_code": f.village_code,
        "entities": json.dumps([e.as_json() for e in f.entities], ensure_ascii=False),
        "evidence": json.dumps(f.evidence, ensure_ascii=False, sort_keys=True, default=str),
        "evidence_hash": f.evidence_hash(),
        "state": "open",
        "last_run": run_id,
    }


@dataclass
class RuleSummary:
    rule_id: str
    version: int
    found: int = 0
    exempted: int = 0  # found with an exemption code
    new: int = 0
    changed: int = 0  # evidence differs from the last run
    needs_review: int = 0  # decided, but on evidence that has since changed
    gone: int = 0  # found before, not any more
    unevaluated: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class RunSummary:
    run_id: int
    as_of: str
    rules: dict[str, RuleSummary]
    #: village code -> rule id -> open findings found by this run
    villages: dict[str, dict[str, int]]
    seconds: float

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "as_of": self.as_of,
            "seconds": round(self.seconds, 3),
            "rules": {k: vars(v) for k, v in self.rules.items()},
            "villages": self.villages,
        }


class SaveRun:
    """Persist one evaluation: a check_runs row and the findings it updates.

    Idempotent: saving the same findings again changes no evidence, decision
    or state; only the run that last saw each finding moves on.
    """

    name = "checks.run"

    def __init__(self, evaluation: Evaluation) -> None:
        self.evaluation = evaluation
        self.summary: RunSummary | None = None
        self._run_id: int | None = None
        self._inserted: list[int] = []
        self._updated: dict[int, dict[str, Any]] = {}

    def apply(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        ev = self.evaluation
        # Two desks saving runs at once take turns (on a database; a file's writer holds
        # the file): the second reads the first's findings and updates them by rule and
        # key instead of inserting them again.
        from qjgis.pg.conflict import serialise

        serialise(conn, "checks.run")
        started = _now()
        rule_ids = [r.id for r in ev.rules]
        run_id = store.insert_row(
            conn,
            "check_runs",
            {
                "started": started,
                "user": store.settings().user,
                "as_of": ev.as_of.isoformat(),
                "rules": json.dumps(rule_ids),
            },
        )
        self._run_id = run_id
        self._inserted, self._updated = [], {}
        summaries: dict[str, RuleSummary] = {}
        villages: dict[str, Counter[str]] = defaultdict(Counter)
        for r in ev.rules:
            result = ev.results[r.id]
            s = RuleSummary(r.id, r.version, unevaluated=dict(result.unevaluated))
            s.seconds = round(float(ev.seconds.get(r.id, 0.0)), 3)
            summaries[r.id] = s
            self._save_rule(store, conn, r.id, r.version, result.findings, run_id, s)
            for f in result.findings:
                villages[f.village_code or ""][r.id] += 1
        total = round(sum(ev.seconds.values()) + getattr(ev, "context_seconds", 0.0), 3)
        self.summary = RunSummary(
            run_id,
            ev.as_of.isoformat(),
            summaries,
            {v: dict(sorted(c.items())) for v, c in sorted(villages.items())},
            total,
        )
        store.update_rows(
            conn,
            "check_runs",
            [run_id],
            ["finished", "summary"],
            [(_now(), json.dumps(self.summary.as_json(), ensure_ascii=False))],
            bump_version=False,
        )
        store.audit(
            conn,
            self.name,
            "findings",
            None,
            {
                "run": run_id,
                "as_of": ev.as_of.isoformat(),
                "rules": {
                    k: {"found": v.found, "new": v.new, "changed": v.changed, "gone": v.gone}
                    for k, v in summaries.items()
                },
            },
        )
        return Changes(tables=frozenset({"findings", "check_runs"}))

    def _save_rule(
        self,
        store: GpkgStore,
        conn: sqlite3.Connection,
        rule_id: str,
        version: int,
        findings: Sequence[Finding],
        run_id: int,
        s: RuleSummary,
    ) -> None:
        cols = ", ".join(_RUN_COLUMNS)
        existing = {
            row[1]: row
            for row in conn.execute(
                f"SELECT fid, key, {cols}, decision, decided_hash, first_run "
                "FROM findings WHERE rule_id = ?",
                (rule_id,),
            )
        }
        seen: set[str] = set()
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        touch: list[tuple[int, int]] = []
        for f in findings:
            if f.key in seen:  # a rule must not report one key twice; keep the first
                continue
            seen.add(f.key)
            row = _finding_row(f, version, run_id)
            s.found += 1
            s.exempted += f.exemption is not None
            old = existing.get(f.key)
            if old is None:
                s.new += 1
                inserts.append((rule_id, f.key, *[row[c] for c in _RUN_COLUMNS], run_id))
                continue
            old_values = dict(zip(_RUN_COLUMNS, old[2 : 2 + len(_RUN_COLUMNS)], strict=True))
            decision, decided_hash = old[2 + len(_RUN_COLUMNS)], old[3 + len(_RUN_COLUMNS)]
            content_changed = any(old_values[c] != row[c] for c in _RUN_COLUMNS if c != "last_run")
            if old_values["evidence_hash"] != row["evidence_hash"]:
                s.changed += 1
            if decision is not None and decided_hash != row["evidence_hash"]:
                s.needs_review += 1
            if content_changed:
                self._updated[int(old[0])] = old_values
                updates.append((*[row[c] for c in _RUN_COLUMNS], int(old[0])))
            else:
                self._updated.setdefault(int(old[0]), {"last_run": old_values["last_run"]})
                touch.append((run_id, int(old[0])))
        if inserts:
            # through the store's write path, which says which fids it wrote: "max + 1"
            # is not what a database's sequence (or SQLite's AUTOINCREMENT after an undo)
            # hands out, and revert deletes exactly these
            names = ["rule_id", "key", *_RUN_COLUMNS, "first_run"]
            columns = {}
            for k, name in enumerate(names):
                values = np.empty(len(inserts), dtype=object)
                values[:] = [row[k] for row in inserts]
                columns[name] = values
            self._inserted.extend(store.insert_rows(conn, "findings", columns).tolist())
        if updates:
            store.update_rows(
                conn, "findings", [u[-1] for u in updates], _RUN_COLUMNS, [u[:-1] for u in updates]
            )
        if touch:  # same content: only remember that this run saw it again
            store.update_rows(
                conn, "findings", [f for _, f in touch], ["last_run"], [(r,) for r, _ in touch],
                bump_version=False,
            )  # fmt: skip
        gone = [
            (int(old[0]),)
            for key, old in existing.items()
            if key not in seen and old[2 + _RUN_COLUMNS.index("state")] == "open"
        ]
        for (fid,) in gone:
            self._updated[fid] = {"state": "open"}
        s.gone = len(gone)
        if gone:
            store.update_rows(
                conn, "findings", [f for (f,) in gone], [], [() for _ in gone],
                constants={"state": "gone"},
            )  # fmt: skip

    def revert(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        if self._run_id is None:
            raise RuntimeError("revert before apply")
        store.delete_rows(conn, "findings", self._inserted)
        # a finding gone and a finding re-opened restore different columns
        update_each(store, conn, "findings", self._updated.items())
        store.audit(
            conn, self.name + ".revert", "findings", {"run": self._run_id}, {"reverted": True}
        )
        return Changes(tables=frozenset({"findings"}))


def run_checks(
    store: GpkgStore,
    rule_ids: Sequence[str] | None = None,
    *,
    as_of: dt.date | None = None,
    feedback: Any = None,
) -> RunSummary:
    """Evaluate the rules and save their findings in one transaction."""
    from qjgis.checks.engine import evaluate

    evaluation = evaluate(store, rule_ids, as_of=as_of, feedback=feedback)
    command = SaveRun(evaluation)
    with store.transaction() as conn:
        command.apply(store, conn)
    assert command.summary is not None
    return command.summary


# ---------------------------------------------------------------- reading
@dataclass(frozen=True)
class FindingRecord:
    fid: int
    rule_id: str
    rule_version: int
    key: str
    entity_kind: str
    severity: str
    exemption: str | None
    village_code: str | None
    village_name: str | None
    entities: list[dict[str, Any]]
    evidence: dict[str, Any]
    state: str
    decision: str | None
    decision_reason: str | None
    decided_by: str | None
    decided_at: str | None
    needs_review: bool
    row_version: int
    decision_exemption: str | None = None  # the reviewer's exemption code (豁免)

    def as_json(self) -> dict[str, Any]:
        return dict(vars(self))


_SELECT = (
    "SELECT f.fid, f.rule_id, f.rule_version, f.key, f.entity_kind, f.severity, f.exemption, "
    "f.village_code, v.name, f.entities, f.evidence, f.state, f.decision, f.decision_reason, "
    "f.decided_by, f.decided_at, f.decided_hash, f.evidence_hash, f.row_version, "
    "f.decision_exemption FROM findings f LEFT JOIN villages v ON v.code = f.village_code"
)


def _record(row: Sequence[Any]) -> FindingRecord:
    decision, decided_hash, evidence_hash = row[12], row[16], row[17]
    return FindingRecord(
        fid=int(row[0]),
        rule_id=row[1],
        rule_version=int(row[2]),
        key=row[3],
        entity_kind=row[4],
        severity=row[5],
        exemption=row[6],
        village_code=row[7],
        village_name=row[8],
        entities=json.loads(row[9]),
        evidence=json.loads(row[10]),
        state=row[11],
        decision=decision,
        decision_reason=row[13],
        decided_by=row[14],
        decided_at=row[15],
        needs_review=decision is not None and decided_hash != evidence_hash,
        row_version=int(row[18]),
        decision_exemption=row[19],
    )


def village_codes(store: GpkgStore, village: str) -> list[str]:
    """The codes a user means by a village code or name (names can repeat across towns)."""
    return sorted(code for code, _ in store.find_villages(village))


FILTER_DECISIONS = ("pending", "confirmed", "exempted", "false_positive", "needs_review")


def list_findings(
    store: GpkgStore,
    *,
    rule: str | None = None,
    village: str | None = None,
    decision: str | None = None,
    include_gone: bool = False,
) -> list[FindingRecord]:
    """Findings filtered as the `findings` command and the review panel need."""
    where: list[str] = []
    params: list[Any] = []
    if not include_gone:
        where.append("f.state = 'open'")
    if rule:
        where.append("f.rule_id = ?")
        params.append(rule.upper())
    if village:
        codes = village_codes(store, village)
        where.append(f"f.village_code IN ({', '.join('?' * len(codes))})")
        params.extend(codes)
    d = decision.strip().lower().replace("-", "_") if decision else None
    if d is not None and d not in FILTER_DECISIONS:
        raise QjgisError(
            "invalid_argument",
            name="--decision",
            value=decision,
            reason="one_of",
            choices=", ".join(x.replace("_", "-") for x in FILTER_DECISIONS),
        )
    if d == "pending":
        where.append("f.decision IS NULL")
    elif d == "needs_review":
        where.append("f.decision IS NOT NULL AND f.decided_hash <> f.evidence_hash")
    elif d is not None:
        where.append("f.decision = ?")
        params.append(d)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY f.rule_id, f.village_code, f.key"
    return [_record(r) for r in store.execute_sql(sql, params)]


def get_finding(store: GpkgStore, finding: str | int) -> FindingRecord:
    """A finding by its number, or by `RULE:KEY` (e.g. `QJ-R001:500110108001000012`)."""
    text = str(finding).strip()
    if text.isdigit():
        rows = store.execute_sql(_SELECT + " WHERE f.fid = ?", (int(text),))
    else:
        rule_id, sep, key = text.partition(":")
        rows = (
            store.execute_sql(
                _SELECT + " WHERE f.rule_id = ? AND f.key = ?", (rule_id.upper(), key)
            )
            if sep
            else []
        )
    if not rows:
        raise QjgisError("unknown_finding", finding=text)
    return _record(rows[0])


# ---------------------------------------------------------------- deciding
class Review:
    """A reviewer's decision on one finding; reverting restores the previous decision.

    A decision never silently replaces another: when the finding already carries one
    (on the evidence it has now), the review is refused unless `replace` is given (the
    CLI's `--replace`; the window asks first). A finding whose evidence changed since
    its decision asks for review again, and that review needs no `replace`. With
    `expected_version` (the row version the reviewer saw), a finding changed since
    (another reviewer, a new run) is refused as `write_conflict`.
    """

    name = "findings.review"

    def __init__(
        self,
        finding: str | int,
        decision: str,
        reason: str,
        *,
        expected_version: int | None = None,
        replace: bool = False,
        exemption: str | None = None,
    ) -> None:
        self.finding = finding
        self.decision = Decision.parse(decision)
        self.reason = reason.strip()
        self.exemption = _exemption(exemption, self.decision)
        self.expected_version = expected_version
        self.replace = replace
        self.fid: int | None = None
        self._before: dict[str, Any] | None = None
        self._version_after: int | None = None

    def apply(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        s = store.settings()
        if s.role not in REVIEW_ROLES:
            # on a database the role is the login's (qjgis.pg.roles), not a setting
            code = "not_permitted_login" if is_database_url(store.path) else "not_permitted"
            raise QjgisError(code, role=s.role.value, action="review_findings")
        if not self.reason:
            raise QjgisError("reason_required", decision=self.decision)
        record = get_finding(store, self.finding)
        self.fid = record.fid
        evidence_hash = conn.execute(
            "SELECT evidence_hash FROM findings WHERE fid = ?", (record.fid,)
        ).fetchone()[0]
        expected = record.row_version if self.expected_version is None else self.expected_version
        if expected != record.row_version:  # decided on a row that has moved on since
            raise QjgisError(
                "write_conflict",
                table="findings",
                fid=record.fid,
                expected=expected,
                found=record.row_version,
            )
        if record.decision is not None and not record.needs_review and not self.replace:
            raise QjgisError(
                "decision_exists",
                finding=f"{record.fid} ({record.rule_id}:{record.key})",
                decision=record.decision,
                decided_by=record.decided_by,
                decided_at=record.decided_at,
            )
        changes = {
            "decision": self.decision,
            "decision_reason": self.reason,
            "decided_by": s.user,
            "decided_at": _now(),
            "decided_hash": evidence_hash,
            "decision_exemption": self.exemption,
        }
        self._before = store.update_row(conn, "findings", record.fid, changes, expected)
        self._version_after = int(expected) + 1
        store.audit(
            conn,
            self.name,
            f"findings/{record.fid} {record.rule_id}:{record.key}",
            {k: self._before[k] for k in _AUDITED},
            {k: changes[k] for k in _AUDITED},
        )
        return Changes(tables=frozenset({"findings"}))

    def revert(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        if self._before is None or self.fid is None:
            raise RuntimeError("revert before apply")
        # Undo only what this review wrote: a decision someone made since is not overwritten.
        current = store.update_row(conn, "findings", self.fid, self._before, self._version_after)
        self._version_after = None if self._version_after is None else self._version_after + 1
        store.audit(
            conn,
            self.name + ".revert",
            f"findings/{self.fid}",
            {k: current[k] for k in _AUDITED},
            {k: self._before[k] for k in _AUDITED},
        )
        return Changes(tables=frozenset({"findings"}))


# ---------------------------------------------------------------- statistics
#: evidence keys that carry an over-area excess in square metres (QJ-R003)
_EXCESS_KEYS = ("excess_m2", "excess", "over_m2")


def _excess(evidence: Mapping[str, Any]) -> float:
    for k in _EXCESS_KEYS:
        v = evidence.get(k)
        if isinstance(v, int | float):
            return float(v)
    return 0.0


def finding_statistics(store: GpkgStore, *, by: str = "village") -> list[dict[str, Any]]:
    """Counts of open findings per village, town or the whole district.

    Exempted candidates and false positives are counted apart from the cases
    that stand (`open` minus those), so the weekly report reads at a glance
    how many households hold several homesteads and how many m² are over the
    standard.
    """
    if by not in ("village", "town", "district"):
        raise QjgisError(
            "invalid_argument",
            name="--by",
            value=by,
            reason="one_of",
            choices="village, town, district",
        )
    groups = _groups(store)
    rows: dict[str, dict[str, Any]] = {}
    for village in groups.values():
        code, name = _group_of(by, *village)
        rows.setdefault(code, _empty_row(by, code, name, village[2], village[3]))
    if by == "district":
        rows.setdefault("", _empty_row(by, "", None, None, None))
    records = store.execute_sql(
        "SELECT rule_id, village_code, exemption, decision, evidence FROM findings "
        "WHERE state = 'open'"
    )
    for rule_id, village_code, exemption, decision, evidence in records:
        village = groups.get(village_code or "", (village_code or "", None, None, None))
        code, name = _group_of(by, *village)
        town_code, town_name = village[2], village[3]
        row = rows.setdefault(code, _empty_row(by, code, name, town_code, town_name))
        row["findings"] += 1
        stands = exemption is None and decision not in (
            Decision.EXEMPTED,
            Decision.FALSE_POSITIVE,
        )
        counts = row["by_rule"].setdefault(rule_id, {"found": 0, "standing": 0})
        counts["found"] += 1
        counts["standing"] += stands
        row["pending"] += decision is None
        row["confirmed"] += decision == Decision.CONFIRMED
        row["exempted"] += exemption is not None or decision == Decision.EXEMPTED
        row["false_positive"] += decision == Decision.FALSE_POSITIVE
        if stands and rule_id == "QJ-R001":
            row["multi_homestead_households"] += 1
        if stands and rule_id == "QJ-R002":
            row["new_without_demolition"] += 1
        if stands and rule_id == "QJ-R003":
            row["over_area_parcels"] += 1
            row["over_area_m2"] = round(row["over_area_m2"] + _excess(json.loads(evidence)), 2)
    return sorted(rows.values(), key=lambda r: r["code"])


def _groups(store: GpkgStore) -> dict[str, tuple[str, str | None, str | None, str | None]]:
    """village code -> (code, name, town code, town name)"""
    rows = store.execute_sql(
        "SELECT v.code, v.name, v.town_code, t.name FROM villages v "
        "LEFT JOIN towns t ON t.code = v.town_code"
    )
    return {r[0]: (r[0], r[1], r[2], r[3]) for r in rows}


def _group_of(
    by: str, code: str, name: str | None, town_code: str | None, town_name: str | None
) -> tuple[str, str | None]:
    if by == "town":
        return town_code or "", town_name
    if by == "district":
        return "", None
    return code, name


def _empty_row(
    by: str, code: str, name: str | None, town_code: str | None, town_name: str | None
) -> dict[str, Any]:
    row: dict[str, Any] = {"code": code, "name": name}
    if by == "village":
        row |= {"town_code": town_code, "town_name": town_name}
    return row | {
        "findings": 0,
        "pending": 0,
        "confirmed": 0,
        "exempted": 0,
        "false_positive": 0,
        "multi_homestead_households": 0,
        "new_without_demolition": 0,
        "over_area_parcels": 0,
        "over_area_m2": 0.0,
        "by_rule": {},
    }


def summarise_by_rule(records: Iterable[FindingRecord]) -> dict[str, int]:
    return dict(sorted(Counter(r.rule_id for r in records).items()))
