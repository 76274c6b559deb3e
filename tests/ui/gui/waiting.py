"""Waiting for worker threads in GUI tests.

After any `QApplication.exec()` has returned in the test process (the run_gui
test does that), PySide6's `QTest.qWait` and pytest-qt's waits keep the GIL
while Qt waits, so a worker thread that released it (for SQLite, file reads,
GDAL) barely runs again. Sleeping in Python between event-processing rounds
hands the GIL over; the real application runs its tasks inside `exec()`, where
this does not arise.

Events are processed through a QEventLoop's own `processEvents`: PySide6 6.12's static
`QCoreApplication.processEvents()` (and `QTest.qWait`, which calls it) releases one
reference to None per call, and on Python 3.11 a few ten thousand calls end the process
("deallocating None").
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, SignalInstance

_LOOP: QEventLoop | None = None


def pump(ms: int = 20) -> None:
    """Process pending events for up to `ms` milliseconds (see the module's note)."""
    global _LOOP
    if _LOOP is None:
        _LOOP = QEventLoop()
    _LOOP.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, ms)


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Process events until `condition()` holds; fail after `timeout` seconds."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"condition not met within {timeout:.0f} s")
        pump(20)
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
