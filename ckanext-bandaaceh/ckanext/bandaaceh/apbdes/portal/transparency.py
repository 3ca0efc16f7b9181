"""The city-wide overview of one year: every gampong, published or missing, with its figures.

Read from the search index (dataset summaries) and, for the year's CSV, from the DataStore;
never from the files.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh import apbdes, reference
from ckanext.bandaaceh.site import portal_reference

from .identity import DATASET_TYPE, ROLE_FIELD, ROLE_LINES, TAHAP_KEYS, show_dataset, tahap_key

__all__ = ["transparency", "transparency_csv"]


#: The version of a gampong's year that counts, per kind, most authoritative first: the revised
#: budget over the original one, the full-year realisation over the semester-1 report.
BUDGET_VERSIONS = ("perubahan", "murni")
REALISASI_VERSIONS = ("realisasi-tahunan", "realisasi-semester-1")


def _latest(datasets: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[str, Any] | None:
    by_key = {tahap_key(d.get("tahap") or "", d.get("periode") or None): d for d in datasets}
    return next((by_key[k] for k in keys if k in by_key), None)


def _dataset_entry(pkg: dict[str, Any]) -> dict[str, Any]:
    keys = ("tahap", "periode", "total_pendapatan", "total_belanja", "pembiayaan_netto", "silpa",
            "realisasi_pendapatan", "realisasi_belanja", "realisasi_silpa", "persen_realisasi_pendapatan",
            "persen_realisasi_belanja", "nomor_peraturan", "metadata_modified")
    out = {"name": pkg["name"], "title": pkg.get("title"),
           "url": tk.url_for(f"{DATASET_TYPE}.read", id=pkg["name"], _external=True)}
    out.update({k: pkg.get(k) or None for k in keys})
    for b in ("01", "02", "03", "04", "05"):
        out[f"belanja_bidang_{b}"] = pkg.get(f"belanja_bidang_{b}") or None
    return out


def _published(tahun: int) -> list[dict[str, Any]]:
    """Active public APBG datasets of ``tahun`` (indexed summaries from package_search)."""
    out: list[dict[str, Any]] = []
    start, rows = 0, 1000
    while True:
        res = tk.get_action("package_search")({"ignore_auth": True}, {
            "fq": f"+dataset_type:{DATASET_TYPE} +apbdes_tahun:{tahun}",
            "rows": rows, "start": start, "sort": "name asc",
        })
        out.extend(res["results"])
        start += rows
        if start >= res["count"]:
            return out


def transparency(tahun: int, *, kecamatan: str | None = None, status: str | None = None,
                 tahap: str | None = None) -> dict[str, Any]:
    """All gampong of the city by kecamatan for ``tahun``: published or missing, stage, totals, realisation.

    ``kecamatan``: code or name; ``status``: ``terbit`` or ``belum``; ``tahap``: one of
    ``murni``/``perubahan``/``realisasi`` (only datasets of that stage count).
    """
    ref = portal_reference()
    kec_filter = None
    if kecamatan:
        entry = ref.find_kecamatan(kecamatan)
        if entry is None:
            raise tk.ValidationError({"kecamatan": [tk._("Kecamatan '{value}' tidak dikenal").format(value=kecamatan)]})
        kec_filter = entry.kode
    by_area: dict[str, list[dict[str, Any]]] = {}
    for pkg in _published(tahun):
        if tahap and pkg.get("tahap") != tahap:
            continue
        by_area.setdefault(pkg.get("kode_wilayah") or "", []).append(pkg)

    totals = {"gampong": 0, "terbit": 0, "belum": 0}
    groups = []
    for kec in ref.kecamatan_list():
        if kec_filter and kec.kode != kec_filter:
            continue
        rows = []
        for g in ref.gampong_list(kec.kode):
            pkgs = by_area.get(g.kode, [])
            budget_pkg = _latest(pkgs, BUDGET_VERSIONS)
            real_pkg = _latest(pkgs, REALISASI_VERSIONS)
            latest = _latest(pkgs, TAHAP_KEYS)
            row_status = "terbit" if pkgs else "belum"
            if status and row_status != status:
                continue
            rows.append({
                "kode_wilayah": g.kode, "nama": g.nama, "organisasi": reference.area_org_name(g),
                "status": row_status,
                "tahap_terbaru": tahap_key(latest["tahap"], latest.get("periode") or None) if latest else None,
                "anggaran": _dataset_entry(budget_pkg or real_pkg) if (budget_pkg or real_pkg) else None,
                "realisasi": _dataset_entry(real_pkg) if real_pkg else None,
                "dataset": [_dataset_entry(p) for p in sorted(
                    pkgs, key=lambda p: TAHAP_KEYS.index(tahap_key(p.get("tahap") or "", p.get("periode") or None))
                    if tahap_key(p.get("tahap") or "", p.get("periode") or None) in TAHAP_KEYS else 99)],
            })
            totals["gampong"] += 1
            totals[row_status] += 1
        if rows:
            groups.append({"kode": kec.kode, "nama": kec.nama, "gampong": rows,
                           "terbit": sum(1 for r in rows if r["status"] == "terbit"),
                           "total_belanja": _sum(r["anggaran"] and r["anggaran"]["total_belanja"] for r in rows),
                           "total_pendapatan": _sum(r["anggaran"] and r["anggaran"]["total_pendapatan"] for r in rows)})
    return {
        "tahun": tahun, "filter": {"kecamatan": kec_filter, "status": status, "tahap": tahap},
        "jumlah": totals,
        "total_pendapatan": _sum(k["total_pendapatan"] for k in groups),
        "total_belanja": _sum(k["total_belanja"] for k in groups),
        "kecamatan": groups,
    }


def _sum(values: Any) -> str:
    total = sum((Decimal(v) for v in values if v), Decimal(0))
    return apbdes.format_amount(total)


def _csv_page(text: str) -> str:
    """A page of DataStore CSV records (canonical columns, no header) as written for download:
    text cells through ``apbdes.csv_row`` (formula neutralisation); amounts exactly as stored."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=apbdes.CSV_COLUMNS, lineterminator="\n")
    for values in csv.reader(io.StringIO(text, newline="")):
        writer.writerow(apbdes.csv_row(dict(zip(apbdes.CSV_COLUMNS, values))))
    return out.getvalue()


def counted_versions(datasets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The datasets of one gampong's year that the year's CSV carries: at most one budget
    (:data:`BUDGET_VERSIONS`) and one realisasi (:data:`REALISASI_VERSIONS`)."""
    chosen = (_latest(datasets, BUDGET_VERSIONS), _latest(datasets, REALISASI_VERSIONS))
    return [d for d in chosen if d is not None]


def transparency_csv(tahun: int, *, kecamatan: str | None = None, tahap: str | None = None) -> Iterator[str]:
    """The canonical CSV of the published APBG lines of ``tahun`` (one header), read from the
    DataStore: one version per gampong and tahap (:func:`counted_versions`), nothing counted twice.
    Text cells a spreadsheet would run as formulas get a leading quote, as in every CSV download."""
    data = transparency(tahun, kecamatan=kecamatan, status="terbit", tahap=tahap)
    yield ",".join(apbdes.CSV_COLUMNS) + "\n"
    limit = int(tk.config.get("ckan.datastore.search.rows_max") or 32000)
    for kec in data["kecamatan"]:
        for g in kec["gampong"]:
            for entry in counted_versions(g["dataset"]):
                pkg = show_dataset(entry["name"])
                res = next((r for r in (pkg or {}).get("resources", [])
                            if r.get(ROLE_FIELD) == ROLE_LINES and r.get("datastore_active")), None)
                if res is None:
                    continue
                yield from _table_csv(res["id"], limit)


def _table_csv(resource_id: str, limit: int) -> Iterator[str]:
    """The rows of one lines table as canonical CSV text (no header). Tables loaded before a column
    was added to ``CSV_FIELDS`` (``anggaran_sebelum``) get that column empty."""
    search = tk.get_action("datastore_search")
    info = search({"ignore_auth": True}, {"resource_id": resource_id, "limit": 0})
    present = {f["id"] for f in info.get("fields", [])}
    fields = [c for c in apbdes.CSV_COLUMNS if c in present]
    offset = 0
    while True:
        page = search({"ignore_auth": True}, {
            "resource_id": resource_id, "fields": fields, "sort": "_id",
            "limit": limit, "offset": offset, "records_format": "csv"})
        text = page.get("records") or ""
        if text and len(fields) < len(apbdes.CSV_COLUMNS):
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            for row in csv.reader(io.StringIO(text)):
                values = dict(zip(fields, row))
                writer.writerow([values.get(c, "") for c in apbdes.CSV_COLUMNS])
            text = out.getvalue()
        if text:
            yield _csv_page(text)
        offset += limit
        if offset >= page.get("total", 0):
            break
