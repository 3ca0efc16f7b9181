"""Write tables as clean CSV.

Every CSV the portal offers for download goes through :func:`csv_cell` for its text cells: a
cell a spreadsheet program would run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, TAB or
CR) gets a leading single quote (OWASP "CSV Injection"). Numbers, dates and the DataStore values
stay exact; only the downloaded text changes.
"""
from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from typing import TextIO

from .tables import Table

__all__ = ["to_csv", "format_value", "csv_cell", "FORMULA_PREFIXES"]

#: First characters that make Excel, LibreOffice or Google Sheets read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """A text cell as it may appear in a downloaded CSV: ``'=1+1'`` -> ``"'=1+1"``, others unchanged."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def format_value(value: object) -> str:
    """CSV text of a typed value: plain digits with '.' decimals, ISO dates, '' for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return format(Decimal(format(value, ".15g")).normalize(), "f")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def to_csv(table: Table, stream: TextIO | None = None) -> str:
    """Return ``table`` as UTF-8-ready CSV text (header row first, ``\\r\\n`` line ends); text
    cells (and the header) pass through :func:`csv_cell`.

    With ``stream`` the CSV is written there (open it with ``newline=''``) and ''
    is returned.
    """
    out = stream if stream is not None else io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(c.name) for c in table.columns])
    writer.writerows([csv_cell(v) if isinstance(v, str) else format_value(v) for v in row]
                     for row in table.rows)
    return "" if stream is not None else out.getvalue()
