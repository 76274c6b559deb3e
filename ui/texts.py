"""User-facing text for the engine's codes, through Qt's translation files.

The engine returns codes (errors, layer names, setting keys); this module is the
one place they become words. Each string is a literal inside `translate()` so
that pyside6-lupdate finds it; `tests/ui/test_texts.py` checks that every code
the engine can raise has an entry here.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from qjgis.errors import QjgisError

#: Feature modules that carry their own translated strings, each with optional
#: `error_templates()` and `labels()` returning dicts like the ones below.
TEXT_MODULES = (
    "ui.texts_io",
    "ui.texts_export",
    "ui.texts_checks",
    "ui.texts_cases",
    "ui.texts_report",
)


def _from_modules(function: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for name in TEXT_MODULES:
        if importlib.util.find_spec(name) is None:
            continue
        provider: Callable[[], dict[str, str]] | None = getattr(
            importlib.import_module(name), function, None
        )
        if provider is not None:
            merged.update(provider())
    return merged


def _error_templates() -> dict[str, str]:
    return _base_error_templates() | _from_modules("error_templates")


def _base_error_templates() -> dict[str, str]:
    return {
        "file_not_found": QCoreApplication.translate("Errors", "{path}: file not found"),
        "file_exists": QCoreApplication.translate(
            "Errors", "{path}: the file already exists (use --overwrite to replace it)"
        ),
        "not_a_project": QCoreApplication.translate(
            "Errors", "{path}: not a qjgis project ({reason})"
        ),
        "damaged_project": QCoreApplication.translate(
            "Errors", "{path}: the project file is damaged ({detail})"
        ),
        "newer_schema": QCoreApplication.translate(
            "Errors",
            "{path}: made by a newer qjgis (schema {found}); this version reads up to {supported}",
        ),
        "project_locked": QCoreApplication.translate(
            "Errors", "{path}: another program is writing the project"
        ),
        "unknown_setting": QCoreApplication.translate("Errors", "unknown setting {key}"),
        "invalid_setting": QCoreApplication.translate(
            "Errors", "setting {key} = {value}: {reason}"
        ),
        "crs_locked": QCoreApplication.translate(
            "Errors", "the project CRS cannot change once data is in ({count} features)"
        ),
        "invalid_crs": QCoreApplication.translate(
            "Errors", "{value} is not a usable projected CRS: {reason}"
        ),
        "unknown_layer": QCoreApplication.translate("Errors", "unknown layer {layer}"),
        "write_conflict": QCoreApplication.translate(
            "Errors",
            "{table} row {fid} was changed by someone else meanwhile (version {expected} "
            "expected, {found} found)",
        ),
        "invalid_argument": QCoreApplication.translate("Errors", "{name} = {value}: {reason}"),
        "village_not_found": QCoreApplication.translate(
            "Errors", "{path}: no village has the code or name {village}"
        ),
        "canceled": QCoreApplication.translate("Errors", "canceled; nothing was changed"),
    }


def reason_text(reason: str) -> str:
    """Translate the engine's short validation reasons; unknown ones pass through."""
    fixed = {
        "not a number": QCoreApplication.translate("Reasons", "not a number"),
        "not a finite number": QCoreApplication.translate("Reasons", "not a finite number"),
        "not a whole number": QCoreApplication.translate("Reasons", "not a whole number"),
        "not a date (YYYY-MM-DD)": QCoreApplication.translate("Reasons", "not a date (YYYY-MM-DD)"),
        "not text": QCoreApplication.translate("Reasons", "not text"),
        "empty": QCoreApplication.translate("Reasons", "empty"),
        "has no EPSG code": QCoreApplication.translate("Reasons", "has no EPSG code"),
        "not projected: areas must be measured in metres": QCoreApplication.translate(
            "Reasons", "not projected: areas must be measured in metres"
        ),
        "not a JSON object": QCoreApplication.translate("Reasons", "not a JSON object"),
        "not a list of 6-digit codes": QCoreApplication.translate(
            "Reasons", "not a list of 6-digit codes"
        ),
        "expected KEY=VALUE": QCoreApplication.translate("Reasons", "expected KEY=VALUE"),
        "is the project file": QCoreApplication.translate("Reasons", "is the project file"),
        "only shapefiles take an encoding; the other formats are UTF-8": (
            QCoreApplication.translate(
                "Reasons", "only shapefiles take an encoding; the other formats are UTF-8"
            )
        ),
        "no such row": QCoreApplication.translate("Reasons", "no such row"),
        "not editable": QCoreApplication.translate("Reasons", "not editable"),
        "needs --out FILE": QCoreApplication.translate("Reasons", "needs --out FILE"),
    }
    if reason in fixed:
        return fixed[reason]
    patterns = (
        (r"outside (\S+)\.\.(\S+)", QCoreApplication.translate("Reasons", "outside {0}..{1}")),
        (r"longer than (\d+) characters", QCoreApplication.translate(
            "Reasons", "longer than {0} characters")),
        (r"not (\d+) digits", QCoreApplication.translate("Reasons", "not {0} digits")),
        (r"one of (.+)", QCoreApplication.translate("Reasons", "one of {0}")),
        (r"unknown CRS (.+)", QCoreApplication.translate("Reasons", "unknown CRS {0}")),
    )  # fmt: skip
    for pattern, template in patterns:
        m = re.fullmatch(pattern, reason)
        if m:
            return template.format(*m.groups())
    return reason


def error_text(error: QjgisError) -> str:
    """The error as one line in the current language."""
    template = _error_templates().get(error.code)
    if template is None:
        return error.english()
    params = dict(error.params)
    if isinstance(params.get("reason"), str):
        params["reason"] = reason_text(params["reason"])
    try:
        return template.format(**params)
    except (KeyError, IndexError):  # a translation that lost a placeholder: stay truthful
        return error.english()


def layer_title(name: str) -> str:
    titles = {
        "towns": QCoreApplication.translate("Texts", "Towns"),
        "villages": QCoreApplication.translate("Texts", "Villages"),
        "parcels": QCoreApplication.translate("Texts", "Homestead parcels"),
        "buildings": QCoreApplication.translate("Texts", "Buildings"),
        "households": QCoreApplication.translate("Texts", "Households"),
        "members": QCoreApplication.translate("Texts", "Household members"),
        "parcel_holders": QCoreApplication.translate("Texts", "Parcel right holders"),
        "import_batches": QCoreApplication.translate("Texts", "Import batches"),
        "audit_log": QCoreApplication.translate("Texts", "Audit log"),
        "qj_settings": QCoreApplication.translate("Texts", "Settings"),
        "demo_truth": QCoreApplication.translate("Texts", "Demo ground truth"),
        "attachments": QCoreApplication.translate("Texts", "Attachments"),
        "findings": QCoreApplication.translate("Texts", "Findings"),
        "check_runs": QCoreApplication.translate("Texts", "Check runs"),
        "import_batch_rows": QCoreApplication.translate("Texts", "Import batch rows"),
        "ruin_cases": QCoreApplication.translate("Texts", "Ruin cases"),
        "renovation_cases": QCoreApplication.translate("Texts", "Renovation cases"),
        "case_events": QCoreApplication.translate("Texts", "Case history"),
    }
    return titles.get(name, name)


def label(key: str) -> str:
    """Labels of the CLI's human-readable output."""
    labels = {
        "file": QCoreApplication.translate("Texts", "File"),
        "crs": QCoreApplication.translate("Texts", "CRS"),
        "schema": QCoreApplication.translate("Texts", "Schema version"),
        "counts": QCoreApplication.translate("Texts", "Counts"),
        "settings": QCoreApplication.translate("Texts", "Settings"),
        "check_ok": QCoreApplication.translate("Texts", "Integrity check: no problems"),
        "check_failed": QCoreApplication.translate("Texts", "Integrity check: {n} problem(s)"),
        "created": QCoreApplication.translate("Texts", "Created {path}"),
        "demo_done": QCoreApplication.translate(
            "Texts",
            "Demo district written to {path}: {towns} towns, {villages} villages, "
            "{parcels} parcels, {buildings} buildings, {households} households in {seconds:.1f} s",
        ),
        "survey_files": QCoreApplication.translate("Texts", "Survey files: {files}"),
        "planted": QCoreApplication.translate("Texts", "Planted cases (ground truth)"),
        "setting_changed": QCoreApplication.translate("Texts", "{key}: {old} -> {new}"),
        "error": QCoreApplication.translate("Texts", "Error"),
        "error_line": QCoreApplication.translate("Texts", "Error: {message}"),
    }
    if key not in labels:
        labels.update(_from_modules("labels"))
    return labels[key]
