"""The open project: its store, its undo stack, its tasks and a `changed` signal.

After Anki's `aqt/operations` with `OpChanges`: every edit made in the window
is an engine command (qjgis.commands) applied here and pushed onto the
QUndoStack; undo goes through the command's `revert`, so the audit log shows
both. After each command `changed` carries the engine's `Changes`, and docks
and the map refresh only what it names. Widgets read through this object and
the operations, never through the store directly.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from qjgis import commands, schema
from qjgis.commands import Changes, Command
from qjgis.errors import QjgisError
from qjgis.pg.url import is_database_url
from qjgis.settings import SPECS
from qjgis.store import GpkgStore, open_project
from ui.gui.tasks import TaskManager
from ui.presenters.words import t

if TYPE_CHECKING:
    from qjgis.pg.store import PgStore

log = logging.getLogger(__name__)


class TaskBusy(Exception):
    """An edit refused because a writing task holds the project."""

    def __init__(self, title: str) -> None:
        super().__init__(t("task.busy", title=title))
        self.title = title


class EngineUndoCommand(QUndoCommand):
    """A QUndoCommand over an engine command that has already been applied once."""

    def __init__(self, project: OpenProject, command: Command, text: str) -> None:
        super().__init__(text)
        self.project = project
        self.command = command
        self._applied = True  # pushed after a successful apply: the first redo is a no-op

    def redo(self) -> None:
        if self._applied:
            return
        # The version the user saw was checked at the first apply; redo re-applies
        # on the row as this stack's own undo left it.
        if getattr(self.command, "expected_version", None) is not None:
            self.command.expected_version = None  # type: ignore[attr-defined]
        self._run(commands.run)
        self._applied = True

    def undo(self) -> None:
        self._run(commands.undo)
        self._applied = False

    def _run(self, step: Callable[[GpkgStore, Command], Changes]) -> None:
        try:
            changes = step(self.project.store, self.command)
        except Exception as exc:
            # The stack can no longer say what the file holds: say so and start afresh.
            self.setObsolete(True)
            self.project.failed.emit(exc)
            return
        self.project.changed.emit(changes)


class OpenProject(QObject):
    """One open project (a file or a database) and everything the window does with it."""

    changed = Signal(object)  # qjgis.commands.Changes
    failed = Signal(object)  # an exception from an undo or redo, for the window to show
    userChanged = Signal()
    #: someone else (another desk, the CLI) changed the file; True: the file was replaced
    outsideChanged = Signal(bool)

    #: how often the file is asked whether someone else changed it (a PRAGMA and a stat)
    WATCH_MS = 1000

    #: on a database, how often the audit log is asked for others' entries (a query to
    #: the server from the GUI thread: not every second)
    WATCH_DATABASE_MS = 5000

    def __init__(self, store: GpkgStore | PgStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        #: a database project (PostgreSQL): no file, no `.files/` folder, no file stamp
        self.is_database = is_database_url(store.path)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setObjectName("undo_stack")
        if self.is_database:
            from qjgis.pg import session

            # the address without its password: what the window shows and remembers
            self.path = store.path
            # every task on a connection of its own, with the credentials of this one
            creds = session.credentials(store)
            self.tasks = TaskManager(self.path, self, opener=lambda: session.open_store(creds))
        else:
            self.path = str(Path(store.path).resolve())
            self.tasks = TaskManager(self.path, self)
        # Our own tasks write on their own connections, which SQLite counts as another
        # writer: what they commit is announced by them, so the stamp moves on with them.
        self._stamp = self._change_stamp()
        # Only a writing task commits: a read-only one (the findings dock, the outlines)
        # ending must not take someone else's change meanwhile as ours.
        self.tasks.finished.connect(lambda task: self._take_stamp() if task.writes else None)
        if self.is_database:
            # Our own commands are in the audit log too: the stamp moves on with them.
            self.changed.connect(lambda _changes: self._take_stamp())
        self._watch = QTimer(self)
        self._watch.setObjectName("project_watch")
        self._watch.setInterval(self.WATCH_DATABASE_MS if self.is_database else self.WATCH_MS)
        self._watch.timeout.connect(self.check_outside)
        self._watch.start()

    @classmethod
    def open(cls, path: str, parent: QObject | None = None) -> OpenProject:
        """A project file or a database address (`postgresql://…`, `service=NAME`)."""
        return cls(open_project(path), parent)

    def close(self) -> None:
        self._watch.stop()
        self.tasks.shutdown()
        self.undo_stack.clear()
        self.store.close()

    # ------------------------------------------------------------ others' changes
    def _change_stamp(self) -> tuple[int, Any]:
        """What tells another's change: a file's data version and identity
        (`GpkgStore.change_stamp`); on a database the newest audit entry, as every command
        of every desk appends one (a database is never replaced under us)."""
        if self.is_database:
            rows = self.store.execute_sql("SELECT max(fid) FROM audit_log")
            return int(rows[0][0] or 0), None
        return self.store.change_stamp()  # type: ignore[union-attr]

    def _take_stamp(self) -> None:
        try:
            self._stamp = self._change_stamp()
            self.store.changed_outside()  # the store's own stamp (and settings cache) too
        except (sqlite3.ProgrammingError, QjgisError):  # a task ended after the close
            self._watch.stop()

    def check_outside(self) -> bool:
        """Whether another program changed or replaced the file since we last looked.

        A change refreshes every view (the map, findings, cases: what changed is not
        known); a replaced file is the window's to reopen. While one of our writing
        tasks runs its commits are not someone else's, so nothing is asked.
        """
        if self.tasks.busy_writing():
            return False
        try:
            now = self._change_stamp()
        except sqlite3.ProgrammingError:  # closed under us: the window is closing it
            self._watch.stop()
            return False
        except QjgisError:  # the server went away: the next command will say so
            log.info("asking %s for others' changes failed", self.path, exc_info=True)
            return False
        if now == self._stamp:
            return False
        replaced = now[1] != self._stamp[1]
        self._take_stamp()
        if not replaced:
            self.changed.emit(
                Changes(
                    settings=frozenset(spec.key for spec in SPECS),
                    layers=frozenset(("villages", "parcels", "buildings")),
                    tables=frozenset(schema.TABLE_BY_NAME),
                )
            )
        self.outsideChanged.emit(replaced)
        return True

    # ------------------------------------------------------------ commands
    def apply(self, command: Command, text: str) -> Changes:
        """Apply an engine command now and push it for undo; raise what the engine raises.

        Refused while a writing task runs: the task holds the file.
        """
        if (task := self.tasks.writing_task()) is not None:
            raise TaskBusy(task.title)
        changes = commands.run(self.store, command)
        self.undo_stack.push(EngineUndoCommand(self, command, text))
        self.changed.emit(changes)
        return changes

    def push_applied(self, command: Command, text: str, changes: Changes) -> None:
        """Push a command a task has applied on its own connection, then announce it."""
        self.undo_stack.push(EngineUndoCommand(self, command, text))
        self.changed.emit(changes)

    def announce(self, changes: Changes) -> None:
        """Tell the views that a task changed the file without an undoable command."""
        self.changed.emit(changes)

    # ------------------------------------------------------------ who is working
    @property
    def user(self) -> str:
        return self.store.settings().user

    @property
    def role(self) -> str:
        return self.store.settings().role.value

    def user_is_default(self) -> bool:
        """True while the project names nobody (the OS user stands in)."""
        return not self.store.settings().values.get("user.name")

    def settings_value(self, key: str) -> Any:
        return self.store.settings().values[key]
