"""Names of areas: URL names and display titles of kecamatan and gampong."""
from __future__ import annotations

import re
from typing import Protocol

#: Area code of Kota Banda Aceh (Kepmendagri 300.2.2-2138/2025).
KOTA_CODE = "11.71"
AREA_LEVELS = ("kota", "kecamatan", "gampong")


class _Named(Protocol):
    nama: str
    tingkat: str


def slug(text: str) -> str:
    """URL name for a place or unit name: ``Lam Ara`` -> ``lam-ara``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def area_org_name(area: _Named) -> str:
    """CKAN organisation name of a kecamatan or gampong (``gampong-lam-ara``)."""
    name = slug(area.nama)
    return name if name.startswith(area.tingkat + "-") else f"{area.tingkat}-{name}"


def area_title(area: _Named) -> str:
    """Display name of a kecamatan or gampong (``Gampong Lam Ara``, ``Gampong Jawa``)."""
    prefix = area.tingkat.capitalize()
    return area.nama if area.nama.startswith(prefix + " ") else f"{prefix} {area.nama}"


def normalise_name(text: str) -> str:
    """Lower-case, single-spaced, letters and digits only: for looking names up."""
    text = re.sub(r"[^0-9a-z]+", " ", text.lower())
    return re.sub(r"\s+", " ", text).strip()
