"""Issue 20 point 2: a command that finds the project busy says so, waits, then says busy."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str, timeout: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QJGIS_LANG": "zh", "QJGIS_BUSY_TIMEOUT": timeout}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args, "--lang", "zh"],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False,
    )  # fmt: skip


def test_a_write_waits_with_a_message_then_fails_as_busy_never_damaged(tmp_path: Path) -> None:
    project = tmp_path / "p.gpkg"
    assert run("new", str(project), timeout="5").returncode == 0
    other = sqlite3.connect(project, isolation_level=None)  # another program, mid-write
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO demo_truth (rule_id, entity_kind, entity_key) VALUES ('X','p','1')")
    try:
        read = run("info", str(project), timeout="1")
        assert read.returncode == 0 and "等待" not in read.stderr  # reads never wait
        write = run("settings", str(project), "--set", "user.name=甲", timeout="1")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert write.returncode == 1
    lines = write.stderr.strip().splitlines()
    assert lines == [
        f"{project}：另一程序正在写入本项目，等待中…",
        f"错误：{project}：另一个程序正在写入该项目",
    ]
    assert "损坏" not in write.stderr and "Traceback" not in write.stderr
