"""Fixtures of the serving tests: the portal's real gunicorn (deploy/gunicorn.conf.py on
deploy/wsgi.py) started on the test configuration, and the DataStore emptied first."""
from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Iterator

import pytest

from tests.servers import free_port, stop, wait_for

__all__ = ["REPO", "GUNICORN", "Gunicorns", "ini_of", "free_port", "stop", "wait_for", "child_ini", "http"]

REPO = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def child_ini(tmp_path: Path, parent: Path, **options: str) -> Path:
    """An ini file that is ``parent`` plus ``options`` (CKAN's ``use = config:`` chaining)."""
    lines = ["[app:main]", f"use = config:{parent}"] + [f"{k} = {v}" for k, v in options.items()]
    path = tmp_path / "child.ini"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def clean_datastore(portal: None) -> None:
    """Empty DataStore database (tables of earlier tests dropped)."""
    from ckanext.datastore.tests import helpers as ds_helpers

    engine = ds_helpers.db.get_write_engine()
    ds_helpers.rebuild_all_dbs(ds_helpers.orm.scoped_session(ds_helpers.orm.sessionmaker(bind=engine)))


def ini_of(config: pytest.Config) -> Path:
    """The test configuration file of this run (``--ckan-ini``)."""
    return Path(config.getoption("ckan_ini")).resolve()


@pytest.fixture
def test_ini(request: pytest.FixtureRequest) -> Path:
    return ini_of(request.config)


class Gunicorns:
    """Starts the portal's gunicorn on an ini file (logs in ``folder``) and stops all it started."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.procs: list[subprocess.Popen] = []

    def start(self, ini: Path, workers: int = 1, threads: int = 4, unset: tuple[str, ...] = (),
              **env: str) -> str:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = self.folder / f"gunicorn-{port}.log"
        environ = dict(os.environ, CKAN_INI=str(ini), CKAN_SITE_URL=url,
                       BANDAACEH_WEB_BIND=f"127.0.0.1:{port}", BANDAACEH_WEB_WORKERS=str(workers),
                       BANDAACEH_WEB_THREADS=str(threads))
        environ.update(env)
        for name in unset:
            environ.pop(name, None)
        with open(log, "wb") as out:
            proc = subprocess.Popen([str(GUNICORN), "-c", str(REPO / "deploy" / "gunicorn.conf.py"),
                                     "deploy.wsgi:application"], cwd=REPO, env=environ,
                                    stdout=out, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        wait_for(f"{url}/api/3/action/status_show", proc, log)
        return url

    def stop_all(self) -> None:
        for proc in self.procs:
            stop(proc)


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Start the portal's gunicorn on an ini file (request this fixture *after* the data
    fixtures: a running server would hold locks that clean_db waits for); returns its URL.
    ``env`` is added to and ``unset`` removed from this process's environment (which carries
    scripts/test.sh's CKAN_* test-slot overrides). Everything started is stopped at teardown."""
    servers = Gunicorns(tmp_path)
    try:
        yield servers.start
    finally:
        servers.stop_all()


@pytest.fixture(scope="module")
def module_gunicorn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., str]]:
    """``gunicorn`` for the tests of one module: servers started through it stay up until the
    module's last test (for servers on the plain test configuration, whose tests reset the
    databases around them; an idle server holds no database session between requests)."""
    servers = Gunicorns(tmp_path_factory.mktemp("gunicorn"))
    try:
        yield servers.start
    finally:
        servers.stop_all()


def http(method: str, url: str, data: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request; returns (status, headers, body) for error statuses too."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()

