"""Typed DataStore tables that the portal loads itself (harvested tables, APBG lines), and the
all-or-nothing publishing of a dataset together with them.

The one DataStore loader of both features.

Resources loaded here carry ``datastore_loader = bandaaceh``; the plugin's ``IXloader.can_upload``
then keeps ckanext-xloader from re-loading them from their CSV file with guessed types.
Hand-uploaded CSV/XLSX files of stewards still go through xloader as on any CKAN site.

Publishing guarantee (:func:`publish`): either the dataset's metadata, its uploaded files, its
search index entry and its DataStore tables all change, or none of them does.

1. The old files of the resources being replaced are kept aside (hard links, no copy).
2. Each new table is built aside in the DataStore database, in one transaction that stays open:
   the DataStore's own ``create_table`` makes the typed table (with the column info) under a
   staging name; ``COPY`` fills a temporary table and one ``INSERT ... SELECT`` writes the rows
   with the DataStore's full-text column; its indexes and trigger are created once.
   Nobody sees the staging table; the live table keeps serving.
3. In the same transaction the old table is dropped and the staging table renamed to the
   resource id, its record count stored; still nothing committed (readers of that table wait).
4. ``package_update`` writes the metadata, the new files and the search index, and commits the
   CKAN database (CKAN 2.12's ``defer_commit`` discards a package_update, so it cannot wait).
5. The DataStore transaction commits.

A failure in steps 1-4 (a DataStore error, a file that cannot be written, Solr down, a refused
dataset dict) rolls both transactions back, puts the old files back, removes new ones and
re-indexes the dataset as it is in the database. Not covered: the DataStore commit failing
after the CKAN commit (step 5, only on a lost database connection), and uploaders other than
CKAN's default file-system ``ResourceUpload``.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import re
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckan.lib import search
from ckan.lib.uploader import ResourceUpload, get_resource_uploader
from ckanext.datastore.backend.postgres import (_create_fulltext_trigger, create_indexes, create_table,
                                                get_write_engine, identifier)

__all__ = ["LOADER_FIELD", "LOADER_NAME", "Table", "PublishError", "loaded_by_us", "xloader_may_load",
           "publish", "load_table", "new_resource_id"]

log = logging.getLogger(__name__)

#: Resource field marking a DataStore table loaded by this extension.
LOADER_FIELD = "datastore_loader"
LOADER_NAME = "bandaaceh"
#: Staging tables start with "_": the DataStore lists no such table as a resource.
STAGE_PREFIX = "_bandaaceh_stage_"
#: Bytes per chunk handed to COPY.
COPY_CHUNK = 1 << 16


def loaded_by_us(resource: dict[str, Any]) -> bool:
    return resource.get(LOADER_FIELD) == LOADER_NAME


def xloader_may_load(resource_id: str) -> bool:
    """False for the resources whose table this module loads (ckanext-xloader's ``can_upload``)."""
    try:
        resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
    except tk.ObjectNotFound:
        return True
    return not loaded_by_us(resource)


@dataclass
class Table:
    """A DataStore table to publish: DataStore field dicts and rows of typed values in field order.

    ``fields``: ``{"id": "anggaran", "type": "numeric", "info": {...}}``; values are Decimal, int,
    float, bool, date, datetime, str or None. Callers check their data before publishing.
    """

    fields: list[dict[str, Any]]
    rows: Iterable[Sequence[Any]]


class PublishError(Exception):
    """Publishing was stopped and rolled back; the previous dataset, files and tables are unchanged."""


# ---------------------------------------------------------------- COPY


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_SPECIAL = re.compile(r"[\\\t\n\r]")
_NULL = "\\N"


def _copy_text(value: Any) -> str:
    """One text value in PostgreSQL's COPY text format."""
    if value is None:
        return _NULL
    value = str(value)
    return value.translate(_ESCAPES) if _SPECIAL.search(value) else value


def _copy_other(value: Any) -> str:
    """One number, date or boolean in COPY text format."""
    if value is None:
        return _NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return _copy_text(value)


class _CopyStream:
    """A file-like ``read()`` over rows, encoded lazily for ``copy_expert``."""

    def __init__(self, rows: Iterable[Sequence[Any]], types: Sequence[str]) -> None:
        self._rows = iter(rows)
        self._convert = [_copy_text if t == "text" else _copy_other for t in types]
        self._buffer = b""
        self.count = 0

    def _chunk(self, size: int) -> str:
        lines: list[str] = []
        have = 0
        convert = self._convert
        for row in self._rows:
            line = "\t".join([f(v) for f, v in zip(convert, row)])
            lines.append(line)
            have += len(line) + 1
            if have >= size:
                break
        self.count += len(lines)
        return "\n".join(lines) + "\n" if lines else ""

    def read(self, size: int = COPY_CHUNK) -> bytes:
        size = max(size, COPY_CHUNK)
        if len(self._buffer) < size:
            self._buffer += self._chunk(size).encode("utf-8")
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    def readline(self, size: int = -1) -> bytes:  # psycopg2 asks for read() only; file protocol
        return self.read(size)


def _execute(conn: sa.Connection, sql: str) -> None:
    """Run SQL holding column names (which may contain ':' or '%'), without bind parameters."""
    conn.execute(sa.text(sql.replace(":", r"\:")))


def _stage(conn: sa.Connection, table: Table, timings: dict[str, float] | None = None) -> tuple[str, int]:
    """Build ``table`` under a fresh staging name in the open transaction of ``conn``.

    ``timings`` (benchmarks) receives the seconds of each phase."""
    clock = _Clock(timings)
    stage = STAGE_PREFIX + uuid.uuid4().hex
    fields = [dict(f) for f in table.fields]
    create_table({"connection": conn}, {"resource_id": stage, "fields": fields}, {})  # type: ignore[arg-type]
    columns = ", ".join(identifier(f["id"]) for f in fields)
    # COPY into a temporary table of the bare columns, then one INSERT ... SELECT writes each row
    # once with the DataStore's full-text column filled (what its populate_full_text_trigger
    # computes: the row's non-underscore values as text, joined by spaces, in the database's
    # search configuration) -- cheaper than firing the trigger per row or an UPDATE afterwards.
    bare = identifier(stage + "_copy")
    _execute(conn, f"CREATE TEMP TABLE {bare} ("
             + ", ".join(f'{identifier(f["id"])} {f["type"]}' for f in fields) + ") ON COMMIT DROP")
    stream = _CopyStream(table.rows, [f["type"] for f in fields])
    cursor = conn.connection.cursor()
    try:
        cursor.copy_expert(f"COPY {bare} FROM STDIN", stream, size=COPY_CHUNK)
    finally:
        cursor.close()
    clock("copy")
    text = ", ".join(identifier(f["id"]) + ("" if f["type"] == "text" else "::text") for f in fields)
    _execute(conn, f"INSERT INTO {identifier(stage)} ({columns}, _full_text) "
             f"SELECT {columns}, to_tsvector(concat_ws(' ', {text})) FROM {bare} ORDER BY ctid")
    _execute(conn, f"DROP TABLE {bare}")
    clock("full_text")
    create_indexes({"connection": conn}, {"resource_id": stage})  # type: ignore[arg-type]
    _create_fulltext_trigger(conn, stage)
    clock("indexes")
    return stage, stream.count


class _Clock:
    """Adds the seconds since the last call under a phase name (no-op without a dict)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def __call__(self, phase: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[phase] = self.timings.get(phase, 0.0) + now - self.last
        self.last = now


def _switch(conn: sa.Connection, stage: str, resource_id: str) -> None:
    """Replace the live table of ``resource_id`` by ``stage`` (same open transaction)."""
    rid = identifier(resource_id)
    conn.execute(sa.text("SET LOCAL lock_timeout = '30s'"))
    conn.execute(sa.text(f"DROP TABLE IF EXISTS {rid} CASCADE"))
    conn.execute(sa.text(f"ALTER TABLE {identifier(stage)} RENAME TO {rid}"))
    conn.execute(sa.text(f"ALTER SEQUENCE {identifier(stage + '__id_seq')} RENAME TO "
                         f"{identifier(resource_id + '__id_seq')}"))
    conn.execute(sa.text(f"ALTER INDEX {identifier(stage + '_pkey')} RENAME TO "
                         f"{identifier(resource_id + '_pkey')}"))
    # the DataStore's record count cache (_table_stats) and the planner statistics
    conn.execute(sa.text("SELECT update_cached_table_row_count(:rid)"), {"rid": resource_id})
    conn.execute(sa.text(f"ANALYZE {rid}"))


def load_table(resource_id: str, table: Table, timings: dict[str, float] | None = None) -> int:
    """Build ``table`` aside and switch the DataStore table of ``resource_id`` to it (one DataStore
    transaction; the CKAN resource is not touched). Returns the number of rows loaded."""
    with get_write_engine().begin() as conn:
        stage, count = _stage(conn, table, timings)
        clock = _Clock(timings)
        _switch(conn, stage, resource_id)
        clock("switch")
    return count


# ---------------------------------------------------------------- files


class _KeptFiles:
    """The stored files of resources about to be overwritten, kept as hard links until the end.

    CKAN's ``ResourceUpload`` writes ``<path>~`` and renames it over ``<path>``: the old inode,
    held by the link, is never modified, so putting it back is one rename.
    """

    def __init__(self, resource_ids: Iterable[str]) -> None:
        self.paths: list[str] = []
        self.kept: dict[str, str] = {}
        token = uuid.uuid4().hex[:12]
        for rid in resource_ids:
            upload = get_resource_uploader({"id": rid, "url_type": "upload"})
            if isinstance(upload, ResourceUpload) and upload.storage_path:
                self.paths.append(upload.get_path(rid))
        self.token = token

    def keep(self) -> None:
        for path in self.paths:
            if os.path.exists(path):
                kept = f"{path}.kept-{self.token}"
                os.link(path, kept)
                self.kept[path] = kept

    def restore(self) -> None:
        for path in self.paths:
            if os.path.exists(f"{path}~"):  # a file CKAN could not finish writing
                os.remove(f"{path}~")
            if path in self.kept:
                kept = self.kept.pop(path)
                if os.path.exists(path) and os.path.samefile(kept, path):
                    os.remove(kept)  # not replaced (rename() of two links of one file does nothing)
                else:
                    os.replace(kept, path)
            elif os.path.exists(path):  # a file that did not exist before this publication
                os.remove(path)

    def discard(self) -> None:
        for kept in self.kept.values():
            os.remove(kept)
        self.kept.clear()


# ---------------------------------------------------------------- publishing


def publish(context: dict[str, Any], package: dict[str, Any], tables: Mapping[str, Table], *,
            create: dict[str, Any] | None = None) -> dict[str, Any]:
    """``package_update`` ``package`` and replace the DataStore tables ``tables`` (by resource id),
    all or nothing (see the module docstring).

    ``package`` has its ``id`` and complete ``resources``; a resource of ``tables`` that is new
    must be given its ``id`` (:func:`new_resource_id`). Resources in ``tables`` are marked
    ``datastore_active`` and loaded by us. ``create``: the dict of a dataset that does not exist
    yet; it is created (``package_create`` takes no uploads) in the same CKAN transaction as the
    update, which gets its id, so a failure leaves no dataset behind. Raises
    :class:`PublishError` (or the ``ValidationError`` of ``package_create``/``package_update``)
    after rolling everything back.
    """
    resources = package.get("resources") or []
    missing = set(tables) - {r.get("id") for r in resources}
    if missing:
        raise ValueError(f"tables for resources not in the package: {sorted(missing)}")
    for res in resources:
        if res.get("id") in tables:
            res["datastore_active"] = True
            res[LOADER_FIELD] = LOADER_NAME
    files = _KeptFiles(r["id"] for r in resources if r.get("upload") is not None and r.get("id"))
    conn = get_write_engine().connect()
    trans = conn.begin()
    updating = False
    step = "menyimpan berkas lama"
    try:
        files.keep()
        step = "membangun tabel DataStore"
        staged = {rid: _stage(conn, table)[0] for rid, table in tables.items()}
        for rid, stage in staged.items():
            _switch(conn, stage, rid)
        # package_update commits the CKAN database (after writing the files and the search
        # index); the DataStore transaction, whose switch is done, commits right after it.
        step = "memperbarui dataset, berkas dan indeks pencarian"
        if create is not None:  # not committed: CKAN 2.12 keeps a deferred package_create
            package["id"] = tk.get_action("package_create")(
                dict(context, defer_commit=True, return_id_only=True), create)
        updating = True
        tk.get_action("package_update")(dict(context), package)
        updating = False
        step = "menyimpan tabel DataStore"
        trans.commit()
    except BaseException as exc:
        model.Session.rollback()
        trans.rollback()
        try:
            files.restore()
        finally:
            if updating:
                _reindex(package["id"])
        if isinstance(exc, (tk.ValidationError, tk.NotAuthorized, tk.ObjectNotFound)) or not isinstance(exc, Exception):
            raise
        raise PublishError(f"Penerbitan dibatalkan saat {step}; dataset, berkas dan tabel sebelumnya "
                           f"tidak berubah ({type(exc).__name__}: {exc})") from exc
    finally:
        conn.close()
    files.discard()
    return tk.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": package["id"]})


def new_resource_id() -> str:
    """An id for a resource created by :func:`publish` (its file path and table are known up front)."""
    return str(uuid.uuid4())


def _reindex(package_id: str) -> None:
    """Put the committed dataset back into the search index after a rolled-back publication."""
    try:
        if model.Package.get(package_id) is None:  # created by the failed publication
            search.index_for("Package").remove_dict({"id": package_id})
        else:
            search.rebuild(package_id)
    except Exception:  # Solr down: the index keeps what it had (the new dict was not committed)
        log.exception("Could not re-index %s after a rolled-back publication", package_id)
