"""Issue 9.2 and 9.3: a budget is found by its identity, its name cannot be squatted or changed,
and its managed files and DataStore table are written only by the import (real API, tokens)."""
from __future__ import annotations

import io
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

from .conftest import FIXTURES, KAMPUNG_BARU, NEUSU_JAYA, run_import

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")

NAME = "apbg-kampung-baru-2025-murni"


def api(app: Any, user: dict[str, Any], action: str, status: int | None = None, **data: Any) -> Any:
    token = factories.APIToken(user=user["name"])["token"]
    kw = {"status": status} if status else {}
    return app.post(f"/api/3/action/{action}", json=data, headers={"Authorization": token}, **kw)


def show(name: str) -> dict[str, Any]:
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": name})


def lines_of(pkg: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in pkg["resources"] if r.get("apbdes_role") == "lines")


def count(resource_id: str) -> int:
    return tk.get_action("datastore_search")({"ignore_auth": True},
                                             {"resource_id": resource_id, "limit": 0})["total"]


# --------------------------------------------------------------------------- 9.2 names

@pytest.mark.parametrize("name", [NAME, "apbg-neusu-jaya-2026-perubahan", "apbg-x"])
def test_an_ordinary_dataset_cannot_take_a_budget_name(app, skpd_org, satu_data, name):
    user = factories.User()
    org = skpd_org(users=[{"name": user["name"], "capacity": "editor"}])
    resp = api(app, user, "package_create", status=409, name=name, title="Squat", owner_org=org["id"],
               **satu_data)
    assert "apbg-" in resp.json["error"]["name"][0]
    renamed = api(app, user, "package_create", name="data-biasa", title="Biasa", owner_org=org["id"],
                  **satu_data).json["result"]
    resp = api(app, user, "package_patch", status=409, id=renamed["id"], name=name)
    assert "apbg-" in resp.json["error"]["name"][0]


def test_a_harvest_entry_cannot_take_a_budget_name():
    from ckanext.bandaaceh.harvest.config import ConfigError, validate_entry
    from ckanext.bandaaceh.harvest.plugin import schema_rules

    with pytest.raises(ConfigError) as exc:
        validate_entry({"url": "https://dinkes.example/a.xlsx", "name": NAME, "title": "A", "notes": "n",
                        "frekuensi": "tahunan", "cakupan": "kota", "tahun": "2024"}, {}, schema_rules(),
                       google_base="https://docs.google.com/spreadsheets")
    assert "apbg-" in " ".join(exc.value.errors)


def test_a_harvest_source_cannot_take_a_budget_name(skpd_org):
    org = skpd_org()
    with pytest.raises(tk.ValidationError) as exc:
        call_action("harvest_source_create", {"user": factories.Sysadmin()["name"], "ignore_auth": False},
                    name=NAME, title="Squat", url="http://127.0.0.1/x", source_type="bandaaceh_spreadsheet",
                    owner_org=org["id"], config='{"entries": []}')
    assert "apbg-" in str(exc.value.error_dict)


def test_a_budget_cannot_be_renamed(app, operator):
    org, user = operator(capacity="admin")
    run_import(user["name"], FIXTURES / "penjabaran.xlsx", gampong=org["name"], tahun=2025)
    resp = api(app, user, "package_patch", status=409, id=NAME, name="anggaran-kami")
    assert "tidak dapat diubah" in resp.json["error"]["name"][0]
    resp = api(app, user, "package_patch", status=409, id=NAME, name="apbg-kampung-baru-2024-murni")
    assert NAME == show(NAME)["name"]
    # the form leaves the name out: the rest of the metadata is still editable
    ok = api(app, user, "package_patch", id=NAME, notes="Ditetapkan dalam musyawarah gampong.")
    assert ok.json["result"]["name"] == NAME


def test_budget_is_found_by_identity_not_by_name(operator):
    """A budget renamed before this rule (or by a sysadmin) is still replaced, not duplicated."""
    org, user = operator()
    first = run_import(user["name"], FIXTURES / "penjabaran.xlsx", gampong=org["name"], tahun=2025)
    sysadmin = factories.Sysadmin()
    call_action("package_patch", {"user": sysadmin["name"], "ignore_auth": False},
                id=first["dataset"]["id"], name="apbg-kampung-baru-2025-murni-lama")
    again = run_import(user["name"], FIXTURES / "penjabaran.xlsx", gampong=org["name"], tahun=2025)
    assert again["replaced"] and again["dataset"]["id"] == first["dataset"]["id"]
    found = tk.get_action("package_search")({"ignore_auth": True}, {"fq": "dataset_type:apbdes"})
    assert found["count"] == 1


def test_a_name_squatted_before_the_rule_does_not_block_the_gampong(operator, skpd_org, satu_data):
    """A legacy squatter (written straight to the database) cannot stop the gampong publishing."""
    from ckan import model

    squat = factories.Dataset(owner_org=skpd_org()["id"], name="squat", **satu_data)
    model.Session.query(model.Package).filter_by(id=squat["id"]).update({"name": NAME})
    model.Session.commit()
    org, user = operator()
    result = run_import(user["name"], FIXTURES / "penjabaran.xlsx", gampong=org["name"], tahun=2025)
    assert result["published"]
    pkg = result["dataset"]
    assert pkg["type"] == "apbdes" and pkg["owner_org"] == org["id"] and pkg["name"].startswith(NAME)
    assert show(squat["id"])["type"] == "dataset"  # the squatter is left alone


# --------------------------------------------------------------------------- 9.3 managed data

@pytest.fixture
def published(operator) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    org, user = operator(capacity="admin")
    result = run_import(user["name"], FIXTURES / "penjabaran.xlsx", gampong=org["name"], tahun=2025)
    return org, user, result["dataset"]


@pytest.mark.parametrize("action, data", [
    ("resource_update", lambda res: {"id": res["id"], "url": "http://example.com/lain.csv", "name": "x"}),
    ("resource_patch", lambda res: {"id": res["id"], "description": "diubah"}),
    ("resource_delete", lambda res: {"id": res["id"]}),
    ("resource_create", lambda res: {"package_id": res["package_id"], "url": "http://example.com/a.csv",
                                     "name": "tambahan"}),
    ("datastore_upsert", lambda res: {"resource_id": res["id"], "method": "insert", "force": True,
                                      "records": [{"kode_rekening": "4.1.1", "anggaran": "999999999"}]}),
    ("datastore_delete", lambda res: {"resource_id": res["id"], "force": True,
                                      "filters": {"kode_rekening": "4.1.1"}}),
    ("datastore_records_delete", lambda res: {"resource_id": res["id"], "force": True, "filters": {}}),
    ("datastore_create", lambda res: {"resource_id": res["id"], "force": True,
                                      "records": [{"kode_rekening": "9.9.9"}]}),
])
def test_gampong_admin_cannot_write_the_managed_files_or_table(app, published, action, data):
    org, user, pkg = published
    lines = lines_of(pkg)
    before_rows, before = count(lines["id"]), show(NAME)
    resp = api(app, user, action, status=403, **data(lines))
    assert "impor" in resp.json["error"]["message"], resp.json
    assert count(lines["id"]) == before_rows
    after = show(NAME)
    assert [(r["id"], r["url"], r.get("description")) for r in after["resources"]] == \
        [(r["id"], r["url"], r.get("description")) for r in before["resources"]]


def test_package_update_cannot_swap_the_managed_resources(app, published):
    org, user, pkg = published
    resources = [dict(r) for r in pkg["resources"]]
    assert resources[0]["apbdes_role"] == "lines"
    resources[0].update(url="http://example.com/palsu.csv", url_type="")  # the lines become a link
    resp = api(app, user, "package_patch", status=409, id=pkg["id"], resources=resources)
    assert "resources" in resp.json["error"]
    resp = api(app, user, "package_patch", status=409, id=pkg["id"], resources=pkg["resources"][1:])
    assert "resources" in resp.json["error"]
    added = [*pkg["resources"], {"url": "http://example.com/tambahan.csv", "name": "tambahan"}]
    resp = api(app, user, "package_patch", status=409, id=pkg["id"], resources=added)
    assert "resources" in resp.json["error"]
    assert show(NAME)["resources"] == pkg["resources"]


def test_the_import_and_sysadmins_still_write_them(app, published):
    org, user, pkg = published
    again = run_import(user["name"], FIXTURES / "penjabaran.xlsx", gampong=org["name"], tahun=2025)
    assert again["replaced"]
    sysadmin = factories.Sysadmin()
    api(app, sysadmin, "resource_patch", id=lines_of(pkg)["id"], description="dikoreksi admin")
    assert lines_of(show(NAME))["description"] == "dikoreksi admin"


# --------------------------------------------------------------------------- published stays published

def test_unpublish_cannot_hide_a_published_budget(app, published):
    """CKAN's "Unpublish" (``state: draft``) would take a budget out of search and the transparency
    page without a trace: its edit form has no such button, and the state sent anyway is ignored."""
    org, user, pkg = published
    token = factories.APIToken(user=user["name"])["token"]
    form = app.get(f"/apbdes/edit/{NAME}", headers={"Authorization": token}).get_data(as_text=True)
    assert 'name="save"' in form and "go-metadata-unpublish" not in form
    api(app, user, "package_patch", id=pkg["id"], state="draft", notes="Catatan operator")
    after = show(NAME)
    assert (after["state"], after["notes"]) == ("active", "Catatan operator")
    found = tk.get_action("package_search")({"ignore_auth": True}, {"fq": f'name:"{NAME}"'})["results"]
    assert [d["state"] for d in found] == ["active"]
    sysadmin = factories.Sysadmin()
    api(app, sysadmin, "package_delete", id=pkg["id"])  # withdrawing a budget is a deletion, in the activity stream
    assert show(NAME)["state"] == "deleted"
