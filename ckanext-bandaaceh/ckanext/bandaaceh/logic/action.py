"""Registry of API actions: what each capability exports (``toolkit.blanket.actions``)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ckanext.bandaaceh.apbdes.portal import logic as apbdes_logic
from ckanext.bandaaceh.organisations import cache as org_cache
from ckanext.bandaaceh.pengaduan.portal import logic as pengaduan_logic
from ckanext.bandaaceh.security import visibility
from ckanext.bandaaceh.satudata import logic as satudata_logic

__all__ = ["get_actions"]


def get_actions() -> dict[str, Callable[..., Any]]:
    return {
        "apbdes_import": apbdes_logic.apbdes_import,
        "apbdes_import_status": apbdes_logic.apbdes_import_status,
        "apbdes_transparency": apbdes_logic.apbdes_transparency,
        "pengaduan_import": pengaduan_logic.pengaduan_import,
        "pengaduan_ringkasan": pengaduan_logic.pengaduan_ringkasan,
        # chained: CKAN's own, answered from memory while nothing changed
        "organization_list": org_cache.organization_list,
        # chained: private datasets' tags and organisations' members stay private
        "tag_list": visibility.tag_list,
        "tag_search": visibility.tag_search,
        "tag_autocomplete": visibility.tag_autocomplete,
        "tag_show": visibility.tag_show,
        "organization_show": visibility.organization_show,
        "satudata_ajukan": satudata_logic.satudata_ajukan,
        "satudata_verifikasi": satudata_logic.satudata_verifikasi,
        "satudata_kembalikan": satudata_logic.satudata_kembalikan,
        "satudata_status": satudata_logic.satudata_status,
        "satudata_antrian": satudata_logic.satudata_antrian,
        "satudata_jadwal": satudata_logic.satudata_jadwal,
        "satudata_rapor": satudata_logic.satudata_rapor,
        # chained: the apbg- name prefix is reserved for APBG datasets (every dataset type), and
        # the files of a budget are the import's
        "package_create": apbdes_logic.package_create,
        "package_update": apbdes_logic.package_update,
    }
