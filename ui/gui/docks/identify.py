"""识别: a clicked feature's attributes under their Chinese titles (the fields kept in
`extra` too, under their source names) and the household it belongs to."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qjgis.codes import mask_id
from ui.presenters.columns import column_title
from ui.presenters.words import t, t_or

#: columns holding ID numbers, masked unless the role may see them
ID_COLUMNS = frozenset({"holder_id", "head_id", "id_number"})
#: bookkeeping columns a clerk does not need to read
HIDDEN = frozenset({"row_version", "batch_id"})


class IdentifyDock(QDockWidget):
    householdRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(t("identify.title"), parent)
        self.setObjectName("dock_identify")
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self.title = QLabel(t("identify.hint"), body)
        self.title.setObjectName("identify_title")
        self.title.setWordWrap(True)
        self.tree = QTreeWidget(body)
        self.tree.setObjectName("tree_identify")
        self.tree.setHeaderLabels([t("identify.field"), t("identify.value")])
        self.tree.setColumnWidth(0, 120)
        self.household_button = QPushButton(body)
        self.household_button.setObjectName("button_identify_household")
        self.household_button.hide()
        self.household_button.clicked.connect(self._household)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.household_button)
        self.setWidget(body)
        self.household_no: str | None = None

    def show_record(
        self, layer: str, record: dict[str, Any], household_no: str | None, *, unmask: bool
    ) -> None:
        self.tree.clear()
        key = record.get("zddm") or record.get("bdcdyh") or record.get("code") or ""
        self.title.setText(f"{t_or(f'layer.{layer}', layer)} {key}".strip())
        for name, value in record.items():
            if name in HIDDEN or value in (None, ""):
                continue
            text = str(value)
            if name in ID_COLUMNS and not unmask:
                text = mask_id(text)
            self.tree.addTopLevelItem(QTreeWidgetItem([column_title(layer, name), text]))
        self.household_no = household_no
        if household_no:
            self.household_button.setText(t("identify.household", no=household_no))
            self.household_button.show()
        else:
            self.household_button.hide()

    def reset(self) -> None:
        """Back to the hint (a project was opened)."""
        self.clear()
        self.title.setText(t("identify.hint"))

    def clear(self) -> None:
        self.tree.clear()
        self.title.setText(t("identify.nothing"))
        self.household_no = None
        self.household_button.hide()

    def values(self) -> dict[str, str]:
        """Title -> value as shown (tests)."""
        return {
            self.tree.topLevelItem(i).text(0): self.tree.topLevelItem(i).text(1)
            for i in range(self.tree.topLevelItemCount())
        }

    def _household(self) -> None:
        if self.household_no:
            self.householdRequested.emit(self.household_no)
