"""The window's side of a busy project: "另一程序正在写入本项目，等待中…" in its status bar.

The engine calls the process-wide notice (`qjgis.store.set_busy_notice`) once when a
store starts waiting for another program's write: on the GUI thread when the window
opens a project, on a worker when a task writes. From a worker the text travels as a
queued signal; on the GUI thread it is shown and painted at once, since the thread is
about to block in SQLite's wait and would not paint it otherwise.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QMainWindow

from qjgis.store import set_busy_notice
from ui.texts import t

#: how long the note stays; a wait ends in success or in the "busy" error, which says more
SHOW_MS = 15_000


class BusyNotice(QObject):
    """Shows the busy note in `window`'s status bar, from whichever thread is waiting."""

    said = Signal(str)  # the project's path

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.said.connect(self._show)

    def __call__(self, path: str) -> None:
        if QThread.currentThread() is self.thread():
            self._show(path)
            self.window.statusBar().repaint()
        else:
            self.said.emit(path)

    def _show(self, path: str) -> None:
        self.window.statusBar().showMessage(t("project_busy_wait", path=path), SHOW_MS)


def install_busy_notice(window: QMainWindow) -> BusyNotice:
    """Make every store of this process tell the user in `window` when it waits."""
    notice = BusyNotice(window)
    set_busy_notice(notice)
    window.destroyed.connect(lambda *_: set_busy_notice(None))
    return notice
