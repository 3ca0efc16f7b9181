"""Browser-test fixtures: a real CKAN server on the test database (``ckan run`` in a
subprocess) and a real headless Chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

CHROMIUM = os.environ.get("BANDAACEH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "Rahasia-Gampong-2025"

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in requirements.txt")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


@pytest.fixture
def login() -> Any:
    return _login


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/user/login")
    page.fill("#field-login", username)
    page.fill("#field-password", PASSWORD)
    with page.expect_navigation():
        page.press("#field-password", "Enter")
    assert page.locator(f"a[href='/user/{username}'], a[href$='/user/{username}']").count() > 0 or \
        "/user/login" not in page.url, "login failed"
