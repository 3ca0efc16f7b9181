"""Typed DataStore tables that the portal loads itself (harvested tables, APBG lines).

The one DataStore loader of both features.

Resources loaded here carry ``datastore_loader = bandaaceh``; the plugin's ``IXloader.can_upload``
then keeps ckanext-xloader from re-loading them from their CSV file with guessed types.
Hand-uploaded CSV/XLSX files of stewards still go through xloader as on any CKAN site.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh.site import site_context

#: Resource field marking a DataStore table loaded by this extension.
LOADER_FIELD = "datastore_loader"
LOADER_NAME = "bandaaceh"
BATCH = 5000


def loaded_by_us(resource: dict[str, Any]) -> bool:
    return resource.get(LOADER_FIELD) == LOADER_NAME


def xloader_may_load(resource_id: str) -> bool:
    """False for the resources whose table this module loads (ckanext-xloader's ``can_upload``)."""
    try:
        resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
    except tk.ObjectNotFound:
        return True
    return not loaded_by_us(resource)


def _batches(records: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    it = iter(records)
    while batch := list(islice(it, BATCH)):
        yield batch


def replace_table(resource_id: str, fields: list[dict[str, Any]],
                  records: Iterable[dict[str, Any]], context: dict[str, Any] | None = None) -> int:
    """Create, or drop and create again, the DataStore table of a resource.

    ``fields`` are DataStore field dicts (``{"id": "anggaran", "type": "numeric"}``); values
    must already be typed (Decimal, int, date, str). Callers check their data *before* calling
    this, so that a bad file never reaches the DataStore. Returns the number of rows loaded.
    """
    if context is None:
        context = site_context()
    ctx = lambda: dict(context)  # noqa: E731 - a fresh context per action
    try:
        tk.get_action("datastore_delete")(ctx(), {"resource_id": resource_id, "force": True})
    except tk.ObjectNotFound:
        pass
    batches = _batches(records)
    first = next(batches, [])
    tk.get_action("datastore_create")(ctx(), {
        "resource_id": resource_id, "force": True, "fields": fields,
        "records": _jsonable(first), "calculate_record_count": True,
    })
    total = len(first)
    for batch in batches:
        tk.get_action("datastore_upsert")(ctx(), {
            "resource_id": resource_id, "force": True, "method": "insert",
            "records": _jsonable(batch), "calculate_record_count": True,
        })
        total += len(batch)
    return total


def _jsonable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Decimals and dates as strings: the DataStore casts them to the column types."""
    out = []
    for row in rows:
        out.append({k: (v if v is None or isinstance(v, (str, int, float, bool)) else str(v))
                    for k, v in row.items()})
    return out
