"""The findings dock: a filtered table of the findings, in words, with counts.

The model reads the findings through the operations when the filters change
and when the project says `findings` changed; text filtering (key, holder)
runs over the rows in memory. Selecting a finding asks the window to zoom to
all its entities and highlight them; a double-click asks for the review
dialog.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, overload

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qjgis.checks.engine import load_rules
from qjgis.checks.findings import FindingRecord
from qjgis.commands import Changes
from ui.gui import operations
from ui.gui.project import OpenProject
from ui.presenters.findings import FindingRow, decision_counts_text, finding_row, rule_title
from ui.presenters.words import t

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("rule", "key", "village", "holder", "decision", "evidence")
_ROOT = QModelIndex()
_NEEDS_REVIEW = QBrush(QColor(255, 236, 179))


class RecordColumns:
    """The findings' filter fields as arrays, made once per read: the dock's filters
    then run over 69,000 findings (a 1,000,000-parcel district) in milliseconds, not
    the 0.3 s a Python loop per keystroke took."""

    def __init__(self, records: Sequence[FindingRecord], holders: dict[int, str]) -> None:
        self.rule = np.array([r.rule_id for r in records], dtype=object)
        self.village = np.array([r.village_code for r in records], dtype=object)
        self.decision = np.array([r.decision or "pending" for r in records], dtype=object)
        # the decisions as small numbers, for counting by bincount
        self.decision_names, self.decision_code = np.unique(
            self.decision.astype(str), return_inverse=True
        )
        self.needs_review = np.array([r.needs_review for r in records], dtype=bool)
        self.key = np.array([r.key or "" for r in records], dtype=str)
        self.holder = np.array([holders.get(r.fid, "") or "" for r in records], dtype=str)

    def select(
        self,
        *,
        rule: str | None = None,
        villages: set[str] | None = None,
        decision: str | None = None,
    ) -> np.ndarray:
        keep = np.ones(len(self.rule), dtype=bool)
        if rule is not None:
            keep &= self.rule == rule
        if villages is not None:
            keep &= np.isin(self.village, np.array(sorted(villages), dtype=object))
        if decision == "needs_review":
            keep &= self.needs_review
        elif decision is not None:
            keep &= self.decision == decision
        return np.flatnonzero(keep)

    def matching(self, rows: np.ndarray, needle: str) -> np.ndarray:
        """Of `rows`, those whose key or holder's name holds `needle`."""
        hit = (np.char.find(self.key[rows], needle) >= 0) | (
            np.char.find(self.holder[rows], needle) >= 0
        )
        return rows[hit]

    def counts(self, rows: np.ndarray) -> Counter[str]:
        n = np.bincount(self.decision_code[rows], minlength=len(self.decision_names))
        counts: Counter[str] = Counter(
            {name: int(k) for name, k in zip(self.decision_names.tolist(), n, strict=True) if k}
        )
        counts["needs_review"] = int(self.needs_review[rows].sum())
        return counts


def filter_records(
    records: Sequence[FindingRecord],
    *,
    rule: str | None = None,
    villages: set[str] | None = None,
    decision: str | None = None,
) -> list[FindingRecord]:
    """The findings filters of `list_findings` (rule, village codes, decision or
    needs-review), applied to records already read."""
    rows = RecordColumns(records, {}).select(rule=rule, villages=villages, decision=decision)
    return [records[i] for i in rows.tolist()]


class LazyRows(Sequence[FindingRow]):
    """The findings as rows in words, each worded when first shown: tens of thousands of
    findings filter at once, and only the rows on screen pay for their evidence's words.
    A holder's name not known yet is read for that row alone."""

    def __init__(
        self,
        records: list[FindingRecord],
        holders: dict[int, str],
        holder_of: Callable[[int], str | None],
    ) -> None:
        self.records = records
        self.holders = holders
        self.holder_of = holder_of
        self._rows: dict[int, FindingRow] = {}

    def __len__(self) -> int:
        return len(self.records)

    @overload
    def __getitem__(self, i: int) -> FindingRow: ...
    @overload
    def __getitem__(self, i: slice) -> list[FindingRow]: ...
    def __getitem__(self, i: int | slice) -> FindingRow | list[FindingRow]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        row = self._rows.get(i)
        if row is None:
            record = self.records[i]
            holder = self.holders.get(record.fid)
            if holder is None and record.fid not in self.holders:
                holder = self.holder_of(record.fid)
            row = self._rows[i] = finding_row(record, holder)
        return row


class FindingsModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.records: list[FindingRecord] = []
        self.rows: Sequence[FindingRow] = []

    def set_rows(self, records: list[FindingRecord], rows: Sequence[FindingRow]) -> None:
        self.beginResetModel()
        self.records, self.rows = records, rows
        self.endResetModel()

    def fid(self, row: int) -> int:
        return self.records[row].fid

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = getattr(row, column)
            if column == "decision" and row.exemption and row.decision_code == "pending":
                value = f"{value}（{t('decision.exempted')}：{row.exemption}）"
            return value
        if role == Qt.ItemDataRole.BackgroundRole and row.needs_review:
            return _NEEDS_REVIEW
        if role == Qt.ItemDataRole.UserRole:
            return row.fid
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return t(f"findings.col.{COLUMNS[section]}")
        return super().headerData(section, orientation, role)


class FindingsDock(QDockWidget):
    findingSelected = Signal(object)  # FindingRecord
    reviewRequested = Signal(int)  # fid
    loaded = Signal()  # the open findings were read (on a worker) and are shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(t("findings.title"), parent)
        self.setObjectName("dock_findings")
        self.project: OpenProject | None = None
        self._holders: dict[int, str] = {}
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        filters = QHBoxLayout()
        self.rule_filter = QComboBox(body)
        self.rule_filter.setObjectName("filter_rule")
        self.rule_filter.addItem(t("findings.all_rules"), None)
        for rule_id in sorted(load_rules()):
            self.rule_filter.addItem(f"{rule_id} {rule_title(rule_id)}", rule_id)
        self.village_filter = QComboBox(body)
        self.village_filter.setObjectName("filter_village")
        self.decision_filter = QComboBox(body)
        self.decision_filter.setObjectName("filter_decision")
        self.decision_filter.addItem(t("findings.all_decisions"), None)
        for d in ("pending", "confirmed", "exempted", "false_positive", "needs_review"):
            self.decision_filter.addItem(t(f"decision.{d}"), d)
        self.text_filter = QLineEdit(body)
        self.text_filter.setObjectName("filter_text")
        self.text_filter.setPlaceholderText(t("findings.text_placeholder"))
        self.text_filter.setClearButtonEnabled(True)
        for w in (self.rule_filter, self.village_filter, self.decision_filter):
            filters.addWidget(w)
        filters.addWidget(self.text_filter, 1)
        layout.addLayout(filters)
        self.counts_label = QLabel(body)
        self.counts_label.setObjectName("findings_counts")
        layout.addWidget(self.counts_label)
        self.model = FindingsModel(self)
        self.view = QTableView(body)
        self.view.setObjectName("table_findings")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((150, 150, 70, 90, 110)):
            self.view.setColumnWidth(col, width)
        layout.addWidget(self.view, 1)
        self.setWidget(body)

        for combo in (self.rule_filter, self.village_filter, self.decision_filter):
            combo.currentIndexChanged.connect(self.reload)
        self.text_filter.textChanged.connect(self._apply_text)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.doubleClicked.connect(self._double_clicked)
        self._all: list[FindingRecord] = []
        self._records: list[FindingRecord] | None = None
        self._reads = 0  # the newest read of the findings wins
        self.loading = False
        self._columns: RecordColumns | None = None  # of _records
        self._rows = np.empty(0, dtype=np.int64)  # of _records, after the combo filters
        self._shown: np.ndarray | None = None  # of _records, after the text too
        self._update_counts()

    # ------------------------------------------------------------ project
    def set_project(self, project: OpenProject | None) -> None:
        if self.project is not None:
            self.project.changed.disconnect(self._project_changed)
        self.project = project
        self._holders = {}
        self._records = None
        self.village_filter.blockSignals(True)
        self.village_filter.clear()
        self.village_filter.addItem(t("findings.all_villages"), None)
        if project is not None:
            project.changed.connect(self._project_changed)
            for code, name in operations.villages(project):
                self.village_filter.addItem(f"{name}（{code}）", code)
        self.village_filter.blockSignals(False)
        self.reload()

    def _project_changed(self, changes: Changes) -> None:
        if changes.layers:
            self._holders = {}  # an import may rename holders
        if "findings" in changes.tables or changes.layers:
            self._records = None
            self.reload()

    # ------------------------------------------------------------ filters
    def set_filters(
        self,
        *,
        rule: str | None = None,
        village: str | None = None,
        decision: str | None = None,
        text: str = "",
    ) -> None:
        """Set every filter at once (and reload once)."""
        for combo, value in (
            (self.rule_filter, rule),
            (self.village_filter, village),
            (self.decision_filter, decision),
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            combo.blockSignals(False)
        self.text_filter.blockSignals(True)
        self.text_filter.setText(text)
        self.text_filter.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        if self.project is None:
            self._reads += 1  # a read still running is for a project gone
            self.loading = False
            self._all = []
            self._rows = np.empty(0, dtype=np.int64)
            self._columns = self._shown = None
            self._apply_text()
            return
        if self._records is None:
            # All open findings read once per change, on a worker (69,000 findings of a
            # 1,000,000-parcel district took 6.6 s of the GUI thread); the filters then
            # run in memory. The rows shown stay until the new ones are in.
            self._read_findings()
            return
        selected = self.selected_fid()
        if self._columns is None:
            self._columns = RecordColumns(self._records, self._holders)
        self._rows = self._columns.select(
            rule=self.rule_filter.currentData(),
            villages=self._village_codes(self.village_filter.currentData()),
            decision=self.decision_filter.currentData(),
        )
        self._all = [self._records[i] for i in self._rows.tolist()]
        self._apply_text()
        if selected is not None:
            self.select_fid(selected, emit=False)

    def _read_findings(self) -> None:
        from qjgis.checks.findings import list_findings
        from ui.gui.tasks import Task, while_alive

        assert self.project is not None
        self._reads += 1
        generation, project = self._reads, self.project
        self.loading = True
        self.counts_label.setText(t("findings.reading"))

        Read = tuple[list[FindingRecord], dict[int, str], RecordColumns]

        def read(store: Any, _fb: Any) -> Read:
            # the holders' names too, for the text filter (1.8 s at 1,000,000 parcels),
            # and the filters' arrays, made here and not on the GUI thread (~10 ms at
            # 8,000 findings)
            records = list_findings(store)
            found = operations.finding_holders_of(store)
            holders = {r.fid: found.get(r.fid, "") for r in records}
            return records, holders, RecordColumns(records, holders)

        def done(result: Read) -> None:
            if generation != self._reads or self.project is not project:
                return
            self.loading = False
            self._records, self._holders, self._columns = result
            self.reload()
            self.loaded.emit()

        def failed(exc: BaseException) -> None:
            if generation == self._reads:
                self.loading = False
                self._update_counts()
                operations.show_error(self, exc)

        task = Task(
            title=t("findings.reading"),
            run=read,
            on_done=while_alive(self, done),
            on_error=while_alive(self, failed),
        )
        if not project.tasks.start(task):
            self.loading = False

    def _village_codes(self, village: str | None) -> set[str] | None:
        if village is None or self.project is None:
            return None
        return set(operations.village_codes(self.project, village))

    def _holder_of(self, fid: int) -> str | None:
        if self.project is None:
            return None
        name = operations.finding_holders(self.project, [fid]).get(fid)
        self._holders[fid] = name or ""
        return name

    def _apply_text(self) -> None:
        needle = self.text_filter.text().strip()
        records = self._all
        rows = self._rows
        if needle and self._columns is not None and self._records is not None:
            # The holders' names were read with the findings (qjgis: one query).
            rows = self._columns.matching(self._rows, needle)
            records = [self._records[i] for i in rows.tolist()]
        self._shown = rows
        self.model.set_rows(records, LazyRows(records, self._holders, self._holder_of))
        self._update_counts()

    def _update_counts(self) -> None:
        if self._columns is not None and self._shown is not None:
            counts = self._columns.counts(self._shown)
        else:
            counts = Counter()
            for record in self.model.records:
                counts[record.decision or "pending"] += 1
                counts["needs_review"] += record.needs_review
        self.counts_label.setText(
            t("findings.counts", n=len(self.model.records), counts=decision_counts_text(counts))
        )

    # ------------------------------------------------------------ selection
    def selected_fid(self) -> int | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.fid(rows[0].row()) if rows else None

    def select_fid(self, fid: int, *, emit: bool = True) -> bool:
        for i, record in enumerate(self.model.records):
            if record.fid == fid:
                if not emit:
                    self.view.selectionModel().blockSignals(True)
                self.view.selectRow(i)
                self.view.selectionModel().blockSignals(False)
                return True
        return False

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.view.selectionModel().selectedRows()
        if rows:
            self.findingSelected.emit(self.model.records[rows[0].row()])

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.reviewRequested.emit(self.model.fid(index.row()))
