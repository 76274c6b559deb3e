"""Thin operations of the remediation cases, as the window runs them.

One function per engine command (qjgis.cases.commands): apply it through the open
project's undo stack (undo runs the command's `revert`), with an undo text in the
user's language, and show a refusal as the error dialog. Reading goes through the
engine's queries (`qjgis.cases.allowed`), never the store from a widget.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from qjgis.cases import allowed, attachments
from qjgis.cases.allowed import Allowed
from qjgis.cases.commands import (
    AdvanceCase,
    AttachEvidence,
    DisposeRuin,
    OpenFromFindings,
    OpenRenovationCase,
    OpenRuinCase,
    RecordPayment,
    case_events,
    entity_of,
    is_overdue,
    paid_totals,
    read_case,
    read_cases,
    ruins_to_open,
)
from qjgis.cases.model import CaseKind, parse_case_id
from qjgis.cases.sheet import ImportSheet
from qjgis.commands import Command
from qjgis.errors import QjgisError
from ui.gui.operations import show_error
from ui.gui.project import OpenProject, TaskBusy
from ui.presenters.cases import action_words
from ui.presenters.words import t


@dataclass(frozen=True)
class Subject:
    """What the panel shows cases for: a building, a parcel or a household."""

    layer: str  # buildings | parcels | households
    key: str  # unit code, parcel code or 户号
    fid: int | None = None


def subject_of(project: OpenProject, layer: str, fid: int) -> Subject | None:
    """The selected map feature as a subject (villages have no cases)."""
    column = {"buildings": "bdcdyh", "parcels": "zddm"}.get(layer)
    if column is None:
        return None
    rows = project.store.execute_sql(f"SELECT {column} FROM {layer} WHERE fid = ?", [int(fid)])
    if not rows or not rows[0][0]:
        return None
    return Subject(layer, str(rows[0][0]), int(fid))


def cases_of(project: OpenProject, subject: Subject, as_of: dt.date) -> list[dict[str, Any]]:
    """The subject's ruin and renovation cases, newest last, with overdue and paid."""
    column = {
        "buildings": "bdcdyh",
        "parcels": "zddm",
        "households": "household_no",
        "villages": "village_code",
    }
    paid = paid_totals(project.store)
    out = []
    for kind in CaseKind:
        for row in read_cases(project.store, kind, [f"{column[subject.layer]} = ?"], [subject.key]):
            row["overdue"] = is_overdue(row, as_of)
            row["paid"] = paid.get(row["fid"], 0.0) if kind is CaseKind.RENOVATION else None
            out.append(row)
    return out


def buildings_of(project: OpenProject, subject: Subject) -> list[str]:
    """Unit codes of the subject's buildings (for the actions that open a case)."""
    if subject.layer == "buildings":
        return [subject.key]
    if subject.layer == "parcels":
        rows = project.store.execute_sql(
            "SELECT bdcdyh FROM buildings WHERE zddm = ? AND bdcdyh IS NOT NULL ORDER BY fid",
            [subject.key],
        )
        return [r[0] for r in rows]
    return []


def allowed_for_case(project: OpenProject, case_id: str) -> list[Allowed]:
    kind, fid = parse_case_id(case_id)
    return allowed.for_case(project.store, kind, fid)


def allowed_for_building(project: OpenProject, bdcdyh: str) -> list[Allowed]:
    return allowed.for_building(project.store, bdcdyh)


def may_override(project: OpenProject) -> bool:
    return allowed.can_override(project.store)


def case_row(project: OpenProject, case_id: str) -> dict[str, Any]:
    kind, fid = parse_case_id(case_id)
    return read_case(project.store, kind, fid)


def history(project: OpenProject, case_id: str) -> list[dict[str, Any]]:
    kind, fid = parse_case_id(case_id)
    return case_events(project.store, kind, fid)


def files_of(project: OpenProject, case_id: str) -> list[dict[str, Any]]:
    """The case's attachments; a missing folder marks them missing, it is no error."""
    kind, fid = parse_case_id(case_id)
    return attachments.list_for(project.store, entity_of(kind, fid))


def preview_from_checks(project: OpenProject) -> list[str]:
    """Unit codes of the ruins `open_from_checks` would open a case for now."""
    return list(ruins_to_open(project.store).values())


# ---------------------------------------------------------------- changes
def _apply(
    project: OpenProject,
    command: Command,
    text: str,
    parent: QWidget | None,
    redo: Callable[[int], bool] | None = None,
    yours: Sequence[Sequence[Any]] = (),
) -> bool:
    try:
        project.apply(command, text)
    except (QjgisError, TaskBusy, OSError) as exc:
        # Another desk moved the case first: both versions, and the clerk's own again on
        # the current one in one click (`redo`), or dropped.
        from ui.gui.dialogs.conflict import show_conflict

        if redo is None or show_conflict(parent, exc, yours, (project.user, project.role),
                                         redo) is None:  # fmt: skip
            show_error(parent, exc)
        return False
    return True


def open_from_checks(
    project: OpenProject, date: dt.date | None = None, *, parent: QWidget | None = None
) -> list[str]:
    """Open a case for every ruin of the QJ-R014 findings without one: one undo step."""
    command = OpenFromFindings(date=date)
    if not _apply(project, command, t("undo.cases_from_checks"), parent):
        return []
    return [f"R{c.fid}" for c in command.opened]


def run_action(
    project: OpenProject,
    item: Allowed,
    *,
    case: str | None = None,
    bdcdyh: str | None = None,
    date: dt.date | None = None,
    deadline: dt.date | None = None,
    note: str | None = None,
    owner_keeps: bool = False,
    feasible: bool = False,
    amount: float | None = None,
    files: Sequence[str | Path] = (),
    override_reason: str | None = None,
    parent: QWidget | None = None,
    expected_version: int | None = None,
) -> bool:
    """Run the engine command behind one allowed action; False (with a dialog) if refused.

    `expected_version`: the case's row version the clerk saw; a case another desk has
    moved on since is refused and shown in the conflict dialog."""
    note = note or None
    command: Command
    if item.action == "open_ruin":
        command = OpenRuinCase(str(bdcdyh), date=date, note=note)
    elif item.action == "open_renovation":
        command = OpenRenovationCase(
            str(bdcdyh), date=date, note=note, override_reason=override_reason or None
        )
    elif item.action == "dispose":
        command = DisposeRuin(
            str(case),
            date=date,
            deadline=deadline,
            note=note,
            evidence=list(files),
            disposition=str(item.target),
            owner_keeps=owner_keeps,
            feasible=feasible,
            override_reason=override_reason or None,
            expected_version=expected_version,
        )
    elif item.action == "advance":
        command = AdvanceCase(
            str(case),
            to=str(item.target),
            date=date,
            deadline=deadline,
            note=note,
            evidence=list(files),
            expected_version=expected_version,
        )
    elif item.action == "pay":
        command = RecordPayment(
            str(case), float(amount or 0), date=date, note=note, expected_version=expected_version
        )
    elif item.action == "attach":
        command = AttachEvidence(str(case), list(files), date=date, note=note)
    else:
        raise ValueError(item.action)
    text = t("undo.case_action", case=case or bdcdyh or "", action=action_words(item))
    if expected_version is None or case is None:
        return _apply(project, command, text, parent)

    def redo(version: int) -> bool:
        return run_action(
            project, item, case=case, bdcdyh=bdcdyh, date=date, deadline=deadline, note=note,
            owner_keeps=owner_keeps, feasible=feasible, amount=amount, files=files,
            override_reason=override_reason, parent=parent, expected_version=version,
        )  # fmt: skip

    return _apply(project, command, text, parent, redo, _yours(project, case, item, amount))


def _yours(
    project: OpenProject, case: str, item: Allowed, amount: float | None
) -> list[tuple[str, Any, Any]]:
    """What the refused action would have set, from what the case holds now."""
    try:
        now = case_row(project, case)
    except QjgisError:
        now = {}
    if item.action == "pay":
        return [("amount", None, amount)]
    if item.action == "dispose":
        return [("disposition", now.get("disposition"), item.target)]
    if item.action == "advance":
        return [("state", now.get("state"), item.target)]
    return []


# ---------------------------------------------------------------- village sheets
class _DryRun(Exception):
    """Raised inside the preview's transaction so that it rolls back."""


def export_village_sheet(
    project: OpenProject, village: str, out: str | Path, *, parent: QWidget | None = None
) -> dict[str, Any] | None:
    """Write the village's open cases for its cadres (the project does not change)."""
    from qjgis.cases.sheet import export_sheet

    try:
        return export_sheet(project.store, village, out, dt.date.today())
    except (QjgisError, OSError) as exc:
        show_error(parent, exc)
        return None


def preview_sheet(project: OpenProject, path: str | Path) -> ImportSheet:
    """What importing the sheet would apply and which rows are invalid, with nothing kept:
    the rows are applied in one transaction that is then rolled back. Raises what the
    engine raises for a sheet that cannot be read at all (another project, no identity)."""
    command = ImportSheet(path, apply_valid=True)
    if (task := project.tasks.writing_task()) is not None:
        raise TaskBusy(task.title)
    try:
        with project.store.transaction() as conn:
            command.apply(project.store, conn)
            raise _DryRun
    except _DryRun:
        pass
    return command


def import_village_sheet(
    project: OpenProject, path: str | Path, *, apply_valid: bool, parent: QWidget | None = None
) -> ImportSheet | None:
    """Apply the sheet as one undo step; the valid rows only when the clerk chose so."""
    command = ImportSheet(path, apply_valid=apply_valid)
    if not _apply(project, command, t("undo.sheet_import", file=Path(path).name), parent):
        return None
    return command


# ---------------------------------------------------------------- dashboard
def dashboard_rows(project: OpenProject, level: str, as_of: dt.date) -> list[dict[str, Any]]:
    """`case_statistics` per group with 一户多宅 handled/open added (groups with either)."""
    return dashboard_rows_of(project.store, level, as_of)


def dashboard_rows_of(store: Any, level: str, as_of: dt.date) -> list[dict[str, Any]]:
    """`dashboard_rows` on a store (a task's own connection, on a worker)."""
    from qjgis.cases.dashboard import multiple_homesteads
    from qjgis.cases.stats import case_statistics, stat_keys

    rows = {r["code"] or "": r for r in case_statistics(store, level, as_of)}
    mh = multiple_homesteads(store, level)
    names = {}
    if level == "village":
        names = dict(store.execute_sql("SELECT code, name FROM villages"))
    elif level == "town":
        names = dict(store.execute_sql("SELECT code, name FROM towns"))
    for code in mh:
        if code not in rows:
            row: dict[str, Any] = {"level": level, "code": code or None, "name": names.get(code)}
            row |= dict.fromkeys(stat_keys(), 0)
            rows[code] = row
    out = []
    for code in sorted(rows):
        row = rows[code]
        row |= mh.get(code, {"mh_handled": 0, "mh_open": 0})
        out.append(row)
    return out


def dashboard_trend(project: OpenProject, village: str | None = None) -> list[dict[str, Any]]:
    from qjgis.cases.dashboard import monthly_trend

    return monthly_trend(project.store, village)


def village_bounds(project: OpenProject, code: str) -> tuple[float, float, float, float] | None:
    from qjgis.lookup import feature_bounds

    rows = project.store.execute_sql("SELECT fid FROM villages WHERE code = ?", [code])
    boxes = feature_bounds(project.store, "villages", [int(r[0]) for r in rows])
    return next(iter(boxes.values()), None)
