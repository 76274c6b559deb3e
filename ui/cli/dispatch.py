"""The command-line interface: `qjgis COMMAND ...` or `python main.py COMMAND ...`.

Conventions (docs/architecture.md): `--json` prints the command's result as JSON on stdout;
`--lang zh|en`; exit 0 on success, 1 on an error (one line on stderr, no traceback unless
--debug), 2 on bad usage (argparse). Nothing here imports Qt: the commands run where
PySide6 is not installed, except those registered as drawing commands
(`ui.cli.common.needs_gui`), which then exit 1 with one line naming the `gui` extra.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TextIO

from qjgis.errors import QjgisError
from ui import texts
from ui.cli.common import DRAWING_COMMANDS, EXIT_ERROR, EXIT_USAGE, qt_available

#: Modules that add commands, one per command family: each has `add_parsers(sub, common)`
#: and `COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]]`. A module may call
#: `ui.cli.common.needs_gui(name)` for a command that draws with Qt; such a module lives outside
#: ui.cli (which may not import Qt or layers at all) and is listed here by name.
CLI_MODULES = (
    "ui.cli.project",
    "ui.cli.io",
    "ui.cli.export",
    "ui.cli.checks",
    "ui.cli.cases",
    "ui.gui.report_command",
)

Command = Callable[[argparse.Namespace, TextIO], int]


def feature_modules() -> list[ModuleType]:
    return [importlib.import_module(name) for name in CLI_MODULES]


def build_parser() -> argparse.ArgumentParser:
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
        prog="python main.py" if Path(sys.argv[0]).name == "main.py" else "qjgis",
        description="qjgis: rural homestead and housing surveys (宅基地/农房/户). "
        "Without a command, opens the main window.",
        parents=[common],
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for module in feature_modules():
        module.add_parsers(sub, common)
    return p


def commands() -> dict[str, Command]:
    found: dict[str, Command] = {}
    for module in feature_modules():
        found.update(module.COMMANDS)
    return found


def _fail(message: str) -> int:
    sys.stderr.write(texts.t("error_line", message=message) + "\n")
    return EXIT_ERROR


#: Opens the main window on a project (or none) in a language (or the chosen one).
OpenWindow = Callable[[str | None, str | None], int]


def main(
    argv: Sequence[str] | None = None,
    *,
    out: TextIO | None = None,
    open_window: OpenWindow | None = None,
) -> int:
    """Run one command; returns the exit code.

    Without a command, `open_window` opens the main window: `ui.launch` passes it, so that
    this package never imports the GUI (and so never Qt).
    """
    out = out or sys.stdout
    args_list = list(sys.argv[1:] if argv is None else argv)
    # The language first, so that even argparse's refusals of our own types are worded in it.
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang", choices=("zh", "en"))
    known, _ = pre.parse_known_args(args_list)
    texts.set_language(texts.choose_language(known.lang))
    parser = build_parser()
    args = parser.parse_args(args_list)
    debug = getattr(args, "debug", False)
    if (args.command is None or args.command in DRAWING_COMMANDS) and not qt_available():
        return _fail(texts.t("cli.needs_gui", command=args.command or "qjgis"))
    if args.command is None:
        if open_window is None:
            parser.print_help(out)
            return EXIT_USAGE
        return open_window(None, getattr(args, "lang", None))
    try:
        return commands()[args.command](args, out)
    except QjgisError as exc:
        if debug:
            traceback.print_exc()
        return _fail(texts.error_text(exc))
    except OSError as exc:  # disk full, permission denied: name the file, no traceback
        if debug:
            traceback.print_exc()
        return _fail(f"{exc.filename or ''} {exc.strerror or exc}".strip())
