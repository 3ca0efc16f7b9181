"""The tidy (long) form of a statistics table: one row per value.

    Kecamatan | 2023 - Laki-laki | 2023 - Perempuan | 2024 - Laki-laki ...
becomes
    Kecamatan | tahun | jenis_kelamin | nilai

A table is melted only where its header holds *values* of a dimension: the
value columns are the numeric columns with a year ('2024'), a month, a sex
('Laki-laki', 'P') or a period ('Triwulan II') in one of their header levels. A
table whose numeric columns are all distinct measures ('Sasaran', 'Cakupan') is
tidy already and has no long form. Every other column (text, dates, and numeric
measures such as 'Luas (km²)') identifies the row and is kept. Each header level
of the value columns becomes one column named for the dimension its texts belong
to (``tahun``, ``bulan``, ``jenis_kelamin``, ``periode``; else ``variabel``, then
``kategori``) and the value goes to ``nilai``.
"""
from __future__ import annotations

import re
from decimal import Decimal

from .statistics import MONTH_WORDS
from .tables import Column, Table

__all__ = ["tidy_table", "VALUE_COLUMN", "DIMENSION_COLUMNS"]

#: Name of the value column of a tidy table.
VALUE_COLUMN = "nilai"

_YEAR = re.compile(r"^(?:19|20|21)\d{2}$")
_MONTH = re.compile(r"^(?:" + MONTH_WORDS + r"|jan|feb|mar|apr|jun|jul|agu|agt|aug|sep|okt|oct|nov|nop|des|dec)\.?$",
                    re.IGNORECASE)
_SEX = re.compile(r"^(?:laki\s*-?\s*laki|perempuan|pria|wanita|l|p|lk|pr|male|female)$", re.IGNORECASE)
_PERIOD = re.compile(r"^(?:triwulan|semester|kuartal|tw\.?|smt\.?)\s*(?:[ivx]+|\d)$", re.IGNORECASE)
_ID_HEADER = re.compile(r"^(?:tahun|year|bulan|month|triwulan|semester|periode|kode\b.*)$", re.IGNORECASE)
_DIMENSIONS = (("tahun", _YEAR), ("bulan", _MONTH), ("jenis_kelamin", _SEX), ("periode", _PERIOD))
_GENERIC = ("variabel", "kategori")
#: Names of the columns a tidy table makes of the header levels (before ``nilai``).
DIMENSION_COLUMNS: tuple[str, ...] = tuple(n for n, _rx in _DIMENSIONS) + _GENERIC


def _has_dimension(column: Column) -> bool:
    texts = column.levels or (column.name,)
    return any(rx.match(t) for t in texts if t for _, rx in _DIMENSIONS)


def _dimension_name(texts: list[str], taken: set[str], generic: list[str]) -> str:
    filled = [t for t in texts if t]
    name = next((n for n, rx in _DIMENSIONS if all(rx.match(t) for t in filled)), None)
    if name is None:
        name = generic.pop(0) if generic else "kategori"
    base, k = name, 2
    while name.lower() in taken:
        name = f"{base}_{k}"
        k += 1
    taken.add(name.lower())
    return name


def tidy_table(table: Table) -> Table | None:
    """The long form of ``table`` (see the module docstring), or None when it has nothing to melt.

    A table needs at least one identifying column and two value columns. Rows come
    row by row, value column by value column; empty values stay (``nilai`` None).
    ``source_rows`` repeat the sheet row of each value; ``source_columns`` is
    empty (a tidy row has no single source cell).
    """
    values = [j for j, c in enumerate(table.columns)
              if c.type in ("integer", "number") and not _ID_HEADER.match(c.name) and _has_dimension(c)]
    ids = [j for j in range(len(table.columns)) if j not in values]
    if not ids or len(values) < 2:
        return None
    depth = max(len(table.columns[j].levels) for j in values) or 1
    levels = [
        [(table.columns[j].levels[i] if i < len(table.columns[j].levels) else "") for j in values]
        for i in range(depth)
    ]
    if not any(any(level) for level in levels):  # no levels known: the column names are the one dimension
        levels = [[table.columns[j].name for j in values]]
    levels = [level for level in levels if any(level)]
    taken = {table.columns[j].name.lower() for j in ids} | {VALUE_COLUMN}
    generic = list(_GENERIC)
    dims = [_dimension_name(level, taken, generic) for level in levels]
    numeric_dims = [d.startswith("tahun") for d in dims]
    dim_values = [
        [(int(t) if numeric and t else t or None) for t in level] for level, numeric in zip(levels, numeric_dims)
    ]
    is_number = any(table.columns[j].type == "number" for j in values)
    columns = [Column(name=table.columns[j].name, type=table.columns[j].type,
                      description=table.columns[j].description) for j in ids]
    columns += [
        Column(name=d, type="integer" if numeric else "text",
               description=f"Judul kolom tabel asal (tingkat {i + 1})")
        for i, (d, numeric) in enumerate(zip(dims, numeric_dims))
    ]
    value_notes = [f"{table.columns[j].name}: {table.columns[j].description}" for j in values
                   if table.columns[j].description]
    columns.append(Column(name=VALUE_COLUMN, type="number" if is_number else "integer",
                          description="; ".join(value_notes)))
    per_value = [tuple(dv[k] for dv in dim_values) for k in range(len(values))]
    rows: list[list[object]] = []
    source_rows: list[int] = []
    for row, sheet_row in zip(table.rows, table.source_rows):
        key = [row[j] for j in ids]
        for k, j in enumerate(values):
            v = row[j]
            if is_number and v is not None and not isinstance(v, Decimal):
                v = Decimal(v)
            rows.append(key + list(per_value[k]) + [v])
            source_rows.append(sheet_row)
    return Table(
        sheet=table.sheet, columns=columns, rows=rows, source_rows=source_rows, source_columns=[],
        header_rows=list(table.header_rows), titles=list(table.titles), notes=list(table.notes),
        filename=table.filename, dropped_rows=list(table.dropped_rows), dropped_columns=list(table.dropped_columns),
    )
