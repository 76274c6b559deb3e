"""The attribute table's own tests, run again on a database project.

The 100,000-parcel grid pushed to a real PostgreSQL + PostGIS and opened in the window:
pages read on demand, sorting and filtering in the server's SQL on a worker, selected rows
highlighted on the map, a box on the map selecting the table's rows, the filtered and
sorted rows exported as a task.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qjgis.pg.transfer import push
from tests.ui.gui import test_attribute_table as table
from ui.gui.app_settings import AppSettings
from ui.gui.main_window import MainWindow
from ui.presenters import words

pytestmark = pytest.mark.gui

big = table.big  # the 100,000-parcel grid (a module fixture)


@pytest.fixture(autouse=True)
def _chinese(_one_qapplication: object) -> None:
    words.set_language("zh")


@pytest.fixture(scope="module")
def window(
    qapp: object, tmp_path_factory: pytest.TempPathFactory, big: Path, pg_server: object
) -> Iterator[MainWindow]:
    url = pg_server.new_database()  # type: ignore[attr-defined]
    push(big, url)
    words.set_language("zh")
    w = MainWindow(AppSettings(path=str(tmp_path_factory.mktemp("s") / "settings.ini")))
    w.workbench.ask_user = False
    assert w.open_project(url), w.last_error
    assert w.workbench.project is not None and w.workbench.project.is_database
    w.show()
    yield w
    w.close_project()
    w.close()
    w.deleteLater()
    pg_server.drop_database(url)  # type: ignore[attr-defined]


test_pages_through_100000_parcels = table.test_pages_through_100000_parcels
test_sort_and_filter_in_sql = table.test_sort_and_filter_in_sql
test_selected_rows_are_highlighted_on_the_map = table.test_selected_rows_are_highlighted_on_the_map
test_box_selection_on_the_map_selects_the_table_rows = (
    table.test_box_selection_on_the_map_selects_the_table_rows
)
test_export_the_filtered_sorted_rows_as_a_task = (
    table.test_export_the_filtered_sorted_rows_as_a_task
)
