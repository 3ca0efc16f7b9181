"""Budget uploads in the background (issue 10 item 2): RQ jobs on Redis run by a real worker,
the async and sync forms of ``apbdes_import``, the memory cap of the reading child, the dry-run
caps. Real CKAN, PostgreSQL, DataStore, Solr and Redis."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from .conftest import FIXTURES, run_import
from .test_web import auth, post_file, staged_token

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")

NAME = "apbg-kampung-baru-2025-murni"
#: penjabaran.xlsx (tests/fixtures/apbdes/make_fixtures.py, kampung_baru_spec): 33 leaf lines,
#: belanja Rp 1.763.529.770.
LEAVES, BELANJA = 33, "1763529770"


def api_import(app: Any, user: dict, org: dict, path: Path, status: int = 200, data: bytes | None = None,
               **params: Any) -> dict:
    form = {"gampong": org["name"], "tahun": "2025", **params,
            "upload": (io.BytesIO(data if data is not None else path.read_bytes()), path.name)}
    resp = app.post("/api/3/action/apbdes_import", data=form, headers=auth(user), status=status)
    return resp.json


def import_status(app: Any, user: dict, job_id: str, status: int = 200) -> dict:
    return app.get("/api/3/action/apbdes_import_status", query_string={"job_id": job_id},
                   headers=auth(user), status=status).json


def test_async_import_returns_a_job_id_then_the_result_from_the_worker_process(app, operator, request,
                                                                              clean_queues):
    org, user = operator()
    answer = api_import(app, user, org, FIXTURES / "penjabaran.xlsx", **{"async": "true"})["result"]
    assert answer["state"] == "queued" and answer["dry_run"] is False and answer["job_id"]
    job_id = answer["job_id"]
    assert import_status(app, user, job_id)["result"]["state"] == "queued"
    import_status(app, factories.User(), job_id, status=403)  # only the uploader may ask
    import_status(app, user, "x" * 43, status=404)
    with pytest.raises(tk.ObjectNotFound):  # nothing is published before the worker runs it
        tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})

    # The jobs worker as the Procfile runs it (its own process), in burst mode.
    ini = os.path.abspath(request.config.getoption("ckan_ini"))
    worker = subprocess.run([str(Path(sys.executable).with_name("ckan")), "-c", ini, "jobs", "worker", "--burst",
                             "default", "bandaaceh_apbdes"], capture_output=True, text=True, timeout=600)
    assert worker.returncode == 0, worker.stderr[-3000:]

    status = import_status(app, user, job_id)["result"]
    assert status["state"] == "done", status
    result = status["result"]
    assert result["published"] and result["dataset"]["name"] == NAME
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})
    assert pkg["total_belanja"] == BELANJA and pkg["jumlah_baris"] == str(LEAVES)


def test_sync_import_is_refused_above_the_limit_naming_the_parameter(app, operator, run_jobs, ckan_config,
                                                                     monkeypatch):
    org, user = operator()
    size = (FIXTURES / "penjabaran.xlsx").stat().st_size
    monkeypatch.setitem(ckan_config, "bandaaceh.apbdes.sync_max_bytes", size - 1)
    refused = api_import(app, user, org, FIXTURES / "penjabaran.xlsx", status=409)["error"]
    text = " ".join(refused["upload"])
    assert "penjabaran.xlsx" in text and "async=true" in text and "bandaaceh.apbdes.sync_max_bytes" in text
    assert f"{size} byte" in text and "apbdes_import_status" in text
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})

    # At the limit the sync form answers at once; above it, async=true goes through the worker.
    monkeypatch.setitem(ckan_config, "bandaaceh.apbdes.sync_max_bytes", size)
    assert api_import(app, user, org, FIXTURES / "penjabaran.xlsx", dry_run="true")["result"]["can_publish"]
    monkeypatch.setitem(ckan_config, "bandaaceh.apbdes.sync_max_bytes", size - 1)
    job_id = api_import(app, user, org, FIXTURES / "penjabaran.xlsx", **{"async": "true"})["result"]["job_id"]
    run_jobs()
    assert import_status(app, user, job_id)["result"]["result"]["published"]


def test_async_refusal_is_reported_and_nothing_is_written(app, operator, run_jobs):
    org, user = operator()
    run_import(user["name"], FIXTURES / "penjabaran.xlsx", gampong=org["name"], tahun=2025)
    before = tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})
    job_id = api_import(app, user, org, FIXTURES / "broken-jumlah.xlsx", **{"async": "true"})["result"]["job_id"]
    run_jobs()
    status = import_status(app, user, job_id)["result"]
    assert status["state"] == "failed" and any("Baris 95" in e for e in status["errors"]), status
    assert any(p["code"] for p in status["problems"])
    after = tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})
    assert after["metadata_modified"] == before["metadata_modified"]


def _control_character_csv(bad_rows: int) -> bytes:
    """penjabaran.csv with a control character (U+0001) in the uraian of its first ``bad_rows``
    leaf lines: exactly ``bad_rows`` errors (one per cell, ``control_character``)."""
    lines = (FIXTURES / "penjabaran.csv").read_bytes().decode("utf-8").splitlines(keepends=True)
    done = 0
    for i, line in enumerate(lines):
        cells = line.split(";")
        if done < bad_rows and len(cells) > 2 and cells[0].count(".") == 3 and cells[0][-1:].isdigit():
            cells[1] = cells[1] + "\x01"
            lines[i] = ";".join(cells)
            done += 1
    assert done == bad_rows
    return "".join(lines).encode("utf-8")


def test_dry_run_returns_capped_lines_and_problems_with_full_counts(app, operator, ckan_config, monkeypatch):
    org, user = operator()
    full = api_import(app, user, org, FIXTURES / "penjabaran.xlsx", dry_run="true")["result"]
    assert len(full["lines"]) == full["line_count"] == LEAVES
    monkeypatch.setitem(ckan_config, "bandaaceh.apbdes.dry_run_max_lines", 5)
    monkeypatch.setitem(ckan_config, "bandaaceh.apbdes.dry_run_max_problems", 2)
    capped = api_import(app, user, org, FIXTURES / "penjabaran.xlsx", dry_run="true")["result"]
    assert capped["lines"] == full["lines"][:5] and capped["line_count"] == LEAVES

    bad = _control_character_csv(4)
    result = api_import(app, user, org, FIXTURES / "penjabaran.csv", data=bad, dry_run="true")["result"]
    assert result["error_count"] == 4 and result["problem_count"] >= 4
    assert len(result["problems"]) == 2 and {p["code"] for p in result["problems"]} == {"control_character"}
    # The refusal of the same file lists two errors and says how many more there are.
    error = api_import(app, user, org, FIXTURES / "penjabaran.csv", data=bad, status=409)["error"]
    assert len(error["upload"]) == 3 and "dan 2 kesalahan lain" in error["upload"][-1]


def test_memory_cap_stops_a_bomb_with_a_named_problem(app, operator, run_jobs, ckan_config, monkeypatch):
    """A 30 MB "CSV" of one cell needs far more than 64 MiB to read: the capped child stops, the
    preview names the problem and the limit, and the web process is untouched."""
    org, user = operator()
    headers = auth(user)

    def preview_of(data: bytes) -> str:
        form = {"gampong": org["name"], "tahun": "2025", "upload": (io.BytesIO(data), "bom.csv")}
        token = staged_token(app.post("/apbg/unggah", headers=headers, data=form, follow_redirects=False))
        run_jobs()
        return app.get(f"/apbg/unggah/{token}", headers=headers).get_data(as_text=True)

    bomb = b"A" * (30 * 2**20)
    monkeypatch.setitem(ckan_config, "bandaaceh.apbdes.job_memory_limit", 64)
    preview = preview_of(bomb)
    assert 'data-code="memory_limit"' in preview and "bandaaceh.apbdes.job_memory_limit" in preview
    assert "bom.csv memerlukan lebih dari 64 MB memori" in preview
    assert 'id="apbdes-publish"' in preview and "disabled" in preview.split('id="apbdes-publish"')[0][-200:]

    # The cap, not the file, stopped it: with the default limit the same file is read (and
    # refused for what it is, a file with no budget in it).
    monkeypatch.setitem(ckan_config, "bandaaceh.apbdes.job_memory_limit", 2048)
    again = preview_of(bomb)
    assert 'data-code="memory_limit"' not in again and "Berkas ditolak" in again


def test_web_preview_says_how_many_problems_it_shows(app, operator, run_jobs, ckan_config, monkeypatch):
    org, user = operator()
    headers = auth(user)
    monkeypatch.setitem(ckan_config, "bandaaceh.apbdes.dry_run_max_problems", 2)
    form = {"gampong": org["name"], "tahun": "2025", "upload": (io.BytesIO(_control_character_csv(3)), "apbg.csv")}
    token = staged_token(app.post("/apbg/unggah", headers=headers, data=form, follow_redirects=False))
    run_jobs()
    preview = app.get(f"/apbg/unggah/{token}", headers=headers).get_data(as_text=True)
    assert 'id="apbdes-problems-capped"' in preview and "Berkas ditolak: 3 galat" in preview
    assert preview.count('data-code="control_character"') == 2


def test_upload_page_refuses_a_body_over_max_content_length(app, operator, monkeypatch):
    """What deploy/wsgi.py sets from MAX_CONTENT_LENGTH: the operator's upload gets 413 and
    nothing is staged or queued."""
    org, user = operator()
    monkeypatch.setitem(app.flask_app.config, "MAX_CONTENT_LENGTH", 10_000)
    staging = Path(tk.config["ckan.storage_path"]) / "apbdes-staging"
    before = set(staging.iterdir()) if staging.exists() else set()
    form = {"gampong": org["name"], "tahun": "2025", "upload": (io.BytesIO(b"x" * 20_000), "apbg.csv")}
    resp = app.post("/apbg/unggah", headers=auth(user), data=form, follow_redirects=False)
    assert resp.status_code == 413
    assert (set(staging.iterdir()) if staging.exists() else set()) == before
