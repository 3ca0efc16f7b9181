"""``/pengaduan``: how the complaint channels perform, per month and channel and per SKPD."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint

__all__ = ["pengaduan_pages"]

pengaduan_pages = Blueprint("bandaaceh_pengaduan", __name__)


@pengaduan_pages.route("/pengaduan")
def index() -> Any:
    args = {"tahun": tk.request.args.get("tahun") or None}
    try:
        data = tk.get_action("pengaduan_ringkasan")({}, args)
    except tk.ValidationError as exc:
        return tk.abort(400, "; ".join(str(v) for vals in exc.error_dict.values() for v in vals))
    return tk.render("pengaduan/index.html", {"data": data})
