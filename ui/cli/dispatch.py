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
import os
import sqlite3
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TextIO

from qjgis.errors import QjgisError
from qjgis.store import set_busy_notice
from ui import texts
from ui.cli.common import DRAWING_COMMANDS, EXIT_ERROR, EXIT_USAGE, qt_available
from ui.texts import t

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
    "ui.cli.database",
    "ui.cli.db",  # a database's users, roles and towns (issue 18)
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
        "--lang",
        choices=("zh", "en"),
        default=argparse.SUPPRESS,
        help=t("help.language_of_messages"),
    )
    common.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help=t("help.show_tracebacks_on_errors"),
    )
    p = argparse.ArgumentParser(
        prog="python main.py" if Path(sys.argv[0]).name == "main.py" else "qjgis",
        description=t("help.qjgis_rural_homestead_and_housing_surveys"),
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


def _say_busy(path: str) -> None:
    sys.stderr.write(texts.t("project_busy_wait", path=path) + "\n")
    sys.stderr.flush()


def _fail(message: str) -> int:
    sys.stderr.write(texts.t("error_line", message=message) + "\n")
    return EXIT_ERROR


#: Opens the main window on a project (or none) in a language (or the chosen one).
OpenWindow = Callable[[str | None, str | None], int]


def _argparse_text(message: str) -> str:
    """argparse's own words (usage, options, its refusals) in the current language."""
    return texts.t(f"argparse.{message}") if texts.has(f"argparse.{message}") else message


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
    # argparse looks its words up through the module's `_` (gettext) at call time
    argparse._ = _argparse_text  # type: ignore[attr-defined]
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
    # A project another program is writing is waited for; say so once, on stderr.
    set_busy_notice(_say_busy)
    try:
        return commands()[args.command](args, out)
    except QjgisError as exc:
        if debug:
            traceback.print_exc()
        return _fail(texts.error_text(exc))
    except BrokenPipeError:  # the reader stopped reading (`| head`): nothing to tell it
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush stays quiet
        return EXIT_ERROR
    except sqlite3.OperationalError as exc:
        # A read that waited its busy timeout out while another program committed a long
        # write: the project is busy, not damaged.
        if not ("locked" in str(exc) or "busy" in str(exc)):
            raise
        if debug:
            traceback.print_exc()
        return _fail(texts.t("err.project_locked", path=getattr(args, "project", "")))
    except OSError as exc:  # disk full, permission denied: name the file, no traceback
        if debug:
            traceback.print_exc()
        return _fail(f"{exc.filename or ''} {exc.strerror or exc}".strip())
