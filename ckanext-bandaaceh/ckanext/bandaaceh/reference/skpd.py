"""The work units (SKPD) of ``config/skpd.yaml``, checked against the other lists."""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ..spreadsheet.errors import N_
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
        raise ReferenceError(N_("tidak dapat dibaca ({reason})"), file=path, params={"reason": exc.strerror}) from exc
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ReferenceError(N_("YAML tidak sah ({reason})"), file=path, line=mark.line + 1 if mark else None,
                             params={"reason": str(getattr(exc, "problem", exc))}) from exc
    if not isinstance(data, dict) or not isinstance(data.get("skpd"), list):
        raise ReferenceError(N_("isinya harus berupa mapping dengan daftar di bawah 'skpd'"), file=path)
    nodes = dict(root.value)  # type: ignore[union-attr]
    seq = next(v for k, v in nodes.items() if k.value == "skpd").value
    seen: set[str] = set()
    for entry, node in zip(data["skpd"], seq):
        line = node.start_mark.line + 1
        where = {"file": path, "line": line}
        if not isinstance(entry, dict):
            raise ReferenceError(N_("setiap entri harus berupa mapping"), **where)
        for key in ("name", "title", "jenis"):
            if not entry.get(key):
                raise ReferenceError(N_("isian wajib diisi"), column=key, **where)
        name = str(entry["name"])
        if not NAME_RE.match(name):
            raise ReferenceError(N_("nama '{value}' harus 2-100 karakter a-z, 0-9, - atau _"), column="name",
                                 params={"value": name}, **where)
        if name in seen:
            raise ReferenceError(N_("nama '{value}' tercantum dua kali"), column="name", params={"value": name}, **where)
        seen.add(name)
        if entry["jenis"] not in ORG_KINDS or entry["jenis"] == "gampong":
            raise ReferenceError(N_("jenis '{value}' tidak dikenal"), column="jenis", params={"value": entry["jenis"]},
                                 **where)
        if entry.get("urusan_utama") and str(entry["urusan_utama"]) not in urusan:
            raise ReferenceError(N_("urusan_utama '{value}' tidak dikenal"), column="urusan_utama",
                                 params={"value": entry["urusan_utama"]}, **where)
        if entry.get("kode_organisasi") and not ORG_CODE_RE.match(str(entry["kode_organisasi"])):
            raise ReferenceError(N_("kode_organisasi '{value}' tidak berbentuk U.BB.U.BB.U.BB.OO.UUUU"),
                                 column="kode_organisasi", params={"value": entry["kode_organisasi"]}, **where)
        if entry["jenis"] == "kecamatan":
            area = areas.get(str(entry.get("kode_wilayah")))
            if not area or area.tingkat != "kecamatan":
                raise ReferenceError(N_("kecamatan memerlukan kode_wilayah sebuah kecamatan"), column="kode_wilayah",
                                     **where)
        entry["_line"] = line
    return data["skpd"]
