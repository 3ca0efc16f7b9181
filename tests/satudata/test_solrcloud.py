"""SolrCloud: the portal keeps searching and indexing while one of the two Solr nodes is down,
and the node that comes back catches up from the update log.

The search, facet and indexing tests that run on both set-ups take the ``search_backend``
fixture (tests/conftest.py); this module adds what only a cluster can show."""
from __future__ import annotations

import time
from typing import Any, Iterator

import pytest
import requests

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("portal")

COLLECTION = "ckan_test"


def replicas(cloud: Any) -> list[dict[str, Any]]:
    """The replicas of the test collection, from the cluster state in ZooKeeper (asked of the
    first node that answers: one of them may be stopped)."""
    for port in cloud.ports:
        try:
            status = requests.get(f"http://127.0.0.1:{port}/solr/admin/collections", timeout=30, params={
                "action": "CLUSTERSTATUS", "collection": COLLECTION, "wt": "json"}).json()
            break
        except requests.ConnectionError:
            continue
    else:
        raise AssertionError(f"no SolrCloud node answers on {cloud.ports}")
    shards = status["cluster"]["collections"][COLLECTION]["shards"]
    return [r for shard in shards.values() for r in shard["replicas"].values()]


def port_of(replica: dict[str, Any]) -> int:
    return int(replica["base_url"].rsplit(":", 1)[1].split("/")[0])


def wait_for_leader_on(cloud: Any, port: int, seconds: float = 60) -> None:
    """Leader election after a node stops takes a moment; wait for it (bounded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(port_of(r) == port and r.get("leader") == "true" for r in replicas(cloud)):
            return
        time.sleep(0.2)
    raise AssertionError(f"no leader on node {port} after {seconds} s")


def names_in_replica_of(cloud: Any, port: int) -> list[str]:
    """Dataset names held by the replica on one node, asked of that core alone (no
    distributed search), so the answer cannot come from the other node."""
    replica = next(r for r in replicas(cloud) if port_of(r) == port)
    resp = requests.get(f"{replica['base_url']}/{replica['core']}/select", timeout=30, params={
        "q": "*:*", "distrib": "false", "fl": "name", "rows": 100, "wt": "json",
        "fq": f"+site_id:{tk.config['ckan.site_id']} +entity_type:package"})
    resp.raise_for_status()
    return sorted(doc["name"] for doc in resp.json()["response"]["docs"])


@pytest.fixture
def cluster(solr_cloud: Any, ckan_config: Any, monkeypatch: pytest.MonkeyPatch,
            reset_index: Any) -> Iterator[dict[str, int]]:
    """CKAN on the SolrCloud through the node that is *not* the collection's leader, so that
    stopping the leader forces an election while CKAN keeps talking to the survivor."""
    leader = next(port_of(r) for r in replicas(solr_cloud) if r.get("leader") == "true")
    survivor = next(p for p in solr_cloud.ports if p != leader)
    monkeypatch.setitem(ckan_config, "solr_url", solr_cloud.url(port=survivor))
    reset_index()
    yield {"leader": leader, "survivor": survivor}
    solr_cloud.start_node(leader)   # no-op when it is already up


def make(org: dict[str, Any], name: str, satu_data: dict[str, Any]) -> dict[str, Any]:
    ctx = {"user": factories.Sysadmin()["name"]}
    return call_action("package_create", ctx, name=name, title=name, owner_org=org["id"], **satu_data)


def test_leader_down_search_and_indexing_go_on_and_the_node_catches_up(
        solr_cloud, cluster, skpd_org, satu_data, app):
    dinkes, dishub = skpd_org(name="dinkes"), skpd_org(name="dishub")
    make(dinkes, "imunisasi", satu_data)
    make(dishub, "angkutan", satu_data)
    assert names_in_replica_of(solr_cloud, cluster["leader"]) == ["angkutan", "imunisasi"]

    solr_cloud.stop_node(cluster["leader"])
    assert cluster["leader"] not in {port_of(r) for r in replicas(solr_cloud) if r["state"] == "active"}

    found = call_action("package_search", q="*:*", **{"facet.field": '["organization"]'})
    assert found["count"] == 2
    assert found["facets"]["organization"] == {"dinkes": 1, "dishub": 1}
    # indexing while the old leader is down: the survivor is elected and takes the update
    wait_for_leader_on(solr_cloud, cluster["survivor"])
    make(dinkes, "puskesmas", satu_data)
    in_dinkes = call_action("package_search", fq="organization:dinkes", sort="name asc")
    assert [d["name"] for d in in_dinkes["results"]] == ["imunisasi", "puskesmas"]
    page = app.get("/dataset/", params={"organization": "dinkes"}).body
    assert 'href="/dataset/puskesmas"' in page and 'href="/dataset/angkutan"' not in page

    solr_cloud.start_node(cluster["leader"])
    # the restarted node's own replica now holds the dataset indexed while it was down
    assert names_in_replica_of(solr_cloud, cluster["leader"]) == ["angkutan", "imunisasi", "puskesmas"]
