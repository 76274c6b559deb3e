"""Project settings: validation, CLI parsing, cross-key rules, and how the store writes them.

Headless tier: nothing here imports PySide6, pytest-qt, `layers` or `ui`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pytest
import shapely

from qjgis import settings as settings_mod
from qjgis.errors import QjgisError
from qjgis.model import Role
from qjgis.settings import SPECS, ProjectSettings, check_consistency, parse_cli_value, validate
from qjgis.store import GpkgStore, file_sha256

HELMERT = {"tx": 15.8, "ty": -154.4, "tz": -82.3, "rx": 0.0, "ry": 0.0, "rz": -0.5, "ds": 1.2}


def _refused(key: str, value: Any) -> QjgisError:
    with pytest.raises(QjgisError) as exc:
        validate(key, value)
    return exc.value


def _stored(path: Path) -> dict[str, Any]:
    """The settings as a fresh handle reads them from the file."""
    with GpkgStore.open(path) as store:
        return dict(store.settings().values)


# ---------------------------------------------------------------- defaults
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.key)
def test_every_default_validates_to_itself(spec: settings_mod.SettingSpec) -> None:
    assert validate(spec.key, spec.default) == spec.default
    # ... also after the JSON round trip through qj_settings.
    assert validate(spec.key, json.loads(json.dumps(spec.default))) == spec.default


def test_defaults_are_consistent_and_complete() -> None:
    values = settings_mod.defaults()
    assert set(values) == {s.key for s in SPECS}
    assert len(SPECS) == len(settings_mod.SPEC_BY_KEY)  # no key declared twice
    check_consistency(values)
    s = ProjectSettings(values)
    assert s.crs == "EPSG:4524"
    assert s.role is Role.ADMIN
    assert s.user  # the OS user (or a fallback) while user.name is unset
    assert s.cutoff("historical") == dt.date(1987, 1, 1)


# ---------------------------------------------------------------- accepted, normalised
@pytest.mark.parametrize(
    ("key", "value", "normalised"),
    [
        ("project.crs", "epsg:4523", "EPSG:4523"),
        ("project.crs", " EPSG:4545 ", "EPSG:4545"),
        ("area.per_person_farmland", 25, 25.0),
        ("area.per_person_farmland", "25.5", 25.5),
        ("area.household_min", 4.0, 4),
        ("area.household_max", "6", 6),
        ("check.straddle_share", 0, 0.0),
        ("district.name", "  綦江区 ", "綦江区"),
        ("district.county_code", 500110, "500110"),
        ("id.current_prefixes", "500110; 500222", ["500110", "500222"]),
        ("id.legacy_prefixes", ["500222", "500223"], ["500222", "500223"]),
        ("cutoff.historical", " 1987-01-01", "1987-01-01"),
        ("cutoff.historical", dt.date(1990, 6, 1), "1990-06-01"),
        ("user.name", "  张三 ", "张三"),
        ("user.name", "", None),
        ("user.name", None, None),
        ("user.role", " reviewer ", "reviewer"),
        ("datum.xian1980", None, None),
        ("datum.xian1980", "", None),
        ("datum.xian1980", "null", None),
    ],
)
def test_accepted_values_are_normalised_and_stable(key: str, value: Any, normalised: Any) -> None:
    assert validate(key, value) == normalised
    assert validate(key, normalised) == normalised


def test_helmert_parameters_are_normalised() -> None:
    out = validate("datum.xian1980", HELMERT)
    assert out == {**{k: float(v) for k, v in HELMERT.items()}, "convention": "position_vector"}
    assert validate("datum.xian1980", json.dumps(HELMERT)) == out
    assert validate("datum.xian1980", out) == out
    framed = validate("datum.beijing1954", {**HELMERT, "convention": "coordinate_frame"})
    assert framed["convention"] == "coordinate_frame"


# ---------------------------------------------------------------- refused
BAD_VALUES: list[tuple[str, Any]] = [
    # numbers: out of range, wrong type, not finite, not whole
    ("area.per_person_farmland", 0.5),
    ("area.per_person_farmland", 201),
    ("area.per_person_other", -30),
    ("area.tolerance_m2", 500.01),
    ("area.household_min", 0),
    ("area.household_max", 21),
    ("area.household_min", 3.5),
    ("area.household_min", "3.5"),
    ("check.straddle_share", 0.51),
    ("district.longitude", 72.9),
    ("subsidy.grade_c", -1),
    ("subsidy.grade_d", 1_000_001),
    ("area.per_person_farmland", "abc"),
    ("area.per_person_farmland", True),
    ("area.per_person_farmland", None),
    ("area.per_person_farmland", [20]),
    ("area.per_person_farmland", math.nan),
    ("area.per_person_farmland", math.inf),
    ("area.tolerance_m2", -math.inf),
    ("area.per_person_farmland", "nan"),
    ("subsidy.grade_c", "inf"),
    # dates
    ("cutoff.historical", "2023-02-30"),
    ("cutoff.historical", "1987-13-01"),
    ("cutoff.historical", "1987/01/01"),
    ("cutoff.historical", "yesterday"),
    ("cutoff.historical", "1899-12-31"),
    ("cutoff.over_area_tier1", "2101-01-01"),
    ("cutoff.historical", 19870101),
    ("cutoff.historical", None),
    # roles
    ("user.role", "boss"),
    ("user.role", "Admin"),
    ("user.role", ""),
    ("user.role", None),
    # text and codes
    ("district.name", ""),
    ("district.name", "村" * 41),
    ("district.name", 42),
    ("user.name", "张" * 61),
    ("district.county_code", "50011"),
    ("district.county_code", "50011X"),
    # prefix lists
    ("id.current_prefixes", []),
    ("id.current_prefixes", ""),
    ("id.current_prefixes", ["5001"]),
    ("id.current_prefixes", ["500110", "50022X"]),
    ("id.legacy_prefixes", "500222,abc"),
    ("id.legacy_prefixes", {"500222": 1}),
    ("id.legacy_prefixes", None),
    # CRS: geographic, unknown, garbage
    ("project.crs", "EPSG:4490"),
    ("project.crs", "EPSG:4326"),
    ("project.crs", "EPSG:99999"),
    ("project.crs", "not a crs"),
    ("project.crs", None),
]


@pytest.mark.parametrize(("key", "value"), BAD_VALUES)
def test_bad_values_are_refused_naming_the_key(key: str, value: Any) -> None:
    exc = _refused(key, value)
    assert exc.code == "invalid_setting"
    assert exc.params["key"] == key
    assert exc.params["reason"]
    assert key in str(exc)


@pytest.mark.parametrize("missing", ["tx", "ty", "tz", "rx", "ry", "rz", "ds"])
def test_helmert_without_a_parameter_is_refused(missing: str) -> None:
    value = {k: v for k, v in HELMERT.items() if k != missing}
    exc = _refused("datum.xian1980", value)
    assert exc.code == "invalid_setting"
    assert exc.params["key"] == "datum.xian1980"
    assert exc.params["reason"] == "missing_part" and exc.params["part"] == missing
    assert missing in exc.english()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("tx", 1000.5),
        ("ty", -1001),
        ("tz", 5000),
        ("rx", 60.1),
        ("ry", -61),
        ("rz", 3600),
        ("ds", 100.5),
        ("ds", -101),
        ("tx", math.nan),
        ("rx", math.inf),
        ("tx", "15.8m"),
        ("ds", True),
        ("ty", None),
    ],
)
def test_helmert_parameter_out_of_range_or_wrong_type_is_refused(name: str, value: Any) -> None:
    exc = _refused("datum.beijing1954", {**HELMERT, name: value})
    assert exc.code == "invalid_setting"
    assert exc.params["key"] == "datum.beijing1954"


@pytest.mark.parametrize(
    "value",
    [
        {**HELMERT, "convention": "clockwise"},
        {**HELMERT, "scale": 1.0},
        "{not json",
        "[1, 2, 3]",
        [1, 2, 3, 4, 5, 6, 7],
        7,
    ],
)
def test_malformed_helmert_is_refused(value: Any) -> None:
    exc = _refused("datum.xian1980", value)
    assert exc.code == "invalid_setting"
    assert exc.params["key"] == "datum.xian1980"


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(QjgisError) as exc:
        validate("area.per_person", 20)
    assert exc.value.code == "unknown_setting"
    with pytest.raises(QjgisError) as exc:
        ProjectSettings(settings_mod.defaults())["no.such.key"]
    assert exc.value.code == "unknown_setting"


def test_a_huge_integer_is_refused_not_crashed() -> None:
    exc = _refused("area.tolerance_m2", parse_cli_value("1" + "0" * 400))
    assert exc.code == "invalid_setting"


def test_a_date_object_outside_the_range_is_refused() -> None:
    exc = _refused("cutoff.historical", dt.date(1800, 1, 1))
    assert exc.code == "invalid_setting"


def test_a_datetime_is_stored_as_a_plain_date() -> None:
    value = validate("cutoff.historical", dt.datetime(2000, 1, 1, 12, 30))
    assert value == "2000-01-01"
    assert validate("cutoff.historical", value) == value


# ---------------------------------------------------------------- CLI values
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("20", 20),
        ("20.5", 20.5),
        ('"x"', "x"),
        ('"500110"', "500110"),
        ("abc", "abc"),
        ("綦江区", "綦江区"),
        ("EPSG:4523", "EPSG:4523"),
        ("1987-01-01", "1987-01-01"),
        ("true", True),
        ("null", None),
        ('["500110", "500222"]', ["500110", "500222"]),
        (
            '{"tx":1,"ty":2,"tz":3,"rx":0,"ry":0,"rz":0,"ds":1}',
            {"tx": 1, "ty": 2, "tz": 3, "rx": 0, "ry": 0, "rz": 0, "ds": 1},
        ),
    ],
)
def test_parse_cli_value(text: str, value: Any) -> None:
    parsed = parse_cli_value(text)
    assert parsed == value
    assert type(parsed) is type(value)


def test_cli_values_validate_to_the_settings_they_name() -> None:
    assert validate("area.per_person_other", parse_cli_value("35")) == 35.0
    assert validate("area.household_max", parse_cli_value("6")) == 6
    assert validate("district.name", parse_cli_value("綦江区")) == "綦江区"
    helmert = parse_cli_value(json.dumps(HELMERT))
    assert validate("datum.xian1980", helmert)["tx"] == 15.8


# ---------------------------------------------------------------- cross-key rules
def test_household_min_above_max_is_refused() -> None:
    values = {**settings_mod.defaults(), "area.household_min": 6, "area.household_max": 5}
    with pytest.raises(QjgisError) as exc:
        check_consistency(values)
    assert exc.value.code == "invalid_setting"
    assert exc.value.params["key"] == "area.household_min"
    check_consistency({**values, "area.household_min": 5})  # equal is fine


def test_over_area_tiers_out_of_order_are_refused() -> None:
    values = {**settings_mod.defaults(), "cutoff.over_area_tier1": "1988-01-01"}
    with pytest.raises(QjgisError) as exc:
        check_consistency(values)
    assert exc.value.code == "invalid_setting"
    assert exc.value.params["key"] == "cutoff.over_area_tier1"


# ---------------------------------------------------------------- ProjectSettings
@pytest.mark.parametrize(
    ("size", "farmland", "area"),
    [
        (0, True, 60.0),
        (1, True, 60.0),
        (3, True, 60.0),
        (4, True, 80.0),
        (5, True, 100.0),
        (9, True, 100.0),
        (1, False, 90.0),
        (4, False, 120.0),
        (9, False, 150.0),
    ],
)
def test_standard_area_clamps_the_household_size(size: int, farmland: bool, area: float) -> None:
    assert ProjectSettings(settings_mod.defaults()).standard_area(size, farmland) == area


def test_standard_area_follows_the_settings() -> None:
    values = {
        **settings_mod.defaults(),
        "area.per_person_farmland": 25.0,
        "area.household_min": 2,
        "area.household_max": 6,
    }
    s = ProjectSettings(values)
    assert s.standard_area(1, True) == 50.0
    assert s.standard_area(7, True) == 150.0
    assert s.standard_area(4, False) == 120.0


# ---------------------------------------------------------------- the store writes settings
def test_write_settings_stores_normalised_values_and_returns_the_old_ones(
    project: GpkgStore, project_path: Path
) -> None:
    with project.transaction() as conn:
        old = project.write_settings(
            conn,
            {
                "area.per_person_farmland": "25",
                "id.current_prefixes": "500110;500111",
                "user.name": "张三",
                "datum.xian1980": json.dumps(HELMERT),
            },
        )
    assert old == {
        "area.per_person_farmland": 20.0,
        "id.current_prefixes": ["500110"],
        "user.name": None,
        "datum.xian1980": None,
    }
    assert project.settings()["area.per_person_farmland"] == 25.0
    stored = _stored(project_path)
    assert stored["area.per_person_farmland"] == 25.0
    assert stored["id.current_prefixes"] == ["500110", "500111"]
    assert stored["user.name"] == "张三"
    assert stored["datum.xian1980"]["ty"] == -154.4
    raw = dict(project.execute_sql("SELECT key, value FROM qj_settings"))
    assert raw["user.name"] == '"张三"'  # readable JSON in the file, not \u escapes
    assert project.integrity_check() == []


@pytest.mark.parametrize(
    "batch",
    [
        {"area.tolerance_m2": 5.0, "user.name": "李四", "area.household_min": 99},
        {"user.name": "李四", "cutoff.historical": "2023-02-30", "area.tolerance_m2": 5.0},
        {"area.tolerance_m2": 5.0, "no.such.key": 1},
        {"area.tolerance_m2": 5.0, "area.household_min": 6},  # breaks min <= max
        {"area.tolerance_m2": 5.0, "project.crs": "EPSG:4490"},
    ],
)
def test_a_batch_with_one_bad_value_changes_nothing(
    project: GpkgStore, project_path: Path, batch: dict[str, Any]
) -> None:
    before = _stored(project_path)
    sha = file_sha256(project_path)

    def write() -> None:
        with project.transaction() as conn:
            project.write_settings(conn, batch)

    with pytest.raises(QjgisError) as exc:
        write()
    assert exc.value.code in {"invalid_setting", "unknown_setting"}
    assert _stored(project_path) == before
    assert dict(project.settings().values) == before
    assert file_sha256(project_path) == sha


def test_crs_changes_on_an_empty_project(
    project: GpkgStore,
    project_path: Path,
    squares: Callable[..., np.ndarray],
    add_features: Callable[..., np.ndarray],
) -> None:
    with project.transaction() as conn:
        old = project.write_settings(conn, {"project.crs": "epsg:4523"})
    assert old == {"project.crs": "EPSG:4524"}
    assert project.settings().crs == "EPSG:4523"
    srs = dict(project.execute_sql("SELECT table_name, srs_id FROM gpkg_geometry_columns"))
    assert srs == {"villages": 4523, "parcels": 4523, "buildings": 4523, "reference_features": 4523}
    contents = project.execute_sql(
        "SELECT DISTINCT srs_id FROM gpkg_contents WHERE data_type = 'features'"
    )
    assert contents == [(4523,)]
    known = {r[0] for r in project.execute_sql("SELECT srs_id FROM gpkg_spatial_ref_sys")}
    assert 4523 in known
    assert project.integrity_check() == []

    # Features written afterwards carry the new SRS, and GDAL agrees.
    # Zone 35 eastings carry the prefix 35.
    add_features(project, shapely.transform(squares(1), lambda c: c - np.array([1e6, 0.0])))
    assert project.integrity_check() == []
    project.close()
    assert pyogrio.read_info(project_path, layer="parcels")["crs"] == "EPSG:4523"


@pytest.mark.parametrize("layer", ["villages", "parcels", "buildings"])
def test_crs_is_locked_once_a_feature_exists(
    project: GpkgStore,
    project_path: Path,
    layer: str,
    squares: Callable[..., np.ndarray],
    add_features: Callable[..., np.ndarray],
) -> None:
    columns = {"code": np.array(["500110001001"]), "name": np.array(["麻柳村"])}
    add_features(project, squares(1), layer, columns if layer == "villages" else {})
    sha = file_sha256(project_path)

    def write() -> None:
        with project.transaction() as conn:
            project.write_settings(conn, {"project.crs": "EPSG:4523", "user.name": "张三"})

    with pytest.raises(QjgisError) as exc:
        write()
    assert exc.value.code == "crs_locked"
    assert exc.value.params["count"] == 1
    assert file_sha256(project_path) == sha
    assert project.settings().crs == "EPSG:4524"
    assert project.settings()["user.name"] is None
    srs = {r[0] for r in project.execute_sql("SELECT srs_id FROM gpkg_geometry_columns")}
    assert srs == {4524}


def test_writing_the_same_crs_again_is_not_a_change(
    project: GpkgStore, squares: Callable[..., np.ndarray], add_features: Callable[..., np.ndarray]
) -> None:
    add_features(project, squares(1))
    with project.transaction() as conn:
        project.write_settings(conn, {"project.crs": "epsg:4524", "area.tolerance_m2": 12})
    assert project.settings()["area.tolerance_m2"] == 12.0


def test_write_settings_checks_against_what_is_stored_not_a_stale_cache(
    project: GpkgStore, project_path: Path
) -> None:
    assert project.settings()["area.household_max"] == 5  # the cache is filled
    other = GpkgStore.open(project_path)
    try:
        with other.transaction() as conn:
            other.write_settings(conn, {"area.household_max": 10, "area.household_min": 8})
    finally:
        other.close()

    def write() -> None:
        with project.transaction() as conn:
            project.write_settings(conn, {"area.household_max": 6})

    with pytest.raises(QjgisError):
        write()
    stored = _stored(project_path)
    assert stored["area.household_min"] <= stored["area.household_max"]
