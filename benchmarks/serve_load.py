#!/usr/bin/env python3
"""Benchmark: bounded HTTP load on loopback against the running portal (`make portal`).

    .venv/bin/python benchmarks/serve_load.py [--url http://127.0.0.1:5000] [--seconds 20]
                                              [--clients 20]

Runs the documented mix of requests, first with 1 client, then with CLIENTS clients, each
phase for SECONDS seconds (a client sends its next request as soon as the previous one is
answered), and prints, per phase, requests/s, errors and p50/p95 per endpoint, then
``ratio 20 clients / 1 client = N.Nx`` (requests/s of the second phase over the first, the
baseline of the same run). Targets (issue 10): 0 errors, ratio at least 1.8 on 2 cores.

The mix: package_search with facets, package_show, apbdes_transparency, datastore_search,
/dataset/, /transparansi-apbg and /organization/. The dataset and the DataStore resource are
picked from the portal itself at start (the samples `make portal` harvests). Read-only: it
creates nothing. Stdlib only (threads + urllib). If no portal answers, it says so and exits 0,
so `make bench` without a running portal still completes. ``--exclude ENDPOINT`` leaves one
out (to see how the server scales apart from one expensive page).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

FACETS = json.dumps(["organization", "tags", "res_format", "jenis", "frekuensi"])


def get_json(url: str, timeout: float = 30) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.load(r)


def action_url(base: str, action: str, **params: Any) -> str:
    return f"{base}/api/3/action/{action}?{urllib.parse.urlencode(params)}"


def build_mix(base: str) -> list[tuple[str, str]]:
    """(endpoint name, URL) of every request of the mix, resolved against this portal."""
    found = get_json(action_url(base, "package_search", rows=1000, fl="id,name,num_resources"))
    datasets = found["result"]["results"]
    if not datasets:
        raise SystemExit(f"{base} has no datasets: run `make portal` (it harvests the samples)")
    name = datasets[0]["name"]
    resource_id = None
    for d in datasets:
        pkg = get_json(action_url(base, "package_show", id=d["id"]))["result"]
        active = [r["id"] for r in pkg.get("resources", []) if r.get("datastore_active")]
        if active:
            resource_id = active[0]
            break
    if resource_id is None:
        raise SystemExit(f"{base} has no DataStore resource yet (is the jobs worker running?)")
    year = time.gmtime().tm_year - 1
    return [
        ("package_search+facets", action_url(base, "package_search", q="*:*", rows=10,
                                             **{"facet.field": FACETS})),
        ("package_show", action_url(base, "package_show", id=name)),
        ("apbdes_transparency", action_url(base, "apbdes_transparency", tahun=year)),
        ("datastore_search", action_url(base, "datastore_search", resource_id=resource_id,
                                        limit=20)),
        ("/dataset/", f"{base}/dataset/"),
        ("/transparansi-apbg", f"{base}/transparansi-apbg?tahun={year}"),
        ("/organization/", f"{base}/organization/"),
    ]


class Phase:
    """Latencies and errors of one phase, per endpoint."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)

    def record(self, name: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[name].append(seconds)
            if error:
                self.errors[name].append(error)


def client(mix: list[tuple[str, str]], offset: int, deadline: float, phase: Phase) -> None:
    i = offset
    while time.monotonic() < deadline:
        name, url = mix[i % len(mix)]
        i += 1
        error = None
        start = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=60) as r:
                r.read()
        except urllib.error.HTTPError as e:
            error = f"HTTP {e.code}"
        except OSError as e:
            error = type(e).__name__
        phase.record(name, time.monotonic() - start, error)


def run_phase(mix: list[tuple[str, str]], clients: int, seconds: float) -> tuple[Phase, float]:
    phase = Phase()
    start = time.monotonic()
    deadline = start + seconds
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for c in range(clients):
            pool.submit(client, mix, c, deadline, phase)
    return phase, time.monotonic() - start


def quantile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def report(title: str, mix: list[tuple[str, str]], phase: Phase, elapsed: float) -> float:
    total = sum(len(v) for v in phase.latencies.values())
    errors = sum(len(v) for v in phase.errors.values())
    rate = total / elapsed
    print(f"\n{title}: {total} requests in {elapsed:.1f} s = {rate:.1f} requests/s, "
          f"{errors} errors")
    print(f"  {'endpoint':<24} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8}")
    for name, _ in mix:
        lat = phase.latencies.get(name, [])
        if not lat:
            print(f"  {name:<24} {0:>8}")
            continue
        errs = phase.errors.get(name, [])
        kinds = ", ".join(sorted(set(errs)))
        print(f"  {name:<24} {len(lat):>8} {len(errs):>6} {quantile(lat, 0.5) * 1000:>8.0f} "
              f"{quantile(lat, 0.95) * 1000:>8.0f}" + (f"  ({kinds})" if kinds else ""))
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:5000")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1,
                        help="run the 1-client and the N-client phase this many times, "
                             "alternating, and print the median ratio (other load on the "
                             "machine moves single runs)")
    parser.add_argument("--exclude", action="append", default=[], metavar="ENDPOINT",
                        help="leave an endpoint of the mix out (e.g. /organization/); repeatable")
    args = parser.parse_args()
    base = args.url.rstrip("/")
    try:
        get_json(action_url(base, "status_show"), timeout=5)
    except OSError as e:
        print(f"serve_load: no portal answers at {base} ({e}); start it with `make portal`. "
              "Skipped.")
        return 0
    mix = [(name, url) for name, url in build_mix(base) if name not in args.exclude]
    server = urllib.request.urlopen(f"{base}/").headers.get("Server", "?")
    print(f"serve_load against {base} (Server: {server}), {len(mix)} endpoints, "
          f"{args.seconds:.0f} s per phase")
    # Warm-up, not measured: every worker process and thread compiles its templates and
    # webassets and opens its connections once. One pass alone would leave the other
    # workers cold, and their first requests would slow the 1-client phase (inflating
    # the ratio).
    for _, url in mix:
        urllib.request.urlopen(url, timeout=60).read()
    run_phase(mix, args.clients, min(args.seconds, 5.0))
    ratios = []
    for run in range(1, args.repeat + 1):
        tag = f"run {run}/{args.repeat}, " if args.repeat > 1 else ""
        one, t1 = run_phase(mix, 1, args.seconds)
        base_rate = report(f"{tag}1 client", mix, one, t1)
        many, tn = run_phase(mix, args.clients, args.seconds)
        rate = report(f"{tag}{args.clients} clients", mix, many, tn)
        ratios.append(rate / base_rate)
        print(f"\nratio {args.clients} clients / 1 client = {ratios[-1]:.1f}x")
    if args.repeat > 1:
        print(f"\nratios {', '.join(f'{r:.1f}x' for r in ratios)}; "
              f"median ratio {args.clients} clients / 1 client = {statistics.median(ratios):.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
