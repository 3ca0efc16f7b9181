"""Reader for a Siskeudes database export: a ZIP of CSV tables.

Tables and columns used (names as in Siskeudes 2.0 and OpenSID's import of it):

- ``Ta_RABRinci`` (detail lines): Tahun, Kd_Desa, Kd_Keg, Kd_Rincian, Kd_SubRinci, No_Urut,
  SumberDana, Uraian, JmlSatuan, Satuan, HrgSatuan, Anggaran, JmlSatuanPAK, HrgSatuanPAK,
  AnggaranStlhPAK, AnggaranPAK
- ``Ta_RAB`` (one row per objek and kegiatan): Tahun, Kd_Desa, Kd_Keg, Kd_Rincian, Anggaran,
  AnggaranPAK, AnggaranStlhPAK
- ``Ta_Kegiatan``: Tahun, Kd_Desa, Kd_Bid, Kd_Keg, ID_Keg, Nama_Kegiatan, Pagu, Pagu_PAK, ...
- optional ``Ref_Rek1``..``Ref_Rek4`` (Akun/Kelompok/Jenis/Obyek + names), ``Ref_Desa``
  (Kd_Kec, Kd_Desa, Nama_Desa).

Codes carry trailing dots (``5.2.1.01.``). ``Kd_Desa`` is ``<kecamatan>.<desa>.``
(``01.2001.``): with the city prefix it is the Kemendagri area code (``11.71.01.2001``).
``Kd_Keg`` is ``Kd_Desa`` + kegiatan (``01.2001.01.01.01.``); pendapatan and pembiayaan
rows use a zero kegiatan (``...00.00.00.``). Stage ``murni`` reads ``Anggaran``,
``perubahan`` reads ``AnggaranStlhPAK`` (budget after the revision) and keeps ``Anggaran`` as
``anggaran_sebelum``; ``AnggaranPAK`` is not used.
Ta_RABRinci rows are the leaf lines; Ta_RAB rows are their stated objek totals.
"""
from __future__ import annotations

import functools
import re
from decimal import Decimal
from typing import Any, Sequence

from ..spreadsheet import N_, parse_number
from .codes import normalise_sumber_dana, parse_code
from .errors import BudgetReadError
from .model import Budget, BudgetLine, Problem
from ..reference import Reference

__all__ = ["REQUIRED_TABLES", "TABLES", "is_siskeudes", "read_siskeudes", "table_name"]

REQUIRED_TABLES = ("Ta_RAB", "Ta_RABRinci", "Ta_Kegiatan")
OPTIONAL_TABLES = ("Ref_Rek1", "Ref_Rek2", "Ref_Rek3", "Ref_Rek4", "Ref_Desa", "Ref_Kecamatan", "Ta_Desa")
TABLES = REQUIRED_TABLES + OPTIONAL_TABLES

REQUIRED_COLUMNS = {
    "Ta_RABRinci": ("Tahun", "Kd_Desa", "Kd_Keg", "Kd_Rincian", "Uraian", "Anggaran", "AnggaranStlhPAK"),
    "Ta_RAB": ("Tahun", "Kd_Desa", "Kd_Keg", "Kd_Rincian", "Anggaran", "AnggaranStlhPAK"),
    "Ta_Kegiatan": ("Kd_Keg", "Nama_Kegiatan"),
}


def table_name(member: str) -> str | None:
    """Canonical table name of a zip member (``export/TA_RAB.csv`` -> ``Ta_RAB``), or None."""
    base = member.replace("\\", "/").rsplit("/", 1)[-1]
    if not base.lower().endswith(".csv"):
        return None
    stem = base[:-4].lower()
    for t in TABLES:
        if t.lower() == stem:
            return t
    return None


def is_siskeudes(sheet_names: Sequence[str]) -> bool:
    """True if the sheet (member) names include a Siskeudes budget table."""
    names = {n.lower() for n in sheet_names}
    return "ta_rabrinci" in names or "ta_rab" in names


class _Table:
    def __init__(self, name: str, rows: list[Sequence[Any]]) -> None:
        self.name = name
        header = [str(v).strip() if v is not None else "" for v in (rows[0] if rows else [])]
        self.cols = {h.lower(): i for i, h in enumerate(header) if h}
        self.rows = rows[1:]

    def require(self, columns: Sequence[str]) -> None:
        missing = [c for c in columns if c.lower() not in self.cols]
        if missing:
            raise BudgetReadError(
                "missing_columns",
                N_("Tabel Siskeudes {table} tidak memiliki kolom: {columns}."),
                params={"table": self.name, "columns": ", ".join(missing)},
                sheet=self.name,
                found=", ".join(missing),
            )

    def records(self):
        """Yield (row number, getter) for each non-empty row; row 1 is the header."""
        for i, r in enumerate(self.rows, start=2):
            if not any(v is not None and str(v).strip() for v in r):
                continue

            def get(col: str, r=r) -> Any:
                j = self.cols.get(col.lower())
                return r[j] if j is not None and j < len(r) else None

            yield i, get


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _code(v: Any) -> str:
    return _text(v).strip(".")


@functools.lru_cache(maxsize=4096)
def _kegiatan(kd_keg: str, kd_desa: str) -> str | None:
    """``01.2001.01.01.01.`` -> ``01.01.01``; zero kegiatan -> None."""
    keg = _code(kd_keg)
    desa = _code(kd_desa)
    if desa and keg.startswith(desa + "."):
        keg = keg[len(desa) + 1:]
    elif keg.count(".") >= 4:
        keg = keg.split(".", 2)[2]
    if not keg or all(p.strip("0") == "" for p in keg.split(".")):
        return None
    info = parse_code(keg)
    return info.kegiatan if info and info.kind == "kegiatan" else keg


def read_siskeudes(
    tables: dict[str, list[Sequence[Any]]],
    budget: Budget,
    reference: Reference | None,
    *,
    kode_wilayah: str | None = None,
    tahun: int | None = None,
    tahap: str | None = None,
) -> Budget:
    """Fill ``budget`` from Siskeudes tables (table name -> rows incl. header row).

    With several desa or years in the export, ``kode_wilayah``/``tahun`` select one.
    """
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise BudgetReadError(
            "missing_tables",
            N_("Ekspor Siskeudes tidak lengkap: tabel {tables} tidak ada."),
            params={"tables": ", ".join(t + ".csv" for t in missing)},
            found=", ".join(missing),
        )
    t_rinci = _Table("Ta_RABRinci", tables["Ta_RABRinci"])
    t_rab = _Table("Ta_RAB", tables["Ta_RAB"])
    t_keg = _Table("Ta_Kegiatan", tables["Ta_Kegiatan"])
    for t in (t_rinci, t_rab, t_keg):
        t.require(REQUIRED_COLUMNS[t.name])

    # Which desa and year?
    kota = reference.kota_code if reference else None
    desas = sorted({_code(get("Kd_Desa")) for _, get in t_rinci.records()} - {""})
    years = sorted({_text(get("Tahun")) for _, get in t_rinci.records()} - {""})
    want_desa = None
    if kode_wilayah and kota and kode_wilayah.startswith(kota + "."):
        want_desa = kode_wilayah[len(kota) + 1:]
    if want_desa and want_desa in desas:
        desas = [want_desa]
    if len(desas) > 1:
        raise BudgetReadError(
            "multiple_gampong",
            N_("Ekspor Siskeudes memuat {n} desa ({desa}); pilih gampong yang dimaksud."),
            params={"n": len(desas), "desa": ", ".join(desas)},
            found=", ".join(desas),
        )
    if tahun is not None and str(tahun) in years:
        years = [str(tahun)]
    if len(years) > 1:
        raise BudgetReadError(
            "multiple_years",
            N_("Ekspor Siskeudes memuat beberapa tahun ({years}); pilih tahun anggaran."),
            params={"years": ", ".join(years)},
            found=", ".join(years),
        )
    desa = desas[0] if desas else None
    if years and re.fullmatch(r"[0-9]{4}", years[0]):
        budget.hints["tahun"] = int(years[0])
    if desa and kota:
        budget.hints["gampong"] = f"{kota}.{desa}"
    if "Ref_Desa" in tables:
        for _, get in _Table("Ref_Desa", tables["Ref_Desa"]).records():
            if _code(get("Kd_Desa")) == desa and _text(get("Nama_Desa")):
                budget.hints["gampong_name"] = _text(get("Nama_Desa"))

    def wanted(get) -> bool:
        return (desa is None or _code(get("Kd_Desa")) == desa) and (not years or _text(get("Tahun")) == years[0])

    reported: set[tuple[str, int, str]] = set()

    def amount(get, row: int, table: str, col: str) -> Decimal:
        """The amount in column ``col``; text that is not a number is an ``invalid_amount`` error
        (said once per cell) and reads as 0 so that every other check still runs."""
        raw = get(col)
        try:
            v = _num(raw)
        except ValueError as exc:
            if (table, row, col) not in reported:
                reported.add((table, row, col))
                why = (N_("Baris {row}: nilai kolom {column} '{value}' di luar jangkauan.") if "jangkauan" in str(exc)
                       else N_("Baris {row}: nilai kolom {column} '{value}' bukan angka."))
                budget.problems.append(
                    Problem.of("error", "invalid_amount", why, {"row": row, "column": col, "value": str(raw)},
                               row=row, field=col, found=str(raw), sheet=table)
                )
            return Decimal(0)
        return v if v is not None else Decimal(0)

    # Every amount cell of the selected rows is read, whichever stage is published: text in a
    # column of the other stage is as wrong as in the one read. A revised amount that differs
    # from the original one means the export holds a PAK.
    has_pak = False
    for table in (t_rab, t_rinci):
        for row, get in table.records():
            if not wanted(get):
                continue
            original = amount(get, row, table.name, "Anggaran")
            if _text(get("AnggaranStlhPAK")):
                revised = amount(get, row, table.name, "AnggaranStlhPAK")
                has_pak = has_pak or (table is t_rinci and revised != original)
    if has_pak:
        budget.hints["tahap"] = "perubahan"
    use_stage = tahap or budget.hints.get("tahap") or "murni"
    amount_col = "AnggaranStlhPAK" if use_stage == "perubahan" else "Anggaran"

    names: dict[str, str] = {}
    for tname, code_col, name_col in (
        ("Ref_Rek1", "Akun", "Nama_Akun"),
        ("Ref_Rek2", "Kelompok", "Nama_Kelompok"),
        ("Ref_Rek3", "Jenis", "Nama_Jenis"),
        ("Ref_Rek4", "Obyek", "Nama_Obyek"),
    ):
        if tname in tables:
            for _, get in _Table(tname, tables[tname]).records():
                if _code(get(code_col)):
                    names[_code(get(code_col))] = _text(get(name_col))
    for _, get in t_keg.records():
        if desa is None or _code(get("Kd_Keg")).startswith(desa) or not _text(get("Kd_Desa")):
            keg = _kegiatan(_text(get("Kd_Keg")), desa or "")
            if keg and _text(get("Nama_Kegiatan")):
                budget.kegiatan_names[keg] = _text(get("Nama_Kegiatan"))

    def before(get, row: int, table: str) -> Decimal | None:
        """The amount before the revision (``Anggaran``), kept when reading the revised budget."""
        return amount(get, row, table, "Anggaran") if use_stage == "perubahan" else None

    def account_and_kegiatan(get) -> tuple[str, str | None]:
        """The account of a Ta_RAB/Ta_RABRinci row, and its kegiatan (belanja rows only)."""
        acct = _code(get("Kd_Rincian"))
        info = parse_code(acct)
        account = info.account if info and info.kind == "account" else acct
        keg = _kegiatan(_text(get("Kd_Keg")), desa or "")
        return account, keg if account.startswith("5") else None

    heads: list[BudgetLine] = []
    for row, get in t_rab.records():
        if not wanted(get):
            continue
        account, keg = account_and_kegiatan(get)
        desc = names.get(account) or (reference.rekening[account].nama if reference and account in reference.rekening else "")
        heads.append(BudgetLine(account=account, kegiatan=keg,
                                description=desc, anggaran=amount(get, row, "Ta_RAB", amount_col), row=row,
                                sheet="Ta_RAB", is_leaf=False, anggaran_sebelum=before(get, row, "Ta_RAB")))
    leaves: list[BudgetLine] = []
    for row, get in t_rinci.records():
        if not wanted(get):
            continue
        account, keg = account_and_kegiatan(get)
        leaves.append(BudgetLine(account=account, kegiatan=keg,
                                 description=_text(get("Uraian")), anggaran=amount(get, row, "Ta_RABRinci", amount_col),
                                 sumber_dana=normalise_sumber_dana(get("SumberDana")), row=row,
                                 sheet="Ta_RABRinci", level=account.count(".") + 2, is_leaf=True,
                                 anggaran_sebelum=before(get, row, "Ta_RABRinci")))
    with_detail = {ln.key for ln in leaves}
    for h in heads:
        h.is_leaf = h.key not in with_detail
    budget.lines.extend(heads)
    budget.lines.extend(leaves)
    return budget


def _num(v: Any) -> Decimal | None:
    """Siskeudes exports write plain machine numbers (``1500000`` / ``1500000.00``)."""
    if isinstance(v, str):
        return parse_number(v, decimal_sep="." if "," not in v else None)
    return parse_number(v)
