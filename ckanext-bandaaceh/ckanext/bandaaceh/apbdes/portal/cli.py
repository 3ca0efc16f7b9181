"""``ckan bandaaceh apbdes ...``: import gampong budgets (APBG) from the command line.

Runs the same action as the API and the web page (``apbdes_import``).
"""
from __future__ import annotations

import os
import sys
from decimal import Decimal
from typing import Any

import click

import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

from ckanext.bandaaceh import apbdes
from ckanext.bandaaceh.site import site_user_name, validation_messages

from .importer import LOCAL_FLAG

__all__ = ["apbdes_group"]


@click.group("apbdes", short_help="Gampong budgets (APBG/APBDes)")
def apbdes_group() -> None:
    """Gampong budgets (APBG/APBDes)."""


def _print_problems(problems: list[dict[str, Any]]) -> None:
    for p in problems:
        tag = click.style("GALAT", fg="red", bold=True) if p["severity"] == "error" else \
            click.style("PERINGATAN", fg="yellow")
        click.echo(f"  {tag} [{p['code']}] {p['text']}")
        if p["code"] == "missing_period":
            click.echo("      -> ulangi dengan --periode semester-1 atau --periode tahunan")
        for r in p.get("related") or []:
            click.echo(f"      akibatnya juga: {r['message']}")


def _print_summary(result: dict[str, Any]) -> None:
    s = result.get("summary")
    if not s:
        return
    rp = lambda v: apbdes.format_rupiah(None if v in (None, "") else Decimal(v))  # noqa: E731
    click.echo(f"Gampong  : {result['gampong']['title']} ({result['gampong']['kode_wilayah']})")
    click.echo(f"Tahun    : {result.get('tahun')}   Tahap: {result.get('tahap')}"
               + (f" ({result['periode']})" if result.get("periode") else "")
               + f"   Tata letak: {result.get('layout')}")
    click.echo(f"Baris    : {s['line_count']} rincian")
    click.echo(f"Pendapatan {rp(s['pendapatan']):>22}   Belanja {rp(s['belanja']):>22}")
    click.echo(f"Pembiayaan netto {rp(s['pembiayaan_netto']):>16}   SILPA   {rp(s['silpa']):>22}")
    if s.get("realisasi_belanja") is not None:
        click.echo(f"Realisasi belanja {rp(s['realisasi_belanja'])} ({s.get('persen_realisasi_belanja') or '-'}%)"
                   f"   SILPA (realisasi) {rp(s.get('realisasi_silpa'))}")
    if s.get("sebelum_belanja") is not None:
        click.echo(f"Sebelum perubahan: pendapatan {rp(s['sebelum_pendapatan'])}   belanja {rp(s['sebelum_belanja'])}"
                   f"   SILPA {rp(s['sebelum_silpa'])}")
    change = s.get("perubahan_per_bidang") or {}
    for b, v in s["belanja_per_bidang"].items():
        click.echo(f"  bidang {b}: {rp(v)}" + (f"   (perubahan {rp(change[b])})" if b in change else ""))
    for c in result.get("kode_lokal") or []:
        click.echo(f"  kode di luar daftar: {c['kode']} {c['nama']} (baris {c['baris']})")
    for k, v in s["pendapatan_per_sumber_dana"].items():
        click.echo(f"  sumber dana {k}: {rp(v)}")


@apbdes_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--gampong", required=True, help="Gampong organisation name (gampong-lam-ara) or area code (11.71.07.2005)")
@click.option("--tahun", type=int, help="Fiscal year (default: as stated in the file)")
@click.option("--tahap", type=click.Choice(apbdes.TAHAP), help="Stage (default: as stated in the file, else murni)")
@click.option("--periode", type=click.Choice(apbdes.PERIODE), help="Reporting period of a realisasi")
@click.option("--layout", type=click.Choice(apbdes.LAYOUTS), help="Force a layout instead of detecting it")
@click.option("--nomor-peraturan", help="Number of the Qanun/Peraturan Gampong")
@click.option("--tanggal-peraturan", help="Its date, YYYY-MM-DD")
@click.option("--dry-run", is_flag=True, help="Only read and check; print the checks and totals")
@click.option("--user", "username", help="Act as this user (default: the site user)")
def import_(file: str, gampong: str, tahun: int | None, tahap: str | None, periode: str | None,
            layout: str | None, nomor_peraturan: str | None, tanggal_peraturan: str | None,
            dry_run: bool, username: str | None) -> None:
    """Check FILE and publish it as the gampong's APBG dataset (replacing the same tahun and tahap)."""
    user = username or site_user_name()
    name = os.path.basename(file)
    with click.progressbar(length=2 if dry_run else 4, label=name, file=click.get_text_stream("stderr"),
                           show_pos=True) as bar:
        state = {"done": 0}

        def progress(label: str, done: int, total: int) -> None:
            bar.label = f"{name}: {label}"
            if done > state["done"]:
                bar.update(done - state["done"])
                state["done"] = done

        context: dict[str, Any] = {"user": user, "bandaaceh_progress": progress, LOCAL_FLAG: True}
        data_dict: dict[str, Any] = {
            "gampong": gampong, "tahun": tahun, "tahap": tahap, "periode": periode, "layout": layout,
            "nomor_peraturan": nomor_peraturan, "tanggal_peraturan": tanggal_peraturan, "dry_run": dry_run,
        }
        try:
            with open(file, "rb") as fh:
                data_dict["upload"] = FileStorage(fh, filename=name)
                result = tk.get_action("apbdes_import")(context, data_dict)
        except tk.ValidationError as exc:
            click.echo("", err=True)
            problems = exc.error_dict.get("problems")
            if problems:
                click.echo(f"{name} DITOLAK: tidak ada yang diterbitkan atau diganti.")
                _print_problems(problems)
            else:
                for text in validation_messages(exc.error_dict, with_keys=True):
                    click.echo(f"{name}: {text}", err=True)
            sys.exit(1)
        except tk.NotAuthorized as exc:
            raise click.ClickException(f"{name}: tidak diizinkan: {exc}") from None
    _print_summary(result)
    _print_problems(result["problems"])
    if dry_run:
        verdict = "dapat diterbitkan" if result["can_publish"] else "TIDAK dapat diterbitkan"
        target = result.get("dataset_name") or "-"
        extra = " (akan mengganti dataset yang ada)" if result.get("existing") else ""
        click.echo(f"Uji coba: {result['error_count']} galat, {result['warning_count']} peringatan; "
                   f"{verdict} sebagai {target}{extra}.")
        if not result["can_publish"]:
            sys.exit(1)
        return
    ds = result["dataset"]
    click.echo(f"{'Diganti' if result['replaced'] else 'Diterbitkan'}: {ds['name']} "
               f"({ds.get('jumlah_baris')} baris, {result['warning_count']} peringatan)")
