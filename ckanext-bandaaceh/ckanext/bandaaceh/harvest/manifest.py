"""Index manifests: one file on an SKPD's site listing many spreadsheets.

Two forms are accepted (the content decides, not the name):

* a table (CSV, or an xlsx/xls/ods workbook's first sheet): the first row names the columns,
  each following row is one spreadsheet. Columns are the entry keys of :mod:`.config`
  (``url``, ``name``, ``title``, ``notes``, ``tags``, ``frekuensi``, ``cakupan``, ``tahun`` ...);
  lists (``tags``, ``sheets``) are separated by ``;`` or ``,``. Column names are case-insensitive.
* JSON: ``{"datasets": [{"url": ..., "name": ..., ...}, ...]}`` or just the list.

``url`` may be relative to the manifest's own URL. Values missing from a row come from the
index entry (and the source's ``defaults``).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from ckanext.bandaaceh.spreadsheet import SpreadsheetError, read_workbook

from .config import ENTRY_FIELDS, ConfigError, Entry, Rules, validate_entry

__all__ = ["Manifest", "parse_manifest", "ManifestError"]

MAX_ROWS = 2000


class ManifestError(ValueError):
    """The manifest as a whole cannot be read; ``str()`` names its URL."""


@dataclass
class Manifest:
    entries: list[Entry] = field(default_factory=list)
    #: messages naming the manifest, its row and field, for rows that were skipped
    errors: list[str] = field(default_factory=list)


def _rows_from_json(data: bytes, url: str) -> list[tuple[str, dict[str, Any]]]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"indeks {url}: JSON tidak sah ({exc})") from None
    items = doc.get("datasets") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise ManifestError(f"indeks {url}: JSON harus berupa daftar atau objek {{\"datasets\": [...]}}")
    return [(f"item ke-{i}", item) for i, item in enumerate(items, start=1)]


def _cell(value: object) -> Any:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _rows_from_table(data: bytes, url: str, filename: str) -> list[tuple[str, dict[str, Any]]]:
    try:
        book = read_workbook(data, filename, max_bytes=len(data) + 1, max_cells=MAX_ROWS * 50)
    except SpreadsheetError as exc:
        raise ManifestError(f"indeks {url}: {exc}") from None
    if not book.sheets:
        raise ManifestError(f"indeks {url}: tidak ada sheet")
    rows = book.sheets[0].rows
    start = next((i for i, r in enumerate(rows) if any(v is not None for v in r)), None)
    if start is None:
        raise ManifestError(f"indeks {url}: kosong")
    header = [str(v).strip().lower() if v is not None else "" for v in rows[start]]
    if "url" not in header:
        raise ManifestError(f"indeks {url}: baris judul kolom (baris {start + 1}) tidak punya kolom 'url'; "
                            f"kolom yang dikenal: {', '.join(ENTRY_FIELDS)}")
    out = []
    for i in range(start + 1, len(rows)):
        row = rows[i]
        if not any(v is not None for v in row):
            continue
        item = {h: _cell(v) for h, v in zip(header, row) if h and v is not None}
        out.append((f"baris {i + 1}", item))
    return out


def parse_manifest(data: bytes, url: str, filename: str | None, defaults: dict[str, Any], rules: Rules, *,
                   google_base: str) -> Manifest:
    """Read a manifest's entries. Bad rows are skipped with a message in ``errors``; a manifest
    that cannot be read at all raises :class:`ManifestError`."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"["):
        rows = _rows_from_json(data, url)
    else:
        rows = _rows_from_table(data, url, filename or "indeks.csv")
    if len(rows) > MAX_ROWS:
        raise ManifestError(f"indeks {url}: {len(rows)} baris, lebih dari batas {MAX_ROWS}")
    manifest = Manifest()
    seen: dict[str, str] = {}
    for where, item in rows:
        label = f"indeks {url}, {where}"
        if not isinstance(item, dict):
            manifest.errors.append(f"{label}: harus berupa objek")
            continue
        item = {str(k).strip().lower(): v for k, v in item.items()}
        if isinstance(item.get("url"), str) and item["url"].strip():
            item["url"] = urljoin(url, item["url"].strip())
        try:
            entry = validate_entry(item, defaults, rules, google_base=google_base, origin=url)
        except ConfigError as exc:
            manifest.errors += [f"{label}: {p}" for p in exc.errors]
            continue
        if entry.name in seen:
            manifest.errors.append(f"{label}: kolom 'name': {entry.name!r} sudah dipakai di {seen[entry.name]}")
            continue
        seen[entry.name] = where
        manifest.entries.append(entry)
    return manifest
