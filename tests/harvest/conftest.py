"""A real HTTP server on 127.0.0.1 serving fixture files, with the faults SKPD sites show.

Routes (``name`` is a file in the server's folder, which each test fills itself):

/files/<name>            200 with ETag and Last-Modified; 304 to matching conditional requests
/plain/<name>            200 without ETag/Last-Modified (change detected by content hash)
/html-type/<name>        the file, but labelled Content-Type: text/html
/slow/<name>?delay=S     waits S seconds (at most 3) before answering
/status/<code>           that HTTP status, with a short HTML body
/truncated/<name>        announces the full length, sends half, closes the connection
/endless                 streams zeros without Content-Length (stops after 64 MiB)
/drip/<name>?every=S     announces the file's length, then sends it one byte every S seconds
/drip-headers?every=S    sends the status line, then an endless header one byte every S seconds
/redirect?to=<url>       302 to <url>
/loop/<n>                302 to /loop/<n+1>, for ever

``server.faults[name] = (kind, query)`` makes /files/<name> answer like /<kind>/<name>
(e.g. ``("status", {"code": "500"})``, ``("slow", {"delay": "2"})``, ``("truncated", {})``,
``("redirect", {"to": ...})``, ``("endless", {})``): a source that worked and then breaks.
/gsheets/d/<id>/export?format=xlsx|csv[&gid=N]
                         what Google Sheets answers: gsheet-<id>.xlsx or gsheet-<id>-<gid>.csv
                         with Content-Disposition (the harvester reaches it through
                         bandaaceh.harvest.google_sheets_base = <server>/gsheets)
"""
from __future__ import annotations

import email.utils
import hashlib
import os
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "harvest")
SPREADSHEET_FIXTURES = os.path.join(HERE, "..", "fixtures", "spreadsheet")
STATISTIK_FIXTURES = os.path.join(HERE, "..", "fixtures", "statistik")


class _Handler(BaseHTTPRequestHandler):
    server: "FixtureServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # keep pytest output clean
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        headers = {"Content-Length": str(len(body)), **(headers or {})}
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _drip(self, data: bytes, every: float) -> None:
        """Send ``data`` one byte at a time; ``server.dripped`` counts what got out before the
        client hung up."""
        self.close_connection = True
        for i in range(len(data)):
            try:
                self.wfile.write(data[i:i + 1])
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                break
            self.server.dripped = i + 1
            time.sleep(every)

    def _file(self, name: str) -> tuple[bytes, float] | None:
        path = os.path.join(self.server.root, os.path.basename(name))
        if not os.path.isfile(path):
            return None
        with open(path, "rb") as fh:
            return fh.read(), os.path.getmtime(path)

    def _serve(self, name: str, *, validators: bool = True, content_type: str = "application/octet-stream",
               disposition: str | None = None) -> None:
        found = self._file(name)
        if found is None:
            self._send(404, b"<html>not found</html>", {"Content-Type": "text/html"})
            return
        body, mtime = found
        headers = {"Content-Type": content_type}
        if disposition:
            headers["Content-Disposition"] = f'attachment; filename="{disposition}"'
        if validators:
            etag = '"' + hashlib.sha1(body).hexdigest() + '"'
            modified = email.utils.formatdate(int(mtime), usegmt=True)
            headers.update({"ETag": etag, "Last-Modified": modified})
            if self.headers.get("If-None-Match") == etag:
                self._send(304, b"", {"ETag": etag})
                return
            since = self.headers.get("If-Modified-Since")
            if since and not self.headers.get("If-None-Match"):
                parsed = email.utils.parsedate_to_datetime(since)
                if parsed and parsed.timestamp() >= int(mtime):
                    self._send(304, b"", {"Last-Modified": modified})
                    return
        self._send(200, body, headers)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.server.requests.append((self.path, dict(self.headers)))
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        kind, _, rest = path.lstrip("/").partition("/")
        fault = self.server.faults.get(rest) if kind == "files" else None
        if fault:  # the same URL that worked before now fails in this way
            kind, query = fault[0], {**query, **fault[1]}
            if kind == "status":
                rest = query["code"]
        if kind == "files":
            self._serve(rest)
        elif kind == "plain":
            self._serve(rest, validators=False)
        elif kind == "html-type":
            self._serve(rest, content_type="text/html; charset=utf-8")
        elif kind == "slow":
            time.sleep(min(float(query.get("delay", "1")), 3.0))
            try:
                self._serve(rest)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif kind == "status":
            code = int(rest or "500")
            self._send(code, f"<html><h1>{code}</h1></html>".encode(), {"Content-Type": "text/html"})
        elif kind == "truncated":
            found = self._file(rest)
            body = found[0] if found else b""
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif kind == "endless":
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                for _ in range(1024):
                    self.wfile.write(b"\0" * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif kind == "drip":
            found = self._file(rest)
            body = found[0] if found else b""
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self._drip(body, float(query.get("every", "0.05")))
        elif kind == "drip-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Padding: ")
            self._drip(b"a" * 100_000, float(query.get("every", "0.05")))
        elif kind == "redirect":
            self._send(302, b"", {"Location": query.get("to", "/")})
        elif kind == "loop":
            self._send(302, b"", {"Location": f"/loop/{int(rest or 0) + 1}"})
        elif kind == "gsheets":
            # /gsheets/d/<id>/export
            bits = rest.split("/")
            if len(bits) == 3 and bits[0] == "d" and bits[2] == "export":
                key = bits[1]
                if query.get("format") == "csv":
                    self._serve(f"gsheet-{key}-{query.get('gid', '0')}.csv", content_type="text/csv",
                                disposition=f"Lembar {key} - Sheet1.csv")
                else:
                    self._serve(f"gsheet-{key}.xlsx", disposition=f"Lembar {key}.xlsx")
            else:
                self._send(404, b"no such sheet")
        else:
            self._send(404, b"<html>not found</html>", {"Content-Type": "text/html"})


class FixtureServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.started = int(time.time()) - 100_000
        #: file name -> (route kind, query): make /files/<name> fail like /<kind>/<name>
        self.faults: dict[str, tuple[str, dict[str, str]]] = {}
        self.versions = 0
        self.dripped = 0  # bytes /drip sent before the client hung up

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def put(self, name: str, source: str | bytes | None = None) -> str:
        """Place a file in the served folder: bytes, or a fixture file name (default: ``name``)."""
        target = os.path.join(self.root, name)
        if isinstance(source, bytes):
            with open(target, "wb") as fh:
                fh.write(source)
        else:
            src = source or name
            for folder in (FIXTURES, SPREADSHEET_FIXTURES, STATISTIK_FIXTURES):
                if os.path.exists(os.path.join(folder, src)):
                    shutil.copyfile(os.path.join(folder, src), target)
                    break
            else:
                raise FileNotFoundError(src)
        # each new version looks newer to If-Modified-Since (which has second resolution)
        self.versions += 1
        stamp = self.started + 10 * self.versions
        os.utime(target, (stamp, stamp))
        return target

    def hits(self, fragment: str) -> list[tuple[str, dict[str, str]]]:
        return [r for r in self.requests if fragment in r[0]]


@pytest.fixture
def server(tmp_path: Any) -> Iterator[FixtureServer]:
    srv = FixtureServer(str(tmp_path))
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


# ---------------------------------------------------------------- CKAN side

SATU_DATA_DEFAULTS = {"frekuensi": "tahunan", "cakupan": "kecamatan", "tahun": "2024",
                      "notes": "Data contoh dari spreadsheet SKPD."}


@pytest.fixture
def harvest(portal: None, skpd_org: Any) -> Any:
    """Create a spreadsheet harvest source for an SKPD and run it synchronously."""
    import json

    import ckan.plugins.toolkit as tk

    from ckanext.bandaaceh.harvest.sources import run_source

    class Harness:
        def __init__(self) -> None:
            self.org = skpd_org(name="dinkes", title="Dinas Kesehatan")
            self.site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]

        def context(self) -> dict[str, Any]:
            return {"user": self.site_user, "ignore_auth": True}

        def source(self, entries: list[dict[str, Any]], defaults: dict[str, Any] | None = None,
                   name: str = "spreadsheet-dinkes", url: str = "http://127.0.0.1/dinkes",
                   auto_terbit: bool = True) -> dict[str, Any]:
            # auto_terbit: published at once (the walidata's part is tested in test_satudata_entry.py)
            config = {"entries": entries, "defaults": dict(SATU_DATA_DEFAULTS, **(defaults or {})),
                      "auto_terbit": auto_terbit}
            return tk.get_action("harvest_source_create")(self.context(), {
                "name": name, "title": name, "url": url, "source_type": "bandaaceh_spreadsheet",
                "owner_org": self.org["id"], "config": json.dumps(config)})

        def update_source(self, source: dict[str, Any], entries: list[dict[str, Any]],
                          defaults: dict[str, Any] | None = None, auto_terbit: bool = True) -> None:
            config = {"entries": entries, "defaults": dict(SATU_DATA_DEFAULTS, **(defaults or {})),
                      "auto_terbit": auto_terbit}
            tk.get_action("harvest_source_patch")(self.context(), {"id": source["id"], "config": json.dumps(config)})

        def run(self, source: dict[str, Any]) -> Any:
            return run_source(source["name"])

        def dataset(self, name: str) -> dict[str, Any]:
            return tk.get_action("package_show")(self.context(), {"id": name})

        def activities(self, name: str) -> int:
            # the harvester acts as the site user, whose activities are hidden by default
            return len(tk.get_action("package_activity_list")(
                self.context(), {"id": name, "limit": 100, "include_hidden_activity": True}))

        def table_oid(self, resource_id: str) -> int | None:
            """PostgreSQL object id of a DataStore table: a drop-and-create changes it."""
            import sqlalchemy as sa
            engine = sa.create_engine(tk.config["ckan.datastore.write_url"])
            try:
                with engine.connect() as conn:
                    return conn.execute(sa.text("SELECT to_regclass(:name)::oid"),
                                        {"name": f'public."{resource_id}"'}).scalar()
            finally:
                engine.dispose()

        def records(self, resource_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            """(fields without _id, records without _id) of a DataStore table."""
            res = tk.get_action("datastore_search")(self.context(), {"resource_id": resource_id, "limit": 1000})
            fields = [f for f in res["fields"] if f["id"] != "_id"]
            return fields, [{k: v for k, v in r.items() if k != "_id"} for r in res["records"]]

        def snapshot(self, name: str) -> dict[str, Any]:
            """Everything an unchanged or failed harvest must leave exactly as it was."""
            ds = self.dataset(name)
            tables = {}
            for res in ds["resources"]:
                if res.get("datastore_active"):
                    tables[res["id"]] = (self.table_oid(res["id"]), self.records(res["id"]))
            return {"dataset": ds, "activities": self.activities(name), "tables": tables}

    return Harness()
