"""文件›打开数据库…: a database project by its address (a URL or `service=NAME`).

The address is typed or picked from the database projects opened before (kept without
their passwords). A password is asked for only when the server wants one (the window's
`ask_password`), used for the connection and never kept.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qjgis.pg.url import is_database_url
from ui.presenters.words import t


class OpenDatabaseDialog(QDialog):
    """Asks for a database address; `chosen(address)` when the user presses OK."""

    chosen = Signal(str)

    def __init__(self, recent: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_open_database")
        self.setWindowTitle(t("dbgui.title"))
        layout = QVBoxLayout(self)
        label = QLabel(t("dbgui.address"), self)
        layout.addWidget(label)
        self.address = QComboBox(self)
        self.address.setObjectName("combo_database_address")
        self.address.setEditable(True)
        self.address.setMinimumContentsLength(48)
        self.address.addItems([r for r in recent if is_database_url(r)])
        label.setBuddy(self.address)
        layout.addWidget(self.address)
        hint = QLabel(t("dbgui.hint"), self)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.problem = QLabel(self)
        self.problem.setObjectName("label_database_problem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.choose)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def buttons_ok(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def choose(self) -> None:
        text = self.address.currentText().strip()
        if not is_database_url(text):
            self.problem.setText(t("dbgui.not_an_address", text=text or "''"))
            self.problem.show()
            return
        self.accept()
        self.chosen.emit(text)
