"""Issue 20 point 2: reads during another program's long write do not fail.

A real write runs in a child process: one transaction, through `GpkgStore`, larger than
SQLite's page cache (20 MB of rows against the 2 MiB default), then held open as a long
import is while it reads its source. Meanwhile this process reads the project every
way the commands do: an open store's counts and tables, a GDAL scan, a fresh open.

In rollback-journal mode the writer's first spill of a full cache to the file takes the
EXCLUSIVE lock until its commit; before `_SPILL_KIB` every read then waited out the
whole write and failed as busy. The reads here wait at most 2 s, the write lasts longer.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from qjgis.store import GpkgStore

ROOT = Path(__file__).resolve().parents[2]
ROWS = 10_000  # about 2 KB each: 20 MB of pages, ten times SQLite's default cache

WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from qjgis.store import GpkgStore

    path, flags, hold = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
    with GpkgStore.open(path, busy_timeout=60) as store, store.transaction() as conn:
        conn.executemany(
            "INSERT INTO demo_truth (rule_id, entity_kind, entity_key, note) "
            "VALUES ('X', 'parcel', ?, hex(randomblob(1000)))",
            ((str(i),) for i in range({rows})),
        )
        (flags / "written").touch()
        time.sleep(hold)  # the rest of a long import: still inside its transaction
        (flags / "committing").touch()
        time.sleep(0.5)  # reads under way finish before the commit begins
    """
).format(root=str(ROOT), rows=ROWS)


def _wait_for(flag: Path, child: subprocess.Popen[str]) -> None:
    while not flag.exists():
        if child.poll() is not None:
            pytest.fail(f"the writer ended early: {child.stderr.read() if child.stderr else ''}")
        time.sleep(0.01)


def test_reads_succeed_while_another_process_writes_a_large_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QJGIS_BUSY_TIMEOUT", raising=False)
    path = tmp_path / "p.gpkg"
    GpkgStore.create(path).close()
    flags = tmp_path / "flags"
    flags.mkdir()
    reader = GpkgStore.open(path, busy_timeout=2)
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(flags), "6"],
        stderr=subprocess.PIPE,
        text=True,
    )
    latencies: dict[str, list[float]] = {}
    try:
        _wait_for(flags / "written", child)
        n = 0
        while not (flags / "committing").exists():
            start = time.perf_counter()
            if n % 4 == 0:
                seen = reader.counts()["demo_truth"]
                kind = "counts"
            elif n % 4 == 1:
                seen = len(reader.read_table("demo_truth")["fid"])
                kind = "table"
            elif n % 4 == 2:
                seen = len(reader.scan("demo_truth").fids)  # GDAL's own SQLite
                kind = "scan"
            else:
                with GpkgStore.open(path, busy_timeout=2, verify=False) as other:
                    seen = other.counts()["demo_truth"]
                kind = "open"
            latencies.setdefault(kind, []).append(time.perf_counter() - start)
            # the committed state: nothing, or all once the writer has begun to commit
            assert seen == 0 or (seen == ROWS and (flags / "committing").exists())
            n += 1
        assert child.wait(timeout=120) == 0, child.stderr.read() if child.stderr else ""
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert set(latencies) == {"counts", "table", "scan", "open"}
    assert reader.counts()["demo_truth"] == ROWS  # and the write committed whole
    reader.close()
    for kind, times in latencies.items():
        print(
            f"\n{kind}: {len(times)} reads during the write, median "
            f"{1000 * statistics.median(times):.1f} ms, largest {1000 * max(times):.1f} ms",
            end="",
        )


def test_the_spill_threshold_is_set_on_every_opened_store(tmp_path: Path) -> None:
    # SQLite reports it in pages; the threshold is 1 GiB of them
    path = tmp_path / "p.gpkg"
    GpkgStore.create(path).close()
    with GpkgStore.open(path) as store:
        page = store.execute_sql("PRAGMA page_size")[0][0]
        pages = store.execute_sql("PRAGMA cache_spill")[0][0]
        assert pages * page >= 0.9 * 1024**3
