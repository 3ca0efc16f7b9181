"""CKAN's PostgreSQL DataStore backend, safe under a threaded WSGI server (issue 10).

CKAN 2.12's backend (``ckanext/datastore/backend/postgres.py``) reads some query results
*after* the ``with engine.connect()`` block that produced them has returned the connection to
the pool: ``resource_id_from_alias`` (called by every ``datastore_search``), ``resource_exists``
and the first ``_cache_types`` (the table of PostgreSQL type names, filled once per process).
With one thread nobody else uses that pooled connection in between; with gunicorn's threads
another thread checks it out at once and the stale cursor is closed under the reader:
``psycopg2.InterfaceError: cursor already closed``, an HTTP 500. tests/serve/test_datastore_concurrency.py
reproduces it
(20 concurrent ``datastore_search`` through gunicorn threads).

The plugin ``bandaaceh_datastore`` (listed *after* ``datastore`` in ``ckan.plugins``: the
registrations are applied in that order and the last one wins) registers this subclass for ``postgresql://`` URLs. It reads every row inside the ``with``
block and fills the type cache once, under a lock, before the first search of a process.

The same plugin, as an ``IDatastore`` (it must come after ``datastore``, which is the first),
neutralises formula-leading text cells in the DataStore's CSV/TSV output and refuses field ids
that start with a formula prefix (the dump's header row) (:mod:`ckanext.bandaaceh.security.dump`).
"""
from __future__ import annotations

import threading
from typing import Any, Optional

import sqlalchemy as sa
from psycopg2.extras import register_composite

import ckan.plugins as p
from ckan.types import Context
from ckanext.datastore.backend import postgres
from ckanext.datastore.interfaces import IDataDictionaryForm, IDatastore, IDatastoreBackend

from ckanext.bandaaceh.security.dump import formula_field_id, neutralise_select

_TYPES_LOCK = threading.Lock()


class ThreadSafePostgresqlBackend(postgres.DatastorePostgresqlBackend):
    """CKAN's backend with the reads that outlive their connection fixed."""

    def _ensure_types(self) -> None:
        """Fill CKAN's process-wide type cache once, rows read while the connection is held."""
        if postgres._pg_types:
            return
        with _TYPES_LOCK:
            if postgres._pg_types:
                return
            engine = self._get_read_engine()
            with engine.connect() as conn:
                rows = conn.execute(sa.text("SELECT oid, typname FROM pg_type")).all()
            if not any(name == "nested" for _, name in rows):
                # A new DataStore database: CKAN's own code creates the "nested" type (once).
                postgres._cache_types(engine)
                return
            with engine.connect() as conn:
                register_composite("nested", conn.connection.dbapi_connection, True)
            postgres._type_names.update(name for _, name in rows)
            # Last: a thread that finds the cache filled finds it complete.
            postgres._pg_types.update(dict(rows))

    def resource_exists(self, id: str) -> bool:
        sql = sa.text('SELECT 1 FROM "_table_metadata" WHERE name = :id AND alias_of IS NULL')
        with self._get_read_engine().connect() as conn:
            return conn.execute(sql, {"id": id}).first() is not None

    def resource_id_from_alias(self, alias: str) -> tuple[bool, Optional[str]]:
        sql = sa.text('SELECT alias_of FROM "_table_metadata" WHERE name = :id')
        with self._get_read_engine().connect() as conn:
            row = conn.execute(sql, {"id": alias}).first()
        return row is not None, (row[0] if row is not None else None)

    def search(self, context: Context, data_dict: dict[str, Any]) -> Any:
        self._ensure_types()
        return super().search(context, data_dict)

    def search_sql(self, context: Context, data_dict: dict[str, Any]) -> Any:
        self._ensure_types()
        return super().search_sql(context, data_dict)

    def resource_fields(self, id: str, include_meta: bool = True,
                        include_fields_schema: bool = True) -> dict[str, Any]:
        """What ``datastore_info`` returns: CKAN's queries, each result read inside one
        ``with engine.connect()`` block (CKAN's own version reads seven of them after it)."""
        self._ensure_types()
        info: dict[str, Any] = {"fields": []}
        with self._get_read_engine().connect() as conn:
            if include_meta:
                info["meta"] = _table_meta(conn, id)
            fields = postgres._result_fields(postgres._get_fields_types(conn, id),
                                             postgres._get_field_info(conn, id), None)
            schema = _column_schema(conn, id) if include_fields_schema else None
        info["fields"] = [f for f in fields if not f["id"].startswith("_")]
        if schema is not None:
            for field in info["fields"]:
                field["schema"] = schema[field["id"]]
        return info


_META_SQL = {
    "count": "SELECT count(_id) FROM {table}",
    "table_type": "SELECT table_type FROM information_schema.tables WHERE table_name = :id",
    "matview": "SELECT count(*) FROM pg_matviews WHERE matviewname = :id",
    "size": "SELECT pg_relation_size(:id)",
    "db_size": "SELECT pg_database_size(current_database())",
    "idx_size": "SELECT pg_indexes_size(:id)",
}

_COLUMN_SCHEMA_SQL = sa.text("""
    SELECT f.attname AS column_name,
           pg_catalog.format_type(f.atttypid, f.atttypmod) AS native_type,
           f.attnotnull AS notnull,
           i.relname AS index_name,
           i.oid IS NOT NULL AND i.oid <> 0 AS is_index,
           coalesce(p.contype IN ('u', 'p'), false) AS uniquekey
    FROM pg_attribute f
    JOIN pg_class c ON c.oid = f.attrelid
    LEFT JOIN pg_constraint p ON p.conrelid = c.oid AND f.attnum = ANY (p.conkey)
    LEFT JOIN pg_index ix ON f.attnum = ANY (ix.indkey) AND c.oid = ix.indrelid
    LEFT JOIN pg_class i ON ix.indexrelid = i.oid
    WHERE c.relkind = 'r' AND c.relname = :id AND f.attnum > 0
    ORDER BY f.attnum""")


def _table_meta(conn: sa.engine.Connection, id: str) -> dict[str, Any]:
    """``meta`` of ``datastore_info`` (row count, table type, sizes, aliases), on ``conn``."""
    def one(key: str) -> Any:
        sql = _META_SQL[key].format(table=postgres.identifier(id))
        return conn.execute(sa.text(sql), {"id": id}).scalar_one()

    meta: dict[str, Any] = {"id": id, "count": one("count"), "table_type": one("table_type")}
    if one("matview"):  # materialised views show as BASE TABLE in information_schema
        meta["table_type"] = "MATERIALIZED VIEW"
    meta.update(size=one("size"), db_size=one("db_size"), idx_size=one("idx_size"))
    aliases = conn.execute(sa.text('SELECT name FROM "_table_metadata" WHERE alias_of = :id'), {"id": id})
    meta["aliases"] = [name for (name,) in aliases.all()]
    return meta


def _column_schema(conn: sa.engine.Connection, id: str) -> dict[str, dict[str, Any]]:
    """``schema`` of each column (native type, not null, index, unique), on ``conn``."""
    rows = conn.execute(_COLUMN_SCHEMA_SQL, {"id": id}).mappings().all()
    return {row["column_name"]: {k: row[k] for k in ("native_type", "notnull", "index_name",
                                                     "is_index", "uniquekey")}
            for row in rows if not row["column_name"].startswith("_")}


class DatastoreBackendPlugin(p.SingletonPlugin):
    """``bandaaceh_datastore``: registers :class:`ThreadSafePostgresqlBackend`; neutralises
    formula cells in the DataStore's CSV/TSV output."""

    p.implements(IDatastoreBackend, inherit=True)
    p.implements(IDatastore, inherit=True)
    p.implements(IDataDictionaryForm, inherit=True)

    def register_backends(self) -> dict[str, type[postgres.DatastorePostgresqlBackend]]:
        return {"postgresql": ThreadSafePostgresqlBackend, "postgres": ThreadSafePostgresqlBackend}

    def update_datastore_create_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        schema["fields"]["id"] = [*schema["fields"]["id"], formula_field_id]
        return schema

    def datastore_search(self, context: Context, data_dict: dict[str, Any], fields_types: dict[str, str],
                         query_dict: dict[str, Any]) -> dict[str, Any]:
        return neutralise_select(data_dict, fields_types, query_dict)
