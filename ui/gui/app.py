"""Starting the desktop application: language, font, main window, the first project.

On the very first run there is no project yet, so a demo district is built in a
worker thread under a progress dialog; Cancel reaches the generator through
its feedback object, which rolls back and leaves no file behind.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, QThread, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog

from layers.style import cjk_font_family
from qjgis.errors import Canceled, QjgisError
from qjgis.pg.url import is_database_url
from ui import texts
from ui.gui.app_settings import APPLICATION, ORGANIZATION, AppSettings
from ui.gui.busy import install_busy_notice
from ui.gui.main_window import APP_TITLE, MainWindow
from ui.gui.qt_i18n import install_qt_translator
from ui.texts import error_text, t

log = logging.getLogger(__name__)

DEMO_PARCELS = 3000
DEMO_SEED = 1
DEMO_FILE = "demo.gpkg"
_PROGRESS_STEPS = 1000


def stage_text(stage: str) -> str | None:
    """What the progress dialog says for one of the generator's stable stage codes."""
    texts = {
        "generate": t("app.stage_generate"),
        "write_project": t("app.stage_write_project"),
        "write_parcels": t("app.stage_write_parcels"),
        "write_buildings": t("app.stage_write_buildings"),
        "write_households": t("app.stage_write_households"),
        "done": t("app.stage_done"),
    }
    return texts.get(stage)


class ThreadFeedback(QObject):
    """The engine's Feedback for work in a worker thread: progress arrives as a signal."""

    progressed = Signal(float, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()

    def set_progress(self, fraction: float, stage: str = "") -> None:
        # Emitted from the worker; Qt queues it to the dialog's (main) thread.
        self.progressed.emit(float(fraction), stage)

    def is_canceled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


class DemoBuilder(QThread):
    """Runs qjgis.demo.build_demo off the GUI thread and reports how it ended."""

    succeeded = Signal(str)
    failed = Signal(str)
    canceled = Signal()

    def __init__(
        self,
        path: Path,
        feedback: ThreadFeedback,
        *,
        parcels: int = DEMO_PARCELS,
        seed: int = DEMO_SEED,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.feedback = feedback
        self.parcels = parcels
        self.seed = seed

    def run(self) -> None:
        existed = self.path.exists()
        try:
            # Imported here: the generator is heavy and only the first run needs it.
            from qjgis.demo import build_demo

            build_demo(self.path, parcels=self.parcels, seed=self.seed, feedback=self.feedback)
        except Canceled:
            self._discard(existed)
            self.canceled.emit()
        except QjgisError as exc:
            self._discard(existed)
            self.failed.emit(error_text(exc))
        except ImportError:
            self.failed.emit(t("app.no_demo_generator"))
        except Exception as exc:  # a bug must not take the window down with it
            log.exception("building the demo district failed")
            self._discard(existed)
            self.failed.emit(t("app.demo_failed").format(detail=exc))
        else:
            self.succeeded.emit(str(self.path))

    def _discard(self, existed: bool) -> None:
        # build_demo promises to leave nothing; this guards a generator that forgot.
        if not existed:
            self.path.unlink(missing_ok=True)


class DemoSession(QObject):
    """The progress dialog, feedback and worker of one demo build, wired together."""

    # "opened", "canceled" or "failed", once the worker has finished
    done = Signal(str)

    def __init__(
        self,
        window: MainWindow,
        path: Path,
        *,
        parcels: int = DEMO_PARCELS,
        seed: int = DEMO_SEED,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.path = path
        self.outcome: str | None = None
        self.feedback = ThreadFeedback(self)
        self.dialog = QProgressDialog(
            t("app.creating_demo"),
            t("app.cancel"),
            0,
            _PROGRESS_STEPS,
            window,
        )
        self.dialog.setWindowTitle(APP_TITLE)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        self.feedback.progressed.connect(self._progress)
        self.worker = DemoBuilder(path, self.feedback, parcels=parcels, seed=seed, parent=self)
        self.worker.succeeded.connect(self._succeeded)
        self.worker.canceled.connect(self._canceled)
        self.worker.failed.connect(self._failed)

    def start(self) -> None:
        self.window.show_message(t("app.creating_demo"))
        self.dialog.setValue(0)
        self.dialog.show()
        self.worker.start()

    def cancel(self) -> None:
        self.feedback.cancel()
        self.dialog.setLabelText(t("app.canceling"))

    def cancel_and_wait(self) -> None:
        """Stop the worker before the application quits."""
        if self.worker.isRunning():
            self.feedback.cancel()
            self.worker.wait()

    def _progress(self, fraction: float, stage: str) -> None:
        if self.feedback.is_canceled():
            return
        self.dialog.setValue(round(min(max(fraction, 0.0), 1.0) * _PROGRESS_STEPS))
        text = stage_text(stage)
        if text:
            self.dialog.setLabelText(text)

    def _finish(self, outcome: str) -> None:
        self.dialog.hide()
        self.outcome = outcome
        self.done.emit(outcome)

    def _succeeded(self, path: str) -> None:
        # Hidden, not closed: closing a progress dialog reports a cancel.
        self.dialog.hide()  # before open_project, which may show a message box
        self._finish("opened" if self.window.open_project(path) else "failed")

    def _canceled(self) -> None:
        self.window.show_message(t("app.demo_not_created"))
        self._finish("canceled")

    def _failed(self, text: str) -> None:
        self.dialog.hide()
        self.window.show_error(text)
        self.window.show_message(t("app.no_project"))
        self._finish("failed")


@dataclass
class Startup:
    """How the first project was chosen: project, last, demo, building or failed."""

    outcome: str
    demo: DemoSession | None = None


def demo_path() -> Path:
    """Where the first-run demo district lives: the per-user application data folder."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder) / DEMO_FILE


def open_initial_project(
    window: MainWindow,
    project: str | os.PathLike[str] | None,
    settings: AppSettings,
    *,
    demo: Path | None = None,
    parcels: int = DEMO_PARCELS,
) -> Startup:
    """Open the named project, else the last one, else the demo (building it on first run)."""
    if project is not None:
        return Startup("project" if window.open_project(project) else "failed")
    last = settings.last_project
    # The last project may be a database (kept without its password): it is asked again.
    reachable = last is not None and (is_database_url(last) or Path(last).is_file())
    if last and reachable and window.open_project(last, report_errors=False):
        return Startup("last")
    target = demo if demo is not None else demo_path()
    if target.is_file() and window.open_project(target, report_errors=False):
        return Startup("demo")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        window.show_error(t("app.cannot_create_folder").format(path=target.parent, detail=exc))
        return Startup("failed")
    session = DemoSession(window, target, parcels=parcels)
    session.start()
    return Startup("building", session)


def apply_app_font(app: QApplication) -> str | None:
    """Make the CJK-capable family the application font; returns it (None: Qt's default)."""
    family = cjk_font_family()
    if family:
        font = app.font()
        font.setFamily(family)
        app.setFont(font)
    return family


def use_language(app: QApplication, language: str) -> None:
    """Our texts, Qt's own (dialog buttons, file dialogs) and the CJK-capable font in
    `language`: what the application does at start, and the screenshot scripts too, so
    their pictures show the buttons a clerk sees."""
    texts.set_language(language)
    install_qt_translator(app, language)
    apply_app_font(app)


def run_gui(project: str | None = None, *, lang: str | None = None) -> int:
    """Run the desktop application until its window closes; returns the exit code."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    settings = AppSettings()
    language = texts.choose_language(lang, saved=settings.language)
    use_language(app, language)
    window = MainWindow(settings)
    install_busy_notice(window)  # "另一程序正在写入本项目，等待中…" while a store waits
    window.show()
    startup = open_initial_project(window, project, settings)
    try:
        return app.exec()
    finally:
        if startup.demo is not None:
            startup.demo.cancel_and_wait()
