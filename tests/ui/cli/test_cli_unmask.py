"""Issue 20 point 6: import reports print no ID number in clear unless asked, and then audit it."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely

ROOT = Path(__file__).resolve().parents[3]
CO_HOLDER = "石学光(500222196104242923)"  # as surveyors type co-holders: name(ID)
BAD_ID = "500222196104242924"  # wrong check digit: reported as a failing value
ID_RUN = re.compile(r"\d{17}[\dX]")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QJGIS_LANG": "en"}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args, "--lang", "en"],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False,
    )  # fmt: skip


@pytest.fixture
def survey(tmp_path: Path) -> Path:
    from pyogrio.raw import write

    n = 3
    x = 36_400_000.0 + np.arange(n) * 50.0
    geoms = shapely.box(x, 3_200_000.0, x + 20, 3_200_020.0)
    path = tmp_path / "parcels.shp"
    write(
        str(path),
        geometry=shapely.to_wkb(shapely.multipolygons([[g] for g in geoms])),
        field_data=[
            np.array([f"500110108001JC{i:05d}" for i in range(1, n + 1)], dtype=object),
            np.array(["金学燕", "王二", "李三"], dtype=object),
            np.array([BAD_ID, "500222196104242923", None], dtype=object),
            np.array([CO_HOLDER, None, None], dtype=object),
        ],
        fields=["ZDDM", "QLRMC", "ZJH", "GYQLR"],
        geometry_type="MultiPolygon",
        crs="EPSG:4524",
        encoding="GBK",
        driver="ESRI Shapefile",
    )
    return path


def test_import_reports_are_masked_unless_unmask_which_is_audited(
    survey: Path, tmp_path: Path
) -> None:
    project = tmp_path / "p.gpkg"
    assert run("new", str(project)).returncode == 0
    for extra in ((), ("--json",)):
        r = run("import", str(project), str(survey), "--layer", "parcels", "--dry-run", *extra)
        assert r.returncode == 0, r.stderr
        assert "石学光" in r.stdout  # the encoding sample is shown ...
        assert ID_RUN.findall(r.stdout) == [], r.stdout  # ... with its ID masked
    r = run("import", str(project), str(survey), "--layer", "parcels", "--json")
    assert r.returncode == 0, r.stderr
    assert ID_RUN.findall(r.stdout) == []
    assert "500222********2924" in r.stdout  # the failing value, masked as everywhere
    shown = run("imports", str(project), "--show", "1")
    assert shown.returncode == 0 and ID_RUN.findall(shown.stdout) == []
    conn = sqlite3.connect(project)
    before = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    conn.close()

    clear = run("imports", str(project), "--show", "1", "--json", "--unmask")
    assert clear.returncode == 0, clear.stderr
    assert BAD_ID in clear.stdout
    conn = sqlite3.connect(project)
    rows = conn.execute("SELECT command, entity FROM audit_log WHERE fid > ?", (before,))
    assert rows.fetchall() == [("import.report.unmask", "import_batches/1")]
    conn.close()
    json.loads(clear.stdout)
