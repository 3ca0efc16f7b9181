"""The one loader of the code lists: :class:`Reference`, :func:`load` and :func:`load_lists`."""
from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .areas import AREA_LEVELS, normalise_name
from ..spreadsheet.errors import N_
from .files import MissingReferenceError, ReferenceError, read_csv, read_rows
from .skpd import load_skpd

__all__ = ["fingerprint", "DEFAULT_CONFIG_DIR", "ENV_VAR", "LOCAL_KEGIATAN_FILE", "REFERENCE_FILES", "SUMBER_DANA_ALIASES", "Entry",
           "Reference", "ReferenceError", "default_reference_dir", "load", "load_lists"]

#: ``config/`` of the repository (the package is installed in editable mode from it).
DEFAULT_CONFIG_DIR = Path(__file__).resolve().parents[4] / "config"
#: Environment variable naming another ``reference/`` folder for :func:`load_lists`.
ENV_VAR = "BANDAACEH_REFERENCE_DIR"
#: The code lists of a ``reference/`` folder.
REFERENCE_FILES = {
    "wilayah": "wilayah-kota-banda-aceh.csv",
    "urusan": "urusan-pemerintahan.csv",
    "rekening": "kode-rekening-apbdes.csv",
    "kegiatan": "bidang-kegiatan-apbdes.csv",
    "sumber_dana": "sumber-dana-apbdes.csv",
}
#: Optional city-local additions to the kegiatan list (same columns), loaded beside the national one.
LOCAL_KEGIATAN_FILE = "kegiatan-lokal-banda-aceh.csv"
#: Sumber dana spellings mapped to the reference code. ``ADG`` (Alokasi Dana Gampong)
#: is the Aceh name of ``ADD``; ``DD`` is a common short form of ``DDS``.
SUMBER_DANA_ALIASES = {"ADG": "ADD", "DD": "DDS"}


@dataclass(frozen=True)
class Entry:
    """One code of a list: an area, an account (kode rekening) or a bidang/kegiatan.

    ``tingkat`` is the level (``kota``/``kecamatan``/``gampong``; ``akun``/``kelompok``/...;
    ``bidang``/``sub_bidang``/``kegiatan``) and ``kode_induk`` the code of the parent entry.
    """

    kode: str
    nama: str
    tingkat: str
    kode_induk: str | None


@dataclass
class Reference:
    """Every code list of the portal (``skpd`` is empty when loaded by :func:`load_lists`)."""

    areas: dict[str, Entry] = field(default_factory=dict)
    urusan: dict[str, str] = field(default_factory=dict)
    rekening: dict[str, Entry] = field(default_factory=dict)
    kegiatan: dict[str, Entry] = field(default_factory=dict)
    sumber_dana: dict[str, str] = field(default_factory=dict)
    skpd: list[dict[str, Any]] = field(default_factory=list)
    directory: str | None = None
    #: Codes of ``kegiatan`` that come from the city-local list (``LOCAL_KEGIATAN_FILE``).
    local_kegiatan: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self._gampong_by_name: dict[str, list[Entry]] = {}
        self._kecamatan_by_name: dict[str, Entry] = {}
        self._rekening_by_name: dict[str, list[str]] = {}
        #: gampong per kecamatan code, in list order (gampong_list is called per kecamatan)
        self._gampong_by_kecamatan: dict[str | None, list[Entry]] = {}
        for e in self.areas.values():
            if e.tingkat == "gampong":
                self._gampong_by_name.setdefault(normalise_name(e.nama), []).append(e)
                self._gampong_by_kecamatan.setdefault(e.kode_induk, []).append(e)
            elif e.tingkat == "kecamatan":
                self._kecamatan_by_name[normalise_name(e.nama)] = e
        for e in self.rekening.values():
            self._rekening_by_name.setdefault(normalise_name(e.nama), []).append(e.kode)

    # --- areas -----------------------------------------------------------------------------
    @property
    def kota_code(self) -> str | None:
        return next((e.kode for e in self.areas.values() if e.tingkat == "kota"), None)

    def kecamatan_list(self) -> list[Entry]:
        """Every kecamatan, in list order."""
        return [a for a in self.areas.values() if a.tingkat == "kecamatan"]

    def gampong_list(self, kecamatan: str | None = None) -> list[Entry]:
        """Every gampong (of one kecamatan code), in list order."""
        if kecamatan is not None:
            return list(self._gampong_by_kecamatan.get(kecamatan, ()))
        return [a for a in self.areas.values() if a.tingkat == "gampong"]

    def parent(self, kode: str) -> Entry | None:
        area = self.areas.get(kode)
        return self.areas.get(area.kode_induk) if area and area.kode_induk else None

    def find_gampong(self, code_or_name: str, kecamatan: str | None = None) -> Entry | None:
        """A gampong by area code (``11.71.01.2001``) or by unique name (case-insensitive)."""
        text = code_or_name.strip()
        e = self.areas.get(text)
        if e is not None:
            return e if e.tingkat == "gampong" else None
        found = self._gampong_by_name.get(normalise_name(text), [])
        if len(found) > 1 and kecamatan:
            kec = self.find_kecamatan(kecamatan)
            found = [g for g in found if kec is not None and g.kode_induk == kec.kode]
        return found[0] if len(found) == 1 else None

    def find_kecamatan(self, code_or_name: str) -> Entry | None:
        e = self.areas.get(code_or_name.strip())
        if e is not None:
            return e if e.tingkat == "kecamatan" else None
        return self._kecamatan_by_name.get(normalise_name(code_or_name))

    # --- budget codes ----------------------------------------------------------------------
    def rekening_by_name(self, name: str, within: str | None = None) -> str | None:
        """Account code whose reference name equals ``name`` (unique, optionally under ``within``)."""
        codes = self._rekening_by_name.get(normalise_name(name), [])
        if within:
            codes = [c for c in codes if c == within or c.startswith(within + ".")]
        return codes[0] if len(codes) == 1 else None

    def is_known_sumber_dana(self, code: str | None) -> bool:
        if code is None:
            return False
        code = code.strip().upper()
        return SUMBER_DANA_ALIASES.get(code, code) in self.sumber_dana


def _entries(path: Path, name_column: str, levels: tuple[str, ...] | None = None) -> dict[str, Entry]:
    out: dict[str, Entry] = {}
    for line, r in read_rows(path, ("kode", name_column, "tingkat", "kode_induk")):
        if not r["kode"]:
            continue
        if levels is not None and r["tingkat"] not in levels:
            raise ReferenceError(N_("tingkat '{value}' tidak dikenal; yang sah: {choices}"), file=path, line=line,
                                 column="tingkat", params={"value": r["tingkat"], "choices": ", ".join(levels)})
        out[r["kode"]] = Entry(r["kode"], r[name_column], r["tingkat"], r["kode_induk"] or None)
    return out


def _areas(path: Path) -> dict[str, Entry]:
    return _entries(path, "nama", tuple(AREA_LEVELS))


def _stamp(files: list[Path]) -> tuple[int, ...]:
    return tuple(f.stat().st_mtime_ns if f.exists() else 0 for f in files)


@functools.lru_cache(maxsize=8)
def _load_lists(directory: Path, _stamp: tuple[int, ...]) -> Reference:
    missing = [f for f in REFERENCE_FILES.values() if not (directory / f).is_file()]
    if missing:
        raise MissingReferenceError(N_("berkas rujukan tidak ada: {files}"), file=directory,
                                    params={"files": ", ".join(missing)})
    kegiatan = _entries(directory / REFERENCE_FILES["kegiatan"], "uraian")
    local: dict[str, Entry] = {}
    if (directory / LOCAL_KEGIATAN_FILE).is_file():
        local = {k: v for k, v in _entries(directory / LOCAL_KEGIATAN_FILE, "uraian").items() if k not in kegiatan}
    return Reference(
        areas=_areas(directory / REFERENCE_FILES["wilayah"]),
        urusan={r["kode"]: r["uraian"] for r in read_csv(directory / REFERENCE_FILES["urusan"], ("kode", "uraian"))},
        rekening=_entries(directory / REFERENCE_FILES["rekening"], "uraian"),
        kegiatan={**kegiatan, **local},
        sumber_dana={r["kode"]: r["uraian"]
                     for r in read_csv(directory / REFERENCE_FILES["sumber_dana"], ("kode", "uraian"))},
        directory=str(directory),
        local_kegiatan=frozenset(local),
    )


def default_reference_dir() -> Path:
    """``$BANDAACEH_REFERENCE_DIR``, else ``config/reference/`` of the repository."""
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else DEFAULT_CONFIG_DIR / "reference"


def load_lists(directory: str | os.PathLike[str] | None = None) -> Reference:
    """The code lists of a ``reference/`` folder (default :func:`default_reference_dir`), cached."""
    d = (Path(directory) if directory is not None else default_reference_dir()).resolve()
    return _load_lists(d, _stamp([d / f for f in (*REFERENCE_FILES.values(), LOCAL_KEGIATAN_FILE)]))


@functools.lru_cache(maxsize=8)
def _load(base: Path, _stamp: tuple[int, ...]) -> Reference:
    lists = load_lists(base / "reference")
    skpd = load_skpd(base / "skpd.yaml", lists.areas, lists.urusan)
    return Reference(areas=lists.areas, urusan=lists.urusan, rekening=lists.rekening,
                     kegiatan=lists.kegiatan, sumber_dana=lists.sumber_dana, skpd=skpd,
                     directory=lists.directory, local_kegiatan=lists.local_kegiatan)


def load(config_dir: str | os.PathLike[str] | None = None) -> Reference:
    """Every list of a ``config/`` folder (default: the repository's), ``skpd.yaml`` included.

    Cached, and read again when one of the files changes.
    """
    base = (Path(config_dir) if config_dir else DEFAULT_CONFIG_DIR).resolve()
    return _load(base, _stamp(_config_files(base)))


def _config_files(base: Path) -> list[Path]:
    return [base / "reference" / f for f in (*REFERENCE_FILES.values(), LOCAL_KEGIATAN_FILE)] + [base / "skpd.yaml"]


def fingerprint(config_dir: str | os.PathLike[str] | None = None) -> str:
    """A digest of the contents of every file :func:`load` reads from ``config_dir``: the same in
    every process reading the same lists (for answers shared between processes). Cached like
    :func:`load`, and computed again when one of the files changes."""
    base = (Path(config_dir) if config_dir else DEFAULT_CONFIG_DIR).resolve()
    files = _config_files(base)
    return _fingerprint(tuple(files), _stamp(files))


@functools.lru_cache(maxsize=8)
def _fingerprint(files: tuple[Path, ...], _stamp: tuple[int, ...]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for f in files:
        data = f.read_bytes() if f.exists() else b""
        digest.update(f"{f.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()
