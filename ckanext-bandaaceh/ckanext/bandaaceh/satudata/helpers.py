"""Template helpers of the dataset pages and the home page."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh import reference
from ckanext.bandaaceh.site import all_organisations, portal_reference

__all__ = ["bandaaceh_facet_label_function", "bandaaceh_portal_stats"]


def bandaaceh_facet_label_function(facet: str, dataset_type: str = "dataset"
                                   ) -> Callable[[dict[str, Any]], str] | None:
    """Label of a facet value: the schema's choice label, or the area name of a code."""
    schema = tk.h.scheming_get_dataset_schema(dataset_type) or {}
    field = next((f for f in schema.get("dataset_fields", []) if f["field_name"] == facet), None)
    if field is None:
        return None
    if facet == "kode_wilayah":
        areas = portal_reference().areas
        return lambda item: reference.area_title(areas[item["name"]]) if item["name"] in areas \
            else item["display_name"]
    choices = tk.h.scheming_field_choices(field)
    if not choices:
        return None
    labels = {c["value"]: tk.h.scheming_language_text(c["label"]) for c in choices}
    return lambda item: labels.get(item["name"], item["display_name"])


def bandaaceh_portal_stats() -> dict[str, Any]:
    """Figures for the home page: public datasets, work units and gampong on the portal."""
    datasets = tk.get_action("package_search")({}, {"q": "*:*", "rows": 0})["count"]
    orgs = all_organisations()
    gampong = sum(1 for o in orgs if o.get("jenis") == "gampong")
    try:
        transparency_url = tk.h.url_for("bandaaceh_apbdes.transparency")
    except Exception:  # the APBG pages are not registered (plugin order, tests)
        transparency_url = None
    return {"datasets": datasets, "skpd": len(orgs) - gampong, "gampong": gampong,
            "transparency_url": transparency_url}
