"""Helpers for account (kode rekening) and kegiatan codes.

Account codes start with a one-digit akun (``4`` pendapatan, ``5`` belanja, ``6``
pembiayaan): ``4.2.1`` (jenis), ``5.2.1.01`` (objek). Kegiatan codes start with a
two-digit bidang: ``01`` (bidang), ``01.01`` (sub bidang), ``01.01.01`` (kegiatan).
Codes are stored without trailing dots.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime

__all__ = [
    "CodeInfo",
    "clean_code",
    "parse_code",
    "split_code_text",
    "is_within",
    "bidang_of",
    "derived_sumber_dana",
    "normalise_sumber_dana",
    "SUMBER_DANA_ALIASES",
    "DERIVED_SUMBER_DANA",
]

from ..reference.lists import SUMBER_DANA_ALIASES

#: Sumber dana derived from a pendapatan account when the file names none
#: (the first matching prefix wins).
DERIVED_SUMBER_DANA = (
    ("4.2.1", "DDS"),  # Dana Desa
    ("4.2.2", "PBH"),  # Bagi Hasil Pajak dan Retribusi
    ("4.2.3", "ADD"),  # Alokasi Dana Desa (ADG in Aceh)
    ("4.1", "PAD"),  # Pendapatan Asli Desa
)

_SEG = re.compile(r"^\d{1,4}$")
_BRACKET = re.compile(r"^(?P<code>[\d. ]+?)\s*[\[(]\s*(?P<keg>\d{2}(?:\.\d{1,3}){0,3})\.?\s*[\])]\s*\.?$")
_LEAD_CODE = re.compile(r"^\s*(?P<code>\d{1,2}(?:\.\d{1,4}){0,5})\.?(?:\s*[\[(]\s*(?P<keg>\d{2}(?:\.\d{1,3}){0,3})\.?\s*[\])])?(?:\s+|$)(?P<rest>.*)$", re.S)


@dataclass(frozen=True)
class CodeInfo:
    """A parsed code: ``kind`` is ``account`` or ``kegiatan``."""

    kind: str
    account: str | None = None
    kegiatan: str | None = None

    @property
    def level(self) -> int:
        code = self.account if self.kind == "account" else self.kegiatan
        return code.count(".") + 1 if code else 0


def clean_code(value: object) -> str | None:
    """Turn a code cell (text or number) into a dot-separated code string, or None."""
    if value is None or isinstance(value, (bool, date, datetime)):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(value, ".15g")
    text = str(value).strip().replace(" ", "").replace(",", ".")
    text = text.strip(".")
    return text or None


def _norm_segments(parts: list[str], pad_from: int) -> list[str]:
    out = []
    for i, p in enumerate(parts):
        if i >= pad_from and len(p) == 1:
            p = "0" + p
        out.append(p)
    return out


def parse_code(text: object) -> CodeInfo | None:
    """Parse a code cell: ``4.2.1``, ``5.2.1.01.``, ``5.1.1.01. [01.01.01]``, ``01.01.01``.

    One-digit first segment -> account; two-digit first segment -> kegiatan (bidang,
    sub bidang, kegiatan by depth). The 4th+ account segment is zero-padded (``5.2.1.1``
    -> ``5.2.1.01``); kegiatan segments are zero-padded to two digits. Returns None when
    the text is not a code.
    """
    if isinstance(text, str):
        return _parse_code_str(text)
    return _parse_code(text)


@functools.lru_cache(maxsize=8192)
def _parse_code_str(text: str) -> CodeInfo | None:
    return _parse_code(text)


def _parse_code(text: object) -> CodeInfo | None:
    code = clean_code(text)
    if not code:
        return None
    keg = None
    if isinstance(text, str) and ("[" in text or "(" in text):
        m = _BRACKET.match(str(text).strip())
        if not m:
            return None
        code = clean_code(m.group("code"))
        keg = m.group("keg").strip(".")
        if not code:
            return None
    parts = code.split(".")
    if not all(_SEG.match(p) for p in parts):
        return None
    if len(parts[0]) == 1:
        if len(parts) > 6 or any(len(p) > 3 for p in parts):
            return None
        account = ".".join(_norm_segments(parts, 3))
        kegiatan = None
        if keg:
            kegiatan = ".".join(_norm_segments(keg.split("."), 0))
        return CodeInfo("account", account=account, kegiatan=kegiatan)
    if len(parts[0]) == 2 and not keg:
        if len(parts) > 4 or any(len(p) > 2 for p in parts):
            return None
        return CodeInfo("kegiatan", kegiatan=".".join(_norm_segments(parts, 0)))
    return None


def split_code_text(text: str | None) -> tuple[CodeInfo | None, str]:
    """Split ``'4.2.1 Dana Desa'`` / ``'4.2.1. Dana Desa'`` into (code, name).

    Returns ``(None, text)`` when the text does not start with a code.
    """
    if not text:
        return None, text or ""
    m = _LEAD_CODE.match(text)
    if not m:
        return None, text.strip()
    raw = m.group("code")
    if m.group("keg"):
        raw = f"{raw} [{m.group('keg')}]"
    info = parse_code(raw)
    rest = m.group("rest").strip()
    if info is None or not rest:
        return None, text.strip()
    return info, rest


def is_within(code: str | None, prefix: str | None) -> bool:
    """True if ``code`` equals ``prefix`` or lies below it (segment-wise)."""
    if code is None or prefix is None:
        return False
    return code == prefix or code.startswith(prefix + ".")


def bidang_of(kegiatan: str | None) -> str | None:
    """Bidang code (first segment) of a kegiatan code, or None."""
    if not kegiatan:
        return None
    return kegiatan.split(".", 1)[0]


def derived_sumber_dana(account: str | None) -> str | None:
    """Sumber dana implied by a pendapatan account (``4.2.1`` -> ``DDS``), else None."""
    for prefix, code in DERIVED_SUMBER_DANA:
        if is_within(account, prefix):
            return code
    return None


def normalise_sumber_dana(value: object) -> str | None:
    """Upper-case and trim a sumber dana cell; map aliases (``ADG`` -> ``ADD``)."""
    if value is None:
        return None
    text = re.sub(r"\s+", " ", str(value)).strip().upper()
    if not text or text in ("-", "--"):
        return None
    return SUMBER_DANA_ALIASES.get(text, text)
