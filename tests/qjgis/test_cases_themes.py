"""Map themes' categories and their saved colours (issue 16, point 6). Headless tier."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_cases_support import bdcdyh, build_village

from qjgis import commands
from qjgis.cases.commands import AdvanceCase, DisposeRuin, OpenRenovationCase, OpenRuinCase
from qjgis.cases.themes import DEFAULT_STYLES, categories, styles
from qjgis.commands import SetSettings
from qjgis.errors import QjgisError
from qjgis.store import GpkgStore


def _fid(store: GpkgStore, code: str) -> int:
    rows = store.execute_sql("SELECT fid FROM buildings WHERE bdcdyh = ?", [bdcdyh(code)])
    return int(rows[0][0])


def test_progress_and_renovation_categories(tmp_path: Path) -> None:
    store = build_village(tmp_path / "v.gpkg")
    for code in ("B1", "B9", "B10"):
        commands.run(store, OpenRuinCase(bdcdyh(code), date="2026-01-01"))
    commands.run(store, DisposeRuin("R2", disposition="new-build", deadline="2026-02-01",
                                    date="2026-01-02"))  # fmt: skip
    commands.run(store, DisposeRuin("R3", disposition="preservation", deadline="2026-09-01",
                                    date="2026-01-02"))  # fmt: skip
    commands.run(store, AdvanceCase("R1", to="cancelled", note="重复", date="2026-01-03"))
    cats = categories(store, "progress", dt.date(2026, 3, 1))
    assert cats == {_fid(store, "B9"): "overdue", _fid(store, "B10"): "preservation"}
    assert categories(store, "progress", dt.date(2026, 1, 15))[_fid(store, "B9")] == "new-build"
    commands.run(store, OpenRenovationCase(bdcdyh("B4"), date="2026-01-01"))
    reno = categories(store, "renovation", dt.date(2026, 3, 1))
    graded = {_fid(store, c) for c in ("B4", "B5", "B6", "B8")}  # the C/D houses
    assert set(reno) == graded and reno[_fid(store, "B4")] == "applied"
    assert {reno[f] for f in graded - {_fid(store, "B4")}} == {"no_case"}
    assert categories(store, "findings", dt.date(2026, 3, 1)) == {}
    store.close()


def test_colours_are_project_settings_and_validated(tmp_path: Path) -> None:
    store = build_village(tmp_path / "v.gpkg")
    assert styles(store, "progress") == DEFAULT_STYLES["progress"]
    commands.run(store, SetSettings({"map.theme_styles": {"progress": {"overdue": "#FF0000"}}}))
    assert styles(store, "progress")["overdue"] == "#ff0000"
    assert styles(store, "progress")["closed"] == DEFAULT_STYLES["progress"]["closed"]
    for bad in ({"progress": {"overdue": "red"}}, {"progress": {"nope": "#000000"}},
                {"dashboard": {}}):  # fmt: skip
        with pytest.raises(QjgisError):
            commands.run(store, SetSettings({"map.theme_styles": bad}))
    with pytest.raises(QjgisError):
        commands.run(store, SetSettings({"map.theme": "heatmap"}))
    store.close()
