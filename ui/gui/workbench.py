"""The workbench parts of the main window: the open project, undo/redo, the checks,
the findings dock and highlight layer, search, the household view, who is working.

`install(window)` adds them to a MainWindow; the window only says when a project
opens and closes. Every action, dock and dialog has a stable objectName for tests
and for saving the window layout; dialogs open non-modally.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPointF, QRect, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence, QMouseEvent, QUndoGroup
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QRubberBand,
    QToolBar,
    QWidget,
)

from qjgis import schema
from qjgis.checks.findings import FindingRecord
from qjgis.commands import Changes
from qjgis.io.importer import HAZARD_RADIUS_SETTING
from qjgis.lookup import SearchHit, union_bounds
from qjgis.settings import SPECS
from ui.gui import operations
from ui.gui.dialogs.attribute_table import AttributeTableDialog
from ui.gui.dialogs.household import HouseholdDialog
from ui.gui.dialogs.import_dialog import ImportDialog
from ui.gui.dialogs.review import ReviewDialog
from ui.gui.dialogs.run_checks import RunChecksDialog
from ui.gui.dialogs.settings import SettingsDialog
from ui.gui.dialogs.switch_user import SwitchUserDialog
from ui.gui.docks.batches import BatchesDock
from ui.gui.docks.cases import CasesDock
from ui.gui.docks.dashboard import DashboardDock
from ui.gui.docks.findings import FindingsDock
from ui.gui.docks.identify import IdentifyDock
from ui.gui.highlight import HighlightLayer
from ui.gui.measure import MeasureTool
from ui.gui.overlays import FindingsLayer, LegendDock, outlines
from ui.gui.project import OpenProject
from ui.gui.tasks import Task, TaskStatus, while_alive
from ui.gui.themes import ThemeSwitch
from ui.presenters.words import t

if TYPE_CHECKING:
    from ui.gui.main_window import MainWindow

#: pixels a press may move and still count as a click (identify), not a drag
CLICK_SLOP = 3.0
#: share of the highlighted features' size added around them when zooming
ZOOM_MARGIN = 0.6
MIN_ZOOM_SPAN = 60.0  # metres: a single small parcel is still shown in context


class Workbench(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("workbench")
        self.window = window
        self.project: OpenProject | None = None
        self.dialogs: list[QDialog] = []
        self.undo_group = QUndoGroup(self)
        #: ask who is working when a project still has the OS user (tests turn it off)
        self.ask_user = True
        self._build_actions()
        self._build_docks()
        self._build_status()
        self.themes = ThemeSwitch(self)  # issue 16: below the findings outlines
        self.findings_layer = FindingsLayer(window.canvas)
        self.highlight = HighlightLayer(window.canvas)  # above the findings
        self._press: QPointF | None = None
        self._box_from: QPointF | None = None
        self.rubber = QRubberBand(QRubberBand.Shape.Rectangle, window.canvas)
        window.canvas.installEventFilter(self)
        # installed after the workbench's filter, so Qt asks it first: while measuring,
        # a click adds a point instead of identifying
        self.measure = MeasureTool(window.canvas)
        self.measure.measured.connect(
            lambda _m: self.window.statusBar().showMessage(self.measure.readout())
        )
        window.projectOpened.connect(self._opened)
        window.projectClosing.connect(self._closing)
        window.languageChanged.connect(self._language_changed)
        self._set_enabled(False)
        from ui.gui.report_menu import ReportMenu

        self.reports = ReportMenu(self)  # issue 15: 报表 and the context menus

    # ------------------------------------------------------------ construction
    def _build_actions(self) -> None:
        w = self.window
        self.action_undo = self.undo_group.createUndoAction(w, t("edit.undo"))
        self.action_undo.setObjectName("action_undo")
        self.action_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.action_redo = self.undo_group.createRedoAction(w, t("edit.redo"))
        self.action_redo.setObjectName("action_redo")
        self.action_redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence.StandardKey.Redo])
        self.action_run_checks = QAction(t("checks.menu_run"), w)
        self.action_run_checks.setObjectName("action_run_checks")
        self.action_run_checks.triggered.connect(self.open_run_checks)
        self.action_review = QAction(t("findings.review"), w)
        self.action_review.setObjectName("action_review")
        self.action_review.triggered.connect(self._review_selected)
        self.action_household = QAction(t("hh.open"), w)
        self.action_household.setObjectName("action_household")
        self.action_household.triggered.connect(self._household_of_selected)
        self.action_import = QAction(t("import.menu"), w)
        self.action_import.setObjectName("action_import")
        self.action_import.setShortcut(QKeySequence("Ctrl+I"))
        self.action_import.triggered.connect(lambda: self.open_import())
        self.action_attribute_table = QAction(t("table.menu"), w)
        self.action_attribute_table.setObjectName("action_attribute_table")
        self.action_attribute_table.triggered.connect(lambda: self.open_attribute_table())
        self.action_show_findings = QAction(t("map.show_findings"), w)
        self.action_show_findings.setObjectName("action_show_findings")
        self.action_show_findings.setCheckable(True)
        self.action_show_findings.setChecked(True)
        self.action_show_findings.toggled.connect(self._toggle_findings)
        self.action_measure = QAction(t("measure.action"), w)
        self.action_measure.setObjectName("action_measure")
        self.action_measure.setToolTip(t("measure.tip"))
        self.action_measure.setCheckable(True)
        self.action_measure.toggled.connect(self._toggle_measure)
        self.action_settings = QAction(t("settings.menu"), w)
        self.action_settings.setObjectName("action_settings")
        self.action_settings.triggered.connect(lambda: self.open_settings())
        self.action_switch_user = QAction(t("user.menu"), w)
        self.action_switch_user.setObjectName("action_switch_user")
        self.action_switch_user.triggered.connect(lambda: self.open_switch_user())
        self.action_clear_highlight = QAction(t("map.clear_highlight"), w)
        self.action_clear_highlight.setObjectName("action_clear_highlight")
        self.action_clear_highlight.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.action_clear_highlight.triggered.connect(lambda: self.highlight.clear())
        w.action_open.setObjectName("action_open")
        w.action_quit.setObjectName("action_quit")
        w.action_full_extent.setObjectName("action_full_extent")

        bar = w.menuBar()
        file_menu = bar.actions()[0].menu()
        file_menu.insertAction(w.recent_menu.menuAction(), self.action_import)
        file_menu.insertAction(w.action_quit, self.action_switch_user)
        file_menu.insertAction(w.action_quit, self.action_settings)
        edit_menu = bar.addMenu(t("menu.edit"))
        edit_menu.setObjectName("menu_edit")
        edit_menu.addAction(self.action_undo)
        edit_menu.addAction(self.action_redo)
        checks_menu = bar.addMenu(t("menu.checks"))
        checks_menu.setObjectName("menu_checks")
        checks_menu.addAction(self.action_run_checks)
        checks_menu.addAction(self.action_review)
        checks_menu.addAction(self.action_household)
        self.action_cases_from_checks = QAction(t("casegui.from_checks"), w)
        self.action_cases_from_checks.setObjectName("action_cases_from_checks")
        self.action_cases_from_checks.triggered.connect(lambda: self.open_cases_from_checks())
        checks_menu.addAction(self.action_cases_from_checks)
        self.action_village_sheet = QAction(t("sheetgui.menu"), w)
        self.action_village_sheet.setObjectName("action_village_sheet")
        self.action_village_sheet.triggered.connect(lambda: self.open_village_sheet())
        checks_menu.addAction(self.action_village_sheet)
        w.view_menu.addAction(self.action_clear_highlight)
        w.view_menu.addAction(self.action_attribute_table)
        w.view_menu.addAction(self.action_show_findings)
        # Menus in Chinese order: 文件 编辑 视图 核查.
        bar.insertMenu(w.view_menu.menuAction(), edit_menu)

        toolbar = w.findChild(QToolBar, "map_toolbar")
        self.search_box = QLineEdit(w)
        self.search_box.setObjectName("search_box")
        self.search_box.setPlaceholderText(t("search.placeholder"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaximumWidth(320)
        self.search_box.returnPressed.connect(lambda: self.search(self.search_box.text()))
        if toolbar is not None:
            toolbar.addSeparator()
            toolbar.addAction(self.action_run_checks)
            toolbar.addAction(self.action_show_findings)
            toolbar.addAction(self.action_measure)
            toolbar.addWidget(self.search_box)

    def _build_docks(self) -> None:
        w = self.window
        self.findings_dock = FindingsDock(w)
        w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.findings_dock)
        self.findings_dock.findingSelected.connect(self.show_finding)
        self.findings_dock.reviewRequested.connect(self.open_review)
        w.view_menu.addAction(self.findings_dock.toggleViewAction())
        self.batches_dock = BatchesDock(w)
        w.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.batches_dock)
        w.view_menu.addAction(self.batches_dock.toggleViewAction())
        self.identify_dock = IdentifyDock(w)
        self.identify_dock.householdRequested.connect(self.open_household)
        w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.identify_dock)
        w.view_menu.addAction(self.identify_dock.toggleViewAction())
        # issue 16: the cases of the identified building or parcel, beside the identify dock
        self.cases_dock = CasesDock(w)
        w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.cases_dock)
        w.view_menu.addAction(self.cases_dock.toggleViewAction())
        self.identify_dock.householdRequested.connect(self.cases_dock.show_household)
        self.dashboard_dock = DashboardDock(w)
        w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dashboard_dock)
        w.tabifyDockWidget(self.findings_dock, self.dashboard_dock)
        self.findings_dock.raise_()
        w.view_menu.addAction(self.dashboard_dock.toggleViewAction())
        self.dashboard_dock.villageActivated.connect(self.show_village)
        self.legend_dock = LegendDock(w)
        w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.legend_dock)
        w.view_menu.addAction(self.legend_dock.toggleViewAction())
        self.search_dock = QDockWidget(t("search.title"), w)
        self.search_dock.setObjectName("dock_search")
        self.search_results = QListWidget(self.search_dock)
        self.search_results.setObjectName("list_search_results")
        self.search_results.itemClicked.connect(self._search_hit_clicked)
        self.search_results.itemDoubleClicked.connect(self._search_hit_opened)
        self.search_dock.setWidget(self.search_results)
        w.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.search_dock)
        w.view_menu.addAction(self.search_dock.toggleViewAction())
        self.search_dock.hide()

    def _build_status(self) -> None:
        bar = self.window.statusBar()
        self.task_status = TaskStatus(parent=self.window)
        bar.addPermanentWidget(self.task_status)
        self.user_label = QLabel(self.window)
        self.user_label.setObjectName("label_user")
        self.user_label.setContentsMargins(6, 0, 6, 0)
        bar.addPermanentWidget(self.user_label)

    def _set_enabled(self, on: bool) -> None:
        for a in (
            self.action_run_checks,
            self.action_review,
            self.action_household,
            self.action_cases_from_checks,
            self.action_village_sheet,
            self.action_switch_user,
            self.action_import,
            self.action_attribute_table,
            self.action_settings,
        ):
            a.setEnabled(on)
        self.search_box.setEnabled(on)

    def _language_changed(self, lang: str) -> None:
        """After the window said its texts again: the undo and redo actions (their
        prefix is fixed when made) anew, and every view refreshed in the new words."""
        from ui.gui.retext import Translator

        w = self.window
        say = Translator.between("en" if lang == "zh" else "zh", lang)
        for stack in self.undo_group.stacks():  # the commands' own texts, then the actions
            for i in range(stack.count()):
                command = stack.command(i)
                command.setText(say(command.text()))
        for name in ("action_undo", "action_redo"):
            old: QAction = getattr(self, name)
            make = (
                self.undo_group.createUndoAction
                if name == "action_undo"
                else (self.undo_group.createRedoAction)
            )
            new = make(w, t("edit.undo" if name == "action_undo" else "edit.redo"))
            new.setObjectName(name)
            new.setShortcuts(old.shortcuts())
            for holder in old.associatedObjects():
                if isinstance(holder, QWidget):
                    holder.insertAction(old, new)
                    holder.removeAction(old)
            setattr(self, name, new)
            old.deleteLater()
        self._show_user()
        if self.project is not None:
            self.project.changed.emit(
                Changes(
                    settings=frozenset(spec.key for spec in SPECS),
                    layers=frozenset(("villages", "parcels", "buildings")),
                    tables=frozenset(schema.TABLE_BY_NAME),
                )
            )

    # ------------------------------------------------------------ project
    def _opened(self, _path: str) -> None:
        store = self.window.store
        assert store is not None
        self.project = OpenProject(store, self)
        self.undo_group.addStack(self.project.undo_stack)
        self.undo_group.setActiveStack(self.project.undo_stack)
        self.project.changed.connect(self._changed)
        self.project.failed.connect(lambda exc: operations.show_error(self.window, exc))
        self.project.userChanged.connect(self._show_user)
        self.project.outsideChanged.connect(self._outside_changed)
        self.project.tasks.refused.connect(
            lambda text: self.window.statusBar().showMessage(text, 10000)
        )
        self.task_status.set_manager(self.project.tasks)
        self.findings_dock.set_project(self.project)
        self.batches_dock.set_project(self.project)
        self.cases_dock.set_project(self.project)
        self.dashboard_dock.set_project(self.project)
        self.themes.project_opened(self.project)
        self.highlight.clear()
        self.identify_dock.reset()
        self.refresh_findings_layer()
        renderer = self.window.canvas.renderer
        self.legend_dock.show_reference(renderer.layers if renderer else [])
        self._set_enabled(True)
        self._show_user()
        if self.ask_user and self.project.user_is_default():
            self.open_switch_user(first_time=True)

    def _closing(self) -> None:
        if self.project is not None:
            self.project._watch.stop()  # the store closes next: nothing more to ask it
            self.project.tasks.shutdown()
        for dialog in self.dialogs:
            dialog.close()
        self.dialogs.clear()
        if self.project is None:
            return
        self.task_status.set_manager(None)
        self.findings_dock.set_project(None)
        self.batches_dock.set_project(None)
        self.cases_dock.set_project(None)
        self.dashboard_dock.set_project(None)
        self.themes.project_opened(None)
        self.undo_group.removeStack(self.project.undo_stack)
        self.project.undo_stack.clear()
        self.project.deleteLater()
        self.project = None
        self.highlight.clear()
        self.findings_layer.set_features({})
        self.identify_dock.clear()
        self.user_label.clear()
        self._set_enabled(False)

    def _changed(self, changes: Changes) -> None:
        if changes.layers:
            self.reload_map()
        elif HAZARD_RADIUS_SETTING in changes.settings:
            self._redraw_hazard_points()
        if changes.layers or "findings" in changes.tables:
            self.refresh_findings_layer()
        self.themes.changed(changes)
        if "user.name" in changes.settings or "user.role" in changes.settings:
            self._show_user()

    def _outside_changed(self, replaced: bool) -> None:
        """Another desk or the command line wrote the file: show what it holds now."""
        if replaced:
            # Our connection still reads the file that was replaced: open the new one.
            path = self.window.project_path
            if path is not None and self.window.open_project(path):
                self.window.statusBar().showMessage(t("project.replaced_outside"), 15000)
            return
        self.window.statusBar().showMessage(t("project.changed_outside"), 15000)

    def _show_user(self) -> None:
        if self.project is None:
            return
        self.user_label.setText(
            t("user.status", name=self.project.user, role=t(f"role.{self.project.role}"))
        )

    # ------------------------------------------------------------ map
    def _redraw_hazard_points(self) -> None:
        """Hazard points without a radius of their own follow overlay.hazard_radius_m (as
        QJ-R020 does): after a change of it (or its undo) their discs are drawn anew."""
        from layers.source import GpkgLayer

        renderer = self.window.canvas.renderer
        layer = renderer.layer("hazard-points") if renderer is not None else None
        if self.project is None or not isinstance(layer, GpkgLayer):
            return
        layer.default_radius = float(self.project.store.settings()[HAZARD_RADIUS_SETTING])
        self.window.canvas.refresh(reread=False)

    def refresh_findings_layer(self) -> Task | None:
        """Read the outlines of the open findings on a worker (a district's 100,000 took
        five seconds of the GUI thread), then show them; the newest read wins."""
        self._findings_reads = getattr(self, "_findings_reads", 0) + 1
        if self.project is None or not self.action_show_findings.isChecked():
            self.findings_layer.set_features({})
            return None
        renderer = self.window.canvas.renderer
        names = ("parcels", "buildings")
        layers = {n: renderer.layer(n) for n in names} if renderer is not None else {}
        generation = self._findings_reads

        def run(store: Any, _fb: Any) -> tuple[dict, tuple]:
            features = operations.finding_features_of(store)
            return features, outlines(features, layers)

        def done(result: tuple[dict, tuple]) -> None:
            if generation == self._findings_reads and self.project is not None:
                self.findings_layer.set_outlines(*result)

        task = Task(title=t("map.reading_findings"), run=run, on_done=while_alive(self, done))
        return task if self.project.tasks.start(task) else None

    def _toggle_measure(self, on: bool) -> None:
        store = self.window.store
        self.measure.set_active(on, store.settings().crs if store is not None else None)
        self.window.statusBar().showMessage(self.measure.readout() if on else "")

    def _toggle_findings(self, on: bool) -> None:
        self.findings_layer.setVisible(on)
        self.refresh_findings_layer()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A click on the map (a press and release without a drag) identifies; a drag
        with Ctrl held draws a box that selects the parcels in it (the map pans
        otherwise)."""
        if watched is not self.window.canvas or not isinstance(event, QMouseEvent):
            return False
        kind = event.type()
        if self._box_from is not None and kind == QEvent.Type.MouseMove:
            self.rubber.setGeometry(
                QRect(self._box_from.toPoint(), event.position().toPoint()).normalized()
            )
            return True
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        if kind == QEvent.Type.MouseButtonPress:
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self._box_from = event.position()
                self.rubber.setGeometry(QRect(event.position().toPoint(), QSize()))
                self.rubber.show()
                return True  # not a pan
            self._press = event.position()
        elif kind == QEvent.Type.MouseButtonRelease:
            if self._box_from is not None:
                canvas = self.window.canvas
                a = canvas.map_to_world(self._box_from)
                b = canvas.map_to_world(event.position())
                self._box_from = None
                self.rubber.hide()
                self.select_box(min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))
                return True
            if self._press is not None:
                moved = event.position() - self._press
                self._press = None
                if abs(moved.x()) + abs(moved.y()) <= CLICK_SLOP:
                    self.identify_at(*self.window.canvas.map_to_world(event.position()))
        return False

    def select_box(self, x0: float, y0: float, x1: float, y1: float) -> list[int]:
        """Select the parcels whose shapes meet a box: highlighted, and selected in an
        open attribute table of the parcels (the selection is shared)."""
        import shapely

        renderer = self.window.canvas.renderer
        layer = renderer.layer("parcels") if renderer is not None else None
        if layer is None:
            return []
        near, geoms = layer.in_box((x0, y0, x1, y1))
        fids = [int(f) for f in near[shapely.intersects(geoms, shapely.box(x0, y0, x1, y1))]]
        self.highlight.set_features({"parcels": fids})
        self.selection_changed("parcels", fids)
        self.window.statusBar().showMessage(t("map.selected", n=len(fids)), 8000)
        return fids

    def selection_changed(self, layer: str, fids: list[int]) -> None:
        """Share a map selection with the open attribute tables of that layer."""
        for dialog in self.dialogs:
            model = dialog.model if isinstance(dialog, AttributeTableDialog) else None
            if model is not None and model.table == layer:
                dialog.select_fids(fids)

    def identify_at(self, x: float, y: float) -> tuple[str, int] | None:
        """The topmost feature at a map point: shown in the identify dock and highlighted."""
        import shapely

        renderer = self.window.canvas.renderer
        if self.project is None or renderer is None:
            return None
        for name in ("buildings", "parcels", "villages"):
            layer = renderer.layer(name)
            if layer is None or not layer.visible:
                continue
            near, geoms = layer.in_box((x, y, x, y))
            inside = near[shapely.contains_xy(geoms, x, y)] if len(near) else near
            if not len(inside):
                continue
            fid = int(inside[-1])
            record, household = operations.identify(self.project, name, fid)
            self.identify_dock.show_record(
                name, record, household, unmask=operations.may_see_ids(self.project)
            )
            self.identify_dock.show()
            self.identify_dock.raise_()
            self.highlight.set_features({name: [fid]})
            self.cases_dock.show_feature(name, fid)
            return name, fid
        self.identify_dock.clear()
        self.highlight.clear()
        return None

    def reload_map(self) -> None:
        """Read the layers again after an import or undo, keeping the view. On a database
        the extents and counts walk whole tables (`ST_Extent`, `count(*)`: a second at
        100,000 parcels): they are measured on a worker, as at opening
        (`MainWindow._read_database_aside`), and the layer list and the status bar take
        them when they arrive; the map draws meanwhile (tiles need no extent)."""
        from layers.renderer import MapRenderer
        from layers.source import PgLayer
        from layers.vector_layer import load_layers

        if self.project is None:
            return
        canvas = self.window.canvas
        had = canvas.renderer is not None and canvas.renderer.full_extent() is not None
        centre, upp = canvas.centre, canvas.units_per_pixel
        visible = {x.name: x.visible for x in canvas.renderer.layers} if canvas.renderer else {}
        layers = load_layers(self.project.store, reference=True)
        aside = self.project.is_database
        for layer in layers:
            layer.visible = visible.get(layer.name, layer.visible)
            if aside and isinstance(layer, PgLayer):
                layer.seed(None, None)  # unknown until measured: nothing counted here
        renderer = MapRenderer(layers)
        canvas.set_renderer(renderer, keep_frame=had)
        if had:
            canvas.set_view(centre, upp)
        self.window.canvas.set_message("")
        if aside:
            self.window._read_database_aside(renderer, zoom=not had)
        else:
            self.window._fill_layer_list()
        self.legend_dock.show_reference(layers)
        self.highlight.set_features({k: list(v) for k, v in self.highlight.selection.items()})

    def zoom_to(self, bounds: tuple[float, float, float, float] | None) -> None:
        if bounds is None:
            return
        x0, y0, x1, y1 = bounds
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        half = max(x1 - x0, y1 - y0, MIN_ZOOM_SPAN) * (1 + ZOOM_MARGIN) / 2
        self.window.canvas.set_extent((cx - half, cy - half, cx + half, cy + half))

    def show_features(self, features: dict[str, list[int]]) -> None:
        """Highlight features (layer -> fids) and zoom to all of them."""
        if self.project is None:
            return
        self.highlight.set_features(features)
        from qjgis.lookup import feature_bounds

        boxes = [
            box
            for layer, fids in features.items()
            for box in feature_bounds(self.project.store, layer, fids).values()
        ]
        self.zoom_to(union_bounds(boxes))

    def show_finding(self, record: FindingRecord) -> None:
        features: dict[str, list[int]] = {}
        for e in record.entities:
            layer = {"parcel": "parcels", "building": "buildings"}.get(e.get("kind", ""))
            if layer and e.get("fid") is not None:
                features.setdefault(layer, []).append(int(e["fid"]))
        self.show_features(features)

    # ------------------------------------------------------------ dialogs
    def _keep(self, dialog: QDialog) -> QDialog:
        self.dialogs.append(dialog)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(
            lambda *_: self.dialogs.remove(dialog) if dialog in self.dialogs else None
        )
        dialog.show()
        return dialog

    def open_cases_from_checks(self) -> QDialog | None:
        """Preview the ruins of QJ-R014 without a case, then open them (issue 16, point 5)."""
        from ui.gui.dialogs.case_from_checks import CasesFromChecksDialog

        if self.project is None:
            return None
        return self._keep(CasesFromChecksDialog(self.project, self.window))

    def show_village(self, code: str) -> None:
        """A village picked on the dashboard: the map zooms there, the case panel lists
        the village's cases."""
        from ui.gui import case_operations

        if self.project is None:
            return
        self.zoom_to(case_operations.village_bounds(self.project, code))
        self.cases_dock.show_subject(case_operations.Subject("villages", code))
        self.cases_dock.show()
        self.cases_dock.raise_()

    def open_village_sheet(self) -> QDialog | None:
        """Export a village's sheet, import it back (issue 16, point 8)."""
        from ui.gui.dialogs.village_sheet import VillageSheetDialog

        if self.project is None:
            return None
        return self._keep(VillageSheetDialog(self.project, self.window))

    def open_run_checks(self) -> RunChecksDialog | None:
        if self.project is None:
            return None
        return self._keep(RunChecksDialog(self.project, self.window))  # type: ignore[return-value]

    def open_review(self, fid: int) -> ReviewDialog | None:
        if self.project is None:
            return None
        try:
            dialog = ReviewDialog(self.project, fid, self.window)
        except Exception as exc:
            operations.show_error(self.window, exc)
            return None
        return self._keep(dialog)  # type: ignore[return-value]

    def _review_selected(self) -> None:
        fid = self.findings_dock.selected_fid()
        if fid is not None:
            self.open_review(fid)

    def open_household(self, household_no: str) -> HouseholdDialog | None:
        if self.project is None:
            return None
        try:
            dialog = HouseholdDialog(self.project, household_no, self.window)
        except Exception as exc:
            operations.show_error(self.window, exc)
            return None
        dialog.featureActivated.connect(lambda layer, fid: self.show_features({layer: [fid]}))
        dialog.findingActivated.connect(self.open_review)
        self.reports.attach_household_dialog(dialog)
        self._keep(dialog)
        features: dict[str, list[int]] = {}
        for f in (*dialog.detail.parcels, *dialog.detail.buildings):
            features.setdefault(f.layer, []).append(f.fid)
        self.show_features(features)
        return dialog

    def _household_of_selected(self) -> None:
        fid = self.findings_dock.selected_fid()
        if fid is None or self.project is None:
            return
        record = operations.finding(self.project, fid)
        household_no = record.key if record.entity_kind == "household" else None
        if household_no is None:
            household_no = next(
                (e["key"] for e in record.entities if e.get("kind") == "household"), None
            )
        if household_no is None:
            household_no = record.evidence.get("household") or record.evidence.get(
                "linked_household"
            )
        if household_no:
            self.open_household(str(household_no))
        else:
            self.window.statusBar().showMessage(t("hh.not_linked"), 8000)

    def open_import(self, source: str = "") -> ImportDialog | None:
        if self.project is None:
            return None
        dialog = ImportDialog(self.project, source, self.window)
        dialog.rowActivated.connect(self.show_key)
        return self._keep(dialog)  # type: ignore[return-value]

    def offer_import(self, path: str) -> bool:
        """文件›打开 on a file that is not a project: offer to import it (True when offered)."""
        from pathlib import Path

        if Path(path).suffix.lower() == ".gpkg":
            return False  # opened as a project; the open says why if it is not one
        box = QMessageBox(self.window)
        box.setObjectName("dialog_offer_import")
        box.setIcon(QMessageBox.Icon.Question)
        if self.project is None:
            box.setText(t("import.offer_no_project", path=path))
            box.setStandardButtons(QMessageBox.StandardButton.Ok)
        else:
            box.setText(t("import.offer", path=path))
            box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
            box.accepted.connect(lambda: self.open_import(path))
        box.open()
        self.dialogs.append(box)
        return True

    def show_key(self, layer: str, key: str) -> None:
        """Zoom to a feature named by its code (an import report's row)."""
        if self.project is None:
            return
        hits = [h for h in operations.find(self.project, key.split("#")[0]) if h.layer == layer]
        if hits:
            self.show_features({layer: [f for h in hits for f in h.fids]})

    def open_attribute_table(self, table: str = "parcels") -> AttributeTableDialog | None:
        if self.project is None:
            return None
        dialog = AttributeTableDialog(self.project, table, self.window)
        dialog.selectionChanged.connect(lambda layer, fids: self.show_features({layer: fids}))
        return self._keep(dialog)  # type: ignore[return-value]

    def open_settings(self) -> SettingsDialog | None:
        if self.project is None:
            return None
        dialog = SettingsDialog(self.project, self.window.settings, self.window)
        dialog.languageChosen.connect(self.window.set_language)
        return self._keep(dialog)  # type: ignore[return-value]

    def open_switch_user(self, *, first_time: bool = False) -> SwitchUserDialog | None:
        if self.project is None:
            return None
        return self._keep(SwitchUserDialog(self.project, self.window, first_time=first_time))  # type: ignore[return-value]

    # ------------------------------------------------------------ search
    def search(self, text: str) -> list[SearchHit]:
        if self.project is None or not text.strip():
            return []
        hits = operations.find(self.project, text)
        self.search_results.clear()
        for hit in hits:
            item = QListWidgetItem(f"{t(f'kind.{hit.kind}')} · {hit.label}")
            item.setData(Qt.ItemDataRole.UserRole, hit)
            self.search_results.addItem(item)
        if not hits:
            self.search_results.addItem(QListWidgetItem(t("search.none", text=text.strip())))
        self.search_dock.show()
        self.search_dock.raise_()
        if len(hits) >= 1:
            self.search_results.setCurrentRow(0)
            self._go(hits[0])
        return hits

    def _go(self, hit: SearchHit) -> None:
        if hit.layer and hit.fids:
            self.show_features({hit.layer: list(hit.fids)})
        elif hit.household_no and self.project is not None:
            detail = operations.household(self.project, hit.household_no)
            features: dict[str, list[int]] = {}
            for f in (*detail.parcels, *detail.buildings):
                features.setdefault(f.layer, []).append(f.fid)
            self.show_features(features)

    def _search_hit_clicked(self, item: QListWidgetItem) -> None:
        hit = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(hit, SearchHit):
            self._go(hit)

    def _search_hit_opened(self, item: QListWidgetItem) -> None:
        hit = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(hit, SearchHit) and hit.household_no:
            self.open_household(hit.household_no)


def install(window: MainWindow) -> Workbench:
    return Workbench(window)
