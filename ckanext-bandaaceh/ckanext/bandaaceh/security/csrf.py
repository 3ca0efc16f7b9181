"""CSRF protection of the portal's own forms and write actions, whatever CKAN exempted.

CKAN 2.12 exempts a view from CSRF checks for the rest of the process (``csrf.exempt``) the first
time a request that was not authenticated by the session cookie reaches it: an API-token call, or
any anonymous visit. From then on a cross-site POST that carries only the victim's session cookie
is accepted by that view, e.g. ``/apbg/unggah`` or ``/api/3/action/apbdes_import``.

:func:`protect` runs before every request (wired in ``plugin.py``) and, for our blueprints' views
and our write actions, checks the CSRF token itself (Flask-WTF's check: the ``_csrf_token`` form
field or the ``X-CSRFToken`` header, which CKAN's JavaScript sends) whenever the user was
authenticated by a cookie (session or remember-me). Requests authenticated by an API token
(``Authorization`` header, which a cross-site form cannot set) and anonymous requests carry no
ambient credentials and pass as before.
"""
from __future__ import annotations

from flask import g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect

__all__ = ["PROTECTED_BLUEPRINTS", "PROTECTED_ACTIONS", "UNSAFE_METHODS", "protect"]

#: Blueprints whose state-changing requests always need a CSRF token (cookie sessions).
PROTECTED_BLUEPRINTS: frozenset[str] = frozenset({"bandaaceh_apbdes", "bandaaceh_pengaduan"})
#: API actions of this extension that write.
PROTECTED_ACTIONS: frozenset[str] = frozenset({"apbdes_import", "pengaduan_import"})
UNSAFE_METHODS: frozenset[str] = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_checker = CSRFProtect()  # only its protect() is used: it reads the app's WTF_CSRF_* settings


def _ours() -> bool:
    endpoint = request.endpoint or ""
    if endpoint == "api.action":
        return (request.view_args or {}).get("logic_function") in PROTECTED_ACTIONS
    return endpoint.split(".", 1)[0] in PROTECTED_BLUEPRINTS


def _cookie_session() -> bool:
    """Was the user of this request authenticated by a cookie (not by an API token)?"""
    # current_user loads the user; CKAN sets login_via_auth_header while doing so when the
    # Authorization header (or nothing) identified the request.
    return bool(current_user.is_authenticated) and not g.get("login_via_auth_header")


def protect() -> None:
    """Refuse (HTTP 400, Flask-WTF's CSRFError) a cookie-authenticated unsafe request to one of
    our views or write actions that lacks a valid CSRF token."""
    if request.method in UNSAFE_METHODS and _ours() and _cookie_session():
        _checker.protect()
