"""Shared fixtures for the spreadsheet tests (pure Python, no CKAN needed)."""
from __future__ import annotations

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
try:  # the extension may not be pip-installed in a bare dev venv
    import ckanext.bandaaceh.spreadsheet  # noqa: F401
except ImportError:  # pragma: no cover
    sys.path.insert(0, os.path.join(ROOT, "ckanext-bandaaceh"))

FIXTURES = os.path.join(ROOT, "tests", "fixtures", "spreadsheet")


@pytest.fixture
def fixture_path():
    """Return the path of a file in tests/fixtures/spreadsheet."""

    def path(name: str) -> str:
        return os.path.join(FIXTURES, name)

    return path
