"""Fuzz the complaint reader: the only outcomes are an export or a PengaduanError naming the file.

Inputs: generated case-level and aggregate CSVs with random cells (dates, statuses, counts), and
an xlsx export with mutated bytes. What is read must also aggregate without another exception.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from ckanext.bandaaceh.pengaduan import PengaduanError, aggregate, load_standards, read_export
from tests.fuzzing import amount_text, cell_text, csv_grid, encode_csv, mutated_bytes, mutated_zip

pytestmark = pytest.mark.fuzz

CASE_HEADER = ["Tanggal Laporan", "Tanggal Tanggapan", "Tanggal Selesai", "Status", "Kategori", "Instansi Tujuan",
               "Diteruskan ke LAPOR"]
COUNT_HEADER = ["SKPD", "Kategori", "Status", "Jumlah"]
STANDARD = load_standards()["suwarga"]
_date_text = st.one_of(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)).map(lambda d: d.strftime("%d/%m/%Y")),
                       st.sampled_from(["31/02/2025", "2025-13-01", "7 Juli 2025", "00/00/0000", "9999-12-31"]),
                       cell_text)
_case_cell = st.one_of(_date_text, st.sampled_from(["Selesai", "baru", "proses", "Entah", "Ya", "Tidak"]), cell_text)
#: A case export (CASE_HEADER, three rows) written once by openpyxl: fixed bytes, so the mutations repeat.
EXPORT = (Path(__file__).resolve().parents[1] / "fixtures" / "pengaduan" / "suwarga-fuzz.xlsx").read_bytes()


def _read(data: bytes, filename: str) -> None:
    try:
        export = read_export(data, filename, kanal="suwarga")
    except PengaduanError as exc:
        assert str(exc).startswith(filename), str(exc)
        return
    aggregate(export.cases, STANDARD)


@given(csv_grid(_case_cell, max_rows=6, max_cols=len(CASE_HEADER)))
def test_generated_case_export(rows):
    _read(encode_csv([CASE_HEADER] + rows, ";"), "suwarga.csv")


@given(csv_grid(st.one_of(amount_text, _case_cell), max_rows=6, max_cols=len(COUNT_HEADER)))
def test_generated_count_export(rows):
    _read(encode_csv([COUNT_HEADER] + rows, ";"), "lapor-2025-07.csv")


@given(st.one_of(mutated_bytes(EXPORT), mutated_zip(EXPORT)))
def test_mutated_xlsx_export(data):
    _read(data, "suwarga.xlsx")


# --- regressions: one per finding ---------------------------------------------------------


def test_errors_name_the_sheet_and_column(xlsx_export):
    """A bad status of a count export named neither its column nor, in a workbook, its sheet."""
    data = xlsx_export(COUNT_HEADER, [["Dinas PUPR", "Jalan", "Entah", 3]])
    with pytest.raises(PengaduanError, match=re.escape("lapor.xlsx, sheet 'Sheet', baris 2, kolom Status: status "
                                                       "'Entah' tidak dikenal")):
        read_export(data, "lapor.xlsx", kanal="lapor")
