"""Entry points: :func:`read_budget` and :func:`detect_layout`."""
from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import Any, Sequence

from ..spreadsheet import N_, Phrase, Sheet, SpreadsheetError, Workbook, read_workbook
from ..spreadsheet.errors import number
from ..spreadsheet.safety import ZipLimitError, ZipPolicy, check_zip_members, open_zip, read_zip_member
from .errors import BudgetReadError, UnknownLayoutError
from .layouts import find_header
from .model import LAYOUTS, PERIODE, TAHAP, Budget, Problem
from ..reference import Reference
from ..reference import load_lists as load_reference
from .sheets import read_sheets
from .siskeudes import TABLES, is_siskeudes, read_siskeudes, table_name

__all__ = ["read_budget", "detect_layout", "read_zip_tables", "MAX_BYTES", "ZIP_MAX_MEMBERS", "ZIP_MAX_UNCOMPRESSED"]

#: Largest accepted upload (bytes).
MAX_BYTES = 50 * 1024 * 1024
#: Most members a Siskeudes zip may have.
ZIP_MAX_MEMBERS = 1000
#: Most bytes the used members of a zip may expand to, in total.
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
#: Largest accepted compression ratio of a member (zip bombs compress far better).
ZIP_MAX_RATIO = 200

_ZIP_MAGIC = b"PK\x03\x04"
_ZIP_LIMITS = {  # ZipLimitError.limit -> message
    "members": N_("Berkas zip berisi {value} berkas (maksimum {allowed})."),
    "size": N_("Isi zip terlalu besar setelah diekstrak (> {allowed} byte)."),
    "ratio": N_("{member}: rasio kompresi tidak wajar (zip bomb?)."),
    "declared": N_("{member}: ukuran isi tidak sesuai dengan header zip."),
}


def _is_zip_of_tables(data: bytes) -> bool:
    if not data.startswith(_ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return False
    lowered = {n.lower() for n in names}
    if "xl/workbook.xml" in lowered or "mimetype" in lowered or "content.xml" in lowered:
        return False
    return any(n.lower().endswith(".csv") for n in names)


def _too_large(exc: ZipLimitError) -> BudgetReadError:
    if exc.limit == "encrypted":
        return BudgetReadError("unreadable_file", N_("{member} di dalam zip terenkripsi."), params={"member": exc.member})
    allowed = number(exc.allowed) if exc.limit == "size" else exc.allowed
    return BudgetReadError("file_too_large", _ZIP_LIMITS[exc.limit],
                           params={"member": exc.member, "value": exc.value, "allowed": allowed})


def read_zip_tables(
    data: bytes,
    filename: str | None = None,
    *,
    tables: Sequence[str] = TABLES,
    max_members: int = ZIP_MAX_MEMBERS,
    max_uncompressed: int = ZIP_MAX_UNCOMPRESSED,
    max_cells: int | None = None,
) -> Workbook:
    """Read the CSV members named in ``tables`` from a zip, safely (member count, sizes, ratio).

    Each member is parsed by the spreadsheet layer; sheets are named by table (``Ta_RAB``).
    """
    name = os.path.basename(filename) if filename else None
    policy = ZipPolicy(max_members=max_members, max_uncompressed=max_uncompressed, max_ratio=ZIP_MAX_RATIO)
    try:
        zf = open_zip(data, name)
    except SpreadsheetError as exc:
        raise BudgetReadError("unreadable_file", N_("Berkas zip tidak dapat dibuka: {error:reason}."),
                              params={"error": exc}) from None
    with zf:
        infos = zf.infolist()
        wanted = {t.lower() for t in tables}
        chosen: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            tname = table_name(info.filename) if not info.is_dir() else None
            if tname is not None and tname.lower() in wanted and tname not in chosen:
                chosen[tname] = info
        sheets: list[Sheet] = []
        try:  # the archive and the selected members, before any is inflated
            check_zip_members(list(chosen.values()), name, policy, total_members=len(infos))
        except ZipLimitError as exc:
            raise _too_large(exc) from None
        for tname, info in chosen.items():
            try:
                content = read_zip_member(zf, info, name)
            except ZipLimitError as exc:
                raise _too_large(exc) from None
            except SpreadsheetError as exc:
                raise BudgetReadError("unreadable_file", N_("{member} di dalam zip tidak dapat dibaca ({error:reason})."),
                                      params={"member": info.filename, "error": exc}) from None
            if not content.strip():
                sheets.append(Sheet(tname, []))
                continue
            kwargs: dict[str, Any] = {}
            if max_cells is not None:
                kwargs["max_cells"] = max_cells
            try:
                wb = read_workbook(content, info.filename, **kwargs)
            except SpreadsheetError as exc:
                raise BudgetReadError("unreadable_file", N_("{member} di dalam zip tidak dapat dibaca: {error:reason}."),
                                      params={"member": info.filename, "error": exc}, sheet=tname, row=exc.row) from None
            sheets.append(Sheet(tname, wb.sheets[0].rows if wb.sheets else []))
    return Workbook(filename=name or "<data>", format="zip", sheets=sheets)


def detect_layout(workbook: Any) -> str:
    """Name of the layout of ``workbook`` (``siskeudes``, ``penjabaran``, ``realisasi``, ``peraturan``).

    Raises :class:`UnknownLayoutError` when none is recognised.
    """
    names = [s.name for s in workbook.sheets]
    if is_siskeudes(names):
        return "siskeudes"
    for sheet in workbook.sheets:
        h = find_header(sheet.rows)
        if h is not None:
            return h.layout
    raise UnknownLayoutError()


_TOO_LARGE = N_("Berkas terlalu besar ({size} byte; maksimum {max}).")


def _load(source: str | os.PathLike[str] | bytes, max_bytes: int) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        path = Path(source)
        size = path.stat().st_size
        if size > max_bytes:
            raise BudgetReadError("file_too_large", _TOO_LARGE, params={"size": number(size), "max": number(max_bytes)})
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise BudgetReadError("file_too_large", _TOO_LARGE, params={"size": number(len(data)), "max": number(max_bytes)})
    return data


def read_budget(
    source: str | os.PathLike[str] | bytes,
    filename: str | None = None,
    *,
    gampong: str | None = None,
    tahun: int | None = None,
    tahap: str | None = None,
    periode: str | None = None,
    layout: str | None = None,
    reference: Reference | str | os.PathLike[str] | None = None,
    max_bytes: int = MAX_BYTES,
    max_cells: int | None = None,
) -> Budget:
    """Read a budget file (xlsx/xls/ods/csv, or a Siskeudes zip) into a :class:`Budget`.

    The layout is detected unless ``layout`` is given. ``gampong`` is an area code
    (``11.71.01.2001``) or a gampong name; ``gampong``/``tahun``/``tahap``/``periode`` override
    what the file says (a contradiction is reported as a ``hint_mismatch`` warning).
    ``reference`` is a loaded :class:`Reference` or a directory of reference CSVs.
    Raises :class:`BudgetReadError` (``.problem.code``) when the file cannot be read.
    """
    if tahap is not None and tahap not in TAHAP:
        raise ValueError(f"tahap must be one of {TAHAP}, got {tahap!r}")
    if periode is not None and periode not in PERIODE:
        raise ValueError(f"periode must be one of {PERIODE}, got {periode!r}")
    if layout is not None and layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    ref = reference if isinstance(reference, Reference) else load_reference(reference)
    if filename is None and not isinstance(source, (bytes, bytearray, memoryview)):
        filename = os.path.basename(os.fspath(source))
    data = _load(source, max_bytes)

    if _is_zip_of_tables(data):
        workbook: Any = read_zip_tables(data, filename, max_cells=max_cells)
    else:
        kwargs: dict[str, Any] = {"max_bytes": max_bytes}
        if max_cells is not None:
            kwargs["max_cells"] = max_cells
        try:
            workbook = read_workbook(data, filename, **kwargs)
        except SpreadsheetError as exc:
            raise BudgetReadError("unreadable_file", N_("Berkas tidak dapat dibaca: {error}"), params={"error": exc},
                                  sheet=exc.sheet, row=exc.row) from None

    name = layout or detect_layout(workbook)
    budget = Budget(source_file=filename, layout=name)
    gampong_entry = ref.find_gampong(gampong) if gampong else None
    if name == "siskeudes":
        tables = {s.name: s.rows for s in workbook.sheets}
        if not is_siskeudes(list(tables)):
            raise BudgetReadError("missing_tables", N_("Berkas bukan ekspor Siskeudes (tabel Ta_RAB/Ta_RABRinci tidak ada)."))
        read_siskeudes(tables, budget, ref, kode_wilayah=gampong_entry.kode if gampong_entry else None,
                       tahun=tahun, tahap=tahap)
    else:
        found = [(sheet, h) for sheet in workbook.sheets if (h := find_header(sheet.rows)) is not None]
        if not found:
            raise UnknownLayoutError()
        read_sheets(found, budget, ref)
    _apply_identity(budget, ref, gampong, gampong_entry, tahun, tahap, periode)
    return budget


def _mismatch(budget: Budget, what: str, given: Any, found: Any) -> None:
    # Another gampong's or another year's budget must not be published under this name;
    # a stage or period can legitimately differ (e.g. the murni columns of a PAK export).
    severity = "error" if what in ("Gampong", "Tahun") else "warning"
    budget.problems.append(
        Problem.of(severity, "hint_mismatch",
                   N_("{what} yang diberikan ({given}) berbeda dengan yang tertulis di berkas ({found})."),
                   {"what": Phrase(what), "given": str(given), "found": str(found)},
                   field=what.lower(), expected=given, found=found)
    )


def _apply_identity(budget: Budget, ref: Reference, gampong: str | None, entry, tahun: int | None,
                    tahap: str | None, periode: str | None) -> None:
    hints = budget.hints
    hinted = ref.find_gampong(hints["gampong"]) if hints.get("gampong") else None
    if hinted is None and hints.get("gampong_name"):
        hinted = ref.find_gampong(hints["gampong_name"])
    if gampong:
        if entry is None:
            budget.problems.append(Problem.of("error", "unknown_gampong",
                                              N_("Gampong '{gampong}' tidak ada dalam daftar wilayah Kota Banda Aceh."),
                                              {"gampong": gampong}, field="gampong", found=gampong))
        elif hinted is not None and hinted.kode != entry.kode:
            _mismatch(budget, N_("Gampong"), f"{entry.kode} {entry.nama}", f"{hinted.kode} {hinted.nama}")
    else:
        entry = hinted
    if entry is not None:
        budget.kode_wilayah, budget.gampong = entry.kode, entry.nama
        kec = ref.areas.get(entry.kode_induk or "")
        if kec is not None:
            budget.kode_kecamatan, budget.kecamatan = kec.kode, kec.nama

    if tahun is not None:
        if hints.get("tahun") and hints["tahun"] != tahun:
            _mismatch(budget, N_("Tahun"), tahun, hints["tahun"])
        budget.tahun = int(tahun)
    else:
        budget.tahun = hints.get("tahun")

    default_tahap = "realisasi" if budget.layout == "realisasi" else "murni"
    if tahap is not None:
        if hints.get("tahap") and hints["tahap"] != tahap:
            _mismatch(budget, N_("Tahap"), tahap, hints["tahap"])
        budget.tahap = tahap
    else:
        budget.tahap = hints.get("tahap") or default_tahap
    if budget.tahap == "realisasi":
        if periode is not None and hints.get("periode") and hints["periode"] != periode:
            _mismatch(budget, N_("Periode"), periode, hints["periode"])
        budget.periode = periode or hints.get("periode")
    else:
        budget.periode = None
