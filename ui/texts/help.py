"""Help texts of the command line (`--help`): one code per option or command."""

from __future__ import annotations

#: code -> (Chinese, English)
TEXTS: dict[str, tuple[str, str]] = {
    "help.language_of_messages": ("输出语言", "language of messages"),
    "help.show_tracebacks_on_errors": ("出错时显示调用栈", "show tracebacks on errors"),
    "help.qjgis_rural_homestead_and_housing_surveys": (
        "qjgis：农村宅基地与农房核查（宅基地/农房/户）。不带命令时打开主窗口。",
        "qjgis: rural homestead and housing surveys (宅基地/农房/户). Without a command, opens the main window.",
    ),
    "help.create_an_empty_project": ("新建空项目", "create an empty project"),
    "help.projected_crs_default_epsg_4524": (
        "投影坐标系（默认 EPSG:4524）",
        "projected CRS (default EPSG:4524)",
    ),
    "help.replace_an_existing_file": ("覆盖已有文件", "replace an existing file"),
    "help.generate_the_demo_district": ("生成演示数据", "generate the demo district"),
    "help.number_of_parcels_200_2000000": (
        "宗地数量（200..2000000）",
        "number of parcels (200..2000000)",
    ),
    "help.random_seed_same_seed_same_district": (
        "随机种子（种子相同，数据相同）",
        "random seed (same seed, same district)",
    ),
    "help.also_write_gbk_shapefiles_an_xlsx": (
        "另按调查单位交付的样子写出 GBK 编码的 shapefile、XLSX 户籍表和 truth.csv",
        "also write GBK shapefiles, an XLSX register and truth.csv as a surveyor delivers",
    ),
    "help.describe_a_project": ("查看项目概况", "describe a project"),
    "help.run_the_file_s_integrity_check": (
        "检查项目文件的完整性",
        "run the file's integrity check",
    ),
    "help.show_or_change_project_settings": (
        "查看或修改项目设置",
        "show or change project settings",
    ),
    "help.change_a_setting_repeatable_all_are": (
        "修改一项设置（可重复；全部校验通过才写入）",
        "change a setting (repeatable; all are validated before any is written)",
    ),
    "help.import_layer": (
        "导入到哪个图层：{layers}；或 other:名称，把任一其他面图层（如 other:林地保护红线）"
        "作为参考图层导入，同名的新交付替换旧的",
        "the layer to import into: {layers}; or other:NAME to import any other polygon layer "
        "(e.g. other:林地保护红线) as a reference layer, a newer delivery of the same name "
        "replacing the older",
    ),
    "help.import_a_shapefile_geopackage_geojson_or": (
        "导入 shapefile/GeoPackage/GeoJSON 图层或户籍表",
        "import a shapefile/GeoPackage/GeoJSON or a register",
    ),
    "help.layer_inside_a_geopackage_filegdb_zip": (
        "GeoPackage、FileGDB 或 zip 中的图层",
        "layer inside a GeoPackage, FileGDB, zip",
    ),
    "help.text_encoding_of_a_dbf_or": (
        ".dbf 或 .csv 的文字编码（GBK、UTF-8）",
        "text encoding of a .dbf or .csv (GBK, UTF-8)",
    ),
    "help.crs_of_the_source_overriding_its": (
        "源数据坐标系（优先于其 .prj）",
        "CRS of the source, overriding its .prj",
    ),
    "help.json_field_mapping_source_target": (
        "JSON 字段映射 {source: target}（源字段: 目标列）",
        "JSON field mapping {source: target}",
    ),
    "help.header_row": (
        "户籍名册：表头为第 N 行（按表格显示的行号；默认自动识别）",
        "register: the header is row N as the spreadsheet numbers it (default: detected)",
    ),
    "help.check_the_source_and_show_its": (
        "只检查源数据，显示编码、坐标系和字段映射，不写入",
        "check the source and show its encoding, CRS and mapping; write nothing",
    ),
    "help.list_import_batches_or_undo_one": (
        "列出导入批次，或撤销其中一批",
        "list import batches or undo one",
    ),
    "help.undo_this_batch": ("撤销该批次", "undo this batch"),
    "help.redo_this_batch": (
        "重做一个已撤销的批次（行号与内容同撤销前）",
        "redo an undone batch (the same rows as before the undo)",
    ),
    "help.print_a_batch_s_saved_report": (
        "显示某批次保存的导入报告",
        "print a batch's saved report",
    ),
    "help.with_show_write_the_batch_s": (
        "与 --show 同用：把该批次的字段映射写入 FILE，供 import --mapping 使用",
        "with --show: write the batch's field mapping to FILE, for import --mapping",
    ),
    "help.export_a_layer_to_shp_gpkg": (
        "将图层导出为 shp、gpkg、geojson 或 xlsx",
        "export a layer to shp, gpkg, geojson or xlsx",
    ),
    "help.export_one_layer_id_and_phone": (
        "导出一个图层。除非使用 --unmask，身份证号和电话号码均脱敏；每次导出都记入项目审计日志。shapefile 使用国家标准字段名，旁附 NAME_fields.csv；GeoJSON 为 WGS 84 坐标（RFC 7946）；户籍导出为属性表（每名成员一行）。",
        "Export one layer. ID and phone numbers are masked unless --unmask; every export is recorded in the project's audit log. Shapefiles use the national field names with NAME_fields.csv beside them; GeoJSON is in WGS 84 (RFC 7946); households are an attribute table (one row per member).",
    ),
    "help.shapefile_text_encoding_default_gbk_what": (
        "shapefile 文字编码（默认 gbk，国内桌面 GIS 通用）",
        "shapefile text encoding (default gbk, what Chinese desktop GIS reads)",
    ),
    "help.write_id_and_phone_numbers_in": (
        "输出明文身份证号和电话号码",
        "write ID and phone numbers in clear",
    ),
    "help.only_this_village_code_or_name": (
        "仅导出该行政村（代码或名称）",
        "only this village (code or name)",
    ),
    "help.replace_existing_files": ("覆盖已有文件", "replace existing files"),
    "help.run_the_checks_and_save_their": (
        "运行核查并保存核查结果",
        "run the checks and save their findings",
    ),
    "help.run_the_registered_rules_all_by": (
        "运行已登记的核查规则（默认全部），并把核查结果保存在项目中。核查运行完毕即返回 0，与查出多少无关。",
        "Run the registered rules (all by default) and save their findings in the project. Exit 0 when the checks ran, whatever they found.",
    ),
    "help.rules_to_run": ("要运行的规则", "rules to run"),
    "help.date_deadlines_are_judged_on": ("判断期限所依据的日期", "date deadlines are judged on"),
    "help.list_the_findings": ("列出核查结果", "list the findings"),
    "help.pending_confirmed_exempted_false_positive_or": (
        "pending、confirmed、exempted、false-positive 或 needs-review（也可用中文名称）",
        "pending, confirmed, exempted, false-positive or needs-review (or the Chinese name)",
    ),
    "help.include_findings_no_longer_found": (
        "包括已消除的核查结果",
        "include findings no longer found",
    ),
    "help.record_a_decision_on_a_finding": (
        "记录对核查结果的审核结论",
        "record a decision on a finding",
    ),
    "help.finding_number_or_rule_key": ("核查结果编号，或 RULE:KEY", "finding number, or RULE:KEY"),
    "help.review_exemption": (
        "豁免代码（结论为 exempted 时）：{codes}，或其中文名",
        "exemption code (with --decision exempted): {codes}, or its Chinese name",
    ),
    "help.confirmed_exempted_or_false_positive_or": (
        "confirmed、exempted 或 false-positive（也可用中文：已确认、已豁免、误报）",
        "confirmed, exempted or false-positive (or the Chinese name: 已确认, 已豁免, 误报)",
    ),
    "help.count_findings_or_cases_by_area": (
        "按区域统计核查结果或整治案件",
        "count findings or cases by area",
    ),
    "help.count_the_open_findings": ("统计未消除的核查结果", "count the open findings"),
    "help.count_the_remediation_cases": ("统计整治案件", "count the remediation cases"),
    "help.group_by_village_town_or_the": (
        "按行政村、镇街或全区汇总（village、town、district 或 村、镇街、全区）",
        "group by village, town or the whole district (村, 镇街, 全区)",
    ),
    "help.date_overdue_is_judged_on": ("判断逾期所依据的日期", "date overdue is judged on"),
    "help.open_a_ruin_case_for_a": (
        "为农房立残垣断壁整治案，或立危房改造案（--renovation）",
        "open a ruin case for a building, or a renovation case (--renovation)",
    ),
    "help.classify_a_pending_ruin_case_under": (
        "为待处置的残垣断壁案件确定四种处置方式之一",
        "classify a pending ruin case under one of the four dispositions",
    ),
    "help.record_the_state_a_case_reached": (
        "记录案件达到的状态",
        "record the state a case reached",
    ),
    "help.record_a_subsidy_payment_on_a": (
        "记录危房改造补助的拨付",
        "record a subsidy payment on a renovation case",
    ),
    "help.add_photos_scans_or_pdfs_to": (
        "为案件添加照片、扫描件或 PDF",
        "add photos, scans or PDFs to a case",
    ),
    "help.a_case_with_its_history_and": (
        "查看案件及其办理记录和证据",
        "a case with its history and evidence",
    ),
    "help.list_cases": ("列出案件", "list cases"),
    "help.open_decide_and_follow_remediation_cases": (
        "立案、处置和跟踪整治案件（残垣断壁、危房）",
        "open, decide and follow remediation cases (ruins, dangerous houses)",
    ),
    "help.the_building_s": ("农房的不动产单元号", "the building's 不动产单元号"),
    "help.open_a_ruin_case_for_every": (
        "为每个尚未立案的 QJ-R014 核查结果立残垣断壁整治案",
        "open a ruin case for every open QJ-R014 finding that has none",
    ),
    "help.a_application_c_d_house": (
        "危房改造申请（C/D 级危房）",
        "a 危房改造 application (C/D house)",
    ),
    "help.approver_only_open_although_the_eligibility": (
        "仅审批人：资格核验未通过仍立案，须说明理由",
        "approver only: open although the eligibility check fails, saying why",
    ),
    "help.r12": ("如 R12", "R12"),
    "help.the_notice_s_deadline": ("通知规定的期限", "the notice's deadline"),
    "help.owner_wants_to_keep_the_house": ("户主希望保留房屋", "owner wants to keep the house"),
    "help.reinforcement_is_feasible": ("可以排危加固", "reinforcement is feasible"),
    "help.approver_only_dispose_although_a_precondition": (
        "仅审批人：前提条件不满足仍确定处置，须说明理由",
        "approver only: dispose although a precondition fails, saying why",
    ),
    "help.photo_scan_or_pdf_repeatable": (
        "照片、扫描件或 PDF（可重复）",
        "photo, scan or PDF (repeatable)",
    ),
    "help.refuse_if_the_case_is_not": ("案件版本不是 N 时拒绝", "refuse if the case is not at N"),
    "help.r12_or_w3": ("如 R12 或 W3", "R12 or W3"),
    "help.deadline_of_the_next_step": ("下一步的期限", "deadline of the next step"),
    "help.w3": ("如 W3", "W3"),
    "help.only_cases_not_closed": ("只列未结案件", "only cases not closed"),
    "help.the_village_sheet_export_open_cases": (
        "村级台账：导出未结案件交村干部填写，再导入填好的表",
        "the village sheet: export open cases for cadres, import what they filled in",
    ),
    "help.write_a_village_s_open_cases": (
        "把一个行政村的未结案件写入 XLSX 台账",
        "write a village's open cases to an XLSX sheet",
    ),
    "help.apply_a_filled_sheet_every_row": (
        "导入填好的台账；逐行校验，有无效行时不导入任何行，除非使用 --apply-valid",
        "apply a filled sheet; every row is validated, nothing is applied while any row is invalid unless --apply-valid",
    ),
    "help.apply_the_valid_rows_anyway": ("仍然导入有效的行", "apply the valid rows anyway"),
    "help.print_the_result_as_json": ("以 JSON 输出结果", "print the result as JSON"),
    "help.when_it_happened_today": ("发生日期（默认今天）", "when it happened (today)"),
    "help.what_was_done_by_whom_on": (
        "现场做了什么、由谁办理",
        "what was done, by whom on the ground",
    ),
    "help.case_description": (
        "整治案件：R12 为残垣断壁整治案件，W3 为危房改造案件。每次变更都记入审计日志；状态只能按政策规定推进。处置方式：{dispositions}。状态：{states}（也可用中文或英文名称）。",
        "Remediation cases: R12 is a ruin case (残垣断壁整治), W3 a renovation case (危房改造). Every change is audited; states only move as the policy allows. Dispositions: {dispositions}. States: {states} (the Chinese or English names are accepted too).",
    ),
    "help.disposition_choices": (
        "{choices}（也可用中文或英文名称）",
        "{choices} (or the Chinese or English name)",
    ),
    "help.state_choices": (
        "{choices}（也可用中文或英文名称）",
        "{choices} (or the Chinese or English name)",
    ),
    # argparse's own words (its gettext message ids), for usage, help and usage errors
    "argparse.usage: ": ("用法：", "usage: "),
    "argparse.options": ("选项", "options"),
    "argparse.positional arguments": ("位置参数", "positional arguments"),
    "argparse.show this help message and exit": (
        "显示本帮助并退出",
        "show this help message and exit",
    ),
    "argparse.%(prog)s: error: %(message)s\n": (
        "%(prog)s：错误：%(message)s\n",
        "%(prog)s: error: %(message)s\n",
    ),
    "argparse.argument %(argument_name)s: %(message)s": (
        "参数 %(argument_name)s：%(message)s",
        "argument %(argument_name)s: %(message)s",
    ),
    "argparse.invalid choice: %(value)r (choose from %(choices)s)": (
        "无效的选项值：%(value)r（可选：%(choices)s）",
        "invalid choice: %(value)r (choose from %(choices)s)",
    ),
    "argparse.invalid %(type)s value: %(value)r": (
        "无效的 %(type)s 值：%(value)r",
        "invalid %(type)s value: %(value)r",
    ),
    "argparse.the following arguments are required: %s": (
        "缺少必需的参数：%s",
        "the following arguments are required: %s",
    ),
    "argparse.unrecognized arguments: %s": ("无法识别的参数：%s", "unrecognized arguments: %s"),
    "argparse.expected one argument": ("需要一个参数值", "expected one argument"),
    "argparse.expected at least one argument": (
        "至少需要一个参数值",
        "expected at least one argument",
    ),
    "argparse.expected at most one argument": ("至多一个参数值", "expected at most one argument"),
    "argparse.one of the arguments %s is required": (
        "必须给出以下参数之一：%s",
        "one of the arguments %s is required",
    ),
    "argparse.not allowed with argument %s": (
        "不能与参数 %s 同时使用",
        "not allowed with argument %s",
    ),
    "argparse.ambiguous option: %(option)s could match %(matches)s": (
        "选项 %(option)s 有歧义，可能是：%(matches)s",
        "ambiguous option: %(option)s could match %(matches)s",
    ),
    "argparse.ignored explicit argument %r": (
        "忽略了多余的参数值 %r",
        "ignored explicit argument %r",
    ),
}
