"""What every command module shares: exit codes, output, argument types, progress, and the
registry of commands that need Qt to draw."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
from typing import Any, TextIO

from qjgis.errors import QjgisError
from qjgis.store import GpkgStore
from ui.texts import has, t

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2

#: Commands that draw (pages, maps) and so need PySide6, the `gui` extra. A command module
#: adds its command's name here; without PySide6 the command exits 1 with one line.
DRAWING_COMMANDS: set[str] = set()


def needs_gui(command: str) -> None:
    """Declare that `command` draws with Qt: it needs the `gui` extra."""
    DRAWING_COMMANDS.add(command)


def qt_available() -> bool:
    """True when PySide6 can be imported (found, not imported: the check costs nothing)."""
    try:
        return importlib.util.find_spec("PySide6") is not None
    except (ImportError, ValueError):
        return False


def village_code(store: GpkgStore, village: str) -> str:
    """The code of the village a user names by its code or its name (五口村 or 500110108201).

    A name that several towns use is refused with the candidates, so nothing is done to the
    wrong village."""
    found = store.find_villages(village.strip())
    codes = sorted({code for code, _ in found})
    if len(codes) > 1:
        raise QjgisError(
            "invalid_argument",
            name="--village",
            value=village,
            reason="ambiguous_village",
            choices=", ".join(f"{code} {name}" for code, name in found),
        )
    return codes[0]


def iso_date(text: str) -> dt.date:
    """argparse type for DATE options (YYYY-MM-DD)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(t("cli.not_a_date", value=text)) from exc


def emit(result: Any, as_json: bool, text: str, out: TextIO) -> None:
    if as_json:
        out.write(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        out.write(text + "\n")


class Progress:
    """Feedback for the terminal: a percentage on stderr, only when it is a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._last = -1

    def set_progress(self, fraction: float, stage: str = "") -> None:
        pct = int(fraction * 100)
        if self._tty and pct != self._last:
            words = t(f"app.stage_{stage}") if has(f"app.stage_{stage}") else stage
            self._stream.write(f"\r{pct:3d}% {words:<20}")
            self._stream.flush()
            self._last = pct
            if pct >= 100:
                self._stream.write("\n")

    def is_canceled(self) -> bool:
        return False


def open_project(target: str) -> Any:
    """A project file, or a project in a database (`postgresql://…`, `service=NAME`): the
    password, when the server wants one that `.pgpass`/`PGPASSWORD` do not give, is asked
    on the terminal (docs/database.md)."""
    from qjgis.store import open_project as open_store
    from ui.cli.database import ask_password

    return open_store(target, ask_password=ask_password)
