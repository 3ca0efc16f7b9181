"""The complaint upload on the web (CKAN test client, session cookie, CSRF on): upload -> preview
(figures, columns, personal-data columns with the drop choice, problems) -> publish; who may;
forged posts; and the trend per SKPD on /pengaduan (chart data and the table without JS)."""
from __future__ import annotations

import io
from html import unescape
import json
import re
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.pengaduan.cases import AUGUST, JULY
from tests.web import PASSWORD, csrf_token, log_in

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")
EVIL = {"Origin": "https://evil.example", "Referer": "https://evil.example/hadiah.html"}
NAME = "pengaduan-suwarga-2025"


def post_export(app: Any, data: bytes, filename: str = "suwarga-2025.xlsx", **form: str) -> Any:
    token = csrf_token(app.get("/pengaduan/unggah").get_data(as_text=True))
    return app.post("/pengaduan/unggah", data={"kanal": "suwarga", **form, "_csrf_token": token,
                                               "upload": (io.BytesIO(data), filename)}, follow_redirects=False)


def html(resp: Any) -> str:
    """A page's text with its entities decoded (the ' of the messages is &#39; in HTML)."""
    return unescape(resp.get_data(as_text=True))


def staged_token(resp: Any) -> str:
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    return re.search(r"/pengaduan/unggah/([A-Za-z0-9_-]+)$", resp.headers["Location"]).group(1)


def exists(name: str) -> bool:
    try:
        tk.get_action("package_show")({"ignore_auth": True}, {"id": name})
    except tk.ObjectNotFound:
        return False
    return True


def test_refused_for_the_name_column_then_published_with_it_dropped(app, operator, xlsx):
    log_in(app, operator["name"])
    token = staged_token(post_export(app, xlsx(JULY + AUGUST)))
    page = html(app.get(f"/pengaduan/unggah/{token}"))
    # the refusal names file and column; the column is listed as personal with its drop box
    assert "suwarga-2025.xlsx: kolom data pribadi 'Nama Pelapor' (nama)" in page
    row = re.search(r'<tr data-column="Nama Pelapor"[^>]*>(.*?)</tr>', page, re.S).group(1)
    assert ">nama<" in row and 'name="buang_kolom" value="Nama Pelapor"' in row and "checked" not in row
    recognised = re.search(r'<tr data-column="Tanggal Laporan"[^>]*>(.*?)</tr>', page, re.S).group(1)
    assert ">tanggal_masuk<" in recognised
    assert re.search(r'<button type="button" class="btn btn-primary" disabled id="pengaduan-publish"', page)
    assert not exists(NAME)

    # drop the column and check again: the computed figures, nothing published yet
    form = {"periksa": "1", "buang_kolom": "Nama Pelapor", "_csrf_token": csrf_token(page)}
    assert app.post(f"/pengaduan/unggah/{token}", data=form, follow_redirects=False).status_code == 302
    page = html(app.get(f"/pengaduan/unggah/{token}"))
    assert "Semua pemeriksaan lolos" in page and "Kolom yang dibuang (tidak disimpan): Nama Pelapor" in page
    july = re.search(r'<tr data-periode="2025-07">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", july)
    assert cells == ["2025-07", "3", "3", "10", "66.7"]  # 3 in, median 3 / 10 days, 2 of 3 within 3 days
    assert "Teuku A" not in page and not exists(NAME)

    # another user, even an editor of the same organisation, cannot use the token
    other = factories.User()
    tk.get_action("organization_member_create")({"ignore_auth": True}, {
        "id": "diskominfotik", "username": other["name"], "role": "editor"})
    headers = {"Authorization": factories.APIToken(user=other["name"])["token"]}
    app.get(f"/pengaduan/unggah/{token}", headers=headers, status=403)

    done = app.post(f"/pengaduan/unggah/{token}", data={"terbitkan": "1", "_csrf_token": csrf_token(page)},
                    follow_redirects=False)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/pengaduan/{NAME}")
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})
    assert pkg["bulan_terakhir"] == "2025-08" and "Teuku A" not in json.dumps(pkg)
    assert not (Path(tk.config["ckan.storage_path"]) / "apbdes-staging" / token).exists()


def test_a_counts_export_asks_for_its_month(app, operator, xlsx_export):
    log_in(app, operator["name"])
    counts = xlsx_export(["SKPD", "Kategori", "Status", "Jumlah"],
                         [["Dinas PUPR", "Jalan", "Selesai", 4], ["BPBD", "Banjir", "Baru", 2]])
    token = staged_token(post_export(app, counts, "rekap-juli.xlsx"))
    page = html(app.get(f"/pengaduan/unggah/{token}"))
    assert "rekap-juli.xlsx berisi rekap jumlah tanpa tanggal" in page and 'id="field-periode"' in page
    app.post(f"/pengaduan/unggah/{token}", data={"periksa": "1", "periode": "2025-07",
                                                 "_csrf_token": csrf_token(page)})
    page = html(app.get(f"/pengaduan/unggah/{token}"))
    july = re.search(r'<tr data-periode="2025-07">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", july)[:2] == ["2025-07", "6"]
    done = app.post(f"/pengaduan/unggah/{token}", data={"terbitkan": "1", "_csrf_token": csrf_token(page)},
                    follow_redirects=False)
    assert done.status_code == 302 and exists(NAME)


def test_only_editors_of_the_channel_organisation_may_upload(app, operator, skpd_org, xlsx_export):
    resp = app.get("/pengaduan/unggah", follow_redirects=False)
    assert resp.status_code == 302 and "/user/login" in resp.headers["Location"]
    log_in(app, factories.User(password=PASSWORD)["name"])  # a member of no SKPD
    assert app.get("/pengaduan/unggah").status_code == 403
    # an SKPD's admin: SP4N-LAPOR! only (its own figures), not the channels Diskominfotik runs
    admin = factories.User(password=PASSWORD)
    skpd_org(name="dinkes", title="Dinas Kesehatan", users=[{"name": admin["name"], "capacity": "admin"}])
    app.client = app.test_client()  # a new browser: no session of the first user
    log_in(app, admin["name"])
    page = html(app.get("/pengaduan/unggah"))
    select = re.search(r'<select id="field-kanal".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="([^"]+)"', select) == ["lapor"]
    counts = xlsx_export(["SKPD", "Kategori", "Status", "Jumlah"], [["Dinas Kesehatan", "Kesehatan", "Selesai", 4]])
    assert "Anda bukan pengelola kanal suwarga" in html(post_export(app, counts, "rekap-juli.xlsx"))
    token = staged_token(post_export(app, counts, "rekap-juli.xlsx", kanal="lapor"))
    page = html(app.get(f"/pengaduan/unggah/{token}"))
    app.post(f"/pengaduan/unggah/{token}", data={"periksa": "1", "periode": "2025-07", "_csrf_token": csrf_token(page)})
    done = app.post(f"/pengaduan/unggah/{token}", data={"terbitkan": "1", "_csrf_token": csrf_token(page)},
                    follow_redirects=False)
    assert done.status_code == 302 and done.headers["Location"].endswith("/pengaduan/pengaduan-lapor-dinkes-2025")


def test_forged_posts_are_refused(app, operator, xlsx):
    app.get("/pengaduan/unggah", follow_redirects=False)   # anonymous visit: CKAN exempts the view
    app.get("/api/3/action/status_show")                   # anonymous API call: api.action exempted
    log_in(app, operator["name"])
    data = {"kanal": "suwarga", "drop_personal": "true", "upload": (io.BytesIO(xlsx(JULY)), "suwarga.xlsx")}
    assert app.post("/pengaduan/unggah", data=data, headers=EVIL).status_code == 400
    data["upload"] = (io.BytesIO(xlsx(JULY)), "suwarga.xlsx")
    assert app.post("/api/3/action/pengaduan_import", data=data, headers=EVIL).status_code == 400
    token = staged_token(post_export(app, xlsx(JULY)))
    assert app.post(f"/pengaduan/unggah/{token}", data={"terbitkan": "1"}, headers=EVIL).status_code == 400
    assert not exists(NAME)


def test_trend_per_skpd_chart_data_and_table(app, operator, xlsx):
    tk.get_action("pengaduan_import")({"user": operator["name"]}, {
        "upload": FileStorage(io.BytesIO(xlsx(JULY + AUGUST)), filename="suwarga.xlsx"), "kanal": "suwarga",
        "drop_personal": True})
    data = tk.get_action("pengaduan_ringkasan")({}, {})
    assert data["tren"] == [  # ranking order: BPBD (1 of 1 within standard) first
        {"skpd": "BPBD", "bulan": [{"periode": "2025-08", "masuk": 1, "selesai": 0,
                                    "median_hari_respon": {"suwarga": 1}}]},
        {"skpd": "Dinas PUPR", "bulan": [{"periode": "2025-07", "masuk": 3, "selesai": 3,
                                          "median_hari_respon": {"suwarga": 3}}]}]
    page = html(app.get("/pengaduan?skpd=Dinas+PUPR"))
    embedded = json.loads(re.search(r'<script type="application/json" class="pengaduan-tren-data">(.*?)</script>',
                                    page, re.S).group(1))
    assert embedded["skpd"] == data["tren"] and embedded["kanal"]["suwarga"] == "SUWARGA"
    table = re.search(r'<table[^>]*id="pengaduan-tren-tabel">(.*?)</table>', page, re.S).group(1)
    assert "Dinas PUPR" in table and re.search(r"<td>2025-07</td><td class=\"num\">3</td><td class=\"num\">3</td>",
                                               table)


def test_an_skpd_name_from_an_export_cannot_break_out_of_the_chart_data(app, operator, xlsx):
    evil = "Dinas </script><script>alert(1)</script>"
    rows = [JULY[0][:4] + [evil] + JULY[0][5:]]
    tk.get_action("pengaduan_import")({"user": operator["name"]}, {
        "upload": FileStorage(io.BytesIO(xlsx(rows)), filename="suwarga.xlsx"), "kanal": "suwarga",
        "drop_personal": True})
    raw = app.get("/pengaduan").get_data(as_text=True)
    assert "<script>alert(1)" not in raw
    embedded = re.search(r'<script type="application/json" class="pengaduan-tren-data">(.*?)</script>', raw, re.S)
    assert json.loads(embedded.group(1))["skpd"][0]["skpd"] == evil
