"""No DataStore field id we make starts with a formula prefix: CKAN writes the ids as the dump's
header row unchanged (security/dump.py). Pure: the harvester's ids from spreadsheet headers."""
from __future__ import annotations

from decimal import Decimal

from ckanext.bandaaceh.harvest.publish import datastore_fields
from ckanext.bandaaceh.spreadsheet import Column, Table


def test_harvested_headers_lose_their_formula_prefix_in_the_field_id_not_in_the_label():
    table = Table(sheet="S", columns=[Column("=SUM(A1)", "text"), Column("-5 tahun", "number"), Column("+", "text"),
                                      Column("Jumlah", "number")], rows=[["a", Decimal(1), "b", Decimal(2)]],
                  source_rows=[2])
    fields = datastore_fields(table)
    assert [f["id"] for f in fields] == ["SUM(A1)", "5 tahun", "kolom", "Jumlah"]
    assert [f["info"]["label"] for f in fields] == ["=SUM(A1)", "-5 tahun", "+", "Jumlah"]
