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
    period = g.value(ref, DCTERMS.temporal)
    assert (str(g.value(period, DCAT.startDate)), str(g.value(period, DCAT.endDate))) == ("2019-01-01", "2024-12-31")
    location = next(loc for loc in g.objects(ref, DCTERMS.spatial) if g.value(loc, DCTERMS.identifier))
    assert str(g.value(location, DCTERMS.identifier)) == "11.71.07.2005"

    parser = RDFParser()
    parser.parse(ttl, _format="turtle")
    parsed = next(parser.datasets())
    assert parsed["frekuensi"] == "semesteran"
    assert parsed["kode_wilayah"] == "11.71.07.2005"
