"""Fuzz the spreadsheet layer: the only outcomes are typed tables or a SpreadsheetError naming the file.

Inputs: random cell text for the number and date parsers, generated CSVs in several encodings
and delimiters, and the real fixtures (xlsx, ods, xls) with mutated bytes, both as raw bytes and
with one zip member mutated inside a sound archive (what the XML parsers see).
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from ckanext.bandaaceh.spreadsheet import (SpreadsheetError, extract_tables, format_value, parse_date, parse_number,
                                           read_workbook, tidy_table, to_csv)
from ckanext.bandaaceh.spreadsheet.numeric import MAX_EXPONENT
from tests.fuzzing import amount_text, cell_text, csv_grid, encode_csv, mutated_bytes, mutated_zip

pytestmark = pytest.mark.fuzz

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "spreadsheet"
XLSX = (FIXTURES / "penduduk.xlsx").read_bytes()
ODS = (FIXTURES / "penduduk.ods").read_bytes()
XLS = (FIXTURES / "penduduk.xls").read_bytes()


def _read_all(data: bytes, filename: str) -> None:
    """Read, extract, tidy and write every table; a SpreadsheetError must name the file."""
    try:
        wb = read_workbook(data, filename)
    except SpreadsheetError as exc:
        assert exc.file == filename and str(exc).startswith(filename), str(exc)
        return
    for sheet in wb.sheets:
        for table in extract_tables(sheet, filename=filename):
            to_csv(table)
            long = tidy_table(table)
            if long is not None:
                to_csv(long)


@given(amount_text)
def test_parse_number_gives_a_bounded_decimal_or_value_error(text):
    try:
        value = parse_number(text)
    except ValueError:
        return
    if value is not None:
        assert isinstance(value, Decimal) and value.is_finite()
        assert not value or abs(value.adjusted()) <= MAX_EXPONENT
        format_value(value)  # printable: no integer beyond Python's digit limit


@given(cell_text)
def test_parse_date_never_raises(text):
    assert parse_date(text) is None or isinstance(parse_date(text), datetime.date)


@given(csv_grid(), st.sampled_from([",", ";", "\t", "|"]), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
def test_generated_csv(rows, delimiter, encoding):
    _read_all(encode_csv(rows, delimiter, encoding), "fuzz.csv")


@given(csv_grid(amount_text, max_rows=10, max_cols=4))
def test_csv_table_with_random_amounts(rows):
    header = [["Kecamatan", "Laki-laki", "Perempuan", "Jumlah"]]
    _read_all(encode_csv(header + [["Baiturrahman", *r] for r in rows]), "angka.csv")


@given(st.one_of(mutated_bytes(XLSX), mutated_zip(XLSX)))
def test_mutated_xlsx(data):
    _read_all(data, "penduduk.xlsx")


@given(st.one_of(mutated_bytes(ODS), mutated_zip(ODS)))
def test_mutated_ods(data):
    _read_all(data, "penduduk.ods")


@settings(max_examples=8)  # each read starts the memory-capped child process
@given(mutated_bytes(XLS))
def test_mutated_xls(data):
    _read_all(data, "penduduk.xls")


# --- regressions: one per finding ---------------------------------------------------------


def test_huge_exponent_is_refused():
    """``1e999999`` made parse_number build a million-digit integer (minutes of CPU in the web
    process), and a 5001-digit integer could not be printed (ValueError of Python's digit limit)."""
    for text in ("1e999999", "1" + "0" * 5000, "-1e-999999"):
        with pytest.raises(ValueError, match="tidak dapat dibaca sebagai angka"):
            parse_number(text)
    assert parse_number("1e300") == Decimal(10) ** 300
    assert parse_number("1e-300") == Decimal(10) ** -300


def test_second_table_after_a_blank_row():
    """A header after a blank row below numeric data raised NameError (``Decimal`` not imported in
    tables.py): every sheet holding two tables failed to harvest."""
    data = b"Kecamatan,Jumlah\r\nBaiturrahman,10\r\nKuta Alam,20\r\n\r\nKecamatan,Luas\r\nBaiturrahman,4.54\r\n"
    tables = extract_tables(read_workbook(data, "dua.csv").sheets[0], filename="dua.csv")
    assert [([c.name for c in t.columns], t.rows, t.source_rows) for t in tables] == [
        (["Kecamatan", "Jumlah"], [["Baiturrahman", 10], ["Kuta Alam", 20]], [2, 3]),
        (["Kecamatan", "Luas"], [["Baiturrahman", Decimal("4.54")]], [6]),
    ]
