"""Reference lists of the portal: area codes, urusan codes and the SKPD list.

Pure Python (no CKAN import). The files live in ``config/reference/`` and
``config/skpd.yaml`` of the repository; see ``config/reference/README.md`` for their
legal sources. Everything is loaded once per directory and cached.
"""
from __future__ import annotations

import csv
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

#: ``config/`` of the repository (the package is installed in editable mode from it).
DEFAULT_CONFIG_DIR = Path(__file__).resolve().parents[3] / "config"

KOTA_CODE = "11.71"
AREA_LEVELS = ("kota", "kecamatan", "gampong")
ORG_KINDS = (
    "sekretariat", "dinas", "badan", "kantor", "kecamatan",
    "lembaga_keistimewaan", "lainnya", "gampong",
)
#: Permendagri 90/2019 organisation code, e.g. 1.03.0.00.0.00.01.0000
ORG_CODE_RE = re.compile(r"^(\d\.\d\d)\.(\d\.\d\d)\.(\d\.\d\d)\.(\d\d)\.(\d{4})$")
NAME_RE = re.compile(r"^[a-z0-9_-]{2,100}$")


class ReferenceError(ValueError):
    """A reference or seed file is malformed; the message names file and line."""


@dataclass(frozen=True)
class Area:
    kode: str
    nama: str
    tingkat: str
    kode_induk: str | None


@dataclass
class Reference:
    areas: dict[str, Area]
    urusan: dict[str, str]
    skpd: list[dict[str, Any]] = field(default_factory=list)

    def kecamatan(self) -> list[Area]:
        return [a for a in self.areas.values() if a.tingkat == "kecamatan"]

    def gampong(self, kecamatan: str | None = None) -> list[Area]:
        return [
            a for a in self.areas.values()
            if a.tingkat == "gampong" and (kecamatan is None or a.kode_induk == kecamatan)
        ]

    def parent(self, kode: str) -> Area | None:
        area = self.areas.get(kode)
        return self.areas.get(area.kode_induk) if area and area.kode_induk else None


def slug(text: str) -> str:
    """URL name for a place or unit name: ``Lam Ara`` -> ``lam-ara``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def area_org_name(area: Area) -> str:
    """CKAN organisation name of a kecamatan or gampong (``gampong-lam-ara``)."""
    name = slug(area.nama)
    return name if name.startswith(area.tingkat + "-") else f"{area.tingkat}-{name}"


def area_title(area: Area) -> str:
    """Display name of a kecamatan or gampong (``Gampong Lam Ara``, ``Gampong Jawa``)."""
    prefix = area.tingkat.capitalize()
    return area.nama if area.nama.startswith(prefix + " ") else f"{prefix} {area.nama}"


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise ReferenceError(f"{path}, line 1: missing column(s) {', '.join(missing)}")
            rows = []
            for row in reader:
                if None in row or any(row.get(c) is None for c in columns):
                    raise ReferenceError(
                        f"{path}, line {reader.line_num}: expected {len(reader.fieldnames or [])} "
                        "fields, found a different number")
                rows.append(row)
            return rows
    except OSError as exc:
        raise ReferenceError(f"{path}: cannot read ({exc.strerror})") from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ReferenceError(f"{path}: not a valid UTF-8 CSV file ({exc})") from exc


def load_areas(path: Path) -> dict[str, Area]:
    areas: dict[str, Area] = {}
    for n, row in enumerate(_read_csv(path, ("kode", "nama", "tingkat", "kode_induk")), start=2):
        if row["tingkat"] not in AREA_LEVELS:
            raise ReferenceError(f"{path}, line {n}: unknown tingkat {row['tingkat']!r}")
        areas[row["kode"]] = Area(row["kode"], row["nama"], row["tingkat"], row["kode_induk"] or None)
    return areas


def load_urusan(path: Path) -> dict[str, str]:
    return {r["kode"]: r["uraian"] for r in _read_csv(path, ("kode", "uraian"))}


def load_skpd(path: Path, areas: dict[str, Area], urusan: dict[str, str]) -> list[dict[str, Any]]:
    """Read and check ``skpd.yaml``; errors name the file and the line of the entry."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReferenceError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise ReferenceError(f"{path}{where}: invalid YAML ({getattr(exc, 'problem', exc)})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("skpd"), list):
        raise ReferenceError(f"{path}: expected a mapping with a list under 'skpd'")
    nodes = dict(root.value)  # type: ignore[union-attr]
    seq = next(v for k, v in nodes.items() if k.value == "skpd").value
    seen: set[str] = set()
    for entry, node in zip(data["skpd"], seq):
        line = node.start_mark.line + 1
        where = f"{path}, line {line}"
        if not isinstance(entry, dict):
            raise ReferenceError(f"{where}: each entry must be a mapping")
        for key in ("name", "title", "jenis"):
            if not entry.get(key):
                raise ReferenceError(f"{where}: field '{key}' is required")
        name = str(entry["name"])
        if not NAME_RE.match(name):
            raise ReferenceError(f"{where}: name {name!r} must be 2-100 characters a-z, 0-9, - or _")
        if name in seen:
            raise ReferenceError(f"{where}: name {name!r} is listed twice")
        seen.add(name)
        if entry["jenis"] not in ORG_KINDS or entry["jenis"] == "gampong":
            raise ReferenceError(f"{where}: unknown jenis {entry['jenis']!r}")
        if entry.get("urusan_utama") and str(entry["urusan_utama"]) not in urusan:
            raise ReferenceError(f"{where}: unknown urusan_utama {entry['urusan_utama']!r}")
        if entry.get("kode_organisasi") and not ORG_CODE_RE.match(str(entry["kode_organisasi"])):
            raise ReferenceError(f"{where}: kode_organisasi {entry['kode_organisasi']!r} is not "
                                 "in the form U.BB.U.BB.U.BB.OO.UUUU")
        if entry["jenis"] == "kecamatan":
            area = areas.get(str(entry.get("kode_wilayah")))
            if not area or area.tingkat != "kecamatan":
                raise ReferenceError(f"{where}: kecamatan needs the kode_wilayah of a kecamatan")
        entry["_line"] = line
    return data["skpd"]


def load(config_dir: str | os.PathLike[str] | None = None) -> Reference:
    """Load all reference lists from ``config_dir`` (default: the repository's config/).

    Cached, and read again when one of the files changes.
    """
    base = Path(config_dir) if config_dir else DEFAULT_CONFIG_DIR
    files = (base / "reference" / "wilayah-kota-banda-aceh.csv",
             base / "reference" / "urusan-pemerintahan.csv", base / "skpd.yaml")
    stamp = tuple(f.stat().st_mtime_ns if f.exists() else 0 for f in files)
    return _load(base, stamp)


@functools.lru_cache(maxsize=8)
def _load(base: Path, _stamp: tuple[int, ...]) -> Reference:
    areas = load_areas(base / "reference" / "wilayah-kota-banda-aceh.csv")
    urusan = load_urusan(base / "reference" / "urusan-pemerintahan.csv")
    skpd = load_skpd(base / "skpd.yaml", areas, urusan)
    return Reference(areas=areas, urusan=urusan, skpd=skpd)
