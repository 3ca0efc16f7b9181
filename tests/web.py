"""Logging in through the real login form with the CKAN test client (a session cookie, as a
browser has): used by the CSRF and web tests of the upload flows."""
from __future__ import annotations

import re
from typing import Any

__all__ = ["PASSWORD", "csrf_token", "log_in"]

PASSWORD = "Rahasia-Gampong-2025"


def csrf_token(html: str) -> str:
    """The ``_csrf_token`` of the first form of a page."""
    return re.search(r'name="_csrf_token" value="([^"]+)"', html).group(1)


def log_in(app: Any, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form: from now on the client carries the session cookie only."""
    form = app.get("/user/login").get_data(as_text=True)
    resp = app.post("/user/login", data={"login": username, "password": password, "remember": "63072000",
                                         "_csrf_token": csrf_token(form)}, follow_redirects=False)
    assert resp.status_code == 302 and "/user/login" not in resp.headers["Location"]  # a failed login is 200
    remember = [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert len(remember) == 1 and "SameSite=Lax" in remember[0]  # not sent with cross-site requests
