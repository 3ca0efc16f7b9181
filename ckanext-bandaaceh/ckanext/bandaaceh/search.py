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
    if package_type == "apbdes":
        return apbdes_facets(facets)
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
    if pkg_dict.get("type") == "apbdes":
        return apbdes_index(pkg_dict)
    tahun = pkg_dict.get("tahun")
    if tahun:
        try:
            pkg_dict[YEAR_FIELD] = years_of(tahun)
        except ValueError:  # indexed before validation existed: leave it out
            pass
    return pkg_dict


# --- APBG (apbdes) datasets ------------------------------------------------------------------
#: Amount fields of an APBG dataset indexed as sortable strings ``apbdes_<field>_sort``.
APBDES_SORTABLE = (
    "total_pendapatan", "total_belanja", "pembiayaan_netto", "silpa",
    "belanja_bidang_01", "belanja_bidang_02", "belanja_bidang_03", "belanja_bidang_04",
    "belanja_bidang_05", "realisasi_pendapatan", "realisasi_belanja",
    "persen_realisasi_pendapatan", "persen_realisasi_belanja",
)


def apbdes_facets(facets: dict[str, Any]) -> dict[str, Any]:
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


def apbdes_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Index the computed summary of an APBG dataset.

    CKAN's Solr schema has no numeric dynamic field (only ``*_date``), so amounts go into
    single-valued string fields (the schema's ``*`` catch-all) as fixed-width strings that sort
    and range-query like numbers (``apbdes_total_belanja_sort``; see
    ``apbdes_publish.sortable_amount``). Identity fields are indexed as exact strings for facets.
    """
    import json

    from ckanext.bandaaceh.apbdes_publish import sortable_amount

    for src, dst in (("tahun_anggaran", "apbdes_tahun"), ("tahap", "apbdes_tahap"),
                     ("periode", "apbdes_periode"), ("kecamatan", "apbdes_kecamatan"),
                     ("kode_kecamatan", "apbdes_kode_kecamatan"), ("kode_wilayah", "apbdes_kode_wilayah")):
        if pkg_dict.get(src):
            pkg_dict[dst] = pkg_dict[src]
    if pkg_dict.get("tahun_anggaran"):
        pkg_dict[YEAR_FIELD] = [str(pkg_dict["tahun_anggaran"])]
    for field in APBDES_SORTABLE:
        try:
            key = sortable_amount(pkg_dict.get(field))
        except ArithmeticError:
            key = None
        if key:
            pkg_dict[f"apbdes_{field}_sort"] = key
    try:
        sources = json.loads(pkg_dict.get("pendapatan_sumber_dana") or "{}")
    except ValueError:
        sources = {}
    if isinstance(sources, dict):
        pkg_dict["vocab_apbdes_sumber_dana"] = sorted(sources)
        for code, amount in sources.items():
            try:
                key = sortable_amount(amount)
            except ArithmeticError:
                key = None
            if key:
                pkg_dict[f"apbdes_pendapatan_{str(code).lower()}_sort"] = key
    return pkg_dict
