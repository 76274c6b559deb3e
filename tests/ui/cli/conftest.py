"""The CLI tests run in both tiers: with PySide6 and without it (.venv-headless).

Commands run in-process speak English unless a test asks for Chinese, and leave the
process's language as they found it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ui import texts


@pytest.fixture(autouse=True)
def _english_unless_asked(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("QJGIS_LANG", "en")
    before = texts.language()
    yield
    texts.set_language(before)
