"""Web pages of the APBG (gampong budgets):

* ``/apbg/unggah`` upload -> ``/apbg/unggah/<token>`` progress, then preview -> publish (POST),
  for operators; the file waits in the storage path under a random token tied to the uploading
  user, and the check and the publishing run as background jobs (``jobs.py``), whose progress
  the page shows (``/apbg/unggah/<token>/status.json`` for its script, a refresh without one).
* ``/apbg/<id>/papan-informasi`` printable notice-board page of one dataset.
* ``/transparansi-apbg`` city-wide overview, ``/transparansi-apbg/apbg-<tahun>.csv`` all lines,
  ``/transparansi-apbg/<tahun>/datapackage.json`` the year as a Fiscal Data Package with its CSV
  ``/transparansi-apbg/<tahun>/apbg-kota-banda-aceh-<tahun>-fiskal.csv`` beside it.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, stream_with_context

from ckanext.bandaaceh import apbdes
from ckanext.bandaaceh.site import all_organisations, portal_reference, validation_messages

from . import jobs, staging
from .board import board_context
from .identity import DATASET_TYPE
from .transparency import fiscal_csv, fiscal_csv_name, fiscal_datapackage
from .transparency import transparency_csv as year_csv

__all__ = ["apbdes_pages"]

apbdes_pages = Blueprint("bandaaceh_apbdes", __name__)
_ = tk._


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else "",
            "auth_user_obj": tk.current_user}


def _require_login() -> Any:
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=tk.request.full_path)
    return None


def _gampong_choices() -> list[dict[str, Any]]:
    """Gampong organisations the current user may import for (editor/admin; all for sysadmins)."""
    orgs = tk.get_action("organization_list_for_user")(_context(), {"permission": "create_dataset"})
    ids = {o["id"] for o in orgs}
    if not ids:
        return []
    out = [o for o in all_organisations() if o["id"] in ids and o.get("jenis") == "gampong"]
    return sorted(out, key=lambda o: o.get("title") or o["name"])


_PARAMS = ("gampong", "tahun", "tahap", "periode", "nomor_peraturan", "tanggal_peraturan")


@apbdes_pages.route("/apbg/unggah", methods=["GET", "POST"])
def upload() -> Any:
    """Step 1: choose the gampong, year, stage and file."""
    if (redirect := _require_login()) is not None:
        return redirect
    choices = _gampong_choices()
    form = {k: tk.request.form.get(k, "") for k in _PARAMS} if tk.request.method == "POST" else {
        "gampong": tk.request.args.get("gampong", ""), "tahun": str(dt.date.today().year), "tahap": "murni"}
    errors: dict[str, list[str]] = {}
    if tk.request.method == "POST":
        f = tk.request.files.get("upload")
        if not f or not f.filename:
            errors["upload"] = [_("Pilih berkas APBG yang akan diunggah")]
        if not form.get("gampong"):
            errors["gampong"] = [_("Pilih gampong")]
        elif form["gampong"] not in {o["name"] for o in choices}:
            errors["gampong"] = [_("Anda bukan operator gampong ini")]
        if not errors:
            data = f.stream.read(apbdes.reader.MAX_BYTES + 1)
            if len(data) > apbdes.reader.MAX_BYTES:
                errors["upload"] = [_("Berkas {name} terlalu besar (maksimum 50 MB)").format(name=f.filename)]
            elif not data:
                errors["upload"] = [_("Berkas {name} kosong").format(name=f.filename)]
            else:
                token = staging.stage_files(tk.current_user.id, data, f.filename, form)
                jobs.enqueue_import(token, "check")
                return tk.redirect_to("bandaaceh_apbdes.preview", token=token)
    return tk.render("apbdes/upload.html", {
        "choices": choices, "form": form, "errors": errors, "tahap_choices": apbdes.TAHAP, "periode_choices": apbdes.PERIODE,
    })


@apbdes_pages.route("/apbg/unggah/<token>", methods=["GET", "POST"])
def preview(token: str) -> Any:
    """Step 2: the background check (progress, then the preview of lines, totals and problems);
    publish (POST ``terbitkan``, also in the background), re-check (``periksa``), cancel (``batal``)."""
    if (redirect := _require_login()) is not None:
        return redirect
    uid = tk.current_user.id
    try:
        if tk.request.method == "POST":
            if tk.request.form.get("batal"):
                staging.discard_staged(token, uid)
                tk.h.flash_notice(_("Unggahan dibatalkan; tidak ada yang diterbitkan."))
                return tk.redirect_to("bandaaceh_apbdes.upload")
            if tk.request.form.get("periksa"):
                # The preview asked for what the file does not say (the realisation period).
                periode = tk.request.form.get("periode") or ""
                if periode not in apbdes.PERIODE:
                    tk.h.flash_error(_("Pilih periode laporan: semester-1 atau tahunan."))
                else:
                    staging.update_staged_params(token, uid, periode=periode)
                    staging.drop_status(token, "publish")
                    jobs.enqueue_import(token, "check")
                return tk.redirect_to("bandaaceh_apbdes.preview", token=token)
            staging.staged_info(token, uid)  # the uploader's, and still there
            jobs.enqueue_import(token, "publish")
            return tk.redirect_to("bandaaceh_apbdes.preview", token=token)
        filename, params = staging.staged_info(token, uid)
        published = _shown(staging.read_status(token, "publish", uid))
        check = _shown(staging.read_status(token, "check", uid))
    except tk.ObjectNotFound as exc:
        return tk.abort(404, str(exc) or _("Unggahan tidak ditemukan"))
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc) or _("Tidak diizinkan"))
    if published is not None and published["state"] == "done":
        staging.discard_staged(token, uid)
        result = published["result"]
        ds = result["dataset"]
        tk.h.flash_success(_("APBG diterbitkan: {title}").format(title=ds["title"]) if not result["replaced"]
                           else _("APBG diperbarui: {title} (isi sebelumnya diganti)").format(title=ds["title"]))
        return tk.redirect_to(f"{DATASET_TYPE}.read", id=ds["name"])
    if published is not None and published["state"] not in jobs.FINISHED:
        return _render_progress(token, "publish", published, filename)
    if check is None:  # staged before the check ran in the background
        jobs.enqueue_import(token, "check")
        check = _shown(staging.read_status(token, "check", uid))
    if check["state"] not in jobs.FINISHED:
        return _render_progress(token, "check", check, filename)
    if check["state"] == "failed":
        tk.h.flash_error("; ".join(check.get("errors") or []))
        return tk.redirect_to("bandaaceh_apbdes.upload")
    return _render_preview(token, check["result"], params, filename,
                           publish_errors=(published or {}).get("errors") or [])


@apbdes_pages.route("/apbg/unggah/<token>/status.json")
def preview_status(token: str) -> Any:
    """The state of the background step of a staged upload, for the progress page's script."""
    if not tk.current_user.is_authenticated:
        return tk.abort(403, _("Tidak diizinkan"))
    try:
        status = (staging.read_status(token, "publish", tk.current_user.id)
                  or staging.read_status(token, "check", tk.current_user.id) or {"state": "queued"})
    except tk.ObjectNotFound:
        return {"state": "gone", "finished": True}, 404
    except tk.NotAuthorized:
        return tk.abort(403, _("Tidak diizinkan"))
    return {"state": status["state"], "finished": status["state"] in jobs.FINISHED,
            "label": _(label) if (label := status.get("label")) else "", "done": status.get("done") or 0, "total": status.get("total") or 0}


def _shown(status: dict[str, Any] | None) -> dict[str, Any] | None:
    return jobs.shown_status(status) if status is not None else None


def _render_progress(token: str, kind: str, status: dict[str, Any], filename: str) -> Any:
    return tk.render("apbdes/progress.html", {
        "token": token, "kind": kind, "status": status, "filename": filename,
        "status_url": tk.h.url_for("bandaaceh_apbdes.preview_status", token=token),
    })


def _render_preview(token: str, result: dict[str, Any], params: dict[str, Any], filename: str,
                    publish_errors: list[str] | None = None) -> Any:
    lines = result.get("lines") or []
    return tk.render("apbdes/preview.html", {
        "token": token, "result": result, "params": params, "filename": filename,
        "lines": lines, "line_total": result.get("line_count", len(lines)), "preview_limit": len(lines),
        "errors": [p for p in result["problems"] if p["severity"] == "error"],
        "warnings": [p for p in result["problems"] if p["severity"] == "warning"],
        "publish_errors": publish_errors or [],
        "periode_choices": apbdes.PERIODE,
    })


@apbdes_pages.route("/apbg/<id>/papan-informasi")
def board(id: str) -> Any:
    """Printable notice-board page (A4 by default, ``?ukuran=a3``) of one APBG dataset."""
    try:
        pkg = tk.get_action("package_show")(_context(), {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, _("Dataset tidak ditemukan"))
    except tk.NotAuthorized:
        return tk.abort(403, _("Tidak diizinkan"))
    if pkg.get("type") != DATASET_TYPE:
        return tk.abort(404, _("Dataset ini bukan APBG"))
    size = "A3" if tk.request.args.get("ukuran", "").lower() == "a3" else "A4"
    return tk.render("apbdes/board.html", {"pkg": pkg, "pkg_dict": pkg, "paper": size,
                                           "board": board_context(pkg, size), "dataset_type": DATASET_TYPE})


def _transparency_args() -> dict[str, Any]:
    args = tk.request.args
    return {"tahun": args.get("tahun") or dt.date.today().year, "kecamatan": args.get("kecamatan") or None,
            "status": args.get("status") or None, "tahap": args.get("tahap") or None}


#: Up to this many gampong the transparency page shows a row per gampong without a kecamatan filter.
TRANSPARENCY_GAMPONG_ROWS = 500


@apbdes_pages.route("/transparansi-apbg")
def transparency() -> Any:
    """City-wide overview of the APBG of one year."""
    args = _transparency_args()
    try:
        data = tk.get_action("apbdes_transparency")(_context(), dict(args))
    except tk.ValidationError as exc:
        return tk.abort(400, "; ".join(validation_messages(exc.error_dict)))
    kecamatan = [{"kode": k.kode, "nama": k.nama} for k in portal_reference().kecamatan_list()]
    # A province-sized overview lists kecamatan only (a row each, linking to its gampong): one
    # page of thousands of gampong rows would take seconds to render and megabytes to send.
    per_gampong = bool(args["kecamatan"]) or data["jumlah"]["gampong"] <= TRANSPARENCY_GAMPONG_ROWS
    return tk.render("apbdes/transparency.html", {"data": data, "args": args, "kecamatan_list": kecamatan,
                                                  "tahap_choices": apbdes.TAHAP, "per_gampong": per_gampong})


@apbdes_pages.route("/transparansi-apbg/apbg-<int:tahun>.csv")
def transparency_csv(tahun: int) -> Any:
    """Every published APBG line of one year as one CSV (canonical columns)."""
    tk.check_access("apbdes_transparency", _context(), {})
    args = tk.request.args
    try:
        gen = year_csv(tahun, kecamatan=args.get("kecamatan") or None,
                                              tahap=args.get("tahap") or None)
        first = next(gen)
    except tk.ValidationError as exc:
        return tk.abort(400, "; ".join(validation_messages(exc.error_dict)))

    def body() -> Any:
        yield first
        yield from gen

    return Response(stream_with_context(body()), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="apbg-kota-banda-aceh-{tahun}.csv"'})


@apbdes_pages.route("/transparansi-apbg/<int:tahun>/datapackage.json")
def fiscal_package(tahun: int) -> Any:
    """The year as a Fiscal Data Package: the descriptor, its data file beside it."""
    tk.check_access("apbdes_transparency", _context(), {})
    return Response(json.dumps(fiscal_datapackage(tahun), ensure_ascii=False, indent=2),
                    mimetype="application/json")


@apbdes_pages.route("/transparansi-apbg/<int:tahun>/<name>")
def fiscal_package_csv(tahun: int, name: str) -> Any:
    """The data file of the year's Fiscal Data Package (one row per amount)."""
    tk.check_access("apbdes_transparency", _context(), {})
    if name != fiscal_csv_name(tahun):
        return tk.abort(404, _("Berkas tidak ditemukan"))
    return Response(stream_with_context(fiscal_csv(tahun)), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})
