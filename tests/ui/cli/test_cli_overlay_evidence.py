"""The overlay rules' evidence (QJ-R017..R020: lists of patches and hazards) reads in words in
the CLI, both languages, in the printed lines and in the CSV/XLSX tables: no reference key
("landuse:000258"), no code (after_cutoff, relocation), no stored Chinese value in English,
no JSON. --json keeps the data."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from qjgis.checks.findings import run_checks
from qjgis.demo import build_demo
from qjgis.store import GpkgStore
from ui import texts
from ui.cli import main
from ui.presenters.findings import evidence_text, value_text

OVERLAY_RULES = ("QJ-R017", "QJ-R018", "QJ-R019", "QJ-R020")
RAW = (
    "landuse:", "basic-farmland:", "village-plan:", "hazard-zones:", "hazard-points:",
    "after_cutoff", "before_cutoff", "radius_m", "feature:", "feature：", "{", "[{", "['",
)  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("overlay-words") / "demo.gpkg"
    build_demo(path, parcels=2000, seed=1)
    with GpkgStore.open(path) as store:
        run_checks(store, list(OVERLAY_RULES))
    return path


@pytest.fixture(autouse=True)
def _chinese_after() -> object:
    yield
    texts.set_language("zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("rule", OVERLAY_RULES)
def test_overlay_evidence_lines_are_words(demo: Path, rule: str, lang: str) -> None:
    out = io.StringIO()
    assert main(["findings", str(demo), "--rule", rule, "--lang", lang], out=out) == 0
    lines = out.getvalue().splitlines()[:-1]
    assert lines, f"the demo plants {rule}"
    for line in lines:
        evidence = line.rsplit(" | ", 1)[1]
        for raw in RAW:
            assert raw not in evidence, (raw, evidence)
        if lang == "en":  # stored values (在用, 闲置 ...) in the language asked for
            assert "在用" not in evidence and "闲置" not in evidence, evidence
    text = "\n".join(lines)
    if rule in ("QJ-R017", "QJ-R018"):
        layer = "土地利用现状" if rule == "QJ-R017" else "永久基本农田"
        assert (layer in text) == (lang == "zh")
    if rule == "QJ-R017":
        period = "时间节点之后" if lang == "zh" else "after the cut-off"
        assert period in text
    if rule == "QJ-R020":
        assert ("避险搬迁" if lang == "zh" else "relocation out of harm's way") in text
        assert ("地质灾害隐患点" if lang == "zh" else "Geological-hazard points") in text
        assert ("威胁半径" if lang == "zh" else "threat radius") in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overlay_evidence_in_csv_is_words_and_json_keeps_the_data(demo: Path, lang: str) -> None:
    out = io.StringIO()
    args = ["findings", str(demo), "--rule", "QJ-R020", "--format", "csv", "--lang", lang]
    assert main(args, out=out) == 0
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    header, body = rows[0], rows[1:]
    column = header.index(texts.t("col_evidence", lang))
    out = io.StringIO()
    assert main(["findings", str(demo), "--rule", "QJ-R020", "--json"], out=out) == 0
    data = json.loads(out.getvalue())
    assert len(body) == len(data)
    texts.set_language(lang)
    for row, record in zip(body, data, strict=True):
        assert row[column] == evidence_text(record["evidence"])
        for raw in RAW:
            assert raw not in row[column]
        assert record["evidence"]["hazards"][0]["feature"].startswith("hazard-")


def test_years_and_default_radius_read_as_words() -> None:
    texts.set_language("en")
    assert value_text("year_built", 2018) == "2018"
    hazard = {"feature": "hazard-points:H2", "kind": "hazard-points", "radius_m": 50.0,
              "radius_from_setting": True}  # fmt: skip
    assert evidence_text({"hazards": [hazard]}) == (
        "hazard zones and points: Geological-hazard points H2 "
        "(threat radius: 50 m (the default radius, a setting))"
    )
    texts.set_language("zh")
    assert evidence_text({"hazards": [hazard]}) == (
        "隐患区/隐患点：地质灾害隐患点 H2（威胁半径：50 m（默认半径，见设置））"
    )
