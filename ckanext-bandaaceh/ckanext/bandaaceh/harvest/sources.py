"""Harvest sources as code (``harvesters/<skpd>.yaml``) and synchronous harvest runs.

``sync_sources(folder)`` creates or updates one ``bandaaceh_spreadsheet`` harvest source per
YAML file (owner = the SKPD organisation), idempotently. ``run_source(name)`` runs one harvest
job in this process, through ckanext-harvest's own gather and fetch/import stage functions,
and reports what happened to each spreadsheet.
"""
from __future__ import annotations

import glob
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk
import yaml
from ckan import model
from ckanext.harvest import queue
from ckanext.harvest.logic import HarvestJobExists
from ckanext.harvest.model import HarvestJob, HarvestObject

from ckanext.bandaaceh.site import site_context

from .plugin import SpreadsheetHarvester

__all__ = [
    "SourceFile", "SourceFileError", "SyncReport", "RunReport", "ObjectResult", "RunError",
    "load_source_file", "load_sources", "sync_sources", "run_source", "our_sources", "source_name",
    "default_sources_dir", "FREQUENCIES",
]

FREQUENCIES = ("MANUAL", "MONTHLY", "WEEKLY", "BIWEEKLY", "DAILY", "ALWAYS")
FILE_KEYS = ("organization", "name", "title", "url", "notes", "frequency", "auto_terbit", "defaults", "entries")
NAME_PREFIX = "spreadsheet-"


def default_sources_dir() -> str:
    """``bandaaceh.harvest.sources_dir``, else the repository's harvesters/ folder."""
    configured = tk.config.get("bandaaceh.harvest.sources_dir")
    if configured:
        return configured
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "..", "..", "harvesters"))


def source_name(organization: str) -> str:
    return f"{NAME_PREFIX}{organization}"


class SourceFileError(ValueError):
    """A source file is invalid; ``str()`` names the file (and the entry and field)."""


@dataclass
class SourceFile:
    path: str
    organization: str
    name: str
    title: str
    url: str
    notes: str
    frequency: str
    config: dict[str, Any]

    def as_source(self) -> dict[str, Any]:
        return {
            "name": self.name, "title": self.title, "url": self.url, "notes": self.notes,
            "source_type": "bandaaceh_spreadsheet", "owner_org": self.organization,
            # private: their config names internal addresses; the harvested datasets stay public
            "private": True,
            "frequency": self.frequency, "config": json.dumps(self.config, ensure_ascii=False, sort_keys=True),
        }


def load_source_file(path: str) -> SourceFile:
    """Read one ``<skpd>.yaml`` (structure only; entry values are checked by the harvester)."""
    label = os.path.relpath(path) if not os.path.isabs(path) or path.startswith(os.getcwd()) else path
    try:
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise SourceFileError(f"{label}: YAML tidak sah: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceFileError(f"{label}: tidak dapat dibaca: {exc}") from None
    if not isinstance(doc, dict):
        raise SourceFileError(f"{label}: isinya harus berupa pemetaan dengan 'entries'")
    unknown = [k for k in doc if k not in FILE_KEYS]
    if unknown:
        raise SourceFileError(f"{label}: kolom {', '.join(map(repr, unknown))} tidak dikenal; "
                              f"yang boleh: {', '.join(FILE_KEYS)}")
    org = str(doc.get("organization") or os.path.splitext(os.path.basename(path))[0]).strip()
    entries = doc.get("entries")
    if not isinstance(entries, list) or not entries:
        raise SourceFileError(f"{label}: 'entries' harus berupa daftar yang tidak kosong")
    first = entries[0] if isinstance(entries[0], dict) else {}
    url = str(doc.get("url") or first.get("url") or first.get("index") or first.get("pengaduan") or "").strip()
    frequency = str(doc.get("frequency") or "WEEKLY").upper()
    if frequency not in FREQUENCIES:
        raise SourceFileError(f"{label}: frequency {frequency!r} tidak dikenal; pilihan: {', '.join(FREQUENCIES)}")
    config: dict[str, Any] = {"entries": entries}
    if doc.get("defaults"):
        config["defaults"] = doc["defaults"]
    if "auto_terbit" in doc:
        config["auto_terbit"] = doc["auto_terbit"]
    return SourceFile(
        path=path, organization=org, name=str(doc.get("name") or source_name(org)),
        title=str(doc.get("title") or f"Spreadsheet {org}"), url=url,
        notes=str(doc.get("notes") or ""), frequency=frequency, config=config,
    )


def load_sources(folder: str) -> tuple[list[SourceFile], list[str]]:
    """Every ``*.yaml``/``*.yml`` file of ``folder`` (sorted); errors name their file."""
    files: list[SourceFile] = []
    errors: list[str] = []
    paths = sorted(glob.glob(os.path.join(folder, "*.yaml")) + glob.glob(os.path.join(folder, "*.yml")))
    for path in paths:
        try:
            files.append(load_source_file(path))
        except SourceFileError as exc:
            errors.append(str(exc))
    return files, errors


def _context() -> dict[str, Any]:
    return site_context()


def our_sources() -> list[dict[str, Any]]:
    """Active harvest sources of the spreadsheet harvester (``harvest_source_show`` dicts), by name."""
    sources = tk.get_action("harvest_source_list")(_context(), {"limit": 10000})
    out = []
    for src in sources:
        if src.get("type") != "bandaaceh_spreadsheet":
            continue
        try:
            out.append(tk.get_action("harvest_source_show")(dict(_context(), use_cache=False), {"id": src["id"]}))
        except tk.ObjectNotFound:  # a source row whose dataset was purged
            continue
    return sorted(out, key=lambda s: s["name"])


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[tuple[str, list[str]]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)         # messages naming file, entry, field
    failed_files: list[str] = field(default_factory=list)
    not_in_files: list[str] = field(default_factory=list)


def _differences(existing: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    out = []
    for key, value in wanted.items():
        have = existing.get(key)
        if key == "config":
            try:
                same = json.loads(have or "null") == json.loads(value)
            except ValueError:
                same = False
        else:
            same = (have or "") == (value or "")
        if not same:
            out.append(key)
    return out


def sync_sources(folder: str, *, dry_run: bool = False,
                 progress: Callable[[str], None] | None = None) -> SyncReport:
    """Create or update the harvest source of every file in ``folder``; report what changed."""
    report = SyncReport()
    files, errors = load_sources(folder)
    report.failed += errors
    report.failed_files += [e.split(": ", 1)[0] for e in errors]
    harvester = SpreadsheetHarvester()
    context = _context
    for sf in files:
        label = os.path.relpath(sf.path)
        if progress:
            progress(sf.name)
        try:
            harvester.validate_config(json.dumps(sf.config))
        except ValueError as exc:
            report.failed += [f"{label}: {msg}" for msg in str(exc).split("; ")]
            report.failed_files.append(label)
            continue
        try:
            org = tk.get_action("organization_show")(context(), {"id": sf.organization})
        except tk.ObjectNotFound:
            report.failed.append(f"{label}: organisasi {sf.organization!r} tidak ada (jalankan `ckan bandaaceh seed`)")
            report.failed_files.append(label)
            continue
        wanted = sf.as_source()
        wanted["owner_org"] = org["id"]
        if not wanted["url"]:
            report.failed.append(f"{label}: tidak ada URL sumber")
            report.failed_files.append(label)
            continue
        try:
            existing = tk.get_action("harvest_source_show")(dict(context(), use_cache=False), {"id": sf.name})
        except tk.ObjectNotFound:
            existing = None
        try:
            if existing is None:
                if not dry_run:
                    tk.get_action("harvest_source_create")(context(), dict(wanted))
                report.created.append(sf.name)
                continue
            changed = _differences(existing, wanted)
            if existing.get("state") not in (None, "active"):
                changed.append("state")
            if not changed:
                report.unchanged.append(sf.name)
                continue
            if not dry_run:
                tk.get_action("harvest_source_update")(context(), dict(wanted, id=existing["id"], state="active"))
            report.updated.append((sf.name, changed))
        except tk.ValidationError as exc:
            summary = getattr(exc, "error_summary", None) or exc.error_dict
            text = "; ".join(f"{k}: {v}" for k, v in summary.items()) if isinstance(summary, dict) else str(summary)
            report.failed.append(f"{label}: sumber panen {sf.name!r} ditolak: {text}")
            report.failed_files.append(label)
    names = {sf.name for sf in files}
    report.not_in_files = sorted(s["name"] for s in our_sources() if s["name"] not in names)
    return report


# ---------------------------------------------------------------- synchronous runs


class RunError(RuntimeError):
    """A job could not be started (e.g. one is already running)."""


@dataclass
class ObjectResult:
    guid: str
    status: str                 # added, updated, not modified, deleted, errored
    errors: list[str] = field(default_factory=list)


@dataclass
class RunReport:
    source: str
    job_id: str
    objects: list[ObjectResult] = field(default_factory=list)
    gather_errors: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.objects if o.status == status)

    @property
    def created(self) -> int:
        return self.count("added")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("not modified")

    @property
    def deleted(self) -> int:
        return self.count("deleted")

    @property
    def failed(self) -> int:
        return self.count("errored")

    def summary(self) -> str:
        text = (f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.deleted} deleted, {self.failed} failed")
        if self.gather_errors:
            text += f", {len(self.gather_errors)} gather error(s)"
        return text


def run_source(source: str, progress: Callable[[ObjectResult], None] | None = None) -> RunReport:
    """Run one harvest job of ``source`` (name or id) now, in this process, and report on it.

    A job that is waiting in the queue ("New") is taken over; a running one is left alone
    (RunError). The job is finished with ``harvest_jobs_run`` as the scheduler would.
    """
    context = _context
    src = tk.get_action("harvest_source_show")(dict(context(), use_cache=False), {"id": source})
    try:
        job_dict = tk.get_action("harvest_job_create")(context(), {"source_id": src["id"], "run": False})
    except HarvestJobExists:
        waiting = tk.get_action("harvest_job_list")(context(), {"source_id": src["id"], "status": "New"})
        if not waiting:
            raise RunError(f"sumber {src['name']!r} sedang dipanen oleh job lain; tunggu sampai selesai "
                           f"atau hentikan dengan `ckan harvester job-abort {src['name']}`") from None
        job_dict = waiting[0]
    job = HarvestJob.get(job_dict["id"])
    harvester = queue.get_harvester(src["source_type"])
    if harvester is None:
        raise RunError(f"tidak ada harvester untuk jenis sumber {src['source_type']!r}")
    report = RunReport(source=src["name"], job_id=job.id)
    job.status = "Running"
    job.save()
    try:
        ids = queue.gather_stage(harvester, job)
    except Exception as exc:  # gather crashed: close the job, report it
        ids = None
        report.gather_errors.append(f"{type(exc).__name__}: {exc}")
    for obj_id in ids if isinstance(ids, list) else []:
        obj = HarvestObject.get(obj_id)
        try:
            queue.fetch_and_import_stages(harvester, obj)
        except Exception as exc:  # a harvester bug must not stop the other spreadsheets
            model.Session.rollback()
            obj = HarvestObject.get(obj_id)
            harvester._save_object_error(f"{type(exc).__name__}: {exc}", obj, "Import")
            obj.state, obj.report_status = "ERROR", "errored"
            obj.save()
        result = ObjectResult(guid=obj.guid, status=obj.report_status or ("errored" if obj.state == "ERROR" else "?"),
                              errors=[e.message for e in obj.errors])
        report.objects.append(result)
        if progress:
            progress(result)
    report.gather_errors += [e.message for e in HarvestJob.get(job.id).gather_errors]
    tk.get_action("harvest_jobs_run")(context(), {"source_id": src["id"]})
    return report
