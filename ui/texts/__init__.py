"""The one catalogue of user texts: code -> (Chinese, English), without Qt.

Every word a user reads (CLI, window, printed reports) comes from here. Each module of this
package holds `TEXTS: dict[str, tuple[str, str]]`; this package merges them, keeps the
language of the process, and turns the engine's error codes with parameters into one line.

Why a Python catalogue rather than Qt's .ts/.qm or gettext: the command line must run
where PySide6 is not installed (Qt's translator is then unavailable), gettext needs a
compile step and a .mo file in every install, and a dict of pairs is checked by a plain
test (both languages present and different for every code). Chinese is first because it
is the users' language; English is for scripts, logs and colleagues who read it.

Codes: `err.<error code>`, `reason.<reason code>`, `rule.<rule id>`, `layer.<table>`,
`ruin_state.<code>`, `renovation_state.<code>`, `disposition.<code>`, `role.<code>`,
`decision.<code>`, `stat.<column>`, and plain label codes of each feature (`check_done`).
"""

from __future__ import annotations

import functools
import locale
import os
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

from qjgis.errors import REASON_PARAMS, QjgisError
from ui.texts import (
    cases,
    cases_gui,
    checks,
    common,
    conflicts,
    database,
    database_gui,
    export,
    gui,
    help,
    io,
    overlays,
    report,
    roles,
    values,
    workbench,
)

LANGUAGES = ("zh", "en")

#: The modules merged into the catalogue. A feature adds its module here.
MODULES = (
    common, values, io, export, checks, cases, cases_gui, gui, help, workbench, report, overlays,
)  # fmt: skip
MODULES = (*MODULES, database)  # the shared database (issue 17)
MODULES = (*MODULES, database_gui)  # the window on a database (issue 17)
MODULES = (*MODULES, roles)  # a database's users, roles and towns (issue 18)
MODULES = (*MODULES, conflicts)  # many desks at once (issue 18)


def _merge(modules: Iterable[Any]) -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for module in modules:
        for code, pair in module.TEXTS.items():
            if code in merged and merged[code] != pair:
                raise ValueError(f"text code {code!r} defined twice with different texts")
            merged[code] = pair
    return merged


CATALOGUE: dict[str, tuple[str, str]] = _merge(MODULES)

_language = "zh"


# ---------------------------------------------------------------- the language
def normalise_language(value: str | None) -> str | None:
    """ "zh" or "en" for the spellings people type (zh_CN, zh-Hans, en_US, chinese); else None."""
    if not value:
        return None
    v = value.strip().lower().replace("-", "_")
    if v in ("c", "posix"):
        return None
    if v.startswith(("zh", "chinese", "中文")):
        return "zh"
    if v.startswith(("en", "english")):
        return "en"
    return None


def system_locale() -> str:
    """The locale name of the system, without Qt (LC_ALL, LANG, then the C library's)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(name):
            return os.environ[name]
    try:
        return locale.getlocale()[0] or ""
    except ValueError:
        return ""


def choose_language(
    cli: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    saved: str | None = None,
    system_locale_name: str | None = None,
) -> str:
    """The language to run in: --lang, then QJGIS_LANG, the saved choice, the locale.

    Chinese unless the first of those that is set says English.
    """
    environ = os.environ if env is None else env
    for candidate in (cli, environ.get("QJGIS_LANG"), saved):
        chosen = normalise_language(candidate)
        if chosen:
            return chosen
    name = system_locale_name if system_locale_name is not None else system_locale()
    return "en" if normalise_language(name) == "en" else "zh"


def set_language(lang: str) -> None:
    """Make `lang` ("zh" or "en") the language of every text from now on."""
    global _language
    chosen = normalise_language(lang)
    if chosen is None:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGUAGES)}")
    _language = chosen


def language() -> str:
    return _language


# ---------------------------------------------------------------- texts
class _Keep(dict[str, Any]):
    """format_map that leaves an unknown placeholder visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def has(code: str) -> bool:
    return code in CATALOGUE


def t(code: str, lang: str | None = None, /, **params: Any) -> str:
    """The text of `code` in the current language (or `lang`), its placeholders filled.

    An unknown code returns the code itself: visible, never a traceback; the catalogue
    test walks every code the engine and the commands use.
    """
    pair = CATALOGUE.get(code)
    if pair is None:
        return code
    template = pair[0] if (lang or _language) == "zh" else pair[1]
    if not params:
        return template
    try:
        return template.format_map(_Keep(params))
    except (ValueError, IndexError, AttributeError):  # a format spec that does not fit
        return template.format_map(_Keep({k: str(v) for k, v in params.items()}))


def label(code: str) -> str:
    """An unformatted label: the same as `t(code)`, for templates formatted by the caller."""
    return t(code)


def lookup(prefix: str, code: str | None) -> str:
    """The text of `prefix.code` (`decision.confirmed`), or the code itself when it has none.

    None is the `none` code of its family (a finding without a decision is `pending`)."""
    key = f"{prefix}.{'none' if code is None else code}"
    return t(key) if has(key) else (code or "")


def layer_title(name: str) -> str:
    """A layer's title; a user-named reference layer (`other:NAME`) is called by its NAME."""
    if name.startswith("other:"):
        return name[len("other:") :]
    return t(f"layer.{name}") if has(f"layer.{name}") else name


def rule_title(rule_id: str) -> str:
    return t(f"rule.{rule_id}") if has(f"rule.{rule_id}") else rule_id


def stat_column(key: str) -> str:
    """The title of a statistics column (`ruin_state_pending` -> 残垣断壁·待处置)."""
    return t(f"stat.{key}") if has(f"stat.{key}") else key


# ---------------------------------------------------------------- enumerated values
#: kinds of values a user names by code, Chinese or English, and the catalogue prefixes
VALUE_KINDS: dict[str, tuple[str, ...]] = {
    "ruin_state": ("ruin_state",),
    "renovation_state": ("renovation_state",),
    "state": ("ruin_state", "renovation_state"),
    "disposition": ("disposition",),
    "role": ("role",),
    "decision": ("decision",),
    "exemption": ("exemption",),
    "case_kind": ("case_kind",),
    "level": ("level",),
    "building_status": ("building_status",),
    "household_type": ("household_type",),
    "split_status": ("split_status",),
    "land_type": ("land_type",),
    "acquisition_mode": ("acquisition_mode",),
    "plot_disposal": ("plot_disposal",),
    "relation": ("relation",),
    "entity_kind": ("entity_kind",),
}


def _fold(text: str) -> str:
    return " ".join(text.strip().lower().replace("-", " ").replace("_", " ").split())


def value_code(kind: str, text: str) -> str | None:
    """The code of a value named by its code, its Chinese or its English name; else None.

    `under-construction`, `Under construction` and `加固施工中` all name the ruin state
    `in-progress`. Codes come first, so a code never loses to another value's name.
    """
    wanted = _fold(text)
    if not wanted:
        return None
    prefixes = VALUE_KINDS[kind]
    entries = [
        (code.partition(".")[2], pair)
        for code, pair in CATALOGUE.items()
        if code.partition(".")[0] in prefixes
    ]
    for name, _pair in entries:
        if _fold(name) == wanted:
            return name
    for name, (zh, en) in entries:
        if text.strip() == zh or _fold(en) == wanted:
            return name
    return None


def value_names(kind: str) -> list[str]:
    """The codes of a kind, for help texts and error messages."""
    prefixes = VALUE_KINDS[kind]
    names: list[str] = []
    for code in CATALOGUE:
        prefix, _, name = code.partition(".")
        if prefix in prefixes and name not in names:
            names.append(name)
    return names


def value_text(value: Any, kind: str | None = None) -> str:
    """The name of an enumerated value (a code, a stored Chinese value or an Enum member)
    in the current language; anything that is not a known value comes back as text."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        value = value.value
    text = str(value)
    code = _value_code(text, kind)
    return t(code) if code is not None else text


@functools.lru_cache(maxsize=4096)
def _value_code(text: str, kind: str | None) -> str | None:
    """The catalogue code naming `text`, remembered: the scan of the whole catalogue took
    over a millisecond a value, and the case panel names dozens of values at a time."""
    wanted = _fold(text)
    kinds = (kind,) if kind else ("state", "disposition", "role", "decision", "case_kind")
    prefixes = tuple(p + "." for k in kinds for p in VALUE_KINDS[k])
    entries = [(c, pair) for c, pair in CATALOGUE.items() if c.startswith(prefixes)]
    # a code first, then a stored Chinese value, then an English name: a code never loses
    for match in (
        lambda c, pair: _fold(c.partition(".")[2]) == wanted,
        lambda c, pair: pair[0] == text.strip(),
        lambda c, pair: _fold(pair[1]) == wanted,
    ):
        for code, pair in entries:
            if match(code, pair):
                return code
    return None


# ---------------------------------------------------------------- errors
#: parameters of error messages whose values are enumerated values, and their kind
PARAM_KINDS: dict[str, str] = {
    "state": "state",
    "target": "state",
    "status": "building_status",
    "disposition": "disposition",
    "role": "role",
    "decision": "decision",
}


def _param_text(name: str, value: Any, params: Mapping[str, Any]) -> Any:
    if name == "action" and isinstance(value, str) and has(f"action.{value}"):
        return t(f"action.{value}")
    if name in REASON_PARAMS and isinstance(value, str) and has(f"reason.{value}"):
        return t(f"reason.{value}", **{k: v for k, v in params.items() if k not in REASON_PARAMS})
    if name in PARAM_KINDS:
        if isinstance(value, list | tuple):
            return ", ".join(value_text(v, PARAM_KINDS[name]) for v in value)
        if isinstance(value, str) and ", " in value:  # a list joined by the engine
            return ", ".join(value_text(v, PARAM_KINDS[name]) for v in value.split(", "))
        return value_text(value, PARAM_KINDS[name])
    if name == "allowed" and isinstance(value, str):
        return ", ".join(value_text(v, "state") for v in value.split(", "))
    return value


def error_text(error: QjgisError) -> str:
    """The error as one line in the current language: its code's template, its parameters
    that are codes or enumerated values translated too."""
    code = f"err.{error.code}"
    if error.code == "write_conflict" and isinstance(error.params.get("theirs"), dict):
        return conflicts.describe(error)  # the other desk's change, from the audit log
    if not has(code):
        return error.english()
    params = {k: _param_text(k, v, error.params) for k, v in error.params.items()}
    return t(code, **params)


def reason_text(reason: str, **params: Any) -> str:
    """A validation reason code in words; a reason that is no code (an OS message) as is."""
    return t(f"reason.{reason}", **params) if has(f"reason.{reason}") else reason
