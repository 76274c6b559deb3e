"""Names of the engine's enumerated values: case states, dispositions, decisions, roles,
case-statistics columns. Codes are `<kind>.<code>`; the code of a state or a disposition is
its CLI spelling (`notice-issued`), which `ui.texts.value_code` also accepts in Chinese or
English."""

from __future__ import annotations

#: code -> (Chinese, English)
TEXTS: dict[str, tuple[str, str]] = {
    # ruin cases (残垣断壁): the Chinese is the value stored in the project file
    "ruin_state.pending": ("待处置", "pending"),
    "ruin_state.notice-issued": ("已下达拆除通知", "demolition notice issued"),
    "ruin_state.to-demolish": ("待拆除", "to be demolished"),
    "ruin_state.demolished": ("已拆除", "demolished"),
    "ruin_state.planned": ("已制定加固方案", "reinforcement planned"),
    "ruin_state.in-progress": ("加固施工中", "under construction"),
    "ruin_state.accepted": ("加固已验收", "reinforcement accepted"),
    "ruin_state.applied": ("已申请新建", "new build applied for"),
    "ruin_state.approved": ("新建已批准", "new build approved"),
    "ruin_state.built": ("新房已建成", "new house built"),
    "ruin_state.preserved": ("已权益保全", "rights preserved"),
    "ruin_state.cancelled": ("已撤销", "cancelled"),
    # renovation cases (危房改造)
    "renovation_state.applied": ("已申请", "applied"),
    "renovation_state.approved": ("已批准", "approved"),
    "renovation_state.under-construction": ("施工中", "renovation under way"),
    "renovation_state.accepted": ("已验收", "accepted"),
    "renovation_state.moved-in": ("已入住", "moved in"),
    "renovation_state.cancelled": ("已撤销", "cancelled"),
    "disposition.self-demolition": ("责令自行拆除", "ordered self-demolition"),
    "disposition.reinforcement": ("排危加固", "reinforcement"),
    "disposition.new-build": ("新建审批", "new build approval"),
    "disposition.preservation": ("房屋权益保全", "rights preservation"),
    "case_kind.ruin": ("残垣断壁整治", "ruin case"),
    "case_kind.renovation": ("危房改造", "renovation case"),
    "role.surveyor": ("调查员", "surveyor"),
    "role.reviewer": ("审核员", "reviewer"),
    "role.approver": ("审批人", "approver"),
    "role.admin": ("管理员", "administrator"),
    # filters of findings besides the decisions (ui/texts/checks.py names the decisions)
    "decision.needs_review": ("需复核", "needs review"),
    # a building's status (BuildingStatus), stored in Chinese
    "building_status.in-use": ("在用", "in use"),
    "building_status.idle": ("闲置", "vacant"),
    "building_status.ruin": ("残垣断壁", "ruin"),
    "building_status.demolished": ("已拆除", "demolished"),
    "building_status.reclaimed": ("已复垦", "reclaimed"),
    # values of the register and the survey, stored in Chinese (qjgis.model)
    "household_type.lifted-out-of-poverty": ("脱贫户", "lifted out of poverty"),
    "household_type.at-risk": ("边缘户", "at risk of poverty"),
    "household_type.general": ("一般户", "ordinary household"),
    "split_status.none": ("无", "none"),
    "split_status.pending": ("申请中", "applied for"),
    "split_status.approved": ("已批准", "approved"),
    "land_type.farmland": ("耕地", "farmland"),
    "land_type.other": ("非耕地", "other land"),
    "acquisition_mode.member": ("集体成员", "collective member"),
    "acquisition_mode.relocation": ("异地搬迁", "relocation"),
    "acquisition_mode.inheritance": ("继承", "inheritance"),
    "acquisition_mode.historical-approval": ("历史批准", "historical approval"),
    "acquisition_mode.family-division": ("家庭析产", "family division"),
    "acquisition_mode.resettlement": ("安置", "resettlement"),
    "acquisition_mode.other": ("其他", "other"),
    "plot_disposal.none": ("无", "none"),
    "plot_disposal.resettlement": ("安置中", "being resettled"),
    "plot_disposal.reclamation-planned": ("拟复垦", "reclamation planned"),
    "plot_disposal.reclaimed": ("已复垦", "reclaimed"),
    "relation.head": ("户主", "head of household"),
    "relation.spouse": ("配偶", "spouse"),
    "relation.son": ("子", "son"),
    "relation.daughter": ("女", "daughter"),
    "relation.father": ("父亲", "father"),
    "relation.mother": ("母亲", "mother"),
    "relation.grandson": ("孙子", "grandson"),
    "relation.granddaughter": ("孙女", "granddaughter"),
    "relation.daughter-in-law": ("儿媳", "daughter-in-law"),
    "relation.other": ("其他", "other"),
    "structure.steel": ("钢结构", "steel"),
    "structure.steel-concrete": ("钢和钢筋混凝土结构", "steel and reinforced concrete"),
    "structure.reinforced-concrete": ("钢筋混凝土结构", "reinforced concrete"),
    "structure.mixed": ("混合结构", "mixed"),
    "structure.brick-timber": ("砖木结构", "brick and timber"),
    "structure.other": ("其它结构", "other"),
    "entity_kind.household": ("户", "household"),
    "entity_kind.parcel": ("宗地", "parcel"),
    "entity_kind.building": ("农房", "building"),
    "entity_kind.member": ("家庭成员", "member"),
    "entity_kind.village": ("行政村", "village"),
    # what is wrong with a 宗地代码/不动产单元代码 or an ID number (qjgis.codes)
    "code_problem.empty": ("代码为空", "code empty"),
    "code_problem.wrong-length": ("代码长度不对", "wrong length"),
    "code_problem.bad-county": ("县级代码不对", "wrong county code"),
    "code_problem.bad-zone-digits": ("地籍区/子区号不对", "wrong cadastral zone digits"),
    "code_problem.bad-ownership-letter": ("权属类型字母不对", "wrong ownership letter"),
    "code_problem.bad-parcel-type-letter": ("宗地特征码不对", "wrong parcel type letter"),
    "code_problem.bad-serial": ("宗地顺序号不对", "wrong serial number"),
    "code_problem.bad-fixture-letter": ("定着物特征码不对", "wrong fixture letter"),
    "code_problem.bad-fixture-number": ("定着物单元编号不对", "wrong fixture number"),
    "code_problem.fixture-w-not-zero": ("W 类定着物编号不为 0", "fixture W not zero"),
    "code_problem.not-homestead": ("不是宅基地", "not a homestead"),
    "code_problem.other-county": ("不是本区县的代码", "another county's code"),
    "code_problem.fixture-not-house": ("定着物不是房屋（应为 F）", "fixture is not a house (F)"),
    "code_problem.virtual-unit": ("虚拟不动产单元", "virtual unit"),
    "code_problem.old-county-code": ("旧县级代码", "old county code"),
    "id_problem.empty": ("身份证号为空", "ID number empty"),
    "id_problem.wrong-length": ("身份证号位数不对", "wrong length"),
    "id_problem.non-digit": ("含非数字字符", "not digits"),
    "id_problem.bad-province": ("省级代码不对", "wrong province code"),
    "id_problem.bad-birth-date": ("出生日期无效", "invalid birth date"),
    "id_problem.future-birth-date": ("出生日期在未来", "birth date in the future"),
    "id_problem.bad-check-digit": ("校验码不对", "wrong check digit"),
    "id_problem.scientific-notation": (
        "被 Excel 改成科学计数法",
        "turned into scientific notation by Excel",
    ),
    "id_problem.old-address-code": ("旧行政区划代码", "old address code"),
    "id_problem.converted-from-15": ("由 15 位升为 18 位", "converted from 15 digits"),
    "id_problem.float-suffix-removed": ("已去掉 Excel 添加的 .0", "Excel's .0 removed"),
    "level.village": ("村", "village"),
    "level.town": ("镇街", "town"),
    "level.district": ("全区", "district"),
}

# Case statistics columns (qjgis.cases.stats.stat_keys), built from the names above so a new
# state or disposition gets its column title with its name.
_STATS: dict[str, tuple[str, str]] = {
    "level": ("层级", "level"),
    "code": ("代码", "code"),
    "name": ("名称", "name"),
    "town_code": ("镇街代码", "town code"),
    "town_name": ("镇街", "town"),
    "ruin_cases": ("残垣断壁案件", "ruin cases"),
    "ruin_undisposed": ("残垣断壁·未定处置", "ruins without disposition"),
    "renovation_cases": ("危房改造案件", "renovation cases"),
    "renovation_grade_c": ("C级危房", "grade C houses"),
    "renovation_grade_d": ("D级危房", "grade D houses"),
    "overdue": ("逾期", "overdue"),
    "cancelled": ("已撤销案件", "cancelled cases"),
    "buildings": ("涉及农房", "buildings"),
    "households": ("涉及农户", "households"),
    "subsidy_approved": ("批准补助（元）", "subsidy approved (yuan)"),
    "subsidy_paid": ("已发补助（元）", "subsidy paid (yuan)"),
}
for _code, (_zh, _en) in list(TEXTS.items()):
    _kind, _, _name = _code.partition(".")
    _key = _name.replace("-", "_")
    if _kind == "disposition":
        _STATS[f"ruin_{_key}"] = (f"处置·{_zh}", f"disposed: {_en}")
    elif _kind == "ruin_state" and _key != "cancelled":
        _STATS[f"ruin_state_{_key}"] = (f"残垣断壁·{_zh}", f"ruins {_en}")
    elif _kind == "renovation_state" and _key != "cancelled":
        _STATS[f"renovation_state_{_key}"] = (f"危房改造·{_zh}", f"renovations {_en}")
TEXTS.update({f"stat.{k}": v for k, v in _STATS.items()})
