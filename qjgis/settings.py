"""Project settings: what the rules and workflows read, stored in the project file.

Every value the domain notes mark unverified (the per-person area, subsidies,
cut-off dates, thresholds) is a setting here, never a constant in a rule. Each
key has a type, a default and a validator; a value is validated whenever it is
set, from the CLI, the GUI or a migration, and a bad one is refused whole.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pyproj import CRS
from pyproj.exceptions import CRSError

from qjgis.errors import Invalid, QjgisError
from qjgis.model import Role

Validator = Callable[[Any], Any]  # returns the normalised value or raises ValueError


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    validate: Validator
    group: str  # a stable code the UI groups and translates by


def _number(lo: float, hi: float, *, integer: bool = False) -> Validator:
    def check(v: Any) -> float | int:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            if isinstance(v, str):
                try:
                    v = float(v)
                except ValueError:
                    raise Invalid("not_a_number") from None
            else:
                raise Invalid("not_a_number")
        try:
            finite = math.isfinite(v)
        except OverflowError:  # an integer too large for a float
            finite = False
        if not finite:
            raise Invalid("not_a_finite_number")
        if integer:
            if float(v) != int(v):
                raise Invalid("not_a_whole_number")
            v = int(v)
        if not lo <= v <= hi:
            raise Invalid("outside", lo=f"{lo:g}", hi=f"{hi:g}")
        return v if integer else float(v)

    return check


def _date(v: Any) -> str:
    if isinstance(v, dt.datetime):
        d = v.date()
    elif isinstance(v, dt.date):
        d = v
    elif isinstance(v, str):
        try:
            d = dt.date.fromisoformat(v.strip())
        except ValueError:
            raise Invalid("not_a_date") from None
    else:
        raise Invalid("not_a_date")
    if not dt.date(1900, 1, 1) <= d <= dt.date(2100, 12, 31):
        raise Invalid("outside", lo="1900", hi="2100")
    return d.isoformat()


def _text(max_len: int, *, allow_empty: bool = False) -> Validator:
    def check(v: Any) -> str | None:
        if v is None and allow_empty:
            return None
        if not isinstance(v, str):
            raise Invalid("not_text")
        v = v.strip()
        if not v:
            if allow_empty:
                return None
            raise Invalid("empty")
        if len(v) > max_len:
            raise Invalid("longer_than", n=max_len)
        return v

    return check


def _digits(n: int) -> Validator:
    def check(v: Any) -> str:
        v = str(v).strip()
        if len(v) != n or not v.isdigit():
            raise Invalid("not_digits", n=n)
        return v

    return check


def _prefix_list(v: Any) -> list[str]:
    if isinstance(v, str):
        v = [p for p in v.replace(";", ",").split(",") if p.strip()]
    if not isinstance(v, list) or not v:
        raise Invalid("not_code_list")
    return [_digits(6)(p) for p in v]


def _role(v: Any) -> str:
    try:
        return Role(str(v).strip()).value
    except ValueError:
        raise Invalid("one_of", choices=", ".join(r.value for r in Role)) from None


def _crs(v: Any) -> str:
    try:
        crs = CRS.from_user_input(str(v).strip())
    except CRSError as exc:
        raise Invalid("unknown_crs", detail=str(exc)) from None
    epsg = crs.to_epsg()
    if epsg is None:
        raise Invalid("no_epsg_code")
    if not crs.is_projected:
        raise Invalid("not_projected")
    return f"EPSG:{epsg}"


_HELMERT_KEYS = ("tx", "ty", "tz", "rx", "ry", "rz", "ds")
_HELMERT_LIMITS = (1000.0, 1000.0, 1000.0, 60.0, 60.0, 60.0, 100.0)


def _helmert(v: Any) -> dict[str, Any] | None:
    """A 7-parameter (Bursa-Wolf) transformation, or None where the district has none.

    Translations in metres, rotations in arc-seconds, scale in ppm; `convention`
    says how rotations are signed, since both are in use in Chinese documents.
    """
    if v is None or v == "" or v == "null":
        return None
    if isinstance(v, str):
        try:
            v = json.loads(v)
        except json.JSONDecodeError:
            raise Invalid("not_a_json_object") from None
    if not isinstance(v, Mapping):
        raise Invalid("not_helmert_object", keys=" ".join(_HELMERT_KEYS))
    out: dict[str, Any] = {}
    for key, limit in zip(_HELMERT_KEYS, _HELMERT_LIMITS, strict=True):
        if key not in v:
            raise Invalid("missing_part", part=key)
        out[key] = _number(-limit, limit)(v[key])
    convention = v.get("convention", "position_vector")
    if convention not in ("position_vector", "coordinate_frame"):
        raise Invalid("one_of", choices="position_vector, coordinate_frame")
    out["convention"] = convention
    extra = set(v) - set(_HELMERT_KEYS) - {"convention"}
    if extra:
        raise Invalid("unknown_keys", keys=", ".join(sorted(extra)))
    return out


def _theme(v: Any) -> str:
    from qjgis.cases.themes import THEMES

    if v not in THEMES:
        raise Invalid("one_of", choices=", ".join(THEMES))
    return str(v)


def _theme_styles(v: Any) -> dict[str, dict[str, str]]:
    """{theme: {category: "#rrggbb"}} overriding the themes' default colours."""
    import re

    from qjgis.cases.themes import DEFAULT_STYLES

    if isinstance(v, str):
        try:
            v = json.loads(v)
        except json.JSONDecodeError:
            raise Invalid("not_a_json_object") from None
    if not isinstance(v, Mapping):
        raise Invalid("not_a_json_object")
    out: dict[str, dict[str, str]] = {}
    for theme, colours in v.items():
        known = DEFAULT_STYLES.get(theme)
        if known is None or not isinstance(colours, Mapping):
            raise Invalid("one_of", choices=", ".join(DEFAULT_STYLES))
        for category, colour in colours.items():
            if category not in known:
                raise Invalid("one_of", choices=", ".join(known))
            if not isinstance(colour, str) or not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
                raise Invalid("one_of", choices="#rrggbb")
        out[str(theme)] = {str(c): str(x).lower() for c, x in colours.items()}
    return out


def _scale(v: Any) -> float | None:
    """A scale denominator N of 1:N, or None for "at every scale"."""
    if v is None:
        return None
    return float(_number(100.0, 100_000_000.0)(v))


def _default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "user"


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("project.crs", "EPSG:4524", _crs, "project"),
    # Seconds a command waits while another program writes the project before it gives
    # up as "busy" (docs/reliability.md); QJGIS_BUSY_TIMEOUT overrides it on one desk.
    SettingSpec("store.busy_timeout_s", 60.0, _number(0.0, 3600.0), "store"),
    SettingSpec("district.name", "綦江区", _text(40), "district"),
    SettingSpec("district.county_code", "500110", _digits(6), "district"),
    # Used to guess the central meridian of coordinates that carry no zone prefix.
    SettingSpec("district.longitude", 106.65, _number(73.0, 136.0), "district"),
    SettingSpec("id.current_prefixes", ["500110"], _prefix_list, "district"),
    SettingSpec("id.legacy_prefixes", ["500222"], _prefix_list, "district"),
    # Homestead area standard: per_person x clamp(size, min, max) + tolerance.
    SettingSpec("area.per_person_farmland", 20.0, _number(1.0, 200.0), "area"),
    SettingSpec("area.per_person_other", 30.0, _number(1.0, 200.0), "area"),
    SettingSpec("area.household_min", 3, _number(1, 20, integer=True), "area"),
    SettingSpec("area.household_max", 5, _number(1, 20, integer=True), "area"),
    SettingSpec("area.tolerance_m2", 10.0, _number(0.0, 500.0), "area"),
    SettingSpec("subsidy.grade_c", 7500.0, _number(0.0, 1_000_000.0), "subsidy"),
    SettingSpec("subsidy.grade_d", 35000.0, _number(0.0, 1_000_000.0), "subsidy"),
    # Spatial checks.
    SettingSpec("check.straddle_share", 0.05, _number(0.0, 0.5), "check"),
    SettingSpec("check.outside_share", 0.05, _number(0.0, 1.0), "check"),
    SettingSpec("check.overlap_min_m2", 0.5, _number(0.0, 1000.0), "check"),
    SettingSpec("check.sliver_width_m", 0.5, _number(0.0, 10.0), "check"),
    SettingSpec("check.neighbour_tolerance_m", 0.5, _number(0.0, 50.0), "check"),
    SettingSpec("check.area_tolerance_m2", 1.0, _number(0.0, 1000.0), "check"),
    SettingSpec("check.area_tolerance_ratio", 0.01, _number(0.0, 1.0), "check"),
    # QJ-R016: a building beyond its parcel by more than both of these (area and share).
    SettingSpec("check.beyond_m2", 1.0, _number(0.0, 1000.0), "check"),
    SettingSpec("check.beyond_share", 0.05, _number(0.0, 0.5), "check"),
    # Overlays with the reference layers (QJ-R017..R020, issue 19). An overlap counts above
    # min_m2; farmland occupied after the 2020-07-29 "八不准" notice is a violation to
    # review, before it historical to classify (domain-rules §8).
    SettingSpec("overlay.min_m2", 1.0, _number(0.0, 1000.0), "overlay"),
    SettingSpec("overlay.farmland_cutoff", "2020-07-29", _date, "overlay"),
    SettingSpec("overlay.boundary_tolerance_m2", 1.0, _number(0.0, 1000.0), "overlay"),
    # QJ-R020: the threat radius of a hazard point (地质灾害隐患点) whose file gives none
    # (no YXBJ/影响半径). domain-rules §8.3: "Buffer radius: a setting"; 50 m is the order
    # of a small 崩塌/滑坡 runout, [unverified] as Qijiang's practice: confirm with the
    # district's hazard sheets. A file's own radius always wins.
    SettingSpec("overlay.hazard_radius_m", 50.0, _number(1.0, 5000.0), "overlay"),
    # QJ-R002 without a recorded deadline: the old house must be gone this many months
    # after the new approval or completion. Unverified as local practice: confirm locally.
    SettingSpec("check.demolish_within_months", 6, _number(0, 120, integer=True), "check"),
    # Historical cut-offs: 《村镇建房用地管理条例》 (1982-02-13) and the Land
    # Administration Law in force (1987-01-01); both unverified as local practice.
    SettingSpec("cutoff.historical", "1987-01-01", _date, "cutoff"),
    SettingSpec("cutoff.over_area_tier1", "1982-02-13", _date, "cutoff"),
    SettingSpec("cutoff.over_area_tier2", "1987-01-01", _date, "cutoff"),
    SettingSpec("datum.xian1980", None, _helmert, "datum"),
    SettingSpec("datum.beijing1954", None, _helmert, "datum"),
    # The map: the largest scale denominator (1:N) at which a layer, or its
    # labels, are drawn; null draws it at every scale. layers/style.py holds
    # the same defaults for maps drawn without a project.
    SettingSpec("map.villages.max_scale", None, _scale, "map"),
    SettingSpec("map.villages.label_max_scale", None, _scale, "map"),
    SettingSpec("map.towns.max_scale", None, _scale, "map"),
    SettingSpec("map.towns.label_max_scale", None, _scale, "map"),
    SettingSpec("map.parcels.max_scale", 25000.0, _scale, "map"),
    SettingSpec("map.parcels.label_max_scale", 2500.0, _scale, "map"),
    SettingSpec("map.buildings.max_scale", 10000.0, _scale, "map"),
    # issue 16: the map theme shown and its colours, so the project opens as it was left
    SettingSpec("map.theme", "findings", _theme, "map"),
    SettingSpec("map.theme_styles", {}, _theme_styles, "map"),
    # Printed reports: 宗地面积 decimals (parcel-report.md §1.2: sources print 1 or 2).
    SettingSpec("report.area_decimals", 2, _number(0, 3, integer=True), "report"),
    SettingSpec("user.name", None, _text(60, allow_empty=True), "user"),
    SettingSpec("user.role", Role.ADMIN.value, _role, "user"),
)

SPEC_BY_KEY: dict[str, SettingSpec] = {s.key: s for s in SPECS}


def validate(key: str, value: Any) -> Any:
    """The normalised value for `key`, or QjgisError('invalid_setting' | 'unknown_setting')."""
    spec = SPEC_BY_KEY.get(key)
    if spec is None:
        raise QjgisError("unknown_setting", key=key)
    try:
        return spec.validate(value)
    except Invalid as exc:
        raise QjgisError("invalid_setting", key=key, value=value, **exc.error_params()) from None
    except ValueError as exc:  # a validator's own library refusing: its words, untranslated
        raise QjgisError("invalid_setting", key=key, value=value, reason=str(exc)) from None


def parse_cli_value(text: str) -> Any:
    """A value as typed after KEY= on the command line: JSON if it parses, else text."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def check_consistency(values: Mapping[str, Any]) -> None:
    """Rules that span keys; raised as invalid_setting on the key that breaks them."""
    lo, hi = values["area.household_min"], values["area.household_max"]
    if lo > hi:
        raise QjgisError(
            "invalid_setting",
            key="area.household_min",
            value=lo,
            reason="greater_than_setting",
            other="area.household_max",
            limit=hi,
        )
    t1, t2 = values["cutoff.over_area_tier1"], values["cutoff.over_area_tier2"]
    if t1 > t2:
        raise QjgisError(
            "invalid_setting",
            key="cutoff.over_area_tier1",
            value=t1,
            reason="later_than_setting",
            other="cutoff.over_area_tier2",
            limit=t2,
        )


def defaults() -> dict[str, Any]:
    return {s.key: s.default for s in SPECS}


@dataclass(frozen=True)
class ProjectSettings:
    """A validated, read-only snapshot that rules and workflows take as input."""

    values: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        if key not in SPEC_BY_KEY:
            raise QjgisError("unknown_setting", key=key)
        return self.values[key]

    @property
    def crs(self) -> str:
        return str(self.values["project.crs"])

    @property
    def user(self) -> str:
        return self.values["user.name"] or _default_user()

    @property
    def role(self) -> Role:
        return Role(self.values["user.role"])

    def standard_area(self, household_size: int, farmland: bool) -> float:
        """The homestead area standard in m² for a household, before tolerance."""
        per_person = self.values[
            "area.per_person_farmland" if farmland else "area.per_person_other"
        ]
        lo, hi = self.values["area.household_min"], self.values["area.household_max"]
        return float(per_person) * min(max(household_size, lo), hi)

    def cutoff(self, key: str) -> dt.date:
        return dt.date.fromisoformat(self[f"cutoff.{key}"])
