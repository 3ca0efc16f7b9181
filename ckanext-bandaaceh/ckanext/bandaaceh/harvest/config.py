"""The spreadsheet harvester's source config: entries, defaults, validation, Google Sheets links.

A harvest source's ``config`` is a JSON object::

    {"defaults": {"frekuensi": "tahunan", "license_id": "cc-by"}, "auto_terbit": false,
     "entries": [
        {"url": "https://dinkes.example/data/imunisasi.xlsx", "name": "imunisasi-2024",
         "title": "Cakupan Imunisasi 2024", "notes": "...", "tahun": "2024", "cakupan": "kecamatan",
         "sheets": ["Data"]},
        {"url": "https://docs.google.com/spreadsheets/d/<id>/edit#gid=0", "name": ..., ...},
        {"index": "https://dinkes.example/data/daftar.csv", "cakupan": "kota"},
        {"pengaduan": "https://suwarga.example/ekspor/laporan.xlsx", "kanal": "suwarga",
         "buang_kolom": ["Nama Pelapor", "No HP"]}
     ]}

Each entry has exactly one of ``url`` (a spreadsheet file or a Google Sheets link), ``index``
(a manifest listing many spreadsheets, see :mod:`.manifest`) or ``pengaduan`` (a complaint
channel's export, imported as the channel's complaint figures by ``pengaduan_import``: the
columns named in ``buang_kolom`` are left out, any other personal data column refuses the file). The other keys are the dataset's
metadata (the Satu Data fields of ``schemas/dataset.yaml``) and which sheets to take. ``defaults``
apply to every entry; an index entry's own metadata apply to every row of its manifest.
``auto_terbit`` (default false): datasets this source creates are published at once instead of
entering the walidata's worklist as ``diajukan`` (Satu Data process, ``satudata/workflow.py``).

This module is pure Python: the dataset schema's choices (and the complaint channels) are passed
in by the caller.
"""
from __future__ import annotations

import copy
import difflib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ckanext.bandaaceh.pengaduan import PERIODE_RE

__all__ = [
    "ConfigError", "Rules", "Entry", "METADATA_FIELDS", "ENTRY_FIELDS", "INDEX_FIELDS",
    "validate_config", "parse_config", "validate_entry", "google_sheets_export_url",
    "check_url", "entry_label", "PENGADUAN_FIELDS",
]

#: Dataset metadata an entry (or ``defaults``, or a manifest row) may set.
METADATA_FIELDS = (
    "title", "notes", "tags", "license_id", "frekuensi", "cakupan", "kode_wilayah", "tahun",
    "periode", "konsep", "definisi", "klasifikasi", "ukuran", "satuan", "kode_referensi", "walidata",
    "maintainer", "maintainer_email",
)
#: Keys of a spreadsheet entry.
ENTRY_FIELDS = ("url", "name", *METADATA_FIELDS, "sheets", "format")
#: Keys of an index entry (its metadata are defaults for the manifest's rows).
INDEX_FIELDS = ("index", *METADATA_FIELDS, "sheets")
#: Keys of a complaint export entry (the dataset and its metadata come from the import itself).
PENGADUAN_FIELDS = ("pengaduan", "kanal", "buang_kolom", "periode")
#: The entry kinds: exactly one of these keys.
KINDS = ("url", "index", "pengaduan")
#: Fields a published dataset must have (after defaults).
REQUIRED_FIELDS = ("name", "title", "notes", "frekuensi", "cakupan", "tahun")
TEXT_FIELDS = ("title", "notes", "license_id", "frekuensi", "cakupan", "kode_wilayah", "tahun",
               "periode", "konsep", "definisi", "klasifikasi", "ukuran", "satuan", "kode_referensi", "walidata", "maintainer", "maintainer_email")
GOOGLE_FORMATS = ("xlsx", "csv")

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,99}$")
TAG_RE = re.compile(r"^[\w .-]{2,100}$", re.UNICODE)
GOOGLE_HOSTS = ("docs.google.com",)
_GOOGLE_PATH = re.compile(r"^/spreadsheets/d/(e/)?([A-Za-z0-9_-]{10,})(?:/|$)")


class ConfigError(ValueError):
    """The config is invalid; ``errors`` lists every problem, each naming its entry and field."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


@dataclass
class Rules:
    """What the dataset schema accepts: ``choices`` per select field, and value checkers
    (``checkers[field](value) -> normalised value``, raising ValueError with a message)."""

    choices: dict[str, list[str]] = field(default_factory=dict)
    checkers: dict[str, Callable[[Any], Any]] = field(default_factory=dict)


@dataclass
class Entry:
    """One spreadsheet to publish as one dataset (after defaults and Google link rewriting)."""

    name: str
    url: str                       # the link as written in the config / manifest
    fetch_url: str                 # what is downloaded (Google Sheets export link, or url)
    metadata: dict[str, Any]       # METADATA_FIELDS present, tags as a list
    sheets: list[str] | None = None
    origin: str | None = None      # the index URL it came from, if any
    #: a complaint export entry: {"kanal", "buang_kolom", "periode"} for ``pengaduan_import``
    pengaduan: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        out = {"name": self.name, "url": self.url, "fetch_url": self.fetch_url,
               "metadata": self.metadata, "sheets": self.sheets, "origin": self.origin}
        return dict(out, pengaduan=self.pengaduan) if self.pengaduan else out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Entry":
        return cls(name=data["name"], url=data["url"], fetch_url=data["fetch_url"],
                   metadata=data["metadata"], sheets=data.get("sheets"), origin=data.get("origin"),
                   pengaduan=data.get("pengaduan"))


def entry_label(position: int | None, entry: dict[str, Any] | None) -> str:
    """'entri ke-3 (jumlah-penduduk)' for messages; position is 1-based."""
    entry = entry if isinstance(entry, dict) else {}
    ident = (entry.get("name") or entry.get("index") or entry.get("url") or entry.get("pengaduan")
             or entry.get("title"))
    base = f"entri ke-{position}" if position is not None else "entri"
    return f"{base} ({ident})" if ident else base


def check_url(value: Any) -> str:
    """An absolute http(s) URL with a host, or ValueError."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("harus berupa URL http:// atau https://")
    url = value.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ValueError(f"URL tidak valid: {url!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"harus berupa URL http:// atau https://, bukan {url!r}")
    return url


def google_sheets_export_url(url: str, fmt: str | None = None,
                             base: str = "https://docs.google.com/spreadsheets") -> str | None:
    """The download link of a Google Sheets share link, or None if ``url`` is not one.

    ``https://docs.google.com/spreadsheets/d/<id>/edit#gid=<gid>`` becomes
    ``<base>/d/<id>/export?format=xlsx`` (the whole workbook), or with ``fmt='csv'``
    ``<base>/d/<id>/export?format=csv&gid=<gid>`` (that one sheet). Links of sheets
    "published to the web" (``/d/e/<id>/pubhtml``) become ``<base>/d/e/<id>/pub?output=xlsx``
    (or ``output=csv&gid=...``). Export links given as they are keep their format.
    ``base`` is the configurable Google Sheets address (tests point it at a local server).
    """
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in GOOGLE_HOSTS:
        return None
    m = _GOOGLE_PATH.match(parts.path)
    if not m:
        return None
    published, key = bool(m.group(1)), m.group(2)
    query = parse_qs(parts.query)
    fragment = parse_qs(parts.fragment)
    gid = (fragment.get("gid") or query.get("gid") or ["0"])[0]
    if not gid.isdigit():
        gid = "0"
    if fmt is None:
        tail = parts.path.rstrip("/").rsplit("/", 1)[-1]
        given = (query.get("format") or query.get("output") or [""])[0]
        fmt = given if tail in ("export", "pub") and given in GOOGLE_FORMATS else "xlsx"
    base = base.rstrip("/")
    if published:
        out = f"{base}/d/e/{key}/pub?output={fmt}"
    else:
        out = f"{base}/d/{key}/export?format={fmt}"
    if fmt == "csv":
        out += f"&gid={gid}"
    return out


# ---------------------------------------------------------------- field checks


def _unknown(keys: Iterable[str], allowed: tuple[str, ...]) -> list[str]:
    out = []
    for key in keys:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" (maksudnya '{close[0]}'?)" if close else ""
            out.append(f"kolom '{key}' tidak dikenal{hint}; yang boleh: {', '.join(allowed)}")
    return out


def _as_list(value: Any, what: str) -> list[str]:
    if isinstance(value, str):
        items = [v.strip() for v in re.split(r"[;,\n]", value)]
    elif isinstance(value, list):
        items = []
        for v in value:
            if not isinstance(v, (str, int, float)) or isinstance(v, bool):
                raise ValueError(f"{what} harus berupa daftar teks")
            items.append(str(v).strip())
    else:
        raise ValueError(f"{what} harus berupa daftar teks atau teks dipisah koma")
    return [v for v in items if v]


def _check_metadata(meta: dict[str, Any], rules: Rules, *, complete: bool) -> tuple[dict[str, Any], list[str]]:
    """Normalise metadata fields; return (clean, problems as "kolom 'x': ...")."""
    clean: dict[str, Any] = {}
    problems: list[str] = []
    bad: set[str] = set()
    for key, value in meta.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            if key == "tags":
                tags = _as_list(value, "tags")
                for tag in tags:
                    if not TAG_RE.match(tag):
                        raise ValueError(f"tag {tag!r} tidak valid (2-100 huruf, angka, spasi, - _ .)")
                clean[key] = tags
                continue
            if key == "sheets":
                sheets = value if isinstance(value, list) else [value]
                if not sheets or not all(isinstance(s, (str, int)) and str(s).strip() for s in sheets):
                    raise ValueError("sheets harus berupa daftar nama sheet")
                clean[key] = [str(s).strip() for s in sheets]
                continue
            if key == "name":
                if not isinstance(value, str) or not NAME_RE.match(value):
                    raise ValueError(f"{value!r} tidak valid: 2-100 huruf kecil, angka, - atau _")
                clean[key] = rules.checkers[key](value) if key in rules.checkers else value
                continue
            if key in ("url", "index", "format"):
                clean[key] = value
                continue
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise ValueError("harus berupa teks")
            text = str(value).strip()
            if key in rules.choices and text not in rules.choices[key]:
                close = difflib.get_close_matches(text, rules.choices[key], n=1)
                hint = f" (maksudnya '{close[0]}'?)" if close else ""
                raise ValueError(f"{text!r} bukan pilihan yang sah{hint}; pilihan: "
                                 f"{', '.join(rules.choices[key])}")
            if key in rules.checkers:
                text = rules.checkers[key](text)
            clean[key] = text
        except ValueError as exc:
            problems.append(f"kolom '{key}': {exc}")
            bad.add(key)
    if complete:
        for key in REQUIRED_FIELDS:
            if key not in clean and key not in bad:
                problems.append(f"kolom '{key}' wajib diisi")
    return clean, problems


def validate_entry(raw: dict[str, Any], defaults: dict[str, Any], rules: Rules, *,
                   google_base: str, origin: str | None = None) -> Entry:
    """Merge defaults into one spreadsheet entry (or manifest row) and check it.

    Raises ConfigError whose messages name the field ("kolom 'frekuensi': ...").
    """
    problems = _unknown(raw.keys(), ENTRY_FIELDS)
    merged = {**defaults, **{k: v for k, v in raw.items() if k in ENTRY_FIELDS}}
    try:
        url = check_url(merged.get("url"))
    except ValueError as exc:
        problems.append(f"kolom 'url': {exc}")
        url = None
    fmt = merged.pop("format", None)
    if fmt is not None and fmt not in GOOGLE_FORMATS:
        problems.append(f"kolom 'format': {fmt!r} tidak dikenal; pilihan: xlsx, csv")
        fmt = None
    fetch_url = url
    if url:
        google = google_sheets_export_url(url, fmt, google_base)
        if google:
            fetch_url = google
        elif fmt is not None:
            problems.append("kolom 'format': hanya untuk tautan Google Sheets (format berkas lain "
                            "dikenali dari isinya)")
    clean, more = _check_metadata({k: v for k, v in merged.items() if k != "url"}, rules, complete=True)
    problems += more
    if problems:
        raise ConfigError(problems)
    name = clean.pop("name")
    sheets = clean.pop("sheets", None)
    assert url is not None and fetch_url is not None
    return Entry(name=name, url=url, fetch_url=fetch_url, metadata=clean, sheets=sheets, origin=origin)


def validate_pengaduan_entry(raw: dict[str, Any], rules: Rules) -> Entry:
    """A complaint export entry: the export URL, the channel (``rules.choices['kanal']``), the
    columns to leave out and, for an export of counts, its month. Its harvest object (and guid)
    is ``pengaduan-<kanal>``: one export URL per channel and source."""
    problems = _unknown(raw.keys(), PENGADUAN_FIELDS)
    try:
        url = check_url(raw.get("pengaduan"))
    except ValueError as exc:
        problems.append(f"kolom 'pengaduan': {exc}")
        url = ""
    kanal = str(raw.get("kanal") or "").strip()
    choices = rules.choices.get("kanal")
    if not kanal:
        problems.append("kolom 'kanal' wajib diisi" + (f" ({', '.join(choices)})" if choices else ""))
    elif choices is not None and kanal not in choices:
        close = difflib.get_close_matches(kanal, choices, n=1)
        hint = f" (maksudnya '{close[0]}'?)" if close else ""
        problems.append(f"kolom 'kanal': {kanal!r} bukan kanal yang dikenal{hint}; pilihan: {', '.join(choices)}")
    drop: list[str] = []
    if raw.get("buang_kolom") is not None:
        try:
            drop = _as_list(raw["buang_kolom"], "buang_kolom")
        except ValueError as exc:
            problems.append(f"kolom 'buang_kolom': {exc}")
    periode = str(raw.get("periode") or "").strip()
    if periode and not PERIODE_RE.match(periode):
        problems.append(f"kolom 'periode': {periode!r} bukan bulan YYYY-MM (mis. 2025-07)")
    if problems:
        raise ConfigError(problems)
    return Entry(name=f"pengaduan-{kanal}", url=url, fetch_url=url, metadata={},
                 pengaduan={"kanal": kanal, "buang_kolom": drop, "periode": periode or None})


@dataclass
class IndexEntry:
    """An index entry: a manifest URL and the defaults its rows get."""

    url: str
    defaults: dict[str, Any]


@dataclass
class SourceConfig:
    entries: list[Entry]
    indexes: list[IndexEntry]
    auto_terbit: bool = False


def parse_config(config: str | dict[str, Any] | None, rules: Rules, *, google_base: str) -> SourceConfig:
    """Parse and check a source config; ConfigError lists every problem with its entry and field."""
    if config is None or (isinstance(config, str) and not config.strip()):
        raise ConfigError(["config kosong: tuliskan {\"entries\": [...]}"])
    if isinstance(config, str):
        try:
            data = json.loads(config)
        except json.JSONDecodeError as exc:
            raise ConfigError([f"config bukan JSON yang sah: {exc}"]) from None
    else:
        data = copy.deepcopy(config)
    if not isinstance(data, dict):
        raise ConfigError(["config harus berupa objek JSON {\"entries\": [...]}"])
    errors = [f"config: {p}" for p in _unknown(data.keys(), ("defaults", "entries", "auto_terbit"))]
    auto_terbit = data.get("auto_terbit", False)
    if not isinstance(auto_terbit, bool):
        errors.append(f"config: 'auto_terbit' harus true atau false, bukan {auto_terbit!r}")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        errors.append("config: 'defaults' harus berupa objek")
        defaults = {}
    bad = [k for k in defaults if k not in (*METADATA_FIELDS, "sheets")]
    errors += [f"defaults: {p}" for p in _unknown(bad, (*METADATA_FIELDS, "sheets"))]
    defaults_clean, problems = _check_metadata({k: v for k, v in defaults.items() if k not in bad},
                                               rules, complete=False)
    errors += [f"defaults: {p}" for p in problems]
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        errors.append("config: 'entries' harus berupa daftar yang tidak kosong")
        raw_entries = []
    entries: list[Entry] = []
    indexes: list[IndexEntry] = []
    names: dict[str, int] = {}
    for pos, raw in enumerate(raw_entries, start=1):
        label = entry_label(pos, raw)
        if not isinstance(raw, dict):
            errors.append(f"{label}: harus berupa objek dengan 'url' atau 'index'")
            continue
        if sum(1 for kind in KINDS if kind in raw) != 1:
            errors.append(f"{label}: isi tepat satu dari kolom 'url' (berkas atau Google Sheets), "
                          "'index' (daftar berkas) atau 'pengaduan' (ekspor kanal pengaduan)")
            continue
        if "index" in raw:
            problems = _unknown(raw.keys(), INDEX_FIELDS)
            try:
                url = check_url(raw["index"])
            except ValueError as exc:
                problems.append(f"kolom 'index': {exc}")
                url = ""
            own, more = _check_metadata({k: v for k, v in raw.items() if k in INDEX_FIELDS and k != "index"},
                                        rules, complete=False)
            problems += more
            if problems:
                errors += [f"{label}: {p}" for p in problems]
            else:
                indexes.append(IndexEntry(url=url, defaults={**defaults_clean, **own}))
            continue
        try:
            entry = (validate_pengaduan_entry(raw, rules) if "pengaduan" in raw
                     else validate_entry(raw, defaults_clean, rules, google_base=google_base))
        except ConfigError as exc:
            errors += [f"{label}: {p}" for p in exc.errors]
            continue
        if entry.name in names:
            taken = (f"kanal {entry.pengaduan['kanal']!r} sudah dipanen" if entry.pengaduan
                     else f"kolom 'name': {entry.name!r} sudah dipakai")
            errors.append(f"{label}: {taken} entri ke-{names[entry.name]}")
            continue
        names[entry.name] = pos
        entries.append(entry)
    if errors:
        raise ConfigError(errors)
    return SourceConfig(entries=entries, indexes=indexes, auto_terbit=auto_terbit is True)


def validate_config(config: str | dict[str, Any] | None, rules: Rules, *, google_base: str) -> str:
    """Check a config and return it as canonical JSON (sorted keys), for storing in the source."""
    parse_config(config, rules, google_base=google_base)
    data = json.loads(config) if isinstance(config, str) else config
    return json.dumps(data, ensure_ascii=False, sort_keys=True)
