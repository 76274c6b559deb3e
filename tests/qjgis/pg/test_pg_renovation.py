"""A dangerous-house renovation case on a database, from opening to moving in (the command
line, as on a file: tests/ui/cli/test_cli_cases.py)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from qjgis.cases import allowed
from qjgis.demo import build_demo
from qjgis.gpkg_store import GpkgStore
from ui.cli import main


def run_json(*argv: str) -> dict:
    out = io.StringIO()
    code = main(["--lang", "en", *argv, "--json"], out=out)
    assert code == 0, argv
    return json.loads(out.getvalue())


def _eligible(path: Path) -> dict[str, str]:
    """A C- and a D-graded house the policy lets apply (what the case panel offers)."""
    found: dict[str, str] = {}
    with GpkgStore.open(path) as store:
        for grade, code in store.execute_sql(
            "SELECT danger_grade, bdcdyh FROM buildings WHERE danger_grade IN ('C', 'D') "
            "ORDER BY fid"
        ):
            if grade not in found and allowed.for_building(store, code)[1].possible:
                found[grade] = code
    return found


def test_a_renovation_case_on_a_database_goes_to_the_end(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = tmp_path / "demo.gpkg"
    build_demo(demo, parcels=2000, seed=1)
    pick = _eligible(demo)
    assert set(pick) == {"C", "D"}
    assert main(["push", str(demo), pg_url], out=io.StringIO()) == 0
    for grade, subsidy in (("C", 7500.0), ("D", 35000.0)):
        row = run_json(
            "case", pg_url, "open", "--renovation", "--bdcdyh", pick[grade], "--date", "2026-07-01"
        )
        assert row["subsidy"] == subsidy
        w = row["id"]
        run_json("case", pg_url, "advance", w, "--to", "approved", "--date", "2026-07-10")
        run_json("case", pg_url, "pay", w, "--amount", str(subsidy), "--date", "2026-07-15")
        for to in ("under-construction", "accepted", "moved-in"):
            row = run_json("case", pg_url, "advance", w, "--to", to, "--date", "2026-10-01")
        assert row["state"] == "已入住"  # the state as stored
    listed = run_json("case", pg_url, "list")
    assert sorted(c["bdcdyh"] for c in listed) == sorted(pick.values())
