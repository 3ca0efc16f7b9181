"""Template helpers of the organisation pages: choices, area facts and the directory."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh import reference
from ckanext.bandaaceh.site import N_, all_organisations, portal_reference

__all__ = ["SKPD_KINDS", "bandaaceh_urusan_choices", "bandaaceh_wilayah_choices", "bandaaceh_area",
           "bandaaceh_area_parent", "bandaaceh_org_directory", "bandaaceh_org_wilayah"]

#: Order and headings of the kinds of work unit in the organisation directory.
SKPD_KINDS = [
    ("sekretariat", N_("Sekretariat")), ("dinas", N_("Dinas")), ("badan", N_("Badan")),
    ("kantor", N_("Kantor")), ("lembaga_keistimewaan", N_("Lembaga Keistimewaan Aceh")),
    ("lainnya", N_("Lainnya")),
]


def bandaaceh_urusan_choices(field: dict[str, Any]) -> list[dict[str, str]]:
    """Urusan pemerintahan (Permendagri 90/2019) as scheming choices."""
    return [{"value": k, "label": f"{k} {v}"} for k, v in portal_reference().urusan.items()]


def bandaaceh_wilayah_choices(field: dict[str, Any]) -> list[dict[str, str]]:
    """The city, its kecamatan and gampong as scheming choices, in tree order."""
    ref = portal_reference()
    choices = [{"value": reference.KOTA_CODE, "label": f"{reference.KOTA_CODE} Kota Banda Aceh"}]
    for kec in ref.kecamatan_list():
        choices.append({"value": kec.kode, "label": f"{kec.kode} Kecamatan {kec.nama}"})
        choices += [{"value": g.kode, "label": f"{g.kode} {kec.nama} - Gampong {g.nama}"}
                    for g in ref.gampong_list(kec.kode)]
    return choices


def bandaaceh_area(kode: str | None) -> reference.Area | None:
    """The area (kota, kecamatan or gampong) of a code, or None."""
    return portal_reference().areas.get(kode or "")


def bandaaceh_area_parent(kode: str | None) -> dict[str, str] | None:
    """Name and organisation name of the kecamatan a gampong code belongs to."""
    parent = portal_reference().parent(kode or "")
    if not parent or parent.tingkat != "kecamatan":
        return None
    return {"kode": parent.kode, "nama": parent.nama, "org_name": reference.area_org_name(parent)}


def bandaaceh_org_directory() -> dict[str, Any]:
    """Organisations grouped for the directory page: SKPD by kind, gampong by kecamatan."""
    ref = portal_reference()
    orgs = all_organisations()
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
    for kec in ref.kecamatan_list():
        gampong = [by_area[g.kode] for g in ref.gampong_list(kec.kode) if g.kode in by_area]
        kecamatan.append({"kode": kec.kode, "title": reference.area_title(kec),
                          "organization": by_area.get(kec.kode),
                          "gampong": sorted(gampong, key=lambda o: o["title"])})
    return {"skpd": skpd, "kecamatan": kecamatan}


def bandaaceh_org_wilayah(organization: dict[str, Any]) -> dict[str, Any] | None:
    """Area facts of a kecamatan or gampong organisation, for its page."""
    kode = organization.get("kode_wilayah")
    ref = portal_reference()
    area = ref.areas.get(kode or "")
    if not area:
        return None
    if area.tingkat == "gampong":
        return {"kode": kode, "kecamatan": bandaaceh_area_parent(kode)}
    gampong = [{"nama": g.nama, "org_name": reference.area_org_name(g)} for g in ref.gampong_list(kode)]
    return {"kode": kode, "gampong": gampong}
