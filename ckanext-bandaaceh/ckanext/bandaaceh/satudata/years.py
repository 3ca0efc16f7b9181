"""The ``tahun`` field of a dataset (years covered): ``2024``, ``2019-2024``, ``2019, 2021``. Pure."""
from __future__ import annotations

import re

__all__ = ["YEAR_RANGE", "normalise_years", "years_of"]

YEAR_RANGE = (1945, 2100)


def normalise_years(text: str) -> str:
    """``2019 - 2024; 2026`` -> ``2019-2024, 2026``; ``ValueError`` naming the bad part."""
    parts: list[str] = []
    for part in re.split(r"\s*[,;]\s*", text.strip()):
        m = re.fullmatch(r"(\d{4})(?:\s*[-–]\s*(\d{4}))?", part)
        if not m:
            raise ValueError("format")
        start, end = int(m.group(1)), int(m.group(2) or m.group(1))
        if start > end or start < YEAR_RANGE[0] or end > YEAR_RANGE[1]:
            raise ValueError(part)
        parts.append(str(start) if start == end else f"{start}-{end}")
    return ", ".join(parts)


def years_of(tahun: str) -> list[str]:
    """Every year in a normalised ``tahun`` value, for the year facet."""
    out: list[str] = []
    for part in filter(None, (p.strip() for p in (tahun or "").split(","))):
        start, _sep, end = part.partition("-")
        out.extend(str(y) for y in range(int(start), int(end or start) + 1))
    return out
