"""Rules about households and their homesteads: 一户多宅, 建新不拆旧, 超标准占地, links.

Parcels link to households by DESIGN.md's link rule (`CheckContext.parcel_link`):
户号 first, else an ID number, never a name. A reclaimed plot (已复垦) is no
longer a homestead and counts for none of these rules.
"""

from __future__ import annotations

import contextlib
import re

import numpy as np

from qjgis.checks.base import EntityKind, Finding, RuleResult, Severity, rule
from qjgis.checks.context import CheckContext
from qjgis.checks.evidence import (
    PROGRESS_EVERY,
    building_ref,
    day,
    household_ref,
    m2,
    parcel_ref,
    skip_geometry,
    text,
)
from qjgis.checks.joins import group, unique_pairs
from qjgis.feedback import Feedback, check_canceled
from qjgis.model import AcquisitionMode, PlotDisposalStatus, SplitStatus
from qjgis.settings import ProjectSettings

#: Exemption codes of QJ-R001, in the order they are tried (the first that applies is
#: recorded; all that apply are listed in the evidence).
MULTI_EXEMPTIONS = ("inheritance", "historical", "split", "resettlement", "reclamation")


def _segment_sums(flags: np.ndarray, order: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Per household, how many of its parcels (order[start[h]:start[h+1]]) are flagged."""
    cs = np.concatenate([[0], np.cumsum(flags[order].astype(np.int64))])
    return cs[start[1:]] - cs[start[:-1]]


def _numbers(values: np.ndarray) -> np.ndarray:
    """A REAL column as float, missing (None) as NaN."""
    arr = np.asarray(values, dtype=object)
    arr = np.where(arr == None, np.nan, arr)  # noqa: E711
    try:
        return arr.astype(float)
    except (TypeError, ValueError):  # text that is not a number: as missing
        out = np.full(len(arr), np.nan)
        for k, v in enumerate(arr):  # only after the whole column failed: rare
            with contextlib.suppress(TypeError, ValueError):
                out[k] = float(v)
        return out


def _parcel_facts(ctx: CheckContext, i: int) -> dict[str, object]:
    p = ctx.parcels.attrs
    return {
        "parcel": str(ctx.parcel_keys[i]),
        "area_m2": m2(ctx.parcel_area[i]),
        "acquired": day(ctx.parcel_dates("acquired")[i]),
        "acquisition_mode": text(p["acquisition_mode"][i]),
        "disposal": text(p["disposal"][i]),
        "disposal_deadline": day(ctx.parcel_dates("disposal_deadline")[i]),
        "approval_no": text(p["approval_no"][i]),
    }


# ==================================================================== QJ-R001
#: The exemptions a single plot can carry (a split is the whole household's).
PLOT_EXEMPTIONS = ("inheritance", "historical", "resettlement", "reclamation")


def plot_exemptions(ctx: CheckContext, settings: ProjectSettings) -> np.ndarray:
    """Per parcel, the first exemption of `PLOT_EXEMPTIONS` that applies to it, or "".

    Inheritance (继承); historical, acquired before cutoff.historical (历史遗留);
    resettlement still within its deadline on the as-of date (安置中); a plot
    scheduled for reclamation (拟复垦).
    """
    mode = ctx.text("parcels", "acquisition_mode")
    disposal = ctx.text("parcels", "disposal")
    acquired = ctx.parcel_dates("acquired")
    cutoff = np.datetime64(settings["cutoff.historical"], "D")
    deadline = ctx.parcel_dates("disposal_deadline")
    flags = {
        "inheritance": mode == AcquisitionMode.INHERITANCE.value,
        "historical": ~np.isnat(acquired) & (acquired < cutoff),
        "resettlement": (disposal == PlotDisposalStatus.RESETTLEMENT.value)
        & ~np.isnat(deadline)
        & (deadline >= ctx.as_of64),
        "reclamation": disposal == PlotDisposalStatus.RECLAMATION_PLANNED.value,
    }
    out = np.full(len(ctx.parcels), "", dtype="<U12")
    for code in reversed(PLOT_EXEMPTIONS):  # the first in order wins
        out[flags[code]] = code
    return out


@rule(
    "QJ-R001",
    version=2,
    name="Multiple homesteads (一户多宅)",
    entity_kind=EntityKind.HOUSEHOLD,
    settings=("cutoff.historical",),
    date_dependent=True,
)
def multiple_homesteads(
    ctx: CheckContext, settings: ProjectSettings, feedback: Feedback
) -> RuleResult:
    """A household holding two or more homestead parcels, exempt or not.

    Exemptions belong to plots (DESIGN.md, domain-rules §6): a plot inherited
    (继承), acquired before cutoff.historical (历史遗留), resettled within its
    deadline (安置中) or scheduled for reclamation (拟复垦) does not count. A
    household violates when two or more of its plots are not exempt; at most
    one left is an exempted finding, its code the first exemption (in
    `MULTI_EXEMPTIONS` order) held by one of its plots. A pending or approved
    household split (分户) exempts the household whatever its plots. The
    evidence lists every plot with its exemption (or none).
    Version 2: exemptions per plot; version 1 let one exempt plot exempt all.
    """
    result = RuleResult()
    check_canceled(feedback)
    order, start = ctx.household_parcels
    count = ctx.household_homesteads
    result.skip("no_household", int((ctx.parcel_homestead & (ctx.parcel_household < 0)).sum()))
    multi = np.flatnonzero(count >= 2)
    if not len(multi):
        return result
    plot_code = plot_exemptions(ctx, settings)
    exempt_plots = _segment_sums(plot_code != "", order, start)
    non_exempt = count - exempt_plots
    split_status = ctx.text("households", "split_status")
    split = np.isin(split_status, (SplitStatus.PENDING.value, SplitStatus.APPROVED.value))
    for n, h in enumerate(multi.tolist()):
        if n % PROGRESS_EVERY == 0:
            check_canceled(feedback)
            feedback.set_progress(n / len(multi), "QJ-R001")
        plots = order[start[h] : start[h + 1]]
        held = set(plot_code[plots].tolist()) if non_exempt[h] <= 1 else set()
        codes = [c for c in MULTI_EXEMPTIONS if c in held or (c == "split" and split[h])]
        exemption = codes[0] if codes else None
        result.findings.append(
            Finding(
                rule_id="QJ-R001",
                key=str(ctx.household_keys[h]),
                entity_kind=EntityKind.HOUSEHOLD,
                entities=(household_ref(ctx, h), *(parcel_ref(ctx, i) for i in plots)),
                evidence={
                    "homesteads": int(count[h]),
                    "not_exempt": int(non_exempt[h]),
                    "members": int(ctx.household_size[h]),
                    "split_status": text(ctx.households["split_status"][h]),
                    "parcels": [
                        {**_parcel_facts(ctx, int(i)), "exemption": plot_code[i] or None}
                        for i in plots
                    ],
                    "exemptions": codes,
                },
                severity=Severity.INFO if exemption else Severity.ERROR,
                exemption=exemption,
                village_code=ctx.household_village[h],
            )
        )
    return result


# ==================================================================== QJ-R002
#: Plot exemptions under which a house left standing is not "kept after building new":
#: inherited, being resettled within its deadline, or scheduled for reclamation.
_KEPT_LAWFULLY = ("inheritance", "resettlement", "reclamation")
_APPROVAL_YEAR = re.compile(r"[〔\[(（【]\s*((?:19|20)\d\d)\s*[〕\])）】]")


def _approval_dates(ctx: CheckContext) -> np.ndarray:
    """Each parcel's approval date; else the 31 December of the year its approval number
    carries (綦江宅批〔2016〕12号); NaT where neither is recorded."""
    dates = ctx.parcel_dates("approval_date").copy()
    numbers = ctx.text("parcels", "approval_no")
    for i in np.flatnonzero(np.isnat(dates) & (numbers != "")):  # rare: a number, no date
        m = _APPROVAL_YEAR.search(str(numbers[i]))
        if m:
            dates[i] = np.datetime64(f"{m.group(1)}-12-31", "D")
    return dates


def _years(values: np.ndarray) -> np.ndarray:
    """Year built as float, NaN where missing or not a plausible year."""
    years = _numbers(values)
    return np.where((years >= 1800) & (years <= 2200), np.floor(years), np.nan)


@rule(
    "QJ-R002",
    version=2,
    name="New house built, old one not demolished (建新不拆旧)",
    entity_kind=EntityKind.PARCEL,
    settings=("check.demolish_within_months", "cutoff.historical"),
    date_dependent=True,
)
def new_without_demolition(
    ctx: CheckContext, settings: ProjectSettings, feedback: Feedback
) -> RuleResult:
    """An old house still standing after its household built or was approved a new one.

    Two triggers; the finding is the old parcel, with its standing buildings.

    1. A parcel whose approval carries the duty to demolish the old house
       (SFCJ) with a deadline: once the deadline has passed on the as-of date,
       every other parcel of the household with a building still standing
       (not 已拆除 / 已复垦). Severity error.
    2. Without that duty and deadline: a parcel with an approval (date, else the
       year of its number) or with a standing building of a newer year built,
       and another parcel of the household with a standing building older than
       that approval or building, more than check.demolish_within_months after
       the approval or the new building's completion (31 December of its year
       built). Severity warning. Old plots that are inherited, being resettled
       within their deadline or scheduled for reclamation, and households with
       a pending or approved split, are not judged by this trigger.

    A building belongs to the parcel it overlaps most, else to the parcel its
    recorded code names. Version 2 adds the second trigger.
    """
    result = RuleResult()
    check_canceled(feedback)
    p = ctx.parcels.attrs
    n = len(ctx.parcels)
    duty = ctx.flag(p["must_demolish_old"])
    hh = ctx.parcel_household
    result.skip("no_household", int((duty & (hh < 0)).sum()))
    deadline = ctx.parcel_dates("demolition_deadline")
    result.skip("no_demolition_deadline", int((duty & (hh >= 0) & np.isnat(deadline)).sum()))
    overdue = np.flatnonzero(duty & (hh >= 0) & ~np.isnat(deadline) & (deadline < ctx.as_of64))
    by_household, hstart = group(hh, len(ctx.households["fid"]))
    home = ctx.building_home
    standing = ctx.building_standing
    b_order, b_start = group(np.where(standing, home, -1), n)
    found: dict[int, dict[str, object]] = {}
    for k, new in enumerate(overdue):
        if k % PROGRESS_EVERY == 0:
            check_canceled(feedback)
        h = hh[new]
        for old in by_household[hstart[h] : hstart[h + 1]]:
            if old == new or duty[old]:
                continue
            kept = b_order[b_start[old] : b_start[old + 1]]
            if not len(kept):
                continue
            entry = found.setdefault(
                int(old), {"household": int(h), "new": [], "buildings": [int(b) for b in kept]}
            )
            entry["new"].append(int(new))  # type: ignore[attr-defined]
    status = ctx.buildings.attrs["status"]
    for old, entry in sorted(found.items()):
        news: list[int] = entry["new"]  # type: ignore[assignment]
        kept_b: list[int] = entry["buildings"]  # type: ignore[assignment]
        h = int(entry["household"])  # type: ignore[call-overload]
        result.findings.append(
            Finding(
                rule_id="QJ-R002",
                key=str(ctx.parcel_keys[old]),
                entity_kind=EntityKind.PARCEL,
                entities=(
                    parcel_ref(ctx, old),
                    household_ref(ctx, h),
                    *(parcel_ref(ctx, i) for i in news),
                    *(building_ref(ctx, b) for b in kept_b),
                ),
                evidence={
                    "trigger": "demolition_deadline",
                    "household": str(ctx.household_keys[h]),
                    "new_parcels": [
                        {
                            "parcel": str(ctx.parcel_keys[i]),
                            "approval_no": text(p["approval_no"][i]),
                            "approval_date": day(ctx.parcel_dates("approval_date")[i]),
                            "demolition_deadline": day(deadline[i]),
                            "days_overdue": int((ctx.as_of64 - deadline[i]).astype(int)),
                        }
                        for i in news
                    ],
                    "standing_buildings": [
                        {"building": str(ctx.building_keys[b]), "status": text(status[b])}
                        for b in kept_b
                    ],
                },
                severity=Severity.ERROR,
                village_code=ctx.parcel_finding_village[old],
            )
        )
    _kept_after_new(ctx, settings, feedback, result, set(found), b_order, b_start)
    result.findings.sort(key=lambda f: f.key)
    return result


def _months_after_all(dates: np.ndarray, months: int) -> np.ndarray:
    """`_months_after` on a datetime64[D] array (NaT stays NaT)."""
    dates = np.asarray(dates, dtype="datetime64[D]")
    month = dates.astype("datetime64[M]")
    day = (dates - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.timedelta64(months, "M")
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    out = target.astype("datetime64[D]") + np.minimum(day, length - 1).astype("timedelta64[D]")
    return np.where(np.isnat(dates), np.datetime64("NaT"), out)


def _within_pairs(
    order: np.ndarray, start: np.ndarray, groups: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every ordered pair (a, b), a != b, of rows grouped together (order[start[g]:...])."""
    k = start[groups + 1] - start[groups]
    first = np.cumsum(k) - k  # where each group starts among the elements
    elem = order[np.repeat(start[groups], k) + np.arange(k.sum()) - np.repeat(first, k)]
    rep = np.repeat(k, k)  # each element pairs with every element of its group
    a = np.repeat(elem, rep)
    within = np.arange(rep.sum()) - np.repeat(np.cumsum(rep) - rep, rep)
    b = elem[np.repeat(np.repeat(first, k), rep) + within]
    keep = a != b
    return a[keep], b[keep]


def _kept_after_new(
    ctx: CheckContext,
    settings: ProjectSettings,
    feedback: Feedback,
    result: RuleResult,
    done: set[int],
    b_order: np.ndarray,
    b_start: np.ndarray,
) -> None:
    """QJ-R002's second trigger: an approval or a newer house, no recorded deadline.

    Judged on every ordered pair (old plot, new plot) of a household at once; a
    plot found by the first trigger is not judged again. Where several events
    make an old plot overdue, the latest is named (ties: the lower plot, the
    approval before the building).
    """
    months = int(settings["check.demolish_within_months"])
    n = len(ctx.parcels)
    p = ctx.parcels.attrs
    split = np.isin(
        ctx.text("households", "split_status"),
        (SplitStatus.PENDING.value, SplitStatus.APPROVED.value),
    )
    order, start = ctx.household_parcels
    multi = np.flatnonzero((ctx.household_homesteads >= 2) & ~split)
    old, new = _within_pairs(order, start, multi)
    if not len(old):
        return
    check_canceled(feedback)
    # Only the plots of those households and their standing buildings are read further.
    plots = np.zeros(n, dtype=bool)
    plots[old] = True
    sb = b_order[plots[ctx.building_home[b_order]]]  # still grouped by plot
    sb_home = ctx.building_home[sb]
    year = np.full(len(ctx.buildings), np.nan)
    year[sb] = _years(ctx.buildings.attrs["year_built"][sb])
    # Per plot: its standing buildings' newest dated year (and which), oldest dated year,
    # and whether one of them has no year at all.
    dated = ~np.isnan(year[sb])
    newest = np.full(n, np.nan)
    newest_b = np.full(n, -1, dtype=np.intp)
    oldest = np.full(n, np.inf)
    if dated.any():
        d, dh = sb[dated], sb_home[dated]
        last = np.lexsort((-d, year[d], dh))  # per plot: largest year, then lowest index
        end = np.ones(len(last), dtype=bool)
        end[:-1] = dh[last][1:] != dh[last][:-1]
        newest[dh[last[end]]] = year[d[last[end]]]
        newest_b[dh[last[end]]] = d[last[end]]
        begin = np.ones(len(last), dtype=bool)
        begin[1:] = end[:-1]
        oldest[dh[last[begin]]] = year[d[last[begin]]]
    undated = np.zeros(n, dtype=bool)
    undated[sb_home[~dated]] = True
    standing = np.diff(b_start) > 0
    duty = ctx.flag(p["must_demolish_old"]) & ~np.isnat(ctx.parcel_dates("demolition_deadline"))
    kept_lawfully = np.isin(plot_exemptions(ctx, settings), _KEPT_LAWFULLY)
    judged = standing[old] & ~kept_lawfully[old] & ~duty[new]
    if done:
        judged &= ~np.isin(old, np.fromiter(done, dtype=np.intp))
    old, new = old[judged], new[judged]
    approval = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    approval[plots] = _approval_dates(ctx)[plots]
    as_of = ctx.as_of64
    # An approval: the old plot has a building older than its year (or undated).
    a_year = approval.astype("datetime64[Y]").astype(np.int64) + 1970
    a_due = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    a_due[plots] = _months_after_all(approval[plots], months)
    by_approval = (
        ~np.isnat(approval[new])
        & (a_due[new] < as_of)
        & ((oldest[old] < a_year[new]) | undated[old])
    )
    # A newer building: finished (31 December of its year) and the months passed.
    b_when = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    has = ~np.isnan(newest)
    next_year = (newest[has].astype(np.int64) + 1 - 1970).astype("datetime64[Y]")
    b_when[has] = next_year.astype("datetime64[D]") - np.timedelta64(1, "D")
    b_due = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    b_due[has] = _months_after_all(b_when[has], months)
    by_building = has[new] & (b_due[new] < as_of) & (oldest[old] < newest[new])
    c_old = np.concatenate([old[by_approval], old[by_building]])
    c_new = np.concatenate([new[by_approval], new[by_building]])
    c_trig = np.concatenate(
        [np.zeros(by_approval.sum(), np.int8), np.ones(by_building.sum(), np.int8)]
    )
    c_when = np.concatenate(
        [approval[c_new[: by_approval.sum()]], b_when[c_new[by_approval.sum() :]]]
    )
    if not len(c_old):
        return
    pick = np.lexsort((c_trig, c_new, -c_when.astype(np.int64), c_old))
    first = np.ones(len(pick), dtype=bool)
    first[1:] = c_old[pick][1:] != c_old[pick][:-1]
    status = ctx.buildings.attrs["status"]
    hh = ctx.parcel_household
    for k, r in enumerate(pick[first].tolist()):
        if k % PROGRESS_EVERY == 0:
            check_canceled(feedback)
        o, nw, approved = int(c_old[r]), int(c_new[r]), c_trig[r] == 0
        y = a_year[nw] if approved else newest[nw]
        kept = b_order[b_start[o] : b_start[o + 1]]
        ys = year[kept]
        older = kept[(ys < y) | (np.isnan(ys) & approved)]
        nb = -1 if approved else int(newest_b[nw])
        due = a_due[nw] if approved else b_due[nw]
        h = int(hh[o])
        result.findings.append(
            Finding(
                rule_id="QJ-R002",
                key=str(ctx.parcel_keys[o]),
                entity_kind=EntityKind.PARCEL,
                entities=(
                    parcel_ref(ctx, o),
                    household_ref(ctx, h),
                    parcel_ref(ctx, nw),
                    *((building_ref(ctx, nb),) if nb >= 0 else ()),
                    *(building_ref(ctx, int(b)) for b in older),
                ),
                evidence={
                    "trigger": "approval" if approved else "newer_building",
                    "household": str(ctx.household_keys[h]),
                    "new_parcel": str(ctx.parcel_keys[nw]),
                    "approval_no": text(p["approval_no"][nw]),
                    "approval_date": day(approval[nw]),
                    "new_building": str(ctx.building_keys[nb]) if nb >= 0 else None,
                    "new_year_built": int(year[nb]) if nb >= 0 else None,
                    "demolish_within_months": months,
                    "due": day(due),
                    "days_overdue": int((as_of - due).astype(int)),
                    "standing_buildings": [
                        {
                            "building": str(ctx.building_keys[b]),
                            "year_built": None if np.isnan(year[b]) else int(year[b]),
                            "status": text(status[b]),
                        }
                        for b in older
                    ],
                },
                severity=Severity.WARNING,
                village_code=ctx.parcel_finding_village[o],
            )
        )


# ==================================================================== QJ-R003
@rule(
    "QJ-R003",
    version=2,
    name="Homestead over the area standard (超标准占地)",
    entity_kind=EntityKind.PARCEL,
    settings=(
        "area.per_person_farmland",
        "area.per_person_other",
        "area.household_min",
        "area.household_max",
        "area.tolerance_m2",
        "cutoff.over_area_tier1",
        "cutoff.over_area_tier2",
    ),
)
def over_area(ctx: CheckContext, settings: ProjectSettings, feedback: Feedback) -> RuleResult:
    """A homestead larger than its lawful area + tolerance, by the tier of its date.

    The area is computed from the geometry (domain-rules §1.2); the standard is
    per-person area × clamp(household size). Acquired before
    cutoff.over_area_tier1 (1982) and over the standard: exempt as historical.
    Between the tiers (1982-1987) and over the standard: a warning with tier
    "historical_to_handle", pending a reviewer's decision, never exempted by
    itself. After cutoff.over_area_tier2 (or undated): the lawful area is the
    approved area (PZMJ) where one is recorded, else the standard, and the
    excess over it is the finding (evidence: standard, approved, lawful, actual).
    Version 2: the 1982-1987 tier is no longer exempted; PZMJ is the lawful area.
    """
    result = RuleResult()
    check_canceled(feedback)
    hh = ctx.parcel_household
    home = ctx.parcel_homestead
    result.skip("no_household", int((home & (hh < 0)).sum()))
    linked = home & (hh >= 0)
    skip_geometry(result, ctx.parcel_status, linked, repaired=True)
    measurable = linked & (ctx.parcel_status == 0)
    size = np.zeros(len(hh), dtype=np.int64)
    size[hh >= 0] = ctx.household_size[hh[hh >= 0]]
    result.skip("no_members", int((measurable & (size == 0)).sum()))
    candidates = measurable & (size > 0)
    lo, hi = int(settings["area.household_min"]), int(settings["area.household_max"])
    per = np.where(
        ctx.parcel_farmland,
        float(settings["area.per_person_farmland"]),
        float(settings["area.per_person_other"]),
    )
    standard = per * np.clip(size, lo, hi)
    tolerance = float(settings["area.tolerance_m2"])
    area = ctx.parcel_area
    acquired = ctx.parcel_dates("acquired")
    tier1 = np.datetime64(settings["cutoff.over_area_tier1"], "D")
    tier2 = np.datetime64(settings["cutoff.over_area_tier2"], "D")
    pzmj = ctx.parcels.attrs["pzmj"]
    approved = _numbers(pzmj)
    before_tiers = ~np.isnat(acquired) & (acquired < tier2)
    # After the tiers the approval decides what is lawful; before them, the standard.
    lawful = np.where(~before_tiers & (approved > 0), approved, standard)
    over = np.flatnonzero(candidates & (area > lawful + tolerance))
    land = ctx.parcels.attrs["land_type"]
    for k, i in enumerate(over):
        if k % PROGRESS_EVERY == 0:
            check_canceled(feedback)
        a = acquired[i]
        severity = Severity.ERROR
        if np.isnat(a):
            exemption, tier = None, "unknown"
        elif a < tier1:
            exemption, tier, severity = "historical", "before_tier1", Severity.INFO
        elif a < tier2:
            exemption, tier, severity = None, "historical_to_handle", Severity.WARNING
        else:
            exemption, tier = None, "after_tier2"
        h = int(hh[i])
        result.findings.append(
            Finding(
                rule_id="QJ-R003",
                key=str(ctx.parcel_keys[i]),
                entity_kind=EntityKind.PARCEL,
                entities=(parcel_ref(ctx, int(i)), household_ref(ctx, h)),
                evidence={
                    "area_m2": m2(area[i]),
                    "standard_m2": m2(standard[i]),
                    "approved_m2": m2(approved[i]),
                    "lawful_m2": m2(lawful[i]),
                    "tolerance_m2": m2(tolerance),
                    "excess_m2": m2(area[i] - lawful[i]),
                    "household": str(ctx.household_keys[h]),
                    "members": int(size[i]),
                    "per_person_m2": m2(per[i]),
                    "land_type": text(land[i]),
                    "acquired": day(a),
                    "tier": tier,
                },
                severity=severity,
                exemption=exemption,
                village_code=ctx.parcel_finding_village[i],
            )
        )
    return result


# ==================================================================== QJ-R010
@rule(
    "QJ-R010",
    version=1,
    name="Parcel-household links (no household, no homestead, holders in two households)",
    entity_kind=EntityKind.PARCEL,
)
def household_links(ctx: CheckContext, settings: ProjectSettings, feedback: Feedback) -> RuleResult:
    """Links that do not hold: never guessed, always a finding (DESIGN.md).

    Parcel findings: a homestead parcel that links to no household
    ("no_household"); one whose holders' ID numbers and recorded 户号 point to
    two or more households ("holders_in_several_households"). Household
    findings: a household of the register holding no homestead
    ("no_homestead").
    """
    result = RuleResult()
    check_canceled(feedback)
    n = len(ctx.parcels)
    nh = len(ctx.households["fid"])
    hh = ctx.parcel_household
    home = ctx.parcel_homestead
    pp, ph = ctx.holder_households
    linked = hh >= 0
    pp = np.concatenate([pp, np.flatnonzero(linked)])
    ph = np.concatenate([ph, hh[linked]])
    pp, ph = unique_pairs(pp, ph)
    several = np.bincount(pp, minlength=n) > 1
    problems_mask = home & ((hh < 0) | several)
    by_parcel, p_start = group(pp, n)
    for k, i in enumerate(np.flatnonzero(problems_mask)):
        if k % PROGRESS_EVERY == 0:
            check_canceled(feedback)
        problems = []
        if hh[i] < 0:
            problems.append("no_household")
        if several[i]:
            problems.append("holders_in_several_households")
        households = sorted({int(ph[r]) for r in by_parcel[p_start[i] : p_start[i + 1]]})
        result.findings.append(
            Finding(
                rule_id="QJ-R010",
                key=str(ctx.parcel_keys[i]),
                entity_kind=EntityKind.PARCEL,
                entities=(parcel_ref(ctx, int(i)), *(household_ref(ctx, h) for h in households)),
                evidence={
                    "problems": problems,
                    "recorded_household_no": text(ctx.parcels.attrs["household_no"][i]),
                    "linked_household": str(ctx.household_keys[hh[i]]) if hh[i] >= 0 else None,
                    "holder_households": [str(ctx.household_keys[h]) for h in households],
                },
                severity=Severity.WARNING,
                village_code=ctx.parcel_finding_village[i],
            )
        )
    no_key = ctx.text("households", "household_no") == ""
    result.skip("no_household_no", int(no_key.sum()))
    # The first row of a 户号 is the household; later rows repeating it are not evaluated.
    primary = np.zeros(nh, dtype=bool)
    primary[ctx.household_table.row] = True
    duplicate = ~primary & ~no_key
    result.skip("duplicate_household_no", int(duplicate.sum()))
    homeless = np.flatnonzero(primary & ~no_key & (ctx.household_homesteads == 0))
    for h in homeless:
        result.findings.append(
            Finding(
                rule_id="QJ-R010",
                key=str(ctx.household_keys[h]),
                entity_kind=EntityKind.HOUSEHOLD,
                entities=(household_ref(ctx, int(h)),),
                evidence={"problems": ["no_homestead"], "members": int(ctx.household_size[h])},
                severity=Severity.WARNING,
                village_code=ctx.household_village[h],
            )
        )
    return result


__all__ = [
    "MULTI_EXEMPTIONS",
    "PLOT_EXEMPTIONS",
    "household_links",
    "multiple_homesteads",
    "new_without_demolition",
    "over_area",
    "plot_exemptions",
]
