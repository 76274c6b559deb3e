"""The command line as a user runs it: real processes, real files, exit codes and output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QJGIS_LANG": lang}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )


@pytest.mark.parametrize("command", ["new", "demo", "info", "settings"])
def test_help_for_each_command(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    assert "usage:" in result.stdout and "--json" in result.stdout


def test_bad_usage_exits_2() -> None:
    result = run("frobnicate")
    assert result.returncode == 2


def test_new_info_and_settings(tmp_path: Path) -> None:
    project = tmp_path / "新项目 一.gpkg"  # Chinese and a space in the path
    result = run("new", str(project), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["crs"] == "EPSG:4524"
    info = json.loads(run("info", str(project), "--json", "--check").stdout)
    assert info["counts"]["parcels"] == 0
    assert info["integrity"]["ok"] is True
    assert info["settings"]["subsidy.grade_d"] == 35000.0

    changed = run("settings", str(project), "--set", "subsidy.grade_c=8000", "--set",
                  "user.name=张三", "--json")  # fmt: skip
    assert changed.returncode == 0, changed.stderr
    body = json.loads(changed.stdout)
    assert body["changed"]["subsidy.grade_c"] == {"old": 7500.0, "new": 8000.0}
    assert body["settings"]["user.name"] == "张三"

    other = tmp_path / "zone35.gpkg"
    assert json.loads(run("new", str(other), "--crs", "EPSG:4523", "--json").stdout)["crs"] == (
        "EPSG:4523"
    )


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    project = tmp_path / "p.gpkg"
    run("new", str(project))
    before = project.read_bytes()
    bad = run("settings", str(project), "--set", "area.tolerance_m2=abc")
    assert bad.returncode == 1
    lines = [ln for ln in bad.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "area.tolerance_m2" in lines[0]
    assert "Traceback" not in bad.stderr
    assert project.read_bytes() == before  # refused whole: nothing written

    missing = run("info", str(tmp_path / "nope.gpkg"))
    assert missing.returncode == 1 and "nope.gpkg" in missing.stderr

    text = tmp_path / "notes.gpkg"
    text.write_text("hello", encoding="utf-8")
    refused = run("info", str(text))
    assert refused.returncode == 1 and "notes.gpkg" in refused.stderr
    assert "Traceback" not in refused.stderr
    debug = run("info", str(text), "--debug")
    assert "Traceback" in debug.stderr

    exists = run("new", str(project))
    assert exists.returncode == 1 and "already exists" in exists.stderr


def test_errors_speak_chinese_by_default(tmp_path: Path) -> None:
    result = run("info", str(tmp_path / "nope.gpkg"), lang="zh")
    assert result.returncode == 1
    assert "文件不存在" in result.stderr or "找不到" in result.stderr, result.stderr
    project = tmp_path / "p.gpkg"
    run("new", str(project))
    refused = run("settings", str(project), "--set", "area.tolerance_m2=9999", lang="zh")
    assert refused.returncode == 1
    assert "超出 0..500 范围" in refused.stderr, refused.stderr  # the reason is translated too


def test_demo_and_info(tmp_path: Path) -> None:
    project = tmp_path / "d.gpkg"
    shp = tmp_path / "survey"
    result = run("demo", str(project), "--parcels", "400", "--seed", "3", "--shapefiles",
                 str(shp), "--json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["parcels"] == 400
    info = json.loads(run("info", str(project), "--json").stdout)
    assert info["counts"]["parcels"] == 400
    assert info["counts"]["buildings"] == summary["buildings"]
    assert info["counts"]["demo_truth"] == sum(summary["truth"].values())
    assert (shp / "parcels.shp").is_file() and (shp / "truth.csv").is_file()
    again = run("demo", str(project), "--parcels", "400")
    assert again.returncode == 1  # an existing file is not replaced without --overwrite


@pytest.mark.external
@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL's ogrinfo is not installed")
def test_ogrinfo_reads_the_demo_with_chinese(tmp_path: Path) -> None:
    project = tmp_path / "d.gpkg"
    assert run("demo", str(project), "--parcels", "300").returncode == 0
    summary = subprocess.run(
        ["ogrinfo", "-so", str(project), "parcels"], capture_output=True, text=True, check=True
    ).stdout
    assert "Feature Count: 300" in summary
    assert 'ID["EPSG",4524]' in summary
    feature = subprocess.run(
        ["ogrinfo", "-q", str(project), "parcels", "-fid", "1"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "村" in feature and "集体成员" in feature
