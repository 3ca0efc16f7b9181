"""Jadwal Rilis: when each dataset is next due, from its frekuensi and the Daftar Data (pure Python).

- A published dataset was last released on ``terakhir`` (its publication or its latest data
  change). Its next release is the first planned date of its Daftar Data line after that, or else
  ``terakhir`` plus one period of its frekuensi (``tidak_tentu``: no schedule).
- A Daftar Data line without a published dataset is due on its first planned date.
- Against ``today``: ``terlambat`` (due date passed; with the days late), ``akan datang`` (due within
  :data:`UPCOMING_DAYS`), ``tepat waktu`` (next release not due yet).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

__all__ = ["PERIODS", "UPCOMING_DAYS", "TERLAMBAT", "AKAN_DATANG", "TEPAT_WAKTU", "Due", "next_release",
           "due_state"]

#: One period of each frekuensi of schemas/dataset.yaml (tidak_tentu has none).
PERIODS: dict[str, relativedelta | None] = {
    "harian": relativedelta(days=1),
    "mingguan": relativedelta(weeks=1),
    "bulanan": relativedelta(months=1),
    "triwulanan": relativedelta(months=3),
    "semesteran": relativedelta(months=6),
    "tahunan": relativedelta(years=1),
    "lima_tahunan": relativedelta(years=5),
    "tidak_tentu": None,
}
UPCOMING_DAYS = 30
TERLAMBAT = "terlambat"
AKAN_DATANG = "akan datang"
TEPAT_WAKTU = "tepat waktu"


@dataclass(frozen=True)
class Due:
    tanggal: dt.date
    status: str
    hari_terlambat: int = 0


def next_release(frekuensi: str, terakhir: dt.date | None, rencana: list[dt.date] | tuple[dt.date, ...] = ()
                 ) -> dt.date | None:
    """The next due date: the first planned date after the last release, else one period later."""
    planned = sorted(rencana)
    if terakhir is None:
        return planned[0] if planned else None
    later = [d for d in planned if d > terakhir]
    if later:
        return later[0]
    period = PERIODS.get(frekuensi)
    if period is None:
        return None
    return terakhir + period


def due_state(tanggal: dt.date | None, today: dt.date) -> Due | None:
    """Where a due date stands today (None: no schedule)."""
    if tanggal is None:
        return None
    if tanggal < today:
        return Due(tanggal, TERLAMBAT, (today - tanggal).days)
    if (tanggal - today).days <= UPCOMING_DAYS:
        return Due(tanggal, AKAN_DATANG)
    return Due(tanggal, TEPAT_WAKTU)
