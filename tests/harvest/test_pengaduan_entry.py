"""A complaint channel's export harvested on a schedule (entry kind ``pengaduan`` of
``harvesters/*.yaml``): served over real HTTP on loopback (the fixture server, http.server in a
thread), fetched by the SSRF-safe fetch and imported by ``pengaduan_import`` through the real
ckanext-harvest gather/fetch/import stages. Personal data are refused unless the entry names the
columns to drop; the figures are the hand-counted ones of ``tests/pengaduan/cases.py``."""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh.harvest.config import ConfigError, Rules, parse_config
from ckanext.bandaaceh.harvest.sources import run_source
from tests.pengaduan.cases import AUGUST, HEADER, JULY

pytestmark = pytest.mark.usefixtures("clean_datastore")
NAME = "pengaduan-suwarga-2025"


def source(harness: Any, org: dict[str, Any], entry: dict[str, Any], name: str = "pengaduan-suwarga") -> dict[str, Any]:
    return tk.get_action("harvest_source_create")(harness.context(), {
        "name": name, "title": "Ekspor SUWARGA", "url": entry["pengaduan"], "source_type": "bandaaceh_spreadsheet",
        "owner_org": org["id"], "config": json.dumps({"entries": [entry]})})


def rincian(name: str) -> list[dict[str, Any]]:
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": name})
    res = next(r for r in pkg["resources"] if r["pengaduan_role"] == "rincian")
    return tk.get_action("datastore_search")({"ignore_auth": True}, {"resource_id": res["id"], "sort": "_id"})["records"]


def test_export_url_harvested_refused_for_personal_data_then_published(harvest, server, skpd_org, xlsx_export):
    kominfo = skpd_org(name="diskominfotik", title="Diskominfotik")
    server.put("suwarga.xlsx", xlsx_export(HEADER, JULY + AUGUST))
    entry = {"pengaduan": server.url("files/suwarga.xlsx"), "kanal": "suwarga"}
    src = source(harvest, kominfo, entry)

    report = run_source(src["name"])
    assert report.failed == 1
    error = report.objects[0].errors[0]
    assert "'Nama Pelapor' (nama)" in error and "suwarga.xlsx" in error
    with pytest.raises(tk.ObjectNotFound):
        harvest.dataset(NAME)

    tk.get_action("harvest_source_patch")(harvest.context(), {"id": src["id"], "config": json.dumps(
        {"entries": [dict(entry, buang_kolom=["Nama Pelapor"])]})})
    report = run_source(src["name"])
    assert (report.failed, report.created + report.updated) == (0, 1), report.summary()
    pkg = harvest.dataset(NAME)
    assert (pkg["kanal"], pkg["bulan_terakhir"], pkg["owner_org"]) == ("suwarga", "2025-08", kominfo["id"])
    july = next(r for r in rincian(NAME) if r["periode"] == "2025-07")
    assert (july["jumlah"], Decimal(str(july["median_hari_respon"])), july["p90_hari_selesai"]) == (3, Decimal(3), 10)
    assert not any(n in json.dumps(rincian(NAME)) + json.dumps(pkg) for n in ("Teuku A", "Cut B", "Nyak C", "Ampon D"))
    assert len([h for h in server.hits("/files/suwarga.xlsx")]) == 2

    # the same export again: a conditional request, answered 304, writes nothing
    modified = pkg["metadata_modified"]
    report = run_source(src["name"])
    assert report.unchanged == 1 and harvest.dataset(NAME)["metadata_modified"] == modified
    assert server.hits("/files/suwarga.xlsx")[-1][1].get("If-None-Match")

    # August closes: the new export replaces the months it carries
    closed = [AUGUST[0][:5] + ["Selesai", AUGUST[0][6], AUGUST[0][6]]]
    server.put("suwarga.xlsx", xlsx_export(HEADER, JULY + closed))
    assert run_source(src["name"]).updated == 1
    august = [r for r in rincian(NAME) if r["periode"] == "2025-08"]
    assert [(r["status"], r["jumlah"]) for r in august] == [("selesai", 1)]


def test_only_a_source_of_the_channel_organisation_publishes_it(harvest, server, skpd_org, xlsx_export):
    skpd_org(name="diskominfotik", title="Diskominfotik")
    server.put("suwarga.xlsx", xlsx_export(HEADER, JULY))
    entry = {"pengaduan": server.url("files/suwarga.xlsx"), "kanal": "suwarga", "buang_kolom": "Nama Pelapor"}
    report = run_source(source(harvest, harvest.org, entry)["name"])  # owned by Dinas Kesehatan
    assert report.failed == 1 and "dikelola Diskominfotik" in report.objects[0].errors[0]
    with pytest.raises(tk.ObjectNotFound):
        harvest.dataset(NAME)


@pytest.mark.parametrize("entry,message", [
    ({"pengaduan": "https://suwarga.example/x.xlsx", "kanal": "suwarg"},
     "entri ke-1 (https://suwarga.example/x.xlsx): kolom 'kanal': 'suwarg' bukan kanal yang dikenal (maksudnya 'suwarga'?)"),
    ({"pengaduan": "ftp://suwarga.example/x.xlsx", "kanal": "suwarga"}, "kolom 'pengaduan': harus berupa URL"),
    ({"pengaduan": "https://suwarga.example/x.xlsx", "kanal": "suwarga", "periode": "Juli"},
     "kolom 'periode': 'Juli' bukan bulan YYYY-MM"),
    ({"pengaduan": "https://suwarga.example/x.xlsx", "kanal": "suwarga", "title": "x"}, "kolom 'title' tidak dikenal"),
    ({"pengaduan": "https://suwarga.example/x.xlsx", "url": "https://suwarga.example/x.xlsx", "kanal": "suwarga"},
     "isi tepat satu dari kolom 'url'"),
])
def test_a_bad_complaint_entry_is_refused_naming_the_field(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        parse_config({"entries": [entry]}, Rules(choices={"kanal": ["lapor", "suwarga", "sms-lpm"]}),
                     google_base="https://docs.google.com/spreadsheets")
    assert message in str(exc.value)
