"""The command-line interface: `python main.py COMMAND ...`.

Conventions (DESIGN.md): `--json` prints the command's result as JSON on stdout;
`--lang zh|en`; exit 0 on success, 1 on an error (one line on stderr, no
traceback unless --debug), 2 on bad usage (argparse).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from qjgis import commands
from qjgis import settings as settings_mod
from qjgis.errors import QjgisError
from qjgis.store import GpkgStore

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def iso_date(text: str) -> dt.date:
    """argparse type for DATE options (YYYY-MM-DD)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from exc


class Progress:
    """Feedback for the terminal: a percentage on stderr, only when it is a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._last = -1

    def set_progress(self, fraction: float, stage: str = "") -> None:
        pct = int(fraction * 100)
        if self._tty and pct != self._last:
            self._stream.write(f"\r{pct:3d}% {stage:<20}")
            self._stream.flush()
            self._last = pct
            if pct >= 100:
                self._stream.write("\n")

    def is_canceled(self) -> bool:
        return False


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand's copy of these options must not reset a value given
    # before the command (`--lang en check ...`).
    common.add_argument(
        "--lang", choices=("zh", "en"), default=argparse.SUPPRESS, help="language of messages"
    )
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks on errors"
    )

    p = argparse.ArgumentParser(
        prog="python main.py",
        description="qjgis: rural homestead and housing surveys (宅基地/农房/户). "
        "Without a command, opens the main window.",
        parents=[common],
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("new", parents=[common], help="create an empty project")
    s.add_argument("project", metavar="PROJECT.gpkg")
    s.add_argument("--crs", default="EPSG:4524", help="projected CRS (default EPSG:4524)")
    s.add_argument("--overwrite", action="store_true", help="replace an existing file")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("demo", parents=[common], help="generate the demo district")
    s.add_argument("project", metavar="OUT.gpkg")
    s.add_argument("--parcels", type=int, default=2000, help="number of parcels (200..2000000)")
    s.add_argument("--seed", type=int, default=1, help="random seed (same seed, same district)")
    s.add_argument(
        "--shapefiles",
        metavar="DIR",
        help="also write GBK shapefiles, an XLSX register and truth.csv as a surveyor delivers",
    )
    s.add_argument("--overwrite", action="store_true", help="replace an existing file")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("info", parents=[common], help="describe a project")
    s.add_argument("project", metavar="PROJECT")
    s.add_argument("--json", action="store_true")
    s.add_argument("--check", action="store_true", help="run the file's integrity check")

    s = sub.add_parser("settings", parents=[common], help="show or change project settings")
    s.add_argument("project", metavar="PROJECT")
    s.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="change a setting (repeatable; all are validated before any is written)",
    )
    s.add_argument("--json", action="store_true")
    for module in _feature_modules():
        module.add_parsers(sub, common)
    return p


#: Feature modules that add commands: each has `add_parsers(sub, common)` and
#: `COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]]`.
CLI_MODULES = ("ui.cli_io", "ui.cli_export", "ui.cli_checks", "ui.cli_cases", "ui.cli_report")
#: Commands that draw (fonts, PDF pages) and so need a QGuiApplication, not a QCoreApplication.
DRAWING_COMMANDS = frozenset({"report"})


def _feature_modules() -> list[Any]:
    import importlib
    import importlib.util

    return [
        importlib.import_module(name)
        for name in CLI_MODULES
        if importlib.util.find_spec(name) is not None
    ]


def emit(result: Any, as_json: bool, text: str, out: TextIO) -> None:
    if as_json:
        out.write(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        out.write(text + "\n")


def _cmd_new(args: argparse.Namespace, out: TextIO) -> int:
    from ui import texts

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
    from ui import texts

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
    }
    if check:
        problems = store.integrity_check()
        info["integrity"] = {
            "ok": not problems,
            "problems": [vars(p) for p in problems],
        }
    return info


def _cmd_info(args: argparse.Namespace, out: TextIO) -> int:
    from ui import texts

    with GpkgStore.open(args.project) as store:
        info = project_info(store, check=args.check)
    lines = [
        f"{texts.label('file')}: {info['path']}",
        f"{texts.label('crs')}: {info['crs']}",
        f"{texts.label('schema')}: {info['schema_version']}",
        f"{texts.label('counts')}:",
    ]
    lines += [f"  {texts.layer_title(k)} ({k}): {v:,}" for k, v in info["counts"].items()]
    lines.append(f"{texts.label('settings')}:")
    lines += [f"  {k} = {json.dumps(v, ensure_ascii=False)}" for k, v in info["settings"].items()]
    if args.check:
        problems = info["integrity"]["problems"]
        if problems:
            lines.append(texts.label("check_failed").format(n=len(problems)))
            lines += [f"  [{p['code']}] {p['table'] or ''} {p['detail']}" for p in problems]
        else:
            lines.append(texts.label("check_ok"))
    emit(info, args.json, "\n".join(lines), out)
    if args.check and info["integrity"]["problems"]:
        return EXIT_ERROR
    return EXIT_OK


def _cmd_settings(args: argparse.Namespace, out: TextIO) -> int:
    from ui import texts

    changes: dict[str, Any] = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise QjgisError(
                "invalid_argument", name="--set", value=item, reason="expected KEY=VALUE"
            )
        changes[key.strip()] = settings_mod.parse_cli_value(value)
    with GpkgStore.open(args.project) as store:
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


_COMMANDS = {"new": _cmd_new, "demo": _cmd_demo, "info": _cmd_info, "settings": _cmd_settings}


def _install_language(lang: str | None, command: str | None = None) -> None:
    from PySide6.QtCore import QCoreApplication

    from ui import i18n

    app = QCoreApplication.instance()
    if app is None and command in DRAWING_COMMANDS:
        from layers.report_pages import ensure_gui_application

        app = ensure_gui_application()
    app = app or QCoreApplication(["qjgis"])
    i18n.install_translators(app, i18n.choose_language(lang))


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run one command; returns the exit code."""
    out = out or sys.stdout
    parser = _parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command is None:
        from ui.app import run_gui

        return run_gui(None, lang=getattr(args, "lang", None))
    _install_language(getattr(args, "lang", None), args.command)
    try:
        commands_ = dict(_COMMANDS)
        for module in _feature_modules():
            commands_.update(module.COMMANDS)
        return commands_[args.command](args, out)
    except QjgisError as exc:
        from ui import texts

        if getattr(args, "debug", False):
            traceback.print_exc()
        sys.stderr.write(texts.label("error_line").format(message=texts.error_text(exc)) + "\n")
        return EXIT_ERROR
    except OSError as exc:  # disk full, permission denied: name the file, no traceback
        if getattr(args, "debug", False):
            traceback.print_exc()
        from ui import texts

        message = f"{exc.filename or ''} {exc.strerror or exc}".strip()
        sys.stderr.write(texts.label("error_line").format(message=message) + "\n")
        return EXIT_ERROR
