"""The nginx site of deploy/ (issue 10 item 5): Debian's nginx with deploy/nginx/bandaaceh.conf.in,
rendered by deploy/render.py onto a high loopback port, in front of the portal's gunicorn on the
test configuration. A page, a static asset and a file upload go through it."""
from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import requests

from ckan.tests import factories

from .conftest import REPO, child_ini, free_port, stop, wait_for

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
    access_log {d}/access.log;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    include {site};
}}
"""


@pytest.fixture
def site(tmp_path: Path, test_ini: Path, gunicorn: Callable[..., str]) -> Iterator[tuple[str, Path]]:
    """nginx with the rendered site on a free loopback port; yields (its URL, its folder)."""
    ini = child_ini(tmp_path, test_ini, MAX_CONTENT_LENGTH=str(LIMIT))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    upstream = gunicorn(ini, CKAN_SITE_URL=url).removeprefix("http://")
    out = tmp_path / "rendered"
    subprocess.run([sys.executable, str(REPO / "deploy" / "render.py"), "--ini", str(ini),
                    "--out", str(out), "--listen", f"127.0.0.1:{port}", "--upstream", upstream],
                   check=True, capture_output=True)
    nginx_dir = tmp_path / "nginx"
    nginx_dir.mkdir()
    conf = nginx_dir / "nginx.conf"
    conf.write_text(MAIN_CONF.format(d=nginx_dir, site=out / "nginx" / "bandaaceh.conf"))
    log = nginx_dir / "error.log"
    proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(nginx_dir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_for(f"{url}/api/3/action/status_show", proc, log, seconds=30)
        yield url, out
    finally:
        stop(proc)


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
