"""Template helpers of the dataset pages and the home page."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.bandaaceh import reference
from ckanext.bandaaceh.site import N_, all_organisations, portal_reference

from . import rapor
from .roles import is_member, is_produsen_org
from .workflow import DIAJUKAN, DIKEMBALIKAN, DIVERIFIKASI, DRAF, PEMBINA, PRODUSEN, TERBIT, WALIDATA

__all__ = ["bandaaceh_facet_label_function", "bandaaceh_portal_stats", "bandaaceh_satudata_status",
           "bandaaceh_satudata_label"]

_LABELS = {
    DRAF: N_("Draf"),
    DIAJUKAN: N_("Diajukan ke walidata"),
    DIVERIFIKASI: N_("Diverifikasi walidata, menunggu pembina data"),
    DIKEMBALIKAN: N_("Dikembalikan kepada produsen"),
    TERBIT: N_("Terbit"),
    PRODUSEN: N_("produsen data"),
    WALIDATA: N_("walidata"),
    PEMBINA: N_("pembina data"),
    "ajukan": N_("Ajukan ke walidata"),
    "verifikasi": N_("Verifikasi dan terbitkan"),
    "kembalikan": N_("Kembalikan kepada produsen"),
    # Rapor SKPD: the APBG stages and their states against the deadline
    "murni": N_("APBG Murni"),
    "perubahan": N_("APBG Perubahan"),
    "realisasi-semester-1": N_("Realisasi Semester I"),
    "realisasi-tahunan": N_("Realisasi Tahunan"),
    rapor.TEPAT: N_("Tepat waktu"),
    rapor.TERLAMBAT: N_("Terlambat"),
    rapor.BELUM_LEWAT: N_("Belum terbit, lewat tenggat"),
    rapor.BELUM: N_("Belum jatuh tempo"),
    rapor.TANPA_TENGGAT: N_("Terbit (tanpa tenggat)"),
}


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
    """Figures for the home page: public datasets, work units (not the pembina data) and gampong."""
    datasets = tk.get_action("package_search")({}, {"q": "*:*", "rows": 0})["count"]
    orgs = all_organisations()
    gampong = sum(1 for o in orgs if o.get("jenis") == "gampong")
    skpd = sum(1 for o in orgs if is_produsen_org(o))
    try:
        transparency_url = tk.h.url_for("bandaaceh_apbdes.transparency")
    except Exception:  # the APBG pages are not registered (plugin order, tests)
        transparency_url = None
    return {"datasets": datasets, "skpd": skpd, "gampong": gampong,
            "transparency_url": transparency_url}


def bandaaceh_satudata_label(value: str | None) -> str:
    """Indonesian (or English) label of a Satu Data state, role or action."""
    return tk._(_LABELS[value]) if value in _LABELS else (value or "")


def bandaaceh_satudata_status(pkg_id: str) -> dict[str, Any] | None:
    """``satudata_status`` for the members of the dataset's SKPD, the walidata and the pembina
    data; None for anyone else (the public sees only published datasets, without their history)."""
    user = tk.current_user
    pkg = model.Package.get(pkg_id)
    if pkg is None or not user.is_authenticated:
        return None
    if not (is_member(user.name, WALIDATA) or is_member(user.name, PEMBINA)
            or (pkg.owner_org and authz.has_user_permission_for_group_or_org(pkg.owner_org, user.name, "read"))):
        return None
    context = {"user": user.name if user.is_authenticated else "", "auth_user_obj": user}
    try:
        return tk.get_action("satudata_status")(context, {"id": pkg_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
