"""The APBG upload -> progress -> preview -> publish flow in a real headless Chromium (Playwright)
against the portal's gunicorn and jobs worker, started by the test on the test database."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from .conftest import CHROMIUM, PASSWORD

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "apbdes"
NAME = "apbg-kampung-baru-2025-murni"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("portal"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM} "
                       "(scripts/bootstrap.sh --test installs it)"),
]


def test_upload_preview_publish_in_chromium(server: str, jobs_worker: None, browser: Any, login: Any,
                                            gampong_org: Any) -> None:
    user = factories.User(password=PASSWORD)
    org = gampong_org(kode_wilayah="11.71.01.2001", users=[{"name": user["name"], "capacity": "editor"}])
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, server, user["name"])

    # Broken file first: refused in the preview, publishing impossible, nothing created.
    page.goto(f"{server}/apbg/unggah")
    page.select_option("#field-gampong", org["name"])
    page.fill("#field-tahun", "2025")
    page.set_input_files("#field-upload", str(FIXTURES / "broken-jumlah.xlsx"))
    page.click("#apbdes-check")
    page.wait_for_url(re.compile(r"/apbg/unggah/[A-Za-z0-9_-]+$"))
    # The worker checks the file; the page follows its progress and then shows the preview.
    page.wait_for_selector("#apbdes-problems", timeout=120_000)
    problem = page.locator("#apbdes-problems li.error").first
    text = problem.inner_text()  # the row is named once (issue 8 item 9), with the larger side in words
    assert text.count("Baris 95") == 1 and "baris 95" not in text and "Rp 1.773.529.770" in text
    assert "yang tertulis lebih besar Rp 10.000.000" in text
    assert page.locator("#apbdes-publish").is_disabled()
    page.click("button[name=batal]")
    page.wait_for_url(re.compile(r"/apbg/unggah$"))

    # Good file: preview shows lines and totals, then publish.
    page.select_option("#field-gampong", org["name"])
    page.fill("#field-tahun", "2025")
    page.fill("#field-nomor", "3 Tahun 2024")
    page.set_input_files("#field-upload", str(FIXTURES / "penjabaran.xlsx"))
    page.click("#apbdes-check")
    page.wait_for_url(re.compile(r"/apbg/unggah/[A-Za-z0-9_-]+$"))
    page.wait_for_selector("[data-total=belanja]", timeout=120_000)
    assert page.locator("[data-total=belanja]").inner_text() == "Rp 1.763.529.770"
    assert page.locator("#apbdes-lines tbody tr").count() == 33
    assert NAME in page.locator("#apbdes-target").inner_text()
    page.click("#apbdes-publish")
    page.wait_for_url(re.compile(rf"/apbdes/{NAME}$"), timeout=120_000)
    assert "APBG Murni Gampong Kampung Baru Tahun 2025" in page.locator("h1").first.inner_text()

    # Charts are drawn by the bundled Chart.js with the dataset's figures.
    page.wait_for_selector("#apbdes-chart-bidang[data-rendered=true]")
    bidang = page.evaluate("Chart.getChart(document.getElementById('apbdes-chart-bidang')).data.datasets[0].data")
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})
    assert bidang == [float(pkg[f"belanja_bidang_0{i}"]) for i in range(1, 6)]
    sources = page.evaluate(
        "Chart.getChart(document.getElementById('apbdes-chart-sumber-dana')).data.datasets[0].data")
    assert sum(sources) == float(pkg["total_pendapatan"])
    assert pkg["nomor_peraturan"] == "3 Tahun 2024"

    # The notice board is reachable from the dataset page (its print is tested in
    # test_apbdes_poster.py).
    page.goto(f"{server}/apbg/{NAME}/papan-informasi")
    assert page.locator("#apbdes-board-bidang .board-bar").count() == 5
    assert errors == []
