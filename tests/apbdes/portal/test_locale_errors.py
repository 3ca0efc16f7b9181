"""Spreadsheet errors in the request's language (issue 9, error messages): the web preview of a
background check (the job has no language: the page words what it recorded) and the
``apbdes_import`` refusal, Indonesian under ``id`` and English under ``/en/``. Real stack."""
from __future__ import annotations

import io
from pathlib import Path
from html import unescape

import pytest

from .test_web import auth, staged_token

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")

PDF = b"%PDF-1.7\n"  # a PDF under a spreadsheet's name
ID_TEXT = "Berkas tidak dapat dibaca: apbg.xlsx: ini dokumen PDF, bukan spreadsheet"
EN_TEXT = "The file cannot be read: apbg.xlsx: this is a PDF document, not a spreadsheet"


def test_preview_of_a_background_check_follows_the_page_language(app, operator, run_jobs):
    org, user = operator()
    headers = auth(user)
    form = {"gampong": org["name"], "tahun": "2025", "upload": (io.BytesIO(PDF), "apbg.xlsx")}
    token = staged_token(app.post("/apbg/unggah", headers=headers, data=form, follow_redirects=False))
    # queued by an Indonesian page; the progress label is worded by the page that shows it
    waiting = app.get(f"/en/apbg/unggah/{token}", headers=headers).get_data(as_text=True)
    assert '<p id="apbdes-progress-label">Waiting in the queue</p>' in waiting
    run_jobs()
    indonesian = unescape(app.get(f"/apbg/unggah/{token}", headers=headers).get_data(as_text=True))
    english = unescape(app.get(f"/en/apbg/unggah/{token}", headers=headers).get_data(as_text=True))
    assert ID_TEXT in indonesian and EN_TEXT not in indonesian
    assert EN_TEXT in english and ID_TEXT not in english


def test_apbdes_import_refusal_in_the_request_language(app, operator):
    org, user = operator()
    headers = auth(user)
    for prefix, text in (("", ID_TEXT), ("/en", EN_TEXT)):
        form = {"gampong": org["name"], "tahun": "2025", "upload": (io.BytesIO(PDF), "apbg.xlsx")}
        error = app.post(f"{prefix}/api/3/action/apbdes_import", data=form, headers=headers, status=409).json["error"]
        assert any(text in m for m in error["upload"]), error
        assert [p["text"] for p in error["problems"]] == [f"apbg.xlsx: {text}"]


# A budget with a wrong heading (5.1.1.01 raised by Rp 1.000.000), an account outside the chart
# (4.8.1.01) and a kegiatan in neither list (01.01.89): checks of the budget, not of the file.
PENJABARAN = Path(__file__).resolve().parents[2] / "fixtures" / "apbdes" / "penjabaran.csv"
BROKEN_EDITS = (("5.1.1.01. [01.01.01];Penghasilan Tetap Keuchik;36.000.000,00",
                 "5.1.1.01. [01.01.01];Penghasilan Tetap Keuchik;37.000.000,00"),
                ("4.3.6.01;Bunga Bank;", "4.8.1.01;Bunga Bank;"),
                ("01.01.03.;", "01.01.89.;"))
KEGIATAN_89 = "01.01.89 'Penyediaan Jaminan Sosial bagi Kepala Desa dan Perangkat Desa'"
CHECKS_ID = {
    "sum_mismatch": "penjabaran.csv, sheet penjabaran: Baris 32: anggaran 01.01.01 Penyediaan Penghasilan Tetap dan Tunjangan Kepala Desa "
                    "tertulis Rp 50.400.000, tetapi jumlah rinciannya Rp 51.400.000: yang tertulis lebih kecil "
                    "Rp 1.000.000 daripada jumlah rinciannya.",
    "unknown_account": "penjabaran.csv, sheet penjabaran: Baris 26: kode rekening 4.8.1.01 tidak dikenal; jenis induknya 4.8.1 tidak ada "
                       "dalam bagan akun APBDes (Permendagri 20/2018).",
    "unlisted_kegiatan": f"penjabaran.csv, sheet penjabaran: Baris 38: kode kegiatan {KEGIATAN_89} tidak ada dalam daftar nasional "
                         "maupun daftar lokal Kota Banda Aceh; dihitung di bawah 01.01",
}
CHECKS_EN = {
    "sum_mismatch": "penjabaran.csv, sheet penjabaran: Row 32: budget of 01.01.01 Penyediaan Penghasilan Tetap dan Tunjangan Kepala Desa "
                    "is stated as Rp 50.400.000, but its detail lines add up to Rp 51.400.000: the stated amount is "
                    "Rp 1.000.000 smaller than the sum of its detail lines.",
    "unknown_account": "penjabaran.csv, sheet penjabaran: Row 26: account code 4.8.1.01 is unknown; its parent type 4.8.1 is not in the "
                       "APBDes chart of accounts (Permendagri 20/2018).",
    "unlisted_kegiatan": f"penjabaran.csv, sheet penjabaran: Row 38: activity code {KEGIATAN_89} is in neither the national list nor the "
                         "local list of Banda Aceh City; it is counted under 01.01",
}


def _broken_budget() -> bytes:
    text = PENJABARAN.read_text("utf-8")
    for old, new in BROKEN_EDITS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text.encode("utf-8")


def _check_texts(texts: list[str], expected: dict[str, str], other: dict[str, str]) -> None:
    for code, text in expected.items():
        assert any(t.startswith(text) for t in texts), (code, texts)
    for text in other.values():
        assert not any(text in t for t in texts), texts


def test_budget_checks_in_the_page_language(app, operator, run_jobs):
    org, user = operator()
    headers = auth(user)
    form = {"gampong": org["name"], "tahun": "2025", "tahap": "murni",
            "upload": (io.BytesIO(_broken_budget()), "penjabaran.csv")}
    token = staged_token(app.post("/apbg/unggah", headers=headers, data=form, follow_redirects=False))
    run_jobs()
    indonesian = unescape(app.get(f"/apbg/unggah/{token}", headers=headers).get_data(as_text=True))
    english = unescape(app.get(f"/en/apbg/unggah/{token}", headers=headers).get_data(as_text=True))
    for page, expected, other in ((indonesian, CHECKS_ID, CHECKS_EN), (english, CHECKS_EN, CHECKS_ID)):
        for text in expected.values():
            assert text in page, (text, page[page.find('id="apbdes-problems"'):][:3000])
        for text in other.values():
            assert text not in page
    # the totals above the wrong row, listed under it, are worded by the page too
    assert "Row 31: budget of 01.01 " in english and "Baris 31: anggaran 01.01 " in indonesian


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_apbdes_import_budget_checks_in_the_request_language(app, operator, prefix):
    org, user = operator()
    headers = auth(user)
    form = {"gampong": org["name"], "tahun": "2025", "tahap": "murni",
            "upload": (io.BytesIO(_broken_budget()), "penjabaran.csv")}
    error = app.post(f"{prefix}/api/3/action/apbdes_import", data=form, headers=headers, status=409).json["error"]
    expected, other = (CHECKS_EN, CHECKS_ID) if prefix else (CHECKS_ID, CHECKS_EN)
    texts = [p["text"] for p in error["problems"]]
    _check_texts(texts, expected, other)
    messages = {p["code"]: p["message"] for p in error["problems"]}
    assert messages["unknown_account"] == expected["unknown_account"].split(": ", 1)[1]
    assert not any(", row 26: Row 26" in t or ", baris 26: Baris 26" in t for t in texts)  # the row said once
