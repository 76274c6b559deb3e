"""The source's CRS: from a .prj (ESRI WKT included), from the coordinates, or from the user.

Chinese ESRI .prj files name Gauss-Krüger CRSs (`CGCS2000_3_Degree_GK_CM_105E`,
`PROJECTION["Gauss_Kruger"]`) in ways PROJ does not always identify; we identify
them from their datum, central meridian and false easting against the EPSG codes
of domain-rules §4. Old datums (Xian 1980, Beijing 1954) go through the
district's 7-parameter transformation or are refused: PROJ's ballpark
transformation is off by tens of metres.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError, ProjError

from qjgis.errors import QjgisError

QjgisError.register(
    {
        "prj_unreadable": "{path}: the .prj file is not a CRS definition ({detail})",
        "crs_unknown": "{path}: no CRS could be determined ({reason}); give --source-crs EPSG:N",
        "old_datum_refused": (
            "{path}: the data is in {datum} ({crs}); importing it needs the district's "
            "7-parameter transformation in setting {setting}, which is not set"
        ),
        "source_crs_invalid": "--source-crs {value}: not a CRS ({reason})",
        "crs_no_transform": "{path}: no transformation from {crs} to {target} ({detail})",
        "crs_mismatch": (
            "{path}: the coordinates {bounds} cannot lie in {crs} (from {origin}); they look "
            "like {suggested}: give --source-crs {suggested}"
        ),
        "crs_mismatch_unknown": (
            "{path}: the coordinates {bounds} cannot lie in {crs} (from {origin}), and they "
            "match no CRS qjgis recognises; give the right one with --source-crs EPSG:N"
        ),
    }
)

_SEMI_MAJOR = {6378137.0: "cgcs2000", 6378140.0: "xian1980", 6378245.0: "beijing1954"}
OLD_DATUM_SETTINGS = {"xian1980": "datum.xian1980", "beijing1954": "datum.beijing1954"}
_DATUM_NAMES = {"xian1980": "Xian 1980", "beijing1954": "Beijing 1954", "cgcs2000": "CGCS2000"}

# EPSG ranges of the Chinese Gauss-Krüger CRSs: (datum, width, prefixed, first code, first key)
# where key is the zone number for prefixed eastings and the central meridian otherwise.
_GK_RANGES = (
    ("cgcs2000", 3, True, 4513, 25), ("cgcs2000", 3, False, 4534, 75),
    ("cgcs2000", 6, True, 4491, 13), ("cgcs2000", 6, False, 4502, 75),
    ("xian1980", 3, True, 2349, 25), ("xian1980", 3, False, 2370, 75),
    ("xian1980", 6, True, 2327, 13), ("xian1980", 6, False, 2338, 75),
    ("beijing1954", 3, True, 2401, 25), ("beijing1954", 3, False, 2422, 75),
    ("beijing1954", 6, True, 21413, 13), ("beijing1954", 6, False, 21453, 75),
)  # fmt: skip
_GEOGRAPHIC = {"cgcs2000": 4490, "xian1980": 4610, "beijing1954": 4214}


def gk_epsg(datum: str, central_meridian: float, false_easting: float) -> int | None:
    """The EPSG code of a Chinese GK CRS from its datum, meridian and false easting."""
    cm = round(central_meridian)
    if abs(central_meridian - cm) > 1e-6:
        return None
    prefix = round((false_easting - 500000.0) / 1e6)
    if abs(false_easting - 500000.0 - prefix * 1e6) > 1e-3:
        return None
    for d, width, prefixed, first, key0 in _GK_RANGES:
        if d != datum or prefixed != (prefix > 0):
            continue
        if width == 3 and cm % 3 == 0:
            zone = cm // 3
            key, step = (zone, 1) if prefixed else (cm, 3)
            if prefixed and prefix != zone:
                continue
        elif width == 6 and (cm - 3) % 6 == 0:
            zone = (cm + 3) // 6
            key, step = (zone, 1) if prefixed else (cm, 6)
            if prefixed and prefix != zone:
                continue
        else:
            continue
        index = (key - key0) // step
        count = 21 if width == 3 else 11
        if 0 <= index < count and (key - key0) % step == 0:
            return first + index
    return None


def datum_of(crs: CRS) -> str | None:
    """cgcs2000 / xian1980 / beijing1954 from the ellipsoid, or None for others.

    WGS 84 shares CGCS2000's semi-major axis; it is treated as CGCS2000, which
    differs from it by centimetres for survey purposes.
    """
    ell = crs.ellipsoid
    if ell is None:
        return None
    return _SEMI_MAJOR.get(round(ell.semi_major_metre, 1))


@dataclass
class CrsDecision:
    crs: CRS
    reason: str  # stable: override, prj, prj_gk, proposed, layer
    detail: str = ""

    @property
    def label(self) -> str:
        epsg = self.crs.to_epsg(min_confidence=70)
        return f"EPSG:{epsg}" if epsg else self.crs.name

    def as_dict(self) -> dict[str, Any]:
        return {
            "crs": self.label,
            "name": self.crs.name,
            "reason": self.reason,
            "detail": self.detail,
        }


def parse_user_crs(value: str) -> CRS:
    try:
        return CRS.from_user_input(value)
    except CRSError as exc:
        raise QjgisError("source_crs_invalid", value=value, reason=str(exc)[:120]) from None


def from_wkt(text: str, path: str) -> CrsDecision:
    """Identify a CRS from .prj/WKT text; ESRI Gauss-Krüger names mapped to EPSG."""
    stripped = text.strip().lstrip("\ufeff")
    if not stripped:
        raise QjgisError("prj_unreadable", path=path, detail="empty_file")
    if stripped.startswith("<") or "<html" in stripped[:500].lower():
        raise QjgisError("prj_unreadable", path=path, detail="html_page")
    try:
        crs = CRS.from_user_input(stripped)
    except CRSError as exc:
        raise QjgisError(
            "prj_unreadable", path=path, detail=str(exc).splitlines()[0][:120]
        ) from None
    datum = datum_of(crs)
    if crs.is_projected and datum is not None:
        params = _tm_params(crs)
        if params is not None:
            code = gk_epsg(datum, *params)
            if code is not None:
                return CrsDecision(CRS.from_epsg(code), "prj_gk", f"{crs.name} = EPSG:{code}")
    code = crs.to_epsg(min_confidence=70)
    if code is not None:
        return CrsDecision(CRS.from_epsg(code), "prj", crs.name)
    if crs.is_geographic and datum == "cgcs2000":
        return CrsDecision(CRS.from_epsg(4490), "prj", crs.name)
    if crs.is_geographic and datum in _GEOGRAPHIC:
        return CrsDecision(CRS.from_epsg(_GEOGRAPHIC[datum]), "prj", crs.name)
    return CrsDecision(crs, "prj", crs.name)


def _tm_params(crs: CRS) -> tuple[float, float] | None:
    """(central meridian, false easting) of a transverse Mercator with k=1, lat0=0."""
    op = crs.coordinate_operation
    method = "" if op is None else op.method_name.lower().replace("_", " ")
    if op is None or ("transverse mercator" not in method and "gauss" not in method):
        return None
    values = {p.name.lower(): float(p.value) for p in op.params if not isinstance(p.value, str)}
    cm = next((v for k, v in values.items() if "longitude" in k or "meridian" in k), None)
    fe = next((v for k, v in values.items() if "false easting" in k), None)
    k = next((v for k, v in values.items() if "scale" in k), 1.0)
    lat0 = next((v for k, v in values.items() if "latitude" in k), 0.0)
    if cm is None or fe is None or abs(k - 1.0) > 1e-9 or abs(lat0) > 1e-9:
        return None
    return float(cm), float(fe)


def propose(bounds: tuple[float, float, float, float], longitude: float, path: str) -> CrsDecision:
    """A CRS from coordinates alone (no .prj): degrees, or GK eastings with or without zone.

    An 8-digit easting carries its 3-degree zone; a 6-digit one is placed on the
    meridian (of the project's zone and its neighbours) that puts the data nearest
    the project's longitude.
    """
    minx, miny, maxx, maxy = bounds
    if not all(math.isfinite(v) for v in bounds):
        raise QjgisError("crs_unknown", path=path, reason="the layer has no coordinates")
    if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
        return CrsDecision(CRS.from_epsg(4490), "proposed", "coordinates in degrees")
    china_northing = miny >= 1.5e6 and maxy <= 6.0e6
    zone = int(minx // 1e6)
    if china_northing and minx >= 1e7 and maxx < 1e8 and zone == int(maxx // 1e6):
        if 25 <= zone <= 45:
            code = 4488 + zone
            return CrsDecision(CRS.from_epsg(code), "proposed", f"8-digit easting: zone {zone}")
        if 13 <= zone <= 23:
            code = 4478 + zone
            return CrsDecision(
                CRS.from_epsg(code), "proposed", f"8-digit easting: 6-degree zone {zone}"
            )
    if china_northing and minx >= 1e5 and maxx < 1e6:
        cm0 = round(longitude / 3) * 3
        x, y = (minx + maxx) / 2, (miny + maxy) / 2
        best: tuple[float, int] | None = None
        for cm in (cm0 - 3, cm0, cm0 + 3):
            candidate = gk_epsg("cgcs2000", cm, 500000.0)
            if candidate is None:
                continue
            lon, _ = _to_geographic(candidate).transform(x, y)
            distance = abs(lon - longitude)
            if best is None or distance < best[0]:
                best = (distance, candidate)
        if best is not None and best[0] < 3.0:
            code = best[1]
            return CrsDecision(
                CRS.from_epsg(code),
                "proposed",
                f"6-digit easting; meridian nearest the project longitude {longitude}",
            )
    raise QjgisError(
        "crs_unknown",
        path=path,
        reason=f"no .prj and coordinates ({minx:.0f}, {miny:.0f})..({maxx:.0f}, {maxy:.0f}) "
        "are neither degrees nor Gauss-Krüger eastings",
    )


#: How far (degrees) beyond a CRS's area of use coordinates may still be taken as meant
#: for it: a neighbouring 3-degree zone's data stays accepted, another unit does not.
FIT_MARGIN_DEG = 2.0


def fits(crs: CRS, bounds: tuple[float, float, float, float]) -> bool:
    """Whether coordinates with these bounds can lie in `crs`: degrees for a geographic
    CRS; for a projected one, the centre of the data inside its area of use (plus a
    margin).

    Metres read as degrees (a Gauss-Krüger file given EPSG:4490) are far outside
    +-180/+-90; degrees read as metres (a lon/lat file given EPSG:4524) land a few
    hundred metres from the false origin, tens of degrees from the zone.
    """
    if not all(math.isfinite(v) for v in bounds):
        return True  # nothing to judge by; an empty layer is refused elsewhere
    minx, miny, maxx, maxy = bounds
    area = crs.area_of_use
    if crs.is_geographic:
        # Degrees anywhere are degrees: data outside the area of use of a geographic CRS
        # is still placed right, and the far-outside warning names it.
        return -180.5 <= minx <= maxx <= 180.5 and -90.5 <= miny <= maxy <= 90.5
    try:
        to_geo = Transformer.from_crs(crs, crs.geodetic_crs or CRS.from_epsg(4326), always_xy=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            lon, lat = to_geo.transform((minx + maxx) / 2, (miny + maxy) / 2, errcheck=False)
    except ProjError:
        return True  # PROJ cannot say; the transformation step reports its own error
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return False
    if area is None:
        return True
    m = FIT_MARGIN_DEG
    west, east = area.west, area.east
    if west > east:  # an area of use across the antimeridian
        east += 360.0
        lon = lon + 360.0 if lon < west - m else lon
    return west - m <= lon <= east + m and area.south - m <= lat <= area.north + m


def check_fits(
    decision: CrsDecision,
    bounds: tuple[float, float, float, float] | None,
    longitude: float,
    path: str,
    origin: str,
) -> None:
    """Refuse a given or declared CRS the coordinates cannot lie in, naming the CRS the
    coordinates suggest: imported as they are, every row would come out without a
    usable geometry."""
    if bounds is None or fits(decision.crs, bounds):
        return
    # metres to the metre, degrees to about a decimetre: as a surveyor reads them
    shown = "({}, {})..({}, {})".format(
        *(f"{v:.0f}" if abs(v) >= 1000 else f"{v:.6g}" for v in bounds)
    )
    try:
        suggested: CrsDecision | None = propose(bounds, longitude, path)
    except QjgisError:
        suggested = None
    if suggested is None or suggested.label == decision.label:
        raise QjgisError(
            "crs_mismatch_unknown", path=path, bounds=shown, crs=decision.label, origin=origin
        )
    raise QjgisError(
        "crs_mismatch", path=path, bounds=shown, crs=decision.label, origin=origin,
        suggested=suggested.label,
    )  # fmt: skip


@functools.lru_cache(maxsize=64)
def _to_geographic(code: int) -> Transformer:
    return Transformer.from_crs(CRS.from_epsg(code), CRS.from_epsg(4490), always_xy=True)


def _proj_steps(crs: CRS) -> str:
    """The PROJ string of a projection alone, without datum shift or CRS wrapper."""
    with warnings.catch_warnings():  # the projection alone is what we want from it
        warnings.simplefilter("ignore", UserWarning)
        text = crs.to_proj4() or ""
    keep = [
        t for t in text.split() if not t.startswith(("+towgs84", "+no_defs", "+type", "+datum"))
    ]
    return " ".join(keep)


def transformer(
    source: CRS, target: CRS, helmert: dict[str, Any] | None, path: str
) -> Callable[[np.ndarray], np.ndarray] | None:
    """The coordinate function for `shapely.transform`, or None when no change is needed.

    Old datums need the district's Helmert parameters (from the settings) and go
    through an explicit PROJ pipeline built from them; without them the import
    is refused, naming the setting.
    """
    if source.equals(target, ignore_axis_order=True):
        return None
    datum = datum_of(source)
    if datum in OLD_DATUM_SETTINGS:
        if helmert is None:
            raise QjgisError(
                "old_datum_refused",
                path=path,
                datum=_DATUM_NAMES[datum],
                crs=CrsDecision(source, "").label,
                setting=OLD_DATUM_SETTINGS[datum],
            )
        ell = "IAU76" if datum == "xian1980" else "krass"
        first = (
            "+step +proj=unitconvert +xy_in=deg +xy_out=rad"
            if source.is_geographic
            else f"+step +inv {_proj_steps(source)}"
        )
        h = helmert
        pipeline = (
            f"+proj=pipeline {first} +step +proj=cart +ellps={ell} "
            f"+step +proj=helmert +x={h['tx']} +y={h['ty']} +z={h['tz']} +rx={h['rx']} "
            f"+ry={h['ry']} +rz={h['rz']} +s={h['ds']} +convention={h['convention']} "
            f"+step +inv +proj=cart +ellps=GRS80 +step {_proj_steps(target)}"
        )
        tr = Transformer.from_pipeline(pipeline)
    else:
        try:
            tr = Transformer.from_crs(source, target, always_xy=True)
        except ProjError as exc:
            raise QjgisError(
                "crs_no_transform", path=path, crs=source.name,
                target=CrsDecision(target, "").label,
                detail=str(exc).split(":")[-1].strip().split(". ")[0][:160],
            ) from None  # fmt: skip

    def apply(coords: np.ndarray) -> np.ndarray:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return apply


def outside_area_of_use(geoms: np.ndarray, target: CRS, margin_deg: float = 0.5) -> np.ndarray:
    """Mask of features whose centre lies beyond the target CRS's area of use (+ margin)."""
    area = target.area_of_use
    out = np.zeros(len(geoms), dtype=bool)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if area is None or not present.any():
        return out
    b = shapely.bounds(geoms[present])
    cx, cy = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
    to_geo = Transformer.from_crs(target, CRS.from_epsg(4490), always_xy=True)
    lon, lat = to_geo.transform(cx, cy)
    far = (
        ~np.isfinite(lon)
        | ~np.isfinite(lat)
        | (lon < area.west - margin_deg)
        | (lon > area.east + margin_deg)
        | (lat < area.south - margin_deg)
        | (lat > area.north + margin_deg)
    )
    out[present] = far
    return out
