"""Workbooks whose budget is spread over several sheets.

Clerks often keep one sheet per section (Pendapatan, Belanja, Pembiayaan) and a summary sheet
("Ringkasan", "Rekapitulasi"). Every sheet with a budget table is read; sheets holding only
totals (section and bidang lines, or named like a summary) are *summary* sheets, the rest
*detail* sheets. Detail sheets covering different sections are joined into one budget; a
detail sheet repeating sections already read is ignored (``other_sheets_ignored``). Each line
of a summary sheet, and each total it states, is checked against the joined detail lines
(``summary_mismatch``). A file with summary sheets only is refused (``no_detail_lines``): a
budget is never published from its totals.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Sequence

from ..spreadsheet.errors import N_, Phrase
from .checks import TOLERANCE, larger_in_words, stated_label
from .errors import BudgetReadError
from .layouts import Header, read_table_layout
from .model import Budget, BudgetLine, Problem, format_rupiah, mark_leaves, summarise
from .codes import is_within
from ..reference import Reference

__all__ = ["SUMMARY_SHEET", "is_summary_part", "read_sheets"]

#: Sheet names of summary sheets.
SUMMARY_SHEET = re.compile(r"ringkas|rekap|ikhtisar|resume|summary|total", re.I)


def is_summary_part(name: str, part: Budget) -> bool:
    """True for a sheet holding totals only: every line at akun/kelompok level (``4``, ``6.1``)
    or a bidang heading (``01``), or a sheet named like a summary without objek lines."""
    if not part.lines:
        return bool(SUMMARY_SHEET.search(name)) and bool(part.stated)
    shallow = all((ln.account or "").count(".") <= 1 and (ln.kegiatan or "").count(".") == 0 for ln in part.lines)
    if shallow:
        return True
    return bool(SUMMARY_SHEET.search(name)) and not any((ln.account or "").count(".") >= 3 for ln in part.lines)


def _sections(part: Budget) -> set[str]:
    return {(ln.account or "").split(".")[0] for ln in part.lines if ln.account}


def read_sheets(found: Sequence[tuple[Any, Header]], budget: Budget, reference: Reference | None) -> None:
    """Fill ``budget`` from the sheets in ``found`` (sheet, header), joining detail sheets."""
    parts: list[tuple[str, Budget]] = []
    for sheet, header in found:
        part = Budget(source_file=budget.source_file, layout=header.layout)
        read_table_layout(sheet.rows, header, part, reference, sheet=sheet.name)
        parts.append((sheet.name, part))
    if len(parts) == 1 and not is_summary_part(*parts[0]):
        _join(budget, [parts[0][1]])
        return
    summaries = [(n, p) for n, p in parts if is_summary_part(n, p)]
    details = [(n, p) for n, p in parts if not is_summary_part(n, p)]
    if not details:
        names = ", ".join(f"'{n}'" for n, _ in summaries)
        raise BudgetReadError(
            "no_detail_lines",
            N_("Berkas hanya berisi ringkasan (sheet {names}: jumlah per bagian/bidang); baris rincian "
               "(kode rekening objek per kegiatan) tidak ditemukan. APBG tidak diterbitkan dari angka total: "
               "unggah berkas yang memuat rinciannya."),
            params={"names": names}, sheet=summaries[0][0] if summaries else None)
    used: list[Budget] = []
    ignored: list[str] = []
    covered: set[str] = set()
    for name, part in details:
        sections = _sections(part)
        if used and (sections & covered or not sections):
            ignored.append(name)
            continue
        used.append(part)
        covered |= sections
    _join(budget, used)
    for name, part in summaries:
        budget.hints.update({k: v for k, v in part.hints.items() if k not in budget.hints})
        budget.problems.extend(_check_summary(budget, name, part))
    if ignored:
        first = details[0][0]
        others = ", ".join(f"'{n}'" for n in ignored)
        budget.problems.append(Problem.of(
            "warning", "other_sheets_ignored",
            N_("Sheet {others} mengulang bagian anggaran yang sudah dibaca dari sheet '{first}' dan diabaikan."),
            {"others": others, "first": first}, sheet=first, found=others))


def _join(budget: Budget, parts: list[Budget]) -> None:
    budget.layout = budget.layout or parts[0].layout
    for part in parts:
        budget.lines.extend(part.lines)
        budget.stated.extend(part.stated)
        budget.problems.extend(part.problems)
        for k, v in part.kegiatan_names.items():
            budget.kegiatan_names.setdefault(k, v)
        for k, v in part.hints.items():
            budget.hints.setdefault(k, v)
    mark_leaves(budget.lines)


def _total(budget: Budget, account: str, kegiatan: str | None) -> Decimal:
    return sum((ln.anggaran for ln in budget.lines if ln.is_leaf and is_within(ln.account, account)
                and (kegiatan is None or is_within(ln.kegiatan, kegiatan))), Decimal(0))


def _mismatch(sheet: str, row: int | None, what: str | Phrase, stated: Decimal, computed: Decimal) -> Problem:
    return Problem.of(
        "error", "summary_mismatch",
        N_("Baris {row}: {what} di sheet ringkasan '{sheet}' tertulis {stated}, tetapi rincian di sheet lain "
           "berjumlah {computed}: {comparison}."),
        {"row": row, "what": what, "sheet": sheet, "stated": format_rupiah(stated), "computed": format_rupiah(computed),
         "comparison": larger_in_words(stated, computed, N_("ringkasan"), N_("rinciannya"))},
        row=row, sheet=sheet, field="anggaran", expected=computed, found=stated)


def _check_summary(budget: Budget, sheet: str, part: Budget) -> list[Problem]:
    out: list[Problem] = []
    for ln in part.lines:
        if not ln.account:
            continue
        kegiatan = ln.kegiatan if ln.account == "5" else None
        computed = _total(budget, ln.account, kegiatan)
        if abs(computed - ln.anggaran) >= TOLERANCE:
            out.append(_mismatch(sheet, ln.row, _what(ln), ln.anggaran, computed))
    summary = summarise(budget)
    for st in part.stated:
        computed = summary.stated_value(st.kind)
        if st.anggaran is not None and computed is not None and abs(computed - st.anggaran) >= TOLERANCE:
            out.append(_mismatch(sheet, st.row, stated_label(st), st.anggaran, computed))
    return out


def _what(ln: BudgetLine) -> str:
    code = ln.kegiatan if ln.account == "5" and ln.kegiatan else ln.account
    return f"{code} {ln.description}".strip()
