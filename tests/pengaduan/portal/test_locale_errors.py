"""A complaint export that cannot be read is refused in the request's language (issue 9)."""
from __future__ import annotations

import io

import pytest

from tests.apbdes.portal.test_web import auth

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")


def test_pengaduan_import_refusal_in_the_request_language(app, operator):
    headers = auth(operator)
    for prefix, text in (("", "suwarga.xlsx: berkas tidak dapat dibaca: suwarga.xlsx: ini dokumen PDF, bukan spreadsheet"),
                         ("/en", "suwarga.xlsx: the file cannot be read: suwarga.xlsx: this is a PDF document, "
                                 "not a spreadsheet")):
        form = {"kanal": "suwarga", "upload": (io.BytesIO(b"%PDF-1.7\n"), "suwarga.xlsx")}
        error = app.post(f"{prefix}/api/3/action/pengaduan_import", data=form, headers=headers, status=409).json["error"]
        assert error["upload"] == [text], error
