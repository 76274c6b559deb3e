"""Codes, identities and recorded figures: 宗地代码 / 不动产单元代码, ID numbers, areas.

Whole columns are screened with the vectorised masks of `qjgis.codes`; only
the rows that fail go through the per-value checks, which say why.
"""

from __future__ import annotations

import numpy as np

from qjgis import codes
from qjgis.checks.base import EntityKind, EntityRef, Finding, RuleResult, Severity, rule
from qjgis.checks.context import CheckContext
from qjgis.checks.evidence import (
    PROGRESS_EVERY,
    building_ref,
    household_ref,
    m2,
    parcel_ref,
    skip_geometry,
)
from qjgis.checks.joins import as_text, duplicated
from qjgis.codes import strip_text, upper_text
from qjgis.feedback import Feedback, check_canceled
from qjgis.settings import ProjectSettings


def _code_findings(
    ctx: CheckContext,
    feedback: Feedback,
    *,
    raw: np.ndarray,
    keys: np.ndarray,
    ref: object,
    kind: EntityKind,
    check: object,
    mask: np.ndarray,
    villages: np.ndarray,
) -> list[Finding]:
    text = as_text(raw)
    normalised = upper_text(strip_text(text))
    suspect = ~mask  # the masks forgive less than the checks: confirm per value
    problems: dict[int, list[str]] = {}
    warned: dict[int, list[str]] = {}  # a legacy county: passes, with a warning
    for s in np.flatnonzero(suspect).tolist():
        result = check(str(text[s]))  # type: ignore[operator]
        if not result.ok:
            problems[s] = [p.value for p in result.errors]
        else:
            normalised[s] = result.normalized
            if codes.CodeProblem.OLD_COUNTY_CODE in result.warnings:
                warned[s] = [codes.CodeProblem.OLD_COUNTY_CODE.value]
    dup = duplicated(normalised)
    flagged = sorted(set(problems) | set(warned) | set(np.flatnonzero(dup).tolist()))
    out = []
    groups: dict[str, list[int]] = {}
    for d in np.flatnonzero(dup).tolist():
        groups.setdefault(str(normalised[d]), []).append(d)
    for k, i in enumerate(flagged):
        if k % PROGRESS_EVERY == 0:
            check_canceled(feedback)
        sharers = [j for j in groups.get(str(normalised[i]), []) if j != i] if dup[i] else []
        out.append(
            Finding(
                rule_id="QJ-R008",
                key=str(keys[i]),
                entity_kind=kind,
                entities=(ref(ctx, i), *(ref(ctx, j) for j in sharers)),  # type: ignore[operator]
                evidence={
                    "code": str(text[i]),
                    "problems": problems.get(i, []),
                    "warnings": warned.get(i, []),
                    "duplicate_of": [str(keys[j]) for j in sharers],
                },
                severity=Severity.ERROR if i in problems or dup[i] else Severity.WARNING,
                village_code=villages[i],
            )
        )
    return out


# ==================================================================== QJ-R008
@rule(
    "QJ-R008",
    version=2,
    name="Malformed or duplicate codes",
    entity_kind=EntityKind.PARCEL,
    settings=("district.county_code", "id.legacy_prefixes"),
)
def malformed_codes(ctx: CheckContext, settings: ProjectSettings, feedback: Feedback) -> RuleResult:
    """A 宗地代码 not of the homestead format (GB/T 37346, type JC), or one shared by
    two parcels; likewise a building's 不动产单元代码 (28 characters) or a shared one.

    The county part (first 6 digits) must be the project's district.county_code;
    a county of id.legacy_prefixes (綦江县 500222) passes with a warning finding.
    A building's unit code must name a house: fixture letter F.
    Every parcel sharing a code gets a finding, keyed "code#k" in fid order.
    Version 2: county part and fixture letter F checked; legacy counties warned.
    """
    result = RuleResult()
    check_canceled(feedback)
    legacy = frozenset(settings["id.legacy_prefixes"])
    county = str(settings["district.county_code"])
    p_text = ctx.raw_text("parcels", "zddm")
    result.findings += _code_findings(
        ctx,
        feedback,
        raw=p_text,
        keys=ctx.parcel_keys,
        ref=parcel_ref,
        kind=EntityKind.PARCEL,
        check=lambda c: codes.check_zddm(
            c, homestead=True, legacy_counties=legacy, county_code=county
        ),
        mask=codes.valid_zddm_mask(p_text, homestead=True) & _county_is(p_text, county),
        villages=ctx.parcel_finding_village,
    )
    b_text = ctx.raw_text("buildings", "bdcdyh")
    b_trim = strip_text(b_text)
    # No vectorised mask exists for unit codes: screen the parcel part, then the fixture.
    head_ok = codes.valid_zddm_mask(np.strings.slice(b_trim, 0, 19))
    tail = upper_text(np.strings.slice(b_trim, 19, 28))
    fixture_ok = (np.strings.slice(tail, 0, 1) == "F") & np.strings.isdigit(
        np.strings.slice(tail, 1, 9)
    )
    b_mask = head_ok & fixture_ok & (np.strings.str_len(b_trim) == 28) & _county_is(b_trim, county)
    result.findings += _code_findings(
        ctx,
        feedback,
        raw=b_text,
        keys=ctx.building_keys,
        ref=building_ref,
        kind=EntityKind.BUILDING,
        check=lambda c: codes.check_bdcdyh(
            c, legacy_counties=legacy, county_code=county, building=True
        ),
        mask=b_mask,
        villages=ctx.building_finding_village,
    )
    return result


def _county_is(text: np.ndarray, county: str) -> np.ndarray:
    """Codes whose first six characters (after leading blanks) are the district's county."""
    return np.strings.slice(np.strings.lstrip(as_text(text)), 0, 6) == county


# ==================================================================== QJ-R009
@rule(
    "QJ-R009",
    version=1,
    name="Invalid ID numbers",
    entity_kind=EntityKind.MEMBER,
    settings=("id.current_prefixes", "id.legacy_prefixes"),
    date_dependent=True,
)
def invalid_ids(ctx: CheckContext, settings: ProjectSettings, feedback: Feedback) -> RuleResult:
    """A member's ID number that fails GB 11643: length, digits, province, birth date, check.

    An old address prefix (500222) is a warning of the per-value check, not a finding.
    """
    result = RuleResult()
    check_canceled(feedback)
    text = ctx.raw_text("members", "id_number")
    mask = codes.valid_id_mask(text, born_by=ctx.as_of64)
    current = frozenset(settings["id.current_prefixes"])
    legacy = frozenset(settings["id.legacy_prefixes"])
    hh = ctx.member_household
    for k, i in enumerate(np.flatnonzero(~mask)):
        if k % PROGRESS_EVERY == 0:
            check_canceled(feedback)
        check = codes.check_id_number(
            str(text[i]), today=ctx.as_of, current_prefixes=current, legacy_prefixes=legacy
        )
        if check.ok:
            continue  # a repairable form (15 digits, full width): usable as normalised
        h = int(hh[i])
        result.findings.append(
            Finding(
                rule_id="QJ-R009",
                key=ctx.member_key(int(i)),
                entity_kind=EntityKind.MEMBER,
                entities=(
                    _member_ref(ctx, int(i)),
                    *((household_ref(ctx, h),) if h >= 0 else ()),
                ),
                evidence={
                    "id_number": codes.mask_id(str(text[i])),
                    "problems": [p.value for p in check.errors],
                },
                severity=Severity.WARNING,
                village_code=ctx.household_village[h] if h >= 0 else None,
            )
        )
    return result


def _member_ref(ctx: CheckContext, i: int) -> EntityRef:
    return EntityRef(EntityKind.MEMBER, ctx.member_key(i), int(ctx.members["fid"][i]))


# ==================================================================== QJ-R011
@rule(
    "QJ-R011",
    version=1,
    name="Recorded area differs from the computed area",
    entity_kind=EntityKind.PARCEL,
    settings=("check.area_tolerance_m2", "check.area_tolerance_ratio"),
)
def area_mismatch(ctx: CheckContext, settings: ProjectSettings, feedback: Feedback) -> RuleResult:
    """|ZDMJ - computed area| > max(check.area_tolerance_m2, ratio × computed area)."""
    result = RuleResult()
    check_canceled(feedback)
    skip_geometry(result, ctx.parcel_status, repaired=True)
    recorded = np.asarray(ctx.parcels.attrs["zdmj"], dtype=float)
    measurable = ctx.parcel_status == 0
    result.skip("no_recorded_area", int((measurable & ~np.isfinite(recorded)).sum()))
    area = ctx.parcel_area
    tolerance = np.maximum(
        float(settings["check.area_tolerance_m2"]),
        float(settings["check.area_tolerance_ratio"]) * np.nan_to_num(area),
    )
    diff = recorded - area
    with np.errstate(invalid="ignore"):
        wrong = np.flatnonzero(measurable & np.isfinite(recorded) & (np.abs(diff) > tolerance))
    for k, i in enumerate(wrong):
        if k % PROGRESS_EVERY == 0:
            check_canceled(feedback)
        result.findings.append(
            Finding(
                rule_id="QJ-R011",
                key=str(ctx.parcel_keys[i]),
                entity_kind=EntityKind.PARCEL,
                entities=(parcel_ref(ctx, int(i)),),
                evidence={
                    "recorded_m2": m2(recorded[i]),
                    "computed_m2": m2(area[i]),
                    "difference_m2": m2(diff[i]),
                    "tolerance_m2": m2(tolerance[i]),
                },
                severity=Severity.WARNING,
                village_code=ctx.parcel_finding_village[i],
            )
        )
    return result


__all__ = ["area_mismatch", "invalid_ids", "malformed_codes"]
