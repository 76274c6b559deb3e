"""The presenters' access to the one catalogue of texts (`ui.texts`), Qt-free.

`t_or` gives a raw value from the data when the catalogue has no word for it,
so evidence a rule adds later still shows, under its own name.
"""

from __future__ import annotations

from typing import Any

from ui.texts import has, language, set_language, t

__all__ = ["has", "language", "set_language", "t", "t_or"]


def t_or(code: str, fallback: str, /, **params: Any) -> str:
    """`t(code)` when the catalogue has the code, else `fallback`."""
    return t(code, **params) if has(code) else fallback
