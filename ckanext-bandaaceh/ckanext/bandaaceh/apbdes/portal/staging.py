"""Keeping an uploaded budget file between the web preview and the publish step.

The file waits in ``<ckan.storage_path>/apbdes-staging/<token>/`` under a random token tied to
the uploading user, for at most :data:`STAGING_TTL` seconds. Beside it, ``check.json`` and
``publish.json`` hold the state of the background job of each step (``jobs.py``): queued,
running (with progress), done (with the result) or failed (with the messages).
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk

__all__ = ["STAGING_TTL", "JOB_KINDS", "stage_files", "load_staged", "update_staged_params", "discard_staged",
           "staged_info", "job_input", "write_status", "read_status", "drop_status", "drop_file"]

#: The background steps of a staged upload: the dry run of the preview, and publishing.
JOB_KINDS = ("check", "publish")

#: How long an uploaded file waits between preview and publish on the web.
STAGING_TTL = 24 * 3600
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def _staging_root() -> Path:
    root = tk.config.get("ckan.storage_path")
    if not root:
        raise tk.ValidationError({"upload": [tk._("Penyimpanan berkas (ckan.storage_path) belum diatur")]})
    return Path(root) / "apbdes-staging"


def _cleanup_staging(root: Path) -> None:
    now = time.time()
    for d in root.iterdir() if root.is_dir() else []:
        try:
            if now - d.stat().st_mtime > STAGING_TTL:
                shutil.rmtree(d, ignore_errors=True)
        except OSError:
            pass


def stage_files(user_id: str, data: bytes, filename: str, params: dict[str, Any]) -> str:
    """Keep an uploaded file between preview and publish; return a random token tied to ``user_id``."""
    root = _staging_root()
    root.mkdir(parents=True, exist_ok=True)
    _cleanup_staging(root)
    token = secrets.token_urlsafe(32)
    d = root / token
    d.mkdir(mode=0o700)
    (d / "upload.bin").write_bytes(data)
    meta = {"user": user_id, "filename": os.path.basename(filename), "params": params, "created": time.time()}
    (d / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def _meta(token: str) -> dict[str, Any]:
    """The metadata of a staged upload; ``ObjectNotFound`` if unknown or expired."""
    if not TOKEN_RE.match(token or ""):
        raise tk.ObjectNotFound(tk._("Unggahan tidak ditemukan"))
    try:
        meta = json.loads((_staging_root() / token / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise tk.ObjectNotFound(tk._("Unggahan tidak ditemukan atau sudah kedaluwarsa; unggah ulang berkasnya")) from None
    if time.time() - meta.get("created", 0) > STAGING_TTL:
        _remove(token)
        raise tk.ObjectNotFound(tk._("Unggahan sudah kedaluwarsa; unggah ulang berkasnya"))
    return meta


def _owned_meta(token: str, user_id: str) -> dict[str, Any]:
    """As :func:`_meta`, and ``NotAuthorized`` if the upload belongs to another user."""
    meta = _meta(token)
    if not secrets.compare_digest(str(meta.get("user")), str(user_id)):
        raise tk.NotAuthorized(tk._("Unggahan ini milik pengguna lain"))
    return meta


def load_staged(token: str, user_id: str) -> tuple[bytes, str, dict[str, Any]]:
    """The staged file of ``token``; ``NotAuthorized`` if it belongs to another user, ``ObjectNotFound``
    if unknown or expired."""
    meta = _owned_meta(token, user_id)
    try:
        data = (_staging_root() / token / "upload.bin").read_bytes()
    except OSError:
        raise tk.ObjectNotFound(tk._("Unggahan tidak ditemukan atau sudah kedaluwarsa; unggah ulang berkasnya")) from None
    return data, meta["filename"], meta.get("params") or {}


def staged_info(token: str, user_id: str) -> tuple[str, dict[str, Any]]:
    """File name and parameters of the staged upload ``token``, without reading the file; same
    checks as :func:`load_staged`."""
    meta = _owned_meta(token, user_id)
    return meta["filename"], meta.get("params") or {}


def update_staged_params(token: str, user_id: str, **params: str) -> None:
    """Set parameters of a staged upload (e.g. ``periode`` asked for on the preview); same checks
    as :func:`load_staged`."""
    load_staged(token, user_id)
    path = _staging_root() / token / "meta.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["params"] = {**(meta.get("params") or {}), **params}
    path.write_text(json.dumps(meta), encoding="utf-8")


def discard_staged(token: str, user_id: str) -> None:
    """Delete the staged upload of ``token``: only its uploader may (``NotAuthorized`` otherwise)."""
    _owned_meta(token, user_id)
    _remove(token)


def _remove(token: str) -> None:
    if TOKEN_RE.match(token or ""):
        shutil.rmtree(_staging_root() / token, ignore_errors=True)


def job_input(token: str) -> tuple[bytes, str, dict[str, Any], str]:
    """For the background job: the staged file, its name, parameters and uploader's user id
    (``ObjectNotFound`` if gone)."""
    meta = _meta(token)
    try:
        data = (_staging_root() / token / "upload.bin").read_bytes()
    except OSError:
        raise tk.ObjectNotFound(tk._("Unggahan tidak ditemukan atau sudah kedaluwarsa; unggah ulang berkasnya")) from None
    return data, meta["filename"], meta.get("params") or {}, str(meta.get("user"))


def _status_path(token: str, kind: str) -> Path:
    if kind not in JOB_KINDS or not TOKEN_RE.match(token or ""):
        raise ValueError(f"unknown job {kind!r} of {token!r}")
    return _staging_root() / token / f"{kind}.json"


def write_status(token: str, kind: str, status: dict[str, Any]) -> None:
    """Record the state of the ``kind`` job of ``token`` (atomically: a reader sees the old or the new)."""
    path = _status_path(token, kind)
    if not path.parent.is_dir():
        return  # discarded meanwhile
    tmp = path.with_name(f".{kind}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({**status, "updated": time.time()}), encoding="utf-8")
    os.replace(tmp, path)


def read_status(token: str, kind: str, user_id: str | None = None) -> dict[str, Any] | None:
    """The recorded state of the ``kind`` job of ``token`` (None if none); with ``user_id``, only
    for its uploader (``NotAuthorized`` otherwise, ``ObjectNotFound`` if unknown or expired)."""
    if user_id is not None:
        _owned_meta(token, user_id)
    try:
        return json.loads(_status_path(token, kind).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def drop_status(token: str, kind: str) -> None:
    """Forget the state of the ``kind`` job of ``token``."""
    _status_path(token, kind).unlink(missing_ok=True)


def drop_file(token: str) -> None:
    """Delete the staged file of ``token`` but keep its job states (after a publish)."""
    if TOKEN_RE.match(token or ""):
        (_staging_root() / token / "upload.bin").unlink(missing_ok=True)
