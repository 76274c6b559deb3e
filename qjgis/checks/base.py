"""What a rule is and what it returns: findings as data, never sentences.

After LADM-COL's quality-rule registry and QGIS Processing's feedback: each
rule has a stable id and a version, reads its parameters from the project
settings, reports progress and honours Cancel, and returns `Finding` records.
User-facing words for rule ids, severities, exemption and reason codes live in
`ui/` and go through Qt's translation files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from qjgis.feedback import Feedback


class Severity(StrEnum):
    ERROR = "error"  # breaks a rule of the policy: a case to decide
    WARNING = "warning"  # a survey-quality problem to correct
    INFO = "info"  # a fact worth knowing (for example an exempted candidate)


class EntityKind(StrEnum):
    HOUSEHOLD = "household"
    PARCEL = "parcel"
    BUILDING = "building"
    MEMBER = "member"
    VILLAGE = "village"


@dataclass(frozen=True)
class EntityRef:
    """One entity a finding involves: its kind, its business key and its row id."""

    kind: EntityKind
    key: str  # 户号, 宗地代码 (with "#k" for the k-th duplicate), 不动产单元代码, "户号/seq"
    fid: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "key": self.key, "fid": self.fid}


@dataclass(frozen=True)
class Finding:
    """One rule's result for one primary entity.

    `key` is the primary entity's business key: the decision a reviewer makes
    sticks to (rule_id, key). `evidence` holds figures only (areas, shares,
    dates, codes), JSON-serialisable, so that a changed figure is detectable.
    """

    rule_id: str
    key: str
    entity_kind: EntityKind
    entities: tuple[EntityRef, ...]
    evidence: Mapping[str, Any]
    severity: Severity = Severity.ERROR
    exemption: str | None = None  # an exemption code: still a finding, recorded with its reason
    village_code: str | None = None

    def evidence_hash(self) -> str:
        """Stable digest of what the reviewer saw: evidence, entities and exemption."""
        payload = json.dumps(
            {
                "evidence": self.evidence,
                "entities": [e.as_json() for e in self.entities],
                "exemption": self.exemption,
            },
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


@dataclass
class RuleResult:
    findings: list[Finding] = field(default_factory=list)
    #: reason code -> number of entities the rule could not evaluate (e.g. "invalid_geometry")
    unevaluated: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str, count: int = 1) -> None:
        if count:
            self.unevaluated[reason] = self.unevaluated.get(reason, 0) + int(count)


@dataclass(frozen=True)
class Rule:
    id: str  # "QJ-R001"
    version: int  # bump when the rule's logic changes what it finds
    name: str  # English fallback title; the UI translates by id
    entity_kind: EntityKind
    settings: tuple[str, ...]  # the setting keys it reads
    run: Callable[..., RuleResult]  # run(context, settings, feedback) -> RuleResult
    date_dependent: bool = False  # takes the as-of date
    # Queries the project itself (its cases), not only the context: runs on the thread
    # that opened the store, since an SQLite connection stays on its thread.
    reads_project: bool = False


REGISTRY: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.id in REGISTRY and REGISTRY[rule.id] is not rule:
        raise ValueError(f"rule {rule.id} registered twice")
    REGISTRY[rule.id] = rule
    return rule


def rule(
    id: str,
    *,
    version: int,
    name: str,
    entity_kind: EntityKind,
    settings: tuple[str, ...] = (),
    date_dependent: bool = False,
    reads_project: bool = False,
) -> Callable[[Callable[..., RuleResult]], Rule]:
    """Decorator: register a function `(context, settings, feedback) -> RuleResult` as a rule."""

    def wrap(fn: Callable[..., RuleResult]) -> Rule:
        return register(
            Rule(
                id,
                version,
                name,
                entity_kind,
                settings,
                fn,
                date_dependent=date_dependent,
                reads_project=reads_project,
            )
        )

    return wrap


def ordered_rules(ids: Mapping[str, Any] | list[str] | None = None) -> list[Rule]:
    """The registered rules (or the named ones), in id order."""
    if ids is None:
        return [REGISTRY[k] for k in sorted(REGISTRY)]
    return [REGISTRY[k] for k in sorted(ids)]


__all__ = [
    "REGISTRY",
    "EntityKind",
    "EntityRef",
    "Feedback",
    "Finding",
    "Rule",
    "RuleResult",
    "Severity",
    "ordered_rules",
    "register",
    "rule",
]
