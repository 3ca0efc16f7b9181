"""Spreadsheet errors in the request's language (issue 9, error messages): the web preview of a
background check (the job has no language: the page words what it recorded) and the
``apbdes_import`` refusal, Indonesian under ``id`` and English under ``/en/``. Real stack."""
from __future__ import annotations

import io
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
