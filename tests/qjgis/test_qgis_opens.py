"""Issue 20 point 2: QGIS opens a qjgis project as it is, and while qjgis writes it.

QGIS is Qt 5 and runs in Debian's own Python (python3-qgis), so it is driven in a child
process: it loads the layers and tables of the project's `gpkg_contents` with
`QgsVectorLayer(..., "ogr")`, counts the features by iterating them and prints one JSON
line. Skipped, with the reason, where python3-qgis is missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from qjgis.demo import build_demo
from qjgis.store import GpkgStore

SYSTEM_PYTHON = Path("/usr/bin/python3")

QGIS_COUNT = textwrap.dedent(
    """
    import json, sys
    from qgis.core import QgsApplication, QgsVectorLayer

    QgsApplication.setPrefixPath("/usr", True)
    qgs = QgsApplication([], False)
    qgs.initQgis()
    path, names = sys.argv[1], json.loads(sys.argv[2])
    out = {}
    for name in names:
        layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
        if not layer.isValid():
            out[name] = {"valid": False}
            continue
        counted = sum(1 for _ in layer.getFeatures())
        out[name] = {
            "valid": True,
            "count": counted,
            "feature_count": layer.featureCount(),
            "crs": layer.crs().authid() if layer.isSpatial() else None,
        }
        del layer
    print(json.dumps(out), flush=True)
    qgs.exitQgis()
    """
)


def _has_qgis() -> bool:
    if not SYSTEM_PYTHON.exists():
        return False
    probe = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import qgis.core"], capture_output=True, check=False
    )
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(
    not _has_qgis(), reason="QGIS (python3-qgis for /usr/bin/python3) is not installed"
)


def _qgis_counts(path: Path, names: list[str]) -> dict[str, dict]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONPATH", None)  # QGIS's own Python, none of ours
    proc = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", QGIS_COUNT, str(path), json.dumps(names)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    # QGIS 3.22 may crash while shutting down (tests/bench/render_qgis_scaled.py): the
    # line it printed is the result, not its exit code.
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, proc.stderr[-2000:]
    return json.loads(lines[-1])


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("qgis") / "demo.gpkg"
    build_demo(path, parcels=300, seed=3)
    return path


def test_qgis_loads_every_layer_and_table_with_qjgis_counts_and_changes_nothing(
    demo: Path, tmp_path: Path
) -> None:
    path = tmp_path / "p.gpkg"
    path.write_bytes(demo.read_bytes())
    with GpkgStore.open(path) as store:
        ours = store.counts()
        crs = store.settings().crs
        tables = [r[0] for r in store.execute_sql("SELECT table_name FROM gpkg_contents")]
    before = _sha256(path)
    got = _qgis_counts(path, tables)
    assert sorted(got) == sorted(tables)
    assert [name for name, layer in got.items() if not layer["valid"]] == []
    for name in ("villages", "parcels", "buildings"):
        assert got[name]["count"] == got[name]["feature_count"] == ours[name] > 0
        assert got[name]["crs"] == crs
    for name, layer in got.items():
        if name in ours:
            assert layer["count"] == ours[name], name
    # QGIS opened it read-only: not a byte changed, no WAL left beside it
    assert _sha256(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.gpkg"]
    with GpkgStore.open(path) as store:
        assert store.execute_sql("PRAGMA journal_mode")[0][0] == "delete"
        assert store.integrity_check() == []


class _Abandon(Exception):
    """Ends the write without committing it."""


def _write_and_look(store: GpkgStore, path: Path, seen: dict[str, dict]) -> None:
    """A large write under way; QGIS counts meanwhile; then the write is abandoned."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM parcels WHERE fid % 2 = 0")
        # 20 MB: ten times SQLite's default page cache, as a large import writes
        conn.executemany(
            "INSERT INTO demo_truth (rule_id, entity_kind, entity_key, note) "
            "VALUES ('X', 'parcel', ?, hex(randomblob(1000)))",
            ((f"uncommitted {i}",) for i in range(10_000)),
        )
        seen.update(_qgis_counts(path, ["parcels", "demo_truth"]))
        raise _Abandon


def test_qgis_reads_the_committed_state_while_qjgis_writes(demo: Path, tmp_path: Path) -> None:
    path = tmp_path / "p.gpkg"
    path.write_bytes(demo.read_bytes())
    with GpkgStore.open(path) as store:
        parcels, truth = store.counts()["parcels"], store.counts()["demo_truth"]
        seen: dict[str, dict] = {}
        with pytest.raises(_Abandon):
            _write_and_look(store, path, seen)
        # QGIS reads without locks (its NOLOCK open option): what it sees is the file,
        # which holds none of the uncommitted write while it stays in qjgis's memory
        assert seen["parcels"]["count"] == parcels
        assert seen["demo_truth"]["count"] == truth
        assert store.counts()["parcels"] == parcels
