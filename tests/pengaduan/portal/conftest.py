"""Shared by the CKAN-side complaint tests: the hand-counted SUWARGA export of
``tests/pengaduan/cases.py`` as xlsx, and the editor of the organisation that runs SUWARGA."""
from __future__ import annotations

from typing import Any

import pytest

from ckan.tests import factories

from tests.pengaduan.cases import HEADER
from tests.web import PASSWORD


@pytest.fixture
def xlsx(xlsx_export: Any) -> Any:
    """``xlsx(rows)``: a SUWARGA case-level export with a name column."""
    return lambda rows: xlsx_export(HEADER, rows)


@pytest.fixture
def operator(skpd_org: Any) -> dict[str, Any]:
    """An editor of Diskominfotik, the organisation that runs SUWARGA and SMS LPM (password PASSWORD)."""
    user = factories.User(password=PASSWORD)
    skpd_org(name="diskominfotik", title="Diskominfotik", users=[{"name": user["name"], "capacity": "editor"}])
    return user
