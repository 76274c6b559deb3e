"""导入批次: the import batches, newest first, each with Undo.

Undoing a batch is the engine's `undo_batch`, run as a writing task; the engine
refuses, with the row named, when later work depends on the batch.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qjgis.commands import Changes
from ui.gui import operations
from ui.gui.project import OpenProject
from ui.presenters.words import t
from ui.texts import layer_title


class BatchesDock(QDockWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(t("batch.title"), parent)
        self.setObjectName("dock_batches")
        self.project: OpenProject | None = None
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self.list = QListWidget(body)
        self.list.setObjectName("list_batches")
        self.undo_button = QPushButton(t("batch.undo"), body)
        self.undo_button.setObjectName("button_undo_batch")
        self.undo_button.clicked.connect(self.ask_undo)
        self.list.currentRowChanged.connect(lambda _row: self._buttons())
        layout.addWidget(self.list, 1)
        layout.addWidget(self.undo_button)
        self.setWidget(body)
        self._buttons()

    def set_project(self, project: OpenProject | None) -> None:
        if self.project is not None:
            self.project.changed.disconnect(self._changed)
        self.project = project
        if project is not None:
            project.changed.connect(self._changed)
        self.reload()

    def _changed(self, changes: Changes) -> None:
        if "import_batches" in changes.tables:
            self.reload()

    def reload(self) -> None:
        self.list.clear()
        if self.project is None:
            return
        for fid, created, _user, layer, source, undone, counts in operations.batches(self.project):
            item = QListWidgetItem(
                t("batch.row", batch=fid, created=(created or "")[:16].replace("T", " "),
                  layer=layer_title(layer), source=Path(source or "").name,
                  added=counts.get("added", 0), updated=counts.get("updated", 0),
                  undone=t("batch.undone") if undone else "")
            )  # fmt: skip
            item.setData(Qt.ItemDataRole.UserRole, (fid, layer, source, undone))
            self.list.addItem(item)
        self._buttons()

    def _current(self) -> tuple[int, str, str, bool] | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _buttons(self) -> None:
        current = self._current()
        self.undo_button.setEnabled(current is not None and not current[3])

    def ask_undo(self) -> QMessageBox | None:
        current = self._current()
        if current is None or self.project is None:
            return None
        fid, layer, source, _ = current
        box = QMessageBox(self)
        box.setObjectName("dialog_confirm_undo_batch")
        box.setIcon(QMessageBox.Icon.Question)
        box.setText(
            t("batch.confirm", batch=fid, layer=layer_title(layer),
              source=Path(source or "").name)
        )  # fmt: skip
        box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
        box.accepted.connect(lambda: self.undo(fid, layer))
        box.open()
        return box

    def undo(self, batch: int, layer: str) -> None:
        if self.project is not None:
            operations.undo_batch(self.project, batch, layer, parent=self)
