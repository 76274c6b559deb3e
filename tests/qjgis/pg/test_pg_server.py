"""The test server itself: reachable, with PostGIS, on loopback."""

from __future__ import annotations

import psycopg


def test_server_has_postgis(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        version = conn.execute("SELECT postgis_lib_version()").fetchone()[0]
        assert version.split(".")[0] == "3"
        host = conn.execute("SELECT inet_server_addr()::text").fetchone()[0]
        assert host.startswith("127.0.0.1")
