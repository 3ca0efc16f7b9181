"""Template helpers (registered by ``toolkit.blanket.helpers``)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh import reference

__all__ = [
    "bandaaceh_urusan_choices", "bandaaceh_wilayah_choices", "bandaaceh_area",
    "bandaaceh_area_parent", "bandaaceh_org_directory", "bandaaceh_org_wilayah",
    "bandaaceh_facet_label_function", "bandaaceh_portal_stats",
]

#: Order and headings of the kinds of work unit in the organisation directory.
SKPD_KINDS = [
    ("sekretariat", "Sekretariat"), ("dinas", "Dinas"), ("badan", "Badan"), ("kantor", "Kantor"),
    ("lembaga_keistimewaan", "Lembaga Keistimewaan Aceh"), ("lainnya", "Lainnya"),
]


def _ref() -> reference.Reference:
    return reference.load(tk.config.get("bandaaceh.config_dir") or None)


def bandaaceh_urusan_choices(field: dict[str, Any]) -> list[dict[str, str]]:
    """Urusan pemerintahan (Permendagri 90/2019) as scheming choices."""
    return [{"value": k, "label": f"{k} {v}"} for k, v in _ref().urusan.items()]


def bandaaceh_wilayah_choices(field: dict[str, Any]) -> list[dict[str, str]]:
    """The city, its kecamatan and gampong as scheming choices, in tree order."""
    ref = _ref()
    choices = [{"value": reference.KOTA_CODE, "label": f"{reference.KOTA_CODE} Kota Banda Aceh"}]
    for kec in ref.kecamatan():
        choices.append({"value": kec.kode, "label": f"{kec.kode} Kecamatan {kec.nama}"})
        choices += [{"value": g.kode, "label": f"{g.kode} {kec.nama} - Gampong {g.nama}"}
                    for g in ref.gampong(kec.kode)]
    return choices


def bandaaceh_area(kode: str | None) -> reference.Area | None:
    """The area (kota, kecamatan or gampong) of a code, or None."""
    return _ref().areas.get(kode or "")


def bandaaceh_area_parent(kode: str | None) -> dict[str, str] | None:
    """Name and organisation name of the kecamatan a gampong code belongs to."""
    parent = _ref().parent(kode or "")
    if not parent or parent.tingkat != "kecamatan":
        return None
    return {"kode": parent.kode, "nama": parent.nama, "org_name": reference.area_org_name(parent)}


def _all_organisations() -> list[dict[str, Any]]:
    orgs: list[dict[str, Any]] = []
    while True:
        page = tk.get_action("organization_list")({}, {
            "all_fields": True, "include_extras": True, "limit": 25, "offset": len(orgs)})
        orgs += page
        if len(page) < 25:
            return orgs


def bandaaceh_org_directory() -> dict[str, Any]:
    """Organisations grouped for the directory page: SKPD by kind, gampong by kecamatan."""
    ref = _ref()
    orgs = _all_organisations()
    by_area = {o.get("kode_wilayah"): o for o in orgs if o.get("kode_wilayah")}
    labels = dict(SKPD_KINDS)
    skpd = []
    for kind, label in SKPD_KINDS:
        members = sorted((o for o in orgs if o.get("jenis", "lainnya") == kind
                          or (kind == "lainnya" and o.get("jenis") not in labels
                              and o.get("jenis") not in ("kecamatan", "gampong"))),
                         key=lambda o: o["title"])
        if members:
            skpd.append({"kind": kind, "label": tk._(label), "organizations": members})
    kecamatan = []
    for kec in ref.kecamatan():
        gampong = [by_area[g.kode] for g in ref.gampong(kec.kode) if g.kode in by_area]
        kecamatan.append({"kode": kec.kode, "title": reference.area_title(kec),
                          "organization": by_area.get(kec.kode),
                          "gampong": sorted(gampong, key=lambda o: o["title"])})
    return {"skpd": skpd, "kecamatan": kecamatan}


def bandaaceh_org_wilayah(organization: dict[str, Any]) -> dict[str, Any] | None:
    """Area facts of a kecamatan or gampong organisation, for its page."""
    kode = organization.get("kode_wilayah")
    area = _ref().areas.get(kode or "")
    if not area:
        return None
    if area.tingkat == "gampong":
        return {"kode": kode, "kecamatan": bandaaceh_area_parent(kode)}
    gampong = [{"nama": g.nama, "org_name": reference.area_org_name(g)} for g in _ref().gampong(kode)]
    return {"kode": kode, "gampong": gampong}


# Helpers of the APBG (apbdes) pages live in their own module.
from ckanext.bandaaceh import apbdes_helpers as _apbdes_helpers  # noqa: E402
from ckanext.bandaaceh.apbdes_helpers import *  # noqa: E402,F401,F403

__all__ += _apbdes_helpers.__all__


def bandaaceh_facet_label_function(facet: str, dataset_type: str = "dataset"
                                   ) -> Callable[[dict[str, Any]], str] | None:
    """Label of a facet value: the schema's choice label, or the area name of a code."""
    schema = tk.h.scheming_get_dataset_schema(dataset_type) or {}
    field = next((f for f in schema.get("dataset_fields", []) if f["field_name"] == facet), None)
    if field is None:
        return None
    if facet == "kode_wilayah":
        areas = _ref().areas
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
    orgs = _all_organisations()
    gampong = sum(1 for o in orgs if o.get("jenis") == "gampong")
    try:
        transparency_url = tk.h.url_for("bandaaceh_apbg.transparency")
    except Exception:  # the APBG pages are not registered (plugin order, tests)
        transparency_url = None
    return {"datasets": datasets, "skpd": len(orgs) - gampong, "gampong": gampong,
            "transparency_url": transparency_url}
