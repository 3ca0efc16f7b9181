"""Web pages of the complaint figures:

* ``/pengaduan``: how the complaint channels perform, per month and channel, per SKPD (ranking
  and trend chart);
* ``/pengaduan/unggah`` upload -> ``/pengaduan/unggah/<token>`` preview (the figures computed,
  the columns recognised, the personal-data columns with a choice to drop them, the problems)
  -> publish (POST), for the editors/admins of the organisation that runs the channel. The file
  waits between the steps in the APBG upload's staging area (:mod:`ckanext.bandaaceh.apbdes.portal.staging`),
  tied to the uploading user; publishing runs ``pengaduan_import``, as the CLI and the API do.
"""
from __future__ import annotations

import io
import json
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint
from werkzeug.datastructures import FileStorage

from ckanext.bandaaceh.apbdes.portal import staging
from ckanext.bandaaceh.pengaduan import PengaduanError, Standard, describe_columns
from ckanext.bandaaceh.site import validation_messages

from .importer import DATASET_TYPE, MAX_BYTES, channel_standards

__all__ = ["pengaduan_pages"]

pengaduan_pages = Blueprint("bandaaceh_pengaduan", __name__)
_ = tk._
PREVIEW_ROWS = 500


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else "",
            "auth_user_obj": tk.current_user}


@pengaduan_pages.route("/pengaduan")
def index() -> Any:
    args = {"tahun": tk.request.args.get("tahun") or None}
    try:
        data = tk.get_action("pengaduan_ringkasan")({}, args)
    except tk.ValidationError as exc:
        return tk.abort(400, "; ".join(validation_messages(exc.error_dict)))
    names = [t["skpd"] for t in data["tren"]]
    chosen = tk.request.args.get("skpd")
    chosen = chosen if chosen in names else (names[0] if names else None)
    trend = next((t for t in data["tren"] if t["skpd"] == chosen), None)
    return tk.render("pengaduan/index.html", {
        "data": data, "skpd_terpilih": chosen, "tren": trend,
        # the chart's data, embedded as JSON (every SKPD: switching needs no request); "<" escaped,
        # so that no SKPD name read from an export can close the script element
        "tren_json": json.dumps({"kanal": {k: v["nama"] for k, v in data["kanal"].items()}, "skpd": data["tren"]},
                                ensure_ascii=False, default=str).replace("<", "\\u003c")})


# ---------------------------------------------------------------- upload with preview


def _channels() -> list[Standard]:
    """The channels the current user may import for: those run by an organisation the user is
    editor/admin of (every channel for sysadmins), and SP4N-LAPOR! (``milik_skpd``) for an
    editor/admin of any SKPD (its own rows; the importer refuses the rows of another SKPD)."""
    orgs = tk.get_action("organization_list_for_user")(_context(), {"permission": "create_dataset"})
    names = {o["name"] for o in orgs}
    return [s for s in channel_standards().values() if s.pengelola in names or (s.milik_skpd and names)]


def _may_upload() -> Any:
    """None when the user may upload, else the response: login first, or 403."""
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=tk.request.full_path)
    if not _channels():
        return tk.abort(403, _("Hanya editor atau admin SKPD pengelola kanal pengaduan yang dapat mengunggah"))
    return None


@pengaduan_pages.route("/pengaduan/unggah", methods=["GET", "POST"])
def upload() -> Any:
    """Step 1: choose the channel (and the month of an export of counts) and the file."""
    if (refused := _may_upload()) is not None:
        return refused
    channels = _channels()
    form = {"kanal": tk.request.values.get("kanal", channels[0].kanal), "periode": tk.request.values.get("periode", "")}
    errors: list[str] = []
    if tk.request.method == "POST":
        f = tk.request.files.get("upload")
        if form["kanal"] not in {c.kanal for c in channels}:
            errors.append(_("Anda bukan pengelola kanal {kanal}").format(kanal=form["kanal"]))
        if not f or not f.filename:
            errors.append(_("Pilih berkas ekspor kanal yang akan diunggah"))
        if not errors:
            data = f.stream.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                errors.append(_("Berkas {name} terlalu besar (maksimum 50 MB)").format(name=f.filename))
            elif not data:
                errors.append(_("Berkas {name} kosong").format(name=f.filename))
            else:
                token = staging.stage_files(tk.current_user.id, data, f.filename, dict(form, buang_kolom=""))
                return tk.redirect_to("bandaaceh_pengaduan.preview", token=token)
    return tk.render("pengaduan/upload.html", {"channels": channels, "form": form, "errors": errors})


def _run(data: bytes, filename: str, params: dict[str, Any], dry_run: bool) -> dict[str, Any]:
    return tk.get_action("pengaduan_import")(_context(), {
        "kanal": params.get("kanal"), "periode": params.get("periode") or None,
        "buang_kolom": params.get("buang_kolom") or "", "dry_run": dry_run,
        "upload": FileStorage(io.BytesIO(data), filename=filename)})


@pengaduan_pages.route("/pengaduan/unggah/<token>", methods=["GET", "POST"])
def preview(token: str) -> Any:
    """Step 2: preview (GET); check again with columns dropped or a month given, cancel, or publish (POST)."""
    if (refused := _may_upload()) is not None:
        return refused
    user_id = tk.current_user.id
    try:
        data, filename, params = staging.load_staged(token, user_id)
        if tk.request.method == "POST":
            form = tk.request.form
            if form.get("batal"):
                staging.discard_staged(token, user_id)
                tk.h.flash_notice(_("Unggahan dibatalkan; tidak ada yang diterbitkan."))
                return tk.redirect_to("bandaaceh_pengaduan.upload")
            if form.get("periksa"):
                staging.update_staged_params(token, user_id, buang_kolom="\n".join(form.getlist("buang_kolom")),
                                             periode=form.get("periode", "").strip())
                return tk.redirect_to("bandaaceh_pengaduan.preview", token=token)
            try:
                result = _run(data, filename, params, dry_run=False)
            except tk.ValidationError as exc:
                return _render_preview(token, data, filename, params, validation_messages(exc.error_dict))
            staging.discard_staged(token, user_id)
            names = ", ".join(d["name"] for d in result["dataset"])
            tk.h.flash_success(_("Statistik pengaduan diterbitkan: {names} ({n} baris, bulan {months})").format(
                names=names, n=result["jumlah_baris"], months=", ".join(result["bulan"])))
            return tk.redirect_to(f"{DATASET_TYPE}.read", id=result["dataset"][-1]["name"])
    except tk.ObjectNotFound as exc:
        return tk.abort(404, str(exc) or _("Unggahan tidak ditemukan"))
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc) or _("Tidak diizinkan"))
    return _render_preview(token, data, filename, params)


def _render_preview(token: str, data: bytes, filename: str, params: dict[str, Any],
                    publish_errors: list[str] | None = None) -> Any:
    asked = [c for c in str(params.get("buang_kolom") or "").split("\n") if c]
    problems: list[str] = []
    try:
        columns = describe_columns(data, filename, drop_columns=asked)
    except PengaduanError as exc:
        columns, problems = [], [exc.message(_)]
    result = None
    if not problems:
        try:
            result = _run(data, filename, params, dry_run=True)
        except tk.ValidationError as exc:
            problems = validation_messages(exc.error_dict)
    rows = (result or {}).get("baris") or []
    return tk.render("pengaduan/preview.html", {
        "token": token, "filename": filename, "params": params, "result": result, "columns": columns,
        "personal": [c for c in columns if c.personal], "problems": problems,
        "publish_errors": publish_errors or [], "rows": rows[:PREVIEW_ROWS], "row_total": (result or {}).get(
            "jumlah_baris", 0),
        # an export of counts has no dates: the month is asked for
        "needs_periode": bool(columns) and not any(c.field == "tanggal_masuk" for c in columns),
        "standard": channel_standards().get(params.get("kanal") or ""),
    })
