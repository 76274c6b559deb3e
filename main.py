"""qjgis: the one entry point. `python main.py` opens the window; `python main.py COMMAND` runs
the command-line interface (`python main.py --help`). The installed console script `qjgis`
does the same (ui.launch)."""

from __future__ import annotations

import sys

from ui.launch import main

if __name__ == "__main__":
    sys.exit(main())
