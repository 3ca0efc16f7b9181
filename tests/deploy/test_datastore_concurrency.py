"""datastore_search under concurrent clients through gunicorn threads (issue 10 item 3).

CKAN's DataStore backend read results after returning their connection to the pool; with
threads that gave ``psycopg2.InterfaceError: cursor already closed`` (HTTP 500) on a few
percent of concurrent requests (7 of 400 on the portal before the fix). The bandaaceh_datastore
plugin registers a backend that does not (ckanext/bandaaceh/datastore_backend.py).
"""
from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckanext.datastore.backend import DatastoreBackend

from ckanext.bandaaceh.datastore_backend import ThreadSafePostgresqlBackend

from .conftest import http

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")

ROWS = [{"kecamatan": f"Kecamatan {i}", "jumlah": i} for i in range(1, 31)]


def test_the_thread_safe_backend_is_the_active_one() -> None:
    assert type(DatastoreBackend.get_active_backend()) is ThreadSafePostgresqlBackend


def test_concurrent_datastore_search_has_no_errors(skpd_org: Any, satu_data: dict[str, Any],
                                                   gunicorn: Callable[..., str], test_ini: Path) -> None:
    org = skpd_org()
    dataset = factories.Dataset(owner_org=org["id"], **satu_data)
    table = tk.get_action("datastore_create")({"user": factories.Sysadmin()["name"]}, {
        "resource": {"package_id": dataset["id"], "name": "penduduk"},
        "fields": [{"id": "kecamatan", "type": "text"}, {"id": "jumlah", "type": "int"}],
        "records": ROWS, "force": True})
    url = gunicorn(test_ini, workers=1, threads=8)
    search = f"{url}/api/3/action/datastore_search?resource_id={table['resource_id']}&limit=5"

    def one(_: int) -> tuple[int, int]:
        status, _, body = http("GET", search)
        return status, (json.loads(body)["result"]["total"] if status == 200 else -1)

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = Counter(pool.map(one, range(600)))
    assert results == Counter({(200, len(ROWS)): 600}), results
