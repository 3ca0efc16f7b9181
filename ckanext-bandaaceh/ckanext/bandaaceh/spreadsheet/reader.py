"""Read xlsx/xls/ods (python-calamine) and CSV into raw grids."""
from __future__ import annotations

import datetime
import gc
import io
import math
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from . import _rawread
from ._rawread import RawReadError, RawSheet, _fatal, read_raw
from .csvread import decode_text, read_csv_rows
from .detect import detect_format
from .errors import SpreadsheetError
from .safety import check_container

__all__ = ["Sheet", "Workbook", "read_workbook", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_CELLS"]

DEFAULT_MAX_BYTES = 50 * 2**20
DEFAULT_MAX_CELLS = 5_000_000

Merge = tuple[int, int, int, int]


@dataclass
class Sheet:
    """A raw grid: ``rows[r][c]`` is the cell at 1-based row r+1, column c+1.

    Values are None, str (stripped, never empty), int, float, bool, datetime.date
    or datetime.datetime. Integral floats become int; Excel times and durations
    become text ("10:30:00"). The grid is rectangular. Merged ranges (xlsx/xls only) have their value
    repeated into every cell; ``merges`` lists them as 0-based inclusive
    ``(first_row, first_col, last_row, last_col)``. Trailing empty rows and
    columns are trimmed; leading ones are kept so positions match the file.
    """

    name: str
    rows: list[list[object]]
    merges: list[Merge] = field(default_factory=list)
    hidden: bool = False


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
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _clean_other(value: object) -> object:
    if isinstance(value, (datetime.time, datetime.timedelta)):
        return str(value)
    if isinstance(value, float):  # nan / inf / float subclasses
        if math.isnan(value) or math.isinf(value):
            return None
        return value
    return value


def _clean_row(row: list[object]) -> list[object]:
    """Normalize one row of calamine values (see :class:`Sheet`)."""
    return [
        (v.strip() or None)
        if v.__class__ is str
        else (int(v) if (v.is_integer() and -_INT_LIMIT < v < _INT_LIMIT) else v)
        if v.__class__ is float
        else _clean_other(v)
        for v in row
    ]


def _trim(rows: list[list[object]]) -> list[list[object]]:
    """Drop trailing empty rows and columns; pad short rows so the grid is rectangular."""
    out = rows
    while out and not any(v is not None for v in out[-1]):
        out.pop()
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

_CHILD = "import runpy, sys; runpy.run_path(sys.argv.pop(1), run_name='__main__')"


def _python() -> str | None:
    """A Python interpreter for the xls child (sys.executable is uwsgi's binary under uwsgi)."""
    candidates = [sys.executable, os.path.join(sys.exec_prefix, "bin", "python3"), os.path.join(sys.exec_prefix, "bin", "python")]
    for exe in candidates:
        if exe and os.path.basename(exe).startswith("python") and os.access(exe, os.X_OK):
            return exe
    return None


class _ChildUnpickler(pickle.Unpickler):
    """Only plain data and datetime values come back from the child."""

    def find_class(self, module: str, name: str) -> object:
        if module == "datetime" and name in ("date", "datetime", "time", "timedelta"):
            return getattr(datetime, name)
        raise pickle.UnpicklingError(f"unexpected {module}.{name} from the xls reader")


def _raw_in_child(data: bytes, fmt: str, name: str, max_cells: int, wanted: list[str] | None) -> list[RawSheet]:
    exe = _python()
    if exe is None:  # pragma: no cover - no interpreter to isolate the reader in
        return list(read_raw(data, fmt, max_cells, wanted))
    args = [exe, "-I", "-c", _CHILD, _rawread.__file__, str(XLS_MEMORY_LIMIT), fmt, str(max_cells), *(wanted or [])]
    try:
        proc = subprocess.run(args, input=data, capture_output=True, timeout=XLS_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise SpreadsheetError(f"reading the {fmt} workbook took longer than {XLS_TIMEOUT} s", file=name) from None
    if proc.returncode != 0 or not proc.stdout:
        raise SpreadsheetError(
            f"cannot read the {fmt} workbook; the reader stopped (exit status {proc.returncode}), "
            "the file is corrupt or needs too much memory",
            file=name,
        )
    result = _ChildUnpickler(io.BytesIO(proc.stdout)).load()
    if isinstance(result, tuple) and result and result[0] == "error":
        raise RawReadError(result[1], result[2], result[3])
    return [RawSheet(*r) for r in result]


def _read_calamine(data: bytes, fmt: str, name: str, max_cells: int, wanted: list[str] | None) -> list[Sheet]:
    raws = _raw_in_child(data, fmt, name, max_cells, wanted) if fmt == "xls" else read_raw(data, fmt, max_cells, wanted)
    sheets: list[Sheet] = []
    try:
        for raw_sheet in raws:
            rows = raw_sheet.rows
            for i, row in enumerate(rows):  # in place, so each raw row is freed as we go
                rows[i] = _clean_row(row)
            merges = [tuple(m) for m in raw_sheet.merges]
            if merges:
                _pad(rows)
                _apply_merges(rows, merges)
            sheets.append(Sheet(name=raw_sheet.name, rows=_trim(rows), merges=merges, hidden=raw_sheet.hidden))
    except RawReadError as exc:
        raise SpreadsheetError(exc.message, file=name, sheet=exc.sheet) from None
    return sheets


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
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = os.path.basename(filename) if filename else "<data>"
        if len(data) > max_bytes:
            raise SpreadsheetError(f"the file is {len(data):,} bytes, more than the limit of {max_bytes:,}", file=name)
    else:
        path = os.fspath(source)
        name = os.path.basename(filename or path)
        try:
            size = os.path.getsize(path)
            if size > max_bytes:
                raise SpreadsheetError(f"the file is {size:,} bytes, more than the limit of {max_bytes:,}", file=name)
            with open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise SpreadsheetError(f"cannot open the file: {exc.strerror or exc}", file=name) from None
        if len(data) > max_bytes:
            raise SpreadsheetError(f"the file is more than the limit of {max_bytes:,} bytes", file=name)
    try:
        with gc_paused():
            return _read(data, name, max_cells, sheets)
    except SpreadsheetError:
        raise
    except BaseException as exc:  # pyo3's PanicException is a BaseException
        if _fatal(exc):
            raise
        # a safety net: damaged files must never leak a raw library error
        raise SpreadsheetError(f"cannot read the file ({type(exc).__name__}: {exc})", file=name) from exc


def _read(data: bytes, name: str, max_cells: int, sheets: list[str] | None) -> Workbook:
    fmt = detect_format(data, name)
    if fmt == "csv":
        text, _encoding = decode_text(data)
        raw = read_csv_rows(text, filename=name, max_cells=max_cells)
        rows: list[list[object]] = [[(v.strip() or None) for v in row] for row in raw]
        sheet_name = os.path.splitext(name)[0] or "data"
        if sheets is not None and sheets != [sheet_name]:
            raise SpreadsheetError(f"a CSV file has one sheet, {sheet_name!r}", file=name)
        return Workbook(filename=name, format=fmt, sheets=[Sheet(name=sheet_name, rows=_trim(rows))])
    check_container(data, fmt, name, max_cells=max_cells)
    return Workbook(filename=name, format=fmt, sheets=_read_calamine(data, fmt, name, max_cells, sheets))
