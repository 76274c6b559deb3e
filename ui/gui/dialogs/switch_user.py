"""文件›切换用户: who is working and in which role, kept in the project's settings."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from qjgis.model import Role
from ui.gui import operations
from ui.gui.project import OpenProject
from ui.presenters.words import t


class SwitchUserDialog(QDialog):
    def __init__(
        self, project: OpenProject, parent: QWidget | None = None, *, first_time: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_switch_user")
        self.setWindowTitle(t("user.title"))
        self.project = project
        layout = QVBoxLayout(self)
        if first_time:
            note = QLabel(t("user.first_time", user=project.user))
            note.setWordWrap(True)
            layout.addWidget(note)
        form = QFormLayout()
        self.name = QLineEdit(project.store.settings().values.get("user.name") or "", self)
        self.name.setObjectName("edit_user_name")
        self.name.setPlaceholderText(project.user)
        self.role = QComboBox(self)
        self.role.setObjectName("combo_role")
        for role in Role:
            self.role.addItem(t(f"role.{role.value}"), role.value)
        self.role.setCurrentIndex(self.role.findData(project.role))
        form.addRow(t("user.name"), self.name)
        form.addRow(t("user.role"), self.role)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        name = self.name.text().strip() or self.project.user
        if operations.set_user(self.project, name, self.role.currentData(), parent=self):
            self.accept()
