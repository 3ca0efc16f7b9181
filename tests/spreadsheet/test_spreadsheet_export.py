import csv
import datetime
import io
import pickle
from decimal import Decimal

import pytest

from ckanext.bandaaceh.spreadsheet import Column, SpreadsheetError, Table, csv_cell, format_value, read_workbook, to_csv
from ckanext.bandaaceh.spreadsheet.errors import N_



def test_to_csv_formats_values():
    t = Table(
        sheet="S",
        columns=[Column("Nama, lengkap", "text"), Column("N", "number"), Column("T", "date"), Column("B", "boolean")],
        rows=[
            ['Ali "AA"', Decimal("1587456770.00"), datetime.date(2024, 1, 31), True],
            [None, Decimal("0.125"), datetime.datetime(2024, 1, 31, 10, 5), False],
            ["Ümit", Decimal("1E+3"), None, None],
            ["x", Decimal("-12.50"), None, None],
        ],
        source_rows=[2, 3, 4, 5],
    )
    assert to_csv(t) == (
        '"Nama, lengkap",N,T,B\r\n'
        '"Ali ""AA""",1587456770,2024-01-31,true\r\n'
        ",0.125,2024-01-31T10:05:00,false\r\n"
        "Ümit,1000,,\r\n"
        "x,-12.5,,\r\n"
    )


def test_to_csv_stream():
    t = Table(sheet="S", columns=[Column("a", "integer")], rows=[[1]], source_rows=[2])
    buf = io.StringIO()
    assert to_csv(t, buf) == ""
    assert buf.getvalue() == "a\r\n1\r\n"


def test_format_value():
    assert format_value(Decimal("1E-7")) == "0.0000001"
    assert format_value(0.1 + 0.2) == "0.3"
    assert format_value(7) == "7"


def test_error_formats():
    assert str(SpreadsheetError("boom")) == "boom"
    assert str(SpreadsheetError("boom", file="a.xlsx")) == "a.xlsx: boom"
    assert str(SpreadsheetError("boom", file="a.xlsx", sheet="S", row=3)) == "a.xlsx, sheet 'S', baris 3: boom"
    e = SpreadsheetError("boom", file="a.xlsx", sheet="S", row=12, column=28)
    assert str(e) == "a.xlsx, sheet 'S', baris 12, sel AB12: boom" and e.cell == "AB12"
    assert str(SpreadsheetError("boom", column=3)) == "kolom C: boom"


def test_error_pickles():
    e = pickle.loads(pickle.dumps(SpreadsheetError("boom", file="a.xlsx", row=2, column=1)))
    assert str(e) == "a.xlsx, baris 2, sel A2: boom" and e.cell == "A2"
    e = pickle.loads(pickle.dumps(SpreadsheetError("{a} dan {b}", sheet="S", params={"a": 1, "b": "dua"})))
    assert (e.template, e.params, e.reason, str(e)) == ("{a} dan {b}", {"a": 1, "b": "dua"}, "1 dan dua",
                                                        "sheet 'S': 1 dan dua")


def test_error_template_and_params():
    e = SpreadsheetError(N_("'{value}' bukan angka"), file="a.xlsx", sheet="APBG", row=12, column=3,
                         params={"value": "1.2.3"})
    assert e.template == "'{value}' bukan angka" and e.reason == "'1.2.3' bukan angka"
    assert str(e) == e.message() == "a.xlsx, sheet 'APBG', baris 12, sel C12: '1.2.3' bukan angka"
    shout = {"sheet '{sheet}'": "SHEET {sheet}", "baris {row}": "ROW {row}", "sel {cell}": "CELL {cell}",
             "'{value}' bukan angka": "NOT A NUMBER: {value}"}
    assert e.message(lambda t: shout.get(t, t)) == "a.xlsx, SHEET APBG, ROW 12, CELL C12: NOT A NUMBER: 1.2.3"
    # a translation that names a placeholder the template lacks falls back to the Indonesian text
    assert e.message(lambda t: "{nope}" if t.startswith("'") else t) == str(e)


def test_errors_read_in_english_with_the_en_catalogue(english):
    with pytest.raises(SpreadsheetError) as err:
        read_workbook(b"a" * 2000, "x.csv", max_bytes=1000)
    assert str(err.value) == "x.csv: berkas berukuran 2.000 byte, melebihi batas 1.000 byte"
    assert err.value.message(english) == "x.csv: the file is 2.000 bytes, more than the limit of 1.000"
    with pytest.raises(SpreadsheetError) as err:
        read_workbook(b"%PDF-1.7\n", "laporan.xlsx")
    assert err.value.message(english) == "laporan.xlsx: this is a PDF document, not a spreadsheet"
    e = SpreadsheetError("x", file="a.xlsx", sheet="S", row=3, column=2)
    assert e.message(english) == "a.xlsx, sheet 'S', row 3, cell B3: x"


FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"klik\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1"]


def test_to_csv_neutralises_formula_text_cells():
    # OWASP CSV injection: a text cell a spreadsheet would evaluate gets a leading single quote;
    # numbers (a negative amount starts with '-' too) and harmless text stay as they are.
    t = Table(sheet="S", columns=[Column("=cmd", "text"), Column("N", "number")],
              rows=[[f, Decimal("-5")] for f in FORMULAS] + [["Dana Desa - tahap 1", Decimal("7")]],
              source_rows=list(range(2, 2 + len(FORMULAS) + 1)))
    rows = list(csv.reader(io.StringIO(to_csv(t), newline="")))
    assert rows[0] == ["'=cmd", "N"]
    assert rows[1:-1] == [["'" + f, "-5"] for f in FORMULAS]
    assert rows[-1] == ["Dana Desa - tahap 1", "7"]
    assert t.rows[0][0] == FORMULAS[0]  # the table (what the DataStore gets) is unchanged


def test_csv_cell():
    assert [csv_cell(c) for c in ("=1", "+1", "-1", "@a", "\ta", "\ra", "a=1", "", " =1")] == [
        "'=1", "'+1", "'-1", "'@a", "'\ta", "'\ra", "a=1", "", " =1"]
