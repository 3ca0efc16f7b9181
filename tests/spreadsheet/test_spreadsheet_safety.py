"""Hostile files are refused before python-calamine sees them (see safety.py)."""
import io
import os
import subprocess
import sys
import zipfile

import pytest

from ckanext.bandaaceh.spreadsheet import SpreadsheetError, read_workbook
from ckanext.bandaaceh.spreadsheet import safety

_spec = __import__("importlib.util").util.spec_from_file_location(
    "spreadsheet_fixtures", os.path.join(os.path.dirname(__file__), "..", "fixtures", "spreadsheet", "make_fixtures.py"))
_fixtures = __import__("importlib.util").util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)
_minimal_xlsx, SHEET_NS = _fixtures._minimal_xlsx, _fixtures.SHEET_NS


def refused(path, match):
    with pytest.raises(SpreadsheetError, match=match) as err:
        read_workbook(path)
    assert str(err.value).startswith(os.path.basename(path) + ": ")
    return err.value


def test_zip_bomb_refused(fixture_path):
    refused(fixture_path("zip_bomb.xlsx"), "bom zip")


def test_entity_expansion_refused(fixture_path):
    refused(fixture_path("entity_expansion.xlsx"), "DTD atau entitas XML")


def test_xxe_refused(fixture_path):
    refused(fixture_path("xxe.xlsx"), "DTD atau entitas XML")


@pytest.mark.parametrize("name", ["entity_expansion.xlsx", "xxe.xlsx"])
def test_calamine_itself_does_not_expand_entities(fixture_path, name):
    """Defence in depth: even unchecked, quick-xml refuses user-defined entities."""
    import python_calamine

    with pytest.raises(python_calamine.CalamineError, match="unrecognized entity"):
        book = python_calamine.CalamineWorkbook.from_path(fixture_path(name))
        book.get_sheet_by_index(0).to_python()


def test_sparse_range_refused(fixture_path):
    """Unchecked, calamine asks for ~550 GB here and aborts the process."""
    refused(fixture_path("sparse_range.xlsx"), "lebih dari 5.000.000 sel")


def test_implied_positions_counted(fixture_path):
    """Cells without r="..." are placed one after another: 301 rows x 300 columns."""
    with pytest.raises(SpreadsheetError, match="lebih dari 90.000 sel"):
        read_workbook(fixture_path("implied_positions.xlsx"), max_cells=90_000)
    wb = read_workbook(fixture_path("implied_positions.xlsx"), max_cells=90_300)
    assert len(wb.sheets[0].rows) == 301 and len(wb.sheets[0].rows[0]) == 300


def test_forged_xls_dimensions_refused(fixture_path):
    """Unchecked, calamine reserves ~345 GB from this 10 KB file and aborts."""
    refused(fixture_path("forged_dimensions.xls"), "lebih dari 5.000.000 sel")


def test_xls_reader_runs_in_a_capped_process(fixture_path):
    """A forged xls that gets past the record check kills only the child process."""
    err = refused(fixture_path("inverted_dimensions.xls"), "pembacanya berhenti")
    assert "berkas rusak atau memerlukan terlalu banyak memori" in str(err)


def test_shared_string_count_refused(fixture_path):
    """Unchecked, calamine reserves 4e9 strings (96 GB) and aborts."""
    refused(fixture_path("sst_count.xlsx"), "menyatakan 4.000.000.000 shared string")


@pytest.mark.parametrize("name", ["forged_dimensions.xls", "inverted_dimensions.xls", "sst_count.xlsx"])
def test_reservation_bombs_would_abort_unchecked(fixture_path, name):
    code = (
        "import resource, python_calamine as pc;"
        "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30));"
        f"b = pc.CalamineWorkbook.from_path({fixture_path(name)!r});"
        "[b.get_sheet_by_index(i).to_python() for i in range(len(b.sheet_names))]"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert proc.returncode != 0
    assert b"memory allocation" in proc.stderr


def test_ods_repeat_bomb_refused(fixture_path):
    refused(fixture_path("ods_repeat_bomb.ods"), "lebih dari 5.000.000 sel")


def _xlsx_with(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_member_count_limit(monkeypatch):
    monkeypatch.setattr(safety, "MAX_ZIP_MEMBERS", 10)
    data = _xlsx_with({f"xl/media/i{i}.png": b"x" for i in range(20)})
    with pytest.raises(SpreadsheetError, match="22 anggota, lebih dari 10"):
        read_workbook(data, "many.xlsx")


def test_total_size_limit(monkeypatch):
    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED_BYTES", 1000)
    data = _xlsx_with({"xl/worksheets/sheet1.xml": os.urandom(800).hex()})
    with pytest.raises(SpreadsheetError, match="akan terurai menjadi"):
        read_workbook(data, "big.xlsx")


def test_lying_member_size_caught():
    """A member whose central-directory entry under-states its size fails the CRC check."""
    data = bytearray(_xlsx_with({"xl/worksheets/sheet1.xml": b"<worksheet>" + b" " * 5000 + b"</worksheet>"}))
    name = b"xl/worksheets/sheet1.xml"
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        name_len = int.from_bytes(data[pos + 28 : pos + 30], "little")
        if data[pos + 46 : pos + 46 + name_len] == name:
            data[pos + 24 : pos + 28] = (100).to_bytes(4, "little")  # uncompressed size
        pos = data.find(b"PK\x01\x02", pos + 4)
    with pytest.raises(SpreadsheetError, match="liar.xlsx: berkas rusak atau terpotong"):
        read_workbook(bytes(data), "liar.xlsx")


def test_sparse_range_would_abort_unchecked(fixture_path):
    """Documents why the range check exists: plain calamine dies on this 1.5 KB file."""
    code = (
        "import resource, python_calamine as pc;"
        "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30));"
        f"pc.CalamineWorkbook.from_path({fixture_path('sparse_range.xlsx')!r}).get_sheet_by_index(0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert proc.returncode != 0
    assert b"memory allocation" in proc.stderr or proc.returncode < 0


def test_reference_spellings_are_all_counted():
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        "<row r='1'><c r='A1'><v>1</v></c></row>"
        '<row r = "2"><c\tr = "zz90000"><v>2</v></c></row></sheetData></worksheet>'
    )
    extent = safety._XlsxExtent()
    extent.feed(sheet.encode())
    assert extent.max_row == 90000 and extent.max_col == 26 * 26 + 26
    assert extent.cells(0) == 90000 * 702


def _sheet_xml(rows):
    body = "".join(rows)
    return f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>'.encode()


def test_far_reference_in_a_later_chunk_is_measured():
    """Later chunks are only searched for references beyond the known rectangle."""
    extent = safety._XlsxExtent()
    extent.feed(_sheet_xml([f'<row r="{i}"><c r="A{i}"><v>1</v></c><c r="B{i}"><v>2</v></c></row>' for i in range(1, 50)]))
    assert (extent.max_row, extent.max_col, extent.exact_chunks) == (49, 2, 1)
    extent.feed(_sheet_xml([f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>' for i in range(50, 60)]))
    assert (extent.max_row, extent.exact_chunks) == (59, 1)  # honest chunk: no exact pass
    extent.feed(_sheet_xml(['<row r="60"><c r="C60"><v>1</v></c><c r="A999999"><v>1</v></c></row>']))
    assert (extent.max_row, extent.max_col, extent.exact_chunks) == (999999, 3, 2)
    assert extent.cells(0) == 999999 * 3


@pytest.mark.parametrize("ref", ["B7000000", "AA61", "XFD61", "AAAA61"])
def test_beyond_references_trigger_exact_pass(ref):
    extent = safety._XlsxExtent()
    extent.feed(_sheet_xml([f'<row r="{i}"><c r="A{i}"><v>1</v></c><c r="B{i}"><v>2</v></c></row>' for i in range(1, 61)]))
    extent.feed(_sheet_xml([f'<row r="61"><c r="{ref}"><v>1</v></c></row>']))
    assert extent.exact_chunks == 2


def test_cells_without_reference_in_later_chunk_use_row_widths():
    extent = safety._XlsxExtent()
    extent.feed(_sheet_xml(['<row r="1"><c r="A1"><v>1</v></c></row>']))
    extent.feed(_sheet_xml(['<row r="2">' + "<c><v>1</v></c>" * 500 + "</row>"]))
    assert extent.implied_cells and extent.exact_chunks == 2
    assert extent.cells(500) == 2 * (1 + 500)  # a cell after column A takes column B, and so on


@pytest.mark.parametrize("tag", ["<c>", "<c/>", '<c t="n"/>', '<c t="n">', '<c a="x"rr="B2">', '<c R="B2">',
                                 '<x:c t="n">', '<c x:r="B2">', "<c foo>", '<c foo="a>b">'])
def test_every_cell_without_reference_is_seen_in_a_later_chunk(tag):
    """calamine places such a cell after the one before (an upper-case R or a prefixed x:r is no reference)."""
    extent = safety._XlsxExtent()
    extent.feed(_sheet_xml([f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>' for i in range(1, 50)]))
    extent.feed(_sheet_xml([f'<row r="50"><c r="A50"><v>1</v></c>{tag}<v>2</v></c></row>']))
    assert extent.implied_cells and extent.exact_chunks == 2


@pytest.mark.parametrize("tags", ['<c r="B50">', '<c t="s" r="B50">', '<c t="n"r="B50">', "<c\tr = 'B50'>",
                                  '<c foo="a>b" r="B50">', '<col min="1"/><cols><cfRule type="x">'])
def test_cells_with_references_keep_the_fast_path(tags):
    """The honest spellings (and <col>, <cols>, <cfRule>) are no implied positions: no exact pass."""
    extent = safety._XlsxExtent()
    extent.feed(_sheet_xml([f'<row r="{i}"><c r="A{i}"><v>1</v></c><c r="B{i}"><v>1</v></c></row>' for i in range(1, 50)]))
    extent.feed(_sheet_xml([f'<row r="50"><c r="A50"><v>1</v></c>{tags}<v>2</v></c></row>']))
    assert not extent.implied_cells and extent.exact_chunks == 1
    assert extent.cells(0) == 50 * 2


def test_rows_without_reference_follow_the_last_numbered_row():
    extent = safety._XlsxExtent()
    extent.feed(_sheet_xml(['<row r="1000"><c r="A1000"><v>1</v></c></row>' + "<row><c r='A1'><v>1</v></c></row>" * 300]))
    assert extent.implied_rows and extent.cells(0) >= 1300


@pytest.mark.parametrize("cells", ['<c t="n"r="XFD1048576"><v>2</v></c>',
                                   '<c r="XFD1048576"><v>2</v></c><c r="A000000000001"><v>3</v></c>'])
def test_reference_spellings_calamine_reads_are_refused(cells):
    """calamine reads 't="n"r=...' (no space) and '000000000001' (as 1, not as the largest number);
    unchecked, it aborts on these files."""
    xml = (f'<worksheet {SHEET_NS}><sheetData><row r="1"><c r="A1"><v>1</v></c>'
           f'{cells}</row></sheetData></worksheet>')
    with pytest.raises(SpreadsheetError, match="lebih dari 5.000.000 sel"):  # the check alone: calamine never runs
        safety.check_container(_minimal_xlsx(xml), "xlsx", "ejaan.xlsx", max_cells=5_000_000)


def test_fake_references_in_text_do_not_hide_implied_cells():
    """' r="..."' inside a text value is no reference: the cells after it still take implied columns."""
    fake = ' r="A1"' * 2000
    extent = safety._XlsxExtent()
    extent.feed(_sheet_xml([f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>' for i in range(1, 50)]))
    extent.feed(_sheet_xml([f'<row r="50"><c r="A50" t="inlineStr"><is><t>{fake}</t></is></c>'
                            + "<c><v>1</v></c>" * 2000 + "</row>"]))
    assert extent.implied_cells


def test_a_tag_longer_than_a_chunk_is_not_cut():
    """A reference after a long attribute at a chunk's end is still measured (the tag is never cut)."""
    filler = "x" * (safety._FIRST_CHUNK + 10)
    xml = (f'<worksheet {SHEET_NS}><sheetData><row r="1"><c r="A1"><v>1</v></c>'
           f'<c t="n" foo="{filler}" r="XFD1048576"><v>2</v></c></row></sheetData></worksheet>')
    with pytest.raises(SpreadsheetError, match="lebih dari 5.000.000 sel"):
        safety.check_container(_minimal_xlsx(xml), "xlsx", "panjang.xlsx", max_cells=5_000_000)


def test_worksheet_outside_the_usual_folder_is_measured(fixture_path):
    """calamine follows the relationships, so a sheet stored anywhere is still checked."""
    data = open(fixture_path("sparse_range.xlsx"), "rb").read()
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            body = zin.read(info)
            name = info.filename
            if name == "xl/worksheets/sheet1.xml":
                name = "hidden/data.xml"
            body = body.replace(b"worksheets/sheet1.xml", b"../hidden/data.xml")
            z.writestr(name, body)
    with pytest.raises(SpreadsheetError, match="lebih dari 5.000.000 sel"):
        read_workbook(out.getvalue(), "moved.xlsx")


def _with_member(xlsx: bytes, member: str, data: bytes) -> bytes:
    """``xlsx`` with one member's bytes replaced."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, data if info.filename == member else src.read(info))
    return buf.getvalue()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_worksheet_with_a_dtd_is_refused(fixture_path, encoding):
    """A UTF-16 part hid '<!DOCTYPE' from the byte scan (it reads '<\\x00!\\x00D...')."""
    original = open(fixture_path("entity_expansion.xlsx"), "rb").read()
    zf = zipfile.ZipFile(io.BytesIO(original))
    sheet = next(n for n in zf.namelist() if n.startswith("xl/worksheets/"))
    xml = zf.read(sheet).decode("utf-8").replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"')
    data = _with_member(original, sheet, xml.encode(encoding))
    with pytest.raises(SpreadsheetError, match="UTF-16/UTF-32") as err:
        read_workbook(data, "laporan.xlsx")
    assert str(err.value).startswith("laporan.xlsx: anggota zip 'xl/worksheets/")


def test_utf16_worksheet_is_not_read_as_an_empty_sheet(fixture_path):
    wb = read_workbook(fixture_path("penduduk.xlsx"))
    assert wb.sheets[0].rows  # the plain file has data
    original = open(fixture_path("penduduk.xlsx"), "rb").read()
    zf = zipfile.ZipFile(io.BytesIO(original))
    data = _with_member(original, "xl/worksheets/sheet1.xml", zf.read("xl/worksheets/sheet1.xml").decode().encode("utf-16"))
    with pytest.raises(SpreadsheetError, match="simpan ulang"):
        read_workbook(data, "penduduk.xlsx")


def _peak_mib(fn) -> float:
    import tracemalloc

    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def test_ods_content_is_measured_streaming_not_held_in_memory():
    """A 24 MB content.xml with a large repeat count used to be joined in memory (twice)."""
    rows = "".join(
        f'<table:table-row><table:table-cell office:value-type="float" office:value="{i}"><text:p>{i}</text:p>'
        f"</table:table-cell></table:table-row>" for i in range(190_000)
    )
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="S">' + rows +
               '<table:table-row table:number-rows-repeated="1000"><table:table-cell/></table:table-row>'
               "</table:table></office:spreadsheet></office:body></office:document-content>")
    assert len(content) > 24 << 20
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", "<manifest/>", compress_type=zipfile.ZIP_DEFLATED)
    data = buf.getvalue()
    del content, rows
    peak = _peak_mib(lambda: safety.check_container(data, "ods", "besar.ods", max_cells=5_000_000))
    assert peak < 16, f"{peak:.1f} MiB held while checking"
    with pytest.raises(SpreadsheetError, match="lebih dari 180.000 sel"):
        safety.check_container(data, "ods", "besar.ods", max_cells=180_000)  # and it still counts them all


def test_widest_row_is_measured_streaming(fixture_path):
    """Cells without r="..." made the check inflate the whole worksheet a second time in memory."""
    rows = "".join(f"<row><c><v>{i}</v></c><c><v>{i + 1}</v></c></row>" for i in range(700_000))
    xml = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {SHEET_NS}><sheetData>{rows}</sheetData></worksheet>'
    assert len(xml) > 24 << 20
    data = _minimal_xlsx(xml)
    del xml, rows
    peak = _peak_mib(lambda: safety.check_container(data, "xlsx", "besar.xlsx", max_cells=5_000_000))
    assert peak < 32, f"{peak:.0f} MiB held while checking"  # was twice the worksheet (48+ MiB)
    with pytest.raises(SpreadsheetError, match="lebih dari 1.000.000 sel"):
        safety.check_container(data, "xlsx", "besar.xlsx", max_cells=1_000_000)  # 700,000 rows x 2 columns


# --- the sheet is inflated in a second thread while the chunks already inflated are scanned ---

def _big_sheet(rows: int, *, head: str = "", far: str = "") -> bytes:
    """A minimal xlsx whose sheet XML inflates to ``rows`` * ~70 bytes (several chunks)."""
    body = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c><c r="B{i}"><v>{i % 7}</v></c></row>'
                   for i in range(1, rows + 1))
    return _minimal_xlsx(head + f'<worksheet xmlns="{SHEET_NS}"><sheetData>{body}{far}</sheetData></worksheet>')


def _inflating_threads() -> list:
    import threading

    return [t for t in threading.enumerate() if t.name == "bandaaceh-inflate"]


def _check(data: bytes, name: str = "besar.xlsx", max_cells: int = 5_000_000):
    try:
        safety.check_container(data, "xlsx", name, max_cells=max_cells)
    except SpreadsheetError as exc:
        return str(exc)
    return None


@pytest.fixture
def threaded_from_the_first_byte(monkeypatch):
    """Every member inflated in the second thread (normally only those over _THREADED_MIN)."""
    monkeypatch.setattr(safety, "_THREADED_MIN", 0)


@pytest.mark.parametrize("case", ["honest", "far reference at the end", "too many cells", "dtd first"])
def test_threaded_inflate_decides_like_the_calling_thread(monkeypatch, case):
    rows = 200_000  # ~14 MB of XML: seven chunks, above _THREADED_MIN
    data = {
        "honest": lambda: _big_sheet(rows),
        "far reference at the end": lambda: _big_sheet(rows, far='<row r="9999999"><c r="Z9999999"><v>1</v></c></row>'),
        "too many cells": lambda: _big_sheet(rows),
        "dtd first": lambda: _big_sheet(rows, head='<!DOCTYPE x [<!ENTITY a "b">]>'),
    }[case]()
    max_cells = 300_000 if case == "too many cells" else 5_000_000
    assert len(zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")) > safety._THREADED_MIN
    threaded = _check(data, max_cells=max_cells)
    monkeypatch.setattr(safety, "_THREADED_MIN", 1 << 40)
    inline = _check(data, max_cells=max_cells)
    assert threaded == inline
    assert (threaded is None) == (case == "honest")
    assert _inflating_threads() == []  # joined, also when the scan stopped at its first chunk


def test_corrupt_member_inflated_in_the_thread_names_the_member(threaded_from_the_first_byte):
    data = bytearray(_big_sheet(50_000))
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    middle = start + info.compress_size // 2
    data[middle:middle + 64] = bytes(64)  # damage the deflate stream half-way through
    message = _check(bytes(data))
    assert message is not None and message.startswith("besar.xlsx: ")
    assert "xl/worksheets/sheet1.xml" in message
    assert _inflating_threads() == []


def test_scan_stopping_early_stops_the_inflating_thread(monkeypatch):
    """A refusal in the first chunk leaves no thread inflating the rest of a large member."""
    import threading

    blocks = []
    original = safety._blocks

    def counted(fh):
        for block in original(fh):
            blocks.append(threading.current_thread().name)
            yield block

    monkeypatch.setattr(safety, "_blocks", counted)
    data = _big_sheet(400_000, head='<!DOCTYPE x [<!ENTITY a "b">]>')  # ~28 MB: 14 blocks
    assert "DTD atau entitas XML" in _check(data)
    assert _inflating_threads() == []
    in_thread = blocks.count("bandaaceh-inflate")  # the sheet's blocks (the small parts are read inline)
    assert 1 <= in_thread <= 2 + safety._AHEAD  # it stopped within its queue's length, not at the end
