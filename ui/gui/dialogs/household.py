"""The household view: members (ID numbers masked unless the role may see them),
its parcels and buildings (click to zoom), their findings and cases."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qjgis.lookup import HouseholdDetail
from ui.gui import operations
from ui.gui.project import OpenProject
from ui.presenters.cases import case_line
from ui.presenters.findings import rule_title
from ui.presenters.households import household_summary, household_title, member_row
from ui.presenters.words import t

MEMBER_COLUMNS = ("seq", "name", "relation", "sex", "birth", "id")


class HouseholdDialog(QDialog):
    featureActivated = Signal(str, int)  # layer, fid
    findingActivated = Signal(int)  # fid

    def __init__(
        self, project: OpenProject, household_no: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_household")
        self.detail: HouseholdDetail = operations.household(project, household_no)
        d = self.detail
        self.setWindowTitle(household_title(d))
        layout = QVBoxLayout(self)
        title = QLabel(household_title(d))
        title.setObjectName("household_title")
        layout.addWidget(title)
        summary = QLabel(household_summary(d))
        summary.setObjectName("household_summary")
        layout.addWidget(summary)
        self.members = QTableWidget(len(d.members), len(MEMBER_COLUMNS), self)
        self.members.setObjectName("table_members")
        self.members.setHorizontalHeaderLabels([t(f"hh.col.{c}") for c in MEMBER_COLUMNS])
        self.members.verticalHeader().setVisible(False)
        for r, member in enumerate(d.members):
            for c, value in enumerate(member_row(member)):
                self.members.setItem(r, c, QTableWidgetItem(value))
        self.members.resizeColumnsToContents()
        layout.addWidget(self.members)
        layout.addWidget(QLabel(t("hh.features")))
        self.features = QListWidget(self)
        self.features.setObjectName("list_household_features")
        for f in (*d.parcels, *d.buildings):
            kind = t("kind.parcel" if f.layer == "parcels" else "kind.building")
            area = f"{f.area_m2:,.2f} m²" if f.area_m2 is not None else ""
            status = f.status or ""
            item = QListWidgetItem(" ".join(x for x in (kind, f.key or "", area, status) if x))
            item.setData(Qt.ItemDataRole.UserRole, (f.layer, f.fid))
            self.features.addItem(item)
        self.features.itemClicked.connect(self._feature_clicked)
        layout.addWidget(self.features)
        layout.addWidget(QLabel(t("hh.findings_cases")))
        self.findings = QListWidget(self)
        self.findings.setObjectName("list_household_findings")
        for fid, rule_id, decision in d.findings:
            words = t("decision." + (decision or "pending"))
            item = QListWidgetItem(f"{fid} {rule_id} {rule_title(rule_id)} · {words}")
            item.setData(Qt.ItemDataRole.UserRole, fid)
            self.findings.addItem(item)
        for kind, fid, state, disposition in d.cases:
            self.findings.addItem(QListWidgetItem(case_line(kind, fid, state, disposition)))
        self.findings.itemDoubleClicked.connect(self._finding_clicked)
        layout.addWidget(self.findings)
        self.resize(620, 560)

    def _feature_clicked(self, item: QListWidgetItem) -> None:
        layer, fid = item.data(Qt.ItemDataRole.UserRole)
        self.featureActivated.emit(layer, int(fid))

    def _finding_clicked(self, item: QListWidgetItem) -> None:
        fid = item.data(Qt.ItemDataRole.UserRole)
        if fid is not None:
            self.findingActivated.emit(int(fid))
