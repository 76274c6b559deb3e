"""设置: the project's settings grouped and validated as the engine validates them (an
error shows at its field), applied as one undoable command; and the application's own
settings (language, recent projects)."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qjgis.errors import QjgisError
from qjgis.settings import SPECS, parse_cli_value, validate
from ui.gui import operations
from ui.gui.app_settings import AppSettings
from ui.gui.project import OpenProject
from ui.presenters.words import t, t_or
from ui.texts import error_text

#: groups edited elsewhere (the CRS is fixed once data is in; the user has 切换用户)
SKIPPED_GROUPS = ("project", "user")
ERROR_STYLE = "color: #b00000;"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(value)
    return str(value)


class SettingsDialog(QDialog):
    languageChosen = Signal(str)  # "zh" | "en", when saved

    def __init__(
        self, project: OpenProject, app_settings: AppSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_settings")
        self.setWindowTitle(t("settings.title"))
        self.project = project
        self.app_settings = app_settings
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        values = project.store.settings().values
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("tabs_settings")
        forms: dict[str, QFormLayout] = {}
        for spec in SPECS:
            if spec.group in SKIPPED_GROUPS:
                continue
            if spec.group not in forms:
                page = QWidget(self.tabs)
                forms[spec.group] = QFormLayout(page)
                self.tabs.addTab(page, t_or(f"settings.group.{spec.group}", spec.group))
            edit = QLineEdit(_text(values.get(spec.key)), self)
            edit.setObjectName(f"setting_{spec.key}")
            edit.setPlaceholderText(_text(spec.default))
            edit.textChanged.connect(lambda _text, key=spec.key: self._check(key))
            error = QLabel(self)
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            box = QVBoxLayout()
            box.setSpacing(0)
            box.addWidget(edit)
            box.addWidget(error)
            forms[spec.group].addRow(t_or(f"settings.key.{spec.key}", spec.key), box)
            self.edits[spec.key] = edit
            self.errors[spec.key] = error
        self._original = {k: e.text() for k, e in self.edits.items()}

        app_page = QWidget(self.tabs)
        app_form = QFormLayout(app_page)
        self.language = QComboBox(app_page)
        self.language.setObjectName("combo_language")
        self.language.addItem("中文", "zh")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(self.language.findData(app_settings.language), 0))
        app_form.addRow(t("settings.language"), self.language)
        app_form.addRow("", QLabel(t("settings.language_note")))
        self.recent = QListWidget(app_page)
        self.recent.setObjectName("list_recent")
        self.recent.addItems(app_settings.recent_projects)
        clear = QPushButton(t("settings.clear_recent"), app_page)
        clear.setObjectName("button_clear_recent")
        clear.clicked.connect(self.recent.clear)
        app_form.addRow(t("settings.recent"), self.recent)
        app_form.addRow("", clear)
        self.tabs.addTab(app_page, t("settings.group.app"))
        layout.addWidget(self.tabs)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(620, 520)

    def _check(self, key: str) -> bool:
        """Validate one field as the engine does; its error shows under it."""
        try:
            validate(key, self._value(key))
        except QjgisError as exc:
            self.show_field_error(key, error_text(exc))
            return False
        self.errors[key].hide()
        return True

    def _value(self, key: str) -> Any:
        text = self.edits[key].text().strip()
        return None if text == "" else parse_cli_value(text)

    def show_field_error(self, key: str, text: str) -> None:
        self.errors[key].setText(text)
        self.errors[key].show()
        for i in range(self.tabs.count()):
            if self.tabs.widget(i).isAncestorOf(self.edits[key]):
                self.tabs.setCurrentIndex(i)
        self.edits[key].setFocus()

    def changed(self) -> dict[str, Any]:
        return {k: self._value(k) for k, e in self.edits.items() if e.text() != self._original[k]}

    def save(self) -> None:
        changes = self.changed()
        if not all(self._check(k) for k in changes):
            return
        if changes:
            try:
                operations.apply_settings(self.project, changes)
            except QjgisError as exc:
                key = exc.params.get("key")
                if key in self.errors:
                    self.show_field_error(key, error_text(exc))
                else:
                    operations.show_error(self, exc)
                return
            except Exception as exc:
                operations.show_error(self, exc)
                return
        language = self.language.currentData()
        self.app_settings.language = language
        self.app_settings.recent_projects = [
            self.recent.item(i).text() for i in range(self.recent.count())
        ]
        self.app_settings.sync()
        self.accept()
        self.languageChosen.emit(language)  # the window switches at once
