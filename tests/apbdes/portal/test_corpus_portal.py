"""Corpus files through the three ways in (API, CLI, web) against the real stack (issue 8):
local codes listed, the realisation period asked for, APBG-Perubahan before/after kept in the
dataset, DataStore and page, the realised SILPA on the transparency page, messages said once.
Expected figures come from the corpus manifest (written from the generator's model)."""
from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_cli

from ckanext.bandaaceh import apbdes

from .conftest import run_import
from .test_web import auth

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")

BUDGETS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus" / "budgets"
MANIFEST = json.loads((BUDGETS / "manifest.json").read_text(encoding="utf-8"))["files"]


def show(name: str) -> dict:
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": name})


def rp(value: str) -> str:
    return apbdes.format_rupiah(Decimal(value))


def for_file(operator, name: str):
    """An operator of the gampong the corpus file belongs to."""
    return operator(kode_wilayah=MANIFEST[name]["gampong"])


def staged_preview(app, operator, run_jobs, name: str) -> tuple[dict, str, str]:
    """Upload a corpus file on the web as an operator of its gampong: (headers, token, preview page)."""
    org, user = for_file(operator, name)
    headers = auth(user)
    resp = app.post("/apbg/unggah", headers=headers, follow_redirects=False, data={
        "gampong": org["name"], "tahun": "2025",
        "upload": (io.BytesIO((BUDGETS / name).read_bytes()), name)})
    token = re.search(r"/apbg/unggah/([A-Za-z0-9_-]+)", resp.headers["Location"]).group(1)
    run_jobs()
    return headers, token, app.get(f"/apbg/unggah/{token}", headers=headers).get_data(as_text=True)


def test_perubahan_keeps_before_in_dataset_datastore_and_page(app, operator):
    name = "apbg-perubahan.xlsx"
    e = MANIFEST[name]
    org, user = for_file(operator, name)
    result = run_import(user["name"], BUDGETS / name, gampong=org["name"], tahun=2025)
    assert result["published"] and result["tahap"] == "perubahan"
    pkg = show(result["dataset"]["name"])
    assert (pkg["total_belanja"], pkg["sebelum_total_belanja"]) == (e["totals"]["belanja"], e["sebelum"]["belanja"])
    assert (pkg["silpa"], pkg["sebelum_silpa"]) == (e["totals"]["silpa"], e["sebelum"]["silpa"])
    assert {b: pkg[f"perubahan_bidang_{b}"] for b in e["change_per_bidang"]} == e["change_per_bidang"]

    res = next(r for r in pkg["resources"] if r.get("apbdes_role") == "lines")
    fields = {f["id"]: f for f in tk.get_action("datastore_info")({"ignore_auth": True}, {"id": res["id"]})["fields"]}
    assert fields["anggaran_sebelum"]["type"] == "numeric"
    assert fields["anggaran_sebelum"]["info"]["label"] == "Anggaran sebelum perubahan (Rp)"
    records = tk.get_action("datastore_search")({"ignore_auth": True}, {
        "resource_id": res["id"], "limit": 1000, "fields": ["kode_rekening", "anggaran_sebelum"]})["records"]
    assert len(records) == e["line_count"]
    assert sum(Decimal(str(r["anggaran_sebelum"])) for r in records
               if r["kode_rekening"].startswith("5")) == Decimal(e["sebelum"]["belanja"])

    page = app.get(f"/apbdes/{pkg['name']}").get_data(as_text=True)
    assert "Sebelum perubahan" in page and "Sesudah perubahan" in page
    changed = next(b for b, v in e["change_per_bidang"].items() if v != "0")
    row = page.split(f'data-bidang="{changed}"', 1)[1].split("</tr>", 1)[0]
    assert rp(e["change_per_bidang"][changed]) in row


def test_transparency_shows_realised_silpa_labelled(app, operator):
    name = "realisasi-6-tahunan.xlsx"
    e = MANIFEST[name]
    org, user = for_file(operator, name)
    run_import(user["name"], BUDGETS / name, gampong=org["name"], tahun=2025)
    data = tk.get_action("apbdes_transparency")({"ignore_auth": True}, {"tahun": 2025})
    row = next(g for k in data["kecamatan"] for g in k["gampong"] if g["kode_wilayah"] == e["gampong"])
    assert row["realisasi"]["realisasi_silpa"] == e["realisasi"]["silpa"]
    assert row["anggaran"]["silpa"] == e["totals"]["silpa"]
    assert e["realisasi"]["silpa"] != e["totals"]["silpa"]
    page = app.get("/transparansi-apbg?tahun=2025").get_data(as_text=True)
    assert "SILPA (anggaran)" in page and "SILPA (realisasi)" in page
    tr = page.split(f'data-kode="{e["gampong"]}"', 1)[1].split("</tr>", 1)[0]
    cell = tr.split('data-field="realisasi_silpa">', 1)[1].split("<", 1)[0]
    assert cell == rp(e["realisasi"]["silpa"])


def test_api_lists_local_codes_and_says_each_row_once(operator):
    name = "siskeudes-penjabaran.xlsx"
    e = MANIFEST[name]
    org, user = for_file(operator, name)
    result = run_import(user["name"], BUDGETS / name, gampong=org["name"], tahun=2025, dry_run=True)
    assert result["can_publish"]
    assert sorted(c["kode"] for c in result["kode_lokal"]) == e["local_warnings"]
    assert {c["kode"]: c["nama"] for c in result["kode_lokal"]} == e["local_warning_names"]
    for p in result["problems"]:
        assert not re.search(r"baris \d+: Baris \d+", p["text"], re.I), p["text"]


def test_refused_row_said_once_with_consequences(operator):
    name = "rusak-satu-baris.xlsx"
    e = MANIFEST[name]
    org, user = for_file(operator, name)
    with pytest.raises(tk.ValidationError) as exc:
        run_import(user["name"], BUDGETS / name, gampong=org["name"], tahun=2025)
    messages = exc.value.error_dict["upload"]
    assert len(messages) == 1
    assert f"sheet APBG: Baris {e['root_row']}:" in messages[0] and messages[0].count(f"Baris {e['root_row']}") == 1
    assert "lebih kecil Rp 3.000.000" in messages[0]
    problem = exc.value.error_dict["problems"][0]
    assert sorted(r["row"] for r in problem["related"]) == e["related_rows"]


def test_missing_period_names_the_parameter_api_and_cli(cli, operator):
    name = "realisasi-tanpa-periode.xlsx"
    org, user = for_file(operator, name)
    with pytest.raises(tk.ValidationError) as exc:
        run_import(user["name"], BUDGETS / name, gampong=org["name"], tahun=2025)
    text = " ".join(exc.value.error_dict["upload"])
    assert "parameter periode" in text and "tidak disebutkan" in text
    out = cli.invoke(ckan_cli, ["bandaaceh", "apbdes", "import", str(BUDGETS / name), "--gampong",
                                MANIFEST[name]["gampong"], "--tahun", "2025", "--dry-run"])
    assert out.exit_code == 1 and "missing_period" in out.output and "--periode" in out.output
    done = run_import(user["name"], BUDGETS / name, gampong=org["name"], tahun=2025, periode="tahunan")
    assert done["published"] and done["dataset"]["name"].endswith("-2025-realisasi-tahunan")


def test_period_the_file_does_state_is_named(operator):
    name = "realisasi-triwulan-3.xlsx"
    org, user = for_file(operator, name)
    result = run_import(user["name"], BUDGETS / name, gampong=org["name"], tahun=2025, dry_run=True)
    missing = next(p for p in result["problems"] if p["code"] == "missing_period")
    assert "TRIWULAN III" in missing["text"] and "tidak disebutkan" not in missing["text"]
    assert result["needs_periode"] and result["periode_text"] == "TRIWULAN III"


def test_web_preview_asks_for_the_period(app, operator, run_jobs):
    name = "realisasi-tanpa-periode.xlsx"
    headers, token, preview = staged_preview(app, operator, run_jobs, name)
    assert 'id="apbdes-periode-form"' in preview and 'name="periode"' in preview
    assert "Berkas ditolak" in preview
    again = app.post(f"/apbg/unggah/{token}", headers=headers, data={"periksa": "1", "periode": "tahunan"},
                     follow_redirects=False)
    assert again.status_code == 302
    run_jobs()
    preview = app.get(f"/apbg/unggah/{token}", headers=headers).get_data(as_text=True)
    assert 'id="apbdes-periode-form"' not in preview and "Berkas ditolak" not in preview
    app.post(f"/apbg/unggah/{token}", headers=headers, data={"terbitkan": "1"})
    run_jobs()
    done = app.get(f"/apbg/unggah/{token}", headers=headers, follow_redirects=False)
    assert done.status_code == 302 and done.headers["Location"].endswith("-2025-realisasi-tahunan")


def test_web_preview_lists_local_codes_and_before_column(app, operator, run_jobs):
    name = "apbg-perubahan-3-kolom.xlsx"
    e = MANIFEST[name]
    headers, token, preview = staged_preview(app, operator, run_jobs, name)
    assert 'id="apbdes-kode-lokal"' in preview
    for code in e["local_warnings"]:
        assert f'data-kode="{code}"' in preview
    assert "Belanja sebelum perubahan" in preview and rp(e["sebelum"]["belanja"]) in preview
