"""Benchmark: read_workbook + extract_tables versus raw python-calamine and openpyxl's read-only mode.

    python benchmarks/read_workbook.py [--rows 100000] [--repeat 3] [--cache-dir /tmp/bandaaceh-bench]

Generates (once, into the cache dir) a workbook of ROWS x 10 mixed cells with
openpyxl's write-only mode, then, in this process, times

* ours: ``read_workbook`` (safety checks + python-calamine) + ``extract_tables``
  (header detection + typing into int/Decimal/date/str);
* calamine: python-calamine alone, ``CalamineWorkbook.from_path`` + ``to_python()``
  of every sheet (raw values: no safety checks, no header detection, no typing);
* openpyxl: ``load_workbook(read_only=True, data_only=True)`` iterating all values
  (untyped: no header detection, no Decimal conversion, nothing kept);

each the best of ``--repeat`` runs, ours and calamine taking turns (this machine's speed drifts by
a third from one second to the next: a plain Python loop measured 0.19-0.33 s over 20 runs; taking
turns puts both readers in the same fast and slow spells, where timing one after the other could
give one of them all the slow ones), and prints
"ratio ours/calamine = N.Nx" and "ratio ours/openpyxl = N.Nx", and what our time is made
of: the safety checks alone (``check_container``, run before calamine sees the file) and
the rest of our layer (cleaning, header detection, typing). The default, 100,000
rows x 10 columns, is the 1,000,000-cell benchmark. Then it measures peak memory (max RSS of a
fresh subprocess, which includes calamine's Rust allocations) for a one-million-cell
sheet (peak resident set size, VmHWM, Linux): interpreter + imports only
(baseline), ours, openpyxl streaming, and openpyxl keeping all rows.
Figures are printed, never asserted.
"""
from __future__ import annotations

import argparse
import datetime
import os
import random
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "ckanext-bandaaceh"))

KECAMATAN = ["Baiturrahman", "Kuta Alam", "Meuraxa", "Syiah Kuala", "Lueng Bata", "Kuta Raja", "Banda Raya", "Jaya Baru", "Ulee Kareng"]


def generate(path: str, rows: int) -> None:
    """Write a ROWS x 10 workbook: title rows, a header, mixed numbers/text/dates."""
    import openpyxl

    rnd = random.Random(1)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    ws.append(["PEMERINTAH KOTA BANDA ACEH"])
    ws.append([f"Data Benchmark {rows} Baris Tahun 2024"])
    ws.append([])
    ws.append(["No", "Kecamatan", "Gampong", "Laki-laki", "Perempuan", "Jumlah", "Anggaran", "Realisasi", "Persen", "Tanggal"])
    start = datetime.date(2024, 1, 1)
    for i in range(rows):
        lk, pr = rnd.randint(100, 5000), rnd.randint(100, 5000)
        ws.append([
            i + 1,
            rnd.choice(KECAMATAN),
            f"Gampong {rnd.randint(1, 90)}",
            lk,
            pr,
            lk + pr,
            rnd.randint(10**6, 10**9),
            round(rnd.random() * 10**8, 2),
            f"{rnd.random() * 100:.2f}".replace(".", ","),  # Indonesian decimal text
            start + datetime.timedelta(days=i % 365),
        ])
    tmp = path + ".part"
    wb.save(tmp)
    os.replace(tmp, path)


def ensure(cache_dir: str, rows: int) -> str:
    os.makedirs(cache_dir, exist_ok=True)
    path = os.path.join(cache_dir, f"bench_{rows}x10.xlsx")
    if not os.path.exists(path):
        t = time.perf_counter()
        print(f"generating {path} ...", flush=True)
        generate(path, rows)
        print(f"  generated in {time.perf_counter() - t:.1f} s", flush=True)
    return path


def run_ours(path: str) -> tuple[int, int]:
    from ckanext.bandaaceh.spreadsheet import extract_tables, read_workbook

    wb = read_workbook(path)
    cells = rows = 0
    for sheet in wb.sheets:
        for table in extract_tables(sheet, filename=wb.filename):
            rows += len(table.rows)
            cells += len(table.rows) * len(table.columns)
    return rows, cells


def run_calamine(path: str) -> tuple[int, int]:
    import python_calamine as pc

    book = pc.CalamineWorkbook.from_path(path)
    cells = rows = 0
    for name in book.sheet_names:
        grid = book.get_sheet_by_name(name).to_python()
        rows += len(grid)
        cells += sum(map(len, grid))
    return rows, cells


def run_openpyxl(path: str) -> tuple[int, int]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    cells = rows = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            rows += 1
            for _ in row:
                cells += 1
    wb.close()
    return rows, cells


def run_openpyxl_kept(path: str) -> int:
    """openpyxl read-only, keeping every row (what a table builder has to hold)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    kept = [list(row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]
    wb.close()
    return len(kept)


def run_checks(path: str) -> tuple[int, int]:
    """The safety checks alone: format detection and ``check_container`` (zip limits, DTDs, extents)."""
    from ckanext.bandaaceh.spreadsheet import detect_format
    from ckanext.bandaaceh.spreadsheet.safety import check_container

    with open(path, "rb") as fh:
        data = fh.read()
    check_container(data, detect_format(data, path), os.path.basename(path), max_cells=5_000_000)
    return 0, 0


def timed(fn, path: str, repeat: int = 1) -> tuple[float, tuple[int, int]]:
    """Best wall time of ``repeat`` runs, and the result."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn(path)
        best = min(best, time.perf_counter() - t)
    return best, result


def timed_in_turn(fns, path: str, repeat: int) -> list[tuple[float, tuple[int, int]]]:
    """Best wall time of ``repeat`` runs of each function, the functions taking turns, and its result."""
    best = [float("inf")] * len(fns)
    results: list[tuple[int, int]] = [(0, 0)] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            t = time.perf_counter()
            results[i] = fn(path)
            best[i] = min(best[i], time.perf_counter() - t)
    return list(zip(best, results))


def cpu_timed_in_turn(fns, path: str, repeat: int) -> list[float]:
    """Best process CPU time of ``repeat`` runs of each function, the functions taking turns."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            t = time.process_time()
            fn(path)
            best[i] = min(best[i], time.process_time() - t)
    return best


def cpu_timed(fn, path: str, repeat: int = 1) -> float:
    """Best process CPU time of ``repeat`` runs (steadier than wall time on a busy machine)."""
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        fn(path)
        best = min(best, time.process_time() - t)
    return best


_CHILD = r"""
import sys
sys.path.insert(0, {src!r})
which, path = sys.argv[1], sys.argv[2]
import openpyxl, python_calamine
from ckanext.bandaaceh.spreadsheet import extract_tables, read_workbook
sys.path.insert(0, {bench!r})
import read_workbook as bench
if which == "ours":
    bench.run_ours(path)
elif which == "calamine":
    bench.run_calamine(path)
elif which == "calamine_load":
    book = python_calamine.CalamineWorkbook.from_path(path)
    sheet = book.get_sheet_by_index(0)
elif which == "openpyxl":
    bench.run_openpyxl(path)
elif which == "openpyxl_kept":
    bench.run_openpyxl_kept(path)
# VmHWM, not ru_maxrss: the latter carries the parent's size across fork+exec
with open("/proc/self/status") as f:
    print(next(line.split()[1] for line in f if line.startswith("VmHWM:")))
"""


def peak_rss_mb(which: str, path: str) -> float:
    code = _CHILD.format(src=os.path.join(ROOT, "ckanext-bandaaceh"), bench=os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", code, which, path], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024  # VmHWM is in KiB


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=7, help="best of N runs")
    ap.add_argument("--cache-dir", default=os.path.join("/tmp", "bandaaceh-bench"))
    ap.add_argument("--skip-openpyxl", action="store_true", help="time only our reader")
    ap.add_argument("--skip-memory", action="store_true")
    args = ap.parse_args()

    path = ensure(args.cache_dir, args.rows)
    size = os.path.getsize(path)
    print(f"workbook: {path} ({size / 2**20:.1f} MiB, {args.rows:,} rows x 10 cols)")

    (t_ours, (rows, cells)), (t_cal, (crows, ccells)) = timed_in_turn((run_ours, run_calamine), path, args.repeat)
    print(f"ours     read_workbook + extract_tables: {t_ours:6.2f} s  ({rows:,} typed rows, {cells:,} cells)")
    print(f"calamine from_path + to_python (raw):    {t_cal:6.2f} s  ({crows:,} rows, {ccells:,} cells)")
    print(f"ratio ours/calamine = {t_ours / t_cal:.1f}x")
    print(f"  (to two decimals: {t_ours / t_cal:.2f})")
    c_ours, c_cal = cpu_timed_in_turn((run_ours, run_calamine), path, args.repeat)
    c_checks = cpu_timed(run_checks, path, args.repeat)
    print(f"cpu time: ours {c_ours:.2f} s, calamine {c_cal:.2f} s; cpu ratio ours/calamine = {c_ours / c_cal:.2f}x")
    print(f"  of ours: safety checks {c_checks:.2f} s ({c_checks / c_cal:.2f}x calamine), "
          f"cleaning + tables + typing {max(c_ours - c_cal - c_checks, 0):.2f} s "
          f"({max(c_ours - c_cal - c_checks, 0) / c_cal:.2f}x calamine)")
    if not args.skip_openpyxl:
        t_opx, (rows, cells) = timed(run_openpyxl, path)
        print(f"openpyxl read_only iterate all values:   {t_opx:6.2f} s  ({rows:,} rows, {cells:,} cells)")
        print(f"ratio ours/openpyxl = {t_ours / t_opx:.2f}x  (openpyxl takes {t_opx / t_ours:.1f}x our time)")

    if not args.skip_memory:
        mpath = ensure(args.cache_dir, 100_000)  # 100,000 x 10 = one million cells
        base = peak_rss_mb("baseline", mpath)
        ours = peak_rss_mb("ours", mpath)
        cal = peak_rss_mb("calamine", mpath)
        load = peak_rss_mb("calamine_load", mpath)
        opx = peak_rss_mb("openpyxl", mpath)
        kept = peak_rss_mb("openpyxl_kept", mpath)
        print("peak memory (VmHWM of a fresh process, 1,000,000-cell sheet):")
        print(f"  baseline (python + imports) {base:7.1f} MiB")
        print(f"  ours                        {ours:7.1f} MiB  (+{ours - base:.1f} MiB)")
        print(f"  python-calamine alone       {cal:7.1f} MiB  (+{cal - base:.1f} MiB, raw to_python grid)")
        print(f"  python-calamine, parse only {load:7.1f} MiB  (+{load - base:.1f} MiB, sheet loaded, no Python values)")
        print(f"  openpyxl read_only          {opx:7.1f} MiB  (+{opx - base:.1f} MiB, streams, keeps nothing)")
        print(f"  openpyxl read_only, kept    {kept:7.1f} MiB  (+{kept - base:.1f} MiB, all rows kept as lists)")
        print(f"peak memory ours over the interpreter = +{ours - base:.1f} MiB "
              f"(raw python-calamine: +{cal - base:.1f} MiB)")
        print("  (ours keeps the raw grid and the typed table; its peak is usually calamine parsing the sheet)")


if __name__ == "__main__":
    main()
