"""Read xlsx/xls/ods (python-calamine) and CSV into raw grids."""
from __future__ import annotations

import datetime
import gc
import io
import math
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import compress, islice
from operator import itemgetter

from . import _rawread
from ._rawread import RawReadError, RawSheet, RowBatches, _fatal, read_raw
from .capped import RUN_FILE, CappedChildError, python_executable, run_capped
from .csvread import decode_text, read_csv_rows
from .detect import detect_format
from .errors import N_, SpreadsheetError, number
from .safety import check_container

__all__ = ["Sheet", "Workbook", "read_workbook", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_CELLS"]

DEFAULT_MAX_BYTES = 50 * 2**20
DEFAULT_MAX_CELLS = 5_000_000

Merge = tuple[int, int, int, int]


class Sheet:
    """A raw grid: ``rows[r][c]`` is the cell at 1-based row r+1, column c+1.

    Values are None, str (stripped, never empty), int, float, bool, datetime.date
    or datetime.datetime. Integral floats become int; Excel times and durations
    become text ("10:30:00"). The grid is rectangular. Merged ranges (xlsx/xls only) have their value
    repeated into every cell; ``merges`` lists them as 0-based inclusive
    ``(first_row, first_col, last_row, last_col)``. Trailing empty rows and
    columns are trimmed; leading ones are kept so positions match the file.

    :func:`read_workbook` keeps a sheet column by column (``Sheet(name, columns=...)``): the row
    lists are made the first time ``rows`` is read, and from then on ``rows`` is what the sheet
    holds (change it freely). :func:`~.tables.extract_tables` reads the columns while nobody has
    asked for the rows, so a long sheet is never turned into rows and back into columns.
    """

    __slots__ = ("name", "merges", "hidden", "_rows", "_columns", "_classes")

    def __init__(
        self,
        name: str,
        rows: list[list[object]] | None = None,
        merges: list[Merge] | None = None,
        hidden: bool = False,
        *,
        columns: list[list[object]] | None = None,
        column_classes: list[list[tuple[int, frozenset[type]]]] | None = None,
    ) -> None:
        self.name = name
        self.merges: list[Merge] = [] if merges is None else merges
        self.hidden = hidden
        if rows is not None and columns is not None:
            raise ValueError("Sheet takes rows or columns, not both")
        self._rows = rows if rows is not None or columns is not None else []
        self._columns = columns  # equal-length columns, or None once ``rows`` was made
        # per column, (end row, classes) of consecutive row ranges: see classes_in()
        self._classes = column_classes if columns is not None else None

    @property
    def rows(self) -> list[list[object]]:
        """The grid as a list of row lists (made from the columns on first use)."""
        if self._rows is None:
            columns = self._columns or []
            self._rows = list(map(list, zip(*columns)))
            self._columns = self._classes = None  # the rows may be changed now: they are the sheet
        return self._rows

    @rows.setter
    def rows(self, rows: list[list[object]]) -> None:
        self._rows, self._columns, self._classes = rows, None, None

    def classes_in(self, column: int, start: int, stop: int) -> set[type]:
        """The classes of the values in rows ``start`` to ``stop - 1`` of a column of
        :meth:`column_view` (``set(map(type, column[start:stop]))``, except that ``NoneType`` may
        be in it when no value is None). Known from reading for the ranges the reader cleaned
        whole; counted for the rest."""
        values = self._columns[column]  # type: ignore[index]
        ranges = self._classes[column] if self._classes is not None and column < len(self._classes) else None
        if not ranges:
            return set(map(type, values[start:stop]))
        out: set[type] = set()
        begin = 0
        for end, classes in ranges:
            if end > start and begin < stop:
                if begin >= start and end <= stop:
                    out |= classes
                else:
                    out.update(map(type, values[max(begin, start):min(end, stop)]))
            begin = end
            if begin >= stop:
                break
        if begin < stop:  # rows the ranges do not cover
            out.update(map(type, values[max(begin, start):stop]))
        return out

    def column_view(self) -> list[list[object]] | None:
        """The sheet's columns (``columns[c][r]`` is ``rows[r][c]``) while it holds no rows, else None.

        For readers in this package: the lists are the sheet's own, not to be changed."""
        return self._columns

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sheet):
            return NotImplemented
        return (self.name, self.rows, self.merges, self.hidden) == (other.name, other.rows, other.merges, other.hidden)

    def __repr__(self) -> str:
        return f"Sheet(name={self.name!r}, rows=<{self.height} rows>, merges={self.merges!r}, hidden={self.hidden!r})"

    @property
    def height(self) -> int:
        """Number of rows (without making them)."""
        if self._rows is None:
            return len(self._columns[0]) if self._columns else 0
        return len(self._rows)


@dataclass
class Workbook:
    """A file's sheets in workbook order; ``format`` is what :func:`detect_format` said."""

    filename: str
    format: str
    sheets: list[Sheet]

    def sheet(self, name: str) -> Sheet:
        """Return the sheet called ``name`` (KeyError if absent)."""
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)


_INT_LIMIT = float(2**53)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a grid or table.

    Reading a sheet creates millions of small acyclic objects (cells, rows); each
    batch of allocations triggers a collection that walks every live object, which
    made reading about twice as slow. Reference counting still frees everything;
    the collector's previous state is restored afterwards.

    On the way out the objects made meanwhile (a grid's or table's row lists: acyclic,
    long-lived) go straight to the oldest generation (``gc.freeze()`` then ``gc.unfreeze()``,
    both O(1)) instead of waiting in the youngest one, whose next collection would walk every
    one of them (about 0.03 s per 100,000 rows); full collections still see them. Skipped when
    the process keeps frozen objects of its own (``gc.get_freeze_count()``, e.g. a pre-fork
    server), which unfreezing would release.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _clean_other(value: object) -> object:
    if isinstance(value, (datetime.time, datetime.timedelta)):
        return str(value)
    if isinstance(value, float):  # nan / inf / float subclasses
        if math.isnan(value) or math.isinf(value):
            return None
        return value
    return value


def _clean_cells(values: Iterable[object]) -> list[object]:
    """Normalize calamine values one by one (see :class:`Sheet`)."""
    return [
        (v.strip() or None)
        if v.__class__ is str
        else (int(v) if (v.is_integer() and -_INT_LIMIT < v < _INT_LIMIT) else v)
        if v.__class__ is float
        else _clean_other(v)
        for v in values
    ]


def _clean_floats(column: Sequence[float], integral: list[bool]) -> list[object]:
    """:func:`_clean_cells` of a column of floats, given which are integral: the non-integral ones
    (most of a column of amounts with cents) stay as they are, without a Python step each."""
    if any(map(math.isnan, column)) or any(map(math.isinf, column)):
        return _clean_cells(column)
    out = list(column)
    for i in compress(range(len(out)), integral):
        v = out[i]
        if -_INT_LIMIT < v < _INT_LIMIT:
            out[i] = int(v)
    return out


def _clean_row(row: list[object]) -> list[object]:
    """Normalize one row of calamine values (see :class:`Sheet`)."""
    return _clean_cells(row)


#: Rows cleaned at once: a chunk is turned into columns, cleaned column by column, and back.
#: The first chunk is small (see :class:`~._rawread.RowBatches`, whose batches are the chunks).
_CHUNK_ROWS = _rawread.BATCH
_FIRST_CHUNK_ROWS = _rawread.FIRST_BATCH
_EMPTY_TO_NONE = {"": None}
#: Classes whose equal values may share one object in a column (equal and hashable, never equal across classes here).
_SHARED = frozenset({str, int, datetime.date, datetime.datetime})


class _ColumnCleaner:
    """Cleans one column of a sheet chunk by chunk, the way :func:`_clean_cells` does, at C speed
    for columns of one class; equal texts, integers and dates then share one object (a long
    sheet repeats its kecamatan, gampong and dates), which keeps the grid small. A column with
    mostly distinct values stops sharing (the lookup table would cost more than it saves)."""

    __slots__ = ("shared", "seen", "classes")

    def __init__(self) -> None:
        self.shared: dict[type, dict[object, object] | None] = {}
        self.seen = 0
        #: the classes of the chunk cleaned last (NoneType may be among them when no value is None)
        self.classes: frozenset[type] = _NONE_ONLY

    def clean(self, column: Sequence[object]) -> list[object]:
        classes = set(map(type, column))
        self.seen += len(column)
        if len(classes) != 1:
            return self._counted(_clean_cells(column))
        cls = classes.pop()
        if cls is str:
            values: Iterable[object] = map(str.strip, column)  # the same object when there is nothing to strip
            self.classes = _TEXT_OR_NONE
        elif cls is float:
            # is_integer is False for nan and inf too
            if not all(map(float.is_integer, column)) or not (-_INT_LIMIT < min(column) and max(column) < _INT_LIMIT):
                return self._counted(_clean_floats(column, list(map(float.is_integer, column))))
            values, cls = map(int, column), int
            self.classes = _ONE_CLASS[int]
        elif cls in _SHARED:
            values = column
            self.classes = _ONE_CLASS[cls]
        else:
            return self._counted(_clean_cells(column))
        if cls in self.shared:
            table = self.shared[cls]
        else:
            table = self.shared[cls] = {"": None} if cls is str else {}
        values = list(values)
        if table is None:  # sharing stopped for this column
            out = list(map(_EMPTY_TO_NONE.get, values, values)) if cls is str else values
        else:
            out = list(map(table.setdefault, values, values))
            if len(table) > 1024 and len(table) > self.seen // 2:
                self.shared[cls] = None
        if cls is str and out and out[0] is None and out.count(None) == len(out):
            self.classes = _NONE_ONLY  # blank texts only (calamine gives '' for an empty cell)
        return out

    def _counted(self, out: list[object]) -> list[object]:
        self.classes = frozenset(map(type, out))
        return out


_NONE_ONLY: frozenset[type] = frozenset({type(None)})
_TEXT_OR_NONE: frozenset[type] = frozenset({str, type(None)})
_ONE_CLASS = {cls: frozenset({cls}) for cls in _SHARED}


def _clean_columns(
    raw_rows: Iterable[list[object]], classes: list[list[tuple[int, frozenset[type]]]] | None = None
) -> list[list[object]]:
    """The cleaned columns (see :class:`Sheet`, all of one length) of calamine's rows, consumed
    chunk by chunk so that a streamed sheet is never held twice (raw and cleaned). ``classes``,
    when given, receives for each column the classes of its chunks (see :meth:`Sheet.classes_in`)."""
    columns: list[list[object]] = []
    cleaners: list[_ColumnCleaner] = []
    ranges: list[list[tuple[int, frozenset[type]]]] = [] if classes is None else classes
    height = 0
    # calamine's batches are the chunks; other rows are cut into chunks here
    chunks = raw_rows.batches if isinstance(raw_rows, RowBatches) else _chunks(raw_rows)
    for chunk in chunks:
        n = len(chunk)
        width = max(map(len, chunk))
        if width and min(map(len, chunk)) != width:
            chunk = [row + [""] * (width - len(row)) for row in chunk]
        while len(cleaners) < width:
            cleaners.append(_ColumnCleaner())
            columns.append([None] * height)
            ranges.append([(height, _NONE_ONLY)] if height else [])
        # zip stops at the chunk's width; wider columns of earlier chunks get blanks
        for column, part in zip(columns, map(_ColumnCleaner.clean, cleaners, zip(*chunk))):
            column.extend(part)
        del chunk
        for column in columns[width:]:
            column.extend([None] * n)
        height += n
        for j, cleaner in enumerate(cleaners):
            # one range per chunk: a table starting or ending inside one counts at most that chunk
            ranges[j].append((height, cleaner.classes if j < width else _NONE_ONLY))
    return columns


def _chunks(rows: Iterable[list[object]]) -> Iterator[list[list[object]]]:
    """Rows in lists of ``_FIRST_CHUNK_ROWS``, then ``_CHUNK_ROWS``."""
    source = iter(rows)
    size = _FIRST_CHUNK_ROWS
    while True:
        chunk = list(islice(source, size))
        if not chunk:
            return
        yield chunk
        size = _CHUNK_ROWS


def _trim_columns(columns: list[list[object]]) -> list[list[object]]:
    """:func:`_trim` of a grid held as equal-length columns: trailing empty rows, then trailing
    empty columns go (none are left when no cell holds a value)."""
    height = len(columns[0]) if columns else 0
    while height and all(column[height - 1] is None for column in columns):
        height -= 1
    if not columns or height < len(columns[0]):
        for column in columns:
            del column[height:]
    while columns and columns[-1].count(None) == height:
        columns.pop()
    return columns


def _trim(rows: list[list[object]]) -> list[list[object]]:
    """Drop trailing empty rows and columns; pad short rows so the grid is rectangular."""
    out = rows
    while out and not any(v is not None for v in out[-1]):
        out.pop()
    lengths = set(map(len, out))
    if len(lengths) == 1:  # rectangular already (calamine's rows): trim empty columns column-wise
        width = total = lengths.pop()
        while width and list(map(itemgetter(width - 1), out)).count(None) == len(out):
            width -= 1
        if width < total:
            for row in out:
                del row[width:]
        return out
    width = 0
    for row in out:
        for i in range(len(row) - 1, width - 1, -1):
            if row[i] is not None:
                width = i + 1
                break
    for i, row in enumerate(out):
        if len(row) > width:
            out[i] = row[:width]
        elif len(row) < width:
            row.extend([None] * (width - len(row)))
    return out


def _apply_merges(rows: list[list[object]], merges: list[Merge]) -> None:
    for r0, c0, r1, c1 in merges:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        if value is None:
            continue
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c1:
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = value


def _pad(rows: list[list[object]]) -> None:
    width = max((len(r) for r in rows), default=0)
    for row in rows:
        if len(row) < width:
            row.extend([None] * (width - len(row)))


#: Address-space cap of the child process that reads xls files (see _rawread.py).
XLS_MEMORY_LIMIT = 3 << 30
XLS_TIMEOUT = 300


def _raw_in_child(data: bytes, fmt: str, name: str, max_cells: int, wanted: list[str] | None) -> list[RawSheet]:
    if python_executable() is None:  # pragma: no cover - no interpreter to isolate the reader in
        return list(read_raw(data, fmt, max_cells, wanted))
    args = ["-I", "-c", RUN_FILE, _rawread.__file__, str(XLS_MEMORY_LIMIT), fmt, str(max_cells), *(wanted or [])]
    try:
        result = run_capped(args, data, timeout=XLS_TIMEOUT)
    except CappedChildError as exc:
        if exc.kind == "timeout":
            raise SpreadsheetError(N_("membaca workbook {format} memakan waktu lebih dari {seconds} detik"),
                                   file=name, params={"format": fmt, "seconds": XLS_TIMEOUT}) from None
        raise SpreadsheetError(
            N_("workbook {format} tidak dapat dibaca; pembacanya berhenti (status keluar {status}): "
               "berkas rusak atau memerlukan terlalu banyak memori"),
            file=name, params={"format": fmt, "status": exc.returncode},
        ) from None
    if isinstance(result, tuple) and result and result[0] == "error":
        raise RawReadError(result[1], result[2], result[3], result[4])
    return [RawSheet(*r) for r in result]


def _read_calamine(
    data: bytes | str, fmt: str, name: str, max_cells: int, wanted: list[str] | None
) -> list[Sheet]:
    if fmt == "xls":
        assert isinstance(data, bytes)
        raws: Iterable[RawSheet] = _raw_in_child(data, fmt, name, max_cells, wanted)
    else:
        raws = read_raw(data, fmt, max_cells, wanted, stream=True)
    del data
    sheets: list[Sheet] = []
    try:
        for raw_sheet in raws:
            sheet_name, hidden, raw_rows, merges_raw = raw_sheet
            del raw_sheet
            classes: list[list[tuple[int, frozenset[type]]]] = []
            columns = _clean_columns(raw_rows, classes)
            del raw_rows  # calamine's copy of the sheet goes with it
            merges = [tuple(m) for m in merges_raw]
            if merges:
                rows = list(map(list, zip(*columns)))
                del columns
                _pad(rows)
                _apply_merges(rows, merges)
                sheets.append(Sheet(name=sheet_name, rows=_trim(rows), merges=merges, hidden=hidden))
            else:
                columns = _trim_columns(columns)
                sheets.append(Sheet(name=sheet_name, columns=columns, merges=merges, hidden=hidden,
                                    column_classes=classes[:len(columns)]))
    except RawReadError as exc:
        raise SpreadsheetError(exc.message, file=name, sheet=exc.sheet, params=exc.params) from None
    return sheets


def _too_big(name: str, size: int, max_bytes: int) -> SpreadsheetError:
    return SpreadsheetError(N_("berkas berukuran {size} byte, melebihi batas {limit} byte"), file=name,
                            params={"size": number(size), "limit": number(max_bytes)})


def read_workbook(
    source: str | os.PathLike | bytes,
    filename: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_cells: int = DEFAULT_MAX_CELLS,
    sheets: list[str] | None = None,
) -> Workbook:
    """Read an xlsx/xls/ods/csv file (path or bytes) into raw :class:`Sheet` grids.

    The format comes from the content (:func:`detect_format`). Files larger than
    ``max_bytes``, workbooks with more than ``max_cells`` cells (in their used
    range, over the sheets read), zip bombs and corrupt files raise
    :class:`SpreadsheetError` naming the file. ``sheets`` restricts reading to
    the named sheets (a missing name is an error). A CSV file gives one sheet
    named after the file.
    """
    fh = None
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = os.path.basename(filename) if filename else "<data>"
        if len(data) > max_bytes:
            raise _too_big(name, len(data), max_bytes)
    else:
        path = os.fspath(source)
        name = os.path.basename(filename or path)
        try:
            size = os.path.getsize(path)
            if size > max_bytes:
                raise _too_big(name, size, max_bytes)
            fh = open(path, "rb")  # kept open: calamine reads this very file once it is checked
            stamp = os.fstat(fh.fileno())
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            if fh is not None:
                fh.close()
            raise SpreadsheetError(N_("berkas tidak dapat dibuka: {detail}"), file=name,
                                   params={"detail": str(exc.strerror or exc)}) from None
        if len(data) > max_bytes:
            fh.close()
            raise SpreadsheetError(N_("berkas melebihi batas {limit} byte"), file=name,
                                   params={"limit": number(max_bytes)})
    content = [data]
    del data  # _read lets go of the bytes once they are checked
    try:
        with gc_paused():
            return _read(content, name, max_cells, sheets, (fh, stamp) if fh is not None else None)
    except SpreadsheetError:
        raise
    except BaseException as exc:  # pyo3's PanicException is a BaseException
        if _fatal(exc):
            raise
        # a safety net: damaged files must never leak a raw library error
        raise SpreadsheetError(N_("berkas tidak dapat dibaca ({detail})"), file=name,
                               params={"detail": f"{type(exc).__name__}: {exc}"}) from exc
    finally:
        if fh is not None:
            fh.close()


def _checked_path(opened: tuple[io.BufferedReader, os.stat_result], data: bytes) -> str | None:
    """The path through which calamine can read the checked open file itself, or None.

    ``/proc/self/fd/N`` opens the same file as the descriptor that was read (not
    whatever now sits at its name); its size and modification time must still be
    those it had when it was opened, and the size that of the checked bytes.
    Otherwise (no /proc, a file that changed) calamine gets the checked bytes.
    """
    fh, stamp = opened
    proc = f"/proc/self/fd/{fh.fileno()}"
    try:
        now = os.fstat(fh.fileno())
        if not os.path.exists(proc):
            return None
    except OSError:
        return None
    same = (now.st_ino, now.st_dev, now.st_size, now.st_mtime_ns) == (stamp.st_ino, stamp.st_dev, stamp.st_size, stamp.st_mtime_ns)
    return proc if same and now.st_size == len(data) else None


def _read(
    content: list[bytes],
    name: str,
    max_cells: int,
    sheets: list[str] | None,
    opened: tuple[io.BufferedReader, os.stat_result] | None = None,
) -> Workbook:
    data = content.pop()
    fmt = detect_format(data, name)
    if fmt == "csv":
        text, _encoding = decode_text(data)
        raw = read_csv_rows(text, filename=name, max_cells=max_cells)
        rows: list[list[object]] = [[(v.strip() or None) for v in row] for row in raw]
        sheet_name = os.path.splitext(name)[0] or "data"
        if sheets is not None and sheets != [sheet_name]:
            raise SpreadsheetError(N_("berkas CSV hanya punya satu sheet, '{sheet_name}'"), file=name,
                                   params={"sheet_name": sheet_name})
        return Workbook(filename=name, format=fmt, sheets=[Sheet(name=sheet_name, rows=_trim(rows))])
    check_container(data, fmt, name, max_cells=max_cells)
    source: bytes | str = data
    if opened is not None and fmt != "xls":
        # calamine reads the checked file from disk: its bytes are not held twice while it parses
        source = _checked_path(opened, data) or data
    del data
    return Workbook(filename=name, format=fmt, sheets=_read_calamine(source, fmt, name, max_cells, sheets))
