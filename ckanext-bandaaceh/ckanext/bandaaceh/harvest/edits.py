"""Hand edits of harvested datasets: one rule.

* A field the source entry sets (its ``name``, the harvest source's organisation, and every
  metadata field of the entry or its defaults, ``tags`` as ``tag_string``) belongs to the
  source: it is read-only in the dataset form (shown with the source link) and
  ``package_update``/``package_patch`` refuse a different value naming the field. Change it in
  the spreadsheet's entry (``harvesters/*.yaml`` or the index manifest).
* Every other field (e.g. ``maintainer``, ``kode_referensi`` when the entry leaves them out) and
  every resource added by hand stay editable, and a re-harvest keeps them: the harvester starts
  from the stored dataset and overwrites only the source's fields and its own resources.
* The files and DataStore tables the harvester publishes are written by it only (see
  :mod:`ckanext.bandaaceh.managed`).

A field that the entry stops setting keeps its last value and becomes editable.
"""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest.model import HarvestObject

from .config import Entry

__all__ = ["HARVESTER_NAME", "current_object", "source_fields", "merged_dataset", "locked_field",
           "package_update"]

HARVESTER_NAME = "bandaaceh_spreadsheet"
#: Keys of a shown dataset that are never sent back: derived, or written separately.
NOT_SENT = ("resources", "organization", "groups", "relationships_as_object", "relationships_as_subject",
            "num_resources", "num_tags", "metadata_created", "metadata_modified", "creator_user_id")


def current_object(package_id: str) -> HarvestObject | None:
    """The current harvest object of a dataset published by this harvester, or None."""
    obj = (model.Session.query(HarvestObject)
           .filter(HarvestObject.package_id == package_id)
           .filter(HarvestObject.current == True)  # noqa: E712
           .first())
    if obj is None or obj.source is None or obj.source.type != HARVESTER_NAME:
        return None
    return obj


def _entry(obj: HarvestObject) -> Entry | None:
    try:
        data = json.loads(obj.content or "{}").get("entry")
    except ValueError:
        return None
    return Entry.from_dict(data) if data else None


def source_fields(entry: Entry) -> list[str]:
    """The dataset fields this entry sets (see the module docstring)."""
    fields = ["name", "owner_org"]
    for key in entry.metadata:
        fields.append("tag_string" if key == "tags" else key)
    return fields


def merged_dataset(existing: dict[str, Any] | None, fields: dict[str, Any]) -> dict[str, Any]:
    """The stored dataset with the source's ``fields`` on top (free fields kept as edited)."""
    out = {k: v for k, v in (existing or {}).items() if k not in NOT_SENT}
    if "tag_string" in fields:
        out.pop("tags", None)
    out.update(fields)
    return out


def _entry_of(data_dict: dict[str, Any]) -> tuple[model.Package, Entry] | None:
    pkg = model.Package.get(str(data_dict.get("id") or data_dict.get("name") or ""))
    if pkg is None:
        return None
    obj = current_object(pkg.id)
    entry = _entry(obj) if obj is not None else None
    return (pkg, entry) if entry is not None else None


def _tags(value: Any) -> list[str]:
    if isinstance(value, list):
        return sorted({str(t.get("name") if isinstance(t, dict) else t).strip() for t in value} - {""})
    return sorted({t.strip() for t in str(value or "").split(",")} - {""})


def _message(entry: Entry) -> str:
    return tk._("Kolom ini berasal dari sumber panen {url} dan diperbarui setiap kali sumbernya berubah; "
                "ubah di berkas atau entri sumbernya.").format(url=entry.url)


def _check(data_dict: dict[str, Any], stored: dict[str, Any], entry: Entry) -> dict[str, list[str]]:
    """Fill the source's fields left out, and name those given with another value."""
    errors: dict[str, list[str]] = {}
    for field in source_fields(entry):
        if field == "tag_string":
            current = _tags(stored.get("tags"))
            if "tag_string" in data_dict:
                given = _tags(data_dict["tag_string"])
            elif "tags" in data_dict:
                given = _tags(data_dict["tags"])
            else:
                data_dict["tag_string"] = ",".join(current)
                continue
            if given != current:
                errors[field] = [_message(entry)]
            continue
        current = stored.get(field)
        given = data_dict.get(field)
        if given is None:
            data_dict[field] = current
            continue
        if field == "owner_org":
            group = model.Group.get(str(given))
            given = group.id if group is not None else given
        if str(given).strip() != str(current if current is not None else "").strip():
            errors[field] = [_message(entry)]
    return errors


@tk.chained_action
def package_update(next_action: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """``package_update``/``package_patch``: the source's fields of a harvested dataset stay as harvested.

    The harvester itself (and other server-side code) acts with ``ignore_auth`` and passes.
    """
    if not context.get("ignore_auth"):
        found = _entry_of(data_dict)
        if found is not None:
            pkg, entry = found
            stored = tk.get_action("package_show")({"ignore_auth": True, "for_view": False}, {"id": pkg.id})
            if errors := _check(data_dict, stored, entry):
                raise tk.ValidationError(errors)
    return next_action(context, data_dict)


def locked_field(data: dict[str, Any], field_name: str) -> str | None:
    """Template helper: the source URL if ``field_name`` of this dataset comes from its source."""
    pkg_id = (data or {}).get("id")
    if not pkg_id:
        return None
    found = _entry_of({"id": pkg_id})
    if found is None:
        return None
    _pkg, entry = found
    return entry.url if field_name in source_fields(entry) else None
