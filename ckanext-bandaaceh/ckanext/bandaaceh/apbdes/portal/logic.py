"""API actions and auth functions of the APBG (collected by ``logic/action.py`` and ``logic/auth.py``)."""
from __future__ import annotations

import datetime as dt
import io
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from werkzeug.datastructures import FileStorage

from ckanext.bandaaceh import apbdes, datastore, managed
from ckanext.bandaaceh.site import N_, import_auth

from . import jobs, staging
from .identity import DATASET_TYPE, ROLE_FIELD, reserved_name_error, resolve_gampong
from .importer import LOCAL_FLAG, import_budget, read_upload
from .transparency import transparency
from .validators import is_sysadmin

#: Resource fields that make a file the import's own: changed by the import only.
MANAGED_RESOURCE_FIELDS = ("url_type", ROLE_FIELD, datastore.LOADER_FIELD)

__all__ = ["apbdes_import", "apbdes_import_status", "apbdes_transparency", "apbdes_import_auth",
           "apbdes_import_status_auth", "apbdes_transparency_auth",
           "resource_create_auth", "package_create", "package_update"]


def apbdes_import(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Import a gampong budget (APBG) file and publish it as the gampong's ``apbdes`` dataset.

    POST multipart/form-data:

    :param upload: the file (xlsx/xls/ods/csv, or a Siskeudes zip)
    :param gampong: gampong organisation name or area code (``11.71.01.2001``)
    :param tahun: fiscal year (default: what the file says)
    :param tahap: ``murni``, ``perubahan`` or ``realisasi`` (default: what the file says, else murni)
    :param periode: realisasi only: ``semester-1`` or ``tahunan``
    :param layout: force a layout (``siskeudes``, ``penjabaran``, ``realisasi``, ``peraturan``)
    :param nomor_peraturan: number of the Qanun/Peraturan Gampong
    :param tanggal_peraturan: its date, YYYY-MM-DD
    :param dry_run: only check and preview (``lines``, ``summary``, ``problems``); nothing is written
    :param async: ``true``: run as a background job and return at once
        ``{"job_id": ..., "state": "queued"}``; poll ``apbdes_import_status`` with that ``job_id``
        for the progress and then the same result. Required for files above
        ``bandaaceh.apbdes.sync_max_bytes`` (default 2 MiB).

    Re-importing the same gampong, tahun and tahap replaces that dataset. A file that fails a
    check is refused (``ValidationError`` with ``upload`` messages and ``problems``) and nothing
    is written. Only editors/admins of the gampong (and sysadmins) may import.

    A dry run returns at most ``bandaaceh.apbdes.dry_run_max_lines`` lines (``line_count``: all)
    and at most ``bandaaceh.apbdes.dry_run_max_problems`` problems, errors first
    (``problem_count``, ``error_count``, ``warning_count``: all).
    """
    run_async = tk.asbool(data_dict.get("async", False))
    if context.get(LOCAL_FLAG) and not run_async:  # the command line: no web request to protect
        return import_budget(context, data_dict)
    data, filename = read_upload(data_dict.get("upload"))
    limit = int(tk.config.get("bandaaceh.apbdes.sync_max_bytes"))
    if not run_async and len(data) > limit:
        raise tk.ValidationError({"upload": [tk._(
            "Berkas {name} berukuran {size} byte, di atas batas impor langsung {limit} byte "
            "(bandaaceh.apbdes.sync_max_bytes). Kirim ulang dengan parameter async=true, lalu pantau "
            "hasilnya dengan apbdes_import_status (job_id).").format(name=filename, size=len(data), limit=limit)]})
    if not run_async:
        return import_budget(context, {**data_dict, "upload": FileStorage(io.BytesIO(data), filename=filename)})
    org = resolve_gampong(str(data_dict.get("gampong") or ""))
    tk.check_access("apbdes_import", context, {"owner_org": org["id"]})
    user = model.User.get(str(context.get("user") or ""))
    if user is None:
        raise tk.NotAuthorized(tk._("Impor latar belakang memerlukan pengguna yang masuk (API token)"))
    params = {k: str(data_dict[k]) for k in ASYNC_PARAMS if data_dict.get(k) not in (None, "")}
    params["gampong"] = org["name"]
    token = staging.stage_files(user.id, data, filename, params)
    kind = "check" if tk.asbool(data_dict.get("dry_run", False)) else "publish"
    jobs.enqueue_import(token, kind)
    return {"job_id": token, "state": "queued", "dry_run": kind == "check", "file": filename}


#: Parameters of ``apbdes_import`` kept with a staged upload for its background job.
ASYNC_PARAMS = ("gampong", "tahun", "tahap", "periode", "layout", "nomor_peraturan", "tanggal_peraturan")


@tk.side_effect_free
def apbdes_import_status(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The state of a background budget import (``apbdes_import`` with ``async=true``).

    :param job_id: what ``apbdes_import`` returned

    Returns ``job_id``, ``state`` (``queued``, ``running``, ``done`` or ``failed``), ``dry_run``,
    ``progress`` (``label``, ``done``, ``total`` steps), and when ``done`` the ``result`` of
    ``apbdes_import``; when ``failed`` the ``errors`` (messages) and ``problems``. Only the
    uploader may ask (403 otherwise); an unknown or expired job is 404.
    """
    tk.check_access("apbdes_import_status", context, data_dict)
    token = str(data_dict.get("job_id") or "")
    user = model.User.get(str(context.get("user") or ""))
    if user is None:
        raise tk.NotAuthorized(tk._("Masuk sebagai pengunggah untuk melihat status impor"))
    for kind in ("publish", "check"):
        status = jobs.job_status(token, kind, user.id)
        if status is not None:
            break
    else:
        raise tk.ObjectNotFound(tk._("Impor {job_id} tidak ditemukan").format(job_id=token))
    status = jobs.shown_status(status)  # recorded by a job (no language): worded for this request
    out = {"job_id": token, "state": status["state"], "dry_run": kind == "check",
           "progress": {k: status.get(k) for k in ("label", "done", "total")}}
    if status["state"] == "done":
        out["result"] = status.get("result")
    elif status["state"] == "failed":
        out.update({"errors": status.get("errors") or [], "problems": status.get("problems") or []})
    return out


@tk.side_effect_free
def apbdes_transparency(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Every gampong of the city for one year: APBG published or missing, tahap, totals, realisation.

    Read from the search index (dataset summaries), not from the files. Besides the totals, each
    gampong, each kecamatan and the city (``angka``) carry the comparison figures: realisation %
    (``persen_realisasi_belanja``/``_pendapatan``, realised against the budget in force), the change
    from the previous year (``belanja_tahun_lalu``, ``selisih_belanja``, ``persen_perubahan_belanja``,
    the same for pendapatan) and, with a population table, ``penduduk`` and
    ``belanja_per_penduduk``/``pendapatan_per_penduduk``; a roll-up takes each ratio only over the
    gampong that have both amounts. ``peringkat_bidang``: per bidang (code and name) every gampong
    with a budget, largest belanja first. ``penduduk``: the population table used (``tahun``,
    ``sumber``, ``contoh`` and its ``label`` "data contoh, bukan data resmi" for sample data), or null.

    :param tahun: fiscal year (default: the current year)
    :param kecamatan: kecamatan code or name (optional)
    :param status: ``terbit`` (published) or ``belum`` (missing) (optional)
    :param tahap: ``murni``, ``perubahan`` or ``realisasi`` (optional)
    """
    tk.check_access("apbdes_transparency", context, data_dict)
    raw = data_dict.get("tahun") or dt.date.today().year
    try:
        tahun = int(str(raw).strip())
    except ValueError:
        raise tk.ValidationError({"tahun": [tk._("Harus berupa angka tahun, misalnya 2025")]}) from None
    status = data_dict.get("status") or None
    if status not in (None, "terbit", "belum"):
        raise tk.ValidationError({"status": [tk._("Status harus 'terbit' atau 'belum'")]})
    tahap = data_dict.get("tahap") or None
    if tahap not in (None, *apbdes.TAHAP):
        raise tk.ValidationError({"tahap": [tk._("Tahap harus murni, perubahan atau realisasi")]})
    return transparency(tahun, kecamatan=data_dict.get("kecamatan") or None, status=status, tahap=tahap)


#: Importing a budget needs the right to create datasets in that gampong (editor or admin);
#: ``data_dict``: ``owner_org``. Sysadmins pass before this function is called.
apbdes_import_auth = import_auth("apbdes", N_("Masuk sebagai operator gampong untuk mengimpor APBG"),
                                 N_("Pengguna {user} bukan operator (editor/admin) gampong ini"))


def apbdes_import_status_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Any logged-in user may ask; the action answers only the uploader of that job."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def apbdes_transparency_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The city-wide overview is public."""
    return {"success": True}


@tk.chained_auth_function
def resource_create_auth(next_auth: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """No file is added to an APBG dataset by hand: its files are the import's (``managed.py``)."""
    pkg = model.Package.get(str((data_dict or {}).get("package_id") or ""))
    if pkg is not None and pkg.type == DATASET_TYPE and not managed.is_writer(context):
        return managed.refusal()
    return next_auth(context, data_dict)


def _refuse_reserved_name(data_dict: dict[str, Any]) -> None:
    """The ``apbg-`` prefix for any dataset type whose schema is not ours (harvest sources)."""
    name = data_dict.get("name")
    if not name:
        return
    dataset_type = data_dict.get("type")
    if not dataset_type and data_dict.get("id"):
        pkg = model.Package.get(str(data_dict["id"]))
        dataset_type = pkg.type if pkg is not None else None
    if message := reserved_name_error(name, dataset_type or "dataset"):
        raise tk.ValidationError({"name": [message]})


@tk.chained_action
def package_create(next_action: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """``package_create``, refusing the reserved ``apbg-`` names for every type but APBG."""
    _refuse_reserved_name(data_dict)
    return next_action(context, data_dict)


def _file_name(url: Any) -> str:
    return str(url or "").rsplit("/", 1)[-1]


def _keep_budget_files(context: dict[str, Any], data_dict: dict[str, Any]) -> None:
    """Without the import: the files of a budget stay exactly as the import wrote them.

    No resource added or removed, none given a new file (upload or link) or role; names and
    descriptions may still be edited. (CKAN 2.12 validates only the changed resources, so this
    is checked on the whole list given, before validation.)
    """
    given = data_dict.get("resources")
    if given is None or managed.is_writer(context) or is_sysadmin(context):
        return
    pkg = model.Package.get(str(data_dict.get("id") or data_dict.get("name") or ""))
    if pkg is None or pkg.type != DATASET_TYPE:
        return
    stored = {r.id: r for r in pkg.resources}
    by_id = {str(r.get("id") or ""): r for r in given if isinstance(r, dict)}
    changed = set(by_id) != set(stored) or len(by_id) != len(given)
    for rid, res in stored.items():
        new = by_id.get(rid)
        if changed or new is None:
            break
        old = {"url_type": res.url_type or "", **{k: str(v) for k, v in (res.extras or {}).items()}}
        changed = (new.get("upload") is not None
                   or ("url" in new and _file_name(new["url"]) != _file_name(res.url))
                   or any(f in new and str(new[f] or "") != old.get(f, "") for f in MANAGED_RESOURCE_FIELDS))
    if changed:
        raise tk.ValidationError({"resources": [tk._(
            "Berkas dataset APBG hanya dapat diganti melalui impor berkas APBG (halaman Unggah APBG "
            "atau API apbdes_import); berkas tidak dapat ditambah, dihapus atau ditukar secara manual.")]})


@tk.chained_action
def package_update(next_action: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """``package_update`` (and ``package_patch``): no rename to a reserved ``apbg-`` name, and the
    files of a budget are the import's."""
    _refuse_reserved_name(data_dict)
    _keep_budget_files(context, data_dict)
    return next_action(context, data_dict)
