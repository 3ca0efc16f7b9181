"""Which budget is which: the gampong organisation, the dataset name and title of an APBG.

One dataset per gampong, tahun and tahap (and periode of a realisasi), named
``apbg-<gampong>-<tahun>-<tahap>``. A budget is found by that identity (its indexed fields), never
by its name alone; the ``apbg-`` prefix is reserved for budgets (no other dataset, harvest source
or harvest entry may take such a name) and a budget's name never changes.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from sqlalchemy import case, func

from ckanext.bandaaceh import reference
from ckanext.bandaaceh.site import N_, all_organisations, portal_reference

__all__ = ["DATASET_TYPE", "ROLE_FIELD", "ROLE_LINES", "ROLE_SOURCE", "TAHAP_KEYS", "TAHAP_LABELS",
           "PERIODE_LABELS", "tahap_key", "tahap_label", "dataset_name", "dataset_title", "resolve_gampong",
           "show_dataset", "RESERVED_PREFIX", "reserved_name_error", "budget_query", "find_budget", "budget_name"]

DATASET_TYPE = "apbdes"
#: Resource field telling which of the two managed files a resource is.
ROLE_FIELD = "apbdes_role"
ROLE_LINES, ROLE_SOURCE = "lines", "source"
#: Tahap keys of dataset names, latest first (the transparency page shows the latest).
TAHAP_KEYS = ("realisasi-tahunan", "realisasi-semester-1", "perubahan", "murni")
#: Labels of the tahap and periode (translated where shown).
TAHAP_LABELS = {"murni": N_("APBG Murni"), "perubahan": N_("APBG Perubahan"),
                "realisasi": N_("Laporan Realisasi APBG")}
PERIODE_LABELS = {"semester-1": N_("Semester I"), "tahunan": N_("Tahunan")}
#: Dataset names starting with this belong to APBG datasets only.
RESERVED_PREFIX = "apbg-"
#: How many ``-2``, ``-3`` ... variants to try when a budget's name was taken before it was reserved.
NAME_VARIANTS = 20


def tahap_key(tahap: str, periode: str | None) -> str:
    """``murni``, ``perubahan``, ``realisasi-semester-1`` or ``realisasi-tahunan``."""
    return f"realisasi-{periode}" if tahap == "realisasi" and periode else tahap


def dataset_name(area: reference.Area, tahun: int, tahap: str, periode: str | None) -> str:
    """Deterministic name: one dataset per gampong, tahun and tahap (``apbg-lam-ara-2025-murni``)."""
    return f"apbg-{reference.slug(area.nama)}-{tahun}-{tahap_key(tahap, periode)}"


def dataset_title(area: reference.Area, tahun: int, tahap: str, periode: str | None) -> str:
    title = f"{TAHAP_LABELS[tahap]} {reference.area_title(area)} Tahun {tahun}"
    if tahap == "realisasi" and periode:
        title += f" ({PERIODE_LABELS[periode]})"
    return title


def _org_show(id_: str) -> dict[str, Any] | None:
    try:
        return tk.get_action("organization_show")(
            {"ignore_auth": True},
            {"id": id_, "include_datasets": False, "include_users": False,
             "include_groups": False, "include_followers": False, "include_dataset_count": False})
    except tk.ObjectNotFound:
        return None


def _org_by_area_code(code: str) -> dict[str, Any] | None:
    """Organisation whose ``kode_wilayah`` is ``code`` (when it is not named by convention)."""
    org = next((o for o in all_organisations()
                if o.get("kode_wilayah") == code and o.get("jenis") == "gampong"), None)
    return _org_show(org["id"]) if org else None


def resolve_gampong(value: str) -> dict[str, Any]:
    """The gampong organisation named by ``value``: organisation name/id or area code.

    Raises ``ValidationError`` (field ``gampong``) naming what was not found.
    """
    text = (value or "").strip()
    if not text:
        raise tk.ValidationError({"gampong": [tk._("Gampong wajib diisi (nama organisasi atau kode wilayah)")]})
    areas = portal_reference().areas
    area = areas.get(text)
    org = None
    if area is not None:
        if area.tingkat != "gampong":
            raise tk.ValidationError({"gampong": [tk._("Kode wilayah {code} adalah {level}, bukan gampong").format(
                code=text, level=area.tingkat)]})
        org = _org_show(reference.area_org_name(area))
        if org is None or org.get("kode_wilayah") != text:
            org = _org_by_area_code(text)
    else:
        org = _org_show(text)
    if org is None:
        raise tk.ValidationError({"gampong": [tk._("Organisasi gampong '{value}' tidak ditemukan").format(value=text)]})
    if org.get("jenis") != "gampong":
        raise tk.ValidationError({"gampong": [tk._("Organisasi {org} bukan gampong").format(
            org=org.get("title") or org["name"])]})
    if org.get("kode_wilayah") not in areas:
        raise tk.ValidationError({"gampong": [tk._("Organisasi {org} tidak memiliki kode wilayah gampong yang valid").format(
            org=org.get("title") or org["name"])]})
    return org


def tahap_label(tahap: str, periode: str | None, translate: bool = False) -> str:
    """``APBG Perubahan``, ``Laporan Realisasi APBG (Semester I)``; in the UI language if ``translate``."""
    t = tk._ if translate else (lambda s: s)
    label = t(TAHAP_LABELS.get(tahap, tahap))
    if tahap == "realisasi" and periode:
        label += f" ({t(PERIODE_LABELS.get(periode, periode))})"
    return label


def show_dataset(name: str) -> dict[str, Any] | None:
    """``package_show`` of a dataset regardless of permissions, or None."""
    try:
        return tk.get_action("package_show")({"ignore_auth": True}, {"id": name})
    except tk.ObjectNotFound:
        return None


def reserved_name_error(name: Any, dataset_type: str | None) -> str | None:
    """The refusal of a reserved ``apbg-`` name for a dataset that is not an APBG, else None."""
    if dataset_type == DATASET_TYPE or not isinstance(name, str):
        return None
    if name.strip().lower().startswith(RESERVED_PREFIX):
        return tk._("Nama (URL) yang diawali '{prefix}' khusus untuk dataset APBG gampong yang "
                    "diterbitkan melalui impor APBG; pilih nama lain").format(prefix=RESERVED_PREFIX)
    return None


def budget_query(kode_wilayah: str, tahun: int, tahap: str, periode: str | None) -> Any:
    """The query of the APBG datasets of one budget identity, the active one first (its
    conditions match the index ``idx_bandaaceh_apbg_identity``, migration ``4f1c2a9d7e10``)."""
    extra = model.Package.extras
    return (model.Session.query(model.Package.id, model.Package.name)
            .filter(model.Package.type == DATASET_TYPE)
            .filter(extra["kode_wilayah"].astext == kode_wilayah)
            .filter(extra["tahun_anggaran"].astext == str(tahun))
            .filter(extra["tahap"].astext == tahap)
            .filter(func.coalesce(extra["periode"].astext, "") == (periode or ""))
            .order_by(case((model.Package.state == "active", 0), else_=1),
                      model.Package.metadata_modified.desc()))


def _budget_row(kode_wilayah: str, tahun: int, tahap: str, periode: str | None) -> Any:
    return budget_query(kode_wilayah, tahun, tahap, periode).first()


def find_budget(kode_wilayah: str, tahun: int, tahap: str, periode: str | None) -> dict[str, Any] | None:
    """The APBG dataset of this gampong, tahun, tahap and periode, whatever its name (any state,
    the active one first), or None."""
    row = _budget_row(kode_wilayah, tahun, tahap, periode)
    return show_dataset(row.id) if row else None


def budget_name(area: reference.Area, tahun: int, tahap: str, periode: str | None) -> str:
    """The name under which this budget is (or will be) published.

    The existing budget's name if there is one; else :func:`dataset_name`, or its first free
    ``-2``, ``-3`` ... variant when another dataset took that name before names were reserved.
    """
    found = _budget_row(area.kode, tahun, tahap, periode)  # its name only: no package_show
    if found is not None:
        return found.name
    base = dataset_name(area, tahun, tahap, periode)
    for candidate in (base, *(f"{base}-{n}" for n in range(2, NAME_VARIANTS + 2))):
        if model.Package.get(candidate) is None:
            return candidate
    raise tk.ValidationError({"name": [tk._("Nama dataset {name} dan variannya sudah dipakai dataset lain; "
                                            "hubungi admin portal.").format(name=base)]})
