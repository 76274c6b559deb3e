"""An import killed in the middle of writing leaves the project as it was.

The child process imports the demo's parcels in small batches and, once half of
them are written inside the open transaction, announces it and hangs; the test
then kills it with SIGKILL, as a power cut or the task manager would. SQLite's
rollback journal must undo the partial batch on the next open.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qjgis.demo import build_demo
from qjgis.store import GpkgStore

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import sys, time
    from qjgis.io.importer import import_layer
    from qjgis.store import GpkgStore

    class HangHalfway:
        def set_progress(self, fraction, stage=""):
            if fraction >= 0.5 and stage != "read":
                conn = store._conn
                written = conn.execute("SELECT count(*) FROM parcels").fetchone()[0]
                if written > 0 and conn.in_transaction:
                    print("HALF", written, flush=True)
                    time.sleep(600)

        def is_canceled(self):
            return False

    store = GpkgStore.open(sys.argv[1])
    import_layer(store, "parcels", sys.argv[2], feedback=HangHalfway(), batch_size=250)
    print("DONE", flush=True)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_killed_import_leaves_the_project_unchanged(tmp_path: Path) -> None:
    files = tmp_path / "survey"
    build_demo(tmp_path / "demo.gpkg", parcels=2000, seed=5, shapefiles=files)
    project = tmp_path / "project.gpkg"
    GpkgStore.create(project).close()
    with GpkgStore.open(project) as store:
        before = store.counts()

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(project), str(files / "parcels.shp")],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = child.stdout.readline() if child.stdout else ""
        assert line.startswith("HALF"), (line, child.stderr.read() if child.stderr else "")
        assert int(line.split()[1]) > 0
        journal = [p for p in tmp_path.iterdir() if p.name.startswith("project.gpkg-")]
        assert journal, "the import should be inside an open write transaction"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream:
                stream.close()

    with GpkgStore.open(project) as store:
        assert store.counts() == before
        assert store.integrity_check() == []
