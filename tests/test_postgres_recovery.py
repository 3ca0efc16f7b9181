"""PostgreSQL drops every connection under a running portal (what a restart does to the pool):
pages, the API and the DataStore answer again on the next request, without restarting CKAN.

The connections are cut with pg_terminate_backend on this test slot's two databases only; the
shared PostgreSQL server is never restarted."""
from __future__ import annotations

import subprocess

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("portal")


def database_names() -> list[str]:
    return [sa.engine.make_url(tk.config[key]).database
            for key in ("sqlalchemy.url", "ckan.datastore.write_url")]


def terminate_backends() -> int:
    """Kill every backend on the slot's CKAN and DataStore databases; returns how many."""
    names = ", ".join(f"'{n}'" for n in database_names())
    out = subprocess.run(
        ["runuser", "-u", "postgres", "--", "psql", "-p", str(sa.engine.make_url(tk.config["sqlalchemy.url"]).port),
         "-qAt", "-c", f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       f"WHERE datname IN ({names}) AND pid <> pg_backend_pid()"],
        check=True, capture_output=True, text=True, timeout=60)
    return int(out.stdout.strip())


def test_portal_recovers_when_postgresql_drops_its_connections(app, skpd_org, satu_data):
    org = skpd_org(name="dinkes")
    user = factories.SysadminWithToken()
    ds = call_action("package_create", {"user": user["name"]}, name="penduduk", title="Penduduk",
                     owner_org=org["id"], **satu_data)
    res = call_action("datastore_create", {"user": user["name"]}, resource={"package_id": ds["id"]},
                      fields=[{"id": "kecamatan", "type": "text"}, {"id": "jiwa", "type": "int"}],
                      records=[{"kecamatan": "Baiturrahman", "jiwa": 40000}], force=True)
    headers = {"Authorization": user["token"]}

    def browse() -> None:
        assert app.get("/dataset/penduduk").status_code == 200
        found = app.get("/api/3/action/datastore_search", params={"resource_id": res["resource_id"]}).json
        assert found["result"]["records"][0]["jiwa"] == 40000
        patched = app.post("/api/3/action/package_patch", headers=headers,
                           json={"id": "penduduk", "satuan": "orang"}).json
        assert patched["success"]

    browse()   # the pools now hold connections to both databases
    model.Session.remove()   # as at the end of every web request
    assert terminate_backends() >= 2
    browse()   # the next requests reconnect: no error, no restart
    assert call_action("package_show", id="penduduk")["satuan"] == "orang"
