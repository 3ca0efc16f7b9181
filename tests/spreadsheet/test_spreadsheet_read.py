import datetime
import os

import pytest

from ckanext.bandaaceh.spreadsheet import SpreadsheetError, read_workbook


def test_xlsx_sheets_and_merges(fixture_path):
    wb = read_workbook(fixture_path("penduduk.xlsx"))
    assert wb.filename == "penduduk.xlsx" and wb.format == "xlsx"
    assert [s.name for s in wb.sheets] == ["Penduduk", "APBG", "Multi", "Types"]
    rows = wb.sheet("Penduduk").rows
    # the merged title is repeated into every cell of its merge
    assert rows[0] == ["PEMERINTAH KOTA BANDA ACEH"] * 6
    # vertical merge 'No' (A5:A6) repeated down; horizontal 'Jumlah Penduduk' (C5:D5) across
    assert rows[4][:4] == ["No", "Kecamatan", "Jumlah Penduduk", "Jumlah Penduduk"]
    assert rows[5][:4] == ["No", "Kecamatan", "Laki-laki", "Perempuan"]
    assert (4, 0, 5, 0) in wb.sheet("Penduduk").merges
    # integral floats become int, text stays text
    assert rows[7][:4] == [1, "Meuraxa", 12345, "11.234"]
    assert rows[3] == [None] * 6  # the blank row keeps its place


def test_types_sheet_values(fixture_path):
    rows = read_workbook(fixture_path("penduduk.xlsx"), sheets=["Types"]).sheets[0].rows
    assert rows[1][3] is True
    assert rows[1][0] == "001"


def test_xls_and_ods_match_xlsx(fixture_path):
    ref = read_workbook(fixture_path("penduduk.xlsx")).sheet("Penduduk").rows
    xls = read_workbook(fixture_path("penduduk.xls")).sheet("Penduduk").rows
    assert xls == ref
    ods = read_workbook(fixture_path("penduduk.ods"))
    assert ods.format == "ods"
    rows = ods.sheet("Penduduk").rows
    # ods gives no merge ranges: covered cells stay empty
    assert rows[0][0] == "PEMERINTAH KOTA BANDA ACEH" and rows[0][1] is None
    assert rows[7] == ref[7]


@pytest.mark.parametrize(
    "name",
    ["penduduk_utf8.csv", "penduduk_utf8_bom.csv", "penduduk_cp1252.csv", "penduduk_semicolon.csv", "penduduk_tab.tsv"],
)
def test_csv_dialects(fixture_path, name):
    wb = read_workbook(fixture_path(name))
    assert wb.format == "csv" and len(wb.sheets) == 1
    rows = wb.sheets[0].rows
    assert rows[0][0] == "PEMERINTAH KOTA BANDA ACEH"
    assert rows[4] == ["No", "Kecamatan", "Jumlah Penduduk", None, "Jumlah", "Luas (km²)"]
    assert rows[7][0] == "1" and rows[7][1].startswith("Meuraxa")
    assert len(rows[7]) == 6


def test_cp1252_decoded(fixture_path):
    rows = read_workbook(fixture_path("penduduk_cp1252.csv")).sheets[0].rows
    assert rows[7][1] == "Meuraxa – Pelabuhan ‘Ulee Lheue’"


def test_bytes_source_and_filename(fixture_path):
    with open(fixture_path("penduduk.xlsx"), "rb") as f:
        data = f.read()
    wb = read_workbook(data, "upload/anggaran.xlsx")
    assert wb.filename == "anggaran.xlsx"
    assert read_workbook(data).filename == "<data>"


def test_csv_trims_and_strips():
    wb = read_workbook(b"a , b,,\r\n 1 ,2,,\r\n,,,\r\n\r\n", "x.csv")
    assert wb.sheets[0].rows == [["a", "b"], ["1", "2"]]


def test_oversize_refused(fixture_path, tmp_path):
    with pytest.raises(SpreadsheetError, match="melebihi batas 1.000 byte"):
        read_workbook(fixture_path("penduduk.xlsx"), max_bytes=1000)
    with pytest.raises(SpreadsheetError, match="x.csv: berkas berukuran 2.000 byte, melebihi batas 1.000 byte"):
        read_workbook(b"a" * 2000, "x.csv", max_bytes=1000)


def test_max_cells(fixture_path):
    with pytest.raises(SpreadsheetError, match="lebih dari 50 sel"):
        read_workbook(fixture_path("penduduk.xlsx"), max_cells=50)
    with pytest.raises(SpreadsheetError, match="lebih dari 50 sel"):
        read_workbook(fixture_path("penduduk_utf8.csv"), max_cells=50)
    with pytest.raises(SpreadsheetError, match="melebihi batas 50 sel"):
        read_workbook(fixture_path("penduduk.xls"), max_cells=50)
    with pytest.raises(SpreadsheetError, match="lebih dari 100 sel"):
        read_workbook(fixture_path("penduduk.xls"), max_cells=100)


def test_sheet_selection(fixture_path):
    wb = read_workbook(fixture_path("penduduk.xlsx"), sheets=["APBG"])
    assert [s.name for s in wb.sheets] == ["APBG"]
    with pytest.raises(SpreadsheetError, match="tidak ada sheet bernama 'Nope'"):
        read_workbook(fixture_path("penduduk.xlsx"), sheets=["Nope"])


def test_missing_file():
    with pytest.raises(SpreadsheetError, match="nope.xlsx: berkas tidak dapat dibuka"):
        read_workbook("/nonexistent/nope.xlsx")


@pytest.mark.parametrize("name", ["truncated.xlsx", "corrupt.xlsx"])
def test_corrupt_files_name_the_file(fixture_path, name):
    with pytest.raises(SpreadsheetError) as err:
        read_workbook(fixture_path(name))
    assert str(err.value).startswith(f"{name}: ")
    assert "rusak" in str(err.value)


def test_pathlike(fixture_path):
    import pathlib

    wb = read_workbook(pathlib.Path(fixture_path("penduduk.ods")))
    assert wb.filename == "penduduk.ods"


def test_dates_come_back_as_dates(fixture_path):
    rows = read_workbook(fixture_path("penduduk.xlsx"), sheets=["Multi"]).sheets[0].rows
    assert isinstance(rows[8][3], datetime.date)


def test_xlsx_x0000_escape_read_and_removed_in_tables(fixture_path):
    import importlib.util
    import os

    spec = importlib.util.spec_from_file_location("spreadsheet_fixtures", fixture_path("make_fixtures.py"))
    mf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mf)
    from ckanext.bandaaceh.spreadsheet import extract_tables

    xml = ('<?xml version="1.0" encoding="UTF-8"?><worksheet %s><sheetData>'
           '<row r="1"><c r="A1" t="inlineStr"><is><t>Nama_x0000_</t></is></c><c r="B1" t="inlineStr"><is><t>Nilai</t></is></c></row>'
           '<row r="2"><c r="A2" t="inlineStr"><is><t>Ag_x0000_us_x001B_</t></is></c><c r="B2"><v>5</v></c></row>'
           '<row r="3"><c r="A3" t="inlineStr"><is><t>Budi</t></is></c><c r="B3"><v>7</v></c></row>'
           '</sheetData></worksheet>') % mf.SHEET_NS
    wb = read_workbook(mf._minimal_xlsx(xml), "kontrol.xlsx")
    assert wb.sheets[0].rows[1][0] == "Ag\x00us\x1b"  # the raw grid is what the file says
    t = extract_tables(wb.sheets[0])[0]
    assert [c.name for c in t.columns] == ["Nama", "Nilai"]
    assert t.rows == [["Agus", 5], ["Budi", 7]]
    assert not os.path.exists(fixture_path("kontrol.xlsx"))


def _long_mixed_workbook(path, rows: int) -> None:
    """A sheet longer than one cleaning chunk whose columns change class part-way down."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    ws.append([])  # a blank first row and an empty first column: positions must stay
    for i in range(rows):
        ws.append([
            None,
            i,  # written as a number: calamine gives a float, the grid an int
            f"  K{i % 3} " if i % 7 else "   ",  # stripped; blank-only text is no value
            i + 0.5 if i >= rows - 10 else float(i),  # integral until the last ten rows
            2.0**60 if i == rows // 2 else 1.0,  # too large to be an exact int: stays float
            "teks" if i == rows - 1 else i % 5,  # a text in the very last row of a number column
            datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 30),
        ])
    wb.save(path)


def test_long_sheet_cleaned_column_by_column_like_cell_by_cell(tmp_path):
    from ckanext.bandaaceh.spreadsheet import reader

    n = 9_000  # more than two chunks of reader._CHUNK_ROWS rows
    path = tmp_path / "panjang.xlsx"
    _long_mixed_workbook(path, n)
    rows = read_workbook(path).sheets[0].rows
    assert len(rows) == n + 1 and rows[0] == [None] * 7
    # around the ends of the first (small) chunk and of the next one
    edges = [reader._FIRST_CHUNK_ROWS + k for k in (-2, -1, 0)]
    edges += [reader._FIRST_CHUNK_ROWS + reader._CHUNK_ROWS + k for k in (-2, -1, 0)]
    for i in (0, 1, 6, 7, *edges, 4095, 4096, 4097, n // 2, n - 11, n - 10, n - 1):
        row = rows[i + 1]
        assert row[0] is None
        assert row[1] == i and type(row[1]) is int
        assert row[2] == (f"K{i % 3}" if i % 7 else None)
        expected_d = i + 0.5 if i >= n - 10 else i
        assert row[3] == expected_d and type(row[3]) is (float if i >= n - 10 else int)
        assert (row[4], type(row[4])) == ((2.0**60, float) if i == n // 2 else (1, int))
        assert row[5] == ("teks" if i == n - 1 else i % 5)
        assert row[6] == datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 30)
    # equal texts share one object (the grid stays small); the values are what was written
    assert rows[1 + 1][2] is rows[4 + 1][2]
    # the bytes and the path of the same file read alike
    assert read_workbook(path.read_bytes(), "panjang.xlsx").sheets[0].rows == rows


def test_leading_empty_rows_and_columns_keep_positions(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"], ws["D3"], ws["E6"] = "Nama", 1, 2.5
    path = tmp_path / "geser.xlsx"
    wb.save(path)
    rows = read_workbook(path).sheets[0].rows
    assert rows[:2] == [[None] * 5, [None] * 5]
    assert rows[2] == [None, None, "Nama", 1, None]
    assert rows[5] == [None, None, None, None, 2.5]


def test_path_read_falls_back_to_checked_bytes_when_the_file_changed(tmp_path):
    """calamine reads a path through the open descriptor only while the file is as it was checked."""
    import os

    from ckanext.bandaaceh.spreadsheet import reader

    path = tmp_path / "f.xlsx"
    path.write_bytes(b"PK" + b"x" * 10)
    with open(path, "rb") as fh:
        stamp = os.fstat(fh.fileno())
        data = fh.read()
        assert reader._checked_path((fh, stamp), data) == f"/proc/self/fd/{fh.fileno()}"
        assert reader._checked_path((fh, stamp), data[:-1]) is None  # not the bytes that were checked
        with open(path, "ab") as other:
            other.write(b"y")
        assert reader._checked_path((fh, stamp), data) is None  # changed since it was opened


@pytest.mark.parametrize("column, expected", [
    # amounts with cents, some whole: whole ones become int, the rest stay the very floats
    ((49543508.71, 1200.0, 0.5, -3.0), [49543508.71, 1200, 0.5, -3]),
    # beyond 2**53 a whole float stays a float (it is not an exact integer)
    ((2.0**60, 12.25, 7.0), [2.0**60, 12.25, 7]),
    # nan and inf: the fast path must not apply; the cell-by-cell rule decides
    ((float("nan"), 1.5, 2.0), None),
    ((float("inf"), 1.5, 2.0), None),
])
def test_float_column_fast_path_matches_cell_by_cell(column, expected):
    from ckanext.bandaaceh.spreadsheet import reader

    got = reader._ColumnCleaner().clean(column)
    reference = reader._clean_cells(column)
    assert list(map(repr, got)) == list(map(repr, reference))  # same values and classes (nan included)
    assert [type(v) for v in got] == [type(v) for v in reference]
    if expected is not None:
        assert got == expected and [type(v) for v in got] == [type(v) for v in expected]
        assert got[0] is column[0] or type(got[0]) is int  # floats kept as they are, not rebuilt


@pytest.mark.parametrize("rows, expected", [
    # rectangular (calamine's rows): empty trailing columns and rows go column-wise
    ([[1, None, None], ["a", 0, None], [None, None, None]], [[1, None], ["a", 0]]),
    # falsy values (0, False) are values: the last column stays
    ([[None, 0], [None, False]], [[None, 0], [None, False]]),
    # ragged (a hand-made grid): the row-by-row rule pads and trims
    ([[1], ["a", None, 2, None], [None, None]], [[1, None, None], ["a", None, 2]]),
    ([[1], [None, None], ["a", None, 2, None]], [[1, None, None], [None, None, None], ["a", None, 2]]),
    ([[None, None]], []),
])
def test_trim_rectangular_and_ragged(rows, expected):
    from ckanext.bandaaceh.spreadsheet import reader

    assert reader._trim([list(r) for r in rows]) == expected


def test_gc_paused_moves_new_objects_out_of_the_young_generation():
    """What was made while the collector paused does not wait in generation 0 (whose next
    collection would walk all of it); the collector's state and foreign frozen objects stay."""
    import gc

    from ckanext.bandaaceh.spreadsheet.reader import gc_paused

    assert gc.isenabled()
    gc.collect()
    with gc_paused():
        assert not gc.isenabled()
        kept = [[i] for i in range(20_000)]
    assert gc.isenabled()
    # in the oldest generation already: not walked by the young collections (which, after
    # gc.collect() above, could not have promoted them that far themselves)
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert all(id(x) in oldest for x in kept[::1000])
    assert gc.get_freeze_count() == 0
    cycle: list = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1  # full collections still find garbage
    # a process that froze objects itself (pre-fork servers do) keeps them frozen
    gc.freeze()
    frozen = gc.get_freeze_count()
    try:
        with gc_paused():
            more = [[i] for i in range(100)]
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
    assert len(kept) + len(more) == 20_100


def test_sheet_read_as_columns_makes_its_rows_once_and_then_holds_them(tmp_path):
    import openpyxl

    from ckanext.bandaaceh.spreadsheet import Sheet

    path = tmp_path / "kolom.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for row in (["Nama", "Nilai"], ["a", 1], ["b", 2.5], [None, None]):
        ws.append(row)
    wb.save(path)
    sheet = read_workbook(path).sheets[0]
    columns = sheet.column_view()
    assert columns == [["Nama", "a", "b"], ["Nilai", 1, 2.5]]  # trailing empty row trimmed
    assert sheet.height == 3
    assert "3 rows" in repr(sheet)
    rows = sheet.rows
    assert rows == [["Nama", "Nilai"], ["a", 1], ["b", 2.5]]
    assert sheet.column_view() is None and sheet.rows is rows  # made once; the rows are the sheet now
    rows[1][1] = 7  # a caller may change them: the tables follow the rows
    from ckanext.bandaaceh.spreadsheet import extract_tables

    assert extract_tables(sheet, statistics=False)[0].rows[0] == ["a", 7]
    assert sheet == Sheet("Data", rows=[["Nama", "Nilai"], ["a", 7], ["b", 2.5]])
    assert sheet != Sheet("Data", rows=[["Nama", "Nilai"]])
    sheet.rows = [["x"]]
    assert sheet.rows == [["x"]] and sheet.height == 1
    assert Sheet("E").rows == [] and Sheet("E", columns=[]).rows == [] and Sheet("E", columns=[]).height == 0
    with pytest.raises(ValueError):
        Sheet("E", rows=[], columns=[])


def test_classes_known_from_reading_are_those_of_the_values(tmp_path, fixture_path):
    """``Sheet.classes_in`` (what the cleaner saw, chunk by chunk) is ``set(map(type, ...))`` of the
    range asked for, give or take NoneType, for any range: across chunk ends, in the first small
    chunk, where a column changes class in its last rows, and on every fixture read as columns."""
    import glob
    import random

    from ckanext.bandaaceh.spreadsheet import reader

    path = tmp_path / "panjang.xlsx"
    _long_mixed_workbook(path, 9_000)
    sheets = [read_workbook(path).sheets[0]]
    folder = os.path.dirname(os.path.dirname(fixture_path("penduduk.xlsx")))
    for name in sorted(glob.glob(os.path.join(folder, "**", "*.xlsx"), recursive=True)):
        try:
            sheets += [s for s in read_workbook(name).sheets if s.column_view() is not None]
        except SpreadsheetError:
            continue
    rnd = random.Random(8)
    checked = 0
    for sheet in sheets:
        columns = sheet.column_view()
        height = sheet.height
        edges = [0, 1, reader._FIRST_CHUNK_ROWS - 1, reader._FIRST_CHUNK_ROWS, reader._FIRST_CHUNK_ROWS + 1,
                 reader._FIRST_CHUNK_ROWS + reader._CHUNK_ROWS, height - 11, height - 10, height - 1, height]
        for c, column in enumerate(columns):
            for _ in range(12):
                a, b = sorted((rnd.choice(edges + [rnd.randrange(height + 1)]), rnd.randrange(height + 1)))
                a, b = max(a, 0), min(b, height)
                exact = set(map(type, column[a:b]))
                known = sheet.classes_in(c, a, b)
                assert exact <= known <= exact | {type(None)}, (sheet.name, c, a, b)
                checked += 1
    assert len(sheets) > 20 and checked > 1000
    # a grid whose columns were given, not read, has its classes counted
    given = reader.Sheet("S", columns=[["a", 1, None], [2.5, "b", 3]])
    assert given.classes_in(0, 1, 3) == {int, type(None)} and given.classes_in(1, 0, 3) == {float, str, int}


def test_tables_typed_from_known_classes_equal_tables_typed_from_counted_ones(tmp_path):
    """The classes the reader knew (a long sheet whose number columns turn text or float at the end)
    type every column as counting them would."""
    from ckanext.bandaaceh.spreadsheet import Sheet, extract_tables

    path = tmp_path / "panjang.xlsx"
    _long_mixed_workbook(path, 9_000)
    read = read_workbook(path).sheets[0]
    counted = Sheet(read.name, columns=[list(c) for c in read.column_view()])
    assert read._classes and counted._classes is None
    for statistics in (True, False):
        known_tables = extract_tables(read, statistics=statistics)
        assert known_tables == extract_tables(counted, statistics=statistics)
        assert [c.type for c in known_tables[0].columns] == ["integer", "text", "number", "number", "text", "date"]
