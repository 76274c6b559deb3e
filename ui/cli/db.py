"""CLI of a database project's users: `db init URL`, `db user add URL NAME --role R
[--town CODE] [--password-prompt]`, `db user list URL` (qjgis.pg.roles; docs/database.md,
"Users, towns and roles")."""

from __future__ import annotations

import argparse
import getpass
import sys
import unicodedata
from typing import Any, TextIO

from qjgis.errors import QjgisError
from qjgis.pg import roles
from qjgis.pg import url as dburl
from ui.cli.common import EXIT_OK, emit
from ui.cli.database import ask_password
from ui.texts import t, value_code, value_text


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    db = sub.add_parser("db", parents=[common], help=t("help.db_users_and_roles"))
    what = db.add_subparsers(dest="db_command", metavar="init|user", required=True)
    s = what.add_parser("init", parents=[common], help=t("help.db_init"))
    s.add_argument("url", metavar="URL", help=t("help.database_address"))
    s.add_argument("--json", action="store_true")

    user = what.add_parser("user", parents=[common], help=t("help.db_user"))
    verbs = user.add_subparsers(dest="user_command", metavar="add|list", required=True)
    s = verbs.add_parser("add", parents=[common], help=t("help.db_user_add"))
    s.add_argument("url", metavar="URL", help=t("help.database_address"))
    s.add_argument("name", metavar="NAME", help=t("help.db_login_name"))
    s.add_argument("--role", required=True, type=_role, metavar="ROLE",
                   help=t("help.db_role"))  # fmt: skip
    s.add_argument("--town", metavar="CODE", help=t("help.db_town"))
    s.add_argument("--password-prompt", action="store_true", help=t("help.db_password_prompt"))
    s.add_argument("--json", action="store_true")
    s = verbs.add_parser("list", parents=[common], help=t("help.db_user_list"))
    s.add_argument("url", metavar="URL", help=t("help.database_address"))
    s.add_argument("--json", action="store_true")


def _role(text: str) -> str:
    """A role named by its code, its Chinese or its English name (审核员, reviewer)."""
    code = value_code("role", text)
    if code not in {r.value for r in roles.ROLE_ORDER}:
        raise argparse.ArgumentTypeError(
            t("cli.not_a_role", value=text, choices=", ".join(r.value for r in roles.ROLE_ORDER))
        )
    return str(code)


def _new_password(name: str) -> str:
    """The new login's password, asked twice (never echoed, never stored by qjgis); from
    standard input when it is not a terminal, so that a script can give it."""
    if not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(t("db.new_password", name=name))
        if getpass.getpass(t("db.new_password_again", name=name)) != password:
            raise QjgisError("invalid_argument", name="--password-prompt", value="***",
                             reason="passwords_differ")  # fmt: skip
    if not password:
        raise QjgisError("invalid_argument", name="--password-prompt", value="",
                         reason="empty_password")  # fmt: skip
    return password


def _cmd_init(args: argparse.Namespace, out: TextIO) -> int:
    report = roles.init_roles(args.url, ask_password=ask_password)
    shown = dburl.redact(args.url)
    groups = ", ".join(f"{value_text(r, 'role')} {n}" for r, n in report.groups.items())
    result = {"url": shown, "groups": report.groups, "created": report.created}
    emit(result, args.json, t("db.roles_ready", url=shown, groups=groups,
                              created=len(report.created)), out)  # fmt: skip
    return EXIT_OK


def _row(user: roles.UserRow) -> dict[str, Any]:
    return {"login": user.login, "role": user.role, "town": user.town,
            "town_name": user.town_name, "can_login": user.can_login}  # fmt: skip


def _town(user: roles.UserRow) -> str:
    if user.town is None:
        return t("db.all_towns")
    return f"{user.town} {user.town_name or ''}".strip()


def _cmd_user_add(args: argparse.Namespace, out: TextIO) -> int:
    password = _new_password(args.name) if args.password_prompt else None
    user, created = roles.add_user(args.url, args.name, args.role, town=args.town,
                                   password=password, ask_password=ask_password)  # fmt: skip
    shown = dburl.redact(args.url)
    code = "db.user_added" if created else "db.user_updated"
    text = t(code, login=user.login, url=shown, role=value_text(user.role, "role"),
             town=_town(user))  # fmt: skip
    emit({**_row(user), "url": shown, "created": created}, args.json, text, out)
    return EXIT_OK


def _cmd_user_list(args: argparse.Namespace, out: TextIO) -> int:
    users = roles.list_users(args.url, ask_password=ask_password)
    if args.json:
        emit([_row(u) for u in users], True, "", out)
        return EXIT_OK
    if not users:
        out.write(t("db.no_users", url=dburl.redact(args.url)) + "\n")
        return EXIT_OK
    header = (t("db.col_login"), t("db.col_role"), t("db.col_town"))
    rows = [(u.login, value_text(u.role, "role"), _town(u)) for u in users]
    width = [max(_width(r[k]) for r in [header, *rows]) for k in range(2)]
    for r in [header, *rows]:
        cells = [r[k] + " " * (width[k] - _width(r[k])) for k in range(2)]
        out.write(f"{cells[0]}  {cells[1]}  {r[2]}".rstrip() + "\n")
    return EXIT_OK


def _width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cmd_db(args: argparse.Namespace, out: TextIO) -> int:
    if args.db_command == "init":
        return _cmd_init(args, out)
    if args.user_command == "add":
        return _cmd_user_add(args, out)
    return _cmd_user_list(args, out)


COMMANDS = {"db": _cmd_db}
