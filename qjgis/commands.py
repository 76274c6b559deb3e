"""Every change to a project is a command: it applies, reverts and says what changed.

After Anki's OpChanges and glue's command stack: the GUI wraps a command in a
QUndoCommand and refreshes only what `Changes` names; the CLI runs the same
command. Applying and reverting each append to the audit log (reverting is a
compensating entry; history is never rewritten).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any, Protocol

from qjgis.store import GpkgStore


@dataclass(frozen=True)
class Changes:
    """What a command touched, so views refresh only that."""

    settings: frozenset[str] = field(default_factory=frozenset)
    layers: frozenset[str] = field(default_factory=frozenset)
    tables: frozenset[str] = field(default_factory=frozenset)


class Command(Protocol):
    name: str  # stable code, used in the audit log and translated for the undo menu

    def apply(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes: ...

    def revert(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes: ...


def run(store: GpkgStore, command: Command) -> Changes:
    """Apply a command in one transaction."""
    with store.transaction() as conn:
        return command.apply(store, conn)


def undo(store: GpkgStore, command: Command) -> Changes:
    """Revert a command in one transaction."""
    with store.transaction() as conn:
        return command.revert(store, conn)


class SetSettings:
    """Change one or more project settings, validated together."""

    name = "settings.set"

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = dict(values)
        self._before: dict[str, Any] | None = None

    def apply(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        s = store.settings()
        actor = (s.user, s.role.value)  # who made the change: the user before it
        before = store.write_settings(conn, self.values)
        after = {k: store.settings().values[k] for k in self.values}
        store.audit(conn, self.name, "qj_settings", before, after, actor=actor)
        self._before = before
        return Changes(settings=frozenset(self.values))

    def revert(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        if self._before is None:
            raise RuntimeError("revert before apply")
        s = store.settings()
        actor = (s.user, s.role.value)
        current = {k: store.settings().values[k] for k in self._before}
        store.write_settings(conn, self._before)
        store.audit(conn, self.name + ".revert", "qj_settings", current, self._before, actor=actor)
        return Changes(settings=frozenset(self._before))
