"""qjgis: the one entry point. `python main.py` opens the window; `python main.py COMMAND` runs
the command-line interface (`python main.py --help`)."""

from __future__ import annotations

import sys


def _main() -> int:
    args = sys.argv[1:]
    if not args or (len(args) == 1 and args[0].endswith(".gpkg")):
        from ui.app import run_gui

        return run_gui(args[0] if args else None)
    from ui.cli import main

    return main(args)


if __name__ == "__main__":
    sys.exit(_main())
