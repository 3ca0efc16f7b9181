"""Validators used by the scheming schemas (``schemas/*.yaml``).

Each checks one field against the reference lists of ``reference.py`` and raises
``toolkit.Invalid`` with a message in Bahasa Indonesia (translatable).
"""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh import reference

_ = tk._
PHONE_RE = re.compile(r"^(\+62|62|0)[0-9 ()-]{6,18}$")
YEAR_RANGE = (1945, 2100)

__all__ = [
    "bandaaceh_kode_organisasi", "bandaaceh_phone", "bandaaceh_urusan",
    "bandaaceh_org_kode_wilayah", "bandaaceh_kode_wilayah", "bandaaceh_tahun",
    "bandaaceh_walidata",
]


def _ref() -> reference.Reference:
    return reference.load(tk.config.get("bandaaceh.config_dir") or None)


def _empty(value: Any) -> bool:
    return value is None or value is tk.missing or (isinstance(value, str) and not value.strip())


def bandaaceh_kode_organisasi(value: Any) -> Any:
    """Permendagri 90/2019 organisation code ``U.BB.U.BB.U.BB.OO.UUUU``."""
    if _empty(value):
        return ""
    value = str(value).strip()
    match = reference.ORG_CODE_RE.match(value)
    if not match:
        raise tk.Invalid(_("Kode organisasi harus berbentuk U.BB.U.BB.U.BB.OO.UUUU, "
                           "misalnya 1.03.0.00.0.00.01.0000"))
    urusan = _ref().urusan
    first, second, third = match.group(1), match.group(2), match.group(3)
    if first not in urusan:
        raise tk.Invalid(_("Kode urusan {code} tidak dikenal (Permendagri 90/2019)").format(code=first))
    for code in (second, third):
        if code != "0.00" and code not in urusan:
            raise tk.Invalid(_("Kode urusan {code} tidak dikenal (Permendagri 90/2019)").format(code=code))
    return value


def bandaaceh_walidata(value: Any) -> Any:
    """The city's walidata (option ``bandaaceh.walidata``) unless another is given."""
    if _empty(value):
        return tk.config.get("bandaaceh.walidata")
    return value


def bandaaceh_urusan(value: Any) -> Any:
    if _empty(value):
        return ""
    if str(value) not in _ref().urusan:
        raise tk.Invalid(_("Kode urusan {code} tidak dikenal (Permendagri 90/2019)").format(code=value))
    return str(value)


def bandaaceh_phone(value: Any) -> Any:
    """Indonesian phone number: starts with 0, 62 or +62; digits, spaces, dashes."""
    if _empty(value):
        return ""
    value = str(value).strip()
    digits = re.sub(r"\D", "", value)
    if not PHONE_RE.match(value) or not 8 <= len(digits) <= 15:
        raise tk.Invalid(_("Nomor telepon tidak valid: gunakan format 0651-1234567 atau +62 812 3456 7890"))
    return value


def bandaaceh_org_kode_wilayah(key: Any, data: dict, errors: dict, context: dict) -> None:
    """Organisation area code: required for kecamatan and gampong, of that level."""
    value = data.get(key)
    jenis = data.get(key[:-1] + ("jenis",))
    if jenis not in ("kecamatan", "gampong"):
        if not _empty(value):
            errors[key].append(_("Kode wilayah hanya untuk organisasi kecamatan dan gampong"))
        data[key] = ""
        return
    if _empty(value):
        errors[key].append(_("Kode wilayah wajib diisi untuk {jenis}").format(jenis=jenis))
        return
    value = str(value).strip()
    area = _ref().areas.get(value)
    if area is None:
        errors[key].append(_("Kode wilayah {code} tidak ada dalam Kepmendagri 300.2.2-2138/2025").format(code=value))
    elif area.tingkat != jenis:
        errors[key].append(_("Kode wilayah {code} adalah {level}, bukan {jenis}").format(
            code=value, level=area.tingkat, jenis=jenis))
    data[key] = value


def bandaaceh_kode_wilayah(value: Any) -> Any:
    """Dataset coverage: an area code of the city, a kecamatan or a gampong (default the city)."""
    if _empty(value):
        return reference.KOTA_CODE
    value = str(value).strip()
    if value not in _ref().areas:
        raise tk.Invalid(_("Kode wilayah {code} tidak ada dalam Kepmendagri 300.2.2-2138/2025").format(code=value))
    return value


def bandaaceh_tahun(value: Any) -> Any:
    """Years covered: ``2024``, ``2019-2024`` or ``2019, 2021``; normalised."""
    if _empty(value):
        return ""
    text = str(value).strip()
    parts: list[str] = []
    for part in re.split(r"\s*[,;]\s*", text):
        m = re.fullmatch(r"(\d{4})(?:\s*[-–]\s*(\d{4}))?", part)
        if not m:
            raise tk.Invalid(_("Tahun harus berbentuk 2024, 2019-2024 atau 2019, 2021"))
        start, end = int(m.group(1)), int(m.group(2) or m.group(1))
        if start > end or start < YEAR_RANGE[0] or end > YEAR_RANGE[1]:
            raise tk.Invalid(_("Rentang tahun {text} tidak valid").format(text=part))
        parts.append(str(start) if start == end else f"{start}-{end}")
    return ", ".join(parts)


def years_of(tahun: str) -> list[str]:
    """Every year in a normalised ``tahun`` value, for the year facet."""
    out: list[str] = []
    for part in filter(None, (p.strip() for p in (tahun or "").split(","))):
        start, _sep, end = part.partition("-")
        out.extend(str(y) for y in range(int(start), int(end or start) + 1))
    return out


# Validators of the APBG (apbdes) dataset schema live in their own module.
from ckanext.bandaaceh.logic import apbdes_validators as _apbdes_validators  # noqa: E402
from ckanext.bandaaceh.logic.apbdes_validators import *  # noqa: E402,F401,F403

__all__ += _apbdes_validators.__all__
