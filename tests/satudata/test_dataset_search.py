"""Satu Data dataset metadata: validation, and facets answered by the real Solr."""
from __future__ import annotations

import re

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("portal")


@pytest.fixture
def steward_ctx():
    return {"user": factories.Sysadmin()["name"]}


def make(ctx, org, name, **kw):
    data = {"name": name, "title": name, "owner_org": org["id"], "notes": "Data",
            "frekuensi": "tahunan", "cakupan": "kota", "tahun": "2024"}
    data.update(kw)
    return call_action("package_create", dict(ctx), **data)


def test_defaults_and_normalisation(steward_ctx, skpd_org):
    org = skpd_org(name="disdukcapil")
    ds = make(steward_ctx, org, "penduduk", tahun="2019 - 2021, 2024")
    assert ds["license_id"] == "cc-by"
    assert ds["kode_wilayah"] == "11.71"
    assert ds["walidata"] == "Dinas Komunikasi, Informatika dan Statistik Kota Banda Aceh"
    assert ds["tahun"] == "2019-2021, 2024"


@pytest.mark.parametrize("field, value", [
    ("frekuensi", "kadang-kadang"), ("cakupan", "provinsi"), ("kode_wilayah", "11.72"),
    ("tahun", "dua ribu"), ("tahun", "2025-2020"), ("maintainer_email", "bukan surel"),
])
def test_bad_metadata_is_refused_naming_the_field(steward_ctx, skpd_org, field, value):
    org = skpd_org(name="disdukcapil")
    with pytest.raises(tk.ValidationError) as exc:
        make(steward_ctx, org, "penduduk", **{field: value})
    assert field in exc.value.error_dict


def test_required_satu_data_fields(steward_ctx, skpd_org):
    org = skpd_org(name="disdukcapil")
    with pytest.raises(tk.ValidationError) as exc:
        call_action("package_create", dict(steward_ctx), name="x1", title="X", owner_org=org["id"])
    assert {"notes", "frekuensi", "cakupan", "tahun"} <= set(exc.value.error_dict)


def test_facets_for_skpd_frequency_coverage_and_year(steward_ctx, skpd_org, app, search_backend):
    dinkes, dishub = skpd_org(name="dinkes"), skpd_org(name="dishub")
    make(steward_ctx, dinkes, "imunisasi", frekuensi="bulanan", cakupan="gampong", tahun="2023-2024")
    make(steward_ctx, dinkes, "puskesmas", frekuensi="tahunan", cakupan="kecamatan", tahun="2024")
    make(steward_ctx, dishub, "angkutan", frekuensi="tahunan", cakupan="kota", tahun="2022")

    result = call_action("package_search", q="*:*", rows=0,
                         **{"facet.field": '["organization", "frekuensi", "cakupan", "vocab_tahun"]'})
    facets = result["facets"]
    assert facets["organization"] == {"dinkes": 2, "dishub": 1}
    assert facets["frekuensi"] == {"bulanan": 1, "tahunan": 2}
    assert facets["cakupan"] == {"gampong": 1, "kecamatan": 1, "kota": 1}
    assert facets["vocab_tahun"] == {"2022": 1, "2023": 1, "2024": 2}

    in_2024 = call_action("package_search", fq='vocab_tahun:"2024" AND frekuensi:tahunan')
    assert [d["name"] for d in in_2024["results"]] == ["puskesmas"]

    # the search page offers the same facets, in Indonesian, and filters by them
    page = app.get("/dataset/", params={"vocab_tahun": "2024"}).body
    assert "Produsen Data (SKPD)" in page and "Frekuensi Penerbitan" in page
    assert "Cakupan Wilayah" in page and "Tahun" in page
    assert 'href="/dataset/imunisasi"' in page and 'href="/dataset/puskesmas"' in page
    assert 'href="/dataset/angkutan"' not in page
    # facet values show the schema's labels, not the stored codes
    labels = re.findall(r'<span class="item-label">([^<]+)</span>', page)
    assert {"Tahunan", "Bulanan", "Gampong", "Kecamatan"} <= set(labels)
    assert not {"tahunan", "bulanan", "gampong"} & set(labels)
