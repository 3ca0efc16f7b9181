"""Every code list of the portal, with one loader and one vocabulary (pure Python, no CKAN).

The lists live in ``config/reference/`` (see its README for their legal sources) and
``config/skpd.yaml``:

* areas (``wilayah-kota-banda-aceh.csv``): the city, its kecamatan and gampong;
* urusan pemerintahan (``urusan-pemerintahan.csv``, Permendagri 90/2019);
* the APBDes chart of accounts (``kode-rekening-apbdes.csv``), bidang/sub-bidang/kegiatan
  (``bidang-kegiatan-apbdes.csv``, plus the city's own ``kegiatan-lokal-banda-aceh.csv`` when
  present, merged into ``Reference.kegiatan``; ``Reference.local_kegiatan`` names its codes)
  and sumber dana (``sumber-dana-apbdes.csv``);
* the work units (SKPD) of ``skpd.yaml``.

Every entry is an :class:`Entry` ``(kode, nama, tingkat, kode_induk)``, whatever the list.
:func:`load` reads a whole ``config/`` folder; :func:`load_lists` only the code lists of a
``reference/`` folder (what the budget core needs). Both cache their result and read again
when a file changes.
"""
from __future__ import annotations

from .areas import AREA_LEVELS, KOTA_CODE, area_org_name, area_title, slug
from .lists import (
    DEFAULT_CONFIG_DIR,
    ENV_VAR,
    REFERENCE_FILES,
    Entry,
    Reference,
    ReferenceError,
    default_reference_dir,
    fingerprint,
    load,
    load_lists,
)
from .skpd import NAME_RE, ORG_CODE_RE, ORG_KINDS

#: An area of the city (kota, kecamatan or gampong): an :class:`Entry` of the area list.
Area = Entry

__all__ = [
    "AREA_LEVELS", "Area", "DEFAULT_CONFIG_DIR", "ENV_VAR", "Entry", "KOTA_CODE", "NAME_RE",
    "ORG_CODE_RE", "ORG_KINDS", "REFERENCE_FILES", "Reference", "ReferenceError", "area_org_name",
    "area_title", "default_reference_dir", "fingerprint", "load", "load_lists", "slug",
]
