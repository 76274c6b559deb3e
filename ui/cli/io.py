"""CLI of the import: `import PROJECT SOURCE --layer L` and `imports PROJECT [--undo N]`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from qjgis.errors import QjgisError
from qjgis.io import importer
from qjgis.io.export import personal_view
from ui import texts
from ui.cli.common import EXIT_OK, Progress, emit, open_project
from ui.presenters.imports import empty_lines, required_lines
from ui.texts import error_text, t

_UNMASK_HELP = "show ID and phone numbers in the report in clear (audited)"


def _layer(value: str) -> str:
    """`--layer`: a layer kind or `other:NAME`; anything else is a usage error (exit 2)."""
    try:
        return importer.checked_layer(value)
    except QjgisError as exc:
        raise argparse.ArgumentTypeError(error_text(exc)) from None


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser(
        "import", parents=[common], help=t("help.import_a_shapefile_geopackage_geojson_or")
    )
    s.add_argument("project", metavar="PROJECT")
    s.add_argument("source", metavar="SOURCE")
    s.add_argument(
        "--layer",
        required=True,
        metavar="LAYER",
        type=_layer,
        help=t("help.import_layer", layers=", ".join(importer.LAYERS)),
    )
    s.add_argument(
        "--source-layer", metavar="NAME", help=t("help.layer_inside_a_geopackage_filegdb_zip")
    )
    s.add_argument("--encoding", metavar="E", help=t("help.text_encoding_of_a_dbf_or"))
    s.add_argument(
        "--source-crs", metavar="EPSG:N", help=t("help.crs_of_the_source_overriding_its")
    )
    s.add_argument("--mapping", metavar="FILE", help=t("help.json_field_mapping_source_target"))
    s.add_argument(
        "--header-row",
        type=int,
        metavar="N",
        help=t("help.header_row"),
    )
    s.add_argument(
        "--dry-run",
        action="store_true",
        help=t("help.check_the_source_and_show_its"),
    )
    s.add_argument("--unmask", action="store_true", help=_UNMASK_HELP)
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("imports", parents=[common], help=t("help.list_import_batches_or_undo_one"))
    s.add_argument("project", metavar="PROJECT")
    s.add_argument("--undo", type=int, metavar="BATCH", help=t("help.undo_this_batch"))
    s.add_argument("--redo", type=int, metavar="BATCH", help=t("help.redo_this_batch"))
    s.add_argument("--show", type=int, metavar="BATCH", help=t("help.print_a_batch_s_saved_report"))
    s.add_argument(
        "--save-mapping",
        metavar="FILE",
        help=t("help.with_show_write_the_batch_s"),
    )
    s.add_argument("--unmask", action="store_true", help=_UNMASK_HELP)
    s.add_argument("--json", action="store_true")


def report_lines(report: dict[str, Any]) -> list[str]:
    """The import report in the user's language."""

    c = report["counts"]
    head = "io.dry_run" if report.get("dry_run") else "io.imported"
    lines = [
        texts.label(head).format(
            source=report["source"], layer=texts.layer_title(report["layer"]),
            batch=report.get("batch_id"), features=report.get("features", 0),
            **{k: c.get(k, 0) for k in
            ("read", "added", "updated", "unchanged", "absent")},
        )
    ]  # fmt: skip
    if c.get("superseded"):
        lines.append(texts.t("io.superseded", superseded=c["superseded"]))
    if "members.read" in c and not report.get("dry_run"):
        lines.append(
            texts.label("io.members").format(
                **{k: c.get(f"members.{k}", 0) for k in
                   ("read", "added", "updated", "unchanged", "absent")}
            )
        )  # fmt: skip
    e = report.get("encoding")
    if e:
        lines.append(
            texts.label("io.encoding").format(
                encoding=e["encoding"], reason=texts.lookup("encoding_reason", e["reason"]),
                detail=e["detail"] or "-",
                samples=", ".join(e["samples"]) or "-",
            )
        )  # fmt: skip
    crs = report.get("crs")
    if crs:
        crs = {**crs, "reason": texts.lookup("crs_reason", crs.get("reason"))}
        lines.append(texts.label("io.crs").format(target=report.get("target_crs"), **crs))
    if "header_rows" in report:
        sheet = report.get("sheet")
        lines.append(
            texts.label("io.header").format(
                rows="、".join(map(str, report["header_rows"])) if texts.language() == "zh"
                else ", ".join(map(str, report["header_rows"])),
                sheet=texts.label("io.header_sheet").format(sheet=sheet) if sheet else "",
            )
        )  # fmt: skip
    m = report.get("mapping", {})
    sure = m.get("confidence", {})
    # a guess (a generic name, or a title that contains a known one) shows its confidence
    pairs = [
        f"{s}->{t}" + (f" ({sure[s]:.1f})" if sure.get(s, 1.0) < 0.95 else "")
        for s, t in m.get("fields", {}).items() if t
    ]  # fmt: skip
    lines.append(texts.label("io.mapping").format(pairs=", ".join(pairs) or "-"))
    if "mapping_batch" in report:
        lines.append(texts.label("io.mapping_saved").format(batch=report["mapping_batch"]))
    if report.get("lists") == "heads" and "declared_size" in m.get("fields", {}).values():
        lines.append(texts.label("io.lists_heads"))
    kept = [s for s, t in m.get("fields", {}).items() if not t]
    if kept:
        lines.append(texts.label("io.extra").format(fields=", ".join(kept)))
    for w in report.get("warnings", []):
        if w["code"] == "crs_proposed":
            lines.append(texts.label("io.warn_crs_proposed").format(**w))
        elif w["code"] == "far_outside_crs":
            rows = ", ".join(str(r) for r in w["rows"])
            lines.append(
                texts.label("io.warn_far").format(count=w["count"], crs=w["crs"], rows=rows)
            )
        elif w["code"] == "encoding_doubtful":
            lines.append(
                texts.label("io.warn_encoding_doubtful").format(
                    given=w["given"], suggested=w["suggested"],
                    samples=", ".join(w.get("samples", [])) or "-",
                )
            )  # fmt: skip
        elif w["code"] == "encoding_fallback":
            lines.append(texts.label("io.warn_encoding").format(detail=w["detail"]))
        elif w["code"] == "source_note" and w["detail"] == "m_dropped":
            lines.append(texts.label("io.warn_m_dropped"))
        elif w["code"] == "source_note":
            lines.append(texts.label("io.warn_note").format(detail=w["detail"]))
        elif w["code"] in ("register_empty", "register_is_form"):
            lines += empty_lines({"warnings": [w]})
    lines += required_lines(report)
    for kind, entry in report.get("issues", {}).items():
        try:
            name = texts.label(f"issue.{kind}")
        except KeyError:
            name = kind
        examples = []
        for r in entry["rows"][:5]:
            where = texts.label("io.row").format(row=r["row"]) if "row" in r else ""
            key = r.get("key")
            examples.append(" ".join(x for x in (where, f"[{key}]" if key else "") if x))
        lines.append(
            texts.label("io.issue").format(
                name=name, count=entry["count"], examples="; ".join(examples) or "-"
            )
        )
    return lines


def _cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    with open_project(args.project) as store:
        report = importer.import_layer(
            store,
            args.layer,
            args.source,
            source_layer=args.source_layer,
            encoding=args.encoding,
            source_crs=args.source_crs,
            mapping_file=args.mapping,
            feedback=Progress(sys.stderr),
            dry_run=args.dry_run,
            header_row=args.header_row,
        )
        report = personal_view(
            store, report, unmask=args.unmask, command="import.report", entity=args.source
        )
    emit(report, args.json, "\n".join(report_lines(report)), out)
    refused = report.get("refused")
    if refused:  # a dry run of an import that would be refused: say so, as the import would
        raise QjgisError(refused["code"], **refused["params"])
    return EXIT_OK


def _cmd_imports(args: argparse.Namespace, out: TextIO) -> int:

    with open_project(args.project) as store:
        if args.undo is not None:
            result = importer.undo_batch(store, args.undo, Progress(sys.stderr))
            details = "; ".join(
                texts.label("io.undone_layer").format(layer=texts.layer_title(k), **v)
                for k, v in result["undone"].items()
            )
            emit(
                result,
                args.json,
                texts.label("io.undone").format(batch=args.undo, details=details),
                out,
            )
            return EXIT_OK
        if args.redo is not None:
            from qjgis.io.batches import redo_batch

            result = redo_batch(store, args.redo, Progress(sys.stderr))
            details = "; ".join(
                texts.label("io.redone_layer").format(layer=texts.layer_title(k), **v)
                for k, v in result["redone"].items()
            )
            emit(
                result,
                args.json,
                texts.label("io.redone").format(batch=args.redo, details=details),
                out,
            )
            return EXIT_OK
        if args.show is not None:
            report = importer.batch_report(store, args.show)
            report = personal_view(
                store,
                report,
                unmask=args.unmask,
                command="import.report",
                entity=f"import_batches/{args.show}",
            )
            if args.save_mapping:
                mapping = importer.saved_mapping(store, args.show)
                Path(args.save_mapping).write_text(
                    json.dumps(mapping, ensure_ascii=False, indent=2), encoding="utf-8"
                )
            emit(report, args.json, "\n".join(report_lines(report)), out)
            return EXIT_OK
        batches = importer.list_batches(store)
    lines = [
        texts.label("io.batch_line").format(
            batch=b["batch"], created=b["created"], layer=texts.layer_title(b["layer"]),
            source=b["source"], added=b["counts"].get("added", 0),
            updated=b["counts"].get("updated", 0), unchanged=b["counts"].get("unchanged", 0),
            state=texts.label("io.batch_undone_mark") if b["undone"] else "",
        )
        for b in batches
    ] or [texts.label("io.no_batches")]  # fmt: skip
    emit({"batches": batches}, args.json, "\n".join(lines), out)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "import": _cmd_import,
    "imports": _cmd_imports,
}
