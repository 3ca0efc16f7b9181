"""The notice-board poster (papan informasi) of one APBG dataset: what the page
``/apbg/<id>/papan-informasi`` prints on A4 or A3 for the village notice board.

The poster draws its bars in HTML (widths in per cent), not on a canvas: printed, they stay
sharp, their labels are real text (the bidang names, readable and searchable in the PDF) and
nothing depends on JavaScript having run before the print. The QR code to the dataset page is
an inline SVG from segno.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import ckan.plugins.toolkit as tk
import segno

from .helpers import (BIDANG, as_decimal, bandaaceh_apbdes_bidang, bandaaceh_apbdes_headline,
                      bandaaceh_apbdes_sumber_dana)

__all__ = ["PAPER", "board_context", "qr_svg", "short_bidang"]

#: Paper sizes the poster prints on (``?ukuran=a3``); A4 by default.
PAPER = ("A4", "A3")


def _bars(rows: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """``[(label, amount)]`` -> bars with ``persen`` of the largest amount (0-100, for the width)."""
    amounts = [as_decimal(a) or Decimal(0) for _label, a in rows]
    top = max(amounts, default=Decimal(0))
    return [{"label": label, "jumlah": amount,
             "lebar": float(amount / top * 100) if top > 0 else 0.0}
            for (label, _a), amount in zip(rows, amounts)]


def _keuchik(owner_org: str | None) -> str:
    """The head of the gampong (the organisation's ``kepala``) when the portal knows it."""
    if not owner_org:
        return ""
    try:
        org = tk.get_action("organization_show")({"ignore_auth": True}, {
            "id": owner_org, "include_datasets": False, "include_users": False,
            "include_groups": False, "include_tags": False, "include_followers": False})
    except tk.ObjectNotFound:
        return ""
    return str(org.get("kepala") or "").strip()


def short_bidang(name: str) -> str:
    """``Bidang Pelaksanaan Pembangunan Desa`` -> ``Pelaksanaan Pembangunan Desa`` (under the
    heading "Belanja per bidang" the word only costs a line on the sheet)."""
    return name[len("Bidang "):] if name.lower().startswith("bidang ") else name


def qr_svg(url: str) -> str:
    """An inline SVG QR code of ``url`` (error correction Q: survives a creased, soiled sheet)."""
    return segno.make(url, error="q").svg_inline(omitsize=True, dark="#000", light="#fff")


def board_context(pkg: dict[str, Any], paper: str) -> dict[str, Any]:
    """Everything the poster shows besides ``pkg`` itself."""
    url = tk.url_for("apbdes.read", id=pkg["name"], _external=True)
    figures = [row for row in bandaaceh_apbdes_headline(pkg) if row["anggaran"] not in ("", None)]
    return {
        "paper": paper if paper in PAPER else "A4",
        "url": url,
        "url_text": url.split("://", 1)[-1],
        "qr_svg": qr_svg(url),
        "keuchik": _keuchik(pkg.get("owner_org")),
        "figures": figures,
        "bidang": _bars([(short_bidang(name), pkg.get(f"belanja_bidang_{code}"))
                         for code, name in bandaaceh_apbdes_bidang()]),
        "sumber_dana": _bars([(r["nama"], r["jumlah"]) for r in bandaaceh_apbdes_sumber_dana(pkg)]),
        "bidang_codes": BIDANG,
    }
