"""Formula injection in the DataStore's own CSV/TSV output (issue 9 item 7).

CKAN 2.12 writes ``/datastore/dump/<id>?format=csv|tsv`` (and ``datastore_search`` with
``records_format`` ``csv``/``tsv``) straight from PostgreSQL's ``COPY ... TO STDOUT``: a text cell
``=HYPERLINK(...)`` reaches the spreadsheet program that opens the download unchanged. The
``bandaaceh_datastore`` plugin (an ``IDatastore``, after ``datastore``) passes the query through
:func:`neutralise_select`, which wraps each text column of those two formats in the OWASP rule
our own CSVs follow (:func:`ckanext.bandaaceh.spreadsheet.csv_cell`): a text value starting with
``=``, ``+``, ``-``, ``@``, TAB or CR gets a leading ``'``. Only the output of that query changes:
the table keeps the exact values, JSON/XML output and numbers (``-5`` in a numeric column) are
untouched.

The header row of those downloads is CKAN's: ``ckanext/datastore/writer.py`` writes the field
ids (``csv.writer(...).writerow(f['id'] for f in fields)``) before any row, outside the query
above. So no field id may start with a formula prefix: :func:`formula_field_id` is added to the
``fields.id`` validators of ``datastore_create`` (the plugin's ``IDataDictionaryForm.update_datastore_create_schema``)
and refuses such an id whoever creates the table (API, xloader, our loaders), naming the field;
our harvester strips those characters from a header when it makes the id (the header stays the
column's label).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckanext.datastore.backend.postgres import identifier

from ckanext.bandaaceh.spreadsheet.export import FORMULA_PREFIXES

__all__ = ["TEXT_TYPES", "formula_field_id", "neutralise_select"]

#: PostgreSQL types of DataStore columns that hold text.
TEXT_TYPES = frozenset({"text", "varchar", "bpchar", "citext", "name"})
#: The record formats written as delimited text for a spreadsheet program.
_DELIMITED = ("csv", "tsv")
_PREFIXES_SQL = ", ".join(f"'{c}'" if c.isprintable() else f"chr({ord(c)})" for c in FORMULA_PREFIXES)


def _neutralised(column: str) -> str:
    return f"(CASE WHEN left({column}, 1) IN ({_PREFIXES_SQL}) THEN '''' || {column} ELSE {column} END)"


def neutralise_select(data_dict: dict[str, Any], fields_types: dict[str, str],
                      query_dict: dict[str, Any]) -> dict[str, Any]:
    """``query_dict`` of a ``datastore_search`` with its text columns neutralised (csv/tsv only)."""
    if data_dict.get("records_format") not in _DELIMITED or "select" not in query_dict:
        return query_dict
    text = {identifier(f) for f, kind in fields_types.items() if kind in TEXT_TYPES}
    query_dict["select"] = [_neutralised(col) if col in text else col for col in query_dict["select"]]
    return query_dict


def formula_field_id(value: Any, context: Any) -> Any:
    """Validator of a DataStore field id: refused when it starts with a formula prefix (the
    dump's header row would carry it to the spreadsheet program unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        raise tk.Invalid(tk._("Nama kolom '{id}' diawali {char!r}: judul kolom seperti ini dibaca sebagai rumus oleh "
                              "program spreadsheet; hapus karakter itu dari awal nama kolom").format(
            id=value, char=value[0]))
    return value
