"""Texts of the printed reports and the `report` command: page words, ledgers, errors.

Page words are `report.<key>`; `page_words()` hands the pages (layers/report_pages.py,
which never imports ui/) the plain keys it lists in `PAGE_WORDS`, with rule titles as
`rule_<id>` and decision and exemption names.
"""

from __future__ import annotations

from collections.abc import Mapping

#: code -> (Chinese, English)
TEXTS: dict[str, tuple[str, str]] = {
    # ---- page words (layers.report_pages.PAGE_WORDS)
    "report.title_parcel": ("宗地图", "Parcel map"),
    "report.title_household": ("一户一档", "Household file"),
    "report.units": ("单位：m·㎡", "Units: m, m²"),
    "report.zddm": ("宗地代码", "Parcel code"),
    "report.bdcdyh": ("不动产单元号", "Real estate unit"),
    "report.holder": ("土地权利人", "Right holder"),
    "report.household_no": ("户号", "Household"),
    "report.location": ("坐落", "Location"),
    "report.use": ("用途", "Use"),
    "report.area": ("宗地面积", "Parcel area"),
    "report.approved_area": ("批准面积", "Approved area"),
    "report.recorded_area": ("登记面积", "Recorded area"),
    "report.crs": ("坐标系", "CRS"),
    "report.scale": ("比例尺", "Scale"),
    "report.north": ("北", "N"),
    "report.point": ("点号", "Point"),
    "report.x_northing": ("X（北）", "X (northing)"),
    "report.y_easting": ("Y（东）", "Y (easting)"),
    "report.to_next": ("边长(m)", "To next (m)"),
    "report.four_to": ("宗地四至", "Neighbours (四至)"),
    "report.east": ("东", "East"),
    "report.south": ("南", "South"),
    "report.west": ("西", "West"),
    "report.north_side": ("北", "North"),
    "report.colon": ("：", ": "),
    "report.members": ("户及成员", "Household and members"),
    "report.buildings": ("房屋（幢号 结构层数 状态 等级 建成 占地）",
                  "Buildings (no., structure+floors, status, grade, built, footprint)"),
    "report.findings": ("核查结果", "Findings"),
    "report.cases": ("整治与改造案件", "Remediation cases"),
    "report.none": ("无", "none"),
    "report.maker": ("制图者", "Drawn by"),
    "report.checker": ("审核者", "Checked by"),
    "report.date": ("日期", "Date"),
    "report.page": ("第 {page} 页 共 {pages} 页", "Page {page} of {pages}"),
    "report.continued": ("续", "continued"),
    "report.no_geometry": ("无图形，不能绘制宗地图", "No geometry: the map cannot be drawn"),
    "report.structure_floors": ("结构层数", "Structure, floors"),
    "report.status": ("状态", "Status"),
    "report.grade": ("危房等级", "grade "),
    "report.year_built": ("建成年份", "Built"),
    "report.footprint": ("占地面积", "Footprint"),
    "report.decision_pending": ("待审核", "pending review"),
    "report.overdue": ("（已逾期）", "(overdue)"),
    "report.head": ("户主", "head"),
    "report.household_type": ("农户类型", "Household type"),
    "report.subsidy_approved": ("已批补助", "Subsidy approved"),
    "report.subsidy_paid": ("已付补助", "Subsidy paid"),
    "report.parcels": ("宅基地", "Parcels"),
    "report.contents": ("目录", "Contents"),
    "report.atlas_title": ("{scope}宗地图集", "Parcel atlas of {scope}"),
    "report.town": ("镇街", "Town"),
    "report.village": ("行政村", "Village"),
    "report.as_of": ("统计日期", "As of"),
    "report.survey_unit": ("绘制单位", "Drawn by (unit)"),
    "report.signature_preparer": ("填表人", "Prepared by"),
    "report.signature_village": ("村负责人（签字）", "Village head (signature)"),
    "report.signature_town": ("镇街审核（签字）", "Town review (signature)"),
    "report.totals": ("合计", "Totals"),
    "report.yuan": ("元", "yuan"),
    "report.m2": ("㎡", "m²"),
    "report.m": ("米", "m"),
    "report.yes": ("是", "yes"),
    "report.no": ("否", "no"),
    "report.decision_confirmed": ("已确认", "confirmed"),
    "report.decision_exempted": ("已豁免", "exempted"),
    "report.decision_false_positive": ("误报", "false positive"),
    "report.exemption_inheritance": ("豁免：继承", "exempt: inheritance"),
    "report.exemption_historical": ("豁免：历史遗留", "exempt: historical"),
    "report.exemption_historical_tier2": (
        "豁免：历史遗留（两个截止日之间）",
        "exempt: historical (tier 2)",
    ),
    "report.exemption_split": ("豁免：分户", "exempt: household split"),
    "report.exemption_resettlement": ("豁免：安置", "exempt: resettlement"),
    "report.exemption_reclamation": ("豁免：拟复垦", "exempt: reclamation"),
    # ---- ledgers
    "report.ledger_multi": ("一户多宅台账", "Ledger: one household, several homesteads"),
    "report.ledger_ruins": ("残垣断壁整治台账", "Ledger: ruined houses"),
    "report.ledger_renovation": ("危房改造台账", "Ledger: dangerous-house renovation"),
    # the page title: the village, then the ledger (English needs the space)
    "report.ledger_title": ("{village}{ledger}", "{village} — {ledger}"),
    "report.col_seq": ("序号", "No."),
    "report.col_household_no": ("户号", "Household"),
    "report.col_head_name": ("户主", "Head"),
    "report.col_head_id": ("户主身份证号", "Head's ID"),
    "report.col_parcels": ("宗地代码", "Parcels"),
    "report.col_parcel_count": ("宗数", "Count"),
    "report.col_exemption": ("豁免原因", "Exemption"),
    "report.col_decision": ("审核结论", "Decision"),
    "report.col_decision_reason": ("审核理由", "Reason"),
    "report.col_decided_by": ("审核人", "Reviewer"),
    "report.col_decided_at": ("审核日期", "Reviewed"),
    "report.col_case_id": ("案件号", "Case"),
    "report.col_bdcdyh": ("不动产单元号", "Unit"),
    "report.col_zddm": ("宗地代码", "Parcel"),
    "report.col_disposition": ("处置方式", "Disposition"),
    "report.col_state": ("状态", "State"),
    "report.col_opened": ("立案日期", "Opened"),
    "report.col_deadline": ("期限", "Deadline"),
    "report.col_closed": ("结案日期", "Closed"),
    "report.col_overdue": ("逾期", "Overdue"),
    "report.col_grade": ("等级", "Grade"),
    "report.col_subsidy": ("补助标准(元)", "Subsidy (yuan)"),
    "report.col_subsidy_approved": ("已批补助(元)", "Approved (yuan)"),
    "report.col_subsidy_paid": ("已付补助(元)", "Paid (yuan)"),
    "report.total_multi": (
        "合计：{households} 户（{parcels} 宗），其中认定 {standing} 户、豁免 {exempted} 户、"
        "待审核 {pending} 户、误报 {false_positive} 户",
        "Totals: {households} households ({parcels} parcels); standing {standing}, exempted "
        "{exempted}, pending {pending}, false positive {false_positive}",
    ),
    "report.total_ruins": (
        "合计：{ruin_cases} 件（{buildings} 幢），未定处置 {ruin_undisposed}、责令自行拆除 "
        "{ruin_self_demolition}、排危加固 {ruin_reinforcement}、新建审批 {ruin_new_build}、"
        "权益保全 {ruin_preservation}；逾期 {overdue}；已撤销 {cancelled}",
        "Totals: {ruin_cases} cases ({buildings} buildings); undisposed {ruin_undisposed}, "
        "self-demolition {ruin_self_demolition}, reinforcement {ruin_reinforcement}, new build "
        "{ruin_new_build}, preservation {ruin_preservation}; overdue {overdue}; "
        "cancelled {cancelled}",
    ),
    "report.total_renovation": (
        "合计：{renovation_cases} 件（C级 {renovation_grade_c}、D级 {renovation_grade_d}），"
        "已批补助 {subsidy_approved:,.2f} 元，已付 {subsidy_paid:,.2f} 元；逾期 {overdue}；"
        "已撤销 {cancelled}",
        "Totals: {renovation_cases} cases (C {renovation_grade_c}, D {renovation_grade_d}); "
        "subsidy approved {subsidy_approved:,.2f} yuan, paid {subsidy_paid:,.2f}; overdue "
        "{overdue}; cancelled {cancelled}",
    ),
    # ---- CLI help
    "help.report": (
        "打印宗地图、一户一档、村级台账和宗地图集（PDF、XLSX）",
        "print 宗地图, household sheets, village ledgers and atlases (PDF, XLSX)",
    ),
    "help.report_description": (
        "打印报告。身份证号和电话默认遮蔽，--unmask 明文输出；每份报告都记入项目审计日志。",
        "Printed reports. ID and phone numbers are masked unless --unmask; every report is "
        "recorded in the project's audit log.",
    ),
    "help.report_unmask": ("明文打印身份证号和电话", "print ID and phone numbers in clear"),
    "help.report_as_of": ("统计基准日（默认今天）", "as-of date (default: today)"),
    "help.report_maker": ("制图者（默认项目当前用户）", "drawn by (default: the project's user)"),
    "help.report_checker": ("审核者（默认留空待签）", "checked by (default: a line to sign)"),
    "help.report_parcel": ("一宗地的宗地图", "the 宗地图 of one parcel"),
    "help.report_household": ("一户的一户一档", "one household's sheet (一户一档)"),
    "help.report_ledger": ("村级台账（PDF 或 XLSX）", "a village ledger (PDF or XLSX)"),
    "help.report_village": ("行政村代码或名称", "village code or name"),
    "help.report_town": ("镇街代码或名称", "town code or name"),
    "help.report_atlas": (
        "一个村或镇街的全部宗地图：一个带目录的 PDF，或每宗一个 PDF",
        "every parcel of a village or town: one PDF with contents, or one PDF each",
    ),
    "help.report_atlas_description": (
        "--out 为 PDF 文件名时写一个带目录的 PDF，否则写入文件夹、每宗一个 PDF。"
        "会出错图的宗地（无图形或图形无效、缺宗地代码、旁有房屋不在任何宗地内）"
        "默认不出图并列出，--force 强制出图。",
        "A .pdf --out gets one PDF with a contents page; any other --out is a folder that gets "
        "one PDF per parcel. Parcels whose page would be wrong (no or invalid geometry, no code, "
        "a building outside every parcel beside them) are left out and listed unless --force.",
    ),
    "help.report_force": ("有问题的宗地也出图", "print parcels with problems too"),
    "help.report_workers": (
        "出图进程数（默认：200 宗起每核一个，否则一个）",
        "drawing processes (default: one per core from 200 parcels, else one)",
    ),
    # ---- CLI
    "report.report_written": ("已写入 {path}：{pages} 页", "Wrote {path}: {pages} page(s)"),
    "report.report_xlsx_written": ("已写入 {path}：{rows} 行", "Wrote {path}: {rows} row(s)"),
    "report.report_files_written": ("已写入 {count} 个文件到 {path}", "Wrote {count} file(s) to {path}"),
    "report.report_left_out": (
        "未出图 {count} 宗（有问题，--force 可强制出图）：",
        "Left out {count} parcel(s) (problems; --force prints them anyway):",
    ),
    "report.report_forced": ("以下 {count} 宗有问题，已按 --force 出图：",
                      "{count} parcel(s) with problems printed because of --force:"),
    "report.report_masked": ("身份证号和电话已遮蔽（--unmask 明文输出并记入审计日志）",
                      "ID and phone numbers are masked (--unmask prints them; audited)"),
    "report.report_unmasked": ("身份证号和电话为明文，本次输出已记入审计日志",
                        "ID and phone numbers are in clear; this report is in the audit log"),
    "report.gate_missing_geometry": ("无图形", "no geometry"),
    "report.gate_invalid_geometry": ("图形无效", "invalid geometry"),
    "report.gate_missing_code": ("缺宗地代码", "no parcel code"),
    "report.gate_building_outside": (
        "旁有房屋不在任何宗地内",
        "a building beside it lies outside every parcel",
    ),
    "report.task_atlas": ("出宗地图集", "Drawing the atlas"),
    "report.stage_done": ("完成", "done"),
    "report.stage_read": ("读取", "reading"),
    "report.stage_draw": ("出图", "drawing"),
    "report.stage_merge": ("合并", "merging"),
    # ---- the window's 报表 menu and context menus (ui/gui/report_menu.py)
    "report.menu": ("报表", "Reports"),
    "report.menu_parcel": ("宗地图…", "Parcel map…"),
    "report.menu_parcel_of": ("宗地图（{zddm}）…", "Parcel map ({zddm})…"),
    "report.menu_household": ("一户一档…", "Household file…"),
    "report.menu_household_of": ("一户一档（户号 {household}）…",
                                 "Household file (household {household})…"),
    "report.menu_ledgers": ("村台账", "Village ledgers"),
    "report.menu_ledgers_of": ("村台账（{village}）", "Village ledgers ({village})"),
    "report.menu_ledger_pdf": ("{ledger}：打印预览…", "{ledger}: print preview…"),
    "report.menu_ledger_xlsx": ("{ledger}：导出 Excel…", "{ledger}: export to Excel…"),
    "report.menu_atlas": ("本村宗地图集…", "Village atlas…"),
    "report.menu_atlas_of": ("宗地图集（{village}）…", "Atlas ({village})…"),
    "report.menu_tip": ("先在地图上点选宗地或农房，或在核查结果、案件、识别面板中选中一项",
                        "First pick a parcel or building on the map, or select a row in the "
                        "findings, cases or identify panel"),
    "report.menu_save_pdf": ("另存为 PDF…", "Save as PDF…"),
    "report.task_preview": ("准备打印预览", "Preparing the print preview"),
    "report.task_ledger_xlsx": ("导出台账", "Exporting the ledger"),
    "report.saved_pdf": ("已保存 {path}（{pages} 页）", "Saved {path} ({pages} pages)"),
    "report.saved_xlsx": ("已导出 {path}（{rows} 行）", "Exported {path} ({rows} rows)"),
    "report.atlas_done": ("宗地图集已写入 {path}：{parcels} 宗、{pages} 页，另有 {left_out} 宗未出图",
                          "Atlas written to {path}: {parcels} parcels, {pages} pages; "
                          "{left_out} parcel(s) left out"),
    "report.filter_pdf": ("PDF 文件 (*.pdf)", "PDF files (*.pdf)"),
    "report.filter_xlsx": ("Excel 工作簿 (*.xlsx)", "Excel workbooks (*.xlsx)"),
    # ---- errors (engine codes registered in qjgis.reports)
    "err.report_parcel_not_found": ("{path}：没有宗地代码为 {parcel} 的宗地",
                                "{path}: no parcel has the code {parcel}"),
    "err.report_household_not_found": ("{path}：没有户号为 {household} 的户",
                                   "{path}: no household has the number {household}"),
    "err.report_town_not_found": ("{path}：没有代码或名称为 {town} 的镇街",
                              "{path}: no town has the code or name {town}"),
    "err.report_draw_failed": ("{path}：报告未能绘制（{detail}）",
                               "{path}: the report could not be drawn ({detail})"),
    "err.report_nothing_to_print": ("{path}：{scope} 没有可出图的宗地",
                                "{path}: {scope} has no parcels to print"),
}  # fmt: skip


def page_words(lang: str | None = None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every word the pages print, in `lang` (default: the current language), by plain key."""
    from ui.texts import has, language, t

    chosen = lang or language()
    words = {
        code.partition(".")[2]: t(code, chosen) for code in TEXTS if code.startswith("report.")
    }
    for i in range(1, 16):
        rule = f"QJ-R{i:03d}"
        if has(f"rule.{rule}"):
            words[f"rule_{rule}"] = t(f"rule.{rule}", chosen)
    if extra:
        words.update(extra)
    return words
