"""The GUI tests share one QApplication, and speak English unless a test asks otherwise.

Creating pytest-qt's QApplication first, for every test here, keeps the order of test
files irrelevant (a bare QCoreApplication made elsewhere would abort a widget test);
Qt's own translator, if a test installed it, is removed after the test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from ui import texts
from ui.gui import qt_i18n


@pytest.fixture(autouse=True)
def _one_qapplication(qapp: QApplication) -> Iterator[QApplication]:
    before = texts.language()
    texts.set_language("en")
    yield qapp
    qt_i18n.remove_translators(qapp)
    texts.set_language(before)
