"""Write tables as clean CSV."""
from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from typing import TextIO

from .tables import Table

__all__ = ["to_csv", "format_value"]


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
    """Return ``table`` as UTF-8-ready CSV text (header row first, ``\\r\\n`` line ends).

    With ``stream`` the CSV is written there (open it with ``newline=''``) and ''
    is returned.
    """
    out = stream if stream is not None else io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in table.columns])
    fmt = format_value
    writer.writerows([fmt(v) for v in row] for row in table.rows)
    return "" if stream is not None else out.getvalue()
