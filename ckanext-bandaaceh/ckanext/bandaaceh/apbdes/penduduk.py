"""Population per gampong, for per-resident budget figures: ``<dir>/<tahun>.csv``.

Columns (UTF-8, header row): ``kode_wilayah`` (gampong area code), ``gampong`` (name, for the
reader of the file), ``penduduk`` (residents, a whole number), ``sumber`` (where the figure
comes from) and ``status``: ``resmi`` (official) or ``contoh`` (sample data). A table with one
``contoh`` row is sample data as a whole and is always shown as "data contoh, bukan data resmi".

For a budget year the table of that year is used, else the latest earlier one (its year is
shown). A malformed file is refused with file, line and column (:class:`PendudukError`).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..reference.files import ReferenceError, read_rows
from ..spreadsheet.errors import N_

__all__ = ["COLUMNS", "STATUS", "SAMPLE_LABEL", "Penduduk", "PendudukError", "load_penduduk", "penduduk_for_year"]

COLUMNS = ("kode_wilayah", "gampong", "penduduk", "sumber", "status")
STATUS = ("resmi", "contoh")
#: How a sample table is labelled wherever its figures are shown.
SAMPLE_LABEL = "data contoh, bukan data resmi"
_YEAR_FILE = re.compile(r"^(\d{4})\.csv$")


class PendudukError(ReferenceError):
    """A population file is malformed; the message (Indonesian) names file, line and column."""


@dataclass(frozen=True)
class Penduduk:
    """One population table: residents per gampong area code."""

    tahun: int
    path: str
    jumlah: dict[str, int] = field(default_factory=dict)
    sumber: tuple[str, ...] = ()
    contoh: bool = False

    @property
    def label(self) -> str:
        """``data contoh, bukan data resmi`` for sample data, else empty."""
        return SAMPLE_LABEL if self.contoh else ""


def load_penduduk(path: str | os.PathLike[str], tahun: int) -> Penduduk:
    """Read one population file; raises :class:`PendudukError` naming file, line and column."""
    path = Path(path)
    jumlah: dict[str, int] = {}
    sumber: list[str] = []
    contoh = False
    for line, row in read_rows(path, COLUMNS, PendudukError):
        where = {"file": path, "line": line}
        kode = row["kode_wilayah"]
        if not kode:
            raise PendudukError(N_("kosong"), column="kode_wilayah", **where)
        if kode in jumlah:
            raise PendudukError(N_("{value} sudah ada di baris sebelumnya"), column="kode_wilayah",
                                params={"value": kode}, **where)
        text = row["penduduk"].replace(".", "")
        if not text.isdigit():
            raise PendudukError(N_("'{value}' bukan bilangan bulat"), column="penduduk",
                                params={"value": row["penduduk"]}, **where)
        status = row["status"].lower()
        if status not in STATUS:
            raise PendudukError(N_("'{value}' harus 'resmi' atau 'contoh'"), column="status",
                                params={"value": row["status"]}, **where)
        if not row["sumber"]:
            raise PendudukError(N_("kosong (sebutkan sumber angkanya)"), column="sumber", **where)
        jumlah[kode] = int(text)
        contoh = contoh or status == "contoh"
        if row["sumber"] not in sumber:
            sumber.append(row["sumber"])
    return Penduduk(tahun=tahun, path=str(path), jumlah=jumlah, sumber=tuple(sumber), contoh=contoh)


def penduduk_for_year(directory: str | os.PathLike[str], tahun: int) -> Penduduk | None:
    """The population table for budget year ``tahun``: ``<tahun>.csv``, else the latest earlier
    year's file; None when the folder has none."""
    base = Path(directory)
    if not base.is_dir():
        return None
    years = sorted(int(m.group(1)) for p in base.iterdir() if (m := _YEAR_FILE.match(p.name)))
    chosen = [y for y in years if y <= tahun]
    if not chosen:
        return None
    return load_penduduk(base / f"{chosen[-1]}.csv", chosen[-1])
