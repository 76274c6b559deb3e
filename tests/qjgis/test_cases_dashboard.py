"""The dashboard's figures beyond case_statistics (issue 16, point 7). Headless tier."""

from __future__ import annotations

from pathlib import Path

from test_cases_support import TOWN, VILLAGE, add_finding, bdcdyh, build_village, set_role

from qjgis import commands
from qjgis.cases.commands import AdvanceCase, DisposeRuin, OpenRuinCase
from qjgis.cases.dashboard import monthly_trend, multiple_homesteads


def test_multiple_homesteads_reviewed_and_pending_per_level(tmp_path: Path) -> None:
    store = build_village(tmp_path / "v.gpkg")  # H2: one confirmed QJ-R001
    add_finding(store, "QJ-R001", "H5", [])  # pending
    add_finding(store, "QJ-R001", "H6", [], state="gone")  # no longer found: not counted
    assert multiple_homesteads(store, "village") == {VILLAGE: {"mh_handled": 1, "mh_open": 1}}
    assert multiple_homesteads(store, "town") == {TOWN: {"mh_handled": 1, "mh_open": 1}}
    assert multiple_homesteads(store, "district") == {"": {"mh_handled": 1, "mh_open": 1}}
    store.close()


def test_monthly_trend_of_opened_and_closed(tmp_path: Path) -> None:
    store = build_village(tmp_path / "v.gpkg")
    for code, day in (("B1", "2026-01-10"), ("B9", "2026-01-20"), ("B10", "2026-03-02")):
        commands.run(store, OpenRuinCase(bdcdyh(code), date=day))
    commands.run(
        store,
        DisposeRuin("R1", disposition="reinforcement", owner_keeps=True, feasible=True,
                    date="2026-02-01"),
    )  # fmt: skip
    commands.run(store, AdvanceCase("R1", to="in-progress", date="2026-02-10"))
    set_role(store, "approver")
    commands.run(store, AdvanceCase("R1", to="accepted", date="2026-03-15"))
    assert monthly_trend(store) == [
        {"month": "2026-01", "opened": 2, "closed": 0, "open_at_end": 2},
        {"month": "2026-03", "opened": 1, "closed": 1, "open_at_end": 2},
    ]
    assert monthly_trend(store, village="500110999999") == []
    store.close()
