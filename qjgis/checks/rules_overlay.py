"""Overlays with the reference layers (issue 19, domain-rules §8 "八不准"): homesteads and
houses against the land-use map (耕地), permanent basic farmland, the village plan's
construction boundary and geological-hazard zones and points.

The reference features live in the project (`reference_features`, imported with
`import --layer landuse|basic-farmland|village-plan|hazard-zones|hazard-points`) in the
project CRS, so the input check of a spatial operation (one CRS, projected) holds by
construction. Every overlay is one STRtree bulk query over all subjects at once,
then vectorised `intersection`/`area` on the candidate pairs only; Python loops run
over the findings, never over features. A rule whose reference layer is absent
reports its subjects as not evaluated ("no_landuse_layer" ...), not as zero findings.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from qjgis.cases.model import RenovationState
from qjgis.checks.base import EntityKind, EntityRef, Finding, RuleResult, Severity, rule
from qjgis.checks.context import CheckContext
from qjgis.checks.evidence import PROGRESS_EVERY, building_ref, m2, parcel_ref, skip_geometry, text
from qjgis.feedback import Feedback, check_canceled
from qjgis.settings import ProjectSettings
from qjgis.store import LayerData

REFERENCE_COLUMNS = ("kind", "ref_key", "dlbm", "dlmc", "radius_m", "ref_date", "superseded_by")
#: 三调 first-level class 01 耕地: 0101 水田, 0102 水浇地, 0103 旱地 (GB/T 21010-2017).
FARMLAND_PREFIX = "01"
#: renovation states after which a case is no longer open
_CLOSED_RENOVATION = (RenovationState.MOVED_IN.value, RenovationState.CANCELLED.value)
#: details of the overlapped reference features kept in a finding's evidence
EVIDENCE_FEATURES = 5


# ==================================================================== the overlay itself
@dataclass(frozen=True)
class Overlay:
    """Candidate pairs of an overlay and their intersection areas, sorted by subject."""

    subject: np.ndarray  # index into the subjects
    reference: np.ndarray  # index into the reference polygons
    area: np.ndarray  # m² of their intersection

    def totals(self, n: int) -> np.ndarray:
        """Per subject, the summed intersection area (0 where none)."""
        return np.bincount(self.subject, weights=self.area, minlength=n)

    def rows_of(self, i: int) -> range:
        lo, hi = np.searchsorted(self.subject, [i, i + 1])
        return range(int(lo), int(hi))


def overlay_areas(
    subjects: np.ndarray, references: np.ndarray, tree: shapely.STRtree | None = None
) -> Overlay:
    """Intersection areas of every (subject, reference polygon) pair that intersect.

    One bulk STRtree query finds the candidate pairs; a subject lying wholly inside a
    reference polygon (most of them, away from edges) takes its own area, measured
    without building the intersection; only pairs that cross an edge are intersected,
    all at once. Missing or empty geometries take part in no pair.
    """
    subjects = np.asarray(subjects, dtype=object)
    references = np.asarray(references, dtype=object)
    empty = Overlay(np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0))
    if not len(subjects) or not len(references):
        return empty
    tree = tree if tree is not None else shapely.STRtree(references)
    s, r = tree.query(subjects, predicate="intersects")
    if not len(s):
        return empty
    order = np.lexsort((r, s))
    s, r = s[order], r[order]
    shapely.prepare(references)
    inside = shapely.contains_properly(references[r], subjects[s])
    area = np.empty(len(s))
    area[inside] = shapely.area(subjects[s[inside]])
    cross = ~inside
    area[cross] = shapely.area(shapely.intersection(subjects[s[cross]], references[r[cross]]))
    return Overlay(s.astype(np.intp), r.astype(np.intp), area)


# ==================================================================== reading
def reference_features(ctx: CheckContext) -> LayerData:
    """The project's reference features in force (not superseded), read once per run."""
    cache: dict[str, Any] = ctx.__dict__.setdefault("_overlay_cache", {})
    if "features" not in cache:
        data = ctx.store.scan("reference_features", REFERENCE_COLUMNS, geometry=True)
        superseded = np.asarray(data.attrs["superseded_by"], dtype=object)
        keep = np.array([v is None or v != v for v in superseded.tolist()], dtype=bool)
        geom = np.asarray(data.geometry, dtype=object)
        usable = ~(shapely.is_missing(geom) | shapely.is_empty(geom))
        keep &= usable
        cache["features"] = LayerData(
            fids=np.asarray(data.fids)[keep],
            geometry=geom[keep],
            attrs={k: np.asarray(v, dtype=object)[keep] for k, v in data.attrs.items()},
        )
    out: LayerData = cache["features"]
    return out


def _of_kind(ctx: CheckContext, *kinds: str) -> np.ndarray:
    data = reference_features(ctx)
    return np.flatnonzero(np.isin(data.attrs["kind"].astype(str), kinds))


def _dates(values: np.ndarray) -> np.ndarray:
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[D]")
    for i, v in enumerate(values.tolist()):  # reference dates: one per feature, few
        if isinstance(v, str) and v.strip():
            with contextlib.suppress(ValueError):
                out[i] = np.datetime64(v.strip()[:10], "D")
    return out


def _subjects(ctx: CheckContext) -> tuple[np.ndarray, np.ndarray]:
    """The homestead parcels and the standing buildings a land rule looks at."""
    parcels = np.flatnonzero(ctx.parcel_homestead & ctx.parcel_usable)
    buildings = np.flatnonzero(ctx.building_standing & ctx.building_usable)
    return parcels, buildings


def _skip_missing(result: RuleResult, reason: str, ctx: CheckContext) -> None:
    parcels, buildings = _subjects(ctx)
    result.skip(reason, len(parcels) + len(buildings))


def _feature_facts(data: LayerData, rows: np.ndarray, areas: np.ndarray) -> list[dict[str, Any]]:
    """The overlapped reference features, largest overlap first, the first few."""
    order = np.argsort(-areas, kind="stable")[:EVIDENCE_FEATURES]
    return [
        {
            "feature": text(data.attrs["ref_key"][rows[k]]),
            "dlbm": text(data.attrs["dlbm"][rows[k]]),
            "dlmc": text(data.attrs["dlmc"][rows[k]]),
            "area_m2": m2(areas[k]),
        }
        for k in order.tolist()
    ]


def _land_overlaps(
    ctx: CheckContext, refs: np.ndarray, min_m2: float
) -> tuple[np.ndarray, Overlay, np.ndarray, Overlay, np.ndarray]:
    """Parcels and buildings against reference polygons `refs` (indices of features).

    Returns (parcel subjects, their overlay, building subjects, their overlay, the
    buildings to report): a building is reported on its own only when the parcel it
    lies in is not itself over the threshold, so one occupation is one finding.
    """
    data = reference_features(ctx)
    polys = data.geometry[refs]
    tree = shapely.STRtree(polys)
    parcels, buildings = _subjects(ctx)
    p_ov = overlay_areas(ctx.parcel_geom[parcels], polys, tree)
    b_ov = overlay_areas(ctx.building_geom[buildings], polys, tree)
    p_hit = np.zeros(len(ctx.parcels), dtype=bool)
    p_hit[parcels] = p_ov.totals(len(parcels)) > min_m2
    b_total = b_ov.totals(len(buildings))
    host = ctx.building_parcel[buildings]
    covered = (host >= 0) & p_hit[np.maximum(host, 0)]
    report = (b_total > min_m2) & ~covered
    return parcels, p_ov, buildings, b_ov, report


def _period(when: np.datetime64, cutoff: np.datetime64) -> str:
    if np.isnat(when):
        return "undated"
    return "after_cutoff" if when >= cutoff else "before_cutoff"


def _building_date(year: Any) -> np.datetime64:
    try:
        y = int(year)
    except (TypeError, ValueError):
        return np.datetime64("NaT")
    # a year built says no more than "during that year": its last day decides
    return np.datetime64(f"{y:04d}-12-31", "D") if 1000 <= y <= 9999 else np.datetime64("NaT")


def _land_findings(
    ctx: CheckContext,
    settings: ProjectSettings,
    feedback: Feedback,
    rule_id: str,
    refs: np.ndarray,
    *,
    cutoff: np.datetime64 | None,
) -> RuleResult:
    result = RuleResult()
    skip_geometry(result, ctx.parcel_status, ctx.parcel_homestead)
    skip_geometry(result, ctx.building_status, ctx.building_standing)
    data = reference_features(ctx)
    min_m2 = float(settings["overlay.min_m2"])
    parcels, p_ov, buildings, b_ov, b_report = _land_overlaps(ctx, refs, min_m2)
    check_canceled(feedback)
    p_total = p_ov.totals(len(parcels))
    approval = ctx.parcel_dates("approval_date")
    acquired = ctx.parcel_dates("acquired")
    for n, k in enumerate(np.flatnonzero(p_total > min_m2).tolist()):
        if n % PROGRESS_EVERY == 0:
            check_canceled(feedback)
        i = int(parcels[k])
        rows = np.asarray(p_ov.rows_of(k))
        when = approval[i] if not np.isnat(approval[i]) else acquired[i]
        evidence: dict[str, Any] = {
            "area_m2": m2(ctx.parcel_area[i]),
            "overlap_m2": m2(p_total[k]),
            "features": _feature_facts(data, refs[p_ov.reference[rows]], p_ov.area[rows]),
            "approval_date": None if np.isnat(approval[i]) else str(approval[i]),
            "acquired": None if np.isnat(acquired[i]) else str(acquired[i]),
        }
        evidence["dlbm"] = evidence["features"][0]["dlbm"]  # the largest overlap's class
        evidence["dlmc"] = evidence["features"][0]["dlmc"]
        severity = Severity.ERROR
        if cutoff is not None:
            evidence["period"] = _period(when, cutoff)
            evidence["cutoff"] = str(cutoff)
            if evidence["period"] == "before_cutoff":
                severity = Severity.WARNING  # historical: to classify, not a violation
        result.findings.append(
            Finding(
                rule_id=rule_id,
                key=str(ctx.parcel_keys[i]),
                entity_kind=EntityKind.PARCEL,
                entities=(parcel_ref(ctx, i),),
                evidence=evidence,
                severity=severity,
                village_code=ctx.parcel_finding_village[i],
            )
        )
    b_total = b_ov.totals(len(buildings))
    years = ctx.buildings.attrs["year_built"]
    for k in np.flatnonzero(b_report).tolist():
        b = int(buildings[k])
        rows = np.asarray(b_ov.rows_of(k))
        host = int(ctx.building_parcel[b])
        evidence = {
            "footprint_m2": m2(shapely.area(ctx.building_geom[b])),
            "overlap_m2": m2(b_total[k]),
            "features": _feature_facts(data, refs[b_ov.reference[rows]], b_ov.area[rows]),
            "year_built": None if np.isnat(_building_date(years[b])) else int(years[b]),
            "status": text(ctx.buildings.attrs["status"][b]),
            "parcel": str(ctx.parcel_keys[host]) if host >= 0 else None,
        }  # fmt: skip
        evidence["dlbm"] = evidence["features"][0]["dlbm"]
        evidence["dlmc"] = evidence["features"][0]["dlmc"]
        severity = Severity.ERROR
        if cutoff is not None:
            evidence["period"] = _period(_building_date(years[b]), cutoff)
            evidence["cutoff"] = str(cutoff)
            if evidence["period"] == "before_cutoff":
                severity = Severity.WARNING
        result.findings.append(
            Finding(
                rule_id=rule_id,
                key=str(ctx.building_keys[b]),
                entity_kind=EntityKind.BUILDING,
                entities=(
                    building_ref(ctx, b),
                    *((parcel_ref(ctx, host),) if host >= 0 else ()),
                ),
                evidence=evidence,
                severity=severity,
                village_code=ctx.building_finding_village[b],
            )
        )
    return result


# ==================================================================== QJ-R017
@rule(
    "QJ-R017",
    version=1,
    name="Homestead or house on farmland (宅基地/农房占用耕地)",
    entity_kind=EntityKind.PARCEL,
    settings=("overlay.min_m2", "overlay.farmland_cutoff"),
    reads_project=True,
)
def farmland_occupation(
    ctx: CheckContext, settings: ProjectSettings, feedback: Feedback
) -> RuleResult:
    """A homestead parcel, or a standing building outside such a finding, overlapping
    耕地 (DLBM 01xx) of the land-use layer by more than overlay.min_m2.

    Approved (else acquired) or built on or after overlay.farmland_cutoff, or with no
    date: an error, a violation to review. Before it: a warning, historical, to
    classify. Evidence: the area on farmland, the land-use codes and names, the dates.
    """
    check_canceled(feedback)
    landuse = _of_kind(ctx, "landuse")
    if not len(landuse):
        result = RuleResult()
        _skip_missing(result, "no_landuse_layer", ctx)
        return result
    data = reference_features(ctx)
    dlbm = np.array([str(v or "").strip() for v in data.attrs["dlbm"][landuse].tolist()])
    farmland = landuse[np.char.startswith(dlbm, FARMLAND_PREFIX)]
    cutoff = np.datetime64(settings["overlay.farmland_cutoff"], "D")
    return _land_findings(ctx, settings, feedback, "QJ-R017", farmland, cutoff=cutoff)


# ==================================================================== QJ-R018
@rule(
    "QJ-R018",
    version=1,
    name="Permanent basic farmland occupied (占用永久基本农田)",
    entity_kind=EntityKind.PARCEL,
    settings=("overlay.min_m2",),
    reads_project=True,
)
def basic_farmland_occupation(
    ctx: CheckContext, settings: ProjectSettings, feedback: Feedback
) -> RuleResult:
    """A homestead parcel or standing building overlapping the permanent-basic-farmland
    layer by more than overlay.min_m2, whenever it was built: always an error."""
    check_canceled(feedback)
    refs = _of_kind(ctx, "basic-farmland")
    if not len(refs):
        result = RuleResult()
        _skip_missing(result, "no_basic_farmland_layer", ctx)
        return result
    return _land_findings(ctx, settings, feedback, "QJ-R018", refs, cutoff=None)


# ==================================================================== QJ-R019
@rule(
    "QJ-R019",
    version=1,
    name="Homestead approved outside the village construction boundary",
    entity_kind=EntityKind.PARCEL,
    settings=("overlay.boundary_tolerance_m2",),
    reads_project=True,
)
def outside_construction_boundary(
    ctx: CheckContext, settings: ProjectSettings, feedback: Feedback
) -> RuleResult:
    """A homestead parcel approved after its plan's date (the nearest construction
    boundary's date) with more than overlay.boundary_tolerance_m2 outside every
    construction boundary. Parcels without an approval date are not evaluated; a
    boundary without a date applies to every approval."""
    result = RuleResult()
    check_canceled(feedback)
    homestead = ctx.parcel_homestead & ctx.parcel_usable
    refs = _of_kind(ctx, "village-plan")
    if not len(refs):
        result.skip("no_village_plan_layer", int(homestead.sum()))
        return result
    skip_geometry(result, ctx.parcel_status, ctx.parcel_homestead)
    approval = ctx.parcel_dates("approval_date")
    result.skip("no_approval_date", int((homestead & np.isnat(approval)).sum()))
    data = reference_features(ctx)
    polys = data.geometry[refs]
    plan_date = _dates(data.attrs["ref_date"][refs])
    tree = shapely.STRtree(polys)
    cand = np.flatnonzero(homestead & ~np.isnat(approval))
    if not len(cand):
        return result
    near_s, near_r = tree.query_nearest(ctx.parcel_geom[cand], all_matches=False)
    nearest = np.full(len(cand), -1, dtype=np.intp)
    nearest[near_s] = near_r
    when = plan_date[np.maximum(nearest, 0)]
    after = np.isnat(when) | (approval[cand] > when)
    subjects = cand[after]
    ov = overlay_areas(ctx.parcel_geom[subjects], polys, tree)
    inside = np.minimum(ov.totals(len(subjects)), ctx.parcel_area[subjects])
    outside = ctx.parcel_area[subjects] - inside
    tol = float(settings["overlay.boundary_tolerance_m2"])
    hit = np.flatnonzero(outside > tol)
    plan_of = nearest[after]
    for n, k in enumerate(hit.tolist()):
        if n % PROGRESS_EVERY == 0:
            check_canceled(feedback)
        i = int(subjects[k])
        plan = int(plan_of[k])
        result.findings.append(
            Finding(
                rule_id="QJ-R019",
                key=str(ctx.parcel_keys[i]),
                entity_kind=EntityKind.PARCEL,
                entities=(parcel_ref(ctx, i),),
                evidence={
                    "area_m2": m2(ctx.parcel_area[i]),
                    "outside_m2": m2(outside[k]),
                    "inside_m2": m2(inside[k]),
                    "approval_date": str(approval[i]),
                    "approval_no": text(ctx.parcels.attrs["approval_no"][i]),
                    "plan": text(data.attrs["ref_key"][refs[plan]]) if plan >= 0 else None,
                    "plan_date": (
                        str(plan_date[plan])
                        if plan >= 0 and not np.isnat(plan_date[plan])
                        else None
                    ),
                },
                severity=Severity.ERROR,
                village_code=ctx.parcel_finding_village[i],
            )
        )
    return result


# ==================================================================== QJ-R020
def hazard_polygons(
    ctx: CheckContext, refs: np.ndarray, default_radius: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The hazard areas of features `refs`: (polygons, radius used, radius from the setting).

    A hazard point whose file gave no radius is stored with radius NULL and the disc of the
    setting at import; here it is redrawn round its centre at `default_radius`, the setting
    as it is now. Zones keep their shape (radius None).
    """
    data = reference_features(ctx)
    polys = data.geometry[refs].copy()
    stored = np.array(
        [np.nan if v is None else float(v) for v in data.attrs["radius_m"][refs].tolist()]
    )
    points = data.attrs["kind"][refs].astype(str) == "hazard-points"
    from_setting = points & np.isnan(stored)
    if from_setting.any():
        centres = shapely.centroid(polys[from_setting])
        polys[from_setting] = shapely.buffer(centres, default_radius, quad_segs=16)
    used = np.where(from_setting, default_radius, stored)
    used = np.where(points, used, np.nan)
    return polys, used, from_setting


@rule(
    "QJ-R020",
    version=2,
    name="House in a geological-hazard zone (农房位于地质灾害隐患区)",
    entity_kind=EntityKind.BUILDING,
    settings=("overlay.hazard_radius_m",),
    reads_project=True,
)
def house_in_hazard_zone(
    ctx: CheckContext, settings: ProjectSettings, feedback: Feedback
) -> RuleResult:
    """A standing building inside a hazard zone or within a hazard point's threat radius
    (its file's radius, else overlay.hazard_radius_m).

    An error when the house is graded C or D or has an open renovation case (the
    renovation would rebuild in harm's way), a warning otherwise; relocation
    (避险搬迁) is the disposition to consider either way.
    """
    result = RuleResult()
    check_canceled(feedback)
    standing = ctx.building_standing & ctx.building_usable
    refs = _of_kind(ctx, "hazard-zones", "hazard-points")
    if not len(refs):
        result.skip("no_hazard_layer", int(standing.sum()))
        return result
    skip_geometry(result, ctx.building_status, ctx.building_standing)
    data = reference_features(ctx)
    polys, radius, from_setting = hazard_polygons(
        ctx, refs, float(settings["overlay.hazard_radius_m"])
    )
    subjects = np.flatnonzero(standing)
    s, r = shapely.STRtree(polys).query(ctx.building_geom[subjects], predicate="intersects")
    if not len(s):
        return result
    order = np.lexsort((r, s))
    s, r = s[order], r[order]
    cases = {
        str(bdcdyh): (int(fid), state, grade)
        for fid, bdcdyh, state, grade in ctx.store.execute_sql(
            "SELECT fid, bdcdyh, state, grade FROM renovation_cases "
            "WHERE state NOT IN (?, ?) ORDER BY fid",
            list(_CLOSED_RENOVATION),
        )
    }
    grades = ctx.text("buildings", "danger_grade")
    firsts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    bounds = np.r_[firsts, len(s)]
    for n, (lo, hi) in enumerate(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)):
        if n % PROGRESS_EVERY == 0:
            check_canceled(feedback)
        b = int(subjects[s[lo]])
        key = str(ctx.building_keys[b])
        case = cases.get(key)
        grade = str(grades[b]) or None
        dangerous = grade in ("C", "D")
        hazards = [
            {
                "feature": text(data.attrs["ref_key"][refs[j]]),
                "kind": text(data.attrs["kind"][refs[j]]),
                "radius_m": None if np.isnan(radius[j]) else m2(radius[j]),
                **({"radius_from_setting": True} if from_setting[j] else {}),
            }
            for j in r[lo:hi].tolist()[:EVIDENCE_FEATURES]
        ]  # fmt: skip
        entities: tuple[EntityRef, ...] = (building_ref(ctx, b),)
        result.findings.append(
            Finding(
                rule_id="QJ-R020",
                key=key,
                entity_kind=EntityKind.BUILDING,
                entities=entities,
                evidence={
                    "hazards": hazards,
                    "danger_grade": grade,
                    "status": text(ctx.buildings.attrs["status"][b]),
                    "renovation_case": case[0] if case else None,
                    "renovation_state": case[1] if case else None,
                    "disposition": "relocation",
                },
                severity=Severity.ERROR if dangerous or case else Severity.WARNING,
                village_code=ctx.building_finding_village[b],
            )
        )
    return result


__all__ = ["Overlay", "overlay_areas", "reference_features"]
