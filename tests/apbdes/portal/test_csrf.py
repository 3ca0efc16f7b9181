"""Forged cross-site POSTs (CSRF) against the upload flow, with CSRF protection on (test.ini).

CKAN 2.12 exempts a view from its CSRF check for the rest of the process once a request not
authenticated by the session cookie (an API token, or simply an anonymous visitor) has reached it.
The attack: an anonymous visit to the upload page and to any API action, then a page on another
site makes the logged-in operator's browser POST a budget, carrying only the session cookie.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.web import PASSWORD, csrf_token as _token, log_in

from .conftest import FIXTURES

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")

EVIL = {"Origin": "https://evil.example", "Referer": "https://evil.example/hadiah.html"}
NAME = "apbg-kampung-baru-2025-murni"


def budget(org: dict[str, Any], path: Path = FIXTURES / "penjabaran.xlsx") -> dict[str, Any]:
    return {"gampong": org["name"], "tahun": "2025", "tahap": "murni",
            "upload": (io.BytesIO(path.read_bytes()), path.name)}


@pytest.fixture
def victim(app: Any, operator: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(gampong, operator): logged in by cookie, after CKAN exempted the views we attack."""
    user = factories.User(password=PASSWORD)
    org, _ = operator(user=user)
    app.get("/apbg/unggah", follow_redirects=False)             # anonymous visit: view exempted
    app.get("/api/3/action/status_show")                        # anonymous API call: api.action exempted
    log_in(app, user["name"])
    return org, user


def _staged() -> list[Path]:
    folder = Path(tk.config["ckan.storage_path"]) / "apbdes-staging"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_forged_upload_form_post_is_refused(app: Any, victim: Any) -> None:
    org, _user = victim
    before = _staged()
    resp = app.post("/apbg/unggah", data=budget(org), headers=EVIL, follow_redirects=False)
    assert resp.status_code == 400 and "CSRF" in resp.get_data(as_text=True)
    assert _staged() == before  # nothing was staged

    # the same post from the portal's own form (with its token) goes through
    token = _token(app.get("/apbg/unggah").get_data(as_text=True))
    resp = app.post("/apbg/unggah", data={**budget(org), "_csrf_token": token}, follow_redirects=False)
    assert resp.status_code == 302 and "/apbg/unggah/" in resp.headers["Location"]


def test_forged_publish_and_cancel_posts_are_refused(app: Any, victim: Any, run_jobs: Any) -> None:
    org, user = victim
    token = _token(app.get("/apbg/unggah").get_data(as_text=True))
    resp = app.post("/apbg/unggah", data={**budget(org), "_csrf_token": token}, follow_redirects=False)
    staged = resp.headers["Location"].rsplit("/", 1)[-1]
    app.get(f"/apbg/unggah/{staged}", headers={"Authorization": factories.APIToken(user=user["name"])["token"]})
    # (one API-token request: CKAN has now exempted the preview view too)
    for form in ({"terbitkan": "1"}, {"batal": "1"}):
        assert app.post(f"/apbg/unggah/{staged}", data=form, headers=EVIL).status_code == 400
    run_jobs()  # whatever was queued has run: the check only, no publishing
    folder = next(p for p in _staged() if p.name == staged)
    assert sorted(p.name for p in folder.glob("*.json")) == ["check.json", "meta.json"]
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})
    assert staged in [p.name for p in _staged()]  # still staged: neither published nor discarded


def test_forged_api_import_with_the_session_cookie_is_refused(app: Any, victim: Any) -> None:
    org, _user = victim
    resp = app.post("/api/3/action/apbdes_import", data=budget(org), headers=EVIL)
    assert resp.status_code == 400
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})
    # CKAN's own JavaScript sends the page's token in X-CSRFToken: that is accepted
    token = _token(app.get("/apbg/unggah").get_data(as_text=True))
    resp = app.post("/api/3/action/apbdes_import", data={**budget(org), "dry_run": "true"},
                    headers={"X-CSRFToken": token})
    assert resp.status_code == 200 and resp.json["result"]["summary"]


def test_api_token_clients_need_no_csrf_token(app: Any, operator: Any) -> None:
    org, user = operator()
    headers = {"Authorization": factories.APIToken(user=user["name"])["token"]}
    resp = app.post("/api/3/action/apbdes_import", data={**budget(org), "dry_run": "true"}, headers=headers)
    assert resp.status_code == 200 and resp.json["success"]
