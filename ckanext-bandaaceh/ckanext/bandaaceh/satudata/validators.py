"""Validators of the Satu Data dataset schema (``schemas/dataset.yaml``)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh import reference
from ckanext.bandaaceh.apbdes.portal.identity import reserved_name_error
from ckanext.bandaaceh.site import is_empty, portal_reference

from .years import normalise_years

__all__ = ["bandaaceh_kode_wilayah", "bandaaceh_tahun", "bandaaceh_walidata", "bandaaceh_reserved_name"]

_ = tk._


def bandaaceh_walidata(value: Any) -> Any:
    """The city's walidata (option ``bandaaceh.walidata``) unless another is given."""
    if is_empty(value):
        return tk.config.get("bandaaceh.walidata")
    return value


def bandaaceh_kode_wilayah(value: Any) -> Any:
    """Dataset coverage: an area code of the city, a kecamatan or a gampong (default the city)."""
    if is_empty(value):
        return reference.KOTA_CODE
    value = str(value).strip()
    if value not in portal_reference().areas:
        raise tk.Invalid(_("Kode wilayah {code} tidak ada dalam Kepmendagri 300.2.2-2138/2025").format(code=value))
    return value


def bandaaceh_tahun(value: Any) -> Any:
    """Years covered: ``2024``, ``2019-2024`` or ``2019, 2021``; normalised."""
    if is_empty(value):
        return ""
    try:
        return normalise_years(str(value))
    except ValueError as exc:
        if str(exc) == "format":
            raise tk.Invalid(_("Tahun harus berbentuk 2024, 2019-2024 atau 2019, 2021")) from None
        raise tk.Invalid(_("Rentang tahun {text} tidak valid").format(text=str(exc))) from None


def bandaaceh_reserved_name(value: Any) -> Any:
    """A Satu Data dataset never takes a name reserved for APBG datasets (``apbg-...``)."""
    if message := reserved_name_error(value, "dataset"):
        raise tk.Invalid(message)
    return value
