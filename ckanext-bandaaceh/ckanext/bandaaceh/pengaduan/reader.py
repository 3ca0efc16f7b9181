"""What the complaint channels export, read through the spreadsheet layer.

Two shapes are understood, recognised by their columns:

* **case level** (one row per complaint): received date, and any of first-response date,
  closing date, status, category, SKPD, forwarded-to-LAPOR! flag;
* **aggregate** (counts): SKPD, category, status and a count (``jumlah``).

Column names are matched flexibly (Indonesian and English, case and punctuation ignored); the
mapping is :data:`ALIASES`. Personal data columns (:data:`PERSONAL`) refuse the file unless
``drop_personal=True`` (all of them) or they are named in ``drop_columns`` (what a harvest entry
and the web preview say); then they are dropped before anything else is read.
:func:`describe_columns` tells, for a preview, how each column of an export is understood.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ckanext.bandaaceh.spreadsheet import N_, SpreadsheetError, extract_tables, parse_date, read_workbook, render
from ckanext.bandaaceh.spreadsheet.errors import location

__all__ = ["ALIASES", "PERIODE_RE", "PERSONAL", "CASE_FIELDS", "STATUSES", "Case", "Column", "Export", "PengaduanError",
           "describe_columns", "read_export"]

#: A month, as the ``periode`` column and parameters write it.
PERIODE_RE = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")
#: Statuses of the published table, in workflow order.
STATUSES = ("masuk", "diteruskan", "ditindaklanjuti", "selesai", "ditolak")
#: Canonical column -> accepted header spellings (normalised: lower case, letters and digits).
ALIASES: dict[str, tuple[str, ...]] = {
    "tanggal_masuk": ("tanggal masuk", "tgl masuk", "tanggal laporan", "tgl laporan", "tanggal pengaduan",
                      "tanggal", "waktu masuk", "created", "created at", "date received", "received", "submitted"),
    "tanggal_respon": ("tanggal respon", "tgl respon", "tanggal tanggapan", "tgl tanggapan", "tanggal diteruskan",
                       "tanggal disposisi", "first response", "responded", "response date", "forwarded at"),
    "tanggal_selesai": ("tanggal selesai", "tgl selesai", "tanggal tindak lanjut", "tanggal ditutup", "closed",
                        "closed at", "resolved", "date closed", "completed"),
    "status": ("status", "status laporan", "status pengaduan", "state"),
    "kategori": ("kategori", "kategori laporan", "topik", "jenis pengaduan", "jenis", "category", "topic"),
    "skpd": ("skpd", "skpk", "opd", "instansi", "instansi tujuan", "dinas", "unit kerja", "perangkat daerah",
             "agency", "disposisi ke"),
    "diteruskan_lapor": ("diteruskan ke lapor", "diteruskan lapor", "lapor", "forwarded to lapor", "sp4n lapor"),
    "jumlah": ("jumlah", "jumlah laporan", "jumlah pengaduan", "total", "count", "n"),
}
#: Personal data: a column whose normalised header matches one of these is never read.
PERSONAL: dict[str, re.Pattern[str]] = {
    "nama": re.compile(r"^(nama( lengkap)?( pelapor| pengadu)?|pelapor|pengadu|reporter|name|full name)$"),
    "NIK": re.compile(r"^(nik|no ktp|nomor ktp|ktp|nomor induk kependudukan|id number|national id)$"),
    "telepon": re.compile(r"^(no |nomor )?(hp|telepon|telp|tlp|handphone|ponsel|wa|whatsapp|phone|mobile|msisdn)( pelapor)?$"),
    "e-mail": re.compile(r"^(alamat )?(e ?mail|surel|surat elektronik)( pelapor)?$"),
    "alamat": re.compile(r"^(alamat( pelapor| rumah)?|address|domisili)$"),
    "isi pengaduan": re.compile(r"^(isi( laporan| pengaduan)?|uraian( laporan| pengaduan)?|deskripsi|keterangan"
                                r"|pesan|isi sms|complaint( text)?|description|message|text|judul laporan)$"),
}
CASE_FIELDS = ("tanggal_masuk", "tanggal_respon", "tanggal_selesai", "status", "kategori", "skpd",
               "diteruskan_lapor")
_STATUS_WORDS = {
    "masuk": ("masuk", "baru", "diterima", "belum diproses", "new", "received", "open"),
    "diteruskan": ("diteruskan", "didisposisi", "disposisi", "forwarded", "assigned"),
    "ditindaklanjuti": ("ditindaklanjuti", "proses", "diproses", "dalam proses", "tindak lanjut", "in progress",
                        "processing"),
    "selesai": ("selesai", "ditutup", "tuntas", "closed", "resolved", "done", "completed"),
    "ditolak": ("ditolak", "tidak valid", "rejected", "invalid", "arsip"),
}
_TRUE = {"ya", "y", "yes", "true", "1", "sudah", "diteruskan"}


class PengaduanError(ValueError):
    """The export cannot be published; the message (Bahasa Indonesia) names file, row and column.

    ``template`` is an Indonesian text, a msgid (marked with ``N_``) when ``params`` are given;
    :meth:`message` words it through a translation function (a ``SpreadsheetError`` param too)."""

    def __init__(self, template: str, params: dict[str, Any] | None = None) -> None:
        self.template, self.params = template, dict(params or {})
        super().__init__(render(template, self.params))

    def message(self, translate: Callable[[str], str] | None = None) -> str:
        """The text through ``translate`` (CKAN's ``tk._``); none: Indonesian."""
        return render(self.template, self.params, translate) if self.params else str(self)


@dataclass(frozen=True)
class _Place:
    """Where a value is (file, sheet of a workbook, row, column header); worded when shown."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def message(self, translate: Callable[[str], str] | None = None) -> str:
        return location(translate, file=self.file, sheet=self.sheet, row=self.row, column=self.column)


@dataclass
class Case:
    tanggal_masuk: dt.date
    tanggal_respon: dt.date | None = None
    tanggal_selesai: dt.date | None = None
    status: str = "masuk"
    kategori: str = "Lainnya"
    skpd: str = ""
    diteruskan_lapor: bool = False
    #: where the row's SKPD is (file, sheet, row, column), for messages about the row
    lokasi: _Place | None = None


@dataclass(frozen=True)
class Column:
    """How one column of an export is understood."""

    name: str                    # the header as written in the file
    field: str | None = None     # the canonical column it is read as (ALIASES), if any
    personal: str | None = None  # the kind of personal data it holds (PERSONAL), if any
    dropped: bool = False        # left out on request (a personal column, or any column named)


@dataclass
class Export:
    filename: str
    shape: str                                   # "case" or "aggregate"
    cases: list[Case] = field(default_factory=list)
    counts: list[dict[str, Any]] = field(default_factory=list)   # aggregate shape rows
    dropped_columns: list[str] = field(default_factory=list)     # columns left out (personal, or asked for)
    columns: list[Column] = field(default_factory=list)          # every column and how it was read


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^0-9a-z]+", " ", str(text).lower())).strip()


def _status(value: Any, where: _Place) -> str:
    text = _norm(value or "")
    if not text:
        return "masuk"
    for status, words in _STATUS_WORDS.items():
        if text in words:
            return status
    raise PengaduanError(N_("{where}: status {value} tidak dikenal; yang sah: {choices} (atau padanannya, "
                            "mis. baru, proses, closed)"),
                         {"where": where, "value": repr(value), "choices": ", ".join(STATUSES)})


def _date(value: Any, where: _Place) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    parsed = parse_date(str(value))
    if parsed is None:
        raise PengaduanError(N_("{where}: {value} bukan tanggal"), {"where": where, "value": repr(value)})
    return parsed.date() if isinstance(parsed, dt.datetime) else parsed


def _table(data: bytes, filename: str) -> tuple[Any, str]:
    """The export's largest table and the file's format (``csv``, ``xlsx``, ...)."""
    try:
        workbook = read_workbook(data, filename)
        tables = [t for sheet in workbook.sheets for t in extract_tables(sheet, filename=filename)]
    except SpreadsheetError as exc:
        raise PengaduanError(N_("{file}: berkas tidak dapat dibaca: {error}"), {"file": filename, "error": exc}) from None
    if not tables:
        raise PengaduanError(N_("{file}: tidak ada tabel dengan baris judul kolom"), {"file": filename})
    return max(tables, key=lambda t: len(t.rows)), workbook.format


def _columns(table: Any, drop_personal: bool, drop_columns: Collection[str]) -> list[Column]:
    asked = {_norm(c) for c in drop_columns}
    columns: list[Column] = []
    taken: set[str] = set()
    for col in table.columns:
        header = _norm(col.name)
        personal = next((kind for kind, pattern in PERSONAL.items() if pattern.match(header)), None)
        dropped = header in asked or (personal is not None and drop_personal)
        canonical = None
        if personal is None and not dropped:
            canonical = next((c for c, aliases in ALIASES.items() if header in aliases and c not in taken), None)
            if canonical:
                taken.add(canonical)
        columns.append(Column(name=col.name, field=canonical, personal=personal, dropped=dropped))
    return columns


def describe_columns(data: bytes, filename: str, *, drop_columns: Collection[str] = ()) -> list[Column]:
    """Every column of the export's table: the canonical column it is read as, the kind of
    personal data it holds, whether it is left out. Refuses nothing but an unreadable file."""
    return _columns(_table(data, filename)[0], False, drop_columns)


def read_export(data: bytes, filename: str, *, kanal: str, drop_personal: bool = False,
                drop_columns: Collection[str] = ()) -> Export:
    """Read one export of channel ``kanal``; :class:`PengaduanError` names what is wrong.

    ``drop_personal``: leave out every personal data column; ``drop_columns``: leave out the
    columns of these names (matched like the aliases). A personal column left in refuses the file.
    """
    table, fmt = _table(data, filename)
    columns = _columns(table, drop_personal, drop_columns)
    personal = [c for c in columns if c.personal and not c.dropped]
    if personal:
        names = ", ".join(f"'{c.name}' ({c.personal})" for c in personal)
        raise PengaduanError(N_(
            "{file}: kolom data pribadi {names} tidak boleh diterbitkan. Hapus kolom itu dari berkas, "
            "atau impor dengan pilihan buang data pribadi (--buang-data-pribadi / drop_personal=true, "
            "atau sebutkan kolomnya di buang_kolom); kolom itu tidak akan disimpan."), {"file": filename, "names": names})
    found = {c.field: i for i, c in enumerate(columns) if c.field}
    export = Export(filename=filename, shape="case" if "tanggal_masuk" in found else "aggregate",
                    dropped_columns=[c.name for c in columns if c.dropped], columns=columns)

    def cell(row: list[Any], key: str) -> Any:
        return row[found[key]] if key in found and found[key] < len(row) else None

    def at(row: int, key: str) -> _Place:
        """The cell of canonical column ``key`` (named by its header in the file) in ``row``: the
        file, the sheet of a workbook (a CSV has one), the row in the sheet, the column."""
        header = table.columns[found[key]].name if key in found else key.replace("_", " ")
        return _Place(filename, None if fmt == "csv" else table.sheet, row, header)

    if export.shape == "aggregate":
        if "jumlah" not in found:
            raise PengaduanError(N_("{file}: tidak dikenali: perlu kolom tanggal masuk (satu baris per pengaduan) "
                                    "atau kolom jumlah (rekap); kolom yang ada: {columns}"),
                                 {"file": filename, "columns": ", ".join(c.name for c in table.columns)})
        for r, row in zip(table.source_rows, table.rows):
            count = cell(row, "jumlah")
            if not isinstance(count, (int, Decimal)) or count < 0 or int(count) != count:
                raise PengaduanError(N_("{where}: jumlah {value} bukan bilangan bulat tidak negatif"),
                                     {"where": at(r, "jumlah"), "value": repr(count)})
            export.counts.append({"skpd": str(cell(row, "skpd") or ""),
                                  "kategori": str(cell(row, "kategori") or "Lainnya"), "lokasi": at(r, "skpd"),
                                  "status": _status(cell(row, "status"), at(r, "status")),
                                  "jumlah": int(count)})
        return export

    for r, row in zip(table.source_rows, table.rows):
        masuk = _date(cell(row, "tanggal_masuk"), at(r, "tanggal_masuk"))
        if masuk is None:
            raise PengaduanError(N_("{where}: tanggal masuk kosong"), {"where": at(r, "tanggal_masuk")})
        case = Case(tanggal_masuk=masuk,
                    tanggal_respon=_date(cell(row, "tanggal_respon"), at(r, "tanggal_respon")),
                    tanggal_selesai=_date(cell(row, "tanggal_selesai"), at(r, "tanggal_selesai")),
                    status=_status(cell(row, "status"), at(r, "status")),
                    kategori=str(cell(row, "kategori") or "Lainnya").strip(),
                    skpd=str(cell(row, "skpd") or "").strip(),
                    diteruskan_lapor=_norm(cell(row, "diteruskan_lapor") or "") in _TRUE or kanal == "lapor",
                    lokasi=at(r, "skpd"))
        for key, later, template in (
                ("tanggal_respon", case.tanggal_respon, N_("{where}: tanggal respon {later} sebelum tanggal masuk {masuk}")),
                ("tanggal_selesai", case.tanggal_selesai,
                 N_("{where}: tanggal selesai {later} sebelum tanggal masuk {masuk}"))):
            if later is not None and later < masuk:
                raise PengaduanError(template, {"where": at(r, key), "later": later.isoformat(),
                                                "masuk": masuk.isoformat()})
        export.cases.append(case)
    if not export.cases:
        raise PengaduanError(N_("{file}: tidak ada baris pengaduan"), {"file": filename})
    return export
