"""Import a channel's export as the channel's yearly ``pengaduan`` datasets (CLI, API, web upload
and harvester share it).

One dataset per channel and year (``pengaduan-<kanal>-<tahun>``), owned by the SKPD that runs the
channel (``pengelola`` in ``config/pengaduan/standar-layanan.yaml``); for a channel whose figures
belong to the SKPD named in each row (``milik_skpd``: SP4N-LAPOR!) one dataset per SKPD and year
(``pengaduan-<kanal>-<skpd>-<tahun>``), owned by that SKPD. Who imports what (:func:`_owners`):

* an editor/admin of an SKPD imports the rows naming its own SKPD; a row naming another SKPD
  refuses the file (file, row and column named);
* the city's administrator of the channel (editor/admin of the ``pengelola``, the walidata or a
  sysadmin) imports the city-wide export: its rows are split per SKPD, every SKPD named must be
  an organisation of the portal, and the months of the file are replaced in every SKPD dataset
  of those years (an SKPD no longer named gets no rows for them); all datasets are published
  together, all or nothing (:func:`ckanext.bandaaceh.datastore.publish_all`).

Each dataset has three tables, each a CSV
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
from ckanext.bandaaceh.pengaduan import (PERIODE_RE, TABLE_FIELDS, Case, PengaduanError, Row, Standard, aggregate,
                                         load_standards, read_export)
from ckanext.bandaaceh.satudata.roles import WALIDATA, is_member
from ckanext.bandaaceh.site import all_organisations, site_context, site_user_name

__all__ = ["DATASET_TYPE", "ROLE_FIELD", "MAX_BYTES", "channel_standards", "dataset_name", "import_pengaduan",
           "search_all"]

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


def dataset_name(kanal: str, tahun: int, skpd: str | None = None) -> str:
    """``pengaduan-<kanal>-<tahun>``; ``pengaduan-<kanal>-<skpd>-<tahun>`` for one SKPD's figures."""
    return f"pengaduan-{kanal}-{skpd}-{tahun}" if skpd else f"pengaduan-{kanal}-{tahun}"


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


def _org_keys(org: dict[str, Any]) -> list[str]:
    return [str(k).strip().casefold() for k in (org.get("title"), org.get("singkatan"), org["name"]) if k]


def _owners(context: dict[str, Any], standard: Standard, runner: dict[str, Any], data_dict: dict[str, Any],
            ) -> tuple[dict[str, dict[str, Any]], bool]:
    """For a ``milik_skpd`` channel: the organisations the user may import for (by every name,
    abbreviation and title, casefolded) and whether the import is city-wide. Raises
    ``NotAuthorized`` for a user who may import for none."""
    by_key = {key: org for org in all_organisations() for key in _org_keys(org)}
    user = context.get("user") or ""
    city = False
    try:
        tk.check_access("pengaduan_import", context, {"owner_org": runner["id"]})
        city = True
    except tk.NotAuthorized:
        city = context.get("ignore_auth") or is_member(user, WALIDATA)
    wanted = str(data_dict.get("skpd") or "").strip()
    if wanted:  # one SKPD's figures only (an SKPD's harvest source, or its own upload)
        org = by_key.get(wanted.casefold()) or next((o for o in by_key.values() if o["id"] == wanted), None)
        if org is None:
            raise tk.ValidationError({"skpd": [tk._("SKPD '{value}' bukan organisasi portal ini").format(value=wanted)]})
        if not city:
            tk.check_access("pengaduan_import", context, {"owner_org": org["id"]})
        return {key: org for key in _org_keys(org)}, False
    if city:
        return by_key, True
    if not user:
        raise tk.NotAuthorized(tk._("Masuk sebagai pengelola kanal pengaduan untuk mengimpor"))
    mine = tk.get_action("organization_list_for_user")({"user": user}, {"permission": "create_dataset"})
    if not mine:
        raise tk.NotAuthorized(tk._("Pengguna {user} bukan editor/admin SKPD mana pun").format(user=user))
    ids = {o["id"] for o in mine}
    return {key: org for key, org in by_key.items() if org["id"] in ids}, False


def _owner_of(skpd: str, place: Any, owners: dict[str, dict[str, Any]], city: bool, standard: Standard,
              runner: dict[str, Any]) -> dict[str, Any]:
    """The organisation a row's SKPD names, among ``owners``; else refused naming the file, row
    and column (``place``: the reader's place of the row's SKPD cell)."""
    org = owners.get(skpd.strip().casefold())
    if org is not None:
        return org
    lokasi = place.message(tk._)
    if not skpd.strip():
        raise tk.ValidationError({"upload": [tk._("{where}: SKPD tujuan kosong; statistik {channel} dimiliki SKPD yang "
                                                  "disebut di setiap baris").format(where=lokasi, channel=standard.nama)]})
    if city:
        raise tk.ValidationError({"upload": [tk._("{where}: SKPD '{value}' bukan organisasi portal ini (sebutkan "
                                                  "nama, singkatan atau nama URL organisasinya)").format(
            where=lokasi, value=skpd)]})
    names = ", ".join(sorted({o.get("title") or o["name"] for o in owners.values()}))
    raise tk.ValidationError({"upload": [tk._(
        "{where}: SKPD '{value}' bukan SKPD Anda ({mine}); statistik {channel} SKPD lain hanya dapat diimpor oleh "
        "SKPD itu atau oleh pengelola {channel} kota ({runner})").format(
        where=lokasi, value=skpd, mine=names or "-", channel=standard.nama,
        runner=runner.get("title") or runner["name"])]})


def _tables(export: Any, standard: Standard, kanal: str, periode: str, filename: str) -> dict[str, list[Row]]:
    """The three tables (``rincian``, ``skpd``, ``ringkasan``) of an export or of a part of its cases."""
    if export.shape == "case":
        return {"rincian": aggregate(export.cases, standard), "skpd": aggregate(export.cases, standard, level="skpd"),
                "ringkasan": aggregate(export.cases, standard, level="kanal")}
    if not PERIODE_RE.match(periode):
        raise tk.ValidationError({"periode": [tk._(
            "{name} berisi rekap jumlah tanpa tanggal: berikan parameter periode (YYYY-MM, "
            "mis. 2025-07)").format(name=filename)]})
    rows = _rows_from_counts(export.counts, kanal, periode)
    return {"rincian": rows, "skpd": _summary_from_rows(rows, kanal, per_skpd=True),
            "ringkasan": _summary_from_rows(rows, kanal)}


def import_pengaduan(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Check an export and (unless ``dry_run``) publish its months in the channel's yearly dataset(s)."""
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
    if standard.milik_skpd:
        owners, city = _owners(context, standard, org, data_dict)
    else:
        tk.check_access("pengaduan_import", context, {"owner_org": org["id"]})
    data, filename = _read_upload(data_dict.get("upload"))
    try:
        export = read_export(data, filename, kanal=kanal, drop_personal=tk.asbool(data_dict.get("drop_personal")),
                             drop_columns=_drop_list(data_dict.get("buang_kolom")))
    except PengaduanError as exc:
        raise tk.ValidationError({"upload": [exc.message(tk._)]}) from None
    periode = str(data_dict.get("periode") or "").strip()
    parts: dict[str, tuple[dict[str, Any], dict[str, list[Row]]]] = {}  # owner's name -> (owner, tables)
    if standard.milik_skpd:
        # each row goes to its SKPD's dataset, its SKPD written as the organisation's title
        groups: dict[str, tuple[dict[str, Any], list[Any]]] = {}
        for item in (export.cases if export.shape == "case" else export.counts):
            skpd, lokasi = (item.skpd, item.lokasi) if isinstance(item, Case) else (item["skpd"], item["lokasi"])
            owner = _owner_of(skpd, lokasi, owners, city, standard, org)
            title = owner.get("title") or owner["name"]
            if isinstance(item, Case):
                item.skpd = title
            else:
                item["skpd"] = title
            groups.setdefault(owner["name"], (owner, []))[1].append(item)
        for name, (owner, items) in sorted(groups.items()):
            part = type(export)(filename=filename, shape=export.shape,
                                **({"cases": items} if export.shape == "case" else {"counts": items}))
            parts[name] = (owner, _tables(part, standard, kanal, periode, filename))
    tables = _tables(export, standard, kanal, periode, filename)
    rows, per_skpd, summary = tables["rincian"], tables["skpd"], tables["ringkasan"]
    years = sorted({int(r.periode[:4]) for r in rows})
    months = sorted({r.periode for r in rows})
    result: dict[str, Any] = {"file": filename, "kanal": kanal, "bentuk": export.shape,
                              "kolom_dibuang": export.dropped_columns, "bulan": months,
                              "kolom": [asdict(c) for c in export.columns],
                              "ringkasan": [_record(r) for r in summary],
                              "per_skpd": [_record(r) for r in per_skpd[:500]],
                              "baris": [_record(r) for r in rows[:500]], "jumlah_baris": len(rows),
                              "skpd": sorted(parts), "kota": bool(standard.milik_skpd and city),
                              "dry_run": tk.asbool(data_dict.get("dry_run")), "dataset": []}
    if result["dry_run"]:
        return result
    user = context.get("user") or site_user_name()
    if not standard.milik_skpd:
        parts = {"": (org, tables)}
    elif result["kota"]:  # the city-wide export replaces its months in every SKPD dataset of its years
        for pkg in search_all({"ignore_auth": True}, f"+dataset_type:{DATASET_TYPE} +kanal:{kanal} "
                              f"+tahun:({' OR '.join(str(y) for y in years)})", include_private=True):
            owner = next((o for o in owners.values() if o["id"] == pkg["owner_org"]), None)
            if owner is not None and owner["name"] not in parts:
                parts[owner["name"]] = (owner, {role: [] for role in ROLES})
    sample = tk.asbool(data_dict.get("contoh"))
    prepared = [_prepare(user, owner, standard, year, {role: [_record(r) for r in table if r.periode.startswith(f"{year}-")]
                                                       for role, table in owned.items()},
                         {m for m in months if m.startswith(f"{year}-")}, name or None, sample)
                for name, (owner, owned) in parts.items() for year in years]
    prepared = [p for p in prepared if p is not None]
    try:
        saved = datastore.publish_all({"user": user, "ignore_auth": True}, [pub for pub, _info in prepared])
    except datastore.PublishError as exc:
        raise tk.ValidationError({"upload": [str(exc)]}) from exc
    result["dataset"] = [dict(info, name=pkg["name"]) for pkg, (_pub, info) in zip(saved, prepared)]
    return result


def search_all(context: dict[str, Any], fq: str, **params: Any) -> list[dict[str, Any]]:
    """Every dataset of ``package_search`` ``fq`` (by name), in search pages of 1000."""
    out: list[dict[str, Any]] = []
    while True:
        page = tk.get_action("package_search")(dict(context), dict(params, fq=fq, rows=1000, start=len(out),
                                                                    sort="name asc"))
        out.extend(page["results"])
        if not page["results"] or len(out) >= page["count"]:
            return out


def _prepare(user: str, org: dict[str, Any], standard: Standard, year: int, new: dict[str, list[dict[str, Any]]],
             months: set[str], skpd: str | None = None, sample: bool = False,
             ) -> tuple[datastore.Publication, dict[str, Any]] | None:
    """The publication of one yearly dataset: its kept months and the new ones (``months``
    replaced by ``new``). None when a dataset that does not exist yet would have no rows."""
    name = dataset_name(standard.kanal, year, skpd)
    try:
        existing = tk.get_action("package_show")({"ignore_auth": True}, {"id": name})
    except tk.ObjectNotFound:
        existing = None
    if existing is not None and (existing.get("type") != DATASET_TYPE or existing.get("owner_org") != org["id"]):
        raise tk.ValidationError({"name": [tk._("Dataset {name} sudah ada tetapi bukan statistik pengaduan milik {org}").format(
            name=name, org=org.get("title") or org["name"])]})
    if existing is None and not new["rincian"]:
        return None
    tables = {}
    for role in ROLES:
        kept = [rec for rec in _table_rows(existing, role) if rec["periode"] not in months]
        tables[role] = sorted(kept + new[role], key=lambda r: (r["periode"], r["skpd"] or "", r["kategori"] or "",
                                                               r["status"] or ""))
    latest = max((rec["periode"] for rec in tables["rincian"]), default="")
    owner = org.get("title") or org["name"]
    label = f"{standard.nama} {owner}" if skpd else standard.nama
    resources = []
    for role in ROLES:
        res = {"name": f"Statistik {label} {year} ({ROLE_LABELS[role]})",
               "description": ("Dihitung oleh portal dari ekspor kanal; tanpa identitas pelapor dan tanpa isi "
                               "pengaduan. Hari = hari kerja (tanpa libur nasional dan cuti bersama)."),
               "format": "CSV", ROLE_FIELD: role, datastore.LOADER_FIELD: datastore.LOADER_NAME,
               "upload": FileStorage(io.BytesIO(_csv(tables[role])), filename=f"{name}-{role}.csv",
                                     content_type="text/csv")}
        old = next((r for r in (existing or {}).get("resources", []) if r.get(ROLE_FIELD) == role), None)
        # ids known up front: the DataStore table is built before the update (datastore.publish_all)
        res["id"] = old["id"] if old else datastore.new_resource_id()
        resources.append(res)
    whose = f" yang ditujukan kepada {owner}" if skpd else ""
    pkg = {"type": DATASET_TYPE, "name": name, "owner_org": org["id"], "kanal": standard.kanal, "tahun": str(year),
           "title": ("[CONTOH] " if sample else "") + f"Statistik Pengaduan {label} Tahun {year}",
           "notes": (SAMPLE_NOTE if sample else "") + (f"Jumlah dan kecepatan penanganan pengaduan yang masuk melalui {standard.nama}{whose}, per bulan, "
                     f"SKPD, kategori dan status. Standar layanan: respon {standard.respon_hari_kerja} hari kerja, "
                     f"tindak lanjut {standard.selesai_hari_kerja} hari kerja ({standard.sumber})."),
           "standar_layanan": f"respon {standard.respon_hari_kerja} / selesai {standard.selesai_hari_kerja} hari kerja",
           "bulan_terakhir": latest, "tag_string": "pengaduan," + standard.kanal,
           "diimpor_pada": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
           "resources": resources}
    ids = [f["id"] for f in _fields()]
    by_role = {r[ROLE_FIELD]: r["id"] for r in resources}
    # all or nothing: a new dataset is created with its files (datastore.publish_all), and the
    # tables built aside replace the old ones only then
    create = None if existing is not None else {k: v for k, v in pkg.items() if k != "resources"}
    pub = datastore.Publication(dict(pkg, id=existing["id"] if existing else None), {
        by_role[role]: datastore.Table(_fields(), [[rec[c] for c in ids] for rec in tables[role]])
        for role in ROLES}, create=create)
    return pub, {"name": name, "skpd": skpd or "", "bulan_terakhir": latest, "jumlah_baris": len(tables["rincian"])}
