"""Database addresses: `postgresql://…` URLs and `service=NAME`, never with a password.

A project in a database is named where a project file is: `postgresql://user@host/db`
(libpq's URL) or `service=NAME` (an entry of the user's `pg_service.conf`). The password
is never written down: recent projects, the audit log, reports and error messages carry
`redact(url)`; libpq finds the password in `.pgpass` or `PGPASSWORD`, or the command
line asks for it (`connect(..., ask_password=...)`).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from typing import Any

from qjgis.errors import QjgisError

QjgisError.register(
    {
        "database_unreachable": "{url}: cannot connect to the database ({detail})",
        "database_url_invalid": "{url}: not a database address ({reason})",
        "psycopg_missing": "{url}: psycopg (PostgreSQL support) is not installed",
        "database_error": (
            "{url}: the database refused the operation ({detail}); nothing was changed"
        ),
        "database_not_supported": (
            "{url}: not available on a database project yet ({what}); the project was not changed"
        ),
    }
)

_SCHEMES = ("postgresql://", "postgres://")
#: conninfo keys that hold a secret: never kept, never shown
_SECRET_KEYS = {"password", "sslpassword"}


def is_database_url(target: str | object) -> bool:
    """Whether a project argument names a database rather than a file."""
    if not isinstance(target, str):
        return False
    text = target.strip()
    return text.lower().startswith(_SCHEMES) or text.startswith("service=")


def redact(url: str) -> str:
    """The address without its password (in the user part or the query), to store or show.

    `postgresql://clerk:s3cret@db/qj?sslmode=require&password=x` becomes
    `postgresql://clerk@db/qj?sslmode=require`; `service=qj password=x` becomes
    `service=qj`. Anything that is not a database address comes back unchanged.
    """
    text = url.strip()
    if text.lower().startswith(_SCHEMES):
        parts = urllib.parse.urlsplit(text)
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, _, hosts = netloc.rpartition("@")
            user = userinfo.split(":", 1)[0]
            netloc = f"{user}@{hosts}" if user else hosts
        query = [
            (k, v)
            for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() not in _SECRET_KEYS
        ]
        return urllib.parse.urlunsplit(
            (parts.scheme, netloc, parts.path, urllib.parse.urlencode(query), parts.fragment)
        )
    if text.startswith("service="):
        words = [w for w in text.split() if w.split("=", 1)[0].lower() not in _SECRET_KEYS]
        return " ".join(words)
    return url


def has_password(url: str) -> bool:
    """Whether the address itself carries a password (which `redact` would drop)."""
    return redact(url) != url.strip()


def connect(
    url: str,
    *,
    ask_password: Callable[[str], str | None] | None = None,
    **kwargs: Any,
) -> Any:
    """A psycopg connection; `ask_password(redacted url)` is asked once if the server wants one.

    Errors are `database_unreachable` with the redacted address and the server's reason
    (libpq never repeats a password in its messages).
    """
    try:
        import psycopg
    except ImportError as exc:
        raise QjgisError("psycopg_missing", url=redact(url)) from exc
    shown = redact(url)
    try:
        return psycopg.connect(url, **kwargs)
    except psycopg.OperationalError as exc:
        detail = _first_line(exc)
        wants_password = "password" in str(exc).lower() and "no password" in str(exc).lower()
        if wants_password and ask_password is not None:
            password = ask_password(shown)
            if password:
                try:
                    return psycopg.connect(url, password=password, **kwargs)
                except psycopg.OperationalError as again:
                    detail = _first_line(again)
        raise QjgisError("database_unreachable", url=shown, detail=detail) from None
    except psycopg.ProgrammingError as exc:  # a malformed conninfo
        raise QjgisError("database_url_invalid", url=shown, reason=str(exc).strip()) from None


def _first_line(exc: BaseException) -> str:
    """libpq's reason, without its hint lines."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
