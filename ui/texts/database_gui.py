"""Texts of the window on a database project (issue 17): File ▸ Open database, the password."""

from __future__ import annotations

#: code -> (Chinese, English)
TEXTS: dict[str, tuple[str, str]] = {
    "dbgui.open": ("打开数据库(&D)…", "Open &Database…"),
    "dbgui.title": ("打开数据库项目", "Open a Database Project"),
    "dbgui.address": ("数据库地址", "Database address"),
    "dbgui.hint": (
        "输入 postgresql://用户@服务器/数据库，或 service=名称（pg_service.conf 中的条目）。"
        "密码不必写在地址里：需要时会询问，且不会被保存。",
        "Type postgresql://user@server/database, or service=NAME (an entry of "
        "pg_service.conf). Leave the password out: it is asked for when the server wants "
        "one, and never kept.",
    ),
    "dbgui.not_an_address": (
        "{text} 不是数据库地址：应以 postgresql:// 或 service= 开头",
        "{text} is not a database address: it begins with postgresql:// or service=",
    ),
    "dbgui.password_title": ("数据库密码", "Database Password"),
    "dbgui.password_label": (
        "{url} 需要密码（仅用于本次连接，不会保存）：",
        "{url} asks for a password (used for this connection only, never kept):",
    ),
    "dbgui.reading": (
        "正在读取数据库 {url} 的范围和要素数…",
        "Reading the extent and feature counts of {url}…",
    ),
    "dbgui.counting": ("正在统计…", "Counting…"),
    "dbgui.measuring": ("正在读取各图层的范围和要素数", "reading each layer's extent and count"),
    "dbgui.analyzing": (
        "首次打开 {url}：正在收集数据库统计信息…",
        "First opening of {url}: gathering the database's statistics…",
    ),
}
