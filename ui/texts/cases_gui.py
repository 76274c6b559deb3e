"""Texts of the case panel and its dialogs (issue 16): code -> (Chinese, English)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "casegui.title": ("整治案件", "Cases"),
    "casegui.menu": ("整治案件(&A)", "C&ases"),
    "casegui.hint": (
        "在地图上点选农房或宗地，查看其残垣断壁整治和危房改造案件。",
        "Click a building or a parcel on the map to see its ruin and renovation cases.",
    ),
    "casegui.subject_buildings": ("农房 {key}", "Building {key}"),
    "casegui.subject_parcels": ("宗地 {key}", "Parcel {key}"),
    "casegui.subject_households": ("农户 {key}", "Household {key}"),
    "casegui.col_case": ("案件", "Case"),
    "casegui.col_kind": ("类型", "Kind"),
    "casegui.col_disposition": ("处置方式", "Disposition"),
    "casegui.col_state": ("状态", "State"),
    "casegui.col_deadline": ("期限", "Deadline"),
    "casegui.col_overdue": ("逾期", "Overdue"),
    "casegui.col_subsidy": ("核定补助（元）", "Approved (yuan)"),
    "casegui.col_paid": ("已拨付（元）", "Paid (yuan)"),
    "casegui.hist_date": ("日期", "Date"),
    "casegui.hist_action": ("事项", "Action"),
    "casegui.hist_change": ("变化", "Change"),
    "casegui.hist_user": ("经办人", "By"),
    "casegui.hist_role": ("角色", "Role"),
    "casegui.hist_note": ("说明", "Note"),
    "casegui.hist_files": ("附件", "Files"),
    "casegui.files": (
        "附件（把照片或扫描件拖到此面板）",
        "Evidence (drop photos or scans on this panel)",
    ),
    "casegui.override": ("特批…", "Override…"),
    "casegui.override_hint": (
        "以上前提不满足。审批人特批须说明理由，理由记入案件办理记录和审计日志。",
        "The precondition above is not met. An approver's override needs a reason, "
        "recorded in the case history and the audit log.",
    ),
    "casegui.override_reason": ("特批理由", "Override reason"),
    "casegui.date": ("办理日期", "Date"),
    "casegui.yuan": ("元", "yuan"),
    "casegui.paid_of": (
        "核定补助 {subsidy:,.2f} 元，已拨付 {paid:,.2f} 元，本次最多 {left:,.2f} 元",
        "Approved {subsidy:,.2f} yuan, paid {paid:,.2f}, at most {left:,.2f} now",
    ),
    "casegui.add_files": ("添加文件…", "Add files…"),
    "casegui.file_filter": (
        "照片和扫描件 (*.jpg *.jpeg *.png *.tif *.tiff *.pdf)",
        "Photos and scans (*.jpg *.jpeg *.png *.tif *.tiff *.pdf)",
    ),
    "casegui.fill": ("请填写：{needs}", "Please fill in: {needs}"),
    "casegui.drop_hint": (
        "把照片或扫描件拖到此面板即可添加为案件附件；双击用系统程序打开。",
        "Drop photos or scans on this panel to attach them to the case; double-click to open.",
    ),
    "casegui.from_checks": ("按核查结果批量立案…", "Open cases from the checks…"),
    "casegui.from_checks_title": (
        "按核查结果立案（QJ-R014）",
        "Open cases from the checks (QJ-R014)",
    ),
    "casegui.from_checks_count": (
        "将为以下 {n} 处尚无案件的残垣断壁立案：",
        "A case will be opened for these {n} ruins without one:",
    ),
    "casegui.from_checks_none": (
        "没有待立案的残垣断壁（先运行核查，或均已立案）。",
        "No ruin waits for a case (run the checks first, or all have one).",
    ),
    "casegui.opened": ("已立案 {n} 件", "{n} case(s) opened"),
    "measure.action": ("测量", "Measure"),
    "measure.tip": (
        "测量距离和面积：单击加点，右键或双击结束",
        "Measure distance and area: click to add points, right-click or double-click to end",
    ),
    "measure.hint": ("单击地图加点；右键或双击结束", "Click to add points; right-click to end"),
    "measure.length": ("长度 {length:,.2f} m", "Length {length:,.2f} m"),
    "measure.area": (
        "长度 {length:,.2f} m　周长 {perimeter:,.2f} m　面积 {area:,.2f} m²",
        "Length {length:,.2f} m  perimeter {perimeter:,.2f} m  area {area:,.2f} m²",
    ),
    "sheetgui.menu": ("村级台账…", "Village sheets…"),
    "sheetgui.title": ("村级台账：导出与导入", "Village sheets: export and import"),
    "sheetgui.village": ("行政村", "Village"),
    "sheetgui.export": ("导出台账…", "Export the sheet…"),
    "sheetgui.import": ("导入填好的台账…", "Import a filled sheet…"),
    "sheetgui.exported": (
        "{village_name}的 {cases} 件未办结案件已写入 {path}",
        "{cases} open case(s) of {village_name} written to {path}",
    ),
    "sheetgui.summary": (
        "{file}：共 {rows} 行，有效 {valid} 行，无效 {invalid} 行",
        "{file}: {rows} row(s), {valid} valid, {invalid} invalid",
    ),
    "sheetgui.col_row": ("行号", "Row"),
    "sheetgui.col_case": ("案件", "Case"),
    "sheetgui.col_column": ("列", "Column"),
    "sheetgui.col_reason": ("原因", "Reason"),
    "sheetgui.apply_all": ("录入", "Apply"),
    "sheetgui.apply_valid": ("只录入有效行", "Apply the valid rows only"),
    "sheetgui.applied": (
        "已录入 {n} 行，跳过无效行 {errors} 行",
        "{n} row(s) applied, {errors} invalid row(s) left out",
    ),
    "sheetgui.xlsx_filter": ("Excel 台账 (*.xlsx)", "Excel sheet (*.xlsx)"),
    "undo.sheet_import": ("导入台账 {file}", "import the sheet {file}"),
    "undo.case_action": ("{case}：{action}", "{case}: {action}"),
    "undo.cases_from_checks": ("按核查结果立案", "open cases from the checks"),
}
