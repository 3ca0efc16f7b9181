"""What the walidata checks before publishing a Satu Data dataset (Perpres 39/2019, pemeriksaan).

Each check names what is missing, in Indonesian, so that the produsen can fix it; the same list
is shown to the produsen (dataset page) and to the walidata (dataset page, ``/walidata``) and is
returned by the actions. ``satudata_verifikasi`` publishes only a dataset whose checks all pass.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh.site import N_, is_empty

__all__ = ["Check", "REQUIRED_FIELDS", "STANDAR_DATA", "kode_referensi_valid", "run_checks", "passed"]

_ = tk._

#: Metadata every dataset needs (schemas/dataset.yaml's required fields, the licence and a contact).
REQUIRED_FIELDS = (("title", N_("Judul")), ("notes", N_("Deskripsi")), ("owner_org", N_("Produsen Data")),
                   ("license_id", N_("Lisensi")), ("tahun", N_("Tahun Data")),
                   ("maintainer_email", N_("Kontak - Surel")))
#: The standar data of Perpres 39/2019 Pasal 4.
STANDAR_DATA = (("konsep", N_("Konsep")), ("definisi", N_("Definisi")), ("klasifikasi", N_("Klasifikasi")),
                ("ukuran", N_("Ukuran")), ("satuan", N_("Satuan")))
#: Frequency and coverage.
COVERAGE_FIELDS = (("frekuensi", N_("Frekuensi Penerbitan")), ("cakupan", N_("Cakupan Wilayah")),
                   ("kode_wilayah", N_("Wilayah")))

#: An SDG indicator code (goal 1-17, target number or letter, indicator), optionally "SDGs " first.
_SDG = re.compile(r"^(?:SDGs?\s*)?(1[0-7]|[1-9])\.([1-9][0-9]?|[a-z])\.([1-9][0-9]?)$", re.IGNORECASE)


@dataclass
class Check:
    """One check: a stable ``kode``, its label, whether it passed, and what is missing."""

    kode: str
    label: str
    ok: bool
    masalah: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def kode_referensi_valid(value: str) -> bool:
    """An SDG indicator code such as ``3.2.1`` or ``SDGs 4.a.1``."""
    return bool(_SDG.match(value.strip()))


def _missing(pkg: dict[str, Any], fields: tuple[tuple[str, str], ...]) -> list[str]:
    return [_("{label} belum diisi").format(label=_(label)) for key, label in fields if is_empty(pkg.get(key))]


def _dictionary_problems(pkg: dict[str, Any]) -> tuple[bool, list[str]]:
    """(some DataStore table has a complete data dictionary, the problems of each table)."""
    problems: list[str] = []
    tables = [r for r in pkg.get("resources", []) if r.get("datastore_active")]
    if not tables:
        return False, [_("Belum ada tabel di DataStore (unggah CSV/XLSX atau panen spreadsheet)")]
    for res in tables:
        try:
            info = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": res["id"]})
        except tk.ObjectNotFound:
            problems.append(_("Tabel {name} tidak ditemukan di DataStore").format(name=res.get("name") or res["id"]))
            continue
        columns = [f for f in info.get("fields", []) if not f["id"].startswith("_")]
        empty = [f["id"] for f in columns
                 if is_empty((f.get("info") or {}).get("label")) or is_empty((f.get("info") or {}).get("notes"))]
        if not columns or empty:
            problems.append(_("Kamus data tabel {name}: kolom tanpa label atau deskripsi: {columns}").format(
                name=res.get("name") or res["id"], columns=", ".join(empty) or "-"))
        else:
            return True, []
    return False, problems


def run_checks(pkg: dict[str, Any]) -> list[Check]:
    """Every check of a dataset dict (``package_show``), in the order the UI shows them."""
    checks = [
        Check("metadata", _("Metadata wajib lengkap"), False, _missing(pkg, REQUIRED_FIELDS)),
        Check("standar_data", _("Standar data (konsep, definisi, klasifikasi, ukuran, satuan)"), False,
              _missing(pkg, STANDAR_DATA)),
    ]
    kode = pkg.get("kode_referensi")
    ref_problems = [] if is_empty(kode) or kode_referensi_valid(str(kode)) else [
        _("Kode referensi {kode} tidak dikenali (contoh indikator SDGs: 3.2.1)").format(kode=kode)]
    checks.append(Check("kode_referensi", _("Kode referensi sah (bila diisi)"), False, ref_problems))
    has_table, table_problems = _dictionary_problems(pkg)
    checks.append(Check("kamus_data", _("Tabel DataStore dengan kamus data (label dan deskripsi kolom)"),
                        has_table, [] if has_table else table_problems))
    checks.append(Check("cakupan", _("Frekuensi dan cakupan wilayah"), False, _missing(pkg, COVERAGE_FIELDS)))
    for check in checks:
        check.ok = not check.masalah
    return checks


def passed(checks: list[Check]) -> bool:
    return all(c.ok for c in checks)
