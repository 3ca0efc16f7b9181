"""Harvest faults with real processes: Redis restarted under a running consumer, and a fetch
consumer killed mid-download (the watchdog then closes the job instead of leaving it Running).

The consumers are real ``ckan -c test.ini bandaaceh harvesters consumer ...`` processes on a
redis-server of this test's own (never the shared one), on a port derived from the test slot."""
from __future__ import annotations

import datetime
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from click.testing import CliRunner

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.search import SearchIndexError
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject

from ckanext.bandaaceh.harvest.cli import harvesters
from ckanext.bandaaceh.harvest.watchdog import last_activity

pytestmark = pytest.mark.usefixtures("portal")

REPO = Path(__file__).resolve().parents[2]
CKAN = Path(sys.executable).with_name("ckan")
SLOT = int(os.environ.get("BANDAACEH_TEST_SLOT") or 1)
REDIS_PORT = 27300 + SLOT


def wait_for(what: str, check: Callable[[], Any], seconds: float = 180) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


class OwnRedis:
    """A redis-server of this test on 127.0.0.1:REDIS_PORT (no persistence)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.url = f"redis://127.0.0.1:{REDIS_PORT}/0?socket_timeout=315360000"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)], stdout=subprocess.DEVNULL)
        wait_for("redis-server", self.answers, 30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(30)

    def answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.exceptions.ConnectionError:
            return False

    def client(self) -> redis.Redis:
        return redis.Redis(port=REDIS_PORT, socket_timeout=5)

    def blocked_consumers(self) -> int:
        """Clients waiting in BLPOP, i.e. consumers connected and listening."""
        return sum(1 for c in self.client().client_list() if c.get("cmd") == "blpop")


@pytest.fixture
def own_redis(tmp_path: Path, ckan_config: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path)
    server.start()
    monkeypatch.setitem(ckan_config, "ckan.redis.url", server.url)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def consumer(own_redis: OwnRedis) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    """Start ``ckan bandaaceh harvesters consumer NAME`` on the test's Redis and databases."""
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str) -> subprocess.Popen[bytes]:
        env = dict(os.environ, CKAN_REDIS_URL=own_redis.url)
        proc = subprocess.Popen([str(CKAN), "-c", str(REPO / "test.ini"), "bandaaceh", "harvesters",
                                 "consumer", name], cwd=REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started.append(proc)
        wait_for(f"the {name} consumer to listen", lambda: own_redis.blocked_consumers() >= 1, 300)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(30)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Base URL of a server that accepts connections and never answers: a download from it
    stays in progress until the harvester's read timeout (test.ini: 5 s, one retry)."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(5)
    for conn in held:
        conn.close()
    listener.close()


def entry(server: Any, path: str, name: str) -> dict[str, Any]:
    return {"url": server.url(path), "name": name, "title": name.title()}


def job_of(source: dict[str, Any]) -> HarvestJob:
    model.Session.expire_all()
    return model.Session.query(HarvestJob).filter_by(source_id=source["id"]) \
        .order_by(HarvestJob.created.desc()).first()


def test_gather_consumer_reconnects_after_redis_restarts(harvest, server, own_redis, consumer):
    gather = consumer("gather")
    own_redis.stop()
    own_redis.start()   # same port, empty: the consumer's connection is gone
    wait_for("the consumer to reconnect", lambda: own_redis.blocked_consumers() >= 1)
    assert gather.poll() is None

    server.put("sekolah.csv")
    src = harvest.source([entry(server, "files/sekolah.csv", "sekolah-2024")])
    tk.get_action("harvest_job_create")(harvest.context(), {"source_id": src["id"], "run": True})
    # the consumer process took the job from the restarted Redis and gathered it
    job = wait_for("the gather stage", lambda: (j := job_of(src)) and j.gather_finished and j)
    assert model.Session.query(HarvestObject).filter_by(harvest_job_id=job.id).count() == 1
    assert gather.poll() is None


def test_fetch_consumer_killed_mid_job_is_closed_by_the_watchdog(
        harvest, server, silent_server, own_redis, consumer, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "bandaaceh.harvest.stuck_after", 4)
    hanging = {"url": f"{silent_server}/sekolah.csv", "name": "sekolah-2024", "title": "Sekolah"}
    src = harvest.source([hanging])
    fetch = consumer("fetch")
    tk.get_action("harvest_job_create")(harvest.context(), {"source_id": src["id"], "run": True})
    gather = queue.get_gather_consumer()
    queue.gather_callback(gather, *gather.basic_get(queue="ckan.harvest.gather"))

    def fetching() -> HarvestObject | None:
        model.Session.expire_all()
        return model.Session.query(HarvestObject).filter_by(
            harvest_job_id=job_of(src).id, state="FETCH").first()

    wait_for("the fetch consumer to start downloading", fetching, 300)
    fetch.send_signal(signal.SIGKILL)   # dies mid-download
    fetch.wait(30)

    # ckanext-harvest alone keeps the job Running: an object is still in FETCH
    tk.get_action("harvest_jobs_run")(harvest.context(), {"source_id": src["id"]})
    job = job_of(src)
    assert job.status == "Running"
    runner = CliRunner()
    result = runner.invoke(harvesters, ["watchdog"], catch_exceptions=False)
    assert "0 stuck job(s) aborted" in result.output and job_of(src).status == "Running"

    # past bandaaceh.harvest.stuck_after without progress, the watchdog closes it
    idle_until = last_activity(job) + datetime.timedelta(seconds=4.5)
    time.sleep(max(0.0, (idle_until - datetime.datetime.utcnow()).total_seconds()))
    result = runner.invoke(harvesters, ["watchdog"], catch_exceptions=False)
    assert "1 stuck job(s) aborted" in result.output, result.output
    job = job_of(src)
    assert job.status == "Finished" and job.finished is not None
    assert [o.state for o in job.objects] == ["ERROR"]
    assert any("Dihentikan oleh watchdog" in e.message for e in job.gather_errors)
    status = tk.get_action("harvest_source_show_status")(harvest.context(), {"id": src["id"]})
    assert status["last_job"]["status"] == "Finished"

    # and the source harvests again: a new job is accepted and completes
    server.put("sekolah.csv")
    harvest.update_source(src, [entry(server, "files/sekolah.csv", "sekolah-2024")])
    report = harvest.run(src)
    assert report.count("added") == 1


def test_harvest_while_solr_is_down_fails_and_leaves_the_dataset_as_it_was(harvest, server, solr_down):
    server.put("imunisasi.xlsx")
    src = harvest.source([entry(server, "files/imunisasi.xlsx", "imunisasi-2024")])
    assert harvest.run(src).count("added") == 1
    before = harvest.snapshot("imunisasi-2024")

    server.put("imunisasi.xlsx", "imunisasi-v2.xlsx")   # a real change to publish
    outage = solr_down()
    with pytest.raises(SearchIndexError):   # the job is refused when it starts
        harvest.run(src)
    outage.up()

    model.Session.remove()
    assert harvest.snapshot("imunisasi-2024") == before   # dataset, resources, DataStore tables
    jobs = model.Session.query(HarvestJob.status).filter_by(source_id=src["id"]).all()
    assert {j.status for j in jobs} == {"Finished"}       # no job left New or Running
    assert harvest.run(src).count("updated") == 1        # and the change arrives once Solr is back
