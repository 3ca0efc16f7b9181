"""Registry of schema validators: what each capability exports (``toolkit.blanket.validators``)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ckanext.bandaaceh import managed
from ckanext.bandaaceh.apbdes.portal import validators as apbdes_validators
from ckanext.bandaaceh.organisations import validators as org_validators
from ckanext.bandaaceh.satudata import validators as satudata_validators

__all__ = ["get_validators"]


def get_validators() -> dict[str, Callable[..., Any]]:
    return {
        # organisation schema
        "bandaaceh_kode_organisasi": org_validators.bandaaceh_kode_organisasi,
        "bandaaceh_urusan": org_validators.bandaaceh_urusan,
        "bandaaceh_phone": org_validators.bandaaceh_phone,
        "bandaaceh_org_kode_wilayah": org_validators.bandaaceh_org_kode_wilayah,
        "bandaaceh_org_identity": org_validators.bandaaceh_org_identity,
        "bandaaceh_org_unique": org_validators.bandaaceh_org_unique,
        # Satu Data dataset schema
        "bandaaceh_kode_wilayah": satudata_validators.bandaaceh_kode_wilayah,
        "bandaaceh_tahun": satudata_validators.bandaaceh_tahun,
        "bandaaceh_walidata": satudata_validators.bandaaceh_walidata,
        "bandaaceh_satudata_status": satudata_validators.bandaaceh_satudata_status,
        "bandaaceh_reserved_name": satudata_validators.bandaaceh_reserved_name,
        # APBG dataset schema
        "bandaaceh_apbdes_guard": apbdes_validators.bandaaceh_apbdes_guard,
        "bandaaceh_apbdes_tahun": apbdes_validators.bandaaceh_apbdes_tahun,
        "bandaaceh_apbdes_amount": apbdes_validators.bandaaceh_apbdes_amount,
        "bandaaceh_apbdes_amount_map": apbdes_validators.bandaaceh_apbdes_amount_map,
        "bandaaceh_apbdes_count": apbdes_validators.bandaaceh_apbdes_count,
        # complaint dataset schema (APBG and Satu Data call it from their own guards)
        "bandaaceh_keep_published": managed.bandaaceh_keep_published,
    }
