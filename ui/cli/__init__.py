"""The command line, without Qt: one module per command family (project, io, export, checks,
cases), the shared conventions in `common`, the dispatcher in `main`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run one command (see `ui.cli.dispatch.main`)."""
    from ui.cli.dispatch import main as run

    return run(argv, out=out)
