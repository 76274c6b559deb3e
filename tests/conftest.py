"""Shared test configuration.

The database tests' server lives here so that engine, command-line and window tests can all
use it: one throwaway PostgreSQL + PostGIS cluster per session. See
`tests/qjgis/pg/pgcluster.py` for how it is started (as the `postgres` user when running as
root, on a free loopback port) and stopped at the end of the session: nothing is left running.
Where no server can be started the tests skip with the reason, except in CI (`CI=true`),
where they fail: there `.ci/setup` has installed postgresql and postgis.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "qjgis" / "pg"))
from pgcluster import PgServer, Unavailable, start


def pytest_addoption(parser: pytest.Parser) -> None:
    # pyproject sets pytest-qt's `qt_api`; with --strict-config that key is an error where
    # pytest-qt is absent, which is exactly the headless tier's environment.
    try:
        import pytestqt  # noqa: F401
    except ImportError:
        parser.addini("qt_api", "pytest-qt's Qt binding (unused without pytest-qt)")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    try:
        server = start()
    except Unavailable as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL test server: {exc} (CI must run the database tests)")
        pytest.skip(f"no PostgreSQL test server: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A new, empty database with PostGIS, dropped after the test."""
    url = pg_server.new_database()
    try:
        yield url
    finally:
        pg_server.drop_database(url)
