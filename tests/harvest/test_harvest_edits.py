"""Issue 9.3/9.4: hand edits of harvested datasets. Fields the source sets are read-only (API and
form, with the source link); fields it does not set stay editable and survive re-harvests; the
harvested files and tables are written by the harvester only (real HTTP server, CKAN, tokens)."""
from __future__ import annotations

from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from .test_harvest import entry

pytestmark = pytest.mark.usefixtures("portal")

NAME = "imunisasi-2024"


def api(app: Any, user: dict[str, Any], action: str, status: int | None = None, **data: Any) -> Any:
    token = factories.APIToken(user=user["name"])["token"]
    kw = {"status": status} if status else {}
    return app.post(f"/api/3/action/{action}", json=data, headers={"Authorization": token}, **kw)


@pytest.fixture
def harvested(harvest: Any, server: Any) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    server.put("imunisasi.xlsx")
    src = harvest.source([entry(server, "files/imunisasi.xlsx", NAME, title="Cakupan Imunisasi 2024",
                                tags=["imunisasi"], satuan="bayi")])
    assert harvest.run(src).created == 1
    editor = factories.User()
    tk.get_action("organization_member_create")(harvest.context(), {
        "id": harvest.org["id"], "username": editor["name"], "role": "editor"})
    return src, editor, harvest.dataset(NAME)


@pytest.mark.parametrize("field, value", [("title", "Judul Saya"), ("satuan", "anak"), ("name", "imunisasi-lain"),
                                          ("tag_string", "vaksin")])
def test_a_field_the_source_sets_cannot_be_edited_by_hand(app, harvest, server, harvested, field, value):
    src, editor, ds = harvested
    resp = api(app, editor, "package_patch", status=409, id=ds["id"], **{field: value})
    message = resp.json["error"][field][0]
    assert "sumber" in message and server.url("files/imunisasi.xlsx") in message
    after = harvest.dataset(ds["id"])
    assert (after["name"], after["title"], after["satuan"]) == (NAME, "Cakupan Imunisasi 2024", "bayi")


def test_a_free_field_edited_by_hand_survives_a_reharvest_of_a_changed_file(app, harvest, server, harvested):
    src, editor, ds = harvested
    api(app, editor, "package_patch", id=ds["id"], maintainer="Cut Nyak Dhien",
        maintainer_email="cut@dinkes.example", kode_referensi="SDG-3.b.1")
    extra = api(app, editor, "resource_create", package_id=ds["id"], url="https://dinkes.example/metode.pdf",
                name="Metodologi", format="PDF").json["result"]

    server.put("imunisasi.xlsx", "imunisasi-v2.xlsx")  # the source file changes
    assert harvest.run(src).updated == 1
    after = harvest.dataset(NAME)
    assert (after["maintainer"], after["maintainer_email"], after["kode_referensi"]) == \
        ("Cut Nyak Dhien", "cut@dinkes.example", "SDG-3.b.1")
    assert after["title"] == "Cakupan Imunisasi 2024" and [t["name"] for t in after["tags"]] == ["imunisasi"]
    assert extra["id"] in [r["id"] for r in after["resources"]]
    assert after["metadata_modified"] > ds["metadata_modified"]


def test_the_edit_form_shows_source_fields_read_only_with_the_source_link(app, server, harvested):
    src, editor, ds = harvested
    token = factories.APIToken(user=editor["name"])["token"]
    html = app.get(f"/dataset/edit/{NAME}", headers={"Authorization": token}).get_data(as_text=True)
    assert 'name="title"' not in html and 'name="satuan"' not in html
    assert server.url("files/imunisasi.xlsx") in html and "Cakupan Imunisasi 2024" in html
    assert 'name="maintainer"' in html  # not set by the source: editable


def test_harvested_tables_are_written_by_the_harvester_only(app, harvest, harvested):
    src, editor, ds = harvested
    table = next(r for r in ds["resources"] if r.get("datastore_active"))
    before = harvest.records(table["id"])
    resp = api(app, editor, "datastore_upsert", status=403, resource_id=table["id"], method="insert",
               force=True, records=[{"Kecamatan": "Palsu"}])
    assert "panen" in resp.json["error"]["message"]
    api(app, editor, "datastore_delete", status=403, resource_id=table["id"], force=True)
    api(app, editor, "resource_patch", status=403, id=table["id"], url="http://example.com/lain.csv")
    assert harvest.records(table["id"]) == before
