import datetime
from decimal import Decimal

import pytest

from ckanext.bandaaceh.spreadsheet import Sheet, SpreadsheetError, extract_tables, parse_number, read_workbook, to_csv

PENDUDUK_FILES = [
    "penduduk.xlsx",
    "penduduk.xls",
    "penduduk.ods",
    "penduduk_utf8.csv",
    "penduduk_utf8_bom.csv",
    "penduduk_cp1252.csv",
    "penduduk_semicolon.csv",
    "penduduk_tab.tsv",
]
NAMES = ["No", "Kecamatan", "Jumlah Penduduk - Laki-laki", "Jumlah Penduduk - Perempuan", "Jumlah", "Luas (km²)"]
TYPES = ["integer", "text", "integer", "integer", "integer", "number"]


def first_table(path, sheet=None, statistics=False):
    wb = read_workbook(path)
    s = wb.sheet(sheet) if sheet else wb.sheets[0]
    tables = extract_tables(s, filename=wb.filename, statistics=statistics)
    assert tables
    return tables[0]


@pytest.mark.parametrize("name", PENDUDUK_FILES)
def test_penduduk_same_table_in_every_format(fixture_path, name):
    t = first_table(fixture_path(name))
    assert [c.name for c in t.columns] == NAMES
    assert [c.type for c in t.columns] == TYPES
    # title rows skipped, numbering row skipped, spacer and total rows dropped,
    # footnotes and signature block not in the data
    assert [r[0] for r in t.rows] == [1, 2, 3, 4, 5]
    assert t.source_rows == [8, 9, 10, 12, 13]
    assert t.header_rows == [5, 6]
    assert t.rows[0][2:5] == [12345, 11234, 23579]
    assert t.rows[1][4] == 25877
    assert t.rows[2][2] == 10500
    assert [r[5] for r in t.rows] == [Decimal(x) for x in ("7.26", "3.78", "4.79", "4.54", "5.34")]
    assert t.titles[-1] == "Jumlah Penduduk Menurut Kecamatan Tahun 2024"
    assert t.notes[0].startswith("Sumber: Dinas Kependudukan")
    assert t.source_columns == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("name", PENDUDUK_FILES)
def test_penduduk_statistics_rules(fixture_path, name):
    # by default (statistics=True) the running number and the L+P total column go too
    t = first_table(fixture_path(name), statistics=True)
    assert [c.name for c in t.columns] == NAMES[1:4] + NAMES[5:]
    assert [c.type for c in t.columns] == TYPES[1:4] + TYPES[5:]
    assert t.source_columns == [2, 3, 4, 6]
    assert [(col, name) for col, name, _ in t.dropped_columns] == [(1, "No"), (5, "Jumlah")]
    assert t.dropped_rows == [(14, "Jumlah")]
    assert [r[1:3] for r in t.rows] == [[12345, 11234], [13001, 12876], [10500, 10211], [19876, 19001], [13456, 13120]]
    assert "'Jumlah' (baris 14)" in t.note and "'No' (kolom A" in t.note and "'Jumlah' (kolom E" in t.note


@pytest.mark.parametrize("name", PENDUDUK_FILES)
def test_penduduk_csv_output(fixture_path, name):
    text = to_csv(first_table(fixture_path(name)))
    lines = text.splitlines()
    assert lines[0] == "No,Kecamatan,Jumlah Penduduk - Laki-laki,Jumlah Penduduk - Perempuan,Jumlah,Luas (km²)"
    assert lines[1].endswith(",12345,11234,23579,7.26")
    assert len(lines) == 6


def test_apbg_sheet(fixture_path):
    t = first_table(fixture_path("penduduk.xlsx"), "APBG")
    assert [(c.name, c.type) for c in t.columns] == [
        ("Kode Rekening", "text"),  # a code, even though '1' and '1.1' look numeric
        ("Uraian", "text"),
        ("Anggaran (Rp)", "integer"),
        ("Realisasi (Rp)", "text"),  # '1.2.3' is not a number
        ("Persentase", "number"),
    ]
    assert [r[0] for r in t.rows] == ["1", "1.1", "1.2", "2", "2.1"]
    assert [r[2] for r in t.rows] == [964073000, 14073000, 950000000, -500000, 1587456770]
    assert t.rows[4][4] == Decimal("12.5")
    assert parse_number(t.rows[0][3]) == Decimal("900000000")
    assert parse_number(t.rows[3][3]) is None


def test_error_names_file_sheet_row_cell(fixture_path):
    t = first_table(fixture_path("penduduk.xlsx"), "APBG")
    with pytest.raises(ValueError) as failed:
        parse_number(t.rows[4][3])
    e = t.error(4, 3, str(failed.value))
    assert str(e) == "penduduk.xlsx, sheet 'APBG', baris 12, sel D12: '1.2.3' tidak dapat dibaca sebagai angka"
    assert (e.file, e.sheet, e.row, e.column, e.cell) == ("penduduk.xlsx", "APBG", 12, 4, "D12")
    assert t.cell(4, 3) == "D12"


def test_two_tables_on_one_sheet(fixture_path):
    wb = read_workbook(fixture_path("penduduk.xlsx"), sheets=["Multi"])
    t1, t2 = extract_tables(wb.sheets[0])
    assert [c.name for c in t1.columns] == ["Jenjang", "Negeri", "Swasta"]
    assert t1.rows == [["SD", 60, 12], ["SMP", 20, 9]]
    assert t1.titles == ["Tabel 1. Jumlah Sekolah"]
    assert [(c.name, c.type) for c in t2.columns] == [
        ("Jenjang", "text"), ("Laki-laki", "integer"), ("Perempuan", "integer"), ("Tanggal Data", "date")
    ]
    assert t2.rows == [["SD", 400, 900, datetime.date(2024, 1, 31)], ["SMP", 300, 500, datetime.date(2024, 1, 31)]]
    assert t2.titles == ["Tabel 2. Jumlah Guru"]  # and its 'Total' row is gone


def test_type_inference(fixture_path):
    t = first_table(fixture_path("penduduk.xlsx"), "Types")
    types = {c.name: c.type for c in t.columns}
    assert types == {
        "Kode": "text",  # leading zeros
        "Nama": "text",
        "Tanggal": "date",  # three spellings of dates
        "Aktif": "boolean",
        "Nilai": "number",  # '1.234,5' votes Indonesian, so '2.000' is 2000
        "NIK": "text",
        "Campur": "text",
    }
    assert [r[0] for r in t.rows] == ["001", "002", "010"]
    assert [r[2] for r in t.rows] == [datetime.date(2024, 1, 31), datetime.date(2024, 2, 29), datetime.date(2024, 3, 1)]
    assert [r[4] for r in t.rows] == [Decimal("1234.5"), Decimal("2000"), None]
    assert [r[6] for r in t.rows] == ["1", "dua", "3"]


def grid(*rows):
    return Sheet(name="S", rows=[list(r) for r in rows])


def test_english_convention_decides_ambiguous_values():
    t = extract_tables(grid(["Nama", "Nilai"], ["a", "1.5"], ["b", "2.000"], ["c", "1,234"]))[0]
    assert [r[1] for r in t.rows] == [Decimal("1.5"), Decimal("2"), Decimal("1234")]
    assert t.columns[1].type == "number"


def test_table_convention_fills_columns_without_votes():
    t = extract_tables(grid(["Nama", "A", "B"], ["x", "1,234,567", "5.000"], ["y", "2,000,000", "6.000"]))[0]
    assert [r[2] for r in t.rows] == [Decimal("5"), Decimal("6")]


def test_indonesian_default():
    t = extract_tables(grid(["Nama", "A"], ["x", "5.000"], ["y", "6.000"]))[0]
    assert [r[1] for r in t.rows] == [5000, 6000]
    assert t.columns[1].type == "integer"


def test_duplicate_and_empty_header_names():
    t = extract_tables(grid(["Nama", "Nama", None, "nama"], ["a", "b", 1, "c"], ["d", "e", 2, "f"]))[0]
    assert [c.name for c in t.columns] == ["Nama", "Nama (2)", "Kolom C", "nama (3)"]


def test_header_whitespace_normalized():
    t = extract_tables(grid(["Jumlah\nPenduduk", "  Luas  Wilayah "], [1, 2], [3, 4]))[0]
    assert [c.name for c in t.columns] == ["Jumlah Penduduk", "Luas Wilayah"]


def test_numbering_row_plain_integers():
    t = extract_tables(grid(["No", "Nama", "Nilai"], [1, 2, 3], [1, "a", 10], [2, "b", 20]), statistics=False)[0]
    assert t.rows == [[1, "a", 10], [2, "b", 20]]
    assert t.source_rows == [3, 4]


@pytest.mark.parametrize("label", ["Jumlah", "TOTAL", "JUMLAH TOTAL", "Grand Total", "Sub Total", "Jumlah Keseluruhan"])
def test_total_rows_dropped(label):
    t = extract_tables(grid(["Nama", "Nilai"], ["a", 1], ["b", 2], [label, 3]))[0]
    assert t.rows == [["a", 1], ["b", 2]]


def test_label_starting_with_jumlah_is_kept():
    t = extract_tables(grid(["Uraian", "Nilai"], ["Jumlah Pendapatan Asli", 1], ["b", 2]))[0]
    assert len(t.rows) == 2


@pytest.mark.parametrize(
    "line",
    [
        "Sumber: BPS Kota Banda Aceh",
        "Keterangan: angka sementara",
        "Catatan : data 2024",
        "*) angka sementara",
        "Banda Aceh, 12 Januari 2024",
        "Kepala Dinas Pendidikan",
        "NIP. 19700101 199503 1 001",
        "Mengetahui,",
    ],
)
def test_stop_lines(line):
    t = extract_tables(grid(["Nama", "Nilai"], ["a", 1], [line], ["b", 2]))[0]
    assert t.rows == [["a", 1]]


def test_spacer_and_dash_rows_dropped():
    t = extract_tables(grid(["Nama", "Nilai"], ["a", 1], [None, None], ["-", "-"], ["b", 2]))[0]
    assert t.rows == [["a", 1], ["b", 2]]


def test_repeated_header_after_page_break_dropped():
    t = extract_tables(grid(["Nama", "Nilai"], ["a", 1], ["Nama", "Nilai"], ["b", 2]))[0]
    assert t.rows == [["a", 1], ["b", 2]]


def test_year_header():
    t = extract_tables(grid(["Kecamatan", 2022, 2023], ["Meuraxa", 10, 11], ["Kuta Alam", 12, 13]))[0]
    assert [c.name for c in t.columns] == ["Kecamatan", "2022", "2023"]
    assert t.rows[0] == ["Meuraxa", 10, 11]


def test_text_only_table_keeps_first_row():
    t = extract_tables(grid(["Nama", "Jabatan"], ["Budi", "Kepala"], ["Ani", "Staf"]))[0]
    assert [c.name for c in t.columns] == ["Nama", "Jabatan"]
    assert len(t.rows) == 2


def test_unmerged_two_row_header_csv_style():
    t = extract_tables(
        grid(
            ["No", "Wilayah", "Penduduk", None, "Keterangan"],
            [None, None, "L", "P", None],
            [1, "A", 5, 6, "x"],
        ),
        statistics=False,
    )[0]
    assert [c.name for c in t.columns] == ["No", "Wilayah", "Penduduk - L", "Penduduk - P", "Keterangan"]


def test_headerless_sheet_falls_back():
    t = extract_tables(grid([1, 2], [3, 4]))[0]
    assert [c.name for c in t.columns] == ["Kolom A", "Kolom B"]
    assert t.rows == [[1, 2], [3, 4]]


def test_empty_sheet():
    assert extract_tables(grid()) == []
    assert extract_tables(grid([None, None])) == []


def test_datetime_values():
    t = extract_tables(
        grid(["Waktu", "Hari"], [datetime.datetime(2024, 1, 2, 10, 30), datetime.datetime(2024, 1, 2)], ["2024-01-03 08:00", "2024-01-03"])
    )[0]
    assert [c.type for c in t.columns] == ["date", "date"]
    assert t.rows[0] == [datetime.datetime(2024, 1, 2, 10, 30), datetime.date(2024, 1, 2)]
    assert t.rows[1] == [datetime.datetime(2024, 1, 3, 8, 0), datetime.date(2024, 1, 3)]


def test_signature_words_in_data_are_kept():
    t = extract_tables(grid(["Jabatan", "Nama"], ["Kepala Dinas", "Drs. Budi"], ["Sekretaris", "Ani"]))[0]
    assert len(t.rows) == 2
    t = extract_tables(grid(["Uraian", "Jumlah"], ["Kepala Keluarga", 120], ["Jiwa", 480]))[0]
    assert len(t.rows) == 2


def test_two_signers_side_by_side_stop_the_table():
    t = extract_tables(
        grid(
            ["No", "Nama", "L", "P", "Jumlah", "Ket"],
            [1, "a", 1, 2, 3, "x"],
            [None, "Mengetahui,", None, None, "Banda Aceh, 2 Mei 2024", None],
            [None, "Keuchik", None, None, "Sekretaris", None],
        ),
        statistics=False,
    )[0]
    assert t.rows == [[1, "a", 1, 2, 3, "x"]]


def test_one_column_list():
    wb = read_workbook(b"Nama Gampong\nLambaro Skep\nPeunayong\n", "gampong.csv")
    t = extract_tables(wb.sheets[0])[0]
    assert [c.name for c in t.columns] == ["Nama Gampong"]
    assert t.rows == [["Lambaro Skep"], ["Peunayong"]]
    assert t.source_rows == [2, 3]


def test_two_part_title_above_header():
    t = extract_tables(
        grid(["Tabel 3.1", "Jumlah Sekolah"], [], ["Jenjang", "Negeri", "Swasta"], ["SD", 1, 2], ["SMP", 3, 4])
    )[0]
    assert [c.name for c in t.columns] == ["Jenjang", "Negeri", "Swasta"]
    assert t.header_rows == [3]
    assert t.titles == ["Tabel 3.1 Jumlah Sekolah"]


def test_many_duplicate_names_are_fast():
    t = extract_tables(grid(["X"] * 5000 + ["Y"], ["a"] * 5000 + [1], ["b"] * 5000 + [2]))[0]
    names = [c.name for c in t.columns]
    assert names[:3] == ["X", "X (2)", "X (3)"] and names[-2:] == ["X (5000)", "Y"]


def test_control_characters_never_reach_a_table_csv():
    filler = "".join(f"Gampong Nomor {i},{i}\r\n" for i in range(10, 60))  # keeps it text, not binary
    data = ("Na\x1bma,Nilai\r\nAg\x07us,5\r\nBudi\x08,7\r\n\x1b,8\r\n" + filler).encode("utf-8")
    t = extract_tables(read_workbook(data, "kontrol.csv").sheets[0])[0]
    assert [c.name for c in t.columns] == ["Nama", "Nilai"]
    assert t.rows[:3] == [["Agus", 5], ["Budi", 7], [None, 8]] and len(t.rows) == 53


def test_nul_in_csv_is_refused():
    with pytest.raises(SpreadsheetError, match="karakter NUL") as exc:
        read_workbook(b"Nama,Nilai\r\nAg\x00us,5\r\n", "nul.csv")
    assert (exc.value.file, exc.value.row) == ("nul.csv", 2)  # found by the fuzz test: it named no row


def test_xlsx_escaped_control_characters_are_removed():
    """xlsx writes NUL as '_x0000_'; calamine decodes it to '\\x00'."""
    rows = [["Nama", "Nilai", "Kode"], ["Ag\x00us\x1b", 5, "0\x0001"], ["Budi", 7, "002"]]
    t = extract_tables(Sheet(name="S", rows=rows))[0]
    assert t.rows == [["Agus", 5, "001"], ["Budi", 7, "002"]]
    assert to_csv(t).count("\x00") == 0


def _comma_texts(seed: int, n: int) -> list[str]:
    import random

    rnd = random.Random(seed)
    out = {"-0,00", "0,0", "10,00", "100,0000", "-0,5", "5,0", "0,10", "-10,0000", "1,25"}
    while len(out) < n:
        whole = rnd.choice(["0", str(rnd.randint(1, 10 ** rnd.randint(1, 15) - 1))])
        frac = "".join(rnd.choice("0000123456789") for _ in range(rnd.choice([1, 2, 4, 7, 12])))
        out.add(rnd.choice(["", "-"]) + whole + "," + frac)
    return sorted(out)


@pytest.mark.parametrize("seed", [1, 2])
def test_comma_decimal_column_fast_path_matches_text_by_text(seed):
    """A column of distinct '38,98'-like texts is read in bulk; each value (and its spelling:
    '38,90' -> 38.9, '5,00' -> 5, '-0,00' -> 0) is what the text-by-text classification gives."""
    from ckanext.bandaaceh.spreadsheet import coltypes

    texts = _comma_texts(seed, 3000)
    bulk = coltypes._comma_decimals(texts)
    assert bulk is not None and list(bulk) == texts
    for text in texts:
        kind, value = coltypes._classify_text(text, True)
        assert kind == "dec:id"
        assert (str(bulk[text]), bulk[text]) == (str(value), value), text
    kind, values = coltypes.type_columns([texts + [None]], statistics=True)[0]
    assert kind == "number" and values == [bulk[t] for t in texts] + [None]


@pytest.mark.parametrize("texts", [
    ["1,5", "1,234"],  # ambiguous: decided by the votes, not in bulk
    ["1,5", "1.5"],
    ["1,5", "-"],  # a marker
    ["1,5\n2,5", "3,5"],  # a line break inside a text must not split it
    ["01,5"],
    ["1,5", "abc"],
    [],
])
def test_comma_decimal_fast_path_only_for_plain_comma_decimals(texts):
    from ckanext.bandaaceh.spreadsheet import coltypes

    assert coltypes._comma_decimals(texts) is None


def _as_columns(sheet):
    """The same sheet held column by column (as read_workbook keeps xlsx/ods/xls sheets)."""
    rows = sheet.rows
    width = max(map(len, rows), default=0)
    padded = [list(r) + [None] * (width - len(r)) for r in rows]
    return Sheet(sheet.name, columns=[list(c) for c in zip(*padded)], merges=list(sheet.merges), hidden=sheet.hidden)


_BLOCKS = [
    # title, header, column numbers repeated after a "page break", a total row, footnotes
    [["Tabel 1 Penduduk"], [], ["No", "Kecamatan", "L", "P"], ["(1)", "(2)", "(3)", "(4)"],
     *[[i, f"K{i % 4}", 100 + i, 200 + i] for i in range(1, 40)],
     ["(1)", "(2)", "(3)", "(4)"], *[[i, f"K{i % 4}", 100 + i, 200 + i] for i in range(40, 60)],
     [None, "Jumlah", 5000, 6000], ["Sumber: BPS"]],
    # the city-wide row first and last (totals), blank first cells (rows that need a look)
    [["Kecamatan", "2023", "2024"], ["Kota Banda Aceh", 900, 950],
     *[[f"K{i}" if i % 5 else None, i, i + 1] for i in range(1, 30)], ["Kota Banda Aceh", 400, 430]],
    # two tables with a blank gap; the second one's header
    [["Nama", "Nilai"], *[[f"n{i}", i] for i in range(25)], [], [], ["Tabel 2"], ["Jenis", "Jumlah"],
     *[[f"j{i}", f"{i},5"] for i in range(12)]],
    # the header repeated mid-table, filler rows, a subtotal per group
    [["Bulan", "Jenis", "Jumlah"], *[["Januari", f"J{i}", i] for i in range(6)], ["Januari", "Jumlah", 15],
     ["---", "---", "---"], ["Bulan", "Jenis", "Jumlah"], *[["Februari", f"J{i}", i] for i in range(6)]],
    # no header at all: every row is data
    [[1, 2], [3, 4], [5, None]],
]


@pytest.mark.parametrize("rows", _BLOCKS)
@pytest.mark.parametrize("statistics", [True, False])
def test_sheet_held_as_columns_gives_the_same_tables(rows, statistics):
    row_sheet = Sheet(name="S", rows=[list(r) for r in rows])
    col_sheet = _as_columns(Sheet(name="S", rows=[list(r) for r in rows]))
    assert col_sheet.column_view() is not None
    got = extract_tables(col_sheet, filename="f.xlsx", statistics=statistics)
    assert col_sheet.column_view() is not None  # the rows were never made
    assert got == extract_tables(row_sheet, filename="f.xlsx", statistics=statistics)


def test_every_fixture_sheet_gives_the_same_tables_from_columns_and_rows(fixture_path):
    import glob
    import os

    folder = os.path.dirname(os.path.dirname(fixture_path("penduduk.xlsx")))  # tests/fixtures
    names = sorted(glob.glob(os.path.join(folder, "**", "*.*"), recursive=True))
    from_columns = 0
    for path in names:
        if not path.endswith((".xlsx", ".ods", ".xls")):
            continue
        try:
            as_columns = read_workbook(path)
        except SpreadsheetError:
            continue  # the damaged fixtures
        as_rows = read_workbook(path)
        for sheet, same in zip(as_columns.sheets, as_rows.sheets):
            row_sheet = Sheet(same.name, rows=same.rows, merges=same.merges, hidden=same.hidden)
            from_columns += sheet.column_view() is not None
            for statistics in (True, False):
                assert extract_tables(sheet, statistics=statistics) == extract_tables(row_sheet, statistics=statistics), path
    assert from_columns >= 20


def test_data_rows_mix_runs_of_columns_and_row_lists():
    from ckanext.bandaaceh.spreadsheet import tables

    columns = [[f"a{r}" for r in range(10)], list(range(10))]
    data = tables._Data(columns)
    data.add_run(2, 5)
    data.append(["x", -1])
    data.add_run(7, 10)
    assert len(data) == 7 and data.width() == 2
    assert [data.row(i) for i in range(7)] == [["a2", 2], ["a3", 3], ["a4", 4], ["x", -1], ["a7", 7], ["a8", 8], ["a9", 9]]
    assert data.tail(5) == [["a4", 4], ["x", -1], ["a7", 7], ["a8", 8], ["a9", 9]]
    data.delete_end(0)
    data.delete_end(len(data) - 1)
    assert list(map(list, data.by_column(2))) == [["a3", "a4", "x", "a7", "a8"], [3, 4, -1, 7, 8]]
    assert columns[1] == list(range(10))  # the sheet's columns are left alone
