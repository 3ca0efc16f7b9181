"""The canonical long CSV of gampong budgets (one row per leaf line).

Columns (see ``CSV_FIELDS`` and ``README.md``): kode_wilayah, gampong, kecamatan, tahun,
tahap, periode, kode_rekening, kode_kegiatan, bidang, uraian, anggaran, anggaran_sebelum, realisasi,
sumber_dana. ``anggaran_sebelum`` is the amount before the change of an APBG-Perubahan
(blank in other budgets); ``anggaran`` is always the amount in force.
Amounts are plain decimals (``1500000``, ``1234.5``): '.' as decimal point, no thousands
separator; blank when absent. UTF-8 with a header row. In the CSV (not in the DataStore) a text
cell that a spreadsheet would run as a formula gets a leading ``'`` (:func:`spreadsheet.csv_cell`).
"""
from __future__ import annotations

import csv
import io
import os
from decimal import Decimal
from typing import IO, Iterable, Iterator

from ..spreadsheet import csv_cell
from .codes import derived_sumber_dana
from .model import Budget, format_amount

__all__ = ["CSV_FIELDS", "CSV_COLUMNS", "TEXT_COLUMNS", "format_amount", "budget_rows", "csv_row", "write_csv",
           "to_csv_bytes"]

#: (column, DataStore type) in output order.
CSV_FIELDS: tuple[tuple[str, str], ...] = (
    ("kode_wilayah", "text"),
    ("gampong", "text"),
    ("kecamatan", "text"),
    ("tahun", "int"),
    ("tahap", "text"),
    ("periode", "text"),
    ("kode_rekening", "text"),
    ("kode_kegiatan", "text"),
    ("bidang", "text"),
    ("uraian", "text"),
    ("anggaran", "numeric"),
    ("anggaran_sebelum", "numeric"),
    ("realisasi", "numeric"),
    ("sumber_dana", "text"),
)
CSV_COLUMNS: tuple[str, ...] = tuple(name for name, _ in CSV_FIELDS)
#: The text columns, neutralised against formula injection in CSV downloads.
TEXT_COLUMNS: frozenset[str] = frozenset(name for name, kind in CSV_FIELDS if kind == "text")


def csv_row(row: dict[str, str]) -> dict[str, str]:
    """A row of :func:`budget_rows` as written to a downloaded CSV (text cells through ``csv_cell``)."""
    return {k: csv_cell(v) if k in TEXT_COLUMNS else v for k, v in row.items()}


def budget_rows(budget: Budget) -> Iterator[dict[str, str]]:
    """Rows (column -> text) of the leaf lines of ``budget``, in file order.

    ``sumber_dana`` is the line's own code; for pendapatan lines without one it is derived
    from the account (4.1.x PAD, 4.2.1 DDS, 4.2.2 PBH, 4.2.3 ADD).
    """
    for ln in budget.lines:
        if not ln.is_leaf:
            continue
        sumber = ln.sumber_dana
        if sumber is None and ln.account and ln.account.startswith("4"):
            sumber = derived_sumber_dana(ln.account)
        yield {
            "kode_wilayah": budget.kode_wilayah or "",
            "gampong": budget.gampong or "",
            "kecamatan": budget.kecamatan or "",
            "tahun": "" if budget.tahun is None else str(budget.tahun),
            "tahap": budget.tahap,
            "periode": budget.periode or "",
            "kode_rekening": ln.account or "",
            "kode_kegiatan": ln.kegiatan or "",
            "bidang": ln.bidang or "",
            "uraian": ln.description,
            "anggaran": format_amount(ln.anggaran),
            "anggaran_sebelum": format_amount(ln.anggaran_sebelum),
            "realisasi": format_amount(ln.realisasi),
            "sumber_dana": sumber or "",
        }


def write_csv(budgets: Budget | Iterable[Budget], out: IO[str] | str | os.PathLike[str], *, header: bool = True) -> int:
    """Write one or more budgets as the canonical CSV to a text stream or path; return the row count."""
    if isinstance(budgets, Budget):
        budgets = [budgets]
    if isinstance(out, (str, os.PathLike)):
        with open(out, "w", encoding="utf-8", newline="") as fh:
            return write_csv(budgets, fh, header=header)
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    if header:
        writer.writeheader()
    n = 0
    for b in budgets:
        for row in budget_rows(b):
            writer.writerow(csv_row(row))
            n += 1
    return n


def to_csv_bytes(budgets: Budget | Iterable[Budget]) -> bytes:
    """The canonical CSV of ``budgets`` as UTF-8 bytes (with header row)."""
    buf = io.StringIO()
    write_csv(budgets, buf)
    return buf.getvalue().encode("utf-8")
