"""Tell spreadsheet formats apart by content; the file name is only a hint."""
from __future__ import annotations

import io
import os
import zipfile

from .errors import SpreadsheetError

__all__ = ["detect_format", "FORMATS"]

FORMATS = ("xlsx", "xls", "ods", "csv")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"

# Magic bytes of common non-spreadsheet files, to name them in the error.
_OTHER_MAGICS = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
    (b"{\\rtf", "an RTF document"),
    (b"\x09\x08", "an old Excel 2-4 file (BIFF2-4), which is not supported; save it as .xlsx"),
)


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _detect_ole(data: bytes) -> str:
    """Classify an OLE2 compound file (xls, encrypted xlsx, Word, ...)."""
    if _utf16("EncryptedPackage") in data:
        raise SpreadsheetError("the workbook is password-protected (encrypted); remove the password and upload again")
    if _utf16("Workbook") in data or _utf16("Book") in data:
        return "xls"
    if _utf16("WordDocument") in data:
        raise SpreadsheetError("this is a Word document, not a spreadsheet")
    if _utf16("PowerPoint Document") in data:
        raise SpreadsheetError("this is a PowerPoint document, not a spreadsheet")
    raise SpreadsheetError("this is an OLE2 (old Office) file without a workbook in it")


def _detect_zip(data: bytes) -> str:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # BadZipFile, NotImplementedError, struct.error, ... on damaged archives
        raise SpreadsheetError(f"the file is a corrupt or truncated zip archive ({exc})") from None
    with zf:
        names = set(zf.namelist())
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            if "xl/workbook.bin" in names:
                raise SpreadsheetError("binary Excel workbooks (.xlsb) are not supported; save it as .xlsx")
            return "xlsx"
        if "mimetype" in names:
            try:
                info = zf.getinfo("mimetype")
                mime = zf.read(info)[:200].strip() if info.file_size < 1000 else b""
            except Exception as exc:
                raise SpreadsheetError(f"the file is a corrupt zip archive ({exc})") from None
            if mime in (_ODS_MIME, _ODS_MIME + b"-template"):
                return "ods"
            if mime.startswith(b"application/vnd.oasis.opendocument."):
                kind = mime.rsplit(b".", 1)[-1].decode("ascii", "replace")
                raise SpreadsheetError(f"this is an OpenDocument {kind} file, not a spreadsheet")
        if "content.xml" in names and "META-INF/manifest.xml" in names:
            return "ods"
        if "word/document.xml" in names:
            raise SpreadsheetError("this is a Word document (.docx), not a spreadsheet")
        if "ppt/presentation.xml" in names:
            raise SpreadsheetError("this is a PowerPoint presentation, not a spreadsheet")
        if "[Content_Types].xml" in names:
            raise SpreadsheetError("this Office Open XML file has no workbook (xl/workbook.xml) in it")
        raise SpreadsheetError("this is a zip archive, not a spreadsheet; upload the spreadsheet itself")


def _looks_like_markup(head: str) -> str | None:
    """Name the markup kind if a text file is HTML or XML rather than delimited text."""
    lowered = head.lstrip("\ufeff \t\r\n").lower()
    if lowered.startswith(("<!doctype html", "<html", "<table", "<head", "<body", "<meta", "<div", "<style")):
        return "html"
    if lowered.startswith("<?xml") or lowered.startswith("<"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in lowered:
            return "spreadsheetml"
        if "<html" in lowered[:2000]:
            return "html"
        return "xml"
    if "<html" in lowered[:1024] or "<table" in lowered[:1024] and "</td>" in lowered:
        return "html"
    return None


def _decode_head(head: bytes) -> str | None:
    """Decode the start of a file as text, or return None if it is binary."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[2:].decode("utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be", "replace")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if b"\x00" in head:
        return None
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if head and control / len(head) > 0.01:
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a multi-byte character cut off at the sample's end
            return head[: exc.start].decode("utf-8", "replace")
    text = head.decode("cp1252", "replace")
    return text


def detect_format(data: bytes, filename: str | None = None) -> str:
    """Return ``'xlsx'``, ``'xls'``, ``'ods'`` or ``'csv'`` from the content of ``data``.

    The content decides (magic bytes, zip members, OLE2 streams); ``filename`` only
    names the file in errors. HTML (also ".xls" files that are really web pages),
    XML, PDF, images, other archives and binary garbage raise :class:`SpreadsheetError`.
    """
    name = os.path.basename(filename) if filename else None
    try:
        if not data:
            raise SpreadsheetError("the file is empty")
        if data.startswith(_OLE_MAGIC):
            return _detect_ole(data)
        if data.startswith(_ZIP_MAGICS):
            return _detect_zip(data)
        for magic, what in _OTHER_MAGICS:
            if data.startswith(magic):
                raise SpreadsheetError(f"this is {what}, not a spreadsheet")
        head = data[:65536]
        text = _decode_head(head)
        if text is None and b"\x00" in head and _decode_head(head.replace(b"\x00", b"")) is not None:
            # text with a stray NUL: refused (no table may hold one), saying where it is
            raise SpreadsheetError("the text holds a NUL character (U+0000, a binary zero); remove it and save "
                                   "the file again", row=head[: head.index(b"\x00")].count(b"\n") + 1)
        if text is None:
            raise SpreadsheetError("the file is binary data in no known spreadsheet format")
        markup = _looks_like_markup(text[:4096])
        if markup == "html":
            raise SpreadsheetError(
                "the file is an HTML web page, not a spreadsheet (some systems export HTML "
                "under an .xls name); open it in a spreadsheet program and save it as .xlsx"
            )
        if markup == "spreadsheetml":
            raise SpreadsheetError(
                "the file is an Excel 2003 XML spreadsheet, which is not supported; save it as .xlsx"
            )
        if markup == "xml":
            raise SpreadsheetError("the file is XML, not a spreadsheet")
        if not text.strip("\ufeff \t\r\n"):
            raise SpreadsheetError("the file contains no data")
        return "csv"
    except SpreadsheetError as exc:
        if exc.file is None and name:
            raise SpreadsheetError(exc.reason, file=name, row=exc.row) from None
        raise
