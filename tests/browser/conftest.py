"""Browser-test fixtures: the portal served by its production WSGI server (gunicorn on
``deploy/wsgi.py``, as ``make portal`` runs it) on the test database, and a real headless
Chromium driven by Playwright."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.servers import free_port, stop, wait_for

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("BANDAACEH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "Rahasia-Gampong-2025"

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in requirements.txt")


@pytest.fixture(scope="session")
def portal_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gunicorn on the test ini and a free port, started once for all browser tests; yields its
    base URL, stops it at the end of the session. Tests ask for ``server`` (below), which empties
    the databases first. The server keeps working across those resets: CKAN opens a database
    session per request, and our per-process caches (organisations/cache.py, site.py's
    all_organisations) are keyed on a fingerprint of the tables that a reset changes."""
    ini = os.path.abspath(request.config.getoption("ckan_ini"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, CKAN_SITE_URL=url, CKAN_INI=ini, PYTHONPATH=str(REPO))
    log_path = tmp_path_factory.mktemp("browser-server") / "ckan-server.log"
    log = open(log_path, "wb")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen([str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
                             "--timeout", "120", "deploy.wsgi:application"],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        log.flush()
        wait_for(f"{url}/api/3/action/status_show", proc, log_path)
        yield url
    finally:
        stop(proc)
        log.close()


@pytest.fixture
def server(clean_datastore: None, portal_server: str) -> str:
    """The session's gunicorn (``portal_server``) on freshly emptied databases and search index
    (``clean_datastore`` requests ``portal``: clean_db, clean_index); yields its base URL."""
    return portal_server


@pytest.fixture
def jobs_worker(request: pytest.FixtureRequest, server: str, tmp_path: Path) -> Iterator[None]:
    """The jobs worker as the Procfile runs it (``ckan jobs worker default bandaaceh_apbdes``) on
    the test ini, for the length of the test: the budget uploads are parsed there."""
    ini = os.path.abspath(request.config.getoption("ckan_ini"))
    log = open(tmp_path / "ckan-worker.log", "wb")
    proc = subprocess.Popen([str(Path(sys.executable).with_name("ckan")), "-c", ini, "jobs", "worker",
                             "default", "bandaaceh_apbdes"], cwd=REPO, env=dict(os.environ, CKAN_SITE_URL=server),
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        yield
    finally:
        stop(proc)
        log.close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the session; tests get it through ``browser``."""
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def browser(chromium: Any) -> Iterator[Any]:
    """The session's Chromium; every page a test opens (``new_page`` / ``new_context``) is in a
    browser context of its own (cookies, storage, cache), and all of them are closed after the
    test, so no login or cached page carries over to the next test."""
    assert not chromium.contexts, "a browser context of an earlier test is still open"
    try:
        yield chromium
    finally:
        for context in list(chromium.contexts):
            context.close()


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
