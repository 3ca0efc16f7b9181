"""``ckan bandaaceh satudata ...``: the scheduled tasks of the Satu Data process.

- ``rapor-snapshot``: keep this month's Rapor SKPD figures (systemd ``bandaaceh-rapor.timer``,
  monthly; also run by ``make portal``'s seeding);
- ``digest``: the weekly e-mail of overdue datasets to each SKPD (``bandaaceh-digest.timer``).
"""
from __future__ import annotations

import datetime as dt

import click

from . import notices, portal_rapor
from .rapor import TenggatError

__all__ = ["satudata_group"]


def _day(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("tanggal harus berbentuk YYYY-MM-DD", param_hint="--tanggal") from None


@click.group(short_help="Satu Data: Rapor SKPD snapshots and the weekly digest")
def satudata_group() -> None:
    """Scheduled tasks of the Satu Data process."""


@satudata_group.command("rapor-snapshot")
@click.option("--tanggal", help="The day of the figures, YYYY-MM-DD (default today); its month is stored")
@click.option("--tahun", type=int, help="Daftar Data and APBG year (default as on /rapor-skpd)")
def rapor_snapshot(tanggal: str | None, tahun: int | None) -> None:
    """Store this month's Rapor SKPD figures (a second run in the month replaces them)."""
    try:
        month, count = portal_rapor.snapshot(_day(tanggal), tahun)
    except TenggatError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Rapor SKPD {month}: {count} SKPD disimpan / stored")


@satudata_group.command("digest")
@click.option("--tanggal", help="The day to compare with, YYYY-MM-DD (default today)")
def digest(tanggal: str | None) -> None:
    """Mail each SKPD's editors and admins its overdue datasets (SKPD without any: no mail)."""
    sent = notices.weekly_digest(_day(tanggal))
    for skpd, addresses in sent.items():
        click.echo(f"  {skpd}: {len(addresses)} surel / e-mails")
    click.echo(f"Ringkasan mingguan / weekly digest: {sum(len(a) for a in sent.values())} surel ke "
               f"{sum(1 for a in sent.values() if a)} SKPD")
