"""`findings` prints each finding's evidence in words, through the same presenter as the
window (ui.presenters), in the language asked for."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from qjgis.checks.findings import run_checks
from qjgis.demo import build_demo
from qjgis.store import GpkgStore
from ui.cli import main
from ui.presenters.findings import evidence_text


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("words") / "demo.gpkg"
    build_demo(path, parcels=600, seed=2)
    with GpkgStore.open(path) as store:
        run_checks(store, ["QJ-R001", "QJ-R005"])
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_findings_lines_carry_the_evidence_in_words(demo: Path, lang: str) -> None:
    out = io.StringIO()
    assert main(["findings", str(demo), "--rule", "QJ-R001", "--lang", lang], out=out) == 0
    lines = out.getvalue().splitlines()[:-1]
    assert lines
    for line in lines:
        evidence = line.rsplit(" | ", 1)[1]
        assert "homesteads=" not in evidence and "{" not in evidence
        assert "m²" in evidence
        assert ("宅基地宗数：" in evidence) == (lang == "zh")
        assert ("homesteads: " in evidence) == (lang == "en")
    with GpkgStore.open(demo) as store:
        from qjgis.checks.findings import list_findings
        from ui import texts

        texts.set_language(lang)
        first = list_findings(store, rule="QJ-R001")[0]
        assert lines[0].endswith(evidence_text(first.evidence))
