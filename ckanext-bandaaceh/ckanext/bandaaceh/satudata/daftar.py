"""The Daftar Data (Perpres 39/2019, perencanaan): per SKPD and year, the data it will publish.

Kept as ``config/daftar-data/<tahun>/<skpd>.yaml``::

    data:
      - judul: Cakupan Imunisasi Dasar Lengkap per Kecamatan
        frekuensi: tahunan            # a frekuensi of schemas/dataset.yaml
        rilis: [2025-03-31]           # planned release dates (optional)
        prioritas: true               # data prioritas (optional, default false)
        dataset: imunisasi-dasar-2024 # the dataset once it exists (optional)

A file may also say ``skpd:`` and ``tahun:``; they must match its path. Every problem is
reported with the file and line. Pure Python: the allowed frekuensi and SKPD names are passed in.
"""
from __future__ import annotations

import datetime as dt
import glob
import os
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

__all__ = ["Line", "DaftarData", "DaftarDataError", "load_file", "load_folder", "LINE_KEYS"]

LINE_KEYS = ("judul", "frekuensi", "rilis", "prioritas", "dataset", "keterangan")
FILE_KEYS = ("skpd", "tahun", "data")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{1,99}$")


class DaftarDataError(ValueError):
    """Problems of Daftar Data files; ``errors`` are "<file>:<line>: <message>" (Indonesian)."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


@dataclass
class Line:
    judul: str
    frekuensi: str
    rilis: list[dt.date] = field(default_factory=list)
    prioritas: bool = False
    dataset: str | None = None
    keterangan: str = ""
    line: int = 0


@dataclass
class DaftarData:
    skpd: str
    tahun: int
    path: str
    lines: list[Line]


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line (1-based) of every mapping under ``__line__``."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


# dates stay text, so that a bad one is reported with its line instead of failing the whole file
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def load_file(path: str, *, frekuensi: tuple[str, ...], skpd_names: set[str] | None = None,
              label: str | None = None) -> DaftarData:
    """Read and check one file; DaftarDataError lists every problem with file and line."""
    label = label or path
    tahun_dir = os.path.basename(os.path.dirname(path))
    skpd = os.path.splitext(os.path.basename(path))[0]
    try:
        with open(path, encoding="utf-8") as fh:
            doc = yaml.load(fh, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{label}:{mark.line + 1}" if mark else label
        raise DaftarDataError([f"{where}: YAML tidak sah: {exc.problem}"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DaftarDataError([f"{label}: tidak dapat dibaca: {exc}"]) from None
    if not isinstance(doc, dict):
        raise DaftarDataError([f"{label}:1: isinya harus berupa pemetaan dengan 'data'"])
    errors: list[str] = []
    top = doc.get("__line__", 1)
    for key in doc:
        if key != "__line__" and key not in FILE_KEYS:
            errors.append(f"{label}:{top}: kolom {key!r} tidak dikenal; yang boleh: {', '.join(FILE_KEYS)}")
    if not tahun_dir.isdigit() or len(tahun_dir) != 4:
        errors.append(f"{label}: folder harus berupa tahun (config/daftar-data/<tahun>/<skpd>.yaml)")
    tahun = int(tahun_dir) if tahun_dir.isdigit() else 0
    if "tahun" in doc and str(doc["tahun"]) != tahun_dir:
        errors.append(f"{label}:{top}: tahun {doc['tahun']!r} tidak sama dengan folder {tahun_dir}")
    if "skpd" in doc and doc["skpd"] != skpd:
        errors.append(f"{label}:{top}: skpd {doc['skpd']!r} tidak sama dengan nama berkas {skpd}")
    if skpd_names is not None and skpd not in skpd_names:
        errors.append(f"{label}: SKPD {skpd!r} tidak ada di config/skpd.yaml")
    raw_lines = doc.get("data")
    if not isinstance(raw_lines, list) or not raw_lines:
        errors.append(f"{label}:{top}: 'data' harus berupa daftar yang tidak kosong")
        raw_lines = []
    lines: list[Line] = []
    seen: dict[str, int] = {}
    for pos, raw in enumerate(raw_lines, start=1):
        if not isinstance(raw, dict):
            errors.append(f"{label}: data ke-{pos}: harus berupa pemetaan dengan 'judul' dan 'frekuensi'")
            continue
        where = f"{label}:{raw.get('__line__', top)}: data ke-{pos}"
        problems: list[str] = []
        for key in raw:
            if key != "__line__" and key not in LINE_KEYS:
                problems.append(f"kolom {key!r} tidak dikenal; yang boleh: {', '.join(LINE_KEYS)}")
        judul = str(raw.get("judul") or "").strip()
        if not judul:
            problems.append("kolom 'judul' wajib diisi")
        freq = str(raw.get("frekuensi") or "").strip()
        if freq not in frekuensi:
            problems.append(f"kolom 'frekuensi': {freq!r} bukan pilihan yang sah; pilihan: {', '.join(frekuensi)}")
        rilis_raw = raw.get("rilis") or []
        rilis: list[dt.date] = []
        for value in rilis_raw if isinstance(rilis_raw, list) else [rilis_raw]:
            try:
                rilis.append(_date(value))
            except ValueError:
                problems.append(f"kolom 'rilis': {value!r} bukan tanggal YYYY-MM-DD")
        prioritas = raw.get("prioritas", False)
        if not isinstance(prioritas, bool):
            problems.append(f"kolom 'prioritas' harus true atau false, bukan {prioritas!r}")
        dataset = raw.get("dataset")
        if dataset is not None and (not isinstance(dataset, str) or not _NAME.match(dataset)):
            problems.append(f"kolom 'dataset': {dataset!r} bukan nama URL dataset")
        elif dataset in seen:
            problems.append(f"kolom 'dataset': {dataset!r} sudah dipakai data ke-{seen[dataset]}")
        if problems:
            errors += [f"{where}: {p}" for p in problems]
            continue
        if dataset:
            seen[dataset] = pos
        lines.append(Line(judul=judul, frekuensi=freq, rilis=sorted(rilis), prioritas=prioritas is True,
                          dataset=dataset, keterangan=str(raw.get("keterangan") or ""),
                          line=raw.get("__line__", 0)))
    if errors:
        raise DaftarDataError(errors)
    return DaftarData(skpd=skpd, tahun=tahun, path=path, lines=lines)


def load_folder(folder: str, *, frekuensi: tuple[str, ...],
                skpd_names: set[str] | None = None) -> tuple[list[DaftarData], list[str]]:
    """Every ``<tahun>/<skpd>.yaml`` under ``folder`` (sorted by year, then SKPD) and the errors."""
    out: list[DaftarData] = []
    errors: list[str] = []
    for path in sorted(glob.glob(os.path.join(folder, "*", "*.yaml"))):
        label = os.path.relpath(path, os.path.dirname(os.path.dirname(folder.rstrip("/"))) or ".")
        try:
            out.append(load_file(path, frekuensi=frekuensi, skpd_names=skpd_names, label=label))
        except DaftarDataError as exc:
            errors += exc.errors
    return out, errors
