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
  truncated or corrupt archives). A large member is inflated in a second thread,
  one chunk ahead of the scan below (zlib and RE2 both release the GIL, so the two
  run on two cores); the thread stops, and is joined, whenever the scan ends;
* refuse any XML member with a DTD (``<!DOCTYPE`` / ``<!ENTITY``): no valid
  OOXML or ODF part has one. (calamine's XML parser, quick-xml, does not expand
  user-defined entities anyway: billion-laughs and XXE payloads make it fail
  with an "unknown entity" error rather than expand, see the tests; refusing
  early makes that explicit and independent of the parser version);
* measure the rectangle each xlsx worksheet spans (from the ``r="C12"``
  references in every spelling quick-xml reads, or from element counts where
  references are missing) and each ODS table spans when it uses repeated
  cells/rows, and refuse the file when the total exceeds ``max_cells``. Each
  chunk of a worksheet is searched once with RE2 (google-re2, a DFA that runs at
  memory speed, where Python's backtracking ``re`` took most of the check's time)
  for anything outside the rectangle known so far; only such chunks are measured
  reference by reference. Chunks never cut a tag.

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
import queue
import re
import struct
import threading
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress

import re2

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
_FIRST_CHUNK = 64 << 10  # measured exactly (every reference; ~900 cells); later chunks take the fast path
#: Members larger than this are inflated in a second thread while the chunks already inflated
#: are scanned (zlib and RE2 both release the GIL); smaller ones are read in the calling thread.
_THREADED_MIN = 4 * _CHUNK
#: Inflated chunks waiting to be scanned: bounds the memory held, and how far inflating runs ahead.
_AHEAD = 1

# A reference attribute as quick-xml reads it: 'r' after whitespace or a quote ('t="n"r="A1"' is
# read too), any spacing around '=', either quote. Matched in any case (calamine reads only 'r',
# and letters in either case), so every spelling counts.
_R_ATTR = rb"""[\s"'][rR]\s*=\s*["']"""
_REF_ROW = re.compile(_R_ATTR + rb"""[A-Za-z]*(\d+)["']""")
_REF_COL = re.compile(_R_ATTR + rb"([A-Za-z]+)")
# A <c> or <row> start tag (any case, any namespace prefix) none of whose attributes is named 'r'
# (calamine then places it after the one before); self-closing ones too ('<c/>' takes a column).
# Attributes are separated by whitespace, or by nothing after a quoted value (quick-xml reads
# 't="n"r="A1"'); one without a value is matched too.
_NOT_R = rb"(?:[^\s=/>r][^\s=/>]*|r[^\s=/>]+)"
_VALUE = rb"""\s*=\s*(?:"[^"]*"|'[^']*')"""
_NO_R_TAG = (rb"<(?:[A-Za-z0-9_.-]+:)?(?:%s)(?:\s+" + _NOT_R + rb"(?:" + _VALUE + rb"(?:\s*" + _NOT_R + _VALUE
             + rb")*)?)*\s*/?>")
_CELL_NO_R = _NO_R_TAG % rb"[cC]"
_ROW_NO_R = _NO_R_TAG % rb"[rR][oO][wW]"
_CELL_NO_R_RE = re.compile(_CELL_NO_R)
_ROW_NO_R_RE = re.compile(_ROW_NO_R)
_ROW_START = rb"<(?:[A-Za-z0-9_.-]+:)?[rR][oO][wW][\s/>]"
_ROW_START_RE = re.compile(_ROW_START)
_CELL_START_RE = re.compile(rb"<(?:[A-Za-z0-9_.-]+:)?[cC][\s/>]")
#: The last row tag's number (rows come in order in honest files).
_LAST_ROW = re.compile(rb"""<(?:[A-Za-z0-9_.-]+:)?row(?=\s)[^<>]*?[\s"']r\s*=\s*["'](\d+)["']""")
#: More digits or letters than this in a reference is beyond any sheet (calamine wraps them around).
_MAX_DIGITS = 12
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


def _token_max(tokens: list[bytes], strip: bytes) -> int:
    """The largest of reference parts (digits, or upper-case letters) as a number of the alphabet
    (``strip``: leading zeros, which calamine reads as nothing); a part longer than _MAX_DIGITS
    counts as 10**_MAX_DIGITS, beyond any sheet."""
    if not tokens:
        return 0
    if strip:
        tokens = [t.lstrip(strip) for t in tokens]
    top = _max_numeric(tokens) or b""
    if len(top) > _MAX_DIGITS:
        return 10**_MAX_DIGITS
    return int(top or 0) if strip else _col_number(top)


class _XlsxExtent:
    """Tracks the rectangle an xlsx worksheet's cells span, chunk by chunk.

    Each chunk is first searched once (RE2, a DFA at memory speed) for anything the rectangle
    known so far would not cover: a reference beyond it (after taking the number of the
    chunk's last <row> tag, since honest files have rows in order and cells within their row),
    or a <c>/<row> tag without a reference (a position calamine implies). Honest chunks have
    neither; a chunk that has one is measured exactly (every reference, and whether positions are
    implied). The first chunk of a part always is (nothing is known yet).
    """

    def __init__(self) -> None:
        self.max_row = 0
        self.max_col = 0
        self.implied_cells = False  # some <c> has no reference: its column follows the one before
        self.implied_rows = False  # some <row> has no reference: its number follows the one before
        self.row_tags = 0  # <row> tags of the chunks measured exactly (an upper bound of implied rows)
        self.exact_chunks = 0
        self._unusual: object = None
        self._unusual_key: tuple[int, int] | None = None

    def _exact(self, chunk: bytes) -> None:
        self.exact_chunks += 1
        self.max_row = max(self.max_row, _token_max(_REF_ROW.findall(chunk), b"0"))
        self.max_col = max(self.max_col, _token_max(list(map(bytes.upper, _REF_COL.findall(chunk))), b""))
        if not self.implied_cells and _CELL_NO_R_RE.search(chunk):
            self.implied_cells = True
        if _ROW_NO_R_RE.search(chunk):
            self.implied_rows = True
        if self.implied_rows:
            self.row_tags += len(_ROW_START_RE.findall(chunk))

    def _unusual_pattern(self):
        key = (self.max_row, self.max_col)
        if self._unusual is None or self._unusual_key != key:
            beyond = _R_ATTR + rb"(?i:(?:%s)\d|[A-Z]*(?:%s)[\"'])" % (
                _above_column(self.max_col).encode("ascii"), _above_number(self.max_row).encode("ascii")
            )
            # a new pattern per chunk: keep none in re2's module cache (128 patterns of up to 8 MiB
            # of DFA each, which stayed alive while calamine parsed the sheet: +9 MiB at the peak)
            self._unusual = None
            re2.purge()
            self._unusual = re2.compile(b"|".join((beyond, _CELL_NO_R, _ROW_NO_R)))
            self._unusual_key = key
        return self._unusual

    def feed(self, chunk: bytes, end: int | None = None) -> None:
        """Measure one chunk, ``chunk[:end]`` (read in place, not copied); chunks must not cut a
        tag (see :func:`_check_zip`)."""
        if end is None:
            end = len(chunk)
        if self.max_row:
            last = chunk.rfind(b"<row", 0, end)
            if last == -1:  # a namespace prefix ('<x:row')
                colon = chunk.rfind(b":row", 0, end)
                last = chunk.rfind(b"<", 0, colon) if colon != -1 else -1
            if last != -1:
                m = _LAST_ROW.match(chunk, last, end)
                if m and len(m.group(1)) <= _MAX_DIGITS:
                    self.max_row = max(self.max_row, int(m.group(1)))
        if self._unusual_pattern().search(chunk, 0, end) is not None:
            self._exact(chunk[:end])

    def cells(self, widest_row: int) -> int:
        """The rectangle's size; ``widest_row`` (most <c> tags in one <row>) counts where positions are implied."""
        rows = self.max_row + (self.row_tags if self.implied_rows else 0)
        cols = self.max_col + (widest_row if self.implied_cells else 0)
        return rows * cols


def _long_tag(member: str, name: str) -> SpreadsheetError:
    return SpreadsheetError(N_("anggota zip '{member}' memuat tag XML atau teks yang lebih panjang dari {limit} byte"),
                            file=name, params={"member": member, "limit": number(_MAX_TAG)})


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
                    raise _long_tag(info.filename, name)
                carry = chunk
                continue
            yield chunk[:cut]
            carry = chunk[cut:]
    if carry:
        yield carry


def _widest_row(chunks: Iterable[bytes]) -> int:
    """Most <c> tags in one <row> (used only when some cells lack an r="..." reference)."""
    widest = current = 0
    for chunk in chunks:
        segments = _ROW_START_RE.split(chunk)
        for i, seg in enumerate(segments):
            n = len(_CELL_START_RE.findall(seg))
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


def _blocks(fh: io.BufferedIOBase) -> Iterator[bytes]:
    """A zip member's inflated bytes in blocks: the first of ``_FIRST_CHUNK``, then ``_CHUNK``."""
    block = fh.read(_FIRST_CHUNK)
    while block:
        yield block
        block = fh.read(_CHUNK)


_DONE = object()


def _inflated(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The blocks of :func:`_blocks` for a member, with :mod:`zipfile`'s CRC check at its end.

    For a large member a second thread inflates up to ``_AHEAD`` blocks ahead of the caller, so
    inflating and scanning run on two cores. An error while inflating is raised here, in the
    caller, at the block where it happened. When the caller stops early (a limit reached, an
    error in its scan) the thread stops before its next block and is joined.
    """
    if info.file_size <= _THREADED_MIN:
        with zf.open(info) as fh:
            yield from _blocks(fh)
        return
    ready: queue.Queue = queue.Queue(_AHEAD)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def inflate() -> None:
        try:
            with zf.open(info) as fh:
                for block in _blocks(fh):
                    if not put(block):
                        return
        except BaseException as exc:  # zlib.error, BadZipFile (CRC), ...: raised again in the caller
            put(exc)
            return
        put(_DONE)

    worker = threading.Thread(target=inflate, name="bandaaceh-inflate", daemon=True)
    worker.start()
    try:
        while True:
            item = ready.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join()


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
            blocks = _inflated(zf, info)
            try:
                for block in blocks:
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
                    if extent is not None:
                        # XML measured for its extent: never cut a tag, or a reference in it could be missed
                        if cut <= 0:
                            if len(chunk) > _MAX_TAG:
                                raise _long_tag(member, name)
                            carry = chunk
                            continue
                    elif cut <= 0 or len(chunk) - cut > 4096:
                        cut = max(len(chunk) - 64, 0)
                    # chunk[:cut] is scanned in place (a 2 MiB copy less per chunk); carry is short
                    carry = chunk[cut:]
                    _scan_dtd(chunk, member, name, cut)
                    if extent is not None:
                        extent.feed(chunk, cut)
                    if is_ods_content and not big_repeat:  # the seam with the tail before too, so no attribute is cut
                        big_repeat = (_BIG_REPEAT.search(chunk, 0, cut) is not None
                                      or _BIG_REPEAT.search(gate_tail + chunk[:min(cut, 32)]) is not None)
                        gate_tail = chunk[max(cut - 32, 0):cut]
                if carry:
                    _scan_dtd(carry, member, name)
                    if extent is not None:
                        extent.feed(carry)
                    if is_ods_content and not big_repeat:
                        big_repeat = _BIG_REPEAT.search(gate_tail + carry) is not None
            finally:
                blocks.close()  # stops and joins the inflating thread when the scan ends early
        except SpreadsheetError:
            raise
        except Exception as exc:  # BadZipFile, zlib.error, NotImplementedError (unknown method), ...
            raise SpreadsheetError(
                N_("berkas rusak atau terpotong (anggota zip '{member}': {detail})"), file=name,
                params={"member": member, "detail": str(exc)},
            ) from None
        if extent is not None:
            widest = 0
            if extent.implied_cells:
                widest = _widest_row(_tag_chunks(zf, info, name))  # a second streamed pass, rare
            cells += extent.cells(widest)
        if big_repeat:  # only then can a small content.xml span many cells: a second streamed pass
            cells += _ods_cells(_tag_chunks(zf, info, name))
        if cells > max_cells:
            raise SpreadsheetError(
                _TOO_MANY_CELLS, file=name, params={"limit": number(max_cells)},
            )


def _scan_dtd(chunk: bytes, member: str, name: str, end: int | None = None) -> None:
    """Refuse a DTD or entity declaration in ``chunk[:end]``."""
    if end is None:
        end = len(chunk)
    if chunk.find(b"!", 0, end) != -1 and chunk.find(b"<!", 0, end) != -1:  # '!' is rare in sheet XML: memchr speed
        for marker in _DTD:
            if chunk.find(marker, 0, end) != -1:
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
