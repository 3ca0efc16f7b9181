"""Read xlsx/xls/ods (python-calamine) and CSV into raw grids."""
from __future__ import annotations

import datetime
import io
import math
import os
from dataclasses import dataclass, field

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


def _read_calamine(data: bytes, fmt: str, name: str, max_cells: int, wanted: list[str] | None) -> list[Sheet]:
    import python_calamine as pc

    try:
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        raise SpreadsheetError("the workbook is password-protected", file=name) from None
    except Exception as exc:  # calamine raises CalamineError, ZipError, XmlError, ValueError...
        raise SpreadsheetError(f"cannot read the {fmt} workbook; the file is corrupt or not a valid {fmt} file ({exc})", file=name) from None
    sheets: list[Sheet] = []
    total = 0
    with book:
        metas = book.sheets_metadata
        if wanted is not None:
            missing = [w for w in wanted if w not in {m.name for m in metas}]
            if missing:
                raise SpreadsheetError(f"no sheet named {missing[0]!r} (sheets: {', '.join(m.name for m in metas)})", file=name)
        for index, meta in enumerate(metas):
            if wanted is not None and meta.name not in wanted:
                continue
            if fmt != "ods" and meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue  # chart sheets, macro sheets
            try:
                cal = book.get_sheet_by_index(index)
                height, width = cal.height, cal.width
                start = cal.start or (0, 0)
                total += (start[0] + height) * (start[1] + width)
                if total > max_cells:
                    raise SpreadsheetError(
                        f"the workbook has more than {max_cells:,} cells (sheet {meta.name!r} spans "
                        f"{start[0] + height:,} rows x {start[1] + width:,} columns)",
                        file=name,
                    )
                raw = cal.to_python(skip_empty_area=False)
                merges = [(a[0], a[1], b[0], b[1]) for a, b in (cal.merged_cell_ranges or [])]
            except SpreadsheetError:
                raise
            except Exception as exc:
                raise SpreadsheetError(f"cannot read the sheet: {exc}", file=name, sheet=meta.name) from None
            rows = [_clean_row(row) for row in raw]
            del raw
            if merges:
                _pad(rows)
                _apply_merges(rows, merges)
            sheets.append(
                Sheet(
                    name=meta.name,
                    rows=_trim(rows),
                    merges=merges,
                    hidden=meta.visible != pc.SheetVisibleEnum.Visible,
                )
            )
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
