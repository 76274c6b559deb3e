"""A remediation case as a person reads it: its state and the next steps it allows."""

from __future__ import annotations

from typing import Any

from qjgis.cases.allowed import Allowed
from qjgis.cases.model import CaseKind, format_case_id, next_states
from qjgis.errors import QjgisError
from ui.texts import error_text, has, language, t, value_text


def state_text(kind: str, state: str | None) -> str:
    """A state stored in Chinese, named in the current language."""
    return value_text(state, f"{kind}_state") if state else ""


def next_steps(kind: str, state: str, disposition: str | None = None) -> list[str]:
    """The states the case may move to next, in words (dispositions are chosen apart)."""
    return [state_text(kind, s.value) for s in next_states(CaseKind(kind), state, disposition)]


def case_line(kind: str, fid: int, state: str, disposition: str | None = None) -> str:
    """`R12 待处置 → 已撤销` : the case, where it stands and where it may go."""
    nexts = next_steps(kind, state, disposition)
    head = f"{format_case_id(CaseKind(kind), fid)} {value_text(kind, 'case_kind')} "
    head += state_text(kind, state)
    return head + (" → " + " / ".join(nexts) if nexts else "")


def reason_words(error: QjgisError) -> str:
    """A precondition in words, without the project path the CLI's error line starts with:
    on the case panel the project is the one on screen."""
    if "path" not in error.params:
        return error_text(error)
    text = error_text(QjgisError(error.code, **{**error.params, "path": "\0"}))
    return text.replace("\0", "", 1).lstrip("：: ")


def action_words(item: Allowed) -> str:
    """`推进至 加固施工中`, `处置为 排危加固`, `拨付补助`: the action as a button reads."""
    if item.target is None and has(f"allowed_action.{item.action}_any"):
        return t(f"allowed_action.{item.action}_any")  # `推进` of a closed case
    target = value_text(item.target) if item.target else ""
    return t(f"allowed_action.{item.action}", target=target)


def needs_words(item: Allowed) -> str:
    sep = "、" if language() == "zh" else ", "
    return sep.join(t(f"need.{n}") for n in item.needs)


def allowed_dict(item: Allowed) -> dict[str, Any]:
    """The engine's answer with the words added, for `--json` and the panel alike."""
    out = item.as_dict()
    out["label"] = action_words(item)
    for reason, error in zip(out["reasons"], item.reasons, strict=True):
        reason["message"] = reason_words(error)
    return out


def allowed_line(item: Allowed) -> str:
    """One line: ✓/✗, the action, and what it asks for or why it cannot happen now."""
    parts = [("✓ " if item.possible else "✗ ") + action_words(item)]
    if item.max_amount is not None:
        parts.append(t("allowed_max_amount", amount=item.max_amount))
    if item.possible and item.needs:
        parts.append(t("allowed_needs", needs=needs_words(item)))
    parts += [reason_words(e) for e in item.reasons]
    if item.overridable:
        parts.append(t("allowed_overridable"))
    return " — ".join(parts)


#: sheet row errors -> the column (key of `qjgis.cases.sheet.COLUMNS`) the cadre must fix
_SHEET_ERROR_COLUMNS = {
    "sheet_row_case": "case",
    "sheet_row_village": "case",
    "sheet_row_state": "reached",
    "sheet_row_incomplete": "reached",
    "sheet_row_date": "date",
    "sheet_row_version": "version",
    "write_conflict": "version",
    "date_before_history": "date",
    "deadline_required": "reached",
    "note_required": "note",
}


def sheet_error_column(error: QjgisError) -> str:
    """The sheet's column header a row error points at (the state reached by default:
    a refused transition is the cadre's report, not the case's fault)."""
    from qjgis.cases.sheet import HEADERS

    if error.code == "sheet_row_formula":
        return str(error.params.get("column", ""))
    return HEADERS[_SHEET_ERROR_COLUMNS.get(error.code, "reached")]
