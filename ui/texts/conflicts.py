"""Texts of many desks at once (issue 18): a refused edit and the change that beat it.

`describe` words a `write_conflict` that carries the other desks' changes (`theirs`, from
`qjgis.pg.conflict.their_changes`) as one line for the command line; `change_lines` gives
one line per change for the window's conflict dialog.
"""

from __future__ import annotations

from typing import Any

from qjgis import schema

TEXTS: dict[str, tuple[str, str]] = {
    "conflict.refused": (
        "{entity} 已被他人修改，您的修改未保存（您依据的是版本 {expected}，现为版本 {found}）：{theirs}",
        "{entity} was changed by someone else; your edit was not saved (you worked on "
        "version {expected}, it is now version {found}): {theirs}",
    ),
    "conflict.change": (
        "{user}（{role}）于 {time} {command}：{fields}",
        "{user} ({role}) at {time}, {command}: {fields}",
    ),
    "conflict.change_head": (
        "{user}（{role}），{time}，{command}",
        "{user} ({role}), {time}, {command}",
    ),
    "conflict.field": ("{name} 由 {before} 改为 {after}", "{name} from {before} to {after}"),
    "conflict.no_fields": ("无属性变化", "no attribute changed"),
    "conflict.untracked": (
        "另有 {count} 次修改未逐条记入审计（核查运行更新了核查结果）",
        "{count} more change(s) not logged row by row (a check run updated the finding)",
    ),
    "conflict.unknown": ("审计日志中没有找到这些修改", "the audit log names no such change"),
    "conflict.empty": ("（空）", "(empty)"),
    "conflict.separator": ("；", "; "),
    "conflict.entity.findings": ("核查结果 {fid}", "finding {fid}"),
    "conflict.entity.ruin_cases": ("残垣断壁整治案件 R{fid}", "ruin case R{fid}"),
    "conflict.entity.renovation_cases": ("危房改造案件 W{fid}", "renovation case W{fid}"),
    "conflict.entity.other": ("{table} 第 {fid} 行", "{table} row {fid}"),
    "conflict.cmd.findings.review": ("审核", "reviewed it"),
    "conflict.cmd.findings.review.revert": ("撤销审核", "undid a review"),
    "conflict.cmd.case.advance": ("推进案件", "advanced the case"),
    "conflict.cmd.case.advance.revert": ("撤销案件推进", "undid an advance"),
    "conflict.cmd.case.dispose": ("确定处置方式", "disposed of the case"),
    "conflict.cmd.case.dispose.revert": ("撤销处置", "undid a disposal"),
    "conflict.cmd.case.pay": ("记录补助发放", "recorded a payment"),
    "conflict.cmd.case.pay.revert": ("撤销补助发放", "undid a payment"),
    "conflict.cmd.case.attach": ("添加附件", "attached evidence"),
    "conflict.cmd.other": ("执行 {command}", "ran {command}"),
    "err.database_connection_lost": (
        "{url}：与数据库的连接已断开（{detail}）；本次操作未保存，下一次操作将重新连接",
        "{url}: the connection to the database was lost ({detail}); this command was not "
        "saved, the next one connects again",
    ),
    # the window's conflict dialog
    "conflict.title": ("修改冲突", "Edit conflict"),
    "conflict.intro": (
        "您打开之后，{entity} 已被他人修改（您依据版本 {expected}，现为版本 {found}）。"
        "您的修改尚未保存。",
        "After you opened it, {entity} was changed by someone else (you worked on version "
        "{expected}, it is now version {found}). Your edit has not been saved.",
    ),
    "conflict.theirs": ("他人的修改（已保存）", "Their change (saved)"),
    "conflict.yours": ("您的修改（未保存）", "Your edit (not saved)"),
    "conflict.yours_by": ("{user}（{role}），{time}（现在）", "{user} ({role}), {time} (now)"),
    "conflict.redo": ("在当前版本上重新应用我的修改", "Apply mine on the current version"),
    "conflict.drop": ("放弃我的修改", "Drop mine"),
    "conflict.redone": (
        "已在版本 {version} 上重新应用您的修改",
        "Your edit was applied on version {version}",
    ),
}


def _t(code: str, **params: Any) -> str:
    from ui.texts import t

    return t(code, **params)


def entity_text(table: str, fid: int) -> str:
    code = f"conflict.entity.{table}"
    from ui.texts import has

    return _t(code, fid=fid) if has(code) else _t("conflict.entity.other", table=table, fid=fid)


def _field_title(table: str, name: str) -> str:
    from ui.texts import language

    if language() != "zh":
        return name
    if "." in name:  # "building.status": a column of the case's building
        prefix, name = name.split(".", 1)
        table = {"building": "buildings", "parcel": "parcels"}.get(prefix, prefix)
    spec = schema.TABLE_BY_NAME.get(table)
    for column in spec.columns if spec is not None else ():
        if column.name == name:
            return column.title
    return name


#: the kind of enumerated value a column holds (`ui.texts.VALUE_KINDS`)
_KINDS = {
    "decision": "decision",
    "decision_exemption": "exemption",
    "exemption": "exemption",
    "state": "state",
    "disposition": "disposition",
    "status": "building_status",
    "building.status": "building_status",
    "role": "role",
}


def _value(value: Any, name: str = "") -> str:
    from ui.texts import value_text

    if value is None or value == "":
        return _t("conflict.empty")
    if isinstance(value, list):
        return ", ".join(_value(v, name) for v in value)
    return value_text(value, _KINDS.get(name))


def _command(command: str) -> str:
    from ui.texts import has

    code = f"conflict.cmd.{command}"
    return _t(code) if has(code) else _t("conflict.cmd.other", command=command)


def field_lines(table: str, fields: list[list[Any]]) -> list[str]:
    return [
        _t(
            "conflict.field",
            name=_field_title(table, n),
            before=_value(b, n),
            after=_value(a, n),
        )
        for n, b, a in fields
    ]


def change_lines(table: str, theirs: dict[str, Any]) -> list[str]:
    """One line per change that beat a refused edit, oldest first."""
    from ui.texts import value_text

    sep = _t("conflict.separator")
    lines = []
    for change in theirs.get("changes", []):
        fields = field_lines(table, change.get("fields", []))
        lines.append(
            _t(
                "conflict.change",
                user=change.get("user") or "?",
                role=value_text(change.get("role"), "role"),
                time=_time(change.get("time")),
                command=_command(str(change.get("command"))),
                fields=sep.join(fields) if fields else _t("conflict.no_fields"),
            )
        )
    if theirs.get("untracked"):
        lines.append(_t("conflict.untracked", count=theirs["untracked"]))
    if not lines:
        lines.append(_t("conflict.unknown"))
    return lines


def _time(value: Any) -> str:
    """The audit's UTC time (`2026-12-06T07:41:02.123456Z`) in this desk's local time."""
    import datetime as dt

    text = str(value or "")
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if when.tzinfo is not None:
        when = when.astimezone()
    return when.strftime("%Y-%m-%d %H:%M:%S")


def change_blocks(table: str, theirs: dict[str, Any]) -> list[list[str]]:
    """Per change that beat a refused edit: who, when and what (a heading), then one line
    per attribute; for the window, where each change gets its own lines."""
    from ui.texts import value_text

    blocks = [
        [
            _t(
                "conflict.change_head",
                user=change.get("user") or "?",
                role=value_text(change.get("role"), "role"),
                time=_time(change.get("time")),
                command=_command(str(change.get("command"))),
            ),
            *(field_lines(table, change.get("fields", [])) or [_t("conflict.no_fields")]),
        ]
        for change in theirs.get("changes", [])
    ]
    if theirs.get("untracked"):
        blocks.append([_t("conflict.untracked", count=theirs["untracked"])])
    return blocks or [[_t("conflict.unknown")]]


def describe(error: Any) -> str:
    """A `write_conflict` with `theirs` as one line: what, which versions, whose change."""
    p = error.params
    table, fid = str(p.get("table")), int(p.get("fid") or 0)
    return _t(
        "conflict.refused",
        entity=entity_text(table, fid),
        expected=p.get("expected"),
        found=p.get("found"),
        theirs=_t("conflict.separator").join(change_lines(table, p["theirs"])),
    )
