"""The Satu Data process through the API (real CKAN, PostgreSQL, Solr, DataStore): states,
who may do what, the private flag, the walidata's checks, the activities and the worklist."""
from __future__ import annotations

from typing import Any

import pytest

from ckan import model
from ckan.tests import helpers

pytestmark = pytest.mark.usefixtures("portal")


def api(app: Any, action: str, user: dict[str, Any] | None = None, status: int = 200, **data: Any) -> Any:
    headers = {"Authorization": user["token"]} if user else {}
    resp = app.post(f"/api/3/action/{action}", json=data, headers=headers)
    assert resp.status_code == status, (action, resp.status_code, resp.get_data(as_text=True)[:2000])
    return resp.json


def public_names(app: Any) -> list[str]:
    return sorted(d["name"] for d in api(app, "package_search", q="*:*", include_private=True)["result"]["results"])


@pytest.fixture
def world(satudata_world: Any) -> Any:
    return satudata_world()


def test_a_new_dataset_is_a_private_draft_whatever_the_form_says(app, world):
    pkg = world.dataset("penduduk-2024", private=False)
    assert (pkg["status_satudata"], pkg["private"]) == ("draf", True)
    # an edit cannot publish it or set the state: both are the actions' business
    patched = api(app, "package_patch", world.produsen, id=pkg["id"], private=False, status_satudata="terbit")
    assert (patched["result"]["status_satudata"], patched["result"]["private"]) == ("draf", True)
    api(app, "package_show", status=403, id=pkg["id"])
    assert public_names(app) == []


def test_submit_return_fix_resubmit_publish(app, world):
    pkg = world.dataset("penduduk-2024")
    # the walidata cannot read a draft, nor act on it
    api(app, "package_show", world.walidata, status=403, id=pkg["id"])
    api(app, "satudata_verifikasi", world.walidata, status=409, id=pkg["id"])

    sub = api(app, "satudata_ajukan", world.produsen, id=pkg["id"])["result"]
    assert (sub["sebelumnya"], sub["status_satudata"]) == ("draf", "diajukan")
    assert all(c["ok"] for c in sub["periksa"])
    # now the walidata reads it and finds it in the worklist; the public still does not
    assert api(app, "package_show", world.walidata, id=pkg["id"])["result"]["private"] is True
    waiting = api(app, "satudata_antrian", world.walidata)["result"]
    assert [d["name"] for d in waiting["results"]] == ["penduduk-2024"] and waiting["results"][0]["lulus"]
    api(app, "package_show", status=403, id=pkg["id"])

    # returning needs a reason, even for a dataset that passes every check
    err = api(app, "satudata_kembalikan", world.walidata, status=409, id=pkg["id"])["error"]
    assert "alasan" in err
    back = api(app, "satudata_kembalikan", world.walidata, id=pkg["id"],
               alasan="Definisi harus menyebut sumber data")["result"]
    assert back["status_satudata"] == "dikembalikan"
    api(app, "satudata_verifikasi", world.walidata, status=409, id=pkg["id"])  # not waiting now

    api(app, "package_patch", world.produsen, id=pkg["id"], definisi="Jumlah penduduk menurut Disdukcapil.")
    assert api(app, "package_show", world.produsen, id=pkg["id"])["result"]["status_satudata"] == "dikembalikan"
    api(app, "satudata_ajukan", world.produsen, id=pkg["id"])
    done = api(app, "satudata_verifikasi", world.walidata, id=pkg["id"])["result"]
    assert (done["sebelumnya"], done["status_satudata"]) == ("diajukan", "terbit")

    shown = api(app, "package_show", id=pkg["id"])["result"]
    assert (shown["private"], shown["status_satudata"]) == (False, "terbit")
    assert public_names(app) == ["penduduk-2024"]
    assert api(app, "satudata_antrian", world.walidata)["result"]["count"] == 0

    status = api(app, "satudata_status", world.produsen, id=pkg["id"])["result"]
    assert [(r["dari"], r["ke"], r["oleh"]) for r in reversed(status["riwayat"])] == [
        ("draf", "diajukan", "produsen-dinkes"), ("diajukan", "dikembalikan", "walidata"),
        ("dikembalikan", "diajukan", "produsen-dinkes"), ("diajukan", "terbit", "walidata")]
    assert status["riwayat"][2]["alasan"] == "Definisi harus menyebut sumber data"
    # the transitions are activities of the dataset
    types = [a["activity_type"] for a in helpers.call_action("package_activity_list", id=pkg["id"], limit=50)]
    assert types.count("satudata diajukan") == 2 and "satudata dikembalikan" in types and "satudata terbit" in types
    # an edit of a published dataset keeps it published
    api(app, "package_patch", world.produsen, id=pkg["id"], title="Penduduk 2024 (revisi)")
    assert public_names(app) == ["penduduk-2024"]


def test_who_may_do_what(app, world):
    pkg = world.dataset("penduduk-2024")
    # produsen of another SKPD, the walidata, the pembina data and anonymous cannot submit
    for user in (world.produsen_lain, world.walidata, world.pembina, None):
        api(app, "satudata_ajukan", user, status=403, id=pkg["id"])
    api(app, "satudata_ajukan", world.produsen, id=pkg["id"])
    # nobody but the walidata decides a submitted dataset: not its own produsen either
    for user in (world.produsen, world.produsen_lain, world.pembina, None):
        api(app, "satudata_verifikasi", user, status=403, id=pkg["id"])
        api(app, "satudata_kembalikan", user, status=403, id=pkg["id"], alasan="x")
        api(app, "package_show", user, status=403 if user is not world.produsen else 200, id=pkg["id"])
    for user in (world.produsen, world.produsen_lain, None):
        api(app, "satudata_antrian", user, status=403)
    api(app, "satudata_status", world.produsen_lain, status=403, id=pkg["id"])
    assert api(app, "satudata_status", world.walidata, id=pkg["id"])["result"]["aksi"] == ["verifikasi", "kembalikan"]
    assert api(app, "satudata_status", world.produsen, id=pkg["id"])["result"]["aksi"] == []
    # the walidata may read it but not edit it
    api(app, "package_patch", world.walidata, status=403, id=pkg["id"], title="X")


def test_priority_data_need_the_pembina_data(app, world):
    pkg = world.dataset("kemiskinan-2024", prioritas="true")
    assert pkg["prioritas"] == "true"
    api(app, "satudata_ajukan", world.produsen, id=pkg["id"])
    api(app, "package_show", world.pembina, status=403, id=pkg["id"])  # not the pembina's turn yet
    api(app, "satudata_verifikasi", world.pembina, status=403, id=pkg["id"])
    step = api(app, "satudata_verifikasi", world.walidata, id=pkg["id"])["result"]
    assert step["status_satudata"] == "diverifikasi"
    api(app, "package_show", status=403, id=pkg["id"])  # still private
    assert [d["name"] for d in api(app, "satudata_antrian", world.pembina)["result"]["results"]] == ["kemiskinan-2024"]
    assert api(app, "satudata_antrian", world.walidata)["result"]["count"] == 0
    api(app, "satudata_verifikasi", world.walidata, status=403, id=pkg["id"])  # now it is the pembina's
    back = api(app, "satudata_kembalikan", world.pembina, id=pkg["id"], alasan="Klasifikasi belum baku")["result"]
    assert (back["sebelumnya"], back["status_satudata"]) == ("diverifikasi", "dikembalikan")
    api(app, "satudata_ajukan", world.produsen, id=pkg["id"])
    api(app, "satudata_verifikasi", world.walidata, id=pkg["id"])
    assert api(app, "satudata_verifikasi", world.pembina, id=pkg["id"])["result"]["status_satudata"] == "terbit"
    assert api(app, "package_show", id=pkg["id"])["result"]["private"] is False


def test_the_checks_are_shown_before_the_decision_and_block_publication(app, world):
    pkg = world.dataset("puskesmas-2024", complete=False, table=False, kode_referensi="99.1.1")
    sub = api(app, "satudata_ajukan", world.produsen, id=pkg["id"])["result"]
    failing = {c["kode"]: c["masalah"] for c in sub["periksa"] if not c["ok"]}
    assert sorted(failing) == ["kamus_data", "kode_referensi", "metadata", "standar_data"]
    assert failing["standar_data"] == ["Konsep belum diisi", "Definisi belum diisi", "Klasifikasi belum diisi",
                                       "Ukuran belum diisi"]
    assert failing["metadata"] == ["Kontak - Surel belum diisi"]
    assert "99.1.1" in failing["kode_referensi"][0]
    # the walidata sees the same list, and cannot publish
    seen = api(app, "satudata_status", world.walidata, id=pkg["id"])["result"]["periksa"]
    assert {c["kode"]: c["masalah"] for c in seen if not c["ok"]} == failing
    err = api(app, "satudata_verifikasi", world.walidata, status=409, id=pkg["id"])["error"]
    assert "Konsep belum diisi" in err["periksa"]
    api(app, "satudata_kembalikan", world.walidata, id=pkg["id"], alasan="Lengkapi standar data")

    # the produsen fills the standar data; a table whose dictionary lacks descriptions still fails
    api(app, "package_patch", world.produsen, id=pkg["id"], konsep="Fasilitas kesehatan tingkat pertama.",
        definisi="Puskesmas yang beroperasi per 31 Desember.", klasifikasi="Menurut kecamatan",
        ukuran="Jumlah", maintainer_email="data@dinkes.go.id", kode_referensi="SDGs 3.8.1")
    fields = [{"id": "kecamatan", "type": "text", "info": {"label": "Kecamatan"}},
              {"id": "puskesmas", "type": "int", "info": {"label": "Puskesmas", "notes": "Jumlah unit"}}]
    table = helpers.call_action("datastore_create", {"user": world.produsen["name"]}, force=True,
                                resource={"package_id": pkg["id"], "name": "Puskesmas"}, fields=fields,
                                records=[{"kecamatan": "Meuraxa", "puskesmas": 2}])
    again = api(app, "satudata_ajukan", world.produsen, id=pkg["id"])["result"]["periksa"]
    assert [(c["kode"], c["masalah"]) for c in again if not c["ok"]] == [
        ("kamus_data", ["Kamus data tabel Puskesmas: kolom tanpa label atau deskripsi: kecamatan"])]
    fields[0]["info"]["notes"] = "Nama kecamatan"
    helpers.call_action("datastore_create", {"user": world.produsen["name"]}, force=True,
                        resource_id=table["resource_id"], fields=fields)
    assert api(app, "satudata_verifikasi", world.walidata, id=pkg["id"])["result"]["status_satudata"] == "terbit"


def test_a_sysadmins_public_dataset_starts_published(app, world, satu_data):
    """Seeding scripts and sysadmins publish directly; the produsen's path is the process."""
    from ckan.tests import factories

    pkg = factories.Dataset(owner_org=world.dishub["id"], name="seed-publik", **satu_data)
    assert (pkg["status_satudata"], pkg["private"]) == ("terbit", False)
    hidden = factories.Dataset(owner_org=world.dishub["id"], name="seed-privat", private=True, **satu_data)
    assert (hidden["status_satudata"], hidden["private"]) == ("draf", True)
    assert public_names(app) == ["seed-publik"]


def test_the_bulk_visibility_buttons_cannot_bypass_the_walidata(app, world):
    pkg = world.dataset("penduduk-2024")
    admin = world.produsen  # an editor; make them admin of Dinkes to reach the bulk buttons
    helpers.call_action("organization_member_create", id=world.dinkes["id"], username=admin["name"], role="admin")
    api(app, "bulk_update_public", admin, status=403, org_id=world.dinkes["id"], datasets=[pkg["id"]])
    assert api(app, "package_show", admin, id=pkg["id"])["result"]["private"] is True


def test_unpublish_cannot_hide_a_dataset_from_the_walidata(app, world):
    """CKAN's "Unpublish" (``state: draft``, the edit form's yellow button) on a submitted dataset
    would take it out of the walidata's search; the dataset stays active, and a dataset that is a
    CKAN draft already (saved before this rule) becomes active when submitted."""
    pkg = world.dataset("penduduk-2024")
    api(app, "satudata_ajukan", world.produsen, id=pkg["id"])
    api(app, "package_patch", world.produsen, id=pkg["id"], state="draft")
    assert api(app, "package_show", world.produsen, id=pkg["id"])["result"]["state"] == "active"
    assert [d["name"] for d in api(app, "satudata_antrian", world.walidata)["result"]["results"]] == ["penduduk-2024"]

    older = world.dataset("sekolah-2024")
    model.Package.get(older["id"]).state = "draft"  # as a dataset made a draft before the rule
    model.repo.commit()
    api(app, "satudata_ajukan", world.produsen, id=older["id"])
    assert api(app, "package_show", world.walidata, id=older["id"])["result"]["state"] == "active"
    assert sorted(d["name"] for d in api(app, "satudata_antrian", world.walidata)["result"]["results"]) == \
        ["penduduk-2024", "sekolah-2024"]
