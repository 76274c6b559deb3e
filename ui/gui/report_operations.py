"""The window's report operations: an atlas as a task, with progress and Cancel; the
print previews of a parcel's 宗地图, a household's sheet and a village's ledgers; a
ledger as XLSX; and what a selection gives the 报表 entries to act on.

Thin, like `ui.gui.operations`: the engine reads the content (`qjgis.reports`) and
`layers` draws it; here the reading runs on the project's task manager, so the status
bar shows it and the window never waits, and the atlas's Cancel stops it (the drawing
processes too) without leaving a file. The 报表 menu and the context menus
(`ui.gui.report_menu`) call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtPrintSupport import QPrintPreviewDialog
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


# ---------------------------------------------------------------- what the menus act on
@dataclass(frozen=True)
class ReportTargets:
    """What the 报表 entries act on now: one parcel, one household, one village (each may
    be missing: its entries are then disabled)."""

    parcel_fid: int | None = None
    zddm: str | None = None
    household: str | None = None
    village: str | None = None  # code
    village_name: str | None = None

    @property
    def village_label(self) -> str:
        return self.village_name or self.village or ""


def targets_of(
    project: OpenProject | None,
    *,
    parcels: Sequence[int] = (),
    buildings: Sequence[int] = (),
    household: str | None = None,
    village: str | None = None,
) -> ReportTargets:
    """The targets of a selection: its parcel when it comes to exactly one (a building's
    through its 宗地代码), that parcel's household (linked as the identify panel links it)
    unless one is given, and the village of its parcels or household unless given."""
    if project is None:
        return ReportTargets()
    store = project.store
    fids = {int(f) for f in parcels}
    codes = [int(b) for b in buildings]
    for part in _runs(codes):
        fids |= {
            int(r[0])
            for r in store.execute_sql(
                "SELECT p.fid FROM buildings b JOIN parcels p ON p.zddm = b.zddm "
                f"WHERE b.fid IN ({','.join('?' * len(part))})",
                part,
            )
        }
    parcel = zddm = None
    villages: set[str] = set()
    rows: list[Any] = []
    for part in _runs(sorted(fids)):  # a box may select thousands of parcels
        marks = ",".join("?" * len(part))
        rows += store.execute_sql(
            f"SELECT fid, zddm, village_code FROM parcels WHERE fid IN ({marks})", part
        )
    villages = {r[2] for r in rows if r[2]}
    if len(rows) == 1:
        parcel, zddm = int(rows[0][0]), rows[0][1]
        if household is None:
            from ui.gui import operations

            household = operations.identify(project, "parcels", parcel)[1]
    if household is not None and not villages:
        rows = store.execute_sql(
            "SELECT village_code FROM households WHERE household_no = ? LIMIT 1", [household]
        )
        villages = {r[0] for r in rows if r[0]}
    if village is None and len(villages) == 1:
        village = next(iter(villages))
    name = None
    if village is not None:
        rows = store.execute_sql("SELECT name FROM villages WHERE code = ? LIMIT 1", [village])
        name = rows[0][0] if rows else None
    return ReportTargets(parcel, zddm, household, village, name)


def _runs(values: Sequence[int], size: int = 900) -> list[Sequence[int]]:
    """`values` in runs small enough for one statement's parameters."""
    return [values[i : i + size] for i in range(0, len(values), size)]


# ---------------------------------------------------------------- previews and ledgers
def ask_save_path(parent: QWidget | None, caption: str, suggested: str, filter_text: str) -> str:
    """Where to write a file ("" when the user cancels); tests replace this."""
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getSaveFileName(parent, caption, suggested, filter_text)
    return path


def _signature(project: OpenProject, day: dt.date) -> Signature:
    return Signature(project.user, day.isoformat())


def _preview_task(
    project: OpenProject,
    load: Callable[[Any], Any],
    show: Callable[[Any], QPrintPreviewDialog],
    parent: QWidget | None,
    on_ready: Callable[[QPrintPreviewDialog], None] | None,
) -> Task | None:
    """Read a report's content on a worker (and audit it, as the `report` command does),
    then open its print preview on the GUI thread."""

    def done(content: Any) -> None:
        dialog = show(content)
        if on_ready is not None:
            on_ready(dialog)

    task = Task(
        title=t("report.task_preview"),
        run=lambda store, _feedback: load(store),
        writes=True,  # the audit entry
        on_done=done,
        on_error=lambda exc: show_error(parent, exc),
    )
    return task if project.tasks.start(task) else None


def preview_parcel(
    project: OpenProject,
    fid: int,
    *,
    parent: QWidget | None = None,
    on_ready: Callable[[QPrintPreviewDialog], None] | None = None,
    as_of: dt.date | None = None,
) -> Task | None:
    """The 宗地图 of one parcel in the print preview (ID numbers masked)."""
    from layers.report_pages import draw_parcel_pages, parcel_page_count
    from qjgis.reports.content import ReportData
    from ui.gui import report_print

    words = page_words(language())
    day = as_of or dt.date.today()
    sig = _signature(project, day)

    def load(store: Any) -> Any:
        (report,) = list(ReportData.load(store, [fid], as_of=day).reports())
        pages = parcel_page_count(report, words)
        audit_report(store, "parcel", report.zddm or f"#{fid}",
                     {"preview": True, "pages": pages, "masked": True}, False)  # fmt: skip
        return report

    def show(report: Any) -> QPrintPreviewDialog:
        title = f"{words['title_parcel']} {report.zddm or ''}".strip()
        return report_print.preview(
            parent, lambda page: draw_parcel_pages(page, report, words, sig),
            title=title, author=sig.maker or "",
        )  # fmt: skip

    return _preview_task(project, load, show, parent, on_ready)


def preview_household(
    project: OpenProject,
    household_no: str,
    *,
    parent: QWidget | None = None,
    on_ready: Callable[[QPrintPreviewDialog], None] | None = None,
    as_of: dt.date | None = None,
) -> Task | None:
    """The 一户一档 sheet of one household in the print preview (ID numbers masked)."""
    from layers.report_pages import draw_household
    from qjgis.reports.content import household_report
    from ui.gui import report_print

    words = page_words(language())
    day = as_of or dt.date.today()
    sig = _signature(project, day)

    def load(store: Any) -> Any:
        sheet = household_report(store, household_no, as_of=day)
        audit_report(store, "household", household_no,
                     {"preview": True, "parcels": len(sheet.parcels), "masked": True},
                     False)  # fmt: skip
        return sheet

    def show(sheet: Any) -> QPrintPreviewDialog:
        title = f"{words['title_household']} {sheet.household.household_no}"
        return report_print.preview(
            parent, lambda page: draw_household(page, sheet, words, sig),
            title=title, author=sig.maker or "",
        )  # fmt: skip

    return _preview_task(project, load, show, parent, on_ready)


def preview_ledger(
    project: OpenProject,
    village: str,
    kind: str,
    *,
    parent: QWidget | None = None,
    on_ready: Callable[[QPrintPreviewDialog], None] | None = None,
    as_of: dt.date | None = None,
) -> Task | None:
    """A village ledger (multi | ruins | renovation) in the print preview, landscape."""
    from qjgis.reports.ledgers import village_ledger
    from ui.gui import report_print
    from ui.gui.report_command import LedgerLayout

    lang = language()
    words = page_words(lang)
    day = as_of or dt.date.today()
    sig = _signature(project, day)

    def load(store: Any) -> Any:
        led = village_ledger(store, village, kind, as_of=day)
        audit_report(store, "ledger", f"{village}:{kind}",
                     {"preview": True, "rows": len(led.rows), "masked": True}, False)  # fmt: skip
        return led

    def show(led: Any) -> QPrintPreviewDialog:
        layout = LedgerLayout.of(led, words, lang)
        return report_print.preview(
            parent, layout.draw, title=layout.title, author=sig.maker or "", landscape=True
        )

    return _preview_task(project, load, show, parent, on_ready)


def ledger_xlsx(
    project: OpenProject,
    village: str,
    kind: str,
    out: str | Path,
    *,
    parent: QWidget | None = None,
    on_done: Callable[[Path, int], None] | None = None,
    as_of: dt.date | None = None,
) -> Task | None:
    """A village ledger as a formatted XLSX, written whole or not at all, as a task."""
    from qjgis.reports.ledgers import village_ledger
    from ui.gui.report_command import LedgerLayout

    lang = language()
    words = page_words(lang)
    day = as_of or dt.date.today()
    target = Path(out)

    def work(store: Any, _feedback: Any) -> tuple[Path, int]:
        led = village_ledger(store, village, kind, as_of=day)
        LedgerLayout.of(led, words, lang).write_xlsx(target)  # whole or not at all
        audit_report(store, "ledger", f"{village}:{kind}",
                     {"path": str(target), "format": "xlsx", "rows": len(led.rows),
                      "masked": True}, False)  # fmt: skip
        return target, len(led.rows)

    task = Task(
        title=t("report.task_ledger_xlsx"),
        run=work,
        writes=True,
        on_done=lambda value: on_done(*value) if on_done is not None else None,
        on_error=lambda exc: show_error(parent, exc),
    )
    return task if project.tasks.start(task) else None
