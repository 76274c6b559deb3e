"""The main window: the map, a layer list, the status bar, the File and View menus.

It adapts the engine (GpkgStore) and the drawing (layers/) to widgets and holds
no logic of its own beyond choosing what to show. Engine errors arrive as codes
with parameters and are worded here, in the user's language.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QWidget,
)

from layers.renderer import MapRenderer, scale_text
from layers.source import PgLayer
from layers.vector_layer import load_layers
from qjgis.errors import Canceled, QjgisError
from qjgis.pg import session
from qjgis.pg.session import analyze_if_never, database_name
from qjgis.pg.store import PgStore
from qjgis.pg.url import is_database_url, redact
from qjgis.store import GpkgStore
from ui.gui.app_settings import AppSettings
from ui.gui.dialogs.open_database import OpenDatabaseDialog
from ui.gui.legend import LayerCounter, add_legend, is_reference, layer_row_text
from ui.gui.map_canvas import MapCanvas
from ui.texts import error_text, t

log = logging.getLogger(__name__)

APP_TITLE = "qjgis"
LAYER_ROLE = Qt.ItemDataRole.UserRole

T = TypeVar("T")

#: how long a thread holds the GIL while another waits for it (Python's default: 5 ms).
#: A Qt call on the GUI thread that calls back into Python (a model reset asks rowCount,
#: data and headerData hundreds of times) waits a turn at each callback while a worker
#: builds rows in Python: at 5 ms a turn a 10 ms reset took 180 ms of wall time when a
#: database opened (docs/benchmarks.md); at 1 ms a turn the GUI thread gets the GIL back
#: five times sooner, for a worker's throughput that hardly changes.
GUI_SWITCH_INTERVAL = 0.001


class _Aside(QObject):
    """One piece of work on a thread of its own while the GUI thread's event loop answers
    (paints and timers; the user's input waits), and its questions for the user: a
    password the server wants is asked on the GUI thread, the worker waiting for it."""

    finished = Signal()
    wants_password = Signal(str)
    #: the work started a database's one-time ANALYZE: the window says so
    analyzing = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._answered = threading.Event()
        self._password: str | None = None

    def ask(self, shown: str) -> str | None:
        """`ask_password` for the worker: the question goes to the GUI thread."""
        self._answered.clear()
        self.wants_password.emit(shown)
        self._answered.wait()
        return self._password

    def answer(self, password: str | None) -> None:
        self._password = password
        self._answered.set()

    def run(self, work: Callable[[], T]) -> T:
        """`work()` on a thread; its result, or what it raised, on the GUI thread."""
        done = threading.Event()
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["result"] = work()
            except BaseException as exc:  # handed to the GUI thread, raised there
                box["error"] = exc
            finally:
                done.set()
                self.finished.emit()  # queued to the GUI thread: the loop below ends

        loop = QEventLoop()
        self.finished.connect(loop.quit)
        thread = threading.Thread(target=run, name="qjgis-open-database", daemon=True)
        thread.start()
        while not done.is_set():
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        thread.join()  # out of `emit` too, before this object may go
        if "error" in box:
            raise box["error"]
        return box["result"]  # type: ignore[no-any-return]


class MainWindow(QMainWindow):
    """One project at a time, shown on a MapCanvas."""

    projectOpened = Signal(str)
    projectClosing = Signal()  # before the store closes: tasks stop, docks let go
    languageChanged = Signal(str)  # after every text on screen was said again
    # path, QjgisError or None: the file's page check, run on a worker after opening
    _fileChecked = Signal(str, object)
    #: a database project's extents and counts were read aside (True) or could not be
    #: (False); `database_reading` is True until then
    databaseRead = Signal(bool)
    database_reading = False
    _reading: MapRenderer | None = None

    def __init__(self, settings: AppSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # the window's process is a GUI's: its thread is to answer first (see above)
        sys.setswitchinterval(min(sys.getswitchinterval(), GUI_SWITCH_INTERVAL))
        self.settings = settings if settings is not None else AppSettings()
        self.store: GpkgStore | None = None
        self.project_path: str | None = None
        self.last_error: str | None = None

        self.canvas = MapCanvas(parent=self)
        self.canvas.set_busy_text(t("window.drawing_map"))
        self.setCentralWidget(self.canvas)
        self._fileChecked.connect(self._file_checked)
        self._layer_counter = LayerCounter(self)
        self._layer_counter.counted.connect(self._layer_counted)
        self._check_report: Callable[[str], None] = self.show_error
        self._build_actions()
        self._build_menus()
        self._build_layer_dock()
        self._build_status_bar()
        self.canvas.cursorMoved.connect(self._show_cursor)
        self.canvas.scaleChanged.connect(self._show_scale)

        self.resize(1200, 800)
        geometry = self.settings.window_geometry
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.window_state
        if state is not None:
            self.restoreState(state)
        self._update_title()
        self.show_message(t("app.no_project"))
        from ui.gui.workbench import install

        self.workbench = install(self)

    # ------------------------------------------------------------ construction
    def _build_actions(self) -> None:
        self.action_open = QAction(t("window.open"), self)
        self.action_open.setShortcut(QKeySequence.StandardKey.Open)
        self.action_open.triggered.connect(self.choose_project)
        self.action_open_database = QAction(t("dbgui.open"), self)
        self.action_open_database.setObjectName("action_open_database")
        self.action_open_database.triggered.connect(self.choose_database)
        self.action_quit = QAction(t("window.quit"), self)
        self.action_quit.setShortcut(QKeySequence.StandardKey.Quit)
        self.action_quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.action_quit.triggered.connect(self.close)
        self.action_full_extent = QAction(t("window.full_extent"), self)
        self.action_full_extent.setIconText(t("window.full_extent_short"))
        self.action_full_extent.setShortcut(QKeySequence(Qt.Key.Key_Home))
        self.action_full_extent.setToolTip(t("window.full_extent_tip"))
        self.action_full_extent.triggered.connect(self.canvas.zoom_to_full_extent)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(t("window.menu_file"))
        file_menu.addAction(self.action_open)
        file_menu.addAction(self.action_open_database)
        self.recent_menu = QMenu(t("window.menu_recent"), self)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)
        view_menu = bar.addMenu(t("window.menu_view"))
        view_menu.addAction(self.action_full_extent)
        self.view_menu = view_menu
        toolbar = self.addToolBar(t("window.toolbar_map"))
        toolbar.setObjectName("map_toolbar")
        toolbar.addAction(self.action_full_extent)
        self._fill_recent_menu()

    def _build_layer_dock(self) -> None:
        self.layer_dock = QDockWidget(t("window.dock_layers"), self)
        self.layer_dock.setObjectName("layer_dock")
        self.layer_list = QListWidget(self.layer_dock)
        self.layer_list.itemChanged.connect(self._layer_toggled)
        self.layer_dock.setWidget(self.layer_list)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.layer_dock)
        self.resizeDocks([self.layer_dock], [200], Qt.Orientation.Horizontal)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.layer_dock.toggleViewAction())

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.counts_label = QLabel(self)
        self.coords_label = QLabel(self)
        self.scale_label = QLabel(self)
        self.crs_label = QLabel(self)
        for label in (self.counts_label, self.coords_label, self.scale_label, self.crs_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setContentsMargins(6, 0, 6, 0)
            bar.addPermanentWidget(label)
        # Room for the widest coordinates of the zone, so the bar does not jump
        # (or squeeze them) as the cursor moves.
        widest = self._coords_text(39_999_999.99, 9_999_999.99)
        self.coords_label.setMinimumWidth(
            self.coords_label.fontMetrics().horizontalAdvance(widest) + 16
        )
        self.scale_label.setMinimumWidth(
            self.scale_label.fontMetrics().horizontalAdvance(self._scale_text(9_999_999)) + 16
        )

    # ------------------------------------------------------------ language
    def set_language(self, lang: str) -> bool:
        """Switch the language now (menus, docks, open dialogs) and save the choice."""
        from ui.gui.retext import switch_language

        self.settings.language = lang
        self.settings.sync()
        if not switch_language(lang):
            return False
        self._update_title()
        self._fill_layer_list()
        self.canvas.set_busy_text(t("window.drawing_map"))
        self.languageChanged.emit(lang)
        return True

    # ------------------------------------------------------------ projects
    def choose_project(self) -> None:
        on_file = self.project_path and not is_database_url(self.project_path)
        start = str(Path(self.project_path).parent) if on_file else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(
            self,
            t("window.open_title"),
            start,
            t("window.open_filter"),
        )
        if path and not self.workbench.offer_import(path):
            self.open_project(path)

    def choose_database(self) -> OpenDatabaseDialog:
        """文件›打开数据库…: a database project by its address (non-modal, for the tests)."""
        dialog = OpenDatabaseDialog(self.settings.recent_projects, self)
        dialog.chosen.connect(lambda address: self.open_project(address))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def ask_password(self, shown: str) -> str | None:
        """The server wants a password: ask once (never echoed, never kept); None: cancel."""
        text, ok = QInputDialog.getText(
            self,
            t("dbgui.password_title"),
            t("dbgui.password_label", url=shown),
            QLineEdit.EchoMode.Password,
        )
        return text if ok and text else None

    def open_project(self, path: str | os.PathLike[str], *, report_errors: bool = True) -> bool:
        """Open and show a project, a file or a database (`postgresql://…`, `service=NAME`);
        on failure say why and keep the project that was open.

        With `report_errors` False (trying the last project at start) the reason
        goes to the status bar and `last_error` only, not into a message box.
        """
        report = self.show_error if report_errors else self._note_error
        on_database = is_database_url(path)
        try:
            if on_database:
                # The connection, the store's checks, a first opening's ANALYZE and the
                # layers' metadata: some forty round trips, on a thread while the event
                # loop answers (_open_database_aside); extents and counts come later still
                # (_read_database_aside).
                store, layers, crs = self._open_database_aside(str(path))
            else:
                # SQLite's page check reads the whole file (seconds for a district):
                # it runs on a worker while the map shows; see _file_checked.
                store = GpkgStore.open(path, verify=False)
        except QjgisError as exc:
            report(error_text(exc))
            return False
        except (OSError, ValueError, sqlite3.Error) as exc:  # past the engine's own checks
            log.exception("opening %s failed", redact(str(path)))
            report(t("window.cannot_open").format(path=redact(str(path)), detail=exc))
            return False
        counts: dict[str, int] | None = None
        if not on_database:
            try:
                layers = load_layers(store, reference=True)
                # The map's own counts: store.counts() counts every table (0.5 s at 1 M
                # parcels).
                counts = {layer.name: len(layer) for layer in layers if not is_reference(layer)}
                crs = store.settings().crs
            except (QjgisError, sqlite3.Error) as exc:
                store.close()
                text = error_text(exc) if isinstance(exc, QjgisError) else str(exc)
                report(t("window.cannot_open").format(path=store.path, detail=text))
                return False
        self.close_project()
        self.store = store
        # A database by its address without the password (store.path), never the password.
        self.project_path = store.path if on_database else str(Path(path).resolve())
        renderer = MapRenderer(layers)
        if counts is None:
            self.database_reading = True
            self.canvas.set_message(t("dbgui.reading", url=store.path))
            self.canvas.set_renderer(renderer)
            self.layer_list.clear()
            self.counts_label.setText(t("dbgui.counting"))
        else:
            self.canvas.set_message("" if renderer.full_extent() else t("window.empty_project"))
            self.canvas.set_renderer(renderer)
            self._fill_layer_list()
            self._show_counts(counts)
        self.crs_label.setText(crs)
        # Written now, put on disk in an event of its own (QSettings.sync: 10-25 ms, not
        # the opening's to wait for).
        self.settings.add_recent(self.project_path, sync=False)
        QTimer.singleShot(0, self.settings.sync)
        self._fill_recent_menu()
        self._update_title()
        self.last_error = None
        self.statusBar().showMessage(t("window.opened").format(path=self.project_path), 5000)
        if not on_database:  # the server keeps its own pages; no file to check
            self._check_file_aside(self.project_path, report)
        self.projectOpened.emit(self.project_path)
        if on_database:
            self._read_database_aside(renderer)
        return True

    def _open_database_aside(self, address: str) -> tuple[PgStore, list[Any], str]:
        """Open a database project on a thread while the window's event loop answers
        (paints, timers; the user's clicks and keys wait: nothing is opened or clicked
        halfway): the connection and `PgStore.open`'s checks, the ANALYZE of a database
        pushed a moment ago (~4 s at 100,000 parcels, once in its life: the docks' reads
        planned without statistics take minutes, session.py), and the map layers'
        metadata (settings, SRID, reference kinds), each layer's extent unknown
        (`seed(None, None)`) until `_read_database_aside` measures them. On the GUI
        thread these were ~40 round trips, 66 ms of a 100 ms budget, more under load.

        The password, if the server asks, is asked on the GUI thread (`ask_password`)
        and kept by no one: the map's and the tasks' connections take it from this one.
        Returns the store (its connection now the GUI thread's), the layers and the CRS.
        """
        relay = _Aside()
        relay.wants_password.connect(lambda shown: relay.answer(self.ask_password(shown)))
        relay.analyzing.connect(lambda: self._show_analyzing(address))

        def work() -> tuple[PgStore, list[Any], str]:
            store = PgStore.open(address, ask_password=relay.ask)
            try:
                try:
                    if session.never_analyzed(store):
                        relay.analyzing.emit()
                        analyze_if_never(store)
                except QjgisError:  # not ours to refuse the project over: it only runs slower
                    log.info("ANALYZE on %s failed", store.path, exc_info=True)
                layers = load_layers(store, reference=True)
                # extents unknown until the worker measures them: nothing on the GUI
                # thread walks a table meanwhile (ST_Extent, count(*))
                for layer in layers:
                    if isinstance(layer, PgLayer):
                        layer.seed(None, None)
                crs = store.settings().crs
            except BaseException:
                store.close()
                raise
            store.ask_password = self.ask_password  # a reconnect later asks here
            return store, layers, crs

        try:
            return relay.run(work)
        finally:
            if self._analyzing:
                self._analyzing = False
                QApplication.restoreOverrideCursor()
                self.statusBar().clearMessage()

    _analyzing = False

    def _show_analyzing(self, address: str) -> None:
        self._analyzing = True
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.statusBar().showMessage(t("dbgui.analyzing", url=redact(address)))

    def _show_counts(self, counts: dict[str, int]) -> None:
        self.counts_label.setText(
            t("window.summary").format(
                villages=f"{counts.get('villages', 0):,}",
                parcels=f"{counts.get('parcels', 0):,}",
                buildings=f"{counts.get('buildings', 0):,}",
            )
        )

    def _read_database_aside(self, renderer: MapRenderer, *, zoom: bool = True) -> None:
        """A database's extents and counts, on a worker (the project's tasks: the status
        bar shows it running): each layer's (`PgLayer.measure`), all on one connection of
        the worker's own. The window shows at once; the map zooms to the district
        (`zoom`; after an import or an undo the view stays) when they arrive
        (`_database_read`, then `databaseRead`)."""
        from ui.gui.tasks import Task

        layers = [layer for layer in renderer.layers if isinstance(layer, PgLayer)]
        self.database_reading = True
        self._reading = renderer  # the newest read: an older one ending changes nothing

        def over() -> None:
            if self._reading is renderer:
                self.database_reading = False

        def run(_store: None, feedback: object) -> dict[str, tuple[object, int]]:
            measured: dict[str, tuple[object, int]] = {}
            conn = layers[0].connect() if layers else None
            try:
                for i, layer in enumerate(layers):
                    if feedback.is_canceled():  # type: ignore[attr-defined]
                        raise Canceled()
                    feedback.set_progress((i + 1) / (len(layers) + 1), "measure")  # type: ignore[attr-defined]
                    measured[layer.name] = layer.measure(conn)
            finally:
                if conn is not None:
                    conn.close()
            return measured

        def failed(exc: BaseException) -> None:
            over()
            if self.canvas.renderer is not renderer:
                return
            text = error_text(exc) if isinstance(exc, QjgisError) else str(exc)
            self.canvas.set_message(text)
            self.statusBar().showMessage(text)
            self.databaseRead.emit(False)

        stages = {"measure": t("dbgui.measuring")}
        task = Task(
            title=t("dbgui.reading", url=self.project_path),
            run=run,  # type: ignore[arg-type]
            needs_store=False,  # measured on a connection of the worker's own
            on_done=lambda result: self._database_read(renderer, result, zoom=zoom),
            on_error=failed,
            on_canceled=over,
            stage_text=lambda stage: stages.get(stage, ""),
        )
        project = getattr(getattr(self, "workbench", None), "project", None)
        if project is None or not project.tasks.start(task):
            # no project tasks (a window without the workbench): a thread of its own
            from ui.gui.tasks import TaskManager

            creds = session.credentials(self.store)
            manager = TaskManager(None, self, opener=lambda: session.open_store(creds))
            self._database_tasks = manager
            manager.start(task)

    def _database_read(
        self, renderer: MapRenderer, measured: dict[str, tuple], *, zoom: bool = True
    ) -> None:
        """The extents and counts measured aside: the layers take them, the map zooms to
        the district (`zoom`) or draws again, the layer list and the status bar show the
        counts."""
        if self._reading is renderer:
            self.database_reading = False
        if self.canvas.renderer is not renderer:  # another project opened meanwhile
            return
        for layer in renderer.layers:
            if isinstance(layer, PgLayer) and layer.name in measured:
                extent, count = measured[layer.name]
                layer.seed(extent, count)  # type: ignore[arg-type]
        full = renderer.full_extent()
        self.canvas.set_message("" if full else t("window.empty_project"))
        if zoom:
            self.canvas.zoom_to_full_extent()
        self._fill_layer_list()
        counts = {
            name: count for name, (_e, count) in measured.items()
            if not is_reference(renderer.layer(name))
        }  # fmt: skip
        self._show_counts(counts)
        self.databaseRead.emit(True)

    def _check_file_aside(self, path: str, report: Callable[[str], None]) -> None:
        self._check_report = report

        def check() -> None:
            try:
                GpkgStore.check_file(path)
            except QjgisError as exc:
                self._fileChecked.emit(path, exc)
                return
            self._fileChecked.emit(path, None)

        threading.Thread(target=check, name="qjgis-file-check", daemon=True).start()

    def _file_checked(self, path: str, error: QjgisError | None) -> None:
        """A damaged file found after opening is closed, and the user told why."""
        if error is None or path != self.project_path:
            return
        self.close_project()
        self._check_report(error_text(error))

    def close_project(self) -> None:
        if self.store is not None:
            self.projectClosing.emit()
            self.store.close()
        self.store = None
        self.project_path = None
        self.database_reading, self._reading = False, None
        self._close_layers()
        self.canvas.set_renderer(None)
        self.layer_list.clear()
        self.counts_label.clear()
        self.crs_label.clear()
        self.coords_label.clear()
        self._update_title()

    def _close_layers(self) -> None:
        """A database layer's own connection closes with its project (a file's is let go)."""
        renderer = self.canvas.renderer
        for layer in renderer.layers if renderer is not None else []:
            if isinstance(layer, PgLayer):
                layer.close()

    @property
    def project_name(self) -> str | None:
        if self.project_path and is_database_url(self.project_path):
            return database_name(self.project_path)
        return Path(self.project_path).stem if self.project_path else None

    def _update_title(self) -> None:
        name = self.project_name
        self.setWindowTitle(f"{APP_TITLE} — {name}" if name else APP_TITLE)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_projects
        for number, path in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{number} {path}" if number < 10 else path)
            action.setData(path)
            action.triggered.connect(lambda _checked=False, p=path: self._open_recent(p))
        self.recent_menu.setEnabled(bool(recent))

    def _open_recent(self, path: str) -> None:
        # A database that did not answer stays in the list: the server may be back later.
        if not self.open_project(path) and not is_database_url(path) and not Path(path).exists():
            self.settings.remove_recent(path)
            self._fill_recent_menu()

    # ------------------------------------------------------------ messages
    def show_error(self, text: str) -> None:
        """Tell the user what went wrong: a message box, never a traceback."""
        self.last_error = text
        self.statusBar().showMessage(text, 15000)
        QMessageBox.critical(self, APP_TITLE, text)

    def _note_error(self, text: str) -> None:
        self.last_error = text
        self.statusBar().showMessage(text, 15000)

    def show_message(self, text: str) -> None:
        """A note on the empty map (and in the status bar)."""
        self.canvas.set_message(text)
        if text:
            self.statusBar().showMessage(text)

    # ------------------------------------------------------------ layers
    def _fill_layer_list(self) -> None:
        renderer = self.canvas.renderer
        self.layer_list.blockSignals(True)
        try:
            self.layer_list.clear()
            if renderer is None:
                return
            # Top of the list is drawn on top, as in every GIS.
            for layer in reversed(renderer.layers):
                item = QListWidgetItem(layer_row_text(layer))
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled
                    | Qt.ItemFlag.ItemIsSelectable
                    | Qt.ItemFlag.ItemIsUserCheckable
                )
                item.setCheckState(
                    Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked
                )
                item.setData(LAYER_ROLE, layer.name)
                self.layer_list.addItem(item)
                add_legend(self.layer_list, item, layer.style)
        finally:
            self.layer_list.blockSignals(False)
        self._layer_counter.count(renderer.layers)

    def _layer_counted(self, layer: object, _n: int) -> None:
        renderer = self.canvas.renderer
        name = getattr(layer, "name", None)
        item = self.layer_item(name) if isinstance(name, str) else None
        if item is not None and renderer is not None and renderer.layer(name) is layer:
            item.setText(layer_row_text(layer))

    def layer_item(self, name: str) -> QListWidgetItem | None:
        for row in range(self.layer_list.count()):
            item = self.layer_list.item(row)
            if item.data(LAYER_ROLE) == name:
                return item
        return None

    def _layer_toggled(self, item: QListWidgetItem) -> None:
        renderer = self.canvas.renderer
        layer = renderer.layer(item.data(LAYER_ROLE)) if renderer else None
        if layer is None:
            return
        visible = item.checkState() == Qt.CheckState.Checked
        if layer.visible != visible:
            layer.visible = visible
            self.canvas.refresh(reread=False)

    # ------------------------------------------------------------ status bar
    def _show_cursor(self, x: float, y: float) -> None:
        self.coords_label.setText(self._coords_text(x, y))

    def _coords_text(self, x: float, y: float) -> str:
        # Chinese surveyors read X as northing and Y as easting; the
        # translation reorders the two, the English text names them E and N.
        return t("window.coordinates").format(e=f"{x:,.2f}", n=f"{y:,.2f}")

    def _show_scale(self, denominator: float) -> None:
        self.scale_label.setText(self._scale_text(denominator))

    def _scale_text(self, denominator: float) -> str:
        return t("window.scale").format(scale=scale_text(denominator))

    # ------------------------------------------------------------ closing
    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.window_geometry = self.saveGeometry()
        self.settings.window_state = self.saveState()
        self.settings.sync()
        if self.store is not None:
            self.projectClosing.emit()
            self.store.close()
            self.store = None
        self.canvas.close_renderer()
        self._close_layers()
        super().closeEvent(event)
