"""The attribute table of a layer: a model that fetches pages from the store on demand.

Sorting and filtering (field, operator, value) run in SQL and yield the ordered
fids once; the view asks only for the rows it shows, a page of them at a time,
kept in a small cache. So a million rows open at once and scroll smoothly.
Selecting rows highlights them on the map.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qjgis.io.export import FID_LAYERS, ExportResult
from qjgis.lookup import (
    OPERATORS,
    TABLE_LAYERS,
    contiguous_fids,
    ordered_fids,
    rows_by_fid,
    table_columns,
)
from ui.gui.project import OpenProject
from ui.gui.tasks import Task, while_alive
from ui.presenters.columns import column_title
from ui.presenters.words import t, t_or

#: export format by the file's suffix (the file dialog's filters name these)
_FORMAT_BY_SUFFIX = {".gpkg": "gpkg", ".shp": "shp", ".csv": "csv", ".xlsx": "xlsx"}
PAGE = 256  # rows fetched at once
CACHED_PAGES = 64  # pages kept (16k rows): bounded memory whatever the table's size
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


def _order(
    store: Any, table: str, sort: str | None, descending: bool, filters: list[Any]
) -> np.ndarray:
    if not filters and sort is None:
        fids = contiguous_fids(store, table, descending=descending)
        if fids is not None:
            return fids
    return ordered_fids(store, table, sort=sort, descending=descending, filters=filters)


class PagedTableModel(QAbstractTableModel):
    failed = Signal(object)  # an error of the worker's query
    loaded = Signal()  # the rows of the current sort and filter are in

    def __init__(self, project: OpenProject, table: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.project = project
        self.table = table
        self.columns = table_columns(table)
        self.fids = np.empty(0, dtype=np.int64)
        self.sort_column: str | None = None
        self.descending = False
        self.filters: list[tuple[str, str, Any]] = []
        self._pages: OrderedDict[int, list[tuple[Any, ...]]] = OrderedDict()
        self.fetches = 0  # pages read from the store (tests, the bench)
        self.loading = False
        self._generation = 0
        self.refresh()

    def refresh(self) -> None:
        """Order and filter the rows on a worker (its own connection): in SQL, or the fid
        range at once when the table is in fid order without gaps. The view keeps the
        rows it has until the new ones are in, so the window never waits (a first count
        of a large table on a cold disk takes seconds)."""
        self._generation += 1
        generation = self._generation
        table, sort, descending = self.table, self.sort_column, self.descending
        filters = list(self.filters)
        self.loading = True

        def done(fids: np.ndarray) -> None:
            if generation == self._generation:
                self._set_fids(fids)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.loading = False
                self.failed.emit(exc)

        task = Task(
            title=t("table.sorting"),
            run=lambda store, fb: _order(store, table, sort, descending, filters),
            on_done=while_alive(self, done),
            on_error=while_alive(self, failed),
        )
        self.project.tasks.start(task)

    def _set_fids(self, fids: np.ndarray) -> None:
        self.beginResetModel()
        self.fids = fids
        self._pages.clear()
        self.endResetModel()
        self.loading = False
        self.loaded.emit()

    def set_filters(self, filters: list[tuple[str, str, Any]]) -> None:
        self.filters = list(filters)
        self.refresh()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # -1 is the view's "no sort" (its indicator cleared when the table opens): fid
        # order, not the last column; and an order already asked for is not read again
        # (each opening used to sort all rows by the last column, seconds at 200,000).
        name = self.columns[column] if 0 <= column < len(self.columns) else None
        descending = name is not None and order == Qt.SortOrder.DescendingOrder
        if (name, descending) == (self.sort_column, self.descending):
            return
        self.sort_column, self.descending = name, descending
        self.refresh()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.fids)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def _row(self, row: int) -> tuple[Any, ...]:
        page = row // PAGE
        rows = self._pages.get(page)
        if rows is None:
            fids = self.fids[page * PAGE : (page + 1) * PAGE]
            by_fid = rows_by_fid(self.project.store, self.table, fids, self.columns)
            rows = [by_fid.get(int(f), ()) for f in fids]
            self._pages[page] = rows
            self.fetches += 1
            while len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        return rows[row - page * PAGE]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        values = self._row(index.row())
        value = values[index.column()] if index.column() < len(values) else None
        return "" if value is None else str(value)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return column_title(self.table, self.columns[section])
        return section + 1

    def fid(self, row: int) -> int:
        return int(self.fids[row])


class AttributeTableDialog(QDialog):
    selectionChanged = Signal(str, list)  # layer, fids

    def __init__(
        self, project: OpenProject, table: str = "parcels", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_attribute_table")
        self.project = project
        self.setWindowTitle(t("table.title"))
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.layer = QComboBox(self)
        self.layer.setObjectName("combo_table")
        for name in TABLE_LAYERS:
            self.layer.addItem(t_or(f"layer.{name}", name), name)
        self.field = QComboBox(self)
        self.field.setObjectName("combo_filter_field")
        self.operator = QComboBox(self)
        self.operator.setObjectName("combo_filter_operator")
        for op in OPERATORS:
            self.operator.addItem(t_or(f"op.{op}", op), op)
        self.value = QLineEdit(self)
        self.value.setObjectName("edit_filter_value")
        self.apply_button = QPushButton(t("table.filter"), self)
        self.apply_button.setObjectName("button_filter")
        self.clear_button = QPushButton(t("table.clear"), self)
        self.clear_button.setObjectName("button_clear_filter")
        for w in (self.layer, self.field, self.operator):
            top.addWidget(w)
        top.addWidget(self.value, 1)
        top.addWidget(self.apply_button)
        top.addWidget(self.clear_button)
        layout.addLayout(top)
        self.view = QTableView(self)
        self.view.setObjectName("table_attributes")
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setDefaultSectionSize(22)
        layout.addWidget(self.view, 1)
        bottom = QHBoxLayout()
        self.count_label = QLabel(self)
        self.count_label.setObjectName("label_row_count")
        bottom.addWidget(self.count_label, 1)
        self.export_button = QPushButton(t("table.export"), self)
        self.export_button.setObjectName("button_export_rows")
        self.export_button.clicked.connect(self.ask_export)
        bottom.addWidget(self.export_button)
        layout.addLayout(bottom)
        self.export_task: Task | None = None
        self.exported: ExportResult | None = None  # the last export's result (tests)
        self.model: PagedTableModel | None = None
        self.layer.currentIndexChanged.connect(self._layer_changed)
        self.apply_button.clicked.connect(self.apply_filter)
        self.value.returnPressed.connect(self.apply_filter)
        self.clear_button.clicked.connect(self.clear_filter)
        self.layer.setCurrentIndex(self.layer.findData(table))
        if self.model is None:
            self._layer_changed()
        self.resize(980, 560)

    def _layer_changed(self) -> None:
        table = self.layer.currentData()
        self.model = PagedTableModel(self.project, table, self)
        self.model.loaded.connect(self._count)
        self.model.failed.connect(lambda exc: self._failed(exc))
        self.view.setModel(self.model)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.selectionModel().selectionChanged.connect(self._selected)
        for col, name in enumerate(self.model.columns):
            if name in ("zddm", "bdcdyh", "zl", "head_id", "holder_id", "id_number"):
                self.view.setColumnWidth(col, 200)
        self.field.clear()
        for name in self.model.columns:
            self.field.addItem(column_title(table, name), name)
        self._count()

    def _count(self) -> None:
        assert self.model is not None
        if self.model.loading:
            self.count_label.setText(t("table.sorting"))
        else:
            self.count_label.setText(t("table.count", n=f"{self.model.rowCount():,}"))
        self._export_enabled()

    def _export_enabled(self) -> None:
        assert self.model is not None
        layer_ok = self.model.table in FID_LAYERS
        self.export_button.setEnabled(
            layer_ok and not self.model.loading and self.export_task is None
        )
        self.export_button.setToolTip(
            t("table.export_tip") if layer_ok else t("table.export_layers_only")
        )

    # ------------------------------------------------------------ export
    def ask_export(self) -> QFileDialog:
        """Ask where to write (non-modal; the file dialog confirms an overwrite)."""
        box = QFileDialog(self, t("table.export_title"))
        box.setObjectName("dialog_export_rows")
        box.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        box.setNameFilters(t("table.export_filter").split(";;"))
        box.fileSelected.connect(lambda path: self.export_to(path, overwrite=True))
        box.open()
        return box

    def export_to(self, path: str, fmt: str | None = None, *, overwrite: bool = False) -> bool:
        """Export the rows shown now (filter and sort) as a task; the format follows the
        file's suffix unless given. False when it could not start."""
        from pathlib import Path

        from qjgis.io.export import export_layer

        assert self.model is not None
        suffix = Path(path).suffix.lower()
        fmt = fmt or _FORMAT_BY_SUFFIX.get(suffix, "gpkg")
        if not suffix:
            path += {"shp": ".shp", "csv": ".csv", "xlsx": ".xlsx"}.get(fmt, ".gpkg")
        table, fids = self.model.table, self.model.fids.copy()

        def done(result: ExportResult) -> None:
            self.export_task = None
            self.exported = result
            self._export_enabled()
            self.count_label.setText(t("table.exported", n=f"{result.rows:,}", path=result.path))

        def failed(exc: BaseException) -> None:
            self.export_task = None
            self._count()
            self._failed(exc)

        def canceled() -> None:
            self.export_task = None
            self._count()

        task = Task(
            title=t("table.exporting", n=f"{len(fids):,}"),
            run=lambda store, fb: export_layer(
                store, table, fmt, path, fids=fids, overwrite=overwrite, feedback=fb
            ),
            writes=True,  # the export's audit entry
            on_done=while_alive(self, done),
            on_error=while_alive(self, failed),
            on_canceled=while_alive(self, canceled),
        )
        if not self.project.tasks.start(task):
            return False
        self.export_task = task
        self._export_enabled()
        self.count_label.setText(task.title)
        return True

    def apply_filter(self) -> None:
        assert self.model is not None
        self.count_label.setText(t("table.sorting"))
        self.model.set_filters(
            [(self.field.currentData(), self.operator.currentData(), self.value.text())]
        )

    def clear_filter(self) -> None:
        assert self.model is not None
        self.value.clear()
        self.model.set_filters([])

    def _failed(self, exc: BaseException) -> None:
        from ui.gui import operations

        self._count()
        operations.show_error(self, exc)

    def select_fids(self, fids: list[int]) -> int:
        """Select the rows of these fids (a selection made on the map); returns how many
        rows were found under the current filter. The map is not told again."""
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        assert self.model is not None
        rows = np.flatnonzero(np.isin(self.model.fids, np.asarray(fids, dtype=np.int64)))
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        for r in rows.tolist():
            selection.select(self.model.index(r, 0), self.model.index(r, last))
        model = self.view.selectionModel()
        self._quiet = True
        try:
            model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        finally:
            self._quiet = False
        if len(rows):
            self.view.scrollTo(self.model.index(int(rows[0]), 0))
        return len(rows)

    def _selected(self, *_: Any) -> None:
        if getattr(self, "_quiet", False):
            return
        assert self.model is not None
        rows = self.view.selectionModel().selectedRows()
        if self.model.table in ("parcels", "buildings", "villages"):
            self.selectionChanged.emit(self.model.table, [self.model.fid(i.row()) for i in rows])
