"""Find clean typed tables in raw sheet grids.

Government spreadsheets wrap their data in title rows, multi-row merged headers,
column-number rows, total rows, footnotes and signature blocks. This module finds
the header, joins its levels, keeps the data rows, and types each column (whole
columns at once, see :mod:`.coltypes`). The statistics-table rules (total columns,
running numbers, footnote marks, BPS markers) are in :mod:`.statistics`.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from itertools import compress
from operator import itemgetter
from dataclasses import dataclass, field
from decimal import Decimal

from .coltypes import COLUMN_TYPES, CONFIDENTIAL_TOKENS, ZERO_TOKENS, strip_control, to_text, type_columns
from .errors import SpreadsheetError, cell_ref, column_letter
from .numeric import NULL_TOKENS, parse_number
from .reader import Sheet, gc_paused
from .statistics import MONTH_WORDS, apply_statistics, strip_mark

_NoneType = type(None)
#: Data rows kept as row lists (not runs of the sheet's columns) whose classes are looked at one by one.
_FEW_ROWS = 256

__all__ = ["Column", "Table", "extract_tables", "COLUMN_TYPES"]

MAX_HEADER_ROWS = 4
_LOOKAHEAD = 10

_text = to_text
_WS = re.compile(r"\s+")
_CITY = r"(?:se\s*-?\s*)?(?:kota\s+)?banda\s*aceh"
_QUALIFIER = (
    r"(?:\s+(?:total|keseluruhan|seluruhnya|semua|akhir|umum|kota|kabupaten|tahun|bulan|"
    + _CITY + r"|\d{4}|" + MONTH_WORDS + r"))*"
)
# Rows that sum or average the others: 'Jumlah', 'TOTAL 2024', 'Jumlah Januari', 'Rata-rata'.
_TOTAL = re.compile(
    r"^(?:(?:grand\s*|sub\s*-?\s*)?(?:jumlah|total|sum|jlh\.?|jml\.?)(?:\s*/\s*(?:jumlah|total))?"
    r"|rata\s*-?\s*rata|rata2|rerata|average|mean)" + _QUALIFIER + r"\s*:?$",
    re.IGNORECASE,
)
# The city-wide row of a statistics table; a total only as the first or last data row.
_CITY_ROW = re.compile(r"^" + _CITY + r"(?:\s+\d{4})?$", re.IGNORECASE)
_FOOTNOTE = re.compile(
    r"^(?:"
    r"(?:sumber|source|catatan|keterangan|ket|note|notes|nb|n\.b)\s*\.?\s*:"  # 'Sumber: BPS'
    r"|\*+\s*\)?\s*\S"  # '*) angka sementara'
    r"|\d\)\s+\S"  # '1) angka sementara'
    r")",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(
    r"^(?:"
    r"(?:kepala|kadis|sekretaris|camat|keuchik|geuchik|bendahara|walikota|wali\s+kota|"
    r"bupati|mengetahui|menyetujui|disetujui|disahkan|diketahui|dibuat\s+oleh|ditetapkan|"
    r"pembuat\s+daftar|plt\.?|plh\.?|an\.|a\.n\.?)\b"
    r"|nip\b|nip\.|nrp\b"
    r"|[a-z][a-z .'-]{1,40},\s*\d{1,2}\s+(?:" + MONTH_WORDS + r")\s+\d{4}$"  # 'Banda Aceh, 12 Januari 2024'
    r"|[a-z][a-z .'-]{1,40},\s*(?:" + MONTH_WORDS + r")\s+\d{4}$"
    r")",
    re.IGNORECASE,
)
_TITLE = re.compile(
    r"^(?:tabel|table|tab\.|lampiran|daftar|data|rekapitulasi|rekap|laporan|grafik|gambar)\b", re.IGNORECASE
)
# Columns whose values are identifiers even when they look like numbers ('1.1', '1171').
_CODE_HEADER = re.compile(
    r"\b(?:kode|kd|nip|nik|npwp|nisn|nuptk|nrp|rekening|no\.?\s*(?:rek|hp|telp|telepon|kk|ktp|sk|induk)\w*"
    r"|nomor\s+(?:rekening|hp|telepon|kk|ktp|sk|induk)\w*|kode\s*pos)\b",
    re.IGNORECASE,
)
_NUMBERING = re.compile(r"^\(?\s*(\d{1,3})\s*\)?\.?(?:\s*[=+\-x*/:]\s*\(?\s*\d{1,3}\s*\)?)*$")
_MARKERS = NULL_TOKENS | ZERO_TOKENS | CONFIDENTIAL_TOKENS
_MONTH_ONLY = re.compile(r"^(?:" + MONTH_WORDS + r")(?:\s+\d{4})?$", re.IGNORECASE)


@dataclass
class Column:
    """A table column: a unique non-empty ``name`` and a ``type`` from COLUMN_TYPES.

    ``levels`` are the header texts of the column per header row (footnote marks
    removed; '' where a level is empty or repeats the one above); ``description``
    holds the footnote that the header pointed to ('2024*)' -> '*) angka sementara').
    """

    name: str
    type: str
    description: str = ""
    levels: tuple[str, ...] = ()


@dataclass
class Table:
    """A typed table found on a sheet.

    ``rows`` hold int (integer), Decimal (number), datetime.date (date; a
    datetime.datetime when times are present), bool (boolean), str (text) or None.
    ``source_rows[i]`` is the 1-based sheet row of ``rows[i]``; ``source_columns[j]``
    the 1-based sheet column of ``columns[j]``. ``titles`` are the title lines above
    the header and ``notes`` the footnote lines below the data. ``dropped_rows``
    lists the (sheet row, label) of total, subtotal and average rows left out, and
    ``dropped_columns`` the (sheet column, name, why) of total and running-number
    columns left out; :attr:`note` says both in words.
    """

    sheet: str
    columns: list[Column]
    rows: list[list[object]]
    source_rows: list[int]
    source_columns: list[int] = field(default_factory=list)
    header_rows: list[int] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    filename: str | None = None
    dropped_rows: list[tuple[int, str]] = field(default_factory=list)
    dropped_columns: list[tuple[int, str, str]] = field(default_factory=list)

    def cell(self, row_index: int, column_index: int) -> str:
        """A1-style reference of ``rows[row_index][column_index]`` in the sheet."""
        return cell_ref(self.source_rows[row_index], self.source_columns[column_index])

    def error(self, row_index: int, column_index: int, reason: str,
              params: dict[str, object] | None = None) -> SpreadsheetError:
        """A SpreadsheetError that names the file, sheet, row and cell of a table value.

        ``reason`` is an Indonesian msgid (marked with ``N_``) with ``{placeholders}`` from ``params``."""
        row = self.source_rows[row_index]
        col = self.source_columns[column_index]
        return SpreadsheetError(reason, file=self.filename, sheet=self.sheet, row=row, column=col, params=params)

    @property
    def note(self) -> str:
        """What was left out, in Indonesian ('' when nothing was): for the resource description."""
        parts = []
        if self.dropped_rows:
            by_label: dict[str, list[str]] = {}
            for row, label in self.dropped_rows:
                by_label.setdefault(label, []).append(str(row))
            listed = "; ".join(f"'{label}' (baris {', '.join(rows)})" for label, rows in by_label.items())
            parts.append(f"Baris jumlah/rata-rata tidak dimuat agar kolom dapat dijumlahkan: {listed}.")
        if self.dropped_columns:
            listed = "; ".join(f"'{name}' (kolom {column_letter(col)}, {why})" for col, name, why in self.dropped_columns)
            parts.append(f"Kolom tidak dimuat: {listed}.")
        return " ".join(parts)


# ---------------------------------------------------------------- row predicates


def _is_number_text(s: str) -> bool:
    try:
        return parse_number(s) is not None
    except ValueError:
        return False


def _headerlike(value: object) -> bool:
    """True for values that can name a column: text that is not a number, or a year."""
    if value.__class__ is str:
        if value.lower() in NULL_TOKENS:
            return False
        if _is_number_text(value):
            return len(value) == 4 and value.isdigit() and 1900 <= int(value) <= 2100
        return True
    if value.__class__ is int:
        return 1900 <= value <= 2100
    return False


def _values(row: list[object]) -> list[object]:
    return [v for v in row if v is not None]


def _distinct(row: list[object]) -> int:
    return len({v for v in row if v is not None})


def _blank(row: list[object]) -> bool:
    for v in row:
        if v is not None:
            return False
    return True


def _is_numbering(row: list[object], width_hint: int) -> bool:
    """'(1) (2) (3)' or '1 2 3' column-number rows."""
    nums = []
    for v in row:
        if v is None:
            continue
        if v.__class__ is int:
            nums.append(v)
            continue
        if v.__class__ is str:
            m = _NUMBERING.match(v)
            if m:
                nums.append(int(m.group(1)))
                continue
        return False
    if len(nums) < 2 or len(nums) < 0.5 * width_hint:
        return False
    if nums[0] > 2:
        return False
    steps = [b - a for a, b in zip(nums, nums[1:])]
    if any(s <= 0 for s in steps):
        # merged header cells repeat their number; tolerate equal neighbours only
        if any(s < 0 for s in steps):
            return False
    return sum(1 for s in steps if s == 1) >= 0.7 * len(steps)


def _first_text(row: list[object]) -> str | None:
    for v in row:
        if v is not None:
            return v if v.__class__ is str else None
    return None


def _is_stop(row: list[object], width: int) -> bool:
    """A footnote ('Sumber: ...') or a signature-block line ('Kepala Dinas', 'NIP. ...').

    Signature words also start ordinary data ('Kepala Dusun | Budi'), so those lines
    only count when they fill at most half of the table's width and hold no numbers.
    """
    first = _first_text(row)
    if first is None:
        return False
    if _FOOTNOTE.match(first):
        return _distinct(row) <= 3
    if _SIGNATURE.match(first):
        distinct = {v for v in row if v is not None}
        return len(distinct) <= max(1, width // 2) and all(v.__class__ is str for v in distinct)
    return False


def _summary_label(row: list[object], prev: list[object] | None = None, pattern: re.Pattern[str] = _TOTAL) -> str | None:
    """The label of a total/average row ('Jumlah', 'TOTAL 2024', 'Rata-rata'), else None.

    The label is among the row's first three texts; the other cells are numbers,
    blanks or markers, or repeat the row above (the group a subtotal closes:
    'Januari | Jumlah | 120') or name a month or year.
    """
    label = None
    seen = 0
    for v in row:
        if v.__class__ is str:
            seen += 1
            if pattern.match(v):
                label = v
                break
            if seen >= 3:
                return None
    if label is None:
        return None
    for c, v in enumerate(row):
        if v is None or v == label or v.__class__ is not str:
            continue
        if v.lower() in _MARKERS or _is_number_text(v):
            continue
        if prev is not None and c < len(prev) and prev[c] == v:
            continue
        if _MONTH_ONLY.match(v) or (len(v) == 4 and v.isdigit()):
            continue
        return None
    return label


def _is_total(row: list[object]) -> bool:
    """'Jumlah', 'Total', 'JUMLAH TOTAL', 'Grand Total', 'Rata-rata' rows whose other cells are numbers or blank."""
    return _summary_label(row) is not None


def _is_spacer(row: list[object]) -> bool:
    """Rows holding only dashes or similar filler."""
    for v in row:
        if v is None:
            continue
        if v.__class__ is str and (v.lower() in NULL_TOKENS or not any(ch.isalnum() for ch in v)):
            continue
        return False
    return True


# ---------------------------------------------------------------- header search


class _ColumnRows:
    """The rows of a sheet held as columns, each made when first asked for (the header search
    looks at a few rows; the data rows are taken from the columns, see :class:`_Data`)."""

    __slots__ = ("columns", "n", "made")

    def __init__(self, columns: list[list[object]]) -> None:
        self.columns = columns
        self.n = len(columns[0]) if columns else 0
        self.made: dict[int, list[object]] = {}

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, r: int) -> list[object]:
        if r < 0:
            r += self.n
        row = self.made.get(r)
        if row is None:
            if not 0 <= r < self.n:
                raise IndexError(r)
            row = self.made[r] = [column[r] for column in self.columns]
        return row

    def __iter__(self) -> Iterator[list[object]]:
        return map(self.__getitem__, range(self.n))


class _Grid:
    """Rows plus the sheet's horizontal merges, with small helpers."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.columns = sheet.column_view()
        self.rows: Sequence[list[object]] = sheet.rows if self.columns is None else _ColumnRows(self.columns)
        self.n = len(self.rows)
        self.hmerges = [m for m in sheet.merges if m[3] > m[1]]

    def get(self, r: int, c: int) -> object:
        row = self.rows[r]
        return row[c] if c < len(row) else None

    def hspan(self, r: int, c: int) -> tuple[int, int] | None:
        """Columns (first, last) of a horizontal merge covering (r, c), if any."""
        for r0, c0, r1, c1 in self.hmerges:
            if r0 <= r <= r1 and c0 <= c <= c1:
                return c0, c1
        return None

    def width_below(self, r: int) -> int:
        """Typical number of filled cells in the next non-blank rows after r."""
        counts = []
        i = r + 1
        while i < self.n and len(counts) < _LOOKAHEAD:
            k = len(_values(self.rows[i]))
            if k:
                counts.append(k)
            i += 1
        if not counts:
            return 0
        return max(set(counts), key=lambda x: (counts.count(x), x))

    def eligible_header(self, r: int) -> bool:
        row = self.rows[r]
        vals = _values(row)
        distinct = len(set(vals))
        if distinct < 2:
            return False
        headerlike = sum(1 for v in set(vals) if _headerlike(v))
        if headerlike < 0.5 * distinct or headerlike < 2:
            return False
        if _is_stop(row, len(vals)) or _is_total(row) or _is_numbering(row, len(vals)):
            return False
        if distinct <= 2 and _TITLE.match(_first_text(row) or ""):
            return False  # 'Tabel 3.1 | Jumlah Sekolah ...'
        below = self.width_below(r)
        if below == 0:
            return False
        return len(vals) >= 0.5 * below

    def find_header(self, start: int) -> int | None:
        for r in range(start, self.n):
            if self.eligible_header(r):
                return r - 1 if r > start and self.upper_level(r - 1, r) else r
        return None

    def upper_level(self, u: int, r: int) -> bool:
        """Is row u, too sparse to be a header on its own, the upper level of header row r?

        In CSV exports a group header ('2023' over 'L | P | L+P') is written once, in
        the group's first column, so the row above the header holds few cells.
        """
        row = self.rows[u]
        vals = _values(row)
        if len(set(vals)) < 2 or not all(_headerlike(v) for v in vals):
            return False
        if _TITLE.match(_first_text(row) or "") or _is_stop(row, len(vals)):
            return False
        return self.is_continuation([u], r)

    def is_continuation(self, header_rows: list[int], r: int) -> bool:
        """Is row r a lower level of the header that starts at header_rows[0]?"""
        row = self.rows[r]
        vals = _values(row)
        if not vals or not all(_headerlike(v) for v in vals):
            return False
        if _is_stop(row, len(_values(self.rows[header_rows[0]]))) or _is_total(row):
            return False
        above = header_rows[-1]
        for c, v in enumerate(row):
            if v is None:
                continue
            span = self.hspan(above, c)
            if span is not None and span[1] > span[0]:
                vertical = self.get(above, c) == v and self.hspan(r, c) == span
                if not vertical:
                    return True
            # unmerged span (ods/csv): blank above, filled further left on the same row above
            if self.get(above, c) is None:
                for cc in range(c - 1, -1, -1):
                    if self.get(above, cc) is not None:
                        if self.get(r, cc) is not None:
                            return True
                        break
        return False


def _header_names(
    grid: _Grid, header_rows: list[int], cols: list[int]
) -> tuple[list[str], list[tuple[str, ...]], list[list[str]]]:
    """(joined names, levels per column, footnote marks per column) of the header rows."""
    levels: list[list[str]] = []
    marks: list[list[str]] = [[] for _ in cols]
    for i, r in enumerate(header_rows):
        texts = [_WS.sub(" ", strip_control(_text(grid.get(r, c)))).strip() for c in cols]
        if i < len(header_rows) - 1:
            # fill an unmerged span to the right while the level below continues the group
            below = header_rows[i + 1]
            for j in range(1, len(cols)):
                if not texts[j] and texts[j - 1] and grid.get(below, cols[j]) is not None and grid.get(below, cols[j - 1]) is not None:
                    texts[j] = texts[j - 1]
        for j, t in enumerate(texts):
            texts[j], mark = strip_mark(t)
            if mark and mark not in marks[j]:
                marks[j].append(mark)
        levels.append(texts)
    names = []
    column_levels = []
    for j in range(len(cols)):
        parts: list[str] = []
        own: list[str] = []
        for level in levels:
            t = level[j]
            if t and (not parts or parts[-1] != t):
                parts.append(t)
                own.append(t)
            else:
                own.append("")
        names.append(" - ".join(parts))
        column_levels.append(tuple(own))
    return names, column_levels, marks


def _unique_names(names: list[str], cols: list[int]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    next_k: dict[str, int] = {}
    for name, c in zip(names, cols):
        base = name or f"Kolom {column_letter(c + 1)}"
        candidate = base
        if candidate.lower() in seen:
            k = next_k.get(base.lower(), 2)
            while f"{base} ({k})".lower() in seen:
                k += 1
            candidate = f"{base} ({k})"
            next_k[base.lower()] = k + 1
        seen.add(candidate.lower())
        out.append(candidate)
    return out


# ---------------------------------------------------------------- table building


def _starts_new_block(grid: _Grid, r: int, sample: list[list[object]], header_width: int) -> bool:
    """After a blank gap: does row r begin another table (its title or header)?"""
    row = grid.rows[r]
    if _distinct(row) == 1 and _first_text(row) is not None:
        for k in range(r + 1, min(grid.n, r + 6)):
            if grid.eligible_header(k):
                return True
        return False
    if not grid.eligible_header(r):
        return False
    # a header, not a text-only data row: it has text where the data so far (its last rows) had numbers
    for c, v in enumerate(row):
        if v is None or not _headerlike(v):
            continue
        numeric = 0
        total = 0
        for drow in sample:
            dv = drow[c] if c < len(drow) else None
            if dv is None:
                continue
            total += 1
            if dv.__class__ in (int, float, Decimal) or (dv.__class__ is str and _is_number_text(dv)):
                numeric += 1
        if total and numeric / total >= 0.8:
            return True
    return False


def _collect_notes(grid: _Grid, r: int) -> tuple[list[str], int]:
    notes: list[str] = []
    while r < grid.n:
        row = grid.rows[r]
        if _blank(row):
            break
        if _distinct(row) > 3:
            break
        notes.append(strip_control(" ".join(dict.fromkeys(_text(v) for v in row if v is not None))))
        r += 1
    return notes, r


def _suspicious(value: object, header_values: set[object]) -> bool:
    """Could a value in a row's first cells make it anything but a data row?"""
    if value is None or value in header_values:
        return True
    if value.__class__ is not str:
        return False
    return bool(
        value.lower() in _MARKERS
        or not any(ch.isalnum() for ch in value)
        or _TOTAL.match(value)
        or _CITY_ROW.match(value)
        or _FOOTNOTE.match(value)
        or _SIGNATURE.match(value)
    )


_NUMBER_CLASSES = frozenset({int, float, bool, Decimal})


def _may_need_a_look(classes: set[type], header_values: set[object]) -> bool:
    """Can a column whose values are of ``classes`` hold a blank, a text or a header value?"""
    if str in classes or _NoneType in classes:
        return True
    header_classes = set(map(type, header_values))
    return bool(classes & header_classes) or bool(classes & _NUMBER_CLASSES and header_classes & _NUMBER_CLASSES)


def _slow_rows(
    rows: Sequence[list[object]], start: int, header_values: set[object], columns: list[list[object]] | None = None,
    sheet: Sheet | None = None,
) -> list[int]:
    """Sorted indices (from ``start``) of the rows whose first three cells need a closer look.

    Every other row is an ordinary data row. Decided per column and per distinct
    value, so that a long sheet costs a few C-level passes, not a Python test per row.
    ``columns``, when given, are the sheet's columns (``rows`` is then not read); a column
    of numbers or dates with no blank (known from ``sheet``) needs no look at all.
    """
    if columns is not None:
        firsts = [
            column[start:] for c, column in enumerate(columns[:3])
            if sheet is None or _may_need_a_look(sheet.classes_in(c, start, len(column)), header_values)
        ] if start < len(rows) else []
    else:
        region = rows[start:]
        if not region:
            return []
        k = min(3, max(map(len, region)))
        if min(map(len, region)) < k:  # a hand-made grid with short rows
            region = [row if len(row) >= k else row + [None] * (k - len(row)) for row in region]
        firsts = [list(map(itemgetter(c), region)) for c in range(k)]
    slow: set[int] = set()
    for column in firsts:
        distinct = set(column)
        # numbers and dates never need a look unless they repeat the header
        bad = {v for v in [v for v in distinct if v.__class__ is str] if _suspicious(v, header_values)}
        bad |= distinct & header_values
        if None in distinct:
            bad.add(None)
        if bad:
            slow.update(compress(range(len(column)), map(bad.__contains__, column)))
    return sorted(i + start for i in slow)


class _Data:
    """The data rows of a table being built, in sheet order: lists of rows, and (from a sheet
    held as columns) runs of sheet rows taken from the columns without making their rows."""

    __slots__ = ("parts", "n", "columns")

    def __init__(self, columns: list[list[object]] | None) -> None:
        self.parts: list[list[list[object]] | range] = []
        self.n = 0
        self.columns = columns

    def __len__(self) -> int:
        return self.n

    def append(self, row: list[object]) -> None:
        self.extend([row])

    def extend(self, rows: list[list[object]]) -> None:
        if not rows:
            return
        if self.parts and self.parts[-1].__class__ is list:
            self.parts[-1].extend(rows)  # type: ignore[union-attr]
        else:
            self.parts.append(list(rows))
        self.n += len(rows)

    def add_run(self, start: int, stop: int) -> None:
        """Sheet rows ``start`` to ``stop - 1`` (0-based) of the columns."""
        self.parts.append(range(start, stop))
        self.n += stop - start

    def _row(self, part: list[list[object]] | range, i: int) -> list[object]:
        if part.__class__ is list:
            return part[i]  # type: ignore[return-value]
        r = part[i]
        return [column[r] for column in self.columns]  # type: ignore[union-attr]

    def row(self, i: int) -> list[object]:
        """Data row i (0 <= i < len)."""
        for part in self.parts:
            if i < len(part):
                return self._row(part, i)
            i -= len(part)
        raise IndexError(i)

    def tail(self, k: int) -> list[list[object]]:
        """The last k data rows (fewer when there are fewer)."""
        out: list[list[object]] = []
        for part in reversed(self.parts):
            take = min(k - len(out), len(part))
            out.extend(self._row(part, len(part) - 1 - j) for j in range(take))
            if len(out) == k:
                break
        out.reverse()
        return out

    def delete_end(self, i: int) -> None:
        """Drop data row i, the first or the last one."""
        at = 0 if i == 0 else len(self.parts) - 1
        part = self.parts[at]
        if part.__class__ is list:
            del part[0 if i == 0 else -1]  # type: ignore[arg-type]
        else:
            self.parts[at] = part[1:] if i == 0 else part[:-1]
        if not len(self.parts[at]):
            del self.parts[at]
        self.n -= 1

    def width(self) -> int:
        widths = [len(self.columns) if part.__class__ is range else max(map(len, part))  # type: ignore[union-attr, arg-type]
                  for part in self.parts]
        return max(widths, default=0)

    def classes(self, width: int, sheet: Sheet) -> list[set[type]] | None:
        """Per column, the classes of the data (see :meth:`Sheet.classes_in`) when the data is
        mostly runs of the sheet's rows; else None (they are counted when typing)."""
        if self.columns is None or not self.parts or width > len(self.columns):
            return None
        lists = [part for part in self.parts if part.__class__ is list]
        if sum(map(len, lists)) > _FEW_ROWS:
            return None
        out: list[set[type]] = []
        for c in range(width):
            classes: set[type] = set()
            for part in self.parts:
                if part.__class__ is range:
                    classes |= sheet.classes_in(c, part.start, part.stop)  # type: ignore[union-attr]
                else:
                    classes.update(type(row[c]) if c < len(row) else _NoneType for row in part)
            out.append(classes)
        return out

    def by_column(self, width: int) -> list[Sequence[object]]:
        """The data as ``width`` columns (short rows padded with None)."""
        out: list[list[object]] = [[] for _ in range(width)]
        for part in self.parts:
            if part.__class__ is range:
                for c in range(width):
                    out[c].extend(self.columns[c][part.start:part.stop])  # type: ignore[index]
                continue
            rows = part if min(map(len, part)) == width else [r + [None] * (width - len(r)) for r in part]  # type: ignore[union-attr, arg-type]
            if len(self.parts) == 1:
                return list(zip(*rows))  # one C pass: columns as tuples
            for c, values in enumerate(zip(*rows)):
                out[c].extend(values)
        return out  # type: ignore[return-value]


def _build(
    grid: _Grid, h: int, sheet_name: str, filename: str | None, titles: list[str], statistics: bool
) -> tuple[Table | None, int]:
    rows = grid.rows
    header_rows = [h]
    r = h + 1
    numbering: list[object] | None = None
    while r < grid.n and len(header_rows) < MAX_HEADER_ROWS + 1:
        row = rows[r]
        if _is_numbering(row, len(_values(rows[h]))):
            numbering = row
            r += 1
            break
        if len(header_rows) == MAX_HEADER_ROWS:
            break
        if grid.is_continuation(header_rows, r):
            header_rows.append(r)
            r += 1
            continue
        break
    header_sig = [rows[x] for x in header_rows]
    header_values = {v for x in header_rows for v in rows[x][:3] if v is not None}
    width_hint = len(_values(rows[h]))
    columns = grid.columns
    data = _Data(columns)
    source: list[int] = []
    notes: list[str] = []
    dropped: list[tuple[int, str]] = []
    city: list[int] = []  # data indices of city-named rows: totals when first or last
    gap = 0
    end = grid.n
    n = grid.n
    slow = _slow_rows(rows, r, header_values, columns, grid.sheet)
    append_data, append_source = data.append, source.append
    while r < n:
        if not gap and data:
            # ordinary data rows up to the next row that needs a look, in one go
            k = bisect_left(slow, r)
            stop = slow[k] if k < len(slow) else n
            if stop > r:
                if columns is not None and numbering is None:
                    data.add_run(r, stop)
                    source.extend(range(r + 1, stop + 1))
                    r = stop
                    continue
                run = rows[r:stop] if columns is None else list(map(list, zip(*(c[r:stop] for c in columns))))
                if numbering is not None and numbering in run:
                    keep = [i for i, row in enumerate(run) if row != numbering]
                    data.extend([run[i] for i in keep])
                    source.extend(r + 1 + i for i in keep)
                else:
                    data.extend(run)
                    source.extend(range(r + 1, stop + 1))
                r = stop
                continue
        row = rows[r]
        firsts = []
        for v in row:
            if v is not None:
                firsts.append(v)
                if len(firsts) == 3:
                    break
        if not firsts:
            gap += 1
            r += 1
            continue
        if gap and data and _starts_new_block(grid, r, data.tail(50), width_hint):
            end = r
            break
        gap = 0
        texts = [v for v in firsts if v.__class__ is str]
        if texts:
            if firsts[0].__class__ is str and _is_stop(row, width_hint):
                notes, end = _collect_notes(grid, r)
                break
            if (len(texts) == len(firsts) and _is_spacer(row)) or row in header_sig:
                r += 1  # filler, or the header repeated after a page break
                continue
            prev = data.row(len(data) - 1) if data else None
            label = _summary_label(row, prev) if any(_TOTAL.match(t) for t in texts) else None
            if label is not None:
                dropped.append((r + 1, label))
                r += 1
                continue
            if statistics and any(_CITY_ROW.match(t) for t in texts) and _summary_label(row, prev, _CITY_ROW):
                city.append(len(data))
        if (numbering is not None and row == numbering) or (not data and _is_numbering(row, width_hint)):
            r += 1
            continue
        append_data(row)
        append_source(r + 1)
        r += 1
    for i in reversed([i for i in city if i in (0, len(data) - 1)]):
        dropped.append((source[i], _first_text(data.row(i)) or ""))
        data.delete_end(i)
        del source[i]
    dropped.sort()
    # columns: any with a header or data
    width = max([len(rows[x]) for x in header_rows] + [data.width()])
    by_column = data.by_column(width) if data else [() for _ in range(width)]
    data_classes = data.classes(width, grid.sheet) if data else None
    used = [
        any(c < len(rows[x]) and rows[x][c] is not None for x in header_rows)
        or (data_classes is not None and _NoneType not in data_classes[c])
        or by_column[c].count(None) != len(data)
        for c in range(width)
    ]
    cols = [c for c in range(width) if used[c]]
    if not cols:
        return None, end
    names, levels, marks = _header_names(grid, header_rows, cols)
    names = _unique_names(names, cols)
    raw_columns = [by_column[c] for c in cols]
    n_data = len(data)
    del by_column, data  # unused columns go now; a column typing converts goes once typed
    typed = type_columns(raw_columns, [bool(_CODE_HEADER.search(nm)) for nm in names], statistics=statistics,
                         classes=None if data_classes is None else [data_classes[c] for c in cols])
    del raw_columns  # (a column that needed no conversion comes back as the same list)
    kinds = [kind for kind, _ in typed]
    typed_columns = [values for _, values in typed]
    descriptions = [""] * len(cols)
    dropped_columns: list[tuple[int, str, str]] = []
    if statistics:
        keep, why, descriptions = apply_statistics(names, levels, marks, kinds, typed_columns, notes)
        dropped_columns = [(cols[j] + 1, names[j], why[j]) for j in range(len(cols)) if j not in keep]
        cols, names, levels, kinds, typed_columns, descriptions = (
            [seq[j] for j in keep] for seq in (cols, names, levels, kinds, typed_columns, descriptions)
        )
    columns = [
        Column(name=name, type=kind, description=desc, levels=lv)
        for name, kind, desc, lv in zip(names, kinds, descriptions, levels)
    ]
    out_rows = list(map(list, zip(*typed_columns))) if n_data and cols else [[] for _ in range(n_data)]
    table = Table(
        sheet=sheet_name,
        columns=columns,
        rows=out_rows,
        source_rows=source,
        source_columns=[c + 1 for c in cols],
        header_rows=[x + 1 for x in header_rows],
        titles=titles,
        notes=notes,
        filename=filename,
        dropped_rows=dropped,
        dropped_columns=dropped_columns,
    )
    return table, end


def extract_tables(sheet: Sheet, *, filename: str | None = None, statistics: bool = True) -> list[Table]:
    """Find the table(s) on a sheet and return them cleaned and typed.

    Skips title rows, finds the header row, joins multi-row/merged header levels
    with " - ", skips a column-number row under the header, drops blank, filler,
    repeated-header and total/subtotal/average rows ('Jumlah', 'TOTAL 2024', a
    'Jumlah' after each month, 'Rata-rata'), stops at footnotes and signature
    blocks, and starts a new table where a blank gap is followed by a new title or
    header. Columns get unique non-empty names ("Kolom C" when the header is
    empty) and a type: integer, number, date, boolean or text (any value that is
    neither a number, a date nor a blank marker makes the column text; so do codes
    with leading zeros). ``filename`` is only used to name the file in errors.

    With ``statistics`` (the default) the statistics-table rules apply as well
    (see :mod:`.statistics`): a city-named row ('Kota Banda Aceh') that opens or
    closes the data is a total; total and average columns (checked against their
    neighbours) and a running-number column ('No') are left out; footnote marks
    ('2024*)') leave the column names and the footnote becomes the column's
    description; ``-`` is zero, ``...``/``…`` and ``x`` are no value. What was left
    out is in ``Table.dropped_rows``/``dropped_columns`` and ``Table.note``.
    ``statistics=False`` keeps every column and reads markers as no value.
    """
    with gc_paused():
        return _extract(sheet, filename, statistics)


def _extract(sheet: Sheet, filename: str | None, statistics: bool) -> list[Table]:
    grid = _Grid(sheet)
    tables: list[Table] = []
    pos = 0
    while pos < grid.n:
        h = grid.find_header(pos)
        if h is None:
            break
        titles = [
            strip_control(" ".join(dict.fromkeys(_text(v) for v in grid.rows[t] if v is not None)))
            for t in range(pos, h)
            if not _blank(grid.rows[t]) and _distinct(grid.rows[t]) <= 2
        ]
        table, end = _build(grid, h, sheet.name, filename, titles, statistics)
        if table is not None and (table.rows or not tables):
            tables.append(table)
        pos = max(end, h + 1)
    if not tables:
        table = _headerless(grid, sheet.name, filename)
        if table is not None:
            tables.append(table)
    return tables


def _headerless(grid: _Grid, sheet_name: str, filename: str | None) -> Table | None:
    """Fallback for sheets without a recognizable header: every non-blank row is data."""
    data = [(i, row) for i, row in enumerate(grid.rows) if not _blank(row)]
    if not data:
        return None
    width = max(len(row) for _, row in data)
    cols = [c for c in range(width) if any(c < len(row) and row[c] is not None for _, row in data)]
    names = ["" for _ in cols]
    header_rows: list[int] = []
    if len(cols) == 1 and len(data) > 1 and _headerlike(data[0][1][cols[0]]):
        # a one-column list: its first line names it
        header_rows = [data[0][0] + 1]
        names = [_WS.sub(" ", _text(data[0][1][cols[0]])).strip()]
        data = data[1:]
    names = _unique_names(names, cols)
    typed = type_columns([[row[c] if c < len(row) else None for _, row in data] for c in cols])
    columns = [Column(name=name, type=kind) for name, (kind, _) in zip(names, typed)]
    typed_columns = [values for _, values in typed]
    rows = [list(r) for r in zip(*typed_columns)]
    return Table(
        sheet=sheet_name,
        columns=columns,
        rows=rows,
        source_rows=[i + 1 for i, _ in data],
        source_columns=[c + 1 for c in cols],
        header_rows=header_rows,
        filename=filename,
    )
