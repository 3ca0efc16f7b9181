"""The city-wide APBG year as a Fiscal Data Package (FDP 1.0-rc.1 on Tabular Data Package 1).

One CSV row per amount (the FDP's normalised form): a budget line of the version that counts
(perubahan over murni) gives a row with ``tahap`` = its stage and ``nilai`` = ``anggaran``; a line
of the realisation report that counts gives a row with ``tahap`` = ``realisasi`` and ``nilai`` =
``realisasi``. Each column carries its FDP ``columnType``:

=================== ======================================================
administrative      kode_kecamatan/kecamatan (level 1), kode_wilayah/gampong (level 2)
functional          kode_bidang/bidang (level 1), kode_kegiatan/kegiatan (level 2)
economic            kode_rekening/rekening (the chart of accounts)
phase               tahap (murni/perubahan/realisasi), periode of a realisasi
direction           arah (pendapatan/belanja/pembiayaan, from the account's first digit)
value               nilai (rupiah, currency IDR as a constant extra field)
=================== ======================================================

Pure: takes the canonical rows (:mod:`.normalise`) and the code lists, returns rows and the
``datapackage.json`` descriptor.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..reference import Reference

__all__ = ["FIELDS", "COLUMNS", "DIRECTION", "fiscal_rows", "datapackage"]

#: Account group (first digit of kode_rekening) -> FDP direction.
DIRECTION = {"4": "pendapatan", "5": "belanja", "6": "pembiayaan"}

_ADM = "administrative-classification:generic"
_FUN = "functional-classification:generic"
_ECO = "economic-classification:generic"

#: (name, Table Schema type, FDP columnType, title, description) in column order.
FIELDS: tuple[tuple[str, str, str, str, str], ...] = (
    ("tahun", "integer", "date:fiscal-year", "Tahun anggaran", "Fiscal year"),
    ("kode_kecamatan", "string", f"{_ADM}:level1:code", "Kode kecamatan", "Kepmendagri area code of the kecamatan"),
    ("kecamatan", "string", f"{_ADM}:level1:label", "Kecamatan", "Name of the kecamatan"),
    ("kode_wilayah", "string", f"{_ADM}:level2:code", "Kode gampong", "Kepmendagri area code of the gampong"),
    ("gampong", "string", f"{_ADM}:level2:label", "Gampong", "Name of the gampong"),
    ("arah", "string", "direction:code", "Arah", "pendapatan (revenue), belanja (expenditure), pembiayaan (financing)"),
    ("tahap", "string", "phase:id", "Tahap", "murni (approved), perubahan (revised), realisasi (executed)"),
    ("periode", "string", "phase:period", "Periode realisasi", "semester-1 or tahunan (realisasi only)"),
    ("kode_bidang", "string", f"{_FUN}:level1:code", "Kode bidang", "Bidang of a belanja line (Permendagri 20/2018)"),
    ("bidang", "string", f"{_FUN}:level1:label", "Bidang", "Name of the bidang"),
    ("kode_kegiatan", "string", f"{_FUN}:level2:code", "Kode kegiatan", "Kegiatan of a belanja line"),
    ("kegiatan", "string", f"{_FUN}:level2:label", "Kegiatan", "Name of the kegiatan"),
    ("kode_rekening", "string", f"{_ECO}:level1:code", "Kode rekening", "Account of the APBDes chart of accounts"),
    ("rekening", "string", f"{_ECO}:level1:label", "Rekening",
     "Name of the account (of its jenis when the chart does not list the objek)"),
    ("uraian", "string", "activity:generic:description", "Uraian", "The line as written in the budget"),
    ("sumber_dana", "string", "fin-source:generic:level1:code", "Sumber dana", "Source of funds (DDS, ADD, PAD, ...)"),
    ("nilai", "number", "value", "Nilai (Rp)", "Amount in rupiah"),
)
COLUMNS: tuple[str, ...] = tuple(f[0] for f in FIELDS)
_REQUIRED = frozenset({"tahun", "kode_wilayah", "arah", "tahap", "kode_rekening", "nilai"})
_ENUM = {"arah": tuple(DIRECTION.values()), "tahap": ("murni", "perubahan", "realisasi")}


def _kode_kecamatan(kode_wilayah: str) -> str:
    return kode_wilayah.rsplit(".", 1)[0] if kode_wilayah.count(".") >= 3 else ""


def _bidang(row: dict[str, str]) -> str:
    code = row.get("bidang") or row.get("kode_kegiatan") or ""
    return code.split(".", 1)[0]


def _rekening_name(code: str, ref: Reference) -> str:
    """The name of an account, else of its nearest listed parent (the chart lists down to jenis)."""
    while code:
        if code in ref.rekening:
            return ref.rekening[code].nama
        code = code.rpartition(".")[0]
    return ""


def fiscal_rows(rows: Iterable[dict[str, str]], ref: Reference) -> Iterator[dict[str, str]]:
    """FDP rows of canonical budget rows (one per amount: see the module docstring).

    Rows of a realisasi without a realised amount give nothing; names come from ``ref``.
    """
    for row in rows:
        realisasi = row.get("tahap") == "realisasi"
        value = row.get("realisasi") if realisasi else row.get("anggaran")
        if value in (None, ""):
            continue
        kode = row.get("kode_wilayah") or ""
        rekening = row.get("kode_rekening") or ""
        bidang = _bidang(row)
        kegiatan = row.get("kode_kegiatan") or ""
        yield {
            "tahun": row.get("tahun") or "",
            "kode_kecamatan": _kode_kecamatan(kode),
            "kecamatan": row.get("kecamatan") or "",
            "kode_wilayah": kode,
            "gampong": row.get("gampong") or "",
            "arah": DIRECTION.get(rekening[:1], ""),
            "tahap": row.get("tahap") or "",
            "periode": row.get("periode") or "",
            "kode_bidang": bidang,
            "bidang": ref.kegiatan[bidang].nama if bidang in ref.kegiatan else "",
            "kode_kegiatan": kegiatan,
            "kegiatan": ref.kegiatan[kegiatan].nama if kegiatan in ref.kegiatan else "",
            "kode_rekening": rekening,
            "rekening": _rekening_name(rekening, ref),
            "uraian": row.get("uraian") or "",
            "sumber_dana": row.get("sumber_dana") or "",
            "nilai": value,
        }


def datapackage(tahun: int, csv_name: str, *, title: str, homepage: str, publisher: str,
                licence: dict[str, str] | None = None) -> dict[str, Any]:
    """The ``datapackage.json`` of one year; ``csv_name`` is the data file's path relative to
    the descriptor (it is served next to it)."""
    fields: list[dict[str, Any]] = []
    for n, t, ct, ti, de in FIELDS:
        f: dict[str, Any] = {"name": n, "type": t, "columnType": ct, "title": ti, "description": de}
        if n in _REQUIRED:
            f["constraints"] = {"required": True, **({"enum": list(_ENUM[n])} if n in _ENUM else {})}
        fields.append(f)
    return {
        "profile": "tabular-data-package",
        "name": f"apbg-kota-banda-aceh-{tahun}",
        "title": title,
        "homepage": homepage,
        "countryCode": "ID",
        "fiscalPeriod": {"start": f"{tahun}-01-01", "end": f"{tahun}-12-31"},
        "granularity": "aggregated",
        "contributors": [{"title": publisher, "role": "publisher"}],
        "licenses": [licence] if licence else [],
        "resources": [{
            "name": f"apbg-{tahun}",
            "path": csv_name,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {
                "fields": fields,
                "extraFields": [{"name": "mata_uang", "type": "string", "columnType": "value-currency:code",
                                 "constant": "IDR"}],
            },
        }],
    }
