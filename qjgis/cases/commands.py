"""Commands on remediation cases: open, dispose, advance, pay, attach.

Each is a `qjgis.commands.Command`: `apply` runs inside one transaction, checks
the case's row version (two desktops on one case: the second, stale edit is
refused with `write_conflict`), appends an event to the case's history, writes
one audit entry, and returns the tables it touched. `revert` never rewrites
history: it restores the case row and appends a compensating event and audit
entry. The state machine lives in `qjgis.cases.model`; this module enforces it
and the policy's preconditions (which household, which findings, which role).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely

from qjgis.cases import attachments
from qjgis.cases.locate import (
    BuildingPlace,
    homestead_parcels,
    household_standing_buildings,
    place_buildings,
)
from qjgis.cases.model import (
    APPROVAL_STATES,
    DEMOLITION_STATES,
    ENTRY_STATE,
    NEEDS_DEADLINE,
    SUBSIDY_STATES,
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
    state_enum,
)
from qjgis.commands import Changes
from qjgis.errors import QjgisError
from qjgis.model import BuildingStatus, DangerGrade, Role
from qjgis.pg.session import is_database
from qjgis.store import GpkgStore, utc_now

QjgisError.register(
    {
        "case_not_found": "{path}: there is no case {case}",
        "building_not_found": "{path}: no building has the unit code {bdcdyh}",
        "building_ambiguous": "{path}: {count} buildings share the unit code {bdcdyh}",
        "not_a_ruin": "{path}: building {bdcdyh} is {status}, not a ruin (残垣断壁)",
        "case_exists": (
            "{path}: building {bdcdyh} already has the case {case} "
            "(a building has one case, unless it was cancelled)"
        ),
        "household_case_exists": (
            "{path}: household {household} already has the open renovation case {case}"
        ),
        "case_closed": "{path}: case {case} is closed ({state}) and cannot change",
        "case_already_disposed": (
            "{path}: case {case} already has the disposition {disposition}; "
            "cancel it and open a new case to change it"
        ),
        "transition_refused": (
            "{path}: case {case} is {state}; it cannot move to {target} (allowed: {allowed})"
        ),
        "deadline_required": "{path}: case {case}: {target} needs a deadline (--deadline)",
        "deadline_before_date": (
            "{path}: case {case}: the deadline {deadline} is before the date {date}"
        ),
        "date_before_history": (
            "{path}: case {case}: the date {date} is before its last recorded event ({last})"
        ),
        "note_required": "{path}: case {case}: {action} needs a note saying why",
        "case_no_household": (
            "{path}: case {case}: building {bdcdyh} lies on no parcel held by a household, "
            "so {disposition} cannot be checked"
        ),
        "case_needs_illegal_finding": (
            "{path}: case {case}: ordered self-demolition needs an open finding of "
            "一户多宅 (QJ-R001) or 建新不拆旧 (QJ-R002) for household {household} "
            "that a reviewer has confirmed"
        ),
        "case_not_only_homestead": (
            "{path}: case {case}: {disposition} is only for a household's only homestead; "
            "household {household} holds {count} homestead parcels"
        ),
        "case_reinforcement_conditions": (
            "{path}: case {case}: reinforcement needs the owner's wish to keep the house "
            "(--owner-keeps) and a feasible reinforcement (--feasible)"
        ),
        "override_not_allowed": (
            "{path}: {user} ({role}) cannot override a precondition: "
            "only an approver can, with a reason"
        ),
        "approval_not_allowed": (
            "{path}: case {case}: {user} ({role}) cannot move it to {state}: "
            "that is an approval, recorded only by an approver"
        ),
        "renovation_not_dangerous": (
            "{path}: building {bdcdyh} has grade {grade}; only C and D houses are renovated"
        ),
        "renovation_not_standing": "{path}: building {bdcdyh} is {status}, not a house in use",
        "renovation_no_household": (
            "{path}: building {bdcdyh} lies on no parcel held by a household of the register"
        ),
        "renovation_not_in_village": (
            "{path}: household {household} (building {bdcdyh}) does not live in the village"
        ),
        "renovation_not_only_house": (
            "{path}: household {household} (building {bdcdyh}) holds another house: {others}"
        ),
        "payment_refused_state": (
            "{path}: case {case} is {state}; subsidies are paid only once approved"
        ),
        "payment_over_subsidy": (
            "{path}: case {case}: paying {amount} would bring the total to {total}, "
            "above the approved subsidy of {subsidy}"
        ),
        "payment_fully_paid": (
            "{path}: case {case}: the approved subsidy of {subsidy} is paid in full"
        ),
        "payment_not_positive": "{path}: case {case}: a payment must be more than 0 ({amount})",
        "payment_not_renovation": "{path}: case {case}: only renovation cases receive subsidies",
    }
)

OVERRIDE_ROLES = frozenset({Role.APPROVER, Role.ADMIN})


def _today() -> dt.date:
    return dt.date.today()


def _iso(d: dt.date | str | None) -> str | None:
    if d is None:
        return None
    if isinstance(d, str):
        return dt.date.fromisoformat(d).isoformat()
    return d.isoformat()


def _event_date(date: dt.date | str | None) -> str:
    """The date an event takes effect: the one given, else today."""
    return _iso(date or _today()) or ""


def _parse_case(text: str, expected: str) -> tuple[CaseKind, int]:
    try:
        return parse_case_id(text)
    except ValueError:
        raise QjgisError(
            "invalid_argument", name="case", value=text, reason="not_case_id", examples=expected
        ) from None


def entity_of(kind: CaseKind, fid: int) -> str:
    return f"{kind.table}:{int(fid)}"


def read_cases(
    store: GpkgStore, kind: CaseKind, where: Sequence[str] = (), params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    """Case rows as dicts (with fid, kind and id) in fid order; `where` terms are ANDed."""
    sql = f"SELECT * FROM {kind.table}" + (" WHERE " + " AND ".join(where) if where else "")
    cur = store.execute_sql(sql + " ORDER BY fid", params)
    if not cur:
        return []
    names = [r[1] for r in store.execute_sql(f"PRAGMA table_info({kind.table})")]
    rows = []
    for values in cur:
        row = dict(zip(names, values, strict=True))
        row["kind"] = kind.value
        row["id"] = format_case_id(kind, row["fid"])
        rows.append(row)
    return rows


def read_case(store: GpkgStore, kind: CaseKind, fid: int) -> dict[str, Any]:
    """The case row as a dict (with fid, kind and id), or case_not_found."""
    rows = read_cases(store, kind, ["fid = ?"], [int(fid)])
    if not rows:
        raise QjgisError("case_not_found", path=store.path, case=format_case_id(kind, fid))
    return rows[0]


EVENT_COLUMNS = (
    "seq",
    "action",
    "from_state",
    "to_state",
    "disposition",
    "event_date",
    "deadline",
    "amount",
    "note",
    "evidence",
    "override_reason",
    "recorded",
    "user",
    "role",
)


def case_events(store: GpkgStore, kind: CaseKind, fid: int) -> list[dict[str, Any]]:
    rows = store.execute_sql(
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM case_events "
        "WHERE case_kind = ? AND case_fid = ? ORDER BY seq",
        [kind.value, int(fid)],
    )
    out = []
    for row in rows:
        event = dict(zip(EVENT_COLUMNS, row, strict=True))
        event["evidence"] = json.loads(event["evidence"]) if event["evidence"] else []
        out.append(event)
    return out


def paid_total(store: GpkgStore, fid: int) -> float:
    row = store.execute_sql(
        "SELECT coalesce(sum(amount), 0) FROM case_events "
        "WHERE case_kind = 'renovation' AND case_fid = ?",
        [int(fid)],
    )
    return float(row[0][0])


def paid_totals(store: GpkgStore) -> dict[int, float]:
    """`paid_total` of every renovation case with events, in one query."""
    rows = store.execute_sql(
        "SELECT case_fid, coalesce(sum(amount), 0) FROM case_events "
        "WHERE case_kind = 'renovation' GROUP BY case_fid"
    )
    return {int(fid): float(total) for fid, total in rows}


def _append_event(
    store: GpkgStore,
    conn: sqlite3.Connection,
    kind: CaseKind,
    fid: int,
    action: str,
    *,
    event_date: str,
    from_state: str | None = None,
    to_state: str | None = None,
    disposition: str | None = None,
    deadline: str | None = None,
    amount: float | None = None,
    note: str | None = None,
    evidence: Sequence[str] = (),
    override_reason: str | None = None,
) -> int:
    # The history's turn first (on a database; a file's writer holds the file): two desks
    # adding to one case at once (evidence, which moves no version) would otherwise both
    # read the same next `seq`, and the second would fail on the unique key.
    from qjgis.pg.conflict import serialise

    serialise(conn, "chain:case_events")
    seq = conn.execute(
        "SELECT coalesce(max(seq), 0) + 1 FROM case_events WHERE case_kind = ? AND case_fid = ?",
        (kind.value, int(fid)),
    ).fetchone()[0]
    s = store.settings()
    store.append_chained(  # the history is a hash chain, as the audit log (schema 5)
        conn,
        "case_events",
        {
            "case_kind": kind.value,
            "case_fid": int(fid),
            "seq": seq,
            "action": action,
            "from_state": from_state,
            "to_state": to_state,
            "disposition": disposition,
            "event_date": event_date,
            "deadline": deadline,
            "amount": amount,
            "note": note,
            "evidence": json.dumps(list(evidence)) if evidence else None,
            "override_reason": override_reason,
            "recorded": utc_now(),
            "user": s.user,
            "role": s.role.value,
        },
    )
    return int(seq)


def _last_event_date(conn: sqlite3.Connection, kind: CaseKind, fid: int) -> str | None:
    row = conn.execute(
        "SELECT max(event_date) FROM case_events WHERE case_kind = ? AND case_fid = ?",
        (kind.value, int(fid)),
    ).fetchone()
    return row[0] if row else None


def _undo_date(conn: sqlite3.Connection, kind: CaseKind, fid: int) -> str:
    # an undo takes effect on the date of the event it undoes; `recorded` says when
    return _last_event_date(conn, kind, fid) or _iso(_today()) or ""


def _check_date(
    store: GpkgStore, conn: sqlite3.Connection, case: dict[str, Any], date: str
) -> None:
    kind = CaseKind(case["kind"])
    last = _last_event_date(conn, kind, case["fid"])
    if last is not None and date < last:
        raise QjgisError(
            "date_before_history", path=store.path, case=case["id"], date=date, last=last
        )


def _check_override(store: GpkgStore, override_reason: str | None) -> None:
    s = store.settings()
    if override_reason and s.role not in OVERRIDE_ROLES:
        raise QjgisError("override_not_allowed", path=store.path, user=s.user, role=s.role.value)


def approval_problems(store: GpkgStore, case: dict[str, Any], target: str) -> list[Problem]:
    """Moving `case` to `target` is an approval the current user's role may not record
    (not overridable: an override is itself an approver's act)."""
    s = store.settings()
    if target in APPROVAL_STATES and s.role not in OVERRIDE_ROLES:
        error = QjgisError(
            "approval_not_allowed",
            path=store.path,
            case=case["id"],
            user=s.user,
            role=s.role.value,
            state=target,
        )
        return [Problem(error)]
    return []


@dataclass(frozen=True)
class Problem:
    """Why an action cannot happen now: the error it would raise, and whether an
    approver may override it with a reason (policy preconditions) or not (facts:
    a closed case, a building that is not a ruin)."""

    error: QjgisError
    overridable: bool = False


def enforce(store: GpkgStore, problems: Sequence[Problem], override_reason: str | None) -> bool:
    """Raise the first problem that stands; True when an override let one pass.

    The one place `apply` turns the checks shared with `qjgis.cases.allowed` into
    refusals: what the panel shows as impossible is exactly what would be refused.
    """
    overridden = False
    for problem in problems:
        if not problem.overridable:
            raise problem.error
        _check_override(store, override_reason)
        if not override_reason:
            raise problem.error
        overridden = True
    return overridden


def _attach_all(
    store: GpkgStore,
    conn: sqlite3.Connection,
    kind: CaseKind,
    fid: int,
    files: Sequence[str | Path],
) -> list[str]:
    return [attachments.store_file(store, conn, f, entity_of(kind, fid)).sha256 for f in files]


def _audit_changes(kind: CaseKind) -> Changes:
    return Changes(tables=frozenset({kind.table, "case_events", "audit_log"}))


# ---------------------------------------------------------------- opening
def _one_building(store: GpkgStore, bdcdyh: str) -> int:
    rows = store.execute_sql("SELECT fid FROM buildings WHERE bdcdyh = ?", [bdcdyh])
    if not rows:
        raise QjgisError("building_not_found", path=store.path, bdcdyh=bdcdyh)
    if len(rows) > 1:
        raise QjgisError("building_ambiguous", path=store.path, bdcdyh=bdcdyh, count=len(rows))
    return int(rows[0][0])


def open_case_for(store: GpkgStore, kind: CaseKind, bdcdyh: str) -> str | None:
    """The id of the building's case that is not cancelled, if any."""
    rows = store.execute_sql(
        f"SELECT fid FROM {kind.table} WHERE bdcdyh = ? AND state != ? ORDER BY fid",
        [bdcdyh, RuinState.CANCELLED.value],
    )
    return format_case_id(kind, rows[0][0]) if rows else None


class _OpenBase:
    kind: CaseKind
    name: str
    note: str | None
    fid: int | None = None
    _version: int | None = None

    def _insert(
        self,
        store: GpkgStore,
        conn: sqlite3.Connection,
        row: dict[str, Any],
        override_reason: str | None = None,
    ) -> Changes:
        """Write the new case row, its opening event and the audit entry."""
        (fid,) = store.insert_rows(conn, self.kind.table, {k: [v] for k, v in row.items()})
        self.fid, self._version = int(fid), 1
        _append_event(
            store,
            conn,
            self.kind,
            self.fid,
            "open",
            event_date=row["opened"],
            to_state=row["state"],
            note=self.note,
            override_reason=override_reason,
        )
        store.audit(conn, self.name, entity_of(self.kind, self.fid), None, row)
        return _audit_changes(self.kind)

    def revert(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        """Undo an opening: the case is cancelled (the row and its history stay)."""
        if self.fid is None:
            raise RuntimeError("revert before apply")
        case = read_case(store, self.kind, self.fid)
        cancelled = state_enum(self.kind).CANCELLED.value
        when = _undo_date(conn, self.kind, self.fid)
        store.update_row(
            conn,
            self.kind.table,
            self.fid,
            {"state": cancelled, "closed": when, "deadline": None},
            expected_version=self._version,
        )
        _append_event(
            store,
            conn,
            self.kind,
            self.fid,
            "revert",
            event_date=when,
            from_state=case["state"],
            to_state=cancelled,
            note="undo " + self.name,
        )
        store.audit(
            conn,
            self.name + ".revert",
            entity_of(self.kind, self.fid),
            {"state": case["state"]},
            {"state": cancelled},
        )
        return _audit_changes(self.kind)


def ruin_open_problems(store: GpkgStore, bdcdyh: str, place: BuildingPlace) -> list[Problem]:
    """Why a ruin case cannot be opened on this building now (empty: it can)."""
    if place.status != BuildingStatus.RUIN.value:
        error = QjgisError("not_a_ruin", path=store.path, bdcdyh=bdcdyh, status=place.status or "-")
        return [Problem(error)]
    existing = open_case_for(store, CaseKind.RUIN, bdcdyh)
    if existing:
        return [Problem(QjgisError("case_exists", path=store.path, bdcdyh=bdcdyh, case=existing))]
    return []


def _eligibility(store: GpkgStore, bdcdyh: str, place: BuildingPlace) -> QjgisError | None:
    """The renovation policy's household conditions (an approver may override them)."""
    p = store.path
    if place.household_no is None:
        return QjgisError("renovation_no_household", path=p, bdcdyh=bdcdyh)
    lives = store.execute_sql(
        "SELECT lives_in_village FROM households WHERE household_no = ?",
        [place.household_no],
    )
    if not lives:
        return QjgisError("renovation_no_household", path=p, bdcdyh=bdcdyh)
    if not lives[0][0]:
        return QjgisError(
            "renovation_not_in_village", path=p, household=place.household_no, bdcdyh=bdcdyh
        )
    others = [
        b.bdcdyh or f"fid {b.fid}"
        for b in household_standing_buildings(store, place.household_no)
        if b.parcel_fid != place.parcel_fid
    ]
    if others:
        return QjgisError(
            "renovation_not_only_house",
            path=p,
            household=place.household_no,
            bdcdyh=bdcdyh,
            others=", ".join(sorted(others)),
        )
    return None


def renovation_open_problems(store: GpkgStore, bdcdyh: str, place: BuildingPlace) -> list[Problem]:
    """Why a renovation case cannot be opened on this building now, in the order
    `OpenRenovationCase.apply` refuses them (empty: it can)."""
    p = store.path
    grade = place.danger_grade
    if grade not in {g.value for g in DangerGrade if g.dangerous}:
        error = QjgisError("renovation_not_dangerous", path=p, bdcdyh=bdcdyh, grade=grade or "-")
        return [Problem(error)]
    if place.status not in (BuildingStatus.IN_USE.value, BuildingStatus.IDLE.value):
        error = QjgisError(
            "renovation_not_standing", path=p, bdcdyh=bdcdyh, status=place.status or "-"
        )
        return [Problem(error)]
    existing = open_case_for(store, CaseKind.RENOVATION, bdcdyh)
    if existing:
        return [Problem(QjgisError("case_exists", path=p, bdcdyh=bdcdyh, case=existing))]
    out: list[Problem] = []
    problem = _eligibility(store, bdcdyh, place)
    if problem is not None:
        # without a household there is nothing to pay a subsidy to: no override
        out.append(Problem(problem, problem.code != "renovation_no_household"))
        if problem.code == "renovation_no_household":
            return out
    hh = store.execute_sql(
        "SELECT fid FROM renovation_cases WHERE household_no = ? AND state != ?",
        [place.household_no, RenovationState.CANCELLED.value],
    )
    if hh:
        error = QjgisError(
            "household_case_exists",
            path=p,
            household=place.household_no,
            case=format_case_id(CaseKind.RENOVATION, hh[0][0]),
        )
        out.append(Problem(error))
    return out


@dataclass
class OpenRuinCase(_OpenBase):
    """Open the remediation case of one ruined building (by hand, or from a QJ-R014 finding)."""

    bdcdyh: str
    date: dt.date | str | None = None
    note: str | None = None
    source: str = "manual"  # manual | check
    name = "case.open_ruin"
    kind = CaseKind.RUIN
    fid: int | None = field(default=None, init=False)
    _version: int | None = field(default=None, init=False)
    #: where the building lies, when the caller located many buildings in one join
    place: BuildingPlace | None = field(default=None, repr=False)

    def apply(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        date = _event_date(self.date)
        bfid = _one_building(store, self.bdcdyh)
        place = self.place
        if place is None or place.fid != bfid:
            (place,) = place_buildings(store, [bfid])
        enforce(store, ruin_open_problems(store, self.bdcdyh, place), None)
        row = {
            "bdcdyh": self.bdcdyh,
            "building_fid": bfid,
            "zddm": place.zddm,
            "parcel_fid": place.parcel_fid,
            "household_no": place.household_no,
            "village_code": place.village_code,
            "opened": date,
            "source": self.source,
            "state": RuinState.PENDING.value,
        }
        return self._insert(store, conn, row)


@dataclass
class OpenRenovationCase(_OpenBase):
    """A household applies to renovate its only house, graded C or D (危房改造)."""

    bdcdyh: str
    date: dt.date | str | None = None
    note: str | None = None
    override_reason: str | None = None
    name = "case.open_renovation"
    kind = CaseKind.RENOVATION
    fid: int | None = field(default=None, init=False)
    _version: int | None = field(default=None, init=False)

    def apply(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        date = _event_date(self.date)
        bfid = _one_building(store, self.bdcdyh)
        (place,) = place_buildings(store, [bfid])
        grade = place.danger_grade
        overridden = enforce(
            store, renovation_open_problems(store, self.bdcdyh, place), self.override_reason
        )
        override = self.override_reason if overridden else None
        s = store.settings()
        subsidy = s["subsidy.grade_c"] if grade == DangerGrade.C.value else s["subsidy.grade_d"]
        row = {
            "bdcdyh": self.bdcdyh,
            "building_fid": bfid,
            "zddm": place.zddm,
            "parcel_fid": place.parcel_fid,
            "household_no": place.household_no,
            "village_code": place.village_code,
            "grade": grade,
            "subsidy": float(subsidy),
            "opened": date,
            "state": RenovationState.APPLIED.value,
            "override_reason": override,
        }
        return self._insert(store, conn, row, override)


# ---------------------------------------------------------------- transitions
def _count_homesteads(store: GpkgStore, household_no: str) -> int:
    """Homestead parcels the household holds: the checks' link rule and predicate."""
    return len(homestead_parcels(store, household_no))


def illegal_findings(store: GpkgStore, household_no: str, zddm: str | None) -> list[str]:
    """Open findings of 一户多宅 / 建新不拆旧 for the household that a reviewer has
    confirmed, as rule:key. A pending finding is a candidate, not yet a violation: it
    cannot ground an order to demolish (an approver may override, with a reason)."""
    # a household among the finding's entities (a JSON list): SQLite's json_each, or
    # PostgreSQL's json_array_elements on a database project
    household_among = (
        "EXISTS (SELECT 1 FROM json_array_elements(f.entities::json) e WHERE "
        "e->>'kind' = 'household' AND e->>'key' = ?)"
        if is_database(store)
        else "EXISTS (SELECT 1 FROM json_each(f.entities) e WHERE "
        "json_extract(e.value, '$.kind') = 'household' AND json_extract(e.value, '$.key') = ?)"
    )
    rows = store.execute_sql(
        "SELECT rule_id, key FROM findings f WHERE state = 'open' "
        "AND decision = 'confirmed' "
        "AND ((rule_id = 'QJ-R001' AND key = ?) OR (rule_id = 'QJ-R002' AND (key = ? OR "
        f"{household_among}))) ORDER BY rule_id, key",
        [household_no, zddm or "", household_no],
    )
    return [f"{r}:{k}" for r, k in rows]


def closed_problems(store: GpkgStore, case: dict[str, Any]) -> list[Problem]:
    """A closed case takes no transition."""
    if is_closed(CaseKind(case["kind"]), case["state"], case.get("disposition")):
        error = QjgisError("case_closed", path=store.path, case=case["id"], state=case["state"])
        return [Problem(error)]
    return []


@dataclass
class _Transition(ABC):
    """Move a case to another state; shared by dispose and advance."""

    case: str  # "R12" / "W3"
    date: dt.date | str | None = None
    deadline: dt.date | str | None = None
    note: str | None = None
    evidence: Sequence[str | Path] = ()
    expected_version: int | None = None
    name = "case.transition"
    kind: CaseKind = field(init=False)
    fid: int = field(init=False)
    _before: dict[str, Any] = field(default_factory=dict, init=False)
    _after: dict[str, Any] = field(default_factory=dict, init=False)
    _version_after: int | None = field(default=None, init=False)
    _building: tuple[int, str | None, int] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.kind, self.fid = _parse_case(self.case, "R12, W12")

    @abstractmethod
    def _target(self, store: GpkgStore, case: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The state the case moves to and the extra columns that change with it."""

    def apply(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        case = read_case(store, self.kind, self.fid)
        # The version first: a desk that decided on a case someone has moved on since
        # (and maybe closed) is told whose change beat it, not only that it is closed.
        if self.expected_version is not None and case["row_version"] != self.expected_version:
            raise QjgisError(
                "write_conflict",
                table=self.kind.table,
                fid=self.fid,
                expected=self.expected_version,
                found=case["row_version"],
            )
        enforce(store, closed_problems(store, case), None)
        date = _event_date(self.date)
        _check_date(store, conn, case, date)
        target, changes = self._target(store, case)
        deadline = _iso(self.deadline)
        if target in {s.value for s in NEEDS_DEADLINE} and deadline is None:
            raise QjgisError("deadline_required", path=store.path, case=case["id"], target=target)
        if deadline is not None and deadline < date:
            raise QjgisError(
                "deadline_before_date",
                path=store.path,
                case=case["id"],
                deadline=deadline,
                date=date,
            )
        changes = {"state": target, "deadline": deadline, **changes}
        if is_closed(self.kind, target, changes.get("disposition", case.get("disposition"))):
            changes["closed"] = date
        if target == RuinState.CANCELLED.value and not (self.note or "").strip():
            raise QjgisError("note_required", path=store.path, case=case["id"], action=target)
        building_changes = self._building_effects(store, case, target, date, changes)
        self._before = store.update_row(
            conn, self.kind.table, self.fid, changes, expected_version=case["row_version"]
        )
        self._after = changes
        self._version_after = case["row_version"] + 1
        if building_changes is not None:
            bfid = int(case["building_fid"])
            version = store.row_version("buildings", bfid)
            old = store.update_row(conn, "buildings", bfid, building_changes, version)
            self._building = (bfid, old["status"], int(version or 0) + 1)
        shas = _attach_all(store, conn, self.kind, self.fid, self.evidence)
        _append_event(
            store,
            conn,
            self.kind,
            self.fid,
            self.action,
            event_date=date,
            from_state=case["state"],
            to_state=target,
            disposition=changes.get("disposition"),
            deadline=deadline,
            note=self.note,
            evidence=shas,
            override_reason=changes.get("override_reason"),
        )
        before = {k: self._before.get(k) for k in changes}
        after = dict(changes)
        if building_changes is not None and self._building is not None:
            before["building.status"] = self._building[1]
            after["building.status"] = building_changes["status"]
        if shas:
            after["evidence"] = shas
        store.audit(conn, self.name, entity_of(self.kind, self.fid), before, after)
        out = _audit_changes(self.kind)
        if building_changes is not None:
            out = Changes(tables=out.tables, layers=frozenset({"buildings"}))
        return out

    action = "advance"

    def _building_effects(
        self,
        store: GpkgStore,
        case: dict[str, Any],
        target: str,
        date: str,
        changes: dict[str, Any],
    ) -> dict[str, Any] | None:
        if self.kind is not CaseKind.RUIN:
            return None
        if target == RuinState.PRESERVED.value:
            (place,) = place_buildings(store, [int(case["building_fid"])])
            geom = place.geometry
            changes.update(
                {
                    "preserved_on": date,
                    "preserved_zddm": case["zddm"],
                    "preserved_parcel_area": place.parcel_area,
                    "preserved_footprint_area": place.footprint_area,
                    "preserved_footprint": None
                    if geom is None
                    else shapely.to_wkt(geom, rounding_precision=3),
                    "preserved_household_no": case["household_no"],
                }
            )
        if target in {s.value for s in DEMOLITION_STATES}:
            return {"status": BuildingStatus.DEMOLISHED.value}
        return None

    def revert(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        """Restore the case (and the building) as they were; history gets a new entry."""
        if self._version_after is None:
            raise RuntimeError("revert before apply")
        case = read_case(store, self.kind, self.fid)
        store.update_row(
            conn, self.kind.table, self.fid, self._before, expected_version=self._version_after
        )
        self._version_after += 1
        before = {k: case[k] for k in self._before}
        after = dict(self._before)
        layers: frozenset[str] = frozenset()
        if self._building is not None:
            bfid, status, version = self._building
            store.update_row(conn, "buildings", bfid, {"status": status}, version)
            before["building.status"] = BuildingStatus.DEMOLISHED.value
            after["building.status"] = status
            layers = frozenset({"buildings"})
        _append_event(
            store,
            conn,
            self.kind,
            self.fid,
            "revert",
            event_date=_undo_date(conn, self.kind, self.fid),
            from_state=case["state"],
            to_state=self._before["state"],
            disposition=self._before.get("disposition"),
            note="undo " + self.name,
        )
        store.audit(conn, self.name + ".revert", entity_of(self.kind, self.fid), before, after)
        return Changes(tables=_audit_changes(self.kind).tables, layers=layers)


@dataclass
class DisposeRuin(_Transition):
    """Classify a pending ruin case under one of the four dispositions of the policy."""

    disposition: Disposition | str = Disposition.SELF_DEMOLITION
    owner_keeps: bool = False
    feasible: bool = False
    override_reason: str | None = None
    name = "case.dispose"
    action = "dispose"

    def _target(self, store: GpkgStore, case: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        try:
            disposition = parse_disposition(str(self.disposition))
        except ValueError:
            raise QjgisError(
                "invalid_argument",
                name="disposition",
                value=self.disposition,
                reason="one_of",
                choices=", ".join(code_name(d) for d in Disposition),
            ) from None
        problems = dispose_problems(
            store, case, disposition, owner_keeps=self.owner_keeps, feasible=self.feasible
        )
        enforce(store, [q for q in problems if not q.overridable], None)
        # an override offered by someone who may not override is refused even when
        # nothing needed overriding: the attempt is the error
        _check_override(store, self.override_reason)
        overridden = enforce(store, problems, self.override_reason)
        return ENTRY_STATE[disposition].value, {
            "disposition": disposition.value,
            "override_reason": self.override_reason if overridden else None,
        }


def dispose_problems(
    store: GpkgStore,
    case: dict[str, Any],
    disposition: Disposition,
    *,
    owner_keeps: bool = True,
    feasible: bool = True,
) -> list[Problem]:
    """Why `case` cannot take `disposition` now (empty: it can). The owner's wish and
    the feasibility of reinforcement are the clerk's answers, asked by the dialog;
    the query assumes them given and lists them as inputs instead."""
    p, kind = store.path, CaseKind(case["kind"])
    if kind is not CaseKind.RUIN:
        error = QjgisError(
            "transition_refused",
            path=p,
            case=case["id"],
            state=case["state"],
            target=disposition.value,
            allowed=", ".join(s.value for s in next_states(kind, case["state"])),
        )
        return [Problem(error)]
    if case["disposition"]:
        error = QjgisError(
            "case_already_disposed", path=p, case=case["id"], disposition=case["disposition"]
        )
        return [Problem(error)]
    hh = case["household_no"]
    if hh is None:
        error = QjgisError(
            "case_no_household",
            path=p,
            case=case["id"],
            bdcdyh=case["bdcdyh"],
            disposition=disposition.value,
        )
        return [Problem(error, overridable=True)]
    if disposition is Disposition.SELF_DEMOLITION:
        if not illegal_findings(store, hh, case["zddm"]):
            error = QjgisError("case_needs_illegal_finding", path=p, case=case["id"], household=hh)
            return [Problem(error, overridable=True)]
        return []
    count = _count_homesteads(store, hh)
    if count != 1:
        error = QjgisError(
            "case_not_only_homestead",
            path=p,
            case=case["id"],
            disposition=disposition.value,
            household=hh,
            count=count,
        )
        return [Problem(error, overridable=True)]
    if disposition is Disposition.REINFORCEMENT and not (owner_keeps and feasible):
        error = QjgisError("case_reinforcement_conditions", path=p, case=case["id"])
        return [Problem(error, overridable=True)]
    return []


@dataclass
class AdvanceCase(_Transition):
    """Record that a case reached its next state (or was cancelled, with a note)."""

    to: str = ""
    name = "case.advance"
    action = "advance"

    def _target(self, store: GpkgStore, case: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        allowed = next_states(self.kind, case["state"], case.get("disposition"))
        try:
            target = parse_state(self.kind, self.to).value
        except ValueError:
            target = self.to
        if target not in {s.value for s in allowed}:
            raise QjgisError(
                "transition_refused",
                path=store.path,
                case=case["id"],
                state=case["state"],
                target=target,
                allowed=", ".join(s.value for s in allowed),
            )
        enforce(store, approval_problems(store, case, target), None)
        if target == RuinState.CANCELLED.value:
            self.action = "cancel"
        return target, {}


# ---------------------------------------------------------------- payments and files
def payment_problems(store: GpkgStore, case: dict[str, Any]) -> list[Problem]:
    """Why no subsidy can be paid on `case` now, whatever the amount (empty: it can)."""
    p = store.path
    if case["kind"] != CaseKind.RENOVATION.value:
        return [Problem(QjgisError("payment_not_renovation", path=p, case=case["id"]))]
    if case["state"] not in {s.value for s in SUBSIDY_STATES}:
        error = QjgisError("payment_refused_state", path=p, case=case["id"], state=case["state"])
        return [Problem(error)]
    paid = paid_total(store, case["fid"])
    if paid >= float(case["subsidy"]) - 1e-6:
        error = QjgisError("payment_fully_paid", path=p, case=case["id"], subsidy=case["subsidy"])
        return [Problem(error)]
    return []


@dataclass
class RecordPayment:
    """A subsidy payment to a renovation case; reverting appends the opposite amount."""

    case: str
    amount: float
    date: dt.date | str | None = None
    note: str | None = None
    expected_version: int | None = None
    name = "case.pay"
    fid: int = field(init=False)
    _version_after: int | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self._kind, self.fid = _parse_case(self.case, "W12")

    def apply(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        p = store.path
        case = read_case(store, self._kind, self.fid)
        if self._kind is not CaseKind.RENOVATION:
            raise QjgisError("payment_not_renovation", path=p, case=case["id"])
        amount = float(self.amount)
        if not amount > 0:
            raise QjgisError("payment_not_positive", path=p, case=case["id"], amount=amount)
        enforce(store, payment_problems(store, case), None)
        date = _event_date(self.date)
        _check_date(store, conn, case, date)
        total = paid_total(store, self.fid) + amount
        if total > float(case["subsidy"]) + 1e-6:
            raise QjgisError(
                "payment_over_subsidy",
                path=p,
                case=case["id"],
                amount=amount,
                total=total,
                subsidy=case["subsidy"],
            )
        # The version bump serialises payments: two desktops cannot both pay the last yuan.
        expected = self.expected_version or case["row_version"]
        store.update_row(conn, self._kind.table, self.fid, {}, expected_version=expected)
        self._version_after = int(expected) + 1
        _append_event(
            store,
            conn,
            self._kind,
            self.fid,
            "pay",
            event_date=date,
            amount=amount,
            note=self.note,
        )
        store.audit(
            conn,
            self.name,
            entity_of(self._kind, self.fid),
            {"paid": total - amount},
            {"paid": total, "amount": amount, "date": date},
        )
        return _audit_changes(self._kind)

    def revert(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        if self._version_after is None:
            raise RuntimeError("revert before apply")
        store.update_row(conn, self._kind.table, self.fid, {}, expected_version=self._version_after)
        self._version_after += 1
        before = paid_total(store, self.fid)
        _append_event(
            store,
            conn,
            self._kind,
            self.fid,
            "revert",
            event_date=_undo_date(conn, self._kind, self.fid),
            amount=-float(self.amount),
            note="undo " + self.name,
        )
        store.audit(
            conn,
            self.name + ".revert",
            entity_of(self._kind, self.fid),
            {"paid": before},
            {"paid": before - float(self.amount)},
        )
        return _audit_changes(self._kind)


@dataclass
class AttachEvidence:
    """Add photos or scans to a case; reverting records that they no longer count."""

    case: str
    files: Sequence[str | Path]
    date: dt.date | str | None = None
    note: str | None = None
    name = "case.attach"
    shas: list[str] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self._kind, self.fid = _parse_case(self.case, "R12, W12")

    def apply(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        case = read_case(store, self._kind, self.fid)
        date = _event_date(self.date)
        _check_date(store, conn, case, date)
        self.shas = _attach_all(store, conn, self._kind, self.fid, self.files)
        _append_event(
            store,
            conn,
            self._kind,
            self.fid,
            "attach",
            event_date=date,
            note=self.note,
            evidence=self.shas,
        )
        store.audit(conn, self.name, entity_of(self._kind, self.fid), None, {"evidence": self.shas})
        return Changes(tables=frozenset({"attachments", "case_events", "audit_log"}))

    def revert(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        _append_event(
            store,
            conn,
            self._kind,
            self.fid,
            "detach",
            event_date=_undo_date(conn, self._kind, self.fid),
            evidence=self.shas,
            note="undo " + self.name,
        )
        store.audit(
            conn,
            self.name + ".revert",
            entity_of(self._kind, self.fid),
            {"evidence": self.shas},
            None,
        )
        return Changes(tables=frozenset({"case_events", "audit_log"}))


def current_evidence(store: GpkgStore, kind: CaseKind, fid: int) -> list[str]:
    """Evidence hashes still attached: attach and transition events minus detaches."""
    shas: list[str] = []
    for event in case_events(store, kind, fid):
        if event["action"] == "detach":
            shas = [s for s in shas if s not in set(event["evidence"])]
        else:
            shas += [s for s in event["evidence"] if s not in shas]
    return shas


def is_overdue(case: dict[str, Any], as_of: dt.date) -> bool:
    """Open and past its deadline on `as_of`: derived, never stored."""
    deadline = case.get("deadline")
    return bool(deadline) and case.get("closed") is None and str(deadline) < as_of.isoformat()


def ruins_to_open(store: GpkgStore) -> dict[int, str]:
    """The ruins `OpenFromFindings` would open a case for now, building fid -> unit code
    in finding-key order: every open QJ-R014 finding (not dismissed) whose building is
    still a ruin and has no case yet. The window previews this list before opening."""
    rows = store.execute_sql(
        "SELECT key, entities FROM findings WHERE rule_id = 'QJ-R014' AND state = 'open' "
        "AND coalesce(decision, '') != 'false_positive' ORDER BY key"
    )
    wanted: dict[int, str] = {}
    for key, entities in rows:
        refs = json.loads(entities or "[]")
        building = next((e for e in refs if e.get("kind") == "building"), None)
        code = building["key"] if building else key
        if open_case_for(store, CaseKind.RUIN, code):
            continue
        found = store.execute_sql("SELECT fid, status FROM buildings WHERE bdcdyh = ?", [code])
        if len(found) != 1 or found[0][1] != BuildingStatus.RUIN.value:
            continue  # the finding is older than the data: the next check run settles it
        wanted[int(found[0][0])] = code
    return wanted


@dataclass
class OpenFromFindings:
    """Open a ruin case for every open QJ-R014 finding whose ruin has no case yet."""

    date: dt.date | str | None = None
    name = "case.open_from_checks"
    opened: list[OpenRuinCase] = field(default_factory=list, init=False)

    def apply(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        self.opened = []
        wanted = ruins_to_open(store)
        # one spatial join for all of them, not one per case; cases numbered in key order
        places = {p.fid: p for p in place_buildings(store, list(wanted))}
        for bfid, code in wanted.items():
            cmd = OpenRuinCase(code, date=self.date, source="check", place=places[bfid])
            cmd.apply(store, conn)
            self.opened.append(cmd)
        return _audit_changes(CaseKind.RUIN)

    def revert(self, store: GpkgStore, conn: sqlite3.Connection) -> Changes:
        for cmd in reversed(self.opened):
            cmd.revert(store, conn)
        return _audit_changes(CaseKind.RUIN)
