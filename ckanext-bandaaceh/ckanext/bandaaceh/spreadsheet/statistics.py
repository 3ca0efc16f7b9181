"""Column rules for statistics tables (BPS "Dalam Angka" style and dinas tables).

* A running-number column ('No', 'No.', 'Nomor', 'No Urut' holding 1, 2, 3 ...,
  possibly restarting at 1 per group) is not data.
* A total column ('Jumlah', 'Total', 'L+P', 'Jumlah - Jumlah' ...) is left out
  when, in every row where it and its neighbours have values, it equals the sum
  of the 2 or more numeric columns right before (or after) it; an average column
  ('Rata-rata', 'Rerata') likewise when it equals their mean. A column named so
  that holds anything else is data and stays.
* Footnote marks at the end of a header ('2024*)', '2023**', '2024 1)') are
  removed from the column name; the footnote line they point to ('*) angka
  sementara') becomes the column's description.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from operator import add

__all__ = ["MONTH_WORDS", "strip_mark", "footnotes", "apply_statistics"]

MONTH_WORDS = (
    "januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober|"
    "nopember|november|desember|january|february|march|may|june|july|august|october|december"
)
_STAR_MARK = re.compile(r"\s*(\*+)\s*\)?$")
_DIGIT_MARK = re.compile(r"(?<=[0-9A-Za-z])\s?(\d)\)$")
_FOOTNOTE_LINE = re.compile(r"^\s*(\*+|\d)\s*\)\s*(.+)$|^\s*(\*+)\s*(.+)$")
_NUMBER_HEADER = re.compile(r"^(?:no|no\.|nomor|no\.?\s*urut|nomor\s+urut|#)$", re.IGNORECASE)
_TOTAL_HEADER = re.compile(
    r"^(?:jumlah|total|jml\.?|jlh\.?|sub\s*-?\s*total|jumlah\s*/\s*total|jumlah\s+total|total\s+\d{4}|"
    r"jumlah\s+\d{4}|\(?\s*l\s*\+\s*p\s*\)?|jumlah\s*\(\s*l\s*\+\s*p\s*\)|laki-laki\s*\+\s*perempuan)$",
    re.IGNORECASE,
)
_AVERAGE_HEADER = re.compile(r"^(?:rata\s*-?\s*rata|rata2|rerata|average|mean)(?:\s+\d{4})?$", re.IGNORECASE)
_NUMERIC = ("integer", "number")


def strip_mark(text: str) -> tuple[str, str]:
    """('2024', '*') for '2024*)'; ('2024', '1') for '2024 1)'; (text, '') when there is no mark."""
    m = _STAR_MARK.search(text)
    if m and m.start() > 0:
        return text[: m.start()].rstrip(), m.group(1)
    if text.count("(") < text.count(")"):  # '2024 1)', but not 'Luas (km2)'
        m = _DIGIT_MARK.search(text)
        if m and m.start() > 0:
            return text[: m.start()].rstrip(), m.group(1)
    return text, ""


def footnotes(notes: Sequence[str]) -> dict[str, str]:
    """Footnote lines by mark: {'*': '*) angka sementara', '**': '**) angka sangat sementara'}."""
    found: dict[str, str] = {}
    for line in notes:
        m = _FOOTNOTE_LINE.match(line)
        if m:
            found.setdefault(m.group(1) or m.group(3), line.strip())
    return found


def _is_running_number(values: Sequence[object]) -> bool:
    if values and values[0] == 1 and values[-1] == len(values) and list(values) == list(range(1, len(values) + 1)):
        return True  # 1, 2, 3 ... n at C speed; otherwise look for gaps and restarts
    prev = 0
    seen = 0
    for v in values:
        if v is None:
            continue
        if v != prev + 1 and v != 1:
            return False
        prev = v
        seen += 1
    return seen > 0


def _matches(target: Sequence[object], parts: list[Sequence[object]], average: bool, exact: bool) -> bool:
    """Does ``target`` equal the sum (or mean) of ``parts`` in every row where all have values?"""
    checked = 0
    k = len(parts)
    if exact and not average and None not in target and not any(None in p for p in parts):
        # the common case, at C speed: whole integer columns without gaps
        sums = list(parts[0])
        for part in parts[1:]:
            sums = list(map(add, sums, part))
        return sums == list(target) and any(target)
    for i, t in enumerate(target):
        if t is None:
            continue
        row = [p[i] for p in parts]
        if None in row:
            continue
        total = sum(row)
        expected = total / k if average else total
        if exact and not average:
            if t != expected:
                return False
        else:
            tolerance = Decimal("0.005") * k  # each part rounded to 2 decimals
            if abs(Decimal(t) - Decimal(expected)) > tolerance:
                return False
        if t != 0:
            checked += 1
    return checked > 0


def _aggregate_of(j: int, kinds: list[str], values: list[list[object]], average: bool) -> bool:
    """Is column j the sum/mean of a run of >= 2 numeric neighbours (before it, else after it)?"""
    for step in (-1, 1):
        run: list[int] = []
        i = j + step
        while 0 <= i < len(kinds) and kinds[i] in _NUMERIC:
            run.append(i)
            if len(run) >= 2:
                exact = all(kinds[x] == "integer" for x in run + [j])
                if _matches(values[j], [values[x] for x in run], average, exact):
                    return True
            i += step
    return False


def apply_statistics(
    names: list[str],
    levels: list[tuple[str, ...]],
    marks: list[list[str]],
    kinds: list[str],
    values: list[list[object]],
    notes: list[str],
) -> tuple[list[int], dict[int, str], list[str]]:
    """(indices of the columns to keep, why each other column goes, description per column)."""
    why: dict[int, str] = {}
    for j, name in enumerate(names):
        last = next((t for t in reversed(levels[j]) if t), name) if levels[j] else name
        if kinds[j] == "integer" and _NUMBER_HEADER.match(name) and _is_running_number(values[j]):
            why[j] = "nomor urut, bukan data"
        elif kinds[j] in _NUMERIC and _TOTAL_HEADER.match(last) and _aggregate_of(j, kinds, values, False):
            why[j] = "jumlah kolom di sebelahnya"
        elif kinds[j] in _NUMERIC and _AVERAGE_HEADER.match(last) and _aggregate_of(j, kinds, values, True):
            why[j] = "rata-rata kolom di sebelahnya"
    by_mark = footnotes(notes)
    descriptions = ["; ".join(by_mark[m] for m in column_marks if m in by_mark) for column_marks in marks]
    keep = [j for j in range(len(names)) if j not in why]
    return keep, why, descriptions
