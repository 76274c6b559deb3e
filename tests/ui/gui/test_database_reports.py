"""`report` on a database makes the same PDFs and workbooks as on the file it was pushed from.

The demo district is checked, pushed to a real PostgreSQL + PostGIS, and every kind of
report is made twice, from the file and from `postgresql://…` (an address with a password,
which the audit entry of the report must not carry): the PDFs' text (pdftotext, Chinese
present) and the workbooks' cells are the same.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import psycopg
import pytest

from qjgis.checks.findings import list_findings, run_checks
from qjgis.demo import build_demo
from qjgis.pg.transfer import push
from qjgis.store import GpkgStore
from ui.cli import main

pytestmark = pytest.mark.gui

PDFTOTEXT = shutil.which("pdftotext")


def with_password(url: str) -> str:
    return url.replace("://qjgis_test@", "://qjgis_test:s3cret@")


def cli(*args: str) -> dict[str, object]:
    out = io.StringIO()
    code = main(["--lang", "zh", *args, "--json"], out=out)
    assert code == 0
    return json.loads(out.getvalue())


def pdf_text(path: Path) -> str:
    assert PDFTOTEXT is not None
    return subprocess.run(
        [PDFTOTEXT, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler) not installed")
def test_reports_on_a_database_equal_reports_on_the_file(tmp_path: Path, pg_url: str) -> None:
    project = tmp_path / "demo.gpkg"
    build_demo(project, parcels=500, seed=6)
    with GpkgStore.open(project) as store:
        run_checks(store)
        first = list_findings(store, rule="QJ-R001")[0]
    push(project, pg_url)
    household = first.key
    parcel = next(e["key"] for e in first.entities if e["kind"] == "parcel")
    village = first.village_code
    url = with_password(pg_url)
    common = ("--as-of", "2025-06-30", "--maker", "张三")
    kinds = {
        "parcel.pdf": ("parcel", "--parcel", parcel),
        "household.pdf": ("household", "--household", household),
        "ledger.pdf": ("ledger", "--village", village, "--kind", "multi", "--format", "pdf"),
        "ledger.xlsx": ("ledger", "--village", village, "--kind", "multi", "--format", "xlsx"),
        "atlas.pdf": ("atlas", "--village", village, "--force", "--workers", "2"),
    }
    for name, args in kinds.items():
        on_file, on_db = tmp_path / f"file-{name}", tmp_path / f"db-{name}"
        made_file = cli("report", str(project), args[0], *args[1:], *common, "--out", str(on_file))
        made_db = cli("report", url, args[0], *args[1:], *common, "--out", str(on_db))
        assert made_db["pages"] == made_file["pages"], name
        if name.endswith(".pdf"):
            text = pdf_text(on_db)
            assert text == pdf_text(on_file), name
            assert re.search(r"[\u4e00-\u9fff]", text), name  # Chinese, not boxes
        else:
            cells = [
                [[c.value for c in row] for row in openpyxl.load_workbook(p).active.iter_rows()]
                for p in (on_file, on_db)
            ]
            assert cells[0] == cells[1] and len(cells[0]) > 3
    assert "宗地图" in pdf_text(tmp_path / "db-parcel.pdf")
    assert parcel in pdf_text(tmp_path / "db-parcel.pdf")

    # Every report is audited on the server, by the address without its password.
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute(
            "SELECT command, after FROM audit_log WHERE command LIKE 'report%' ORDER BY fid"
        ).fetchall()
        assert len(rows) == len(kinds)
        everything = " ".join(str(r) for r in conn.execute("SELECT * FROM audit_log"))
    assert "s3cret" not in everything
