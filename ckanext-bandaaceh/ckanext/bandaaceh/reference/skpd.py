"""The work units (SKPD) of ``config/skpd.yaml``, checked against the other lists."""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .files import ReferenceError

ORG_KINDS = (
    "sekretariat", "dinas", "badan", "kantor", "kecamatan",
    "lembaga_keistimewaan", "lainnya", "gampong",
)
#: Permendagri 90/2019 organisation code, e.g. 1.03.0.00.0.00.01.0000
ORG_CODE_RE = re.compile(r"^(\d\.\d\d)\.(\d\.\d\d)\.(\d\.\d\d)\.(\d\d)\.(\d{4})$")
NAME_RE = re.compile(r"^[a-z0-9_-]{2,100}$")


def load_skpd(path: Path, areas: Mapping[str, Any], urusan: Mapping[str, str]) -> list[dict[str, Any]]:
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
