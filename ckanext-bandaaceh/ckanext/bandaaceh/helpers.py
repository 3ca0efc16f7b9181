"""Template helpers (registered by ``toolkit.blanket.helpers``)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh import reference

__all__ = [
    "bandaaceh_urusan_choices", "bandaaceh_wilayah_choices", "bandaaceh_area",
    "bandaaceh_area_parent",
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
