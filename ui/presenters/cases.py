"""A remediation case as a person reads it: its state and the next steps it allows."""

from __future__ import annotations

from qjgis.cases.model import CaseKind, format_case_id, next_states
from ui.texts import value_text


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
