"""Issue 20: commands killed with SIGKILL at random points never cost a committed change.

Each trial copies one prepared project, starts a real CLI command (`check`,
`review`, `case open`, `export`) and kills it with SIGKILL after a random delay
(seeded, so a failing trial can be replayed), as a power cut or the task manager
would. The next opening must then succeed, pass the full integrity check (hash
chains included), hold every entry committed before the kill, hold the killed
command either whole or not at all, and take a new write. Bounded: 24 trials.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qjgis import commands
from qjgis.io.export import export_layer
from qjgis.store import GpkgStore

ROOT = Path(__file__).resolve().parents[3]
KINDS = ("check", "review", "case", "export")
TRIALS = 24
SEED = 20


def _cli(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "main.py"), *args, "--lang", "en"]


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "base.gpkg"
    for args in (("demo", str(path), "--parcels", "800", "--seed", "4"), ("check", str(path))):
        done = subprocess.run(_cli(*args), capture_output=True, text=True, env=_env(), cwd=ROOT)
        assert done.returncode == 0, done.stderr
    return path


def _audit(store: GpkgStore) -> list[tuple[object, ...]]:
    return store.execute_sql("SELECT * FROM audit_log ORDER BY fid")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
@pytest.mark.parametrize("trial", range(TRIALS))
def test_a_command_killed_at_a_random_point_loses_no_committed_change(
    base: Path, tmp_path: Path, trial: int
) -> None:
    rng = random.Random(SEED * 1000 + trial)
    kind = KINDS[trial % len(KINDS)]
    project = tmp_path / "p.gpkg"
    shutil.copy(base, project)
    out = tmp_path / "out"
    out.mkdir()
    with GpkgStore.open(project) as store:
        committed = _audit(store)
        runs = store.counts()["check_runs"]
        pending = store.execute_sql(
            "SELECT fid FROM findings WHERE decision IS NULL ORDER BY fid LIMIT 1"
        )[0][0]
    args = {
        "check": ("check", str(project)),
        "review": ("review", str(project), str(pending), "--decision", "confirmed",
                   "--reason", "现场核实"),
        "case": ("case", str(project), "open", "--from-checks"),
        "export": ("export", str(project), "--layer", "parcels", "--format", "shp",
                   "--out", str(out / "宗地.shp")),
    }[kind]  # fmt: skip
    child = subprocess.Popen(
        _cli(*args), env=_env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    time.sleep(rng.uniform(0.2, 3.0))
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.stderr is not None
    stderr = child.stderr.read().decode("utf-8", "replace")
    child.stderr.close()
    assert "Traceback" not in stderr, stderr

    with GpkgStore.open(project, busy_timeout=5) as store:  # opens: never "damaged"
        assert store.integrity_check() == []  # pages, indexes, hash chains
        audit = _audit(store)
        assert audit[: len(committed)] == committed  # every committed entry kept
        new = [row[4] for row in audit[len(committed) :]]  # their commands
        if kind == "check":
            done = store.counts()["check_runs"] - runs
            assert done in (0, 1)
            unfinished = store.execute_sql("SELECT count(*) FROM check_runs WHERE finished IS NULL")
            assert unfinished == [(0,)]  # a run is saved whole or not at all
        elif kind == "review":
            decision = store.execute_sql("SELECT decision FROM findings WHERE fid = ?", [pending])
            assert (decision[0][0] is not None) == ("findings.review" in new)
        elif kind == "case":
            cases = store.counts()["ruin_cases"]
            opened = store.execute_sql("SELECT count(DISTINCT case_fid) FROM case_events")[0][0]
            assert cases == opened  # no case without its opening event
            assert (cases > 0) == bool(new)
        else:
            exported = out / "宗地.shp"
            if exported.exists():  # no file without its audit entry
                paths = [json.loads(r[7])["path"] for r in audit if r[4] == "export"]
                assert str(exported.resolve()) in paths
            export_layer(store, "villages", "gpkg", out / "村.gpkg")  # the next run ...
            assert not [p for p in out.iterdir() if p.name.endswith(".export.tmp")]  # cleans
        # and the project takes the next write
        commands.run(store, commands.SetSettings({"user.name": "复核员"}))
        assert store.integrity_check() == []
