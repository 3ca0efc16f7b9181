"""``/wilayah/<kode>``: the page of an area (kota, kecamatan, gampong) and the datasets covering it.

It is also the IRI of the area in DCAT (``dct:spatial``), so it must resolve for every code of
the area list.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint

from ckanext.bandaaceh import reference
from ckanext.bandaaceh.site import portal_reference

__all__ = ["wilayah_pages", "area_datasets"]

wilayah_pages = Blueprint("bandaaceh_wilayah", __name__)
ROWS = 100


def area_datasets(kode: str, rows: int = ROWS) -> dict[str, Any]:
    """Public datasets (Satu Data and APBG) whose ``kode_wilayah`` is ``kode``, newest first."""
    return tk.get_action("package_search")({}, {
        "fq": f'kode_wilayah:"{kode}"', "rows": rows, "sort": "metadata_modified desc",
        "include_private": False})


@wilayah_pages.route("/wilayah/<kode>")
def read(kode: str) -> Any:
    ref = portal_reference()
    area = ref.areas.get(kode)
    if area is None:
        return tk.abort(404, tk._("Kode wilayah {code} tidak ada dalam Kepmendagri 300.2.2-2138/2025").format(
            code=kode))
    parent = ref.parent(kode)
    children = [{"kode": a.kode, "title": reference.area_title(a)}
                for a in ref.areas.values() if a.kode_induk == kode]
    return tk.render("wilayah/read.html", {
        "area": area, "title": reference.area_title(area),
        "parent": {"kode": parent.kode, "title": reference.area_title(parent)} if parent else None,
        "children": children,
        "org_name": reference.area_org_name(area) if area.tingkat != "kota" else None,
        "datasets": area_datasets(kode),
    })
