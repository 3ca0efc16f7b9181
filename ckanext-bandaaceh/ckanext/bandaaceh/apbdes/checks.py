"""Checks of a budget against the reference lists and its own stated totals.

Problem codes (stable; messages are in Bahasa Indonesia):

errors
    ``unknown_account`` (code not in the chart; a 4th-level objek needs a known jenis),
    ``unknown_kegiatan``, ``unknown_bidang``, ``sum_mismatch`` (a heading's stated amount is
    not the sum of the lines below it), ``total_mismatch`` (a ``JUMLAH ...``/surplus/netto row),
    ``silpa_mismatch``, ``missing_gampong``, ``unknown_gampong``, ``missing_year``, ``no_lines``,
    plus reader errors ``missing_code`` and ``invalid_amount``.
warnings
    ``unknown_sumber_dana``, ``realisasi_exceeds_anggaran``, ``missing_kegiatan``,
    ``hint_mismatch``, ``other_sheets_ignored``.
"""
from __future__ import annotations

from decimal import Decimal

from .model import Budget, BudgetLine, Problem, StatedTotal, ancestor_keys, format_rupiah, summarise
from ..reference import Reference
from ..reference import load_lists as load_reference

__all__ = ["Problem", "validate", "has_errors", "TOLERANCE", "STATED_LABELS"]

#: Differences smaller than this are rounding, not mismatches.
TOLERANCE = Decimal("0.01")

STATED_LABELS = {
    "pendapatan": "Jumlah pendapatan",
    "belanja": "Jumlah belanja",
    "surplus": "Surplus/(defisit)",
    "penerimaan_pembiayaan": "Jumlah penerimaan pembiayaan",
    "pengeluaran_pembiayaan": "Jumlah pengeluaran pembiayaan",
    "pembiayaan_netto": "Pembiayaan netto",
    "silpa": "SILPA",
}


def has_errors(problems: list[Problem]) -> bool:
    """True if any problem is an error."""
    return any(p.severity == "error" for p in problems)


def _label(line: BudgetLine) -> str:
    code = line.account or ""
    if line.kegiatan:
        code = line.kegiatan if code == "5" else f"{code} [{line.kegiatan}]"
    desc = f" {line.description}" if line.description else ""
    return f"{code}{desc}".strip()


def _check_account(line: BudgetLine, ref: Reference) -> Problem | None:
    code = line.account
    if not code:
        return Problem("error", "unknown_account", f"Baris {line.row}: kode rekening kosong.",
                       row=line.row, field="kode_rekening", found=code, sheet=line.sheet)
    parts = code.split(".")
    if len(parts) <= 3:
        if code in ref.rekening:
            return None
        msg = f"Baris {line.row}: kode rekening {code} tidak ada dalam bagan akun APBDes (Permendagri 20/2018)."
    else:
        parent = ".".join(parts[:3])
        if parent in ref.rekening:
            return None
        msg = (f"Baris {line.row}: kode rekening {code} tidak dikenal; jenis induknya {parent} "
               f"tidak ada dalam bagan akun APBDes (Permendagri 20/2018).")
    return Problem("error", "unknown_account", msg, row=line.row, field="kode_rekening", found=code, sheet=line.sheet)


def _check_kegiatan(line: BudgetLine, ref: Reference) -> Problem | None:
    code = line.kegiatan
    if not code:
        return None
    parts = code.split(".")
    if parts[0] not in ref.kegiatan:
        return Problem("error", "unknown_bidang",
                       f"Baris {line.row}: kode bidang {parts[0]} (dari {code}) tidak dikenal; bidang yang sah 01–05.",
                       row=line.row, field="kode_kegiatan", found=code, sheet=line.sheet)
    check = ".".join(parts[:3])
    if check not in ref.kegiatan:
        return Problem("error", "unknown_kegiatan",
                       f"Baris {line.row}: kode kegiatan {code} tidak ada dalam daftar bidang/sub bidang/kegiatan.",
                       row=line.row, field="kode_kegiatan", found=code, sheet=line.sheet)
    return None


def _differs(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) >= TOLERANCE


def validate(budget: Budget, reference: Reference | None = None) -> list[Problem]:
    """All problems of ``budget``: those found while reading plus the checks listed above."""
    ref = reference if reference is not None else load_reference()
    problems: list[Problem] = list(budget.problems)
    if not budget.kode_wilayah and not any(p.code == "unknown_gampong" for p in problems):
        problems.append(Problem("error", "missing_gampong", "Gampong tidak diketahui: berkas tidak menyebutkannya "
                                "dan tidak diberikan.", field="gampong"))
    if budget.tahun is None:
        problems.append(Problem("error", "missing_year", "Tahun anggaran tidak diketahui: berkas tidak menyebutkannya "
                                "dan tidak diberikan.", field="tahun"))
    leaves = [ln for ln in budget.lines if ln.is_leaf]
    if not leaves:
        problems.append(Problem("error", "no_lines", "Berkas tidak berisi baris anggaran."))

    # Per-line checks, and sums of leaves for every containing (account, kegiatan) key.
    agg: dict[tuple, list] = {}
    for ln in budget.lines:
        p = _check_account(ln, ref)
        if p:
            problems.append(p)
        if ln.account and ln.account.startswith("5"):
            p = _check_kegiatan(ln, ref)
            if p:
                problems.append(p)
        if not ln.is_leaf:
            continue
        if ln.account and ln.account.split(".")[0] == "5" and not ln.kegiatan:
            problems.append(Problem("warning", "missing_kegiatan",
                                    f"Baris {ln.row}: belanja {ln.account} tidak berada di bawah kegiatan mana pun.",
                                    row=ln.row, field="kode_kegiatan", sheet=ln.sheet))
        if ln.sumber_dana and not ref.is_known_sumber_dana(ln.sumber_dana):
            known = ", ".join(sorted(ref.sumber_dana))
            problems.append(Problem("warning", "unknown_sumber_dana",
                                    f"Baris {ln.row}: sumber dana '{ln.sumber_dana}' tidak dikenal (yang dikenal: {known}, ADG).",
                                    row=ln.row, field="sumber_dana", found=ln.sumber_dana, sheet=ln.sheet))
        if ln.realisasi is not None and ln.realisasi > ln.anggaran:
            problems.append(Problem("warning", "realisasi_exceeds_anggaran",
                                    f"Baris {ln.row}: realisasi {format_rupiah(ln.realisasi)} melebihi anggaran "
                                    f"{format_rupiah(ln.anggaran)} ({_label(ln)}).",
                                    row=ln.row, field="realisasi", expected=ln.anggaran, found=ln.realisasi,
                                    sheet=ln.sheet))
        if not ln.account:
            continue
        for key in ancestor_keys(ln.key):
            slot = agg.setdefault(key, [Decimal(0), Decimal(0), False])
            slot[0] += ln.anggaran
            if ln.realisasi is not None:
                slot[1] += ln.realisasi
                slot[2] = True

    for ln in budget.lines:
        if ln.is_leaf or ln.key not in agg:
            continue
        total_a, total_r, has_r = agg[ln.key]
        if _differs(ln.anggaran, total_a):
            problems.append(_sum_problem(ln, "anggaran", total_a, ln.anggaran))
        if ln.realisasi is not None and has_r and _differs(ln.realisasi, total_r):
            problems.append(_sum_problem(ln, "realisasi", total_r, ln.realisasi))

    summary = summarise(budget)
    for st in budget.stated:
        for which, stated in (("anggaran", st.anggaran), ("realisasi", st.realisasi)):
            if stated is None:
                continue
            computed = summary.stated_value(st.kind, which)
            if computed is None or not _differs(stated, computed):
                continue
            problems.append(_stated_problem(st, which, computed, stated))

    problems.sort(key=lambda p: (p.row is None, p.sheet or "", p.row or 0))
    return problems


def _sum_problem(ln: BudgetLine, which: str, expected: Decimal, found: Decimal) -> Problem:
    return Problem(
        "error",
        "sum_mismatch",
        f"Baris {ln.row}: {which} {_label(ln)} tertulis {format_rupiah(found)}, tetapi jumlah rinciannya "
        f"{format_rupiah(expected)} (selisih {format_rupiah(found - expected)}).",
        row=ln.row, field=which, expected=expected, found=found, sheet=ln.sheet,
    )


def _stated_problem(st: StatedTotal, which: str, expected: Decimal, found: Decimal) -> Problem:
    label = STATED_LABELS.get(st.kind, st.label)
    if st.kind == "silpa":
        code = "silpa_mismatch"
        how = "pendapatan − belanja + pembiayaan netto"
    else:
        code = "total_mismatch"
        how = "jumlah baris rinciannya"
    return Problem(
        "error",
        code,
        f"Baris {st.row}: {label} ({which}) tertulis {format_rupiah(found)}, tetapi {how} = "
        f"{format_rupiah(expected)} (selisih {format_rupiah(found - expected)}).",
        row=st.row, field=which, expected=expected, found=found, sheet=st.sheet,
    )
