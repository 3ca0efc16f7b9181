"""Create or update the portal's organisations from config/: SKPD, kecamatan and gampong.

Idempotent: an organisation whose managed fields already match is left untouched.
Fields not given in config/ (e.g. a walidata contact typed on the web) are never cleared.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh import reference
from ckanext.bandaaceh.site import site_context

MANAGED = ("title", "singkatan", "jenis", "urusan_utama", "kode_organisasi", "kode_wilayah",
           "kepala", "walidata_nama", "walidata_email", "walidata_telepon", "alamat", "website",
           "description")


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def desired_organisations(ref: reference.Reference) -> Iterator[dict[str, Any]]:
    """Every organisation the portal must have, SKPD (incl. kecamatan) first, then gampong."""
    kecamatan_org = {}
    for entry in ref.skpd:
        org = {k: entry[k] for k in MANAGED if entry.get(k) not in (None, "")}
        org["name"] = entry["name"]
        if not entry.get("description"):
            org["description"] = _skpd_description(entry, ref)
        if entry["jenis"] == "kecamatan":
            kecamatan_org[entry["kode_wilayah"]] = entry["name"]
        yield org
    for kec in ref.kecamatan_list():
        for g in ref.gampong_list(kec.kode):
            yield {
                "name": reference.area_org_name(g),
                "title": reference.area_title(g),
                "jenis": "gampong",
                "kode_wilayah": g.kode,
                "description": (f"{reference.area_title(g)}, Kecamatan {kec.nama}, Kota Banda Aceh "
                                f"(kode wilayah {g.kode})."),
                "_parent": kecamatan_org.get(kec.kode) or reference.area_org_name(kec),
            }


def _skpd_description(entry: dict[str, Any], ref: reference.Reference) -> str:
    text = entry["title"] + (f" ({entry['singkatan']})" if entry.get("singkatan") else "")
    text += ", perangkat daerah Pemerintah Kota Banda Aceh."
    if entry.get("urusan_utama"):
        text += f" Urusan utama: {entry['urusan_utama']} {ref.urusan[entry['urusan_utama']]}."
    return text


def _parents(org: dict[str, Any]) -> list[str]:
    return sorted(g["name"] for g in org.get("groups") or [])


def seed_organisations(ref: reference.Reference,
                       progress: Callable[[str], None] | None = None) -> SeedReport:
    """Create or update all organisations; return what changed."""
    user = site_context()["user"]

    def context() -> dict[str, Any]:
        return site_context(user)

    report = SeedReport()
    for wanted in desired_organisations(ref):
        parent = wanted.pop("_parent", None)
        name = wanted["name"]
        try:
            current = tk.get_action("organization_show")(
                context(), {"id": name, "include_datasets": False, "include_users": False,
                            "include_dataset_count": False, "include_followers": False,
                            "include_extras": True})
        except tk.ObjectNotFound:
            current = None
        if current is None:
            data = dict(wanted)
            if parent:
                data["groups"] = [{"name": parent}]
            tk.get_action("organization_create")(context(), data)
            report.created.append(name)
        else:
            diff = {k: v for k, v in wanted.items() if current.get(k) != v}
            parent_wrong = parent is not None and _parents(current) != [parent]
            if diff or parent_wrong:
                data = {**diff, "id": current["id"]}
                if parent:
                    data["groups"] = [{"name": parent}]
                tk.get_action("organization_patch")(context(), data)
                report.updated.append(name)
            else:
                report.unchanged.append(name)
        if progress:
            progress(name)
    return report
