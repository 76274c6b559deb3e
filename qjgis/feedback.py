"""Progress and cancel for long work, after QGIS Processing's `feedback` object.

Engine functions take a `Feedback` and never touch a widget; the GUI passes one
that forwards to a progress bar from a worker thread, the CLI one that prints.
"""

from __future__ import annotations

import threading
from typing import Protocol

from qjgis.errors import Canceled


class Feedback(Protocol):
    def set_progress(self, fraction: float, stage: str = "") -> None:
        """Report progress in [0, 1]; `stage` is a stable code, not a sentence."""

    def is_canceled(self) -> bool:
        """True once the user asked to stop."""


class NullFeedback:
    """Feedback that reports nowhere and can still be canceled (tests, scripts)."""

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self.last: tuple[float, str] = (0.0, "")

    def set_progress(self, fraction: float, stage: str = "") -> None:
        self.last = (fraction, stage)

    def is_canceled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


def check_canceled(feedback: Feedback) -> None:
    """Raise `Canceled` when asked to stop, so the caller's transaction rolls back."""
    if feedback.is_canceled():
        raise Canceled()
