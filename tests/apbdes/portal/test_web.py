"""APBG web pages (CKAN test client): upload -> preview -> publish, dataset page, notice board."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from .conftest import FIXTURES, run_import

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")

NAME = "apbg-kampung-baru-2025-murni"


def auth(user: dict) -> dict:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def post_file(app, headers, org, path: Path, **form):
    data = {"gampong": org["name"], "tahun": "2025", "tahap": "murni", **form,
            "upload": (io.BytesIO(path.read_bytes()), path.name)}
    return app.post("/apbg/unggah", headers=headers, data=data, follow_redirects=False)


def staged_token(resp) -> str:
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return re.search(r"/apbg/unggah/([A-Za-z0-9_-]+)", resp.headers["Location"]).group(1)


def test_upload_progress_preview_publish(app, operator, run_jobs):
    org, user = operator()
    headers = auth(user)
    form = app.get("/apbg/unggah", headers=headers).get_data(as_text=True)
    assert "Unggah APBG Gampong" in form and f'value="{org["name"]}"' in form

    resp = post_file(app, headers, org, FIXTURES / "penjabaran.xlsx", nomor_peraturan="3 Tahun 2024")
    token = staged_token(resp)
    staged = Path(tk.config["ckan.storage_path"]) / "apbdes-staging" / token
    assert (staged / "upload.bin").read_bytes() == (FIXTURES / "penjabaran.xlsx").read_bytes()

    # The check waits for the jobs worker: the page shows its progress (script + refresh without one).
    waiting = app.get(f"/apbg/unggah/{token}", headers=headers).get_data(as_text=True)
    assert 'id="apbdes-progress"' in waiting and 'data-state="queued"' in waiting
    assert '<noscript><meta http-equiv="refresh"' in waiting and "apbdes-progress.js" in waiting
    status = app.get(f"/apbg/unggah/{token}/status.json", headers=headers).json
    assert status["state"] == "queued" and status["finished"] is False
    run_jobs()
    assert app.get(f"/apbg/unggah/{token}/status.json", headers=headers).json["state"] == "done"

    preview = app.get(f"/apbg/unggah/{token}", headers=headers).get_data(as_text=True)
    assert "Rp 1.763.529.770" in preview and "Semua pemeriksaan lolos" in preview
    assert NAME in preview and 'id="apbdes-publish"' in preview and "disabled" not in preview.split(
        'id="apbdes-publish"')[0][-200:]
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})

    # The token is tied to the uploader: another operator (even of the same gampong) gets 403.
    other = factories.User()
    tk.get_action("organization_member_create")({"ignore_auth": True}, {
        "id": org["id"], "username": other["name"], "role": "editor"})
    app.get(f"/apbg/unggah/{token}", headers=auth(other), status=403)
    app.get(f"/apbg/unggah/{token}/status.json", headers=auth(other), status=403)
    app.post(f"/apbg/unggah/{token}", headers=auth(other), data={"terbitkan": "1"}, status=403)

    # Publishing runs in the background too: progress, then the dataset.
    queued = app.post(f"/apbg/unggah/{token}", headers=headers, data={"terbitkan": "1"}, follow_redirects=False)
    assert queued.status_code == 302 and queued.headers["Location"].endswith(f"/apbg/unggah/{token}")
    waiting = app.get(f"/apbg/unggah/{token}", headers=headers).get_data(as_text=True)
    assert 'id="apbdes-progress"' in waiting and "Menerbitkan" in waiting
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})
    run_jobs()
    done = app.get(f"/apbg/unggah/{token}", headers=headers, follow_redirects=False)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/apbdes/{NAME}")
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})
    assert pkg["nomor_peraturan"] == "3 Tahun 2024" and pkg["total_belanja"] == "1763529770"
    assert not staged.exists()


def test_broken_upload_cannot_be_published(app, operator, run_jobs):
    org, user = operator()
    headers = auth(user)
    run_import(user["name"], FIXTURES / "penjabaran.xlsx", gampong=org["name"], tahun=2025)
    before = tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})
    token = staged_token(post_file(app, headers, org, FIXTURES / "broken-jumlah.xlsx"))
    run_jobs()
    preview = app.get(f"/apbg/unggah/{token}", headers=headers).get_data(as_text=True)
    assert "Berkas ditolak" in preview and "Baris 95: " in preview and "Rp 1.773.529.770" in preview
    assert "menggantikan isi dataset yang sudah ada" in preview
    app.post(f"/apbg/unggah/{token}", headers=headers, data={"terbitkan": "1"})
    run_jobs()
    page = app.get(f"/apbg/unggah/{token}", headers=headers).get_data(as_text=True)
    assert "Berkas ditolak" in page and 'class="alert alert-danger">' in page
    after = tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})
    assert after["metadata_modified"] == before["metadata_modified"]


def test_upload_page_needs_an_operator(app, operator):
    resp = app.get("/apbg/unggah", follow_redirects=False)
    assert resp.status_code == 302 and "/user/login" in resp.headers["Location"]
    outsider = factories.User()
    page = app.get("/apbg/unggah", headers=auth(outsider)).get_data(as_text=True)
    assert "belum menjadi operator" in page
    org_a, user_a = operator()
    org_b, _ = operator("11.71.01.2002")
    resp = post_file(app, auth(user_a), org_b, FIXTURES / "penjabaran.xlsx")
    assert resp.status_code == 200 and "bukan operator gampong ini" in resp.get_data(as_text=True)


def test_dataset_page_and_notice_board(app, operator):
    org, user = operator()
    run_import(user["name"], FIXTURES / "realisasi.xlsx", gampong=org["name"], tahun=2025)
    name = "apbg-kampung-baru-2025-realisasi-semester-1"
    html = app.get(f"/apbdes/{name}").get_data(as_text=True)
    assert "Ringkasan Anggaran" in html and "Rp 1.763.529.770" in html
    for chart in ("apbdes-chart-sumber-dana", "apbdes-chart-bidang", "apbdes-chart-realisasi"):
        assert f'id="{chart}"' in html
    assert re.search(r'src="[^"]*/webassets/bandaaceh/[^"]*apbdes\.js"', html)
    assert "cdn" not in " ".join(re.findall(r'src="([^"]+)"', html)).lower()

    board = app.get(f"/apbg/{name}/papan-informasi").get_data(as_text=True)
    assert "@page { size: A4 portrait" in board and "Kampung Baru" in board
    assert 'data-paper="A4"' in board and "Laporan Realisasi APBG" in board
    a3 = app.get(f"/apbg/{name}/papan-informasi", query_string={"ukuran": "a3"}).get_data(as_text=True)
    assert "@page { size: A3 portrait" in a3
    app.get("/apbg/tidak-ada/papan-informasi", status=404)


def test_cancel_deletes_only_ones_own_staged_upload(app, operator):
    # "Batal" used to delete any staged upload whose token it was given, whoever asked.
    org, user = operator()
    token = staged_token(post_file(app, auth(user), org, FIXTURES / "penjabaran.xlsx"))
    staged = Path(tk.config["ckan.storage_path"]) / "apbdes-staging" / token
    stranger = factories.User()
    app.post(f"/apbg/unggah/{token}", headers=auth(stranger), data={"batal": "1"}, status=403)
    assert (staged / "upload.bin").exists()
    done = app.post(f"/apbg/unggah/{token}", headers=auth(user), data={"batal": "1"}, follow_redirects=False)
    assert done.status_code == 302 and not staged.exists()
