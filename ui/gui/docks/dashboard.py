"""统计: progress of the campaign per district, town or village. Ruins by disposition
(overdue marked in red), renovations by state, the monthly trend, and the table of
every figure with yuan approved and paid and 一户多宅 handled against open. A click on
a village's bar zooms the map there and lists its cases; charts export as PNG, the
table as XLSX."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QStyle,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qjgis.cases.model import Disposition, RenovationState
from qjgis.cases.stats import stat_name
from qjgis.commands import Changes
from qjgis.errors import QjgisError
from ui.gui import case_operations as ops
from ui.gui.charts import PALETTE, Chart, Series
from ui.gui.docks.cases import CASE_TABLES
from ui.gui.project import OpenProject
from ui.presenters.words import t
from ui.texts import stat_column, value_text

LEVELS = ("village", "town", "district")
_ROOT = QModelIndex()
RUIN_KEYS = ["ruin_undisposed"] + [f"ruin_{stat_name(d)}" for d in Disposition]
RENOVATION_KEYS = [
    f"renovation_state_{stat_name(s)}"
    for s in RenovationState
    if s is not RenovationState.CANCELLED
]


#: rows the column widths are measured from (and the header), not all of them
SIZE_FROM_ROWS = 40


class FiguresModel(QAbstractTableModel):
    """The dashboard's figures, one row per village, town or the district."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []
        self.columns: list[tuple[str, str]] = []

    def set_rows(self, rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> None:
        self.beginResetModel()
        self.rows, self.columns = rows, columns
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        return self.text(index.row(), index.column())

    def text(self, row: int, column: int) -> str:
        v = self.rows[row].get(self.columns[column][0])
        return f"{v:,.0f}" if isinstance(v, float) else ("" if v is None else str(v))

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section][1] if 0 <= section < len(self.columns) else None
        return str(section + 1)


class DashboardDock(QDockWidget):
    villageActivated = Signal(str)  # a village code: zoom there, list its cases

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(t("dash.title"), parent)
        self.setObjectName("dock_dashboard")
        self.project: OpenProject | None = None
        self.rows: list[dict[str, Any]] = []
        self.columns: list[tuple[str, str]] = []
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        bar = QHBoxLayout()
        self.level = QComboBox(body)
        self.level.setObjectName("combo_dash_level")
        for level in LEVELS:
            self.level.addItem(value_text(level, "level"), level)
        self.level.currentIndexChanged.connect(lambda _i: self.refresh())
        bar.addWidget(self.level)
        bar.addStretch(1)
        self.png_button = QPushButton(t("dash.export_png"), body)
        self.png_button.setObjectName("button_dash_png")
        self.png_button.clicked.connect(self._choose_png)
        self.xlsx_button = QPushButton(t("dash.export_xlsx"), body)
        self.xlsx_button.setObjectName("button_dash_xlsx")
        self.xlsx_button.clicked.connect(self._choose_xlsx)
        bar.addWidget(self.png_button)
        bar.addWidget(self.xlsx_button)
        layout.addLayout(bar)
        self.tabs = QTabWidget(body)
        self.ruins = Chart(t("dash.ruins"))
        self.ruins.setObjectName("chart_ruins")
        self.renovations = Chart(t("dash.renovations"))
        self.renovations.setObjectName("chart_renovations")
        self.trend = Chart(t("dash.trend"), lines=True)
        self.trend.setObjectName("chart_trend")
        # A view over the rows as they are, not a QTableWidget: at the village level of a
        # district (334 rows, 36 columns) making 12,000 items and measuring every one for
        # the column widths stalled the window 150 ms when switching levels.
        self.model = FiguresModel(self)
        self.table = QTableView(body)
        self.table.setObjectName("table_dashboard")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.tabs.addTab(self.ruins, t("dash.tab_ruins"))
        self.tabs.addTab(self.renovations, t("dash.tab_renovations"))
        self.tabs.addTab(self.trend, t("dash.tab_trend"))
        self.tabs.addTab(self.table, t("dash.tab_table"))
        layout.addWidget(self.tabs, 1)
        self.setWidget(body)
        for chart in (self.ruins, self.renovations):
            chart.barClicked.connect(self._bar)

    def set_project(self, project: OpenProject | None) -> None:
        if self.project is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                self.project.changed.disconnect(self._changed)
        self.project = project
        if project is not None:
            project.changed.connect(self._changed)
        if project is None:
            self.refresh()
        else:  # its dozen queries (25-50 ms of the GUI thread on a database) go aside
            self._stale = True
            self._refresh_aside()

    def _changed(self, changes: Changes) -> None:
        if (CASE_TABLES | {"findings"}) & changes.tables:
            self._stale = True
            self._refresh_aside()

    _stale = False
    _reads = 0  # the newest read wins

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._refresh_aside()

    def _refresh_aside(self) -> None:
        """The figures read on a worker (the project's tasks, a connection of their own)
        and shown when they arrive; while the dock is hidden, not read at all until it is
        shown (`showEvent`)."""
        from qjgis.cases.dashboard import monthly_trend
        from ui.gui.operations import show_error
        from ui.gui.tasks import Task, while_alive

        project = self.project
        if project is None or not self._stale or not self.isVisible():
            return
        self._stale = False
        self._reads += 1
        generation, level, today = self._reads, self.current_level(), dt.date.today()

        def read(store: Any, _fb: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            return ops.dashboard_rows_of(store, level, today), monthly_trend(store, None)

        def done(result: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
            if generation == self._reads and self.project is project:
                # the column widths in an event of their own (14 ms: a slice apart)
                self._show(*result, fit=False)
                QTimer.singleShot(0, while_alive(self, self._fit_columns))

        def failed(exc: BaseException) -> None:
            if generation == self._reads:
                self._stale = True
                show_error(self, exc)

        task = Task(title=t("dash.title"), run=read, on_done=while_alive(self, done),
                    on_error=while_alive(self, failed))  # fmt: skip
        if not project.tasks.start(task):
            self._stale = True

    def current_level(self) -> str:
        return str(self.level.currentData())

    def refresh(self) -> None:
        """Read the figures now and show them (the level switch; a task's read is
        `_refresh_aside`)."""
        self._stale = False
        self._reads += 1  # a read still running aside is older
        if self.project is None:
            self.rows = []
            for chart in (self.ruins, self.renovations, self.trend):
                chart.set_data([], [])
            self.model.set_rows([], [])
            return
        rows = ops.dashboard_rows(self.project, self.current_level(), dt.date.today())
        self._show(rows, ops.dashboard_trend(self.project))

    def _show(
        self, rows: list[dict[str, Any]], trend: list[dict[str, Any]], *, fit: bool = True
    ) -> None:
        self.rows = rows
        names = [r.get("name") or r.get("code") or t("dash.unknown") for r in self.rows]
        ruin = [Series(stat_column(k), tuple(float(r[k]) for r in self.rows), PALETTE[i])
                for i, k in enumerate(RUIN_KEYS)]  # fmt: skip
        self.ruins.set_data(names, ruin, [int(r["overdue"]) for r in self.rows])
        reno = [Series(stat_column(k), tuple(float(r[k]) for r in self.rows), PALETTE[i + 1])
                for i, k in enumerate(RENOVATION_KEYS)]  # fmt: skip
        self.renovations.set_data(names, reno)
        self.trend.set_data(
            [m["month"] for m in trend],
            [
                Series(t("dash.opened"), tuple(float(m["opened"]) for m in trend), PALETTE[1]),
                Series(t("dash.closed"), tuple(float(m["closed"]) for m in trend), PALETTE[3]),
                Series(t("dash.open_at_end"), tuple(float(m["open_at_end"]) for m in trend),
                       PALETTE[2]),
            ],
        )  # fmt: skip
        keys = (
            ["name", "code", *[k for k in self.rows[0] if k not in ("level", "name", "code")]]
            if self.rows
            else []
        )
        self.columns = [
            (
                k,
                t(f"dash.col_{k}")
                if k in ("name", "code", "mh_handled", "mh_open", "town_code")
                else stat_column(k),
            )
            for k in keys
        ]
        self.model.set_rows(self.rows, self.columns)
        if fit:
            self._fit_columns()

    def _fit_columns(self) -> None:
        """Column widths from the header and the first rows' texts: Qt's own fit asks
        every cell of every row (96,000 calls at a district's village level)."""
        fm = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        hm = header.fontMetrics()
        pad = 2 * self.table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 12
        sample = range(min(len(self.rows), SIZE_FROM_ROWS))
        for j in range(len(self.columns)):
            texts = [self.model.text(i, j) for i in sample]
            widest = max((fm.horizontalAdvance(x) for x in texts), default=0)
            title = hm.horizontalAdvance(self.columns[j][1]) + 16  # room for the sort mark
            header.resizeSection(j, max(widest + pad, title))

    def _bar(self, index: int) -> None:
        if self.current_level() != "village" or not 0 <= index < len(self.rows):
            return
        code = self.rows[index].get("code")
        if code:
            self.villageActivated.emit(str(code))

    # ------------------------------------------------------------ export
    def current_chart(self) -> Chart:
        w = self.tabs.currentWidget()
        return w if isinstance(w, Chart) else self.ruins

    def _choose_png(self) -> None:
        out, _ = QFileDialog.getSaveFileName(self, t("dash.export_png"), "统计.png", "PNG (*.png)")
        if out:
            self.export_png(out)

    def _choose_xlsx(self) -> None:
        out, _ = QFileDialog.getSaveFileName(
            self, t("dash.export_xlsx"), "统计.xlsx", "Excel (*.xlsx)"
        )
        if out:
            self.export_xlsx(out)

    def export_png(self, out: str | Path, chart: Chart | None = None) -> Path | None:
        try:
            return (chart or self.current_chart()).save_png(out)
        except OSError as exc:
            ops.show_error(self, exc)
            return None

    def export_xlsx(self, out: str | Path) -> Path | None:
        from qjgis.tables import write_table

        try:
            return write_table(self.rows, self.columns, out, "xlsx", sheet=t("dash.title"))
        except (QjgisError, OSError) as exc:
            ops.show_error(self, exc)
            return None
