"""The window's report operations: an atlas as a task, with progress and Cancel.

Thin, like `ui.gui.operations`: the engine plans the atlas and `layers.atlas` draws
it; here it runs on the project's task manager, so the status bar shows its
progress and Cancel stops it (the drawing processes too) without leaving a file.
Menu entries from a selected parcel, household or village call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from layers.atlas import AtlasResult, write_atlas
from layers.report_pages import Signature
from qjgis.errors import QjgisError
from qjgis.reports.atlas import AtlasPlan, plan_atlas
from qjgis.reports.content import audit_report
from ui.gui.operations import show_error
from ui.gui.project import OpenProject
from ui.gui.tasks import Task
from ui.texts import language, t
from ui.texts.report import page_words


def atlas(
    project: OpenProject,
    out: str | Path,
    *,
    village: str | None = None,
    town: str | None = None,
    force: bool = False,
    unmask: bool = False,
    as_of: dt.date | None = None,
    parent: QWidget | None = None,
    on_done: Callable[[AtlasPlan, AtlasResult], None] | None = None,
) -> Task | None:
    """Draw a village's or town's atlas to `out` (a .pdf, or a folder) as a task."""
    words = page_words(language())
    day = as_of or dt.date.today()
    target = Path(out)

    def work(store: Any, feedback: Any) -> tuple[AtlasPlan, AtlasResult]:
        plan = plan_atlas(store, village=village, town=town, force=force)
        if not plan.printed:
            raise QjgisError("report_nothing_to_print", path=str(store.path), scope=plan.scope)
        signature = Signature(store.settings().user, day.isoformat())
        title = words["atlas_title"].format(scope=village or town or "")
        result = write_atlas(
            store, plan.printed, target, words, signature, title=title,
            per_parcel=target.suffix.lower() != ".pdf", unmask=unmask, as_of=day,
            feedback=feedback,
        )  # fmt: skip
        audit_report(
            store, "atlas", plan.scope,
            {"path": result.path, "pages": result.pages, "parcels": result.parcels,
             "left_out": plan.left_out, "masked": not unmask},
            unmask,
        )  # fmt: skip
        return plan, result

    def done(value: tuple[AtlasPlan, AtlasResult]) -> None:
        if on_done is not None:
            on_done(*value)

    task = Task(
        title=t("report.task_atlas"),
        run=work,
        writes=True,  # the audit entry
        on_done=done,
        on_error=lambda exc: show_error(parent, exc),
        stage_text=lambda stage: t(f"report.stage_{stage}") if stage else "",
    )
    return task if project.tasks.start(task) else None
