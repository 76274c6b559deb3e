"""The review dialog: a finding's evidence laid out readably, and the decision.

确认 / 豁免 (with its exemption code) / 误报 and a required reason; the decision
goes through the operations onto the undo stack. A role that may not decide
sees why before typing anything, and the engine refuses it again if tried.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from qjgis.checks.findings import Decision, FindingRecord
from qjgis.codes import EXEMPTION_CODES
from ui.gui import operations
from ui.gui.project import OpenProject
from ui.presenters.findings import evidence_lines, exemption_text, finding_row
from ui.presenters.words import t


class ReviewDialog(QDialog):
    reviewed = Signal(int)  # fid

    def __init__(self, project: OpenProject, fid: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_review")
        self.project = project
        self.record: FindingRecord = operations.finding(project, fid)
        holder = operations.finding_holders(project, [fid]).get(fid)
        row = finding_row(self.record, holder)
        self.setWindowTitle(t("review.title", fid=fid))
        layout = QVBoxLayout(self)

        head = QFormLayout()
        head.addRow(t("findings.col.rule"), QLabel(row.rule))
        head.addRow(t("review.key", kind=row.kind), QLabel(row.key))
        head.addRow(t("findings.col.village"), QLabel(row.village))
        if row.holder:
            head.addRow(t("findings.col.holder"), QLabel(row.holder))
        head.addRow(t("review.severity"), QLabel(row.severity))
        if row.exemption:
            head.addRow(t("review.candidate_exemption"), QLabel(row.exemption))
        current = QLabel(self._current_text())
        current.setObjectName("label_current")
        head.addRow(t("review.current"), current)
        layout.addLayout(head)

        evidence = QGroupBox(t("review.evidence"), self)
        form = QFormLayout(evidence)
        for title, value in evidence_lines(self.record.evidence):
            text = "\n".join(value) if isinstance(value, list) else value
            label = QLabel(text)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(title, label)
        layout.addWidget(evidence)

        choice = QGroupBox(t("review.decision"), self)
        choice_layout = QHBoxLayout(choice)
        self.buttons_decision = QButtonGroup(self)
        self.radio: dict[str, QRadioButton] = {}
        for d in Decision.ALL:
            radio = QRadioButton(t(f"decision.{d}"), choice)
            radio.setObjectName(f"radio_{d}")
            self.radio[d] = radio
            self.buttons_decision.addButton(radio)
            choice_layout.addWidget(radio)
            radio.toggled.connect(self._update)
        self.exemption = QComboBox(choice)
        self.exemption.setObjectName("combo_exemption")
        for code in EXEMPTION_CODES:
            self.exemption.addItem(exemption_text(code), code)
        # the code decided before, else the one the checks found
        known = self.record.decision_exemption or self.record.exemption
        if known in EXEMPTION_CODES:
            self.exemption.setCurrentIndex(self.exemption.findData(known))
        choice_layout.addWidget(self.exemption)
        choice_layout.addStretch(1)
        layout.addWidget(choice)

        layout.addWidget(QLabel(t("review.reason")))
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("edit_reason")
        self.reason.setPlaceholderText(t("review.reason_placeholder"))
        self.reason.setMaximumHeight(80)
        self.reason.textChanged.connect(self._update)
        layout.addWidget(self.reason)

        self.note = QLabel(self)
        self.note.setObjectName("review_note")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(t("review.save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("task.cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        default = self.record.decision or (
            Decision.EXEMPTED if self.record.exemption else Decision.CONFIRMED
        )
        self.radio[default].setChecked(True)
        if self.record.decision_reason:
            self.reason.setPlainText(self.record.decision_reason)
        self._update()
        self.resize(640, self.sizeHint().height())

    def _current_text(self) -> str:
        r = self.record
        if r.decision is None:
            return t("decision.pending")
        words = t(f"decision.{r.decision}")
        if r.decision_exemption:
            words = t("decision.with_exemption", decision=words,
                      exemption=exemption_text(r.decision_exemption))  # fmt: skip
        text = t("review.decided", decision=words, by=r.decided_by or "")
        if r.needs_review:
            text += " · " + t("decision.needs_review")
        return text

    @property
    def decision(self) -> str:
        return next(d for d, radio in self.radio.items() if radio.isChecked())

    def set_decision(self, decision: str, reason: str, exemption: str | None = None) -> None:
        """Fill the form (tests, scripts)."""
        self.radio[decision].setChecked(True)
        if exemption is not None:
            self.exemption.setCurrentIndex(self.exemption.findData(exemption))
        self.reason.setPlainText(reason)

    def reason_text(self) -> str:
        """The reason as recorded (the exemption code is a field of its own)."""
        return self.reason.toPlainText().strip()

    def exemption_code(self) -> str | None:
        """The exemption code chosen, with 豁免 only."""
        return self.exemption.currentData() if self.decision == Decision.EXEMPTED else None

    def _update(self) -> None:
        may = operations.may_review(self.project)
        self.exemption.setEnabled(self.decision == Decision.EXEMPTED)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        has_reason = bool(self.reason.toPlainText().strip())
        ok.setEnabled(has_reason)
        if not may:
            self.note.setText(t("review.not_permitted", role=t(f"role.{self.project.role}")))
        elif not has_reason:
            self.note.setText(t("review.reason_required"))
        else:
            self.note.setText("")

    def save(self) -> None:
        if operations.review_finding(
            self.project,
            self.record.fid,
            self.decision,
            self.reason_text(),
            expected_version=self.record.row_version,
            exemption=self.exemption_code(),
            parent=self,
            on_saved=self._saved,
        ):
            self._saved()

    def _saved(self) -> None:
        """Saved: at once, or from the conflict dialog on the current version."""
        self.reviewed.emit(self.record.fid)
        self.accept()
