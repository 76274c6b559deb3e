"""核查›运行核查…: choose the rules and the as-of date; run as a task with per-rule
progress and Cancel; the per-rule summary afterwards."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qjgis.checks.engine import load_rules
from qjgis.checks.findings import RunSummary
from ui.gui import operations
from ui.gui.project import OpenProject
from ui.gui.tasks import Task, while_alive
from ui.presenters.findings import rule_title
from ui.presenters.words import t

SUMMARY_COLUMNS = ("rule", "found", "exempted", "new", "changed", "needs_review", "gone")


class RunChecksDialog(QDialog):
    def __init__(self, project: OpenProject, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_run_checks")
        self.setWindowTitle(t("checks.title"))
        self.project = project
        self.task: Task | None = None
        self.summary: RunSummary | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.rules = QListWidget(self)
        self.rules.setObjectName("list_rules")
        for rule_id in sorted(load_rules()):
            item = QListWidgetItem(f"{rule_id} {rule_title(rule_id)}")
            item.setData(Qt.ItemDataRole.UserRole, rule_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.rules.addItem(item)
        form.addRow(t("checks.rules"), self.rules)
        self.as_of = QDateEdit(QDate.currentDate(), self)
        self.as_of.setObjectName("date_as_of")
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        form.addRow(t("checks.as_of"), self.as_of)
        layout.addLayout(form)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("progress_checks")
        self.progress.setRange(0, 1000)
        self.stage = QLabel(self)
        self.stage.setObjectName("label_stage")
        layout.addWidget(self.progress)
        layout.addWidget(self.stage)
        self.table = QTableWidget(0, len(SUMMARY_COLUMNS), self)
        self.table.setObjectName("table_check_summary")
        self.table.setHorizontalHeaderLabels([t(f"checks.col.{c}") for c in SUMMARY_COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setColumnWidth(0, 260)
        self.table.hide()
        layout.addWidget(self.table, 1)
        self.buttons = QDialogButtonBox(self)
        self.run_button = QPushButton(t("checks.run"), self)
        self.run_button.setObjectName("button_run_checks")
        self.cancel_button = QPushButton(t("task.cancel"), self)
        self.cancel_button.setObjectName("button_cancel_checks")
        self.cancel_button.setEnabled(False)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText(t("dialog.close"))
        self.buttons.addButton(self.run_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(560, 560)
        project.tasks.progressed.connect(self._progress)

    def selected_rules(self) -> list[str]:
        return [
            self.rules.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.rules.count())
            if self.rules.item(i).checkState() == Qt.CheckState.Checked
        ]

    def start(self) -> None:
        rules = self.selected_rules()
        if not rules:
            self.stage.setText(t("checks.no_rules"))
            return
        d = self.as_of.date()
        self.summary = None
        self.table.hide()
        self.progress.setValue(0)
        self.task = operations.run_checks(
            self.project,
            rules,
            dt.date(d.year(), d.month(), d.day()),
            parent=self,
            on_done=while_alive(self, self._done),
            on_end=while_alive(self, self._ended),
        )
        if self.task is None:  # refused: another writing task holds the project
            self.stage.setText(t("checks.refused"))
            return
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.stage.setText(t("task.check"))

    def cancel(self) -> None:
        if self.task is not None:
            self.project.tasks.cancel(self.task)
            self.cancel_button.setEnabled(False)
            self.stage.setText(t("task.canceling"))

    def _progress(self, task: Task, fraction: float, stage: str) -> None:
        if task is not self.task:
            return
        self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        if stage.startswith("QJ-"):
            self.stage.setText(f"{stage} {rule_title(stage)}")

    def _done(self, summary: RunSummary) -> None:
        self.summary = summary
        self.progress.setValue(1000)
        self.stage.setText(t("checks.done", run=summary.run_id, seconds=summary.seconds))
        self.table.setRowCount(len(summary.rules))
        for r, (rule_id, s) in enumerate(summary.rules.items()):
            values = (f"{rule_id} {rule_title(rule_id)}", s.found, s.exempted, s.new, s.changed,
                      s.needs_review, s.gone)  # fmt: skip
            for c, v in enumerate(values):
                item = QTableWidgetItem(str(v))
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self.table.show()

    def _ended(self) -> None:
        if self.summary is None and self.task is not None:
            self.stage.setText(t("task.canceled"))
        self.task = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def reject(self) -> None:
        if self.task is not None:  # closing while running asks the task to stop
            self.cancel()
        super().reject()
