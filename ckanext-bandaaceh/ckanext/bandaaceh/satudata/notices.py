"""E-mail notices of the Satu Data process, through CKAN's mailer (``smtp.*`` options of ckan.ini).

- submitted (``diajukan``): to the members of the walidata organisation;
- checked by the walidata, waiting for the pembina data (``diverifikasi``): to the pembina data;
- returned (``dikembalikan``, with the reasons) or published (``terbit``): to the produsen, i.e.
  the editors and admins of the owning SKPD.

A mail that cannot be sent is logged and does not undo the transition. Texts are Indonesian
with an English line, since a mail has no page language.
"""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib import mailer

from .roles import member_users, org_name
from .workflow import DIAJUKAN, DIKEMBALIKAN, DIVERIFIKASI, PEMBINA, TERBIT, WALIDATA, Transition

__all__ = ["notify"]

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


def notify(transition: Transition, pkg: dict[str, Any], actor: str, alasan: str | None = None) -> list[str]:
    """Mail the people the transition concerns; returns the addresses mailed."""
    state = transition.after
    if state not in _SUBJECT:
        return []
    subject = _SUBJECT[state].format(title=pkg.get("title") or pkg["name"])
    body = _body(state, pkg, actor, alasan)
    sent: list[str] = []
    for user in _recipients(state, pkg):
        if not user.email:
            continue
        try:
            mailer.mail_recipient(user.display_name, user.email, subject, body)
        except (mailer.MailerException, OSError) as exc:
            log.warning("Satu Data notice to %s about %s not sent: %s", user.email, pkg["name"], exc)
            continue
        sent.append(user.email)
    return sent
