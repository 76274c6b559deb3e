"""The presenters' and the workbench's user texts: code -> (Chinese, English).

Same shape as the Qt-free catalogue (`ui/texts/`, `TEXTS: dict[str, tuple[str, str]]`)
so that moving these entries there is a copy; `t()` formats one in the current
language, Chinese first.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("zh", "en")
_language = "zh"


def set_language(lang: str) -> None:
    """Choose the language of every text from now on (`zh` or `en`)."""
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {lang!r}")
    _language = lang


def language() -> str:
    return _language


def t(code: str, /, **params: Any) -> str:
    """The text `code` in the current language, formatted with `params`.

    An unknown code shows as itself, so a missing entry is visible, not a crash.
    """
    pair = TEXTS.get(code)
    if pair is None:
        return code
    text = pair[0] if _language == "zh" else pair[1]
    return text.format(**params) if params else text


def t_or(code: str, fallback: str, /, **params: Any) -> str:
    """`t(code)` when the code is known, else `fallback` (a raw value from the data)."""
    return t(code, **params) if code in TEXTS else fallback


TEXTS: dict[str, tuple[str, str]] = {
    # ---- rule titles
    "rule.QJ-R001": ("一户多宅", "One household, several homesteads"),
    "rule.QJ-R002": ("建新不拆旧", "New house built, old one not demolished"),
    "rule.QJ-R003": ("超标准占地", "Homestead over the area standard"),
    "rule.QJ-R004": ("农房不在任何宗地内", "Building outside every parcel"),
    "rule.QJ-R005": ("农房跨宗地", "Building straddling parcels"),
    "rule.QJ-R006": ("宗地相互重叠", "Overlapping parcels"),
    "rule.QJ-R007": ("宗地位于其他行政村", "Parcel lies in another village"),
    "rule.QJ-R008": ("代码格式错误或重复", "Malformed or duplicate code"),
    "rule.QJ-R009": ("身份证号无效", "Invalid ID number"),
    "rule.QJ-R010": ("宗地与农户无法对应", "Parcel and household do not match"),
    "rule.QJ-R011": ("登记面积与图上面积不符", "Recorded area differs from the map"),
    "rule.QJ-R012": ("农房登记的宗地与实际坐落不符", "Building recorded on another parcel"),
    "rule.QJ-R013": ("相邻宗地间存在细小缝隙或重叠", "Sliver between neighbouring parcels"),
    "rule.QJ-R014": (
        "残垣断壁未确定处置方式或已逾期",
        "Ruin without disposition or past its deadline",
    ),
    "rule.QJ-R015": ("危房改造户另有住房", "Renovation for a household that has another house"),
    # ---- decisions (None = pending)
    "decision.pending": ("待审核", "pending"),
    "decision.confirmed": ("确认", "confirmed"),
    "decision.exempted": ("豁免", "exempted"),
    "decision.false_positive": ("误报", "false positive"),
    "decision.needs_review": ("需复核", "review again"),
    # ---- exemptions
    "exemption.inheritance": ("继承", "inheritance"),
    "exemption.historical": ("历史遗留", "historical case"),
    "exemption.historical_tier2": (
        "历史遗留（两个截止日之间）",
        "historical case (between the cut-off dates)",
    ),
    "exemption.split": ("分户", "household split"),
    "exemption.resettlement": ("安置/异地搬迁", "resettlement"),
    "exemption.reclamation": ("拟复垦", "scheduled for reclamation"),
    # ---- severities
    "severity.error": ("违规", "violation"),
    "severity.warning": ("调查问题", "survey problem"),
    "severity.info": ("提示", "note"),
    # ---- entity kinds
    "kind.household": ("户", "household"),
    "kind.parcel": ("宗地", "parcel"),
    "kind.building": ("农房", "building"),
    "kind.member": ("户成员", "member"),
    "kind.village": ("行政村", "village"),
    # ---- evidence: labels of the keys rules write
    "ev.homesteads": ("宅基地宗数", "homesteads"),
    "ev.members": ("户内人口", "household size"),
    "ev.split_status": ("分户状态", "household split"),
    "ev.parcels": ("宗地", "parcels"),
    "ev.exemptions": ("豁免依据", "exemptions"),
    "ev.parcel": ("宗地", "parcel"),
    "ev.building": ("农房", "building"),
    "ev.household": ("户号", "household"),
    "ev.area_m2": ("面积", "area"),
    "ev.acquired": ("取得时间", "acquired"),
    "ev.acquisition_mode": ("取得方式", "acquired by"),
    "ev.disposal": ("安置复垦状态", "disposal"),
    "ev.disposal_deadline": ("安置复垦期限", "disposal deadline"),
    "ev.approval_no": ("批准文号", "approval number"),
    "ev.approval_date": ("批准日期", "approval date"),
    "ev.approved_m2": ("批准面积", "approved area"),
    "ev.new_parcels": ("新宅基地", "new homesteads"),
    "ev.standing_buildings": ("未拆除的旧房", "old buildings still standing"),
    "ev.status": ("房屋状态", "status"),
    "ev.days_overdue": ("逾期天数", "days overdue"),
    "ev.demolition_deadline": ("拆旧期限", "demolition deadline"),
    "ev.excess_m2": ("超出面积", "excess"),
    "ev.standard_m2": ("标准面积", "standard area"),
    "ev.per_person_m2": ("人均标准", "per person"),
    "ev.tolerance_m2": ("容差", "tolerance"),
    "ev.land_type": ("原地类", "former land type"),
    "ev.tier": ("时段", "period"),
    "ev.distance_m": ("距离", "distance"),
    "ev.footprint_m2": ("占地面积", "footprint"),
    "ev.nearest_parcel": ("最近宗地", "nearest parcel"),
    "ev.recorded_parcel": ("登记宗地", "recorded parcel"),
    "ev.actual_parcel": ("实际所在宗地", "parcel it lies in"),
    "ev.recorded_exists": ("登记宗地存在", "recorded parcel exists"),
    "ev.share_inside_parcels": ("位于宗地内的比例", "share inside parcels"),
    "ev.largest_parcel": ("占比最大的宗地", "parcel with the largest share"),
    "ev.largest_share": ("最大占比", "largest share"),
    "ev.share": ("占比", "share"),
    "ev.neighbours": ("相邻宗地", "neighbours"),
    "ev.overlap_m2": ("重叠面积", "overlap"),
    "ev.overlap_width_m": ("重叠宽度", "overlap width"),
    "ev.located_village": ("实际所在村", "village it lies in"),
    "ev.located_village_name": ("实际所在村名", "name of that village"),
    "ev.recorded_village": ("登记村", "recorded village"),
    "ev.code": ("代码", "code"),
    "ev.duplicate_of": ("重复的代码", "duplicates"),
    "ev.problems": ("问题", "problems"),
    "ev.id_number": ("身份证号", "ID number"),
    "ev.holder_households": ("权利人所在户", "holders' households"),
    "ev.linked_household": ("关联的户", "linked household"),
    "ev.recorded_household_no": ("登记户号", "recorded household number"),
    "ev.computed_m2": ("图上面积", "area on the map"),
    "ev.recorded_m2": ("登记面积", "recorded area"),
    "ev.difference_m2": ("面积差", "difference"),
    "ev.case": ("整治案件", "case"),
    "ev.reason": ("原因", "reason"),
    # ---- evidence values that are codes
    "val.yes": ("是", "yes"),
    "val.no": ("否", "no"),
    "val.none": ("无", "none"),
    "val.no_case": ("尚未立案", "no case opened"),
    "val.no_household": ("未关联到农户", "no household linked"),
    "val.no_homestead": ("无宅基地", "no homestead"),
    "val.holders_in_several_households": ("共有权利人分属多户", "co-holders in several households"),
    "val.before_tier1": ("第一截止日前", "before the first cut-off"),
    "val.between_tiers": ("两个截止日之间", "between the cut-off dates"),
    "val.after_tier2": ("第二截止日后", "after the second cut-off"),
    "val.id.empty": ("为空", "empty"),
    "val.id.wrong_length": ("位数不对", "wrong length"),
    "val.id.non_digit": ("含非数字字符", "non-digit characters"),
    "val.id.bad_province": ("省份代码无效", "invalid province code"),
    "val.id.bad_birth_date": ("出生日期无效", "invalid birth date"),
    "val.id.future_birth_date": ("出生日期在将来", "birth date in the future"),
    "val.id.bad_check_digit": ("校验位错误", "wrong check digit"),
    "val.id.scientific_notation": ("被 Excel 写成了科学计数法", "mangled into scientific notation"),
    "val.code.empty": ("为空", "empty"),
    "val.code.wrong_length": ("位数不对", "wrong length"),
    "val.code.bad_county": ("区县代码不对", "wrong county code"),
    "val.code.bad_zone_digits": ("地籍区/子区号不对", "bad zone digits"),
    "val.code.bad_ownership_letter": ("权属类型字母不对", "bad ownership letter"),
    "val.code.bad_parcel_type_letter": ("宗地特征码不对", "bad parcel type letter"),
    "val.code.bad_serial": ("宗地顺序号不对", "bad serial number"),
    "val.code.not_homestead": ("不是宅基地代码", "not a homestead code"),
    # ---- units and joining
    "fmt.m2": ("{v} m²", "{v} m²"),
    "fmt.m": ("{v} m", "{v} m"),
    "fmt.percent": ("{v}%", "{v}%"),
    "fmt.days": ("{v} 天", "{v} days"),
    "fmt.persons": ("{v} 人", "{v}"),
    "fmt.count": ("{v} 宗", "{v}"),
    "fmt.sep": ("；", "; "),
    "fmt.list_sep": ("、", ", "),
    "fmt.pair": ("{k}：{v}", "{k}: {v}"),
    # ---- household summary
    "hh.title": ("户 {no}", "Household {no}"),
    "hh.head": ("户主：{name}", "Head: {name}"),
    "hh.summary": (
        "{members} 人，{parcels} 宗宅基地，{buildings} 幢农房，"
        "{findings} 条核查结果，{cases} 个整治案件",
        "{members} members, {parcels} homesteads, {buildings} buildings, "
        "{findings} findings, {cases} cases",
    ),
    "hh.none": ("项目中没有户号为 {no} 的户", "no household {no} in this project"),
    # ---- the workbench (ui/gui)
    "app.title": ("qjgis", "qjgis"),
    "role.surveyor": ("调查员", "surveyor"),
    "role.reviewer": ("审核员", "reviewer"),
    "role.approver": ("审批人", "approver"),
    "role.admin": ("管理员", "administrator"),
    "action.review findings": ("审核核查结果", "review findings"),
    "err.not_permitted": (
        "当前角色“{role}”无权{action}。请在 文件›切换用户 中换成审核员、审批人或管理员。",
        "The role {role} may not {action}. Switch user (File › Switch User) to a reviewer, "
        "approver or administrator.",
    ),
    "err.reason_required": ("请填写审核理由。", "Please give a reason for the decision."),
    "err.unknown_finding": (
        "项目中没有核查结果 {finding}。",
        "No finding {finding} in this project.",
    ),
    "err.unknown_household": (
        "项目中没有户号为 {household} 的户。",
        "No household {household} in this project.",
    ),
    "err.write_conflict": (
        "这条记录已被其他人修改（{table} 第 {fid} 行），请刷新后重试。",
        "Someone else changed this record ({table} row {fid}); refresh and try again.",
    ),
    "err.project_locked": (
        "项目文件正被其他程序写入：{path}",
        "The project is being written by another program: {path}",
    ),
    "err.unexpected": (
        "操作未能完成（{detail}）。详细信息见下方。",
        "The operation could not finish ({detail}). Details below.",
    ),
    "task.busy": (
        "另一个写入任务正在进行：{title}。请等它完成或取消后再试。",
        "Another task is writing the project: {title}. Wait for it or cancel it first.",
    ),
    "task.cancel": ("取消", "Cancel"),
    "task.canceling": ("正在取消…", "Canceling…"),
    "task.canceled": ("已取消，项目未作任何改动。", "Canceled; the project is unchanged."),
    "task.check": ("正在核查", "Running the checks"),
    "undo.review": ("审核 {rule}（{fid}）：{decision}", "Review {rule} ({fid}): {decision}"),
    "undo.check": ("运行核查", "Run the checks"),
    "undo.user": ("切换用户：{name}（{role}）", "Switch user: {name} ({role})"),
    "menu.edit": ("编辑(&E)", "&Edit"),
    "menu.checks": ("核查(&C)", "&Checks"),
    "edit.undo": ("撤销", "Undo"),
    "edit.redo": ("重做", "Redo"),
    "map.clear_highlight": ("清除高亮", "Clear Highlight"),
    "checks.menu_run": ("运行核查…", "Run Checks…"),
    "checks.title": ("运行核查", "Run Checks"),
    "checks.rules": ("规则", "Rules"),
    "checks.as_of": ("基准日", "As of"),
    "checks.run": ("开始核查", "Run"),
    "checks.no_rules": ("请至少选择一条规则。", "Choose at least one rule."),
    "checks.refused": (
        "另一个写入任务正在进行，未开始核查。",
        "Another task is writing; the checks did not start.",
    ),
    "checks.done": (
        "核查完成：第 {run} 次，用时 {seconds:.1f} 秒",
        "Checks done: run {run}, {seconds:.1f} s",
    ),
    "checks.col.rule": ("规则", "Rule"),
    "checks.col.found": ("查出", "Found"),
    "checks.col.exempted": ("已豁免", "Exempted"),
    "checks.col.new": ("新增", "New"),
    "checks.col.changed": ("有变化", "Changed"),
    "checks.col.needs_review": ("需复核", "Review again"),
    "checks.col.gone": ("已消除", "Gone"),
    "findings.title": ("核查结果", "Findings"),
    "findings.review": ("审核核查结果…", "Review Finding…"),
    "findings.all_rules": ("全部规则", "All rules"),
    "findings.all_villages": ("全部行政村", "All villages"),
    "findings.all_decisions": ("全部审核状态", "All decisions"),
    "findings.text_placeholder": ("对象编号或权利人姓名", "Key or holder name"),
    "findings.counts": ("共 {n} 条：{counts}", "{n} findings: {counts}"),
    "findings.col.rule": ("规则", "Rule"),
    "findings.col.key": ("对象", "Entity"),
    "findings.col.village": ("行政村", "Village"),
    "findings.col.holder": ("户主/权利人", "Holder"),
    "findings.col.decision": ("审核结论", "Decision"),
    "findings.col.evidence": ("证据", "Evidence"),
    "review.title": ("审核核查结果 {fid}", "Review finding {fid}"),
    "review.key": ("对象（{kind}）", "Entity ({kind})"),
    "review.severity": ("性质", "Severity"),
    "review.candidate_exemption": ("可能的豁免情形", "Possible exemption"),
    "review.current": ("当前结论", "Current decision"),
    "review.decided": ("{decision}（{by}）", "{decision} (by {by})"),
    "review.evidence": ("证据", "Evidence"),
    "review.decision": ("审核结论", "Decision"),
    "review.reason": ("理由（必填）", "Reason (required)"),
    "review.reason_placeholder": (
        "例如：已核实为继承取得，有继承公证书",
        "e.g. inherited; notarised certificate seen",
    ),
    "review.reason_required": ("请填写理由后保存。", "Give a reason to save."),
    "review.not_permitted": (
        "当前角色“{role}”不能审核核查结果；保存时将被拒绝。请通过 文件›切换用户 更换角色。",
        "The role {role} may not review findings; saving will be refused. Switch user first.",
    ),
    "review.save": ("保存结论", "Save Decision"),
    "review.exempt_reason": ("豁免（{exemption}）：{reason}", "Exempted ({exemption}): {reason}"),
    "hh.open": ("查看农户…", "Show Household…"),
    "hh.features": ("宗地与农房（单击定位）", "Parcels and buildings (click to zoom)"),
    "hh.findings_cases": (
        "核查结果与整治案件（双击审核）",
        "Findings and cases (double-click to review)",
    ),
    "hh.not_linked": ("这条核查结果没有关联到农户。", "This finding is not linked to a household."),
    "hh.col.seq": ("序号", "No."),
    "hh.col.name": ("姓名", "Name"),
    "hh.col.relation": ("与户主关系", "Relation"),
    "hh.col.sex": ("性别", "Sex"),
    "hh.col.birth": ("出生日期", "Born"),
    "hh.col.id": ("身份证号", "ID number"),
    "case.ruin": ("残垣断壁整治", "Ruin case"),
    "case.renovation": ("危房改造", "Renovation case"),
    "user.menu": ("切换用户…", "Switch User…"),
    "user.title": ("切换用户", "Switch User"),
    "user.name": ("姓名", "Name"),
    "user.role": ("角色", "Role"),
    "user.first_time": (
        "这个项目还没有设置操作人员，审计日志暂记为系统用户“{user}”。请填写您的姓名和角色。",
        "Nobody is named in this project yet; the audit log records the system user {user}. "
        "Please give your name and role.",
    ),
    "user.status": ("{name}（{role}）", "{name} ({role})"),
    "search.placeholder": (
        "宗地代码、不动产单元号、户号、姓名、身份证号、村名",
        "Parcel code, unit number, household no., name, ID, village",
    ),
    "search.title": ("搜索结果", "Search Results"),
    "search.none": ("没有找到“{text}”", "Nothing found for {text}"),
    "dialog.close": ("关闭", "Close"),
    "layer.parcels": ("宅基地宗地", "Homestead parcels"),
    "layer.buildings": ("农房（自然幢）", "Buildings"),
    "layer.villages": ("行政村", "Villages"),
    "layer.households": ("户籍（户与成员）", "Households register"),
    "import.menu": ("导入…", "Import…"),
    "import.title": ("导入数据", "Import Data"),
    "import.browse": ("浏览…", "Browse…"),
    "import.file": ("文件", "File"),
    "import.layer": ("导入到", "Target layer"),
    "import.encoding": ("字符编码", "Encoding"),
    "import.encoding_auto": ("自动识别", "Detect"),
    "import.filter": (
        "可导入的数据 ({patterns});;所有文件 (*)",
        "Data files ({patterns});;All files (*)",
    ),
    "import.preview": ("预览（试导入，不写入项目）", "Preview (dry run, nothing written)"),
    "import.previewing": ("正在预览…", "Previewing…"),
    "import.detected_encoding": ("识别的编码", "Encoding"),
    "import.samples": ("样例值", "Sample values"),
    "import.detected_crs": ("识别的坐标系", "Coordinate system"),
    "import.features": ("要素/行数", "Features/rows"),
    "import.encoding_text": ("{encoding}（{reason}）", "{encoding} ({reason})"),
    "import.encoding_none": ("不适用", "not applicable"),
    "import.crs_text": ("{crs} {name}（{reason}：{detail}）", "{crs} {name} ({reason}: {detail})"),
    "import.crs_none": ("无坐标（属性表）", "none (a table)"),
    "import.col.source": ("源字段", "Source field"),
    "import.col.target": ("对应到", "Target"),
    "import.col.confidence": ("可信度", "Confidence"),
    "import.col.origin": ("来源", "Origin"),
    "import.to_extra": ("（不对应，保留在其他字段中）", "(none: kept in extra)"),
    "import.unmapped": ("未对应的目标字段：{fields}", "Targets with no source: {fields}"),
    "import.key_unmapped": (
        "关键字段“{key}”没有对应的源字段，导入的要素将无法按代码更新。",
        "The key {key} has no source field; rows cannot be matched by code.",
    ),
    "import.load_mapping": ("载入映射…", "Load Mapping…"),
    "import.save_mapping": ("保存映射…", "Save Mapping…"),
    "import.mapping_field_unknown": (
        "映射文件中的字段 {field} 不在源数据中",
        "Mapping field {field} is not in the source",
    ),
    "import.run": ("导入", "Import"),
    "import.running": ("正在导入{layer}", "Importing {layer}"),
    "import.done": (
        "导入完成（批次 {batch}）：读取 {read}，新增 {added}，更新 {updated}，未变 {unchanged}，"
        "本次缺少 {absent}",
        "Imported (batch {batch}): read {read}, added {added}, updated {updated}, "
        "unchanged {unchanged}, absent {absent}",
    ),
    "import.report": ("导入报告（单击一行定位）", "Report (click a row to zoom)"),
    "import.issue": ("{kind}：{n} 行", "{kind}: {n} rows"),
    "import.issue_row": ("第 {row} 行 {key}", "row {row} {key}"),
    "import.no_issues": ("没有发现行级问题", "No row problems"),
    "import.offer": (
        "{path} 不是 qjgis 项目文件。要把它导入到当前项目吗？",
        "{path} is not a qjgis project. Import it into the open project?",
    ),
    "import.offer_no_project": (
        "{path} 不是 qjgis 项目文件。请先打开或新建一个项目，再用 文件›导入… 导入它。",
        "{path} is not a qjgis project. Open or create a project first, then use File › Import….",
    ),
    "origin.preset": ("自动识别", "detected"),
    "origin.file": ("映射文件", "mapping file"),
    "origin.none": ("", ""),
    "origin.user": ("手工指定", "chosen"),
    "enc.cpg": ("由 .cpg 文件声明", "declared by the .cpg file"),
    "enc.override": ("手工指定", "chosen"),
    "enc.ascii": ("只有英文字符", "ASCII only"),
    "enc.detected": ("按内容识别", "detected from the text"),
    "enc.ldid": ("由 DBF 文件头声明", "declared in the DBF header"),
    "enc.fallback": ("无法识别，按 Latin-1 读取", "unknown; read as Latin-1"),
    "crsr.prj": ("由 .prj 文件声明", "declared by the .prj file"),
    "crsr.prj_gk": ("由 .prj 文件声明（高斯-克吕格）", "declared by the .prj file (Gauss-Krüger)"),
    "crsr.proposed": ("按坐标范围推断", "inferred from the coordinates"),
    "crsr.override": ("手工指定", "chosen"),
    "crsr.layer": ("数据自带", "stored with the layer"),
    "stage.open": ("打开文件", "opening"),
    "stage.read": ("读取要素", "reading"),
    "stage.done": ("完成", "done"),
    "issue.code_malformed": ("代码格式错误", "malformed code"),
    "issue.code_missing": ("缺少代码", "missing code"),
    "issue.far_outside_crs": ("坐标远在坐标系范围之外", "far outside the CRS area"),
    "issue.geometry_collapsed": ("图形修复后退化", "geometry collapsed when repaired"),
    "issue.geometry_collection_reduced": ("混合图形只保留了面", "collection reduced to polygons"),
    "issue.geometry_empty": ("空图形", "empty geometry"),
    "issue.geometry_nonfinite": ("坐标不是有限数", "non-finite coordinates"),
    "issue.geometry_null": ("没有图形", "no geometry"),
    "issue.geometry_invalid": ("图形无效（已修复）", "invalid geometry (repaired)"),
    "issue.household_head_missing": ("户缺少户主", "household has no head"),
    "issue.household_no_missing": ("缺少户号", "missing household number"),
    "issue.id_excel_unrecoverable": (
        "身份证号被 Excel 截断，无法恢复",
        "ID number truncated by Excel",
    ),
    "issue.value_invalid": ("值无效", "invalid value"),
    "issue.z_m_dropped": ("去掉了 Z/M 坐标", "Z/M dropped"),
    "issue.id_invalid": ("身份证号无效", "invalid ID number"),
    "issue.geometry_wrong_type": ("图形类型不对", "wrong geometry type"),
    "issue.geometry_repaired": ("图形无效，已修复", "invalid geometry, repaired"),
    "issue.multipart": ("多部件图形", "multipart geometry"),
    "issue.code_duplicate": ("代码在本批次内重复（两行都保留）", "duplicate code (both rows kept)"),
    "batch.title": ("导入批次", "Import Batches"),
    "batch.undo": ("撤销此批次", "Undo Batch"),
    "batch.undoing": ("正在撤销导入批次 {batch}", "Undoing import batch {batch}"),
    "batch.confirm": (
        "撤销导入批次 {batch}（{layer}，{source}）？新增的要素将删除，更新的要素恢复原值。",
        "Undo import batch {batch} ({layer}, {source})? "
        "Added rows are deleted, updated rows restored.",
    ),
    "batch.row": (
        "{batch} · {created} · {layer} · {source} · 新增 {added}，更新 {updated}{undone}",
        "{batch} · {created} · {layer} · {source} · added {added}, updated {updated}{undone}",
    ),
    "batch.undone": ("（已撤销）", " (undone)"),
}
