"""Small helpers the rules share to build findings' evidence and entity lists.

Evidence is figures only, JSON-serialisable and rounded, so that its hash
changes when a figure changes and not when a float's last bit does.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from qjgis.checks.base import EntityKind, EntityRef
from qjgis.checks.context import GEOM_REPAIRED, GEOMETRY_REASONS, CheckContext

PROGRESS_EVERY = 4096  # findings between two cancel checks in a rule's assembly loop


def m2(value: Any) -> float | None:
    """An area or length, rounded to the centimetre / square centimetre."""
    v = float(value)
    return None if math.isnan(v) else round(v, 2)


def ratio(value: Any) -> float | None:
    v = float(value)
    return None if math.isnan(v) else round(v, 4)


def day(value: Any) -> str | None:
    return None if np.isnat(value) else str(np.asarray(value).astype("datetime64[D]"))


def text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    s = str(value).strip()
    return s or None


def parcel_ref(ctx: CheckContext, i: int) -> EntityRef:
    return EntityRef(EntityKind.PARCEL, str(ctx.parcel_keys[i]), int(ctx.parcels.fids[i]))


def building_ref(ctx: CheckContext, i: int) -> EntityRef:
    return EntityRef(EntityKind.BUILDING, str(ctx.building_keys[i]), int(ctx.buildings.fids[i]))


def household_ref(ctx: CheckContext, h: int) -> EntityRef:
    return EntityRef(
        EntityKind.HOUSEHOLD, str(ctx.household_keys[h]), int(ctx.households["fid"][h])
    )


def skip_geometry(
    result: Any, status: np.ndarray, mask: np.ndarray | None = None, *, repaired: bool = False
) -> None:
    """Count rows a rule cannot measure, by the reason their geometry gives.

    Repaired geometries are measured by the spatial rules; rules that compare a
    recorded figure with the stored shape (`repaired=True`) skip them too.
    """
    for code, reason in GEOMETRY_REASONS.items():
        if code == GEOM_REPAIRED and not repaired:
            continue
        hit = status == code
        if mask is not None:
            hit &= mask
        result.skip(reason, int(hit.sum()))
