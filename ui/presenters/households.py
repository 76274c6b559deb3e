"""A household as a person reads it: a title, a one-line summary, its members' rows."""

from __future__ import annotations

from qjgis.lookup import HouseholdDetail, Member
from ui.presenters.words import t


def household_title(detail: HouseholdDetail) -> str:
    title = t("hh.title", no=detail.household_no)
    if detail.head_name:
        title += "  " + t("hh.head", name=detail.head_name)
    if detail.village_name:
        title += "  " + detail.village_name
    return title


def household_summary(detail: HouseholdDetail) -> str:
    return t(
        "hh.summary",
        members=len(detail.members),
        parcels=len(detail.parcels),
        buildings=len(detail.buildings),
        findings=len(detail.findings),
        cases=len(detail.cases),
    )


def member_row(member: Member) -> tuple[str, ...]:
    """(序号, 姓名, 与户主关系, 性别, 出生日期, 身份证号) as shown; the ID is as the
    engine gave it (masked unless the role may see it)."""
    return (
        "" if member.seq is None else str(member.seq),
        member.name or "",
        member.relation or "",
        member.sex or "",
        member.birth_date or "",
        member.id_number or "",
    )
