"""Shared fixtures: the CKAN pytest plugin (``--ckan-ini=test.ini``) provides app, clean_db,
clean_index and the factories; these add the portal's own organisations and users, and a real
SolrCloud for the search tests that run on both Solr set-ups (``search_backend``)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from ckan.tests import factories

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def skpd_org() -> Any:
    """A factory for SKPD organisations that satisfy the scheming schema."""
    def make(**kw: Any) -> dict[str, Any]:
        kw.setdefault("jenis", "dinas")
        return factories.Organization(**kw)
    return make


@pytest.fixture
def gampong_org() -> Any:
    def make(kode_wilayah: str = "11.71.01.2001", **kw: Any) -> dict[str, Any]:
        return factories.Organization(jenis="gampong", kode_wilayah=kode_wilayah, **kw)
    return make


SATU_DATA = {
    "notes": "Jumlah penduduk per kecamatan, hasil pendataan Disdukcapil.",
    "frekuensi": "tahunan",
    "cakupan": "kecamatan",
    "kode_wilayah": "11.71",
    "tahun": "2024",
    "satuan": "jiwa",
}


@pytest.fixture
def satu_data() -> dict[str, Any]:
    """Satu Data metadata a valid SKPD dataset needs (copy per test)."""
    return dict(SATU_DATA)


@pytest.fixture
def portal(with_plugins, clean_db, clean_index, migrate_db_for) -> None:
    """An empty portal: plugins of test.ini loaded, database and search index emptied,
    and the migrations of the plugins that own tables (activity, harvest) applied."""
    migrate_db_for("activity")
    migrate_db_for("harvest")


class SolrCloud:
    """The SolrCloud of this test session, run by ``SOLR_MODE=cloud scripts/solr.sh``: an
    embedded ZooKeeper and two nodes, each holding a replica of ``ckan`` and ``ckan_test``.
    Ports and home follow BANDAACEH_TEST_SLOT (unset: 1), so parallel slots never meet, and
    never touch the shared standalone Solr on 8983."""

    def __init__(self, slot: int) -> None:
        base = 28900 + 10 * slot
        self.zk_port = base
        self.ports = (base + 1, base + 2)
        self.home = REPO / "var" / f"solr-cloud-test-{slot}"

    def solr_sh(self, *args: str) -> None:
        env = dict(os.environ, SOLR_MODE="cloud", SOLR_HOME=str(self.home), PYTHON=sys.executable,
                   SOLR_CLOUD_PORTS=",".join(map(str, self.ports)), SOLR_ZK_PORT=str(self.zk_port))
        subprocess.run([str(REPO / "scripts" / "solr.sh"), *args], env=env, check=True,
                       stdout=subprocess.DEVNULL, timeout=300)

    def url(self, port: int | None = None, collection: str = "ckan_test") -> str:
        """solr_url of a collection, through one node (CKAN talks to one URL)."""
        return f"http://127.0.0.1:{port or self.ports[0]}/solr/{collection}"

    def stop_node(self, port: int) -> None:
        self.solr_sh("node-stop", str(port))

    def start_node(self, port: int) -> None:
        """Restart a node and wait until its replicas are active (recovered) again."""
        self.solr_sh("node-start", str(port))


@pytest.fixture(scope="session")
def solr_cloud() -> Iterator[SolrCloud]:
    """Started once per session, on first use (about 30 s), stopped at the end."""
    cloud = SolrCloud(int(os.environ.get("BANDAACEH_TEST_SLOT") or 1))
    cloud.solr_sh("start")
    try:
        yield cloud
    finally:
        cloud.solr_sh("stop")


@pytest.fixture(params=["solr", "solrcloud"])
def search_backend(request: pytest.FixtureRequest, ckan_config: Any, monkeypatch: pytest.MonkeyPatch,
                   reset_index: Any) -> str:
    """Runs a test once on the standalone Solr of test.ini and once on the SolrCloud
    collection ``ckan_test`` (CKAN's ``solr_url`` overridden for the test, index emptied)."""
    if request.param == "solrcloud":
        cloud: SolrCloud = request.getfixturevalue("solr_cloud")
        monkeypatch.setitem(ckan_config, "solr_url", cloud.url())
        reset_index()
    return request.param


@pytest.fixture
def solr_down(ckan_config: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Call it to make Solr unreachable for CKAN (solr_url on a closed loopback port, so the
    shared Solr is never stopped); call ``.up()`` on the result to point CKAN back."""
    original = ckan_config["solr_url"]

    class Outage:
        def __init__(self) -> None:
            with socket.socket() as sock:   # a port nothing listens on once closed
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            monkeypatch.setitem(ckan_config, "solr_url", f"http://127.0.0.1:{port}/solr/ckan_test")

        def up(self) -> None:
            monkeypatch.setitem(ckan_config, "solr_url", original)

    return Outage
