"""Errors the engine raises for the user to read.

The engine speaks in codes with parameters, never in sentences: the catalogue
`ui/texts/` turns each code (and each reason code, `REASONS`) into Chinese or
English. The English template here is only the fallback for logs and scripts
that use the engine without the UI layer, and the key the catalogue test walks.
"""

from __future__ import annotations

from typing import Any, ClassVar


class QjgisError(Exception):
    """An expected failure with a stable code and the facts the message needs."""

    #: code -> English fallback template (str.format over params)
    TEMPLATES: ClassVar[dict[str, str]] = {
        "file_not_found": "{path}: file not found",
        "file_exists": "{path}: file already exists",
        "not_a_project": "{path}: not a qjgis project ({reason})",
        "damaged_project": "{path}: the project file is damaged ({detail})",
        "newer_schema": (
            "{path}: written by a newer qjgis (schema {found}; "
            "this version reads up to {supported})"
        ),
        "project_locked": "{path}: the project is being written by another program",
        "project_unreadable": (
            "{path}: the project cannot be opened now ({detail}); the file was not changed"
        ),
        "unknown_setting": "unknown setting {key}",
        "invalid_setting": "setting {key} = {value!r} is invalid: {reason}",
        "crs_locked": "the project CRS cannot change once data is in ({count} features)",
        "invalid_crs": "{value!r} is not a usable projected CRS: {reason}",
        "unknown_layer": "unknown layer {layer}",
        "write_conflict": (
            "{table} row {fid} was changed by someone else "
            "(version {expected} expected, found {found})"
        ),
        "invalid_argument": "{name} = {value!r} is invalid: {reason}",
        "village_not_found": "{path}: no village has the code or name {village}",
        "canceled": "canceled",
    }

    @classmethod
    def register(cls, templates: dict[str, str]) -> None:
        """Add a module's error codes (engine modules register theirs at import time)."""
        for code, template in templates.items():
            if cls.TEMPLATES.get(code, template) != template:
                raise ValueError(f"error code {code!r} registered twice with different text")
            cls.TEMPLATES[code] = template

    def __init__(self, code: str, **params: Any) -> None:
        if code not in self.TEMPLATES:
            raise ValueError(f"unregistered error code {code!r}")
        self.code = code
        self.params = params
        super().__init__(self.english())

    def english(self) -> str:
        """The fallback message, for logs and headless scripts."""
        params = dict(self.params)
        for key in REASON_PARAMS:
            code = params.get(key)
            if isinstance(code, str) and code in REASONS:
                params[key] = REASONS[code].format_map(_Keep(self.params))
        return self.TEMPLATES[self.code].format_map(_Keep(params))


class _Keep(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


#: Why a value was refused: reason code -> English fallback (str.format over the error's
#: params). An error's `reason` parameter is one of these codes, its facts beside it
#: (`reason="outside", lo=0, hi=500`); `ui.texts` words it in the user's language.
REASONS: dict[str, str] = {
    "not_a_number": "not a number",
    "not_a_finite_number": "not a finite number",
    "not_a_whole_number": "not a whole number",
    "not_a_date": "not a date (YYYY-MM-DD)",
    "not_text": "not text",
    "empty": "empty",
    "outside": "outside {lo}..{hi}",
    "longer_than": "longer than {n} characters",
    "not_digits": "not {n} digits",
    "not_code_list": "not a list of 6-digit codes",
    "one_of": "one of {choices}",
    "unknown_crs": "unknown CRS ({detail})",
    "no_epsg_code": "has no EPSG code",
    "not_projected": "not projected: areas must be measured in metres",
    "greater_than_setting": "greater than {other} ({limit})",
    "later_than_setting": "later than {other} ({limit})",
    "not_a_json_object": "not a JSON object",
    "not_helmert_object": "not an object with {keys}",
    "missing_part": "{part} missing",
    "unknown_keys": "unknown parameters {keys}",
    "expected_key_value": "expected KEY=VALUE",
    "is_project_file": "is the project file",
    "encoding_only_shapefiles": "only shapefiles take an encoding; the other formats are UTF-8",
    "no_such_row": "no such row",
    "not_editable": "not editable",
    "needs_out_file": "needs --out FILE",
    "records_truncated": "{declared} records declared but the file ends after {found}",
    "needs_migration": "schema {version} needs migration",
    "not_a_geopackage": "not a GeoPackage file",
    "geopackage_without_qjgis": "a GeoPackage without qjgis tables",
    "sqlite_not_geopackage": "an SQLite database that is not a GeoPackage",
    "foreign_meta": "foreign qj_meta table",
    "schema_unreadable": "schema version unreadable",
    "bad_schema_version": "schema {version}",
    "not_in_table": "not in {table}",
    "changed_while_read": "changed while read",
    "too_few_plots": "too few plots",
    "between": "between {lo} and {hi}",
    "unknown_rule": "unknown rule; known: {choices}",
    "not_a_distance": "not a distance",
    "not_case_id": "not a case id ({examples})",
    "not_xlsx": "not an XLSX file ({detail})",
    "no_sheet": "no sheet {sheet}",
    "no_column": "no column {column}",
    "ambiguous_village": "several villages have this name ({choices}); give the code",
    "not_chained": "not an append-only history",
    "row_unreadable": "row {row}: {error}",
    "shorter_than_header": "shorter than a header",
    "bad_shp_magic": "not a .shp file (bad magic number)",
    "shp_truncated": "truncated: the header says {declared} bytes, the file has {size}",
    "part_index": "the index",
    "part_attributes": "the attribute table",
    "not_shx": "not a .shx index",
    "shx_truncated": "truncated index",
    "record_past_end": "truncated: record {record} ends after the end of the file",
    "rows_shapes_differ": "{rows} attribute rows for {shapes} shapes in {shx}",
    "bad_zip": "not a valid zip: {error}",
    "bad_zip_member": "zip member: {error}",
    "not_json": "not JSON: {error}",
    "json_not_features": "a JSON list that is not features",
    "empty_file": "empty file",
    "html_page": "it is an HTML page",
    "mapping_shape": "expected {{source field: target column}}",
    "bad_workbook": "not a valid {kind}: {error}",
    "bad_sheet": "sheet {sheet}: {error}",
    "not_dbase": "not a dBASE file ({byte})",
    "impossible_header": "impossible header sizes",
}


#: the parameters that may hold a reason code
REASON_PARAMS = ("reason", "detail")


def register_reasons(reasons: dict[str, str]) -> None:
    """Add a module's reason codes; the same code twice must mean the same thing."""
    for code, template in reasons.items():
        if REASONS.get(code, template) != template:
            raise ValueError(f"reason code {code!r} registered twice with different text")
        REASONS[code] = template


class Invalid(ValueError):
    """A validator's refusal: a reason code and its facts, for QjgisError(reason=...)."""

    def __init__(self, reason: str, **params: Any) -> None:
        if reason not in REASONS:
            raise ValueError(f"unregistered reason code {reason!r}")
        self.reason = reason
        self.params = params
        super().__init__(REASONS[reason].format_map(_Keep(params)))

    def error_params(self) -> dict[str, Any]:
        return {"reason": self.reason, **self.params}


class Canceled(QjgisError):
    """Raised inside long work when the user pressed Cancel; the work is rolled back."""

    def __init__(self) -> None:
        super().__init__("canceled")
