"""Type whole columns of raw cell values at once.

A column is scanned once: the set of Python classes it holds decides most columns
without looking at single cells (all ints, all floats, all dates), and text cells
are classified once per *distinct* value, not once per cell. The typed column is
then built with C-level ``map``/dict lookups wherever the class set allows.

Marker texts (``statistics=True``, the BPS conventions): a dash (``-``, ``–``,
``—``) is zero (*nihil*); ``…``/``...``, ``n/a`` and Excel error texts are not
available (None); ``x`` is confidential (None). Without ``statistics`` every
marker means None and ``x`` is text.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from decimal import Decimal

from .dates import parse_date
from .numeric import NULL_TOKENS, parse_number, parse_number_info

__all__ = ["COLUMN_TYPES", "ZERO_TOKENS", "CONFIDENTIAL_TOKENS", "type_columns", "to_text", "strip_control"]

COLUMN_TYPES = ("integer", "number", "date", "text", "boolean")
#: Texts that mean zero (nihil) in a statistics table.
ZERO_TOKENS = frozenset({"-", "--", "---", "–", "—", "−"})
#: Texts that mean "confidential" (no value) in a statistics table.
CONFIDENTIAL_TOKENS = frozenset({"x", "X"})

_NoneType = type(None)
_PLAIN_CLASSES = frozenset({int, float, Decimal, bool, str, datetime.date, datetime.datetime, _NoneType})
# Unambiguous number texts read without the general parser (it handles everything else).
_PLAIN_INT = re.compile(r"-?(?:0|[1-9]\d{0,14})")
_COMMA_DECIMAL = re.compile(r"-?(?:0|[1-9]\d{0,14}),(?:\d{1,2}|\d{4,12})")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Integers below this print exactly in format(v, ".15g").
_EXACT_15 = 10**15
#: Excel's 15 significant digits: ``_G15 % v`` is ``format(v, ".15g")`` for a float or int, a little quicker.
_G15 = "%.15g"
_DOT_DECIMAL = re.compile(r"-?(?:0|[1-9]\d{0,14})\.(?:\d{1,2}|\d{4,12})")


def strip_control(text: str) -> str:
    """``text`` without control characters (NUL, backspace, escape ...); tabs and line breaks stay."""
    return _CONTROL.sub("", text).strip() if _CONTROL.search(text) else text


def to_text(value: object) -> str:
    """Display text of a raw value (for header names and text columns)."""
    if value is None:
        return ""
    if value.__class__ is str:
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format(value, ".15g")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        if (value.hour, value.minute, value.second) != (0, 0, 0):
            return value.isoformat(sep=" ")
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _clean_decimal(d: Decimal) -> Decimal:
    return Decimal(int(d)) if d == d.to_integral_value() else d.normalize()


def _classify_text(v: str, statistics: bool) -> tuple[str, object]:
    """Classify one distinct text: ('null'|'zero'|'int'|'dec'|'amb'|'date'|'text'|'code')[:style], parsed."""
    if _PLAIN_INT.fullmatch(v):
        return ("code", None) if (v.lstrip("-")[:1] == "0" and len(v.lstrip("-")) > 1) else ("int", Decimal(v))
    if _COMMA_DECIMAL.fullmatch(v):
        return "dec:id", _clean_decimal(Decimal(v.replace(",", ".")))
    if _DOT_DECIMAL.fullmatch(v):
        return "dec:en", _clean_decimal(Decimal(v))
    low = v.lower()
    if statistics:
        if low in ZERO_TOKENS:
            return "zero", Decimal(0)
        if v in CONFIDENTIAL_TOKENS:
            return "null", None
    if low in NULL_TOKENS:
        return "null", None
    try:
        info = parse_number_info(v)
    except ValueError:
        info = None
    if info is not None:
        digits = v.lstrip("-+( \u2212")
        if digits[:1] == "0" and len(digits) > 1 and digits[1:2].isdigit():
            return "code", None  # codes with leading zeros: '007', '0812...'
        if digits.isdigit() and len(digits) > 15:
            return "code", None  # identifiers such as NIK
        if info.style == "ambiguous":
            return "amb", info
        kind = "int" if info.value == info.value.to_integral_value() else "dec"
        return kind + (":" + info.style if info.style else ""), info.value
    d = parse_date(v)
    if d is not None:
        return "date", d
    return "text", None


# A column's distinct texts, joined with "\n" (and one at the end), when every one is a plain
# Indonesian decimal ('38,98', '-0,5', '1234,0000'): what _classify_text calls "dec:id".
_ALL_COMMA_DECIMALS = re.compile(r"(?:-?(?:0|[1-9]\d{0,14}),(?:\d{1,2}|\d{4,12})\n)+")


def _comma_decimals(texts: list[str]) -> dict[str, Decimal] | None:
    """{text: value} when every text is a plain decimal with a comma, else None.

    The values are those of :func:`_classify_text` ('38,90' -> 38.9, '5,00' -> 5, '-0,00' -> 0),
    made with a few passes over the joined texts and one ``map(Decimal)`` rather than a
    classification per text: a column of percentages has thousands of distinct ones.
    """
    joined = "\n".join(texts) + "\n"
    if not texts or joined.count("\n") != len(texts) or _ALL_COMMA_DECIMALS.fullmatch(joined) is None:
        return None
    digits = joined
    while "0\n" in digits:  # trailing zeros of the fractions (digits before the comma end in ',')
        digits = digits.replace("0\n", "\n")
    digits = "\n" + digits.replace(",\n", "\n").replace(",", ".")
    while "\n-0\n" in digits:  # '-0,00' is 0, not Decimal('-0')
        digits = digits.replace("\n-0\n", "\n0\n")
    return dict(zip(texts, map(Decimal, digits[1:-1].split("\n"))))


def _text_column(values: Sequence[object], classes: set[type]) -> Sequence[object]:
    if classes <= {str, _NoneType}:
        return values
    return [None if v is None else to_text(v) for v in values]


class _ColumnScan:
    """What a column's raw values look like: classes seen, parsed texts, separator votes.

    ``classes``, when the caller knows them, are the values' classes (NoneType may be among
    them when no value is None: every decision below is the same either way)."""

    def __init__(self, values: Sequence[object], statistics: bool, classes: set[type] | None = None) -> None:
        self.values = values
        classes = set(map(type, values)) if classes is None else set(classes)
        self.classes = classes
        self.text = not classes <= _PLAIN_CLASSES
        self.has_int = int in classes
        self.has_dec = float in classes or Decimal in classes
        self.has_bool = bool in classes
        self.has_date = datetime.date in classes or datetime.datetime in classes
        self.cache: dict[object, object] = {}
        self.ambiguous: list[str] = []
        self.votes_id = self.votes_en = 0
        if self.text or str not in classes:
            return
        texts = [v for v in set(values) if v.__class__ is str]
        # one search over all the distinct texts ('\n' is no control character here), then text by text
        dirty = ({v: strip_control(v) or None for v in texts if _CONTROL.search(v)}
                 if _CONTROL.search("\n".join(texts)) else None)
        if dirty:  # NUL and other control characters ('_x0000_' in xlsx) never reach a table
            self.values = values = list(map(dirty.get, values, values))
            self.classes = classes = set(map(type, values))
            texts = [v for v in set(values) if v.__class__ is str]
            if str not in classes:
                return
        decimals = _comma_decimals(texts)
        if decimals is not None:  # the common column of percentages: all "dec:id", no need to classify each
            self.cache = decimals  # type: ignore[assignment]
            self.has_dec = True
            self.votes_id = len(decimals)
            return
        for v in texts:
            kind, parsed = _classify_text(v, statistics)
            if kind in ("text", "code"):
                self.text = True
                return
            if kind == "amb":
                self.ambiguous.append(v)
                continue
            self.cache[v] = parsed
            if kind in ("null", "zero"):
                continue
            if kind == "date":
                self.has_date = True
            elif kind.startswith("int"):
                self.has_int = True
            elif kind.startswith("dec"):
                self.has_dec = True
            if kind.endswith(":id"):
                self.votes_id += 1
            elif kind.endswith(":en"):
                self.votes_en += 1

    def finish(self, table_hint: str | None) -> tuple[str, Sequence[object]]:
        """Resolve ambiguous texts (column votes first, then the table's) and return (type, typed values)."""
        values = self.values
        if self.text:
            return "text", _text_column(values, self.classes)
        if self.votes_en != self.votes_id:
            hint = "." if self.votes_en > self.votes_id else None
        else:
            hint = table_hint
        cache = self.cache
        has_int, has_dec = self.has_int, self.has_dec
        for v in self.ambiguous:
            d = parse_number(v, decimal_sep=hint) if hint else parse_number(v)
            cache[v] = d
            if d is not None and d == d.to_integral_value():
                has_int = True
            else:
                has_dec = True
        zeros = [k for k in ZERO_TOKENS if k in cache and cache[k] is not None and cache[k] == 0]
        if self.has_bool:
            if has_int or has_dec or self.has_date or cache:
                return "text", _text_column(values, self.classes)
            return "boolean", values
        if self.has_date:
            if has_int or has_dec:
                return "text", _text_column(values, self.classes)
            for k in zeros:  # a dash in a date column is no date
                cache[k] = None
            if self.classes <= {datetime.date, _NoneType}:
                return "date", values
            out = []
            for v in values:
                if v is None:
                    out.append(None)
                    continue
                if v.__class__ is str:
                    v = cache[v]
                if v is not None and v.__class__ is datetime.datetime and not (
                    v.hour or v.minute or v.second or v.microsecond
                ):
                    v = v.date()
                out.append(v)
            return "date", out
        if not (has_int or has_dec or zeros):  # only blank markers (and 'x' as plain text)
            return "text", [None if v is None or v.lower() in NULL_TOKENS else v for v in values]
        cache[None] = None
        if has_dec:
            classes = self.classes
            if classes <= {float, _NoneType}:
                if _NoneType in classes:
                    return "number", [None if v is None else Decimal(_G15 % v) for v in values]
                return "number", list(map(Decimal, map(_G15.__mod__, values)))
            if classes == {int, float} and -_EXACT_15 < min(values) and max(values) < _EXACT_15:
                # spreadsheet numbers, some integral: an int of at most 15 digits prints exactly in '.15g'
                return "number", list(map(Decimal, map(_G15.__mod__, values)))
            if classes <= {int, float, _NoneType}:  # spreadsheet numbers, some integral
                return "number", [
                    None if v is None else Decimal(v) if v.__class__ is int else Decimal(format(v, ".15g"))
                    for v in values
                ]
            for k, p in list(cache.items()):
                if p.__class__ is int:
                    cache[k] = Decimal(p)
            out = list(map(cache.get, values, values))
            if float in classes or int in classes:
                out = [
                    Decimal(format(v, ".15g")) if v.__class__ is float else Decimal(v) if v.__class__ is int else v
                    for v in out
                ]
            return "number", out
        for k, p in list(cache.items()):
            if p is not None:
                cache[k] = int(p)
        if self.classes <= {int, _NoneType}:
            return "integer", values
        return "integer", list(map(cache.get, values, values))


def type_columns(
    columns_values: list[Sequence[object]],
    code_columns: Sequence[bool] = (),
    *,
    statistics: bool = False,
    classes: Sequence[set[type]] | None = None,
) -> list[tuple[str, Sequence[object]]]:
    """Type each column; ambiguous '5.000'-like texts follow the column's, else the table's, convention.

    ``code_columns[j]`` true keeps column j text (identifiers such as 'Kode Rekening', 'NIK').
    ``classes[j]``, when the caller knows it, is ``set(map(type, columns_values[j]))`` (or that
    with NoneType added), which then is not counted again.
    Returns (type, typed values) per column, the type one of COLUMN_TYPES; a column that
    needs no conversion comes back as the very sequence that was given (not a copy).
    """
    known = classes if classes is not None else [None] * len(columns_values)
    scans = [_ColumnScan(v, statistics, k) for v, k in zip(columns_values, known)]
    for scan, code in zip(scans, code_columns):
        if code:
            scan.text = True
    votes_en = sum(s.votes_en for s in scans if not s.text)
    votes_id = sum(s.votes_id for s in scans if not s.text)
    table_hint = "." if votes_en > votes_id else None
    return [s.finish(table_hint) for s in scans]
