"""``pengaduan_ringkasan``: the figures of the /pengaduan page, read from the search index and the
DataStore tables of the ``pengaduan`` datasets (never from files)."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh.site import site_context

from .. import weighted_median
from .importer import DATASET_TYPE, ROLE_FIELD, channel_standards

__all__ = ["ringkasan"]


def _records(resource_id: str) -> list[dict[str, Any]]:
    return tk.get_action("datastore_search")(site_context(), {"resource_id": resource_id, "limit": 100000})["records"]


def _share(sesuai: int, direspon: int) -> str | None:
    return str((Decimal(100 * sesuai) / direspon).quantize(Decimal("0.1"))) if direspon else None


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def ringkasan(tahun: int | None = None) -> dict[str, Any]:
    """Per month and channel, and per SKPD: complaints in and closed, median days, share within standard.

    ``tren``: per SKPD (in ranking order) and month, complaints in and closed over all channels
    and the median working days to first response per channel.

    A SKPD's ``median_hari_respon`` combines the monthly medians of its per-SKPD table (one per
    month and channel, computed from the cases), each weighted by the complaints answered
    (:func:`..aggregate.weighted_median`): the cases themselves are not published, so it is an
    approximation of the median of all its cases.
    """
    fq = f"+dataset_type:{DATASET_TYPE}" + (f" +tahun:{tahun}" if tahun else "")
    found = tk.get_action("package_search")({}, {"fq": fq, "rows": 1000, "sort": "name asc"})
    months: dict[tuple[str, str], dict[str, Any]] = {}
    skpd: dict[str, dict[str, int]] = defaultdict(lambda: {"jumlah": 0, "direspon": 0, "sesuai": 0})
    # trend per SKPD and month: in and closed add up over channels and categories; the median
    # days do not, so they come per channel from the per-SKPD table (computed from the cases)
    trend: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    medians: dict[str, list[tuple[Decimal, int]]] = defaultdict(list)

    def point(name: str, periode: str) -> dict[str, Any]:
        return trend[name].setdefault(periode, {"periode": periode, "masuk": 0, "selesai": 0,
                                                "median_hari_respon": {}})
    datasets = []
    for pkg in found["results"]:
        datasets.append({"name": pkg["name"], "title": pkg["title"], "kanal": pkg.get("kanal"),
                         "bulan_terakhir": pkg.get("bulan_terakhir")})
        by_role = {r.get(ROLE_FIELD): r for r in pkg.get("resources", []) if r.get("datastore_active")}
        if "ringkasan" in by_role:
            for rec in _records(by_role["ringkasan"]["id"]):
                months[(rec["periode"], rec["kanal"])] = {
                    "periode": rec["periode"], "kanal": rec["kanal"], "masuk": rec["jumlah"], "selesai": 0,
                    "median_hari_respon": rec["median_hari_respon"],
                    "persen_sesuai_standar": rec["persen_sesuai_standar"]}
        if "rincian" in by_role:
            for rec in _records(by_role["rincian"]["id"]):
                month = months.get((rec["periode"], rec["kanal"]))
                if month is not None and rec["status"] == "selesai":
                    month["selesai"] += rec["jumlah"]
                p = point(rec["skpd"] or "-", rec["periode"])
                p["masuk"] += rec["jumlah"]
                p["selesai"] += rec["jumlah"] if rec["status"] == "selesai" else 0
                s = skpd[rec["skpd"] or "-"]
                s["jumlah"] += rec["jumlah"]
                s["direspon"] += rec["jumlah_direspon"] or 0
                s["sesuai"] += rec["jumlah_sesuai_standar"] or 0
        if "skpd" in by_role:
            for rec in _records(by_role["skpd"]["id"]):
                if rec["median_hari_respon"] is not None:
                    point(rec["skpd"] or "-", rec["periode"])["median_hari_respon"][rec["kanal"]] = \
                        rec["median_hari_respon"]
                    if rec["jumlah_direspon"]:
                        medians[rec["skpd"] or "-"].append((Decimal(str(rec["median_hari_respon"])),
                                                            int(rec["jumlah_direspon"])))
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
                          "selesai_hari_kerja": s.selesai_hari_kerja, "sumber": s.sumber, "url": s.url}
                      for k, s in standards.items()}}
