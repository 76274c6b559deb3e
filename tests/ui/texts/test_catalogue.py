"""The one catalogue of user texts: every code the engine and the commands use has Chinese
and English, the two differ, carry the same placeholders, and no Chinese text holds an
English sentence. Runs without Qt."""

from __future__ import annotations

import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

import qjgis.cases.attachments
import qjgis.cases.commands
import qjgis.cases.sheet
import qjgis.checks.engine
import qjgis.checks.findings
import qjgis.demo
import qjgis.io.crs
import qjgis.io.export
import qjgis.io.importer
import qjgis.io.register
import qjgis.io.sources
import qjgis.pg.roles
import qjgis.pg.transfer
import qjgis.pg.url
import qjgis.settings
import qjgis.store
from qjgis import model
from qjgis.cases.model import CaseKind, Disposition, RenovationState, RuinState, code_name
from qjgis.cases.stats import stat_keys
from qjgis.checks.base import EntityKind, Severity
from qjgis.checks.engine import load_rules
from qjgis.codes import CodeProblem, IdProblem
from qjgis.errors import REASONS, Invalid, QjgisError
from qjgis.model import BuildingStatus, Role
from ui import texts

ROOT = Path(__file__).resolve().parents[3]


def fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


# Latin words a Chinese text may contain: names of formats, tools and options, and values
# the user types as they are (layer names of --layer, encodings).
# fmt: off
_ALLOWED_LATIN = {
    "EPSG", "GBK", "GB18030", "UTF", "utf", "BIG5", "CRS", "JSON", "XLSX", "XLS", "xlsx", "xls",
    "CSV", "csv", "zip", "shapefile", "GeoPackage", "FileGDB", "GeoJSON", "PySide6", "qjgis",
    "gui", "pip", "install", "Excel", "xlrd", "extra", "user", "role", "QJ", "R001", "R002",
    "R12", "R014", "RULE", "KEY", "VALUE", "FILE", "YYYY", "MM", "DD", "ID", "gpkg", "shp",
    "geojson", "json", "sqlite", "SQLite", "qj_meta", "prj", "dbf", "shx", "cpg",
    "tx", "ty", "tz", "rx", "ry", "rz", "ds", "position_vector", "coordinate_frame",
    "parcels", "buildings", "villages", "households", "ASCII", "Latin", "PDF", "GIS", "WGS",
    "RFC", "NAME", "gbk", "import", "village", "town", "district",
    "pending", "confirmed", "exempted", "false", "positive", "needs", "review",
    "landuse", "basic", "farmland", "plan", "hazard", "zones", "points", "other", "HTML", "dBASE",
    "PostgreSQL", "PostGIS", "psycopg", "postgresql", "service", "host", "dbname", "pgpass",
    "PGPASSWORD", "pg_dump", "migrate", "init", "add", "list",
}
# fmt: on


def _latin_words(text: str) -> list[str]:
    text = re.sub(
        r"\{[^}]*\}|%\([a-z_]+\)[rs]|--[a-z-]+|[a-z_]+\.[a-z_.0-9]+|\*\.[a-z]+", " ", text
    )
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_]*", text) if len(w) >= 3]


def test_every_text_has_both_languages_and_they_differ() -> None:
    same = []
    for code, (zh, en) in texts.CATALOGUE.items():
        assert zh.strip() and en.strip(), code
        assert fields(zh) == fields(en), code
        if zh == en:
            same.append(code)
    assert same == []


def test_no_english_words_inside_chinese_texts() -> None:
    leaks = {}
    for code, (zh, _en) in texts.CATALOGUE.items():
        words = [w for w in _latin_words(zh) if w not in _ALLOWED_LATIN]
        if words:
            leaks[code] = words
    assert leaks == {}


def test_every_error_code_has_a_text_with_the_engines_placeholders() -> None:
    assert len(QjgisError.TEMPLATES) > 80  # the engine modules registered theirs
    missing = [c for c in QjgisError.TEMPLATES if not texts.has(f"err.{c}")]
    assert missing == []
    for code, template in QjgisError.TEMPLATES.items():
        zh, en = texts.CATALOGUE[f"err.{code}"]
        assert fields(zh) == fields(en) == fields(template.replace("!r}", "}")), code


def test_every_reason_code_has_a_text_with_the_same_placeholders() -> None:
    for code, template in REASONS.items():
        assert texts.has(f"reason.{code}"), code
        zh, en = texts.CATALOGUE[f"reason.{code}"]
        assert fields(zh) == fields(en) == fields(template), code


def test_every_rule_state_disposition_role_and_statistics_column_is_named() -> None:
    rules = list(load_rules())
    assert len(rules) >= 15
    codes = [f"rule.{r}" for r in rules]
    codes += [f"ruin_state.{code_name(s)}" for s in RuinState]
    codes += [f"renovation_state.{code_name(s)}" for s in RenovationState]
    codes += [f"disposition.{code_name(d)}" for d in Disposition]
    codes += [f"role.{r.value}" for r in Role]
    codes += [f"building_status.{code_name(b)}" for b in BuildingStatus]
    codes += [f"stat.{k}" for k in stat_keys()]
    codes += [f"decision.{d}" for d in ("pending", "confirmed", "exempted", "false_positive")]
    missing = [c for c in codes if not texts.has(c)]
    assert missing == []
    for code in codes:
        zh, en = texts.CATALOGUE[code]
        assert zh != en, code


#: every enumeration of the engine a user may read, and its catalogue prefix
ENUMS = {
    "ruin_state": RuinState,
    "renovation_state": RenovationState,
    "disposition": Disposition,
    "role": Role,
    "building_status": BuildingStatus,
    "household_type": model.HouseholdType,
    "split_status": model.SplitStatus,
    "land_type": model.LandType,
    "acquisition_mode": model.AcquisitionMode,
    "plot_disposal": model.PlotDisposalStatus,
    "relation": model.Relation,
    "structure": model.Structure,
    "entity_kind": EntityKind,
    "severity": Severity,
    "code_problem": CodeProblem,
    "id_problem": IdProblem,
    "case_kind": CaseKind,
}


def test_every_enumeration_of_the_engine_is_in_the_catalogue() -> None:
    """Walks every StrEnum of qjgis: each is listed above (a new one must be named) and each
    member has both languages; stored Chinese values are the catalogue's Chinese."""
    import enum
    import importlib
    import pkgutil

    import qjgis

    found = set()
    for info in pkgutil.walk_packages(qjgis.__path__, "qjgis."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and issubclass(obj, enum.StrEnum)
                and obj.__module__ == info.name
            ):
                found.add(obj)
    assert found - {model.DangerGrade} == set(ENUMS.values())  # grades A-D are the same letters
    for prefix, enum_cls in ENUMS.items():
        for member in enum_cls:
            code = f"{prefix}.{code_name(member) if prefix != 'severity' else member.value}"
            assert texts.has(code), code
            zh, en = texts.CATALOGUE[code]
            assert zh != en, code
            if any("\u4e00" <= ch <= "\u9fff" for ch in member.value):
                assert zh == (model.STRUCTURE_LABELS.get(member) or member.value), code


def test_stored_chinese_values_are_the_catalogues_chinese() -> None:
    """The project file stores states and dispositions in Chinese: the catalogue names them
    by the same words, so a Chinese user reads what the file says."""
    for s in RuinState:
        assert texts.CATALOGUE[f"ruin_state.{code_name(s)}"][0] == s.value
    for s in RenovationState:
        assert texts.CATALOGUE[f"renovation_state.{code_name(s)}"][0] == s.value
    for d in Disposition:
        assert texts.CATALOGUE[f"disposition.{code_name(d)}"][0] == d.value
    for b in BuildingStatus:
        assert texts.CATALOGUE[f"building_status.{code_name(b)}"][0] == b.value


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_error_with_a_state_and_a_reason_is_worded_wholly_in_one_language(lang: str) -> None:
    texts.set_language(lang)
    try:
        refused = QjgisError(
            "transition_refused", path="p.gpkg", case="R1", state="待处置",
            target="demolished", allowed="已撤销",
        )  # fmt: skip
        text = texts.error_text(refused)
        try:
            qjgis.settings.validate("area.tolerance_m2", 9999)
        except QjgisError as exc:
            setting = texts.error_text(exc)
    finally:
        texts.set_language("zh")
    if lang == "zh":
        assert "待处置" in text and "已拆除" in text and "已撤销" in text, text
        assert "超出 0..500 范围" in setting, setting
        assert not re.search(r"[a-z]{4,}", text.replace("p.gpkg", "")), text
    else:
        assert "pending" in text and "demolished" in text and "cancelled" in text, text
        assert "outside 0..500" in setting, setting
        assert not re.search(r"[\u4e00-\u9fff]", text + setting), text


def test_a_reason_is_a_code_with_facts_not_a_sentence() -> None:
    with pytest.raises(QjgisError) as info:
        qjgis.settings.validate("area.tolerance_m2", "abc")
    assert info.value.params["reason"] == "not_a_number"
    assert info.value.english().endswith("not a number")
    with pytest.raises(ValueError, match="unregistered"):
        Invalid("no_such_reason")


def test_unknown_code_shows_itself_and_missing_placeholders_stay_visible() -> None:
    assert texts.t("no.such.code") == "no.such.code"
    assert texts.t("error_line", "en") == "Error: {message}"
    assert texts.t("error_line", "en", other=1) == "Error: {message}"


@pytest.mark.parametrize(
    ("kind", "typed", "code"),
    [
        ("ruin_state", "under-construction", "in-progress"),
        ("ruin_state", "加固施工中", "in-progress"),
        ("ruin_state", "in_progress", "in-progress"),
        ("ruin_state", "Demolished", "demolished"),
        ("renovation_state", "under-construction", "under-construction"),
        ("renovation_state", "moved in", "moved-in"),
        ("renovation_state", "已入住", "moved-in"),
        ("disposition", "排危加固", "reinforcement"),
        ("disposition", "ordered self-demolition", "self-demolition"),
        ("disposition", "self_demolition", "self-demolition"),
        ("role", "审核员", "reviewer"),
        ("role", "Administrator", "admin"),
        ("decision", "误报", "false_positive"),
        ("decision", "false-positive", "false_positive"),
        ("decision", "已确认", "confirmed"),
    ],
)
def test_values_are_accepted_in_either_language(kind: str, typed: str, code: str) -> None:
    assert texts.value_code(kind, typed) == code


def test_an_unknown_value_is_none() -> None:
    assert texts.value_code("ruin_state", "rebuilt on the moon") is None
    assert texts.value_code("ruin_state", "") is None


@pytest.mark.parametrize(
    ("cli", "env", "saved", "locale", "expected"),
    [
        (None, {}, None, "zh_CN", "zh"),
        (None, {}, None, "C", "zh"),
        (None, {}, None, "en_US", "en"),
        ("zh", {}, None, "en_US", "zh"),
        (None, {"QJGIS_LANG": "en"}, None, "zh_CN", "en"),
        ("zh_CN", {"QJGIS_LANG": "en"}, "en", "en_GB", "zh"),
        (None, {}, "en", "zh_CN", "en"),
        (None, {"QJGIS_LANG": "klingon"}, None, "de_DE", "zh"),
        (None, {}, None, "Chinese (Simplified)_China.936", "zh"),
        (None, {}, None, "English_United States.1252", "en"),
    ],
)
def test_choose_language(
    cli: str | None, env: dict[str, str], saved: str | None, locale: str, expected: str
) -> None:
    assert texts.choose_language(cli, env=env, saved=saved, system_locale_name=locale) == expected


def test_the_catalogue_and_the_cli_import_no_qt() -> None:
    """Building every command's parser and wording an error loads no Qt module."""
    code = (
        "import sys, ui.cli.dispatch, ui.texts\n"
        "ui.cli.dispatch.build_parser()\n"
        "ui.texts.t('error_line', message='x')\n"
        "qt = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "sys.exit(1 if qt else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_every_encoding_and_crs_decision_reason_is_named() -> None:
    """The import report says how it chose the encoding and the CRS: by reason codes."""
    sources = {
        "encoding_reason": ROOT / "qjgis" / "io" / "encoding.py",
        "crs_reason": ROOT / "qjgis" / "io" / "crs.py",
    }
    found: dict[str, set[str]] = {}
    for prefix, path in sources.items():
        text = path.read_text(encoding="utf-8")
        cls = "EncodingDecision" if prefix == "encoding_reason" else "CrsDecision"
        found[prefix] = set(re.findall(cls + r'\(\s*[^,]+,\s*"([a-z_]+)"', text))
    importer = (ROOT / "qjgis" / "io" / "importer.py").read_text(encoding="utf-8")
    found["crs_reason"] |= set(re.findall(r'parse_user_crs\([^)]*\),\s*"([a-z_]+)"', importer))
    assert {"cpg", "detected", "fallback"} <= found["encoding_reason"]
    assert {"prj", "proposed", "override"} <= found["crs_reason"]
    missing = [f"{p}.{c}" for p, codes in found.items() for c in codes if not texts.has(f"{p}.{c}")]
    assert missing == []


def test_every_progress_stage_the_engine_reports_is_named() -> None:
    stages = set()
    for path in (ROOT / "qjgis").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        stages |= set(
            re.findall(r'set_progress\([^()]*(?:\([^()]*\))?[^()]*,\s*"([a-z_]+)"\)', text)
        )
    assert {"generate", "context", "write"} <= stages
    assert sorted(s for s in stages if not texts.has(f"app.stage_{s}")) == []
