"""The register's workbook parsed ahead on a thread (issue 10 point 9): the import takes
that parse only for the very file it names, unchanged, and gives the same result as
reading it itself; a failed or stale prefetch changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from qjgis.codes import id_check_char
from qjgis.errors import QjgisError
from qjgis.io import importer, workbook
from qjgis.store import GpkgStore, file_sha256


def pid(n: int) -> str:
    body = f"50011019700101{n:03d}"
    return body + id_check_char(body)


def register(path: Path, households: int, *, first: str = "户籍") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = first
    ws.append(["户号", "姓名", "身份证号", "与户主关系", "村名称"])
    n = 0
    for h in range(households):
        for rel in ("户主", "妻", "子"):
            n += 1
            ws.append([f"H{h:04d}", f"人{n}", pid(n % 1000), rel, "松园村"])
    wb.create_sheet("说明").append(["填表说明"])
    wb.save(path)
    return path


def tables(store: GpkgStore) -> dict[str, Any]:
    return {
        "households": store.execute_sql(
            "SELECT household_no, head_name, head_id FROM households ORDER BY fid"
        ),
        "members": store.execute_sql(
            "SELECT household_no, seq, name, id_number, relation, extra FROM members ORDER BY fid"
        ),
    }


def without_time(report: dict[str, Any]) -> dict[str, Any]:
    return {**report, "seconds": None, "batch_id": None}


def test_a_prefetched_import_equals_a_plain_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = register(tmp_path / "r.xlsx", 40)
    results = []
    for name in ("plain", "early", "own thread"):
        with monkeypatch.context() as m:
            if name == "plain":  # no thread at all: the reader parses the file itself
                m.setattr(workbook, "prefetch", lambda path: False)
            elif name == "early":  # as the command line does, before the import starts
                assert workbook.prefetch(src)
            with GpkgStore.create(tmp_path / f"{name}.gpkg") as store:
                report = importer.import_layer(store, "households", str(src))
                results.append((without_time(report), tables(store)))
        assert workbook.take(src) is None  # the import took it (or there was none)
    assert results[0] == results[2]
    assert results[0] == results[1]
    assert results[1][1]["members"][0][:5] == ("H0000", 1, "人1", pid(1), "户主")
    assert len(results[1][1]["members"]) == 120


def test_take_hands_over_the_parse_once(tmp_path: Path) -> None:
    src = register(tmp_path / "r.xlsx", 3)
    assert workbook.prefetch(src)
    got = workbook.take(src)
    assert got is not None
    wb, name, rows, merged = got
    try:
        assert name == "户籍"
        assert rows[1][:2] == ["H0000", "人1"] and merged == []
    finally:
        wb.close()
    assert workbook.take(src) is None


def test_a_file_changed_after_the_prefetch_is_read_again(tmp_path: Path) -> None:
    src = register(tmp_path / "r.xlsx", 3)
    assert workbook.prefetch(src)
    register(src, 5)  # rewritten (bigger) before the import reads it
    stat = src.stat()
    os.utime(src, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        report = importer.import_layer(store, "households", str(src))
    assert report["counts"]["members.added"] == 15  # the new content, not the parsed one


def test_a_prefetch_of_a_broken_workbook_leaves_the_refusal_to_the_import(
    tmp_path: Path,
) -> None:
    whole = zipfile.ZipFile(register(tmp_path / "whole.xlsx", 30))
    src = tmp_path / "坏.xlsx"
    with zipfile.ZipFile(src, "w") as z:  # a sound zip whose first sheet is cut off
        for info in whole.infolist():
            data = whole.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            z.writestr(info, data)
    path = tmp_path / "p.gpkg"
    GpkgStore.create(path).close()
    before = file_sha256(path)
    assert workbook.prefetch(src)
    with GpkgStore.open(path) as store, pytest.raises(QjgisError) as exc:
        importer.import_layer(store, "households", str(src))
    assert exc.value.code == "source_corrupt"
    assert file_sha256(path) == before
    assert workbook.take(src) is None


def test_only_workbooks_are_prefetched(tmp_path: Path) -> None:
    csv = tmp_path / "r.csv"
    csv.write_text("户号,姓名\nH1,王一\n", encoding="utf-8")
    assert not workbook.prefetch(csv)
    assert not workbook.prefetch(tmp_path / "missing.xlsx")
    assert workbook.take(csv) is None


def test_a_register_import_never_loads_gdal(tmp_path: Path) -> None:
    """pyogrio (GDAL) is for layers: a register's import spares its start-up cost."""
    src = register(tmp_path / "r.xlsx", 2)
    code = (
        "import sys\n"
        "from qjgis.io.importer import import_layer\n"
        "from qjgis.store import GpkgStore\n"
        "with GpkgStore.create(sys.argv[1]) as store:\n"
        "    report = import_layer(store, 'households', sys.argv[2])\n"
        "assert report['counts']['members.added'] == 6, report['counts']\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyogrio', 'osgeo')))\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "p.gpkg"), str(src)],
        capture_output=True, text=True, check=True, cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )  # fmt: skip
    assert out.stdout.strip() == "[]"


def test_a_refusal_before_the_read_drops_the_prefetch(tmp_path: Path) -> None:
    src = register(tmp_path / "r.xlsx", 2)
    with GpkgStore.create(tmp_path / "p.gpkg") as store, pytest.raises(QjgisError) as exc:
        importer.import_layer(
            store, "households", str(src), mapping_file=str(tmp_path / "missing.json")
        )
    assert exc.value.code == "file_not_found"
    assert workbook.take(src) is None  # nothing left waiting for an import


def test_a_second_prefetch_of_the_same_file_keeps_the_first(tmp_path: Path) -> None:
    src = register(tmp_path / "r.xlsx", 2)
    assert workbook.prefetch(src)
    first = workbook._pending[str(src.resolve())]
    assert workbook.prefetch(src)  # the import's own call, after the command line's
    assert workbook._pending[str(src.resolve())] is first
    got = workbook.take(src)
    assert got is not None
    got[0].close()


def test_a_register_on_the_second_sheet_is_read_after_the_prefetched_first(
    tmp_path: Path,
) -> None:
    """The prefetch parses the first sheet only; a register whose first sheet is a note
    is found on the next one, as without it."""
    src = tmp_path / "r.xlsx"
    wb = Workbook()
    wb.active.title = "填表说明"
    wb.active.append(["本表由村委会填写"])
    ws = wb.create_sheet("户籍")
    ws.append(["户号", "姓名", "身份证号", "与户主关系"])
    ws.append(["H1", "王一", pid(1), "户主"])
    ws.append(["H1", "王二", pid(2), "子"])
    wb.save(src)
    assert workbook.prefetch(src)
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        report = importer.import_layer(store, "households", str(src))
        names = [n for (n,) in store.execute_sql("SELECT name FROM members ORDER BY fid")]
    assert report["sheet"] == "户籍" and names == ["王一", "王二"]
    assert workbook.take(src) is None


def ods(path: Path, rows: list[list[str]]) -> Path:
    """A minimal OpenDocument spreadsheet (what LibreOffice and WPS save as .ods)."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    body = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="户籍">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )  # stored first, as the format asks
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return path


def test_an_ods_register_imports_the_same_with_and_without_the_prefetch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = ods(
        tmp_path / "户籍.ods",
        [["户号", "姓名", "身份证号", "与户主关系"], ["H1", "王一", pid(1), "户主"],
         ["H1", "王二", pid(2), "子"], ["H2", "李三", pid(3), "户主"]],
    )  # fmt: skip
    results = []
    for name in ("plain", "early"):
        with monkeypatch.context() as m:
            if name == "plain":
                m.setattr(workbook, "prefetch", lambda path: False)
            else:
                assert workbook.prefetch(src)
            with GpkgStore.create(tmp_path / f"{name}.gpkg") as store:
                report = importer.import_layer(store, "households", str(src))
                results.append((without_time(report), tables(store)))
    assert results[0] == results[1]
    assert [m[2] for m in results[1][1]["members"]] == ["王一", "王二", "李三"]
    assert results[1][0]["counts"]["added"] == 2


def _corpus_xls() -> Path | None:
    env = os.environ.get("QJGIS_TESTDATA")
    default = Path(__file__).parents[2].parent / "shared" / "testdata"
    for base in ([Path(env)] if env else []) + [default]:
        if (base / "gaufung-tdqqs" / "家庭成员信息表.xls").is_file():
            return base / "gaufung-tdqqs" / "家庭成员信息表.xls"
    return None


def test_a_real_xls_register_imports_the_same_with_and_without_the_prefetch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A BIFF .xls template from the corpus (../shared/testdata), as the prefetch and the
    plain reader read it."""
    found = _corpus_xls()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("third-party test data missing: set QJGIS_TESTDATA (required in CI)")
        pytest.skip("third-party test data not found (../shared/testdata or $QJGIS_TESTDATA)")
    src = tmp_path / found.name
    src.write_bytes(found.read_bytes())
    results = []
    for name in ("plain", "early"):
        with monkeypatch.context() as m:
            if name == "plain":
                m.setattr(workbook, "prefetch", lambda path: False)
            else:
                assert workbook.prefetch(src)
            with GpkgStore.create(tmp_path / f"{name}.gpkg") as store:
                try:
                    outcome: Any = without_time(
                        importer.import_layer(store, "households", str(src), dry_run=True)
                    )
                except QjgisError as exc:
                    outcome = (exc.code, exc.params)
                results.append(outcome)
        assert workbook.take(src) is None
    assert results[0] == results[1]


# ------------------------------------------------- the cyclic collector, paused and back
def test_the_collector_pause_nests_across_threads_and_restores_the_state() -> None:
    """`paused_gc` is re-entrant across threads (a prefetch and the import overlap): the
    collector stays off until the last one leaves, comes back only if it was on, and a
    program that had it off keeps it off."""
    import gc
    import threading

    assert gc.isenabled()
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with workbook.paused_gc():
            inside.set()
            release.wait(10)

    t = threading.Thread(target=other)
    with workbook.paused_gc():
        assert not gc.isenabled()
        t.start()
        assert inside.wait(10)
    assert not gc.isenabled()  # the other thread is still reading
    release.set()
    t.join(10)
    assert gc.isenabled()
    gc.disable()
    try:
        with workbook.paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()


def test_a_register_import_leaves_the_collector_on_after_success_and_refusal(
    tmp_path: Path,
) -> None:
    """The import pauses the collector while it reads and writes, and gives it back
    whatever happens: after an import, and after a refused one."""
    import gc

    src = register(tmp_path / "r.xlsx", 3)
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        seen: list[bool] = []
        importer.import_layer(
            store, "households", str(src), feedback=_Watch(lambda: seen.append(gc.isenabled()))
        )
        assert gc.isenabled() and seen and not any(seen)  # off while it ran
        bad = tmp_path / "bad.xlsx"
        bad.write_bytes(b"PK\x03\x04 not a workbook")
        with pytest.raises(QjgisError):
            importer.import_layer(store, "households", str(bad))
    assert gc.isenabled()


class _Watch:
    """A Feedback that calls `probe` at each progress step."""

    def __init__(self, probe: Any) -> None:
        self.probe = probe

    def set_progress(self, fraction: float, stage: str = "") -> None:
        self.probe()

    def is_canceled(self) -> bool:
        return False
