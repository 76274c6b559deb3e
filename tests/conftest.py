"""Shared test configuration."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    # pyproject sets pytest-qt's `qt_api`; with --strict-config that key is an error where
    # pytest-qt is absent, which is exactly the headless tier's environment.
    try:
        import pytestqt  # noqa: F401
    except ImportError:
        parser.addini("qt_api", "pytest-qt's Qt binding (unused without pytest-qt)")
