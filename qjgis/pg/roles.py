"""Who may do what on a database project: the server's roles, GRANTs and row-level security.

On a project file the role is a setting anyone can change; on a bureau's database the
server decides (docs/database.md, "Users, towns and roles"). `init_roles` (`db init URL`,
run once by a login that may create roles and owns the project, after `push`) creates
five group roles, cumulative: each is a member of the one below, so an approver may do
what a reviewer may, and so on:

    viewer    reads everything it may see, writes nothing
    surveyor  imports and edits the layers and the register, runs the checks, opens and
              advances cases (field work), adds attachments
    reviewer  decides findings (the decision columns of `findings`)
    approver  moves a case into an approval state (`APPROVAL_STATES`) and overrides a
              precondition (`override_reason`)
    admin     changes the project's settings and records the logins' towns

Their names carry the database's (and a non-public schema's) name, `qj_<db>_viewer` ...,
so that two projects on one server never share a role (`group_names`). `add_user`
(`db user add`) creates a login in one of them, optionally limited to a town; `list_users`
(`db user list`) lists them.

What the server enforces, whatever the client does:
- privileges per table and, on `findings`, per column (`_grants`); the append-only
  histories (`audit_log`, `case_events`) are granted INSERT and SELECT only, and their
  trigger (`qj_append_only`) refuses UPDATE, DELETE and TRUNCATE anyway;
- a login with a town (`qj_logins.town_code`) sees and changes only the rows whose code
  starts with the town's code (villages' codes are the town's code and three digits; a
  parcel's 宗地代码 and a household's number start with them): row-level security policies
  on `TOWN_SCOPED` tables; the owner (and a superuser) bypass them, a login without a town
  sees all rows;
- the checks (which need the whole district) are run by a login without a town only
  (policies on `check_runs`);
- a decided finding is deleted only by a reviewer (a check run's undo deletes the findings
  it added, undecided); an approval state or an override only by an approver (trigger
  `qj_approval_guard`).

The hash chains (`audit_log`, `case_events`) are not limited by town: every append reads
the last entry, which a filtered view would hide.

`login_identity` answers who the connection's login is for the audit and the engine's own
checks (`PgStore.settings`): the login's name and its highest group role; the project's
owner (or a superuser) is an administrator.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from qjgis import schema
from qjgis.cases import model as cases_model
from qjgis.errors import QjgisError, register_reasons
from qjgis.model import Role
from qjgis.pg import url as dburl

QjgisError.register(
    {
        "roles_need_owner": (
            "{url}: {login} may not set up the roles: {reason}; run it as the project's "
            "owner with the right to create roles (or a superuser)"
        ),
        "roles_not_initialised": "{url}: the database has no qjgis roles yet (run db init first)",
        "login_name_invalid": (
            "{name!r} is not a usable login name (letters, digits and _ only, "
            "starting with a letter, at most 63 bytes)"
        ),
        "login_is_group": "{url}: {name} is a qjgis group role or the project's owner, not a user",
        "unknown_town": "{url}: there is no town {town} in the project (towns: {towns})",
        "database_refused": "{url}: the database refused {login} ({role}): {reason}",
        "identity_from_login": (
            "{url}: on a database the user and role come from the login "
            "({login}, {role}); {key} cannot be set (db user add sets a login's role)"
        ),
    }
)

register_reasons(
    {
        "no_createrole": "it may not create roles",
        "not_owner": "it does not own the project",
        "refused_select": "this role may not read {table} ({title})",
        "refused_insert": "this role may not add rows to {table} ({title})",
        "refused_update": "this role may not change {table} ({title})",
        "refused_delete": "this role may not delete rows of {table} ({title})",
        "refused_truncate": "this role may not empty {table} ({title})",
        "refused_town": "the row of {table} ({title}) belongs to another town",
        "refused_approval": "only an approver may move a case to {state}",
        "refused_town_check": (
            "a town's login may not run the checks (they need the whole district)"
        ),
        "refused_override": "only an approver may override a precondition",
        "passwords_differ": "the two passwords differ",
        "empty_password": "the password is empty",
    }
)

#: lowest first: each group role is a member of the one before it (cumulative rights)
ROLE_ORDER: tuple[Role, ...] = (
    Role.VIEWER,
    Role.SURVEYOR,
    Role.REVIEWER,
    Role.APPROVER,
    Role.ADMIN,
)

#: table -> the SQL expression of the code that starts with a town's code
TOWN_SCOPED: dict[str, str] = {
    "villages": "code",
    "parcels": "zddm",
    "buildings": "coalesce(bdcdyh, zddm)",
    "households": "household_no",
    "members": "household_no",
    "parcel_holders": "zddm",
    "findings": "village_code",
    "ruin_cases": "village_code",
    "renovation_cases": "village_code",
}

#: a case moved into one of these states is an approval: approvers only (新建已批准,
#: 加固已验收; renovation 已批准, 已验收), the same states the commands refuse on a file
APPROVAL_STATES: tuple[str, ...] = tuple(s.value for s in cases_model.APPROVAL_STATES)

#: the layers and the register a surveyor imports and edits (and an import's undo deletes)
SURVEY_TABLES = (
    "towns", "villages", "parcels", "buildings", "households", "members", "parcel_holders",
    "reference_features", "import_batches", "import_batch_rows",
)  # fmt: skip
#: what a check run writes into `findings` (qjgis.checks.findings `_RUN_COLUMNS`)
FINDING_RUN_COLUMNS = (
    "rule_id", "rule_version", "key", "entity_kind", "severity", "exemption", "village_code",
    "entities", "evidence", "evidence_hash", "state", "first_run", "last_run", "row_version",
)  # fmt: skip
#: what a review writes (qjgis.checks.findings `Review`)
FINDING_DECISION_COLUMNS = (
    "decision", "decision_reason", "decided_by", "decided_at", "decided_hash",
    "decision_exemption", "row_version",
)  # fmt: skip

LOGINS_TABLE = "qj_logins"
#: a login's name: a letter (any script: 张三 is a name too), then letters, digits or _
_NAME = re.compile(r"^[^\W\d_]\w*$")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _slug(text: str, limit: int) -> str:
    """`text` as lower-case letters, digits and _; cut with a hash when too long or changed."""
    slug = re.sub(r"[^a-z0-9_]", "_", text.lower())
    if slug != text.lower() or len(slug) > limit:
        digest = hashlib.sha1(text.encode()).hexdigest()[:6]
        slug = f"{slug[: limit - 7]}_{digest}"
    return slug


def group_names(database: str, schema_name: str = "public") -> dict[Role, str]:
    """The group roles of the project in `database` (and `schema_name`), by role.

    `qj_qijiang_viewer` ... for the database `qijiang`; a project in another schema than
    `public` adds the schema (`qj_qijiang_town2_viewer`). A name that is not plain
    lower-case ASCII or is long is cut and given a short hash, so that it stays unique
    and within PostgreSQL's 63 bytes.
    """
    prefix = "qj_" + _slug(database, 30) + "_"
    if schema_name != "public":
        prefix += _slug(schema_name, 16) + "_"
    return {role: prefix + role.value for role in ROLE_ORDER}


def _groups(pg: Any) -> dict[Role, str]:
    database, schema_name = pg.execute("SELECT current_database(), current_schema()").fetchone()
    return group_names(str(database), str(schema_name))


@dataclass(frozen=True)
class Identity:
    """Who a database connection acts as: the login, its role, its town (None: all)."""

    login: str
    role: Role
    town: str | None
    owner: bool


def login_identity(pg: Any) -> Identity:
    """The connection's login, its highest qjgis group role and its town.

    The project's owner and a superuser are administrators; a login in no group (a
    database where `db init` has not run, or a login made outside qjgis) is a viewer: the
    server gives it what it was granted, the engine asks nothing more of it.
    """
    groups = _groups(pg)
    login, owner = pg.execute(
        "SELECT current_user::text, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
        " OR pg_has_role(current_user, (SELECT relowner FROM pg_class"
        " WHERE oid = 'qj_meta'::regclass), 'USAGE')"
    ).fetchone()
    member = {
        str(name)
        for (name,) in pg.execute(
            "SELECT rolname::text FROM pg_roles WHERE rolname = ANY(%s) "
            "AND pg_has_role(current_user, oid, 'USAGE')",
            (list(groups.values()),),
        )
    }
    town = None
    if pg.execute(f"SELECT to_regclass('{LOGINS_TABLE}')").fetchone()[0] is not None:
        row = pg.execute(
            f"SELECT town_code FROM {LOGINS_TABLE} WHERE login = current_user"
        ).fetchone()
        town = None if row is None else row[0]
    if owner:
        return Identity(str(login), Role.ADMIN, town, True)
    role = Role.VIEWER
    for r in ROLE_ORDER:  # the highest group it belongs to
        if groups[r] in member:
            role = r
    return Identity(str(login), role, town, False)


# ---------------------------------------------------------------- db init
def _grants(groups: dict[Role, str], database: str, schema_name: str) -> list[str]:
    """Every GRANT of the five groups (after a REVOKE of all that was granted before)."""
    v, s, r, a = (groups[x] for x in (Role.VIEWER, Role.SURVEYOR, Role.REVIEWER, Role.ADMIN))
    names = [t.name for t in schema.TABLES]
    extra = ["qj_meta", "qj_settings", "qj_attachment_content", LOGINS_TABLE]
    views = ["gpkg_spatial_ref_sys", "gpkg_geometry_columns"]
    everything = ", ".join(_ident(n) for n in [*names, *extra, *views])
    out = [
        f"REVOKE ALL ON {everything} FROM PUBLIC",
        *(f"REVOKE ALL ON {everything} FROM {_ident(g)}" for g in groups.values()),
        # only the project's logins connect (a login of another project on this server
        # does not), and tables created later (a migration) are readable by the viewer
        f"REVOKE CONNECT, TEMPORARY ON DATABASE {_ident(database)} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {_ident(database)} TO {_ident(v)}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {_ident(schema_name)} "
        f"GRANT SELECT ON TABLES TO {_ident(v)}",
        f"GRANT USAGE ON SCHEMA {_ident(schema_name)} TO {_ident(v)}",
        f"GRANT SELECT ON {everything} TO {_ident(v)}",
        # surveyor: the layers and the register, cases' field work, checks, attachments
        f"GRANT INSERT, UPDATE, DELETE ON {', '.join(map(_ident, SURVEY_TABLES))} TO {_ident(s)}",
        f'GRANT INSERT ON "audit_log", "case_events" TO {_ident(s)}',
        f'GRANT INSERT, UPDATE ON "ruin_cases", "renovation_cases" TO {_ident(s)}',
        f'GRANT INSERT, UPDATE ON "check_runs" TO {_ident(s)}',
        f'GRANT INSERT, DELETE ON "attachments" TO {_ident(s)}',
        f'GRANT INSERT ON "qj_attachment_content" TO {_ident(s)}',
        f'GRANT INSERT ON "qj_meta" TO {_ident(s)}',  # a push-back's record only (policy)
        f'GRANT INSERT, DELETE ON "findings" TO {_ident(s)}',
        f'GRANT UPDATE ({", ".join(map(_ident, FINDING_RUN_COLUMNS))}) ON "findings" '
        f"TO {_ident(s)}",
        # new rows' fids come from the tables' sequences (and are moved past explicit ones)
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {_ident(schema_name)} "
        f"TO {_ident(s)}",
        # reviewer: the decision on a finding
        f'GRANT UPDATE ({", ".join(map(_ident, FINDING_DECISION_COLUMNS))}) ON "findings" '
        f"TO {_ident(r)}",
        # admin: the settings and the logins' towns
        f'GRANT INSERT, UPDATE, DELETE ON "qj_settings", {LOGINS_TABLE} TO {_ident(a)}',
    ]
    return out


def _security(groups: dict[Role, str]) -> list[str]:
    """The town policies, the decided-findings policy and the approval trigger."""
    town = "(SELECT qj_login_town())"
    out = [
        f"CREATE TABLE IF NOT EXISTS {LOGINS_TABLE} (login text PRIMARY KEY NOT NULL, "
        "town_code text NOT NULL)",
        f"COMMENT ON TABLE {LOGINS_TABLE} IS '登录所属镇街'",
        "CREATE OR REPLACE FUNCTION qj_login_town() RETURNS text LANGUAGE sql STABLE AS "
        f"$$ SELECT town_code FROM {LOGINS_TABLE} WHERE login = current_user $$",
    ]
    for table, code in TOWN_SCOPED.items():
        rule = f"({town} IS NULL OR starts_with({code}, {town}))"
        out += [
            f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
            f'DROP POLICY IF EXISTS qj_town ON "{table}"',
            f'CREATE POLICY qj_town ON "{table}" USING {rule} WITH CHECK {rule}',
        ]
    # The checks need the whole district (a household's parcels in two towns, a building on
    # a parcel across the line): a town's login, which sees its town only, would find too
    # little and mark the rest gone. Check runs are the county's.
    county = f"({town} IS NULL)"
    out += [
        'ALTER TABLE "check_runs" ENABLE ROW LEVEL SECURITY',
        'DROP POLICY IF EXISTS qj_read ON "check_runs"',
        'CREATE POLICY qj_read ON "check_runs" FOR SELECT USING (true)',
        'DROP POLICY IF EXISTS qj_county ON "check_runs"',
        f'CREATE POLICY qj_county ON "check_runs" FOR INSERT WITH CHECK {county}',
        'DROP POLICY IF EXISTS qj_county_update ON "check_runs"',
        f'CREATE POLICY qj_county_update ON "check_runs" FOR UPDATE USING {county}',
    ]
    # a pushed-back copy is recorded in qj_meta (`sync`): a writer may add that, nothing else
    out += [
        "ALTER TABLE qj_meta ENABLE ROW LEVEL SECURITY",
        "DROP POLICY IF EXISTS qj_read ON qj_meta",
        "CREATE POLICY qj_read ON qj_meta FOR SELECT USING (true)",
        "DROP POLICY IF EXISTS qj_push_back ON qj_meta",
        "CREATE POLICY qj_push_back ON qj_meta FOR INSERT "
        "WITH CHECK (starts_with(key, 'pushed_back:'))",
    ]
    reviewer, approver = _literal(groups[Role.REVIEWER]), _literal(groups[Role.APPROVER])
    out += [
        'DROP POLICY IF EXISTS qj_decided ON "findings"',
        'CREATE POLICY qj_decided ON "findings" AS RESTRICTIVE FOR DELETE USING '
        f"(decision IS NULL OR pg_has_role(current_user, {reviewer}, 'USAGE'))",
    ]
    states = ", ".join(_literal(x) for x in APPROVAL_STATES)
    allowed = (
        f"pg_has_role(current_user, {approver}, 'USAGE') OR pg_has_role(current_user, "
        "(SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE')"
    )
    out.append(
        "CREATE OR REPLACE FUNCTION qj_approval_guard() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        f"IF NEW.state IN ({states}) AND (TG_OP = 'INSERT' OR NEW.state IS DISTINCT FROM "
        f"OLD.state) AND NOT ({allowed}) THEN "
        "RAISE EXCEPTION 'qj_refused:approve_case:%', NEW.state "
        "USING ERRCODE = 'insufficient_privilege'; END IF; "
        "IF NEW.override_reason IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.override_reason "
        f"IS DISTINCT FROM OLD.override_reason) AND NOT ({allowed}) THEN "
        "RAISE EXCEPTION 'qj_refused:override_case' USING ERRCODE = 'insufficient_privilege'; "
        "END IF; RETURN NEW; END $$"
    )
    for table in ("ruin_cases", "renovation_cases"):
        out += [
            f'DROP TRIGGER IF EXISTS qj_approval_guard ON "{table}"',
            f'CREATE TRIGGER qj_approval_guard BEFORE INSERT OR UPDATE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION qj_approval_guard()",
        ]
    return out


@dataclass(frozen=True)
class InitReport:
    groups: dict[str, str]  # role -> group role name
    created: list[str]  # the group roles this run created (empty when run again)


def _open(url: str, ask_password: Callable[[str], str | None] | None) -> Any:
    from qjgis.pg.transfer import read_meta

    conn = dburl.connect(url, ask_password=ask_password, autocommit=True)
    try:
        read_meta(conn, dburl.redact(url))
    except BaseException:
        conn.close()
        raise
    return conn


def _may_manage(pg: Any, shown: str, *, need_owner: bool) -> None:
    login, superuser, createrole, owner = pg.execute(
        "SELECT rolname::text, rolsuper, rolcreaterole, rolsuper OR pg_has_role(current_user, "
        "(SELECT relowner FROM pg_class WHERE oid = 'qj_meta'::regclass), 'USAGE') "
        "FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
    if not (superuser or createrole):
        raise QjgisError("roles_need_owner", url=shown, login=login, reason="no_createrole")
    if need_owner and not owner:
        raise QjgisError("roles_need_owner", url=shown, login=login, reason="not_owner")


def init_roles(url: str, *, ask_password: Callable[[str], str | None] | None = None) -> InitReport:
    """`db init`: the group roles, their grants, the town policies; run again, the same.

    One transaction (PostgreSQL's CREATE ROLE and GRANT are transactional too): a
    refusal leaves the database and the server's roles as they were.
    """
    shown = dburl.redact(url)
    with _open(url, ask_password) as pg:
        _may_manage(pg, shown, need_owner=True)
        groups = _groups(pg)
        database, schema_name = pg.execute("SELECT current_database(), current_schema()").fetchone()
        created: list[str] = []
        with _refusals(pg, shown), pg.transaction():
            existing = {
                str(n)
                for (n,) in pg.execute(
                    "SELECT rolname::text FROM pg_roles WHERE rolname = ANY(%s)",
                    (list(groups.values()),),
                )
            }
            below: str | None = None
            for role in ROLE_ORDER:
                name = groups[role]
                if name not in existing:
                    pg.execute(f"CREATE ROLE {_ident(name)} NOLOGIN")
                    created.append(name)
                if below is not None:
                    pg.execute(f"GRANT {_ident(below)} TO {_ident(name)}")
                below = name
            for statement in [
                *_security(groups),
                *_grants(groups, str(database), str(schema_name)),
            ]:
                pg.execute(statement)
    return InitReport({r.value: n for r, n in groups.items()}, created)


def reapply_security(pg: Any) -> bool:
    """After a migration, in its transaction: the policies and grants `init_roles` gives,
    again, so that a table or column the migration added is covered like the others.
    Nothing where `db init` was never run; returns whether it was."""
    groups = _groups(pg)
    if pg.execute("SELECT to_regrole(%s)", (groups[Role.VIEWER],)).fetchone()[0] is None:
        return False
    database, schema_name = pg.execute("SELECT current_database(), current_schema()").fetchone()
    for statement in [*_security(groups), *_grants(groups, str(database), str(schema_name))]:
        pg.execute(statement)
    return True


# ---------------------------------------------------------------- db user add / list
@dataclass(frozen=True)
class UserRow:
    login: str
    role: str
    town: str | None
    town_name: str | None
    can_login: bool


def add_user(
    url: str,
    name: str,
    role: Role | str,
    *,
    town: str | None = None,
    password: str | None = None,
    ask_password: Callable[[str], str | None] | None = None,
) -> tuple[UserRow, bool]:
    """`db user add`: a login in one group role (its only one), limited to a town or not.

    Run again it moves the login to the role and town given (and sets the password when
    one is given); returns the user and whether the login was created.
    """
    shown = dburl.redact(url)
    if not _NAME.match(name) or len(name.encode()) > 63:  # PostgreSQL's names: 63 bytes
        raise QjgisError("login_name_invalid", name=name)
    role = Role(role)
    with _open(url, ask_password) as pg:
        _may_manage(pg, shown, need_owner=False)
        groups = _groups(pg)
        if pg.execute("SELECT to_regrole(%s)", (groups[Role.VIEWER],)).fetchone()[0] is None:
            raise QjgisError("roles_not_initialised", url=shown)
        owner = pg.execute(
            "SELECT pg_get_userbyid(relowner)::text FROM pg_class WHERE oid = 'qj_meta'::regclass"
        ).fetchone()[0]
        if name in groups.values() or name == owner:
            raise QjgisError("login_is_group", url=shown, name=name)
        if town is not None:
            town = town.strip()
            known = dict(pg.execute('SELECT code, name FROM "towns" ORDER BY code').fetchall())
            if town not in known:
                raise QjgisError(
                    "unknown_town", url=shown, town=town,
                    towns=", ".join(f"{c} {n}" for c, n in known.items()) or "—",
                )  # fmt: skip
        with _refusals(pg, shown), pg.transaction():
            exists = pg.execute("SELECT to_regrole(%s)", (name,)).fetchone()[0] is not None
            options = " LOGIN"
            if role is Role.ADMIN:  # an administrator adds the bureau's users
                options += " CREATEROLE"
            secret = ""
            if password is not None:  # hashed here (SCRAM): the server never sees it
                hashed = pg.pgconn.encrypt_password(password.encode(), name.encode())
                secret = f" PASSWORD {_literal(hashed.decode())}"
            if exists:
                pg.execute(f"ALTER ROLE {_ident(name)}{options}{secret}")
                for group in groups.values():
                    pg.execute(f"REVOKE {_ident(group)} FROM {_ident(name)}")
            else:
                pg.execute(f"CREATE ROLE {_ident(name)}{options}{secret}")
            pg.execute(f"GRANT {_ident(groups[role])} TO {_ident(name)}")
            if town is None:
                pg.execute(f"DELETE FROM {LOGINS_TABLE} WHERE login = %s", (name,))
            else:
                pg.execute(
                    f"INSERT INTO {LOGINS_TABLE} (login, town_code) VALUES (%s, %s) "
                    "ON CONFLICT (login) DO UPDATE SET town_code = excluded.town_code",
                    (name, town),
                )
        rows = [u for u in _users(pg, groups) if u.login == name]
    return rows[0], not exists


def _users(pg: Any, groups: dict[Role, str]) -> list[UserRow]:
    rank = {name: k for k, name in enumerate(groups[r] for r in ROLE_ORDER)}
    by_name = {name: role for role, name in groups.items()}
    towns = dict(pg.execute('SELECT code, name FROM "towns"').fetchall())
    logins = dict(pg.execute(f"SELECT login, town_code FROM {LOGINS_TABLE}").fetchall())
    rows = pg.execute(
        "SELECT u.rolname::text, u.rolcanlogin, g.rolname::text FROM pg_auth_members m "
        "JOIN pg_roles u ON u.oid = m.member JOIN pg_roles g ON g.oid = m.roleid "
        "WHERE g.rolname = ANY(%s) AND NOT u.rolname = ANY(%s) ORDER BY u.rolname",
        (list(groups.values()), list(groups.values())),
    ).fetchall()
    best: dict[str, tuple[str, bool]] = {}
    for login, can_login, group in rows:
        if login not in best or rank[group] > rank[best[login][0]]:
            best[login] = (group, bool(can_login))
    return [
        UserRow(
            login, by_name[group].value, logins.get(login), towns.get(logins.get(login)), can_login
        )
        for login, (group, can_login) in sorted(best.items())
    ]


def list_users(
    url: str, *, ask_password: Callable[[str], str | None] | None = None
) -> list[UserRow]:
    """`db user list`: every login in the project's group roles, its role and town."""
    shown = dburl.redact(url)
    with _open(url, ask_password) as pg:
        groups = _groups(pg)
        if pg.execute("SELECT to_regrole(%s)", (groups[Role.VIEWER],)).fetchone()[0] is None:
            raise QjgisError("roles_not_initialised", url=shown)
        with _refusals(pg, shown):
            return _users(pg, groups)


# ---------------------------------------------------------------- COPY under the policies
_STAGE = "qj_copy_stage"


def copy_target(raw: Any, table: str, quoted: str) -> str:
    """Where a binary COPY into `table` goes: the table itself, or, where row-level
    security applies to this login (every login but the owner's, on the policies'
    tables), a temporary table of the same columns, since PostgreSQL refuses COPY FROM
    there; `copy_done` then moves its rows in with one INSERT that the policies check."""
    if not raw.execute("SELECT row_security_active(%s::regclass)", (f'"{table}"',)).fetchone()[0]:
        return f'"{table}"'
    raw.execute(f"DROP TABLE IF EXISTS pg_temp.{_STAGE}")
    raw.execute(  # the copied columns with the table's types, no constraints
        f'CREATE TEMP TABLE {_STAGE} ON COMMIT DROP AS SELECT {quoted} FROM "{table}" WITH NO DATA'
    )
    return f"pg_temp.{_STAGE}"


def copy_insert(table: str, quoted: str) -> str:
    """The INSERT that moves a staged COPY's rows into `table`."""
    return f'INSERT INTO "{table}" ({quoted}) SELECT {quoted} FROM pg_temp.{_STAGE}'


def copy_done(raw: Any, table: str, quoted: str, target: str) -> None:
    """After a COPY into `copy_target`'s answer: the staged rows into the table."""
    if target.startswith("pg_temp."):
        raw.execute(copy_insert(table, quoted))
        raw.execute(f"DROP TABLE pg_temp.{_STAGE}")


# ---------------------------------------------------------------- the server's refusals
_VERB = re.compile(r"^\s*(INSERT|UPDATE|DELETE|SELECT|TRUNCATE|COPY)\b", re.IGNORECASE)
_TABLE = re.compile(
    r'\b(?:INTO|UPDATE|FROM|COPY|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)"?', re.IGNORECASE
)  # fmt: skip
_PERMISSION_TABLE = re.compile(r'permission denied for (?:table|relation|sequence) "?(\w+)"?')
_RLS_TABLE = re.compile(r'row-level security policy[^"]*"(\w+)"')
_GUARD = re.compile(r"qj_refused:(\w+)(?::(.*))?")


def refusal(exc: Any, sql: str | None) -> dict[str, Any] | None:
    """What a server's `insufficient_privilege` refusal was about, as error parameters.

    `reason` is a reason code (`refused_update`, ..., `refused_town`, `refused_approval`,
    `refused_override`) with the `table` and its Chinese `title`; None for other errors.
    """
    if getattr(exc, "sqlstate", None) != "42501":
        return None
    text = str(exc)
    guard = _GUARD.search(text)
    if guard is not None:
        if guard.group(1) == "approve_case":
            return {"reason": "refused_approval", "state": (guard.group(2) or "").strip()}
        return {"reason": "refused_override"}
    verb = "update"
    table = ""
    if sql:
        if (m := _VERB.match(sql)) is not None:
            verb = m.group(1).lower().replace("copy", "insert")  # COPY … FROM: rows added
        if (m := _TABLE.search(sql)) is not None:
            table = m.group(1)
    if (m := _RLS_TABLE.search(text)) is not None:
        table, verb = m.group(1), "town"
        if table == "check_runs":
            return {"reason": "refused_town_check"}
    elif (m := _PERMISSION_TABLE.search(text)) is not None:
        table = m.group(1)
    known = schema.TABLE_BY_NAME.get(table)
    title = known.title if known is not None else _TITLES.get(table, table or "?")
    return {"reason": f"refused_{verb}", "table": table or "?", "title": title}


_TITLES = {"qj_settings": "项目设置", "qj_meta": "项目元数据", LOGINS_TABLE: "登录所属镇街",
           "qj_attachment_content": "附件内容"}  # fmt: skip


class _refusals:
    """A server's refusal while setting roles up, as one line (never a traceback)."""

    def __init__(self, pg: Any, shown: str) -> None:
        self.pg, self.shown = pg, shown

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> bool:
        import psycopg

        if isinstance(exc, psycopg.Error):
            lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
            raise QjgisError(
                "database_error", url=self.shown, detail=lines[0] if lines else kind.__name__
            ) from exc
        return False
