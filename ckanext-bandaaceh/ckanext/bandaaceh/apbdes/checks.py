"""Checks of a budget against the reference lists and its own stated totals.

Problem codes (stable; messages are templates: Indonesian msgids marked with ``N_`` and their
params, worded in the request's language by :meth:`Problem.text`):

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
from ..spreadsheet import N_, Phrase
from ..reference import load_lists as load_reference

__all__ = ["Problem", "validate", "has_errors", "order_problems", "unlisted_codes", "missing_period_problem", "larger_in_words",
           "TOLERANCE", "STATED_LABELS", "DECISIVE", "SIDE_WRITTEN", "SIDE_SUM"]

#: Differences smaller than this are rounding, not mismatches.
TOLERANCE = Decimal("0.01")

#: Names of the stated totals (msgids; :func:`stated_label` gives one as a message param).
STATED_LABELS = {
    "pendapatan": N_("Jumlah pendapatan"),
    "belanja": N_("Jumlah belanja"),
    "surplus": N_("Surplus/(defisit)"),
    "penerimaan_pembiayaan": N_("Jumlah penerimaan pembiayaan"),
    "pengeluaran_pembiayaan": N_("Jumlah pengeluaran pembiayaan"),
    "pembiayaan_netto": N_("Pembiayaan netto"),
    "silpa": N_("SILPA"),
}

#: Sides of a comparison (:func:`larger_in_words`), msgids.
SIDE_WRITTEN = N_("yang tertulis")
SIDE_SUM = N_("hasil penjumlahan")
_SIDE_DETAIL = N_("jumlah rinciannya")
_SIDE_BEFORE_CHANGE = N_("sebelum + perubahan")
_SIDE_COMPUTED = N_("hasil hitungan")
_LARGER = N_("{found_label} lebih besar {amount} daripada {expected_label}")
_SMALLER = N_("{found_label} lebih kecil {amount} daripada {expected_label}")


def stated_label(st: StatedTotal) -> Phrase | str:
    """The name of a stated total: ours (translatable) for a known kind, else the file's label."""
    return Phrase(STATED_LABELS[st.kind]) if st.kind in STATED_LABELS else st.label


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
        return Problem.of("error", "unknown_account", N_("Baris {row}: kode rekening kosong."), {"row": line.row},
                          row=line.row, field="kode_rekening", found=code, sheet=line.sheet)
    parts = code.split(".")
    jenis, kelompok = ".".join(parts[:3]), ".".join(parts[:2])
    if jenis in ref.rekening:
        return None
    if len(parts) >= 3 and kelompok in ref.rekening:
        return Problem.of("warning", "unlisted_account", N_(
            "Baris {row}: kode rekening {code} ('{description}') tidak ada dalam bagan akun APBDes; dihitung di "
            "bawah kelompok {kelompok} {kelompok_name}."),
            {"row": line.row, "code": code, "description": line.description, "kelompok": kelompok,
             "kelompok_name": ref.rekening[kelompok].nama},
            row=line.row, field="kode_rekening", found=code, expected=line.description, sheet=line.sheet)
    if len(parts) <= 3:
        msg = N_("Baris {row}: kode rekening {code} tidak ada dalam bagan akun APBDes (Permendagri 20/2018).")
    else:
        msg = N_("Baris {row}: kode rekening {code} tidak dikenal; jenis induknya {jenis} tidak ada dalam bagan "
                 "akun APBDes (Permendagri 20/2018).")
    return Problem.of("error", "unknown_account", msg, {"row": line.row, "code": code, "jenis": jenis},
                      row=line.row, field="kode_rekening", found=code, sheet=line.sheet)


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
            out.append(Problem.of(
                "error", "unknown_bidang",
                N_("Baris {row}: kode bidang {code} (dari {kegiatan}) tidak dikenal; bidang yang sah 01–05 "
                   "(baris {rows})."),
                {"row": first.row, "code": code, "kegiatan": first.kegiatan, "rows": where},
                row=first.row, field="kode_kegiatan", found=first.kegiatan, sheet=first.sheet))
            continue
        parts = code.split(".")
        parent = next(p for p in (".".join(parts[:2]), parts[0]) if p in ref.kegiatan)
        name = budget.kegiatan_names.get(code) or next((ln.description for ln in lines if ln.description), "")
        out.append(Problem.of(
            "warning", "unlisted_kegiatan",
            N_("Baris {row}: kode kegiatan {code} '{name}' tidak ada dalam daftar nasional maupun daftar lokal "
               "Kota Banda Aceh; dihitung di bawah {parent} {parent_name} (baris {rows}). Jika kode ini sah, "
               "tambahkan ke config/reference/kegiatan-lokal-banda-aceh.csv."),
            {"row": first.row, "code": code, "name": name, "parent": parent, "parent_name": ref.kegiatan[parent].nama,
             "rows": where},
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


def larger_in_words(found: Decimal, expected: Decimal, found_label: str = SIDE_WRITTEN,
                    expected_label: str = SIDE_SUM) -> Phrase:
    """``yang tertulis lebih besar Rp 1.000.000 daripada hasil penjumlahan`` (or lebih kecil) as a
    message param; the side labels are msgids (``N_``), worded with the message."""
    diff = found - expected
    return Phrase(_LARGER if diff > 0 else _SMALLER, {
        "found_label": Phrase(found_label), "amount": format_rupiah(abs(diff)), "expected_label": Phrase(expected_label)})


def _differs(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) >= TOLERANCE


#: Problems about the whole file, said before any row: they decide whether anything can be published.
DECISIVE = ("unknown_gampong", "missing_gampong", "hint_mismatch", "missing_year", "missing_period", "no_lines")
#: Mismatches that can follow from one wrong row further down.
_CONSEQUENCES = ("sum_mismatch", "total_mismatch", "silpa_mismatch", "summary_mismatch")
#: Amount fields of a line/stated total checked against the sum of its lines: (attribute, label).
#: The label is the problem's ``field`` and, as a msgid, the word in its message.
_AMOUNTS = (("anggaran", N_("anggaran")), ("realisasi", N_("realisasi")),
            ("anggaran_sebelum", N_("anggaran sebelum perubahan")))


def validate(budget: Budget, reference: Reference | None = None) -> list[Problem]:
    """All problems of ``budget``: those found while reading plus the checks listed above."""
    ref = reference if reference is not None else load_reference()
    problems: list[Problem] = list(budget.problems)
    if not budget.kode_wilayah and not any(p.code == "unknown_gampong" for p in problems):
        problems.append(Problem.of("error", "missing_gampong", N_(
            "Gampong tidak diketahui: berkas tidak menyebutkannya dan tidak diberikan."), field="gampong"))
    if budget.tahun is None:
        problems.append(Problem.of("error", "missing_year", N_(
            "Tahun anggaran tidak diketahui: berkas tidak menyebutkannya dan tidak diberikan."), field="tahun"))
    if budget.tahap == "realisasi" and not budget.periode:
        problems.append(missing_period_problem(budget))
    leaves = [ln for ln in budget.lines if ln.is_leaf]
    if not leaves:
        problems.append(Problem.of("error", "no_lines", N_("Berkas tidak berisi baris anggaran.")))

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
            problems.append(Problem.of("warning", "missing_kegiatan",
                                       N_("Baris {row}: belanja {account} tidak berada di bawah kegiatan mana pun."),
                                       {"row": ln.row, "account": ln.account},
                                       row=ln.row, field="kode_kegiatan", sheet=ln.sheet))
        if ln.sumber_dana and not ref.is_known_sumber_dana(ln.sumber_dana):
            known = ", ".join(sorted(ref.sumber_dana))
            problems.append(Problem.of("warning", "unknown_sumber_dana",
                                       N_("Baris {row}: sumber dana '{sumber_dana}' tidak dikenal (yang dikenal: "
                                          "{known}, ADG)."),
                                       {"row": ln.row, "sumber_dana": ln.sumber_dana, "known": known},
                                       row=ln.row, field="sumber_dana", found=ln.sumber_dana, sheet=ln.sheet))
        if ln.realisasi is not None and ln.realisasi > ln.anggaran:
            problems.append(Problem.of("warning", "realisasi_exceeds_anggaran",
                                       N_("Baris {row}: realisasi {realisasi} melebihi anggaran {anggaran} ({line})."),
                                       {"row": ln.row, "realisasi": format_rupiah(ln.realisasi),
                                        "anggaran": format_rupiah(ln.anggaran), "line": _label(ln)},
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
                problems.append(_sum_problem(ln, label, total, stated))

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
        msg = N_("Berkas menyebut periode '{said}', yang bukan semester-1 (s.d. 30 Juni) maupun tahunan "
                 "(s.d. 31 Desember); berikan periode laporan (parameter periode: semester-1 atau tahunan).")
    else:
        msg = N_("Periode laporan realisasi tidak disebutkan di judul berkas (misalnya 'Semester I' atau "
                 "'s.d. 31 Desember'); berikan periode laporan (parameter periode: semester-1 atau tahunan).")
    return Problem.of("error", "missing_period", msg, {"said": said} if said else {}, field="periode", found=said)


def _sum_problem(ln: BudgetLine, which: str, expected: Decimal, found: Decimal) -> Problem:
    return Problem.of(
        "error",
        "sum_mismatch",
        N_("Baris {row}: {which} {line} tertulis {found}, tetapi jumlah rinciannya {expected}: {comparison}."),
        {"row": ln.row, "which": Phrase(which), "line": _label(ln), "found": format_rupiah(found),
         "expected": format_rupiah(expected), "comparison": larger_in_words(found, expected, SIDE_WRITTEN, _SIDE_DETAIL)},
        row=ln.row, field=which, expected=expected, found=found, sheet=ln.sheet,
    )


def _change_problem(ln: BudgetLine) -> Problem:
    before, change = ln.anggaran_sebelum or Decimal(0), ln.perubahan or Decimal(0)
    return Problem.of(
        "error",
        "change_mismatch",
        N_("Baris {row}: {line}: sebelum perubahan {before} ditambah perubahan {change} = {after}, tetapi sesudah "
           "perubahan tertulis {stated}: {comparison}."),
        {"row": ln.row, "line": _label(ln), "before": format_rupiah(before), "change": format_rupiah(change),
         "after": format_rupiah(before + change), "stated": format_rupiah(ln.anggaran),
         "comparison": larger_in_words(ln.anggaran, before + change, SIDE_WRITTEN, _SIDE_BEFORE_CHANGE)},
        row=ln.row, field="perubahan", expected=before + change, found=ln.anggaran, sheet=ln.sheet,
    )


def _stated_problem(st: StatedTotal, which: str, expected: Decimal, found: Decimal) -> Problem:
    if st.kind == "silpa":
        code = "silpa_mismatch"
        how = N_("pendapatan − belanja + pembiayaan netto")
    else:
        code = "total_mismatch"
        how = N_("jumlah baris rinciannya")
    return Problem.of(
        "error",
        code,
        N_("Baris {row}: {label} ({which}) tertulis {found}, tetapi {how} = {expected}: {comparison}."),
        {"row": st.row, "label": stated_label(st), "which": Phrase(which), "found": format_rupiah(found),
         "how": Phrase(how), "expected": format_rupiah(expected),
         "comparison": larger_in_words(found, expected, SIDE_WRITTEN, _SIDE_COMPUTED)},
        row=st.row, field=which, expected=expected, found=found, sheet=st.sheet,
    )
