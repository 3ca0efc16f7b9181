import csv
import datetime
import io
from decimal import Decimal

from ckanext.bandaaceh.spreadsheet import Column, SpreadsheetError, Table, csv_cell, format_value, to_csv


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
    import pickle

    e = pickle.loads(pickle.dumps(SpreadsheetError("boom", file="a.xlsx", row=2, column=1)))
    assert str(e) == "a.xlsx, baris 2, sel A2: boom" and e.cell == "A2"


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
