"""Checks of a budget against the reference lists and its own stated totals.

Problem codes (stable; messages are in Bahasa Indonesia):

errors
    ``unknown_account`` (code not in the chart and its kelompok unknown too),
    ``unknown_bidang`` (a kegiatan whose bidang is not 01–05), ``sum_mismatch`` (a heading's
    stated amount is not the sum of the lines below it), ``total_mismatch`` (a
    ``JUMLAH ...``/surplus/netto row), ``silpa_mismatch``, ``change_mismatch`` (APBG-Perubahan:
    before + change is not after), ``missing_gampong``, ``unknown_gampong``, ``missing_year``,
    ``missing_period`` (a realisation report without period: pass ``periode``), ``no_lines``,
    plus reader errors ``missing_code``, ``invalid_amount``, ``summary_mismatch``.
warnings
    ``unlisted_kegiatan`` (a kegiatan in neither the national nor the city-local list, under a
    known bidang: summed under that bidang, named from the file; one warning per code),
    ``unlisted_account`` (an account whose jenis is not in the chart but whose kelompok is),
    ``unknown_sumber_dana``, ``realisasi_exceeds_anggaran``, ``missing_kegiatan``,
    ``hint_mismatch``, ``other_sheets_ignored``.

Order: errors before warnings; among errors those about the whole file (identity, period,
no lines) first, then by sheet and row. A mismatch of a total that follows from a smaller
one with the same difference (one bad row makes its kegiatan, bidang, JUMLAH BELANJA and SILPA
all wrong) is not listed on its own but in ``related`` of the first one.
"""
from __future__ import annotations

from decimal import Decimal

from .model import Budget, BudgetLine, Problem, StatedTotal, ancestor_keys, format_rupiah, summarise
from ..reference import Reference
from ..reference import load_lists as load_reference

__all__ = ["Problem", "validate", "has_errors", "order_problems", "unlisted_codes", "missing_period_problem", "larger_in_words",
           "TOLERANCE", "STATED_LABELS", "DECISIVE"]

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
    jenis, kelompok = ".".join(parts[:3]), ".".join(parts[:2])
    if jenis in ref.rekening:
        return None
    if len(parts) >= 3 and kelompok in ref.rekening:
        return Problem("warning", "unlisted_account",
                       f"Baris {line.row}: kode rekening {code} ('{line.description}') tidak ada dalam bagan akun "
                       f"APBDes; dihitung di bawah kelompok {kelompok} {ref.rekening[kelompok].nama}.",
                       row=line.row, field="kode_rekening", found=code, expected=line.description, sheet=line.sheet)
    if len(parts) <= 3:
        msg = f"Baris {line.row}: kode rekening {code} tidak ada dalam bagan akun APBDes (Permendagri 20/2018)."
    else:
        msg = (f"Baris {line.row}: kode rekening {code} tidak dikenal; jenis induknya {jenis} "
               f"tidak ada dalam bagan akun APBDes (Permendagri 20/2018).")
    return Problem("error", "unknown_account", msg, row=line.row, field="kode_rekening", found=code, sheet=line.sheet)


def _kegiatan_problems(budget: Budget, ref: Reference) -> list[Problem]:
    """One problem per kegiatan code the lists lack: ``unknown_bidang`` (error) when its bidang
    is unknown, else ``unlisted_kegiatan`` (warning; summed under the bidang). Rows are listed."""
    rows: dict[str, list[BudgetLine]] = {}
    for ln in budget.lines:
        if not ln.kegiatan or not (ln.account or "").startswith("5"):
            continue
        parts = ln.kegiatan.split(".")
        code = parts[0] if parts[0] not in ref.kegiatan else ".".join(parts[:3])
        if code not in ref.kegiatan:
            rows.setdefault(code, []).append(ln)
    out = []
    for code, lines in rows.items():
        first = lines[0]
        where = ", ".join(str(ln.row) for ln in lines[:8] if ln.row) + (" …" if len(lines) > 8 else "")
        if "." not in code:
            out.append(Problem(
                "error", "unknown_bidang",
                f"Baris {first.row}: kode bidang {code} (dari {first.kegiatan}) tidak dikenal; bidang yang sah "
                f"01–05 (baris {where}).",
                row=first.row, field="kode_kegiatan", found=first.kegiatan, sheet=first.sheet))
            continue
        parts = code.split(".")
        parent = next(p for p in (".".join(parts[:2]), parts[0]) if p in ref.kegiatan)
        name = budget.kegiatan_names.get(code) or next((ln.description for ln in lines if ln.description), "")
        out.append(Problem(
            "warning", "unlisted_kegiatan",
            f"Baris {first.row}: kode kegiatan {code} '{name}' tidak ada dalam daftar nasional maupun daftar "
            f"lokal Kota Banda Aceh; dihitung di bawah {parent} {ref.kegiatan[parent].nama} "
            f"(baris {where}). Jika kode ini sah, tambahkan ke config/reference/kegiatan-lokal-banda-aceh.csv.",
            row=first.row, field="kode_kegiatan", found=code, expected=name, sheet=first.sheet))
    return out


def unlisted_codes(problems: list[Problem]) -> list[dict[str, str | int | None]]:
    """The codes outside the reference lists that were accepted with a warning, for the operator:
    ``kode``, ``nama`` (as the file names it), ``jenis`` (``kegiatan``/``rekening``), ``baris``, ``sheet``."""
    out = []
    for p in problems:
        if p.code == "unlisted_kegiatan":
            out.append({"kode": p.found, "nama": p.expected or "", "jenis": "kegiatan", "baris": p.row, "sheet": p.sheet})
        elif p.code == "unlisted_account":
            out.append({"kode": p.found, "nama": p.expected or "", "jenis": "rekening", "baris": p.row, "sheet": p.sheet})
    return out


def larger_in_words(found: Decimal, expected: Decimal, found_label: str = "yang tertulis",
                    expected_label: str = "hasil penjumlahan") -> str:
    """``'yang tertulis lebih besar Rp 1.000.000 daripada hasil penjumlahan'`` (or lebih kecil)."""
    diff = found - expected
    word = "lebih besar" if diff > 0 else "lebih kecil"
    return f"{found_label} {word} {format_rupiah(abs(diff))} daripada {expected_label}"


def _differs(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) >= TOLERANCE


#: Problems about the whole file, said before any row: they decide whether anything can be published.
DECISIVE = ("unknown_gampong", "missing_gampong", "hint_mismatch", "missing_year", "missing_period", "no_lines")
#: Mismatches that can follow from one wrong row further down.
_CONSEQUENCES = ("sum_mismatch", "total_mismatch", "silpa_mismatch", "summary_mismatch")
#: Amount fields of a line/stated total checked against the sum of its lines: (attribute, label).
_AMOUNTS = (("anggaran", "anggaran"), ("realisasi", "realisasi"), ("anggaran_sebelum", "anggaran sebelum perubahan"))


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
    if budget.tahap == "realisasi" and not budget.periode:
        problems.append(missing_period_problem(budget))
    leaves = [ln for ln in budget.lines if ln.is_leaf]
    if not leaves:
        problems.append(Problem("error", "no_lines", "Berkas tidak berisi baris anggaran."))

    # Per-line checks, and sums of leaves for every containing (account, kegiatan) key.
    agg: dict[tuple, dict[str, Decimal]] = {}
    for ln in budget.lines:
        p = _check_account(ln, ref)
        if p:
            problems.append(p)
        if ln.anggaran_sebelum is not None and ln.perubahan is not None and _differs(
                ln.anggaran_sebelum + ln.perubahan, ln.anggaran):
            problems.append(_change_problem(ln))
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
            slot = agg.setdefault(key, {})
            for attr, _label_ in _AMOUNTS:
                value = getattr(ln, attr)
                if value is not None:
                    slot[attr] = slot.get(attr, Decimal(0)) + value
    problems.extend(_kegiatan_problems(budget, ref))

    for ln in budget.lines:
        if ln.is_leaf or ln.key not in agg:
            continue
        for attr, label in _AMOUNTS:
            stated, total = getattr(ln, attr), agg[ln.key].get(attr)
            if stated is not None and total is not None and _differs(stated, total):
                problems.append(_sum_problem(ln, label if attr != "anggaran" else "anggaran", total, stated))

    summary = summarise(budget)
    for st in budget.stated:
        for attr, label in _AMOUNTS:
            stated = getattr(st, attr)
            if stated is None:
                continue
            computed = summary.stated_value(st.kind, attr)
            if computed is None or not _differs(stated, computed):
                continue
            problems.append(_stated_problem(st, label, computed, stated))
    depth = {(ln.sheet, ln.row): ln.level + (ln.kegiatan or "").count(".") + bool(ln.kegiatan) for ln in budget.lines}
    return order_problems(problems, depth)


def order_problems(problems: list[Problem], depth: dict[tuple[str | None, int | None], int] | None = None) -> list[Problem]:
    """Decisive problems first, errors before warnings, then by sheet and row.

    Total mismatches with the same field and the same size of difference come from one wrong
    row: only the one on the deepest line (``depth`` of its (sheet, row): the kegiatan nearest
    the wrong row) is listed, the others go into its ``related``.
    """
    def rank(p: Problem) -> tuple:
        return (p.severity != "error", p.code not in DECISIVE, p.row is None, p.sheet or "", p.row or 0)

    depth = depth or {}
    groups: dict[tuple, list[Problem]] = {}
    out: list[Problem] = []
    for p in problems:
        if p.code in _CONSEQUENCES and isinstance(p.found, Decimal) and isinstance(p.expected, Decimal):
            groups.setdefault((p.field, abs(p.found - p.expected)), []).append(p)
        else:
            out.append(p)
    for group in groups.values():
        root = max(group, key=lambda p: (depth.get((p.sheet, p.row), 0), -(p.row or 0)))
        root.related.extend(sorted((p for p in group if p is not root), key=rank))
        out.append(root)
    return sorted(out, key=rank)


def missing_period_problem(budget: Budget) -> Problem:
    """``missing_period``: the file states no publishable period; names the parameter ``periode``."""
    said = budget.hints.get("periode_text")
    if said:
        msg = (f"Berkas menyebut periode '{said}', yang bukan semester-1 (s.d. 30 Juni) maupun tahunan "
               f"(s.d. 31 Desember); berikan periode laporan (parameter periode: semester-1 atau tahunan).")
    else:
        msg = ("Periode laporan realisasi tidak disebutkan di judul berkas (misalnya 'Semester I' atau "
               "'s.d. 31 Desember'); berikan periode laporan (parameter periode: semester-1 atau tahunan).")
    return Problem("error", "missing_period", msg, field="periode", found=said)


def _sum_problem(ln: BudgetLine, which: str, expected: Decimal, found: Decimal) -> Problem:
    return Problem(
        "error",
        "sum_mismatch",
        f"Baris {ln.row}: {which} {_label(ln)} tertulis {format_rupiah(found)}, tetapi jumlah rinciannya "
        f"{format_rupiah(expected)}: {larger_in_words(found, expected, 'yang tertulis', 'jumlah rinciannya')}.",
        row=ln.row, field=which, expected=expected, found=found, sheet=ln.sheet,
    )


def _change_problem(ln: BudgetLine) -> Problem:
    before, change = ln.anggaran_sebelum or Decimal(0), ln.perubahan or Decimal(0)
    return Problem(
        "error",
        "change_mismatch",
        f"Baris {ln.row}: {_label(ln)}: sebelum perubahan {format_rupiah(before)} ditambah perubahan "
        f"{format_rupiah(change)} = {format_rupiah(before + change)}, tetapi sesudah perubahan tertulis "
        f"{format_rupiah(ln.anggaran)}: "
        f"{larger_in_words(ln.anggaran, before + change, 'yang tertulis', 'sebelum + perubahan')}.",
        row=ln.row, field="perubahan", expected=before + change, found=ln.anggaran, sheet=ln.sheet,
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
        f"{format_rupiah(expected)}: {larger_in_words(found, expected, 'yang tertulis', 'hasil hitungan')}.",
        row=st.row, field=which, expected=expected, found=found, sheet=st.sheet,
    )
