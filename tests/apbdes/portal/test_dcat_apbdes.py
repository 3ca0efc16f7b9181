"""Every field of an APBG dataset through the DCAT profile and back (our own peer)."""
from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.namespace import Namespace

import ckan.plugins.toolkit as tk

from ckanext.dcat.processors import RDFParser

from .conftest import FIXTURES, KAMPUNG_BARU, run_import

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")
SD = Namespace("https://data.bandaacehkota.go.id/ns/satudata#")
CORE = {"title", "name", "notes", "tag_string", "license_id", "owner_org"}


def test_every_budget_field_survives_dcat(app, operator):
    operator()
    result = run_import(None, FIXTURES / "penjabaran.xlsx", gampong=KAMPUNG_BARU, tahun=2025,
                        nomor_peraturan="3 Tahun 2024", tanggal_peraturan="2024-12-30")
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": result["dataset"]["name"]})
    schema = tk.h.scheming_get_dataset_schema("apbdes")
    fields = [f["field_name"] for f in schema["dataset_fields"] if f["field_name"] not in CORE]
    filled = [f for f in fields if pkg.get(f) not in (None, "")]
    assert {"total_belanja", "belanja_bidang_02", "pendapatan_sumber_dana", "tahun_anggaran"} <= set(filled)

    ttl = app.get(f"/dataset/{pkg['name']}.ttl").body
    g = Graph().parse(data=ttl, format="turtle")
    written = {str(p)[len(str(SD)):] for p in g.predicates() if str(p).startswith(str(SD))}
    assert set(filled) - {"kode_wilayah"} <= written  # kode_wilayah goes to dct:spatial

    parser = RDFParser()
    parser.parse(ttl, _format="turtle")
    back = next(parser.datasets())
    assert back["type"] == "apbdes"
    for field in filled:
        assert str(back.get(field)) == str(pkg[field]), field
