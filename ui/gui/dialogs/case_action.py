"""The dialog of one case action (open, dispose, advance, pay, attach): it asks exactly
what the engine's allowed-actions query says the action needs, and, for an approver
overriding a precondition, the reason, which may not be left empty."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qjgis.cases.allowed import Allowed
from ui.presenters.cases import action_words, reason_words
from ui.presenters.words import t


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


class CaseActionDialog(QDialog):
    """Fields for `item.needs`; `values()` gives them to `case_operations.run_action`."""

    def __init__(
        self,
        item: Allowed,
        subject: str,
        *,
        override: bool = False,
        today: dt.date | None = None,
        approved: float | None = None,
        paid: float | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_case_action")
        self.item, self.override = item, override
        self.setWindowTitle(f"{subject} {action_words(item)}")
        today = today or dt.date.today()
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        if override:
            warn = QLabel(
                "\n".join(reason_words(e) for e in item.reasons)
                + "\n"
                + t("casegui.override_hint"),
                self,
            )
            warn.setObjectName("label_override_reasons")
            warn.setWordWrap(True)
            form.addRow(warn)
        self.date = QDateEdit(_qdate(today), self)
        self.date.setObjectName("edit_case_date")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        form.addRow(t("casegui.date"), self.date)
        self.deadline: QDateEdit | None = None
        if "deadline" in item.needs:
            self.deadline = QDateEdit(_qdate(today + dt.timedelta(days=30)), self)
            self.deadline.setObjectName("edit_case_deadline")
            self.deadline.setCalendarPopup(True)
            self.deadline.setDisplayFormat("yyyy-MM-dd")
            form.addRow(t("need.deadline"), self.deadline)
        self.owner_keeps = QCheckBox(t("need.owner_keeps"), self)
        self.owner_keeps.setObjectName("check_owner_keeps")
        self.feasible = QCheckBox(t("need.feasible"), self)
        self.feasible.setObjectName("check_feasible")
        if "owner_keeps" in item.needs:
            form.addRow(self.owner_keeps)
            form.addRow(self.feasible)
        else:
            self.owner_keeps.hide()
            self.feasible.hide()
        self.amount: QDoubleSpinBox | None = None
        if "amount" in item.needs:
            self.amount = QDoubleSpinBox(self)
            self.amount.setObjectName("edit_case_amount")
            self.amount.setDecimals(2)
            self.amount.setRange(0.0, float(item.max_amount or 0.0))
            self.amount.setValue(float(item.max_amount or 0.0))
            self.amount.setSuffix(" " + t("casegui.yuan"))
            form.addRow(t("need.amount"), self.amount)
            shown = QLabel(
                t(
                    "casegui.paid_of",
                    paid=paid or 0.0,
                    subsidy=approved or 0.0,
                    left=item.max_amount or 0.0,
                ),
                self,
            )
            shown.setObjectName("label_case_subsidy")
            form.addRow(shown)
        self.note = QLineEdit(self)
        self.note.setObjectName("edit_case_note")
        form.addRow(t("need.note"), self.note)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("edit_override_reason")
        if override:
            form.addRow(t("casegui.override_reason"), self.reason)
        else:
            self.reason.hide()
        self.files = QListWidget(self)
        self.files.setObjectName("list_case_files")
        self.files.setMaximumHeight(90)
        add = QPushButton(t("casegui.add_files"), self)
        add.setObjectName("button_add_files")
        add.clicked.connect(self._choose_files)
        row = QHBoxLayout()
        row.addWidget(self.files, 1)
        row.addWidget(add)
        if item.action not in ("pay", "open_ruin", "open_renovation"):
            form.addRow(t("need.files"), row)
        else:
            self.files.hide()
            add.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for signal in (
            self.note.textChanged,
            self.reason.textChanged,
            self.owner_keeps.toggled,
            self.feasible.toggled,
            self.files.model().rowsInserted,
        ):
            signal.connect(self._update)
        if self.amount is not None:
            self.amount.valueChanged.connect(self._update)
        self._update()

    def add_files(self, paths: list[str]) -> None:
        for p in paths:
            self.files.addItem(str(p))

    def _choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, t("casegui.add_files"), "", t("casegui.file_filter")
        )
        self.add_files(paths)

    def missing(self) -> list[str]:
        """What must still be filled before OK (need codes), in the order asked."""
        out = []
        if self.override and not self.reason.text().strip():
            out.append("override_reason")
        if (
            "note" in self.item.needs
            and self.item.target == "已撤销"
            and not self.note.text().strip()
        ):
            out.append("note")
        if "owner_keeps" in self.item.needs and not self.override:
            if not self.owner_keeps.isChecked():
                out.append("owner_keeps")
            if not self.feasible.isChecked():
                out.append("feasible")
        if self.amount is not None and not self.amount.value() > 0:
            out.append("amount")
        if "files" in self.item.needs and not self.files.count():
            out.append("files")
        return out

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        missing = self.missing()
        ok.setEnabled(not missing)
        ok.setToolTip(
            t("casegui.fill", needs="、".join(t_need(m) for m in missing)) if missing else ""
        )

    def values(self) -> dict[str, object]:
        return {
            "date": _pydate(self.date.date()),
            "deadline": _pydate(self.deadline.date()) if self.deadline is not None else None,
            "note": self.note.text().strip(),
            "owner_keeps": self.owner_keeps.isChecked(),
            "feasible": self.feasible.isChecked(),
            "amount": self.amount.value() if self.amount is not None else None,
            "files": [Path(self.files.item(i).text()) for i in range(self.files.count())],
            "override_reason": self.reason.text().strip() if self.override else None,
        }


def t_need(code: str) -> str:
    return t("casegui.override_reason") if code == "override_reason" else t(f"need.{code}")
