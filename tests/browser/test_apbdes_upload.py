"""The APBG upload -> preview -> publish flow in a real headless Chromium (Playwright) against a
real CKAN server started by the test (``ckan run`` in a subprocess on the test database)."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "apbdes"
CHROMIUM = os.environ.get("BANDAACEH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "Rahasia-Gampong-2025"
NAME = "apbg-kampung-baru-2025-murni"

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in requirements.txt")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("portal"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM} "
                       "(scripts/bootstrap.sh --test installs it)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def clean_datastore(portal: None) -> None:
    from ckanext.datastore.tests import helpers as ds_helpers

    engine = ds_helpers.db.get_write_engine()
    ds_helpers.rebuild_all_dbs(ds_helpers.orm.scoped_session(ds_helpers.orm.sessionmaker(bind=engine)))


@pytest.fixture
def server(request: pytest.FixtureRequest, clean_datastore: None, tmp_path: Path) -> Iterator[str]:
    """``ckan -c <the test ini> run`` on a free port; yields its base URL, stops it afterwards."""
    ini = os.path.abspath(request.config.getoption("ckan_ini"))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, CKAN_SITE_URL=url, CKAN_INI=ini)
    log = open(tmp_path / "ckan-server.log", "wb")
    ckan = shutil.which("ckan", path=os.path.dirname(sys.executable)) or "ckan"
    proc = subprocess.Popen([ckan, "-c", ini, "run", "--host", "127.0.0.1", "--port", str(port),
                             "--disable-reloader"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"CKAN server exited: {(tmp_path / 'ckan-server.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/api/3/action/status_show", timeout=5) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("CKAN server did not start within 120 s")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/user/login")
    page.fill("#field-login", username)
    page.fill("#field-password", PASSWORD)
    with page.expect_navigation():
        page.press("#field-password", "Enter")
    assert page.locator(f"a[href='/user/{username}'], a[href$='/user/{username}']").count() > 0 or \
        "/user/login" not in page.url, "login failed"


def test_upload_preview_publish_in_chromium(server: str, browser: Any, gampong_org: Any) -> None:
    user = factories.User(password=PASSWORD)
    org = gampong_org(kode_wilayah="11.71.01.2001", users=[{"name": user["name"], "capacity": "editor"}])
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, server, user["name"])

    # Broken file first: refused in the preview, publishing impossible, nothing created.
    page.goto(f"{server}/apbg/unggah")
    page.select_option("#field-gampong", org["name"])
    page.fill("#field-tahun", "2025")
    page.set_input_files("#field-upload", str(FIXTURES / "broken-jumlah.xlsx"))
    page.click("#apbdes-check")
    page.wait_for_url(re.compile(r"/apbg/unggah/[A-Za-z0-9_-]+$"))
    problem = page.locator("#apbdes-problems li.error").first
    assert "baris 95" in problem.inner_text() and "Rp 1.773.529.770" in problem.inner_text()
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
    assert page.locator("[data-total=belanja]").inner_text() == "Rp 1.763.529.770"
    assert page.locator("#apbdes-lines tbody tr").count() == 33
    assert NAME in page.locator("#apbdes-target").inner_text()
    page.click("#apbdes-publish")
    page.wait_for_url(re.compile(rf"/apbdes/{NAME}$"))
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

    # The notice board prints on A4 (the @page rule), charts included.
    page.goto(f"{server}/apbg/{NAME}/papan-informasi")
    page.wait_for_selector(".apbdes-board canvas[data-rendered=true]")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf))
    assert boxes and all(abs(float(w) - 595.9) < 2 and abs(float(h) - 842.9) < 2 for w, h in boxes), boxes
    assert errors == []
