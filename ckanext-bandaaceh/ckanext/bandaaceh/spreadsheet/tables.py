"""Find clean typed tables in raw sheet grids.

Government spreadsheets wrap their data in title rows, multi-row merged headers,
column-number rows, total rows, footnotes and signature blocks. This module finds
the header, joins its levels, keeps the data rows, and types each column.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .dates import parse_date
from .errors import SpreadsheetError, cell_ref, column_letter
from .numeric import NULL_TOKENS, parse_number, parse_number_info
from .reader import Sheet

__all__ = ["Column", "Table", "extract_tables", "COLUMN_TYPES"]

COLUMN_TYPES = ("integer", "number", "date", "text", "boolean")
MAX_HEADER_ROWS = 4
_LOOKAHEAD = 10

_WS = re.compile(r"\s+")
_TOTAL = re.compile(
    r"^(?:grand\s*|sub\s*-?\s*)?(?:jumlah|total|sum|jlh\.?|jml\.?)"
    r"(?:\s+(?:total|keseluruhan|seluruhnya|semua|akhir|umum|kota|kabupaten))?\s*:?$",
    re.IGNORECASE,
)
_MONTH_WORDS = (
    "januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober|"
    "nopember|november|desember|january|february|march|may|june|july|august|october|december"
)
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
    r"|[a-z][a-z .'-]{1,40},\s*\d{1,2}\s+(?:" + _MONTH_WORDS + r")\s+\d{4}$"  # 'Banda Aceh, 12 Januari 2024'
    r"|[a-z][a-z .'-]{1,40},\s*(?:" + _MONTH_WORDS + r")\s+\d{4}$"
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


@dataclass
class Column:
    """A table column: a unique non-empty ``name`` and a ``type`` from COLUMN_TYPES."""

    name: str
    type: str


@dataclass
class Table:
    """A typed table found on a sheet.

    ``rows`` hold int (integer), Decimal (number), datetime.date (date; a
    datetime.datetime when times are present), bool (boolean), str (text) or None.
    ``source_rows[i]`` is the 1-based sheet row of ``rows[i]``; ``source_columns[j]``
    the 1-based sheet column of ``columns[j]``. ``titles`` are the title lines above
    the header and ``notes`` the footnote lines below the data.
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

    def cell(self, row_index: int, column_index: int) -> str:
        """A1-style reference of ``rows[row_index][column_index]`` in the sheet."""
        return cell_ref(self.source_rows[row_index], self.source_columns[column_index])

    def number(self, row_index: int, column_index: int) -> Decimal | None:
        """``parse_number`` of a value, raising SpreadsheetError that names its cell on failure."""
        try:
            return parse_number(self.rows[row_index][column_index])
        except ValueError as exc:
            raise self.error(row_index, column_index, str(exc)) from None

    def error(self, row_index: int, column_index: int, reason: str) -> SpreadsheetError:
        """A SpreadsheetError that names the file, sheet, row and cell of a table value."""
        row = self.source_rows[row_index]
        col = self.source_columns[column_index]
        return SpreadsheetError(reason, file=self.filename, sheet=self.sheet, row=row, column=col)


# ---------------------------------------------------------------- row predicates


def _text(value: object) -> str:
    """Display text of a raw value (for header names and text columns)."""
    if value is None:
        return ""
    if value.__class__ is str:
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format(value, ".15g")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ") if (value.hour, value.minute, value.second) != (0, 0, 0) else value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


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


def _is_total(row: list[object]) -> bool:
    """'Jumlah', 'Total', 'JUMLAH TOTAL', 'Grand Total' rows whose other cells are numbers or blank."""
    label = None
    seen = 0
    for v in row:
        if v.__class__ is str:
            seen += 1
            if _TOTAL.match(v):
                label = v
                break
            if seen >= 3:
                return False
    if label is None:
        return False
    for v in row:
        if v is None or v == label or v.__class__ is not str:
            continue
        if v.lower() in NULL_TOKENS or _is_number_text(v):
            continue
        return False
    return True


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


class _Grid:
    """Rows plus the sheet's horizontal merges, with small helpers."""

    def __init__(self, sheet: Sheet) -> None:
        self.rows = sheet.rows
        self.n = len(sheet.rows)
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
                return r
        return None

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


def _header_names(grid: _Grid, header_rows: list[int], cols: list[int]) -> list[str]:
    levels: list[list[str]] = []
    for i, r in enumerate(header_rows):
        texts = [_WS.sub(" ", _text(grid.get(r, c))).strip() for c in cols]
        if i < len(header_rows) - 1:
            # fill an unmerged span to the right while the level below continues the group
            below = header_rows[i + 1]
            for j in range(1, len(cols)):
                if not texts[j] and texts[j - 1] and grid.get(below, cols[j]) is not None and grid.get(below, cols[j - 1]) is not None:
                    texts[j] = texts[j - 1]
        levels.append(texts)
    names = []
    for j in range(len(cols)):
        parts: list[str] = []
        for level in levels:
            t = level[j]
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        names.append(" - ".join(parts))
    return names


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


# ---------------------------------------------------------------- typing


_NoneType = type(None)


def _classify_text(v: str) -> tuple[str, object]:
    """Classify one distinct text value: ('null'|'int'|'dec'|'amb'|'date'|'text'|'code', parsed)."""
    if v.lower() in NULL_TOKENS:
        return "null", None
    try:
        info = parse_number_info(v)
    except ValueError:
        info = None
    if info is not None:
        digits = v.lstrip("-+( \u2212")
        if digits[:1] == "0" and len(digits) > 1 and digits[1:2].isdigit():
            return "code", None  # codes with leading zeros: '007', '0812...'
        if digits.isdigit() and len(digits) > 15:
            return "code", None  # identifiers such as NIK
        if info.style == "ambiguous":
            return "amb", info
        kind = "int" if info.value == info.value.to_integral_value() else "dec"
        return kind + (":" + info.style if info.style else ""), info.value
    d = parse_date(v)
    if d is not None:
        return "date", d
    return "text", None


class _ColumnScan:
    """What a column's raw values look like: classes seen, parsed texts, separator votes."""

    def __init__(self, values: Sequence[object]) -> None:
        self.values = values
        classes = set(map(type, values))
        classes.discard(_NoneType)
        self.text = bool(classes - {int, float, Decimal, bool, str, datetime.date, datetime.datetime})
        self.has_int = int in classes
        self.has_dec = float in classes or Decimal in classes
        self.has_bool = bool in classes
        self.has_date = any(issubclass(c, datetime.date) for c in classes)
        self.has_str = str in classes
        self.cache: dict[str, object] = {}
        self.ambiguous: list[str] = []
        self.votes_id = self.votes_en = 0
        if self.text or not self.has_str:
            return
        for v in {v for v in values if v.__class__ is str}:
            kind, parsed = _classify_text(v)
            if kind in ("text", "code"):
                self.text = True
                return
            if kind == "amb":
                self.ambiguous.append(v)
                continue
            self.cache[v] = parsed
            if kind == "date":
                self.has_date = True
            elif kind.startswith("int"):
                self.has_int = True
            elif kind.startswith("dec"):
                self.has_dec = True
            if kind.endswith(":id"):
                self.votes_id += 1
            elif kind.endswith(":en"):
                self.votes_en += 1

    def finish(self, table_hint: str | None) -> tuple[str, list[object]]:
        """Resolve ambiguous texts (column votes first, then the table's) and return (type, typed values)."""
        values = self.values
        if self.text:
            return "text", [None if v is None else _text(v) for v in values]
        if self.votes_en != self.votes_id:
            hint = "." if self.votes_en > self.votes_id else None
        else:
            hint = table_hint
        cache = self.cache
        has_int, has_dec = self.has_int, self.has_dec
        for v in self.ambiguous:
            d = parse_number(v, decimal_sep=hint) if hint else parse_number(v)
            cache[v] = d
            if d is not None and d == d.to_integral_value():
                has_int = True
            else:
                has_dec = True
        if self.has_bool:
            if has_int or has_dec or self.has_date or cache:
                return "text", [None if v is None else _text(v) for v in values]
            return "boolean", list(values)
        if self.has_date:
            if has_int or has_dec:
                return "text", [None if v is None else _text(v) for v in values]
            out = []
            for v in values:
                if v is None:
                    out.append(None)
                    continue
                if v.__class__ is str:
                    v = cache[v]
                if v is not None and v.__class__ is datetime.datetime and not (
                    v.hour or v.minute or v.second or v.microsecond
                ):
                    v = v.date()
                out.append(v)
            return "date", out
        if has_dec:
            out = []
            for v in values:
                cls = v.__class__
                if v is None:
                    out.append(None)
                elif cls is float:
                    out.append(Decimal(format(v, ".15g")))
                elif cls is str:
                    out.append(cache[v])
                else:
                    out.append(Decimal(v))
            return "number", out
        if has_int:
            return "integer", [
                v if (v is None or v.__class__ is int) else (None if cache[v] is None else int(cache[v]))
                for v in values
            ]
        return "text", [None] * len(values)


def _type_columns(
    columns_values: list[Sequence[object]], names: list[str] | None = None
) -> list[tuple[str, list[object]]]:
    """Type each column; ambiguous '5.000'-like texts follow the column's, else the table's, convention.

    Columns named like codes ('Kode Rekening', 'NIK', 'NIP', 'No. HP') stay text.
    """
    scans = [_ColumnScan(v) for v in columns_values]
    for scan, name in zip(scans, names or []):
        if _CODE_HEADER.search(name):
            scan.text = True
    votes_en = sum(s.votes_en for s in scans if not s.text)
    votes_id = sum(s.votes_id for s in scans if not s.text)
    table_hint = "." if votes_en > votes_id else None
    return [s.finish(table_hint) for s in scans]


# ---------------------------------------------------------------- table building


def _starts_new_block(grid: _Grid, r: int, data: list[list[object]], header_width: int) -> bool:
    """After a blank gap: does row r begin another table (its title or header)?"""
    row = grid.rows[r]
    if _distinct(row) == 1 and _first_text(row) is not None:
        for k in range(r + 1, min(grid.n, r + 6)):
            if grid.eligible_header(k):
                return True
        return False
    if not grid.eligible_header(r):
        return False
    # a header, not a text-only data row: it has text where the data so far had numbers
    sample = data[-50:]
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
        notes.append(" ".join(dict.fromkeys(_text(v) for v in row if v is not None)))
        r += 1
    return notes, r


def _build(grid: _Grid, h: int, sheet_name: str, filename: str | None, titles: list[str]) -> tuple[Table | None, int]:
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
    width_hint = len(_values(rows[h]))
    data: list[list[object]] = []
    source: list[int] = []
    notes: list[str] = []
    gap = 0
    end = grid.n
    n = grid.n
    append_data, append_source = data.append, source.append
    while r < n:
        row = rows[r]
        # The first (up to) three values decide cheaply for ordinary data rows.
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
        if gap and data and _starts_new_block(grid, r, data, width_hint):
            end = r
            break
        gap = 0
        texts = [v for v in firsts if v.__class__ is str]
        if texts:
            if firsts[0].__class__ is str and _is_stop(row, width_hint):
                notes, end = _collect_notes(grid, r)
                break
            if (
                (len(texts) == len(firsts) and _is_spacer(row))
                or (any(_TOTAL.match(t) for t in texts) and _is_total(row))
                or row in header_sig  # header repeated after a page break
            ):
                r += 1
                continue
        if (numbering is not None and row == numbering) or (not data and _is_numbering(row, width_hint)):
            r += 1
            continue
        append_data(row)
        append_source(r + 1)
        r += 1
    # columns: any with a header or data
    width = max([len(rows[x]) for x in header_rows] + [len(d) for d in data] + [0])
    if any(len(d) != width for d in data):
        data = [d + [None] * (width - len(d)) for d in data]
    by_column = list(zip(*data)) if data else [()] * width
    used = [
        any(c < len(rows[x]) and rows[x][c] is not None for x in header_rows)
        or by_column[c].count(None) != len(data)
        for c in range(width)
    ]
    cols = [c for c in range(width) if used[c]]
    if not cols:
        return None, end
    names = _unique_names(_header_names(grid, header_rows, cols), cols)
    typed = _type_columns([by_column[c] for c in cols], names)
    columns = [Column(name=name, type=kind) for name, (kind, _) in zip(names, typed)]
    typed_columns = [values for _, values in typed]
    out_rows = list(map(list, zip(*typed_columns))) if data else []
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
    )
    return table, end


def extract_tables(sheet: Sheet, *, filename: str | None = None) -> list[Table]:
    """Find the table(s) on a sheet and return them cleaned and typed.

    Skips title rows, finds the header row, joins multi-row/merged header levels
    with " - ", skips a column-number row under the header, drops blank, filler,
    repeated-header and total rows, stops at footnotes and signature blocks, and
    starts a new table where a blank gap is followed by a new title or header.
    Columns get unique non-empty names ("Kolom C" when the header is empty) and a
    type: integer, number, date, boolean or text (any value that is neither a
    number, a date nor a blank marker makes the column text; so do codes with
    leading zeros). ``filename`` is only used to name the file in errors.
    """
    grid = _Grid(sheet)
    tables: list[Table] = []
    pos = 0
    while pos < grid.n:
        h = grid.find_header(pos)
        if h is None:
            break
        titles = [
            " ".join(dict.fromkeys(_text(v) for v in grid.rows[t] if v is not None))
            for t in range(pos, h)
            if not _blank(grid.rows[t]) and _distinct(grid.rows[t]) <= 2
        ]
        table, end = _build(grid, h, sheet.name, filename, titles)
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
    typed = _type_columns([[row[c] if c < len(row) else None for _, row in data] for c in cols])
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
