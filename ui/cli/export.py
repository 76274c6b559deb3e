"""CLI command `export`: one layer of a project to shapefile, GeoPackage, GeoJSON or XLSX."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, TextIO

from qjgis.io import export
from qjgis.store import GpkgStore
from ui import texts
from ui.cli.common import EXIT_OK, Progress, emit, village_code


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser(
        "export",
        parents=[common],
        help="export a layer to shp, gpkg, geojson or xlsx",
        description="Export one layer. ID and phone numbers are masked unless --unmask; every "
        "export is recorded in the project's audit log. Shapefiles use the national field "
        "names with NAME_fields.csv beside them; GeoJSON is in WGS 84 (RFC 7946); "
        "households are an attribute table (one row per member).",
    )
    s.add_argument("project", metavar="PROJECT")
    s.add_argument("--layer", required=True, choices=export.LAYERS)
    s.add_argument("--format", required=True, choices=export.FORMATS)
    s.add_argument(
        "--encoding",
        choices=tuple(export.ENCODINGS),
        help="shapefile text encoding (default gbk, what Chinese desktop GIS reads)",
    )
    s.add_argument("--unmask", action="store_true", help="write ID and phone numbers in clear")
    s.add_argument("--village", metavar="CODE|NAME", help="only this village (code or name)")
    s.add_argument("--out", required=True, metavar="PATH")
    s.add_argument("--overwrite", action="store_true", help="replace existing files")
    s.add_argument("--json", action="store_true")


def _cmd_export(args: argparse.Namespace, out: TextIO) -> int:

    with GpkgStore.open(args.project) as store:
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
