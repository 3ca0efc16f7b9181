"""``pengaduan_ringkasan``: the figures of the /pengaduan page, read from the search index and the
DataStore tables of the ``pengaduan`` datasets (never from files)."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh.site import site_context

from .. import weighted_median
from .importer import DATASET_TYPE, ROLE_FIELD, channel_standards, search_all

__all__ = ["ringkasan"]


def _sql_rows(inner: str, resource_ids: list[str], outer: str = "*", tail: str = "", *,
              columns: int = 3) -> list[dict[str, Any]]:
    """``SELECT outer FROM (inner UNION ALL inner ...) AS t tail``, ``inner`` run over every table
    of ``resource_ids`` (``{table}`` in it): one ``datastore_search_sql`` per page of
    ``ckan.datastore.search.rows_max`` rows, whatever the number of datasets. The rows (and the
    pages) are ordered by all ``columns`` first columns of the result."""
    if not resource_ids:
        return []
    union = " UNION ALL ".join(inner.format(table=f'"{rid}"') for rid in resource_ids)
    sql = f"SELECT {outer} FROM ({union}) AS t {tail}"
    page = int(tk.config.get("ckan.datastore.search.rows_max") or 32000)
    out: list[dict[str, Any]] = []
    while True:
        found = tk.get_action("datastore_search_sql")(site_context(), {
            "sql": f"{sql} ORDER BY {', '.join(str(i + 1) for i in range(columns))} LIMIT {page} OFFSET {len(out)}"})["records"]
        out.extend(found)
        if len(found) < page:
            return out


def _share(sesuai: int, direspon: int) -> str | None:
    return str((Decimal(100 * sesuai) / direspon).quantize(Decimal("0.1"))) if direspon else None


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def ringkasan(tahun: int | None = None) -> dict[str, Any]:
    """Per month and channel, and per SKPD: complaints in and closed, median days, share within standard.

    ``bulan[].standar_layanan``: the standard the channel's datasets of that year were imported
    under (``respon 3 / selesai 5 hari kerja``); ``kanal``: the channels' current standards,
    their source and whether they are ``sementara`` (no standard of the city's own yet).

    ``tren``: per SKPD (in ranking order) and month, complaints in and closed over all channels
    and the median working days to first response per channel.

    Read with one query per table kind (over every dataset's table at once) and search pages of
    1000 datasets. A channel's month adds up over its datasets (SP4N-LAPOR!: one per SKPD); its
    ``median_hari_respon`` combines the datasets' monthly medians weighted by the complaints
    answered, like a SKPD's: exact with one dataset per channel, an approximation over several.

    A SKPD's ``median_hari_respon`` combines the monthly medians of its per-SKPD table (one per
    month and channel, computed from the cases), each weighted by the complaints answered
    (:func:`..aggregate.weighted_median`): the cases themselves are not published, so it is an
    approximation of the median of all its cases.
    """
    found = search_all({}, f"+dataset_type:{DATASET_TYPE}" + (f" +tahun:{tahun}" if tahun else ""))
    skpd: dict[str, dict[str, int]] = defaultdict(lambda: {"jumlah": 0, "direspon": 0, "sesuai": 0})
    # trend per SKPD and month: in and closed add up over channels, categories and datasets; the
    # median days do not, so they come per channel from the per-SKPD tables (computed from the cases)
    trend: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    medians: dict[str, list[tuple[Decimal, int]]] = defaultdict(list)

    def point(name: str, periode: str) -> dict[str, Any]:
        return trend[name].setdefault(periode, {"periode": periode, "masuk": 0, "selesai": 0,
                                                "median_hari_respon": {}})
    datasets = []
    tables: dict[str, list[str]] = defaultdict(list)  # role -> resource ids
    standard_of: dict[tuple[str, str], set[str]] = defaultdict(set)  # (channel, year) -> standards imported under
    for pkg in found:
        if pkg.get("standar_layanan"):
            standard_of[(pkg.get("kanal") or "", str(pkg.get("tahun") or ""))].add(pkg["standar_layanan"])
        datasets.append({"name": pkg["name"], "title": pkg["title"], "kanal": pkg.get("kanal"),
                         "bulan_terakhir": pkg.get("bulan_terakhir")})
        for r in pkg.get("resources", []):
            if r.get("datastore_active") and r.get(ROLE_FIELD) in ("ringkasan", "rincian", "skpd"):
                tables[r[ROLE_FIELD]].append(r["id"])
    # per month and channel, over its datasets (SP4N-LAPOR!: one per SKPD): counts add up; the
    # median is the datasets' medians weighted by the complaints answered (an approximation)
    per_month: dict[tuple[str, str], dict[str, Any]] = {}
    for rec in _sql_rows("SELECT periode, kanal, jumlah, median_hari_respon, jumlah_direspon, jumlah_sesuai_standar "
                         "FROM {table}", tables["ringkasan"], columns=6):
        m = per_month.setdefault((rec["periode"], rec["kanal"]), {"masuk": 0, "direspon": 0, "sesuai": 0,
                                                                   "medians": []})
        m["masuk"] += rec["jumlah"]
        m["direspon"] += rec["jumlah_direspon"] or 0
        m["sesuai"] += rec["jumlah_sesuai_standar"] or 0
        if rec["median_hari_respon"] is not None and rec["jumlah_direspon"]:
            m["medians"].append((Decimal(str(rec["median_hari_respon"])), int(rec["jumlah_direspon"])))
    months = {key: {"periode": key[0], "kanal": key[1], "masuk": m["masuk"], "selesai": 0,
                    "median_hari_respon": _text(weighted_median(m["medians"])),
                    "persen_sesuai_standar": _share(m["sesuai"], m["direspon"]),
                    "standar_layanan": "; ".join(sorted(standard_of[(key[1], key[0][:4])])) or None}
              for key, m in per_month.items()}
    # per month, channel and SKPD: in, closed, answered, within the standard (summed in the query)
    for rec in _sql_rows("SELECT periode, kanal, skpd, jumlah, CASE WHEN status = 'selesai' THEN jumlah ELSE 0 END "
                         "AS selesai, jumlah_direspon, jumlah_sesuai_standar FROM {table}", tables["rincian"],
                         "periode, kanal, skpd, sum(jumlah) AS jumlah, sum(selesai) AS selesai, "
                         "sum(jumlah_direspon) AS jumlah_direspon, sum(jumlah_sesuai_standar) AS jumlah_sesuai_standar",
                         "GROUP BY periode, kanal, skpd"):
        month = months.get((rec["periode"], rec["kanal"]))
        if month is not None:
            month["selesai"] += rec["selesai"] or 0
        name = rec["skpd"] or "-"
        p = point(name, rec["periode"])
        p["masuk"] += rec["jumlah"] or 0
        p["selesai"] += rec["selesai"] or 0
        s = skpd[name]
        s["jumlah"] += rec["jumlah"] or 0
        s["direspon"] += rec["jumlah_direspon"] or 0
        s["sesuai"] += rec["jumlah_sesuai_standar"] or 0
    for rec in _sql_rows("SELECT periode, kanal, skpd, median_hari_respon, jumlah_direspon FROM {table} "
                         "WHERE median_hari_respon IS NOT NULL", tables["skpd"], columns=5):
        name, median = rec["skpd"] or "-", Decimal(str(rec["median_hari_respon"]))
        # a JSON number for the chart (datastore_search_sql gives numeric columns as text)
        point(name, rec["periode"])["median_hari_respon"][rec["kanal"]] = \
            int(median) if median == median.to_integral_value() else float(median)
        if rec["jumlah_direspon"]:
            medians[name].append((median, int(rec["jumlah_direspon"])))
    ranking = sorted(({"skpd": k, "jumlah": v["jumlah"], "persen_sesuai_standar": _share(v["sesuai"], v["direspon"]),
                       "median_hari_respon": _text(weighted_median(medians[k]))}
                      for k, v in skpd.items()),
                     key=lambda r: (-(Decimal(r["persen_sesuai_standar"]) if r["persen_sesuai_standar"] else -1),
                                    -r["jumlah"], r["skpd"]))
    standards = channel_standards()
    tren = [{"skpd": r["skpd"], "bulan": [trend[r["skpd"]][p] for p in sorted(trend[r["skpd"]])]} for r in ranking]
    return {"tahun": tahun, "bulan": [months[k] for k in sorted(months)], "skpd": ranking, "tren": tren,
            "dataset": datasets,
            "kanal": {k: {"nama": s.nama, "respon_hari_kerja": s.respon_hari_kerja,
                          "selesai_hari_kerja": s.selesai_hari_kerja, "sumber": s.sumber, "url": s.url,
                          "sementara": s.sementara}
                      for k, s in standards.items()}}
