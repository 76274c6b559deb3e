"""Attachments of a database project live in the database, by content hash."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import psycopg
from PIL import Image

from qjgis.cases import attachments
from qjgis.pg.store import PgStore
from qjgis.pg.transfer import pull, push
from qjgis.store import GpkgStore


def _photo(path: Path, colour: tuple[int, int, int]) -> Path:
    Image.new("RGB", (64, 48), colour).save(path, format="PNG")
    return path


def test_files_go_into_the_database_and_come_back_out(tmp_path: Path, pg_url: str) -> None:
    project = tmp_path / "p.gpkg"
    GpkgStore.create(project).close()
    first = _photo(tmp_path / "现场照片1.png", (200, 30, 30))
    with GpkgStore.open(project) as store, store.transaction() as conn:
        kept = attachments.store_file(store, conn, first, "ruin_cases:1")
    rows = push(project, pg_url).rows
    assert rows["qj_attachment_content"] == 1

    with PgStore.open(pg_url) as store:  # another desk: no folder beside any file
        listed = attachments.list_for(store, "ruin_cases:1")
        assert [a["missing"] for a in listed] == [False]
        assert Path(str(listed[0]["path"])).read_bytes() == kept.path.read_bytes()
        second = _photo(tmp_path / "现场照片2.png", (30, 200, 30))
        with store.transaction() as conn:
            added = attachments.store_file(store, conn, second, "ruin_cases:1")
    with psycopg.connect(pg_url) as pg:
        stored = pg.execute(
            "SELECT sha256, content FROM qj_attachment_content ORDER BY sha256"
        ).fetchall()
    assert {sha for sha, _ in stored} == {kept.sha256, added.sha256}
    assert all(hashlib.sha256(bytes(c)).hexdigest() == sha for sha, c in stored)

    out = tmp_path / "copy.gpkg"
    assert pull(pg_url, out)["qj_attachment_content"] == 2
    with GpkgStore.open(out) as copy:
        listed = attachments.list_for(copy, "ruin_cases:1")
    assert [a["missing"] for a in listed] == [False, False]
    assert [Path(str(a["path"])).parent for a in listed] == [tmp_path / "copy.files"] * 2


def test_a_missing_file_stays_missing_and_does_not_stop_the_push(
    tmp_path: Path, pg_url: str
) -> None:
    project = tmp_path / "p.gpkg"
    GpkgStore.create(project).close()
    photo = _photo(tmp_path / "a.png", (1, 2, 3))
    with GpkgStore.open(project) as store, store.transaction() as conn:
        kept = attachments.store_file(store, conn, photo, "ruin_cases:2")
    kept.path.unlink()
    assert push(project, pg_url).rows["qj_attachment_content"] == 0
    with PgStore.open(pg_url) as store:
        assert [a["missing"] for a in attachments.list_for(store, "ruin_cases:2")] == [True]
    conn = sqlite3.connect(project)
    assert conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == 1
    conn.close()
