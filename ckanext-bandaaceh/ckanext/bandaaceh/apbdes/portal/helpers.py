"""Template helpers of the APBG (apbdes) pages."""
from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh import apbdes
from ckanext.bandaaceh.site import portal_reference

from .identity import tahap_label

__all__ = [
    "bandaaceh_rupiah", "bandaaceh_percent", "bandaaceh_apbdes_tahap_label", "bandaaceh_apbdes_headline",
    "bandaaceh_apbdes_charts", "bandaaceh_apbdes_bidang", "as_decimal", "bandaaceh_apbdes_sumber_dana", "bandaaceh_apbdes_minus",
    "bandaaceh_apbdes_ranking_charts",
]

#: Gampong shown in each ranking chart of /transparansi-apbg (the JSON has them all).
RANKING_TOP = 10

BIDANG = ("01", "02", "03", "04", "05")


def as_decimal(value: Any) -> Decimal | None:
    """A stored amount as a Decimal; empty or not a number -> None."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def bandaaceh_rupiah(value: Any) -> str:
    """``1500000`` -> ``Rp 1.500.000``; empty -> ``-``."""
    return apbdes.format_rupiah(as_decimal(value))


def bandaaceh_percent(value: Any) -> str:
    """``98.5`` -> ``98,5%``; empty -> ``-``."""
    d = as_decimal(value)
    if d is None:
        return "-"
    return f"{d.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".").replace(".", ",") + "%"


def bandaaceh_apbdes_minus(a: Any, b: Any) -> str:
    """``a - b`` of two stored amounts as a plain decimal (e.g. the amount before a change:
    after minus change); empty when either is unknown."""
    x, y = as_decimal(a), as_decimal(b)
    return "" if x is None or y is None else apbdes.format_amount(x - y)


def bandaaceh_apbdes_tahap_label(tahap: str | None, periode: str | None = None) -> str:
    """``APBG Murni``, ``Laporan Realisasi APBG (Semester I)`` in the UI language."""
    return tahap_label(tahap or "-", periode, translate=True)


def bandaaceh_apbdes_bidang() -> list[tuple[str, str]]:
    """Bidang codes 01-05 with their names."""
    ref = portal_reference()
    return [(b, ref.kegiatan[b].nama if b in ref.kegiatan else b) for b in BIDANG]


def bandaaceh_apbdes_sumber_dana(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """Pendapatan per sumber dana of a dataset: code, name, amount (largest first)."""
    try:
        data = json.loads(pkg.get("pendapatan_sumber_dana") or "{}")
    except ValueError:
        data = {}
    names = portal_reference().sumber_dana
    rows = [{"kode": k, "nama": names.get(k) or (tk._("Lain-lain") if k == "LAIN" else k), "jumlah": v}
            for k, v in data.items()]
    return sorted(rows, key=lambda r: as_decimal(r["jumlah"]) or 0, reverse=True)


def bandaaceh_apbdes_headline(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """Headline figures of a dataset, in display order (label, amount, realisation)."""
    rows = [
        (tk._("Pendapatan"), "total_pendapatan", "realisasi_pendapatan", "persen_realisasi_pendapatan"),
        (tk._("Belanja"), "total_belanja", "realisasi_belanja", "persen_realisasi_belanja"),
        (tk._("Penerimaan Pembiayaan"), "pembiayaan_penerimaan", None, None),
        (tk._("Pengeluaran Pembiayaan"), "pembiayaan_pengeluaran", None, None),
        (tk._("Pembiayaan Netto"), "pembiayaan_netto", None, None),
        (tk._("SILPA"), "silpa", "realisasi_silpa", None),
    ]
    return [{"label": label, "key": key, "anggaran": pkg.get(key) or "",
             "realisasi": (pkg.get(rkey) or "") if rkey else "",
             "persen": (pkg.get(pkey) or "") if pkey else ""}
            for label, key, rkey, pkey in rows]


def _num(value: Any) -> float:
    d = as_decimal(value)
    return float(d) if d is not None else 0.0


def bandaaceh_apbdes_charts(pkg: dict[str, Any]) -> dict[str, str]:
    """Chart.js configurations (JSON text) of a dataset: ``sumber_dana``, ``bidang``, ``realisasi``.

    ``realisasi`` is empty when the dataset has no realisation figures.
    """
    sources = bandaaceh_apbdes_sumber_dana(pkg)
    palette = ["#0b6e4f", "#f2a541", "#2a6fdb", "#c0392b", "#8e44ad", "#7f8c8d", "#16a085"]
    out = {
        "sumber_dana": {
            "type": "doughnut",
            "data": {"labels": [f"{r['nama']} ({r['kode']})" for r in sources],
                     "datasets": [{"label": tk._("Pendapatan"), "data": [_num(r["jumlah"]) for r in sources],
                                   "backgroundColor": palette[:len(sources)]}]},
            "title": tk._("Pendapatan menurut sumber dana"),
        },
        "bidang": {
            "type": "bar",
            "indexAxis": "y",
            "data": {"labels": [name for _code, name in bandaaceh_apbdes_bidang()],
                     "datasets": [{"label": tk._("Belanja"),
                                   "data": [_num(pkg.get(f"belanja_bidang_{b}")) for b in BIDANG],
                                   "backgroundColor": "#2a6fdb"}]},
            "title": tk._("Belanja menurut bidang"),
        },
        "realisasi": None,
    }
    if pkg.get("realisasi_belanja") or pkg.get("realisasi_pendapatan"):
        out["realisasi"] = {
            "type": "bar",
            "data": {"labels": [tk._("Pendapatan"), tk._("Belanja")],
                     "datasets": [
                         {"label": tk._("Anggaran"), "data": [_num(pkg.get("total_pendapatan")),
                                                             _num(pkg.get("total_belanja"))],
                          "backgroundColor": "#7f8c8d"},
                         {"label": tk._("Realisasi"), "data": [_num(pkg.get("realisasi_pendapatan")),
                                                              _num(pkg.get("realisasi_belanja"))],
                          "backgroundColor": "#0b6e4f"}]},
            "title": tk._("Anggaran dan realisasi"),
        }
    return {k: json.dumps(v) if v else "" for k, v in out.items()}


def bandaaceh_apbdes_ranking_charts(data: dict[str, Any]) -> list[dict[str, str]]:
    """Chart.js configurations (JSON text) of the bidang rankings of ``apbdes_transparency``: per
    bidang (named, not numbered) the :data:`RANKING_TOP` gampong with the largest belanja."""
    out = []
    for bidang in data.get("peringkat_bidang") or []:
        top = [g for g in bidang["gampong"] if _num(g["jumlah"])][:RANKING_TOP]
        if not top:
            continue
        cfg = {"type": "bar", "indexAxis": "y", "title": bidang["nama"],
               "data": {"labels": [g["nama"] for g in top],
                        "datasets": [{"label": tk._("Belanja"), "data": [_num(g["jumlah"]) for g in top],
                                      "backgroundColor": "#2a6fdb"}]}}
        out.append({"kode": bidang["kode"], "nama": bidang["nama"], "config": json.dumps(cfg)})
    return out
