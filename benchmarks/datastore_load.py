#!/usr/bin/env python3
"""Benchmark: our DataStore loader against plain PostgreSQL COPY of the same rows, in one run.

Ours: ``ckanext.bandaaceh.datastore.load_table`` for 100,000 rows x 6 typed columns (text, text,
int8, numeric, numeric, date): the DataStore's own ``create_table`` under a staging name, COPY
of the rows, the DataStore full-text column filled once, the DataStore's indexes and trigger,
then the switch (drop the old table, rename, record count, ANALYZE) in one transaction: what
publishing a budget or a harvested table does, minus the CKAN metadata update.
Baseline: ``COPY`` of the same rows, as a CSV file, into a plain table with the same column
types on the same DataStore write connection (psycopg2 ``copy_expert``).

Prints the seconds of both, the phases of ours and ``ratio ours/COPY = N.Nx`` (best of
``--repeat`` runs each, interleaved). Needs a CKAN ini whose DataStore database may be written
(the tables it creates are dropped again):

    .venv/bin/python benchmarks/datastore_load.py --ckan-ini ckan.ini [--rows 100000]
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import logging
import random
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "ckanext-bandaaceh"))

FIELDS = [
    {"id": "kode", "type": "text"}, {"id": "uraian", "type": "text"}, {"id": "tahun", "type": "int8"},
    {"id": "anggaran", "type": "numeric"}, {"id": "realisasi", "type": "numeric"}, {"id": "tanggal", "type": "date"},
]
WORDS = ("belanja pegawai honor operasional pemerintahan gampong jalan irigasi kesehatan posyandu "
         "pembangunan drainase pelatihan kader pengadaan").split()


def rows(n: int) -> list[tuple]:
    rnd = random.Random(9)
    out = []
    for i in range(n):
        out.append((f"5.{i % 4 + 1}.{i % 7 + 1}.{i % 13 + 1:02d}", " ".join(rnd.choices(WORDS, k=5)), 2020 + i % 6,
                    Decimal(rnd.randint(0, 10**9)), Decimal(rnd.randint(0, 10**9)) / 100,
                    dt.date(2025, 1 + i % 12, 1 + i % 28)))
    return out


def as_csv(data: list[tuple]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([f["id"] for f in FIELDS])
    w.writerows(data)
    return buf.getvalue().encode("utf-8")


def plain_copy(engine, payload: bytes) -> float:
    import sqlalchemy as sa
    name = f"bench_plain_{uuid.uuid4().hex}"
    cols = ", ".join(f'"{f["id"]}" {f["type"]}' for f in FIELDS)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE TABLE "{name}" ({cols})'))
    try:
        t0 = time.perf_counter()
        with engine.begin() as conn:
            cur = conn.connection.cursor()
            cur.copy_expert(f'COPY "{name}" FROM STDIN WITH (FORMAT csv, HEADER true)', io.BytesIO(payload))
            cur.close()
        return time.perf_counter() - t0
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP TABLE IF EXISTS "{name}"'))


def ours(datastore, engine, data: list[tuple], timings: dict[str, float]) -> float:
    import sqlalchemy as sa
    rid = str(uuid.uuid4())
    try:
        t0 = time.perf_counter()
        count = datastore.load_table(rid, datastore.Table([dict(f) for f in FIELDS], data), timings)
        elapsed = time.perf_counter() - t0
        assert count == len(data), count
        return elapsed
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP TABLE IF EXISTS "{rid}"'))
            conn.execute(sa.text("DELETE FROM _table_stats WHERE resource_id = :rid"), {"rid": rid})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ckan-ini", default=str(REPO / "ckan.ini"))
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not Path(args.ckan_ini).exists():
        print(f"skipped: no CKAN config {args.ckan_ini} (make portal writes it, or pass --ckan-ini)")
        return 0
    logging.disable(logging.CRITICAL)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    make_app(load_config(args.ckan_ini))
    from ckanext.bandaaceh import datastore
    from ckanext.datastore.backend.postgres import get_write_engine

    engine = get_write_engine()
    data = rows(args.rows)
    payload = as_csv(data)
    base, mine, phases = [], [], []
    for _ in range(args.repeat):
        base.append(plain_copy(engine, payload))
        timings: dict[str, float] = {}
        mine.append(ours(datastore, engine, data, timings))
        phases.append(timings)
    best = min(range(args.repeat), key=lambda i: mine[i])
    print(f"{args.rows} rows x {len(FIELDS)} columns, {len(payload) / 1e6:.1f} MB CSV, best of {args.repeat}")
    print(f"baseline: plain COPY into a plain table   {min(base):.2f} s")
    print(f"ours: datastore.load_table                {mine[best]:.2f} s  ("
          + ", ".join(f"{k} {v:.2f} s" for k, v in phases[best].items()) + ")")
    print(f"ratio ours/COPY = {mine[best] / min(base):.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
