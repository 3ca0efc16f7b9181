"""DCAT output of a Satu Data dataset, and reading it back (ckanext-dcat, real CKAN)."""
from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, Namespace

from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.dcat.processors import RDFParser

pytestmark = pytest.mark.usefixtures("portal")
DCAT = Namespace("http://www.w3.org/ns/dcat#")


def test_frequency_years_and_area_in_dcat_and_back(app, skpd_org):
    org = skpd_org(name="disdukcapil")
    ctx = {"user": factories.Sysadmin()["name"]}
    ds = call_action("package_create", ctx, name="penduduk-lam-ara", title="Penduduk Lam Ara",
                     owner_org=org["id"], notes="Data", frekuensi="semesteran", cakupan="gampong",
                     kode_wilayah="11.71.07.2005", tahun="2019-2021, 2024")

    ttl = app.get(f"/dataset/{ds['name']}.ttl").body
    g = Graph().parse(data=ttl, format="turtle")
    ref = next(g.subjects(DCTERMS.identifier, None))
    assert g.value(ref, DCTERMS.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/ANNUAL_2")
    periods = sorted((str(g.value(p, DCAT.startDate)), str(g.value(p, DCAT.endDate)))
                     for p in g.objects(ref, DCTERMS.temporal))  # one period per range: lossless
    assert periods == [("2019-01-01", "2021-12-31"), ("2024-01-01", "2024-12-31")]
    location = next(loc for loc in g.objects(ref, DCTERMS.spatial) if g.value(loc, DCTERMS.identifier))
    assert str(g.value(location, DCTERMS.identifier)) == "11.71.07.2005"

    parser = RDFParser()
    parser.parse(ttl, _format="turtle")
    parsed = next(parser.datasets())
    assert parsed["frekuensi"] == "semesteran"
    assert parsed["kode_wilayah"] == "11.71.07.2005"


# --------------------------------------------------------------------------- lossless, both ways
SD = Namespace("https://data.bandaacehkota.go.id/ns/satudata#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
FIELDS = {"frekuensi": "bulanan", "cakupan": "gampong", "kode_wilayah": "11.71.07.2005",
          "tahun": "2019-2021, 2024", "periode": "Januari - Desember", "satuan": "jiwa",
          "kode_referensi": "SDG 3.2.1", "walidata": "Diskominfotik Kota Banda Aceh"}


def _full_dataset(skpd_org):
    org = skpd_org(name="disdukcapil", walidata_nama="Bidang Statistik", walidata_email="statistik@bandaacehkota.go.id")
    ctx = {"user": factories.Sysadmin()["name"]}
    ds = call_action("package_create", ctx, name="penduduk-lam-ara", title="Penduduk Lam Ara", owner_org=org["id"],
                     notes="Jumlah penduduk", license_id="cc-by", tag_string="penduduk,gampong", **FIELDS)
    call_action("resource_create", ctx, package_id=ds["id"], url="http://example.org/penduduk.csv",
                name="Penduduk (CSV)", format="CSV", hash="a" * 64)
    return call_action("package_show", ctx, id=ds["id"])


def test_every_satu_data_field_is_written_and_read_back(app, skpd_org):
    ds = _full_dataset(skpd_org)
    ttl = app.get(f"/dataset/{ds['name']}.ttl").body
    g = Graph().parse(data=ttl, format="turtle")
    ref = next(g.subjects(DCTERMS.identifier, None))
    for field in ("cakupan", "periode", "satuan", "kode_referensi", "walidata"):
        assert str(g.value(ref, SD[field])) == FIELDS[field], field
    periods = sorted((str(g.value(p, DCAT.startDate)), str(g.value(p, DCAT.endDate)))
                     for p in g.objects(ref, DCTERMS.temporal))
    assert periods == [("2019-01-01", "2021-12-31"), ("2024-01-01", "2024-12-31")]
    area = URIRef("http://test.ckan.net/wilayah/11.71.07.2005")
    assert (ref, DCTERMS.spatial, area) in g and str(g.value(area, DCTERMS.identifier)) == "11.71.07.2005"
    dist = g.value(ref, DCAT.distribution)
    assert g.value(dist, DCTERMS.license) is not None  # every distribution carries the licence
    assert g.value(dist, DCTERMS["format"]) == URIRef("http://publications.europa.eu/resource/authority/file-type/CSV")
    assert g.value(dist, DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/text/csv")
    checksum = g.value(dist, SPDX.checksum)
    assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    contact = g.value(ref, DCAT.contactPoint)  # no maintainer: the walidata contact of the SKPD
    assert contact is not None and str(g.value(contact, Namespace("http://www.w3.org/2006/vcard/ns#").hasEmail)) \
        == "mailto:statistik@bandaacehkota.go.id"

    parser = RDFParser()
    parser.parse(ttl, _format="turtle")
    parsed = next(parser.datasets())
    for field, value in FIELDS.items():
        assert parsed.get(field) == value, field
    assert parsed["license_id"] == "cc-by"
    assert parsed["resources"][0]["format"] == "CSV" and parsed["resources"][0]["mimetype"] == "text/csv"


def test_catalog_has_a_publisher_and_a_contact_point(app, skpd_org):
    _full_dataset(skpd_org)
    g = Graph().parse(data=app.get("/catalog.ttl").body, format="turtle")
    catalog = next(g.subjects(None, DCAT.Catalog))
    publisher = g.value(catalog, DCTERMS.publisher)
    assert publisher is not None
    assert str(g.value(publisher, Namespace("http://xmlns.com/foaf/0.1/").name)).startswith("Dinas Komunikasi")
    assert g.value(catalog, DCAT.contactPoint) is not None


def test_area_iri_resolves_to_a_page_listing_its_datasets(app, skpd_org):
    ds = _full_dataset(skpd_org)
    page = app.get("/wilayah/11.71.07.2005").body
    assert "Gampong Lam Ara" in page and f'href="/dataset/{ds["name"]}"' in page
    kecamatan = app.get("/wilayah/11.71.07").body
    assert 'href="/wilayah/11.71.07.2005"' in kecamatan and f'href="/dataset/{ds["name"]}"' not in kecamatan
    app.get("/wilayah/99.99", status=404)
