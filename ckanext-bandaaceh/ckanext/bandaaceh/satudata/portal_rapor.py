"""The Rapor SKPD on the portal (``/rapor-skpd``, ``satudata_rapor``), its CSV and its monthly history.

Per SKPD (every organisation but the gampong and the pembina data):

- ``daftar_data``: lines of its Daftar Data of the year;
- ``terbit``: its Satu Data datasets in state ``terbit``;
- ``persen_tepat_waktu`` / ``terlambat``: of its scheduled items in the Jadwal Rilis
  (:func:`.portal_jadwal.schedule`), the share not overdue, and the overdue ones;
- ``persen_metadata``: of the metadata fields the walidata checks (the required metadata, the
  standar data, frekuensi and cakupan: :mod:`.checks`), the share filled, over all its Satu Data
  datasets whatever their state;
- ``antrian`` / ``antrian_hari_tertua``: its datasets waiting for the walidata or the pembina
  data, and the age in days of the oldest wait;
- harvest health from ckanext-harvest's jobs and objects: ``panen_terakhir_berhasil`` (the end of
  its latest finished job without gather or object errors, over its sources) and ``panen_gagal``
  (sources whose latest finished job had errors);
- ``pengaduan_median_hari_respon``: the median working days to a first response of the
  complaints sent to it (``pengaduan_ringkasan``; an approximation, see there).

Per gampong: for the year's APBG stages, the deadline (``config/apbg-tenggat.yaml``) and whether
the stage was published by it (publication = the dataset's creation by the gampong's import).

``snapshot`` keeps the SKPD figures of one month in the table ``bandaaceh_rapor_riwayat`` of the
CKAN database (written by ``ckan bandaaceh satudata rapor-snapshot``); ``history`` reads them back.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from statistics import mean
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObject, HarvestSource

from ckanext.bandaaceh import reference
from ckanext.bandaaceh.apbdes.portal.identity import DATASET_TYPE as APBG_TYPE
from ckanext.bandaaceh.apbdes.portal.identity import tahap_key
from ckanext.bandaaceh.pengaduan.portal.summary import ringkasan
from ckanext.bandaaceh.reference import DEFAULT_CONFIG_DIR
from ckanext.bandaaceh.site import all_organisations, is_empty, portal_reference
from ckanext.bandaaceh.spreadsheet.export import csv_cell, format_value

from . import portal_jadwal
from .portal_jadwal import date_of
from .checks import COVERAGE_FIELDS, REQUIRED_FIELDS, STANDAR_DATA
from .jadwal import TERLAMBAT
from .portal_daftar import all_lists
from .rapor import STAGES, csv_rows, load_tenggat, percent, sort_rows, stage_state
from .roles import DATASET_TYPE, is_produsen_org
from .workflow import SINCE_FIELD, STATUS_FIELD, TERBIT, WAITING

__all__ = ["rapor", "rapor_csv", "chart_configs", "snapshot", "history", "tenggat_file", "HISTORY_TABLE"]

#: The metadata fields counted by ``persen_metadata`` (those the walidata's checks require).
METADATA_FIELDS = tuple(key for key, _label in REQUIRED_FIELDS + STANDAR_DATA + COVERAGE_FIELDS)
#: How many finished jobs per harvest source are looked at for the last success.
JOBS_PER_SOURCE = 20
PAGE = 1000

_META = sa.MetaData()
#: One row per month and SKPD: the figures of the Rapor on the day of the snapshot.
HISTORY_TABLE = sa.Table(
    "bandaaceh_rapor_riwayat", _META,
    sa.Column("bulan", sa.Text, primary_key=True),          # YYYY-MM
    sa.Column("skpd", sa.Text, primary_key=True),           # organisation name
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("tanggal", sa.Date, nullable=False),          # day of the snapshot
    sa.Column("daftar_data", sa.Integer, nullable=False),
    sa.Column("terbit", sa.Integer, nullable=False),
    sa.Column("persen_tepat_waktu", sa.Numeric),
    sa.Column("jumlah_terlambat", sa.Integer, nullable=False),
    sa.Column("persen_metadata", sa.Numeric),
    sa.Column("antrian", sa.Integer, nullable=False),
    sa.Column("antrian_hari_tertua", sa.Integer),
)
_HISTORY_FIELDS = ("daftar_data", "terbit", "persen_tepat_waktu", "jumlah_terlambat", "persen_metadata",
                   "antrian", "antrian_hari_tertua")


def tenggat_file() -> str:
    """``bandaaceh.rapor.tenggat_apbg``, else ``<bandaaceh.config_dir>/apbg-tenggat.yaml``."""
    return tk.config.get("bandaaceh.rapor.tenggat_apbg") or os.path.join(
        tk.config.get("bandaaceh.config_dir") or str(DEFAULT_CONFIG_DIR), "apbg-tenggat.yaml")


def _search(fq: str, include_private: bool) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while True:
        found = tk.get_action("package_search")({"ignore_auth": True}, {
            "fq": fq, "rows": PAGE, "start": len(out), "sort": "name asc", "include_private": include_private})
        out += found["results"]
        if len(out) >= found["count"] or not found["results"]:
            return out


def _harvest_health() -> dict[str, dict[str, Any]]:
    """Per owning organisation id: ``sumber`` (names), ``terakhir`` (last success), ``gagal`` (names)."""
    out: dict[str, dict[str, Any]] = defaultdict(lambda: {"sumber": [], "terakhir": None, "gagal": []})
    sources = (model.Session.query(HarvestSource, model.Package)
               .join(model.Package, model.Package.id == HarvestSource.id)
               .filter(HarvestSource.active.is_(True), model.Package.state == "active"))
    for source, pkg in sources:
        health = out[pkg.owner_org or ""]
        health["sumber"].append(pkg.name)
        jobs = (model.Session.query(HarvestJob)
                .filter(HarvestJob.source_id == source.id, HarvestJob.status == "Finished")
                .order_by(HarvestJob.finished.desc()).limit(JOBS_PER_SOURCE).all())
        for i, job in enumerate(jobs):
            errors = (model.Session.query(HarvestGatherError).filter_by(harvest_job_id=job.id).count()
                      + model.Session.query(HarvestObject).filter_by(harvest_job_id=job.id, state="ERROR").count())
            if errors and i == 0:
                health["gagal"].append(pkg.name)
            if not errors:
                if job.finished and (health["terakhir"] is None or job.finished > health["terakhir"]):
                    health["terakhir"] = job.finished
                break
    return out


def _complaint_medians() -> dict[str, str | None]:
    """The complaints' median days to response, keyed by the SKPD text of the channels (casefolded)."""
    return {str(r["skpd"]).strip().casefold(): r.get("median_hari_respon") for r in ringkasan(None)["skpd"]}


def _complaint_median(org: dict[str, Any], medians: dict[str, str | None]) -> Decimal | None:
    for key in (org.get("title"), org.get("singkatan"), org["name"]):
        if key and str(key).strip().casefold() in medians:
            value = medians[str(key).strip().casefold()]
            return Decimal(value) if value is not None else None
    return None


def _default_year(years: list[int], today: dt.date) -> int:
    """The latest year with Daftar Data up to ``today``'s, else ``today``'s year."""
    past = [y for y in years if y <= today.year]
    return max(past) if past else today.year


def _skpd_rows(today: dt.date, tahun: int) -> list[dict[str, Any]]:
    lines: dict[str, int] = defaultdict(int)
    for daftar in all_lists()[0]:
        if daftar.tahun == tahun:
            lines[daftar.skpd] += len(daftar.lines)
    schedule: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in portal_jadwal.schedule(today):
        schedule[item["skpd"]].append(item)
    datasets: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for pkg in _search(f"+dataset_type:{DATASET_TYPE}", include_private=True):
        datasets[pkg.get("owner_org") or ""].append(pkg)
    harvest = _harvest_health()
    medians = _complaint_medians()
    rows = []
    for org in filter(is_produsen_org, all_organisations()):
        own = datasets.get(org["id"], [])
        items = schedule.get(org["name"], [])
        late = [{"judul": i["judul"], "dataset": i["dataset"], "tanggal": i["tanggal"],
                 "hari_terlambat": i["hari_terlambat"]} for i in items if i["status"] == TERLAMBAT]
        waiting = [date_of(p.get(SINCE_FIELD)) for p in own if p.get(STATUS_FIELD) in WAITING]
        ages = [max(0, (today - d).days) for d in waiting if d]
        filled = sum(1 for p in own for key in METADATA_FIELDS if not is_empty(p.get(key)))
        health = harvest.get(org["id"], {"sumber": [], "terakhir": None, "gagal": []})
        rows.append({
            "skpd": org["name"], "title": org.get("title") or org["name"],
            "daftar_data": lines.get(org["name"], 0),
            "dataset": len(own),
            "terbit": sum(1 for p in own if p.get(STATUS_FIELD) == TERBIT),
            "jadwal": len(items),
            "persen_tepat_waktu": percent(len(items) - len(late), len(items)),
            "jumlah_terlambat": len(late),
            "terlambat": sorted(late, key=lambda i: (-i["hari_terlambat"], i["judul"])),
            "persen_metadata": percent(filled, len(own) * len(METADATA_FIELDS)),
            "antrian": len(waiting),
            "antrian_hari_tertua": max(ages) if ages else None,
            "panen_sumber": sorted(health["sumber"]),
            "panen_terakhir_berhasil": health["terakhir"].isoformat(timespec="seconds") if health["terakhir"] else None,
            "panen_gagal": sorted(health["gagal"]),
            "jumlah_panen_gagal": len(health["gagal"]),
            "pengaduan_median_hari_respon": _complaint_median(org, medians),
        })
    return rows


def _gampong(today: dt.date, tahun: int) -> dict[str, Any]:
    tenggat = load_tenggat(tenggat_file())
    ref = portal_reference()
    published: dict[tuple[str, str], dict[str, Any]] = {}
    for pkg in _search(f"+dataset_type:{APBG_TYPE} +apbdes_tahun:{tahun}", include_private=False):
        key = (pkg.get("kode_wilayah") or "", tahap_key(pkg.get("tahap") or "", pkg.get("periode") or None))
        published[key] = pkg
    counts: dict[str, dict[str, int]] = {k: defaultdict(int) for k in STAGES}
    rows = []
    for kec in ref.kecamatan_list():
        for g in ref.gampong_list(kec.kode):
            stages = {}
            for key in STAGES:
                pkg = published.get((g.kode, key))
                when = date_of(pkg.get("metadata_created")) if pkg else None
                deadline = tenggat[key].tanggal(tahun)
                state = stage_state(deadline, when, today)
                counts[key][state] += 1
                stages[key] = {"tenggat": deadline.isoformat() if deadline else None,
                               "terbit": when.isoformat() if when else None,
                               "dataset": pkg["name"] if pkg else None, "status": state}
            rows.append({"kode": g.kode, "nama": reference.area_title(g), "kecamatan": kec.nama,
                         "organisasi": reference.area_org_name(g), "tahap": stages})
    return {"tahun": tahun, "rows": rows, "ringkasan": {k: dict(v) for k, v in counts.items()},
            "tenggat": {k: {"tanggal": t.tanggal(tahun).isoformat() if t.tanggal(tahun) else None,
                            "sumber": t.sumber, "ketentuan": t.ketentuan} for k, t in tenggat.items()}}


def rapor(today: dt.date, tahun: int | None = None, sort: str = "skpd") -> dict[str, Any]:
    """The whole Rapor: ``tanggal``, ``tahun``, ``years``, ``sort``, ``skpd`` (rows), ``gampong``,
    ``riwayat`` (the monthly history). ``sort`` is a key of :data:`.rapor.SORT_KEYS`
    (``-`` first: descending); ValueError for another."""
    years = sorted({d.tahun for d in all_lists()[0]}, reverse=True)
    year = tahun or _default_year(years, today)
    rows = sort_rows(_skpd_rows(today, year), sort)
    return {"tanggal": today.isoformat(), "tahun": year, "years": years, "sort": sort, "skpd": rows,
            "gampong": _gampong(today, year), "riwayat": history()}


def rapor_csv(rows: list[dict[str, Any]]) -> str:
    """The SKPD table as CSV (``\\r\\n``), every text cell neutralised (:func:`csv_cell`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for values in csv_rows(rows):
        writer.writerow([csv_cell(v) if isinstance(v, str) else format_value(v) for v in values])
    return out.getvalue()


def snapshot(today: dt.date, tahun: int | None = None) -> tuple[str, int]:
    """Store the SKPD figures of ``today``'s month (replacing an earlier snapshot of that month);
    returns the month and the number of SKPD rows."""
    data = rapor(today, tahun)
    month = today.strftime("%Y-%m")
    values = [{"bulan": month, "skpd": r["skpd"], "title": r["title"], "tanggal": today,
               **{k: r[k] for k in _HISTORY_FIELDS}} for r in data["skpd"]]
    engine = model.meta.engine
    with engine.begin() as conn:
        HISTORY_TABLE.create(conn, checkfirst=True)
        conn.execute(HISTORY_TABLE.delete().where(HISTORY_TABLE.c.bulan == month))
        if values:
            conn.execute(HISTORY_TABLE.insert(), values)
    return month, len(values)


def _average(values: list[Any]) -> Decimal | None:
    known = [Decimal(v) for v in values if v is not None]
    return Decimal(str(mean(known))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if known else None


def history() -> dict[str, Any]:
    """The snapshots: ``bulan`` (per month, city-wide: mean of the SKPD percentages that have one,
    total overdue and waiting) and ``skpd`` (per SKPD, its months' figures)."""
    engine = model.meta.engine
    if not sa.inspect(engine).has_table(HISTORY_TABLE.name):
        return {"bulan": [], "skpd": {}}
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(
            sa.select(HISTORY_TABLE).order_by(HISTORY_TABLE.c.bulan, HISTORY_TABLE.c.skpd))]
    months: dict[str, list[dict[str, Any]]] = defaultdict(list)
    per_skpd: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        months[row["bulan"]].append(row)
        per_skpd[row["skpd"]].append({"bulan": row["bulan"], **{k: row[k] for k in _HISTORY_FIELDS}})
    city = [{"bulan": m, "persen_tepat_waktu": _average([r["persen_tepat_waktu"] for r in rs]),
             "persen_metadata": _average([r["persen_metadata"] for r in rs]),
             "jumlah_terlambat": sum(r["jumlah_terlambat"] for r in rs),
             "antrian": sum(r["antrian"] for r in rs), "terbit": sum(r["terbit"] for r in rs)}
            for m, rs in sorted(months.items())]
    return {"bulan": city, "skpd": dict(per_skpd)}


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def chart_configs(data: dict[str, Any]) -> dict[str, str]:
    """Chart.js configurations (JSON) of the page: ``skpd`` (on time and metadata per SKPD that has
    datasets or Daftar Data lines, in the table's order) and ``tren`` (the monthly city-wide figures)."""
    _ = tk._
    shown = [r for r in data["skpd"] if r["dataset"] or r["daftar_data"]]
    bars = {"type": "bar", "data": {
        "labels": [r["title"] for r in shown],
        "datasets": [{"label": _("Tepat waktu (%)"), "data": [_number(r["persen_tepat_waktu"]) for r in shown]},
                     {"label": _("Metadata lengkap (%)"), "data": [_number(r["persen_metadata"]) for r in shown]}]},
        "options": {"indexAxis": "y", "scales": {"x": {"min": 0, "max": 100}}}}
    months = data["riwayat"]["bulan"]
    trend = {"type": "line", "data": {
        "labels": [m["bulan"] for m in months],
        "datasets": [{"label": _("Tepat waktu, rata-rata SKPD (%)"), "data": [_number(m["persen_tepat_waktu"]) for m in months]},
                     {"label": _("Metadata lengkap, rata-rata SKPD (%)"), "data": [_number(m["persen_metadata"]) for m in months]}]},
        "options": {"scales": {"y": {"min": 0, "max": 100}}}}
    return {"skpd": json.dumps(bars), "tren": json.dumps(trend), "jumlah_skpd_grafik": str(len(shown))}
