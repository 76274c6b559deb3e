"""The project file's tables, their Chinese titles, and the schema migrations.

Column names are English (code reads them); each carries a Chinese title in the
GeoPackage schema extension (`gpkg_data_columns`), which QGIS shows as the field
alias, so a bureau user opening the file directly reads 宗地代码, not `zddm`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

APPLICATION = "qjgis"
SCHEMA_VERSION = 8
GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
GPKG_USER_VERSION = 10300  # GeoPackage 1.3


@dataclass(frozen=True)
class Column:
    name: str
    sql: str  # SQLite type and constraints
    title: str  # Chinese title shown as alias


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[Column, ...]
    geometry: str | None = None  # GeoPackage geometry type name, None for attribute tables
    key: str | None = None  # the business key, unique where the domain says so
    editable: bool = True  # carries row_version for conflict detection

    @property
    def types(self) -> dict[str, str]:
        """Each column's declared SQLite type (the first word of its SQL), by name."""
        return {c.name: c.sql.split()[0] for c in self.columns}


def _c(name: str, sql: str, title: str) -> Column:
    return Column(name, sql, title)


_ROW = (_c("row_version", "INTEGER NOT NULL DEFAULT 1", "行版本"),)
_EXTRA = (
    _c("batch_id", "INTEGER", "导入批次"),
    _c("extra", "TEXT", "其他字段(JSON)"),
)

TOWNS = Table(
    "towns",
    "镇街",
    (
        _c("code", "TEXT NOT NULL UNIQUE", "镇街代码"),
        _c("name", "TEXT NOT NULL", "镇街名称"),
        *_ROW,
    ),
    key="code",
)

VILLAGES = Table(
    "villages",
    "行政村",
    (
        _c("code", "TEXT NOT NULL", "村代码"),
        _c("name", "TEXT NOT NULL", "村名称"),
        _c("town_code", "TEXT", "镇街代码"),
        *_EXTRA,
        *_ROW,
    ),
    geometry="MULTIPOLYGON",
    key="code",
)

PARCELS = Table(
    "parcels",
    "宅基地宗地",
    (
        _c("zddm", "TEXT", "宗地代码"),
        _c("bdcdyh", "TEXT", "不动产单元号"),
        _c("village_code", "TEXT", "所在村代码"),
        _c("zl", "TEXT", "坐落"),
        _c("yt", "TEXT", "用途"),
        _c("land_type", "TEXT", "原地类"),
        _c("zdmj", "REAL", "宗地面积"),
        _c("pzmj", "REAL", "批准面积"),
        _c("acquired", "DATE", "取得时间"),
        _c("acquisition_mode", "TEXT", "取得方式"),
        _c("approval_no", "TEXT", "批准文号"),
        _c("approval_date", "DATE", "批准日期"),
        _c("must_demolish_old", "BOOLEAN", "是否需拆旧"),
        _c("demolition_deadline", "DATE", "拆旧期限"),
        _c("disposal", "TEXT", "安置复垦状态"),
        _c("disposal_deadline", "DATE", "安置复垦期限"),
        _c("holder_name", "TEXT", "权利人"),
        _c("holder_id", "TEXT", "权利人证件号"),
        _c("household_no", "TEXT", "户号"),
        _c("co_holders", "TEXT", "共有权利人"),
        *_EXTRA,
        *_ROW,
    ),
    geometry="MULTIPOLYGON",
    key="zddm",
)

BUILDINGS = Table(
    "buildings",
    "自然幢",
    (
        _c("bdcdyh", "TEXT", "不动产单元号"),
        _c("zrzh", "TEXT", "自然幢号"),
        _c("zddm", "TEXT", "登记宗地代码"),
        _c("floors", "INTEGER", "总层数"),
        _c("structure", "TEXT", "房屋结构"),
        _c("year_built", "INTEGER", "建成年份"),
        _c("footprint_area", "REAL", "幢占地面积"),
        _c("status", "TEXT", "房屋状态"),
        _c("danger_grade", "TEXT", "危房等级"),
        _c("assessed", "DATE", "鉴定日期"),
        _c("assessed_by", "TEXT", "鉴定单位"),
        *_EXTRA,
        *_ROW,
        # schema 6; last, so that new and migrated files have one column order
        _c("floor_area", "REAL", "建筑面积"),
    ),
    geometry="MULTIPOLYGON",
    key="bdcdyh",
)

HOUSEHOLDS = Table(
    "households",
    "户",
    (
        _c("household_no", "TEXT NOT NULL", "户号"),
        _c("village_code", "TEXT", "村代码"),
        _c("head_name", "TEXT", "户主姓名"),
        _c("head_id", "TEXT", "户主身份证号"),
        _c("household_type", "TEXT", "农户类型"),
        _c("lives_in_village", "BOOLEAN", "是否在村居住"),
        _c("split_status", "TEXT", "分户状态"),
        *_EXTRA,
        *_ROW,
        # schema 6: the size the register records (家庭人口), beside the members it lists
        _c("declared_size", "INTEGER", "家庭人口"),
    ),
    key="household_no",
)

MEMBERS = Table(
    "members",
    "户成员",
    (
        _c("household_no", "TEXT NOT NULL", "户号"),
        _c("seq", "INTEGER", "序号"),
        _c("name", "TEXT", "姓名"),
        _c("id_number", "TEXT", "身份证号"),
        _c("relation", "TEXT", "与户主关系"),
        _c("sex", "TEXT", "性别"),
        _c("birth_date", "DATE", "出生日期"),
        _c("phone", "TEXT", "联系电话"),
        *_EXTRA,
        *_ROW,
        # schema 6: when the member joined and left the household (迁入/迁出, 登记/注销)
        _c("joined_on", "DATE", "迁入日期"),
        _c("left_on", "DATE", "迁出日期"),
    ),
)

PARCEL_HOLDERS = Table(
    "parcel_holders",
    "宗地权利人",
    (
        _c("parcel_fid", "INTEGER NOT NULL", "宗地要素号"),
        _c("zddm", "TEXT", "宗地代码"),
        _c("name", "TEXT", "权利人名称"),
        _c("id_number", "TEXT", "证件号"),
        _c("household_no", "TEXT", "户号"),
        _c("is_primary", "BOOLEAN NOT NULL", "是否主权利人"),
        *_ROW,
    ),
)

IMPORT_BATCHES = Table(
    "import_batches",
    "导入批次",
    (
        _c("created", "DATETIME NOT NULL", "导入时间"),
        _c("user", "TEXT", "操作人"),
        _c("layer", "TEXT NOT NULL", "图层"),
        _c("source", "TEXT", "源文件"),
        _c("source_hash", "TEXT", "源文件哈希"),
        _c("mapping", "TEXT", "字段映射(JSON)"),
        _c("report", "TEXT", "导入报告(JSON)"),
        _c("undone", "INTEGER NOT NULL DEFAULT 0", "已撤销"),
    ),
    editable=False,
)

AUDIT_LOG = Table(
    "audit_log",
    "审计日志",
    (
        _c("time", "DATETIME NOT NULL", "时间"),
        _c("user", "TEXT NOT NULL", "用户"),
        _c("role", "TEXT NOT NULL", "角色"),
        _c("command", "TEXT NOT NULL", "操作"),
        _c("entity", "TEXT", "对象"),
        _c("before", "TEXT", "修改前(JSON)"),
        _c("after", "TEXT", "修改后(JSON)"),
        _c("chain", "TEXT", "链式哈希"),  # see chain_hash
    ),
    editable=False,
)

SETTINGS = Table(
    "qj_settings",
    "项目设置",
    (_c("key", "TEXT NOT NULL UNIQUE", "设置项"), _c("value", "TEXT", "值(JSON)")),
    editable=False,
)

DEMO_TRUTH = Table(
    "demo_truth",
    "演示数据真值",
    (
        _c("rule_id", "TEXT NOT NULL", "规则"),
        _c("entity_kind", "TEXT NOT NULL", "对象类型"),
        _c("entity_key", "TEXT NOT NULL", "对象键"),
        _c("exemption", "TEXT", "豁免原因"),
        _c("note", "TEXT", "说明"),
    ),
    editable=False,
)

ATTACHMENTS = Table(
    "attachments",
    "附件",
    (
        _c("sha256", "TEXT NOT NULL", "内容哈希"),
        _c("file_name", "TEXT NOT NULL", "原文件名"),
        _c("media_type", "TEXT", "类型"),
        _c("size_bytes", "INTEGER", "大小"),
        _c("added", "DATETIME NOT NULL", "添加时间"),
        _c("entity", "TEXT", "所属对象"),
    ),
    editable=False,
)

FINDINGS = Table(
    "findings",
    "核查结果",
    (
        _c("rule_id", "TEXT NOT NULL", "规则"),
        _c("rule_version", "INTEGER NOT NULL", "规则版本"),
        _c("key", "TEXT NOT NULL", "对象键"),
        _c("entity_kind", "TEXT NOT NULL", "对象类型"),
        _c("severity", "TEXT NOT NULL", "严重程度"),
        _c("exemption", "TEXT", "豁免原因"),
        _c("village_code", "TEXT", "村代码"),
        _c("entities", "TEXT NOT NULL", "涉及对象(JSON)"),
        _c("evidence", "TEXT NOT NULL", "证据(JSON)"),
        _c("evidence_hash", "TEXT NOT NULL", "证据哈希"),
        _c("state", "TEXT NOT NULL", "状态"),  # open: found by the last run; gone: not found
        _c("first_run", "INTEGER NOT NULL", "首次发现批次"),
        _c("last_run", "INTEGER NOT NULL", "最近核查批次"),
        _c("decision", "TEXT", "审核结论"),
        _c("decision_reason", "TEXT", "审核理由"),
        _c("decided_by", "TEXT", "审核人"),
        _c("decided_at", "DATETIME", "审核时间"),
        _c("decided_hash", "TEXT", "审核时证据哈希"),
        _c("decision_exemption", "TEXT", "豁免代码"),  # the reviewer's, when exempted
        *_ROW,
    ),
)

CHECK_RUNS = Table(
    "check_runs",
    "核查批次",
    (
        _c("started", "DATETIME NOT NULL", "开始时间"),
        _c("finished", "DATETIME", "结束时间"),
        _c("user", "TEXT", "操作人"),
        _c("as_of", "DATE NOT NULL", "核查基准日"),
        _c("rules", "TEXT NOT NULL", "规则(JSON)"),
        _c("summary", "TEXT", "汇总(JSON)"),
    ),
    editable=False,
)

IMPORT_BATCH_ROWS = Table(
    "import_batch_rows",
    "导入批次明细",
    (
        _c("batch_id", "INTEGER NOT NULL", "导入批次"),
        _c("layer", "TEXT NOT NULL", "图层"),
        _c("row_fid", "INTEGER NOT NULL", "要素号"),
        _c("action", "TEXT NOT NULL", "操作"),  # added | updated
        _c("before", "TEXT", "导入前(JSON)"),  # the whole row before an update, for undo
    ),
    editable=False,
)

RUIN_CASES = Table(
    "ruin_cases",
    "残垣断壁整治案件",
    (
        _c("bdcdyh", "TEXT NOT NULL", "不动产单元号"),
        _c("building_fid", "INTEGER NOT NULL", "自然幢要素号"),
        _c("zddm", "TEXT", "宗地代码"),
        _c("parcel_fid", "INTEGER", "宗地要素号"),
        _c("household_no", "TEXT", "户号"),
        _c("village_code", "TEXT", "村代码"),
        _c("opened", "DATE NOT NULL", "立案日期"),
        _c("source", "TEXT NOT NULL", "来源"),  # manual | check
        _c("disposition", "TEXT", "处置方式"),
        _c("state", "TEXT NOT NULL", "状态"),
        _c("deadline", "DATE", "期限"),
        _c("closed", "DATE", "结案日期"),
        _c("override_reason", "TEXT", "审批人例外理由"),
        # Rights preservation (房屋权益保全): what a later expropriation compensates.
        _c("preserved_on", "DATE", "保全日期"),
        _c("preserved_zddm", "TEXT", "保全宗地代码"),
        _c("preserved_parcel_area", "REAL", "保全宗地面积"),
        _c("preserved_footprint_area", "REAL", "保全房屋占地面积"),
        _c("preserved_footprint", "TEXT", "保全房屋轮廓(WKT)"),
        _c("preserved_household_no", "TEXT", "保全户号"),
        *_ROW,
    ),
)

RENOVATION_CASES = Table(
    "renovation_cases",
    "危房改造案件",
    (
        _c("bdcdyh", "TEXT NOT NULL", "不动产单元号"),
        _c("building_fid", "INTEGER NOT NULL", "自然幢要素号"),
        _c("zddm", "TEXT", "宗地代码"),
        _c("parcel_fid", "INTEGER", "宗地要素号"),
        _c("household_no", "TEXT NOT NULL", "户号"),
        _c("village_code", "TEXT", "村代码"),
        _c("grade", "TEXT NOT NULL", "危房等级"),
        _c("subsidy", "REAL NOT NULL", "补助标准(元)"),
        _c("opened", "DATE NOT NULL", "申请日期"),
        _c("state", "TEXT NOT NULL", "状态"),
        _c("deadline", "DATE", "期限"),
        _c("closed", "DATE", "结案日期"),
        _c("override_reason", "TEXT", "审批人例外理由"),
        *_ROW,
    ),
)

CASE_EVENTS = Table(
    "case_events",
    "案件过程记录",
    (
        _c("case_kind", "TEXT NOT NULL", "案件类型"),  # ruin | renovation
        _c("case_fid", "INTEGER NOT NULL", "案件号"),
        _c("seq", "INTEGER NOT NULL", "序号"),
        _c("action", "TEXT NOT NULL", "操作"),
        _c("from_state", "TEXT", "原状态"),
        _c("to_state", "TEXT", "新状态"),
        _c("disposition", "TEXT", "处置方式"),
        _c("event_date", "DATE NOT NULL", "发生日期"),
        _c("deadline", "DATE", "期限"),
        _c("amount", "REAL", "金额(元)"),
        _c("note", "TEXT", "说明"),
        _c("evidence", "TEXT", "证据(JSON)"),
        _c("override_reason", "TEXT", "例外理由"),
        _c("recorded", "DATETIME NOT NULL", "记录时间"),
        _c("user", "TEXT NOT NULL", "记录人"),
        _c("role", "TEXT NOT NULL", "角色"),
        _c("chain", "TEXT", "链式哈希"),  # see chain_hash
    ),
    editable=False,
)

#: Schema 7: reference layers a bureau overlays on the homesteads (issue 19): the land-use
#: map (三调 地类图斑), permanent basic farmland, the village plan's construction boundary,
#: geological-hazard zones, and hazard points stored as the disc of their threat radius.
#: One table, a row's `kind` says which layer it belongs to; `ref_key` is "kind:标识码".
REFERENCE_FEATURES = Table(
    "reference_features",
    "参考图层",
    (
        _c("kind", "TEXT NOT NULL", "参考图层类别"),
        _c("ref_key", "TEXT", "要素标识"),
        _c("dlbm", "TEXT", "地类编码"),
        _c("dlmc", "TEXT", "地类名称"),
        _c("tbmj", "REAL", "图斑面积"),
        _c("radius_m", "REAL", "影响半径"),
        _c("ref_date", "DATE", "数据日期"),
        # The batch of a newer delivery of the same layer that no longer has this feature:
        # kept (the older delivery's undo restores it), no longer used by the rules.
        _c("superseded_by", "INTEGER", "被替换批次"),
        *_EXTRA,
        *_ROW,
    ),
    geometry="MULTIPOLYGON",
    key="ref_key",
)

V1_TABLES: tuple[Table, ...] = (
    TOWNS,
    VILLAGES,
    PARCELS,
    BUILDINGS,
    HOUSEHOLDS,
    MEMBERS,
    PARCEL_HOLDERS,
    IMPORT_BATCHES,
    AUDIT_LOG,
    SETTINGS,
    DEMO_TRUTH,
)
V3_TABLES: tuple[Table, ...] = (FINDINGS, CHECK_RUNS, IMPORT_BATCH_ROWS)
V4_TABLES: tuple[Table, ...] = (RUIN_CASES, RENOVATION_CASES, CASE_EVENTS)
TABLES: tuple[Table, ...] = (
    *V1_TABLES,
    ATTACHMENTS,
    *V3_TABLES,
    *V4_TABLES,
    REFERENCE_FEATURES,
)
TABLE_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
SPATIAL_LAYERS = tuple(t.name for t in TABLES if t.geometry)

# Secondary indexes for the joins the checks and the map need.
INDEXES: dict[str, tuple[str, ...]] = {
    "villages": ("code",),
    "parcels": ("zddm", "household_no", "village_code", "holder_id"),
    "buildings": ("zddm", "bdcdyh"),
    "households": ("household_no", "head_id"),
    "members": ("household_no", "id_number"),
    "parcel_holders": ("parcel_fid", "id_number"),
    "demo_truth": ("rule_id",),
    "findings": ("village_code", "decision"),
    "import_batch_rows": ("batch_id",),
    "ruin_cases": ("bdcdyh", "village_code", "household_no", "state"),
    "renovation_cases": ("bdcdyh", "village_code", "household_no", "state"),
    "reference_features": ("kind", "ref_key"),
}
# (table, columns) pairs that must be unique together
UNIQUE_INDEXES: dict[str, tuple[str, ...]] = {
    "findings": ("rule_id", "key"),
    "case_events": ("case_kind", "case_fid", "seq"),
}

#: The append-only histories: the database itself refuses to rewrite them, on both back
#: ends (`append_only_triggers`). The audit log never changes; a case's history is never
#: rewritten either: corrections are new events.
APPEND_ONLY = ("audit_log", "case_events")


def append_only_triggers(table: str, dialect: str = "sqlite") -> tuple[str, ...]:
    """The triggers refusing UPDATE and DELETE on an append-only table, for one back end.

    SQLite's are the ones every project file has had since schema 1 (same names and
    text); PostgreSQL's call one shared function (`PG_APPEND_ONLY_FUNCTION`) raising the
    same message, and also refuse TRUNCATE, which SQLite does not have.
    """
    if dialect == "sqlite":
        return tuple(
            f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            for op in ("UPDATE", "DELETE")
        )
    if dialect == "postgresql":
        return (
            f'CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION qj_append_only()",
            f'CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION qj_append_only()",
        )
    raise ValueError(dialect)


AUDIT_TRIGGERS = append_only_triggers("audit_log")
CASE_EVENT_TRIGGERS = append_only_triggers("case_events")


# ---------------------------------------------------------------- the hash chain
#: The append-only histories whose entries are chained (schema 5).
CHAINED_TABLES = ("audit_log", "case_events")
CHAIN_COLUMN = "chain"
#: The "previous hash" of a history's first entry.
CHAIN_GENESIS = "qjgis-chain-v1"


def chained_columns(table: Table) -> list[str]:
    """The columns an entry's hash covers, in order: all but the hash itself."""
    return [c.name for c in table.columns if c.name != CHAIN_COLUMN]


def chain_value(kind: str, value: Any) -> Any:
    """A value as SQLite gives it back for a column of type `kind` (what the hash covers)."""
    if value is None:
        return None
    if kind == "REAL":
        return float(value)
    if kind in ("INTEGER", "BOOLEAN"):
        return int(value)
    return str(value)


def chain_hash(previous: str | None, fid: int, values: Sequence[Any]) -> str:
    """An entry's hash: SHA-256 over the previous entry's hash, its fid and its values.

    Each entry covers the one before it, so editing, deleting or reordering any
    entry breaks every hash after it (`GpkgStore.integrity_check` names the first).
    It is tamper-evident, not tamper-proof: someone who rewrites history and
    recomputes every later hash with this function is not caught by the file
    alone; an exported copy of the latest hash (the audit export) is what catches that.
    """
    text = json.dumps(
        [previous or "", int(fid), *values], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def table_ddl(table: Table) -> str:
    cols = ["fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"]
    if table.geometry:
        cols.append(f"geom {table.geometry}")
    cols += [f'"{c.name}" {c.sql}' for c in table.columns]
    return f'CREATE TABLE "{table.name}" (' + ", ".join(cols) + ")"


def rtree_triggers(t: str, c: str = "geom") -> dict[str, str]:
    """The R-tree triggers of the GeoPackage 1.3 spec (F.3), by name."""
    r = f"rtree_{t}_{c}"
    body_ins = (
        f"INSERT OR REPLACE INTO {r} VALUES (NEW.fid, ST_MinX(NEW.{c}), ST_MaxX(NEW.{c}), "
        f"ST_MinY(NEW.{c}), ST_MaxY(NEW.{c}))"
    )
    return {
        f"{r}_insert": (
            f"CREATE TRIGGER {r}_insert AFTER INSERT ON {t} WHEN (NEW.{c} NOT NULL AND "
            f"NOT ST_IsEmpty(NEW.{c})) BEGIN {body_ins}; END"
        ),
        f"{r}_update1": (
            f"CREATE TRIGGER {r}_update1 AFTER UPDATE OF {c} ON {t} WHEN OLD.fid = NEW.fid "
            f"AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c})) BEGIN {body_ins}; END"
        ),
        f"{r}_update2": (
            f"CREATE TRIGGER {r}_update2 AFTER UPDATE OF {c} ON {t} WHEN OLD.fid = NEW.fid "
            f"AND (NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c})) BEGIN DELETE FROM {r} "
            f"WHERE id = OLD.fid; END"
        ),
        f"{r}_update3": (
            f"CREATE TRIGGER {r}_update3 AFTER UPDATE ON {t} WHEN OLD.fid != NEW.fid AND "
            f"(NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c})) BEGIN DELETE FROM {r} "
            f"WHERE id = OLD.fid; {body_ins}; END"
        ),
        f"{r}_update4": (
            f"CREATE TRIGGER {r}_update4 AFTER UPDATE ON {t} WHEN OLD.fid != NEW.fid AND "
            f"(NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c})) BEGIN DELETE FROM {r} "
            f"WHERE id IN (OLD.fid, NEW.fid); END"
        ),
        f"{r}_delete": (
            f"CREATE TRIGGER {r}_delete AFTER DELETE ON {t} WHEN old.{c} NOT NULL "
            f"BEGIN DELETE FROM {r} WHERE id = OLD.fid; END"
        ),
    }


_GPKG_CORE = (
    """CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
    organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
    definition TEXT NOT NULL, description TEXT)""",
    """CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
    identifier TEXT UNIQUE, description TEXT DEFAULT '',
    last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
    CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""",
    """CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
    geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL,
    m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
    CONSTRAINT uk_gc_table_name UNIQUE (table_name),
    CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
    CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))""",
    """CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT,
    extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL,
    CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))""",
    """CREATE TABLE gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
    name TEXT, title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT,
    CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
    CONSTRAINT gdc_tn UNIQUE (table_name, name))""",
    """CREATE TABLE gpkg_data_column_constraints (constraint_name TEXT NOT NULL,
    constraint_type TEXT NOT NULL, value TEXT, min NUMERIC, min_is_inclusive BOOLEAN,
    max NUMERIC, max_is_inclusive BOOLEAN, description TEXT,
    CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value))""",
    """CREATE TABLE gpkg_tile_matrix_set (table_name TEXT NOT NULL PRIMARY KEY,
    srs_id INTEGER NOT NULL, min_x DOUBLE NOT NULL, min_y DOUBLE NOT NULL,
    max_x DOUBLE NOT NULL, max_y DOUBLE NOT NULL)""",
    """CREATE TABLE gpkg_tile_matrix (table_name TEXT NOT NULL, zoom_level INTEGER NOT NULL,
    matrix_width INTEGER NOT NULL, matrix_height INTEGER NOT NULL, tile_width INTEGER NOT NULL,
    tile_height INTEGER NOT NULL, pixel_x_size DOUBLE NOT NULL, pixel_y_size DOUBLE NOT NULL,
    CONSTRAINT pk_ttm PRIMARY KEY (table_name, zoom_level))""",
    "CREATE TABLE qj_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT)",
)


def _create_table(conn: sqlite3.Connection, table: Table, srs_id: int) -> None:
    conn.execute(table_ddl(table))
    kind = "features" if table.geometry else "attributes"
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
        "VALUES (?, ?, ?, ?, ?)",
        (table.name, kind, table.name, table.title, srs_id if table.geometry else None),
    )
    conn.executemany(
        "INSERT INTO gpkg_data_columns (table_name, column_name, name, title) VALUES (?,?,?,?)",
        [(table.name, c.name, c.name, c.title) for c in table.columns],
    )
    if table.geometry:
        conn.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)",
            (table.name, table.geometry, srs_id),
        )
        conn.execute(
            f"CREATE VIRTUAL TABLE rtree_{table.name}_geom USING rtree(id, minx, maxx, miny, maxy)"
        )
        for sql in rtree_triggers(table.name).values():
            conn.execute(sql)
        conn.execute(
            "INSERT INTO gpkg_extensions VALUES (?, 'geom', 'gpkg_rtree_index', "
            "'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
            (table.name,),
        )
    for col in INDEXES.get(table.name, ()):
        conn.execute(f'CREATE INDEX "idx_{table.name}_{col}" ON "{table.name}" ("{col}")')
    if table.name in UNIQUE_INDEXES:
        cols = ", ".join(f'"{c}"' for c in UNIQUE_INDEXES[table.name])
        conn.execute(f'CREATE UNIQUE INDEX "uq_{table.name}" ON "{table.name}" ({cols})')


#: Columns added by schema 6, by table: (name, column) pairs from the tables above.
V6_COLUMNS: dict[str, tuple[str, ...]] = {
    "households": ("declared_size",),
    "members": ("joined_on", "left_on"),
    "buildings": ("floor_area",),
}


@dataclass(frozen=True)
class Migration:
    """What one schema version adds, once for both back ends.

    `_sqlite_step` (the project file) and `qjgis.pg.migrate` (a database) apply the same
    definition, each in its own dialect. A step is written to run on a project rewound
    in place (tests do): what is already there is left alone.
    """

    version: int
    why: str
    #: tables created from today's definitions (their later columns included)
    creates: tuple[str, ...] = ()
    #: append-only tables whose refusing triggers come with them
    append_only: tuple[str, ...] = ()
    #: (table, column) secondary indexes added to an existing table
    indexes: tuple[tuple[str, str], ...] = ()
    #: histories that become hash chains: the column is added and the existing entries
    #: are chained in fid order
    chains: tuple[str, ...] = ()
    #: columns added to existing tables, by table (today's definition of each column)
    adds: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def added_columns(self) -> list[tuple[Table, Column]]:
        return [
            (TABLE_BY_NAME[name], col)
            for name, cols in self.adds
            for col in TABLE_BY_NAME[name].columns
            if col.name in cols
        ]


#: version -> what it adds; `MIGRATIONS` runs these on a file, `qjgis.pg.migrate` on a database.
STEPS: dict[int, Migration] = {
    m.version: m
    for m in (
        Migration(
            1,
            "the project: layers, register, imports, audit log, settings",
            creates=tuple(t.name for t in V1_TABLES),
            append_only=("audit_log",),
        ),
        Migration(
            2, "attachment records (photos, scans) the cases point to", creates=("attachments",)
        ),
        Migration(
            3,
            "findings with decisions, the runs that found them, per-row import records (undo)",
            creates=tuple(t.name for t in V3_TABLES),
        ),
        Migration(
            4,
            "remediation cases and their append-only history; attachments by hash and case",
            creates=tuple(t.name for t in V4_TABLES),
            append_only=("case_events",),
            indexes=(("attachments", "sha256"), ("attachments", "entity")),
        ),
        Migration(5, "the audit log and the case events become hash chains", chains=CHAINED_TABLES),
        Migration(
            6,
            "the register's household size, members' join and leave dates, floor area",
            adds=tuple(V6_COLUMNS.items()),
        ),
        Migration(7, "reference layers for the overlay rules", creates=("reference_features",)),
        Migration(
            8,
            "a reviewer's exemption code beside the decision",
            adds=(("findings", ("decision_exemption",)),),
        ),
    )
}


def _sqlite_has_table(conn: sqlite3.Connection, name: str) -> bool:
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return found is not None


def _sqlite_step(step: Migration, conn: sqlite3.Connection, srs_id: int) -> None:
    """One migration on a project file, inside the caller's transaction."""
    if step.version == 1:  # the GeoPackage's own catalogue comes first
        for sql in _GPKG_CORE:
            conn.execute(sql)
        conn.executemany(
            "INSERT INTO gpkg_extensions VALUES (?, NULL, 'gpkg_schema', "
            "'http://www.geopackage.org/spec/#extension_schema', 'read-write')",
            [("gpkg_data_columns",), ("gpkg_data_column_constraints",)],
        )
    created = set()
    for name in step.creates:
        if not _sqlite_has_table(conn, name):
            _create_table(conn, TABLE_BY_NAME[name], srs_id)
            created.add(name)
    for name in step.append_only:
        if name in created:
            for sql in append_only_triggers(name):
                conn.execute(sql)
    for table, col in step.indexes:
        index = f"idx_{table}_{col}"
        have = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (index,)
        ).fetchone()
        if have is None:
            conn.execute(f'CREATE INDEX "{index}" ON "{table}" ("{col}")')
    for name in step.chains:
        _sqlite_chain(conn, name)
    for table, col in step.added_columns():
        have = {r[1] for r in conn.execute(f'PRAGMA table_info("{table.name}")')}
        if col.name not in have:
            conn.execute(f'ALTER TABLE "{table.name}" ADD COLUMN "{col.name}" {col.sql}')
            conn.execute(
                "INSERT OR IGNORE INTO gpkg_data_columns (table_name, column_name, name, title) "
                "VALUES (?,?,?,?)",
                (table.name, col.name, col.name, col.title),
            )


def chain_all(rows: Sequence[Sequence[Any]], table: Table) -> list[tuple[str, int]]:
    """(hash, fid) of every entry of a history, `rows` being (fid, *chained columns) in
    fid order: what schema 5 fills in on both back ends."""
    cols = chained_columns(table)
    types = table.types
    previous = CHAIN_GENESIS
    out = []
    for fid, *values in rows:
        values = [chain_value(types[c], v) for c, v in zip(cols, values, strict=True)]
        previous = chain_hash(previous, fid, values)
        out.append((previous, int(fid)))
    return out


def _sqlite_chain(conn: sqlite3.Connection, name: str) -> None:
    # Tables created by steps 1 and 4 from today's definitions already have the column;
    # an older file gets it here, and its existing entries are chained in fid order.
    table = TABLE_BY_NAME[name]
    have = {r[1] for r in conn.execute(f'PRAGMA table_info("{name}")')}
    if CHAIN_COLUMN in have:
        return
    conn.execute(f'ALTER TABLE "{name}" ADD COLUMN "{CHAIN_COLUMN}" TEXT')
    conn.execute(
        "INSERT OR IGNORE INTO gpkg_data_columns (table_name, column_name, name, title) "
        "VALUES (?, ?, ?, '链式哈希')",
        (name, CHAIN_COLUMN, CHAIN_COLUMN),
    )
    # The append-only trigger refuses the one-time fill: lifted and put back here,
    # inside the migration's transaction.
    conn.execute(f"DROP TRIGGER IF EXISTS {name}_no_update")
    quoted = ", ".join(f'"{c}"' for c in chained_columns(table))
    rows = conn.execute(f'SELECT fid, {quoted} FROM "{name}" ORDER BY fid').fetchall()
    conn.executemany(
        f'UPDATE "{name}" SET "{CHAIN_COLUMN}" = ? WHERE fid = ?', chain_all(rows, table)
    )
    conn.execute(append_only_triggers(name)[0])


def _sqlite_migration(version: int) -> Callable[[sqlite3.Connection, int], None]:
    step = STEPS[version]

    def run(conn: sqlite3.Connection, srs_id: int) -> None:
        _sqlite_step(step, conn, srs_id)

    run.__name__ = f"_migrate_to_{version}"
    run.__doc__ = step.why
    return run


#: version -> step that brings a file from version-1 to version, inside one transaction
MIGRATIONS: dict[int, Callable[[sqlite3.Connection, int], None]] = {
    v: _sqlite_migration(v) for v in sorted(STEPS)
}
assert max(MIGRATIONS) == SCHEMA_VERSION


# ---------------------------------------------------------------- PostgreSQL + PostGIS
# The same tables from the same definitions (`TABLES`, `INDEXES`, `UNIQUE_INDEXES`,
# `APPEND_ONLY`), for a bureau's shared database (docs/database.md).

#: A declared SQLite type -> its PostgreSQL column type. Dates stay text: an import keeps a
#: date as the source recorded it, malformed ones included, and the checks flag those
#: (a `date` column would refuse them); booleans stay the 0/1 integers SQLite stores.
PG_TYPES = {
    "TEXT": "text",
    "INTEGER": "bigint",
    "REAL": "double precision",
    "DATE": "text",
    "DATETIME": "text",
    "BOOLEAN": "integer",
}

#: PostGIS's name of each GeoPackage geometry type the schema uses.
PG_GEOMETRY = {"MULTIPOLYGON": "MultiPolygon"}

PG_APPEND_ONLY_FUNCTION = (
    "CREATE FUNCTION qj_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
)

#: The GeoPackage catalogue the engine reads (`checks.context`: which CRS each layer is
#: in) as views over PostGIS's own, so the same query answers on both back ends.
PG_CATALOGUE_VIEWS = (
    "CREATE VIEW gpkg_spatial_ref_sys AS SELECT srid AS srs_id, auth_name AS organization, "
    "auth_srid AS organization_coordsys_id, srtext AS definition FROM spatial_ref_sys",
    "CREATE VIEW gpkg_geometry_columns AS SELECT f_table_name::text AS table_name, "
    "f_geometry_column::text AS column_name, type AS geometry_type_name, srid AS srs_id, "
    "0 AS z, 0 AS m FROM geometry_columns WHERE f_table_schema = current_schema()",
)


#: The attachments' files themselves, by content hash, so that every desk sees them (a file
#: project keeps them in the folder `NAME.files/` beside it; `attachments` records both).
PG_ATTACHMENT_CONTENT = (
    "CREATE TABLE qj_attachment_content (sha256 text PRIMARY KEY NOT NULL, "
    "media_type text NOT NULL, content bytea NOT NULL)",
    "COMMENT ON TABLE qj_attachment_content IS '附件内容'",
)


def _pg_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def pg_column_sql(column: Column) -> str:
    """A column's PostgreSQL definition: the mapped type, the same constraints."""
    kind, _, rest = column.sql.partition(" ")
    return " ".join(x for x in (f'"{column.name}"', PG_TYPES[kind], rest) if x)


def pg_table_ddl(table: Table, srid: int) -> list[str]:
    """CREATE TABLE, indexes, titles (as comments) and triggers of one table."""
    cols = ["fid bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"]
    if table.geometry:
        cols.append(f"geom geometry({PG_GEOMETRY[table.geometry]}, {int(srid)})")
    cols += [pg_column_sql(c) for c in table.columns]
    out = [f'CREATE TABLE "{table.name}" (' + ", ".join(cols) + ")"]
    if table.geometry:
        out.append(f'CREATE INDEX "sidx_{table.name}_geom" ON "{table.name}" USING gist (geom)')
    for col in INDEXES.get(table.name, ()):
        out.append(f'CREATE INDEX "idx_{table.name}_{col}" ON "{table.name}" ("{col}")')
    if table.name in UNIQUE_INDEXES:
        quoted = ", ".join(f'"{c}"' for c in UNIQUE_INDEXES[table.name])
        out.append(f'CREATE UNIQUE INDEX "uq_{table.name}" ON "{table.name}" ({quoted})')
    if table.name in ("attachments",):  # as migration 4 adds them to a file
        out += [
            f'CREATE INDEX "idx_attachments_{c}" ON "attachments" ("{c}")'
            for c in ("sha256", "entity")
        ]
    out.append(f'COMMENT ON TABLE "{table.name}" IS {_pg_literal(table.title)}')
    out += [
        f'COMMENT ON COLUMN "{table.name}"."{c.name}" IS {_pg_literal(c.title)}'
        for c in table.columns
    ]
    if table.name in APPEND_ONLY:
        out += list(append_only_triggers(table.name, "postgresql"))
    return out


def pg_schema_ddl(srid: int) -> list[str]:
    """Every statement creating today's project schema in an empty PostgreSQL schema.

    The caller runs them in one transaction (PostgreSQL's DDL is transactional, so a
    failure leaves the database as it was) and then fills `qj_meta` and `qj_settings`.
    """
    out = [
        "CREATE TABLE qj_meta (key text PRIMARY KEY NOT NULL, value text)",
        "COMMENT ON TABLE qj_meta IS '项目元数据'",
        *PG_ATTACHMENT_CONTENT,
        PG_APPEND_ONLY_FUNCTION,
        *PG_CATALOGUE_VIEWS,
    ]
    for table in TABLES:
        out += pg_table_ddl(table, srid)
    return out
