"""Data model of a gampong budget (APBG/APBDes) and its summary.

Pure Python; amounts are ``Decimal`` rupiah values.
"""
from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from ..spreadsheet.errors import params_to_json, render
from .codes import bidang_of, derived_sumber_dana, is_within

__all__ = [
    "TAHAP",
    "PERIODE",
    "LAYOUTS",
    "Problem",
    "BudgetLine",
    "StatedTotal",
    "Budget",
    "Summary",
    "summarise",
    "mark_leaves",
    "format_rupiah",
    "format_amount",
]

#: Budget stages: original budget, revised budget (APBG Perubahan), execution report.
TAHAP = ("murni", "perubahan", "realisasi")
#: Reporting periods of a realisasi report.
PERIODE = ("semester-1", "tahunan")
#: Layout names understood by the readers.
LAYOUTS = ("siskeudes", "penjabaran", "realisasi", "peraturan")

ZERO = Decimal(0)
BIDANG_CODES = ("01", "02", "03", "04", "05")


def format_amount(value: Decimal | None) -> str:
    """Plain decimal text: ``Decimal('1500000.00')`` -> ``'1500000'``, ``12.50`` -> ``'12.5'``, None -> ``''``."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def format_rupiah(value: Decimal | int | None) -> str:
    """Format an amount Indonesian style: ``Rp 1.234.567`` / ``-Rp 500.000`` / ``Rp 1.234,5``."""
    if value is None:
        return "-"
    value = Decimal(value)
    sign = "-" if value < 0 else ""
    value = abs(value)
    integral = int(value)
    frac = value - integral
    text = f"{integral:,}".replace(",", ".")
    if frac:
        digits = format(frac.normalize(), "f").split(".")[1]
        text += "," + digits
    return f"{sign}Rp {text}"


@dataclass
class Problem:
    """A finding about a budget file: an ``error`` blocks publication, a ``warning`` does not.

    ``code`` is stable (e.g. ``sum_mismatch``); ``message`` is in Bahasa Indonesia.
    ``row`` is the 1-based row of the sheet (or CSV member) named by ``sheet``.
    ``template``/``params``: when set (:meth:`of`: the problems of the readers and checks),
    ``message`` is ``template`` (an Indonesian msgid marked with ``N_``) filled with ``params``
    (a spreadsheet error among them shown whole, a ``Phrase`` such as a label or the comparison
    of :func:`~.checks.larger_in_words` worded in the same language; amounts are formatted
    ``Rp 1.234.567`` strings), and :meth:`text` gives it in another language.
    """

    severity: Literal["error", "warning"]
    code: str
    message: str
    row: int | None = None
    field: str | None = None
    expected: Any = None
    found: Any = None
    sheet: str | None = None
    #: Problems that follow from this one (e.g. every total above a wrong row), said under it.
    related: list["Problem"] = dataclasses.field(default_factory=list)
    template: str | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, severity: Literal["error", "warning"], code: str, template: str,
           params: dict[str, Any] | None = None, **kwargs: Any) -> "Problem":
        """A problem whose message is ``template`` (a msgid) filled with ``params``."""
        params = dict(params or {})
        return cls(severity, code, render(template, params), template=template, params=params, **kwargs)

    def text(self, translate: Any = None) -> str:
        """The message through ``translate`` (CKAN's ``tk._``) when it has a template, else as it is."""
        return render(self.template, self.params, translate) if self.template else self.message

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly dict (Decimals as strings); ``related`` only when there are any."""
        def conv(v: Any) -> Any:
            return str(v) if isinstance(v, Decimal) else v

        out = {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "row": self.row,
            "field": self.field,
            "expected": conv(self.expected),
            "found": conv(self.found),
            "sheet": self.sheet,
        }
        if self.related:
            out["related"] = [p.as_dict() for p in self.related]
        if self.template:
            out["template"], out["params"] = self.template, params_to_json(self.params)
        return out


@dataclass
class BudgetLine:
    """One budget row: an account (optionally within a kegiatan) with its amounts.

    ``account`` is the Permendagri 20/2018 code without trailing dot (``4.2.1``,
    ``5.2.1.01``); belanja headings for a bidang/sub bidang/kegiatan carry account ``5``.
    ``kegiatan`` is ``01``, ``01.01`` or ``01.01.01`` (bidang, sub bidang, kegiatan level)
    for belanja, else None. ``level`` is the number of segments of the account code
    (5 for Siskeudes detail lines below an objek). Only ``is_leaf`` lines are summed.
    In an APBG-Perubahan ``anggaran`` is the amount after the change, ``anggaran_sebelum``
    the amount before it and ``perubahan`` the change as the file states it (None when the
    file has no change column); both are None in other budgets.
    """

    account: str | None
    description: str
    anggaran: Decimal
    realisasi: Decimal | None = None
    anggaran_sebelum: Decimal | None = None
    perubahan: Decimal | None = None
    kegiatan: str | None = None
    sumber_dana: str | None = None
    row: int | None = None
    sheet: str | None = None
    level: int = 0
    is_leaf: bool = True

    def __post_init__(self) -> None:
        if not self.level and self.account:
            self.level = self.account.count(".") + 1

    @property
    def bidang(self) -> str | None:
        """Bidang code ``01``–``05`` derived from the kegiatan code (belanja only)."""
        return bidang_of(self.kegiatan)

    @property
    def key(self) -> tuple[str | None, str | None]:
        return (self.account, self.kegiatan)


@dataclass
class StatedTotal:
    """A total stated in the file (``JUMLAH PENDAPATAN``, ``SILPA`` ...), checked against the lines."""

    kind: str
    label: str
    anggaran: Decimal | None
    realisasi: Decimal | None = None
    row: int | None = None
    sheet: str | None = None
    anggaran_sebelum: Decimal | None = None


@dataclass
class Budget:
    """A gampong budget as read from one file."""

    kode_wilayah: str | None = None
    gampong: str | None = None
    kode_kecamatan: str | None = None
    kecamatan: str | None = None
    tahun: int | None = None
    tahap: str = "murni"
    periode: str | None = None
    source_file: str | None = None
    layout: str | None = None
    lines: list[BudgetLine] = field(default_factory=list)
    stated: list[StatedTotal] = field(default_factory=list)
    #: Findings made while reading (mostly warnings: hint contradictions, skipped rows).
    problems: list[Problem] = field(default_factory=list)
    #: What the file itself says about gampong/year/stage/period (title rows, tables).
    hints: dict[str, Any] = field(default_factory=dict)
    #: Names of kegiatan codes seen in the file (code -> name).
    kegiatan_names: dict[str, str] = field(default_factory=dict)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def leaves(self) -> list[BudgetLine]:
        return [ln for ln in self.lines if ln.is_leaf]

    def summary(self) -> "Summary":
        return summarise(self)


@dataclass
class Summary:
    """Totals computed from the leaf lines of a budget.

    ``silpa = pendapatan - belanja + pembiayaan_netto``. ``pendapatan_per_sumber_dana``
    uses the line's sumber dana, else derives it from the account (see
    :func:`codes.derived_sumber_dana`); ``LAIN`` collects the rest.
    ``realisasi_*`` are None when no line has a realisasi amount; ``sebelum_*`` (amounts
    before the change of an APBG-Perubahan) are None when no line has one.
    """

    pendapatan: Decimal = ZERO
    belanja: Decimal = ZERO
    pembiayaan_penerimaan: Decimal = ZERO
    pembiayaan_pengeluaran: Decimal = ZERO
    belanja_per_bidang: dict[str, Decimal] = field(default_factory=dict)
    belanja_tanpa_bidang: Decimal = ZERO
    belanja_per_kelompok: dict[str, Decimal] = field(default_factory=dict)
    pendapatan_per_sumber_dana: dict[str, Decimal] = field(default_factory=dict)
    realisasi_pendapatan: Decimal | None = None
    realisasi_belanja: Decimal | None = None
    realisasi_pembiayaan_penerimaan: Decimal | None = None
    realisasi_pembiayaan_pengeluaran: Decimal | None = None
    sebelum_pendapatan: Decimal | None = None
    sebelum_belanja: Decimal | None = None
    sebelum_pembiayaan_penerimaan: Decimal | None = None
    sebelum_pembiayaan_pengeluaran: Decimal | None = None
    sebelum_belanja_per_bidang: dict[str, Decimal] = field(default_factory=dict)
    line_count: int = 0

    @property
    def surplus(self) -> Decimal:
        return self.pendapatan - self.belanja

    @property
    def pembiayaan_netto(self) -> Decimal:
        return self.pembiayaan_penerimaan - self.pembiayaan_pengeluaran

    @property
    def silpa(self) -> Decimal:
        return self.pendapatan - self.belanja + self.pembiayaan_netto

    @property
    def has_realisasi(self) -> bool:
        return self.realisasi_pendapatan is not None

    def _r(self, name: str) -> Decimal:
        return getattr(self, name) or ZERO

    def _netto(self, prefix: str) -> Decimal | None:
        """Pembiayaan netto of the ``realisasi_``/``sebelum_`` figures (None when absent)."""
        if getattr(self, prefix + "pendapatan") is None:
            return None
        return self._r(prefix + "pembiayaan_penerimaan") - self._r(prefix + "pembiayaan_pengeluaran")

    def _silpa(self, prefix: str) -> Decimal | None:
        netto = self._netto(prefix)
        return None if netto is None else self._r(prefix + "pendapatan") - self._r(prefix + "belanja") + netto

    @property
    def realisasi_pembiayaan_netto(self) -> Decimal | None:
        return self._netto("realisasi_")

    @property
    def realisasi_silpa(self) -> Decimal | None:
        return self._silpa("realisasi_")

    @property
    def has_sebelum(self) -> bool:
        return self.sebelum_pendapatan is not None

    @property
    def sebelum_pembiayaan_netto(self) -> Decimal | None:
        return self._netto("sebelum_")

    @property
    def sebelum_silpa(self) -> Decimal | None:
        return self._silpa("sebelum_")

    @property
    def perubahan_per_bidang(self) -> dict[str, Decimal]:
        """Change of belanja per bidang (after minus before); empty without ``sebelum``."""
        if not self.has_sebelum:
            return {}
        return {b: v - self.sebelum_belanja_per_bidang.get(b, ZERO) for b, v in self.belanja_per_bidang.items()}

    @staticmethod
    def _pct(real: Decimal | None, plan: Decimal) -> Decimal | None:
        if real is None or not plan:
            return None
        return (real * 100 / plan).quantize(Decimal("0.01"))

    @property
    def persen_realisasi_pendapatan(self) -> Decimal | None:
        return self._pct(self.realisasi_pendapatan, self.pendapatan)

    @property
    def persen_realisasi_belanja(self) -> Decimal | None:
        return self._pct(self.realisasi_belanja, self.belanja)

    def stated_value(self, kind: str, which: str = "anggaran") -> Decimal | None:
        """The computed value that a stated total of ``kind`` should equal."""
        if which == "anggaran_sebelum":
            if not self.has_sebelum:
                return None
            sp, sb = self._r("sebelum_pendapatan"), self._r("sebelum_belanja")
            return {
                "pendapatan": sp, "belanja": sb, "surplus": sp - sb,
                "penerimaan_pembiayaan": self._r("sebelum_pembiayaan_penerimaan"),
                "pengeluaran_pembiayaan": self._r("sebelum_pembiayaan_pengeluaran"),
                "pembiayaan_netto": self.sebelum_pembiayaan_netto, "silpa": self.sebelum_silpa,
            }.get(kind)
        if which == "anggaran":
            values = {
                "pendapatan": self.pendapatan,
                "belanja": self.belanja,
                "surplus": self.surplus,
                "penerimaan_pembiayaan": self.pembiayaan_penerimaan,
                "pengeluaran_pembiayaan": self.pembiayaan_pengeluaran,
                "pembiayaan_netto": self.pembiayaan_netto,
                "silpa": self.silpa,
            }
        else:
            if not self.has_realisasi:
                return None
            rp, rb = self._r("realisasi_pendapatan"), self._r("realisasi_belanja")
            values = {
                "pendapatan": rp,
                "belanja": rb,
                "surplus": rp - rb,
                "penerimaan_pembiayaan": self._r("realisasi_pembiayaan_penerimaan"),
                "pengeluaran_pembiayaan": self._r("realisasi_pembiayaan_pengeluaran"),
                "pembiayaan_netto": self.realisasi_pembiayaan_netto,
                "silpa": self.realisasi_silpa,
            }
        return values.get(kind)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly dict; amounts as strings."""
        def s(v: Decimal | None) -> str | None:
            return None if v is None else str(v)

        return {
            "pendapatan": s(self.pendapatan),
            "belanja": s(self.belanja),
            "surplus": s(self.surplus),
            "pembiayaan_penerimaan": s(self.pembiayaan_penerimaan),
            "pembiayaan_pengeluaran": s(self.pembiayaan_pengeluaran),
            "pembiayaan_netto": s(self.pembiayaan_netto),
            "silpa": s(self.silpa),
            "belanja_per_bidang": {k: s(v) for k, v in self.belanja_per_bidang.items()},
            "belanja_tanpa_bidang": s(self.belanja_tanpa_bidang),
            "belanja_per_kelompok": {k: s(v) for k, v in self.belanja_per_kelompok.items()},
            "pendapatan_per_sumber_dana": {k: s(v) for k, v in self.pendapatan_per_sumber_dana.items()},
            "realisasi_pendapatan": s(self.realisasi_pendapatan),
            "realisasi_belanja": s(self.realisasi_belanja),
            "realisasi_pembiayaan_penerimaan": s(self.realisasi_pembiayaan_penerimaan),
            "realisasi_pembiayaan_pengeluaran": s(self.realisasi_pembiayaan_pengeluaran),
            "realisasi_silpa": s(self.realisasi_silpa),
            "persen_realisasi_pendapatan": s(self.persen_realisasi_pendapatan),
            "persen_realisasi_belanja": s(self.persen_realisasi_belanja),
            "sebelum_pendapatan": s(self.sebelum_pendapatan),
            "sebelum_belanja": s(self.sebelum_belanja),
            "sebelum_pembiayaan_penerimaan": s(self.sebelum_pembiayaan_penerimaan),
            "sebelum_pembiayaan_pengeluaran": s(self.sebelum_pembiayaan_pengeluaran),
            "sebelum_silpa": s(self.sebelum_silpa),
            "sebelum_belanja_per_bidang": {k: s(v) for k, v in self.sebelum_belanja_per_bidang.items()},
            "perubahan_per_bidang": {k: s(v) for k, v in self.perubahan_per_bidang.items()},
            "line_count": self.line_count,
        }


def summarise(budget: Budget) -> Summary:
    """Compute the :class:`Summary` of ``budget`` from its leaf lines only."""
    s = Summary(belanja_per_bidang={b: ZERO for b in BIDANG_CODES})
    real: dict[str, Decimal] = {}
    before: dict[str, Decimal] = {}
    before_bidang = {b: ZERO for b in BIDANG_CODES}
    any_real = any_before = False
    for ln in budget.lines:
        if not ln.is_leaf or not ln.account:
            continue
        s.line_count += 1
        acc = ln.account
        amount = ln.anggaran
        if ln.realisasi is not None:
            any_real = True
        r = ln.realisasi or ZERO
        if ln.anggaran_sebelum is not None:
            any_before = True
        sb = ln.anggaran_sebelum or ZERO
        top = acc.split(".", 1)[0]
        slot = ("pendapatan" if top == "4" else "belanja" if top == "5" else
                "penerimaan" if is_within(acc, "6.1") else "pengeluaran" if is_within(acc, "6.2") else None)
        if slot:
            before[slot] = before.get(slot, ZERO) + sb
        if top == "5" and ln.bidang in before_bidang:
            before_bidang[ln.bidang] += sb
        if top == "4":
            s.pendapatan += amount
            real["pendapatan"] = real.get("pendapatan", ZERO) + r
            sd = ln.sumber_dana or derived_sumber_dana(acc) or "LAIN"
            s.pendapatan_per_sumber_dana[sd] = s.pendapatan_per_sumber_dana.get(sd, ZERO) + amount
        elif top == "5":
            s.belanja += amount
            real["belanja"] = real.get("belanja", ZERO) + r
            bidang = ln.bidang
            if bidang in s.belanja_per_bidang:
                s.belanja_per_bidang[bidang] += amount
            else:
                s.belanja_tanpa_bidang += amount
            kel = ".".join(acc.split(".")[:2])
            s.belanja_per_kelompok[kel] = s.belanja_per_kelompok.get(kel, ZERO) + amount
        elif is_within(acc, "6.1"):
            s.pembiayaan_penerimaan += amount
            real["penerimaan"] = real.get("penerimaan", ZERO) + r
        elif is_within(acc, "6.2"):
            s.pembiayaan_pengeluaran += amount
            real["pengeluaran"] = real.get("pengeluaran", ZERO) + r
    if any_real:
        s.realisasi_pendapatan = real.get("pendapatan", ZERO)
        s.realisasi_belanja = real.get("belanja", ZERO)
        s.realisasi_pembiayaan_penerimaan = real.get("penerimaan", ZERO)
        s.realisasi_pembiayaan_pengeluaran = real.get("pengeluaran", ZERO)
    if any_before:
        s.sebelum_pendapatan = before.get("pendapatan", ZERO)
        s.sebelum_belanja = before.get("belanja", ZERO)
        s.sebelum_pembiayaan_penerimaan = before.get("penerimaan", ZERO)
        s.sebelum_pembiayaan_pengeluaran = before.get("pengeluaran", ZERO)
        s.sebelum_belanja_per_bidang = before_bidang
    s.belanja_per_kelompok = dict(sorted(s.belanja_per_kelompok.items()))
    s.pendapatan_per_sumber_dana = dict(sorted(s.pendapatan_per_sumber_dana.items()))
    return s


def _prefixes(code: str | None) -> list[str]:
    if not code:
        return []
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


@functools.lru_cache(maxsize=16384)
def ancestor_keys(key: tuple[str | None, str | None]) -> tuple[tuple[str | None, str | None], ...]:
    """All keys (account, kegiatan) that contain ``key``, including ``key`` itself.

    A key (A, G) contains (a, g) when A is ``a`` or a segment prefix of it, and G is None
    or ``g`` or a segment prefix of it.
    """
    account, kegiatan = key
    if not account:
        return (key,)
    kegs: list[str | None] = [None, *_prefixes(kegiatan)]
    return tuple((a, g) for a in _prefixes(account) for g in kegs)


def mark_leaves(lines: list[BudgetLine]) -> None:
    """Set ``is_leaf``: a line is a leaf unless another line lies strictly within it.

    Lines with equal (account, kegiatan) are siblings, not parent and child.
    """
    has_desc: set[tuple[str | None, str | None]] = set()
    for ln in lines:
        k = ln.key
        for anc in ancestor_keys(k):
            if anc != k:
                has_desc.add(anc)
    for ln in lines:
        ln.is_leaf = ln.key not in has_desc
