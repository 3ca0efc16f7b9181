"""Web pages of the Satu Data process:

* ``/walidata``: the worklist of the walidata (and of the pembina data), oldest first;
* ``POST /dataset/<id>/satudata/<aksi>``: the buttons of the dataset page (``ajukan``,
  ``verifikasi``, ``kembalikan`` with ``alasan``), which call the API actions;
* ``/daftar-data``: the Daftar Data of each SKPD and year (``config/daftar-data/``);
* ``/jadwal-rilis`` and ``/jadwal-rilis.ics``: the release calendar (``satudata_jadwal``);
* ``/rapor-skpd`` and ``/rapor-skpd.csv``: the report card per SKPD and gampong (``satudata_rapor``).
The state, checks and history on the dataset page come from the helper
``bandaaceh_satudata_status`` (``templates/satudata/snippets/status.html``).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from ckanext.bandaaceh.site import N_

from . import portal_daftar, portal_jadwal, portal_rapor
from .rapor import SORT_KEYS
from .workflow import ACTIONS

__all__ = ["satudata_pages"]

satudata_pages = Blueprint("bandaaceh_satudata", __name__)
_ = tk._

_DONE = {
    "ajukan": N_("Dataset diajukan ke walidata."),
    "verifikasi": N_("Dataset diverifikasi."),
    "kembalikan": N_("Dataset dikembalikan kepada produsen data."),
}


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else "",
            "auth_user_obj": tk.current_user}


@satudata_pages.route("/walidata")
def worklist() -> Any:
    """What waits for the walidata (``diajukan``) and the pembina data (``diverifikasi``)."""
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=tk.request.full_path)
    try:
        data = tk.get_action("satudata_antrian")(_context(), {})
    except tk.NotAuthorized:
        return tk.abort(403, _("Daftar tunggu hanya untuk walidata dan pembina data"))
    return tk.render("satudata/worklist.html", {"data": data})


@satudata_pages.route("/dataset/<id>/satudata/<aksi>", methods=["POST"])
def transition(id: str, aksi: str) -> Any:
    """One transition from the dataset page's buttons; back to the dataset with a message."""
    if aksi not in ACTIONS:
        return tk.abort(404)
    try:
        result = tk.get_action(f"satudata_{aksi}")(_context(), {"id": id, "alasan": tk.request.form.get("alasan")})
    except tk.ObjectNotFound:
        return tk.abort(404, _("Dataset tidak ditemukan"))
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc) or _("Tidak diizinkan"))
    except tk.ValidationError as exc:
        messages = [m for msgs in exc.error_dict.values() for m in (msgs if isinstance(msgs, list) else [msgs])]
        tk.h.flash_error(_("Tidak dapat diproses: {problems}").format(problems="; ".join(map(str, messages))))
        return tk.redirect_to("dataset.read", id=id)
    tk.h.flash_success(_(_DONE[aksi]))
    if aksi != "ajukan" and tk.request.form.get("kembali") == "walidata":
        return tk.redirect_to("bandaaceh_satudata.worklist")
    return tk.redirect_to("dataset.read", id=result["name"])


@satudata_pages.route("/daftar-data")
def daftar_data() -> Any:
    """The Daftar Data of every SKPD for a year (``?tahun=``, ``?skpd=``), with each line's dataset."""
    tahun = tk.request.args.get("tahun") or ""
    skpd = tk.request.args.get("skpd") or ""
    return tk.render("satudata/daftar_data.html", {"data": portal_daftar.overview(_context(), tahun, skpd)})


@satudata_pages.route("/jadwal-rilis")
def jadwal_rilis() -> Any:
    """Overdue releases and those due within 30 days; ``?skpd=`` filters by SKPD."""
    skpd = tk.request.args.get("skpd") or ""
    data = tk.get_action("satudata_jadwal")(_context(), {"skpd": skpd})
    skpds = sorted({(i["skpd"], i["skpd_title"]) for i in
                    tk.get_action("satudata_jadwal")(_context(), {})["results"]}, key=lambda s: s[1])
    return tk.render("satudata/jadwal_rilis.html", {"data": data, "skpd": skpd, "skpds": skpds})


@satudata_pages.route("/jadwal-rilis.ics")
def jadwal_rilis_ics() -> Any:
    """Every scheduled release as an iCalendar feed (``?skpd=`` filters)."""
    data = tk.get_action("satudata_jadwal")(_context(), {"skpd": tk.request.args.get("skpd") or ""})
    body = portal_jadwal.ical(data["results"], tk.config.get("ckan.site_url") or "",
                              _("Jadwal Rilis Satu Data Kota Banda Aceh"))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": "inline; filename=jadwal-rilis.ics"})


def _rapor() -> dict[str, Any]:
    args = {k: tk.request.args.get(k) for k in ("tahun", "sort", "tanggal") if tk.request.args.get(k)}
    try:
        return tk.get_action("satudata_rapor")(_context(), args)
    except tk.ValidationError as exc:
        return tk.abort(400, "; ".join(str(v) for vals in exc.error_dict.values() for v in vals))


@satudata_pages.route("/rapor-skpd")
def rapor_skpd() -> Any:
    """The Rapor SKPD (``?sort=``, ``?tahun=``), its chart and its monthly trend."""
    data = _rapor()
    return tk.render("satudata/rapor_skpd.html", {"data": data, "sort_keys": list(SORT_KEYS),
                                                  "charts": portal_rapor.chart_configs(data)})


@satudata_pages.route("/rapor-skpd.csv")
def rapor_skpd_csv() -> Any:
    """The SKPD table of the Rapor as CSV, in the order asked (``?sort=``)."""
    data = _rapor()
    return Response(portal_rapor.rapor_csv(data["skpd"]), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="rapor-skpd-{data["tanggal"]}.csv"'})
