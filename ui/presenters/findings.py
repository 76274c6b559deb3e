"""A finding as a person reads it: its row in a table and its evidence in words.

Evidence is stored as JSON data (DESIGN.md: rules return data, never
sentences); here each key gets its Chinese title and each value its unit:
areas in m², shares in %, dates as dates, codes as words. Unknown keys still
show, under their own name, so a new rule's evidence is never hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from qjgis.checks.findings import FindingRecord
from ui.presenters.words import has, language, t, t_or
from ui.texts import value_text as _stored_value_text

#: nested evidence lists: the key that names each item
_ITEM_KEYS = ("parcel", "building", "feature")
#: evidence keys whose values are stored enumerated values (a building's 房屋状态 as
#: imported, 在用 ...), and the kind of value the catalogue names them under
_VALUE_KINDS = {
    "status": "building_status",
    "split_status": "split_status",
    "land_type": "land_type",
    "household_type": "household_type",
    "acquisition_mode": "acquisition_mode",
    "disposal": "plot_disposal",
    "renovation_state": "renovation_state",
    # a ruin case's state and disposition (QJ-R014)
    "state": "state",
    "disposition": "disposition",
}
#: evidence keys holding a year: printed as a year, never as "2,018"
_YEAR_KEYS = ("year_built", "new_year_built")


@dataclass(frozen=True)
class FindingRow:
    """One finding in the findings table, every column already in words."""

    fid: int
    rule_id: str
    rule: str  # "QJ-R001 一户多宅"
    key: str
    kind: str
    village: str
    holder: str
    severity: str
    exemption: str
    decision: str
    decision_code: str  # pending | confirmed | exempted | false_positive
    needs_review: bool
    evidence: str


def rule_title(rule_id: str) -> str:
    return t_or(f"rule.{rule_id}", rule_id)


def decision_code(record: FindingRecord) -> str:
    return record.decision or "pending"


def decision_text(record: FindingRecord) -> str:
    text = t(f"decision.{decision_code(record)}")
    if record.decision_exemption:
        text = t("decision.with_exemption", decision=text,
                 exemption=exemption_text(record.decision_exemption))  # fmt: skip
    if record.needs_review:
        text += t("fmt.list_sep") + t("decision.needs_review")
    return text


def exemption_text(code: str | None) -> str:
    return t_or(f"exemption.{code}", code) if code else ""


def finding_row(record: FindingRecord, holder: str | None = None) -> FindingRow:
    village = record.village_name or record.village_code or ""
    return FindingRow(
        fid=record.fid,
        rule_id=record.rule_id,
        rule=f"{record.rule_id} {rule_title(record.rule_id)}",
        key=record.key,
        kind=t_or(f"kind.{record.entity_kind}", record.entity_kind),
        village=village,
        holder=holder or "",
        severity=t_or(f"severity.{record.severity}", record.severity),
        exemption=exemption_text(record.exemption),
        decision=decision_text(record),
        decision_code=decision_code(record),
        needs_review=record.needs_review,
        evidence=evidence_text(record.evidence),
    )


# ---------------------------------------------------------------- evidence
def value_text(key: str, value: Any) -> str:
    """One evidence value in words, its unit chosen by its key."""
    if value is None or value == "" or value == []:
        return t("val.none")
    if isinstance(value, bool):
        return t("val.yes") if value else t("val.no")
    if key in _YEAR_KEYS and isinstance(value, int | float):
        return str(int(value))
    if isinstance(value, int | float):
        # Units are the same in both languages: SI symbols and the per cent sign.
        if key.endswith("_m2"):
            return f"{_number(value)} m²"
        if key.endswith("_m"):
            return f"{_number(value)} m"
        if "share" in key:
            return f"{_number(value * 100, 1)}%"
        if key.startswith("days"):
            return t("fmt.days", v=int(value))
        if key == "members":
            return t("fmt.persons", v=int(value))
        return _number(value)
    if isinstance(value, str):
        return _string_text(key, value, language())
    if isinstance(value, list):
        if key == "exemptions":
            return t("fmt.list_sep").join(exemption_text(v) for v in value)
        if all(isinstance(v, Mapping) for v in value):
            return t("fmt.sep").join(item_text(v) for v in value)
        return t("fmt.list_sep").join(value_text(key, v) for v in value)
    if isinstance(value, Mapping):
        return item_text(value)
    return str(value)


@cache
def _string_text(key: str, value: str, _lang: str) -> str:
    """A text value in words: a code the presenters name (val.*), a code a rule records
    (evidence_value.*: after_cutoff, relocation ...), a stored enumerated value in the
    current language, a reference layer's name; else the value itself. Cached per
    language: a district's findings repeat a few dozen values."""
    if has(f"val.{value}"):
        return t(f"val.{value}")
    if has(f"evidence_value.{value}"):
        return t(f"evidence_value.{value}")
    if key in _VALUE_KINDS:
        return _stored_value_text(value, _VALUE_KINDS[key]) or value
    if key == "kind" and has(f"layer.{value}"):
        return t(f"layer.{value}")
    if key in ("feature", "plan"):
        return feature_text(value)
    return value


def feature_text(ref_key: str) -> str:
    """A reference feature's key ("landuse:000258") as its layer's name and its own id."""
    kind, sep, ident = ref_key.partition(":")
    if not sep or not has(f"layer.{kind}"):
        return ref_key
    return f"{t(f'layer.{kind}')} {ident}"


def item_text(item: Mapping[str, Any]) -> str:
    """A nested evidence item (one parcel, one neighbour, one reference feature) on one
    line: its key first."""
    head = next((value_text(k, item[k]) for k in _ITEM_KEYS if item.get(k)), "")
    # a reference feature's head already names its layer; a radius taken from the setting
    # says so beside the radius
    skip = {*_ITEM_KEYS, "kind", "radius_from_setting"} if item.get("feature") else set(_ITEM_KEYS)
    rest = [
        t("fmt.pair", k=label(k), v=value_text(k, v))
        + (t("ev.radius_default") if k == "radius_m" and item.get("radius_from_setting") else "")
        for k, v in item.items()
        if k not in skip and v not in (None, "", [])
    ]
    body = t("fmt.list_sep").join(rest)
    if head and body:
        return f"{head}（{body}）" if t("fmt.sep") == "；" else f"{head} ({body})"
    return head or body


def label(key: str) -> str:
    """An evidence key's title: the presenter's own word, else the catalogue's evidence
    name, else the key itself (a new rule's evidence still shows)."""
    return t_or(f"ev.{key}", t_or(f"evidence.{key}", key))


def evidence_lines(evidence: Mapping[str, Any]) -> list[tuple[str, str | list[str]]]:
    """The evidence laid out for the review dialog: (title, value) or (title, item lines)."""
    lines: list[tuple[str, str | list[str]]] = []
    for k, v in evidence.items():
        if isinstance(v, list) and v and all(isinstance(i, Mapping) for i in v):
            lines.append((label(k), [item_text(i) for i in v]))
        else:
            lines.append((label(k), value_text(k, v)))
    return lines


def evidence_text(evidence: Mapping[str, Any]) -> str:
    """The evidence on one line for a table cell; empty values left out."""
    parts = [
        t("fmt.pair", k=label(k), v=value_text(k, v))
        for k, v in evidence.items()
        if v not in (None, "", [])
    ]
    return t("fmt.sep").join(parts)


def _number(value: float, digits: int = 2) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".")


def decision_counts_text(counts: Mapping[str, int]) -> str:
    """`待审核 12 · 确认 3 · …` for the findings dock's header."""
    order = ("pending", "confirmed", "exempted", "false_positive", "needs_review")
    return " · ".join(f"{t(f'decision.{d}')} {counts.get(d, 0)}" for d in order)
