"""User-facing text for the engine's codes, through Qt's translation files.

The engine returns codes (errors, layer names, setting keys); this module is the
one place they become words. Each string is a literal inside `translate()` so
that pyside6-lupdate finds it; `tests/ui/test_texts.py` checks that every code
the engine can raise has an entry here.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from qjgis.errors import QjgisError


def _t(text: str) -> str:
    return QCoreApplication.translate("Texts", text)


def _error_templates() -> dict[str, str]:
    tr: Callable[[str, str], str] = QCoreApplication.translate
    return {
        "file_not_found": tr("Errors", "{path}: file not found"),
        "file_exists": tr("Errors", "{path}: the file already exists (use --overwrite to replace it)"),
        "not_a_project": tr("Errors", "{path}: not a qjgis project ({reason})"),
        "damaged_project": tr("Errors", "{path}: the project file is damaged ({detail})"),
        "newer_schema": tr(
            "Errors",
            "{path}: made by a newer qjgis (schema {found}); this version reads up to {supported}",
        ),
        "project_locked": tr("Errors", "{path}: another program is writing the project"),
        "unknown_setting": tr("Errors", "unknown setting {key}"),
        "invalid_setting": tr("Errors", "setting {key} = {value}: {reason}"),
        "crs_locked": tr(
            "Errors", "the project CRS cannot change once data is in ({count} features)"
        ),
        "invalid_crs": tr("Errors", "{value} is not a usable projected CRS: {reason}"),
        "unknown_layer": tr("Errors", "unknown layer {layer}"),
        "write_conflict": tr(
            "Errors",
            "{table} row {fid} was changed by someone else meanwhile (version {expected} "
            "expected, {found} found)",
        ),
        "invalid_argument": tr("Errors", "{name} = {value}: {reason}"),
        "canceled": tr("Errors", "canceled; nothing was changed"),
    }


def error_text(error: QjgisError) -> str:
    """The error as one line in the current language."""
    template = _error_templates().get(error.code)
    if template is None:
        return error.english()
    try:
        return template.format(**error.params)
    except (KeyError, IndexError):  # a translation that lost a placeholder: stay truthful
        return error.english()


def layer_title(name: str) -> str:
    titles = {
        "towns": _t("Towns"),
        "villages": _t("Villages"),
        "parcels": _t("Homestead parcels"),
        "buildings": _t("Buildings"),
        "households": _t("Households"),
        "members": _t("Household members"),
        "parcel_holders": _t("Parcel right holders"),
        "import_batches": _t("Import batches"),
        "audit_log": _t("Audit log"),
        "qj_settings": _t("Settings"),
        "demo_truth": _t("Demo ground truth"),
        "attachments": _t("Attachments"),
    }
    return titles.get(name, name)


def label(key: str) -> str:
    """Labels of the CLI's human-readable output."""
    labels = {
        "file": _t("File"),
        "crs": _t("CRS"),
        "schema": _t("Schema version"),
        "counts": _t("Counts"),
        "settings": _t("Settings"),
        "check_ok": _t("Integrity check: no problems"),
        "check_failed": _t("Integrity check: {n} problem(s)"),
        "created": _t("Created {path}"),
        "demo_done": _t(
            "Demo district written to {path}: {towns} towns, {villages} villages, "
            "{parcels} parcels, {buildings} buildings, {households} households in {seconds:.1f} s"
        ),
        "survey_files": _t("Survey files: {files}"),
        "planted": _t("Planted cases (ground truth)"),
        "setting_changed": _t("{key}: {old} -> {new}"),
        "error": _t("Error"),
    }
    return labels[key]
