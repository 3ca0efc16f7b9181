"""Parse dates written as text (Indonesian and English month names, day-first numerals)."""
from __future__ import annotations

import datetime
import re

__all__ = ["parse_date", "MONTHS"]

MONTHS = {
    "januari": 1, "january": 1, "jan": 1,
    "februari": 2, "february": 2, "pebruari": 2, "feb": 2, "peb": 2,
    "maret": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "agustus": 8, "august": 8, "agu": 8, "agt": 8, "aug": 8, "ags": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "december": 12, "des": 12, "dec": 12,
}

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")
_WORDS = re.compile(r"^(\d{1,2})[ -]+([A-Za-z]+)\.?[ -]+(\d{4})$")


def parse_date(text: str) -> datetime.date | datetime.datetime | None:
    """Return the date in ``text`` or None if it is not a date.

    Accepts ISO (``2024-01-31``, with optional time), day-first numerals
    (``31/01/2024``, ``31-01-2024``, ``31.01.2024``; read month-first only when
    the second number cannot be a month, as in ``01/31/2024``), and
    ``31 Januari 2024`` / ``31-Jan-2024`` with Indonesian or English month names.
    """
    s = text.strip()
    if not s or len(s) > 30 or not s[0].isdigit():
        return None
    try:
        m = _ISO.match(s)
        if m:
            y, mo, d = int(m[1]), int(m[2]), int(m[3])
            if m[4] is not None:
                return datetime.datetime(y, mo, d, int(m[4]), int(m[5]), int(m[6] or 0))
            return datetime.date(y, mo, d)
        m = _NUMERIC.match(s)
        if m:
            a, b, y = int(m[1]), int(m[3]), int(m[4])
            if b > 12 and a <= 12:
                a, b = b, a  # month-first
            return datetime.date(y, b, a)
        m = _WORDS.match(s)
        if m:
            month = MONTHS.get(m[2].lower())
            if month:
                return datetime.date(int(m[3]), month, int(m[1]))
    except ValueError:
        return None
    return None
