"""Words for the export command: its error messages and CLI labels."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def error_templates() -> dict[str, str]:
    return {
        "export_unknown_village": QCoreApplication.translate(
            "Errors", "{path}: village {village} is not in the project"
        ),
        "export_no_village_polygon": QCoreApplication.translate(
            "Errors", "{path}: village {village} has no boundary polygon to select buildings by"
        ),
        "export_bad_suffix": QCoreApplication.translate(
            "Errors", "{path}: a {format} export must be named *{suffixes}"
        ),
        "export_text_too_long": QCoreApplication.translate(
            "Errors",
            "{path}: field {field} of row {row} ({key}) takes {size} bytes in {encoding}, "
            "more than the 254 a shapefile text field holds ({count} value(s) in all); "
            "export to gpkg or xlsx instead",
        ),
        "export_unencodable": QCoreApplication.translate(
            "Errors",
            "{path}: field {field} of row {row} ({key}) contains {chars} that {encoding} "
            "cannot encode ({count} value(s) in all); export with --encoding utf-8",
        ),
        "export_too_many_rows": QCoreApplication.translate(
            "Errors",
            "{path}: {rows} rows do not fit in one Excel sheet (at most {limit}); "
            "export to gpkg or filter by village",
        ),
        "export_write_failed": QCoreApplication.translate(
            "Errors", "{path}: could not write the export ({detail})"
        ),
    }


def labels() -> dict[str, str]:
    return {
        "export_done": QCoreApplication.translate(
            "Texts", "Exported {rows} rows of {layer} to {path} ({format})"
        ),
        "export_masked": QCoreApplication.translate(
            "Texts", "ID and phone numbers are masked (--unmask writes them in clear)"
        ),
        "export_unmasked": QCoreApplication.translate(
            "Texts", "ID and phone numbers are written in clear; the export is in the audit log"
        ),
        "export_crs": QCoreApplication.translate("Texts", "Coordinates: {crs}"),
        "export_encoding": QCoreApplication.translate("Texts", "Text encoding: {encoding}"),
        "export_files": QCoreApplication.translate("Texts", "Files: {files}"),
        "export_omitted": QCoreApplication.translate("Texts", "Not in this format: {columns}"),
    }
