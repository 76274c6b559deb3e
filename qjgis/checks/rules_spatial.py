"""Spatial consistency and survey quality: buildings against parcels, parcels against
each other and against the villages they lie in.

All of them read the joins of `CheckContext` (computed once per run); invalid
geometries are measured after repair, missing, empty and collapsed ones are
counted as not evaluated with their reason.
"""

from __future__ import annotations

import numpy as np
import shapely

from qjgis import codes
from qjgis.checks.base import EntityKind, Finding, RuleResult, Severity, rule
from qjgis.checks.context import CheckContext
from qjgis.checks.evidence import (
    PROGRESS_EVERY,
    building_ref,
    m2,
    parcel_ref,
    ratio,
    skip_geometry,
    text,
)
from qjgis.checks.joins import duplicated, group
from qjgis.codes import upper_text
from qjgis.feedback import Feedback, check_canceled
from qjgis.settings import ProjectSettings

#: Below this an overlap is floating-point noise along a shared edge, not a sliver.
_NOISE_M2 = 1e-6


def _building_facts(ctx: CheckContext, b: int) -> dict[str, object]:
    return {
        "recorded_parcel": text(ctx.buildings.attrs["zddm"][b]),
        "status": text(ctx.buildings.attrs["status"][b]),
    }


def _overlaps(ctx: CheckContext, b: int) -> list[dict[str, object]]:
    """Every parcel building b intersects, with the share of the building inside it."""
    j = ctx.building_join
    lo, hi = np.searchsorted(j.pairs_building, [b, b + 1])
    rows = range(lo, hi)
    return [
        {"parcel": str(ctx.parcel_keys[j.pairs_parcel[r]]), "share": ratio(j.pairs_share[r])}
        for r in sorted(rows, key=lambda r: -j.pairs_share[r])
    ]


# ==================================================================== QJ-R004
@rule(
    "QJ-R004",
    version=1,
    name="Building outside every parcel",
    entity_kind=EntityKind.BUILDING,
    settings=("check.outside_share",),
)
def building_outside(
    ctx: CheckContext, settings: ProjectSettings, feedback: Feedback
) -> RuleResult:
    """A building whose share inside all parcels together is below check.outside_share."""
    result = RuleResult()
    check_canceled(feedback)
    usable = ctx.building_usable
    skip_geometry(result, ctx.building_status)
    threshold = float(settings["check.outside_share"])
    outside = np.flatnonzero(usable & (ctx.building_join.total_share < threshold))
    if not len(outside):
        return result
    check_canceled(feedback)
    nearest = np.full(len(outside), -1, dtype=np.intp)
    distance = np.full(len(outside), np.nan)
    if len(ctx.parcels):
        bi, pi = ctx.parcel_tree.query_nearest(ctx.building_geom[outside], all_matches=False)
        nearest[bi] = pi
        distance[bi] = shapely.distance(ctx.building_geom[outside[bi]], ctx.parcel_geom[pi])
    recorded_home = ctx.parcel_code_table.find(ctx.text("buildings", "zddm")[outside])
    for k, b in enumerate(outside):
        if k % PROGRESS_EVERY == 0:
            check_canceled(feedback)
        near = int(nearest[k])
        result.findings.append(
            Finding(
                rule_id="QJ-R004",
                key=str(ctx.building_keys[b]),
                entity_kind=EntityKind.BUILDING,
                entities=(
                    building_ref(ctx, int(b)),
                    *((parcel_ref(ctx, near),) if near >= 0 else ()),
                ),
                evidence={
                    **_building_facts(ctx, int(b)),
                    "share_inside_parcels": ratio(ctx.building_join.total_share[b]),
                    "nearest_parcel": str(ctx.parcel_keys[near]) if near >= 0 else None,
                    "distance_m": m2(distance[k]),
                    "footprint_m2": m2(shapely.area(ctx.building_geom[b])),
                },
                severity=Severity.ERROR,
                village_code=(
                    ctx.parcel_finding_village[near]
                    if near >= 0
                    else (
                        ctx.parcel_finding_village[recorded_home[k]]
                        if recorded_home[k] >= 0
                        else None
                    )
                ),
            )
        )
    return result


# ==================================================================== QJ-R005
@rule(
    "QJ-R005",
    version=1,
    name="Building straddling parcels",
    entity_kind=EntityKind.BUILDING,
    settings=("check.straddle_share",),
)
def building_straddles(
    ctx: CheckContext, settings: ProjectSettings, feedback: Feedback
) -> RuleResult:
    """A building with more than check.straddle_share of its area in each of two parcels."""
    result = RuleResult()
    check_canceled(feedback)
    skip_geometry(result, ctx.building_status)
    j = ctx.building_join
    threshold = float(settings["check.straddle_share"])
    big = j.pairs_share > threshold
    count = np.bincount(j.pairs_building[big], minlength=len(ctx.buildings))
    for k, b in enumerate(np.flatnonzero(ctx.building_usable & (count >= 2))):
        if k % PROGRESS_EVERY == 0:
            check_canceled(feedback)
        lo, hi = np.searchsorted(j.pairs_building, [b, b + 1])
        parcels = [int(j.pairs_parcel[r]) for r in range(lo, hi) if j.pairs_share[r] > threshold]
        result.findings.append(
            Finding(
                rule_id="QJ-R005",
                key=str(ctx.building_keys[b]),
                entity_kind=EntityKind.BUILDING,
                entities=(building_ref(ctx, int(b)), *(parcel_ref(ctx, p) for p in parcels)),
                evidence={
                    **_building_facts(ctx, int(b)),
                    "parcels": _overlaps(ctx, int(b)),
                    "largest_parcel": str(ctx.parcel_keys[j.parcel[b]]),
                    "largest_share": ratio(j.share[b]),
                },
                severity=Severity.WARNING,
                village_code=ctx.building_finding_village[b],
            )
        )
    return result


# ==================================================================== QJ-R016
@rule(
    "QJ-R016",
    version=1,
    name="Building beyond its parcel (房屋超出宗地范围)",
    entity_kind=EntityKind.BUILDING,
    settings=("check.beyond_m2", "check.beyond_share", "check.outside_share"),
)
def building_beyond_parcel(
    ctx: CheckContext, settings: ProjectSettings, feedback: Feedback
) -> RuleResult:
    """A building mostly on one parcel with part of it on no parcel at all.

    Flagged when its largest overlap with one parcel is at least half its
    footprint, and the area outside every parcel exceeds both check.beyond_m2
    and check.beyond_share of the footprint. A building almost wholly outside
    (QJ-R004) is never flagged here; one across two parcels (QJ-R005) may be,
    when it also juts out of both.
    """
    result = RuleResult()
    check_canceled(feedback)
    skip_geometry(result, ctx.building_status)
    j = ctx.building_join
    share_min = float(settings["check.beyond_share"])
    m2_min = float(settings["check.beyond_m2"])
    footprint = shapely.area(ctx.building_geom)
    footprint = np.where(ctx.building_usable, footprint, np.nan)
    # Only a building its largest parcel does not cover can jut out: the rest is settled.
    seated = (
        ctx.building_usable
        & (j.parcel >= 0)
        & (j.share >= 0.5)
        & (j.total_share >= float(settings["check.outside_share"]))  # never with QJ-R004
    )
    partial = np.flatnonzero(seated & (j.share < 1.0 - 1e-9))
    outside = np.zeros(len(partial))
    single = j.hits[partial] == 1
    # One parcel touched: what its share leaves is outside. Several (their overlaps may
    # overlap each other): the footprint less its intersection with their union.
    outside[single] = footprint[partial[single]] * (1.0 - j.share[partial[single]])
    for k in np.flatnonzero(~single):  # buildings across parcels: a handful
        if k % PROGRESS_EVERY == 0:
            check_canceled(feedback)
        b = int(partial[k])
        lo, hi = np.searchsorted(j.pairs_building, [b, b + 1])
        union = shapely.union_all(ctx.parcel_geom[j.pairs_parcel[lo:hi]])
        inside = shapely.area(shapely.intersection(ctx.building_geom[b], union))
        outside[k] = footprint[b] - inside
    with np.errstate(invalid="ignore", divide="ignore"):
        out_share = outside / footprint[partial]
    hit = (outside > m2_min) & (out_share > share_min)
    for k in np.flatnonzero(hit):
        if k % PROGRESS_EVERY == 0:
            check_canceled(feedback)
        b = int(partial[k])
        p = int(j.parcel[b])
        result.findings.append(
            Finding(
                rule_id="QJ-R016",
                key=str(ctx.building_keys[b]),
                entity_kind=EntityKind.BUILDING,
                entities=(building_ref(ctx, b), parcel_ref(ctx, p)),
                evidence={
                    **_building_facts(ctx, b),
                    "footprint_m2": m2(footprint[b]),
                    "outside_m2": m2(outside[k]),
                    "outside_share": ratio(out_share[k]),
                    "largest_parcel": str(ctx.parcel_keys[p]),
                    "largest_share": ratio(j.share[b]),
                    "parcels": _overlaps(ctx, b),
                },
                severity=Severity.WARNING,
                village_code=ctx.building_finding_village[b],
            )
        )
    return result


# ==================================================================== QJ-R012
@rule(
    "QJ-R012",
    version=2,
    name="Building recorded on another parcel than the one it lies in",
    entity_kind=EntityKind.BUILDING,
    settings=("check.outside_share",),
)
def building_recorded_parcel(
    ctx: CheckContext, settings: ProjectSettings, feedback: Feedback
) -> RuleResult:
    """A building whose recorded 宗地代码, or the first 19 characters of its
    不动产单元代码, is not the code of the parcel it overlaps most.

    The unit code is compared only where the parcel's own code is well formed
    and unique (QJ-R008 judges the others) and the unit code has its 28
    characters. The evidence shows both comparisons, and whether the recorded
    code and the unit code's parcel part agree with each other. Buildings
    outside every parcel are QJ-R004's and not judged here.
    Version 2: the unit code's parcel part is compared too.
    """
    result = RuleResult()
    check_canceled(feedback)
    skip_geometry(result, ctx.building_status)
    j = ctx.building_join
    usable = ctx.building_usable
    inside = usable & (j.parcel >= 0) & (j.total_share >= float(settings["check.outside_share"]))
    recorded = ctx.text("buildings", "zddm")
    unit = upper_text(ctx.text("buildings", "bdcdyh"))
    result.skip("no_recorded_code", int((inside & (recorded == "") & (unit == "")).sum()))
    parcel_codes = ctx.text("parcels", "zddm")
    code_ok = codes.valid_zddm_mask(parcel_codes, homestead=True) & ~duplicated(parcel_codes)
    actual = np.full(len(recorded), "", dtype=parcel_codes.dtype)
    actual[inside] = parcel_codes[j.parcel[inside]]
    unit_parcel = np.strings.slice(unit, 0, 19)
    compared = np.zeros(len(unit), dtype=bool)
    compared[inside] = code_ok[j.parcel[inside]]
    compared &= np.strings.str_len(unit) == 28
    recorded_wrong = inside & (recorded != "") & (recorded != actual)
    unit_wrong = compared & (unit_parcel != upper_text(actual))
    wrong = np.flatnonzero(recorded_wrong | unit_wrong)
    named_parcel = ctx.parcel_code_table.find(recorded[wrong])
    for k, b in enumerate(wrong):
        if k % PROGRESS_EVERY == 0:
            check_canceled(feedback)
        p = int(j.parcel[b])
        named = int(named_parcel[k])
        named_ref = (parcel_ref(ctx, named),) if named >= 0 else ()
        problems = []
        if recorded_wrong[b]:
            problems.append("recorded_parcel_differs")
        if unit_wrong[b]:
            problems.append("unit_code_differs")
        result.findings.append(
            Finding(
                rule_id="QJ-R012",
                key=str(ctx.building_keys[b]),
                entity_kind=EntityKind.BUILDING,
                entities=(building_ref(ctx, int(b)), parcel_ref(ctx, p), *named_ref),
                evidence={
                    "problems": problems,
                    "recorded_parcel": str(recorded[b]) or None,
                    "actual_parcel": str(ctx.parcel_keys[p]),
                    "unit_code": str(unit[b]) or None,
                    "unit_code_parcel": str(unit_parcel[b]) if compared[b] else None,
                    "recorded_matches_unit_code": (
                        bool(recorded[b] == unit_parcel[b])
                        if recorded[b] != "" and len(unit[b]) == 28
                        else None
                    ),
                    "share": ratio(j.share[b]),
                    "recorded_exists": named >= 0,
                },
                severity=Severity.WARNING,
                village_code=ctx.building_finding_village[b],
            )
        )
    return result


# ==================================================================== QJ-R006 / QJ-R013
def _pair_findings(
    ctx: CheckContext,
    rule_id: str,
    a: np.ndarray,
    b: np.ndarray,
    rows: np.ndarray,
    feedback: Feedback,
    severity: Severity,
) -> list[Finding]:
    """One finding per parcel of the selected pairs, naming every partner."""
    pairs = ctx.neighbours
    ends = np.concatenate([a, b])
    partners = np.concatenate([b, a])
    pair_row = np.concatenate([rows, rows])
    order, start = group(ends, len(ctx.parcels))
    out = []
    for k, i in enumerate(np.flatnonzero(np.diff(start) > 0)):
        if k % PROGRESS_EVERY == 0:
            check_canceled(feedback)
        mine = order[start[i] : start[i + 1]]
        mine = mine[np.argsort(partners[mine], kind="stable")]
        others = [
            {
                "parcel": str(ctx.parcel_keys[partners[m]]),
                "distance_m": round(float(pairs.distance[pair_row[m]]), 3),
                "overlap_m2": m2(pairs.overlap_area[pair_row[m]]),
                "overlap_width_m": round(float(pairs.overlap_width[pair_row[m]]), 3),
            }
            for m in mine
        ]
        out.append(
            Finding(
                rule_id=rule_id,
                key=str(ctx.parcel_keys[i]),
                entity_kind=EntityKind.PARCEL,
                entities=(
                    parcel_ref(ctx, int(i)),
                    *(parcel_ref(ctx, int(partners[m])) for m in mine),
                ),
                evidence={"area_m2": m2(ctx.parcel_area[i]), "neighbours": others},
                severity=severity,
                village_code=ctx.parcel_finding_village[i],
            )
        )
    return out


@rule(
    "QJ-R006",
    version=1,
    name="Overlapping parcels",
    entity_kind=EntityKind.PARCEL,
    settings=("check.overlap_min_m2", "check.sliver_width_m", "check.neighbour_tolerance_m"),
)
def overlapping_parcels(
    ctx: CheckContext, settings: ProjectSettings, feedback: Feedback
) -> RuleResult:
    """Two parcels overlapping by more than check.overlap_min_m2 (and wider than a sliver).

    Both parcels of each pair get a finding; the other is in its entities and evidence.
    """
    result = RuleResult()
    check_canceled(feedback)
    skip_geometry(result, ctx.parcel_status)
    pairs = ctx.neighbours
    hit = (pairs.overlap_area > float(settings["check.overlap_min_m2"])) & (
        pairs.overlap_width >= float(settings["check.sliver_width_m"])
    )
    rows = np.flatnonzero(hit)
    result.findings += _pair_findings(
        ctx, "QJ-R006", pairs.i[rows], pairs.j[rows], rows, feedback, Severity.ERROR
    )
    return result


@rule(
    "QJ-R013",
    version=1,
    name="Sliver between neighbouring parcels",
    entity_kind=EntityKind.PARCEL,
    settings=("check.sliver_width_m", "check.neighbour_tolerance_m"),
)
def slivers(ctx: CheckContext, settings: ProjectSettings, feedback: Feedback) -> RuleResult:
    """A gap or an overlap narrower than check.sliver_width_m between two parcels.

    A gap: the parcels do not touch but lie closer than the width. An overlap:
    their intersection has an area and a mean width (2 × area / perimeter)
    below the width. Parcels that share an edge exactly are not slivers.
    """
    result = RuleResult()
    check_canceled(feedback)
    skip_geometry(result, ctx.parcel_status)
    pairs = ctx.neighbours
    width = float(settings["check.sliver_width_m"])
    gap = (pairs.distance > 0) & (pairs.distance < width)
    thin = (pairs.overlap_area > _NOISE_M2) & (pairs.overlap_width < width)
    rows = np.flatnonzero(gap | thin)
    result.findings += _pair_findings(
        ctx, "QJ-R013", pairs.i[rows], pairs.j[rows], rows, feedback, Severity.WARNING
    )
    return result


# ==================================================================== QJ-R007
@rule(
    "QJ-R007",
    version=1,
    name="Parcel recorded in another village than the one it lies in",
    entity_kind=EntityKind.PARCEL,
)
def wrong_village(ctx: CheckContext, settings: ProjectSettings, feedback: Feedback) -> RuleResult:
    """A parcel whose recorded village code is not that of the village polygon it lies in."""
    result = RuleResult()
    check_canceled(feedback)
    skip_geometry(result, ctx.parcel_status)
    usable = ctx.parcel_usable
    recorded = ctx.text("parcels", "village_code")
    if not len(ctx.villages):
        result.skip("no_villages", int(usable.sum()))
        return result
    located = ctx.parcel_village
    result.skip("no_recorded_village", int((usable & (recorded == "")).sum()))
    result.skip("outside_villages", int((usable & (recorded != "") & (located < 0)).sum()))
    judged = usable & (recorded != "") & (located >= 0)
    village_codes = ctx.text("villages", "code")
    actual = np.full(len(recorded), "", dtype=village_codes.dtype)
    actual[judged] = village_codes[located[judged]]
    wrong = np.flatnonzero(judged & (recorded != actual))
    names = ctx.villages.attrs["name"]
    for k, i in enumerate(wrong):
        if k % PROGRESS_EVERY == 0:
            check_canceled(feedback)
        v = int(located[i])
        result.findings.append(
            Finding(
                rule_id="QJ-R007",
                key=str(ctx.parcel_keys[i]),
                entity_kind=EntityKind.PARCEL,
                entities=(parcel_ref(ctx, int(i)),),
                evidence={
                    "recorded_village": str(recorded[i]),
                    "located_village": str(ctx.village_codes[v]),
                    "located_village_name": text(names[v]),
                },
                severity=Severity.WARNING,
                # Counted where it lies: that is the village whose ledger must show it.
                village_code=str(ctx.village_codes[v]),
            )
        )
    return result
