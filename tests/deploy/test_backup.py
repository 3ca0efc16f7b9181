"""Backup round trip (issue 10 item 6): deploy/backup.py (`make backup` / `make restore`) backs up
the test stack, restores it into scratch databases and a scratch file store (never the test or
portal databases), and the restored portal, served by gunicorn after the Solr reindex, has the
same search counts, dataset dicts, files and DataStore sums. Solr has no scratch core: the
ckan_test core (this suite runs under the shared lock) is emptied before the restore, so every
search hit afterwards comes from the reindex."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import quote

import pytest
from werkzeug.datastructures import FileStorage

import ckan.lib.search as search
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from .conftest import REPO, child_ini, http

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")

#: Scratch databases of the restore, one pair per test slot (scripts/test.sh BANDAACEH_TEST_SLOT).
_SLOT = os.environ.get("BANDAACEH_TEST_SLOT", "")
SCRATCH = {"ckan": f"bandaaceh_restore_scratch{_SLOT}", "datastore": f"bandaaceh_restore_scratch{_SLOT}_ds"}
CSV = "kecamatan,jumlah\nBaiturrahman,37800\nKuta Alam,51200\nMeuraxa,22300\n".encode()
#: CKAN's environment overrides of scripts/test.sh's test slots: they would win over the
#: scratch ini, so the restore and the restored server run without them.
SLOT_ENV = ("CKAN_SQLALCHEMY_URL", "CKAN_DATASTORE_WRITE_URL", "CKAN_DATASTORE_READ_URL",
            "CKAN_STORAGE_PATH")
ROWS = [{"kecamatan": f"Kecamatan {i}", "jumlah": i * 100} for i in range(1, 21)]


def drop_scratch() -> None:
    for name in SCRATCH.values():
        subprocess.run(["runuser", "-u", "postgres", "--", "dropdb", "--if-exists", "--force", name],
                       check=True)


@pytest.fixture
def scratch_ini(tmp_path: Path, test_ini: Path) -> Iterator[Path]:
    """test.ini pointed at scratch databases and a scratch file store (Solr: ckan_test)."""
    drop_scratch()
    ckan_url = f"postgresql://ckan_default:pass@127.0.0.1:5432/{SCRATCH['ckan']}"
    ds = SCRATCH["datastore"]
    ini = child_ini(tmp_path, test_ini, **{
        "sqlalchemy.url": ckan_url,
        "ckan.datastore.write_url": f"postgresql://ckan_default:pass@127.0.0.1:5432/{ds}",
        "ckan.datastore.read_url": f"postgresql://datastore_ro:pass@127.0.0.1:5432/{ds}",
        "ckanext.xloader.jobs_db.uri": ckan_url,
        "ckan.storage_path": str(tmp_path / "restored-storage"),
    })
    yield ini
    drop_scratch()


def backup_tool(*args: str, unset: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run([sys.executable, str(REPO / "deploy" / "backup.py"), *args], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=600)


def backup_ok(*args: str, unset: tuple[str, ...] = ()) -> str:
    proc = backup_tool(*args, unset=unset)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    return proc.stdout


def api(base: str, action: str, **params: Any) -> Any:
    query = "&".join(f"{k}={quote(str(v))}" for k, v in params.items())
    status, _, body = http("GET", f"{base}/api/3/action/{action}?{query}")
    assert status == 200, body[:500]
    return json.loads(body)["result"]


def test_backup_and_restore_round_trip(skpd_org: Any, satu_data: dict[str, Any], test_ini: Path,
                                       tmp_path: Path, scratch_ini: Path,
                                       gunicorn: Callable[..., str]) -> None:
    admin = {"user": factories.Sysadmin()["name"]}
    org = skpd_org()
    datasets = [factories.Dataset(owner_org=org["id"], title=f"Data {i}", **satu_data) for i in range(3)]
    upload = tk.get_action("resource_create")(dict(admin), {
        "package_id": datasets[0]["id"], "name": "Penduduk", "format": "CSV",
        "upload": FileStorage(io.BytesIO(CSV), filename="penduduk.csv")})
    table = tk.get_action("datastore_create")(dict(admin), {
        "resource": {"package_id": datasets[1]["id"], "name": "Tabel"},
        "fields": [{"id": "kecamatan", "type": "text"}, {"id": "jumlah", "type": "int"}],
        "records": ROWS, "force": True})
    before = {d["id"]: tk.get_action("package_show")({}, {"id": d["id"]})
              for d in datasets}
    assert tk.get_action("package_search")({}, {"q": "*:*"})["count"] == len(datasets)

    out = backup_ok("backup", "--ini", str(test_ini), "--dest", str(tmp_path / "backups"))
    folder = Path(out.strip().splitlines()[-1].removeprefix("Backup written to "))
    assert {p.name for p in folder.iterdir()} >= {"ckan.dump", "datastore.dump", "storage.tar.gz",
                                                 "config", "manifest.json"}
    search.clear_all()  # the reindex of the restore must bring every hit back
    assert tk.get_action("package_search")({}, {"q": "*:*"})["count"] == 0

    backup_ok("restore", str(folder), "--ini", str(scratch_ini), unset=SLOT_ENV)
    # The test site URL, so that the restored dicts can be compared as they are.
    url = gunicorn(scratch_ini, unset=SLOT_ENV, CKAN_SITE_URL="http://test.ckan.net")

    assert api(url, "package_search", q="*:*")["count"] == len(datasets)
    for dataset_id, expected in before.items():
        assert api(url, "package_show", id=dataset_id) == expected
    status, _, body = http("GET", f"{url}/dataset/{datasets[0]['id']}/resource/{upload['id']}"
                                  "/download/penduduk.csv")
    assert (status, body) == (200, CSV)
    sql = f'SELECT sum(jumlah) AS total, count(*) AS n FROM "{table["resource_id"]}"'
    record = api(url, "datastore_search_sql", sql=sql)["records"][0]
    assert (int(record["total"]), record["n"]) == (sum(r["jumlah"] for r in ROWS), len(ROWS))


def test_restore_refuses_a_stack_that_is_not_empty(test_ini: Path, tmp_path: Path) -> None:
    out = backup_ok("backup", "--ini", str(test_ini), "--dest", str(tmp_path / "backups"))
    folder = out.strip().splitlines()[-1].removeprefix("Backup written to ")
    proc = backup_tool("restore", folder, "--ini", str(test_ini))
    assert proc.returncode != 0
    assert "is not empty" in proc.stderr and "restore goes into an empty stack only" in proc.stderr
