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
