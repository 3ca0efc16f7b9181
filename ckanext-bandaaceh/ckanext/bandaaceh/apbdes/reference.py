"""Reference code lists: chart of accounts, bidang/kegiatan, sumber dana, area codes.

Loaded from a directory holding the CSV files of ``config/reference/``:
``kode-rekening-apbdes.csv``, ``bidang-kegiatan-apbdes.csv``, ``sumber-dana-apbdes.csv``,
``wilayah-kota-banda-aceh.csv``.
"""
from __future__ import annotations

import csv
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["RefEntry", "Reference", "load_reference", "default_reference_dir", "REFERENCE_FILES", "ENV_VAR"]

REFERENCE_FILES = {
    "accounts": "kode-rekening-apbdes.csv",
    "kegiatan": "bidang-kegiatan-apbdes.csv",
    "sumber_dana": "sumber-dana-apbdes.csv",
    "wilayah": "wilayah-kota-banda-aceh.csv",
}
#: Environment variable that overrides the default reference directory.
ENV_VAR = "BANDAACEH_REFERENCE_DIR"


@dataclass(frozen=True)
class RefEntry:
    code: str
    name: str
    level: str
    parent: str | None


def _norm_name(text: str) -> str:
    text = re.sub(r"[^0-9a-z]+", " ", text.lower())
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Reference:
    """The code lists used by the readers and checks."""

    accounts: dict[str, RefEntry] = field(default_factory=dict)
    kegiatan: dict[str, RefEntry] = field(default_factory=dict)
    sumber_dana: dict[str, str] = field(default_factory=dict)
    wilayah: dict[str, RefEntry] = field(default_factory=dict)
    directory: str | None = None

    def __post_init__(self) -> None:
        self._gampong_by_name: dict[str, list[RefEntry]] = {}
        self._kecamatan_by_name: dict[str, RefEntry] = {}
        self._account_by_name: dict[str, list[str]] = {}
        for e in self.wilayah.values():
            if e.level == "gampong":
                self._gampong_by_name.setdefault(_norm_name(e.name), []).append(e)
            elif e.level == "kecamatan":
                self._kecamatan_by_name[_norm_name(e.name)] = e
        for e in self.accounts.values():
            self._account_by_name.setdefault(_norm_name(e.name), []).append(e.code)

    # --- areas -----------------------------------------------------------------
    @property
    def kota_code(self) -> str | None:
        for e in self.wilayah.values():
            if e.level == "kota":
                return e.code
        return None

    def gampong(self, code_or_name: str, kecamatan: str | None = None) -> RefEntry | None:
        """Find a gampong by area code (``11.71.01.2001``) or by name (case-insensitive)."""
        text = code_or_name.strip()
        e = self.wilayah.get(text)
        if e is not None:
            return e if e.level == "gampong" else None
        found = self._gampong_by_name.get(_norm_name(text), [])
        if len(found) > 1 and kecamatan:
            kec = self.kecamatan(kecamatan)
            found = [g for g in found if kec is not None and g.parent == kec.code]
        return found[0] if len(found) == 1 else None

    def kecamatan(self, code_or_name: str) -> RefEntry | None:
        e = self.wilayah.get(code_or_name.strip())
        if e is not None:
            return e if e.level == "kecamatan" else None
        return self._kecamatan_by_name.get(_norm_name(code_or_name))

    def gampong_names(self) -> dict[str, RefEntry]:
        """Normalised (lower-case, single-spaced) gampong name -> entry, for unique names."""
        return {k: v[0] for k, v in self._gampong_by_name.items() if len(v) == 1}

    # --- codes -------------------------------------------------------------------
    def account_by_name(self, name: str, within: str | None = None) -> str | None:
        """Account code whose reference name equals ``name`` (unique, optionally under ``within``)."""
        codes = self._account_by_name.get(_norm_name(name), [])
        if within:
            codes = [c for c in codes if c == within or c.startswith(within + ".")]
        return codes[0] if len(codes) == 1 else None

    def canonical_sumber_dana(self, code: str | None) -> str | None:
        if code is None:
            return None
        from .codes import SUMBER_DANA_ALIASES

        code = code.strip().upper()
        return SUMBER_DANA_ALIASES.get(code, code)

    def is_known_sumber_dana(self, code: str | None) -> bool:
        return self.canonical_sumber_dana(code) in self.sumber_dana


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _entries(rows: list[dict[str, str]], name_col: str = "uraian") -> dict[str, RefEntry]:
    return {
        r["kode"]: RefEntry(r["kode"], r[name_col], r.get("tingkat", ""), r.get("kode_induk") or None)
        for r in rows
        if r.get("kode")
    }


def default_reference_dir() -> Path:
    """Where the reference CSVs are looked up when no directory is given.

    1. ``$BANDAACEH_REFERENCE_DIR``; 2. ``ckanext/bandaaceh/reference/`` (package data);
    3. ``config/reference/`` in the nearest parent directory of this package (source checkout).
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    candidates = [here.parent / "reference"]
    candidates += [p / "config" / "reference" for p in here.parents]
    for c in candidates:
        if (c / REFERENCE_FILES["accounts"]).is_file():
            return c
    raise FileNotFoundError(
        f"reference directory not found; set {ENV_VAR} or pass the directory to load_reference()"
    )


@functools.lru_cache(maxsize=8)
def _load(directory: str) -> Reference:
    d = Path(directory)
    missing = [f for f in REFERENCE_FILES.values() if not (d / f).is_file()]
    if missing:
        raise FileNotFoundError(f"reference files missing in {d}: {', '.join(missing)}")
    return Reference(
        accounts=_entries(_read_csv(d / REFERENCE_FILES["accounts"])),
        kegiatan=_entries(_read_csv(d / REFERENCE_FILES["kegiatan"])),
        sumber_dana={r["kode"]: r["uraian"] for r in _read_csv(d / REFERENCE_FILES["sumber_dana"])},
        wilayah=_entries(_read_csv(d / REFERENCE_FILES["wilayah"]), name_col="nama"),
        directory=str(d),
    )


def load_reference(directory: str | os.PathLike[str] | None = None) -> Reference:
    """Load (and cache) the reference lists from ``directory`` (default: :func:`default_reference_dir`)."""
    d = Path(directory) if directory is not None else default_reference_dir()
    return _load(str(d.resolve()))
