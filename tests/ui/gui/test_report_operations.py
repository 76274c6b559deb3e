"""The window's atlas operation: a task with progress, a PDF at the end, Cancel leaves nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from qjgis.demo import build_demo
from tests.ui.gui.waiting import wait_until
from ui.gui import report_operations
from ui.gui.project import OpenProject

pytestmark = pytest.mark.gui


@pytest.fixture
def project(tmp_path: Path, qapp: object) -> OpenProject:
    path = tmp_path / "demo.gpkg"
    build_demo(path, parcels=300, seed=4)
    return OpenProject.open(str(path))


def test_atlas_task_reports_progress_and_writes_the_pdf(
    project: OpenProject, tmp_path: Path
) -> None:
    out = tmp_path / "atlas.pdf"
    seen: list[tuple[float, str]] = []
    done: list[int] = []
    project.tasks.progressed.connect(lambda _task, f, stage: seen.append((f, stage)))
    village = project.store.execute_sql("SELECT code FROM villages ORDER BY code")[0][0]
    task = report_operations.atlas(
        project, out, village=village, on_done=lambda plan, result: done.append(result.pages)
    )
    assert task is not None
    try:
        wait_until(lambda: bool(done), timeout=300)
    finally:
        project.close()
    assert out.exists() and done[0] > 1
    assert {stage for _, stage in seen} >= {"read", "draw"}


def test_atlas_task_canceled_leaves_no_file(project: OpenProject, tmp_path: Path) -> None:
    out = tmp_path / "canceled.pdf"
    ended: list[bool] = []
    project.tasks.finished.connect(lambda _task: ended.append(True))
    village = project.store.execute_sql("SELECT code FROM villages ORDER BY code")[0][0]
    task = report_operations.atlas(project, out, village=village)
    assert task is not None
    project.tasks.progressed.connect(lambda t_, f, stage: stage == "draw" and t_.feedback.cancel())
    try:
        wait_until(lambda: bool(ended), timeout=300)
    finally:
        project.close()
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
