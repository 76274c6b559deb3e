"""Errors the engine raises for the user to read.

The engine speaks in codes with parameters, never in sentences: `ui/texts.py`
turns each code into Chinese or English through Qt's translation files. The
English template here is only the fallback for batch scripts that run without
the UI layer, and the key that the translation table is checked against.
"""

from __future__ import annotations

from typing import Any, ClassVar


class QjgisError(Exception):
    """An expected failure with a stable code and the facts the message needs."""

    #: code -> English fallback template (str.format over params)
    TEMPLATES: ClassVar[dict[str, str]] = {
        "file_not_found": "{path}: file not found",
        "file_exists": "{path}: file already exists",
        "not_a_project": "{path}: not a qjgis project ({reason})",
        "damaged_project": "{path}: the project file is damaged ({detail})",
        "newer_schema": (
            "{path}: written by a newer qjgis (schema {found}; "
            "this version reads up to {supported})"
        ),
        "project_locked": "{path}: the project is being written by another program",
        "project_unreadable": (
            "{path}: the project cannot be opened now ({detail}); the file was not changed"
        ),
        "unknown_setting": "unknown setting {key}",
        "invalid_setting": "setting {key} = {value!r} is invalid: {reason}",
        "crs_locked": "the project CRS cannot change once data is in ({count} features)",
        "invalid_crs": "{value!r} is not a usable projected CRS: {reason}",
        "unknown_layer": "unknown layer {layer}",
        "write_conflict": (
            "{table} row {fid} was changed by someone else "
            "(version {expected} expected, found {found})"
        ),
        "invalid_argument": "{name} = {value!r} is invalid: {reason}",
        "village_not_found": "{path}: no village has the code or name {village}",
        "canceled": "canceled",
    }

    @classmethod
    def register(cls, templates: dict[str, str]) -> None:
        """Add a module's error codes (engine modules register theirs at import time)."""
        for code, template in templates.items():
            if cls.TEMPLATES.get(code, template) != template:
                raise ValueError(f"error code {code!r} registered twice with different text")
            cls.TEMPLATES[code] = template

    def __init__(self, code: str, **params: Any) -> None:
        if code not in self.TEMPLATES:
            raise ValueError(f"unregistered error code {code!r}")
        self.code = code
        self.params = params
        super().__init__(self.english())

    def english(self) -> str:
        """The fallback message, for logs and headless scripts."""
        return self.TEMPLATES[self.code].format(**self.params)


class Canceled(QjgisError):
    """Raised inside long work when the user pressed Cancel; the work is rolled back."""

    def __init__(self) -> None:
        super().__init__("canceled")
