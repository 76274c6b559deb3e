"""A throwaway PostgreSQL + PostGIS cluster: for the database tests and tests/bench/bench_pg.py.

`initdb` refuses to run as root, so as root the cluster belongs to the `postgres` user
(`runuser -u postgres`) in a temporary folder that user owns. The server listens on a free
loopback port and on a unix socket in that folder, trusts local connections (a throwaway
cluster holds nothing), and `stop()` stops it and deletes the folder. `Unavailable` says
why no server could be started. No pytest here: the benchmark uses it too.
"""

from __future__ import annotations

import glob
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

SUPERUSER = "qjgis_test"
TEMPLATE = "qjgis_template"


class Unavailable(Exception):
    """No server could be started here; the message says why."""


def _version_key(path: str) -> int:
    try:
        return int(Path(path).parts[-3])
    except ValueError:
        return 0


def bindir() -> Path | None:
    """The newest installed PostgreSQL's programs (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    host: str
    port: int
    user: str
    folder: Path
    programs: Path
    as_postgres: bool
    running: bool = field(default=False)
    #: the server's command-line options, to start it again after `halt`
    options: str = ""
    #: the detached process that stops the server if this one dies first (`watch`)
    watcher: subprocess.Popen[bytes] | None = None

    def url(self, dbname: str) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{dbname}"

    def conninfo(self, dbname: str) -> str:
        """The same database as libpq keywords (GDAL's `PG:` datasource)."""
        return f"host={self.host} port={self.port} user={self.user} dbname={dbname}"

    def new_database(self) -> str:
        """A new database with PostGIS (from the template); returns its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def run(self, *cmd: str) -> subprocess.CompletedProcess[str]:
        args = list(cmd)
        if self.as_postgres:
            args = ["runuser", "-u", "postgres", "--", *args]
        return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)

    def halt(self) -> None:
        """Stop the server (fast: sessions are ended, as at a restart) and keep its data."""
        done = self.run(str(self.programs / "pg_ctl"), "-D", str(self.folder / "data"),
                        "-m", "fast", "-w", "stop")  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl stop failed: {done.stderr.strip()}")

    def resume(self) -> None:
        """Start the server `halt` stopped, on the same port, with the same data."""
        done = self.run(str(self.programs / "pg_ctl"), "-D", str(self.folder / "data"),
                        "-l", str(self.folder / "server.log"), "-o", self.options,
                        "-w", "start")  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()}")

    def restart(self) -> None:
        """A server restart, as an administrator's or a power cut's: every session ends."""
        self.halt()
        self.resume()

    def watch(self) -> None:
        """A detached watcher that stops the server and deletes its folder when this process
        ends without calling `stop` (a test run killed by a timeout or Ctrl-C twice): nothing
        is left running either way."""
        ctl = shlex.join(
            (["runuser", "-u", "postgres", "--"] if self.as_postgres else [])
            + [str(self.programs / "pg_ctl"), "-D", str(self.folder / "data"), "-m",
               "immediate", "-w", "stop"]
        )  # fmt: skip
        script = (
            f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 2; done; "
            f"if [ -d {shlex.quote(str(self.folder / 'data'))} ]; then {ctl} >/dev/null 2>&1; fi; "
            f"rm -rf {shlex.quote(str(self.folder))}"
        )
        self.watcher = subprocess.Popen(
            ["sh", "-c", script],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C to the test run's group does not reach it
        )

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.kill()
            self.watcher.wait()
            self.watcher = None
        if self.running:
            self.run(str(self.programs / "pg_ctl"), "-D", str(self.folder / "data"),
                     "-m", "immediate", "-w", "stop")  # fmt: skip
            self.running = False
        shutil.rmtree(self.folder, ignore_errors=True)


def start() -> PgServer:
    """Start a throwaway cluster with a PostGIS template database, or raise Unavailable."""
    try:
        import psycopg
    except ImportError as exc:
        raise Unavailable("psycopg is not installed") from exc
    programs = bindir()
    if programs is None:
        raise Unavailable("initdb not found (install the postgresql package)")
    as_postgres = os.geteuid() == 0
    if as_postgres and shutil.which("runuser") is None:
        raise Unavailable("running as root and runuser is missing")
    folder = Path(tempfile.mkdtemp(prefix="qjgis-pg-"))
    if as_postgres:
        shutil.chown(folder, "postgres", "postgres")  # mkdtemp's folder is its owner's only
    server = PgServer("127.0.0.1", _free_port(), SUPERUSER, folder, programs, as_postgres)
    data, log = folder / "data", folder / "server.log"
    try:
        init = server.run(str(programs / "initdb"), "-D", str(data), "-U", SUPERUSER,
                          "--auth=trust", "-E", "UTF8", "--no-locale")  # fmt: skip
        if init.returncode != 0:
            raise Unavailable(f"initdb failed: {init.stderr.strip()[-400:]}")
        options = (
            f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        server.options = options
        started = server.run(str(programs / "pg_ctl"), "-D", str(data), "-l", str(log),
                             "-o", options, "-w", "start")  # fmt: skip
        if started.returncode != 0:
            detail = log.read_text(errors="replace")[-400:] if log.exists() else started.stderr
            raise Unavailable(f"pg_ctl start failed: {detail.strip()}")
        server.running = True
        server.watch()
        with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        try:
            with psycopg.connect(server.url(TEMPLATE), autocommit=True) as conn:
                conn.execute("CREATE EXTENSION postgis")
        except psycopg.Error as exc:
            raise Unavailable(f"PostGIS is not installed for this server: {exc}".strip()) from None
    except BaseException:
        server.stop()
        raise
    return server
