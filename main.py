"""qjgis: the one entry point. `python main.py` opens the window; `python main.py COMMAND` runs
the command-line interface (`python main.py --help`)."""

from __future__ import annotations

import sys


def _main() -> int:
    args = sys.argv[1:]
    if len(args) == 1 and args[0].endswith(".gpkg"):  # a project to open in the window
        from ui.app import run_gui

        return run_gui(args[0])
    from ui.cli import main  # which opens the window itself when no command is given

    return main(args)


if __name__ == "__main__":
    sys.exit(_main())
