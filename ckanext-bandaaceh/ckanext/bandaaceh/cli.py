"""Registry of ``ckan bandaaceh ...`` commands: each capability's commands (``toolkit.blanket.cli``)."""
from __future__ import annotations

import click

from ckanext.bandaaceh.apbdes.portal.cli import apbdes_group
from ckanext.bandaaceh.harvest.cli import harvesters
from ckanext.bandaaceh.organisations.cli import seed
from ckanext.bandaaceh.pengaduan.portal.cli import pengaduan_group
from ckanext.bandaaceh.satudata.cli import satudata_group

__all__ = ["bandaaceh"]


@click.group(short_help="Banda Aceh portal commands")
def bandaaceh() -> None:
    """Commands of the Banda Aceh open data portal."""


bandaaceh.add_command(seed)
bandaaceh.add_command(apbdes_group, "apbdes")
bandaaceh.add_command(harvesters)
bandaaceh.add_command(pengaduan_group, "pengaduan")
bandaaceh.add_command(satudata_group, "satudata")
