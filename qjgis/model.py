"""The domain model in DESIGN.md's vocabulary.

Enumerations store the Chinese term of the national or local code list as their
value: that is what surveyors' files carry and what a bureau user reads when the
project file is opened in QGIS. Code names stay English; the UI translates them.
Bulk work (import, checks, rendering) runs on columns (numpy arrays) read from the
store; these dataclasses are the shape of one row for commands, forms and tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NewType

# Typed ids (Anki's CardId/NoteId): a fid of one table cannot be passed for another.
TownCode = NewType("TownCode", str)  # 9 digits: county + township, e.g. 500110108
VillageCode = NewType("VillageCode", str)  # 12 digits, 统计用区划代码
HouseholdNo = NewType("HouseholdNo", str)  # 户号
ParcelCode = NewType("ParcelCode", str)  # 19-char 宗地代码 (ZDDM)
UnitCode = NewType("UnitCode", str)  # 28-char 不动产单元代码 (BDCDYH)
IdNumber = NewType("IdNumber", str)  # 18-char 公民身份号码
ParcelFid = NewType("ParcelFid", int)
BuildingFid = NewType("BuildingFid", int)
VillageFid = NewType("VillageFid", int)
HouseholdFid = NewType("HouseholdFid", int)
MemberFid = NewType("MemberFid", int)


class HouseholdType(StrEnum):
    LIFTED_OUT_OF_POVERTY = "脱贫户"
    AT_RISK = "边缘户"  # 边缘易致贫户, monitored for relapse
    GENERAL = "一般户"


class SplitStatus(StrEnum):
    """分户: whether a household split is on file (an exemption for 一户多宅)."""

    NONE = "无"
    PENDING = "申请中"
    APPROVED = "已批准"


class LandType(StrEnum):
    """Land type of the plot before it became a homestead; decides the per-person area."""

    FARMLAND = "耕地"
    OTHER = "非耕地"


class AcquisitionMode(StrEnum):
    """宅基地取得方式 (QDFS), from the 房地一体 declaration form's code list."""

    MEMBER = "集体成员"
    RELOCATION = "异地搬迁"
    INHERITANCE = "继承"
    HISTORICAL_APPROVAL = "历史批准"
    FAMILY_DIVISION = "家庭析产"
    RESETTLEMENT = "安置"
    OTHER = "其他"


class PlotDisposalStatus(StrEnum):
    """Resettlement or reclamation status of a parcel (exemptions of 一户多宅)."""

    NONE = "无"
    RESETTLEMENT = "安置中"
    RECLAMATION_PLANNED = "拟复垦"
    RECLAIMED = "已复垦"


class BuildingStatus(StrEnum):
    IN_USE = "在用"
    IDLE = "闲置"
    RUIN = "残垣断壁"
    DEMOLISHED = "已拆除"
    RECLAIMED = "已复垦"

    @property
    def standing(self) -> bool:
        """Still on the ground: counts as a house kept (建新不拆旧) and as a homestead in use."""
        return self not in (BuildingStatus.DEMOLISHED, BuildingStatus.RECLAIMED)


class DangerGrade(StrEnum):
    A = "A"
    B = "B"
    C = "C"  # 局部危房
    D = "D"  # 整幢危房

    @property
    def dangerous(self) -> bool:
        return self in (DangerGrade.C, DangerGrade.D)


class Structure(StrEnum):
    """房屋结构 FWJG: value is the national code, label in `STRUCTURE_LABELS`."""

    STEEL = "1"
    STEEL_CONCRETE = "2"
    REINFORCED_CONCRETE = "3"
    MIXED = "4"
    BRICK_TIMBER = "5"
    OTHER = "6"  # rural 土木/石木/生土 usually land here


STRUCTURE_LABELS: dict[Structure, str] = {
    Structure.STEEL: "钢结构",
    Structure.STEEL_CONCRETE: "钢和钢筋混凝土结构",
    Structure.REINFORCED_CONCRETE: "钢筋混凝土结构",
    Structure.MIXED: "混合结构",
    Structure.BRICK_TIMBER: "砖木结构",
    Structure.OTHER: "其它结构",
}


class Relation(StrEnum):
    """与户主关系, the common values of the police household register."""

    HEAD = "户主"
    SPOUSE = "配偶"
    SON = "子"
    DAUGHTER = "女"
    FATHER = "父亲"
    MOTHER = "母亲"
    GRANDSON = "孙子"
    GRANDDAUGHTER = "孙女"
    DAUGHTER_IN_LAW = "儿媳"
    OTHER = "其他"


class Role(StrEnum):
    VIEWER = "viewer"  # reads only (a bureau database's login: issue 18)
    SURVEYOR = "surveyor"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    ADMIN = "admin"


@dataclass(frozen=True)
class Town:
    code: TownCode
    name: str


@dataclass(frozen=True)
class Village:
    code: VillageCode
    name: str
    town_code: TownCode


@dataclass(frozen=True)
class Member:
    household_no: HouseholdNo
    seq: int
    name: str
    id_number: IdNumber
    relation: Relation
    phone: str | None = None


@dataclass(frozen=True)
class Household:
    household_no: HouseholdNo
    village_code: VillageCode
    head_name: str
    head_id: IdNumber
    household_type: HouseholdType = HouseholdType.GENERAL
    lives_in_village: bool = True
    split_status: SplitStatus = SplitStatus.NONE
    members: tuple[Member, ...] = ()

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class RightHolder:
    """A holder or co-holder of a parcel's use right, linked by ID number, never by name."""

    name: str
    id_number: IdNumber | None
    household_no: HouseholdNo | None
    is_primary: bool


@dataclass(frozen=True)
class Approval:
    number: str  # 宅基地批准文号 PZWH
    date: dt.date
    must_demolish_old: bool = False  # 是否需拆旧 SFCJ
    demolition_deadline: dt.date | None = None  # 拆旧期限 CJQX


@dataclass(frozen=True)
class Parcel:
    code: ParcelCode
    village_code: VillageCode
    use: str  # YT, GB/T 21010: 0702 农村宅基地
    land_type: LandType
    recorded_area: float  # ZDMJ, m²
    approved_area: float | None  # PZMJ, m²
    acquired: dt.date | None  # ZJDQDSJ
    acquisition_mode: AcquisitionMode
    approval: Approval | None = None
    disposal: PlotDisposalStatus = PlotDisposalStatus.NONE
    disposal_deadline: dt.date | None = None
    holders: tuple[RightHolder, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Building:
    unit_code: UnitCode  # BDCDYH
    parcel_code: ParcelCode  # recorded ZDDM, checked against where it lies (QJ-R012)
    floors: int
    structure: Structure
    year_built: int | None
    footprint_area: float  # ZZDMJ, m²
    status: BuildingStatus
    danger_grade: DangerGrade | None = None
    assessed: dt.date | None = None  # 鉴定日期 JDRQ
    assessed_by: str | None = None  # 鉴定单位 JDDW
