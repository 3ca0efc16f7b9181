"""Budget uploads in the background: CKAN jobs (RQ on Redis) on the queue ``bandaaceh.apbdes.queue``.

The web upload (``/apbg/unggah``) and ``apbdes_import`` with ``async=true`` stage the file
(``staging.py``) and enqueue :func:`run_import` for one of two steps: ``check`` (the dry run
behind the preview) or ``publish``. The job runs in the jobs worker (``ckan jobs worker default
bandaaceh_apbdes``), never in a web process; it reads and checks the file in a memory-capped
child (``apbdes/isolated.py``) and publishes through the one all-or-nothing path
(:func:`importer.import_budget`). Its state, progress and result are written beside the staged
file, where the preview page and ``apbdes_import_status`` read them.

A job has no request, hence no language: what it records is shown in the language of the page
that reads it. Labels and fixed messages are recorded as msgids (``N_``) and translated when
shown; problems keep their template and params (``Problem.as_dict``) and are worded by
:func:`importer.localise_problems` when shown.
"""
from __future__ import annotations

import io
import logging
import uuid
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from werkzeug.datastructures import FileStorage

from ckanext.bandaaceh.site import validation_messages
from ckanext.bandaaceh.spreadsheet import N_

from . import staging
from .importer import ISOLATED_FLAG, import_budget, localise_problems

__all__ = ["enqueue_import", "run_import", "queue_name", "job_status", "shown_status", "FINISHED"]

log = logging.getLogger(__name__)

#: States in which a job has ended.
FINISHED = ("done", "failed")


def queue_name() -> str:
    """The job queue of budget uploads (``bandaaceh.apbdes.queue``)."""
    return str(tk.config.get("bandaaceh.apbdes.queue"))


def enqueue_import(token: str, kind: str) -> str:
    """Queue the ``kind`` step (``check`` or ``publish``) of staged upload ``token``; its job id."""
    job_id = f"apbdes-{kind}-{uuid.uuid4().hex}"
    staging.write_status(token, kind, {"state": "queued", "job_id": job_id, "label": N_("Menunggu giliran"),
                                       "done": 0, "total": 0})
    timeout = int(tk.config.get("bandaaceh.apbdes.job_timeout"))
    tk.enqueue_job(run_import, [token, kind, job_id], title=f"APBG {kind} {token[:8]}", queue=queue_name(),
                   rq_kwargs={"job_id": job_id, "timeout": timeout + 60})
    return job_id


def job_status(token: str, kind: str, user_id: str | None = None) -> dict[str, Any] | None:
    """The recorded state of the ``kind`` step of ``token`` (see ``staging.read_status``)."""
    return staging.read_status(token, kind, user_id)


def shown_status(status: dict[str, Any]) -> dict[str, Any]:
    """A recorded status worded in the current request's language (label, errors, problems)."""
    out = dict(status)
    label = status.get("label")
    if label:
        out["label"] = tk._(label)
    problems = status.get("problems") or []
    if problems:
        recorded = {p.get("text") for p in problems}
        out["problems"] = localise_problems(problems)
        out["errors"] = ([p["text"] for p in out["problems"] if p["severity"] == "error"]
                         + [tk._(e) for e in status.get("errors") or [] if e not in recorded])
    elif status.get("errors"):
        out["errors"] = [tk._(e) for e in status["errors"]]
    result = status.get("result")
    if isinstance(result, dict) and result.get("problems"):
        out["result"] = {**result, "problems": localise_problems(result["problems"])}
    return out


def _user_name(user_id: str) -> str | None:
    user = model.User.get(user_id)
    return user.name if user is not None and user.state == "active" else None


def run_import(token: str, kind: str, job_id: str) -> None:
    """The job: run the ``kind`` step of staged upload ``token`` as its uploader; record the outcome."""
    current = staging.read_status(token, kind)
    if current is None or current.get("job_id") != job_id:
        log.info("APBG job %s superseded or discarded; nothing to do", job_id)
        return
    try:
        data, filename, params, user_id = staging.job_input(token)
    except tk.ObjectNotFound:
        return  # cancelled meanwhile
    base = {"job_id": job_id, "file": filename}

    def progress(label: str, done: int, total: int) -> None:
        staging.write_status(token, kind, {**base, "state": "running", "label": label, "done": done, "total": total})

    name = _user_name(user_id)
    if name is None:
        staging.write_status(token, kind, {**base, "state": "failed", "errors": [N_("Pengguna pengunggah tidak aktif")]})
        return
    progress(N_("Membaca dan memeriksa berkas"), 0, 0)
    context = {"user": name, ISOLATED_FLAG: True, "bandaaceh_progress": progress}
    data_dict: dict[str, Any] = {k: v for k, v in params.items() if v}
    data_dict.update({"upload": FileStorage(io.BytesIO(data), filename=filename), "dry_run": kind == "check"})
    del data
    try:
        result = import_budget(context, data_dict)
    except tk.ValidationError as exc:
        staging.write_status(token, kind, {**base, "state": "failed", "errors": validation_messages(exc.error_dict),
                                           "problems": exc.error_dict.get("problems") or []})
        return
    except (tk.NotAuthorized, tk.ObjectNotFound) as exc:
        staging.write_status(token, kind, {**base, "state": "failed", "errors": [str(exc) or N_("Tidak diizinkan")]})
        return
    except Exception:
        log.exception("APBG job %s (%s) failed", job_id, filename)
        staging.write_status(token, kind, {**base, "state": "failed", "errors": [tk._(
            "Terjadi kesalahan tak terduga saat memproses berkas {name}; tidak ada yang diterbitkan. "
            "Hubungi admin portal.").format(name=filename)]})
        raise
    if kind == "publish":
        staging.drop_file(token)  # published: the file now lives in the dataset
    staging.write_status(token, kind, {**base, "state": "done", "label": N_("Selesai"), "result": result})
