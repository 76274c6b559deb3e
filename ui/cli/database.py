"""CLI commands of the shared database: `push PROJECT.gpkg URL`, `pull URL OUT.gpkg`, `migrate`."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any, TextIO

from qjgis import schema
from qjgis.pg import url as dburl
from qjgis.pg.migrate import migrate
from qjgis.pg.transfer import pull, push
from qjgis.store import GpkgStore
from ui import texts
from ui.cli.common import EXIT_OK, Progress, emit
from ui.texts import t


def ask_password(shown: str) -> str | None:
    """Ask on the terminal (never echoed, never stored); None where nobody can answer."""
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(t("db.password_prompt", url=shown))


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser("push", parents=[common], help=t("help.push_a_project_file_into_a_database"))
    s.add_argument("project", metavar="PROJECT.gpkg")
    s.add_argument("url", metavar="URL", help=t("help.database_address"))
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("migrate", parents=[common], help=t("help.migrate_a_project"))
    s.add_argument("target", metavar="PROJECT", help=t("help.migrate_target"))
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("pull", parents=[common], help=t("help.pull_a_database_project_into_a_file"))
    s.add_argument("url", metavar="URL", help=t("help.database_address"))
    s.add_argument("out", metavar="OUT.gpkg")
    s.add_argument("--json", action="store_true")


def _summary(counts: dict[str, int]) -> dict[str, int]:
    return {
        "tables": len(counts),
        "rows": sum(counts.values()),
        "parcels": counts.get("parcels", 0),
        "buildings": counts.get("buildings", 0),
    }


def _cmd_push(args: argparse.Namespace, out: TextIO) -> int:
    pushed = push(args.project, args.url, feedback=Progress(sys.stderr), ask_password=ask_password)
    shown = dburl.redact(args.url)
    counts = pushed.rows
    result = {
        "project": args.project, "url": shown, "pushed_back": pushed.pushed_back, "rows": counts
    }  # fmt: skip
    if pushed.pushed_back:
        rows = ", ".join(f"{texts.layer_title(k)} {v}" for k, v in counts.items()) or "0"
        kinds = {k: sum(v.values()) for k, v in pushed.changes.items()}
        text = t("db.pushed_back", path=args.project, url=shown, rows=rows)
        if kinds:
            text += "\n" + t("db.pushed_back_kinds", **kinds)
        result["changes"] = pushed.changes
    else:
        text = t("db.pushed", path=args.project, url=shown, **_summary(counts))
    emit(result, args.json, text, out)
    return EXIT_OK


def _cmd_pull(args: argparse.Namespace, out: TextIO) -> int:
    counts = pull(args.url, args.out, feedback=Progress(sys.stderr), ask_password=ask_password)
    shown = dburl.redact(args.url)
    result = {"url": shown, "out": args.out, "rows": counts}
    text = t("db.pulled", path=args.out, url=shown, **_summary(counts))
    emit(result, args.json, text, out)
    return EXIT_OK


def _cmd_migrate(args: argparse.Namespace, out: TextIO) -> int:
    """A database is migrated here, on purpose; a file as every command opens it (after
    writing a backup beside it)."""
    if dburl.is_database_url(args.target):
        done = migrate(args.target, ask_password=ask_password)
        target, found, version = done.url, done.found, done.version
        steps = [v for v, _why in done.steps]
    else:
        found = GpkgStore._inspect(Path(args.target), verify=False)
        GpkgStore.open(args.target).close()
        target, version = args.target, schema.SCHEMA_VERSION
        steps = list(range(found + 1, version + 1))
    result = {"project": target, "from": found, "to": version, "steps": steps}
    if steps:
        text = t("db.migrated", path=target, found=found, version=version)
    else:
        text = t("db.migrate_nothing", path=target, version=version)
    emit(result, args.json, text, out)
    return EXIT_OK


COMMANDS = {"push": _cmd_push, "pull": _cmd_pull, "migrate": _cmd_migrate}
