"""Parse numbers written in Indonesian or English style.

Rules (``decimal_sep`` lets a caller that knows the convention override 3 and 4):

1. Blank text, ``-``, ``--``, en/em dashes, ``…``, ``n/a`` and Excel error texts
   (``#DIV/0!``, ``#N/A`` ...) mean "no value" (``None``).
2. ``Rp``/``Rp.``/``IDR``/``$`` prefixes, a trailing ``,-`` or ``.-`` ("no cents"),
   spaces and non-breaking spaces are ignored; ``(500)`` and ``-500`` are negative;
   a trailing ``%`` is dropped (``'12,5%'`` -> ``12.5``; :func:`parse_number_info`
   reports it in ``percent``).
3. When both ``.`` and ``,`` occur, the one that comes last is the decimal
   separator and the other one must group thousands in threes
   (``1.234.567,89`` and ``1,234,567.89`` both read 1234567.89).
4. A separator that occurs more than once groups thousands (``1.234.567``).
   A single separator followed by exactly three digits, after one to three digits
   not starting with ``0``, is ambiguous; Indonesian style wins by default:
   ``5.000`` -> 5000 (thousands) and ``1,234`` -> 1.234 (decimal comma).
   Any other single separator is a decimal separator (``3,5`` -> 3.5, ``1.5`` -> 1.5,
   ``0.125`` -> 0.125).
5. Integral results are returned as integral Decimals (``Decimal('5000')``, not
   ``Decimal('5000.00')``); other results are normalized (``12,50`` -> ``12.5``).
   Floats are read with Excel's 15 significant digits.
6. A number beyond ``10**MAX_EXPONENT`` (or a non-zero one below ``10**-MAX_EXPONENT``) is not
   a value of any table (``1e999999`` would otherwise take minutes to expand, and integers of
   more than 4300 digits cannot be printed); it raises ``ValueError`` like any other bad text.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Literal, NamedTuple

__all__ = ["parse_number", "parse_number_info", "NumberInfo", "NULL_TOKENS", "MAX_EXPONENT"]

#: Largest decimal exponent of a number read (doubles reach 1.8e308).
MAX_EXPONENT = 400

#: Texts that mean "no value" in a numeric cell.
NULL_TOKENS = frozenset(
    {"", "-", "--", "---", "–", "—", "−", "…", "...", "..", "n/a", "#n/a"}
    | {"#div/0!", "#value!", "#ref!", "#name?", "#num!", "#null!"}  # Excel errors in exported text
)

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\t": " "})
_CURRENCY = re.compile(r"^(?:rp\.?|idr|\$)\s*", re.IGNORECASE)
_SIGN = re.compile(r"^([-+\u2212])\s*")
_SPACE_GROUPS = re.compile(r"^\d{1,3}(?: \d{3})+(?:[.,]\d*)?$")
_EXPONENT = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)[eE][-+]?\d+$")
_BODY = re.compile(r"^[\d.,]+$")


class NumberInfo(NamedTuple):
    """Result of :func:`parse_number_info`.

    ``style`` is ``'id'`` when the text could only be Indonesian (``3,5``,
    ``1.234.567``), ``'en'`` when it could only be English (``1,234,567``, ``1.5``),
    ``'ambiguous'`` for ``5.000``-like text, and ``None`` when no separator decided.
    """

    value: Decimal
    percent: bool
    style: Literal["id", "en", "ambiguous"] | None


def _clean(d: Decimal) -> Decimal:
    if not d.is_finite():
        raise ValueError("bukan angka berhingga")
    if d and abs(d.adjusted()) > MAX_EXPONENT:
        raise ValueError(f"angka di luar jangkauan (melebihi 10^{MAX_EXPONENT})")
    if d == d.to_integral_value():
        return Decimal(int(d))
    return d.normalize()


def _from_float(value: float) -> Decimal:
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"{value!r} tidak dapat dibaca sebagai angka")
    return _clean(Decimal(format(value, ".15g")))


def _fail(original: object) -> ValueError:
    return ValueError(f"{original!r} tidak dapat dibaca sebagai angka")


def _grouped(text: str, sep: str) -> bool:
    """True if ``text`` is digits grouped in threes by ``sep`` (``1.234.567``)."""
    parts = text.split(sep)
    return (
        1 <= len(parts[0]) <= 3
        and parts[0].isdigit()
        and all(len(p) == 3 and p.isdigit() for p in parts[1:])
    )


def _parse_body(body: str, decimal_sep: str | None, original: object):
    """Return (digits-with-dot-decimal, style) for a body of digits, '.' and ','."""
    if not _BODY.match(body) or not any(c.isdigit() for c in body):
        raise _fail(original)
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        dec = "." if body.rfind(".") > body.rfind(",") else ","
        thou = "," if dec == "." else "."
        if body.count(dec) != 1:
            raise _fail(original)
        int_part, frac = body.split(dec)
        if not frac.isdigit() and frac != "":
            raise _fail(original)
        if not _grouped(int_part, thou):
            raise _fail(original)
        if decimal_sep is not None and decimal_sep != dec:
            raise _fail(original)
        return int_part.replace(thou, "") + "." + (frac or "0"), ("id" if dec == "," else "en")
    if not dots and not commas:
        return body, None
    sep = "." if dots else ","
    count = dots or commas
    if count > 1:
        if decimal_sep == sep or not _grouped(body, sep):
            raise _fail(original)
        return body.replace(sep, ""), ("id" if sep == "." else "en")
    int_part, frac = body.split(sep)
    if frac == "":  # '12.' / '12,'
        if not int_part:
            raise _fail(original)
        return int_part, None
    int_part = int_part or "0"  # '.5'
    looks_grouped = len(frac) == 3 and 1 <= len(int_part) <= 3 and not int_part.startswith("0")
    if decimal_sep is not None:
        if sep == decimal_sep:
            return f"{int_part}.{frac}", ("id" if sep == "," else "en")
        if looks_grouped:
            return int_part + frac, ("id" if sep == "." else "en")
        raise _fail(original)
    if looks_grouped:
        # Ambiguous: Indonesian reading (dot groups thousands, comma is decimal).
        if sep == ".":
            return int_part + frac, "ambiguous"
        return f"{int_part}.{frac}", "ambiguous"
    return f"{int_part}.{frac}", ("id" if sep == "," else "en")


def parse_number_info(
    value: object, *, decimal_sep: Literal[",", "."] | None = None
) -> NumberInfo | None:
    """Like :func:`parse_number` but also say whether it was a percentage and which style decided."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise _fail(value)
    if isinstance(value, int):
        return NumberInfo(Decimal(value), False, None)
    if isinstance(value, float):
        return NumberInfo(_from_float(value), False, None)
    if isinstance(value, Decimal):
        try:
            return NumberInfo(_clean(value), False, None)
        except ValueError:
            raise _fail(value) from None
    if not isinstance(value, str):
        raise _fail(value)
    text = value.translate(_SPACES).strip()
    if text.lower() in NULL_TOKENS:
        return None
    negative = percent = False
    # Peel sign, currency, and parentheses in whatever order they come ("Rp -5", "-Rp 5", "(Rp 5)").
    for _ in range(3):
        if text.startswith("(") and text.endswith(")"):
            if negative:
                raise _fail(value)
            negative = True
            text = text[1:-1].strip()
        m = _SIGN.match(text)
        if m:
            if negative and m.group(1) != "+":
                raise _fail(value)
            negative = negative or m.group(1) != "+"
            text = text[m.end():]
        m = _CURRENCY.match(text)
        if m:
            text = text[m.end():]
    if text.endswith("%"):
        percent = True
        text = text[:-1].rstrip()
    if text.endswith((",-", ".-")):
        text = text[:-2].rstrip()
    if " " in text:
        if not _SPACE_GROUPS.match(text):
            raise _fail(value)
        text = text.replace(" ", "")
    if _EXPONENT.match(text):
        number, style = text, "en"
    else:
        number, style = _parse_body(text, decimal_sep, value)
    try:
        result = _clean(Decimal(number))
    except (InvalidOperation, ValueError):
        raise _fail(value) from None
    if negative:
        result = _clean(-result)
    return NumberInfo(result, percent, style)


def parse_number(value: object, *, decimal_sep: Literal[",", "."] | None = None) -> Decimal | None:
    """Read a cell value as a Decimal; ``None`` for blanks and dashes.

    Accepts int/float/Decimal and text such as ``'1.234.567,89'``, ``'1,234,567.89'``,
    ``'Rp. 964.073.000'``, ``'(500.000,00)'``, ``'-500.000'``, ``'12,5%'`` (-> 12.5).
    See the module docstring for the ambiguity rules; ``decimal_sep`` forces the
    decimal separator. Raises ``ValueError("'1.2.3' tidak dapat dibaca sebagai angka")``.
    """
    info = parse_number_info(value, decimal_sep=decimal_sep)
    return None if info is None else info.value
