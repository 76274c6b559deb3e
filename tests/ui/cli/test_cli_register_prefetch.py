"""`import … --layer households WORKBOOK` starts parsing the workbook before the commands
load (issue 10 point 9), and only then; the import's result is the same."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from openpyxl import Workbook

from qjgis.io import workbook
from qjgis.store import GpkgStore
from ui import launch


@pytest.mark.parametrize(
    ("args", "source"),
    [
        (["import", "p.gpkg", "r.xlsx", "--layer", "households"], "r.xlsx"),
        (["--lang", "en", "import", "--layer=households", "p.gpkg", "户籍.xls"], "户籍.xls"),
        (
            [
                "import",
                "--dry-run",
                "--header-row",
                "2",
                "p.gpkg",
                "--layer",
                "households",
                "r.ods",
                "--json",
            ],
            "r.ods",
        ),
        (["import", "p.gpkg", "parcels.shp", "--layer", "parcels"], None),
        (["import", "p.gpkg", "r.xlsx"], None),  # argparse refuses it: no early start
        (["export", "p.gpkg", "--layer", "households", "r.xlsx"], None),
        (["import", "p.gpkg", "--layer", "households"], None),
    ],
)
def test_the_register_source_is_found_in_the_arguments(args: list[str], source: str | None) -> None:
    assert launch.register_source(args) == source


def test_the_command_line_prefetches_the_register(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "r.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["户号", "姓名", "身份证号", "与户主关系"])
    ws.append(["H1", "王一", None, "户主"])
    ws.append(["H1", "王二", None, "子"])
    wb.save(src)
    project = tmp_path / "p.gpkg"
    GpkgStore.create(project).close()
    started: list[object] = []
    taken: list[bool] = []
    prefetch, take = workbook.prefetch, workbook.take

    def spy_prefetch(path: object) -> bool:
        started.append(path)
        return prefetch(path)  # type: ignore[arg-type]

    def spy_take(path: str) -> object:
        got = take(path)
        taken.append(got is not None)
        return got

    monkeypatch.setattr(workbook, "prefetch", spy_prefetch)
    monkeypatch.setattr(workbook, "take", spy_take)
    out = io.StringIO()
    with redirect_stdout(out):
        code = launch.main(
            ["import", str(project), str(src), "--layer", "households", "--json", "--lang", "en"]
        )
    assert code == 0
    # the command line's (the argument as typed), then the import's own (a Path), which
    # finds that one already parsing the file and keeps it
    assert started == [str(src), src]
    assert taken == [True]
    report = json.loads(out.getvalue())
    assert report["counts"]["members.added"] == 2
