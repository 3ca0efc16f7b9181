"""What the portal adds to the search index and to the facets of Satu Data datasets."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

import ckan.plugins.toolkit as tk

from .years import years_of

__all__ = ["YEAR_FIELD", "dataset_facets", "index_dataset"]

_ = tk._

#: Solr field of the year facet: a multi-valued string field of CKAN's schema.xml.
YEAR_FIELD = "vocab_tahun"


def dataset_facets(facets: dict[str, Any]) -> dict[str, Any]:
    """SKPD, frequency, coverage and year first, then CKAN's own facets."""
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


def index_dataset(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """The years covered as a multi-valued field, for the year facet."""
    tahun = pkg_dict.get("tahun")
    if tahun:
        try:
            pkg_dict[YEAR_FIELD] = years_of(tahun)
        except ValueError:  # indexed before validation existed: leave it out
            pass
    return pkg_dict
