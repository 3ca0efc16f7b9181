"""Importing a budget file: read, check and publish it as the gampong's APBG dataset.

One code path for the three ways in: the CLI (``ckan bandaaceh apbdes import``), the API action
``apbdes_import`` and the web upload page all call :func:`import_budget`. The budget logic
itself (reading, checks, summary, canonical CSV) is the pure package :mod:`ckanext.bandaaceh.apbdes`.

Publishing order: every check runs first (file, identity, permissions); nothing is written
while a check fails. Then :func:`ckanext.bandaaceh.datastore.publish` publishes all or nothing:
the typed DataStore table of the canonical CSV is built aside, one ``package_update`` replaces
the metadata and both files (the canonical CSV and the original file), and the new table takes
the old one's place only then; any failure leaves the previous dataset, files and table as they
were. A new dataset is made by one ``package_create`` with both files in the same way, so a
failure leaves none behind.
"""
from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import os
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

from ckanext.bandaaceh import apbdes, datastore, reference
from ckanext.bandaaceh.apbdes.isolated import read_checked_isolated
from ckanext.bandaaceh.site import portal_reference, site_user_name
from ckanext.bandaaceh.spreadsheet import N_, Phrase, params_from_json, render

from .identity import (DATASET_TYPE, ROLE_FIELD, ROLE_LINES, ROLE_SOURCE, budget_name, dataset_title,
                       resolve_gampong, show_dataset, tahap_label)
from .validators import IMPORT_FLAG

__all__ = ["COLUMN_INFO", "CONTROL_CHARACTERS", "ISOLATED_FLAG", "LOCAL_FLAG", "localise_problems", "problem_text", "read_upload", "amount_problems", "check_budget", "control_character_problems", "summary_fields", "import_budget"]

#: Data dictionary of the DataStore table (label, description), Bahasa Indonesia.
COLUMN_INFO = {
    "kode_wilayah": ("Kode wilayah gampong", "Kode Kepmendagri, misalnya 11.71.01.2001"),
    "gampong": ("Gampong", ""),
    "kecamatan": ("Kecamatan", ""),
    "tahun": ("Tahun anggaran", ""),
    "tahap": ("Tahap", "murni, perubahan atau realisasi"),
    "periode": ("Periode", "Realisasi saja: semester-1 atau tahunan; kosong untuk murni dan perubahan"),
    "kode_rekening": ("Kode rekening", "Permendagri 20/2018, misalnya 5.2.1.01"),
    "kode_kegiatan": ("Kode kegiatan", "Belanja saja, misalnya 01.01.01"),
    "bidang": ("Bidang", "Belanja saja, 01-05"),
    "uraian": ("Uraian", "Sebagaimana tertulis di berkas"),
    "anggaran": ("Anggaran (Rp)", "Pada APBG-Perubahan: anggaran sesudah perubahan"),
    "anggaran_sebelum": ("Anggaran sebelum perubahan (Rp)", "APBG-Perubahan saja; kosong pada tahap lain"),
    "realisasi": ("Realisasi (Rp)", "Kosong bila berkas tidak memuat realisasi"),
    "sumber_dana": ("Sumber dana", "DDS, ADD, PBH, PAD, BKPG ..."),
}

Progress = Callable[[str, int, int], None]


#: Context key: read and check the file in a memory-capped child process (the background job).
ISOLATED_FLAG = "bandaaceh_apbdes_isolated"
#: Context key: called outside a web request (the command line): no size limit of the API.
LOCAL_FLAG = "bandaaceh_apbdes_local"


def check_budget(data: bytes, filename: str, *, area_code: str, tahun: int | None, tahap: str | None,
                 periode: str | None, layout: str | None = None,
                 isolated: bool = False) -> tuple[apbdes.Budget | None, list[apbdes.Problem]]:
    """Read and check a budget file for one gampong; ``(None, [problem])`` if unreadable.

    ``isolated``: read and check in a memory-capped child (``bandaaceh.apbdes.job_memory_limit``).
    """
    params = {"gampong": area_code, "tahun": tahun, "tahap": tahap, "periode": periode, "layout": layout}
    if isolated:
        budget, problems = read_checked_isolated(
            data, filename, config_dir=tk.config.get("bandaaceh.config_dir") or None,
            memory_limit_mb=_config_int("bandaaceh.apbdes.job_memory_limit"),
            timeout=_config_int("bandaaceh.apbdes.job_timeout"), **params)
        if budget is None:
            return None, problems
    else:
        ref = portal_reference()
        try:
            budget = apbdes.read_budget(data, filename, reference=ref, **params)
        except apbdes.BudgetReadError as exc:
            return None, [exc.problem]
        problems = apbdes.validate(budget, ref)
    problems.extend(control_character_problems(budget))
    problems.extend(amount_problems(budget, max_line=_config_int("bandaaceh.apbdes.max_line_amount"),
                                    max_budget=_config_int("bandaaceh.apbdes.max_budget_amount")))
    return budget, problems


#: C0 control characters (TAB, LF and CR excepted) and DEL: PostgreSQL text cannot hold a NUL,
#: and none of them belongs in a budget line; refused rather than silently removed.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character_problems(budget: apbdes.Budget) -> list[apbdes.Problem]:
    """One error per text cell of ``budget`` holding a control character (file, row, column)."""
    problems = []
    for ln in budget.lines:
        for column, value in (("kode_rekening", ln.account), ("kode_kegiatan", ln.kegiatan),
                              ("uraian", ln.description), ("sumber_dana", ln.sumber_dana)):
            found = CONTROL_CHARACTERS.search(value or "")
            if found:
                problems.append(apbdes.Problem.of(
                    "error", "control_character",
                    N_("Kolom {column} berisi karakter kendali {character} yang tidak boleh ada di data anggaran; "
                       "hapus karakter itu dari sel tersebut lalu unggah ulang."),
                    {"column": column, "character": f"U+{ord(found.group()):04X}"},
                    row=ln.row, sheet=ln.sheet, field=column,
                    found=CONTROL_CHARACTERS.sub(lambda m: f"\\x{ord(m.group()):02x}", value or "")))
    return problems


def _config_int(key: str) -> int:
    return int(tk.config.get(key))


def amount_problems(budget: apbdes.Budget, *, max_line: int, max_budget: int) -> list[apbdes.Problem]:
    """Implausible amounts: a negative anggaran/realisasi on a pendapatan (4) or belanja (5)
    line, a line above ``max_line`` or a pendapatan/belanja/pembiayaan total above ``max_budget``.

    A perubahan's reduction is its ``BERTAMBAH/(BERKURANG)`` column, which is not a line amount
    (the reader keeps the amount after the change), so it is never refused here.
    """
    problems = []
    fmt = apbdes.format_rupiah
    for ln in budget.lines:
        if not ln.is_leaf:  # headings are sums of leaves, checked against them elsewhere
            continue
        for column, value in (("anggaran", ln.anggaran), ("realisasi", ln.realisasi)):
            if value is None:
                continue
            if value < 0 and (ln.account or "")[:1] in ("4", "5"):
                problems.append(apbdes.Problem.of(
                    "error", "negative_amount",
                    N_("Kolom {column} rekening {account} bernilai negatif ({amount}); pendapatan dan belanja tidak "
                       "boleh negatif."), {"column": column, "account": ln.account, "amount": fmt(value)}, row=ln.row, sheet=ln.sheet, field=column, found=str(value)))
            elif abs(value) > max_line:
                problems.append(apbdes.Problem.of(
                    "error", "amount_too_large",
                    N_("Kolom {column} rekening {account} bernilai {amount}, di atas batas wajar satu baris "
                       "({limit}, bandaaceh.apbdes.max_line_amount)."),
                    {"column": column, "account": ln.account, "amount": fmt(value), "limit": fmt(Decimal(max_line))},
                    row=ln.row, sheet=ln.sheet, field=column, found=str(value), expected=f"<= {max_line}"))
    s = budget.summary()
    totals = ((N_("Total pendapatan {amount}"), s.pendapatan), (N_("Total belanja {amount}"), s.belanja),
              (N_("Total pembiayaan penerimaan {amount}"), s.pembiayaan_penerimaan),
              (N_("Total pembiayaan pengeluaran {amount}"), s.pembiayaan_pengeluaran),
              (N_("Total realisasi pendapatan {amount}"), s.realisasi_pendapatan),
              (N_("Total realisasi belanja {amount}"), s.realisasi_belanja))
    for label, value in totals:
        if value is not None and abs(value) > max_budget:
            problems.append(apbdes.Problem.of(
                "error", "budget_too_large",
                N_("{total} di atas batas wajar satu APBG ({limit}, bandaaceh.apbdes.max_budget_amount)."),
                {"total": Phrase(label, {"amount": fmt(value)}), "limit": fmt(Decimal(max_budget))},
                found=str(value), expected=f"<= {max_budget}"))
    return problems


def _problem_dict(p: apbdes.Problem, filename: str) -> dict[str, Any]:
    d = p.as_dict()
    d["file"] = filename
    return localise_problems([d])[0]


def localise_problems(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The problem dicts (as kept in a job's result) with ``text``/``related_text`` (and the
    ``message`` of templated ones) in the current request's language: call where they are shown."""
    out = []
    for d in problems:
        d = dict(d)
        d["message"] = _message(d)
        d["related"] = [{**r, "message": _message(r)} for r in d.get("related") or []]
        d["text"] = problem_text(d)
        d["related_text"] = [problem_text({**r, "file": d.get("file")}) for r in d["related"]]
        out.append(d)
    return out


def _message(d: dict[str, Any]) -> str:
    if d.get("template"):
        return render(d["template"], params_from_json(d.get("params") or {}), tk._)
    return d["message"]


#: How a message naming its row begins (then the row is not said again before it).
_ROW_FIRST = N_("Baris {row}")


def problem_text(d: dict[str, Any]) -> str:
    """``file, sheet S: Baris 87: ...`` of a problem dict (with ``file``), in the request's language;
    the row is said once (by the message when it names it)."""
    message = _message(d)
    where = [d.get("file") or ""]
    if d.get("sheet"):
        where.append(f"sheet {d['sheet']}")
    row = d.get("row")
    if row and not message.startswith((f"Baris {row}", tk._(_ROW_FIRST).format(row=row))):
        where.append(tk._("baris {row}").format(row=row))
    text = f"{', '.join(w for w in where if w)}: {message}"
    if d.get("related"):
        text += " " + tk._("Akibatnya juga tidak cocok: {rows}.").format(
            rows="; ".join(tk._("baris {row}").format(row=r["row"]) if r.get("row") else r["code"]
                           for r in d["related"]))
    return text

def summary_fields(budget: apbdes.Budget) -> dict[str, str]:
    """The computed dataset fields (schema ``apbdes.yaml``) of a checked budget."""
    s = budget.summary()
    fmt = apbdes.format_amount

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
    # APBG-Perubahan: totals before the change and the change per bidang (empty otherwise).
    out.update({
        "sebelum_total_pendapatan": amt(s.sebelum_pendapatan),
        "sebelum_total_belanja": amt(s.sebelum_belanja),
        "sebelum_pembiayaan_netto": amt(s.sebelum_pembiayaan_netto),
        "sebelum_silpa": amt(s.sebelum_silpa),
    })
    change = s.perubahan_per_bidang
    for b in ("01", "02", "03", "04", "05"):
        out[f"perubahan_bidang_{b}"] = amt(change.get(b))
    return out

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


def read_upload(upload: Any) -> tuple[bytes, str]:
    """The bytes (at most the largest accepted upload and one) and base name of an uploaded file."""
    if upload is None or not hasattr(upload, "read") and not hasattr(upload, "stream"):
        raise tk.ValidationError({"upload": [tk._("Berkas APBG wajib diunggah (field 'upload', multipart/form-data)")]})
    stream = getattr(upload, "stream", upload)
    filename = os.path.basename(getattr(upload, "filename", None) or "apbg")
    data = stream.read(apbdes.reader.MAX_BYTES + 1)
    if not data:
        raise tk.ValidationError({"upload": [tk._("Berkas {name} kosong").format(name=filename)]})
    return data, filename


def _acting_user(context: dict[str, Any]) -> str:
    """The user recorded in the activity stream (the site user when none, e.g. ignore_auth)."""
    return context.get("user") or site_user_name()


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

    tahun = _int_param(data_dict, "tahun")
    tahap = _choice_param(data_dict, "tahap", apbdes.TAHAP)
    periode = _choice_param(data_dict, "periode", apbdes.PERIODE)
    layout = _choice_param(data_dict, "layout", apbdes.LAYOUTS)
    nomor = str(data_dict.get("nomor_peraturan") or "").strip() or None
    tanggal = str(data_dict.get("tanggal_peraturan") or "").strip() or None
    if tanggal:
        try:
            tanggal = dt.date.fromisoformat(tanggal).isoformat()
        except ValueError:
            raise tk.ValidationError({"tanggal_peraturan": [tk._("Tanggal harus berbentuk YYYY-MM-DD")]}) from None
    data, filename = read_upload(data_dict.get("upload"))

    steps = 2 if dry_run else 4
    progress(N_("Membaca dan memeriksa berkas"), 0, steps)
    budget, problems = check_budget(data, filename, area_code=org["kode_wilayah"], tahun=tahun,
                                    tahap=tahap, periode=periode, layout=layout,
                                    isolated=bool(context.get(ISOLATED_FLAG)))
    progress(N_("Memeriksa"), 1, steps)
    areas = portal_reference()
    area = areas.areas[org["kode_wilayah"]]
    errors = [p for p in problems if p.severity == "error"]
    max_problems = _config_int("bandaaceh.apbdes.dry_run_max_problems")
    if len(problems) > max_problems:  # errors first, so that the capped list still says why it is refused
        problems.sort(key=lambda p: p.severity != "error")
    result: dict[str, Any] = {
        "gampong": {"name": org["name"], "title": org.get("title"), "kode_wilayah": org["kode_wilayah"]},
        "file": filename,
        "problems": [_problem_dict(p, filename) for p in problems[:max_problems]],
        "problem_count": len(problems),
        "error_count": len(errors),
        "warning_count": len(problems) - len(errors),
        "can_publish": budget is not None and not errors,
        "published": False,
        "replaced": False,
        "dataset": None,
        "dry_run": dry_run,
    }
    name = existing = None
    if budget is not None:
        result.update({"tahun": budget.tahun, "tahap": budget.tahap, "periode": budget.periode,
                       "periode_text": budget.hints.get("periode_text"),
                       "needs_periode": any(p.code == "missing_period" for p in problems),
                       "kode_lokal": apbdes.unlisted_codes(problems),
                       "layout": budget.layout, "summary": budget.summary().as_dict()})
        if budget.tahun is not None:
            name = budget_name(area, budget.tahun, budget.tahap, budget.periode)
            result["dataset_name"] = name
            existing = show_dataset(name)
            result["existing"] = existing["name"] if existing and existing.get("state") == "active" else None
    if dry_run:
        if budget is not None:
            rows = apbdes.budget_rows(budget)
            result["lines"] = list(itertools.islice(rows, _config_int("bandaaceh.apbdes.dry_run_max_lines")))
            result["line_count"] = len(result["lines"]) + sum(1 for _ in rows)
        progress(N_("Selesai"), steps, steps)
        return result
    if errors or budget is None or name is None:
        messages = [_problem_dict(p, filename)["text"] for p in errors[:max_problems]]
        if len(errors) > max_problems:
            messages.append(tk._("... dan {n} kesalahan lain (batas daftar: bandaaceh.apbdes.dry_run_max_problems)")
                            .format(n=len(errors) - max_problems))
        raise tk.ValidationError({"upload": messages, "problems": result["problems"]})

    kec = areas.parent(area.kode)
    fields = {
        "kode_wilayah": area.kode, "gampong": area.nama,
        "kode_kecamatan": kec.kode if kec else "", "kecamatan": kec.nama if kec else "",
        "tahun_anggaran": str(budget.tahun), "tahap": budget.tahap, "periode": budget.periode or "",
        "berkas_asli": filename,
        "diimpor_pada": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        **summary_fields(budget),
    }
    if nomor:
        fields["nomor_peraturan"] = nomor
    if tanggal:
        fields["tanggal_peraturan"] = tanggal
    dataset, replaced = _publish(context, org, area, budget, name, existing, fields, data, filename, progress, steps)
    result.update({"published": True, "replaced": replaced, "dataset": dataset})
    progress(N_("Selesai"), steps, steps)
    return result


def _source_format(filename: str) -> str:
    ext = os.path.splitext(filename)[1].lstrip(".").upper()
    return ext or "BIN"


def _resources(existing: dict[str, Any] | None, name: str, area: reference.Area, budget: apbdes.Budget,
               data: bytes, filename: str) -> list[dict[str, Any]]:
    csv_bytes = apbdes.to_csv_bytes(budget)
    lines = {
        "name": f"Rincian {tahap_label(budget.tahap, budget.periode)} {reference.area_title(area)} {budget.tahun} (CSV standar)",
        "description": ("Satu baris per rincian rekening (baris terendah), kolom standar portal: kode_wilayah, "
                        "gampong, kecamatan, tahun, tahap, periode, kode_rekening, kode_kegiatan, bidang, uraian, "
                        "anggaran, anggaran_sebelum (APBG-Perubahan: anggaran sebelum perubahan), realisasi, "
                        "sumber_dana. Tersedia juga melalui Data API (DataStore)."),
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
    for res in (lines, source):  # ids known up front: the lines table is built before the update
        res.setdefault("id", datastore.new_resource_id())
    return [lines, source, *others]


def _records(budget: apbdes.Budget) -> Iterator[list[Any]]:
    """The DataStore rows of ``budget`` in column order (blank numbers as NULL)."""
    for row in apbdes.budget_rows(budget):
        yield [None if row[c] == "" and t != "text" else row[c] for c, t in apbdes.CSV_FIELDS]


def _datastore_fields() -> list[dict[str, Any]]:
    return [{"id": c, "type": t, "info": {"label": COLUMN_INFO[c][0], "notes": COLUMN_INFO[c][1]}}
            for c, t in apbdes.CSV_FIELDS]


def _publish(context: dict[str, Any], org: dict[str, Any], area: reference.Area, budget: apbdes.Budget,
             name: str, existing: dict[str, Any] | None, fields: dict[str, str], data: bytes,
             filename: str, progress: Progress, steps: int) -> tuple[dict[str, Any], bool]:
    """Publish ``budget`` as the dataset ``name``: ``existing`` is its ``package_show`` as read by
    :func:`import_budget` (None: a new dataset)."""
    if existing is not None:
        if existing.get("type") != DATASET_TYPE or existing.get("owner_org") != org["id"]:
            raise tk.ValidationError({"name": [tk._(
                "Dataset {name} sudah ada tetapi bukan APBG milik {org}; hubungi admin portal.").format(
                    name=name, org=org.get("title") or org["name"])]})
        tk.check_access("package_update", dict(context), {"id": existing["id"]})
    progress(N_("Memuat DataStore dan menerbitkan"), 2, steps)
    create = None
    if existing is None:  # created with its files in one transaction by datastore.publish
        create = {
            "type": DATASET_TYPE, "name": name, "owner_org": org["id"],
            "title": dataset_title(area, budget.tahun, budget.tahap, budget.periode),
            "notes": _notes(area, budget), "license_id": "cc-by",
            "tags": [{"name": "apbg"}, {"name": "keuangan-gampong"}],
            **fields,
        }
    base = create if existing is None else existing
    update = {k: v for k, v in base.items() if k not in ("resources", "organization", "groups",
                                                         "relationships_as_object", "relationships_as_subject")}
    update.update(fields)
    resources = _resources(existing, name, area, budget, data, filename)
    update.update({"id": base.get("id"), "state": "active", "owner_org": org["id"], "resources": resources})
    lines_id = next(r["id"] for r in resources if r.get(ROLE_FIELD) == ROLE_LINES)
    try:
        pkg = datastore.publish(_writer_context(context), update,
                                {lines_id: datastore.Table(_datastore_fields(), _records(budget))}, create=create,
                                original=existing)
    except datastore.PublishError as exc:
        raise tk.ValidationError({"upload": [f"{filename}: {exc}"]}) from exc
    return pkg, existing is not None


def _notes(area: reference.Area, budget: apbdes.Budget) -> str:
    kec = portal_reference().parent(area.kode)
    return (f"{tahap_label(budget.tahap, budget.periode)} {reference.area_title(area)}, Kecamatan {kec.nama if kec else '-'}, Kota Banda Aceh, "
            f"Tahun Anggaran {budget.tahun}.\n\nRincian per rekening tersedia sebagai CSV standar dan melalui "
            "Data API; berkas asli dilampirkan. Angka ringkasan dihitung otomatis dari rincian saat impor.")
