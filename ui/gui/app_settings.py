"""The user's application preferences (not a project's settings): typed, over QSettings.

Project settings live in the project file; these are per desktop user: the last
project, recent files, window geometry, language. Tests pass an INI path so
they never touch the user's registry or ~/.config.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from qjgis.pg.url import is_database_url, redact

ORGANIZATION = "qjgis"
APPLICATION = "qjgis"
MAX_RECENT = 10


class AppSettings:
    """Typed access to the desktop preferences; every setter is written through."""

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, qsettings: QSettings | None = None
    ) -> None:
        if qsettings is not None:
            self._s = qsettings
        elif path is not None:
            self._s = QSettings(str(path), QSettings.Format.IniFormat)
        else:
            # INI everywhere, so a bureau's support staff find one readable file.
            self._s = QSettings(
                QSettings.Format.IniFormat,
                QSettings.Scope.UserScope,
                ORGANIZATION,
                APPLICATION,
            )

    @property
    def file_name(self) -> str:
        return self._s.fileName()

    def sync(self) -> None:
        self._s.sync()

    # ------------------------------------------------------------ projects
    @property
    def last_project(self) -> str | None:
        value = self._s.value("projects/last")
        return str(value) if value else None

    @last_project.setter
    def last_project(self, path: str | os.PathLike[str] | None) -> None:
        if path is None:
            self._s.remove("projects/last")
        else:
            self._s.setValue("projects/last", _normal(path))
        self._s.sync()

    @property
    def recent_projects(self) -> list[str]:
        return _string_list(self._s.value("projects/recent"))

    @recent_projects.setter
    def recent_projects(self, paths: list[str]) -> None:
        self._s.setValue("projects/recent", _unique(paths)[:MAX_RECENT])
        self._s.sync()

    def add_recent(self, path: str | os.PathLike[str], *, sync: bool = True) -> None:
        """Make `path` the last project and the first of the recent list; written to disk
        at once, or (`sync` False) by a later `sync()` or Qt's own (the window opening a
        project does not wait for the disk: 10-25 ms)."""
        n = _normal(path)
        recent = [n, *[p for p in self.recent_projects if p != n]]
        self._s.setValue("projects/recent", _unique(recent)[:MAX_RECENT])
        self._s.setValue("projects/last", n)
        if sync:
            self._s.sync()

    def remove_recent(self, path: str | os.PathLike[str]) -> None:
        n = _normal(path)
        self.recent_projects = [p for p in self.recent_projects if p != n]
        if self.last_project == n:
            self.last_project = None

    # ------------------------------------------------------------ window
    @property
    def window_geometry(self) -> QByteArray | None:
        return _bytes(self._s.value("window/geometry"))

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._s.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        return _bytes(self._s.value("window/state"))

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._s.setValue("window/state", value)

    # ------------------------------------------------------------ language
    @property
    def language(self) -> str | None:
        """ "zh" or "en" once the user chose; None follows the system."""
        value = self._s.value("ui/language")
        return str(value) if value in ("zh", "en") else None

    @language.setter
    def language(self, value: str | None) -> None:
        if value is None:
            self._s.remove("ui/language")
        elif value in ("zh", "en"):
            self._s.setValue("ui/language", value)
        else:
            raise ValueError(f"language must be 'zh' or 'en', not {value!r}")
        self._s.sync()


def _normal(path: str | os.PathLike[str]) -> str:
    # A database project is kept by its address without the password (never written down,
    # docs/database.md); a file by one spelling, so the recent list does not show it twice.
    if is_database_url(path):
        return redact(str(path))
    return str(Path(path).expanduser().resolve())


def _string_list(value: Any) -> list[str]:
    # INI files give back a lone string for a one-element list.
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if v]


def _bytes(value: Any) -> QByteArray | None:
    if isinstance(value, QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, bytes | bytearray) and value:
        return QByteArray(bytes(value))
    return None


def _unique(paths: list[str]) -> list[str]:
    """The paths, normalised, each once, in their order."""
    unique: list[str] = []
    for p in paths:
        n = _normal(p)
        if n not in unique:
            unique.append(n)
    return unique
