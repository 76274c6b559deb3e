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
    # a file is named as the project it holds (a database address as a database)
    first = run("info", str(project), lang="en").stdout.splitlines()[0]
    assert first == f"Project: {project}"

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


def test_a_drawing_command_without_qt_says_the_gui_extra_is_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The mechanism a drawing command (the coming `report`) registers with: needs_gui()."""
    import ui.cli.dispatch as dispatch
    from ui.cli import common

    project = tmp_path / "p.gpkg"
    assert dispatch.main(["new", str(project)]) == 0
    monkeypatch.setattr(common, "DRAWING_COMMANDS", set())
    monkeypatch.setattr(dispatch, "DRAWING_COMMANDS", common.DRAWING_COMMANDS)
    common.needs_gui("info")  # pretend `info` draws
    monkeypatch.setattr(dispatch, "qt_available", lambda: False)
    capsys.readouterr()
    assert dispatch.main(["info", str(project), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "info" in err and "gui extra" in err
    assert dispatch.main(["info", str(project), "--lang", "zh"]) == 1
    assert "gui 扩展" in capsys.readouterr().err
    monkeypatch.setattr(dispatch, "qt_available", lambda: True)
    assert dispatch.main(["info", str(project)]) == 0  # with Qt the command runs


def test_opening_the_window_without_qt_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import ui.launch
    from ui.cli import common

    monkeypatch.setattr(common, "qt_available", lambda: False)
    assert ui.launch.main(["--lang", "en"]) == 1
    assert ui.launch.main(["some project.gpkg"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "Traceback" not in err and "gui" in err


def test_the_cli_runs_where_pyside6_cannot_be_imported(tmp_path: Path) -> None:
    """Every command family, in a child whose PySide6 import fails even where it is installed."""
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "PySide6.py").write_text("raise ImportError('PySide6 is blocked')\n", "utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(blocker), str(ROOT)])}
    project = tmp_path / "d.gpkg"
    for argv in (
        ["demo", str(project), "--parcels", "200"],
        ["check", str(project)],
        ["findings", str(project), "--rule", "QJ-R001"],
        ["stats", str(project), "--findings"],
        ["case", str(project), "list"],
        ["export", str(project), "--layer", "villages", "--format", "geojson",
         "--out", str(tmp_path / "v.geojson")],
        ["info", str(project)],
    ):  # fmt: skip
        result = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), *argv, "--lang", "zh"],
            capture_output=True, text=True, env=env, cwd=tmp_path, check=False,
        )  # fmt: skip
        assert result.returncode == 0, (argv, result.stderr)
