"""E-mail notices of the Satu Data process, through CKAN's mailer (``smtp.*`` options of ckan.ini).

- submitted (``diajukan``): to the members of the walidata organisation;
- checked by the walidata, waiting for the pembina data (``diverifikasi``): to the pembina data;
- returned (``dikembalikan``, with the reasons) or published (``terbit``): to the produsen, i.e.
  the editors and admins of the owning SKPD;
- every week (``ckan bandaaceh satudata digest``, systemd timer ``bandaaceh-digest.timer``): to
  the editors and admins of each SKPD with overdue items in the Jadwal Rilis, the list of them.

A mail that cannot be sent is logged and does not undo the transition. Texts are Indonesian
with an English line, since a mail has no page language.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib import mailer

from ckanext.bandaaceh.site import all_organisations

from .jadwal import TERLAMBAT
from .portal_jadwal import schedule
from .roles import member_users, org_name
from .workflow import DIAJUKAN, DIKEMBALIKAN, DIVERIFIKASI, PEMBINA, TERBIT, WALIDATA, Transition

__all__ = ["notify", "weekly_digest"]

log = logging.getLogger(__name__)

_SUBJECT = {
    DIAJUKAN: "[Satu Data] Dataset diajukan untuk diperiksa / submitted for verification: {title}",
    DIVERIFIKASI: "[Satu Data] Dataset prioritas menunggu pembina data / awaits the pembina data: {title}",
    DIKEMBALIKAN: "[Satu Data] Dataset dikembalikan / returned: {title}",
    TERBIT: "[Satu Data] Dataset terbit / published: {title}",
}
_LEAD = {
    DIAJUKAN: "{actor} ({org}) mengajukan dataset ini untuk diperiksa walidata.\n"
              "{actor} ({org}) submitted this dataset for verification by the walidata.",
    DIVERIFIKASI: "Walidata telah memeriksa dataset prioritas ini; persetujuan pembina data diperlukan "
                  "sebelum terbit.\nThe walidata checked this priority dataset; the pembina data's "
                  "approval is needed before it is published.",
    DIKEMBALIKAN: "{actor} mengembalikan dataset ini kepada produsen data untuk diperbaiki.\n"
                  "{actor} returned this dataset to the data producer to be fixed.",
    TERBIT: "Dataset ini telah terbit dan kini dapat dilihat publik.\n"
            "This dataset is published and now public.",
}


def _recipients(state: str, pkg: dict[str, Any]) -> list[Any]:
    if state == DIAJUKAN:
        return member_users(org_name(WALIDATA))
    if state == DIVERIFIKASI:
        return member_users(org_name(PEMBINA))
    return member_users(pkg.get("owner_org") or "", ("editor", "admin"))


def _body(state: str, pkg: dict[str, Any], actor: str, alasan: str | None) -> str:
    org = (pkg.get("organization") or {}).get("title") or ""
    url = f"{tk.config.get('ckan.site_url', '').rstrip('/')}/dataset/{pkg['name']}"
    lines = [_LEAD[state].format(actor=actor, org=org), "", f"{pkg.get('title') or pkg['name']}", url]
    if alasan:
        lines += ["", "Alasan / Reasons:", alasan]
    lines += ["", "-- ", tk.config.get("ckan.site_title") or "Portal Satu Data"]
    return "\n".join(lines)


def _send(users: list[Any], subject: str, body: str, about: str) -> list[str]:
    sent: list[str] = []
    for user in users:
        if not user.email:
            continue
        try:
            mailer.mail_recipient(user.display_name, user.email, subject, body)
        except (mailer.MailerException, OSError) as exc:
            log.warning("Satu Data notice to %s about %s not sent: %s", user.email, about, exc)
            continue
        sent.append(user.email)
    return sent


def notify(transition: Transition, pkg: dict[str, Any], actor: str, alasan: str | None = None) -> list[str]:
    """Mail the people the transition concerns; returns the addresses mailed."""
    state = transition.after
    if state not in _SUBJECT:
        return []
    subject = _SUBJECT[state].format(title=pkg.get("title") or pkg["name"])
    return _send(_recipients(state, pkg), subject, _body(state, pkg, actor, alasan), pkg["name"])


def _digest_body(title: str, items: list[dict[str, Any]], today: dt.date) -> str:
    site = tk.config.get("ckan.site_url", "").rstrip("/")
    lines = [f"Data {title} yang terlambat menurut Jadwal Rilis per {today.isoformat()}:",
             f"Overdue data of {title} in the release calendar as of {today.isoformat()}:", ""]
    for item in items:
        where = f"{site}/dataset/{item['dataset']}" if item["dataset"] else "belum ada di portal / not on the portal yet"
        lines.append(f"- {item['judul']}: jatuh tempo / due {item['tanggal']}, "
                     f"{item['hari_terlambat']} hari terlambat / days late ({where})")
    lines += ["", f"Jadwal Rilis: {site}/jadwal-rilis?skpd={items[0]['skpd']}",
              f"Rapor SKPD: {site}/rapor-skpd", "", "-- ", tk.config.get("ckan.site_title") or "Portal Satu Data"]
    return "\n".join(lines)


def weekly_digest(today: dt.date | None = None) -> dict[str, list[str]]:
    """Mail each SKPD's editors and admins the list of its overdue items (none: no mail).
    Returns the addresses mailed per SKPD name."""
    today = today or dt.date.today()
    overdue: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in schedule(today):
        if item["status"] == TERLAMBAT:
            overdue[item["skpd"]].append(item)
    titles = {o["name"]: o.get("title") or o["name"] for o in all_organisations()}
    sent: dict[str, list[str]] = {}
    for skpd, items in sorted(overdue.items()):
        title = titles.get(skpd, skpd)
        subject = (f"[Satu Data] Ringkasan mingguan / weekly digest: {len(items)} data terlambat / "
                   f"overdue ({title})")
        sent[skpd] = _send(member_users(skpd, ("editor", "admin")), subject,
                           _digest_body(title, items, today), f"the weekly digest of {skpd}")
    return sent
