"""Raw python-calamine extraction, standalone (stdlib + python_calamine only).

Used in-process for xlsx/ods (after the checks in safety.py), and run as a
separate, memory-capped process for xls: calamine's BIFF reader sizes its
buffers from numbers in the file, and a forged file makes it abort the whole
process, which a child process contains.
"""
from __future__ import annotations

import io
import pickle
import sys
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import NamedTuple

__all__ = ["RawSheet", "RawReadError", "RowBatches", "read_raw"]


# This module runs standalone in the xls child (no package imports): the msgid marker and the
# number format of errors.py, repeated in their smallest form.
def N_(text: str) -> str:
    return text


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class RawSheet(NamedTuple):
    name: str
    hidden: bool
    rows: Iterable  # calamine's rows from A1: a list (to_python), or RowBatches when streamed
    merges: list  # (first_row, first_col, last_row, last_col), 0-based inclusive


class RawReadError(Exception):
    """calamine could not read the workbook (``kind``: 'password' | 'corrupt' | 'sheet' | 'missing' | 'cells')."""

    def __init__(self, kind: str, message: str, sheet: str | None = None, params: dict | None = None) -> None:
        super().__init__(message)
        self.kind, self.message, self.sheet, self.params = kind, message, sheet, params or {}


def _fatal(exc: BaseException) -> bool:
    """Exceptions to let through: everything else from calamine (including pyo3's
    PanicException, a BaseException) means a file it cannot read."""
    return isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError))


class RowBatches:
    """The rows of a calamine sheet from cell A1, as ``to_python(skip_empty_area=False)`` gives
    them, streamed: iterating gives the rows one at a time; ``batches`` gives them as lists of
    rows (``FIRST_BATCH`` rows, then ``BATCH`` at a time), every row ``width`` cells long.
    ``iter_rows`` (python-calamine 0.9) starts at row 1 but leaves out the empty columns left of
    the data, which are put back. calamine's copy of the sheet is freed when the batches are
    exhausted or dropped."""

    __slots__ = ("batches", "width")

    def __init__(self, cal: object, sheet: str) -> None:
        start = cal.start or (0, 0)  # type: ignore[attr-defined]
        self.width: int = start[1] + cal.width  # type: ignore[attr-defined]
        self.batches: Iterator[list] = _row_batches(cal, sheet, self.width)

    def __iter__(self) -> Iterator[list]:
        return chain.from_iterable(self.batches)


#: Rows per batch; the first batch is small (it holds the titles and the header, whose mixed
#: columns are cleaned cell by cell, and the rows below them then come in batches of one class
#: per column).
BATCH = 4096
FIRST_BATCH = 64


def _row_batches(cal: object, sheet: str, width: int) -> Iterator[list]:
    try:
        rows = cal.iter_rows()  # type: ignore[attr-defined]
        lead: list | None = None
        size = FIRST_BATCH
        while True:
            batch = list(islice(rows, size))
            size = BATCH
            if not batch:
                return
            if lead is None:
                lead = [""] * (width - len(batch[0])) if len(batch[0]) < width else []
            yield [lead + row for row in batch] if lead else batch
    except GeneratorExit:
        raise
    except BaseException as exc:
        if _fatal(exc):
            raise
        raise RawReadError("sheet", N_("sheet tidak dapat dibaca: {detail}"), sheet, {"detail": str(exc)}) from None


def read_raw(
    data: bytes | str, fmt: str, max_cells: int, wanted: list[str] | None, *, stream: bool = False
) -> Iterator[RawSheet]:
    """Yield the sheets of a workbook as calamine gives them (see RawSheet).

    ``data`` is the file's content, or the path of a file already checked (calamine then
    reads it from disk, so its bytes are not held in memory twice). With ``stream`` the
    rows of each sheet come as :class:`RowBatches`: the caller cleans them
    as they come, so calamine's copy of a sheet never sits beside a raw Python copy of it.
    """
    import python_calamine as pc

    try:
        if isinstance(data, str):
            book = pc.CalamineWorkbook.from_path(data)
        else:
            book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        raise RawReadError("password", N_("workbook dilindungi kata sandi")) from None
    except BaseException as exc:  # CalamineError, ZipError, XmlError, ValueError, pyo3's PanicException...
        if _fatal(exc):
            raise
        raise RawReadError(
            "corrupt", N_("workbook {format} tidak dapat dibaca; berkas rusak atau bukan berkas {format} yang sah "
                          "({detail})"), params={"format": fmt, "detail": str(exc)}
        ) from None
    total = 0
    with book:
        metas = book.sheets_metadata
        names = [m.name for m in metas]
        if wanted is not None:
            missing = [w for w in wanted if w not in names]
            if missing:
                raise RawReadError("missing", N_("tidak ada sheet bernama '{sheet_name}' (sheet yang ada: {sheets})"),
                                  params={"sheet_name": missing[0], "sheets": ", ".join(names)})
        for index, meta in enumerate(metas):
            if wanted is not None and meta.name not in wanted:
                continue
            if fmt != "ods" and meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue  # chart sheets, macro sheets
            try:
                cal = book.get_sheet_by_index(index)
                start = cal.start or (0, 0)
                rows, cols = start[0] + cal.height, start[1] + cal.width
                total += rows * cols
                if total > max_cells:
                    raise RawReadError(
                        "cells",
                        N_("workbook berisi lebih dari {limit} sel (sheet '{sheet_name}' mencakup "
                           "{rows} baris x {columns} kolom)"),
                        params={"limit": _number(max_cells), "sheet_name": meta.name, "rows": _number(rows),
                                "columns": _number(cols)},
                    )
                merges = [(a[0], a[1], b[0], b[1]) for a, b in (cal.merged_cell_ranges or [])]
                if stream:
                    raw: Iterable = RowBatches(cal, meta.name)
                else:
                    raw = cal.to_python(skip_empty_area=False)
                del cal  # the caller builds its own copy: calamine's is freed with ``raw``
            except RawReadError:
                raise
            except BaseException as exc:
                if _fatal(exc):
                    raise
                raise RawReadError("sheet", N_("sheet tidak dapat dibaca: {detail}"), meta.name, {"detail": str(exc)}) from None
            yield RawSheet(meta.name, meta.visible != pc.SheetVisibleEnum.Visible, raw, merges)


def _child_main() -> None:
    """Entry point of the capped child: argv = limit_bytes fmt max_cells [sheet ...]; data on stdin."""
    import resource

    limit = int(sys.argv[1])
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:  # already capped lower (a capped budget reader started it)
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    fmt, max_cells = sys.argv[2], int(sys.argv[3])
    wanted = sys.argv[4:] or None
    data = sys.stdin.buffer.read()
    try:
        result: object = [tuple(sheet) for sheet in read_raw(data, fmt, max_cells, wanted)]
    except RawReadError as exc:
        result = ("error", exc.kind, exc.message, exc.sheet, exc.params)
    except MemoryError:
        result = ("error", "memory", N_("membaca berkas ini memerlukan memori lebih dari yang diizinkan"), None, {})
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _child_main()
