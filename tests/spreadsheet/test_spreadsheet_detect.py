import io
import zipfile

import pytest

from ckanext.bandaaceh.spreadsheet import SpreadsheetError, detect_format


def read(fixture_path, name):
    with open(fixture_path(name), "rb") as f:
        return f.read()


@pytest.mark.parametrize(
    "name,fmt",
    [
        ("penduduk.xlsx", "xlsx"),
        ("penduduk.xls", "xls"),
        ("penduduk.ods", "ods"),
        ("penduduk_utf8.csv", "csv"),
        ("penduduk_utf8_bom.csv", "csv"),
        ("penduduk_cp1252.csv", "csv"),
        ("penduduk_semicolon.csv", "csv"),
        ("penduduk_tab.tsv", "csv"),
    ],
)
def test_formats(fixture_path, name, fmt):
    assert detect_format(read(fixture_path, name), name) == fmt


def test_content_beats_extension(fixture_path):
    assert detect_format(read(fixture_path, "xlsx_named.csv"), "xlsx_named.csv") == "xlsx"
    assert detect_format(read(fixture_path, "penduduk.ods"), "data.xlsx") == "ods"
    assert detect_format(read(fixture_path, "penduduk.xls"), None) == "xls"


def test_html_named_xlsx_refused(fixture_path):
    with pytest.raises(SpreadsheetError) as err:
        detect_format(read(fixture_path, "html_named.xlsx"), "html_named.xlsx")
    assert "html_named.xlsx" in str(err.value) and "HTML" in str(err.value)
    assert err.value.file == "html_named.xlsx"


@pytest.mark.parametrize(
    "data,words",
    [
        (b"%PDF-1.7\n...", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"\x00\x01\x02\x03\xff\xfe\x00garbage" * 20, "data biner"),
        (b"", "berkas kosong"),
        (b"\n \r\n", "tidak berisi data"),
        (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>', "XML Excel 2003"),
        (b'<?xml version="1.0"?><rss/>', "XML"),
        (b"<!DOCTYPE html><html><body><table></table></body></html>", "HTML"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "kata sandi"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"), "Word"),
    ],
)
def test_refused(data, words):
    with pytest.raises(SpreadsheetError) as err:
        detect_format(data, "upload.xlsx")
    assert words in str(err.value)
    assert str(err.value).startswith("upload.xlsx: ")


def _zip(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    return buf.getvalue()


def test_other_zips_refused():
    with pytest.raises(SpreadsheetError, match="dokumen Word"):
        detect_format(_zip({"[Content_Types].xml": "<x/>", "word/document.xml": "<x/>"}))
    with pytest.raises(SpreadsheetError, match="arsip zip, bukan spreadsheet"):
        detect_format(_zip({"a.txt": "hello"}))
    with pytest.raises(SpreadsheetError, match="OpenDocument text"):
        detect_format(_zip({"mimetype": "application/vnd.oasis.opendocument.text"}))
    with pytest.raises(SpreadsheetError, match="xlsb"):
        detect_format(_zip({"xl/workbook.bin": "x"}))


def test_truncated_zip_refused(fixture_path):
    with pytest.raises(SpreadsheetError) as err:
        detect_format(read(fixture_path, "truncated.xlsx"), "truncated.xlsx")
    assert "truncated.xlsx" in str(err.value) and "rusak atau terpotong" in str(err.value)


def test_utf16_text_is_csv():
    assert detect_format("No\tNama\r\n1\tAli\r\n".encode("utf-16"), "x.txt") == "csv"
