"""What the portal adds to the search index and the facets of APBG (``apbdes``) datasets."""
from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from decimal import Decimal
from typing import Any

import ckan.plugins.toolkit as tk
import pysolr
from ckan.lib.search.common import SearchError, make_connection
from ckan.lib.search.query import solr_literal

from ckanext.bandaaceh.satudata.search import YEAR_FIELD

from .identity import DATASET_TYPE, ROLE_FIELD, ROLE_LINES

__all__ = ["APBDES_SORTABLE", "ENTRY_KEYS", "LINES_TABLE_KEY", "SUMMARY_FIELD", "SUMMARY_KEYS", "sortable_amount", "dataset_facets",
           "index_dataset", "stored_summaries", "summary_digest", "stored_digests"]

_ = tk._

#: Amount fields of an APBG dataset indexed as sortable strings ``apbdes_<field>_sort``.
APBDES_SORTABLE = (
    "total_pendapatan", "total_belanja", "pembiayaan_netto", "silpa",
    "belanja_bidang_01", "belanja_bidang_02", "belanja_bidang_03", "belanja_bidang_04",
    "belanja_bidang_05", "realisasi_pendapatan", "realisasi_belanja",
    "persen_realisasi_pendapatan", "persen_realisasi_belanja",
)


def sortable_amount(value: Any) -> str | None:
    """Amount as a string that sorts (and range-queries) like the number, for Solr string fields.

    Cents, 18 digits, with ``1`` before non-negative and ``0`` before negative values (stored as
    10^18 minus their magnitude): ``1500000`` -> ``1000000000150000000``.
    """
    if value in (None, ""):
        return None
    cents = int((Decimal(str(value)) * 100).to_integral_value())
    if cents >= 0:
        return "1" + f"{min(cents, 10**18 - 1):018d}"
    return "0" + f"{max(10**18 + cents, 0):018d}"


def dataset_facets(facets: dict[str, Any]) -> dict[str, Any]:
    """Facets of the APBG search page (/apbdes): kecamatan, year, stage, funding sources."""
    ours = OrderedDict([
        ("apbdes_kecamatan", _("Kecamatan")),
        ("apbdes_tahun", _("Tahun Anggaran")),
        ("apbdes_tahap", _("Tahap")),
        ("vocab_apbdes_sumber_dana", _("Sumber Dana")),
        ("organization", _("Gampong")),
    ])
    facets.clear()
    facets.update(ours)
    return facets


def _sort_key(value: Any) -> str | None:
    try:
        return sortable_amount(value)
    except ArithmeticError:
        return None


#: What the city-wide overview (transparency.py) shows of a dataset besides name, title and URL.
ENTRY_KEYS = ("tahap", "periode", "total_pendapatan", "total_belanja", "pembiayaan_netto", "silpa",
              "realisasi_pendapatan", "realisasi_belanja", "realisasi_silpa", "persen_realisasi_pendapatan",
              "persen_realisasi_belanja", "nomor_peraturan", "metadata_modified",
              *(f"belanja_bidang_{b}" for b in ("01", "02", "03", "04", "05")))
#: What the search index stores of each budget for the overview, in :data:`SUMMARY_FIELD`.
SUMMARY_KEYS = ("name", "title", "kode_wilayah", *ENTRY_KEYS)
#: Stored search-index field holding :data:`SUMMARY_KEYS` of the validated dataset dict as JSON:
#: the overview asks the index for this field only, not for thousands of whole dataset dicts.
#: ``extras_*`` is the stored dynamic field of CKAN's Solr schema.
SUMMARY_FIELD = "extras_apbdes_ringkasan"
#: Key of the summary naming the resource id of the budget's lines table (if in the DataStore).
LINES_TABLE_KEY = "lines_resource_id"
#: Indexed (not stored) string field: :func:`summary_digest` of :data:`SUMMARY_FIELD`. A facet of
#: it tells which summaries the index holds without reading a stored field of every dataset.
DIGEST_FIELD = "apbdes_ringkasan_digest"


def summary_digest(summary: str) -> str:
    """The digest of one stored summary (JSON text) kept in :data:`DIGEST_FIELD`."""
    return hashlib.blake2b(summary.encode("utf-8"), digest_size=16).hexdigest()


def _index_summary(pkg_dict: dict[str, Any]) -> None:
    try:
        validated = json.loads(pkg_dict.get("validated_data_dict") or "{}")
    except ValueError:
        return
    summary = {k: validated.get(k) for k in SUMMARY_KEYS}
    # the DataStore table of its lines, for the year's CSV (no package_show per gampong)
    summary[LINES_TABLE_KEY] = next((r.get("id") for r in validated.get("resources") or []
                                     if r.get(ROLE_FIELD) == ROLE_LINES and r.get("datastore_active")), None)
    pkg_dict[SUMMARY_FIELD] = json.dumps(summary, separators=(",", ":"))
    pkg_dict[DIGEST_FIELD] = summary_digest(pkg_dict[SUMMARY_FIELD])


def index_dataset(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Index the computed summary of an APBG dataset.

    CKAN's Solr schema has no numeric dynamic field (only ``*_date``), so amounts go into
    single-valued string fields (the schema's ``*`` catch-all) as fixed-width strings that sort
    and range-query like numbers (``apbdes_total_belanja_sort``; see :func:`sortable_amount`).
    Identity fields are indexed as exact strings for facets; the overview's summary is stored
    (:data:`SUMMARY_FIELD`).
    """
    _index_summary(pkg_dict)
    for src, dst in (("tahun_anggaran", "apbdes_tahun"), ("tahap", "apbdes_tahap"),
                     ("periode", "apbdes_periode"), ("kecamatan", "apbdes_kecamatan"),
                     ("kode_kecamatan", "apbdes_kode_kecamatan"), ("kode_wilayah", "apbdes_kode_wilayah")):
        if pkg_dict.get(src):
            pkg_dict[dst] = pkg_dict[src]
    if pkg_dict.get("tahun_anggaran"):
        pkg_dict[YEAR_FIELD] = [str(pkg_dict["tahun_anggaran"])]
    for field in APBDES_SORTABLE:
        if key := _sort_key(pkg_dict.get(field)):
            pkg_dict[f"apbdes_{field}_sort"] = key
    try:
        sources = json.loads(pkg_dict.get("pendapatan_sumber_dana") or "{}")
    except ValueError:
        sources = {}
    if isinstance(sources, dict):
        pkg_dict["vocab_apbdes_sumber_dana"] = sorted(sources)
        for code, amount in sources.items():
            if key := _sort_key(amount):
                pkg_dict[f"apbdes_pendapatan_{str(code).lower()}_sort"] = key
    return pkg_dict


#: Rows per Solr request of :func:`stored_summaries` (one request for a province's 6,497 gampong).
SUMMARY_PAGE_ROWS = 10000


def _budget_filter(tahun: str) -> list[str]:
    """Solr filters of the APBG datasets of ``tahun`` of this site."""
    return [f"+dataset_type:{DATASET_TYPE}", f"+apbdes_tahun:{tahun}",
            f"+site_id:{solr_literal(tk.config.get('ckan.site_id'))}"]


def _published_filter(tahun: int) -> list[str]:
    """What ``package_search`` with ``ignore_auth`` finds of the APBG of ``tahun``: public and active."""
    return [*_budget_filter(str(int(tahun))), "+capacity:public", "+state:active"]


def _select(**params: Any) -> pysolr.Results:
    try:
        return make_connection(decode_dates=False).search(q="*:*", wt="json", **params)
    except pysolr.SolrError as exc:  # the outage page (outage.py) answers SearchError
        raise SearchError(f"Solr: {exc}") from exc


def stored_summaries(tahun: int, digests: list[str] | None = None) -> list[str] | None:
    """The :data:`SUMMARY_FIELD` (JSON text) of every active public APBG dataset of ``tahun``, in
    name order; None when a dataset has none (indexed before the field existed). ``digests``:
    only the summaries of these :func:`summary_digest` values (those the caller does not hold).

    Asked straight from Solr (what ``package_search`` with ``ignore_auth`` and ``fl`` finds:
    public, active), one request for up to :data:`SUMMARY_PAGE_ROWS` datasets: no CKAN result
    processing per dataset and no page size limit of ``ckan.search.rows_max``.
    """
    fq = _published_filter(tahun)
    if digests is not None:
        if not digests:
            return []
        fq.append(f"+{DIGEST_FIELD}:(" + " OR ".join(solr_literal(d) for d in digests) + ")")
    out: list[str] = []
    start = 0
    while True:
        res = _select(fq=fq, fl=SUMMARY_FIELD, sort="name asc", start=start, rows=SUMMARY_PAGE_ROWS)
        for doc in res.docs:
            if SUMMARY_FIELD not in doc:
                return None
            out.append(doc[SUMMARY_FIELD])
        start += SUMMARY_PAGE_ROWS
        if start >= res.hits:
            return out


def stored_digests(tahun: int) -> list[str] | None:
    """The sorted :func:`summary_digest` of every summary :func:`stored_summaries` would return,
    from one facet request of no rows (the index, not the stored fields of every dataset); None
    when a dataset has no digest (indexed before it existed)."""
    res = _select(fq=_published_filter(tahun), rows=0, facet="true", **{
        "facet.field": DIGEST_FIELD, "facet.limit": -1, "facet.mincount": 1, "facet.sort": "index"})
    counts = res.facets.get("facet_fields", {}).get(DIGEST_FIELD) or []
    out: list[str] = []
    for term, n in zip(counts[::2], counts[1::2]):
        out.extend([term] * int(n))
    return sorted(out) if len(out) == res.hits else None
