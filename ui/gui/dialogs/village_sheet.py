"""村级台账 from the window (issue 16, point 8): export a village's open cases for its
cadres; import the filled sheet back after a dry run that lists each invalid row (row,
column, reason). Applying only the valid rows is an explicit button, never a default."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qjgis.cases.sheet import ImportSheet
from qjgis.errors import QjgisError
from ui.gui import case_operations as ops
from ui.gui import operations
from ui.gui.project import OpenProject, TaskBusy
from ui.presenters.cases import reason_words, sheet_error_column
from ui.presenters.words import t


class VillageSheetDialog(QDialog):
    def __init__(self, project: OpenProject, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_village_sheet")
        self.setWindowTitle(t("sheetgui.title"))
        self.project = project
        self.path: Path | None = None
        self.preview: ImportSheet | None = None
        self.result: ImportSheet | None = None
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(t("sheetgui.village"), self))
        self.village = QComboBox(self)
        self.village.setObjectName("combo_sheet_village")
        for code, name in operations.villages(project):
            self.village.addItem(f"{name}（{code}）", code)
        row.addWidget(self.village, 1)
        self.export_button = QPushButton(t("sheetgui.export"), self)
        self.export_button.setObjectName("button_sheet_export")
        self.export_button.clicked.connect(self._choose_export)
        row.addWidget(self.export_button)
        self.import_button = QPushButton(t("sheetgui.import"), self)
        self.import_button.setObjectName("button_sheet_import")
        self.import_button.clicked.connect(self._choose_import)
        row.addWidget(self.import_button)
        layout.addLayout(row)
        self.status = QLabel("", self)
        self.status.setObjectName("label_sheet_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("table_sheet_errors")
        self.table.setHorizontalHeaderLabels(
            [t(f"sheetgui.col_{c}") for c in ("row", "case", "column", "reason")]
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.apply_all = self.buttons.addButton(
            t("sheetgui.apply_all"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.apply_all.setObjectName("button_sheet_apply")
        self.apply_valid = self.buttons.addButton(
            t("sheetgui.apply_valid"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.apply_valid.setObjectName("button_sheet_apply_valid")
        self.apply_all.clicked.connect(lambda: self.apply(valid_only=False))
        self.apply_valid.clicked.connect(lambda: self.apply(valid_only=True))
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._enable()
        self.resize(760, 420)

    # ------------------------------------------------------------ export
    def _choose_export(self) -> None:
        name = f"{self.village.currentText()}台账.xlsx"
        out, _ = QFileDialog.getSaveFileName(
            self, t("sheetgui.export"), name, t("sheetgui.xlsx_filter")
        )
        if out:
            self.export_to(out)

    def export_to(self, out: str | Path) -> dict[str, object] | None:
        result = ops.export_village_sheet(
            self.project, str(self.village.currentData()), out, parent=self
        )
        if result is not None:
            self.status.setText(t("sheetgui.exported", **result))
        return result

    # ------------------------------------------------------------ import
    def _choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, t("sheetgui.import"), "", t("sheetgui.xlsx_filter")
        )
        if path:
            self.load(path)

    def load(self, path: str | Path) -> ImportSheet | None:
        """The dry run: fill the table with the invalid rows; nothing is kept."""
        self.path, self.preview, self.result = Path(path), None, None
        self.table.setRowCount(0)
        try:
            self.preview = ops.preview_sheet(self.project, path)
        except (QjgisError, TaskBusy, OSError) as exc:
            self.status.setText(operations.error_message(exc))
            operations.show_error(self, exc)
            self._enable()
            return None
        p = self.preview
        self.table.setRowCount(len(p.errors))
        for i, e in enumerate(p.errors):
            cells = [str(e.row), e.case or "", sheet_error_column(e.error), reason_words(e.error)]
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.status.setText(
            t(
                "sheetgui.summary",
                file=self.path.name,
                rows=p.rows_read,
                valid=len(p.applied),
                invalid=len(p.errors),
            )
        )
        self._enable()
        return p

    def _enable(self) -> None:
        p = self.preview
        ready = p is not None and self.result is None
        self.apply_all.setEnabled(ready and not p.errors and bool(p.applied))
        self.apply_valid.setEnabled(ready and bool(p.errors) and bool(p.applied))

    def apply(self, *, valid_only: bool) -> ImportSheet | None:
        if self.path is None:
            return None
        self.result = ops.import_village_sheet(
            self.project, self.path, apply_valid=valid_only, parent=self
        )
        if self.result is not None:
            self.status.setText(
                t("sheetgui.applied", n=len(self.result.applied), errors=len(self.result.errors))
            )
        self._enable()
        return self.result
