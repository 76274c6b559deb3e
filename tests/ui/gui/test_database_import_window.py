"""The import dialog's own tests, run again on a database project.

An empty project pushed to a real PostgreSQL + PostGIS and opened in the window: a
surveyor's shapefiles imported as a task, the map reading the new rows from PostGIS, the
batch undone and redone from the batches dock and the undo stack; reference layers too.
The tests that compare the project file's bytes (previews and cancels write nothing) are
not repeated: a database has no file to compare.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from qjgis.pg.transfer import push
from qjgis.store import GpkgStore
from tests.ui.gui import test_workbench_import as imports
from ui.gui.app_settings import AppSettings
from ui.gui.main_window import MainWindow
from ui.presenters import words

pytestmark = pytest.mark.gui

survey = imports.survey  # the surveyor's shapefiles (a module fixture)


@pytest.fixture(autouse=True)
def _chinese(_one_qapplication: object) -> None:
    words.set_language("zh")


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, pg_url: str) -> Iterator[MainWindow]:
    words.set_language("zh")
    empty = tmp_path / "empty.gpkg"
    GpkgStore.create(empty).close()
    push(empty, pg_url)
    w = MainWindow(AppSettings(path=str(tmp_path / "settings.ini")))
    qtbot.addWidget(w)
    w.workbench.ask_user = False
    assert w.open_project(pg_url), w.last_error
    assert w.workbench.project is not None and w.workbench.project.is_database
    w.show()
    yield w
    w.close_project()


test_import_as_a_task_then_undo_the_batch = imports.test_import_as_a_task_then_undo_the_batch
test_reference_layers_and_a_named_one_import_through_the_window = (
    imports.test_reference_layers_and_a_named_one_import_through_the_window
)
test_a_form_that_lists_nobody_says_so_and_import_waits = (
    imports.test_a_form_that_lists_nobody_says_so_and_import_waits
)
