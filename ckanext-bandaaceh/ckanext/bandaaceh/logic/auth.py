"""Registry of auth functions: what each capability exports (``toolkit.blanket.auth_functions``)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ckanext.bandaaceh import managed
from ckanext.bandaaceh.security import visibility
from ckanext.bandaaceh.apbdes.portal import logic as apbdes_logic
from ckanext.bandaaceh.pengaduan.portal import logic as pengaduan_logic
from ckanext.bandaaceh.satudata import logic as satudata_logic

__all__ = ["get_auth_functions"]


def get_auth_functions() -> dict[str, Callable[..., Any]]:
    return {
        "apbdes_import": apbdes_logic.apbdes_import_auth,
        "apbdes_import_status": apbdes_logic.apbdes_import_status_auth,
        "apbdes_transparency": apbdes_logic.apbdes_transparency_auth,
        "pengaduan_import": pengaduan_logic.pengaduan_import_auth,
        "pengaduan_ringkasan": pengaduan_logic.pengaduan_ringkasan_auth,
        "member_list": visibility.member_list,  # chained: members are shown to members only
        "satudata_ajukan": satudata_logic.satudata_ajukan_auth,
        "satudata_verifikasi": satudata_logic.satudata_verifikasi_auth,
        "satudata_kembalikan": satudata_logic.satudata_kembalikan_auth,
        "satudata_status": satudata_logic.satudata_status_auth,
        "satudata_antrian": satudata_logic.satudata_antrian_auth,
        "satudata_jadwal": satudata_logic.satudata_jadwal_auth,
        "satudata_rapor": satudata_logic.satudata_rapor_auth,
        "bulk_update_public": satudata_logic.bulk_visibility_auth,
        "bulk_update_private": satudata_logic.bulk_visibility_auth,
        # chained: the files and tables of budgets and harvested spreadsheets (managed.py)
        "resource_create": apbdes_logic.resource_create_auth,
        "resource_update": managed.resource_update,
        "resource_patch": managed.resource_patch,
        "resource_delete": managed.resource_delete,
        "datastore_create": managed.datastore_create,
        "datastore_upsert": managed.datastore_upsert,
        "datastore_delete": managed.datastore_delete,
        "datastore_records_delete": managed.datastore_records_delete,
    }
