"""A vanilla CKAN harvests our /catalog.ttl with ckanext-dcat's RDF harvester, then sees a deletion."""
from __future__ import annotations

import json

import pytest

from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("portal")

FREQ = "http://publications.europa.eu/resource/authority/frequency/"


def _harvest(peer, source: str) -> None:
    # ckanext-harvest 1.6.3 on CKAN 2.12 indexes a source unvalidated after each job, and
    # run-test then misses its source_type (our portal re-validates it, a vanilla peer cannot):
    # index the source afresh first, as its operator would.
    peer.ckan("search-index", "rebuild", source)
    peer.ckan("harvester", "run-test", source)


def _peer_datasets(peer) -> dict[str, dict]:
    found = peer.action("package_search", {"q": "*:*", "rows": 100})["results"]
    return {d["title"]: d for d in found}


def test_a_vanilla_ckan_harvests_our_catalog_and_follows_a_deletion(skpd_org, satu_data, our_server, peer):
    org = skpd_org(name="dinkes", title="Dinas Kesehatan")
    ctx = {"user": factories.Sysadmin()["name"]}
    kept = call_action("package_create", ctx, name="kasus-dbd", title="Kasus DBD per Kecamatan",
                       owner_org=org["id"], license_id="cc-by", tag_string="dbd,kesehatan",
                       **dict(satu_data, frekuensi="bulanan", tahun="2019-2024", kode_wilayah="11.71.07"))
    call_action("resource_create", ctx, package_id=kept["id"], url="http://example.org/dbd.csv",
                name="Kasus DBD (CSV)", format="CSV")
    gone = call_action("package_create", ctx, name="puskesmas", title="Daftar Puskesmas", owner_org=org["id"],
                       license_id="odc-odbl", **satu_data)
    # DCAT-AP puts the licence on distributions: a dataset without any carries none (see README)
    call_action("resource_create", ctx, package_id=gone["id"], url="http://example.org/puskesmas.xlsx",
                name="Puskesmas (XLSX)", format="XLSX")

    # one peer process for both (the source names its organisation by name)
    peer_org, source = peer.actions(
        ("organization_create", {"name": "banda-aceh", "title": "Portal Banda Aceh"}),
        ("harvest_source_create", {
            "name": "banda-aceh", "title": "Portal Satu Data Banda Aceh", "url": our_server + "/catalog.ttl",
            "source_type": "dcat_rdf", "config": json.dumps({"rdf_format": "turtle"}), "owner_org": "banda-aceh"}))
    assert source["owner_org"] == peer_org["id"]
    _harvest(peer, "banda-aceh")

    got = _peer_datasets(peer)
    assert sorted(got) == ["Daftar Puskesmas", "Kasus DBD per Kecamatan"]
    d = got["Kasus DBD per Kecamatan"]
    extras = {e["key"]: e["value"] for e in d.get("extras", [])}
    assert d["notes"] == satu_data["notes"]
    assert sorted(t["name"] for t in d["tags"]) == ["dbd", "kesehatan"]
    assert d["license_id"] == "cc-by" and got["Daftar Puskesmas"]["license_id"] == "odc-odbl"
    assert extras["frequency"] == FREQ + "MONTHLY"
    assert (extras["temporal_start"][:10], extras["temporal_end"][:10]) == ("2019-01-01", "2024-12-31")
    assert extras["spatial_uri"] == "http://test.ckan.net/wilayah/11.71.07"
    assert extras.get("contact_name") or extras.get("contact_email")  # a contact point for every dataset
    res = d["resources"]
    assert [r["url"] for r in res] == ["http://example.org/dbd.csv"] and res[0]["name"] == "Kasus DBD (CSV)"
    # DCAT-AP 3 vocabularies, as a vanilla CKAN keeps them (our own profile reads them back as CSV/text/csv)
    assert res[0]["format"] == "http://publications.europa.eu/resource/authority/file-type/CSV"
    assert res[0]["mimetype"] == "https://www.iana.org/assignments/media-types/text/csv"
    assert res[0]["license"] == "http://www.opendefinition.org/licenses/cc-by"

    call_action("package_delete", ctx, id=gone["id"])
    _harvest(peer, "banda-aceh")
    assert sorted(_peer_datasets(peer)) == ["Kasus DBD per Kecamatan"]
