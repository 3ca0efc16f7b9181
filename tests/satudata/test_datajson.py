"""``/data.json`` (Project Open Data 1.1 plus Satu Data) read field by field as a harvester would."""
from __future__ import annotations

import json

import pytest

from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.bandaaceh.satudata import datajson

pytestmark = pytest.mark.usefixtures("portal")


def test_data_json_has_every_pod_field_and_the_satu_data_extras(app, skpd_org, satu_data):
    org = skpd_org(name="dinkes", title="Dinas Kesehatan", walidata_email="data@dinkes.example")
    ctx = {"user": factories.Sysadmin()["name"]}
    satu_data.update(tahun="2019-2021, 2024", kode_wilayah="11.71.07", frekuensi="triwulanan")
    ds = call_action("package_create", ctx, name="kasus-dbd", title="Kasus DBD", owner_org=org["id"],
                     license_id="cc-by", tag_string="dbd,kesehatan", **satu_data)
    call_action("resource_create", ctx, package_id=ds["id"], url="http://example.org/dbd.csv", name="DBD", format="CSV")
    call_action("package_create", ctx, name="rahasia", title="Rahasia", owner_org=org["id"], private=True, **satu_data)

    resp = app.get("/data.json")
    assert resp.headers["Content-Type"].startswith("application/json")
    doc = json.loads(resp.body)
    assert doc["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    assert [d["title"] for d in doc["dataset"]] == ["Kasus DBD"]  # private datasets never appear
    d = doc["dataset"][0]
    assert d["identifier"] == "http://test.ckan.net/dataset/kasus-dbd"
    assert d["description"] == satu_data["notes"] and sorted(d["keyword"]) == ["dbd", "kesehatan"]
    assert d["modified"] and d["publisher"] == {"@type": "org:Organization", "name": "Dinas Kesehatan"}
    assert d["contactPoint"]["hasEmail"] == "mailto:data@dinkes.example"
    assert d["accessLevel"] == "public" and d["license"] == "http://www.opendefinition.org/licenses/cc-by"
    assert d["spatial"] == "http://test.ckan.net/wilayah/11.71.07"
    assert d["temporal"] == "2019-01-01/2024-12-31" and d["accrualPeriodicity"] == "R/P3M"
    assert d["distribution"] == [{"@type": "dcat:Distribution", "title": "DBD", "downloadURL": "http://example.org/dbd.csv",
                                  "format": "CSV", "mediaType": "text/csv"}]
    extras = d["satudata"]
    assert (extras["tahun"], extras["cakupan"], extras["satuan"], extras["frekuensi"]) == \
        ("2019-2021, 2024", "kecamatan", "jiwa", "triwulanan")


def test_data_json_pages_through_more_datasets_than_one_search_page(app, skpd_org, satu_data, monkeypatch):
    org = skpd_org(name="dinkes")
    for i in range(5):
        factories.Dataset(owner_org=org["id"], name=f"tabel-{i}", **satu_data)
    monkeypatch.setattr(datajson, "PAGE", 2)
    doc = json.loads(app.get("/data.json").body)
    assert sorted(d["identifier"].rsplit("/", 1)[1] for d in doc["dataset"]) == [f"tabel-{i}" for i in range(5)]
