"""Who may publish where: SKPD stewards, gampong operators, anonymous readers.

Exercised through the real web app and API tokens, as a steward's script would."""
from __future__ import annotations

import pytest

from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("portal")


def api(app, action, token=None, status=200, **data):
    headers = {"Authorization": token} if token else {}
    resp = app.post(f"/api/3/action/{action}", json=data, headers=headers, status=status)
    return resp.json


def member(org_factory, role="editor", **kw):
    user = factories.UserWithToken()
    org = org_factory(users=[{"name": user["name"], "capacity": role}], **kw)
    return user, org


def dataset_data(org, name, satu_data, private=False):
    return dict(satu_data, name=name, title=name.replace("-", " ").title(), owner_org=org["id"],
                private=private)


@pytest.fixture
def world(skpd_org, gampong_org):
    dinkes_user, dinkes = member(skpd_org, name="dinkes", title="Dinas Kesehatan")
    dishub_user, dishub = member(skpd_org, name="dishub", title="Dinas Perhubungan")
    op_user, kampung_baru = member(gampong_org, name="gampong-kampung-baru", title="Gampong Kampung Baru",
                                   kode_wilayah="11.71.01.2001")
    _op2, lam_ara = member(gampong_org, name="gampong-lam-ara", title="Gampong Lam Ara",
                           kode_wilayah="11.71.07.2005")
    return {"dinkes": (dinkes_user, dinkes), "dishub": (dishub_user, dishub),
            "kampung_baru": (op_user, kampung_baru), "lam_ara": (_op2, lam_ara)}


def test_steward_publishes_for_own_skpd_only(app, world, satu_data):
    steward, dinkes = world["dinkes"]
    other_steward, dishub = world["dishub"]
    token = steward["token"]

    created = api(app, "package_create", token, **dataset_data(dinkes, "imunisasi-2024", satu_data))
    assert created["result"]["organization"]["name"] == "dinkes"

    refused = api(app, "package_create", token, status=403, **dataset_data(dishub, "terminal-2024", satu_data))
    assert refused["success"] is False

    theirs = api(app, "package_create", other_steward["token"],
                 **dataset_data(dishub, "angkutan-umum-2024", satu_data))["result"]
    api(app, "package_patch", token, status=403, id=theirs["id"], title="Diubah")
    api(app, "package_delete", token, status=403, id=theirs["id"])
    # and cannot move its own dataset into another SKPD (refused by the owner_org validator)
    moved = api(app, "package_patch", token, status=409, id=created["result"]["id"], owner_org=dishub["id"])
    assert "owner_org" in moved["error"]
    assert api(app, "package_show", token, id=created["result"]["id"])["result"]["organization"]["name"] == "dinkes"
    assert api(app, "package_show", other_steward["token"], id=theirs["id"])["result"]["title"] == "Angkutan Umum 2024"


def test_gampong_operator_publishes_within_own_gampong_only(app, world, satu_data):
    operator, kampung_baru = world["kampung_baru"]
    _, lam_ara = world["lam_ara"]
    _, dinkes = world["dinkes"]
    data = dict(satu_data, cakupan="gampong", kode_wilayah="11.71.01.2001")
    api(app, "package_create", operator["token"], **dataset_data(kampung_baru, "posyandu-kampung-baru", data))
    api(app, "package_create", operator["token"], status=403, **dataset_data(lam_ara, "posyandu-lam-ara", data))
    api(app, "package_create", operator["token"], status=403, **dataset_data(dinkes, "posyandu-kota", data))
    api(app, "organization_patch", operator["token"], status=403, id=lam_ara["id"], kepala="X")


def test_anonymous_reads_public_data_only(app, world, satu_data, search_backend):
    steward, dinkes = world["dinkes"]
    # published (here by a sysadmin; a steward's datasets are published by the walidata, see
    # test_workflow.py); the steward's own new dataset stays private whatever the form says
    public = factories.Dataset(**dataset_data(dinkes, "data-publik", satu_data))
    private = api(app, "package_create", steward["token"],
                  **dataset_data(dinkes, "data-internal", satu_data, private=False))["result"]
    assert private["private"] is True

    assert api(app, "package_show", id=public["id"])["result"]["name"] == "data-publik"
    api(app, "package_show", status=403, id=private["id"])
    found = api(app, "package_search", q="*:*", include_private=True)["result"]
    assert [d["name"] for d in found["results"]] == ["data-publik"]
    app.get(f"/dataset/{private['name']}", status=404)
    app.get(f"/dataset/{public['name']}", status=200)
    api(app, "package_create", status=403, **dataset_data(dinkes, "anonim", satu_data))
    api(app, "package_patch", status=403, id=public["id"], title="X")
    # the steward still sees the private one
    mine = api(app, "package_search", steward["token"], q="*:*", include_private=True)["result"]
    assert sorted(d["name"] for d in mine["results"]) == ["data-internal", "data-publik"]
