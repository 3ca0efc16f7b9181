"""Import a channel's export as the channel's yearly ``pengaduan`` dataset (CLI and API share it).

One dataset per channel and year (``pengaduan-<kanal>-<tahun>``), owned by the SKPD that runs the
channel (``pengelola`` in ``config/pengaduan/standar-layanan.yaml``), with three tables, each a CSV
resource and a DataStore table: ``rincian`` (per month, SKPD, category and status), ``skpd`` (per
month and SKPD, for the trend per SKPD) and ``ringkasan`` (per month, the whole channel). Importing a month again replaces that month; the
other months stay. Case rows are never stored, only the figures computed from them.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections import defaultdict
from dataclasses import asdict
from decimal import Decimal
from typing import Any

import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

from ckanext.bandaaceh import datastore
from ckanext.bandaaceh.pengaduan import (PERIODE_RE, TABLE_FIELDS, PengaduanError, Row, Standard, aggregate,
                                         load_standards, read_export)
from ckanext.bandaaceh.site import site_context, site_user_name

__all__ = ["DATASET_TYPE", "ROLE_FIELD", "MAX_BYTES", "channel_standards", "dataset_name", "import_pengaduan"]

DATASET_TYPE = "pengaduan"
ROLE_FIELD = "pengaduan_role"
ROLES = ("rincian", "skpd", "ringkasan")
#: Resource name of each table.
ROLE_LABELS = {"rincian": "per bulan, SKPD, kategori dan status", "skpd": "per bulan dan SKPD",
               "ringkasan": "per bulan, seluruh kanal"}
MAX_BYTES = 50 * 1024 * 1024
#: Put before the description of generated sample datasets (never presented as real figures).
SAMPLE_NOTE = "**DATA CONTOH** — dibangkitkan untuk demonstrasi portal, bukan data pengaduan sebenarnya.\n\n"
COLUMN_INFO = {
    "periode": ("Periode (bulan)", "YYYY-MM, bulan pengaduan masuk"),
    "kanal": ("Kanal", "lapor, suwarga atau sms-lpm"),
    "skpd": ("SKPD tujuan", "Kosong pada tabel ringkasan seluruh kanal"),
    "kategori": ("Kategori", "Kosong pada tabel per SKPD dan ringkasan"),
    "status": ("Status", "masuk, diteruskan, ditindaklanjuti, selesai, ditolak"),
    "jumlah": ("Jumlah pengaduan", ""),
    "median_hari_respon": ("Median hari kerja sampai respon pertama", ""),
    "p90_hari_respon": ("Persentil ke-90 hari kerja sampai respon pertama", "peringkat terdekat"),
    "median_hari_selesai": ("Median hari kerja sampai selesai", ""),
    "p90_hari_selesai": ("Persentil ke-90 hari kerja sampai selesai", "peringkat terdekat"),
    "persen_sesuai_standar": ("Persen direspon sesuai standar", "dari pengaduan yang sudah direspon"),
    "jumlah_direspon": ("Jumlah sudah direspon", ""),
    "jumlah_sesuai_standar": ("Jumlah direspon sesuai standar", ""),
    "jumlah_diteruskan_lapor": ("Jumlah diteruskan ke SP4N-LAPOR!", ""),
}


def channel_standards() -> dict[str, Standard]:
    return load_standards(tk.config.get("bandaaceh.config_dir") or None)


def dataset_name(kanal: str, tahun: int) -> str:
    return f"pengaduan-{kanal}-{tahun}"


def _read_upload(upload: Any) -> tuple[bytes, str]:
    if upload is None or not (hasattr(upload, "read") or hasattr(upload, "stream")):
        raise tk.ValidationError({"upload": [tk._("Berkas ekspor kanal wajib diunggah (field 'upload')")]})
    stream = getattr(upload, "stream", upload)
    filename = os.path.basename(getattr(upload, "filename", None) or "pengaduan")
    data = stream.read(MAX_BYTES + 1)
    if not data:
        raise tk.ValidationError({"upload": [tk._("Berkas {name} kosong").format(name=filename)]})
    if len(data) > MAX_BYTES:
        raise tk.ValidationError({"upload": [tk._("Berkas {name} terlalu besar (maksimum 50 MB)").format(name=filename)]})
    return data, filename


def _rows_from_counts(counts: list[dict[str, Any]], kanal: str, periode: str) -> list[Row]:
    merged: dict[tuple[str, str, str], int] = defaultdict(int)
    for c in counts:
        merged[(c["skpd"], c["kategori"], c["status"])] += c["jumlah"]
    return [Row(periode, kanal, skpd, kategori, status, n, None, None, None, None, None, None, None, None)
            for (skpd, kategori, status), n in sorted(merged.items())]


def _summary_from_rows(rows: list[Row], kanal: str, per_skpd: bool = False) -> list[Row]:
    """Counts of an aggregate export summed per month (and SKPD); no days (it has no dates)."""
    merged: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        merged[(r.periode, r.skpd if per_skpd else "")] += r.jumlah
    return [Row(p, kanal, skpd, "", "", n, None, None, None, None, None, None, None, None)
            for (p, skpd), n in sorted(merged.items())]


def _drop_list(value: Any) -> list[str]:
    """``buang_kolom``: column names as a list, or one text separated by commas or new lines."""
    if value in (None, ""):
        return []
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,\n]", str(value))
    return [str(v).strip() for v in items if str(v).strip()]


def _table_rows(pkg: dict[str, Any] | None, role: str) -> list[dict[str, Any]]:
    res = next((r for r in (pkg or {}).get("resources", []) if r.get(ROLE_FIELD) == role and r.get("datastore_active")),
               None)
    if res is None:
        return []
    out = tk.get_action("datastore_search")(site_context(), {"resource_id": res["id"], "limit": 100000, "sort": "_id"})
    names = [f for f, _t in TABLE_FIELDS]
    return [{k: rec.get(k) for k in names} for rec in out["records"]]


def _record(row: Row) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(row).items()}


def _csv(records: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[f for f, _t in TABLE_FIELDS], lineterminator="\n")
    writer.writeheader()
    for rec in records:
        writer.writerow({k: "" if v is None else v for k, v in rec.items()})
    return buf.getvalue().encode("utf-8")


def _fields() -> list[dict[str, Any]]:
    return [{"id": c, "type": t, "info": {"label": COLUMN_INFO[c][0], "notes": COLUMN_INFO[c][1]}}
            for c, t in TABLE_FIELDS]


def import_pengaduan(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Check an export and (unless ``dry_run``) publish its months in the channel's yearly dataset."""
    standards = channel_standards()
    kanal = str(data_dict.get("kanal") or "").strip().lower()
    if kanal not in standards:
        raise tk.ValidationError({"kanal": [tk._("Kanal '{value}' tidak dikenal; pilih salah satu: {choices}").format(
            value=kanal, choices=", ".join(standards))]})
    standard = standards[kanal]
    try:
        org = tk.get_action("organization_show")({"ignore_auth": True}, {"id": standard.pengelola})
    except tk.ObjectNotFound:
        raise tk.ValidationError({"kanal": [tk._("Organisasi pengelola {org} belum ada (jalankan ckan bandaaceh seed)").format(
            org=standard.pengelola)]}) from None
    tk.check_access("pengaduan_import", context, {"owner_org": org["id"]})
    data, filename = _read_upload(data_dict.get("upload"))
    try:
        export = read_export(data, filename, kanal=kanal, drop_personal=tk.asbool(data_dict.get("drop_personal")),
                             drop_columns=_drop_list(data_dict.get("buang_kolom")))
    except PengaduanError as exc:
        raise tk.ValidationError({"upload": [exc.message(tk._)]}) from None
    if export.shape == "case":
        rows = aggregate(export.cases, standard)
        per_skpd = aggregate(export.cases, standard, level="skpd")
        summary = aggregate(export.cases, standard, level="kanal")
    else:
        periode = str(data_dict.get("periode") or "").strip()
        if not PERIODE_RE.match(periode):
            raise tk.ValidationError({"periode": [tk._(
                "{name} berisi rekap jumlah tanpa tanggal: berikan parameter periode (YYYY-MM, "
                "mis. 2025-07)").format(name=filename)]})
        rows = _rows_from_counts(export.counts, kanal, periode)
        per_skpd = _summary_from_rows(rows, kanal, per_skpd=True)
        summary = _summary_from_rows(rows, kanal)
    years = sorted({int(r.periode[:4]) for r in rows})
    result: dict[str, Any] = {"file": filename, "kanal": kanal, "bentuk": export.shape,
                              "kolom_dibuang": export.dropped_columns, "bulan": sorted({r.periode for r in rows}),
                              "kolom": [asdict(c) for c in export.columns],
                              "ringkasan": [_record(r) for r in summary],
                              "per_skpd": [_record(r) for r in per_skpd[:500]],
                              "baris": [_record(r) for r in rows[:500]], "jumlah_baris": len(rows),
                              "dry_run": tk.asbool(data_dict.get("dry_run")), "dataset": []}
    if result["dry_run"]:
        return result
    user = context.get("user") or site_user_name()
    for year in years:
        new = {role: [_record(r) for r in table if r.periode.startswith(f"{year}-")]
               for role, table in (("rincian", rows), ("skpd", per_skpd), ("ringkasan", summary))}
        result["dataset"].append(_publish(user, org, standard, year, new, sample=tk.asbool(data_dict.get("contoh"))))
    return result


def _publish(user: str, org: dict[str, Any], standard: Standard, year: int,
             new: dict[str, list[dict[str, Any]]], sample: bool = False) -> dict[str, Any]:
    name = dataset_name(standard.kanal, year)
    try:
        existing = tk.get_action("package_show")({"ignore_auth": True}, {"id": name})
    except tk.ObjectNotFound:
        existing = None
    if existing is not None and (existing.get("type") != DATASET_TYPE or existing.get("owner_org") != org["id"]):
        raise tk.ValidationError({"name": [tk._("Dataset {name} sudah ada tetapi bukan statistik pengaduan milik {org}").format(
            name=name, org=org.get("title") or org["name"])]})
    months = {rec["periode"] for role in ROLES for rec in new[role]}
    tables = {}
    for role in ROLES:
        kept = [rec for rec in _table_rows(existing, role) if rec["periode"] not in months]
        tables[role] = sorted(kept + new[role], key=lambda r: (r["periode"], r["skpd"] or "", r["kategori"] or "",
                                                               r["status"] or ""))
    latest = max(rec["periode"] for rec in tables["rincian"])
    resources = []
    for role in ROLES:
        res = {"name": f"Statistik {standard.nama} {year} ({ROLE_LABELS[role]})",
               "description": ("Dihitung oleh portal dari ekspor kanal; tanpa identitas pelapor dan tanpa isi "
                               "pengaduan. Hari = hari kerja (tanpa libur nasional dan cuti bersama)."),
               "format": "CSV", ROLE_FIELD: role, datastore.LOADER_FIELD: datastore.LOADER_NAME,
               "upload": FileStorage(io.BytesIO(_csv(tables[role])), filename=f"{name}-{role}.csv",
                                     content_type="text/csv")}
        old = next((r for r in (existing or {}).get("resources", []) if r.get(ROLE_FIELD) == role), None)
        # ids known up front: the DataStore table is built before the update (datastore.publish)
        res["id"] = old["id"] if old else datastore.new_resource_id()
        resources.append(res)
    pkg = {"type": DATASET_TYPE, "name": name, "owner_org": org["id"], "kanal": standard.kanal, "tahun": str(year),
           "title": ("[CONTOH] " if sample else "") + f"Statistik Pengaduan {standard.nama} Tahun {year}",
           "notes": (SAMPLE_NOTE if sample else "") + (f"Jumlah dan kecepatan penanganan pengaduan yang masuk melalui {standard.nama}, per bulan, "
                     f"SKPD, kategori dan status. Standar layanan: respon {standard.respon_hari_kerja} hari kerja, "
                     f"tindak lanjut {standard.selesai_hari_kerja} hari kerja ({standard.sumber})."),
           "standar_layanan": f"respon {standard.respon_hari_kerja} / selesai {standard.selesai_hari_kerja} hari kerja",
           "bulan_terakhir": latest, "tag_string": "pengaduan," + standard.kanal,
           "diimpor_pada": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
           "resources": resources}
    ctx = {"user": user, "ignore_auth": True}
    ids = [f["id"] for f in _fields()]
    by_role = {r[ROLE_FIELD]: r["id"] for r in resources}
    # all or nothing: a new dataset is created (package_create takes no uploads) and updated with
    # the files in one transaction, and the tables built aside replace the old ones only then
    create = None if existing is not None else {k: v for k, v in pkg.items() if k != "resources"}
    try:
        saved = datastore.publish(dict(ctx), dict(pkg, id=existing["id"] if existing else None), {
            by_role[role]: datastore.Table(_fields(), [[rec[c] for c in ids] for rec in tables[role]])
            for role in ROLES}, create=create)
    except datastore.PublishError as exc:
        raise tk.ValidationError({"upload": [str(exc)]}) from exc
    return {"name": saved["name"], "bulan_terakhir": latest, "jumlah_baris": len(tables["rincian"])}


