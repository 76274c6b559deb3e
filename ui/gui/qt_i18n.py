"""Qt's own translations, for the dialogs Qt draws itself (file dialogs, message-box buttons).

Every text of qjgis comes from the catalogue `ui.texts`, which needs no Qt. Qt's standard
dialogs carry their own words (OK, Cancel, Look in:): those come from Qt's `qtbase`
translation shipped with PySide6, installed here when the language is Chinese.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

log = logging.getLogger(__name__)

_QT_LOCALE = {"zh": "zh_CN", "en": "en"}

# Keeps translators alive as long as the application: Qt does not own them.
_installed: list[QTranslator] = []


def install_qt_translator(app: QCoreApplication, lang: str) -> list[QTranslator]:
    """Install Qt's own translator for `lang`; English needs none.

    A translator installed by an earlier call is removed first, so the language can change
    while the application runs.
    """
    remove_translators(app)
    if lang != "zh":
        return []
    qt = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(f"qtbase_{_QT_LOCALE[lang]}", qt_dir):
        app.installTranslator(qt)
        _installed.append(qt)
    else:
        log.warning("Qt has no %s translation in %s: its dialogs stay in English", lang, qt_dir)
    return list(_installed)


def remove_translators(app: QCoreApplication) -> None:
    while _installed:
        app.removeTranslator(_installed.pop())
