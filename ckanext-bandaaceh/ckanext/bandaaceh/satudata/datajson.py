"""``/data.json``: the catalogue as Project Open Data 1.1 (what Indonesian provincial portals publish).

Streamed page by page from the search index, so it stays flat in memory and time per dataset at
thousands of datasets. Each dataset carries the standard POD fields and, under ``satudata``,
every field of our schema the standard has no place for (the same fields as the ``sd:``
namespace of the DCAT profile).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, stream_with_context

from ckanext.bandaaceh import reference
from ckanext.bandaaceh.site import all_organisations, portal_reference

from .dcat import FORMATS, sd_fields
from .years import years_of

__all__ = ["datajson_pages", "POD_SCHEMA", "dataset_entry", "catalog_chunks"]

datajson_pages = Blueprint("bandaaceh_datajson", __name__)
POD_SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"
PAGE = 500
#: frekuensi -> ISO 8601 repeating duration (POD accrualPeriodicity)
PERIODICITY = {"harian": "R/P1D", "mingguan": "R/P1W", "bulanan": "R/P1M", "triwulanan": "R/P3M",
               "semesteran": "R/P6M", "tahunan": "R/P1Y", "lima_tahunan": "R/P5Y", "tidak_tentu": "irregular"}


def _temporal(tahun: str) -> str | None:
    try:
        years = sorted(int(y) for y in years_of(tahun))
    except ValueError:
        return None
    return f"{years[0]}-01-01/{years[-1]}-12-31" if years else None


def dataset_entry(pkg: dict[str, Any], orgs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One ``dataset[]`` entry of POD 1.1 (plus ``satudata``) for a ``package_show``-like dict."""
    site = tk.config.get("ckan.site_url").rstrip("/")
    org = orgs.get(pkg.get("owner_org") or "", {})
    url = f"{site}/{pkg.get('type') or 'dataset'}/{pkg['name']}"
    contact_name = pkg.get("maintainer") or org.get("walidata_nama") or tk.config.get("bandaaceh.walidata")
    contact_email = pkg.get("maintainer_email") or org.get("walidata_email") or tk.config.get("smtp.mail_from")
    entry: dict[str, Any] = {
        "@type": "dcat:Dataset",
        "identifier": url,
        "title": pkg.get("title") or pkg["name"],
        "description": pkg.get("notes") or "",
        "keyword": [t["name"] for t in pkg.get("tags") or []],
        "modified": pkg.get("metadata_modified"),
        "issued": pkg.get("metadata_created"),
        "publisher": {"@type": "org:Organization", "name": org.get("title") or (pkg.get("organization") or {}).get("title")},
        "contactPoint": {"@type": "vcard:Contact", "fn": contact_name,
                         **({"hasEmail": f"mailto:{contact_email}"} if contact_email else {})},
        "accessLevel": "public",
        "license": pkg.get("license_url") or None,
        "landingPage": url,
        "language": ["id"],
    }
    area = portal_reference().areas.get(pkg.get("kode_wilayah") or "")
    if area:
        entry["spatial"] = f"{site}/wilayah/{area.kode}"
        entry["spatialLabel"] = reference.area_title(area)
    temporal = _temporal(pkg.get("tahun") or pkg.get("tahun_anggaran") or "")
    if temporal:
        entry["temporal"] = temporal
    if pkg.get("frekuensi") in PERIODICITY:
        entry["accrualPeriodicity"] = PERIODICITY[pkg["frekuensi"]]
    distributions = []
    for res in pkg.get("resources") or []:
        fmt = (res.get("format") or "").upper()
        dist = {"@type": "dcat:Distribution", "title": res.get("name") or "",
                "description": res.get("description") or "", "downloadURL": res.get("url"),
                "format": fmt or None,
                "mediaType": res.get("mimetype") or (FORMATS[fmt][1] if fmt in FORMATS else None)}
        distributions.append({k: v for k, v in dist.items() if v not in (None, "")})
    entry["distribution"] = distributions
    extras = {name: pkg.get(name) for name, _prop, _type in sd_fields(pkg.get("type") or "dataset")
              if pkg.get(name) not in (None, "")}
    for name in ("frekuensi", "tahun", "kode_wilayah"):
        if pkg.get(name):
            extras[name] = pkg[name]
    extras["jenis_dataset"] = pkg.get("type") or "dataset"
    entry["satudata"] = extras
    return {k: v for k, v in entry.items() if v not in (None, "")}


def catalog_chunks(page: int | None = None) -> Iterator[str]:
    """The catalogue as JSON text, in chunks: the header, then one dataset at a time."""
    page = page or PAGE
    orgs = {o["id"]: o for o in all_organisations()}
    yield json.dumps({"@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
                      "@type": "dcat:Catalog", "conformsTo": POD_SCHEMA,
                      "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json"})[:-1]
    yield ', "dataset": ['
    start, first = 0, True
    while True:
        result = tk.get_action("package_search")({}, {
            "q": "*:*", "rows": page, "start": start, "sort": "name asc", "include_private": False})
        for pkg in result["results"]:
            yield ("" if first else ",") + json.dumps(dataset_entry(pkg, orgs), ensure_ascii=False)
            first = False
        start += page
        if start >= result["count"]:
            break
    yield "]}"


@datajson_pages.route("/data.json")
def data_json() -> Response:
    return Response(stream_with_context(catalog_chunks()), mimetype="application/json")
