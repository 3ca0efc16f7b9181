"""What the portal adds to the search index and to the facets of Satu Data datasets."""
from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.search import SearchError

from .years import years_of

__all__ = ["YEAR_FIELD", "dataset_facets", "index_dataset", "text_search", "EDISMAX_PARSER"]

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


#: Prefix of the free-text queries we send: Solr's edismax parser as local parameters with OR
#: between the words, so that ``mm`` decides how many must match (CKAN always sends
#: ``q.op=AND``, which edismax applies before ``mm``; ``q.op`` is not a parameter CKAN passes on).
EDISMAX = "{!edismax q.op=OR}"
#: the parser of EDISMAX, which the plugin adds to ``ckan.search.solr_allowed_query_parsers``
EDISMAX_PARSER = "edismax"
_USER_EDISMAX = re.compile(r"\{!\s*(?:type\s*=\s*)?edismax\b")


def text_search(params: dict[str, Any], mm: str) -> dict[str, Any]:
    """A free-text dataset search (``q`` without a field name, as CKAN tells them apart) goes to
    Solr's edismax parser with minimum-should-match ``mm`` (``bandaaceh.search.mm``).

    edismax, unlike CKAN's default dismax, analyses the whole query at once, so the multi-word
    synonyms of config/solr/synonyms.txt apply ("sekolah dasar" finds "SD" and back); ``mm``
    lets a two-word query also find datasets with one of the words, ranked below those with
    both (CKAN's own ``2<-1 5<80%`` requires both). A caller's own ``defType`` or ``mm`` wins.
    Callers may not send edismax local parameters themselves (only this function does):
    ``SearchError``, as CKAN answers for other local parameters.
    """
    for key, value in params.items():
        if any(isinstance(v, str) and _USER_EDISMAX.search(v)
               for v in (value if isinstance(value, list) else [value])):
            raise SearchError(f"Local parameters are not supported in param '{key}'.")
    q = params.get("q") or ""
    if q.strip() and not any(c in q for c in ":{}") and "defType" not in params:
        params["q"] = EDISMAX + q
        params["defType"] = "lucene"  # reads the local parameters; qf, tie, mm still apply
        params.setdefault("mm", mm)
    return params
