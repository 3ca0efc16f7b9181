"""Registry of template helpers: what each capability exports (``toolkit.blanket.helpers``)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ckanext.bandaaceh.apbdes.portal import helpers as apbdes_helpers
from ckanext.bandaaceh.chart import view as chart_view
from ckanext.bandaaceh.organisations import helpers as org_helpers
from ckanext.bandaaceh.satudata import helpers as satudata_helpers

__all__ = ["get_helpers"]


def get_helpers() -> dict[str, Callable[..., Any]]:
    return {
        # organisations
        "bandaaceh_urusan_choices": org_helpers.bandaaceh_urusan_choices,
        "bandaaceh_wilayah_choices": org_helpers.bandaaceh_wilayah_choices,
        "bandaaceh_area": org_helpers.bandaaceh_area,
        "bandaaceh_area_parent": org_helpers.bandaaceh_area_parent,
        "bandaaceh_org_directory": org_helpers.bandaaceh_org_directory,
        "bandaaceh_org_wilayah": org_helpers.bandaaceh_org_wilayah,
        # Satu Data datasets and the home page
        "bandaaceh_facet_label_function": satudata_helpers.bandaaceh_facet_label_function,
        "bandaaceh_portal_stats": satudata_helpers.bandaaceh_portal_stats,
        "bandaaceh_satudata_status": satudata_helpers.bandaaceh_satudata_status,
        "bandaaceh_satudata_label": satudata_helpers.bandaaceh_satudata_label,
        # APBG
        "bandaaceh_rupiah": apbdes_helpers.bandaaceh_rupiah,
        "bandaaceh_percent": apbdes_helpers.bandaaceh_percent,
        "bandaaceh_apbdes_tahap_label": apbdes_helpers.bandaaceh_apbdes_tahap_label,
        "bandaaceh_apbdes_headline": apbdes_helpers.bandaaceh_apbdes_headline,
        "bandaaceh_apbdes_charts": apbdes_helpers.bandaaceh_apbdes_charts,
        "bandaaceh_apbdes_bidang": apbdes_helpers.bandaaceh_apbdes_bidang,
        "bandaaceh_apbdes_sumber_dana": apbdes_helpers.bandaaceh_apbdes_sumber_dana,
        "bandaaceh_apbdes_minus": apbdes_helpers.bandaaceh_apbdes_minus,
        "bandaaceh_apbdes_ranking_charts": apbdes_helpers.bandaaceh_apbdes_ranking_charts,
        # charts of DataStore tables (resource view bandaaceh_chart)
        "bandaaceh_chart_fields": chart_view.bandaaceh_chart_fields,
    }
