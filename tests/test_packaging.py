"""The wheel as a user installs it: every package inside, the `qjgis` console script, and the
command line working in a fresh virtual environment where PySide6 is not installed.

The wheel is built from a copy of the sources (so the build leaves nothing in the tree) and
installed with its declared dependencies by pip, from the package index: that also proves
the dependencies in pyproject.toml are the ones the commands need. It takes about half a
minute, most of it pip installing numpy, shapely, pyproj and pyogrio.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROOTS = ("qjgis", "layers", "ui")

pytestmark = pytest.mark.slow


def _run(*cmd: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for package in ROOTS:
        shutil.copytree(ROOT / package, src / package, ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, src, cwd=src)
    (found,) = dist.glob("qjgis-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv (no system site-packages) with the wheel and its dependencies; its bin."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    _run(bin_dir / "python", "-m", "pip", "install", "-q", wheel, cwd=env_dir)
    return bin_dir


def test_the_wheel_holds_every_package_and_the_console_script(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        scripts = zf.read(entry_points).decode()
        metadata = zf.read(next(n for n in names if n.endswith("METADATA"))).decode()
    packages = {
        p.parent.relative_to(ROOT).as_posix()
        for root in ROOTS
        for p in (ROOT / root).rglob("__init__.py")
    }
    assert {"qjgis/io", "qjgis/checks", "qjgis/cases", "ui/cli", "ui/texts", "ui/gui"} <= packages
    assert {p for p in packages if f"{p}/__init__.py" not in names} == set()
    modules = {p.relative_to(ROOT).as_posix() for r in ROOTS for p in (ROOT / r).rglob("*.py")}
    assert modules - names == set()
    assert {f"{r}/py.typed" for r in ROOTS} <= names
    assert re.search(r"^qjgis = ui\.launch:main$", scripts, re.M), scripts
    # Qt only with the gui extra: the plain install must not pull it in
    requires = [ln for ln in metadata.splitlines() if ln.startswith("Requires-Dist:")]
    qt = [ln for ln in requires if "PySide6" in ln]
    assert qt and all("extra ==" in ln for ln in qt), qt


def _qjgis(bin_dir: Path, *args: str, lang: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "QJGIS_LANG")}
    env["QJGIS_LANG"] = lang
    return subprocess.run(
        [str(bin_dir / "qjgis"), *args], cwd=cwd, env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip


def _has_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def test_the_command_line_runs_without_pyside6_in_both_languages(
    installed: Path, tmp_path: Path
) -> None:
    python = installed / "python"
    no_qt = subprocess.run(
        [str(python), "-c", "import PySide6"], capture_output=True, text=True, check=False
    )
    assert no_qt.returncode != 0 and "PySide6" in no_qt.stderr
    where = subprocess.run(
        [str(python), "-c", "import ui; print(ui.__file__)"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )  # fmt: skip
    assert str(installed.parent) in where.stdout  # the installed copy, not the source tree

    for lang in ("zh", "en"):
        work = tmp_path / lang
        work.mkdir()
        demo = _qjgis(installed, "demo", "d.gpkg", "--parcels", "300", lang=lang, cwd=work)
        assert demo.returncode == 0, demo.stderr
        check = _qjgis(installed, "check", "d.gpkg", lang=lang, cwd=work)
        assert check.returncode == 0, check.stderr
        findings = _qjgis(installed, "findings", "d.gpkg", "--rule", "QJ-R001", lang=lang, cwd=work)
        assert findings.returncode == 0, findings.stderr
        export = _qjgis(
            installed, "export", "d.gpkg", "--layer", "parcels", "--format", "shp",
            "--out", "p.shp", lang=lang, cwd=work,
        )  # fmt: skip
        assert export.returncode == 0, export.stderr
        assert (work / "p.shp").is_file() and (work / "p.cpg").is_file()
        out = demo.stdout + check.stdout + findings.stdout + export.stdout
        if lang == "zh":
            assert "一户多宅" in check.stdout and "一户多宅" in findings.stdout
            assert "宗地" in export.stdout or "宅基地" in export.stdout, export.stdout
            assert not re.search(r"\b(Exported|Checks done|Demo district|rule)\b", out), out
        else:
            assert "One household, several homesteads" in check.stdout
            assert "Exported 300 rows" in export.stdout
            assert not _has_chinese(check.stdout.split("\n", 2)[1]), check.stdout  # header row

    # Opening the window needs the gui extra: one line, exit 1, no traceback.
    window = _qjgis(installed, lang="en", cwd=tmp_path)
    assert window.returncode == 1
    assert window.stderr.strip().count("\n") == 0 and "gui" in window.stderr
    assert "Traceback" not in window.stderr
