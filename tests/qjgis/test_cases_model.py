"""The state machines as tables: every (state, target) pair, allowed or refused.

The expected table is written out here by hand from DESIGN.md's "Remediation
workflows", independently of `qjgis.cases.model`, so a change to the model's
tables that the policy does not allow fails here.
"""

from __future__ import annotations

import itertools

import pytest

from qjgis.cases.model import (
    CaseKind,
    Disposition,
    RenovationState,
    RuinState,
    code_name,
    format_case_id,
    is_closed,
    next_states,
    parse_case_id,
    parse_disposition,
    parse_state,
)

# The policy, path by path (cancellation is allowed from every open state).
RUIN_PATHS = {
    None: ["待处置"],
    "责令自行拆除": ["已下达拆除通知", "已拆除"],
    "排危加固": ["已制定加固方案", "加固施工中", "加固已验收"],
    "新建审批": ["待拆除", "已拆除", "已申请新建", "新建已批准", "新房已建成"],
    "房屋权益保全": ["待拆除", "已拆除", "已权益保全"],
}
RENOVATION_PATH = ["已申请", "已批准", "施工中", "已验收", "已入住"]
CANCELLED = "已撤销"


def _expected_ruin(disposition: str | None, state: str, target: str) -> bool:
    path = RUIN_PATHS[disposition]
    if state == CANCELLED or (state == path[-1] and disposition is not None):
        return False
    if target == CANCELLED:
        return True
    i = path.index(state)
    return i + 1 < len(path) and path[i + 1] == target


def _ruin_cases() -> list[tuple[str | None, str, str, bool]]:
    out = []
    targets = [s.value for s in RuinState]
    for disposition, path in RUIN_PATHS.items():
        for state, target in itertools.product([*path, CANCELLED], targets):
            out.append((disposition, state, target, _expected_ruin(disposition, state, target)))
    return out


@pytest.mark.parametrize(("disposition", "state", "target", "allowed"), _ruin_cases())
def test_ruin_transition_table(
    disposition: str | None, state: str, target: str, allowed: bool
) -> None:
    got = {s.value for s in next_states(CaseKind.RUIN, state, disposition)}
    assert (target in got) is allowed


def _renovation_cases() -> list[tuple[str, str, bool]]:
    out = []
    for state, target in itertools.product(
        [*RENOVATION_PATH, CANCELLED], [*RENOVATION_PATH, CANCELLED]
    ):
        if state in (RENOVATION_PATH[-1], CANCELLED):
            allowed = False
        elif target == CANCELLED:
            allowed = True
        else:
            allowed = RENOVATION_PATH.index(target) == RENOVATION_PATH.index(state) + 1
        out.append((state, target, allowed))
    return out


@pytest.mark.parametrize(("state", "target", "allowed"), _renovation_cases())
def test_renovation_transition_table(state: str, target: str, allowed: bool) -> None:
    got = {s.value for s in next_states(CaseKind.RENOVATION, state)}
    assert (target in got) is allowed


@pytest.mark.parametrize(
    ("kind", "disposition", "state", "closed"),
    [
        (CaseKind.RUIN, None, "待处置", False),
        (CaseKind.RUIN, "责令自行拆除", "已下达拆除通知", False),
        (CaseKind.RUIN, "责令自行拆除", "已拆除", True),
        # 已拆除 is a step on the way to a new build or a preservation, not their end
        (CaseKind.RUIN, "新建审批", "已拆除", False),
        (CaseKind.RUIN, "房屋权益保全", "已拆除", False),
        (CaseKind.RUIN, "排危加固", "加固已验收", True),
        (CaseKind.RUIN, "新建审批", "新房已建成", True),
        (CaseKind.RUIN, "房屋权益保全", "已权益保全", True),
        (CaseKind.RUIN, None, "已撤销", True),
        (CaseKind.RUIN, "排危加固", "已撤销", True),
        (CaseKind.RENOVATION, None, "已验收", False),
        (CaseKind.RENOVATION, None, "已入住", True),
        (CaseKind.RENOVATION, None, "已撤销", True),
    ],
)
def test_closed_states(kind: CaseKind, disposition: str | None, state: str, closed: bool) -> None:
    assert is_closed(kind, state, disposition) is closed
    assert (next_states(kind, state, disposition) == ()) is closed


def test_names_and_ids_parse_both_ways() -> None:
    assert parse_state(CaseKind.RUIN, "notice-issued") is RuinState.NOTICE_ISSUED
    assert parse_state(CaseKind.RUIN, "已拆除") is RuinState.DEMOLISHED
    assert parse_state(CaseKind.RENOVATION, "moved_in") is RenovationState.MOVED_IN
    with pytest.raises(ValueError):
        parse_state(CaseKind.RENOVATION, "demolished")
    assert parse_disposition("self-demolition") is Disposition.SELF_DEMOLITION
    assert parse_disposition("房屋权益保全") is Disposition.PRESERVATION
    assert code_name(Disposition.NEW_BUILD) == "new-build"
    assert parse_case_id("R12") == (CaseKind.RUIN, 12)
    assert parse_case_id("w-7") == (CaseKind.RENOVATION, 7)
    assert format_case_id(CaseKind.RENOVATION, 7) == "W7"
    for bad in ("12", "X3", "R", "R1.5"):
        with pytest.raises(ValueError):
            parse_case_id(bad)
