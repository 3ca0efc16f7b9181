"""Complaint figures on the real CKAN: import (API and CLI), permissions, DataStore, summary and page."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import factories

from ckanext.bandaaceh.pengaduan.portal.samples import SKPD
from tests.pengaduan.cases import AUGUST, JULY

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")


def run(user, data: bytes, **params):
    ctx = {"user": user} if user else {"ignore_auth": True}
    return tk.get_action("pengaduan_import")(ctx, {"upload": FileStorage(io.BytesIO(data), filename="suwarga.xlsx"),
                                                   "kanal": "suwarga", **params})


def table(pkg_name: str, role: str) -> list[dict]:
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": pkg_name})
    res = next(r for r in pkg["resources"] if r["pengaduan_role"] == role)
    return tk.get_action("datastore_search")({"ignore_auth": True}, {"resource_id": res["id"], "sort": "_id"})["records"]


def test_only_the_skpd_running_the_channel_imports(operator, skpd_org, xlsx):
    other = factories.User()
    skpd_org(name="dinkes", users=[{"name": other["name"], "capacity": "admin"}])
    with pytest.raises(tk.NotAuthorized):
        run(other["name"], xlsx(JULY), drop_personal=True)
    with pytest.raises(tk.NotAuthorized):
        run(factories.User()["name"], xlsx(JULY), drop_personal=True)
    assert run(operator["name"], xlsx(JULY), drop_personal=True)["dataset"][0]["name"] == "pengaduan-suwarga-2025"


def test_a_name_column_refuses_the_file_and_nothing_is_written(operator, xlsx):
    with pytest.raises(tk.ValidationError) as exc:
        run(operator["name"], xlsx(JULY))
    assert "'Nama Pelapor' (nama)" in exc.value.error_dict["upload"][0]
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("package_show")({"ignore_auth": True}, {"id": "pengaduan-suwarga-2025"})


def test_import_publishes_the_hand_counted_figures_and_no_personal_data(operator, xlsx):
    result = run(operator["name"], xlsx(JULY + AUGUST), drop_personal=True)
    assert result["kolom_dibuang"] == ["Nama Pelapor"] and result["bulan"] == ["2025-07", "2025-08"]
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": "pengaduan-suwarga-2025"})
    assert (pkg["type"], pkg["kanal"], pkg["tahun"], pkg["bulan_terakhir"]) == ("pengaduan", "suwarga", "2025", "2025-08")
    rincian = table(pkg["name"], "rincian")
    july = next(r for r in rincian if r["periode"] == "2025-07")
    assert (july["skpd"], july["kategori"], july["status"], july["jumlah"]) == ("Dinas PUPR", "Jalan", "selesai", 3)
    assert (Decimal(str(july["median_hari_respon"])), july["p90_hari_respon"]) == (Decimal(3), 5)
    assert (Decimal(str(july["median_hari_selesai"])), july["p90_hari_selesai"]) == (Decimal(10), 10)
    assert Decimal(str(july["persen_sesuai_standar"])) == Decimal("66.7")
    august = next(r for r in rincian if r["periode"] == "2025-08")
    assert (august["status"], Decimal(str(august["median_hari_respon"])), august["median_hari_selesai"]) == \
        ("ditindaklanjuti", Decimal(1), None)
    everything = repr(rincian) + repr(table(pkg["name"], "ringkasan")) + repr(pkg)
    assert not any(name in everything for name in ("Teuku A", "Cut B", "Nyak C", "Ampon D"))


def test_a_month_imported_again_replaces_only_that_month(operator, xlsx):
    run(operator["name"], xlsx(JULY + AUGUST), drop_personal=True)
    run(operator["name"], xlsx(JULY[:1]), drop_personal=True)  # July again, one complaint only
    months = {r["periode"]: r["jumlah"] for r in table("pengaduan-suwarga-2025", "ringkasan")}
    assert months == {"2025-07": 1, "2025-08": 1}


def test_summary_action_and_page(app, operator, xlsx):
    run(operator["name"], xlsx(JULY + AUGUST), drop_personal=True)
    data = tk.get_action("pengaduan_ringkasan")({}, {"tahun": 2025})
    assert [(m["periode"], m["masuk"], m["selesai"]) for m in data["bulan"]] == [("2025-07", 3, 3), ("2025-08", 1, 0)]
    assert data["skpd"] == [  # best share within the standard first; median: BPBD 1 day, PUPR [3, 0, 5] -> 3
        {"skpd": "BPBD", "jumlah": 1, "persen_sesuai_standar": "100.0", "median_hari_respon": "1"},
        {"skpd": "Dinas PUPR", "jumlah": 3, "persen_sesuai_standar": "66.7", "median_hari_respon": "3"}]
    page = app.get("/pengaduan").body
    assert "Statistik Pengaduan Masyarakat" in page and "2025-07" in page and "SUWARGA" in page
    assert 'href="/pengaduan/pengaduan-suwarga-2025"' in page


def test_cli_import_and_samples(cli, operator, skpd_org, tmp_path, xlsx):
    path = tmp_path / "suwarga.xlsx"
    path.write_bytes(xlsx(JULY))
    result = cli.invoke(ckan_cli, ["bandaaceh", "pengaduan", "import", str(path), "--kanal", "suwarga"])
    assert result.exit_code == 1 and "'Nama Pelapor' (nama)" in result.output
    result = cli.invoke(ckan_cli, ["bandaaceh", "pengaduan", "import", str(path), "--kanal", "suwarga",
                                   "--buang-kolom", "Nama Pelapor", "--dry-run"])
    assert result.exit_code == 0 and "Kolom dibuang (tidak dibaca, tidak disimpan): Nama Pelapor" in result.output, result.output
    assert "Diterbitkan" not in result.output
    result = cli.invoke(ckan_cli, ["bandaaceh", "pengaduan", "import", str(path), "--kanal", "suwarga",
                                   "--buang-data-pribadi"])
    assert result.exit_code == 0, result.output
    assert "Diterbitkan: pengaduan-suwarga-2025" in result.output
    # the LAPOR! sample names six SKPD by their titles: each gets its own dataset
    orgs = [skpd_org(name=f"skpd-{i}", title=title) for i, title in enumerate(SKPD)]
    result = cli.invoke(ckan_cli, ["bandaaceh", "pengaduan", "contoh", "--tahun", "2024"])
    assert result.exit_code == 0, result.output
    names = [f"pengaduan-lapor-skpd-{i}-2024" for i in range(len(SKPD))] + ["pengaduan-suwarga-2024",
                                                                          "pengaduan-sms-lpm-2024"]
    for org, name in zip(orgs, names):
        assert tk.get_action("package_show")({"ignore_auth": True}, {"id": name})["owner_org"] == org["id"]
    for name in names:
        pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": name})
        assert pkg["title"].startswith("[CONTOH]") and "DATA CONTOH" in pkg["notes"]
        assert len(table(pkg["name"], "ringkasan")) == 12
        assert {r["periode"] for r in table(pkg["name"], "skpd")} == {f"2024-{m:02d}" for m in range(1, 13)}


def test_unpublish_cannot_hide_published_complaint_figures(app, operator, xlsx):
    """As for budgets: no "Unpublish" button on the form, and ``state: draft`` is ignored."""
    name = run(operator["name"], xlsx(JULY), drop_personal=True)["dataset"][0]["name"]
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": name})
    token = factories.APIToken(user=operator["name"])["token"]
    form = app.get(f"/pengaduan/edit/{pkg['name']}", headers={"Authorization": token}).get_data(as_text=True)
    assert 'name="save"' in form and "go-metadata-unpublish" not in form
    resp = app.post("/api/3/action/package_patch", json={"id": pkg["id"], "state": "draft"},
                    headers={"Authorization": token})
    assert resp.json["success"], resp.json
    assert tk.get_action("package_show")({"ignore_auth": True}, {"id": pkg["id"]})["state"] == "active"
