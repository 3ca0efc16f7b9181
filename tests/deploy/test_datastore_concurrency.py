"""datastore_search and datastore_info under concurrent clients through gunicorn threads
(issue 10 item 3).

CKAN's DataStore backend read results after returning their connection to the pool; with
threads that gave ``psycopg2.InterfaceError: cursor already closed`` (HTTP 500) on a few
percent of concurrent requests (7 of 400 datastore_search on the portal before the fix;
datastore_info's resource_fields reads seven results that way). The bandaaceh_datastore
plugin registers a backend that does not (ckanext/bandaaceh/datastore_backend.py).
"""
from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckanext.datastore.backend import DatastoreBackend

from ckanext.bandaaceh.datastore_backend import ThreadSafePostgresqlBackend

from .conftest import http, ini_of

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")

ROWS = [{"kecamatan": f"Kecamatan {i}", "jumlah": i} for i in range(1, 31)]


def test_the_thread_safe_backend_is_the_active_one() -> None:
    assert type(DatastoreBackend.get_active_backend()) is ThreadSafePostgresqlBackend


# What each action's answer must say about the table of ROWS (two columns, 30 rows).
EXPECTED = {
    "datastore_search": lambda result: result["total"] == len(ROWS),
    "datastore_info": lambda result: (result["meta"]["count"] == len(ROWS)
                                      and [f["id"] for f in result["fields"]] == ["kecamatan", "jumlah"]
                                      and result["fields"][1]["schema"]["native_type"] == "integer"),
}


@pytest.fixture(scope="module")
def threaded_server(request: pytest.FixtureRequest, module_gunicorn: Callable[..., str]) -> str:
    """One gunicorn process with 8 threads on the test configuration, for both actions."""
    return module_gunicorn(ini_of(request.config), workers=1, threads=8)


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_concurrent_datastore_reads_have_no_errors(action: str, skpd_org: Any, satu_data: dict[str, Any],
                                                   threaded_server: str) -> None:
    org = skpd_org()
    dataset = factories.Dataset(owner_org=org["id"], **satu_data)
    table = tk.get_action("datastore_create")({"user": factories.Sysadmin()["name"]}, {
        "resource": {"package_id": dataset["id"], "name": "penduduk"},
        "fields": [{"id": "kecamatan", "type": "text"}, {"id": "jumlah", "type": "int"}],
        "records": ROWS, "force": True})
    read = f"{threaded_server}/api/3/action/{action}?resource_id={table['resource_id']}"

    def one(_: int) -> tuple[int, bool]:
        status, _, body = http("GET", read)
        return status, (EXPECTED[action](json.loads(body)["result"]) if status == 200 else False)

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = Counter(pool.map(one, range(600)))
    assert results == Counter({(200, True): 600}), results
