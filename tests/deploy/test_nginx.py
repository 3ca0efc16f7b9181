"""The nginx site of deploy/ (issue 10 items 5 and 8): Debian's nginx with
deploy/nginx/bandaaceh.conf.in, rendered by deploy/render.py onto a high loopback port, in front
of the portal's gunicorn on the test configuration. A page, a static asset and a file upload go
through it; with two gunicorn processes in the upstream (round robin, no sticky sessions) a
login and the budget upload -> preview -> publish flow cross both."""
from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import requests

import ckan.lib.jobs as ckan_jobs
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.bandaaceh.apbdes.portal.jobs import queue_name

from .conftest import REPO, child_ini, free_port, ini_of, stop, wait_for

BUDGET = REPO / "tests" / "fixtures" / "apbdes" / "penjabaran.xlsx"
PASSWORD = "Rahasia-Gampong-2025"

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
LIMIT = 300_000  # MAX_CONTENT_LENGTH of this test, so also nginx's client_max_body_size

pytestmark = [
    pytest.mark.usefixtures("portal", "clean_datastore"),
    pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx: scripts/bootstrap.sh --test installs it"),
]

MAIN_CONF = """\
# Test-only main configuration: temp files under the test's folder, workers as root so that
# they can read pytest's private temporary folders.
user root;
worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 128; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    # which web process answered each proxied request ("-" for files nginx served itself)
    log_format upstreams '$request_method $request_uri $status $upstream_addr';
    access_log {d}/access.log upstreams;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    include {site};
}}
"""


class Site:
    """nginx with the rendered site in front of ``backends`` gunicorn processes."""

    def __init__(self, url: str, rendered: Path, log_dir: Path, backends: list[str]) -> None:
        self.url, self.rendered, self.log_dir, self.backends = url, rendered, log_dir, backends

    def upstreams(self) -> list[tuple[str, str, str]]:
        """(method, path, web process) of every request nginx proxied so far, in order."""
        lines = (self.log_dir / "access.log").read_text().splitlines()
        return [(m, uri, addr) for m, uri, _status, addr in (line.split(" ") for line in lines)
                if addr != "-"]


class Sites:
    """Starts nginx with the rendered site on a free loopback port in front of N gunicorns
    (started by ``gunicorn``), files under ``folder``; stops the nginx processes it started."""

    def __init__(self, folder: Path, test_ini: Path, gunicorn: Callable[..., str]) -> None:
        self.folder, self.test_ini, self.gunicorn = folder, test_ini, gunicorn
        self.procs: list[subprocess.Popen] = []

    def start(self, backends: int) -> Site:
        ini = child_ini(self.folder, self.test_ini, MAX_CONTENT_LENGTH=str(LIMIT))
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        upstreams = [self.gunicorn(ini, CKAN_SITE_URL=url).removeprefix("http://") for _ in range(backends)]
        out = self.folder / "rendered"
        subprocess.run([sys.executable, str(REPO / "deploy" / "render.py"), "--ini", str(ini),
                        "--out", str(out), "--listen", f"127.0.0.1:{port}",
                        *(arg for u in upstreams for arg in ("--upstream", u))],
                       check=True, capture_output=True)
        nginx_dir = self.folder / "nginx"
        nginx_dir.mkdir()
        conf = nginx_dir / "nginx.conf"
        conf.write_text(MAIN_CONF.format(d=nginx_dir, site=out / "nginx" / "bandaaceh.conf"))
        proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(nginx_dir)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        wait_for(f"{url}/api/3/action/status_show", proc, nginx_dir / "error.log", seconds=30)
        return Site(url, out, nginx_dir, upstreams)

    def stop_all(self) -> None:
        for proc in self.procs:
            stop(proc)


@pytest.fixture
def start_site(tmp_path: Path, test_ini: Path, gunicorn: Callable[..., str]) -> Iterator[Callable[[int], Site]]:
    """Start nginx with the rendered site on a free loopback port in front of N gunicorns."""
    sites = Sites(tmp_path, test_ini, gunicorn)
    try:
        yield sites.start
    finally:
        sites.stop_all()


@pytest.fixture(scope="module")
def one_backend_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                     module_gunicorn: Callable[..., str]) -> Iterator[Site]:
    """nginx in front of one gunicorn, shared by this module's tests that need no more."""
    sites = Sites(tmp_path_factory.mktemp("nginx-site"), ini_of(request.config),
                  module_gunicorn)
    try:
        yield sites.start(1)
    finally:
        sites.stop_all()


@pytest.fixture
def site(one_backend_site: Site) -> tuple[str, Path]:
    """nginx in front of one gunicorn; (its URL, the rendered files' folder). Requested after
    ``portal``/``clean_datastore`` (pytestmark), so each test sees emptied databases."""
    return one_backend_site.url, one_backend_site.rendered


@pytest.fixture
def dataset(skpd_org: Any, satu_data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    sysadmin = factories.SysadminWithToken()
    org = skpd_org()
    return sysadmin, factories.Dataset(owner_org=org["id"], title="Jumlah Penduduk Kota", **satu_data)


def test_page_through_nginx_is_compressed(site: tuple[str, Path], dataset: Any) -> None:
    url, _ = site
    _, ds = dataset
    resp = requests.get(f"{url}/dataset/{ds['name']}", headers={"Accept-Encoding": "gzip"},
                        stream=True, timeout=60)
    assert resp.status_code == 200
    assert resp.headers["Server"] == "nginx"  # gunicorn's Server header is not passed on
    assert resp.headers.get("Content-Encoding") == "gzip"
    assert "Jumlah Penduduk Kota" in gzip.decompress(resp.raw.read()).decode()


def test_static_asset_is_served_by_nginx(site: tuple[str, Path], dataset: Any) -> None:
    url, _ = site
    logo = REPO / "ckanext-bandaaceh" / "ckanext" / "bandaaceh" / "public" / "bandaaceh" / "logo.svg"
    resp = requests.get(f"{url}/bandaaceh/logo.svg", timeout=60)
    assert resp.status_code == 200
    assert resp.content == logo.read_bytes()
    # `expires 7d` of the static location: CKAN itself would not send this max-age.
    assert resp.headers.get("Cache-Control") == "max-age=604800"
    assert resp.headers["Content-Type"] == "image/svg+xml"


def test_upload_through_nginx(site: tuple[str, Path], dataset: Any) -> None:
    url, rendered = site
    sysadmin, ds = dataset
    assert f"client_max_body_size {LIMIT};" in (rendered / "nginx" / "bandaaceh.conf").read_text()
    auth = {"Authorization": sysadmin["token"]}
    data = "kecamatan,jumlah\nBaiturrahman,37800\nKuta Alam,51200\n".encode()
    resp = requests.post(f"{url}/api/3/action/resource_create", headers=auth, timeout=60,
                         data={"package_id": ds["id"], "name": "Penduduk per kecamatan", "format": "CSV"},
                         files={"upload": ("penduduk.csv", data, "text/csv")})
    assert resp.status_code == 200, resp.text[:500]
    resource = resp.json()["result"]
    assert resource["url_type"] == "upload" and resource["size"] == len(data)
    download = requests.get(resource["url"], timeout=60)
    assert resource["url"].startswith(url) and download.content == data

    too_big = requests.post(f"{url}/api/3/action/resource_create", headers=auth, timeout=60,
                            data={"package_id": ds["id"], "name": "terlalu besar"},
                            files={"upload": ("besar.csv", b"x" * (LIMIT + 1), "text/csv")})
    assert too_big.status_code == 413
    assert too_big.headers["Server"] == "nginx"  # refused by nginx, never reached CKAN


def _csrf(html: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', html).group(1)


def test_login_and_upload_flow_cross_two_web_processes(start_site: Callable[[int], Site],
                                                       gampong_org: Any) -> None:
    """Round robin without stickiness: every step of a logged-in budget upload lands on the other
    process than the step before, and the flow still works, because the login and its CSRF token
    live in cookies signed with the shared SECRET_KEY and the staged file in the shared
    ckan.storage_path (README "Scaling out")."""
    user = factories.User(password=PASSWORD)
    org = gampong_org(kode_wilayah="11.71.01.2001", users=[{"name": user["name"], "capacity": "editor"}])
    pair = start_site(2)
    url = pair.url
    browser = requests.Session()

    def step(method: str, path: str, **kw: Any) -> requests.Response:
        resp = browser.request(method, url + path, allow_redirects=False, timeout=120, **kw)
        assert resp.status_code in (200, 302), (method, path, resp.status_code, resp.text[:500])
        return resp

    login_form = step("GET", "/user/login")
    resp = step("POST", "/user/login", data={"login": user["name"], "password": PASSWORD,
                                             "_csrf_token": _csrf(login_form.text)})
    assert resp.status_code == 302 and "/user/login" not in resp.headers["Location"]  # a failed login is 200
    dashboard = step("GET", "/dashboard/datasets")
    assert dashboard.status_code == 200 and user["name"] in dashboard.text  # logged in on the other process

    upload_form = step("GET", "/apbg/unggah")
    assert org["name"] in upload_form.text
    staged = step("POST", "/apbg/unggah", data={"gampong": org["name"], "tahun": "2025", "tahap": "murni",
                                                "_csrf_token": _csrf(upload_form.text)},
                  files={"upload": (BUDGET.name, BUDGET.read_bytes())})
    assert staged.status_code == 302
    preview_path = staged.headers["Location"].removeprefix(url)
    assert preview_path.startswith("/apbg/unggah/")
    # the check and the publishing run as background jobs (issue 10 item 2): CKAN's RQ worker
    # in burst mode on the budget queue, between the steps
    ckan_jobs.Worker([queue_name()]).work(burst=True)
    preview = step("GET", preview_path)
    assert 'id="apbdes-publish"' in preview.text and "Rp 1.763.529.770" in preview.text
    step("POST", preview_path, data={"terbitkan": "1", "_csrf_token": _csrf(preview.text)})
    ckan_jobs.Worker([queue_name()]).work(burst=True)
    published = step("GET", preview_path)
    assert published.status_code == 302 and "/apbg-kampung-baru-2025-murni" in published.headers["Location"]

    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": "apbg-kampung-baru-2025-murni"})
    assert pkg["owner_org"] == org["id"]

    proxied = pair.upstreams()
    steps = [(m, path) for m, path, _ in proxied]
    assert steps[-8:] == [("GET", "/user/login"), ("POST", "/user/login"), ("GET", "/dashboard/datasets"),
                          ("GET", "/apbg/unggah"), ("POST", "/apbg/unggah"), ("GET", preview_path),
                          ("POST", preview_path), ("GET", preview_path)]
    served_by = [addr for _, _, addr in proxied[-8:]]
    assert set(served_by) == set(pair.backends)
    # each request on the other process than the one before: login -> dashboard,
    # upload -> preview -> publish all crossed
    assert all(a != b for a, b in zip(served_by, served_by[1:])), list(zip(steps[-8:], served_by))
