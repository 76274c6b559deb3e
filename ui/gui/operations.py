"""Thin operations: one function per engine command, as the window runs it.

Each runs the command (directly, or as a task when it is long), pushes it onto
the open project's undo stack with a Chinese undo text, and shows an error as
a dialog: a plain message in the user's language, the technical details
folded under "Show Details". Widgets call these, never the store.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import shiboken6
from PySide6.QtWidgets import QMessageBox, QWidget

from qjgis.checks.findings import (
    REVIEW_ROLES,
    FindingRecord,
    Review,
    RunSummary,
    SaveRun,
    get_finding,
    list_findings,
)
from qjgis.commands import Changes, SetSettings
from qjgis.errors import Canceled, QjgisError
from qjgis.lookup import HouseholdDetail, SearchHit, household_detail, search
from ui.gui.project import OpenProject, TaskBusy
from ui.gui.tasks import Task
from ui.presenters.findings import decision_text, rule_title
from ui.presenters.words import t, t_or
from ui.texts import layer_title

log = logging.getLogger(__name__)

FINDINGS_CHANGED = Changes(tables=frozenset({"findings"}))


# ---------------------------------------------------------------- errors
def error_message(exc: BaseException) -> str:
    """An exception as one plain sentence in the user's language."""
    if isinstance(exc, QjgisError):
        from ui.texts import error_text

        return error_text(exc)
    if isinstance(exc, TaskBusy):
        return str(exc)
    if isinstance(exc, Canceled):
        return t("task.canceled")
    return t("gui.unexpected", detail=type(exc).__name__)


def show_error(parent: QWidget | None, exc: BaseException, *, title: str = "") -> QMessageBox:
    """A non-modal error dialog: the message, and the technical details folded."""
    if parent is not None and not shiboken6.isValid(parent):
        parent = None  # the dialog that asked was closed meanwhile
    box = QMessageBox(parent)
    box.setObjectName("dialog_error")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title or "qjgis")
    box.setText(error_message(exc))
    details = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    if not isinstance(exc, QjgisError | TaskBusy):
        details = "".join(traceback.format_exception(exc)).strip()
    box.setDetailedText(details)
    box.open()
    return box


# ---------------------------------------------------------------- reading
def findings(
    project: OpenProject,
    *,
    rule: str | None = None,
    village: str | None = None,
    decision: str | None = None,
) -> list[FindingRecord]:
    return list_findings(project.store, rule=rule, village=village, decision=decision)


def village_codes(project: OpenProject, village: str) -> list[str]:
    from qjgis.checks.findings import village_codes as codes

    return codes(project.store, village)


def finding(project: OpenProject, fid: int) -> FindingRecord:
    return get_finding(project.store, fid)


def finding_holders(project: OpenProject, fids: Sequence[int] | None = None) -> dict[int, str]:
    """Holder names of the open findings (or of `fids`): a household's head, a parcel's
    holder, a building's parcel's holder."""
    return finding_holders_of(project.store, fids)


def finding_holders_of(store: Any, fids: Sequence[int] | None = None) -> dict[int, str]:
    """`finding_holders` from a store (a task's own connection)."""
    where = "f.state = 'open'"
    params: list[int] = []
    if fids is not None:
        params = [int(f) for f in fids][:900]
        where = f"f.fid IN ({', '.join('?' * len(params))})" if params else "0"
    rows = store.execute_sql(
        "SELECT f.fid, CASE f.entity_kind "
        "WHEN 'household' THEN (SELECT head_name FROM households h "
        "  WHERE h.household_no = f.key LIMIT 1) "
        "WHEN 'parcel' THEN (SELECT holder_name FROM parcels p WHERE p.zddm = f.key LIMIT 1) "
        "WHEN 'building' THEN (SELECT p.holder_name FROM buildings b JOIN parcels p "
        "  ON p.zddm = b.zddm WHERE b.bdcdyh = f.key LIMIT 1) END "
        f"FROM findings f WHERE {where}",
        params,
    )
    return {int(fid): name for fid, name in rows if name}


def villages(project: OpenProject) -> list[tuple[str, str]]:
    return [
        (c, n)
        for c, n in project.store.execute_sql("SELECT code, name FROM villages ORDER BY code")
    ]


def household(project: OpenProject, household_no: str) -> HouseholdDetail:
    return household_detail(project.store, household_no)


def find(project: OpenProject, text: str) -> list[SearchHit]:
    return search(project.store, text)


def entity_bounds(
    project: OpenProject, entities: Sequence[dict[str, Any]]
) -> dict[str, list[tuple[int, tuple[float, float, float, float]]]]:
    """Map bounds of a finding's parcels and buildings, by layer: [(fid, box)]."""
    from qjgis.lookup import feature_bounds

    out: dict[str, list[tuple[int, tuple[float, float, float, float]]]] = {}
    by_layer: dict[str, list[int]] = {}
    for e in entities:
        layer = {"parcel": "parcels", "building": "buildings"}.get(e.get("kind", ""))
        if layer and e.get("fid") is not None:
            by_layer.setdefault(layer, []).append(int(e["fid"]))
    for layer, fids in by_layer.items():
        boxes = feature_bounds(project.store, layer, fids)
        out[layer] = [(fid, boxes[fid]) for fid in fids if fid in boxes]
    return out


# ---------------------------------------------------------------- review
def may_see_ids(project: OpenProject) -> bool:
    from qjgis.lookup import UNMASK_ROLES

    return project.store.settings().role in UNMASK_ROLES


def may_review(project: OpenProject) -> bool:
    return project.store.settings().role in REVIEW_ROLES


def review_finding(
    project: OpenProject,
    fid: int,
    decision: str,
    reason: str,
    *,
    expected_version: int | None = None,
    exemption: str | None = None,
    parent: QWidget | None = None,
    replace: bool = False,
    on_saved: Callable[[], None] | None = None,
) -> bool:
    """Record a reviewer's decision through the undo stack; False (with a dialog) on refusal.

    Refused because another desk changed the finding first, the conflict dialog shows
    both versions; applying yours there runs this again on the current version (and
    calls `on_saved` when that is saved)."""
    record = None
    try:
        command = Review(
            fid,
            decision,
            reason,
            expected_version=expected_version,
            exemption=exemption,
            replace=replace,
        )
    except QjgisError as exc:
        show_error(parent, exc)
        return False
    try:
        record = get_finding(project.store, fid)
        text = t(
            "undo.review",
            fid=fid,
            rule=rule_title(record.rule_id),
            decision=t(f"decision.{command.decision}"),
        )
        project.apply(command, text)
    except (QjgisError, TaskBusy) as exc:
        if not _review_conflict(project, exc, command, parent, on_saved):
            show_error(parent, exc)
        return False
    log.info("reviewed %s as %s", record.key if record else fid, decision)
    return True


def _review_conflict(
    project: OpenProject,
    exc: BaseException,
    command: Review,
    parent: QWidget | None,
    on_saved: Callable[[], None] | None,
) -> bool:
    """The conflict dialog for a review another desk beat (False: not such a refusal)."""
    from ui.gui.dialogs.conflict import is_explained_conflict, show_conflict

    if not is_explained_conflict(exc):
        return False
    fid = int(command.fid if command.fid is not None else command.finding)
    now = get_finding(project.store, fid)
    yours = [
        ("decision", now.decision, command.decision),
        ("decision_reason", now.decision_reason, command.reason),
    ]
    if command.exemption or now.decision_exemption:
        yours.append(("decision_exemption", now.decision_exemption, command.exemption))

    def redo(version: int) -> bool:
        done = review_finding(
            project, fid, command.decision, command.reason, expected_version=version,
            exemption=command.exemption, parent=parent, replace=True, on_saved=on_saved,
        )  # fmt: skip
        if done and on_saved is not None:
            on_saved()
        return done

    show_conflict(parent, exc, yours, (project.user, project.role), redo)
    return True


# ---------------------------------------------------------------- checks
def run_checks(
    project: OpenProject,
    rule_ids: Sequence[str] | None,
    as_of: dt.date | None,
    *,
    parent: QWidget | None = None,
    on_done: Callable[[RunSummary], None] | None = None,
    on_end: Callable[[], None] | None = None,
) -> Task | None:
    """Evaluate and save the checks as a writing task, its save undoable as one step."""
    from qjgis.checks.engine import evaluate

    def work(store: Any, feedback: Any) -> tuple[SaveRun, Changes]:
        evaluation = evaluate(store, rule_ids, as_of=as_of, feedback=feedback)
        command = SaveRun(evaluation)
        with store.transaction() as conn:
            # The last cancel point: past it the save commits whole.
            if feedback.is_canceled():
                raise Canceled()
            changes = command.apply(store, conn)
        return command, changes

    def done(result: tuple[SaveRun, Changes]) -> None:
        command, changes = result
        project.push_applied(command, t("undo.check"), changes)
        if on_done is not None and command.summary is not None:
            on_done(command.summary)
        if on_end is not None:
            on_end()

    def failed(exc: BaseException) -> None:
        show_error(parent, exc)
        if on_end is not None:
            on_end()

    task = Task(
        title=t("task.check"),
        run=work,
        writes=True,
        on_done=done,
        on_error=failed,
        on_canceled=on_end,
        stage_text=lambda stage: t_or(f"rule.{stage}", stage) if stage else "",
    )
    return task if project.tasks.start(task) else None


# ---------------------------------------------------------------- who is working
def set_user(project: OpenProject, name: str, role: str, *, parent: QWidget | None = None) -> bool:
    """Name who works and in which role: a settings command, undoable, audited."""
    command = SetSettings({"user.name": name.strip(), "user.role": role})
    try:
        project.apply(command, t("undo.user", name=name.strip(), role=t_or(f"role.{role}", role)))
    except (QjgisError, TaskBusy) as exc:
        show_error(parent, exc)
        return False
    project.userChanged.emit()
    return True


def decision_words(record: FindingRecord) -> str:
    return decision_text(record)


# ---------------------------------------------------------------- import
IMPORT_LAYERS = (
    "parcels", "buildings", "villages", "households",
    # reference layers (issue 19), then any other polygon layer under a name the user gives
    "landuse", "basic-farmland", "village-plan", "hazard-zones", "hazard-points", "other",
)  # fmt: skip


def _mapping_file(overrides: dict[str, str | None] | None) -> str | None:
    """The mapping table as the engine's mapping file (a temporary JSON file)."""
    if not overrides:
        return None
    import json
    import tempfile

    with tempfile.NamedTemporaryFile(
        "w", suffix=".json", delete=False, encoding="utf-8", prefix="qjgis-mapping-"
    ) as f:
        json.dump({"fields": overrides}, f, ensure_ascii=False)
        return f.name


def _import(
    store: Any,
    feedback: Any,
    layer: str,
    source: str,
    encoding: str | None,
    overrides: dict[str, str | None] | None,
    dry_run: bool,
) -> dict[str, Any]:
    import os

    from qjgis.io.importer import import_layer

    mapping = _mapping_file(overrides)
    try:
        return import_layer(
            store, layer, source, encoding=encoding, mapping_file=mapping,
            feedback=feedback, dry_run=dry_run,
        )  # fmt: skip
    finally:
        if mapping is not None:
            os.unlink(mapping)


def preview_import(
    project: OpenProject,
    layer: str,
    source: str,
    *,
    encoding: str | None = None,
    overrides: dict[str, str | None] | None = None,
    on_done: Callable[[dict[str, Any]], None],
    on_error: Callable[[BaseException], None],
) -> Task | None:
    """A dry run on the worker: encoding with samples, CRS with its reason, the mapping."""
    task = Task(
        title=t("import.previewing"),
        run=lambda store, fb: _import(store, fb, layer, source, encoding, overrides, True),
        writes=False,
        on_done=on_done,
        on_error=on_error,
    )
    return task if project.tasks.start(task) else None


def import_file(
    project: OpenProject,
    layer: str,
    source: str,
    *,
    encoding: str | None = None,
    overrides: dict[str, str | None] | None = None,
    parent: QWidget | None = None,
    on_done: Callable[[dict[str, Any]], None] | None = None,
    on_end: Callable[[], None] | None = None,
) -> Task | None:
    """Import one file as a writing task: one batch, all or nothing; cancel leaves the
    project as it was."""

    def done(report: dict[str, Any]) -> None:
        project.announce(Changes(layers=frozenset({layer}), tables=frozenset({"import_batches"})))
        if on_done is not None:
            on_done(report)
        if on_end is not None:
            on_end()

    def failed(exc: BaseException) -> None:
        show_error(parent, exc)
        if on_end is not None:
            on_end()

    task = Task(
        title=t("import.running", layer=layer_title(layer)),
        run=lambda store, fb: _import(store, fb, layer, source, encoding, overrides, False),
        writes=True,
        on_done=done,
        on_error=failed,
        on_canceled=on_end,
        stage_text=lambda stage: t_or(f"stage.{stage}", ""),
    )
    return task if project.tasks.start(task) else None


def batches(project: OpenProject) -> list[tuple[int, str, str | None, str, str | None, bool, dict]]:
    """The import batches, newest first: (id, created, user, layer, source, undone, counts)."""
    import json

    out = []
    for fid, created, user, layer, source, undone, report in project.store.execute_sql(
        "SELECT fid, created, user, layer, source, undone, report FROM import_batches "
        "ORDER BY fid DESC"
    ):
        try:
            counts = json.loads(report).get("counts", {}) if report else {}
        except ValueError:
            counts = {}
        out.append((int(fid), created, user, layer, source, bool(undone), counts))
    return out


def undo_batch(
    project: OpenProject,
    batch: int,
    layer: str,
    *,
    parent: QWidget | None = None,
    on_end: Callable[[], None] | None = None,
) -> Task | None:
    """Undo one import batch as a writing task (refused when later work depends on it),
    pushed onto the undo stack: 编辑›重做 re-applies the batch (the engine's redo)."""
    from qjgis.io.batches import UndoBatch

    command = UndoBatch(batch, layer)

    def work(store: Any, feedback: Any) -> Changes:
        command.feedback = feedback
        with store.transaction() as conn:
            return command.apply(store, conn)

    def done(changes: Changes) -> None:
        text = t("undo.batch", batch=batch, layer=layer_title(layer))
        project.push_applied(command, text, changes)
        if on_end is not None:
            on_end()

    def failed(exc: BaseException) -> None:
        show_error(parent, exc)
        if on_end is not None:
            on_end()

    task = Task(
        title=t("batch.undoing", batch=batch),
        run=work,
        writes=True,
        on_done=done,
        on_error=failed,
        on_canceled=on_end,
    )
    return task if project.tasks.start(task) else None


# ---------------------------------------------------------------- map
def finding_features(project: OpenProject) -> dict[str, dict[int, str]]:
    """Parcels and buildings with open findings (false positives left out), each with
    its worst severity: layer -> fid -> severity."""
    return finding_features_of(project.store)


def finding_features_of(store: Any) -> dict[str, dict[int, str]]:
    """`finding_features` from a store (a task's own connection)."""
    import json

    rank = {"info": 0, "warning": 1, "error": 2}
    out: dict[str, dict[int, str]] = {"parcels": {}, "buildings": {}}
    layers = {"parcel": "parcels", "building": "buildings"}
    for severity, entities in store.execute_sql(
        "SELECT severity, entities FROM findings WHERE state = 'open' "
        "AND (decision IS NULL OR decision <> 'false_positive')"
    ):
        for e in json.loads(entities):
            layer = layers.get(e.get("kind"))
            fid = e.get("fid")
            if layer is None or fid is None:
                continue
            held = out[layer].get(fid)
            if held is None or rank.get(severity, 0) > rank.get(held, 0):
                out[layer][int(fid)] = severity
    return out


def identify(project: OpenProject, layer: str, fid: int) -> tuple[dict[str, Any], str | None]:
    """A feature's record and its household's 户号 (a building's through its parcel)."""
    from qjgis.lookup import feature_record

    record = feature_record(project.store, layer, fid)
    household = record.get("household_no") if layer == "parcels" else None
    if layer == "buildings" and record.get("zddm"):
        rows = project.store.execute_sql(
            "SELECT household_no FROM parcels WHERE zddm = ? LIMIT 1", (record["zddm"],)
        )
        household = rows[0][0] if rows else None
    if household:
        exists = project.store.execute_sql(
            "SELECT 1 FROM households WHERE household_no = ? LIMIT 1", (household,)
        )
        household = household if exists else None
    return record, household


# ---------------------------------------------------------------- settings
def apply_settings(project: OpenProject, values: dict[str, Any]) -> Changes:
    """Project settings as one undoable command; raises the engine's error (the dialog
    shows it at its field)."""
    keys = t("fmt.list_sep").join(t_or(f"settings.key.{k}", k) for k in values)
    return project.apply(SetSettings(values), t("undo.settings", keys=keys))
