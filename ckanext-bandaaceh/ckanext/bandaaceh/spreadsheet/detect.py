"""Tell spreadsheet formats apart by content; the file name is only a hint."""
from __future__ import annotations

import io
import os
import zipfile

from .errors import N_, SpreadsheetError

__all__ = ["detect_format", "FORMATS"]

FORMATS = ("xlsx", "xls", "ods", "csv")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"

# Magic bytes of common non-spreadsheet files, to name them in the error.
_OTHER_MAGICS = (
    (b"%PDF", N_("ini dokumen PDF, bukan spreadsheet")),
    (b"\x89PNG", N_("ini gambar PNG, bukan spreadsheet")),
    (b"\xff\xd8\xff", N_("ini gambar JPEG, bukan spreadsheet")),
    (b"GIF8", N_("ini gambar GIF, bukan spreadsheet")),
    (b"\x1f\x8b", N_("ini arsip gzip, bukan spreadsheet")),
    (b"Rar!", N_("ini arsip RAR, bukan spreadsheet")),
    (b"7z\xbc\xaf\x27\x1c", N_("ini arsip 7-Zip, bukan spreadsheet")),
    (b"BZh", N_("ini arsip bzip2, bukan spreadsheet")),
    (b"\xfd7zXZ", N_("ini arsip xz, bukan spreadsheet")),
    (b"{\\rtf", N_("ini dokumen RTF, bukan spreadsheet")),
    (b"\x09\x08", N_("ini berkas Excel 2-4 lama (BIFF2-4), yang tidak didukung; simpan sebagai .xlsx")),
)


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _detect_ole(data: bytes) -> str:
    """Classify an OLE2 compound file (xls, encrypted xlsx, Word, ...)."""
    if _utf16("EncryptedPackage") in data:
        raise SpreadsheetError(N_("workbook dilindungi kata sandi (terenkripsi); hapus kata sandinya lalu unggah lagi"))
    if _utf16("Workbook") in data or _utf16("Book") in data:
        return "xls"
    if _utf16("WordDocument") in data:
        raise SpreadsheetError(N_("ini dokumen Word, bukan spreadsheet"))
    if _utf16("PowerPoint Document") in data:
        raise SpreadsheetError(N_("ini dokumen PowerPoint, bukan spreadsheet"))
    raise SpreadsheetError(N_("ini berkas OLE2 (Office lama) tanpa workbook di dalamnya"))


def _detect_zip(data: bytes) -> str:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # BadZipFile, NotImplementedError, struct.error, ... on damaged archives
        raise SpreadsheetError(N_("berkas adalah arsip zip yang rusak atau terpotong ({detail})"),
                               params={"detail": str(exc)}) from None
    with zf:
        names = set(zf.namelist())
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            if "xl/workbook.bin" in names:
                raise SpreadsheetError(N_("workbook Excel biner (.xlsb) tidak didukung; simpan sebagai .xlsx"))
            return "xlsx"
        if "mimetype" in names:
            try:
                info = zf.getinfo("mimetype")
                mime = zf.read(info)[:200].strip() if info.file_size < 1000 else b""
            except Exception as exc:
                raise SpreadsheetError(N_("berkas adalah arsip zip yang rusak ({detail})"), params={"detail": str(exc)}) from None
            if mime in (_ODS_MIME, _ODS_MIME + b"-template"):
                return "ods"
            if mime.startswith(b"application/vnd.oasis.opendocument."):
                kind = mime.rsplit(b".", 1)[-1].decode("ascii", "replace")
                raise SpreadsheetError(N_("ini berkas OpenDocument {kind}, bukan spreadsheet"), params={"kind": kind})
        if "content.xml" in names and "META-INF/manifest.xml" in names:
            return "ods"
        if "word/document.xml" in names:
            raise SpreadsheetError(N_("ini dokumen Word (.docx), bukan spreadsheet"))
        if "ppt/presentation.xml" in names:
            raise SpreadsheetError(N_("ini presentasi PowerPoint, bukan spreadsheet"))
        if "[Content_Types].xml" in names:
            raise SpreadsheetError(N_("berkas Office Open XML ini tidak berisi workbook (xl/workbook.xml)"))
        raise SpreadsheetError(N_("ini arsip zip, bukan spreadsheet; unggah berkas spreadsheet-nya sendiri"))


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
            raise SpreadsheetError(N_("berkas kosong"))
        if data.startswith(_OLE_MAGIC):
            return _detect_ole(data)
        if data.startswith(_ZIP_MAGICS):
            return _detect_zip(data)
        for magic, what in _OTHER_MAGICS:
            if data.startswith(magic):
                raise SpreadsheetError(what)
        head = data[:65536]
        text = _decode_head(head)
        if text is None and b"\x00" in head and _decode_head(head.replace(b"\x00", b"")) is not None:
            # text with a stray NUL: refused (no table may hold one), saying where it is
            raise SpreadsheetError(N_("teks memuat karakter NUL (U+0000, nol biner); hapus karakter itu lalu "
                                      "simpan ulang berkas"), row=head[: head.index(b"\x00")].count(b"\n") + 1)
        if text is None:
            raise SpreadsheetError(N_("berkas berisi data biner yang bukan format spreadsheet yang dikenal"))
        markup = _looks_like_markup(text[:4096])
        if markup == "html":
            raise SpreadsheetError(
                N_("berkas adalah halaman web HTML, bukan spreadsheet (beberapa sistem mengekspor HTML "
                   "dengan nama .xls); buka di program spreadsheet lalu simpan sebagai .xlsx")
            )
        if markup == "spreadsheetml":
            raise SpreadsheetError(
                N_("berkas adalah spreadsheet XML Excel 2003, yang tidak didukung; simpan sebagai .xlsx")
            )
        if markup == "xml":
            raise SpreadsheetError(N_("berkas berupa XML, bukan spreadsheet"))
        if not text.strip("\ufeff \t\r\n"):
            raise SpreadsheetError(N_("berkas tidak berisi data"))
        return "csv"
    except SpreadsheetError as exc:
        if exc.file is None and name:
            raise SpreadsheetError(exc.template, file=name, row=exc.row, params=exc.params) from None
        raise
