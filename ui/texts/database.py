"""Texts of the shared database (PostgreSQL + PostGIS): push, pull, addresses, errors."""

from __future__ import annotations

#: code -> (Chinese, English)
TEXTS: dict[str, tuple[str, str]] = {
    "err.database_unreachable": (
        "{url}：无法连接数据库（{detail}）",
        "{url}: cannot connect to the database ({detail})",
    ),
    "err.database_url_invalid": (
        "{url}：不是有效的数据库地址（{reason}）",
        "{url}: not a database address ({reason})",
    ),
    "err.psycopg_missing": (
        "{url}：未安装 PostgreSQL 支持（psycopg）",
        "{url}: PostgreSQL support (psycopg) is not installed",
    ),
    "err.database_not_empty": (
        "{url}：该数据库中已有 qjgis 项目；推送只能写入空数据库",
        "{url}: the database already holds a qjgis project; push goes into an empty one",
    ),
    "err.postgis_missing": (
        "{url}：该数据库没有可用的 PostGIS（{detail}）",
        "{url}: PostGIS is not available in this database ({detail})",
    ),
    "err.push_bad_value": (
        "{path}：{table} 第 {fid} 行 {column} 列的值 {value!r} 不是{kind}；未推送任何数据",
        "{path}: {table} row {fid}, column {column}: {value!r} is not a {kind}; nothing was pushed",
    ),
    "err.transfer_failed": (
        "{url}：复制表 {table} 失败（{detail}）；未写入任何数据",
        "{url}: copying table {table} failed ({detail}); nothing was written",
    ),
    "err.not_a_database_project": (
        "{url}：不是 qjgis 项目数据库（{reason}）",
        "{url}: not a qjgis project database ({reason})",
    ),
    "err.empty_database": (
        "{url}：该数据库中没有 qjgis 项目（请先推送一个项目）",
        "{url}: the database holds no qjgis project (push one into it first)",
    ),
    "err.sync_conflict": (
        "{path}：拉取之后服务器上已有 {count} 行被他人修改（{rows}）；未推送任何数据",
        "{path}: {count} rows changed on the server since the pull ({rows}); nothing was pushed",
    ),
    "err.sync_key_conflict": (
        "{path}：副本新增的 {count} 行与拉取之后他人在服务器上新增的行代码相同（{rows}）；"
        "未推送任何数据",
        "{path}: {count} rows the copy added have a key another desk added on the server "
        "since the pull ({rows}); nothing was pushed",
    ),
    "err.sync_unsupported": (
        "{path}：副本对 {tables} 的修改无法推回（修改了项目设置，或删除了无行版本的表中的行）；"
        "未推送任何数据",
        "{path}: the copy changed {tables} in a way that cannot be pushed back (changed "
        "settings, or rows deleted from a table without row versions); nothing was pushed",
    ),
    "err.sync_already_applied": (
        "{path}：该副本已于 {when} 推回；请重新拉取副本",
        "{path}: this copy was already pushed back on {when}; pull a new copy",
    ),
    "db.pushed_back": (
        "已将副本 {path} 的修改推回 {url}：{rows}",
        "Pushed the changes of the copy {path} back to {url}: {rows}",
    ),
    "db.pushed_back_kinds": (
        "新增 {added} 行，修改 {updated} 行，删除 {deleted} 行，追加记录 {appended} 条",
        "{added} rows added, {updated} updated, {deleted} deleted, {appended} entries appended",
    ),
    "err.database_error": (
        "{url}：数据库拒绝了该操作（{detail}）；未作任何修改",
        "{url}: the database refused the operation ({detail}); nothing was changed",
    ),
    "err.database_not_supported": (
        "{url}：数据库项目暂不支持此操作（{what}）；项目未作任何修改",
        "{url}: not available on a database project yet ({what}); the project was not changed",
    ),
    "db.password_prompt": ("{url} 的密码：", "Password for {url}: "),
    "db.pushed": (
        "已将 {path} 推送到 {url}：{tables} 个表，共 {rows} 行（宗地 {parcels}，自然幢 {buildings}）",
        "Pushed {path} to {url}: {tables} tables, {rows} rows "
        "({parcels} parcels, {buildings} buildings)",
    ),
    "db.pulled": (
        "已从 {url} 拉取到 {path}：{tables} 个表，共 {rows} 行（宗地 {parcels}，自然幢 {buildings}）",
        "Pulled {url} into {path}: {tables} tables, {rows} rows "
        "({parcels} parcels, {buildings} buildings)",
    ),
    "help.push_a_project_file_into_a_database": (
        "将项目文件推送到空的 PostgreSQL/PostGIS 数据库",
        "copy a project file into an empty PostgreSQL/PostGIS database",
    ),
    "help.pull_a_database_project_into_a_file": (
        "将数据库中的项目拉取为新的项目文件（外业副本）",
        "copy a database project into a new project file (for field work)",
    ),
    "help.database_address": (
        "数据库地址：postgresql://用户@主机/库名 或 service=名称（密码取自 .pgpass、PGPASSWORD 或询问）",
        "database address: postgresql://user@host/dbname or service=NAME (the password comes "
        "from .pgpass, PGPASSWORD or a prompt)",
    ),
    "err.database_needs_migration": (
        "{url}：数据库的数据结构为版本 {found}，本版本 qjgis 使用版本 {supported}；"
        "请由数据库所有者先用 pg_dump 备份，再运行 migrate {url} 升级",
        "{url}: the database is at schema {found}, this qjgis uses {supported}; "
        "its owner migrates it with `migrate {url}` (after a pg_dump)",
    ),
    "err.migration_refused": (
        "{url}：将数据结构从版本 {found} 升级到 {supported} 失败（{detail}）；数据库未作任何修改",
        "{url}: migrating schema {found} to {supported} failed ({detail}); "
        "the database was not changed",
    ),
    "db.migrated": (
        "已将 {path} 的数据结构从版本 {found} 升级到版本 {version}",
        "Migrated {path} from schema {found} to schema {version}",
    ),
    "db.migrate_nothing": (
        "{path} 的数据结构已是版本 {version}，无需升级",
        "{path} is at schema {version} already: nothing to migrate",
    ),
    "help.migrate_a_project": (
        "将旧版数据结构的项目（数据库或项目文件）升级到本版本；数据库请先用 pg_dump 备份",
        "bring a project (a database or a project file) of an older schema up to this "
        "version; take a pg_dump of a database first",
    ),
    "help.migrate_target": (
        "数据库地址（postgresql://… 或 service=名称）或项目文件",
        "a database address (postgresql://… or service=NAME) or a project file",
    ),
    "app.stage_push": ("正在推送到数据库…", "Pushing to the database…"),
    "app.stage_pull": ("正在从数据库拉取…", "Pulling from the database…"),
}
