"""按核查结果立案: the ruins of the QJ-R014 findings without a case, listed first; the
cases are opened only when the clerk confirms the list, as one undo step."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from ui.gui import case_operations as ops
from ui.gui.project import OpenProject
from ui.presenters.words import t


class CasesFromChecksDialog(QDialog):
    def __init__(self, project: OpenProject, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_cases_from_checks")
        self.setWindowTitle(t("casegui.from_checks_title"))
        self.project = project
        self.opened: list[str] = []
        self.codes = ops.preview_from_checks(project)
        layout = QVBoxLayout(self)
        self.label = QLabel(
            t("casegui.from_checks_count", n=len(self.codes))
            if self.codes
            else t("casegui.from_checks_none"),
            self,
        )
        self.label.setObjectName("label_from_checks")
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        self.list = QListWidget(self)
        self.list.setObjectName("list_from_checks")
        self.list.addItems(self.codes)
        layout.addWidget(self.list, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.codes))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        self.opened = ops.open_from_checks(self.project, parent=self.parentWidget())
        super().accept()
