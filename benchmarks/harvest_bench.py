#!/usr/bin/env python3
"""Benchmark: harvest 50 SKPD spreadsheets, then harvest them again unchanged.

    .venv/bin/python benchmarks/harvest_bench.py [--files 50] [--rows 300] [--ckan-ini test.ini]

Generates FILES spreadsheets (xlsx with two sheets, and csv, ROWS rows each) into a temporary
folder, serves them from a local HTTP server on 127.0.0.1 (Python's http.server: Last-Modified
and If-Modified-Since), creates a throw-away SKPD organisation and one spreadsheet harvest source
listing them all, and times, in this process, with the real stack (PostgreSQL, Solr, DataStore,
filestore) of ``--ckan-ini``:

1. the first harvest (download, read, CSV + original uploads, DataStore tables, search index);
2. an unchanged re-harvest (conditional requests answered 304 Not Modified);
3. an unchanged re-harvest from a server that ignores conditional requests (content hash only).

and prints each re-harvest as a ratio of the first one (target: <= 5%). The organisation,
source, datasets and DataStore tables are purged at the end. Figures are printed, never asserted.
Reading speed against openpyxl is benchmarks/read_workbook.py.
"""
from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KECAMATAN = ["Baiturrahman", "Kuta Alam", "Meuraxa", "Syiah Kuala", "Lueng Bata", "Kuta Raja",
             "Banda Raya", "Jaya Baru", "Ulee Kareng"]
ORG = "bench-panen-spreadsheet"


def generate(folder: str, files: int, rows: int) -> list[str]:
    """Write the spreadsheets; every fifth one is a CSV, the others xlsx with two sheets."""
    import openpyxl

    rnd = random.Random(4)
    names = []
    for i in range(files):
        if i % 5 == 4:
            name = f"data-{i:02d}.csv"
            with open(os.path.join(folder, name), "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh, delimiter=";")
                w.writerow(["Kecamatan", "Gampong", "Jumlah", "Persentase"])
                for r in range(rows):
                    w.writerow([rnd.choice(KECAMATAN), f"Gampong {r % 90}", rnd.randint(1, 9000),
                                f"{rnd.random() * 100:.2f}".replace(".", ",")])
        else:
            name = f"data-{i:02d}.xlsx"
            wb = openpyxl.Workbook(write_only=True)
            ws = wb.create_sheet("Data")
            ws.append([f"Data Contoh {i} Tahun 2024"])
            ws.append([])
            ws.append(["No", "Kecamatan", "Laki-laki", "Perempuan", "Jumlah", "Anggaran (Rp)", "Tanggal"])
            start = datetime.date(2024, 1, 1)
            for r in range(rows):
                lk, pr = rnd.randint(100, 5000), rnd.randint(100, 5000)
                ws.append([r + 1, rnd.choice(KECAMATAN), lk, pr, lk + pr, rnd.randint(10**6, 10**10),
                           start + datetime.timedelta(days=r % 365)])
            ws2 = wb.create_sheet("Rekap")
            ws2.append(["Kecamatan", "Jumlah"])
            for kec in KECAMATAN:
                ws2.append([kec, rnd.randint(1000, 90000)])
            wb.save(os.path.join(folder, name))
        names.append(name)
    return names


class _Handler(SimpleHTTPRequestHandler):
    conditional = True

    def log_message(self, *args: Any) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        if not type(self).conditional:
            del self.headers["If-Modified-Since"]
        return super().send_head()

    def send_header(self, keyword: str, value: str) -> None:
        if keyword == "Last-Modified" and not type(self).conditional:
            return
        super().send_header(keyword, value)


def _ckan_ready(ini: str) -> None:
    """Databases (for test.ini: scripts/ckan-setup.sh test) and the migrations the harvester
    needs, all idempotent."""
    if os.path.abspath(ini) == os.path.join(ROOT, "test.ini"):
        subprocess.run([os.path.join(ROOT, "scripts", "ckan-setup.sh"), "test"], check=True,
                       stdout=subprocess.DEVNULL)
    ckan = os.path.join(os.path.dirname(sys.executable), "ckan")
    for args in (["db", "upgrade"], ["db", "upgrade", "-p", "activity"], ["db", "upgrade", "-p", "harvest"]):
        subprocess.run([ckan, "-c", ini, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _purge(tk: Any, ctx: Any, source_name: str) -> None:
    try:
        src = tk.get_action("harvest_source_show")(ctx(), {"id": source_name})
    except tk.ObjectNotFound:
        src = None
    org = None
    try:
        org = tk.get_action("organization_show")(ctx(), {"id": ORG, "include_datasets": False})
    except tk.ObjectNotFound:
        pass
    if org:
        found = tk.get_action("package_search")(ctx(), {"fq": f"owner_org:{org['id']}", "rows": 1000,
                                                       "include_private": True, "include_drafts": True})
        for pkg in found["results"]:
            for res in pkg.get("resources", []):
                try:
                    tk.get_action("datastore_delete")(ctx(), {"resource_id": res["id"], "force": True})
                except (tk.ObjectNotFound, tk.ValidationError):
                    pass
    if src:
        tk.get_action("harvest_source_delete")(ctx(), {"id": src["id"], "clear": True})  # deactivates it
    if org:  # whatever is left: harvested datasets (also deleted ones) and the source dataset
        found = tk.get_action("package_search")(ctx(), {"fq": f"owner_org:{org['id']}", "rows": 1000,
                                                       "include_private": True, "include_drafts": True,
                                                       "include_deleted": True})
        for pkg in found["results"]:
            tk.get_action("dataset_purge")(ctx(), {"id": pkg["id"]})
    if src:
        try:
            tk.get_action("dataset_purge")(ctx(), {"id": src["id"]})
        except tk.ObjectNotFound:
            pass
    if org:
        tk.get_action("organization_purge")(ctx(), {"id": org["id"]})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--ckan-ini", default=os.path.join(ROOT, "test.ini"))
    args = parser.parse_args()

    _ckan_ready(args.ckan_ini)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(args.ckan_ini))
    import ckan.plugins.toolkit as tk

    from ckanext.bandaaceh.harvest.sources import run_source

    tmp = tempfile.TemporaryDirectory(prefix="harvest-bench-")
    names = generate(tmp.name, args.files, args.rows)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=tmp.name))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    source_name = f"spreadsheet-{ORG}"

    with app._wsgi_app.test_request_context():
        tk.config["bandaaceh.harvest.allowed_hosts"] = f"127.0.0.1:{server.server_address[1]}"
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]

        def ctx() -> dict[str, Any]:
            return {"user": site_user, "ignore_auth": True}

        _purge(tk, ctx, source_name)
        org = tk.get_action("organization_create")(ctx(), {"name": ORG, "title": "Benchmark Pemanen", "jenis": "dinas"})
        entries = [{"url": f"{base}/{n}", "name": f"bench-panen-{i:02d}", "title": f"Benchmark Panen {i:02d}",
                    "notes": "Data benchmark pemanen spreadsheet."} for i, n in enumerate(names)]
        config = {"defaults": {"frekuensi": "tahunan", "cakupan": "kecamatan", "tahun": "2024"}, "entries": entries}
        tk.get_action("harvest_source_create")(ctx(), {
            "name": source_name, "title": "Benchmark", "url": f"{base}/", "source_type": "bandaaceh_spreadsheet",
            "owner_org": org["id"], "config": json.dumps(config)})
        try:
            size = sum(os.path.getsize(os.path.join(tmp.name, n)) for n in names)
            print(f"{len(names)} spreadsheets ({args.rows} rows each, {size / 2**20:.1f} MiB) from {base}")
            t0 = time.perf_counter()
            first = run_source(source_name)
            t_first = time.perf_counter() - t0
            print(f"first harvest:                     {t_first:7.2f} s  ({first.summary()})")

            t0 = time.perf_counter()
            again = run_source(source_name)
            t_again = time.perf_counter() - t0
            print(f"unchanged re-harvest (304):        {t_again:7.2f} s  ({again.summary()})")

            _Handler.conditional = False
            t0 = time.perf_counter()
            hashed = run_source(source_name)
            t_hash = time.perf_counter() - t0
            print(f"unchanged re-harvest (hash only):  {t_hash:7.2f} s  ({hashed.summary()})")
            print(f"ratio re-harvest/first = {100 * t_again / t_first:.1f}% (304), "
                  f"{100 * t_hash / t_first:.1f}% (hash only); target <= 5%")
            print(f"per spreadsheet: first {1000 * t_first / len(names):.0f} ms, "
                  f"unchanged {1000 * t_again / len(names):.0f} ms (304), {1000 * t_hash / len(names):.0f} ms (hash)")
        finally:
            _purge(tk, ctx, source_name)
            server.shutdown()
            tmp.cleanup()


if __name__ == "__main__":
    main()
