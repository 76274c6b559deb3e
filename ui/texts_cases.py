"""Words for the remediation cases: error messages and CLI labels, through Qt translation."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def error_templates() -> dict[str, str]:
    return {
        "attachment_too_large": QCoreApplication.translate(
            "Errors", "{path}: {size} bytes is more than the {limit} bytes an attachment may have"
        ),
        "attachment_type": QCoreApplication.translate(
            "Errors", "{path}: not an accepted attachment type (accepted: {accepted})"
        ),
        "attachment_unreadable": QCoreApplication.translate(
            "Errors", "{path}: the image cannot be read ({detail})"
        ),
        "case_not_found": QCoreApplication.translate("Errors", "{path}: there is no case {case}"),
        "building_not_found": QCoreApplication.translate(
            "Errors", "{path}: no building has the unit code {bdcdyh}"
        ),
        "building_ambiguous": QCoreApplication.translate(
            "Errors", "{path}: {count} buildings share the unit code {bdcdyh}"
        ),
        "not_a_ruin": QCoreApplication.translate(
            "Errors", "{path}: building {bdcdyh} is {status}, not a ruin (残垣断壁)"
        ),
        "case_exists": QCoreApplication.translate(
            "Errors",
            "{path}: building {bdcdyh} already has the case {case} "
            "(a building has one case, unless it was cancelled)",
        ),
        "household_case_exists": QCoreApplication.translate(
            "Errors", "{path}: household {household} already has the open renovation case {case}"
        ),
        "case_closed": QCoreApplication.translate(
            "Errors", "{path}: case {case} is closed ({state}) and cannot change"
        ),
        "case_already_disposed": QCoreApplication.translate(
            "Errors",
            "{path}: case {case} already has the disposition {disposition}; cancel it and open "
            "a new case to change it",
        ),
        "transition_refused": QCoreApplication.translate(
            "Errors",
            "{path}: case {case} is {state}; it cannot move to {target} (allowed: {allowed})",
        ),
        "deadline_required": QCoreApplication.translate(
            "Errors", "{path}: case {case}: {target} needs a deadline (--deadline)"
        ),
        "deadline_before_date": QCoreApplication.translate(
            "Errors", "{path}: case {case}: the deadline {deadline} is before the date {date}"
        ),
        "date_before_history": QCoreApplication.translate(
            "Errors",
            "{path}: case {case}: the date {date} is before its last recorded event ({last})",
        ),
        "note_required": QCoreApplication.translate(
            "Errors", "{path}: case {case}: {action} needs a note saying why"
        ),
        "case_no_household": QCoreApplication.translate(
            "Errors",
            "{path}: case {case}: building {bdcdyh} lies on no parcel held by a household, so "
            "{disposition} cannot be checked",
        ),
        "case_needs_illegal_finding": QCoreApplication.translate(
            "Errors",
            "{path}: case {case}: ordered self-demolition needs an open finding of "
            "一户多宅 (QJ-R001) or 建新不拆旧 (QJ-R002) for household {household} "
            "that a reviewer has confirmed",
        ),
        "case_not_only_homestead": QCoreApplication.translate(
            "Errors",
            "{path}: case {case}: {disposition} is only for a household's only homestead; "
            "household {household} holds {count} homestead parcels",
        ),
        "case_reinforcement_conditions": QCoreApplication.translate(
            "Errors",
            "{path}: case {case}: reinforcement needs the owner's wish to keep the house "
            "(--owner-keeps) and a feasible reinforcement (--feasible)",
        ),
        "override_not_allowed": QCoreApplication.translate(
            "Errors",
            "{path}: {user} ({role}) cannot override a precondition: only an approver can, with "
            "a reason",
        ),
        "renovation_not_dangerous": QCoreApplication.translate(
            "Errors",
            "{path}: building {bdcdyh} has grade {grade}; only C and D houses are renovated",
        ),
        "renovation_not_standing": QCoreApplication.translate(
            "Errors", "{path}: building {bdcdyh} is {status}, not a house in use"
        ),
        "renovation_no_household": QCoreApplication.translate(
            "Errors",
            "{path}: building {bdcdyh} lies on no parcel held by a household of the register",
        ),
        "renovation_not_in_village": QCoreApplication.translate(
            "Errors",
            "{path}: household {household} (building {bdcdyh}) does not live in the village",
        ),
        "renovation_not_only_house": QCoreApplication.translate(
            "Errors",
            "{path}: household {household} (building {bdcdyh}) holds another house: {others}",
        ),
        "payment_refused_state": QCoreApplication.translate(
            "Errors", "{path}: case {case} is {state}; subsidies are paid only once approved"
        ),
        "payment_over_subsidy": QCoreApplication.translate(
            "Errors",
            "{path}: case {case}: paying {amount} would bring the total to {total}, above the "
            "approved subsidy of {subsidy}",
        ),
        "payment_not_positive": QCoreApplication.translate(
            "Errors", "{path}: case {case}: a payment must be more than 0 ({amount})"
        ),
        "payment_not_renovation": QCoreApplication.translate(
            "Errors", "{path}: case {case}: only renovation cases receive subsidies"
        ),
        "sheet_unreadable": QCoreApplication.translate(
            "Errors", "{path}: not a case sheet exported by qjgis ({reason})"
        ),
        "sheet_row_case": QCoreApplication.translate(
            "Errors", "{path} row {row}: {value} is not a case id (R12, W3)"
        ),
        "sheet_row_state": QCoreApplication.translate(
            "Errors", "{path} row {row}: {value} is not a state of case {case}"
        ),
        "sheet_row_date": QCoreApplication.translate(
            "Errors", "{path} row {row}: the date {value} is not a date (YYYY-MM-DD)"
        ),
        "sheet_row_incomplete": QCoreApplication.translate(
            "Errors", "{path} row {row}: fill both the state reached and its date"
        ),
        "sheet_invalid_rows": QCoreApplication.translate(
            "Errors",
            "{path}: {count} row(s) are invalid, so nothing was applied (fix them, or apply the "
            "valid rows with --apply-valid)",
        ),
    }


def label(key: str) -> str:
    return labels()[key]


def labels() -> dict[str, str]:
    return {
        "undisposed": QCoreApplication.translate("Texts", "no disposition yet"),
        "deadline": QCoreApplication.translate("Texts", "deadline {date}"),
        "overdue": QCoreApplication.translate("Texts", "OVERDUE"),
        "override": QCoreApplication.translate("Texts", "Approver's override"),
        "preserved": QCoreApplication.translate(
            "Texts",
            "Rights preserved on {date}: parcel {zddm} ({parcel:.1f} m²), footprint "
            "{footprint:.1f} m², household {household}",
        ),
        "paid": QCoreApplication.translate("Texts", "Paid {paid:,.0f} of {subsidy:,.0f} yuan"),
        "next": QCoreApplication.translate("Texts", "Next"),
        "history": QCoreApplication.translate("Texts", "History"),
        "missing": QCoreApplication.translate("Texts", "file missing"),
        "attached": QCoreApplication.translate("Texts", "{n} file(s) attached to {case}"),
        "opened_from_checks": QCoreApplication.translate(
            "Texts", "{n} ruin case(s) opened from the QJ-R014 findings"
        ),
        "sheet_written": QCoreApplication.translate(
            "Texts", "{cases} open case(s) of {village_name} ({village}) written to {path}"
        ),
        "sheet_row_error": QCoreApplication.translate("Texts", "row {row}: {message}"),
        "sheet_applied": QCoreApplication.translate(
            "Texts", "{n} row(s) applied, {errors} invalid row(s) left out"
        ),
    }
