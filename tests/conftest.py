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


@pytest.fixture
def clean_datastore(portal: None) -> None:
    """Empty DataStore database (tables of earlier tests dropped)."""
    from ckanext.datastore.tests import helpers as ds_helpers

    engine = ds_helpers.db.get_write_engine()
    ds_helpers.rebuild_all_dbs(ds_helpers.orm.scoped_session(ds_helpers.orm.sessionmaker(bind=engine)))


#: The standar data (Perpres 39/2019 Pasal 4) and contact a dataset needs to pass the walidata.
STANDAR_DATA = {
    "konsep": "Penduduk adalah orang yang berdomisili di wilayah kota.",
    "definisi": "Jumlah penduduk menurut data administrasi kependudukan per 31 Desember.",
    "klasifikasi": "Menurut kecamatan",
    "ukuran": "Jumlah",
    "maintainer_email": "data@dinkes.bandaacehkota.go.id",
}
#: A DataStore table whose data dictionary is complete (label and description per column).
DICTIONARY = [
    {"id": "kecamatan", "type": "text", "info": {"label": "Kecamatan", "notes": "Nama kecamatan"}},
    {"id": "jumlah", "type": "int", "info": {"label": "Jumlah penduduk", "notes": "Jiwa per 31 Desember"}},
]


class SatuDataWorld:
    """Two SKPD with a produsen each, the walidata (Diskominfotik) and the pembina data (BPS)."""

    def __init__(self, skpd_org: Any, password: str | None) -> None:
        extra = {"password": password} if password else {}

        def user(name: str) -> dict[str, Any]:
            return factories.UserWithToken(name=name, email=f"{name}@bandaacehkota.go.id", **extra)

        self.produsen, self.produsen_lain = user("produsen-dinkes"), user("produsen-dishub")
        self.walidata, self.pembina = user("walidata"), user("pembina")
        self.dinkes = skpd_org(name="dinkes", title="Dinas Kesehatan",
                               users=[{"name": self.produsen["name"], "capacity": "editor"}])
        self.dishub = skpd_org(name="dishub", title="Dinas Perhubungan",
                               users=[{"name": self.produsen_lain["name"], "capacity": "editor"}])
        skpd_org(name="diskominfotik", title="Dinas Komunikasi, Informatika dan Statistik",
                 users=[{"name": self.walidata["name"], "capacity": "member"}])
        skpd_org(name="bps-kota-banda-aceh", title="BPS Kota Banda Aceh", jenis="lainnya",
                 users=[{"name": self.pembina["name"], "capacity": "member"}])

    def dataset(self, name: str, *, complete: bool = True, table: bool = True, **fields: Any) -> dict[str, Any]:
        """A dataset of Dinkes created by its produsen (through the action layer, auth checked)."""
        from ckan.tests import helpers

        data = dict(SATU_DATA, name=name, title=name.replace("-", " ").title(), owner_org=self.dinkes["id"])
        if complete:
            data.update(STANDAR_DATA)
        data.update(fields)
        pkg = helpers.call_action("package_create", {"user": self.produsen["name"]}, **data)
        if table:
            helpers.call_action("datastore_create", {"user": self.produsen["name"]},
                                resource={"package_id": pkg["id"], "name": "Tabel"}, fields=DICTIONARY,
                                records=[{"kecamatan": "Baiturrahman", "jumlah": 10}], force=True)
        return helpers.call_action("package_show", {"user": self.produsen["name"]}, id=pkg["id"])


@pytest.fixture
def satudata_world(skpd_org: Any, clean_datastore: None) -> Any:
    """``satudata_world(password=None)``: the people of the Satu Data process (SatuDataWorld)."""
    return lambda password=None: SatuDataWorld(skpd_org, password)
