"""The production web server (issue 10 item 1), through the real gunicorn of `make portal`:
no Werkzeug debugger or server, and request bodies over MAX_CONTENT_LENGTH refused with 413
from the Content-Length header, before the body is read."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from .conftest import REPO, child_ini, http

pytestmark = pytest.mark.usefixtures("portal")


def test_console_is_404_and_nothing_says_werkzeug(gunicorn: Callable[..., str], test_ini: Path) -> None:
    url = gunicorn(test_ini)
    for path in ["/console", "/console?__debugger__=yes&cmd=resource&f=style.css", "/", "/dataset/",
                 "/no-such-page"]:
        status, headers, body = http("GET", url + path)
        assert status == (404 if "console" in path or "no-such" in path else 200), path
        assert "gunicorn" in headers.get("Server", ""), headers
        assert not any("werkzeug" in f"{k}: {v}".lower() for k, v in headers.items()), (path, headers)
        assert b"werkzeug" not in body.lower(), path


def test_oversized_body_gets_413_before_it_is_read(gunicorn: Callable[..., str], test_ini: Path,
                                                  tmp_path: Path) -> None:
    limit = 100_000
    url = gunicorn(child_ini(tmp_path, test_ini, MAX_CONTENT_LENGTH=str(limit)))
    action = f"{url}/api/3/action/package_search"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, _ = http("POST", action, b"q=" + b"x" * (limit // 2), form)
    assert status == 200
    status, _, body = http("POST", action, b"q=" + b"x" * (2 * limit), form)
    assert status == 413, body[:300]
    # The refusal comes from the header alone: announce a large body, send none of it, and the
    # answer is still 413 (a server reading the body would wait for it until the timeout).
    # The same for the budget upload action, whose body is a file (the upload page: an anonymous
    # post is sent to the login page unread; tests/apbdes/portal/test_jobs.py posts as an operator).
    host, port = url.removeprefix("http://").split(":")
    for path, kind in (("/api/3/action/package_search", "application/x-www-form-urlencoded"),
                       ("/api/3/action/apbdes_import", "multipart/form-data; boundary=x")):
        with socket.create_connection((host, int(port)), timeout=20) as s:
            s.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {kind}\r\n"
                      f"Content-Length: {10 * limit}\r\n\r\n".encode())
            first_line = s.makefile("rb").readline()
        assert first_line.split()[1] == b"413", (path, first_line)


def test_debug_true_is_refused_by_the_wsgi_entry_point(test_ini: Path, tmp_path: Path) -> None:
    ini = child_ini(tmp_path, test_ini, debug="true")
    proc = subprocess.run([sys.executable, "-c", "import deploy.wsgi"], cwd=REPO,
                          env=dict(os.environ, CKAN_INI=str(ini)), capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode != 0
    assert "debug = true" in proc.stderr and "make dev" in proc.stderr, proc.stderr[-2000:]
