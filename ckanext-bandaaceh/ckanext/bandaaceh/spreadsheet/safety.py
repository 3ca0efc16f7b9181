"""Checks run before a workbook reaches the parser.

python-calamine is fast but trusting: it inflates zip members without a size cap,
and it allocates the dense rectangle spanned by a sheet's cells *before* Python
can look at it, so a 2-cell xlsx with cells A1 and XFD1048576 makes it request
~550 GB and abort the whole process (a Rust allocation failure, not an
exception). So, for zip-based formats (xlsx, ods) we:

* read the zip central directory: member count, declared total size, and
  compression ratio per member (zip bombs);
* inflate every member ourselves, in chunks, with the CRC check of
  :mod:`zipfile` (which also catches members that lie about their size, and
  truncated or corrupt archives);
* refuse any XML member with a DTD (``<!DOCTYPE`` / ``<!ENTITY``): no valid
  OOXML or ODF part has one. (calamine's XML parser, quick-xml, does not expand
  user-defined entities anyway: billion-laughs and XXE payloads make it fail
  with an "unknown entity" error rather than expand, see the tests; refusing
  early makes that explicit and independent of the parser version);
* measure the rectangle each xlsx worksheet spans (from the ``r="C12"``
  references, or from element counts where references are missing) and each
  ODS table spans when it uses repeated cells/rows, and refuse the file when
  the total exceeds ``max_cells``.

xls (BIFF8) files are bounded by the format itself (65,536 x 256 cells).
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from itertools import compress

from .errors import SpreadsheetError

__all__ = [
    "check_container",
    "MAX_ZIP_MEMBERS",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_COMPRESSION_RATIO",
]

MAX_ZIP_MEMBERS = 5_000
MAX_UNCOMPRESSED_BYTES = 1 << 30  # 1 GiB in total
MAX_COMPRESSION_RATIO = 200  # per member larger than RATIO_MIN_SIZE; zip bombs reach 1000+
RATIO_MIN_SIZE = 1 << 20
_CHUNK = 8 << 20

# Whitespace to ' ', single quotes to double quotes and letters to upper case,
# so one pattern fits every spelling of a reference attribute.
_NORMALIZE = bytes.maketrans(
    b"\t\r\n'abcdefghijklmnopqrstuvwxyz", b'   "ABCDEFGHIJKLMNOPQRSTUVWXYZ'
)
_REF_ROW = re.compile(rb' R="[A-Z]*(\d+)"')
_REF_COL = re.compile(rb' R="([A-Z]+)')
_REF_ROW_LOOSE = re.compile(rb' R *= *"[A-Z]*(\d+)"')
_REF_COL_LOOSE = re.compile(rb' R *= *"([A-Z]+)')
_DTD = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")
_ODS_TAG = re.compile(
    rb"<table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>|</table:(table-row|table)>"
)
_ODS_ROWS_REP = re.compile(rb'table:number-rows-repeated="(\d+)"')
_ODS_COLS_REP = re.compile(rb'table:number-columns-repeated="(\d+)"')
_BIG_REPEAT = re.compile(rb'-repeated="\d{4,}"')


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def _max_numeric(items: list[bytes]) -> bytes | None:
    """Largest of equal-alphabet tokens by (length, text): the numeric max for digits and column letters."""
    if not items:
        return None
    longest = len(max(items, key=len))
    return max(compress(items, map(longest.__eq__, map(len, items))))


class _XlsxExtent:
    """Tracks the rectangle an xlsx worksheet's cells span, chunk by chunk."""

    def __init__(self) -> None:
        self.max_row = 0
        self.max_col = 0
        self.col_refs = 0
        self.cell_tags = 0
        self.row_tags = 0

    def feed(self, chunk: bytes) -> None:
        text = chunk.translate(_NORMALIZE)
        loose = b" R =" in text or b" R= " in text
        rows = (_REF_ROW_LOOSE if loose else _REF_ROW).findall(text)
        cols = (_REF_COL_LOOSE if loose else _REF_COL).findall(text)
        top = _max_numeric(rows)
        if top is not None:
            self.max_row = max(self.max_row, int(top))
        top = _max_numeric(cols)
        if top is not None:
            self.max_col = max(self.max_col, _col_number(top))
        self.col_refs += len(cols)
        # cells that may lack a reference ('<c/>' stores nothing, so it cannot widen the range)
        self.cell_tags += text.count(b"<C ") + text.count(b"<C>") + text.count(b":C ")
        self.row_tags += text.count(b"<ROW") + text.count(b":ROW")

    def cells(self, widest_row: int) -> int:
        rows = max(self.max_row, self.row_tags)
        cols = self.max_col
        if self.cell_tags > self.col_refs:  # some cells give no reference: positions are implied
            cols = max(cols, widest_row)
        return rows * cols


def _widest_row(data: bytes) -> int:
    """Most cells in one <row> (used only when some cells lack an r="..." reference)."""
    text = data.translate(_NORMALIZE)
    widest = 0
    for seg in re.split(rb"<(?:\w+:)?ROW[ >/]", text):
        n = seg.count(b"<C ") + seg.count(b"<C>") + seg.count(b"<C/") + seg.count(b":C ")
        widest = max(widest, n)
    return widest


def _ods_cells(data: bytes) -> int:
    """Total of (last non-empty row x last non-empty column) over the tables of content.xml."""
    total = 0
    row = col = 0
    max_row = max_col = 0
    row_rep = 1
    row_has_value = False
    for m in _ODS_TAG.finditer(data):
        tag, attrs, selfclose, end_tag = m.group(1), m.group(2), m.group(3), m.group(4)
        if end_tag == b"table" or tag == b"table":
            total += max_row * max_col
            row = col = max_row = max_col = 0
            continue
        if end_tag == b"table-row" or (tag == b"table-row" and selfclose):
            if tag == b"table-row":  # self-closing row
                rep = _ODS_ROWS_REP.search(attrs)
                row_rep = int(rep.group(1)) if rep else 1
                row_has_value = False
            if row_has_value:
                max_row = row + row_rep
            row += row_rep
            continue
        if tag == b"table-row":
            rep = _ODS_ROWS_REP.search(attrs)
            row_rep = int(rep.group(1)) if rep else 1
            row_has_value = False
            col = 0
            continue
        rep = _ODS_COLS_REP.search(attrs)
        n = int(rep.group(1)) if rep else 1
        col += n
        if not selfclose or b"office:value-type" in attrs:  # a value or child text
            row_has_value = True
            max_col = max(max_col, col)
    return total + max_row * max_col


def _check_zip(data: bytes, fmt: str, name: str, max_cells: int) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise SpreadsheetError(f"the file is a corrupt or truncated zip archive ({exc})", file=name) from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise SpreadsheetError(f"the zip archive has {len(infos):,} members, more than {MAX_ZIP_MEMBERS:,}", file=name)
    declared = sum(i.file_size for i in infos)
    if declared > MAX_UNCOMPRESSED_BYTES:
        raise SpreadsheetError(
            f"the workbook would unpack to {declared:,} bytes, more than the limit of {MAX_UNCOMPRESSED_BYTES:,}",
            file=name,
        )
    for info in infos:
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise SpreadsheetError(
                f"zip member {info.filename!r} is compressed {info.file_size // max(info.compress_size, 1):,} to 1, "
                f"more than {MAX_COMPRESSION_RATIO} to 1 (a zip bomb?)",
                file=name,
            )
    cells = 0
    inflated = 0
    for info in infos:
        if info.is_dir():
            continue
        member = info.filename
        is_sheet = fmt == "xlsx" and member.startswith("xl/worksheets/") and member.endswith(".xml")
        is_ods_content = fmt == "ods" and member == "content.xml"
        extent = _XlsxExtent() if is_sheet else None
        keep: list[bytes] | None = [] if is_ods_content else None
        first = True
        carry = b""
        try:
            with zf.open(info) as fh:
                while True:
                    block = fh.read(_CHUNK)
                    if not block:
                        break
                    inflated += len(block)
                    if inflated > MAX_UNCOMPRESSED_BYTES:
                        raise SpreadsheetError("the workbook unpacks to more than the size limit", file=name)
                    chunk = carry + block
                    if first:
                        first = False
                        if not member.endswith((".xml", ".rels")) and not chunk.lstrip().startswith(b"<"):
                            # binary part (image, vbaProject.bin ...): inflate for the CRC, nothing to scan
                            is_sheet, extent = False, None
                    cut = chunk.rfind(b"<")
                    if cut <= 0 or len(chunk) - cut > 4096:
                        cut = max(len(chunk) - 64, 0)
                    head, carry = chunk[:cut], chunk[cut:]
                    _scan_dtd(head, member, name)
                    if extent is not None:
                        extent.feed(head)
                    if keep is not None:
                        keep.append(head)
                if carry:
                    _scan_dtd(carry, member, name)
                    if extent is not None:
                        extent.feed(carry)
                    if keep is not None:
                        keep.append(carry)
        except SpreadsheetError:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, ValueError, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise SpreadsheetError(
                f"the file is corrupt or truncated (zip member {member!r}: {exc})", file=name
            ) from None
        if extent is not None:
            widest = 0
            if extent.cell_tags > extent.col_refs:
                widest = _widest_row(zf.read(info))
            cells += extent.cells(widest)
        if keep is not None:
            content = b"".join(keep)
            if _BIG_REPEAT.search(content):
                cells += _ods_cells(content)
        if cells > max_cells:
            raise SpreadsheetError(
                f"the workbook has more than {max_cells:,} cells (counting each sheet's used range from A1)",
                file=name,
            )


def _scan_dtd(chunk: bytes, member: str, name: str) -> None:
    if b"<!" in chunk:
        for marker in _DTD:
            if marker in chunk:
                raise SpreadsheetError(
                    f"zip member {member!r} declares a DTD or XML entities, which spreadsheets never need; "
                    "refused for safety",
                    file=name,
                )


def check_container(data: bytes, fmt: str, name: str, *, max_cells: int) -> None:
    """Raise SpreadsheetError if a workbook is unsafe to hand to the parser (see module docstring)."""
    if fmt in ("xlsx", "ods"):
        _check_zip(data, fmt, name, max_cells)
