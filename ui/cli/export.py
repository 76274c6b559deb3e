"""CLI command `export`: one layer of a project to shapefile, GeoPackage, GeoJSON or XLSX."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, TextIO

from qjgis.io import export
from ui import texts
from ui.cli.common import EXIT_OK, Progress, emit, open_project, village_code
from ui.texts import t


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser(
        "export",
        parents=[common],
        help=t("help.export_a_layer_to_shp_gpkg"),
        description=t("help.export_one_layer_id_and_phone"),
    )
    s.add_argument("project", metavar="PROJECT")
    s.add_argument("--layer", required=True, choices=export.LAYERS)
    s.add_argument("--format", required=True, choices=export.FORMATS)
    s.add_argument(
        "--encoding",
        choices=tuple(export.ENCODINGS),
        help=t("help.shapefile_text_encoding_default_gbk_what"),
    )
    s.add_argument("--unmask", action="store_true", help=t("help.write_id_and_phone_numbers_in"))
    s.add_argument("--village", metavar="CODE|NAME", help=t("help.only_this_village_code_or_name"))
    s.add_argument("--out", required=True, metavar="PATH")
    s.add_argument("--overwrite", action="store_true", help=t("help.replace_existing_files"))
    s.add_argument("--json", action="store_true")


def _cmd_export(args: argparse.Namespace, out: TextIO) -> int:

    with open_project(args.project) as store:
        result = export.export_layer(
            store,
            args.layer,
            args.format,
            args.out,
            encoding=args.encoding,
            unmask=args.unmask,
            village=village_code(store, args.village) if args.village else None,
            overwrite=args.overwrite,
            feedback=Progress(sys.stderr),
        )
    body = result.as_json()
    lines = [
        texts.label("export_done").format(
            rows=result.rows, layer=texts.layer_title(result.layer), path=result.path,
            format=result.format,
        ),
        texts.label("export_unmasked" if not result.masked else "export_masked"),
    ]  # fmt: skip
    if result.crs:
        lines.append(texts.label("export_crs").format(crs=result.crs))
    if result.encoding:
        lines.append(texts.label("export_encoding").format(encoding=result.encoding))
    lines.append(texts.label("export_files").format(files=", ".join(result.files)))
    if result.omitted:
        lines.append(texts.label("export_omitted").format(columns=", ".join(result.omitted)))
    emit(body, args.json, "\n".join(lines), out)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {"export": _cmd_export}
