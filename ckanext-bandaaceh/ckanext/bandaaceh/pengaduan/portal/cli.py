"""``ckan bandaaceh pengaduan ...``: import a channel's export; load the sample figures."""
from __future__ import annotations

import datetime as dt
import io
import os
import sys
from typing import Any

import ckan.plugins.toolkit as tk
import click
from werkzeug.datastructures import FileStorage

from ckanext.bandaaceh.site import site_user_name, validation_messages

from .importer import channel_standards
from .samples import sample_export

__all__ = ["pengaduan_group"]


@click.group("pengaduan", short_help="Complaint channel figures (SP4N-LAPOR!, SUWARGA, SMS LPM)")
def pengaduan_group() -> None:
    """Complaint channel figures (SP4N-LAPOR!, SUWARGA, SMS LPM)."""


def _run(user: str, data: bytes, filename: str, params: dict[str, Any]) -> dict[str, Any]:
    try:
        return tk.get_action("pengaduan_import")({"user": user}, {
            "upload": FileStorage(io.BytesIO(data), filename=filename), **params})
    except tk.ValidationError as exc:
        for text in validation_messages(exc.error_dict, with_keys=True):
            click.echo(f"{filename} DITOLAK: {text}", err=True)
        sys.exit(1)
    except tk.NotAuthorized as exc:
        raise click.ClickException(f"{filename}: tidak diizinkan: {exc}") from None


@pengaduan_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--kanal", required=True, help="lapor, suwarga or sms-lpm")
@click.option("--periode", help="YYYY-MM, for an export of counts (it has no dates)")
@click.option("--buang-data-pribadi", "drop_personal", is_flag=True,
              help="Leave out personal data columns (otherwise such a file is refused)")
@click.option("--buang-kolom", "drop_columns", multiple=True,
              help="Leave out this column (repeatable); another personal data column still refuses the file")
@click.option("--skpd", help="SP4N-LAPOR! only: this SKPD's figures only (every row must name it)")
@click.option("--dry-run", is_flag=True, help="Only read, check and print the computed figures")
@click.option("--user", "username", help="Act as this user (default: the site user)")
def import_(file: str, kanal: str, periode: str | None, drop_personal: bool, drop_columns: tuple[str, ...],
            skpd: str | None, dry_run: bool, username: str | None) -> None:
    """Compute the monthly figures of FILE and publish them in the channel's yearly dataset
    (SP4N-LAPOR!: each SKPD's yearly dataset; the site user imports the city-wide export)."""
    with open(file, "rb") as fh:
        data = fh.read()
    result = _run(username or site_user_name(), data, os.path.basename(file),
                  {"kanal": kanal, "periode": periode, "drop_personal": drop_personal,
                   "buang_kolom": list(drop_columns), "dry_run": dry_run, "skpd": skpd})
    if result["kolom_dibuang"]:
        click.echo(f"Kolom dibuang (tidak dibaca, tidak disimpan): {', '.join(result['kolom_dibuang'])}")
    click.echo(f"{result['jumlah_baris']} baris statistik untuk bulan {', '.join(result['bulan'])}")
    for ds in result["dataset"]:
        click.echo(f"Diterbitkan: {ds['name']} (sampai {ds['bulan_terakhir']})")


@pengaduan_group.command("contoh")
@click.option("--tahun", type=int, default=lambda: dt.date.today().year - 1, show_default="last year")
def samples(tahun: int) -> None:
    """Load 12 months of generated sample figures for every channel (titled [CONTOH])."""
    user = site_user_name()
    for kanal in channel_standards():
        result = _run(user, sample_export(kanal, tahun), f"contoh-{kanal}-{tahun}.xlsx",
                      {"kanal": kanal, "contoh": True})
        click.echo(f"{kanal}: {', '.join(d['name'] for d in result['dataset'])}")
