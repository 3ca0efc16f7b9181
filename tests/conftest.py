"""Shared fixtures: the CKAN pytest plugin (``--ckan-ini=test.ini``) provides app, clean_db,
clean_index and the factories; these add the portal's own organisations and users."""
from __future__ import annotations

from typing import Any

import pytest

from ckan.tests import factories


@pytest.fixture
def skpd_org() -> Any:
    """A factory for SKPD organisations that satisfy the scheming schema."""
    def make(**kw: Any) -> dict[str, Any]:
        kw.setdefault("jenis", "dinas")
        return factories.Organization(**kw)
    return make


@pytest.fixture
def gampong_org() -> Any:
    def make(kode_wilayah: str = "11.71.01.2001", **kw: Any) -> dict[str, Any]:
        return factories.Organization(jenis="gampong", kode_wilayah=kode_wilayah, **kw)
    return make


SATU_DATA = {
    "notes": "Jumlah penduduk per kecamatan, hasil pendataan Disdukcapil.",
    "frekuensi": "tahunan",
    "cakupan": "kecamatan",
    "kode_wilayah": "11.71",
    "tahun": "2024",
    "satuan": "jiwa",
}


@pytest.fixture
def satu_data() -> dict[str, Any]:
    """Satu Data metadata a valid SKPD dataset needs (copy per test)."""
    return dict(SATU_DATA)


@pytest.fixture
def portal(with_plugins, clean_db, clean_index, migrate_db_for) -> None:
    """An empty portal: plugins of test.ini loaded, database and search index emptied,
    and the migrations of the plugins that own tables (activity, harvest) applied."""
    migrate_db_for("activity")
    migrate_db_for("harvest")
