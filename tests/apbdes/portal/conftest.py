"""Fixtures of the CKAN-side APBG tests: real CKAN, PostgreSQL, DataStore, Solr and Redis."""
from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.lib import jobs as ckan_jobs
from ckan.tests import factories

from ckanext.bandaaceh.apbdes.portal.jobs import queue_name

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures" / "apbdes"

#: Kampung Baru (Baiturrahman): the gampong of the fixture files.
KAMPUNG_BARU = "11.71.01.2001"
#: Neusu Jaya (Baiturrahman) and Lam Ara (Banda Raya).
NEUSU_JAYA = "11.71.01.2002"


@pytest.fixture
def operator(gampong_org: Any) -> Any:
    """Make a gampong organisation with a user of the given capacity; returns (org, user)."""
    def make(kode_wilayah: str = KAMPUNG_BARU, capacity: str = "editor", user: dict | None = None,
             **kw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        user = user or factories.User()
        org = gampong_org(kode_wilayah=kode_wilayah, users=[{"name": user["name"], "capacity": capacity}], **kw)
        return org, user
    return make


@pytest.fixture
def run_jobs(clean_queues: None) -> Any:
    """Run the queued budget jobs now: CKAN's real RQ worker (it forks a work horse per job, as
    ``ckan jobs worker`` does) on the budget queue, in burst mode (it stops when the queue is empty)."""
    def run() -> None:
        ckan_jobs.Worker([queue_name()]).work(burst=True)
    return run


def upload(path: Path | str, data: bytes | None = None) -> FileStorage:
    path = Path(path)
    return FileStorage(io.BytesIO(data if data is not None else path.read_bytes()), filename=path.name)


def run_import(user: str | None, path: Path | str, *, data: bytes | None = None, **params: Any) -> dict[str, Any]:
    """Call the apbdes_import action as ``user`` (auth checked; None = ignore_auth)."""
    context: dict[str, Any] = {"user": user} if user else {"ignore_auth": True}
    return tk.get_action("apbdes_import")(context, {"upload": upload(path, data), **params})


def fixture_module() -> Any:
    """``tests/fixtures/apbdes/make_fixtures.py`` (generator of budget files)."""
    name = "apbdes_make_fixtures"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, FIXTURES / "make_fixtures.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    return sys.modules[name]


@pytest.fixture
def budget_file(tmp_path: Path) -> Any:
    """Write a generated penjabaran budget (xlsx) for a gampong; returns its path."""
    def make(code: str, name: str, kecamatan: str, seed: int = 1, year: int = 2025, lines: int = 60) -> Path:
        mf = fixture_module()
        spec = mf.random_spec(seed, code, name, kecamatan, year, lines)
        path = tmp_path / f"apbg-{code}-{year}-{seed}.xlsx"
        mf.write_xlsx(path, mf.penjabaran_grid(spec))
        return path
    return make
