"""Translatable text of the import: error messages, report labels, issue names."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def error_templates() -> dict[str, str]:
    return {
        "dbf_corrupt": QCoreApplication.translate(
            "Errors",
            "{path}: the .dbf table is damaged ({detail})",
        ),
        "unknown_encoding": QCoreApplication.translate(
            "Errors",
            "{value}: unknown text encoding (try GBK, GB18030, UTF-8 or BIG5)",
        ),
        "prj_unreadable": QCoreApplication.translate(
            "Errors",
            "{path}: the .prj file is not a CRS definition ({detail})",
        ),
        "crs_unknown": QCoreApplication.translate(
            "Errors",
            "{path}: no CRS could be determined ({reason}); give --source-crs EPSG:N",
        ),
        "old_datum_refused": QCoreApplication.translate(
            "Errors",
            "{path}: the data is in {datum} ({crs}); importing it needs the district's 7-parameter"
            " transformation in setting {setting}, which is not set",
        ),
        "source_crs_invalid": QCoreApplication.translate(
            "Errors",
            "--source-crs {value}: not a CRS ({reason})",
        ),
        "mapping_file_invalid": QCoreApplication.translate(
            "Errors",
            "{path}: not a field mapping ({detail})",
        ),
        "mapping_target_unknown": QCoreApplication.translate(
            "Errors",
            "mapping: {target} is not a column of {layer}",
        ),
        "mapping_source_unknown": QCoreApplication.translate(
            "Errors",
            "mapping: source field {field} is not in {path}",
        ),
        "source_unreadable": QCoreApplication.translate(
            "Errors",
            "{path}: cannot be read ({detail})",
        ),
        "source_corrupt": QCoreApplication.translate(
            "Errors",
            "{path}: the file is damaged ({detail})",
        ),
        "source_missing_part": QCoreApplication.translate(
            "Errors",
            "{path}: the shapefile has no {part} file beside it ({detail})",
        ),
        "source_format": QCoreApplication.translate(
            "Errors",
            "{path}: unsupported file type {suffix} (shapefile, zip, GeoPackage, FileGDB, GeoJSON;"
            " XLSX, XLS, CSV for households)",
        ),
        "zip_no_shapefile": QCoreApplication.translate(
            "Errors",
            "{path}: the zip holds no shapefile (.shp)",
        ),
        "zip_many_layers": QCoreApplication.translate(
            "Errors",
            "{path}: the zip holds several shapefiles ({names}); choose one with --source-layer",
        ),
        "source_layer_unknown": QCoreApplication.translate(
            "Errors",
            "{path}: no layer {layer} (layers: {names})",
        ),
        "source_many_layers": QCoreApplication.translate(
            "Errors",
            "{path}: several layers ({names}); choose one with --source-layer",
        ),
        "empty_layer": QCoreApplication.translate(
            "Errors",
            "{path}: layer {layer} has no features",
        ),
        "wrong_geometry_type": QCoreApplication.translate(
            "Errors",
            "{path}: layer {layer} holds {found} geometries; {layer_to} needs polygons",
        ),
        "no_geometry": QCoreApplication.translate(
            "Errors",
            "{path}: layer {layer} has no geometry; {layer_to} needs polygons",
        ),
        "import_layer_invalid": QCoreApplication.translate(
            "Errors",
            "--layer {layer}: one of parcels, buildings, villages, households",
        ),
        "batch_not_found": QCoreApplication.translate(
            "Errors",
            "import batch {batch} does not exist in {path}",
        ),
        "batch_already_undone": QCoreApplication.translate(
            "Errors",
            "import batch {batch} was already undone",
        ),
        "undo_blocked_later_batch": QCoreApplication.translate(
            "Errors",
            "import batch {batch} cannot be undone: later batch {later} changed the same {layer} "
            "rows (undo that one first)",
        ),
        "undo_blocked_edited": QCoreApplication.translate(
            "Errors",
            "import batch {batch} cannot be undone: {layer} row {fid} ({key}) was edited after the"
            " import (version {found}, {expected} expected)",
        ),
        "undo_blocked_missing": QCoreApplication.translate(
            "Errors",
            "import batch {batch} cannot be undone: {layer} row {fid} no longer exists",
        ),
        "register_no_header": QCoreApplication.translate(
            "Errors",
            "{path}: no header row with known register columns (户号, 姓名, 身份证号 ...) "
            "in the first {rows} rows of any sheet",
        ),
        "register_needs": QCoreApplication.translate(
            "Errors",
            "{path}: the register has no {column} column (mapped: {mapped})",
        ),
        "xls_unsupported": QCoreApplication.translate(
            "Errors",
            "{path}: reading .xls needs the xlrd package; save the file as .xlsx",
        ),
        "import_required_unmapped": QCoreApplication.translate(
            "Errors",
            "{path}: no field maps to {target} ({title}), which {layer} requires; map one "
            "with --mapping (fields: {fields})",
        ),
        "source_misnamed": QCoreApplication.translate(
            "Errors",
            "{path}: the file is a {found} file named {suffix}; rename it to {real_suffix} "
            "and import that{inside}",
        ),
        "source_zip_misnamed": QCoreApplication.translate(
            "Errors",
            "{path}: the file is a ZIP archive named {suffix}; extract it and import the file "
            "inside ({inside})",
        ),
        "source_not_data": QCoreApplication.translate(
            "Errors",
            "{path}: the file is a {found} file, not {suffix}; qjgis imports shapefiles "
            "(also zipped), GeoPackage, FileGDB and GeoJSON, and XLSX, XLS or CSV registers",
        ),
        "source_access_db": QCoreApplication.translate(
            "Errors",
            "{path}: an Access database (personal geodatabase, .mdb) cannot be read; "
            "export its layers to a shapefile or GeoPackage (ArcGIS, QGIS) and import those",
        ),
        "encoding_mismatch": QCoreApplication.translate(
            "Errors",
            "{path}: --encoding {given} does not decode the text ({example}); it decodes "
            "as {detected}: give --encoding {detected}, or leave --encoding out",
        ),
        "encoding_row_undecodable": QCoreApplication.translate(
            "Errors",
            "{path}: row {row} does not decode as {encoding}; give the file's encoding "
            "with --encoding (GBK, GB18030, UTF-8, BIG5)",
        ),
        "crs_mismatch": QCoreApplication.translate(
            "Errors",
            "{path}: the coordinates {bounds} cannot lie in {crs} (from {origin}); they "
            "look like {suggested}: give --source-crs {suggested}",
        ),
        "crs_mismatch_unknown": QCoreApplication.translate(
            "Errors",
            "{path}: the coordinates {bounds} cannot lie in {crs} (from {origin}), and "
            "they match no CRS qjgis recognises; give the right one with --source-crs "
            "EPSG:N",
        ),
    }


def labels() -> dict[str, str]:
    return {
        "io.imported": QCoreApplication.translate(
            "Texts",
            "Imported {source} into {layer} (batch {batch}): {read} read, {added} added, "
            "{updated} updated, {unchanged} unchanged, {absent} absent",
        ),
        "io.dry_run": QCoreApplication.translate(
            "Texts",
            "Checked {source} for {layer}: {features} rows; dry run, nothing written",
        ),
        "io.members": QCoreApplication.translate(
            "Texts",
            "Members: {read} read, {added} added, {updated} updated, {unchanged} unchanged, "
            "{absent} absent",
        ),
        "io.encoding": QCoreApplication.translate(
            "Texts", "Encoding: {encoding} ({reason}; {detail}); samples: {samples}"
        ),
        "io.crs": QCoreApplication.translate(
            "Texts", "Source CRS: {crs} ({reason}: {detail}) -> {target}"
        ),
        "io.mapping": QCoreApplication.translate("Texts", "Field mapping: {pairs}"),
        "io.extra": QCoreApplication.translate("Texts", "Kept in the extra column: {fields}"),
        "io.issue": QCoreApplication.translate("Texts", "{name}: {count} row(s), e.g. {examples}"),
        "io.row": QCoreApplication.translate("Texts", "row {row}"),
        "io.warn_crs_proposed": QCoreApplication.translate(
            "Texts",
            "Warning: the source has no CRS; {crs} was proposed from the coordinates ({detail})",
        ),
        "io.warn_far": QCoreApplication.translate(
            "Texts",
            "Warning: {count} feature(s) lie far outside the area of use of {crs}: rows {rows}",
        ),
        "io.warn_encoding": QCoreApplication.translate(
            "Texts", "Warning: text encoding uncertain: {detail}"
        ),
        "io.warn_m_dropped": QCoreApplication.translate(
            "Texts", "Note: the reader dropped M (measure) values"
        ),
        "io.warn_note": QCoreApplication.translate("Texts", "Note from the reader: {detail}"),
        "io.no_batches": QCoreApplication.translate("Texts", "No import batches"),
        "io.batch_line": QCoreApplication.translate(
            "Texts",
            "#{batch} {created} {layer} {source}: +{added} added, {updated} updated, "
            "{unchanged} unchanged{state}",
        ),
        "io.batch_undone_mark": QCoreApplication.translate("Texts", " (undone)"),
        "io.undone": QCoreApplication.translate("Texts", "Batch {batch} undone: {details}"),
        "io.undone_layer": QCoreApplication.translate(
            "Texts", "{layer} {deleted} deleted, {restored} restored"
        ),
        "issue.geometry_null": QCoreApplication.translate(
            "Texts", "null geometry (kept without geometry)"
        ),
        "issue.geometry_empty": QCoreApplication.translate(
            "Texts", "empty geometry (kept without geometry)"
        ),
        "issue.z_m_dropped": QCoreApplication.translate("Texts", "Z/M values dropped"),
        "issue.geometry_collection_reduced": QCoreApplication.translate(
            "Texts", "geometry collection reduced to its polygons"
        ),
        "issue.geometry_wrong_type": QCoreApplication.translate(
            "Texts", "not a polygon (kept without geometry)"
        ),
        "issue.geometry_repaired": QCoreApplication.translate(
            "Texts", "invalid geometry repaired (area change reported)"
        ),
        "issue.geometry_collapsed": QCoreApplication.translate(
            "Texts", "geometry collapsed when repaired"
        ),
        "issue.multipart": QCoreApplication.translate("Texts", "multipart polygon"),
        "issue.geometry_nonfinite": QCoreApplication.translate(
            "Texts", "coordinates not finite (after reprojection): kept without geometry"
        ),
        "issue.far_outside_crs": QCoreApplication.translate(
            "Texts", "far outside the project CRS's area of use"
        ),
        "issue.code_missing": QCoreApplication.translate("Texts", "code missing"),
        "issue.code_malformed": QCoreApplication.translate("Texts", "malformed code"),
        "issue.code_duplicate": QCoreApplication.translate(
            "Texts", "duplicate code in the batch (all kept)"
        ),
        "issue.members.code_duplicate": QCoreApplication.translate(
            "Texts", "member listed twice in a household"
        ),
        "issue.id_invalid": QCoreApplication.translate("Texts", "ID number fails the check"),
        "issue.id_excel_unrecoverable": QCoreApplication.translate(
            "Texts", "ID number turned into a number by Excel: digits lost, unrecoverable"
        ),
        "issue.value_invalid": QCoreApplication.translate(
            "Texts", "value not convertible (kept empty)"
        ),
        "issue.household_no_missing": QCoreApplication.translate(
            "Texts", "no 户号: keyed by the ID number"
        ),
        "issue.household_head_missing": QCoreApplication.translate(
            "Texts", "no 户主 row: first member taken as head"
        ),
        "io.required_missing": QCoreApplication.translate(
            "Texts",
            "Refused: no field maps to {target} ({title}), which this layer requires",
        ),
        "io.required_candidates": QCoreApplication.translate(
            "Texts", "Candidate fields (sample values):"
        ),
        "io.required_candidate": QCoreApplication.translate(
            "Texts",
            "  {field}: {samples}",
        ),
        "io.warn_encoding_doubtful": QCoreApplication.translate(
            "Texts",
            "Warning: with --encoding {given} the text reads as {samples}; it reads as "
            "Chinese in {suggested}",
        ),
        "issue.row_left_out_empty": QCoreApplication.translate(
            "Texts",
            "required value empty: row left out",
        ),
    }
