"""Validators of the Satu Data dataset schema (``schemas/dataset.yaml``)."""
from __future__ import annotations

import datetime
from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.bandaaceh import reference
from ckanext.bandaaceh.managed import keep_published
from ckanext.bandaaceh.apbdes.portal.identity import reserved_name_error
from ckanext.bandaaceh.site import is_empty, portal_reference

from .workflow import DRAF, SINCE_FIELD, STATES, STATUS_FIELD, TERBIT
from .years import normalise_years

__all__ = ["bandaaceh_kode_wilayah", "bandaaceh_tahun", "bandaaceh_walidata", "bandaaceh_satudata_status",
           "bandaaceh_reserved_name", "TRANSITION_CONTEXT", "now_iso"]

#: Context key with which the Satu Data actions (and the harvester) set the status fields;
#: without it ``status_satudata`` and ``status_satudata_sejak`` keep their stored values.
TRANSITION_CONTEXT = "bandaaceh_satudata_transition"

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


def now_iso() -> str:
    """The current UTC time as stored in ``status_satudata_sejak``."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds")


def _stored(field: str, data: dict[Any, Any], context: dict[str, Any]) -> str:
    """The field's value as the actions left it; for a new dataset ``draf`` (a sysadmin's public
    dataset: ``terbit``), for one saved before the process existed ``terbit`` if it is public."""
    pkg = context.get("package")
    if isinstance(pkg, model.Package) and pkg.extras.get(field):
        return pkg.extras[field]
    if isinstance(pkg, model.Package):
        if field == SINCE_FIELD:
            return ""
        return TERBIT if not pkg.private and pkg.state == "active" else DRAF
    if field == SINCE_FIELD:
        return now_iso()
    private = data.get(("private",))
    public = private is tk.missing or private is None or not tk.asbool(private)
    return TERBIT if public and authz.is_sysadmin(context.get("user")) else DRAF


def bandaaceh_satudata_status(key: Any, data: dict[Any, Any], errors: dict[Any, Any],
                              context: dict[str, Any]) -> None:
    """``status_satudata`` / ``status_satudata_sejak``: set only by the Satu Data actions.

    Any other create or update keeps the stored value (or the initial one), and the dataset is
    private unless it is ``terbit``."""
    field = key[-1]
    value = data.get(key)
    if context.get(TRANSITION_CONTEXT) and not is_empty(value):
        if field == STATUS_FIELD and value not in STATES:
            errors[key].append(tk._("Status {value} tidak dikenal").format(value=value))
            return
    else:
        value = _stored(field, data, context)
        data[key] = value
    if field == STATUS_FIELD:
        data[("private",)] = value != TERBIT
        keep_published(data, context)


def bandaaceh_reserved_name(value: Any) -> Any:
    """A Satu Data dataset never takes a name reserved for APBG datasets (``apbg-...``)."""
    if message := reserved_name_error(value, "dataset"):
        raise tk.Invalid(message)
    return value
