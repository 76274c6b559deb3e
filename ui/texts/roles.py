"""Texts of a database project's users, roles and towns (`db init`, `db user`; issue 18)."""

from __future__ import annotations

#: code -> (Chinese, English)
TEXTS: dict[str, tuple[str, str]] = {
    "role.viewer": ("查看员", "viewer"),
    "err.not_permitted_login": (
        "该数据库登录的角色 {role} 无权执行“{action}”（登录的角色由管理员用 db user add 设定）",
        "this database login's role {role} may not {action} "
        "(an administrator gives a login its role: db user add)",
    ),
    "err.roles_need_owner": (
        "{url}：{login} 不能设置角色：{reason}；请以项目所有者（且有建角色权限）或超级用户运行",
        "{url}: {login} may not set up the roles: {reason}; run it as the project's "
        "owner with the right to create roles (or a superuser)",
    ),
    "err.roles_not_initialised": (
        "{url}：该数据库还没有 qjgis 角色（请先运行 db init）",
        "{url}: the database has no qjgis roles yet (run db init first)",
    ),
    "err.login_name_invalid": (
        "{name!r} 不能用作登录名（只能用字母（含汉字）、数字和下划线，以字母开头，最长 63 字节）",
        "{name!r} is not a usable login name (letters, digits and _ only, "
        "starting with a letter, at most 63 bytes)",
    ),
    "err.login_is_group": (
        "{url}：{name} 是 qjgis 的角色组或项目所有者，不是用户",
        "{url}: {name} is a qjgis group role or the project's owner, not a user",
    ),
    "err.unknown_town": (
        "{url}：项目中没有镇街 {town}（现有镇街：{towns}）",
        "{url}: there is no town {town} in the project (towns: {towns})",
    ),
    "err.database_refused": (
        "{url}：数据库拒绝了 {login}（{role}）：{reason}；未作任何修改",
        "{url}: the database refused {login} ({role}): {reason}; nothing was changed",
    ),
    "err.identity_from_login": (
        "{url}：数据库项目的用户和角色取自登录（{login}，{role}），不能设置 {key}"
        "（角色由 db user add 设定）",
        "{url}: on a database the user and role come from the login ({login}, {role}); "
        "{key} cannot be set (db user add sets a login's role)",
    ),
    "reason.no_createrole": ("该登录无权创建角色", "it may not create roles"),
    "reason.not_owner": ("该登录不是项目所有者", "it does not own the project"),
    "reason.refused_select": (
        "此角色无权读取「{title}」（{table}）",
        "this role may not read {table} ({title})",
    ),
    "reason.refused_insert": (
        "此角色无权向「{title}」（{table}）添加行",
        "this role may not add rows to {table} ({title})",
    ),
    "reason.refused_update": (
        "此角色无权修改「{title}」（{table}）",
        "this role may not change {table} ({title})",
    ),
    "reason.refused_delete": (
        "此角色无权删除「{title}」（{table}）的行",
        "this role may not delete rows of {table} ({title})",
    ),
    "reason.refused_truncate": (
        "此角色无权清空「{title}」（{table}）",
        "this role may not empty {table} ({title})",
    ),
    "reason.refused_town": (
        "「{title}」（{table}）的这一行属于其他镇街",
        "the row of {table} ({title}) belongs to another town",
    ),
    "reason.refused_approval": (
        "只有审批人可以将案件改为「{state}」",
        "only an approver may move a case to {state}",
    ),
    "reason.refused_town_check": (
        "镇街登录不能运行核查（核查需要全区数据），请由区级登录运行",
        "a town's login may not run the checks (they need the whole district)",
    ),
    "reason.refused_override": (
        "只有审批人可以越过前置条件",
        "only an approver may override a precondition",
    ),
    "reason.passwords_differ": ("两次输入的密码不一致", "the two passwords differ"),
    "reason.empty_password": ("密码为空", "the password is empty"),
    "db.roles_ready": (
        "已在 {url} 设置角色：{groups}（本次新建 {created} 个）；表权限、镇街行级安全和审批触发器已就绪",
        "Roles of {url} set up: {groups} ({created} created now); table privileges, "
        "town row-level security and the approval trigger are in place",
    ),
    "db.user_added": (
        "已在 {url} 添加登录 {login}：{role}，{town}",
        "Added the login {login} to {url}: {role}, {town}",
    ),
    "db.user_updated": (
        "已更新 {url} 的登录 {login}：{role}，{town}",
        "Updated the login {login} of {url}: {role}, {town}",
    ),
    "cli.not_a_role": (
        "{value} 不是角色（可选：{choices}，或其中文名）",
        "{value} is not a role (choose from {choices}, or its Chinese name)",
    ),
    "db.all_towns": ("全部镇街", "all towns"),
    "db.no_users": ("{url} 还没有用户（db user add 添加）", "{url} has no users yet (db user add)"),
    "db.col_login": ("登录名", "login"),
    "db.col_role": ("角色", "role"),
    "db.col_town": ("镇街", "town"),
    "db.new_password": ("登录 {name} 的新密码：", "New password for {name}: "),
    "db.new_password_again": ("再次输入 {name} 的新密码：", "New password for {name} again: "),
    "help.db_users_and_roles": (
        "数据库项目的用户、角色和镇街（init、user add、user list）",
        "a database project's users, roles and towns (init, user add, user list)",
    ),
    "help.db_init": (
        "建立项目的角色组、表权限和镇街行级安全（项目所有者在推送之后运行一次）",
        "create the project's group roles, privileges and town row-level security "
        "(run once by the project's owner after push)",
    ),
    "help.db_user": ("数据库登录：添加或列出", "database logins: add or list"),
    "help.db_user_add": (
        "添加登录（或修改已有登录的角色和镇街）",
        "add a login (or change an existing login's role and town)",
    ),
    "help.db_user_list": ("列出登录及其角色和镇街", "list the logins, their roles and towns"),
    "help.db_login_name": ("登录名", "the login's name"),
    "help.db_role": (
        "角色：查看员、调查员、审核员、审批人或管理员",
        "the role: viewer, surveyor, reviewer, approver or admin",
    ),
    "help.db_town": (
        "镇街代码（9 位）：该登录只能查看和修改本镇街的数据",
        "a town's code (9 digits): the login sees and changes only that town's rows",
    ),
    "help.db_password_prompt": (
        "为登录设置密码（在终端输入，不回显，不保存）",
        "set the login's password (asked on the terminal, not echoed, never stored)",
    ),
}
