"""Database addresses: recognised, and their passwords never kept."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from qjgis.errors import QjgisError
from qjgis.pg import url as dburl

if TYPE_CHECKING:
    from pgcluster import PgServer


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("postgresql://clerk:s3cret@db.bureau/qj", "postgresql://clerk@db.bureau/qj"),
        (
            "postgresql://clerk:s3cret@db:5433/qj?sslmode=require&password=x",
            "postgresql://clerk@db:5433/qj?sslmode=require",
        ),
        ("postgres://:s3cret@db/qj", "postgres://db/qj"),
        ("postgresql://clerk@db/qj", "postgresql://clerk@db/qj"),
        ("service=qijiang password=s3cret", "service=qijiang"),
        ("service=qijiang", "service=qijiang"),
        ("D:/项目/綦江.gpkg", "D:/项目/綦江.gpkg"),
    ],
)
def test_redact_drops_only_the_password(given: str, kept: str) -> None:
    assert dburl.redact(given) == kept
    assert "s3cret" not in dburl.redact(given)
    assert dburl.has_password(given) == (given != kept)


def test_database_urls_are_told_from_files() -> None:
    assert dburl.is_database_url("postgresql://db/qj")
    assert dburl.is_database_url("service=qijiang")
    assert not dburl.is_database_url("postgresql.gpkg")
    assert not dburl.is_database_url("綦江.gpkg")


def test_refused_connection_names_the_address_without_password() -> None:
    # port 1 on loopback: nothing listens, the refusal is immediate
    url = "postgresql://clerk:s3cret@127.0.0.1:1/qj?connect_timeout=2"
    with pytest.raises(QjgisError) as err:
        dburl.connect(url)
    assert err.value.code == "database_unreachable"
    assert err.value.params["url"] == "postgresql://clerk@127.0.0.1:1/qj?connect_timeout=2"
    assert "s3cret" not in str(err.value)


def test_password_is_asked_once_when_the_server_wants_one(pg_server: PgServer) -> None:
    import psycopg

    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS clerk_pw")
        conn.execute("SET password_encryption = 'scram-sha-256'")
        conn.execute("CREATE ROLE clerk_pw LOGIN PASSWORD 'right'")
        hba = Path(conn.execute("SHOW hba_file").fetchone()[0])
        # The throwaway cluster trusts everyone: make this role give a password over TCP.
        # Rewriting the file in place keeps its owner (postgres).
        text = hba.read_text()
        if "clerk_pw" not in text:
            hba.write_text("host all clerk_pw 127.0.0.1/32 scram-sha-256\n" + text)
            conn.execute("SELECT pg_reload_conf()")
    url = f"postgresql://clerk_pw@{pg_server.host}:{pg_server.port}/postgres"
    asked: list[str] = []

    def ask(shown: str) -> str:
        asked.append(shown)
        return "right"

    with dburl.connect(url, ask_password=ask) as conn:
        assert conn.execute("SELECT current_user").fetchone()[0] == "clerk_pw"
    assert asked == [url]
    with pytest.raises(QjgisError) as err:
        dburl.connect(url, ask_password=lambda shown: "wrong")
    assert err.value.code == "database_unreachable"
    assert "wrong" not in str(err.value)
    with pytest.raises(QjgisError) as err:  # no way to ask: refused, saying why
        dburl.connect(url)
    assert "password" in err.value.params["detail"]


def test_a_service_name_from_pg_service_conf_names_the_database(
    pg_server: PgServer, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qjgis.demo import build_demo
    from qjgis.pg.transfer import pull, push
    from qjgis.store import open_project

    dbname = pg_url.rsplit("/", 1)[1]
    services = tmp_path / "pg_service.conf"
    services.write_text(
        f"[qijiang]\nhost={pg_server.host}\nport={pg_server.port}\n"
        f"user={pg_server.user}\ndbname={dbname}\n"
    )
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    demo = tmp_path / "demo.gpkg"
    build_demo(demo, parcels=200, seed=9)
    assert push(demo, "service=qijiang").rows["parcels"] == 200
    with open_project("service=qijiang password=s3cret") as store:
        assert store.path == "service=qijiang"
        assert store.counts()["parcels"] == 200
    out = tmp_path / "copy.gpkg"
    pull("service=qijiang", out)
    with open_project(str(out)) as copy:
        assert copy.meta()["pulled_from"] == "service=qijiang"
