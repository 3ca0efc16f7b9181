"""Working days of Indonesian government offices: Monday to Friday, without national holidays and
cuti bersama (the ``holidays`` library, categories ``public`` and ``government``)."""
from __future__ import annotations

import datetime as dt
import functools

import holidays

__all__ = ["is_working_day", "working_days_between"]


@functools.lru_cache(maxsize=32)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("ID", years=year, categories=("public", "government"))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (same day: 0).

    A complaint received on Friday and answered on Monday took 1 working day; one received the
    day before Idul Fitri and answered after the holidays counts only the office days between.
    """
    if end < start:
        raise ValueError(f"tanggal akhir {end.isoformat()} sebelum tanggal awal {start.isoformat()}")
    days, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            days += 1
    return days
