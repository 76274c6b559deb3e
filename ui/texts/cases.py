"""Texts of the remediation cases: error messages and labels."""

from __future__ import annotations

#: code -> (Chinese, English)
TEXTS: dict[str, tuple[str, str]] = {
    "err.attachment_too_large": (
        "{path}：文件大小 {size} 字节，超过附件上限 {limit} 字节",
        "{path}: {size} bytes is more than the {limit} bytes an attachment may have",
    ),
    "err.attachment_type": (
        "{path}：不是允许的附件类型（允许：{accepted}）",
        "{path}: not an accepted attachment type (accepted: {accepted})",
    ),
    "err.attachment_unreadable": (
        "{path}：无法读取该图片（{detail}）",
        "{path}: the image cannot be read ({detail})",
    ),
    "err.attachment_too_many_pixels": (
        "{path}：图片为 {width} × {height} 像素，超过照片上限 {limit} 像素（文件损坏或为解压炸弹）",
        "{path}: the image is {width} × {height} pixels, more than the {limit} pixels a photo "
        "may have (a damaged file or a decompression bomb)",
    ),
    "err.case_not_found": ("{path}：不存在案件 {case}", "{path}: there is no case {case}"),
    "err.building_not_found": (
        "{path}：没有不动产单元代码为 {bdcdyh} 的农房",
        "{path}: no building has the unit code {bdcdyh}",
    ),
    "err.building_ambiguous": (
        "{path}：有 {count} 幢农房的不动产单元代码同为 {bdcdyh}",
        "{path}: {count} buildings share the unit code {bdcdyh}",
    ),
    "err.not_a_ruin": (
        "{path}：农房 {bdcdyh} 的状态为 {status}，不属于残垣断壁",
        "{path}: building {bdcdyh} is {status}, not a ruin (残垣断壁)",
    ),
    "err.case_exists": (
        "{path}：农房 {bdcdyh} 已有案件 {case}（每幢农房只能有一件案件，已撤销的除外）",
        "{path}: building {bdcdyh} already has the case {case} (a building has one case, unless it was cancelled)",
    ),
    "err.household_case_exists": (
        "{path}：农户 {household} 已有未办结的危房改造案件 {case}",
        "{path}: household {household} already has the open renovation case {case}",
    ),
    "err.case_closed": (
        "{path}：案件 {case} 已办结（{state}），不能再更改",
        "{path}: case {case} is closed ({state}) and cannot change",
    ),
    "err.case_already_disposed": (
        "{path}：案件 {case} 已确定处置方式 {disposition}；如需更改，请先撤销该案件，再重新立案",
        "{path}: case {case} already has the disposition {disposition}; cancel it and open a new case to change it",
    ),
    "err.transition_refused": (
        "{path}：案件 {case} 当前状态为 {state}，不能转为 {target}（可转为：{allowed}）",
        "{path}: case {case} is {state}; it cannot move to {target} (allowed: {allowed})",
    ),
    "err.deadline_required": (
        "{path}：案件 {case}：转为 {target} 须设定期限（--deadline）",
        "{path}: case {case}: {target} needs a deadline (--deadline)",
    ),
    "err.deadline_before_date": (
        "{path}：案件 {case}：期限 {deadline} 早于办理日期 {date}",
        "{path}: case {case}: the deadline {deadline} is before the date {date}",
    ),
    "err.date_before_history": (
        "{path}：案件 {case}：日期 {date} 早于最近一条办理记录的日期（{last}）",
        "{path}: case {case}: the date {date} is before its last recorded event ({last})",
    ),
    "err.note_required": (
        "{path}：案件 {case}：转为 {action} 须填写理由说明",
        "{path}: case {case}: {action} needs a note saying why",
    ),
    "err.case_no_household": (
        "{path}：案件 {case}：农房 {bdcdyh} 不在任何农户的宗地上，无法核验能否适用 {disposition}",
        "{path}: case {case}: building {bdcdyh} lies on no parcel held by a household, so {disposition} cannot be checked",
    ),
    "err.case_needs_illegal_finding": (
        "{path}：案件 {case}：责令自行拆除须以农户 {household} 存在经审核确认的一户多宅（QJ-R001）或建新不拆旧（QJ-R002）核查结果为前提（待审核的不算；审批人可说明理由后越过）",
        "{path}: case {case}: ordered self-demolition needs an open finding of 一户多宅 (QJ-R001) or 建新不拆旧 (QJ-R002) for household {household} that a reviewer has confirmed",
    ),
    "err.case_not_only_homestead": (
        "{path}：案件 {case}：{disposition} 仅适用于农户唯一的宅基地；农户 {household} 持有 {count} 宗宅基地",
        "{path}: case {case}: {disposition} is only for a household's only homestead; household {household} holds {count} homestead parcels",
    ),
    "err.case_reinforcement_conditions": (
        "{path}：案件 {case}：排危加固须房主愿意保留房屋（--owner-keeps）且具备加固条件（--feasible）",
        "{path}: case {case}: reinforcement needs the owner's wish to keep the house (--owner-keeps) and a feasible reinforcement (--feasible)",
    ),
    "err.override_not_allowed": (
        "{path}：{user}（{role}）无权越过前提条件：仅审批人可说明理由后特批",
        "{path}: {user} ({role}) cannot override a precondition: only an approver can, with a reason",
    ),
    "err.approval_not_allowed": (
        "{path}：案件 {case}：{user}（{role}）不能将其转为“{state}”：这是审批事项，仅审批人可以办理",
        "{path}: case {case}: {user} ({role}) cannot move it to {state}: that is an approval, recorded only by an approver",
    ),
    "err.renovation_not_dangerous": (
        "{path}：农房 {bdcdyh} 的危房等级为 {grade}；仅 C 级、D 级危房可纳入危房改造",
        "{path}: building {bdcdyh} has grade {grade}; only C and D houses are renovated",
    ),
    "err.renovation_not_standing": (
        "{path}：农房 {bdcdyh} 的状态为 {status}，不是在用住房",
        "{path}: building {bdcdyh} is {status}, not a house in use",
    ),
    "err.renovation_no_household": (
        "{path}：农房 {bdcdyh} 不在户籍名册中任何农户的宗地上",
        "{path}: building {bdcdyh} lies on no parcel held by a household of the register",
    ),
    "err.renovation_not_in_village": (
        "{path}：农户 {household}（农房 {bdcdyh}）不在本村居住",
        "{path}: household {household} (building {bdcdyh}) does not live in the village",
    ),
    "err.renovation_not_only_house": (
        "{path}：农户 {household}（农房 {bdcdyh}）另有住房：{others}",
        "{path}: household {household} (building {bdcdyh}) holds another house: {others}",
    ),
    "err.payment_refused_state": (
        "{path}：案件 {case} 当前状态为 {state}；补助资金须批准后方可拨付",
        "{path}: case {case} is {state}; subsidies are paid only once approved",
    ),
    "err.payment_over_subsidy": (
        "{path}：案件 {case}：拨付 {amount:,.2f} 元后累计将达 {total:,.2f} 元，超过核定补助 {subsidy:,.2f} 元",
        "{path}: case {case}: paying {amount:,.2f} yuan would bring the total to {total:,.2f} yuan, above the approved subsidy of {subsidy:,.2f} yuan",
    ),
    "err.payment_fully_paid": (
        "{path}：案件 {case}：核定补助 {subsidy:,.0f} 元已全部拨付",
        "{path}: case {case}: the approved subsidy of {subsidy:,.0f} yuan is paid in full",
    ),
    "err.payment_not_positive": (
        "{path}：案件 {case}：拨付金额须大于 0（{amount}）",
        "{path}: case {case}: a payment must be more than 0 ({amount})",
    ),
    "err.payment_not_renovation": (
        "{path}：案件 {case}：只有危房改造案件可拨付补助资金",
        "{path}: case {case}: only renovation cases receive subsidies",
    ),
    "err.sheet_unreadable": (
        "{path}：不是 qjgis 导出的案件台账（{reason}）",
        "{path}: not a case sheet exported by qjgis ({reason})",
    ),
    "err.sheet_row_case": (
        "{path} 第 {row} 行：{value} 不是案件编号（如 R12、W3）",
        "{path} row {row}: {value} is not a case id (R12, W3)",
    ),
    "err.sheet_row_state": (
        "{path} 第 {row} 行：{value} 不是案件 {case} 的状态",
        "{path} row {row}: {value} is not a state of case {case}",
    ),
    "err.sheet_row_date": (
        "{path} 第 {row} 行：{value} 不是有效日期（应为 YYYY-MM-DD）",
        "{path} row {row}: the date {value} is not a date (YYYY-MM-DD)",
    ),
    "err.sheet_row_incomplete": (
        "{path} 第 {row} 行：请同时填写所达状态及其日期",
        "{path} row {row}: fill both the state reached and its date",
    ),
    "err.sheet_other_project": (
        "{path}：该台账导出自另一个项目（{found}）；请从本项目导出台账",
        "{path}: this sheet was exported from another project ({found}); "
        "export the sheet from this project",
    ),
    "err.sheet_row_village": (
        "{path} 第 {row} 行：案件 {case} 不属于本台账所对应的村 {village}",
        "{path} row {row}: case {case} is not in the sheet's village {village}",
    ),
    "err.sheet_row_version": (
        "{path} 第 {row} 行：隐藏的“版本”列为 {value}，不是数字；请勿修改该列（可重新导出台账）",
        "{path} row {row}: the hidden version column holds {value}, not a number; "
        "do not edit it (export the sheet again)",
    ),
    "err.sheet_row_formula": (
        "{path} 第 {row} 行：单元格 {column} 是公式；请直接填写数值或文字",
        "{path} row {row}: the cell {column} is a formula; type the value itself",
    ),
    "err.sheet_invalid_rows": (
        "{path}：有 {count} 行无效，未录入任何数据（请修正后重试，或使用 --apply-valid 只录入有效行）",
        "{path}: {count} row(s) are invalid, so nothing was applied (fix them, or apply the valid rows with --apply-valid)",
    ),
    "undisposed": ("尚未确定处置方式", "no disposition yet"),
    "deadline": ("期限 {date}", "deadline {date}"),
    "overdue": ("已逾期", "OVERDUE"),
    "override": ("审批人特批", "Approver's override"),
    "preserved": (
        "{date} 已办理房屋权益保全：宗地 {zddm}（{parcel:.1f} m²），房屋占地 {footprint:.1f} m²，户号 {household}",
        "Rights preserved on {date}: parcel {zddm} ({parcel:.1f} m²), footprint {footprint:.1f} m², household {household}",
    ),
    "paid": (
        "已拨付 {paid:,.0f} 元，核定补助 {subsidy:,.0f} 元",
        "Paid {paid:,.0f} of {subsidy:,.0f} yuan",
    ),
    "next": ("下一步", "Next"),
    "history": ("办理记录", "History"),
    "missing": ("文件缺失", "file missing"),
    "attached": ("已为案件 {case} 添加 {n} 个附件", "{n} file(s) attached to {case}"),
    "opened_from_checks": (
        "已根据 QJ-R014 核查结果立案 {n} 件残垣断壁整治案件",
        "{n} ruin case(s) opened from the QJ-R014 findings",
    ),
    "sheet_written": (
        "{village_name}（{village}）的 {cases} 件未办结案件已写入 {path}",
        "{cases} open case(s) of {village_name} ({village}) written to {path}",
    ),
    "sheet_row_error": ("第 {row} 行：{message}", "row {row}: {message}"),
    "sheet_applied": (
        "已录入 {n} 行，跳过无效行 {errors} 行",
        "{n} row(s) applied, {errors} invalid row(s) left out",
    ),
    # what may be done now (qjgis.cases.allowed), in `case show` and the case panel
    "allowed": ("当前可办理", "Allowed now"),
    "allowed_action.open_ruin": ("立残垣断壁整治案", "open a ruin case"),
    "allowed_action.open_renovation": ("受理危房改造申请", "open a renovation case"),
    "allowed_action.dispose": ("处置为 {target}", "dispose as {target}"),
    "allowed_action.advance": ("推进至 {target}", "advance to {target}"),
    "allowed_action.advance_any": ("推进", "advance"),
    "allowed_action.pay": ("拨付补助", "pay the subsidy"),
    "allowed_action.attach": ("添加附件", "attach files"),
    "allowed_max_amount": ("本次最多 {amount:,.2f} 元", "at most {amount:,.2f} yuan"),
    "allowed_overridable": (
        "审批人可说明理由后特批",
        "an approver may override it, giving a reason",
    ),
    "allowed_needs": ("需填写：{needs}", "asks for: {needs}"),
    "allowed_yes": ("可以", "yes"),
    "allowed_no": ("不可", "no"),
    "need.deadline": ("期限", "deadline"),
    "need.note": ("说明", "note"),
    "need.owner_keeps": ("户主愿意保留", "the owner wants to keep it"),
    "need.feasible": ("加固可行", "reinforcement is feasible"),
    "need.amount": ("金额", "amount"),
    "need.files": ("附件", "files"),
    # what happened to a case (case_events.action)
    "case_action.open": ("立案", "open"),
    "case_action.dispose": ("确定处置", "dispose"),
    "case_action.advance": ("推进", "advance"),
    "case_action.cancel": ("撤销", "cancel"),
    "case_action.revert": ("撤回", "revert"),
    "case_action.pay": ("拨付", "pay"),
    "case_action.attach": ("附件", "attach"),
    "case_action.detach": ("移除附件", "detach"),
}
