"""Resources and DataStore tables that the portal writes itself, and who else may write them.

The APBG import and the spreadsheet harvester mark every resource they publish with
``datastore_loader = bandaaceh`` (:data:`ckanext.bandaaceh.datastore.LOADER_FIELD`): the
canonical CSV and the original file of a budget, the CSV tables and the original file of a
harvested spreadsheet. Their files and tables are computed from a source (the city-wide CSV is
built from the budgets' tables), so nobody edits them by hand: the chained auth functions below
refuse ``resource_update``/``resource_patch``/``resource_delete`` and the DataStore writes on
them. Sysadmins pass before these functions run; the importer and the harvester write as the
site user or with :data:`WRITER_FLAG` in their (server-side) context.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.bandaaceh.datastore import LOADER_FIELD, LOADER_NAME

__all__ = ["WRITER_FLAG", "is_writer", "keep_published", "bandaaceh_keep_published", "managed_resource", "refusal", "resource_update", "resource_patch",
           "resource_delete", "datastore_create", "datastore_upsert", "datastore_delete",
           "datastore_records_delete"]

_ = tk._

#: Context key of the portal's own writers (the APBG import); never reachable from the API.
WRITER_FLAG = "bandaaceh_apbdes_import"

AuthFunction = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]


def keep_published(data: dict[Any, Any], context: dict[str, Any]) -> None:
    """A published (active) dataset stays active on update: CKAN's "Unpublish" (``state: draft``,
    the edit form's yellow button) would hide it from search, the transparency pages and
    harvesters without a trace in the catalogue. A Satu Data dataset is withdrawn through its
    process (``status_satudata``); an APBG or complaint dataset is replaced by an import or
    deleted (an activity everyone sees)."""
    pkg = context.get("package")
    if isinstance(pkg, model.Package) and pkg.state == "active" and data.get(("state",)) == "draft":
        data[("state",)] = "active"


def bandaaceh_keep_published(key: Any, data: dict[Any, Any], errors: dict[Any, Any], context: dict[str, Any]) -> None:
    """Schema-level validator (``before_validators``) of :func:`keep_published`."""
    keep_published(data, context)


def is_writer(context: dict[str, Any]) -> bool:
    return bool(context.get(WRITER_FLAG) or context.get("ignore_auth"))


def managed_resource(resource_id: Any) -> model.Resource | None:
    """The resource if the portal manages it (it carries ``datastore_loader = bandaaceh``)."""
    if not resource_id or not isinstance(resource_id, str):
        return None
    res = model.Resource.get(resource_id)
    if res is None or (res.extras or {}).get(LOADER_FIELD) != LOADER_NAME:
        return None
    return res


def refusal() -> dict[str, Any]:
    return {"success": False, "msg": _(
        "Berkas dan tabel ini dikelola portal (impor APBG atau pemanenan spreadsheet) dan tidak dapat "
        "diubah langsung; perbaiki berkas sumbernya lalu impor atau panen ulang.")}


def _guard(resource_key: str) -> Callable[[AuthFunction], AuthFunction]:
    """A chained auth function refusing writes to a managed resource (id in ``resource_key``)."""
    def wrap(name: str) -> AuthFunction:
        @tk.chained_auth_function
        def auth(next_auth: AuthFunction, context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
            if not is_writer(context) and managed_resource((data_dict or {}).get(resource_key)) is not None:
                return refusal()
            return next_auth(context, data_dict)
        auth.__name__ = auth.__qualname__ = name
        auth.__doc__ = f"``{name}``: refused on resources the portal manages (see module docstring)."
        return auth
    return wrap  # type: ignore[return-value]


resource_update = _guard("id")("resource_update")
resource_patch = _guard("id")("resource_patch")
resource_delete = _guard("id")("resource_delete")
datastore_create = _guard("resource_id")("datastore_create")
datastore_upsert = _guard("resource_id")("datastore_upsert")
datastore_delete = _guard("resource_id")("datastore_delete")
datastore_records_delete = _guard("resource_id")("datastore_records_delete")
