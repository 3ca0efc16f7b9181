"""Typed DataStore tables that the portal loads itself (harvested tables, APBG lines), and the
all-or-nothing publishing of a dataset together with them.

The one DataStore loader of both features.

Resources loaded here carry ``datastore_loader = bandaaceh``; the plugin's ``IXloader.can_upload``
then keeps ckanext-xloader from re-loading them from their CSV file with guessed types.
Hand-uploaded CSV/XLSX files of stewards still go through xloader as on any CKAN site.

Publishing guarantee (:func:`publish`): either the dataset's metadata, its uploaded files, its
search index entry and its DataStore tables all change, or none of them does. :func:`publish_all`
extends it to several datasets at once (the complaint figures of SP4N-LAPOR!, one dataset per
SKPD, split from one city-wide export): all of them change, or none.

1. The old files of the resources being replaced are kept aside (hard links, no copy).
2. Each new table is built aside in the DataStore database, in one transaction that stays open:
   the DataStore's own ``create_table`` makes the typed table (with the column info) under a
   staging name and ``COPY`` fills it; no trigger fires per row (the DataStore's full-text
   trigger is created after the COPY, for rows written later). Nobody sees the staging table;
   the live table keeps serving.
3. In the same transaction the old table is dropped and the staging table renamed to the
   resource id, its record count (known from the COPY) stored once; still nothing committed
   (readers of that table wait).
4. ``package_update`` writes the metadata, the new files and the search index, and commits the
   CKAN database (CKAN 2.12's ``defer_commit`` discards a package_update, so it cannot wait). A
   dataset that does not exist yet is made by one ``package_create`` instead (one validation and
   one "new" activity): the files are written as ``package_update`` writes them, then its search
   index entry, then the commit.
5. The DataStore transaction commits.
6. :func:`finish_tables`: the full-text column ``_full_text`` is filled by one set-based UPDATE
   and the DataStore's indexes (full text, one per text column) are built, with the table
   already live -- at once for small tables (every budget), as a job of the CKAN jobs worker for
   tables over ``bandaaceh.datastore.index_inline_rows`` rows. Until that job has run, a large
   new table answers filters, sorts and ``sql`` but ``q`` (full text) finds none of its rows;
   the data itself is complete and correct from step 5 on. This step is not part of the
   all-or-nothing publication: it changes no value, and a failed job can be run again
   (``index_table``).

A failure in steps 1-4 (a DataStore error, a file that cannot be written, Solr down, a refused
dataset dict) rolls both transactions back, puts the old files back, removes new ones and
re-indexes the dataset as it is in the database. Not covered: the DataStore commit failing
after the CKAN commit (step 5, only on a lost database connection), and uploaders other than
CKAN's default file-system ``ResourceUpload``.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
import logging
import operator
import os
import queue
import re
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import logic, model
from ckan.lib import search
from ckan.lib.uploader import ResourceUpload, get_max_resource_size, get_resource_uploader
from ckanext.datastore.backend.postgres import (_create_fulltext_trigger, _get_fields, create_indexes,
                                                create_table, get_write_engine, identifier)

__all__ = ["LOADER_FIELD", "LOADER_NAME", "Table", "PublishError", "loaded_by_us", "xloader_may_load",
           "Publication", "publish", "publish_all", "load_table", "index_table", "finish_tables",
           "new_resource_id"]

log = logging.getLogger(__name__)

#: Resource field marking a DataStore table loaded by this extension.
LOADER_FIELD = "datastore_loader"
LOADER_NAME = "bandaaceh"
#: Staging tables start with "_": the DataStore lists no such table as a resource.
STAGE_PREFIX = "_bandaaceh_stage_"
#: Rows per chunk handed to COPY.
COPY_ROWS = 5000
#: Chunks encoded ahead of the one PostgreSQL is receiving.
COPY_AHEAD = 4


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


def _has_special(texts: Iterable[str]) -> bool:
    joined = "".join(texts)
    return "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined


def _copy_column(values: Sequence[Any]) -> list[str]:
    """One column of a chunk in PostgreSQL's COPY text format.

    Column-wise so that the common case (no NULL, nothing to escape) runs in C: ``str()`` of
    every value (dates give ISO 8601, booleans True/False, Decimals their exact digits), one
    scan of the joined text of its str values for the characters COPY escapes."""
    has_null = any(map(operator.is_, values, itertools.repeat(None)))
    types = set(map(type, values))
    if has_null:
        texts = [("" if v is None else str(v)) for v in values]
    elif types == {dt.date} or types == {int}:
        # Dates and years repeat: format each distinct value once (hashing is cheaper than
        # isoformat()/str() of every cell)
        memo = {v: str(v) for v in set(values)}
        texts = list(map(memo.__getitem__, values))
    else:
        texts = list(map(str, values))
    if str in types and _has_special(texts):
        texts = [t.translate(_ESCAPES) if _SPECIAL.search(t) else t for t in texts]
    if has_null:
        texts = [_NULL if v is None else t for v, t in zip(values, texts)]
    return texts


_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = False


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while encoding (only short-lived tuples and strings are made: its
    passes over them, every 700 allocations, would cost more than the encoding itself). Counted
    under a lock: gc.disable() is process-wide, and several loads may run in the threads of one
    web worker."""
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


class _CopyStream:
    """A file-like ``read()`` over rows for ``copy_expert``, encoded chunk by chunk (column by
    column, see :func:`_copy_column`) by a thread that stays up to ``COPY_AHEAD`` chunks ahead.

    psycopg2 releases the GIL while it sends a chunk and PostgreSQL parses it in its own process,
    so encoding the next chunks overlaps both instead of waiting for them. An error while encoding
    (a row of the wrong width) is raised by ``read()``, which makes psycopg2 abort the COPY with
    it. Call :meth:`close` when the COPY has ended, however it ended."""

    def __init__(self, rows: Iterable[Sequence[Any]], width: int) -> None:
        self._rows = iter(rows)
        self._width = width
        self.count = 0
        self._chunks: queue.Queue[bytes | BaseException] = queue.Queue(maxsize=COPY_AHEAD)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _encode_next(self) -> bytes:
        chunk = list(itertools.islice(self._rows, COPY_ROWS))
        if not chunk:
            return b""
        if set(map(len, chunk)) != {self._width}:
            bad = next(i for i, row in enumerate(chunk) if len(row) != self._width)
            raise ValueError(f"row {self.count + bad + 1} has {len(chunk[bad])} values, "
                             f"the table {self._width} columns")
        first = self.count + 1
        self.count += len(chunk)
        with _gc_paused():
            # _id given here, 1..n in row order: PostgreSQL then calls no nextval() per row
            columns = [list(map(str, range(first, self.count + 1)))]
            columns.extend(_copy_column(col) for col in zip(*chunk))
            return ("\n".join(map("\t".join, zip(*columns))) + "\n").encode("utf-8")

    def _produce(self) -> None:
        try:
            while not self._stop.is_set():
                data = self._encode_next()
                self._put(data)
                if not data:
                    return
        except BaseException as e:  # handed to read(), which raises it in the COPY's thread
            self._put(e)

    def _put(self, item: bytes | BaseException) -> None:
        while not self._stop.is_set():
            try:
                self._chunks.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def read(self, size: int = -1) -> bytes:
        """The next chunk of COPY_ROWS rows (psycopg2 sends whatever length it gets)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._produce, name="bandaaceh-copy", daemon=True)
            self._thread.start()
        item = self._chunks.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def readline(self, size: int = -1) -> bytes:  # psycopg2 asks for read() only; file protocol
        return self.read(size)

    def close(self) -> None:
        """Stop the encoding thread (the COPY ended, or failed half-way) and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def _execute(conn: sa.Connection, sql: str) -> None:
    """Run SQL holding column names (which may contain ':' or '%'), without bind parameters."""
    conn.execute(sa.text(sql.replace(":", r"\:")))


def _stage(conn: sa.Connection, table: Table, timings: dict[str, float] | None = None) -> tuple[str, int]:
    """Build ``table`` under a fresh staging name in the open transaction of ``conn``.

    The DataStore's own ``create_table`` makes the typed table with its column info; ``COPY``
    fills it directly (no trigger exists yet, so no row computes its full text); then the
    DataStore's full-text trigger is created, for rows written later. ``_full_text`` stays NULL
    and the full-text indexes do not exist yet: :func:`index_table` adds both once the table is
    live. ``timings`` (benchmarks) receives the seconds of each phase."""
    clock = _Clock(timings)
    stage = STAGE_PREFIX + uuid.uuid4().hex
    fields = [dict(f) for f in table.fields]
    create_table({"connection": conn}, {"resource_id": stage, "fields": fields}, {})  # type: ignore[arg-type]
    # The key on _id is built once after the COPY (a sort) rather than row by row during it.
    pkey = identifier(stage + "_pkey")
    conn.execute(sa.text(f"ALTER TABLE {identifier(stage)} DROP CONSTRAINT {pkey}"))
    clock("create")
    columns = ", ".join(["_id"] + [identifier(f["id"]) for f in fields])
    stream = _CopyStream(table.rows, len(fields))
    cursor = conn.connection.cursor()
    try:
        cursor.copy_expert(f"COPY {identifier(stage)} ({columns}) FROM STDIN", stream)
    finally:
        stream.close()
        cursor.close()
    # The rows took _id 1..count: rows written later through the DataStore API go on after them
    conn.execute(sa.text("SELECT setval(CAST(:seq AS regclass), :n, :called)"),
                 {"seq": identifier(stage + "__id_seq"), "n": max(stream.count, 1),
                  "called": stream.count > 0})
    clock("copy")
    conn.execute(sa.text(f"ALTER TABLE {identifier(stage)} ADD CONSTRAINT {pkey} PRIMARY KEY (_id)"))
    _create_fulltext_trigger(conn, stage)
    clock("key")
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


def _switch(conn: sa.Connection, stage: str, resource_id: str, count: int) -> None:
    """Replace the live table of ``resource_id`` by ``stage`` (same open transaction) and store
    its record count (``count`` rows, known from the COPY) in the DataStore's ``_table_stats``."""
    rid = identifier(resource_id)
    conn.execute(sa.text("SET LOCAL lock_timeout = '30s'"))
    conn.execute(sa.text(f"DROP TABLE IF EXISTS {rid} CASCADE"))
    conn.execute(sa.text(f"ALTER TABLE {identifier(stage)} RENAME TO {rid}"))
    conn.execute(sa.text(f"ALTER SEQUENCE {identifier(stage + '__id_seq')} RENAME TO "
                         f"{identifier(resource_id + '__id_seq')}"))
    conn.execute(sa.text(f"ALTER INDEX {identifier(stage + '_pkey')} RENAME TO "
                         f"{identifier(resource_id + '_pkey')}"))
    conn.execute(sa.text(
        "INSERT INTO _table_stats VALUES (:rid, jsonb_build_object('rows', CAST(:n AS bigint))) "
        "ON CONFLICT (resource_id) DO UPDATE SET stats = jsonb_set(_table_stats.stats, '{rows}', "
        "to_jsonb(CAST(:n AS bigint)))"), {"rid": resource_id, "n": count})


def load_table(resource_id: str, table: Table, timings: dict[str, float] | None = None, *,
               index: bool = True) -> int:
    """Build ``table`` aside and switch the DataStore table of ``resource_id`` to it (one DataStore
    transaction; the CKAN resource is not touched), then :func:`finish_tables` unless ``index``
    is false. Returns the number of rows loaded."""
    with get_write_engine().begin() as conn:
        stage, count = _stage(conn, table, timings)
        clock = _Clock(timings)
        _switch(conn, stage, resource_id, count)
        clock("switch")
    if index:
        finish_tables({resource_id: count})
    return count


# ---------------------------------------------------------------- full text, after the switch


def index_table(resource_id: str) -> None:
    """Fill the full-text column of the live table ``resource_id`` and build the DataStore's
    indexes (its own ``create_indexes``: the full-text index and one per text column), then
    ANALYZE it: one set-based UPDATE, the rows' full text as the DataStore's trigger computes it
    (the non-underscore values as text, joined by spaces, in the database's search
    configuration). Readers are not blocked (UPDATE and CREATE INDEX lock out writers only). A
    table replaced or deleted meanwhile is left alone (the replacement is indexed by its own
    call)."""
    t0 = time.perf_counter()
    with get_write_engine().begin() as conn:
        exists = conn.execute(sa.text("SELECT to_regclass(:t)"), {"t": identifier(resource_id)}).scalar()
        if exists is None:
            log.info("DataStore table %s is gone; nothing to index", resource_id)
            return
        # GIN index builds sort in maintenance_work_mem (PostgreSQL's default 64 MB spills)
        conn.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))
        fields = [f for f in _get_fields(conn, resource_id)]
        text = ", ".join(identifier(f["id"]) + ("" if f["type"] == "text" else "::text") for f in fields)
        _execute(conn, f"UPDATE {identifier(resource_id)} SET _full_text = "
                 f"to_tsvector(concat_ws(' ', {text or 'NULL'})) WHERE _full_text IS NULL")
        create_indexes({"connection": conn}, {"resource_id": resource_id})  # type: ignore[arg-type]
        conn.execute(sa.text(f"ANALYZE {identifier(resource_id)}"))
    log.info("DataStore table %s: full text and indexes built in %.1f s", resource_id, time.perf_counter() - t0)


def finish_tables(counts: Mapping[str, int]) -> None:
    """After the switch has committed: :func:`index_table` each table, at once for tables of at
    most ``bandaaceh.datastore.index_inline_rows`` rows (search with ``q`` finds their rows
    when publishing returns), else as a background job of the CKAN jobs worker (their rows
    are served at once, found by ``q`` once the job has run). A queue that cannot be reached
    means indexing at once."""
    inline = tk.config.get("bandaaceh.datastore.index_inline_rows")
    inline = 10000 if inline is None else int(inline)
    for rid, count in counts.items():
        if count > inline:
            try:
                tk.enqueue_job(index_table, [rid], title=f"bandaaceh: DataStore full text {rid}",
                               rq_kwargs={"timeout": 3600})
                continue
            except Exception:  # Redis down: the table is committed, index it here
                log.exception("Could not queue the full-text job of %s; indexing now", rid)
        try:
            index_table(rid)
        except Exception:  # published and committed; only q misses the rows until re-run
            log.exception("Full text of DataStore table %s failed; run index_table(%r) again", rid, rid)


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


@dataclass
class Publication:
    """One dataset of :func:`publish_all`: the ``package_update`` dict (its ``id`` and complete
    ``resources``), the tables to replace (by resource id) and, for a dataset that does not exist
    yet, the ``create`` dict; for one that exists, optionally its ``original`` ``package_show``."""

    package: dict[str, Any]
    tables: Mapping[str, Table]
    create: dict[str, Any] | None = None
    #: the dataset's ``package_show`` (ignoring permissions) as the caller has just read it:
    #: ``package_update`` then does not read it again (CKAN's ``original_package``)
    original: dict[str, Any] | None = None


def publish(context: dict[str, Any], package: dict[str, Any], tables: Mapping[str, Table], *,
            create: dict[str, Any] | None = None, original: dict[str, Any] | None = None) -> dict[str, Any]:
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
    return publish_all(context, [Publication(package, tables, create, original)])[0]


def publish_all(context: dict[str, Any], publications: Sequence[Publication]) -> list[dict[str, Any]]:
    """:func:`publish` several datasets, all or nothing across them: one DataStore transaction
    builds and switches every table, one CKAN transaction holds every update (all but the last
    ``package_update`` deferred, their search index entries written before the last one commits);
    a failure anywhere rolls back every dataset, file and table. Returns the saved datasets."""
    for pub in publications:
        resources = pub.package.get("resources") or []
        missing = set(pub.tables) - {r.get("id") for r in resources}
        if missing:
            raise ValueError(f"tables for resources not in the package: {sorted(missing)}")
        for res in resources:
            if res.get("id") in pub.tables:
                res["datastore_active"] = True
                res[LOADER_FIELD] = LOADER_NAME
    files = _KeptFiles(r["id"] for pub in publications for r in pub.package.get("resources") or []
                       if r.get("upload") is not None and r.get("id"))
    conn = get_write_engine().connect()
    trans = conn.begin()
    touched: list[str] = []  # datasets whose search index entry may have changed
    step = "menyimpan berkas lama"
    try:
        files.keep()
        step = "membangun tabel DataStore"
        staged = {rid: _stage(conn, table) for pub in publications for rid, table in pub.tables.items()}
        for rid, (stage, count) in staged.items():
            _switch(conn, stage, rid, count)
        # The last package_update (or package_create) commits the CKAN database (after the files and the
        # search index); the DataStore transaction, whose switch is done, commits right after it.
        step = "memperbarui dataset, berkas dan indeks pencarian"
        for i, pub in enumerate(publications):
            if pub.create is not None:
                # one package_create with the files (one validation, one "new" activity); its
                # index entry is written and the CKAN database committed below, as for an update
                pub.package["id"] = _create(context, pub)
                touched.append(pub.package["id"])
                shown = logic.package_show_default_and_custom_schemas(dict(context), pub.package["id"])
                logic.index_update_package_dicts(shown)
                if i == len(publications) - 1:
                    model.repo.commit()
                    last = shown[1]
                continue
            touched.append(pub.package["id"])
            update_context = dict(context)
            if pub.original is not None and pub.original.get("id") == pub.package["id"]:
                update_context["original_package"] = pub.original
            if i < len(publications) - 1:
                # deferred (kept, not committed: return_id_only), its index entry written now
                tk.get_action("package_update")(dict(update_context, defer_commit=True, return_id_only=True), pub.package)
                logic.index_update_package_dicts(logic.package_show_default_and_custom_schemas(
                    dict(context), pub.package["id"]))
            else:
                # package_update answers with the updated package_show (the DataStore commit and the
                # full-text indexes below change nothing in it): no second package_show afterwards
                last = tk.get_action("package_update")(dict(update_context, return_id_only=False), pub.package)
        touched.clear()
        step = "menyimpan tabel DataStore"
        trans.commit()
    except BaseException as exc:
        model.Session.rollback()
        trans.rollback()
        try:
            files.restore()
        finally:
            for package_id in touched:
                _reindex(package_id)
        if isinstance(exc, (tk.ValidationError, tk.NotAuthorized, tk.ObjectNotFound)) or not isinstance(exc, Exception):
            raise
        raise PublishError(f"Penerbitan dibatalkan saat {step}; dataset, berkas dan tabel sebelumnya "
                           f"tidak berubah ({type(exc).__name__}: {exc})") from exc
    finally:
        conn.close()
    files.discard()
    finish_tables({rid: count for rid, (_, count) in staged.items()})
    return [tk.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": pub.package["id"]})
            for pub in publications[:-1]] + [last]


def _create(context: dict[str, Any], pub: Publication) -> str:
    """``package_create`` ``pub`` (its ``create`` dict completed by ``package``, files included),
    not committed: returns the new dataset's id.

    CKAN's ``package_create`` writes no uploads (``package_update`` does): the files are written
    here as ``package_update`` writes them (``ResourceUpload`` sets url, type and size before
    validation; the file under the resource id after the dataset is saved), before anything is
    committed; :class:`_KeptFiles` removes them if the publication fails.
    """
    data = {**pub.create, **{k: v for k, v in pub.package.items() if k != "id" or v}}  # type: ignore[dict-item]
    data["resources"] = [dict(r) for r in data.get("resources") or []]
    uploads = []
    for res in data["resources"]:
        if res.get("upload") is None:
            continue
        upload = get_resource_uploader(res)  # pops "upload"
        if "mimetype" not in res and getattr(upload, "mimetype", None):
            res["mimetype"] = upload.mimetype
        if hasattr(upload, "filesize"):
            res["size"] = upload.filesize
        uploads.append((res["id"], upload))
    package_id = tk.get_action("package_create")(dict(context, defer_commit=True, return_id_only=True), data)
    for resource_id, upload in uploads:
        upload.upload(resource_id, get_max_resource_size())
    return package_id


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
