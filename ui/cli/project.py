"""CLI commands of the project file: `new`, `demo`, `info`, `settings`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from qjgis import commands
from qjgis import settings as settings_mod
from qjgis.errors import QjgisError
from qjgis.io import reference
from qjgis.pg.url import is_database_url
from qjgis.store import GpkgStore
from ui import texts
from ui.cli.common import EXIT_ERROR, EXIT_OK, Progress, emit, open_project
from ui.texts import t


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser("new", parents=[common], help=t("help.create_an_empty_project"))
    s.add_argument("project", metavar="PROJECT.gpkg")
    s.add_argument("--crs", default="EPSG:4524", help=t("help.projected_crs_default_epsg_4524"))
    s.add_argument("--overwrite", action="store_true", help=t("help.replace_an_existing_file"))
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("demo", parents=[common], help=t("help.generate_the_demo_district"))
    s.add_argument("project", metavar="OUT.gpkg")
    s.add_argument(
        "--parcels", type=int, default=2000, help=t("help.number_of_parcels_200_2000000")
    )
    s.add_argument(
        "--seed", type=int, default=1, help=t("help.random_seed_same_seed_same_district")
    )
    s.add_argument(
        "--shapefiles",
        metavar="DIR",
        help=t("help.also_write_gbk_shapefiles_an_xlsx"),
    )
    s.add_argument("--overwrite", action="store_true", help=t("help.replace_an_existing_file"))
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("info", parents=[common], help=t("help.describe_a_project"))
    s.add_argument("project", metavar="PROJECT")
    s.add_argument("--json", action="store_true")
    s.add_argument("--check", action="store_true", help=t("help.run_the_file_s_integrity_check"))

    s = sub.add_parser("settings", parents=[common], help=t("help.show_or_change_project_settings"))
    s.add_argument("project", metavar="PROJECT")
    s.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help=t("help.change_a_setting_repeatable_all_are"),
    )
    s.add_argument("--json", action="store_true")


def _cmd_new(args: argparse.Namespace, out: TextIO) -> int:
    path = Path(args.project)
    if path.exists() and args.overwrite:
        GpkgStore.open(path).close()  # replace only a project, never an arbitrary file
    store = GpkgStore.create(path, crs=args.crs, overwrite=args.overwrite)
    result = {"path": str(path), "crs": store.settings().crs, "schema": store.schema_version}
    store.close()
    emit(result, args.json, texts.label("created").format(path=path), out)
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from qjgis.demo import build_demo

    summary = build_demo(
        args.project,
        parcels=args.parcels,
        seed=args.seed,
        shapefiles=args.shapefiles,
        feedback=Progress(sys.stderr),
        overwrite=args.overwrite or not Path(args.project).exists(),
    )
    result = dict(vars(summary))
    lines = [texts.label("demo_done").format(**result)]
    if summary.files:
        lines.append(texts.label("survey_files").format(files=", ".join(summary.files)))
    lines.append(
        texts.label("planted") + ": " + ", ".join(f"{k} {v}" for k, v in summary.truth.items())
    )
    emit(result, args.json, "\n".join(lines), out)
    return EXIT_OK


def project_info(store: GpkgStore, *, check: bool = False) -> dict[str, Any]:
    counts = store.counts()
    info: dict[str, Any] = {
        "path": store.path,
        "crs": store.settings().crs,
        "schema_version": store.schema_version,
        "counts": counts,
        "extent": {layer: store.extent(layer) for layer in ("villages", "parcels", "buildings")},
        "settings": dict(store.settings().values),
        "meta": store.meta(),
        "reference_layers": reference.reference_layers(store),
    }
    if check:
        problems = store.integrity_check()
        info["integrity"] = {
            "ok": not problems,
            "problems": [vars(p) for p in problems],
        }
    return info


def _cmd_info(args: argparse.Namespace, out: TextIO) -> int:
    with open_project(args.project) as store:
        info = project_info(store, check=args.check)
    lines = [
        f"{texts.label('info.database' if is_database_url(info['path']) else 'info.project')}: "
        f"{info['path']}",
        f"{texts.label('crs')}: {info['crs']}",
        f"{texts.label('schema')}: {info['schema_version']}",
        f"{texts.label('counts')}:",
    ]
    lines += [f"  {texts.layer_title(k)} ({k}): {v:,}" for k, v in info["counts"].items()]
    if info["reference_layers"]:
        lines.append(texts.label("io.reference_layers"))
        for e in info["reference_layers"]:
            dates = "–".join(dict.fromkeys(d for d in (e["date_from"], e["date_to"]) if d)) or "—"
            lines.append(
                texts.t("io.reference_layer", layer=texts.layer_title(e["kind"]), kind=e["kind"],
                        features=f"{e['features']:,}", dates=dates)
            )  # fmt: skip
            lines += [
                texts.t("io.reference_batch", batch=b["batch"], created=b["created"] or "—",
                        source=b["source"] or "—", features=f"{b['features']:,}")
                for b in e["batches"]
                if b["batch"] is not None  # written by the demo, not imported
            ]  # fmt: skip
    lines.append(f"{texts.label('settings')}:")
    lines += [f"  {k} = {json.dumps(v, ensure_ascii=False)}" for k, v in info["settings"].items()]
    if args.check:
        problems = info["integrity"]["problems"]
        if problems:
            lines.append(texts.label("check_failed").format(n=len(problems)))
            lines += [
                "  [chain] " + texts.t("integrity.chain", table=p["table"], fid=p["fid"])
                if p["code"] == "chain"
                else f"  [{p['code']}] {p['table'] or ''} {p['detail']}"
                for p in problems
            ]
        else:
            lines.append(texts.label("check_ok"))
    emit(info, args.json, "\n".join(lines), out)
    if args.check and info["integrity"]["problems"]:
        return EXIT_ERROR
    return EXIT_OK


def _cmd_settings(args: argparse.Namespace, out: TextIO) -> int:
    changes: dict[str, Any] = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise QjgisError(
                "invalid_argument", name="--set", value=item, reason="expected_key_value"
            )
        parsed = settings_mod.parse_cli_value(value)
        if key.strip() == "user.role" and isinstance(parsed, str):
            parsed = texts.value_code("role", parsed) or parsed  # 审核员 or reviewer
        changes[key.strip()] = parsed
    with open_project(args.project) as store:
        before = dict(store.settings().values)
        if changes:
            commands.run(store, commands.SetSettings(changes))
        after = dict(store.settings().values)
    changed = {k: {"old": before[k], "new": after[k]} for k in changes}
    lines = [
        texts.label("setting_changed").format(key=k, old=v["old"], new=v["new"])
        for k, v in changed.items()
    ] or [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in after.items()]
    emit({"settings": after, "changed": changed}, args.json, "\n".join(lines), out)
    return EXIT_OK


COMMANDS = {"new": _cmd_new, "demo": _cmd_demo, "info": _cmd_info, "settings": _cmd_settings}
