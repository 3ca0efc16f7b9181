#!/usr/bin/env python3
"""Benchmark: parse + check + normalise one budget year for every gampong of Banda Aceh.

Pure part only (no CKAN): budgets of ~300 leaf lines for the 90 gampong are generated into a
temporary folder in a mix of layouts/formats (penjabaran xlsx/csv, peraturan xlsx, Siskeudes
zip), then each file goes through read_budget -> validate -> to_csv_bytes.

    PYTHONPATH=ckanext-bandaaceh python benchmarks/apbdes_import.py [--gampong 90] [--lines 300]

``run()`` returns the figures as a dict, for callers that add the CKAN import step.
"""
from __future__ import annotations

import argparse
import csv
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "ckanext-bandaaceh"))

from ckanext.bandaaceh.apbdes import has_errors, load_reference, read_budget, to_csv_bytes, validate  # noqa: E402


def _fixture_module():
    path = REPO / "tests" / "fixtures" / "apbdes" / "make_fixtures.py"
    spec = importlib.util.spec_from_file_location("apbdes_make_fixtures", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def generate(folder: Path, n_gampong: int = 90, n_lines: int = 300) -> list[tuple[Path, str, int]]:
    """Write one budget file per gampong; return (path, kind, leaf count)."""
    mf = _fixture_module()
    with open(REPO / "config" / "reference" / "wilayah-kota-banda-aceh.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    kec = {r["kode"]: r["nama"] for r in rows if r["tingkat"] == "kecamatan"}
    gampong = [r for r in rows if r["tingkat"] == "gampong"][:n_gampong]
    out = []
    for i, g in enumerate(gampong):
        spec = mf.random_spec(i, g["kode"], g["nama"], kec[g["kode_induk"]], 2025, n_lines)
        kind = ("penjabaran-xlsx", "penjabaran-xlsx", "siskeudes-zip", "peraturan-xlsx", "penjabaran-xlsx",
                "penjabaran-csv", "siskeudes-zip", "penjabaran-xlsx", "peraturan-xlsx", "penjabaran-xlsx")[i % 10]
        stem = f"apbg-{g['kode']}-2025"
        if kind == "penjabaran-xlsx":
            path = folder / f"{stem}.xlsx"
            mf.write_xlsx(path, mf.penjabaran_grid(spec))
        elif kind == "penjabaran-csv":
            path = folder / f"{stem}.csv"
            mf.write_csv(path, mf.penjabaran_grid(spec, text_amounts=True))
        elif kind == "peraturan-xlsx":
            path = folder / f"{stem}.xlsx"
            mf.write_xlsx(path, mf.peraturan_grid(spec))
        else:
            path = folder / f"{stem}.zip"
            mf.write_siskeudes_zip(path, mf.siskeudes_tables(spec))
        out.append((path, kind, len(spec.leaves)))
    return out


def run(n_gampong: int = 90, n_lines: int = 300, folder: Path | None = None) -> dict:
    """Generate inputs, then time parse + check + normalise; return the figures."""
    ref = load_reference(REPO / "config" / "reference")
    with tempfile.TemporaryDirectory(prefix="apbdes-bench-") as tmp:
        target = folder or Path(tmp)
        target.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        files = generate(target, n_gampong, n_lines)
        gen_s = time.perf_counter() - t0
        per_kind: dict[str, list[float]] = {}
        t_parse = t_check = t_norm = 0.0
        leaves = lines = csv_bytes = 0
        failures = []
        for path, kind, _ in files:
            a = time.perf_counter()
            budget = read_budget(path, reference=ref)
            b = time.perf_counter()
            problems = validate(budget, ref)
            c = time.perf_counter()
            data = to_csv_bytes(budget)
            d = time.perf_counter()
            t_parse += b - a
            t_check += c - b
            t_norm += d - c
            per_kind.setdefault(kind, []).append(d - a)
            leaves += len(budget.leaves)
            lines += len(budget.lines)
            csv_bytes += len(data)
            if has_errors(problems):
                failures.append((path.name, [p.code for p in problems if p.severity == "error"][:5]))
    total = t_parse + t_check + t_norm
    return {
        "files": len(files),
        "generate_s": gen_s,
        "parse_s": t_parse,
        "check_s": t_check,
        "normalise_s": t_norm,
        "total_s": total,
        "leaf_lines": leaves,
        "all_lines": lines,
        "leaf_lines_per_s": leaves / total if total else 0.0,
        "files_per_s": len(files) / total if total else 0.0,
        "csv_bytes": csv_bytes,
        "per_kind_ms": {k: 1000 * sum(v) / len(v) for k, v in sorted(per_kind.items())},
        "failures": failures,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gampong", type=int, default=90)
    ap.add_argument("--lines", type=int, default=300, help="leaf lines per budget (approximate)")
    ap.add_argument("--keep", type=Path, help="write the generated files here instead of a temp dir")
    args = ap.parse_args()
    r = run(args.gampong, args.lines, args.keep)
    print(f"generated {r['files']} files in {r['generate_s']:.1f} s (not counted)")
    print(f"parse {r['parse_s']:.2f} s | check {r['check_s']:.2f} s | normalise {r['normalise_s']:.2f} s"
          f" | total {r['total_s']:.2f} s")
    print(f"{r['leaf_lines']} leaf lines ({r['all_lines']} incl. headings), {r['csv_bytes'] / 1e6:.1f} MB CSV")
    print(f"throughput: {r['leaf_lines_per_s']:.0f} leaf lines/s, {r['files_per_s']:.1f} files/s")
    for kind, ms in r["per_kind_ms"].items():
        print(f"  {kind:16s} {ms:7.1f} ms/file")
    if r["failures"]:
        print(f"FAILED checks on {len(r['failures'])} generated files: {r['failures'][:3]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
