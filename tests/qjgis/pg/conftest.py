"""The database tests use `pg_server` and `pg_url` from tests/conftest.py."""
