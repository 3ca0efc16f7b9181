"""The CKAN side of gampong budgets (APBG/APBDes): import, publish, transparency.

One code path for the three ways in: the CLI (``ckan bandaaceh apbdes import``), the API action
``apbdes_import`` and the web upload page all call :func:`import_budget`. The budget logic
itself (reading, checks, summary, canonical CSV) is the pure package :mod:`ckanext.bandaaceh.apbdes`.

Publishing order: every check runs first (file, identity, permissions); nothing is written
while a check fails. Then one ``package_update`` replaces the metadata and both files (the
canonical CSV and the original file) in one database transaction, and the DataStore table of the
CSV is replaced with typed columns. A new dataset is created as a draft first and purged again if
any later step fails.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

from ckanext.bandaaceh import apbdes, reference
from ckanext.bandaaceh.logic import datastore
from ckanext.bandaaceh.logic.apbdes_validators import IMPORT_FLAG

__all__ = [
    "DATASET_TYPE", "ROLE_FIELD", "STAGE_KEYS", "budget_reference", "resolve_gampong",
    "stage_key", "dataset_name", "dataset_title", "check_budget", "import_budget",
    "transparency", "transparency_csv", "stage_files", "load_staged", "discard_staged",
    "summary_fields", "sortable_amount",
]

DATASET_TYPE = "apbdes"
#: Resource field telling which of the two managed files a resource is.
ROLE_FIELD = "apbdes_role"
ROLE_LINES, ROLE_SOURCE = "lines", "source"
#: Stage keys of dataset names, latest first (the transparency page shows the latest).
STAGE_KEYS = ("realisasi-tahunan", "realisasi-semester-1", "perubahan", "murni")
STAGE_LABELS = {"murni": "APBG Murni", "perubahan": "APBG Perubahan", "realisasi": "Laporan Realisasi APBG"}
PERIOD_LABELS = {"semester-1": "Semester I", "tahunan": "Tahunan"}
#: Data dictionary of the DataStore table (label, description), Bahasa Indonesia.
COLUMN_INFO = {
    "kode_wilayah": ("Kode wilayah gampong", "Kode Kepmendagri, misalnya 11.71.01.2001"),
    "gampong": ("Gampong", ""),
    "kecamatan": ("Kecamatan", ""),
    "tahun": ("Tahun anggaran", ""),
    "tahap": ("Tahap", "murni, perubahan atau realisasi"),
    "kode_rekening": ("Kode rekening", "Permendagri 20/2018, misalnya 5.2.1.01"),
    "kode_kegiatan": ("Kode kegiatan", "Belanja saja, misalnya 01.01.01"),
    "bidang": ("Bidang", "Belanja saja, 01-05"),
    "uraian": ("Uraian", "Sebagaimana tertulis di berkas"),
    "anggaran": ("Anggaran (Rp)", ""),
    "realisasi": ("Realisasi (Rp)", "Kosong bila berkas tidak memuat realisasi"),
    "sumber_dana": ("Sumber dana", "DDS, ADD, PBH, PAD, BKPG ..."),
}
#: How long an uploaded file waits between preview and publish on the web.
STAGING_TTL = 24 * 3600
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")

Progress = Callable[[str, int, int], None]


# --------------------------------------------------------------------------- references
def _config_dir() -> str | None:
    return tk.config.get("bandaaceh.config_dir") or None


def budget_reference() -> apbdes.Reference:
    """The APBDes code lists (accounts, kegiatan, sumber dana, areas) of this portal."""
    cfg = _config_dir()
    return apbdes.load_reference(Path(cfg) / "reference" if cfg else None)


def area_reference() -> reference.Reference:
    return reference.load(_config_dir())


# --------------------------------------------------------------------------- identity
def stage_key(tahap: str, periode: str | None) -> str:
    """``murni``, ``perubahan``, ``realisasi-semester-1`` or ``realisasi-tahunan``."""
    return f"realisasi-{periode}" if tahap == "realisasi" and periode else tahap


def dataset_name(area: reference.Area, year: int, tahap: str, periode: str | None) -> str:
    """Deterministic name: one dataset per gampong, year and stage (``apbg-lam-ara-2025-murni``)."""
    return f"apbg-{reference.slug(area.nama)}-{year}-{stage_key(tahap, periode)}"


def dataset_title(area: reference.Area, year: int, tahap: str, periode: str | None) -> str:
    title = f"{STAGE_LABELS[tahap]} {reference.area_title(area)} Tahun {year}"
    if tahap == "realisasi" and periode:
        title += f" ({PERIOD_LABELS[periode]})"
    return title


def _org_show(id_: str) -> dict[str, Any] | None:
    try:
        return tk.get_action("organization_show")(
            {"ignore_auth": True},
            {"id": id_, "include_datasets": False, "include_users": False,
             "include_groups": False, "include_followers": False})
    except tk.ObjectNotFound:
        return None


def _org_by_area_code(code: str) -> dict[str, Any] | None:
    """Organisation whose ``kode_wilayah`` is ``code`` (when it is not named by convention)."""
    offset, limit = 0, 25
    while True:
        page = tk.get_action("organization_list")(
            {"ignore_auth": True},
            {"all_fields": True, "include_extras": True, "limit": limit, "offset": offset})
        for org in page:
            if org.get("kode_wilayah") == code and org.get("jenis") == "gampong":
                return _org_show(org["id"])
        if len(page) < limit:
            return None
        offset += limit


def resolve_gampong(value: str) -> dict[str, Any]:
    """The gampong organisation named by ``value``: organisation name/id or area code.

    Raises ``ValidationError`` (field ``gampong``) naming what was not found.
    """
    text = (value or "").strip()
    if not text:
        raise tk.ValidationError({"gampong": [tk._("Gampong wajib diisi (nama organisasi atau kode wilayah)")]})
    areas = area_reference().areas
    area = areas.get(text)
    org = None
    if area is not None:
        if area.tingkat != "gampong":
            raise tk.ValidationError({"gampong": [tk._("Kode wilayah {code} adalah {level}, bukan gampong").format(
                code=text, level=area.tingkat)]})
        org = _org_show(reference.area_org_name(area))
        if org is None or org.get("kode_wilayah") != text:
            org = _org_by_area_code(text)
    else:
        org = _org_show(text)
    if org is None:
        raise tk.ValidationError({"gampong": [tk._("Organisasi gampong '{value}' tidak ditemukan").format(value=text)]})
    if org.get("jenis") != "gampong":
        raise tk.ValidationError({"gampong": [tk._("Organisasi {org} bukan gampong").format(
            org=org.get("title") or org["name"])]})
    if org.get("kode_wilayah") not in areas:
        raise tk.ValidationError({"gampong": [tk._("Organisasi {org} tidak memiliki kode wilayah gampong yang valid").format(
            org=org.get("title") or org["name"])]})
    return org


# --------------------------------------------------------------------------- checks
def check_budget(data: bytes, filename: str, *, area_code: str, year: int | None, tahap: str | None,
                 periode: str | None, layout: str | None = None) -> tuple[apbdes.Budget | None, list[apbdes.Problem]]:
    """Read and check a budget file for one gampong; ``(None, [problem])`` if unreadable."""
    ref = budget_reference()
    try:
        budget = apbdes.read_budget(data, filename, gampong=area_code, year=year, stage=tahap,
                                    period=periode, layout=layout, reference=ref)
    except apbdes.BudgetReadError as exc:
        return None, [exc.problem]
    problems = apbdes.validate(budget, ref)
    if budget.stage == "realisasi" and not budget.period:
        problems.append(apbdes.Problem(
            "error", "missing_period",
            "Periode laporan realisasi tidak diketahui: berkas tidak menyebutkannya dan tidak diberikan "
            "(pilih semester-1 atau tahunan).", field="periode"))
    return budget, problems


def _problem_dict(p: apbdes.Problem, filename: str) -> dict[str, Any]:
    d = p.as_dict()
    d["file"] = filename
    where = [filename]
    if p.sheet:
        where.append(f"sheet {p.sheet}")
    if p.row:
        where.append(f"baris {p.row}")
    d["text"] = f"{', '.join(where)}: {p.message}"
    return d


def sortable_amount(value: Any) -> str | None:
    """Amount as a string that sorts (and range-queries) like the number, for Solr string fields.

    Cents, 18 digits, with ``1`` before non-negative and ``0`` before negative values (stored as
    10^18 minus their magnitude): ``1500000`` -> ``1000000000150000000``.
    """
    if value in (None, ""):
        return None
    cents = int((Decimal(str(value)) * 100).to_integral_value())
    if cents >= 0:
        return "1" + f"{min(cents, 10**18 - 1):018d}"
    return "0" + f"{max(10**18 + cents, 0):018d}"


def summary_fields(budget: apbdes.Budget) -> dict[str, str]:
    """The computed dataset fields (schema ``apbdes.yaml``) of a checked budget."""
    s = budget.summary()
    fmt = apbdes.normalise.format_amount

    def amt(v: Decimal | None) -> str:
        return "" if v is None else fmt(v)

    out = {
        "total_pendapatan": amt(s.pendapatan),
        "total_belanja": amt(s.belanja),
        "pembiayaan_penerimaan": amt(s.pembiayaan_penerimaan),
        "pembiayaan_pengeluaran": amt(s.pembiayaan_pengeluaran),
        "pembiayaan_netto": amt(s.pembiayaan_netto),
        "silpa": amt(s.silpa),
        "realisasi_pendapatan": amt(s.realisasi_pendapatan),
        "realisasi_belanja": amt(s.realisasi_belanja),
        "realisasi_silpa": amt(s.realisasi_silpa),
        "persen_realisasi_pendapatan": amt(s.persen_realisasi_pendapatan),
        "persen_realisasi_belanja": amt(s.persen_realisasi_belanja),
        "pendapatan_sumber_dana": json.dumps({k: fmt(v) for k, v in sorted(s.pendapatan_per_sumber_dana.items())},
                                             separators=(",", ":")),
        "jumlah_baris": str(s.line_count),
        "tata_letak": budget.layout or "",
    }
    for b in ("01", "02", "03", "04", "05"):
        out[f"belanja_bidang_{b}"] = amt(s.belanja_per_bidang.get(b, Decimal(0)))
    return out


# --------------------------------------------------------------------------- import
def _int_param(data_dict: dict[str, Any], key: str) -> int | None:
    value = data_dict.get(key)
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise tk.ValidationError({key: [tk._("Harus berupa angka tahun, misalnya 2025")]}) from None


def _choice_param(data_dict: dict[str, Any], key: str, choices: tuple[str, ...]) -> str | None:
    value = data_dict.get(key)
    if value in (None, ""):
        return None
    value = str(value).strip().lower()
    if value not in choices:
        raise tk.ValidationError({key: [tk._("Nilai '{value}' tidak dikenal; pilih salah satu: {choices}").format(
            value=value, choices=", ".join(choices))]})
    return value


def _read_upload(upload: Any) -> tuple[bytes, str]:
    if upload is None or not hasattr(upload, "read") and not hasattr(upload, "stream"):
        raise tk.ValidationError({"upload": [tk._("Berkas APBG wajib diunggah (field 'upload', multipart/form-data)")]})
    stream = getattr(upload, "stream", upload)
    filename = os.path.basename(getattr(upload, "filename", None) or "apbg")
    data = stream.read(apbdes.reader.MAX_BYTES + 1)
    if not data:
        raise tk.ValidationError({"upload": [tk._("Berkas {name} kosong").format(name=filename)]})
    return data, filename


def _show(name: str) -> dict[str, Any] | None:
    try:
        return tk.get_action("package_show")({"ignore_auth": True}, {"id": name})
    except tk.ObjectNotFound:
        return None


def _acting_user(context: dict[str, Any]) -> str:
    """The user recorded in the activity stream (the site user when none, e.g. ignore_auth)."""
    return context.get("user") or tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def _writer_context(context: dict[str, Any]) -> dict[str, Any]:
    """A fresh context for the write actions, with the import flag (fresh: actions mutate it)."""
    ctx: dict[str, Any] = {"user": _acting_user(context), IMPORT_FLAG: True}
    if context.get("ignore_auth"):
        ctx["ignore_auth"] = True
    return ctx


def import_budget(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Check a budget file and (unless ``dry_run``) publish it as the gampong's APBG dataset.

    ``data_dict``: ``upload`` (file), ``gampong`` (organisation name/id or area code),
    ``tahun``, ``tahap`` (``murni``/``perubahan``/``realisasi``), ``periode`` (realisasi:
    ``semester-1``/``tahunan``), ``layout``, ``nomor_peraturan``, ``tanggal_peraturan``
    (YYYY-MM-DD), ``dry_run``. Returns the checks, the summary and (when published) the dataset.
    A file with errors raises ``ValidationError`` naming each problem (row, expected, found)
    unless ``dry_run``; nothing is written then.
    """
    progress: Progress = context.get("bandaaceh_progress") or (lambda _label, _done, _total: None)
    dry_run = tk.asbool(data_dict.get("dry_run", False))
    org = resolve_gampong(str(data_dict.get("gampong") or ""))
    tk.check_access("apbdes_import", context, {"owner_org": org["id"]})

    year = _int_param(data_dict, "tahun")
    tahap = _choice_param(data_dict, "tahap", apbdes.STAGES)
    periode = _choice_param(data_dict, "periode", apbdes.PERIODS)
    layout = _choice_param(data_dict, "layout", apbdes.LAYOUTS)
    nomor = str(data_dict.get("nomor_peraturan") or "").strip() or None
    tanggal = str(data_dict.get("tanggal_peraturan") or "").strip() or None
    if tanggal:
        try:
            tanggal = dt.date.fromisoformat(tanggal).isoformat()
        except ValueError:
            raise tk.ValidationError({"tanggal_peraturan": [tk._("Tanggal harus berbentuk YYYY-MM-DD")]}) from None
    data, filename = _read_upload(data_dict.get("upload"))

    steps = 2 if dry_run else 4
    progress("Membaca dan memeriksa berkas", 0, steps)
    budget, problems = check_budget(data, filename, area_code=org["kode_wilayah"], year=year,
                                    tahap=tahap, periode=periode, layout=layout)
    progress("Memeriksa", 1, steps)
    areas = area_reference()
    area = areas.areas[org["kode_wilayah"]]
    errors = [p for p in problems if p.severity == "error"]
    result: dict[str, Any] = {
        "gampong": {"name": org["name"], "title": org.get("title"), "kode_wilayah": org["kode_wilayah"]},
        "file": filename,
        "problems": [_problem_dict(p, filename) for p in problems],
        "error_count": len(errors),
        "warning_count": len(problems) - len(errors),
        "can_publish": budget is not None and not errors,
        "published": False,
        "replaced": False,
        "dataset": None,
        "dry_run": dry_run,
    }
    name = None
    if budget is not None:
        result.update({"tahun": budget.year, "tahap": budget.stage, "periode": budget.period,
                       "layout": budget.layout, "summary": budget.summary().as_dict()})
        if budget.year is not None:
            name = dataset_name(area, budget.year, budget.stage, budget.period)
            result["dataset_name"] = name
            existing = _show(name)
            result["existing"] = existing["name"] if existing and existing.get("state") == "active" else None
    if dry_run:
        if budget is not None:
            result["lines"] = list(apbdes.budget_rows(budget))
        progress("Selesai", steps, steps)
        return result
    if errors or budget is None or name is None:
        messages = [_problem_dict(p, filename)["text"] for p in errors]
        raise tk.ValidationError({"upload": messages, "problems": result["problems"]})

    kec = areas.parent(area.kode)
    fields = {
        "kode_wilayah": area.kode, "gampong": area.nama,
        "kode_kecamatan": kec.kode if kec else "", "kecamatan": kec.nama if kec else "",
        "tahun_anggaran": str(budget.year), "tahap": budget.stage, "periode": budget.period or "",
        "berkas_asli": filename,
        "diimpor_pada": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        **summary_fields(budget),
    }
    if nomor:
        fields["nomor_peraturan"] = nomor
    if tanggal:
        fields["tanggal_peraturan"] = tanggal
    dataset, replaced = _publish(context, org, area, budget, name, fields, data, filename, progress, steps)
    result.update({"published": True, "replaced": replaced, "dataset": dataset})
    progress("Selesai", steps, steps)
    return result


def _source_format(filename: str) -> str:
    ext = os.path.splitext(filename)[1].lstrip(".").upper()
    return ext or "BIN"


def _resources(existing: dict[str, Any] | None, name: str, area: reference.Area, budget: apbdes.Budget,
               data: bytes, filename: str) -> list[dict[str, Any]]:
    csv_bytes = apbdes.to_csv_bytes(budget)
    stage = STAGE_LABELS[budget.stage] + (f" ({PERIOD_LABELS[budget.period]})" if budget.period else "")
    lines = {
        "name": f"Rincian {stage} {reference.area_title(area)} {budget.year} (CSV standar)",
        "description": ("Satu baris per rincian rekening (baris terendah), kolom standar portal: kode_wilayah, "
                        "gampong, kecamatan, tahun, tahap, kode_rekening, kode_kegiatan, bidang, uraian, "
                        "anggaran, realisasi, sumber_dana. Tersedia juga melalui Data API (DataStore)."),
        "format": "CSV", "mimetype": "text/csv",
        ROLE_FIELD: ROLE_LINES, datastore.LOADER_FIELD: datastore.LOADER_NAME,
        "upload": FileStorage(io.BytesIO(csv_bytes), filename=f"{name}.csv", content_type="text/csv"),
    }
    source = {
        "name": f"Berkas asli: {filename}",
        "description": f"Berkas sebagaimana diunggah (tata letak: {budget.layout}).",
        "format": _source_format(filename),
        ROLE_FIELD: ROLE_SOURCE, datastore.LOADER_FIELD: datastore.LOADER_NAME,
        "upload": FileStorage(io.BytesIO(data), filename=filename),
    }
    others: list[dict[str, Any]] = []
    for res in (existing or {}).get("resources", []):
        role = res.get(ROLE_FIELD)
        if role == ROLE_LINES and "id" not in lines:
            lines["id"] = res["id"]
        elif role == ROLE_SOURCE and "id" not in source:
            source["id"] = res["id"]
        else:
            others.append(res)
    return [lines, source, *others]


def _records(budget: apbdes.Budget) -> Iterator[dict[str, Any]]:
    types = dict(apbdes.CSV_FIELDS)
    for row in apbdes.budget_rows(budget):
        yield {k: (None if v == "" and types[k] != "text" else v) for k, v in row.items()}


def _datastore_fields() -> list[dict[str, Any]]:
    return [{"id": c, "type": t, "info": {"label": COLUMN_INFO[c][0], "notes": COLUMN_INFO[c][1]}}
            for c, t in apbdes.CSV_FIELDS]


def _publish(context: dict[str, Any], org: dict[str, Any], area: reference.Area, budget: apbdes.Budget,
             name: str, fields: dict[str, str], data: bytes, filename: str, progress: Progress,
             steps: int) -> tuple[dict[str, Any], bool]:
    existing = _show(name)
    if existing is not None:
        if existing.get("type") != DATASET_TYPE or existing.get("owner_org") != org["id"]:
            raise tk.ValidationError({"name": [tk._(
                "Dataset {name} sudah ada tetapi bukan APBG milik {org}; hubungi admin portal.").format(
                    name=name, org=org.get("title") or org["name"])]})
        tk.check_access("package_update", dict(context), {"id": existing["id"]})
    progress("Menerbitkan dataset dan berkas", 2, steps)
    created = None
    try:
        if existing is None:
            created = tk.get_action("package_create")(_writer_context(context), {
                "type": DATASET_TYPE, "name": name, "owner_org": org["id"], "state": "draft",
                "title": dataset_title(area, budget.year, budget.stage, budget.period),
                "notes": _notes(area, budget), "license_id": "cc-by",
                "tags": [{"name": "apbg"}, {"name": "keuangan-gampong"}],
                **fields,
            })
            base = created
        else:
            base = existing
        update = {k: v for k, v in base.items() if k not in ("resources", "organization", "groups",
                                                                 "relationships_as_object",
                                                                 "relationships_as_subject")}
        update.update(fields)
        update.update({"id": base["id"], "state": "active", "owner_org": org["id"],
                       "resources": _resources(existing, name, area, budget, data, filename)})
        pkg = tk.get_action("package_update")(_writer_context(context), update)
        progress("Memuat DataStore", 3, steps)
        lines_id = next(r["id"] for r in pkg["resources"] if r.get(ROLE_FIELD) == ROLE_LINES)
        datastore.replace_table(lines_id, _datastore_fields(), _records(budget),
                                context={"ignore_auth": True, "user": _acting_user(context)})
    except Exception:
        if created is not None:  # a new dataset is published completely or not at all
            tk.get_action("dataset_purge")({"ignore_auth": True}, {"id": created["id"]})
        raise
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": pkg["id"]}), existing is not None


def _notes(area: reference.Area, budget: apbdes.Budget) -> str:
    kec = area_reference().parent(area.kode)
    stage = STAGE_LABELS[budget.stage] + (f" ({PERIOD_LABELS[budget.period]})" if budget.period else "")
    return (f"{stage} {reference.area_title(area)}, Kecamatan {kec.nama if kec else '-'}, Kota Banda Aceh, "
            f"Tahun Anggaran {budget.year}.\n\nRincian per rekening tersedia sebagai CSV standar dan melalui "
            "Data API; berkas asli dilampirkan. Angka ringkasan dihitung otomatis dari rincian saat impor.")


# --------------------------------------------------------------------------- web staging
def _staging_root() -> Path:
    root = tk.config.get("ckan.storage_path")
    if not root:
        raise tk.ValidationError({"upload": [tk._("Penyimpanan berkas (ckan.storage_path) belum diatur")]})
    return Path(root) / "apbdes-staging"


def _cleanup_staging(root: Path) -> None:
    now = time.time()
    for d in root.iterdir() if root.is_dir() else []:
        try:
            if now - d.stat().st_mtime > STAGING_TTL:
                shutil.rmtree(d, ignore_errors=True)
        except OSError:
            pass


def stage_files(user_id: str, data: bytes, filename: str, params: dict[str, Any]) -> str:
    """Keep an uploaded file between preview and publish; return a random token tied to ``user_id``."""
    root = _staging_root()
    root.mkdir(parents=True, exist_ok=True)
    _cleanup_staging(root)
    token = secrets.token_urlsafe(32)
    d = root / token
    d.mkdir(mode=0o700)
    (d / "upload.bin").write_bytes(data)
    meta = {"user": user_id, "filename": os.path.basename(filename), "params": params, "created": time.time()}
    (d / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def load_staged(token: str, user_id: str) -> tuple[bytes, str, dict[str, Any]]:
    """The staged file of ``token``; ``NotAuthorized`` if it belongs to another user, ``ObjectNotFound``
    if unknown or expired."""
    if not TOKEN_RE.match(token or ""):
        raise tk.ObjectNotFound(tk._("Unggahan tidak ditemukan"))
    d = _staging_root() / token
    try:
        meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
        data = (d / "upload.bin").read_bytes()
    except (OSError, ValueError):
        raise tk.ObjectNotFound(tk._("Unggahan tidak ditemukan atau sudah kedaluwarsa; unggah ulang berkasnya")) from None
    if time.time() - meta.get("created", 0) > STAGING_TTL:
        discard_staged(token)
        raise tk.ObjectNotFound(tk._("Unggahan sudah kedaluwarsa; unggah ulang berkasnya"))
    if not secrets.compare_digest(str(meta.get("user")), str(user_id)):
        raise tk.NotAuthorized(tk._("Unggahan ini milik pengguna lain"))
    return data, meta["filename"], meta.get("params") or {}


def discard_staged(token: str) -> None:
    if TOKEN_RE.match(token or ""):
        shutil.rmtree(_staging_root() / token, ignore_errors=True)


# --------------------------------------------------------------------------- transparency
def _latest(datasets: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[str, Any] | None:
    by_key = {stage_key(d.get("tahap") or "", d.get("periode") or None): d for d in datasets}
    return next((by_key[k] for k in keys if k in by_key), None)


def _dataset_entry(pkg: dict[str, Any]) -> dict[str, Any]:
    keys = ("tahap", "periode", "total_pendapatan", "total_belanja", "pembiayaan_netto", "silpa",
            "realisasi_pendapatan", "realisasi_belanja", "persen_realisasi_pendapatan",
            "persen_realisasi_belanja", "nomor_peraturan", "metadata_modified")
    out = {"name": pkg["name"], "title": pkg.get("title"),
           "url": tk.url_for(f"{DATASET_TYPE}.read", id=pkg["name"], _external=True)}
    out.update({k: pkg.get(k) or None for k in keys})
    for b in ("01", "02", "03", "04", "05"):
        out[f"belanja_bidang_{b}"] = pkg.get(f"belanja_bidang_{b}") or None
    return out


def _published(year: int) -> list[dict[str, Any]]:
    """Active public APBG datasets of ``year`` (indexed summaries from package_search)."""
    out: list[dict[str, Any]] = []
    start, rows = 0, 1000
    while True:
        res = tk.get_action("package_search")({"ignore_auth": True}, {
            "fq": f"+dataset_type:{DATASET_TYPE} +apbdes_tahun:{year}",
            "rows": rows, "start": start, "sort": "name asc",
        })
        out.extend(res["results"])
        start += rows
        if start >= res["count"]:
            return out


def transparency(year: int, *, kecamatan: str | None = None, status: str | None = None,
                 tahap: str | None = None) -> dict[str, Any]:
    """All gampong of the city by kecamatan for ``year``: published or missing, stage, totals, realisation.

    ``kecamatan``: code or name; ``status``: ``terbit`` or ``belum``; ``tahap``: one of
    ``murni``/``perubahan``/``realisasi`` (only datasets of that stage count).
    """
    ref = area_reference()
    bref = budget_reference()
    kec_filter = None
    if kecamatan:
        entry = bref.kecamatan(kecamatan)
        if entry is None:
            raise tk.ValidationError({"kecamatan": [tk._("Kecamatan '{value}' tidak dikenal").format(value=kecamatan)]})
        kec_filter = entry.code
    by_area: dict[str, list[dict[str, Any]]] = {}
    for pkg in _published(year):
        if tahap and pkg.get("tahap") != tahap:
            continue
        by_area.setdefault(pkg.get("kode_wilayah") or "", []).append(pkg)

    totals = {"gampong": 0, "terbit": 0, "belum": 0}
    groups = []
    for kec in ref.kecamatan():
        if kec_filter and kec.kode != kec_filter:
            continue
        rows = []
        for g in ref.gampong(kec.kode):
            pkgs = by_area.get(g.kode, [])
            budget_pkg = _latest(pkgs, ("perubahan", "murni"))
            real_pkg = _latest(pkgs, ("realisasi-tahunan", "realisasi-semester-1"))
            latest = _latest(pkgs, STAGE_KEYS)
            row_status = "terbit" if pkgs else "belum"
            if status and row_status != status:
                continue
            rows.append({
                "kode_wilayah": g.kode, "nama": g.nama, "organisasi": reference.area_org_name(g),
                "status": row_status,
                "tahap_terbaru": stage_key(latest["tahap"], latest.get("periode") or None) if latest else None,
                "anggaran": _dataset_entry(budget_pkg or real_pkg) if (budget_pkg or real_pkg) else None,
                "realisasi": _dataset_entry(real_pkg) if real_pkg else None,
                "dataset": [_dataset_entry(p) for p in sorted(
                    pkgs, key=lambda p: STAGE_KEYS.index(stage_key(p.get("tahap") or "", p.get("periode") or None))
                    if stage_key(p.get("tahap") or "", p.get("periode") or None) in STAGE_KEYS else 99)],
            })
            totals["gampong"] += 1
            totals[row_status] += 1
        if rows:
            groups.append({"kode": kec.kode, "nama": kec.nama, "gampong": rows,
                           "terbit": sum(1 for r in rows if r["status"] == "terbit"),
                           "total_belanja": _sum(r["anggaran"] and r["anggaran"]["total_belanja"] for r in rows),
                           "total_pendapatan": _sum(r["anggaran"] and r["anggaran"]["total_pendapatan"] for r in rows)})
    return {
        "tahun": year, "filter": {"kecamatan": kec_filter, "status": status, "tahap": tahap},
        "jumlah": totals,
        "total_pendapatan": _sum(k["total_pendapatan"] for k in groups),
        "total_belanja": _sum(k["total_belanja"] for k in groups),
        "kecamatan": groups,
    }


def _sum(values: Any) -> str:
    total = sum((Decimal(v) for v in values if v), Decimal(0))
    return apbdes.normalise.format_amount(total)


def transparency_csv(year: int, *, kecamatan: str | None = None, tahap: str | None = None) -> Iterator[str]:
    """The canonical CSV of every published APBG line of ``year`` (one header), read from the DataStore."""
    data = transparency(year, kecamatan=kecamatan, status="terbit", tahap=tahap)
    yield ",".join(apbdes.CSV_COLUMNS) + "\n"
    limit = int(tk.config.get("ckan.datastore.search.rows_max") or 32000)
    for kec in data["kecamatan"]:
        for g in kec["gampong"]:
            for entry in g["dataset"]:
                pkg = _show(entry["name"])
                res = next((r for r in (pkg or {}).get("resources", [])
                            if r.get(ROLE_FIELD) == ROLE_LINES and r.get("datastore_active")), None)
                if res is None:
                    continue
                offset = 0
                while True:
                    page = tk.get_action("datastore_search")({"ignore_auth": True}, {
                        "resource_id": res["id"], "fields": list(apbdes.CSV_COLUMNS), "sort": "_id",
                        "limit": limit, "offset": offset, "records_format": "csv"})
                    text = page.get("records") or ""
                    if text:
                        yield text if text.endswith("\n") else text + "\n"
                    offset += limit
                    if offset >= page.get("total", 0):
                        break
