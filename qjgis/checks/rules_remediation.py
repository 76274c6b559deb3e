"""Remediation rules: QJ-R014 (ruins not dealt with) and QJ-R015 (renovation of a second house).

Both read the cases the remediation commands keep (`qjgis.cases`) and judge
deadlines on the run's as-of date. Households are found by where a building
lies (the parcel it overlaps most and that parcel's 户号), as the cases do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from qjgis.cases.locate import district_buildings, largest_overlap, link_parcels
from qjgis.cases.model import CaseKind, RuinState, format_case_id
from qjgis.checks.base import EntityKind, EntityRef, Finding, RuleResult, Severity, rule
from qjgis.checks.context import CheckContext
from qjgis.feedback import Feedback, check_canceled
from qjgis.model import BuildingStatus
from qjgis.settings import ProjectSettings
from qjgis.store import LayerData

_CANCELLED = RuinState.CANCELLED.value


def _key(bdcdyh: Any, fid: int) -> str:
    return str(bdcdyh) if bdcdyh else f"fid:{int(fid)}"


def _days(deadline: str | None, as_of: dt.date) -> int:
    return (as_of - dt.date.fromisoformat(str(deadline))).days


def _placed(ctx: CheckContext) -> tuple[LayerData, LayerData, np.ndarray]:
    """The check run's buildings, parcels and building -> parcel join (largest overlap)."""
    return ctx.buildings, ctx.parcels, ctx.building_parcel


def _ruins_placed(
    ctx: Any, feedback: Feedback
) -> tuple[LayerData, LayerData, Any, Any, dict[int, str | None]]:
    """(buildings, parcels, ruin row indexes, parcel index of each ruin or -1, and the
    household (户号) of each of those parcels' fids by the link rule).

    In a check run the context has read both layers and joined every building
    to the parcel it overlaps most already: reading and joining them again cost
    as much as all the other rules together at 1,000,000 parcels. A bare context
    (store, settings, as_of: the rule contract) reads and joins the ruins alone.
    """
    if isinstance(ctx, CheckContext):
        b, p, where = _placed(ctx)
        ruin = np.flatnonzero(b.attrs["status"] == BuildingStatus.RUIN.value)
        k = where[ruin]
        hh = ctx.parcel_household
        links = {
            int(p.fids[i]): (str(ctx.household_keys[hh[i]]) if hh[i] >= 0 else None)
            for i in k[k >= 0].tolist()
        }
        return b, p, ruin, k, links
    b = ctx.store.read_layer("buildings", ["bdcdyh", "status"])
    ruin = np.flatnonzero(b.attrs["status"] == BuildingStatus.RUIN.value)
    feedback.set_progress(0.2, "QJ-R014")
    p = ctx.store.read_layer("parcels", ["zddm", "household_no", "village_code"])
    k = largest_overlap(b.geometry[ruin], p.geometry)
    return b, p, ruin, k, link_parcels(ctx.store, [int(p.fids[i]) for i in k[k >= 0]])


@rule(
    "QJ-R014",
    version=2,
    name="Ruin with no disposition, or whose case is past its deadline",
    entity_kind=EntityKind.BUILDING,
    date_dependent=True,
    reads_project=True,
)
def ruin_not_dealt_with(ctx: Any, settings: ProjectSettings, feedback: Feedback) -> RuleResult:
    """A ruin (残垣断壁) with no case or no disposition yet, or a ruin case past its deadline.

    The household named is the one DESIGN.md's link rule finds for the ruin's parcel
    (version 2; version 1 named the parcel's recorded 户号 only).
    """
    store, as_of = ctx.store, ctx.as_of
    result = RuleResult()
    b, p, ruin, where, links = _ruins_placed(ctx, feedback)
    check_canceled(feedback)

    day = as_of.isoformat()
    cases: dict[str, tuple[Any, ...]] = {}
    where_recorded: dict[int, tuple[str | None, str | None]] = {}  # case -> (village, 户号)
    for row in store.execute_sql(
        "SELECT fid, bdcdyh, disposition, state, deadline, building_fid, closed IS NOT NULL, "
        "village_code, household_no FROM ruin_cases WHERE state != ? ORDER BY fid",
        [_CANCELLED],
    ):
        fid, bdcdyh, disposition, state, deadline, building_fid, closed, village, hh = row
        overdue = bool(deadline) and not closed and deadline < day
        cases[bdcdyh] = (fid, disposition, state, deadline, building_fid, overdue)
        where_recorded[fid] = (village, hh)

    seen: set[str] = set()
    for i, k in zip(ruin.tolist(), where.tolist(), strict=True):
        bfid = int(b.fids[i])
        key = _key(b.attrs["bdcdyh"][i], bfid)
        case = cases.get(b.attrs["bdcdyh"][i])
        evidence: dict[str, Any] = {"status": BuildingStatus.RUIN.value, "case": None}
        if case is not None:
            cfid, disposition, state, deadline, _, overdue = case
            evidence |= {
                "case": format_case_id(CaseKind.RUIN, cfid),
                "disposition": disposition,
                "state": state,
                "deadline": deadline,
            }
            if disposition is not None and not overdue:
                continue
            if overdue and deadline is not None:
                evidence |= {"reason": "overdue", "days_overdue": _days(deadline, as_of)}
            else:
                evidence["reason"] = "undisposed"
        else:
            evidence["reason"] = "no_case"
        entities = [EntityRef(EntityKind.BUILDING, key, bfid)]
        village = None
        if k >= 0:
            entities.append(EntityRef(EntityKind.PARCEL, str(p.attrs["zddm"][k]), int(p.fids[k])))
            hh = links.get(int(p.fids[k]))
            if hh:
                entities.append(EntityRef(EntityKind.HOUSEHOLD, str(hh)))
            village = p.attrs["village_code"][k]
        seen.add(key)
        result.findings.append(
            Finding(
                "QJ-R014",
                key,
                EntityKind.BUILDING,
                tuple(entities),
                evidence,
                Severity.ERROR,
                None,
                village,
            )
        )

    # A case past its deadline is a finding even when the building is no longer
    # recorded as a ruin (for example re-imported as demolished before verification).
    open_overdue = [(bdcdyh, c) for bdcdyh, c in cases.items() if c[5]]
    for bdcdyh, (cfid, disposition, state, deadline, building_fid, _) in open_overdue:
        key = _key(bdcdyh, building_fid)
        if key in seen:
            continue
        village = where_recorded[cfid]
        entities = [EntityRef(EntityKind.BUILDING, key, int(building_fid))]
        if village[1]:
            entities.append(EntityRef(EntityKind.HOUSEHOLD, str(village[1])))
        result.findings.append(
            Finding(
                "QJ-R014",
                key,
                EntityKind.BUILDING,
                tuple(entities),
                {
                    "case": format_case_id(CaseKind.RUIN, cfid),
                    "disposition": disposition,
                    "state": state,
                    "deadline": deadline,
                    "reason": "overdue",
                    "days_overdue": _days(deadline, as_of),
                },
                Severity.ERROR,
                None,
                village[0],
            )
        )
    feedback.set_progress(1.0, "QJ-R014")
    return result


@rule(
    "QJ-R015",
    version=2,
    name="Renovation (C/D) for a household that holds another house",
    entity_kind=EntityKind.BUILDING,
    reads_project=True,
)
def renovation_with_other_house(
    ctx: Any, settings: ProjectSettings, feedback: Feedback
) -> RuleResult:
    """A live C/D renovation case whose household has a standing building on another parcel.

    Version 2: the other parcel counts only when it is one of the household's homesteads,
    by the link rule and the checks' homestead test (a workshop plot's shed is no house).
    """
    store = ctx.store
    result = RuleResult()
    cases = store.execute_sql(
        "SELECT fid, bdcdyh, building_fid, household_no, grade, state, village_code "
        "FROM renovation_cases WHERE state != ? ORDER BY fid",
        [_CANCELLED],
    )
    if not cases:
        return result
    feedback.set_progress(0.1, "QJ-R015")
    d = district_buildings(store, ctx if isinstance(ctx, CheckContext) else None)
    check_canceled(feedback)
    case_households = np.array([c[3] for c in cases], dtype=object)
    # Only the buildings of households with a case matter: a small subset to group.
    # Houses count on the household's homesteads (the checks' predicate and link).
    mine = np.flatnonzero(
        np.isin(d["household_no"].astype(str), case_households.astype(str))
        & d["standing"]
        & d["homestead"]
    )
    by_household: dict[str, list[int]] = {}
    for i in mine.tolist():
        by_household.setdefault(str(d["household_no"][i]), []).append(i)
    row_of_fid = {int(f): i for i, f in enumerate(d["fid"].tolist())}

    for cfid, bdcdyh, bfid, hh, grade, state, village in cases:
        own = row_of_fid.get(int(bfid))
        own_parcel = int(d["parcel_fid"][own]) if own is not None else -1
        others = [
            i
            for i in by_household.get(str(hh), [])
            if int(d["parcel_fid"][i]) != own_parcel and int(d["fid"][i]) != int(bfid)
        ]
        if not others:
            continue
        key = _key(bdcdyh, bfid)
        entities = [
            EntityRef(EntityKind.BUILDING, key, int(bfid)),
            EntityRef(EntityKind.HOUSEHOLD, str(hh)),
            *(
                EntityRef(EntityKind.BUILDING, _key(d["bdcdyh"][i], d["fid"][i]), int(d["fid"][i]))
                for i in others
            ),
        ]
        evidence = {
            "case": format_case_id(CaseKind.RENOVATION, cfid),
            "grade": grade,
            "state": state,
            "other_houses": sorted(_key(d["bdcdyh"][i], d["fid"][i]) for i in others),
            "other_statuses": sorted({str(d["status"][i]) for i in others}),
        }
        result.findings.append(
            Finding(
                "QJ-R015",
                key,
                EntityKind.BUILDING,
                tuple(entities),
                evidence,
                Severity.ERROR,
                None,
                village,
            )
        )
    feedback.set_progress(1.0, "QJ-R015")
    return result
