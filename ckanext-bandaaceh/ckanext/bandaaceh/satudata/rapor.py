"""Rapor SKPD: the report card of each produsen data and of each gampong (pure Python).

The figures are computed on the CKAN side (:mod:`.portal_rapor`); here are the parts that need
no CKAN: the APBG deadlines of ``config/apbg-tenggat.yaml`` (with their legal source), the
state of one APBG stage against its deadline, percentages, the sort order of the table and the
CSV columns.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Tenggat", "TenggatError", "load_tenggat", "stage_state", "percent", "SORT_KEYS", "sort_rows",
           "CSV_COLUMNS", "csv_rows", "TEPAT", "TERLAMBAT", "BELUM_LEWAT", "BELUM", "TANPA_TENGGAT",
           "STAGES"]

#: The APBG stages the Rapor scores, in the order of the year (keys of the APBG dataset names).
STAGES = ("murni", "perubahan", "realisasi-semester-1", "realisasi-tahunan")
#: States of one gampong's stage: published by the deadline, published after it, not published
#: and the deadline passed, not published and not due yet, published without a fixed deadline.
TEPAT = "tepat waktu"
TERLAMBAT = "terlambat"
BELUM_LEWAT = "belum terbit, lewat tenggat"
BELUM = "belum jatuh tempo"
TANPA_TENGGAT = "tanpa tenggat"


class TenggatError(ValueError):
    """The deadline file is invalid (message names the file and the stage)."""


@dataclass(frozen=True)
class Tenggat:
    """The deadline of one stage: ``bulan``/``hari`` in the budget year plus ``tahun`` (None: no date)."""

    tahap: str
    bulan: int | None
    hari: int | None
    tahun: int
    sumber: str
    ketentuan: str

    def tanggal(self, tahun_anggaran: int) -> dt.date | None:
        if self.bulan is None or self.hari is None:
            return None
        return dt.date(tahun_anggaran + self.tahun, self.bulan, self.hari)


def load_tenggat(path: str | Path) -> dict[str, Tenggat]:
    """Read ``apbg-tenggat.yaml``: one entry per stage of :data:`STAGES`, each with its ``sumber``."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TenggatError(f"{path}: tidak dapat dibaca ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise TenggatError(f"{path}: YAML tidak sah ({exc})") from exc
    entries = (data or {}).get("tahap") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise TenggatError(f"{path}: harus berisi 'tahap' dengan satu entri per tahap APBG")
    out: dict[str, Tenggat] = {}
    for key in STAGES:
        entry = entries.get(key)
        where = f"{path}, tahap {key}"
        if not isinstance(entry, dict):
            raise TenggatError(f"{where}: tidak ada (wajib untuk {', '.join(STAGES)})")
        if not str(entry.get("sumber") or "").strip():
            raise TenggatError(f"{where}: 'sumber' (dasar hukum tenggat) wajib diisi")
        bulan, hari = entry.get("bulan"), entry.get("hari")
        if "tenggat" in entry and entry["tenggat"] is None:
            bulan = hari = None
        elif not (isinstance(bulan, int) and isinstance(hari, int) and isinstance(entry.get("tahun", 0), int)):
            raise TenggatError(f"{where}: 'bulan', 'hari' dan 'tahun' harus bilangan bulat (atau 'tenggat: null')")
        else:
            try:
                dt.date(2000 + int(entry.get("tahun", 0)), bulan, hari)
            except ValueError:
                raise TenggatError(f"{where}: tanggal {hari}/{bulan} tidak sah") from None
        out[key] = Tenggat(key, bulan, hari, int(entry.get("tahun", 0) or 0), str(entry["sumber"]).strip(),
                           str(entry.get("ketentuan") or "").strip())
    unknown = sorted(set(entries) - set(STAGES))
    if unknown:
        raise TenggatError(f"{path}: tahap tidak dikenal: {', '.join(unknown)} (pilihan: {', '.join(STAGES)})")
    return out


def stage_state(deadline: dt.date | None, published: dt.date | None, today: dt.date) -> str:
    """One gampong's stage against its deadline (see the module's state constants)."""
    if deadline is None:
        return TANPA_TENGGAT if published else BELUM
    if published is not None:
        return TEPAT if published <= deadline else TERLAMBAT
    return BELUM_LEWAT if today > deadline else BELUM


def percent(part: int, whole: int) -> Decimal | None:
    """``100 * part / whole`` to one decimal (half up); None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


#: Sort keys of the SKPD table (``?sort=key`` ascending, ``?sort=-key`` descending) and the
#: row field each sorts by; rows without a figure go last either way.
SORT_KEYS: dict[str, str] = {
    "skpd": "title",
    "daftar_data": "daftar_data",
    "terbit": "terbit",
    "tepat_waktu": "persen_tepat_waktu",
    "terlambat": "jumlah_terlambat",
    "metadata": "persen_metadata",
    "antrian": "antrian",
    "umur_antrian": "antrian_hari_tertua",
    "panen": "panen_terakhir_berhasil",
    "panen_gagal": "jumlah_panen_gagal",
    "pengaduan": "pengaduan_median_hari_respon",
}


def sort_rows(rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """Rows sorted by ``sort`` (a key of :data:`SORT_KEYS`, ``-`` first for descending), then by title."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        raise ValueError(key)
    field = SORT_KEYS[key]
    by_title = sorted(rows, key=lambda r: str(r.get("title") or "").casefold())
    present = [r for r in by_title if r.get(field) is not None]
    absent = [r for r in by_title if r.get(field) is None]
    if field == "title":
        present.sort(key=lambda r: str(r["title"]).casefold(), reverse=descending)
    else:
        present.sort(key=lambda r: r[field], reverse=descending)
    return present + absent


def _join(items: Iterable[Any]) -> str:
    return "; ".join(str(i) for i in items)


#: (column, how to get it from a row) of the CSV download, in order.
CSV_COLUMNS: tuple[tuple[str, Callable[[dict[str, Any]], Any]], ...] = (
    ("skpd", lambda r: r["skpd"]),
    ("nama_skpd", lambda r: r["title"]),
    ("baris_daftar_data", lambda r: r["daftar_data"]),
    ("terbit", lambda r: r["terbit"]),
    ("persen_tepat_waktu", lambda r: r["persen_tepat_waktu"]),
    ("jumlah_terlambat", lambda r: r["jumlah_terlambat"]),
    ("terlambat", lambda r: _join(f"{i['judul']} ({i['hari_terlambat']} hari)" for i in r["terlambat"])),
    ("persen_metadata_lengkap", lambda r: r["persen_metadata"]),
    ("antrian_verifikasi", lambda r: r["antrian"]),
    ("umur_antrian_tertua_hari", lambda r: r["antrian_hari_tertua"]),
    ("panen_terakhir_berhasil", lambda r: r["panen_terakhir_berhasil"]),
    ("sumber_panen_gagal", lambda r: _join(r["panen_gagal"])),
    ("pengaduan_median_hari_kerja_respon", lambda r: r["pengaduan_median_hari_respon"]),
)


def csv_rows(rows: list[dict[str, Any]]) -> Iterable[list[Any]]:
    """The header, then one list of values per SKPD row (format and neutralise them when writing)."""
    yield [name for name, _get in CSV_COLUMNS]
    for row in rows:
        yield [get(row) for _name, get in CSV_COLUMNS]
