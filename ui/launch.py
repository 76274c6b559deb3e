"""The one entry point: `qjgis` (the console script) and `python main.py`.

`qjgis PROJECT.gpkg`, `qjgis postgresql://…` (or `service=NAME`), `qjgis gui [PROJECT]`
and `qjgis` without a command open the main window; anything else is a command of the
command line. The window needs PySide6 (the `gui` extra); without it, opening the window
exits 1 with one line saying so, and every command still runs.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def open_window(project: str | None, lang: str | None) -> int:
    """Run the desktop application on `project` (None: the last one, or the demo)."""
    from ui.cli.common import EXIT_ERROR, qt_available
    from ui.texts import t

    if not qt_available():
        sys.stderr.write(t("error_line", message=t("cli.needs_gui", command="qjgis")) + "\n")
        return EXIT_ERROR
    from ui.gui.app import run_gui

    return run_gui(project, lang=lang)


def _window_arguments(args: list[str]) -> tuple[str | None, str | None] | None:
    """(project, language) when the arguments ask for the window, else None.

    A lone project (`PROJECT.gpkg`, a `postgresql://…` address or `service=NAME`) opens
    it; `gui [--lang zh|en] [PROJECT]` opens the window on it, or as at a plain start.
    """
    from qjgis.pg.url import is_database_url

    if len(args) == 1 and (args[0].endswith(".gpkg") or is_database_url(args[0])):
        return args[0], None
    if not args or args[0] != "gui":
        return None
    import argparse

    parser = argparse.ArgumentParser(prog="qjgis gui")
    parser.add_argument("--lang", choices=("zh", "en"))
    parser.add_argument("project", nargs="?", metavar="PROJECT")
    parsed = parser.parse_args(args[1:])
    return parsed.project, parsed.lang


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    window = _window_arguments(args)
    if window is not None:  # a project to open in the window
        from ui import texts

        project, lang = window
        texts.set_language(texts.choose_language(lang))
        return open_window(project, lang)
    source = register_source(args)
    if source is not None:
        # The workbook's parse (most of a register import's time) starts now, on another
        # core, while the commands' modules load and the project opens (qjgis.io.workbook).
        from qjgis.io import workbook

        workbook.prefetch(source)
    from ui.cli.dispatch import main as cli_main

    return cli_main(args, open_window=open_window)


#: the long options of `import` (and the common ones) that take a value
_VALUED = frozenset(
    {"--lang", "--layer", "--source-layer", "--encoding", "--source-crs", "--mapping",
     "--header-row"}
)  # fmt: skip


def register_source(args: Sequence[str]) -> str | None:
    """SOURCE of `import PROJECT SOURCE --layer households`, read from the arguments
    without argparse (before the commands are loaded); None for anything else. An
    argument it does not understand only means no early start: argparse still decides."""
    positional: list[str] = []
    layer = None
    it = iter(args)
    for a in it:
        if a == "--":
            positional += list(it)
            break
        if a.startswith("-"):
            name, eq, value = a.partition("=")
            if name in _VALUED and not eq:
                value = next(it, "")
            if name == "--layer":
                layer = value
            continue
        positional.append(a)
    if len(positional) == 3 and positional[0] == "import" and layer == "households":
        return positional[2]
    return None


if __name__ == "__main__":
    sys.exit(main())
