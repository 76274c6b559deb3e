"""`import` and `imports` as a user runs them: real processes, exit codes, JSON and text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QJGIS_LANG": lang}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args, "--lang", lang],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli_io")
    result = run("demo", str(folder / "demo.gpkg"), "--parcels", "200", "--shapefiles",
                 str(folder / "shp"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    return folder / "shp"


@pytest.mark.parametrize("command", ["import", "imports"])
def test_help(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0 and "--json" in result.stdout


def test_import_json_then_list_and_undo(survey: Path, tmp_path: Path) -> None:
    project = str(tmp_path / "p.gpkg")
    assert run("new", project).returncode == 0
    r = run("import", project, str(survey / "parcels.shp"), "--layer", "parcels", "--json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["counts"]["added"] == 200 and report["encoding"]["encoding"] == "GBK"
    assert report["mapping"]["fields"]["QLRMC"] == "holder_name"
    r = run("import", project, str(survey / "register.xlsx"), "--layer", "households")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Imported ") and "Members:" in r.stdout
    listed = json.loads(run("imports", project, "--json").stdout)["batches"]
    assert [b["layer"] for b in listed] == ["parcels", "households"]
    r = run("imports", project, "--undo", "1", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["undone"]["parcels"] == {"deleted": 200, "restored": 0}
    r = run("imports", project, "--undo", "1")
    assert r.returncode == 1 and "already undone" in r.stderr and "Traceback" not in r.stderr
    text = run("imports", project).stdout
    assert "(undone)" in text.splitlines()[0]
    # redo puts the batch back; a second redo is refused in words
    r = run("imports", project, "--redo", "1", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["redone"]["parcels"] == {"inserted": 200, "restored": 0}
    r = run("imports", project, "--redo", "1", lang="zh")
    assert r.returncode == 1 and "导入批次 1 未撤销" in r.stderr and "Traceback" not in r.stderr
    assert "(undone)" not in run("imports", project).stdout.splitlines()[0]
    assert run("imports", project, "--undo", "1").returncode == 0
    saved = tmp_path / "mapping.json"
    r = run("imports", project, "--show", "2", "--save-mapping", str(saved))
    assert r.returncode == 0 and r.stdout.startswith("Imported ")
    assert json.loads(saved.read_text(encoding="utf-8"))["fields"]["户号"] == "household_no"
    # The saved mapping is a valid --mapping file for the next delivery.
    r = run("import", project, str(survey / "register.xlsx"), "--layer", "households",
            "--mapping", str(saved), "--json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["counts"]["unchanged"] > 0


def test_text_report_names_encoding_crs_and_issues(survey: Path, tmp_path: Path) -> None:
    project = str(tmp_path / "p.gpkg")
    run("new", project)
    r = run("import", project, str(survey / "parcels.shp"), "--layer", "parcels")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "Encoding: GBK" in out and "Source CRS: EPSG:4524" in out
    assert "Kept in the extra column: ZDTZM" in out
    assert "duplicate code in the batch" in out and "malformed code" in out


def test_mapping_file_and_source_crs(survey: Path, tmp_path: Path) -> None:
    project = str(tmp_path / "p.gpkg")
    run("new", project)
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"fields": {"XZQMC": None, "CMC": "name"}}), encoding="utf-8")
    r = run("import", project, str(survey / "villages.shp"), "--layer", "villages",
            "--mapping", str(mapping), "--source-crs", "EPSG:4524", "--json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["crs"]["reason"] == "override"
    assert report["mapping"]["origin"]["CMC"] == "file"


def test_refused_file_is_one_line_naming_it(survey: Path, tmp_path: Path) -> None:
    project = tmp_path / "p.gpkg"
    run("new", str(project))
    before = project.read_bytes()
    bad = tmp_path / "坏 文件.shp"
    bad.write_bytes(b"\x00" * 120)
    r = run("import", str(project), str(bad), "--layer", "parcels")
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and str(bad) in r.stderr and "Traceback" not in r.stderr
    r = run("import", str(project), str(survey / "parcels.shp"), "--layer", "roads")
    assert r.returncode == 2
    assert project.read_bytes() == before


def test_every_issue_kind_has_a_label() -> None:
    import re

    from ui import texts

    sources = "".join(
        (ROOT / "qjgis" / "io" / name).read_text(encoding="utf-8")
        for name in ("importer.py", "register.py")
    )
    kinds = set(re.findall(r'\.issue\(\s*"([a-z_]+)"', sources)) | {"code_duplicate"}
    assert len(kinds) > 15
    assert {k for k in kinds if not texts.has(f"issue.{k}")} == set()


def test_dry_run_writes_nothing(survey: Path, tmp_path: Path) -> None:
    project = tmp_path / "p.gpkg"
    run("new", str(project))
    before = project.read_bytes()
    r = run("import", str(project), str(survey / "parcels.shp"), "--layer", "parcels", "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "dry run, nothing written" in r.stdout and "Encoding: GBK" in r.stdout
    r = run("import", str(project), str(survey / "register.xlsx"), "--layer", "households",
            "--dry-run", "--json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["dry_run"] and report["counts"]["added"] == 0 and report["issues"]["id_invalid"]
    assert project.read_bytes() == before


def test_printed_form_register_with_header_row(tmp_path: Path) -> None:
    """A printed form (title, two-row merged header) and a header-only template, as a
    clerk runs them: the header rows are shown, the template is refused in one line."""
    from openpyxl import Workbook

    from qjgis.codes import id_check_char

    def pid(n: int) -> str:
        body = f"5001101970010{n:04d}"
        return body + id_check_char(body)

    wb = Workbook()
    ws = wb.active
    for row in (
        ["家庭成员信息表"],
        ["编号", "户主姓名", "家庭成员情况（含户主）"],
        [None, None, "家庭成员数量", "姓名", "身份证号码", "家庭关系"],
        [1, "张三", 2, "张三", pid(1), "户主"],
        [None, None, None, "李四", pid(2), "配偶"],
    ):
        ws.append(row)
    for merged in ("A1:F1", "A2:A3", "B2:B3", "C2:F2"):
        ws.merge_cells(merged)
    form = tmp_path / "表.xlsx"
    wb.save(form)
    project = str(tmp_path / "p.gpkg")
    assert run("new", project).returncode == 0
    r = run("import", project, str(form), "--layer", "households", "--dry-run", lang="zh")
    assert r.returncode == 0, r.stderr
    assert "表头：第 2、3 行（工作表 Sheet）" in r.stdout
    assert "家庭成员数量->declared_size" in r.stdout
    r = run("import", project, str(form), "--layer", "households", "--header-row", "3",
            "--json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["header_row"] == 3 and report["households"] == 1
    r = run("import", project, str(form), "--layer", "households", "--header-row", "99")
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1
    assert "header row 99 is outside the sheet" in r.stderr

    for row in ws["A4:F5"]:
        for cell in row:
            cell.value = None
    template = tmp_path / "模板.xlsx"
    wb.save(template)
    before = (tmp_path / "p.gpkg").read_bytes()
    r = run("import", project, str(template), "--layer", "households", lang="zh")
    assert r.returncode == 1 and "没有数据行" in r.stderr and "Traceback" not in r.stderr
    assert (tmp_path / "p.gpkg").read_bytes() == before


def _named_layer_files(folder: Path) -> tuple[Path, Path]:
    import numpy as np
    import shapely
    from pyogrio import raw

    x, y = 36_400_000.0, 3_200_000.0
    out = []
    boxes = [shapely.box(x, y, x + 500, y + 500), shapely.box(x + 600, y, x + 900, y + 300)]
    points = [shapely.Point(x, y), shapely.Point(x + 5, y)]
    for name, geoms, kind in (("lbhx.shp", boxes, "Polygon"), ("pts.shp", points, "Point")):
        raw.write(
            str(folder / name), shapely.to_wkb(np.array(geoms, dtype=object)),
            [np.array(["A", "B"], dtype=object)], ["BSM"], crs="EPSG:4524", encoding="GBK",
            geometry_type=kind, driver="ESRI Shapefile",
        )  # fmt: skip
        out.append(folder / name)
    return out[0], out[1]


def test_import_a_user_named_reference_layer(tmp_path: Path) -> None:
    """`--layer other:NAME`: imported, listed under its name with source, refused for points."""
    polygons, points = _named_layer_files(tmp_path)
    project = str(tmp_path / "p.gpkg")
    assert run("new", project).returncode == 0
    r = run("import", project, str(polygons), "--layer", "other:林地保护红线")
    assert r.returncode == 0, r.stderr
    assert "林地保护红线 (batch 1)" in r.stdout and "other:" not in r.stdout.splitlines()[0]
    info = run("info", project).stdout
    assert "林地保护红线 (other:林地保护红线): 2 features" in info and "lbhx.shp" in info
    assert "林地保护红线" in run("imports", project).stdout
    before = Path(project).read_bytes()
    r = run("import", project, str(points), "--layer", "other:林地保护红线", lang="zh")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0  # one line
    assert "Point" in r.stderr and "须为面要素" in r.stderr
    r = run("import", project, str(polygons), "--layer", "other:")
    assert r.returncode == 2 and "1 to 40 characters" in r.stderr and "Traceback" not in r.stderr
    assert Path(project).read_bytes() == before
