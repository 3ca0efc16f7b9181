"""The reporting period of a realisation report, as titles state it.

Recognised (case-insensitive, anywhere in the title rows): ``SEMESTER I``/``1``/``PERTAMA``
(semester-1), ``SEMESTER II``/``AKHIR``, ``AKHIR TAHUN``, ``TAHUNAN`` (tahunan),
``TRIWULAN II``/``TW II``/``KUARTAL II`` (semester-1; ``IV``: tahunan), date ranges
``1 Januari s.d. 31 Desember``, ``01/01/2025 - 30/06/2025``, ``01/01 - 30/06``, and open
ends ``s/d 30 Juni``, ``sampai dengan bulan Juni``, ``hingga Desember``, ``per 30 Juni``.
A period ending in June is ``semester-1``, in December ``tahunan``; any other (``Triwulan
III``, ``s.d. 30 September``) is recognised but is not a publishable period.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["PeriodHint", "find_period", "MONTHS"]

MONTHS = {
    "JANUARI": 1, "JAN": 1, "FEBRUARI": 2, "PEBRUARI": 2, "FEB": 2, "MARET": 3, "MAR": 3, "APRIL": 4, "APR": 4,
    "MEI": 5, "JUNI": 6, "JUN": 6, "JULI": 7, "JUL": 7, "AGUSTUS": 8, "AGT": 8, "AGS": 8, "SEPTEMBER": 9,
    "SEP": 9, "SEPT": 9, "OKTOBER": 10, "OKT": 10, "NOVEMBER": 11, "NOPEMBER": 11, "NOV": 11, "DESEMBER": 12,
    "DES": 12,
}
_MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b"
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4, "PERTAMA": 1, "KEDUA": 2,
          "KETIGA": 3, "KEEMPAT": 4}
_UNTIL = r"\b(?:S\s*\.?\s*/?\s*D\s*\.?|SD|SAMPAI\s+DENGAN|SAMPAI|HINGGA|PER|KEADAAN|POSISI)"
_DASH = r"(?:-|–|—|S\s*\.?\s*/?\s*D\s*\.?|SAMPAI\s+DENGAN|HINGGA)"
_DATE_NUM = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(?:\d{4}|\d{2}))?"

_SEMESTER = re.compile(r"\bSEMESTER\s+(I{1,2}|1|2|PERTAMA|KEDUA|AKHIR)\b")
_QUARTER = re.compile(r"\b(?:TRIWULAN|TRI\s*WULAN|TW|KUARTAL|TRIMESTER)\s+(IV|III|II|I|1|2|3|4|PERTAMA|KEDUA|KETIGA|KEEMPAT)\b")
_YEAR_END = re.compile(r"\bAKHIR\s+TAHUN\b|\bTAHUNAN\b|\bSATU\s+TAHUN\s+ANGGARAN\b")
_RANGE_NUM = re.compile(_DATE_NUM + r"\s*" + _DASH + r"\s*" + _DATE_NUM)
_RANGE_TEXT = re.compile(r"(?:\d{1,2}\s+)?" + _MONTH + r"(?:\s+\d{4})?\s*" + _DASH + r"\s*(?:BULAN\s+)?(?:\d{1,2}\s+)?(" + _MONTH[3:-3] + r")\b")
_UNTIL_TEXT = re.compile(_UNTIL + r"\s*(?:BULAN\s+|TANGGAL\s+)?(?:\d{1,2}\s+)?(" + _MONTH[3:-3] + r")\b")
_UNTIL_NUM = re.compile(_UNTIL + r"\s*(?:TANGGAL\s+)?" + _DATE_NUM)


@dataclass(frozen=True)
class PeriodHint:
    """What a title says: ``period`` (``semester-1``/``tahunan``, or None when the stated period
    is not publishable), ``text`` (the words found), ``end_month``."""

    period: str | None
    text: str
    end_month: int | None = None


def _by_month(month: int, text: str) -> PeriodHint:
    period = "semester-1" if month == 6 else "tahunan" if month == 12 else None
    return PeriodHint(period, text, month)


def find_period(text: str) -> PeriodHint | None:
    """The period stated in ``text`` (title rows joined), or None if it states none."""
    t = " ".join(text.upper().split())
    m = _SEMESTER.search(t)
    if m:
        n = m.group(1)
        return PeriodHint("semester-1" if n in ("I", "1", "PERTAMA") else "tahunan", m.group(0),
                          6 if n in ("I", "1", "PERTAMA") else 12)
    m = _QUARTER.search(t)
    if m:
        return _by_month(_ROMAN[m.group(1)] * 3, m.group(0))
    m = _RANGE_NUM.search(t)
    if m and 1 <= int(m.group(4)) <= 12:
        return _by_month(int(m.group(4)), m.group(0))
    m = _RANGE_TEXT.search(t) or _UNTIL_TEXT.search(t)
    if m:
        return _by_month(MONTHS[m.group(1)], m.group(0))
    m = _UNTIL_NUM.search(t)
    if m and 1 <= int(m.group(2)) <= 12:
        return _by_month(int(m.group(2)), m.group(0))
    m = _YEAR_END.search(t)
    if m:
        return PeriodHint("tahunan", m.group(0), 12)
    return None
