"""A throwaway PostgreSQL + PostGIS server for the database tests, one per test session.

`initdb` refuses to run as root, so as root the cluster belongs to the `postgres` user
(`runuser -u postgres`) in a temporary folder that user owns. The server listens on a free
loopback port and on a unix socket in that folder, trusts local connections (a throwaway
cluster holds nothing), and is stopped and deleted at the end of the session: nothing is
left running. Where no server can be started the tests skip with the reason, except in CI
(`CI=true`), where they fail: there `.ci/setup` has installed postgresql and postgis.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SUPERUSER = "qjgis_test"
TEMPLATE = "qjgis_template"


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int
    user: str

    def url(self, dbname: str) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{dbname}"


def _bindir() -> Path | None:
    """The newest installed PostgreSQL's programs (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _version_key(path: str) -> int:
    try:
        return int(Path(path).parts[-3])
    except ValueError:
        return 0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL test server: {reason} (CI must run the database tests)")
    pytest.skip(f"no PostgreSQL test server: {reason}")


def _run(cmd: list[str], as_postgres: bool) -> subprocess.CompletedProcess[str]:
    if as_postgres:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    try:
        import psycopg
    except ImportError:
        _unavailable("psycopg is not installed")
    bindir = _bindir()
    if bindir is None:
        _unavailable("initdb not found (install the postgresql package)")
    assert bindir is not None
    as_postgres = os.geteuid() == 0
    if as_postgres and shutil.which("runuser") is None:
        _unavailable("running as root and runuser is missing")
    folder = Path(tempfile.mkdtemp(prefix="qjgis-pg-"))
    data, log = folder / "data", folder / "server.log"
    if as_postgres:
        shutil.chown(folder, "postgres", "postgres")
    # mkdtemp makes the folder private to its owner; the postgres user owns it now
    port = _free_port()
    started = False
    try:
        init = _run(
            [str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
             "-E", "UTF8", "--no-locale"],
            as_postgres,
        )  # fmt: skip
        if init.returncode != 0:
            _unavailable(f"initdb failed: {init.stderr.strip()[-400:]}")
        options = (
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        start = _run(
            [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w",
             "start"],
            as_postgres,
        )  # fmt: skip
        if start.returncode != 0:
            detail = log.read_text(errors="replace")[-400:] if log.exists() else start.stderr
            _unavailable(f"pg_ctl start failed: {detail.strip()}")
        started = True
        server = PgServer("127.0.0.1", port, SUPERUSER)
        with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        try:
            with psycopg.connect(server.url(TEMPLATE), autocommit=True) as conn:
                conn.execute("CREATE EXTENSION postgis")
        except psycopg.Error as exc:
            _unavailable(f"PostGIS is not installed for this server: {exc}".strip())
        yield server
    finally:
        if started:
            _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                 as_postgres)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A new, empty database with PostGIS, dropped after the test."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    try:
        yield pg_server.url(name)
    finally:
        with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
