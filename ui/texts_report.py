"""Words of the printed reports and the `report` command, Chinese first.

Kept as (Chinese, English) pairs without Qt at run time, the shape of the
coming `ui/texts/` catalogue, so that the lead can move them there as they are.
The pages in `layers/report_pages.py` receive `page_words()`; they never import
this module.
"""

from __future__ import annotations

from collections.abc import Mapping

TEXTS: dict[str, tuple[str, str]] = {
    # ---- page words (layers.report_pages.PAGE_WORDS)
    "title_parcel": ("宗地图", "Parcel map"),
    "title_household": ("一户一档", "Household file"),
    "units": ("单位：m·㎡", "Units: m, m²"),
    "zddm": ("宗地代码", "Parcel code"),
    "bdcdyh": ("不动产单元号", "Real estate unit"),
    "holder": ("土地权利人", "Right holder"),
    "household_no": ("户号", "Household"),
    "location": ("坐落", "Location"),
    "use": ("用途", "Use"),
    "area": ("宗地面积", "Parcel area"),
    "approved_area": ("批准面积", "Approved area"),
    "recorded_area": ("登记面积", "Recorded area"),
    "crs": ("坐标系", "CRS"),
    "scale": ("比例尺", "Scale"),
    "north": ("北", "N"),
    "point": ("点号", "Point"),
    "x_northing": ("X（北）", "X (northing)"),
    "y_easting": ("Y（东）", "Y (easting)"),
    "to_next": ("边长(m)", "To next (m)"),
    "four_to": ("宗地四至", "Neighbours (四至)"),
    "east": ("东", "East"),
    "south": ("南", "South"),
    "west": ("西", "West"),
    "north_side": ("北", "North"),
    "blank_line": ("________________", "________________"),
    "members": ("户及成员", "Household and members"),
    "buildings": ("房屋（幢号 结构层数 状态 等级 建成 占地）",
                  "Buildings (no., structure+floors, status, grade, built, footprint)"),
    "findings": ("核查结果", "Findings"),
    "cases": ("整治与改造案件", "Remediation cases"),
    "none": ("无", "none"),
    "maker": ("制图者", "Drawn by"),
    "checker": ("审核者", "Checked by"),
    "date": ("日期", "Date"),
    "page": ("第 {page} 页 共 {pages} 页", "Page {page} of {pages}"),
    "continued": ("续", "continued"),
    "no_geometry": ("无图形，不能绘制宗地图", "No geometry: the map cannot be drawn"),
    "structure_floors": ("结构层数", "Structure, floors"),
    "status": ("状态", "Status"),
    "grade": ("危房等级", "grade "),
    "year_built": ("建成年份", "Built"),
    "footprint": ("占地面积", "Footprint"),
    "decision_pending": ("待审核", "pending review"),
    "overdue": ("（已逾期）", "(overdue)"),
    "head": ("户主", "head"),
    "household_type": ("农户类型", "Household type"),
    "subsidy_approved": ("已批补助", "Subsidy approved"),
    "subsidy_paid": ("已付补助", "Subsidy paid"),
    "parcels": ("宅基地", "Parcels"),
    "contents": ("目录", "Contents"),
    "atlas_title": ("{scope}宗地图集", "Parcel atlas of {scope}"),
    "town": ("镇街", "Town"),
    "village": ("行政村", "Village"),
    "as_of": ("统计日期", "As of"),
    "survey_unit": ("绘制单位", "Drawn by (unit)"),
    "signature_preparer": ("填表人", "Prepared by"),
    "signature_village": ("村负责人（签字）", "Village head (signature)"),
    "signature_town": ("镇街审核（签字）", "Town review (signature)"),
    "totals": ("合计", "Totals"),
    "yuan": ("元", "yuan"),
    "m2": ("㎡", "m²"),
    "m": ("米", "m"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "decision_confirmed": ("已确认", "confirmed"),
    "decision_exempted": ("已豁免", "exempted"),
    "decision_false_positive": ("误报", "false positive"),
    "exemption_inheritance": ("豁免：继承", "exempt: inheritance"),
    "exemption_historical": ("豁免：历史遗留", "exempt: historical"),
    "exemption_historical_tier2": (
        "豁免：历史遗留（两个截止日之间）",
        "exempt: historical (tier 2)",
    ),
    "exemption_split": ("豁免：分户", "exempt: household split"),
    "exemption_resettlement": ("豁免：安置", "exempt: resettlement"),
    "exemption_reclamation": ("豁免：拟复垦", "exempt: reclamation"),
    # ---- ledgers
    "ledger_multi": ("一户多宅台账", "Ledger: one household, several homesteads"),
    "ledger_ruins": ("残垣断壁整治台账", "Ledger: ruined houses"),
    "ledger_renovation": ("危房改造台账", "Ledger: dangerous-house renovation"),
    "col_seq": ("序号", "No."),
    "col_household_no": ("户号", "Household"),
    "col_head_name": ("户主", "Head"),
    "col_head_id": ("户主身份证号", "Head's ID"),
    "col_parcels": ("宗地代码", "Parcels"),
    "col_parcel_count": ("宗数", "Count"),
    "col_exemption": ("豁免原因", "Exemption"),
    "col_decision": ("审核结论", "Decision"),
    "col_decision_reason": ("审核理由", "Reason"),
    "col_decided_by": ("审核人", "Reviewer"),
    "col_decided_at": ("审核日期", "Reviewed"),
    "col_case_id": ("案件号", "Case"),
    "col_bdcdyh": ("不动产单元号", "Unit"),
    "col_zddm": ("宗地代码", "Parcel"),
    "col_disposition": ("处置方式", "Disposition"),
    "col_state": ("状态", "State"),
    "col_opened": ("立案日期", "Opened"),
    "col_deadline": ("期限", "Deadline"),
    "col_closed": ("结案日期", "Closed"),
    "col_overdue": ("逾期", "Overdue"),
    "col_grade": ("等级", "Grade"),
    "col_subsidy": ("补助标准(元)", "Subsidy (yuan)"),
    "col_subsidy_approved": ("已批补助(元)", "Approved (yuan)"),
    "col_subsidy_paid": ("已付补助(元)", "Paid (yuan)"),
    "total_multi": (
        "合计：{households} 户（{parcels} 宗），其中认定 {standing} 户、豁免 {exempted} 户、"
        "待审核 {pending} 户、误报 {false_positive} 户",
        "Totals: {households} households ({parcels} parcels); standing {standing}, exempted "
        "{exempted}, pending {pending}, false positive {false_positive}",
    ),
    "total_ruins": (
        "合计：{ruin_cases} 件（{buildings} 幢），未定处置 {ruin_undisposed}、责令自行拆除 "
        "{ruin_self_demolition}、排危加固 {ruin_reinforcement}、新建审批 {ruin_new_build}、"
        "权益保全 {ruin_preservation}；逾期 {overdue}；已撤销 {cancelled}",
        "Totals: {ruin_cases} cases ({buildings} buildings); undisposed {ruin_undisposed}, "
        "self-demolition {ruin_self_demolition}, reinforcement {ruin_reinforcement}, new build "
        "{ruin_new_build}, preservation {ruin_preservation}; overdue {overdue}; "
        "cancelled {cancelled}",
    ),
    "total_renovation": (
        "合计：{renovation_cases} 件（C级 {renovation_grade_c}、D级 {renovation_grade_d}），"
        "已批补助 {subsidy_approved:,.2f} 元，已付 {subsidy_paid:,.2f} 元；逾期 {overdue}；"
        "已撤销 {cancelled}",
        "Totals: {renovation_cases} cases (C {renovation_grade_c}, D {renovation_grade_d}); "
        "subsidy approved {subsidy_approved:,.2f} yuan, paid {subsidy_paid:,.2f}; overdue "
        "{overdue}; cancelled {cancelled}",
    ),
    # ---- CLI
    "report_written": ("已写入 {path}：{pages} 页", "Wrote {path}: {pages} page(s)"),
    "report_xlsx_written": ("已写入 {path}：{rows} 行", "Wrote {path}: {rows} row(s)"),
    "report_files_written": ("已写入 {count} 个文件到 {path}", "Wrote {count} file(s) to {path}"),
    "report_left_out": (
        "未出图 {count} 宗（有问题，--force 可强制出图）：",
        "Left out {count} parcel(s) (problems; --force prints them anyway):",
    ),
    "report_forced": ("以下 {count} 宗有问题，已按 --force 出图：",
                      "{count} parcel(s) with problems printed because of --force:"),
    "report_masked": ("身份证号和电话已遮蔽（--unmask 明文输出并记入审计日志）",
                      "ID and phone numbers are masked (--unmask prints them; audited)"),
    "report_unmasked": ("身份证号和电话为明文，本次输出已记入审计日志",
                        "ID and phone numbers are in clear; this report is in the audit log"),
    "gate_missing_geometry": ("无图形", "no geometry"),
    "gate_invalid_geometry": ("图形无效", "invalid geometry"),
    "gate_missing_code": ("缺宗地代码", "no parcel code"),
    "gate_building_outside": (
        "旁有房屋不在任何宗地内",
        "a building beside it lies outside every parcel",
    ),
    "stage_read": ("读取", "reading"),
    "stage_draw": ("出图", "drawing"),
    "stage_merge": ("合并", "merging"),
    # ---- errors (engine codes registered in qjgis.reports)
    "report_parcel_not_found": ("{path}：没有宗地代码为 {parcel} 的宗地",
                                "{path}: no parcel has the code {parcel}"),
    "report_household_not_found": ("{path}：没有户号为 {household} 的户",
                                   "{path}: no household has the number {household}"),
    "report_town_not_found": ("{path}：没有代码或名称为 {town} 的镇街",
                              "{path}: no town has the code or name {town}"),
    "report_nothing_to_print": ("{path}：{scope} 没有可出图的宗地",
                                "{path}: {scope} has no parcels to print"),
}  # fmt: skip

ERROR_CODES = (
    "report_parcel_not_found",
    "report_household_not_found",
    "report_town_not_found",
    "report_nothing_to_print",
)


def text(code: str, lang: str = "zh", **params: object) -> str:
    zh, en = TEXTS[code]
    s = zh if lang == "zh" else en
    return s.format(**params) if params else s


def page_words(lang: str = "zh", extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every word the pages print, in `lang`, plus `extra` (rule titles and the like)."""
    words = {k: (zh if lang == "zh" else en) for k, (zh, en) in TEXTS.items()}
    if extra:
        words.update(extra)
    return words


def current_language() -> str:
    """ "zh" when the Chinese translator is installed (the CLI's and the window's choice)."""
    from PySide6.QtCore import QCoreApplication

    return "zh" if QCoreApplication.translate("Texts", "Error") != "Error" else "en"


def error_templates() -> dict[str, str]:
    """The report error codes in the current language (ui.texts collects these)."""
    lang = current_language()
    return {code: text(code, lang) for code in ERROR_CODES}
