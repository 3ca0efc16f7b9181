#!/usr/bin/env python3
"""Benchmark: do other pages keep their speed while a 500,000-row budget file is parsed?

    .venv/bin/python benchmarks/background_parse.py --token API_TOKEN [--url http://127.0.0.1:5000]
        [--gampong 11.71.01.2001] [--rows 500000] [--seconds 20] [--clients 2]
    .venv/bin/python benchmarks/background_parse.py [--ini ckan.ini]   # makes a token for `admin`

Against the running portal (`make portal`: gunicorn and the jobs worker, issue 10 item 2):

1. baseline: the read mix of ``serve_load.py`` (or, on a portal without the harvested samples, its
   pages and searches only) with CLIENTS clients for SECONDS seconds;
2. a generated, balanced penjabaran CSV of ROWS leaf lines (500,000: ~25 MB) is sent to
   ``apbdes_import`` with ``async=true`` and ``dry_run=true`` (nothing is published);
3. the same mix again while the jobs worker parses it (phases repeat until the job has finished;
   only phases that ended while it still ran count), then the job's time to ``done``.

Prints requests/s and p50/p95 per endpoint of each phase, then
``ratio p50 while parsing / baseline = N.Nx`` per endpoint and overall (median of the per-endpoint
ratios), and ``ratio requests/s while parsing / baseline``. No portal: it says so and exits 0.
Issue 10 measured 9-10x slower pages while the same parse ran inside a web request.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serve_load import Phase, action_url, build_mix, get_json, quantile, report, run_phase  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def pages_mix(base: str) -> list[tuple[str, str]]:
    """The mix without the dataset-specific requests (a portal without the harvested samples)."""
    year = time.gmtime().tm_year - 1
    return [("package_search", action_url(base, "package_search", q="*:*", rows=10)),
            ("apbdes_transparency", action_url(base, "apbdes_transparency", tahun=year)),
            ("/dataset/", f"{base}/dataset/"), ("/transparansi-apbg", f"{base}/transparansi-apbg?tahun={year}"),
            ("/organization/", f"{base}/organization/")]


def budget_csv(rows: int, year: int = 2025, amount: int = 1000) -> bytes:
    """A balanced penjabaran CSV of Gampong Kampung Baru with ``rows`` belanja leaf lines under one
    kegiatan (every stated total is the sum of its lines, SILPA 0)."""
    total = rows * amount
    head = ["PEMERINTAH KOTA BANDA ACEH", "KECAMATAN BAITURRAHMAN", "GAMPONG KAMPUNG BARU", "",
            "ANGGARAN PENDAPATAN DAN BELANJA GAMPONG (APBG)", f"TAHUN ANGGARAN {year}", "",
            "KODE REKENING;URAIAN;ANGGARAN (Rp);SUMBER DANA",
            f"4.;PENDAPATAN;{total};", f"4.2.;Pendapatan Transfer;{total};", f"4.2.1.;Dana Desa;{total};",
            f"4.2.1.01;Dana Desa 1;{total};DDS", f";JUMLAH PENDAPATAN;{total};", "",
            f"5.;BELANJA;{total};", f"02.;Bidang Pelaksanaan Pembangunan Desa;{total};",
            f"02.04.;Kawasan Permukiman;{total};",
            f"02.04.06.;Pemeliharaan Fasilitas Jamban Umum/MCK Umum dll;{total};"]
    body = (f"5.2.2.01. [02.04.06];Belanja jasa {i};{amount};DDS" for i in range(rows))
    tail = [f";JUMLAH BELANJA;{total};", ";SURPLUS / (DEFISIT);0;", ""]
    return ("\n".join([*head, *body, *tail]) + "\n").encode()


def post_multipart(url: str, token: str, fields: dict[str, str], filename: str, data: bytes) -> Any:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="{filename}"\r\n'
                 "Content-Type: text/csv\r\n\r\n".encode() + data + f"\r\n--{boundary}--\r\n".encode())
    req = urllib.request.Request(url, data=b"".join(parts), method="POST", headers={
        "Authorization": token, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(req, timeout=300) as r:
        return json.loads(r.read())


def job_state(base: str, token: str, job_id: str) -> dict[str, Any]:
    req = urllib.request.Request(action_url(base, "apbdes_import_status", job_id=job_id), headers={"Authorization": token})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())["result"]


def admin_token(ini: str) -> str:
    out = subprocess.run([str(REPO / ".venv" / "bin" / "ckan"), "-c", ini, "user", "token", "add", "admin",
                          "background-parse-benchmark"], capture_output=True, text=True, check=True).stdout
    return out.strip().splitlines()[-1].strip()


def p50s(phase: Phase) -> dict[str, float]:
    return {name: quantile(lat, 0.5) for name, lat in phase.latencies.items() if lat}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:5000")
    parser.add_argument("--token", help="API token of a sysadmin or of an operator of --gampong")
    parser.add_argument("--ini", help="without --token: make a token for user admin with this ini "
                                      "(default: the repository's ckan.ini, when there is one)")
    parser.add_argument("--gampong", default="11.71.01.2001", help="organisation name or area code")
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    parser.add_argument("--clients", type=int, default=2)
    args = parser.parse_args()
    base = args.url.rstrip("/")
    try:
        get_json(action_url(base, "status_show"), timeout=5)
    except OSError as e:
        print(f"background_parse: no portal answers at {base} ({e}); start it with `make portal`. Skipped.")
        return 0
    ini = args.ini or (str(REPO / "ckan.ini") if (REPO / "ckan.ini").exists() else None)
    token = args.token or (admin_token(ini) if ini else None)
    if not token:
        print("background_parse: give --token (or --ini ckan.ini to make one for admin). Skipped.")
        return 0
    try:
        mix = build_mix(base)
    except SystemExit as e:
        print(f"({e}; measuring pages and searches only)")
        mix = pages_mix(base)
    for _, url in mix:  # warm-up, not measured
        urllib.request.urlopen(url, timeout=60).read()
    print(f"background_parse against {base}: {len(mix)} endpoints, {args.clients} clients, {args.seconds:.0f} s per phase")
    before, t0 = run_phase(mix, args.clients, args.seconds)
    base_rate = report("baseline (no upload)", mix, before, t0)

    data = budget_csv(args.rows)
    print(f"\nuploading {args.rows:,} rows ({len(data) / 2**20:.1f} MiB) with async=true, dry_run=true")
    started = time.monotonic()
    answer = post_multipart(f"{base}/api/3/action/apbdes_import", token,
                            {"gampong": args.gampong, "tahun": "2025", "async": "true", "dry_run": "true"},
                            f"apbg-{args.rows}-baris.csv", data)["result"]
    print(f"  answered in {time.monotonic() - started:.2f} s: job {answer['job_id'][:12]}..., state {answer['state']}")
    loaded = Phase()
    seconds_loaded = 0.0
    state = job_state(base, token, answer["job_id"])
    while state["state"] not in ("done", "failed"):
        phase, t = run_phase(mix, args.clients, args.seconds)
        state = job_state(base, token, answer["job_id"])
        if state["state"] in ("done", "failed"):
            break  # this phase ended after the job: left out
        for name, lat in phase.latencies.items():
            loaded.latencies[name].extend(lat)
            loaded.errors[name].extend(phase.errors.get(name, []))
        seconds_loaded += t
    while state["state"] not in ("done", "failed"):  # pragma: no cover - only without phases
        time.sleep(1)
        state = job_state(base, token, answer["job_id"])
    job_seconds = time.monotonic() - started
    result = state.get("result") or {}
    print(f"  job {state['state']} after {job_seconds:.0f} s: {result.get('line_count', '?')} lines read, "
          f"{result.get('error_count', '?')} errors, {len(result.get('lines') or [])} lines and "
          f"{len(result.get('problems') or [])} problems returned (dry-run caps)")
    if not seconds_loaded:
        print("\nthe job finished within the first phase: use more --rows or fewer --seconds")
        return 0
    rate = report("while the worker parses", mix, loaded, seconds_loaded)
    b, w = p50s(before), p50s(loaded)
    ratios = []
    print()
    for name, _ in mix:
        if name in b and name in w:
            ratios.append(w[name] / b[name])
            print(f"  {name:<24} p50 {b[name] * 1000:6.0f} ms -> {w[name] * 1000:6.0f} ms  ({ratios[-1]:.1f}x)")
    print(f"\nratio p50 while parsing / baseline = {statistics.median(ratios):.1f}x (median over endpoints)")
    print(f"ratio requests/s while parsing / baseline = {rate / base_rate:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
