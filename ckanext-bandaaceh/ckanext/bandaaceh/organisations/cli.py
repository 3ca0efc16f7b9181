"""``ckan bandaaceh seed``: create or update every organisation from config/."""
from __future__ import annotations

import click

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh import reference

from .seed import desired_organisations, seed_organisations

__all__ = ["seed"]


@click.command()
@click.option("--config-dir", type=click.Path(exists=True, file_okay=False),
              help="Folder with skpd.yaml and reference/ (default: bandaaceh.config_dir)")
def seed(config_dir: str | None) -> None:
    """Create or update every SKPD, kecamatan and gampong organisation (idempotent)."""
    try:
        ref = reference.load(config_dir or tk.config.get("bandaaceh.config_dir") or None)
    except reference.ReferenceError as exc:
        raise click.ClickException(str(exc)) from exc
    total = sum(1 for _ in desired_organisations(ref))
    with click.progressbar(length=total, label="Organisasi", show_pos=True,
                           file=click.get_text_stream("stderr")) as bar:
        report = seed_organisations(ref, progress=lambda _name: bar.update(1))
    for name in report.created:
        click.echo(f"  created  {name}")
    for name in report.updated:
        click.echo(f"  updated  {name}")
    if report.changed:
        click.echo(f"{len(report.created)} created, {len(report.updated)} updated, "
                   f"{len(report.unchanged)} unchanged")
    else:
        click.echo(f"Nothing to change: all {len(report.unchanged)} organisations are up to date")
