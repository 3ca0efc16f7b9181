"""What the portal adds to the search index and to the dataset facets."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh.logic.validators import years_of

_ = tk._

#: Solr field of the year facet: a multi-valued string field of CKAN's schema.xml.
YEAR_FIELD = "vocab_tahun"


def dataset_facets(facets: dict[str, Any], package_type: str) -> dict[str, Any]:
    """SKPD, frequency, coverage and year first, then CKAN's own facets."""
    if package_type != "dataset":
        return facets
    ours = OrderedDict([
        ("organization", _("Produsen Data (SKPD)")),
        ("frekuensi", _("Frekuensi Penerbitan")),
        ("cakupan", _("Cakupan Wilayah")),
        (YEAR_FIELD, _("Tahun")),
    ])
    for key, label in facets.items():
        ours.setdefault(key, label)
    facets.clear()
    facets.update(ours)
    return facets


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    tahun = pkg_dict.get("tahun")
    if tahun:
        try:
            pkg_dict[YEAR_FIELD] = years_of(tahun)
        except ValueError:  # indexed before validation existed: leave it out
            pass
    return pkg_dict
