"""Words for the checks: rule titles, decisions, exemptions, reasons and CLI labels."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def error_templates() -> dict[str, str]:
    return {
        "unknown_finding": QCoreApplication.translate(
            "Errors", "no finding {finding} in this project (give its number or RULE:KEY)"
        ),
        "not_permitted": QCoreApplication.translate(
            "Errors", "the role {role} may not {action}; change user.role in the settings"
        ),
        "reason_required": QCoreApplication.translate(
            "Errors", "a decision of {decision} needs a reason (--reason)"
        ),
        "checks_crs_mismatch": QCoreApplication.translate(
            "Errors",
            "{layer}: in {found}, but {other} is in {expected}; "
            "a spatial check needs both layers in one CRS",
        ),
        "checks_crs_not_projected": QCoreApplication.translate(
            "Errors", "{layer}: {crs} is not a projected CRS; areas must be measured in metres"
        ),
    }


def unevaluated_text(reason: str) -> str:
    """Why a rule could not judge some entities (the `unevaluated` reason codes)."""
    names = {
        "empty_geometry": QCoreApplication.translate("Unevaluated", "empty geometry"),
        "invalid_geometry": QCoreApplication.translate("Unevaluated", "invalid geometry"),
        "zero_area": QCoreApplication.translate("Unevaluated", "zero area"),
        "no_household": QCoreApplication.translate("Unevaluated", "no household linked"),
        "no_members": QCoreApplication.translate("Unevaluated", "household has no members"),
        "no_demolition_deadline": QCoreApplication.translate(
            "Unevaluated", "no demolition deadline recorded"
        ),
        "no_recorded_code": QCoreApplication.translate("Unevaluated", "no parcel code recorded"),
        "no_recorded_village": QCoreApplication.translate(
            "Unevaluated", "no village code recorded"
        ),
        "outside_villages": QCoreApplication.translate("Unevaluated", "outside every village"),
        "no_villages": QCoreApplication.translate("Unevaluated", "the project has no villages"),
        "no_recorded_area": QCoreApplication.translate("Unevaluated", "no area recorded"),
        "no_household_no": QCoreApplication.translate("Unevaluated", "no household number"),
        "duplicate_household_no": QCoreApplication.translate(
            "Unevaluated", "household number used twice"
        ),
    }
    return names.get(reason, reason)


def rule_title(rule_id: str) -> str:
    titles = {
        "QJ-R001": QCoreApplication.translate("Rules", "One household, several homesteads"),
        "QJ-R002": QCoreApplication.translate("Rules", "New house built, old one not demolished"),
        "QJ-R003": QCoreApplication.translate("Rules", "Homestead over the area standard"),
        "QJ-R004": QCoreApplication.translate("Rules", "Building outside every parcel"),
        "QJ-R005": QCoreApplication.translate("Rules", "Building straddling parcels"),
        "QJ-R006": QCoreApplication.translate("Rules", "Overlapping parcels"),
        "QJ-R007": QCoreApplication.translate("Rules", "Parcel lies in another village"),
        "QJ-R008": QCoreApplication.translate("Rules", "Malformed or duplicate code"),
        "QJ-R009": QCoreApplication.translate("Rules", "Invalid ID number"),
        "QJ-R010": QCoreApplication.translate("Rules", "Parcel and household do not match"),
        "QJ-R011": QCoreApplication.translate("Rules", "Recorded area differs from the map"),
        "QJ-R012": QCoreApplication.translate("Rules", "Building recorded on another parcel"),
        "QJ-R013": QCoreApplication.translate("Rules", "Sliver between neighbouring parcels"),
        "QJ-R014": QCoreApplication.translate(
            "Rules", "Ruin without disposition or past its deadline"
        ),
        "QJ-R015": QCoreApplication.translate(
            "Rules", "Renovation for a household that has another house"
        ),
        "QJ-R016": QCoreApplication.translate("Rules", "Building beyond its parcel"),
    }
    return titles.get(rule_id, rule_id)


def decision_text(decision: str | None) -> str:
    names = {
        None: QCoreApplication.translate("Decisions", "pending"),
        "confirmed": QCoreApplication.translate("Decisions", "confirmed"),
        "exempted": QCoreApplication.translate("Decisions", "exempted"),
        "false_positive": QCoreApplication.translate("Decisions", "false positive"),
    }
    return names.get(decision, decision or "")


def exemption_text(code: str | None) -> str:
    names = {
        None: "",
        "inheritance": QCoreApplication.translate("Exemptions", "inheritance"),
        "historical": QCoreApplication.translate("Exemptions", "historical case"),
        "split": QCoreApplication.translate("Exemptions", "household split"),
        "resettlement": QCoreApplication.translate("Exemptions", "resettlement"),
        "reclamation": QCoreApplication.translate("Exemptions", "scheduled for reclamation"),
        "historical_tier2": QCoreApplication.translate(
            "Exemptions", "historical case (between the two cut-off dates)"
        ),
    }
    return names.get(code, code or "")


def severity_text(severity: str) -> str:
    names = {
        "error": QCoreApplication.translate("Severity", "violation"),
        "warning": QCoreApplication.translate("Severity", "survey problem"),
        "info": QCoreApplication.translate("Severity", "note"),
    }
    return names.get(severity, severity)


def state_text(state: str) -> str:
    names = {
        "open": QCoreApplication.translate("FindingState", "open"),
        "gone": QCoreApplication.translate("FindingState", "no longer found"),
    }
    return names.get(state, state)


def labels() -> dict[str, str]:
    return {
        "check_done": QCoreApplication.translate(
            "Texts", "Checks done: run {run_id}, as of {as_of}, {seconds:.1f} s"
        ),
        "check_header": QCoreApplication.translate(
            "Texts", "rule | found | exempted | new | changed | review again | gone | not evaluated"
        ),
        "check_by_village": QCoreApplication.translate("Texts", "By village:"),
        "findings_none": QCoreApplication.translate("Texts", "No findings match."),
        "findings_count": QCoreApplication.translate("Texts", "{n} finding(s)"),
        "written": QCoreApplication.translate("Texts", "Written to {path} ({n} rows)"),
        "reviewed": QCoreApplication.translate(
            "Texts", "Finding {fid} ({rule} {key}): {decision}, by {user}"
        ),
        "needs_review": QCoreApplication.translate("Texts", "review again"),
        "col_fid": QCoreApplication.translate("Texts", "No."),
        "col_rule": QCoreApplication.translate("Texts", "Rule"),
        "col_rule_title": QCoreApplication.translate("Texts", "Rule name"),
        "col_kind": QCoreApplication.translate("Texts", "Entity type"),
        "col_key": QCoreApplication.translate("Texts", "Entity"),
        "col_village_code": QCoreApplication.translate("Texts", "Village code"),
        "col_village": QCoreApplication.translate("Texts", "Village"),
        "col_town_code": QCoreApplication.translate("Texts", "Town code"),
        "col_town": QCoreApplication.translate("Texts", "Town"),
        "col_code": QCoreApplication.translate("Texts", "Code"),
        "col_name": QCoreApplication.translate("Texts", "Name"),
        "col_severity": QCoreApplication.translate("Texts", "Severity"),
        "col_exemption": QCoreApplication.translate("Texts", "Exemption"),
        "col_state": QCoreApplication.translate("Texts", "State"),
        "col_decision": QCoreApplication.translate("Texts", "Decision"),
        "col_reason": QCoreApplication.translate("Texts", "Reason"),
        "col_decided_by": QCoreApplication.translate("Texts", "Decided by"),
        "col_decided_at": QCoreApplication.translate("Texts", "Decided at"),
        "col_needs_review": QCoreApplication.translate("Texts", "Review again"),
        "col_evidence": QCoreApplication.translate("Texts", "Evidence"),
        "col_findings": QCoreApplication.translate("Texts", "Findings"),
        "col_pending": QCoreApplication.translate("Texts", "Pending"),
        "col_confirmed": QCoreApplication.translate("Texts", "Confirmed"),
        "col_exempted": QCoreApplication.translate("Texts", "Exempted"),
        "col_false_positive": QCoreApplication.translate("Texts", "False positives"),
        "col_multi": QCoreApplication.translate("Texts", "Households with several homesteads"),
        "col_new_old": QCoreApplication.translate("Texts", "New built, old kept"),
        "col_over_parcels": QCoreApplication.translate("Texts", "Over-area parcels"),
        "col_over_m2": QCoreApplication.translate("Texts", "Over-area m²"),
        "district": QCoreApplication.translate("Texts", "Whole district"),
        "yes": QCoreApplication.translate("Texts", "yes"),
    }
