"""Readers for the spreadsheet layouts ``penjabaran``, ``realisasi`` and ``peraturan``.

All three are a table with a header row (found among the first rows, after title rows)
whose columns are recognised by their labels:

- ``penjabaran``: KODE | URAIAN | ANGGARAN | SUMBER DANA; bidang/sub bidang/kegiatan
  heading rows (``01``, ``01.01``, ``01.01.01``) followed by account rows
  (``5.2.1.01`` or ``5.1.1.01. [01.01.01]``).
- ``realisasi``: [KODE] | URAIAN | ANGGARAN | REALISASI | LEBIH/(KURANG) | %; the code may
  share the URAIAN cell (``4.2.1 Dana Desa``).
- ``peraturan``: KODE REKENING split over several columns (``4 | 1 | 1 | 01``), two-row
  merged headers and a numbered-column row (``1 2 3 4 5``) under the header.

Rows without a code are title/signature rows, section labels (``PENDAPATAN``), or stated
totals (``JUMLAH PENDAPATAN``, ``SURPLUS/(DEFISIT)``, ``PEMBIAYAAN NETTO``, ``SILPA``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Sequence

from ..spreadsheet import N_, Phrase, parse_number
from .codes import CodeInfo, normalise_sumber_dana, parse_code, split_code_text
from .model import Budget, BudgetLine, Problem, StatedTotal, mark_leaves
from .period import find_period
from ..reference import Reference

__all__ = ["Header", "find_header", "read_table_layout", "parse_title_hints"]

HEADER_SCAN_ROWS = 40


def cell_text(value: Any) -> str | None:
    """Cell as stripped text (None for blanks)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (date, datetime)):
        value = value.isoformat()
    text = " ".join(str(value).split())
    return text or None


def _norm(text: str | None) -> str:
    if not text:
        return ""
    return re.sub(r"\s+", " ", re.sub(r"[^0-9A-Z%]+", " ", text.upper())).strip()


def header_role(text: str | None) -> str | None:
    """Role of a header label: code, uraian, anggaran, anggaran_setelah, sebelum, realisasi, ..."""
    h = _norm(text)
    if not h:
        return None
    words = h.split()
    if "SUMBER" in words:
        return "sumber"
    if "REALISASI" in words:
        return "realisasi"
    if words[0] in ("KODE", "KD") or h in ("NO REK", "NOMOR REKENING", "REKENING"):
        return "code"
    if "URAIAN" in words or h in ("NAMA", "NAMA REKENING", "NAMA AKUN"):
        return "uraian"
    if "LEBIH" in words or "KURANG" in words or "SELISIH" in words or "BERTAMBAH" in words or "SISA" in words:
        return "selisih"
    if "%" in h or words[0] == "PERSEN" or words[0] == "PERSENTASE":
        return "persen"
    if "SEBELUM" in words:
        return "sebelum"
    if "SETELAH" in words or "SESUDAH" in words:
        return "anggaran_setelah"
    if words[0] in ("ANGGARAN", "JUMLAH", "PAGU", "NILAI", "TOTAL"):
        return "anggaran"
    if words[0] == "KETERANGAN":
        return "keterangan"
    if h in ("NO", "NOMOR", "NO URUT"):
        return "no"
    return None


_NUMBERING_CELL = re.compile(r"^\(?(\d{1,2})\)?\s*(?:=.*)?$")
#: Words of sub-header rows under merged headers (KELUARAN: VOLUME | SATUAN, ANGGARAN: SEBELUM | SESUDAH).
_SUBHEADER_WORDS = {"VOLUME", "VOL", "SATUAN", "HARGA", "KELUARAN", "SEBELUM", "SESUDAH", "SETELAH", "PERUBAHAN",
                    "RP", "BERTAMBAH", "BERKURANG", "MURNI", "TAMBAH", "KURANG", "OUTPUT"}


def _is_numbering_row(row: Sequence[Any]) -> bool:
    """True for the ``1 2 3 4 5`` row under a header (also ``(1) (2)``, ``6 = (3 x 5)``)."""
    nums = []
    for v in row:
        t = cell_text(v)
        if t is None:
            continue
        m = _NUMBERING_CELL.match(t)
        if not m:
            return False
        nums.append(int(m.group(1)))
    if len(nums) < 3 or nums[0] != 1:
        return False
    return all(b in (a, a + 1) for a, b in zip(nums, nums[1:]))


@dataclass
class Header:
    """Where the table is in a sheet and what its columns mean (0-based indices)."""

    row: int
    data_start: int
    code_cols: list[int] = field(default_factory=list)
    uraian: int | None = None
    anggaran: int | None = None
    realisasi: int | None = None
    sumber: int | None = None
    #: APBG-Perubahan: amount before the change, and the change (BERTAMBAH/(BERKURANG)).
    sebelum: int | None = None
    selisih: int | None = None
    #: Normalised texts of the header rows, to recognise a header repeated on a later page.
    labels: frozenset[str] = frozenset()

    @property
    def layout(self) -> str:
        if self.realisasi is not None:
            return "realisasi"
        if len(self.code_cols) >= 2:
            return "peraturan"
        return "penjabaran"


def _roles_of(rows: list[Sequence[Any]], width: int) -> list[str | None]:
    roles: list[str | None] = []
    for c in range(width):
        texts: list[str] = []
        for r in rows:
            t = cell_text(r[c]) if c < len(r) else None
            if t and t not in texts:
                texts.append(t)
        role = header_role(" ".join(texts))
        if role is None:
            role = next((r for r in map(header_role, reversed(texts)) if r), None)
        roles.append(role)
    return roles


def find_header(rows: list[Sequence[Any]]) -> Header | None:
    """Find the header row among the first rows of a sheet, or None."""
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        roles = [header_role(cell_text(v)) for v in row]
        if "uraian" not in roles or not {"anggaran", "anggaran_setelah", "realisasi", "sebelum"} & set(roles):
            continue
        # Take up to two continuation rows (sub labels under merged headers).
        hdr_rows = [row]
        j = i + 1
        while j < len(rows) and j <= i + 2 and not _is_numbering_row(rows[j]):
            nxt = rows[j]
            texts = [cell_text(v) for v in nxt]
            if not any(texts):
                break
            has_amount = any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in nxt)
            code_like = any(t and parse_code(t) for t in texts)
            label_like = any(header_role(t) or _is_subheader(t) for t in texts if t) or any(
                t and t == cell_text(row[c]) for c, t in enumerate(texts) if c < len(row)
            )
            if has_amount or code_like or not label_like:
                break
            hdr_rows.append(nxt)
            j += 1
        # blank rows (under merged headers read without repeated values) and the 1 2 3 ... row
        k = j
        while k < len(rows) and k <= j + 2 and (not any(v is not None for v in rows[k]) or _is_numbering_row(rows[k])):
            k += 1
            if _is_numbering_row(rows[k - 1]):
                j = k
        width = max(len(r) for r in hdr_rows)
        roles = _roles_of(hdr_rows, width)
        h = Header(row=i, data_start=j)
        h.code_cols = [c for c, r in enumerate(roles) if r == "code"]
        h.uraian = roles.index("uraian") if "uraian" in roles else None
        if "anggaran_setelah" in roles:
            h.anggaran = roles.index("anggaran_setelah")
        elif "anggaran" in roles:
            h.anggaran = roles.index("anggaran")
        h.realisasi = roles.index("realisasi") if "realisasi" in roles else None
        h.sumber = roles.index("sumber") if "sumber" in roles else None
        if "sebelum" in roles and h.realisasi is None:
            h.sebelum = roles.index("sebelum")
            h.selisih = roles.index("selisih") if "selisih" in roles else None
            if h.anggaran == h.sebelum:
                h.anggaran = None
        h.labels = frozenset(_norm(t) for r in rows[i:j] for t in map(cell_text, r) if t)
        # "KODE REKENING" merged over several columns without repeated values:
        if len(h.code_cols) == 1 and h.uraian is not None and h.uraian > h.code_cols[0] + 1:
            gap = range(h.code_cols[0] + 1, h.uraian)
            if all(roles[c] is None for c in gap):
                h.code_cols = [h.code_cols[0], *gap]
        if h.uraian is None or (h.anggaran is None and h.realisasi is None and h.sebelum is None):
            continue
        return h
    return None


def _is_subheader(text: str | None) -> bool:
    words = _norm(text).split()
    return bool(words) and all(w in _SUBHEADER_WORDS for w in words)


def is_header_furniture(row: Sequence[Any], header: Header) -> bool:
    """A numbered-column row, a sub-header row or the header repeated (pdf pages), anywhere."""
    if _is_numbering_row(row):
        return True
    texts = [t for t in map(cell_text, row) if t]
    if len(texts) < 2:
        return False
    for t in texts:
        if _norm(t) in header.labels or _is_subheader(t):
            continue
        return False
    return True


# --- title hints ------------------------------------------------------------------------

_YEAR_TA = re.compile(r"\b(?:TAHUN ANGGARAN|T ?A)\s+((?:19|20)\d\d)\b")
_YEAR = re.compile(r"\bTAHUN\s+((?:19|20)\d\d)\b")


def parse_title_hints(texts: list[str], reference: Reference | None, footer: list[str] | None = None) -> dict[str, Any]:
    """Extract gampong/kecamatan/year/stage/period from title (and signature) texts."""
    hints: dict[str, Any] = {}
    title = " | ".join(_norm(t) for t in texts if t)
    m = _YEAR_TA.search(title) or _YEAR.search(title)
    if m:
        hints["tahun"] = int(m.group(1))
    if "PERUBAHAN" in title:
        hints["tahap"] = "perubahan"
    if "REALISASI" in title:
        hints["tahap"] = "realisasi"
    found = find_period(" | ".join(t for t in texts if t))
    if found is not None:
        hints["periode_text"] = found.text
        if found.period:
            hints["periode"] = found.period
    if reference is None:
        return hints
    for label, key, lookup in (
        (r"(?:GAMPONG|DESA|GP)", "gampong", reference.find_gampong),
        (r"KECAMATAN", "kecamatan", reference.find_kecamatan),
    ):
        for source in (title, " | ".join(_norm(t) for t in footer or [] if t)):
            found = _find_name(source, label, lookup)
            if found:
                hints[key] = found
                break
    return hints


def _find_name(text: str, label: str, lookup) -> str | None:
    for m in re.finditer(rf"\b{label} ([A-Z0-9 ]+)", text):
        words = m.group(1).split()
        for n in range(min(5, len(words)), 0, -1):
            entry = lookup(" ".join(words[:n]))
            if entry is not None:
                return entry.kode
    return None


# --- row interpretation ---------------------------------------------------------------


def stated_kind(text: str | None) -> str | None:
    """Kind of a stated-total label (``JUMLAH PENDAPATAN`` -> ``pendapatan``), or None."""
    h = _norm(text)
    if not h:
        return None
    h = re.sub(r"^(JUMLAH|TOTAL) ", "J ", h)
    if h.startswith("J PENDAPATAN"):
        return "pendapatan"
    if h.startswith("J BELANJA"):
        return "belanja"
    if "SURPLUS" in h or "DEFISIT" in h:
        return "surplus"
    if h.startswith("J PENERIMAAN PEMBIAYAAN"):
        return "penerimaan_pembiayaan"
    if h.startswith("J PENGELUARAN PEMBIAYAAN"):
        return "pengeluaran_pembiayaan"
    if "NETTO" in h or "NETO" in h or h in ("J PEMBIAYAAN", "J PEMBIAYAAN DESA", "J PEMBIAYAAN GAMPONG"):
        return "pembiayaan_netto"
    if ("SILPA" in h or "SISA LEBIH PEMBIAYAAN" in h) and "SEBELUMNYA" not in h:
        return "silpa"
    return None


_SECTIONS = {
    "PENDAPATAN": "4",
    "BELANJA": "5",
    "PEMBIAYAAN": "6",
    "PENERIMAAN PEMBIAYAAN": "6.1",
    "PENGELUARAN PEMBIAYAAN": "6.2",
}


def section_label(text: str | None) -> str | None:
    """Account of a section label without code (``BELANJA GAMPONG`` -> ``5``), or None."""
    h = re.sub(r" (DESA|GAMPONG)$", "", _norm(text))
    return _SECTIONS.get(h)


class Builder:
    """Turns table rows into budget lines, tracking the section and current kegiatan."""

    def __init__(self, budget: Budget, reference: Reference | None) -> None:
        self.budget = budget
        self.reference = reference
        self.section: str | None = None
        self.kegiatan: str | None = None
        self.skipped_texts: list[str] = []

    def _emit(self, info: CodeInfo, desc: str, ang, real, sumber, row, sheet) -> None:
        if info.kind == "kegiatan":
            self.kegiatan = info.kegiatan
            self.section = "5"
            if desc and info.kegiatan:
                self.budget.kegiatan_names.setdefault(info.kegiatan, desc)
            account, kegiatan, level = "5", info.kegiatan, 1
        else:
            account = info.account or ""
            top = account.split(".", 1)[0]
            self.section = account if account.count(".") < 2 else ".".join(account.split(".")[:2])
            if top != "5" or account == "5":
                self.kegiatan = None
            if info.kegiatan:
                self.kegiatan = info.kegiatan
            kegiatan = self.kegiatan if top == "5" else None
            level = 0
        if ang is None and real is None:
            return
        self.budget.lines.append(
            BudgetLine(
                account=account,
                kegiatan=kegiatan,
                description=desc,
                anggaran=ang if ang is not None else Decimal(0),
                realisasi=real,
                sumber_dana=sumber,
                row=row,
                sheet=sheet,
                level=level,
            )
        )

    def add(self, row: int, sheet: str | None, info: CodeInfo | None, desc: str, ang, real, sumber) -> None:
        """Interpret one data row (``row`` is 1-based)."""
        if info is not None:
            self._emit(info, desc, ang, real, sumber, row, sheet)
            return
        kind = stated_kind(desc)
        if kind:
            if ang is not None or real is not None:
                self.budget.stated.append(StatedTotal(kind, desc, ang, real, row, sheet))
            return
        sect = section_label(desc)
        if sect:
            self.section, self.kegiatan = sect, None
            if ang is not None or real is not None:
                self._emit(CodeInfo("account", account=sect), desc, ang, real, sumber, row, sheet)
            return
        if ang is None and real is None:
            if desc:
                self.skipped_texts.append(desc)
            return
        acct = None
        if self.reference is not None and desc:
            top = self.section.split(".", 1)[0] if self.section else None
            acct = self.reference.rekening_by_name(desc, within=top)
        if acct:
            self._emit(CodeInfo("account", account=acct), desc, ang, real, sumber, row, sheet)
            return
        self.budget.problems.append(
            Problem.of(
                "error",
                "missing_code",
                N_("Baris {row} berisi jumlah tetapi tidak memiliki kode rekening: '{description}'."),
                {"row": row, "description": desc or ""},
                row=row,
                field="kode_rekening",
                found=desc,
                sheet=sheet,
            )
        )


def _amount(value: Any) -> tuple[Decimal | None, bool]:
    """(amount, ok): ``ok`` is False when the cell holds text that is not a number."""
    if value is None:
        return None, True
    try:
        return parse_number(value), True
    except ValueError:
        return None, False


def _has_letters(text: str | None) -> bool:
    return bool(text) and any(ch.isalpha() for ch in text)


def _joined_code(cells: list[Any], prev: list[str | None]) -> tuple[str | None, list[str | None]]:
    """Join split code cells (``4 | 1 | 1 | 01``); leading blanks inherit the previous row's segments."""
    segs: list[str | None] = []
    for v in cells:
        t = cell_text(v)
        segs.append(t.strip(".") if t else None)
    if not any(segs):
        return None, prev
    last = max(i for i, s in enumerate(segs) if s)
    first = min(i for i, s in enumerate(segs) if s)
    if first > 0 and all(prev[i] for i in range(first)) and len(prev) >= first:
        segs[:first] = prev[:first]
    parts = [s for s in segs[: last + 1] if s]
    full = segs[: last + 1] + [None] * (len(segs) - last - 1)
    return ".".join(parts), full


def read_table_layout(
    rows: list[Sequence[Any]],
    header: Header,
    budget: Budget,
    reference: Reference | None,
    sheet: str | None = None,
) -> Budget:
    """Fill ``budget`` from the rows of one sheet, given its header."""
    builder = Builder(budget, reference)
    prev_segs: list[str | None] = [None] * len(header.code_cols)

    def get(r: Sequence[Any], c: int | None) -> Any:
        return r[c] if c is not None and c < len(r) else None

    for idx in range(header.data_start, len(rows)):
        r = rows[idx]
        rowno = idx + 1
        if not any(v is not None for v in r) or is_header_furniture(r, header):
            continue
        desc = cell_text(get(r, header.uraian)) or ""
        info: CodeInfo | None = None
        raw_code: str | None = None
        if len(header.code_cols) > 1:
            cells = [get(r, c) for c in header.code_cols]
            if any(_has_letters(cell_text(v)) for v in cells):
                # a label merged over the code columns ("JUMLAH PENDAPATAN")
                desc = desc or next(t for t in map(cell_text, cells) if t)
            else:
                raw_code, prev_segs = _joined_code(cells, prev_segs)
        elif header.code_cols:
            raw_code = cell_text(get(r, header.code_cols[0]))
            if raw_code and _has_letters(raw_code):
                if not desc or desc == raw_code:
                    desc = raw_code
                raw_code = None
        if raw_code:
            info = parse_code(raw_code)
            if info is None:
                budget.problems.append(
                    Problem.of(
                        "error",
                        "unknown_account",
                        N_("Baris {row}: '{code}' bukan kode rekening atau kode kegiatan yang sah."),
                        {"row": rowno, "code": raw_code},
                        row=rowno,
                        field="kode_rekening",
                        found=raw_code,
                        sheet=sheet,
                    )
                )
                continue
        elif desc:
            info, rest = split_code_text(desc)
            if info is not None:
                desc = rest
        ang, ok_a = _amount(get(r, header.anggaran)) if header.anggaran is not None else (None, True)
        real, ok_r = _amount(get(r, header.realisasi)) if header.realisasi is not None else (None, True)
        before, ok_b = _amount(get(r, header.sebelum)) if header.sebelum is not None else (None, True)
        change, ok_c = _amount(get(r, header.selisih)) if header.selisih is not None else (None, True)
        if header.anggaran is None and before is not None:
            ang = before + (change or 0)
        if not (ok_a and ok_r and ok_b and ok_c):
            if info is None and not stated_kind(desc):
                # text in an amount column without a code: a title or signature row
                builder.skipped_texts.extend(t for t in map(cell_text, r) if t)
                continue
            for ok, col, name in ((ok_a, header.anggaran, N_("anggaran")), (ok_r, header.realisasi, N_("realisasi")),
                                  (ok_b, header.sebelum, N_("anggaran sebelum perubahan")),
                                  (ok_c, header.selisih, N_("perubahan"))):
                if not ok:
                    budget.problems.append(
                        Problem.of(
                            "error",
                            "invalid_amount",
                            N_("Baris {row}: nilai {name} '{value}' bukan angka."),
                            {"row": rowno, "name": Phrase(name), "value": str(get(r, col))},
                            row=rowno,
                            field=name,
                            found=str(get(r, col)),
                            sheet=sheet,
                        )
                    )
        if info is None and ang is None and real is None and not section_label(desc):
            builder.skipped_texts.extend(t for t in map(cell_text, r) if t)
            continue
        sumber = normalise_sumber_dana(cell_text(get(r, header.sumber))) if header.sumber is not None else None
        n_lines, n_stated = len(budget.lines), len(budget.stated)
        builder.add(rowno, sheet, info, desc, ang, real, sumber)
        if header.sebelum is not None:
            for ln in budget.lines[n_lines:]:
                ln.anggaran_sebelum, ln.perubahan = before if before is not None else Decimal(0), change
            for st in budget.stated[n_stated:]:
                st.anggaran_sebelum = before
    mark_leaves(budget.lines)
    title = [t for r in rows[: header.row] for t in (cell_text(v) for v in r) if t]
    budget.hints.update(parse_title_hints(title, reference, footer=builder.skipped_texts))
    if header.sebelum is not None:
        budget.hints.setdefault("tahap", "perubahan")
    return budget
