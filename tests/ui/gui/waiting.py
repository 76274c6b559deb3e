"""Waiting for worker threads in GUI tests.

After any `QApplication.exec()` has returned in the test process (the run_gui
test does that), PySide6's `QTest.qWait` and pytest-qt's waits keep the GIL
while Qt waits, so a worker thread that released it (for SQLite, file reads,
GDAL) barely runs again. Sleeping in Python between event-processing rounds
hands the GIL over; the real application runs its tasks inside `exec()`, where
this does not arise.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEventLoop, SignalInstance


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Process events until `condition()` holds; fail after `timeout` seconds."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"condition not met within {timeout:.0f} s")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.005)


class Emitted:
    """Counts a signal's emissions: `with Emitted(sig) as e: ...; e.wait()`."""

    def __init__(self, signal: SignalInstance) -> None:
        self.signal = signal
        self.args: list[tuple] = []

    def _seen(self, *args: object) -> None:
        self.args.append(args)

    def __enter__(self) -> Emitted:
        self.signal.connect(self._seen)
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.wait()
        self.signal.disconnect(self._seen)

    def wait(self, timeout: float = 60.0) -> None:
        wait_until(lambda: bool(self.args), timeout)
