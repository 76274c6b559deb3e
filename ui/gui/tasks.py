"""Long work off the GUI thread, after QGIS's QgsTaskManager.

A task is a function of (store, feedback) run on a worker thread. It opens
its own store connection there (SQLite connections belong to the thread that
made them; a database connection runs one query at a time); the open project's
connection stays on the GUI thread. Progress
comes back through the engine's `Feedback` as a queued signal, the result or
the error on the GUI thread. One writing task per project at a time: a second
is refused, visibly. Cancel sets the feedback's flag; the engine then raises
`Canceled` inside its transaction, which rolls back, so the project is as it
was.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QWidget

from qjgis.errors import Canceled
from qjgis.store import GpkgStore
from ui.presenters.words import t

log = logging.getLogger(__name__)

#: progress signals are sent at most this often (seconds) for one stage
_PROGRESS_INTERVAL = 0.05


def while_alive(widget: QObject, fn: Callable[..., Any]) -> Callable[..., None]:
    """`fn` as a task callback that does nothing once `widget` is gone (a dialog the
    user closed while its task ran: the task's own work still completes)."""

    def call(*args: Any) -> None:
        if shiboken6.isValid(widget):
            fn(*args)

    return call


class TaskFeedback(QObject):
    """The engine's `Feedback` for a worker thread: progress as a queued signal."""

    progressed = Signal(float, str)

    def __init__(self) -> None:
        super().__init__()
        self._cancel = threading.Event()
        self._last = (-1.0, "", 0.0)

    def set_progress(self, fraction: float, stage: str = "") -> None:
        now = time.monotonic()
        _, last_stage, last_time = self._last
        # A flood of queued signals would itself stall the GUI thread.
        if stage == last_stage and now - last_time < _PROGRESS_INTERVAL and fraction < 1.0:
            return
        self._last = (fraction, stage, now)
        self.progressed.emit(float(fraction), stage)

    def is_canceled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


@dataclass(eq=False)  # identity: a task is one job, hashed by itself
class Task:
    """One long job. `run(store, feedback)` runs on the worker; `store` is the worker's
    own connection to the project (None when `needs_store` is False)."""

    title: str  # in the user's language, shown in the status bar
    run: Callable[[GpkgStore | None, TaskFeedback], Any]
    writes: bool = False
    needs_store: bool = True
    on_done: Callable[[Any], None] | None = None
    on_error: Callable[[BaseException], None] | None = None
    on_canceled: Callable[[], None] | None = None
    feedback: TaskFeedback = field(default_factory=TaskFeedback)
    stage_text: Callable[[str], str] | None = None


def _open_file(path: str) -> GpkgStore:
    # No quick_check: the window checked the file when it opened it, and a check reads
    # every page (0.9 s at 200,000 parcels) on every task.
    return GpkgStore.open(path, verify=False)


class _Worker(QThread):
    succeeded = Signal(object)
    errored = Signal(object)
    canceled = Signal()

    def __init__(self, task: Task, opener: Callable[[], Any] | None) -> None:
        super().__init__()
        self.task = task
        self.opener = opener

    def run(self) -> None:  # on the worker thread
        try:
            if self.task.needs_store:
                assert self.opener is not None
                with self.opener() as store:
                    result = self.task.run(store, self.task.feedback)
            else:
                result = self.task.run(None, self.task.feedback)
        except Canceled:
            self.canceled.emit()
        except BaseException as exc:  # reported on the GUI thread, never swallowed
            if not isinstance(exc, Exception):
                raise
            log.info("task %s failed", self.task.title, exc_info=True)
            self.errored.emit(exc)
        else:
            self.succeeded.emit(result)


class TaskManager(QObject):
    """Runs tasks for one project; at most one writing task at a time."""

    started = Signal(object)  # Task
    progressed = Signal(object, float, str)  # Task, fraction, stage
    finished = Signal(object)  # Task (done, failed or canceled)
    refused = Signal(str)  # why a task could not start, in words

    def __init__(
        self,
        path: str | None,
        parent: QObject | None = None,
        *,
        opener: Callable[[], Any] | None = None,
    ) -> None:
        """`opener()` gives a worker its own store (a database project's, with the
        credentials the window opened it with); by default the file at `path`."""
        super().__init__(parent)
        self.path = path
        if opener is None and path is not None:
            opener = partial(_open_file, path)
        self._opener = opener
        self._running: dict[Task, _Worker] = {}
        self._closed = False

    @property
    def running(self) -> list[Task]:
        return list(self._running)

    def writing_task(self) -> Task | None:
        return next((task for task in self._running if task.writes), None)

    def busy_writing(self) -> bool:
        return self.writing_task() is not None

    def start(self, task: Task) -> bool:
        """Start `task`; False (and `refused`) when another writing task is running."""
        if self._closed:
            return False
        if task.writes and (other := self.writing_task()) is not None:
            self.refused.emit(t("task.busy", title=other.title))
            return False
        worker = _Worker(task, self._opener)
        self._running[task] = worker
        queued = Qt.ConnectionType.QueuedConnection
        task.feedback.progressed.connect(
            lambda f, s, task=task: self.progressed.emit(task, f, s), queued
        )
        worker.succeeded.connect(lambda result, task=task: self._done(task, result), queued)
        worker.errored.connect(lambda exc, task=task: self._failed(task, exc), queued)
        worker.canceled.connect(lambda task=task: self._canceled(task), queued)
        self.started.emit(task)
        worker.start()
        return True

    def cancel(self, task: Task | None = None) -> None:
        for t_ in [task] if task is not None else list(self._running):
            t_.feedback.cancel()

    def shutdown(self) -> None:
        """Cancel every task, wait for them and deliver nothing more (the project closes)."""
        self._closed = True
        self.cancel()
        self.wait()

    def wait(self, timeout_ms: int = 60_000) -> bool:
        """Block until every worker has finished (closing the window, tests)."""
        return all(w.wait(timeout_ms) for w in list(self._running.values()))

    def _finish(self, task: Task) -> None:
        worker = self._running.pop(task, None)
        if worker is not None:
            worker.wait()
            worker.deleteLater()
        self.finished.emit(task)

    def _done(self, task: Task, result: Any) -> None:
        self._finish(task)
        if task.on_done is not None and not self._closed:
            task.on_done(result)

    def _failed(self, task: Task, exc: BaseException) -> None:
        self._finish(task)
        if task.on_error is not None and not self._closed:
            task.on_error(exc)

    def _canceled(self, task: Task) -> None:
        self._finish(task)
        if task.on_canceled is not None and not self._closed:
            task.on_canceled()


class TaskStatus(QWidget):
    """The status bar's view of the running task: its title, progress and Cancel."""

    def __init__(self, manager: TaskManager | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtWidgets import QHBoxLayout

        self.setObjectName("task_status")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 1000)
        self.bar.setMaximumWidth(180)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton(t("task.cancel"), self)
        self.cancel_button.setObjectName("button_cancel_task")
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.cancel_button.clicked.connect(self._cancel)
        self.manager: TaskManager | None = None
        self.setVisible(False)
        if manager is not None:
            self.set_manager(manager)

    def set_manager(self, manager: TaskManager | None) -> None:
        if self.manager is not None:
            self.manager.started.disconnect(self._refresh)
            self.manager.progressed.disconnect(self._progress)
            self.manager.finished.disconnect(self._refresh)
        self.manager = manager
        if manager is not None:
            manager.started.connect(self._refresh)
            manager.progressed.connect(self._progress)
            manager.finished.connect(self._refresh)
        self._refresh()

    def _refresh(self, *_: Any) -> None:
        tasks = self.manager.running if self.manager is not None else []
        self.setVisible(bool(tasks))
        if tasks:
            self.label.setText(tasks[-1].title)
            self.bar.setValue(0)
            self.cancel_button.setEnabled(True)

    def _progress(self, task: Task, fraction: float, stage: str) -> None:
        self.bar.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        words = task.stage_text(stage) if task.stage_text is not None and stage else ""
        self.label.setText(f"{task.title} {words}".strip())

    def _cancel(self) -> None:
        if self.manager is not None:
            self.manager.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText(t("task.canceling"))
