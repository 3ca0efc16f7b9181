"""Population per gampong, for per-resident budget figures: ``<dir>/<tahun>.csv``.

Columns (UTF-8, header row): ``kode_wilayah`` (gampong area code), ``gampong`` (name, for the
reader of the file), ``penduduk`` (residents, a whole number), ``sumber`` (where the figure
comes from) and ``status``: ``resmi`` (official) or ``contoh`` (sample data). A table with one
``contoh`` row is sample data as a whole and is always shown as "data contoh, bukan data resmi".

For a budget year the table of that year is used, else the latest earlier one (its year is
shown). A malformed file is refused with file, line and column (:class:`PendudukError`).
"""
from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["COLUMNS", "STATUS", "SAMPLE_LABEL", "Penduduk", "PendudukError", "load_penduduk", "penduduk_for_year"]

COLUMNS = ("kode_wilayah", "gampong", "penduduk", "sumber", "status")
STATUS = ("resmi", "contoh")
#: How a sample table is labelled wherever its figures are shown.
SAMPLE_LABEL = "data contoh, bukan data resmi"
_YEAR_FILE = re.compile(r"^(\d{4})\.csv$")


class PendudukError(ValueError):
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
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise PendudukError(f"{path}, baris 1: kolom {', '.join(missing)} tidak ada")
            jumlah: dict[str, int] = {}
            sumber: list[str] = []
            contoh = False
            for row in reader:
                line = reader.line_num
                kode = (row.get("kode_wilayah") or "").strip()
                if not kode:
                    raise PendudukError(f"{path}, baris {line}, kolom kode_wilayah: kosong")
                if kode in jumlah:
                    raise PendudukError(f"{path}, baris {line}, kolom kode_wilayah: {kode} sudah ada di baris sebelumnya")
                text = (row.get("penduduk") or "").strip().replace(".", "")
                if not text.isdigit():
                    raise PendudukError(f"{path}, baris {line}, kolom penduduk: '{row.get('penduduk')}' "
                                        "bukan bilangan bulat")
                status = (row.get("status") or "").strip().lower()
                if status not in STATUS:
                    raise PendudukError(f"{path}, baris {line}, kolom status: '{row.get('status')}' harus "
                                        "'resmi' atau 'contoh'")
                source = (row.get("sumber") or "").strip()
                if not source:
                    raise PendudukError(f"{path}, baris {line}, kolom sumber: kosong (sebutkan sumber angkanya)")
                jumlah[kode] = int(text)
                contoh = contoh or status == "contoh"
                if source not in sumber:
                    sumber.append(source)
    except OSError as exc:
        raise PendudukError(f"{path}: tidak dapat dibaca ({exc.strerror})") from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise PendudukError(f"{path}: bukan berkas CSV UTF-8 yang sah ({exc})") from exc
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
