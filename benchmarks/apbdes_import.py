#!/usr/bin/env python3
"""Benchmark: parse + check + normalise one budget year for every gampong of Banda Aceh.

Pure part: budgets of ~300 leaf lines for the 90 gampong are generated into a temporary folder
in a mix of layouts/formats (penjabaran xlsx/csv, peraturan xlsx, Siskeudes zip), then each file
goes through read_budget -> validate -> to_csv_bytes.

CKAN part (``--ckan-ini``): the same files are imported through the CKAN layer (action
``apbdes_import``: checks, dataset + both files, typed DataStore table, search index) for fiscal
year ``--year`` (default 2099, so that no real budget is touched; the datasets are purged again
unless ``--keep-datasets``). Needs the gampong organisations (``ckan bandaaceh seed``) and the
running services. Prints time, lines/s and the ratio CKAN import / pure parse+check+normalise
measured in the same run.

    PYTHONPATH=ckanext-bandaaceh python benchmarks/apbdes_import.py [--gampong 90] [--lines 300]
    .venv/bin/python benchmarks/apbdes_import.py --ckan-ini ckan.ini

``run()`` returns the figures as a dict, for callers that add the CKAN import step.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "ckanext-bandaaceh"))

from ckanext.bandaaceh.apbdes import has_errors, load_reference, read_budget, to_csv_bytes, validate  # noqa: E402


#: Kemendagri code of Banda Aceh: Siskeudes exports of other kab/kota are not generated.
CITY_PREFIX = "11.71."


def _fixture_module():
    path = REPO / "tests" / "fixtures" / "apbdes" / "make_fixtures.py"
    spec = importlib.util.spec_from_file_location("apbdes_make_fixtures", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def generate(folder: Path, n_gampong: int = 90, n_lines: int = 300, year: int = 2025,
             reference_dir: Path | None = None) -> list[tuple[Path, str, int]]:
    """Write one budget file per gampong (the first ``n_gampong`` of ``reference_dir``, default
    the repository's); return (path, kind, leaf count, area code)."""
    mf = _fixture_module()
    ref = load_reference(reference_dir or REPO / "config" / "reference")
    gampong = ref.gampong_list()[:n_gampong]
    out = []
    for i, area in enumerate(gampong):
        g = {"kode": area.kode, "nama": area.nama}
        spec = mf.random_spec(i, area.kode, area.nama, ref.areas[area.kode_induk].nama, year, n_lines)
        kind = ("penjabaran-xlsx", "penjabaran-xlsx", "siskeudes-zip", "peraturan-xlsx", "penjabaran-xlsx",
                "penjabaran-csv", "siskeudes-zip", "penjabaran-xlsx", "peraturan-xlsx", "penjabaran-xlsx")[i % 10]
        if kind == "siskeudes-zip" and not area.kode.startswith(CITY_PREFIX):
            # a Siskeudes export names its desa without the kab/kota (01.2001.): the reader puts the
            # city's prefix before it, so a synthetic kab/kota of province_scale.py gets an xlsx
            kind = "penjabaran-xlsx"
        stem = f"apbg-{g['kode']}-{year}"
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
        out.append((path, kind, len(spec.leaves), g["kode"]))
    return out


def run(n_gampong: int = 90, n_lines: int = 300, folder: Path | None = None, year: int = 2025) -> dict:
    """Generate inputs, then time parse + check + normalise; return the figures."""
    ref = load_reference(REPO / "config" / "reference")
    with tempfile.TemporaryDirectory(prefix="apbdes-bench-") as tmp:
        target = folder or Path(tmp)
        target.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        files = generate(target, n_gampong, n_lines, year)
        gen_s = time.perf_counter() - t0
        figures = time_pure(files, ref)
    return {"files": len(files), "generate_s": gen_s, **figures,
            "inputs": [(p, code) for p, _, _, code in files]}


def time_pure(files: list[tuple[Path, str, object, str]], ref) -> dict:
    """Time parse + check + normalise of generated ``files`` (:func:`generate`) with ``ref``."""
    per_kind: dict[str, list[float]] = {}
    t_parse = t_check = t_norm = 0.0
    leaves = lines = csv_bytes = 0
    failures = []
    for path, kind, _, _code in files:
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


def run_ckan(ini: str, inputs: list[tuple[Path, str]], year: int, keep: bool = False) -> dict:
    """Import every file through the CKAN layer (action ``apbdes_import``); return the figures."""
    import logging

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    logging.disable(logging.CRITICAL)
    app = make_app(load_config(ini))
    with app._wsgi_app.test_request_context():
        return run_ckan_in_app(inputs, year, keep)


def run_ckan_in_app(inputs: list[tuple[Path, str]], year: int, keep: bool = False) -> dict:
    """The import loop of :func:`run_ckan`, in a request context of an app already made."""
    from werkzeug.datastructures import FileStorage

    import ckan.plugins.toolkit as tk

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    names, lines, failures = [], 0, []
    t0 = time.perf_counter()
    for path, code in inputs:
        with open(path, "rb") as fh:
            try:
                r = tk.get_action("apbdes_import")({"user": site_user}, {
                    "upload": FileStorage(fh, filename=path.name), "gampong": code, "tahun": year})
            except tk.ValidationError as exc:
                failures.append((path.name, str(exc.error_dict)[:200]))
                continue
        names.append(r["dataset"]["name"])
        lines += int(r["dataset"]["jumlah_baris"])
    total = time.perf_counter() - t0
    if not keep:
        for name in names:
            tk.get_action("dataset_purge")({"user": site_user}, {"id": name})
    return {"datasets": len(names), "lines": lines, "total_s": total,
            "lines_per_s": lines / total if total else 0.0, "failures": failures}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gampong", type=int, default=90)
    ap.add_argument("--lines", type=int, default=300, help="leaf lines per budget (approximate)")
    ap.add_argument("--keep", type=Path, help="write the generated files here instead of a temp dir")
    ap.add_argument("--ckan-ini", help="also import the files through CKAN with this config (see above)")
    ap.add_argument("--year", type=int, help="fiscal year of the generated budgets (default 2025; 2099 with --ckan-ini)")
    ap.add_argument("--keep-datasets", action="store_true", help="with --ckan-ini: do not purge the datasets")
    args = ap.parse_args()
    year = args.year or (2099 if args.ckan_ini else 2025)
    with tempfile.TemporaryDirectory(prefix="apbdes-bench-files-") as tmp:
        folder = args.keep or Path(tmp)
        r = run(args.gampong, args.lines, folder, year)
        status = _report(r)
        if args.ckan_ini:
            c = run_ckan(args.ckan_ini, r["inputs"], year, args.keep_datasets)
            print(f"CKAN import ({c['datasets']} datasets, year {year}): {c['total_s']:.1f} s, "
                  f"{c['lines_per_s']:.0f} lines/s, {c['total_s'] / c['datasets'] if c['datasets'] else 0:.2f} s/gampong")
            print(f"ratio CKAN import / pure parse+check+normalise: {c['total_s'] / r['total_s']:.1f}x "
                  f"(pure {r['total_s']:.2f} s in the same run)")
            if c["failures"]:
                print(f"FAILED CKAN imports: {c['failures'][:3]}")
                status = 1
    return status


def _report(r: dict) -> int:
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
