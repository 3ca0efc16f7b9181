"""Search that understands Indonesian (issue 12 item 9), through package_search on the real Solr
core: config/solr/schema.xml (Indonesian stop words and stemmer), config/solr/synonyms.txt and
the minimum-should-match of ``bandaaceh.search.mm`` (satudata/search.py).

Each test names datasets so that CKAN's stock analysis (English stemmer, no stop words, no
synonyms, ``mm=2<-1 5<80%``) gives a different answer than the one asserted."""
from __future__ import annotations

from typing import Any

import pytest

from ckan.lib.search import SearchError
from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("portal")


@pytest.fixture
def publish(skpd_org: Any, satu_data: dict[str, Any]) -> Any:
    """Create a public dataset with this title and description; returns its name."""
    org = skpd_org(name="dinas-uji", title="Dinas Uji")

    def make(name: str, title: str, notes: str) -> str:
        factories.Dataset(owner_org=org["id"], name=name, title=title, **{**satu_data, "notes": notes})
        return name
    return make


def search(q: str) -> list[str]:
    """Names of the datasets ``q`` finds, best first (CKAN's default sort: score)."""
    return [d["name"] for d in call_action("package_search", q=q, rows=50)["results"]]


def test_stemmer_penduduk_finds_kependudukan(publish: Any) -> None:
    publish("data-kependudukan", "Data Kependudukan Gampong", "Rekapitulasi administrasi kependudukan.")
    publish("curah-hujan", "Curah Hujan Bulanan", "Pengukuran stasiun BMKG.")
    assert search("penduduk") == ["data-kependudukan"]
    assert search("kependudukan") == ["data-kependudukan"]


@pytest.mark.usefixtures("search_backend")  # the same schema on the standalone core and SolrCloud
def test_synonyms_sekolah_dasar_and_sd(publish: Any) -> None:
    publish("jumlah-sd", "Jumlah SD Negeri dan Swasta", "Banyaknya SD menurut kecamatan.")
    publish("daftar-sekolah-dasar", "Daftar Sekolah Dasar", "Alamat setiap sekolah dasar di kota.")
    publish("rumah-sakit", "Tempat Tidur Rumah Sakit", "Kapasitas rawat inap.")
    assert sorted(search("sekolah dasar")) == ["daftar-sekolah-dasar", "jumlah-sd"]
    assert sorted(search("SD")) == ["daftar-sekolah-dasar", "jumlah-sd"]


def test_synonyms_of_budgets_and_work_units(publish: Any) -> None:
    publish("realisasi-lampulo", "Realisasi APBG Gampong Lampulo", "Laporan semester.")
    publish("apbdes-peuniti", "APBDes Gampong Peuniti", "Anggaran tahun berjalan.")
    publish("daftar-opd", "Daftar OPD Kota", "Alamat kantor.")
    publish("kasus-dbd", "Kasus Demam Berdarah", "Per puskesmas.")
    assert sorted(search("APBDes")) == ["apbdes-peuniti", "realisasi-lampulo"]
    assert sorted(search("APBG")) == ["apbdes-peuniti", "realisasi-lampulo"]
    assert search("SKPK") == ["daftar-opd"]
    assert search("DBD") == ["kasus-dbd"]


def test_a_stop_word_changes_nothing(publish: Any) -> None:
    publish("penduduk-kecamatan", "Penduduk Menurut Kecamatan", "Hasil registrasi.")
    publish("gedung", "Gedung yang Dibangun dan yang Direhab", "Daftar pekerjaan fisik.")
    # "yang" is a stop word: the query is "penduduk" (not: "gedung" found through "yang", nor,
    # with all words required, nothing)
    assert search("penduduk yang") == search("penduduk") == ["penduduk-kecamatan"]


def test_two_word_query_ranks_partial_matches_below_full_ones(publish: Any) -> None:
    publish("guru-sekolah-negeri", "Jumlah Guru Sekolah Negeri", "Menurut jenjang.")
    publish("sekolah-swasta", "Daftar Sekolah Swasta", "Menurut yayasan.")
    publish("pegawai-negeri", "Pegawai Negeri Sipil", "Menurut golongan.")
    publish("curah-hujan", "Curah Hujan Bulanan", "Pengukuran stasiun BMKG.")
    found = search("sekolah negeri")
    assert found[0] == "guru-sekolah-negeri"
    assert sorted(found[1:]) == ["pegawai-negeri", "sekolah-swasta"]  # one word each; no "curah-hujan"
    # a fielded query keeps CKAN's parser and its rules
    assert search("title:sekolah AND title:negeri") == ["guru-sekolah-negeri"]


def test_callers_cannot_send_edismax_local_parameters(publish: Any) -> None:
    # the plugin allows edismax local parameters for its own free-text queries only
    publish("data-kependudukan", "Data Kependudukan Gampong", "Rekapitulasi administrasi kependudukan.")
    for params in ({"q": "{!edismax qf=name}x"}, {"q": "*:*", "fq": "{!type=edismax}penduduk"}):
        with pytest.raises(SearchError, match="Local parameters"):
            call_action("package_search", **params)
