"""The Jadwal Rilis on the portal: every published Satu Data dataset and every Daftar Data line
with its next due date (:mod:`.jadwal`), and the iCalendar feed of those dates."""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk
import icalendar

from ckanext.bandaaceh.site import all_organisations

from .jadwal import AKAN_DATANG, TERLAMBAT, TEPAT_WAKTU, due_state, next_release
from .portal_daftar import all_lists
from .workflow import SINCE_FIELD, STATUS_FIELD, TERBIT

__all__ = ["schedule", "ical", "date_of"]

#: At most this many published datasets are scheduled (package_search page).
MAX_DATASETS = 1000


def date_of(value: Any) -> dt.date | None:
    """The day of an ISO timestamp or date (None if empty or malformed)."""
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value)[:19]).date()
    except ValueError:
        return None


def _last_release(pkg: dict[str, Any]) -> dt.date | None:
    """Publication, or the latest change of its data (a resource created or modified), if later."""
    dates = [date_of(pkg.get(SINCE_FIELD))]
    for res in pkg.get("resources", []):
        dates += [date_of(res.get("last_modified")), date_of(res.get("created"))]
    known = [d for d in dates if d]
    return max(known) if known else date_of(pkg.get("metadata_created"))


def schedule(today: dt.date | None = None, skpd: str | None = None) -> list[dict[str, Any]]:
    """Scheduled items, most overdue first: ``judul``, ``dataset``, ``skpd``, ``skpd_title``,
    ``frekuensi``, ``terakhir``, ``tanggal`` (next due), ``status``, ``hari_terlambat``."""
    today = today or dt.date.today()
    plans: dict[str, list[dt.date]] = {}
    lines: list[tuple[str, Any]] = []
    for daftar in all_lists()[0]:
        for line in daftar.lines:
            lines.append((daftar.skpd, line))
            if line.dataset:
                plans.setdefault(line.dataset, []).extend(line.rilis)
    fq = f"+dataset_type:dataset +{STATUS_FIELD}:{TERBIT}"
    found = tk.get_action("package_search")({"ignore_auth": True}, {"fq": fq, "rows": MAX_DATASETS})["results"]
    titles = {o["name"]: o.get("title") or o["name"] for o in all_organisations()}
    items: list[dict[str, Any]] = []
    published = set()
    for pkg in found:
        org = (pkg.get("organization") or {}).get("name") or ""
        published.add(pkg["name"])
        last = _last_release(pkg)
        due = due_state(next_release(pkg.get("frekuensi") or "", last, plans.get(pkg["name"], [])), today)
        if due is None:
            continue
        items.append({"judul": pkg["title"], "dataset": pkg["name"], "skpd": org, "frekuensi": pkg.get("frekuensi"),
                      "terakhir": last.isoformat() if last else None, "tanggal": due.tanggal.isoformat(),
                      "status": due.status, "hari_terlambat": due.hari_terlambat})
    for org, line in lines:
        if line.dataset in published:
            continue
        due = due_state(next_release(line.frekuensi, None, line.rilis), today)
        if due is None:
            continue
        items.append({"judul": line.judul, "dataset": None, "skpd": org, "frekuensi": line.frekuensi,
                      "terakhir": None, "tanggal": due.tanggal.isoformat(), "status": due.status,
                      "hari_terlambat": due.hari_terlambat})
    if skpd:
        items = [i for i in items if i["skpd"] == skpd]
    for item in items:
        item["skpd_title"] = titles.get(item["skpd"], item["skpd"])
    order = {TERLAMBAT: 0, AKAN_DATANG: 1, TEPAT_WAKTU: 2}
    return sorted(items, key=lambda i: (order[i["status"]], -i["hari_terlambat"], i["tanggal"], i["judul"]))


def ical(items: list[dict[str, Any]], site_url: str, title: str) -> bytes:
    """One all-day event per due date (an iCalendar feed, RFC 5545)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Portal Satu Data Kota Banda Aceh//Jadwal Rilis//ID")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", title)
    stamp = dt.datetime.now(dt.timezone.utc)
    for item in items:
        event = icalendar.Event()
        day = dt.date.fromisoformat(item["tanggal"])
        key = item["dataset"] or f"{item['skpd']}-{item['judul']}"
        event.add("uid", f"{key}-{item['tanggal']}@jadwal-rilis")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", f"{item['judul']} ({item['skpd_title']})")
        if item["dataset"]:
            event.add("url", f"{site_url.rstrip('/')}/dataset/{item['dataset']}")
        event.add("description", f"{item['status']}" + (f", {item['hari_terlambat']} hari terlambat"
                                                          if item["hari_terlambat"] else ""))
        cal.add_component(event)
    return cal.to_ical()
