"""A second, vanilla CKAN 2.12 (plugins ``harvest dcat dcat_rdf_harvester`` only) that harvests
this portal over HTTP, as another portal would.

Our portal is served by gunicorn (``deploy/wsgi.py`` on ``test.ini``, on a free port) from the
test databases; the peer has its own ini (``tests/peer/peer.ini.in``), its own database
(``ckan_peer[_<slot>]``), its own Redis database and its own Solr site id on the test core, and
is driven through its own ``ckan`` command line in subprocesses: nothing of our extension is
loaded in it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.servers import free_port, stop, wait_for

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SLOT = os.environ.get("BANDAACEH_TEST_SLOT", "")


@pytest.fixture(scope="session")
def our_server(tmp_path_factory: Any) -> Any:
    """This portal served by gunicorn on the test databases; yields its base URL."""
    port = free_port()
    env = dict(os.environ, CKAN_INI=str(REPO / "test.ini"), PYTHONPATH=str(REPO))
    log = tmp_path_factory.mktemp("our-server") / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
                                 "--threads", "4", "--timeout", "120", "deploy.wsgi:application"],
                                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/api/3/action/status_show", proc, log)
        yield base
    finally:
        stop(proc)


class Peer:
    """The vanilla CKAN: ``ckan`` commands and actions run in its own processes."""

    def __init__(self, ini: Path, env: dict[str, str]) -> None:
        self.ini, self.env = ini, env

    def ckan(self, *args: str) -> str:
        result = subprocess.run([str(VENV_BIN / "ckan"), "-c", str(self.ini), *args], env=self.env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"peer ckan {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def action(self, name: str, data: dict[str, Any]) -> Any:
        """Call an action of the peer as its site user; returns its result."""
        return self.actions((name, data))[0]

    def actions(self, *calls: tuple[str, dict[str, Any]]) -> list[Any]:
        """Call actions of the peer in order as its site user, in one short Python program under
        its config (one CKAN start for all); returns their results."""
        code = (
            "import json, sys\n"
            "from ckan.cli import load_config\n"
            "from ckan.config.middleware import make_app\n"
            f"app = make_app(load_config({str(self.ini)!r}))\n"
            "import ckan.plugins.toolkit as tk\n"
            "out = []\n"
            "with app._wsgi_app.test_request_context():\n"
            "    user = tk.get_action('get_site_user')({'ignore_auth': True}, {})['name']\n"
            "    for name, data in json.loads(sys.argv[1]):\n"
            "        out.append(tk.get_action(name)({'ignore_auth': True, 'user': user}, data))\n"
            "print('@@' + json.dumps(out, default=str))\n")
        result = subprocess.run([sys.executable, "-c", code, json.dumps(calls)], env=self.env,
                                capture_output=True, text=True, timeout=300)
        names = ", ".join(name for name, _ in calls)
        assert result.returncode == 0, f"peer action {names} failed:\n{result.stderr[-4000:]}"
        return json.loads(result.stdout.rsplit("@@", 1)[1])


@pytest.fixture(scope="session")
def peer(tmp_path_factory: Any) -> Peer:
    """A vanilla CKAN with an empty database of its own, migrated for ckanext-harvest."""
    suffix = f"_{SLOT}" if SLOT else ""
    db = f"ckan_peer{suffix}"
    subprocess.run(["runuser", "-u", "postgres", "--", "dropdb", "--if-exists", db], check=True)
    subprocess.run(["runuser", "-u", "postgres", "--", "createdb", "-O", "ckan_default", "-E", "utf-8",
                    "-T", "template0", db], check=True)
    folder = tmp_path_factory.mktemp("peer")
    ini = folder / "peer.ini"
    text = (Path(__file__).parent / "peer.ini.in").read_text(encoding="utf-8")
    ini.write_text(text.replace("@DB@", db).replace("@SITE_ID@", f"bandaaceh-peer{suffix}")
                   .replace("@REDIS_DB@", "15" if SLOT else "14")
                   .replace("@STORAGE@", str(folder / "storage")), encoding="utf-8")
    # the peer must not inherit the test slot's CKAN_* overrides (they would point it at our databases)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}
    p = Peer(ini, env)
    p.ckan("db", "init")
    p.ckan("db", "upgrade", "-p", "harvest")
    p.ckan("search-index", "clear")  # the Solr core outlives the database: no documents of an earlier run
    return p
