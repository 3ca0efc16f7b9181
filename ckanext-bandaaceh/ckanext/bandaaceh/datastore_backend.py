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
"""
from __future__ import annotations

import threading
from typing import Any, Optional

import sqlalchemy as sa
from psycopg2.extras import register_composite

import ckan.plugins as p
from ckan.types import Context
from ckanext.datastore.backend import postgres
from ckanext.datastore.interfaces import IDatastoreBackend

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
        self._ensure_types()
        return super().resource_fields(id, include_meta, include_fields_schema)


class DatastoreBackendPlugin(p.SingletonPlugin):
    """``bandaaceh_datastore``: registers :class:`ThreadSafePostgresqlBackend`."""

    p.implements(IDatastoreBackend, inherit=True)

    def register_backends(self) -> dict[str, type[postgres.DatastorePostgresqlBackend]]:
        return {"postgresql": ThreadSafePostgresqlBackend, "postgres": ThreadSafePostgresqlBackend}
