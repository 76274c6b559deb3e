"""The batch atlas's engine side: which parcels a village or town prints, and the quality gate.

A page is wrong when its parcel has no geometry or an invalid one, no 宗地代码,
or a building next to it that lies outside every parcel (an open QJ-R004
finding naming it, unless decided a false positive or exempted): the map and
the table would mislead. Those parcels are listed with their reasons and left
out unless the caller forces them in.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely

from qjgis import gpkg
from qjgis.checks.findings import Decision
from qjgis.reports.content import parcel_fids_in, village_codes
from qjgis.store import GpkgStore

GATE_REASONS = ("missing_geometry", "invalid_geometry", "missing_code", "building_outside")


@dataclass
class AtlasPlan:
    """The parcels of an atlas: those printed, and those left out with their reasons."""

    scope: str
    villages: list[str]
    printed: list[int] = field(default_factory=list)  # parcel fids
    left_out: list[dict[str, object]] = field(default_factory=list)  # fid, zddm, reasons
    forced: bool = False


def gate(store: GpkgStore, fids: Sequence[int]) -> dict[int, list[str]]:
    """fid -> reasons its page would be wrong, for the parcels that fail the gate."""
    wanted = sorted({int(f) for f in fids})
    problems: dict[int, list[str]] = {}
    for start in range(0, len(wanted), 900):
        part = wanted[start : start + 900]
        rows = store.execute_sql(
            f"SELECT fid, zddm, {gpkg.wkb_sql('geom')} FROM parcels "
            f"WHERE fid IN ({','.join('?' * len(part))}) ORDER BY fid",
            part,
        )
        geoms = gpkg.decode([r[2] for r in rows])
        missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
        invalid = ~missing & ~shapely.is_valid(np.where(missing, None, geoms))
        for k, (fid, zddm, _) in enumerate(rows):
            reasons = []
            if missing[k]:
                reasons.append("missing_geometry")
            elif invalid[k]:
                reasons.append("invalid_geometry")
            if zddm is None or not str(zddm).strip():
                reasons.append("missing_code")
            if reasons:
                problems[int(fid)] = reasons
    scope = set(wanted)
    for entities, exemption, decision in store.execute_sql(
        "SELECT entities, exemption, decision FROM findings "
        "WHERE rule_id = 'QJ-R004' AND state = 'open'"
    ):
        if exemption is not None or decision in (Decision.EXEMPTED, Decision.FALSE_POSITIVE):
            continue
        for e in json.loads(entities or "[]"):
            fid = e.get("fid")
            if e.get("kind") == "parcel" and fid in scope:
                reasons = problems.setdefault(int(fid), [])
                if "building_outside" not in reasons:
                    reasons.append("building_outside")
    return problems


def plan_atlas(
    store: GpkgStore,
    *,
    village: str | None = None,
    town: str | None = None,
    force: bool = False,
) -> AtlasPlan:
    """The parcels of a village's or town's atlas in 宗地代码 order, after the gate."""
    codes = village_codes(store, village=village, town=town)
    fids = parcel_fids_in(store, codes)
    problems = gate(store, fids)
    order: dict[int, tuple[str, int]] = {}
    for start in range(0, len(fids), 900):
        part = fids[start : start + 900]
        for f, z in store.execute_sql(
            f"SELECT fid, zddm FROM parcels WHERE fid IN ({','.join('?' * len(part))})", part
        ):
            order[int(f)] = (str(z or ""), int(f))
    ordered = sorted(fids, key=lambda f: order[f])
    plan = AtlasPlan(scope=village or town or "", villages=codes, forced=force)
    for f in ordered:
        if f in problems:
            plan.left_out.append({"fid": f, "zddm": order[f][0] or None, "reasons": problems[f]})
            if not force:
                continue
        plan.printed.append(f)
    return plan
