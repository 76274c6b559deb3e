"""The UI tests share one QApplication.

The CLI installs its translators on whatever Qt application exists and creates a
bare QCoreApplication when there is none; a widget test that came after it in
the same process would then abort ("Must construct a QApplication before a
QWidget"). Creating pytest-qt's QApplication first, for every test here, keeps
the order of test files irrelevant.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication


@pytest.fixture(autouse=True)
def _one_qapplication(qapp: QApplication) -> QApplication:
    return qapp
