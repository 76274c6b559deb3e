"""The UI tests share one QApplication.

The CLI installs its translators on whatever Qt application exists and creates a
bare QCoreApplication when there is none; a widget test that came after it in
the same process would then abort ("Must construct a QApplication before a
QWidget"). Creating pytest-qt's QApplication first, for every test here, keeps
the order of test files irrelevant; so does removing, after each test, the
translators a CLI call installed on that shared application.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from ui import i18n


@pytest.fixture(autouse=True)
def _one_qapplication(qapp: QApplication) -> Iterator[QApplication]:
    yield qapp
    i18n.remove_translators(qapp)
