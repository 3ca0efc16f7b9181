"""Registry of blueprints: the web pages of each capability (``toolkit.blanket.blueprints``)."""
from __future__ import annotations

from flask import Blueprint

from ckanext.bandaaceh.apbdes.portal.views import apbdes_pages
from ckanext.bandaaceh.pengaduan.portal.views import pengaduan_pages
from ckanext.bandaaceh.satudata.datajson import datajson_pages
from ckanext.bandaaceh.satudata.wilayah import wilayah_pages
from ckanext.bandaaceh.satudata.views import satudata_pages

__all__ = ["get_blueprints"]


def get_blueprints() -> list[Blueprint]:
    return [apbdes_pages, datajson_pages, pengaduan_pages, wilayah_pages, satudata_pages]
