"""The published monthly figures, computed from case rows (the case rows themselves are dropped).

One :class:`Row` per month (of the received date), channel, SKPD, category and status, with the
columns of :data:`TABLE_FIELDS`. Days are working days (:mod:`.workdays`); medians and 90th
percentiles use the nearest-rank method, so every figure is a day count that really occurred.
"""
from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal

from .reader import Case
from .standards import Standard
from .workdays import working_days_between

__all__ = ["LEVELS", "TABLE_FIELDS", "Row", "aggregate", "percentile", "weighted_median"]


@dataclass(frozen=True)
class Row:
    periode: str                          # YYYY-MM of the received date
    kanal: str
    skpd: str
    kategori: str
    status: str
    jumlah: int
    median_hari_respon: Decimal | None    # working days to first response
    p90_hari_respon: int | None
    median_hari_selesai: Decimal | None   # working days to closure
    p90_hari_selesai: int | None
    persen_sesuai_standar: Decimal | None  # share answered within the standard, of those answered
    jumlah_direspon: int | None            # complaints with a first response (None: aggregate export)
    jumlah_sesuai_standar: int | None      # ... of which within the standard (shares add up exactly)
    jumlah_diteruskan_lapor: int | None


#: (column, DataStore type) of the published table, in order.
TABLE_FIELDS: tuple[tuple[str, str], ...] = tuple(
    (f.name, {"int": "int", "str": "text"}.get(str(f.type).split(" ")[0], "numeric")) for f in fields(Row))


def percentile(values: list[int], q: float) -> int | None:
    """Nearest-rank percentile (``q`` in 0..100) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


def weighted_median(pairs: Iterable[tuple[Decimal, int]]) -> Decimal | None:
    """The median of values each counted ``weight`` times (nearest rank: the value at rank
    ceil(n/2)); None when the weights add up to 0. Used to combine published monthly medians,
    whose cases are not published: it approximates, never equals, the median of all cases."""
    ordered = sorted((value, weight) for value, weight in pairs if weight and weight > 0)
    total = sum(weight for _value, weight in ordered)
    if not total:
        return None
    rank, seen = math.ceil(total / 2), 0
    for value, weight in ordered:
        seen += weight
        if seen >= rank:
            return value
    raise AssertionError("unreachable")


def _median(values: list[int]) -> Decimal | None:
    return Decimal(str(statistics.median(values))) if values else None


#: What :func:`aggregate` groups by besides the month: every column, the SKPD only, or nothing.
LEVELS = ("rincian", "skpd", "kanal")


def aggregate(cases: Iterable[Case], standard: Standard, *, per_month_only: bool = False,
              level: str = "rincian") -> list[Row]:
    """Monthly rows of one channel's cases, sorted by month, SKPD, category and status.

    ``level``: ``rincian`` one row per month, SKPD, category and status; ``skpd`` one row per
    month and SKPD (category and status empty); ``kanal`` (or ``per_month_only``) one row per
    month for the whole channel. Each row's medians are those of its own complaints (medians
    do not add up, so every level is computed from the cases).
    """
    if level not in LEVELS:
        raise ValueError(f"level {level!r}: one of {', '.join(LEVELS)}")
    level = "kanal" if per_month_only else level
    groups: dict[tuple[str, str, str, str], list[Case]] = defaultdict(list)
    for case in cases:
        key = {"rincian": (case.skpd, case.kategori, case.status), "skpd": (case.skpd, "", ""),
               "kanal": ("", "", "")}[level]
        groups[(case.tanggal_masuk.strftime("%Y-%m"), *key)].append(case)
    rows = []
    for (periode, skpd, kategori, status), members in sorted(groups.items()):
        respon = [working_days_between(c.tanggal_masuk, c.tanggal_respon) for c in members if c.tanggal_respon]
        selesai = [working_days_between(c.tanggal_masuk, c.tanggal_selesai) for c in members if c.tanggal_selesai]
        within = sum(1 for d in respon if d <= standard.respon_hari_kerja)
        rows.append(Row(
            periode=periode, kanal=standard.kanal, skpd=skpd, kategori=kategori, status=status,
            jumlah=len(members),
            median_hari_respon=_median(respon), p90_hari_respon=percentile(respon, 90),
            median_hari_selesai=_median(selesai), p90_hari_selesai=percentile(selesai, 90),
            persen_sesuai_standar=(Decimal(100 * within) / len(respon)).quantize(Decimal("0.1")) if respon else None,
            jumlah_direspon=len(respon), jumlah_sesuai_standar=within,
            jumlah_diteruskan_lapor=sum(1 for c in members if c.diteruskan_lapor)))
    return rows


