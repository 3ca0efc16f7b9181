"""Service standards of the complaint channels (``config/pengaduan/standar-layanan.yaml``)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from ckanext.bandaaceh.reference import DEFAULT_CONFIG_DIR, ReferenceError
from ckanext.bandaaceh.spreadsheet import N_

__all__ = ["Standard", "load_standards", "STANDARDS_FILE"]

STANDARDS_FILE = Path("pengaduan") / "standar-layanan.yaml"


@dataclass(frozen=True)
class Standard:
    """One channel: who runs it and in how many working days it must answer and close."""

    kanal: str
    nama: str
    pengelola: str            # organisation name of the SKPD that runs the channel
    respon_hari_kerja: int    # first response (LAPOR!: forwarded) within this many working days
    selesai_hari_kerja: int   # follow-up / closure within this many working days
    sumber: str               # where the standard comes from
    url: str = ""
    #: the figures belong to the SKPD named in each row (SP4N-LAPOR!): one dataset per SKPD, owned
    #: by it; ``pengelola`` is then the city's administrator of the channel (imports the city-wide export)
    milik_skpd: bool = False
    #: the channel has no standard of its own yet (the SP4N-LAPOR! times are applied meanwhile)
    sementara: bool = False


def load_standards(config_dir: str | os.PathLike[str] | None = None) -> dict[str, Standard]:
    """The standards by channel key; errors name the file and the channel."""
    path = Path(config_dir or DEFAULT_CONFIG_DIR) / STANDARDS_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ReferenceError(N_("tidak dapat dibaca ({reason})"), file=path, params={"reason": str(exc)}) from exc
    out: dict[str, Standard] = {}
    for key, entry in (data or {}).get("kanal", {}).items():
        try:
            out[key] = Standard(kanal=key, nama=str(entry["nama"]), pengelola=str(entry["pengelola"]),
                                respon_hari_kerja=int(entry["respon_hari_kerja"]),
                                selesai_hari_kerja=int(entry["selesai_hari_kerja"]),
                                sumber=str(entry["sumber"]), url=str(entry.get("url") or ""),
                                milik_skpd=bool(entry.get("milik_skpd", False)),
                                sementara=bool(entry.get("sementara", False)))
        except (KeyError, TypeError, ValueError) as exc:
            raise ReferenceError(N_("kanal '{kanal}': isian {field} tidak ada atau tidak valid"), file=path,
                                 params={"kanal": key, "field": str(exc)}) from exc
    if not out:
        raise ReferenceError(N_("tidak ada kanal"), file=path)
    return out

