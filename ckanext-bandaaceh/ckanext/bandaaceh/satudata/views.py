"""Web pages of the Satu Data process:

* ``/walidata``: the worklist of the walidata (and of the pembina data), oldest first;
* ``POST /dataset/<id>/satudata/<aksi>``: the buttons of the dataset page (``ajukan``,
  ``verifikasi``, ``kembalikan`` with ``alasan``), which call the API actions.
The state, checks and history on the dataset page come from the helper
``bandaaceh_satudata_status`` (``templates/satudata/snippets/status.html``).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint

from ckanext.bandaaceh.site import N_

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
