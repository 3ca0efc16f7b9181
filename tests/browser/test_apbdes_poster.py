"""The notice-board poster printed to PDF by a real Chromium, read back by clients we did not
write: pdfminer.six (text and font sizes), pypdfium2 (renders the page) and zxing-cpp (decodes
the QR code from the rendered page). Issue 12 item 7."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
import zxingcpp
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTTextContainer

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from werkzeug.datastructures import FileStorage

from ckanext.bandaaceh.apbdes.portal.board import short_bidang
from ckanext.bandaaceh.apbdes.portal.helpers import bandaaceh_apbdes_bidang, bandaaceh_rupiah

from .conftest import CHROMIUM

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "apbdes"
KEUCHIK = "Teuku Contoh Namaseorang"  # made up for the test
#: A4 and A3 in PostScript points, and the smallest text each must have (16pt on A4, x1.41 on A3).
PAPER = {"A4": ((595.3, 841.9), 16.0), "A3": ((841.9, 1190.6), 16.0 * 1.41)}
HEADLINE_MIN = 24.0

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("portal"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}"),
]


def _publish(gampong_org: Any, fixture: str) -> dict[str, Any]:
    user = factories.User()
    org = gampong_org(kode_wilayah="11.71.01.2001", kepala=KEUCHIK,
                      users=[{"name": user["name"], "capacity": "editor"}])
    path = FIXTURES / fixture
    result = tk.get_action("apbdes_import")({"user": user["name"]}, {
        "upload": FileStorage(io.BytesIO(path.read_bytes()), filename=path.name),
        "gampong": org["name"], "tahun": 2025,
        "nomor_peraturan": "3 Tahun 2024", "tanggal_peraturan": "2024-12-20"})
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": result["dataset"]["name"]})


def _chars(pdf: bytes) -> tuple[list[Any], str, list[LTChar]]:
    """Pages, all text (whitespace collapsed), and every printed character of a PDF."""
    pages = list(extract_pages(io.BytesIO(pdf)))
    chars: list[LTChar] = []

    def walk(obj: Any) -> None:
        if isinstance(obj, LTChar):
            chars.append(obj)
        for child in getattr(obj, "_objs", None) or []:
            walk(child)

    for page in pages:
        walk(page)
    text = " ".join(o.get_text() for page in pages for o in page if isinstance(o, LTTextContainer))
    return pages, " ".join(text.split()), chars


@pytest.mark.parametrize("fixture", ["penjabaran.xlsx", "realisasi.xlsx"])
@pytest.mark.parametrize("paper", ["A4", "A3"])
def test_poster_prints_readable_on_one_sheet(server: str, browser: Any, gampong_org: Any,
                                             fixture: str, paper: str) -> None:
    pkg = _publish(gampong_org, fixture)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    query = "?ukuran=a3" if paper == "A3" else ""
    page.goto(f"{server}/apbg/{pkg['name']}/papan-informasi{query}")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert not errors

    pages, text, chars = _chars(pdf)
    (width, height), smallest = PAPER[paper]
    assert len(pages) == 1, f"the {paper} poster takes {len(pages)} sheets"
    assert abs(pages[0].width - width) < 2 and abs(pages[0].height - height) < 2

    # Every letter on the sheet is large enough to read at two metres.
    sizes = sorted({round(c.size, 1) for c in chars if c.get_text().strip()})
    assert sizes and sizes[0] >= smallest - 0.2, f"smallest text {sizes[0]}pt on {paper}"

    # Bidang by name with their amounts, the Qanun with its date, the Keuchik.
    for code, name in bandaaceh_apbdes_bidang():
        assert short_bidang(name) in text and len(short_bidang(name)) > 10, f"bidang {code} ({name}) not on the poster"
        assert bandaaceh_rupiah(pkg[f"belanja_bidang_{code}"]) in text
    assert "Bidang 01" not in text
    assert "Qanun Gampong Nomor 3 Tahun 2024, 20 Desember 2024" in text
    assert f"Keuchik Gampong Kampung Baru: {KEUCHIK}" in text

    # Headline amounts are the largest text: total belanja among them.
    belanja = bandaaceh_rupiah(pkg["total_belanja"])
    assert belanja in text
    big = "".join(c.get_text() for c in chars if c.size >= HEADLINE_MIN * (1.41 if paper == "A3" else 1) - 0.2)
    assert belanja.replace(" ", "") in big.replace(" ", "")

    # The QR code printed on the sheet leads to the dataset page.
    doc = pypdfium2.PdfDocument(pdf)
    image = doc[0].render(scale=150 / 72).to_pil()
    codes = zxingcpp.read_barcodes(image)
    urls = [c.text for c in codes if c.format == zxingcpp.BarcodeFormat.QRCode]
    assert urls == [f"{server}/apbdes/{pkg['name']}"], urls
