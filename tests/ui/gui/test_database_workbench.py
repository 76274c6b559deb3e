"""The workbench's own widget tests, run again on a database project.

The window's tests of the case panel, the findings dock, identify, search, the household
view, the settings dialog and the map's tools are taken as they are and given a window
opened on `postgresql://…`, the same demo district pushed to a real PostgreSQL + PostGIS
(the `window` fixture below replaces theirs; their helpers read through `window.store`,
a `PgStore` here). Each test thus shows that a clerk's step in the window works the same
on the shared database as on a file. Tests that open the file itself by its path (running
the checks beside the window, cancelling into a byte-identical file, the attachment
folder beside the file, reopening the map themes' project by `Path(store.path)`) are not
repeated: what they check has no meaning on a database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from qjgis.checks.findings import run_checks
from qjgis.demo import build_demo
from qjgis.pg.transfer import push
from qjgis.store import GpkgStore
from tests.ui.gui import test_cases_panel as cases
from tests.ui.gui import test_workbench as workbench
from ui.gui.app_settings import AppSettings
from ui.gui.main_window import MainWindow
from ui.presenters import words

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _chinese(_one_qapplication: object) -> None:
    words.set_language("zh")


def _window_on(qtbot: QtBot, tmp_path: Path, url: str) -> Iterator[MainWindow]:
    w = MainWindow(AppSettings(path=str(tmp_path / "settings.ini")))
    qtbot.addWidget(w)
    w.workbench.ask_user = False
    w.resize(1400, 900)
    assert w.open_project(url), w.last_error
    assert w.workbench.project is not None and w.workbench.project.is_database
    w.show()
    yield w
    w.close_project()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The case panel's demo district (checked, the project's user an approver)."""
    path = tmp_path_factory.mktemp("dbcases") / "demo.gpkg"
    build_demo(path, parcels=1500, seed=2)
    with GpkgStore.open(path) as store:
        run_checks(store)
        with store.transaction() as conn:
            store.write_settings(conn, {"user.name": "王审批", "user.role": "approver"})
    return path


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, demo_file: Path, pg_url: str) -> Iterator[MainWindow]:
    push(demo_file, pg_url)
    yield from _window_on(qtbot, tmp_path, pg_url)


# ---------------------------------------------------------------- the case panel (issue 16)
test_open_cases_from_the_checks_after_a_preview_and_undo_them = (
    cases.test_open_cases_from_the_checks_after_a_preview_and_undo_them
)


def test_reinforcement_to_accepted_with_a_photo(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """The case panel's test, but the history names the database login (on a database the
    server's login is who acts, not the project's user setting): the photo is kept in the
    database and shown from it."""
    from PySide6.QtGui import QColor, QImage

    from qjgis.cases.model import Disposition

    cases._open_from_checks(window)
    case = cases._case_where(window, Disposition.REINFORCEMENT, True)
    dock = cases._show_case(window, case)
    dock.button_for("dispose", Disposition.REINFORCEMENT.value).click()
    dialog = dock.dialog
    assert dialog is not None
    dialog.owner_keeps.setChecked(True)
    dialog.feasible.setChecked(True)
    cases._ok(dialog).click()
    dock.button_for("advance", "加固施工中").click()
    cases._ok(dock.dialog).click()
    photo = tmp_path / "验收照片.jpg"
    image = QImage(320, 240, QImage.Format.Format_RGB32)
    image.fill(QColor("darkgreen"))
    assert image.save(str(photo))
    dock.button_for("advance", "加固已验收").click()
    dock.dialog.add_files([str(photo)])
    dock.dialog.note.setText("村委会现场验收")
    cases._ok(dock.dialog).click()
    assert cases._state(window, case) == "加固已验收"
    assert dock.files.count() == 1 and not dock.files.item(0).icon().isNull()
    last = dock.history.topLevelItem(3)
    login = window.store.identity().login  # type: ignore[union-attr]
    assert "加固已验收" in last.text(2) and last.text(3) == login and last.text(6) == "1"
    stored = window.store.execute_sql(  # type: ignore[union-attr]
        "SELECT count(*) FROM qj_attachment_content"
    )
    assert stored[0][0] == 1  # the photo's content is in the database, for every desk


test_a_refused_self_demolition_shows_why_and_an_override_needs_a_reason = (
    cases.test_a_refused_self_demolition_shows_why_and_an_override_needs_a_reason
)
test_undo_an_advance = cases.test_undo_an_advance
test_pay_a_c_renovation = cases.test_pay_a_c_renovation
test_measure_a_plot_in_metres_and_square_metres = (
    cases.test_measure_a_plot_in_metres_and_square_metres
)
test_import_a_village_sheet_with_one_bad_row = cases.test_import_a_village_sheet_with_one_bad_row
test_dashboard_charts_click_a_village_and_export = (
    cases.test_dashboard_charts_click_a_village_and_export
)
test_a_case_panel_asks_what_is_allowed_once = cases.test_a_case_panel_asks_what_is_allowed_once

# ---------------------------------------------------------------- identify, search, settings
test_objects_have_stable_names = workbench.test_objects_have_stable_names
test_search_a_household_number = workbench.test_search_a_household_number
test_identify_a_parcel_shows_its_attributes_and_household = (
    workbench.test_identify_a_parcel_shows_its_attributes_and_household
)
test_a_click_on_the_map_identifies = workbench.test_a_click_on_the_map_identifies
test_settings_validate_at_the_field_and_undo = (
    workbench.test_settings_validate_at_the_field_and_undo
)
