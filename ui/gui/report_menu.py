"""报表: the window's menu of printed reports, and the same entries on the context menus
of the map, the findings, cases and identify panels and the household dialog.

What the entries act on is the current selection (`ReportTargets`): the parcel picked
on the map (a building's parcel), the finding or case selected, the household shown;
its village for the ledgers and the atlas. An entry with nothing to act on is disabled,
and says so. The 宗地图, household sheet and ledgers open Qt's print preview (printer
choice, print, 另存为 PDF); a ledger also goes to Excel; the village atlas runs as a task
with progress and Cancel in the status bar. The work is in `ui.gui.report_operations`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QAbstractItemView, QDialog, QMenu, QWidget

from qjgis.checks.findings import FindingRecord
from qjgis.pg.url import is_database_url
from qjgis.reports.ledgers import KINDS
from ui.gui import report_operations as ops
from ui.gui.report_operations import ReportTargets
from ui.texts import t
from ui.texts.report import page_words

if TYPE_CHECKING:
    from layers.atlas import AtlasResult
    from qjgis.reports.atlas import AtlasPlan
    from ui.gui.workbench import Workbench

FORMATS = ("pdf", "xlsx")


class ReportMenu(QObject):
    def __init__(self, workbench: Workbench) -> None:
        super().__init__(workbench)
        self.setObjectName("report_menu")
        self.workbench = workbench
        self.window = workbench.window
        self.targets = ReportTargets()
        self.last_preview: QPrintPreviewDialog | None = None
        self.last_context_menu: QMenu | None = None
        w = self.window
        self.action_parcel = self._action("action_report_parcel", self.parcel_report)
        self.action_household = self._action("action_report_household", self.household_report)
        self.ledger_actions: dict[tuple[str, str], QAction] = {}
        for kind in KINDS:
            for fmt in FORMATS:
                self.ledger_actions[kind, fmt] = self._action(
                    f"action_report_ledger_{kind}_{fmt}",
                    lambda kind=kind, fmt=fmt: self.ledger(kind, fmt),
                )
        self.action_atlas = self._action("action_report_atlas", self.atlas)
        self.menu = QMenu(t("report.menu"), w)
        self.menu.setObjectName("menu_reports")
        self.menu.aboutToShow.connect(self._update)
        self.ledger_menu = self._fill(self.menu)
        w.menuBar().addMenu(self.menu)
        # what is selected: the map (identify, a finding, a search, a box), a household,
        # a village picked on the dashboard
        workbench.highlight.selectionChanged.connect(self._from_map)
        workbench.findings_dock.findingSelected.connect(self._from_finding)
        workbench.identify_dock.householdRequested.connect(self._from_household)
        workbench.dashboard_dock.villageActivated.connect(self._from_village)
        w.projectOpened.connect(lambda _path: self.set_targets(ReportTargets()))
        w.projectClosing.connect(lambda: self.set_targets(ReportTargets()))
        self._context(w.canvas, self._map_menu)
        self._context(workbench.findings_dock.view, self._finding_menu)
        self._context(workbench.cases_dock.tree, self._case_menu)
        self._context(workbench.identify_dock.tree, lambda _pos: self.targets)
        self._update()

    # ------------------------------------------------------------ construction
    def _action(self, name: str, slot: Callable[[], Any]) -> QAction:
        action = QAction(self.window)
        action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _fill(self, menu: QMenu) -> QMenu:
        menu.addAction(self.action_parcel)
        menu.addAction(self.action_household)
        ledgers = menu.addMenu(t("report.menu_ledgers"))
        ledgers.setObjectName("menu_report_ledgers")
        for kind in KINDS:
            for fmt in FORMATS:
                ledgers.addAction(self.ledger_actions[kind, fmt])
        menu.addAction(self.action_atlas)
        return ledgers

    def _context(self, widget: QWidget, targets: Callable[[QPoint], ReportTargets | None]) -> None:
        widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        widget.customContextMenuRequested.connect(
            lambda pos: self._popup(widget, pos, targets(pos))
        )

    def _popup(self, widget: QWidget, pos: QPoint, targets: ReportTargets | None) -> QMenu:
        """The report entries for what was right-clicked (it becomes the selection)."""
        if targets is not None:
            self.set_targets(targets)
        menu = QMenu(widget)
        menu.setObjectName("menu_report_context")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._fill(menu)
        self.last_context_menu = menu
        if isinstance(widget, QAbstractItemView):
            widget = widget.viewport()
        menu.popup(widget.mapToGlobal(pos))
        return menu

    # ------------------------------------------------------------ the selection
    def set_targets(self, targets: ReportTargets) -> None:
        self.targets = targets
        self._update()

    def _from_map(self) -> None:
        selection = self.workbench.highlight.selection
        village = None
        if "villages" in selection and not selection.keys() - {"villages"}:
            village = self._village_of_fids(selection["villages"])
        self.set_targets(
            ops.targets_of(
                self.workbench.project,
                parcels=selection.get("parcels", ()),
                buildings=selection.get("buildings", ()),
                village=village,
            )
        )

    def _village_of_fids(self, fids: tuple[int, ...]) -> str | None:
        project = self.workbench.project
        if project is None or len(fids) != 1:
            return None
        rows = project.store.execute_sql("SELECT code FROM villages WHERE fid = ?", [fids[0]])
        return rows[0][0] if rows else None

    def _finding_targets(self, record: FindingRecord) -> ReportTargets:
        parcels = [int(e["fid"]) for e in record.entities
                   if e.get("kind") == "parcel" and e.get("fid") is not None]  # fmt: skip
        buildings = [int(e["fid"]) for e in record.entities
                     if e.get("kind") == "building" and e.get("fid") is not None]  # fmt: skip
        household = record.key if record.entity_kind == "household" else None
        household = household or next(
            (str(e["key"]) for e in record.entities if e.get("kind") == "household"), None
        )
        return ops.targets_of(
            self.workbench.project,
            parcels=parcels,
            buildings=[] if parcels else buildings,
            household=household,
            village=record.village_code,
        )

    def _from_finding(self, record: FindingRecord) -> None:
        self.set_targets(self._finding_targets(record))

    def _from_household(self, household_no: str) -> None:
        t_ = self.targets
        self.set_targets(ops.targets_of(
            self.workbench.project, parcels=[t_.parcel_fid] if t_.parcel_fid else (),
            household=household_no,
        ))  # fmt: skip

    def _from_village(self, code: str) -> None:
        self.set_targets(ops.targets_of(self.workbench.project, village=code))

    # ------------------------------------------------------------ context menus
    def _map_menu(self, pos: QPoint) -> ReportTargets | None:
        """A right click on the map picks what is there, as a left click does."""
        self.workbench.identify_at(*self.window.canvas.map_to_world(pos))
        return None  # the highlight's change has set the targets

    def _finding_menu(self, pos: QPoint) -> ReportTargets | None:
        dock = self.workbench.findings_dock
        index = dock.view.indexAt(pos)
        if not index.isValid() or self.workbench.project is None:
            return None
        dock.view.selectRow(index.row())  # shown on the map too, as a click does
        from ui.gui import operations

        record = operations.finding(self.workbench.project, dock.model.fid(index.row()))
        return self._finding_targets(record)

    def _case_menu(self, pos: QPoint) -> ReportTargets | None:
        dock = self.workbench.cases_dock
        item = dock.tree.itemAt(pos)
        if item is None:
            return None
        dock.tree.setCurrentItem(item)
        case = item.data(0, Qt.ItemDataRole.UserRole)
        row = next((r for r in dock.rows if r.get("id") == case), None)
        if row is None:
            return None
        parcel, building = row.get("parcel_fid"), row.get("building_fid")
        return ops.targets_of(
            self.workbench.project,
            parcels=[int(parcel)] if parcel is not None else (),
            buildings=[int(building)] if parcel is None and building is not None else (),
            household=row.get("household_no"),
            village=row.get("village_code"),
        )

    def attach_household_dialog(self, dialog: QDialog) -> None:
        """The household dialog's parcels and members offer its sheet (and a parcel's map)."""
        household = dialog.detail.household_no

        def targets(pos: QPoint) -> ReportTargets:
            item = dialog.features.itemAt(pos)
            layer, fid = item.data(Qt.ItemDataRole.UserRole) if item is not None else ("", None)
            return ops.targets_of(
                self.workbench.project,
                parcels=[fid] if layer == "parcels" else (),
                buildings=[fid] if layer == "buildings" else (),
                household=household,
            )

        self._context(dialog.features, targets)
        self._context(dialog.members, lambda _pos: ops.targets_of(
            self.workbench.project, household=household))  # fmt: skip

    # ------------------------------------------------------------ entries
    def _update(self) -> None:
        on = self.workbench.project is not None
        tg = self.targets
        parcel, household, village = (
            on and tg.parcel_fid is not None,
            on and bool(tg.household),
            on and bool(tg.village),
        )
        self.action_parcel.setEnabled(parcel)
        self.action_parcel.setText(
            t("report.menu_parcel_of", zddm=tg.zddm or f"#{tg.parcel_fid}")
            if parcel else t("report.menu_parcel")
        )  # fmt: skip
        self.action_household.setEnabled(household)
        self.action_household.setText(
            t("report.menu_household_of", household=tg.household)
            if household else t("report.menu_household")
        )  # fmt: skip
        words = page_words()
        for (kind, fmt), action in self.ledger_actions.items():
            action.setEnabled(village)
            action.setText(t(f"report.menu_ledger_{fmt}", ledger=words[f"ledger_{kind}"]))
        self.ledger_menu.setTitle(
            t("report.menu_ledgers_of", village=tg.village_label)
            if village else t("report.menu_ledgers")
        )  # fmt: skip
        self.ledger_menu.setEnabled(village)
        self.action_atlas.setEnabled(village)
        self.action_atlas.setText(
            t("report.menu_atlas_of", village=tg.village_label)
            if village else t("report.menu_atlas")
        )  # fmt: skip
        tip = "" if on and (parcel or household or village) else t("report.menu_tip")
        for action in (self.action_parcel, self.action_household, self.action_atlas,
                       *self.ledger_actions.values()):  # fmt: skip
            action.setStatusTip(tip if not action.isEnabled() else "")

    def _folder(self) -> Path:
        path = self.window.project_path
        # beside the project file; a database project has no folder: the user's home
        return Path(path).parent if path and not is_database_url(path) else Path.home()

    def _preview_ready(self, dialog: QPrintPreviewDialog) -> None:
        self.last_preview = dialog
        self.workbench._keep(dialog)

    def parcel_report(self) -> None:
        project, fid = self.workbench.project, self.targets.parcel_fid
        if project is not None and fid is not None:
            ops.preview_parcel(project, fid, parent=self.window, on_ready=self._preview_ready)

    def household_report(self) -> None:
        project, household = self.workbench.project, self.targets.household
        if project is not None and household:
            ops.preview_household(
                project, household, parent=self.window, on_ready=self._preview_ready
            )

    def ledger(self, kind: str, fmt: str) -> None:
        project, village = self.workbench.project, self.targets.village
        if project is None or not village:
            return
        if fmt == "pdf":
            ops.preview_ledger(project, village, kind, parent=self.window,
                               on_ready=self._preview_ready)  # fmt: skip
            return
        name = f"{self.targets.village_label}{page_words()[f'ledger_{kind}']}.xlsx"
        out = ops.ask_save_path(
            self.window, t("report.menu_ledger_xlsx", ledger=page_words()[f"ledger_{kind}"]),
            str(self._folder() / name), t("report.filter_xlsx"),
        )  # fmt: skip
        if not out:
            return
        if not out.lower().endswith(".xlsx"):
            out += ".xlsx"
        ops.ledger_xlsx(
            project, village, kind, out, parent=self.window,
            on_done=lambda path, rows: self.window.statusBar().showMessage(
                t("report.saved_xlsx", path=str(path), rows=rows), 15000),
        )  # fmt: skip

    def atlas(self) -> None:
        project, village = self.workbench.project, self.targets.village
        if project is None or not village:
            return
        name = page_words()["atlas_title"].format(scope=self.targets.village_label)
        out = ops.ask_save_path(
            self.window, t("report.menu_atlas"), str(self._folder() / f"{name}.pdf"),
            t("report.filter_pdf"),
        )  # fmt: skip
        if not out:
            return
        if not out.lower().endswith(".pdf"):
            out += ".pdf"
        ops.atlas(project, out, village=village, parent=self.window, on_done=self._atlas_done)

    def _atlas_done(self, plan: AtlasPlan, result: AtlasResult) -> None:
        self.window.statusBar().showMessage(
            t("report.atlas_done", path=str(result.path), parcels=result.parcels,
              pages=result.pages, left_out=len(plan.left_out)),
            30000,
        )  # fmt: skip
