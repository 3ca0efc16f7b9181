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

calamine also reserves memory from numbers it reads before any cell: the
``count``/``uniqueCount`` of an xlsx shared-string table (bounded here by
max_cells), and in xls the DIMENSIONS record (a u32 row count) and the SST
string count. For xls we read the BIFF records (through olefile) and bound each
sheet by its DIMENSIONS record and cell positions; since calamine's BIFF
arithmetic has more such spots (fuzzing found wrap-arounds, e.g. a first row
after the last one), xls files are then parsed in a separate process with an
address-space cap (reader.XLS_MEMORY_LIMIT), so the worst a forged xls can do is
kill that child. ODS: calamine caps a sheet at 100 million cells itself; we
measure tables that use large repeat counts against max_cells.
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress

from .errors import N_, SpreadsheetError, number

__all__ = [
    "check_container",
    "ZipPolicy",
    "ZipLimitError",
    "open_zip",
    "check_zip_members",
    "read_zip_member",
    "MAX_ZIP_MEMBERS",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_COMPRESSION_RATIO",
]

MAX_ZIP_MEMBERS = 5_000
MAX_UNCOMPRESSED_BYTES = 1 << 30  # 1 GiB in total
MAX_COMPRESSION_RATIO = 200  # per member larger than RATIO_MIN_SIZE; zip bombs reach 1000+
RATIO_MIN_SIZE = 1 << 20
_CHUNK = 2 << 20
_MAX_TAG = 4 * _CHUNK
_FIRST_CHUNK = 256 << 10  # measured exactly (every reference); later chunks take the fast path

# Whitespace to ' ', single quotes to double quotes and letters to upper case,
# so one pattern fits every spelling of a reference attribute.
_NORMALIZE = bytes.maketrans(
    b"\t\r\n'abcdefghijklmnopqrstuvwxyz", b'   "ABCDEFGHIJKLMNOPQRSTUVWXYZ'
)
_REF_ROW = re.compile(rb' R="[A-Z]*(\d+)"')
_REF_COL = re.compile(rb' R="([A-Z]+)')
_REF_ROW_LOOSE = re.compile(rb' R *= *"[A-Z]*(\d+)"')
_REF_COL_LOOSE = re.compile(rb' R *= *"([A-Z]+)')
# UTF-16/UTF-32 byte-order marks, or '<' as a 16/32-bit character
_WIDE_XML = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<", b"\x00\x00\xfe\xff", b"\x00\x00\x00<")
_DTD = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")
_ODS_TAG = re.compile(
    rb"<table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>|</table:(table-row|table)>"
)
_ODS_ROWS_REP = re.compile(rb'table:number-rows-repeated="(\d+)"')
_ODS_COLS_REP = re.compile(rb'table:number-columns-repeated="(\d+)"')
_BIG_REPEAT = re.compile(rb'-repeated="\d{4}')


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


def _above_number(n: int) -> str:
    """Regex for decimal numbers greater than n (no leading zeros; those only cause a re-check)."""
    s = str(n)
    alts = [r"\d{%d,}" % (len(s) + 1)]
    for i, ch in enumerate(s):
        if ch != "9":
            rest = len(s) - i - 1
            alts.append(s[:i] + f"[{int(ch) + 1}-9]" + (r"\d{%d}" % rest if rest else ""))
    return "|".join(alts)


def _col_letters(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _above_column(n: int) -> str:
    """Regex for column letters after column n."""
    s = _col_letters(n)
    alts = ["[A-Z]{%d,}" % (len(s) + 1)]
    for i, ch in enumerate(s):
        if ch != "Z":
            rest = len(s) - i - 1
            alts.append(s[:i] + f"[{chr(ord(ch) + 1)}-Z]" + ("[A-Z]{%d}" % rest if rest else ""))
    return "|".join(alts)


_ROW_TAG = re.compile(rb'<ROW\b[^>]*? R="(\d+)"')


class _XlsxExtent:
    """Tracks the rectangle an xlsx worksheet's cells span, chunk by chunk.

    The first chunk is measured exactly (every reference). A later chunk takes the
    number of its last <row> tag and then looks only for references beyond the
    rectangle known so far, which honest files (rows in order, cells within their
    row) never have; a chunk with such a reference is measured exactly.
    """

    def __init__(self) -> None:
        self.max_row = 0
        self.max_col = 0
        self.col_refs = 0  # a lower bound of the cells that carry a reference
        self.cell_tags = 0
        self.row_tags = 0
        self.exact_chunks = 0
        self._beyond: re.Pattern[bytes] | None = None
        self._beyond_key: tuple[int, int] | None = None

    def _exact(self, text: bytes, loose: bool) -> None:
        self.exact_chunks += 1
        rows = (_REF_ROW_LOOSE if loose else _REF_ROW).findall(text)
        cols = (_REF_COL_LOOSE if loose else _REF_COL).findall(text)
        top = _max_numeric(rows)
        if top is not None:
            self.max_row = max(self.max_row, int(top))
        top = _max_numeric(cols)
        if top is not None:
            self.max_col = max(self.max_col, _col_number(top))
        self.col_refs += len(cols)

    def _beyond_pattern(self) -> re.Pattern[bytes]:
        key = (self.max_row, self.max_col)
        if self._beyond is None or self._beyond_key != key:
            # every number above max_row has at least as many digits: the lookahead fails most
            # references at once, without trying each alternative
            pattern = ' R="(?:(?:%s)\\d|[A-Z]*(?=\\d{%d})(?:%s)")' % (
                _above_column(self.max_col), len(str(self.max_row)), _above_number(self.max_row)
            )
            self._beyond = re.compile(pattern.encode("ascii"))
            self._beyond_key = key
        return self._beyond

    def feed(self, chunk: bytes) -> None:
        text = chunk.translate(_NORMALIZE)
        prefixed = b":" in text  # 'x:c', 'x:row' (namespace prefixes); a memchr scan, cheaper than two counts
        cells = text.count(b"<C ") + text.count(b"<C>") + (text.count(b":C ") if prefixed else 0)
        row_tags = text.count(b"<ROW") + (text.count(b":ROW") if prefixed else 0)
        self.cell_tags += cells  # '<c/>' stores nothing, so it cannot widen the range
        self.row_tags += row_tags
        loose = b" R =" in text or b" R= " in text
        if loose or not self.max_col or not self.max_row:
            self._exact(text, loose)
            return
        # rows come in order in honest files: the chunk's last <row> has its highest number
        last = text.rfind(b"<ROW")
        if last != -1:
            m = _ROW_TAG.match(text, last)
            if m:
                self.max_row = max(self.max_row, int(m.group(1)))
        if self._beyond_pattern().search(text):
            self._exact(text, loose)
            return
        # every ' R="' is a row's or a cell's reference; rows have at most one
        self.col_refs += max(text.count(b' R="') - row_tags, 0)

    def cells(self, widest_row: int) -> int:
        rows = max(self.max_row, self.row_tags)
        cols = self.max_col
        if self.cell_tags > self.col_refs:  # some cells give no reference: positions are implied
            cols = max(cols, widest_row)
        return rows * cols


def _tag_chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    """A member inflated again, streamed in chunks that end before a '<' (so no tag is cut)."""
    carry = b""
    with zf.open(info) as fh:
        while True:
            block = fh.read(_CHUNK)
            if not block:
                break
            chunk = carry + block
            cut = chunk.rfind(b"<")
            if cut <= 0:  # one tag (or text) spans the whole chunk
                if len(chunk) > _MAX_TAG:
                    raise SpreadsheetError(N_("anggota zip '{member}' memuat tag XML atau teks yang lebih panjang "
                                              "dari {limit} byte"), file=name,
                                           params={"member": info.filename, "limit": number(_MAX_TAG)})
                carry = chunk
                continue
            yield chunk[:cut]
            carry = chunk[cut:]
    if carry:
        yield carry


def _widest_row(chunks: Iterable[bytes]) -> int:
    """Most cells in one <row> (used only when some cells lack an r="..." reference)."""
    widest = current = 0
    for chunk in chunks:
        segments = re.split(rb"<(?:\w+:)?ROW[ >/]", chunk.translate(_NORMALIZE))
        for i, seg in enumerate(segments):
            n = seg.count(b"<C ") + seg.count(b"<C>") + seg.count(b"<C/") + seg.count(b":C ")
            current = current + n if i == 0 else n  # the first segment continues the open row
            widest = max(widest, current)
    return widest


def _ods_cells(chunks: Iterable[bytes]) -> int:
    """Total of (last non-empty row x last non-empty column) over the tables of content.xml."""
    total = 0
    row = col = 0
    max_row = max_col = 0
    row_rep = 1
    row_has_value = False
    for m in (m for chunk in chunks for m in _ODS_TAG.finditer(chunk)):
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


_CORRUPT_ZIP = N_("berkas adalah arsip zip yang rusak atau terpotong ({detail})")
_TOO_MANY_CELLS = N_("workbook berisi lebih dari {limit} sel (dihitung dari rentang terpakai tiap sheet sejak A1)")


class ZipLimitError(SpreadsheetError):
    """A zip archive over one of the :class:`ZipPolicy` limits.

    ``limit`` is 'members', 'size', 'ratio', 'encrypted' or 'declared' (a member
    holding more than its header says); ``member`` the zip
    member concerned (if one is) and ``value``/``allowed`` the figures compared.
    """

    def __init__(self, reason: str, *, limit: str, member: str | None = None, value: int = 0,
                 allowed: int = 0, file: str | None = None, params: dict[str, object] | None = None) -> None:
        super().__init__(reason, file=file, params=params)
        self.limit, self.member, self.value, self.allowed = limit, member, value, allowed

    def __reduce__(self):
        return (_rebuild_limit,
                (self.template, self.limit, self.member, self.value, self.allowed, self.file, self.params))


def _rebuild_limit(reason, limit, member, value, allowed, file, params=None) -> ZipLimitError:
    return ZipLimitError(reason, limit=limit, member=member, value=value, allowed=allowed, file=file, params=params)


@dataclass(frozen=True)
class ZipPolicy:
    """The one set of zip limits (workbooks here; Siskeudes exports in apbdes with their own figures)."""

    max_members: int = MAX_ZIP_MEMBERS
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES
    max_ratio: int = MAX_COMPRESSION_RATIO
    ratio_min_size: int = RATIO_MIN_SIZE


def open_zip(data: bytes, name: str | None) -> zipfile.ZipFile:
    """Open a zip archive held in memory; SpreadsheetError if it is corrupt or truncated."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        zf.infolist()
    except Exception as exc:  # BadZipFile, NotImplementedError, struct.error, ... on damaged archives
        raise SpreadsheetError(_CORRUPT_ZIP, file=name, params={"detail": str(exc)}) from None
    return zf


def check_zip_members(
    infos: Sequence[zipfile.ZipInfo], name: str | None, policy: ZipPolicy | None = None, *,
    total_members: int | None = None,
) -> None:
    """Refuse (ZipLimitError) before inflating: too many members (``total_members``, default
    ``len(infos)``), more than ``max_uncompressed`` declared bytes over ``infos``, an encrypted
    member, or a member compressed more than ``max_ratio`` to 1 (zip bombs). Without ``policy``
    the workbook limits (this module's constants) apply."""
    if policy is None:
        policy = ZipPolicy(MAX_ZIP_MEMBERS, MAX_UNCOMPRESSED_BYTES, MAX_COMPRESSION_RATIO, RATIO_MIN_SIZE)
    count = len(infos) if total_members is None else total_members
    if count > policy.max_members:
        raise ZipLimitError(N_("arsip zip berisi {count} anggota, lebih dari {limit}"),
                            params={"count": number(count), "limit": number(policy.max_members)}, limit="members", value=count, allowed=policy.max_members, file=name)
    declared = sum(i.file_size for i in infos)
    if declared > policy.max_uncompressed:
        raise ZipLimitError(
            N_("workbook akan terurai menjadi {size} byte, melebihi batas {limit} byte"),
            params={"size": number(declared), "limit": number(policy.max_uncompressed)},
            limit="size", value=declared, allowed=policy.max_uncompressed, file=name,
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise ZipLimitError(N_("anggota zip '{member}' terenkripsi"), params={"member": info.filename}, limit="encrypted",
                                member=info.filename, file=name)
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > policy.ratio_min_size and info.file_size > policy.max_ratio * max(info.compress_size, 1):
            raise ZipLimitError(
                N_("anggota zip '{member}' dimampatkan {ratio} banding 1, lebih dari {limit} banding 1 "
                   "(bom zip?)"),
                params={"member": info.filename, "ratio": number(ratio), "limit": number(policy.max_ratio)},
                limit="ratio", member=info.filename, value=ratio, allowed=policy.max_ratio, file=name,
            )


def read_zip_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str | None) -> bytes:
    """A member's bytes, inflated no further than its declared size (a member that lies is refused)."""
    try:
        with zf.open(info) as fh:
            content = fh.read(info.file_size + 1)
    except Exception as exc:  # BadZipFile, zlib.error, NotImplementedError (unknown method), ...
        raise SpreadsheetError(N_("anggota zip '{member}' tidak dapat dibaca ({detail})"), file=name,
                               params={"member": info.filename, "detail": str(exc)}) from None
    if len(content) > info.file_size:
        raise ZipLimitError(N_("anggota zip '{member}' berisi lebih dari ukuran yang dinyatakannya"),
                            params={"member": info.filename}, limit="declared",
                            member=info.filename, value=len(content), allowed=info.file_size, file=name)
    return content


def _check_zip(data: bytes, fmt: str, name: str, max_cells: int) -> None:
    zf = open_zip(data, name)
    infos = zf.infolist()
    check_zip_members(infos, name)
    cells = 0
    inflated = 0
    for info in infos:
        if info.is_dir():
            continue
        member = info.filename
        # calamine finds worksheets through the relationship files, so any XML part may be one
        extent = _XlsxExtent() if fmt == "xlsx" else None
        is_ods_content = fmt == "ods" and member == "content.xml"
        big_repeat = False
        gate_tail = b""
        first = True
        carry = b""
        try:
            with zf.open(info) as fh:
                while True:
                    block = fh.read(_FIRST_CHUNK if first else _CHUNK)
                    if not block:
                        break
                    inflated += len(block)
                    if inflated > MAX_UNCOMPRESSED_BYTES:
                        raise SpreadsheetError(N_("workbook terurai melebihi batas ukuran"), file=name)
                    chunk = carry + block
                    if first:
                        first = False
                        if fmt == "xlsx":
                            _check_sst_counts(chunk[:65536], member, name, max_cells)
                        if chunk.startswith(_WIDE_XML):
                            # the byte scans below would not see '<!DOCTYPE' or r="..." in it,
                            # and calamine reads such a sheet as empty: refuse, never lose data
                            raise SpreadsheetError(
                                N_("anggota zip '{member}' berupa XML dalam UTF-16/UTF-32, yang tidak ditulis "
                                   "program spreadsheet; buka berkas lalu simpan ulang sebagai .xlsx/.ods"),
                                file=name, params={"member": member},
                            )
                        if not chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                            # binary part (image, vbaProject.bin ...): inflate for the CRC, nothing to scan
                            extent = None
                    cut = chunk.rfind(b"<")
                    if cut <= 0 or len(chunk) - cut > 4096:
                        cut = max(len(chunk) - 64, 0)
                    head, carry = chunk[:cut], chunk[cut:]
                    _scan_dtd(head, member, name)
                    if extent is not None:
                        extent.feed(head)
                    if is_ods_content and not big_repeat:  # with the tail before, so no attribute is cut
                        big_repeat = _BIG_REPEAT.search(gate_tail + head) is not None
                        gate_tail = head[-32:]
                if carry:
                    _scan_dtd(carry, member, name)
                    if extent is not None:
                        extent.feed(carry)
                    if is_ods_content and not big_repeat:
                        big_repeat = _BIG_REPEAT.search(gate_tail + carry) is not None
        except SpreadsheetError:
            raise
        except Exception as exc:  # BadZipFile, zlib.error, NotImplementedError (unknown method), ...
            raise SpreadsheetError(
                N_("berkas rusak atau terpotong (anggota zip '{member}': {detail})"), file=name,
                params={"member": member, "detail": str(exc)},
            ) from None
        if extent is not None:
            widest = 0
            if extent.cell_tags > extent.col_refs:
                widest = _widest_row(_tag_chunks(zf, info, name))  # a second streamed pass, rare
            cells += extent.cells(widest)
        if big_repeat:  # only then can a small content.xml span many cells: a second streamed pass
            cells += _ods_cells(_tag_chunks(zf, info, name))
        if cells > max_cells:
            raise SpreadsheetError(
                _TOO_MANY_CELLS, file=name, params={"limit": number(max_cells)},
            )


def _scan_dtd(chunk: bytes, member: str, name: str) -> None:
    if b"!" in chunk and b"<!" in chunk:  # '!' is rare in sheet XML and found at memchr speed
        for marker in _DTD:
            if marker in chunk:
                raise SpreadsheetError(
                    N_("anggota zip '{member}' mendeklarasikan DTD atau entitas XML, yang tidak pernah "
                       "diperlukan spreadsheet; ditolak demi keamanan"),
                    file=name, params={"member": member},
                )


# BIFF record types (MS-XLS 2.3)
_BOF = frozenset({0x0809, 0x0409, 0x0209, 0x0009})
_EOF = 0x000A
_DIMENSIONS = 0x0200
_SST = 0x00FC
_MULTI = frozenset({0x00BD, 0x00BE})  # MULRK, MULBLANK: row, first col, ..., last col
# cell records whose body starts with row (u16), column (u16): NUMBER, LABELSST, RK, BLANK,
# LABEL, BOOLERR, FORMULA, RSTRING, and their BIFF2-4 forms
_CELLS = frozenset({0x0203, 0x00FD, 0x027E, 0x0201, 0x0204, 0x0205, 0x0006, 0x00D6,
                    0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0206, 0x0406})


def _check_xls(data: bytes, name: str, max_cells: int) -> None:
    """Bound the cells an xls workbook makes calamine allocate.

    calamine reserves memory from the DIMENSIONS record (a u32 row count) and the
    SST record's string count before reading any cell, so a 10 KB file with a
    forged DIMENSIONS record makes it request hundreds of GB and abort.
    """
    import olefile

    try:
        ole = olefile.OleFileIO(data)
        stream_name = "Workbook" if ole.exists("Workbook") else "Book" if ole.exists("Book") else None
        if stream_name is None:
            raise SpreadsheetError(N_("berkas xls tidak memiliki stream workbook"), file=name)
        stream = ole.openstream(stream_name).read()
    except SpreadsheetError:
        raise
    except Exception as exc:  # olefile raises OSError, struct.error, ... on damaged files
        raise SpreadsheetError(N_("berkas xls rusak atau terpotong ({detail})"), file=name,
                               params={"detail": str(exc)}) from None
    unpack = struct.unpack_from
    total = 0
    in_sheet = False
    dim_cells = max_row = max_col = 0
    pos, end = 0, len(stream)
    while pos + 4 <= end:
        typ, length = unpack("<HH", stream, pos)
        body = pos + 4
        pos = body + length
        if pos > end:
            break  # calamine stops at a truncated record too
        if typ in _CELLS or typ in _MULTI:
            if length >= 4:
                row, col = unpack("<HH", stream, body)
                if typ in _MULTI and length >= 6:
                    col = max(col, unpack("<H", stream, body + length - 2)[0])
                if row > max_row:
                    max_row = row
                if col > max_col:
                    max_col = col
        elif typ == _DIMENSIONS:
            if length >= 14:
                _, rows, _, cols = unpack("<IIHH", stream, body)
            elif length >= 8:
                _, rows, _, cols = unpack("<HHHH", stream, body)
            else:
                continue
            dim_cells = max(dim_cells, rows * cols)
        elif typ == _SST and length >= 8:
            _, unique = unpack("<II", stream, body)
            if unique > end:
                raise SpreadsheetError(N_("berkas xls menyatakan {count} shared string, lebih dari isinya"),
                                       file=name, params={"count": number(unique)})
            if unique > max_cells:
                raise SpreadsheetError(
                    N_("berkas xls menyatakan {count} shared string, melebihi batas {limit} sel"),
                    file=name, params={"count": number(unique), "limit": number(max_cells)},
                )
        elif typ in _BOF:
            in_sheet = True
            dim_cells = max_row = max_col = 0
        elif typ == _EOF and in_sheet:
            total += max(dim_cells, (max_row + 1) * (max_col + 1) if (max_row or max_col) else 0)
            in_sheet = False
            if total > max_cells:
                break
    if in_sheet:
        total += max(dim_cells, (max_row + 1) * (max_col + 1))
    if total > max_cells:
        raise SpreadsheetError(
            _TOO_MANY_CELLS, file=name, params={"limit": number(max_cells)},
        )


_SST_TAG = re.compile(rb"<(?:[A-Za-z0-9_]+:)?sst\b[^>]*>")
_COUNT_ATTR = re.compile(rb"\b(?:uniqueCount|count)\s*=\s*[\"'](\d+)")


def _check_sst_counts(head: bytes, member: str, name: str, max_cells: int) -> None:
    """calamine reserves the shared-string table from its declared count: bound it."""
    tag = _SST_TAG.search(head)
    if tag is None:
        return
    for value in _COUNT_ATTR.findall(tag.group(0)):
        if int(value) > max_cells:
            raise SpreadsheetError(
                N_("anggota zip '{member}' menyatakan {count} shared string, melebihi batas {limit} sel"),
                file=name, params={"member": member, "count": number(int(value)), "limit": number(max_cells)},
            )


def check_container(data: bytes, fmt: str, name: str, *, max_cells: int) -> None:
    """Raise SpreadsheetError if a workbook is unsafe to hand to the parser (see module docstring)."""
    if fmt in ("xlsx", "ods"):
        _check_zip(data, fmt, name, max_cells)
    elif fmt == "xls":
        _check_xls(data, name, max_cells)
