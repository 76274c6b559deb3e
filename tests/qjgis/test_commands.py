"""Commands: every change applies in one transaction, is audited, and reverts by appending.

Headless tier: nothing here imports PySide6, pytest-qt, `layers` or `ui`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from qjgis import commands
from qjgis.commands import Changes, SetSettings
from qjgis.errors import QjgisError
from qjgis.store import GpkgStore, file_sha256

AUDIT_COLUMNS = ("fid", "time", "user", "role", "command", "entity", "before", "after")


def _audit(store: GpkgStore) -> list[dict[str, Any]]:
    rows = store.execute_sql(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_log ORDER BY fid")
    return [dict(zip(AUDIT_COLUMNS, row, strict=True)) for row in rows]


def _set_user(store: GpkgStore, name: str, role: str) -> None:
    """Who is at the desk: written directly, so that it leaves no audit entry of its own."""
    with store.transaction() as conn:
        store.write_settings(conn, {"user.name": name, "user.role": role})


@pytest.fixture
def staffed(project: GpkgStore) -> GpkgStore:
    _set_user(project, "张三", "reviewer")
    assert _audit(project) == []
    return project


def test_set_settings_changes_values_and_writes_one_audit_entry(
    staffed: GpkgStore, project_path: Path
) -> None:
    command = SetSettings({"area.per_person_farmland": "25", "district.name": "綦江区石角镇"})
    started = dt.datetime.now(dt.UTC)
    changes = commands.run(staffed, command)
    finished = dt.datetime.now(dt.UTC)

    assert changes == Changes(settings=frozenset({"area.per_person_farmland", "district.name"}))
    assert staffed.settings()["area.per_person_farmland"] == 25.0
    assert staffed.settings()["district.name"] == "綦江区石角镇"

    (entry,) = _audit(staffed)
    assert entry["user"] == "张三"
    assert entry["role"] == "reviewer"
    assert entry["command"] == SetSettings.name == "settings.set"
    assert entry["entity"] == "qj_settings"
    assert json.loads(entry["before"]) == {
        "area.per_person_farmland": 20.0,
        "district.name": "綦江区",
    }
    assert json.loads(entry["after"]) == {
        "area.per_person_farmland": 25.0,
        "district.name": "綦江区石角镇",
    }
    assert "綦江区石角镇" in entry["after"]  # readable Chinese, not \u escapes
    when = dt.datetime.fromisoformat(entry["time"].replace("Z", "+00:00"))
    assert started <= when <= finished  # UTC, ISO 8601

    # Committed: a fresh handle sees the values and the entry.
    with GpkgStore.open(project_path) as again:
        assert again.settings()["area.per_person_farmland"] == 25.0
        assert len(_audit(again)) == 1


def test_undo_reverts_and_appends_a_compensating_entry(
    staffed: GpkgStore, project_path: Path
) -> None:
    command = SetSettings({"area.household_max": 6, "user.role": "approver"})
    commands.run(staffed, command)
    assert staffed.settings()["area.household_max"] == 6
    history = _audit(staffed)
    assert len(history) == 1

    changes = commands.undo(staffed, command)
    assert changes.settings == frozenset({"area.household_max", "user.role"})
    assert staffed.settings()["area.household_max"] == 5
    assert staffed.settings()["user.role"] == "reviewer"

    entries = _audit(staffed)
    assert len(entries) == 2
    assert entries[0] == history[0]  # the first entry is untouched
    revert = entries[1]
    assert revert["command"] == "settings.set.revert"
    assert revert["entity"] == "qj_settings"
    assert revert["user"] == "张三"
    assert json.loads(revert["before"]) == {"area.household_max": 6, "user.role": "approver"}
    assert json.loads(revert["after"]) == {"area.household_max": 5, "user.role": "reviewer"}
    assert revert["fid"] > entries[0]["fid"]

    with GpkgStore.open(project_path) as again:
        assert again.settings()["area.household_max"] == 5
        assert len(_audit(again)) == 2
        assert again.integrity_check() == []


def test_redo_after_undo_applies_again(staffed: GpkgStore) -> None:
    command = SetSettings({"area.tolerance_m2": 15})
    commands.run(staffed, command)
    commands.undo(staffed, command)
    commands.run(staffed, command)
    assert staffed.settings()["area.tolerance_m2"] == 15.0
    assert [e["command"] for e in _audit(staffed)] == [
        "settings.set",
        "settings.set.revert",
        "settings.set",
    ]


def test_a_refused_command_changes_nothing_and_audits_nothing(
    staffed: GpkgStore, project_path: Path
) -> None:
    before = dict(staffed.settings().values)
    sha = file_sha256(project_path)
    command = SetSettings({"area.tolerance_m2": 15, "area.household_min": 6})  # min > max
    with pytest.raises(QjgisError) as exc:
        commands.run(staffed, command)
    assert exc.value.code == "invalid_setting"
    assert exc.value.params["key"] == "area.household_min"
    assert dict(staffed.settings().values) == before
    assert _audit(staffed) == []
    assert file_sha256(project_path) == sha
    with pytest.raises(RuntimeError):
        commands.undo(staffed, command)  # nothing was applied, so nothing to revert
    assert _audit(staffed) == []


def test_undo_before_run_is_refused(project: GpkgStore) -> None:
    with pytest.raises(RuntimeError):
        commands.undo(project, SetSettings({"area.tolerance_m2": 15}))
    assert _audit(project) == []


def test_audit_user_defaults_to_the_os_user(project: GpkgStore) -> None:
    commands.run(project, SetSettings({"area.tolerance_m2": 15}))
    (entry,) = _audit(project)
    assert entry["user"] == project.settings().user
    assert entry["user"]  # never empty, even without user.name
    assert entry["role"] == "admin"


def test_changing_the_crs_is_a_command_too(staffed: GpkgStore) -> None:
    command = SetSettings({"project.crs": "EPSG:4523"})
    commands.run(staffed, command)
    assert staffed.settings().crs == "EPSG:4523"
    commands.undo(staffed, command)
    assert staffed.settings().crs == "EPSG:4524"
    srs = {r[0] for r in staffed.execute_sql("SELECT srs_id FROM gpkg_geometry_columns")}
    assert srs == {4524}
    assert [json.loads(e["after"]) for e in _audit(staffed)] == [
        {"project.crs": "EPSG:4523"},
        {"project.crs": "EPSG:4524"},
    ]
