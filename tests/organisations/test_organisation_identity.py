"""Issue 9.1: an organisation's identity (jenis, kode_wilayah, kode_organisasi) is set by seeding
and sysadmins only, and area and organisation codes are unique (real CKAN, API tokens, web form)."""
from __future__ import annotations

from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("portal")

KAMPUNG_BARU, NEUSU_JAYA = "11.71.01.2001", "11.71.01.2002"


def _admin_of(org_kw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    user = factories.User()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "admin"}], **org_kw)
    return org, user


def _api(app: Any, user: dict[str, Any], action: str, **data: Any) -> Any:
    token = factories.APIToken(user=user["name"])["token"]
    return app.post(f"/api/3/action/{action}", json=data, headers={"Authorization": token})


@pytest.mark.parametrize("action", ["organization_patch", "organization_update"])
@pytest.mark.parametrize("field, value, org_kw", [
    ("kode_wilayah", NEUSU_JAYA, {"jenis": "gampong", "kode_wilayah": KAMPUNG_BARU}),
    ("jenis", "gampong", {"jenis": "dinas"}),
    ("kode_organisasi", "1.03.0.00.0.00.01.0000", {"jenis": "dinas", "kode_organisasi": "1.02.0.00.0.00.01.0000"}),
])
def test_org_admin_cannot_change_the_identity_of_their_organisation(app, action, field, value, org_kw):
    org, admin = _admin_of(org_kw)
    body = {"id": org["id"], field: value}
    if action == "organization_update":
        shown = call_action("organization_show", id=org["id"])
        body = {k: v for k, v in shown.items() if k not in ("users", "packages", "groups", "tags")}
        body[field] = value
        if field == "jenis":  # a consistent form: a gampong needs an area code
            body["kode_wilayah"] = KAMPUNG_BARU
    resp = _api(app, admin, action, **body)
    assert resp.status_code == 409, resp.body
    errors = resp.json["error"]
    assert field in errors, errors
    assert "admin portal" in errors[field][0]
    assert call_action("organization_show", id=org["id"])[field] == org_kw.get(field, "")


def test_org_admin_still_edits_the_other_fields_and_the_identity_is_kept(app):
    org, admin = _admin_of({"jenis": "gampong", "kode_wilayah": KAMPUNG_BARU})
    shown = call_action("organization_show", id=org["id"])
    body = {k: v for k, v in shown.items()
            if k not in ("users", "packages", "groups", "tags", "jenis", "kode_wilayah", "kode_organisasi")}
    body["kepala"] = "Keuchik Baru"
    resp = _api(app, admin, "organization_update", **body)  # identity fields left out entirely
    assert resp.status_code == 200, resp.body
    after = call_action("organization_show", id=org["id"])
    assert (after["kepala"], after["jenis"], after["kode_wilayah"]) == ("Keuchik Baru", "gampong", KAMPUNG_BARU)


def test_sysadmin_may_change_the_identity():
    org = factories.Organization(jenis="gampong", kode_wilayah=KAMPUNG_BARU)
    sysadmin = factories.Sysadmin()
    call_action("organization_patch", {"user": sysadmin["name"]}, id=org["id"], kode_wilayah=NEUSU_JAYA)
    assert call_action("organization_show", id=org["id"])["kode_wilayah"] == NEUSU_JAYA


def test_org_edit_form_shows_the_identity_read_only_and_ignores_a_forged_value(app):
    org, admin = _admin_of({"jenis": "gampong", "kode_wilayah": KAMPUNG_BARU})
    env = {"Authorization": factories.APIToken(user=admin["name"])["token"]}
    page = app.get(f"/organization/edit/{org['name']}", headers=env)
    assert page.status_code == 200
    html = page.body
    assert 'name="kode_wilayah"' not in html and 'name="jenis"' not in html
    assert KAMPUNG_BARU in html and "hanya dapat diubah oleh admin portal" in html
    sysadmin = factories.Sysadmin()
    sys_env = {"Authorization": factories.APIToken(user=sysadmin["name"])["token"]}
    assert 'name="kode_wilayah"' in app.get(f"/organization/edit/{org['name']}", headers=sys_env).body


@pytest.mark.parametrize("field, first, second", [
    ("kode_wilayah", {"jenis": "gampong", "kode_wilayah": KAMPUNG_BARU},
     {"jenis": "gampong", "kode_wilayah": KAMPUNG_BARU}),
    ("kode_organisasi", {"jenis": "dinas", "kode_organisasi": "1.02.0.00.0.00.01.0000"},
     {"jenis": "badan", "kode_organisasi": "1.02.0.00.0.00.01.0000"}),
])
def test_two_organisations_never_share_a_code(field, first, second):
    owner = factories.Organization(**first)
    sysadmin = factories.Sysadmin()
    with pytest.raises(tk.ValidationError) as exc:
        call_action("organization_create", {"user": sysadmin["name"]}, name="kembar", title="Kembar", **second)
    assert owner["title"] in exc.value.error_dict[field][0]
    other = factories.Organization(**{**second, field: NEUSU_JAYA if field == "kode_wilayah"
                                      else "1.03.0.00.0.00.01.0000"})
    with pytest.raises(tk.ValidationError) as exc:  # nor by a change
        call_action("organization_patch", {"user": sysadmin["name"]}, id=other["id"], **{field: first[field]})
    assert field in exc.value.error_dict
