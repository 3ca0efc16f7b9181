"""What a harvested spreadsheet becomes: clean CSV files, typed DataStore tables, a dataset dict.

Everything here is computed before anything is written, so that a spreadsheet that cannot be
read never touches the dataset it produced last time.
"""
from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ckanext.bandaaceh.spreadsheet import N_, SpreadsheetError, Table, extract_tables, read_workbook, tidy_table, to_csv
from ckanext.bandaaceh.spreadsheet.export import FORMULA_PREFIXES

from .config import Entry

__all__ = ["PreparedTable", "PreparedFile", "prepare_file", "datastore_fields", "package_fields",
           "ORIGINAL_KEY", "LONG_SUFFIX", "slug"]

#: ``harvest_key`` of the resource holding the original file.
ORIGINAL_KEY = "original"
#: Suffix of the ``harvest_key`` of a table's tidy (long) form.
LONG_SUFFIX = ":panjang"
DATASTORE_TYPES = {"integer": "int8", "number": "numeric", "boolean": "bool", "text": "text"}
MAX_FIELD_BYTES = 63  # PostgreSQL identifiers


def slug(text: str, fallback: str = "data") -> str:
    """Lower-case ASCII words joined by '-' (for file names)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return out[:60].strip("-") or fallback


_LEADING = re.compile("^[\\s_" + re.escape("".join(FORMULA_PREFIXES)) + "]+")


def _field_id(name: str) -> str:
    text = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    # no leading '_' (DataStore) nor formula prefix (the dump's header row: security/dump.py)
    text = _LEADING.sub("", re.sub(r"\s+", " ", text.replace('"', "'")))
    raw = text.encode("utf-8")[:MAX_FIELD_BYTES]
    return raw.decode("utf-8", "ignore").strip() or "kolom"


def datastore_fields(table: Table) -> list[dict[str, Any]]:
    """DataStore field dicts for a table: valid unique ids, exact types, the header as label."""
    fields: list[dict[str, Any]] = []
    seen: set[str] = set()
    for j, column in enumerate(table.columns):
        base = _field_id(column.name)
        fid, k = base, 2
        while fid.lower() in seen:
            suffix = f" ({k})"
            fid = base.encode("utf-8")[: MAX_FIELD_BYTES - len(suffix)].decode("utf-8", "ignore") + suffix
            k += 1
        seen.add(fid.lower())
        if column.type == "date":
            has_time = any(isinstance(row[j], datetime.datetime) for row in table.rows)
            kind = "timestamp" if has_time else "date"
        else:
            kind = DATASTORE_TYPES[column.type]
        info = {"label": column.name}
        if column.description:
            info["notes"] = column.description
        fields.append({"id": fid, "type": kind, "info": info})
    return fields


@dataclass
class PreparedTable:
    """One table of a sheet, ready to publish."""

    key: str                 # stable resource key: "sheet:<name>" (+ "#<n>" for a 2nd table)
    sheet: str
    name: str                # resource name
    description: str
    filename: str
    csv: bytes
    sha256: str
    fields: list[dict[str, Any]]
    table: Table = field(repr=False)  # its rows, in the order of ``fields``, go to the DataStore


@dataclass
class PreparedFile:
    format: str              # xlsx, xls, ods, csv
    filename: str
    tables: list[PreparedTable]


def _describe(table: Table, source_url: str) -> str:
    lines = [t for t in table.titles if t]
    lines.append(f"Tabel dari sheet '{table.sheet}' berkas {source_url}, baris "
                 f"{table.header_rows[0] if table.header_rows else '?'} dan seterusnya; "
                 f"{len(table.rows)} baris data, {len(table.columns)} kolom.")
    if table.note:
        lines.append(table.note)
    lines += [n for n in table.notes if n]
    return "\n\n".join(lines)


def _describe_long(table: Table, wide_name: str) -> str:
    dims = ", ".join(c.name for c in table.columns[:-1])
    return (f"Bentuk panjang (tidy) dari tabel '{wide_name}': satu baris per nilai, dengan kolom {dims} "
            f"dan nilai di kolom '{table.columns[-1].name}'; {len(table.rows)} baris. "
            "Cocok untuk grafik dan pengolahan data.")


def _prepared(key: str, sheet: str, name: str, description: str, filename: str, table: Table) -> PreparedTable:
    text = to_csv(table).encode("utf-8")
    return PreparedTable(key=key, sheet=sheet, name=name, description=description, filename=filename[:120],
                         csv=text, sha256=hashlib.sha256(text).hexdigest(), fields=datastore_fields(table),
                         table=table)


def prepare_file(data: bytes, filename: str, entry: Entry, *, max_bytes: int, max_cells: int) -> PreparedFile:
    """Read a spreadsheet and turn each table found on its sheets into a CSV and DataStore fields.

    A statistics table with two or more value columns also gets its tidy (long) form
    (:func:`tidy_table`) as a second table, keyed ``<key>:panjang``.

    Takes ``entry.sheets`` (all visible sheets when not given). Raises SpreadsheetError (naming
    file, sheet, row and cell where known) if the file cannot be read, a named sheet has no
    table, or no sheet has one.
    """
    book = read_workbook(data, filename, max_bytes=max_bytes, max_cells=max_cells, sheets=entry.sheets)
    tables: list[PreparedTable] = []
    for sheet in book.sheets:
        if entry.sheets is None and sheet.hidden:
            continue
        # a table has data rows and at least two columns (a lone column is a notes sheet)
        found = [t for t in extract_tables(sheet, filename=book.filename) if t.rows and len(t.columns) > 1]
        if not found and entry.sheets is not None:
            raise SpreadsheetError(N_("tidak ada tabel data di sheet ini"), file=book.filename, sheet=sheet.name)
        for n, table in enumerate(found, start=1):
            suffix = f" (tabel {n})" if len(found) > 1 else ""
            key = f"sheet:{sheet.name}" + (f"#{n}" if n > 1 else "")
            stem = slug(sheet.name) + (f"-tabel-{n}" if n > 1 else "")
            name = f"{sheet.name}{suffix}"
            tables.append(_prepared(key, sheet.name, name, _describe(table, entry.url),
                                    f"{entry.name}-{stem}.csv", table))
            long = tidy_table(table)
            if long is not None:
                tables.append(_prepared(key + LONG_SUFFIX, sheet.name, f"{name} (bentuk panjang)",
                                        _describe_long(long, name), f"{entry.name}-{stem}-panjang.csv", long))
    if not tables:
        raise SpreadsheetError(N_("tidak ada tabel data (baris judul kolom + baris data) di sheet mana pun"),
                               file=book.filename)
    return PreparedFile(format=book.format, filename=book.filename, tables=tables)


def package_fields(entry: Entry, owner_org: str) -> dict[str, Any]:
    """Dataset-level fields of a harvested entry (the Satu Data metadata of schemas/dataset.yaml)."""
    meta = dict(entry.metadata)
    tags = meta.pop("tags", None) or []
    out: dict[str, Any] = {"name": entry.name, "owner_org": owner_org}
    if tags:  # no tags in the entry: the dataset's tags are free (harvest/edits.py)
        out["tag_string"] = ",".join(tags)
    out.update(meta)
    return out
