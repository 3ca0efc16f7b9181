"""The Daftar Data on the portal: the files of ``<bandaaceh.config_dir>/daftar-data/`` (read once
per change of the folder) joined with the datasets they name."""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh.reference import DEFAULT_CONFIG_DIR
from ckanext.bandaaceh.site import all_organisations

from .daftar import DaftarData, load_folder
from .workflow import STATUS_FIELD

__all__ = ["daftar_folder", "all_lists", "overview", "line_of"]


def daftar_folder() -> str:
    """``bandaaceh.daftar_data_dir``, else ``<bandaaceh.config_dir>/daftar-data``."""
    return tk.config.get("bandaaceh.daftar_data_dir") or os.path.join(
        tk.config.get("bandaaceh.config_dir") or str(DEFAULT_CONFIG_DIR), "daftar-data")


def _frekuensi_choices() -> list[dict[str, Any]]:
    schema = tk.h.scheming_get_dataset_schema("dataset") or {}
    return next(f for f in schema["dataset_fields"] if f["field_name"] == "frekuensi")["choices"]


def _frekuensi() -> tuple[str, ...]:
    return tuple(c["value"] for c in _frekuensi_choices())


@lru_cache(maxsize=4)
def _load(folder: str, stamp: tuple[tuple[str, float], ...]) -> tuple[list[DaftarData], list[str]]:
    return load_folder(folder, frekuensi=_frekuensi())


def all_lists() -> tuple[list[DaftarData], list[str]]:
    """Every Daftar Data file and the problems of the invalid ones (with file and line)."""
    folder = daftar_folder()
    stamp = tuple(sorted((os.path.join(d, f), os.path.getmtime(os.path.join(d, f)))
                         for d, _dirs, files in os.walk(folder) for f in files if f.endswith(".yaml")))
    return _load(folder, stamp)


def line_of(dataset_name: str) -> dict[str, Any] | None:
    """The Daftar Data line naming a dataset: ``tahun``, ``skpd``, ``judul``, ``rilis``, ``prioritas``."""
    for daftar in all_lists()[0]:
        for line in daftar.lines:
            if line.dataset == dataset_name:
                return {"tahun": daftar.tahun, "skpd": daftar.skpd, "judul": line.judul,
                        "frekuensi": line.frekuensi, "prioritas": line.prioritas,
                        "rilis": [d.isoformat() for d in line.rilis]}
    return None


def overview(context: dict[str, Any], tahun: str = "", skpd: str = "") -> dict[str, Any]:
    """Per SKPD of the year (default the latest), its lines with the dataset each names: its title
    and state when the caller may see it, else just whether it is published."""
    lists, errors = all_lists()
    years = sorted({d.tahun for d in lists}, reverse=True)
    year = int(tahun) if tahun.isdigit() else (years[0] if years else 0)
    chosen = [d for d in lists if d.tahun == year and (not skpd or d.skpd == skpd)]
    names = [line.dataset for d in chosen for line in d.lines if line.dataset]
    found: dict[str, dict[str, Any]] = {}
    if names:
        query = " OR ".join(f'"{n}"' for n in names)
        result = tk.get_action("package_search")(dict(context), {
            "fq": f"name:({query})", "rows": len(names), "include_private": True})
        found = {p["name"]: p for p in result["results"]}
    orgs = {o["name"]: o.get("title") or o["name"] for o in all_organisations()}
    labels = {c["value"]: tk.h.scheming_language_text(c["label"]) for c in _frekuensi_choices()}
    out = []
    for d in chosen:
        rows = []
        for line in d.lines:
            pkg = found.get(line.dataset or "")
            rows.append({"judul": line.judul, "frekuensi": line.frekuensi,
                         "frekuensi_label": labels.get(line.frekuensi, line.frekuensi), "prioritas": line.prioritas,
                         "rilis": line.rilis, "dataset": line.dataset, "keterangan": line.keterangan,
                         "title": pkg["title"] if pkg else None,
                         STATUS_FIELD: pkg.get(STATUS_FIELD) if pkg else None})
        out.append({"skpd": d.skpd, "title": orgs.get(d.skpd, d.skpd), "lines": rows,
                    "terbit": sum(1 for r in rows if r[STATUS_FIELD] == "terbit")})
    return {"tahun": year, "years": years, "skpd": skpd, "lists": out, "errors": errors}
