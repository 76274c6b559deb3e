"""The one entry point: `qjgis` (the console script) and `python main.py`.

`qjgis PROJECT.gpkg` and `qjgis` without a command open the main window; anything else is
a command of the command line. The window needs PySide6 (the `gui` extra); without it,
opening the window exits 1 with one line saying so, and every command still runs.
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


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) == 1 and args[0].endswith(".gpkg"):  # a project to open in the window
        from ui import texts

        texts.set_language(texts.choose_language())
        return open_window(args[0], None)
    from ui.cli.dispatch import main as cli_main

    return cli_main(args, open_window=open_window)


if __name__ == "__main__":
    sys.exit(main())
