"""The ``bandaaceh_spreadsheet`` harvester: SKPD spreadsheets to Satu Data datasets.

Stages (run by ckanext-harvest's gather and fetch consumers, ``ckan harvester run-test`` or
``ckan bandaaceh harvesters run``):

gather
    Reads the source config, downloads each index manifest, and creates one harvest object per
    spreadsheet (guid = dataset name). A dataset that this source published before and that no
    longer appears in the config or its manifest gets a ``delete`` object, except when its
    manifest could not be read completely this time (then nothing of that manifest is deleted).
fetch
    Downloads the spreadsheet with a conditional request (ETag / Last-Modified of the last
    successful import). ``304 Not Modified``, or a body with the same SHA-256 as last time, and
    unchanged metadata end the object as "not modified": no write at all. The body is kept in a
    spool file for the import stage.
import
    A complaint export entry (``pengaduan``, see :mod:`.config`) is imported by the action
    ``pengaduan_import`` (the path of the CLI and the web upload: all or nothing, personal data
    refused unless the entry names the columns to drop) into the channel's yearly datasets; the
    source must be owned by the organisation that runs the channel. Otherwise: reads the file
    with the shared spreadsheet layer (every table of every selected sheet) and
    prepares all CSVs and DataStore rows first; only when that worked does it publish, all or
    nothing (:func:`ckanext.bandaaceh.datastore.publish`): the typed DataStore tables are built
    aside, one ``package_update`` writes the metadata with the CSV and original-file uploads,
    and the new tables replace the old ones only then. A file that cannot be read, or any
    failure while publishing, leaves the dataset, its files and tables exactly as they were and
    records an error naming the URL (and sheet, row and cell where known).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
import uuid
from io import BytesIO
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest.harvesters.base import HarvesterBase
from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestObjectExtra
from sqlalchemy import text as sql_text
from werkzeug.datastructures import FileStorage

from ckanext.bandaaceh import datastore
from ckanext.bandaaceh.chart import view as chart_view
from ckanext.bandaaceh.pengaduan import load_standards
from ckanext.bandaaceh.satudata import logic as satudata
from ckanext.bandaaceh.spreadsheet import SpreadsheetError

from . import config as hconfig
from . import edits
from .config import ConfigError, Entry, Rules
from .edits import HARVESTER_NAME, current_object, merged_dataset
from .fetch import FetchError, FetchPolicy, fetch
from .manifest import ManifestError, parse_manifest
from .publish import LONG_SUFFIX, ORIGINAL_KEY, PreparedFile, PreparedTable, package_fields, prepare_file

log = logging.getLogger(__name__)

__all__ = ["SpreadsheetHarvester", "HARVESTER_NAME", "fetch_policy", "schema_rules", "harvest_info"]

GOOGLE_BASE_DEFAULT = "https://docs.google.com/spreadsheets"


# ---------------------------------------------------------------- configuration


def _charted_keys(prepared: PreparedFile) -> dict[str, PreparedTable]:
    """The tables of a file that get a chart, by key: each tidy (long) form, and each table
    that has none (a wide table with a tidy form is charted through that form)."""
    keys = {t.key for t in prepared.tables}
    return {t.key: t for t in prepared.tables if t.key.endswith(LONG_SUFFIX) or t.key + LONG_SUFFIX not in keys}


def fetch_policy(max_bytes: int | None = None) -> FetchPolicy:
    """The download limits of ``bandaaceh.harvest.*`` (see config_declaration.yaml)."""
    def get(key: str, default: float) -> float:
        value = tk.config.get(f"bandaaceh.harvest.{key}")
        return float(default if value is None or value == "" else value)

    return FetchPolicy.build(
        tk.aslist(tk.config.get("bandaaceh.harvest.allowed_hosts") or ""),
        timeout=get("timeout", 30), max_seconds=get("max_seconds", 300), retries=int(get("retries", 2)),
        backoff=get("backoff", 1.0), max_bytes=max_bytes or int(get("max_bytes", 50 * 2**20)),
    )


def _max_cells() -> int:
    return int(tk.config.get("bandaaceh.harvest.max_cells") or 5_000_000)


def google_base() -> str:
    return tk.config.get("bandaaceh.harvest.google_sheets_base") or GOOGLE_BASE_DEFAULT


def _checker(validator_name: str) -> Any:
    validator = tk.get_validator(validator_name)

    def check(value: Any) -> Any:
        try:
            return validator(value)
        except tk.Invalid as exc:
            raise ValueError(exc.error) from None
    return check


def schema_rules() -> Rules:
    """Choices and value checks of the ``dataset`` scheming schema, plus the licence list."""
    schema = tk.get_action("scheming_dataset_schema_show")({"ignore_auth": True}, {"type": "dataset"})
    rules = Rules()
    for fld in schema["dataset_fields"]:
        if fld.get("choices"):
            rules.choices[fld["field_name"]] = [str(c["value"]) for c in fld["choices"]]
    licenses = tk.get_action("license_list")({"ignore_auth": True}, {})
    rules.choices["license_id"] = [lic["id"] for lic in licenses]
    rules.checkers["tahun"] = _checker("bandaaceh_tahun")
    rules.checkers["kode_wilayah"] = _checker("bandaaceh_kode_wilayah")
    # names reserved for APBG datasets (apbg-...) are refused with the schema's own message
    rules.checkers["name"] = _checker("bandaaceh_reserved_name")
    rules.choices["kanal"] = list(load_standards(tk.config.get("bandaaceh.config_dir") or None))
    return rules


# ---------------------------------------------------------------- harvest object helpers


def _content(obj: HarvestObject) -> dict[str, Any]:
    try:
        return json.loads(obj.content or "{}")
    except ValueError:
        return {}


def _extra(obj: HarvestObject, key: str) -> str | None:
    for extra in obj.extras:
        if extra.key == key:
            return extra.value
    return None


def _current_objects(source_id: str) -> dict[str, HarvestObject]:
    rows = (model.Session.query(HarvestObject)
            .filter(HarvestObject.harvest_source_id == source_id)
            .filter(HarvestObject.current == True)  # noqa: E712
            .all())
    return {o.guid: o for o in rows}


def _current_object(source_id: str, guid: str) -> HarvestObject | None:
    return (model.Session.query(HarvestObject)
            .filter(HarvestObject.harvest_source_id == source_id)
            .filter(HarvestObject.guid == guid)
            .filter(HarvestObject.current == True)  # noqa: E712
            .order_by(HarvestObject.import_finished.desc().nullslast())
            .first())


def _meta_hash(entry: Entry) -> str:
    payload = json.dumps({"url": entry.url, "metadata": entry.metadata}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _file_key(entry: Entry) -> dict[str, Any]:
    key = {"fetch_url": entry.fetch_url, "sheets": entry.sheets}
    # a complaint export is read again when what is dropped or its month changes
    return dict(key, pengaduan=entry.pengaduan) if entry.pengaduan else key


SPOOL_MAX_AGE = 24 * 3600


def _spool_dir() -> str:
    """Where fetched files wait for the import stage (removed by it; stale ones after a day)."""
    base = tk.config.get("ckan.storage_path") or tempfile.gettempdir()
    path = os.path.join(base, "bandaaceh-harvest-spool")
    os.makedirs(path, exist_ok=True)
    return path


def _clean_spool() -> None:
    folder = _spool_dir()
    limit = time.time() - SPOOL_MAX_AGE
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        try:
            if os.path.getmtime(path) < limit:
                os.remove(path)
        except OSError:
            pass


def _remove(path: str | None) -> None:
    if path:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


def _upload(data: bytes, filename: str) -> FileStorage:
    return FileStorage(stream=BytesIO(data), filename=filename, content_type="application/octet-stream")


# ---------------------------------------------------------------- the harvester


class SpreadsheetHarvester(HarvesterBase):
    """IHarvester for SKPD spreadsheets (see the module docstring)."""

    p.implements(p.IConfigurer, inherit=True)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IActions)

    # IConfigurer: the dataset-page snippet showing source URL and harvest times.
    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")

    # ITemplateHelpers
    def get_helpers(self) -> dict[str, Any]:
        return {"bandaaceh_harvest_info": harvest_info, "bandaaceh_harvest_locked": edits.locked_field}

    # IActions: the source's fields of a harvested dataset are read-only (edits.py)
    def get_actions(self) -> dict[str, Any]:
        return {"package_update": edits.package_update}

    # IPackageController
    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        """Keep harvest sources' cached dict validated (ckanext-harvest 1.6.3 on CKAN 2.12).

        ``harvest_source_reindex`` (run when every job finishes) indexes the *unvalidated* source
        dict as ``validated_data_dict``; ``package_show``/``harvest_source_show`` then return it
        from Solr without ``source_type``, ``frequency`` and ``config``, which breaks
        ``ckan harvester run-test``, the source pages and API clients. Re-validate it here.
        """
        if pkg_dict.get("type") != "harvest":
            return pkg_dict
        try:
            cached = json.loads(pkg_dict.get("validated_data_dict") or "{}")
        except ValueError:
            cached = {}
        if "source_type" in cached:
            return pkg_dict
        try:
            fixed = tk.get_action("harvest_source_show")({"ignore_auth": True, "use_cache": False},
                                                         {"id": pkg_dict["id"]})
        except (tk.ObjectNotFound, tk.ValidationError):
            return pkg_dict
        pkg_dict["validated_data_dict"] = json.dumps(fixed, default=str)
        return pkg_dict

    # IHarvester
    def info(self) -> dict[str, str]:
        return {
            "name": HARVESTER_NAME,
            "title": "Spreadsheet SKPD (xlsx, xls, ods, csv, Google Sheets)",
            "description": ("Memanen spreadsheet perangkat daerah (tautan berkas, Google Sheets atau "
                            "daftar indeks) menjadi dataset Satu Data dengan CSV, berkas asli dan "
                            "tabel DataStore."),
            "form_config_interface": "Text",
        }

    def validate_config(self, config: str | None) -> str:
        try:
            return hconfig.validate_config(config, schema_rules(), google_base=google_base())
        except ConfigError as exc:
            raise ValueError("; ".join(exc.errors)) from None

    def get_original_url(self, harvest_object_id: str) -> str | None:
        obj = HarvestObject.get(harvest_object_id)
        if not obj:
            return None
        return (_content(obj).get("entry") or {}).get("url")

    # ------------------------------------------------------------ gather

    def gather_stage(self, harvest_job: HarvestJob) -> list[str] | None:
        source = harvest_job.source
        _clean_spool()
        try:
            rules = schema_rules()
            cfg = hconfig.parse_config(source.config, rules, google_base=google_base())
        except ConfigError as exc:
            self._save_gather_error(f"Config sumber panen tidak valid: {'; '.join(exc.errors)}", harvest_job)
            return None
        entries: list[Entry] = list(cfg.entries)
        names = {e.name: "config" for e in entries}
        incomplete: set[str] = set()
        policy = fetch_policy()
        for index in cfg.indexes:
            try:
                result = fetch(index.url, policy)
                manifest = parse_manifest(result.content or b"", index.url, result.filename, index.defaults,
                                          rules, google_base=google_base())
            except FetchError as exc:
                self._save_gather_error(f"Indeks tidak dapat diunduh: {exc}", harvest_job)
                incomplete.add(index.url)
                continue
            except ManifestError as exc:
                self._save_gather_error(str(exc), harvest_job)
                incomplete.add(index.url)
                continue
            for message in manifest.errors:
                self._save_gather_error(message, harvest_job)
            if manifest.errors:
                incomplete.add(index.url)
            for entry in manifest.entries:
                if entry.name in names:
                    self._save_gather_error(
                        f"indeks {index.url}: dataset {entry.name!r} sudah dinyatakan di {names[entry.name]}; "
                        "baris ini dilewati", harvest_job)
                    continue
                names[entry.name] = f"indeks {index.url}"
                entries.append(entry)

        previous = _current_objects(source.id)
        ids: list[str] = []
        for entry in entries:
            status = "change" if entry.name in previous else "new"
            obj = HarvestObject(guid=entry.name, job=harvest_job,
                                content=json.dumps({"entry": entry.as_dict(), "auto_terbit": cfg.auto_terbit}),
                                extras=[HarvestObjectExtra(key="status", value=status)])
            obj.save()
            ids.append(obj.id)
        for guid, old in previous.items():
            if guid in names:
                continue
            if (_content(old).get("entry") or {}).get("pengaduan"):
                # a complaint export entry removed: its datasets hold months imported by other
                # ways too (web, CLI, API), so they stay; the entry is just no longer harvested
                old.current = False
                old.save()
                continue
            origin = (_content(old).get("entry") or {}).get("origin")
            if origin and origin in incomplete:
                log.info("Keeping %s: its index %s could not be read completely", guid, origin)
                continue
            obj = HarvestObject(guid=guid, job=harvest_job, package_id=old.package_id,
                                content=json.dumps({"delete": True, "entry": _content(old).get("entry")}),
                                extras=[HarvestObjectExtra(key="status", value="delete")])
            obj.save()
            ids.append(obj.id)
        return ids

    # ------------------------------------------------------------ fetch

    def fetch_stage(self, harvest_object: HarvestObject) -> bool | str:
        obj = harvest_object
        data = _content(obj)
        if _extra(obj, "status") == "delete":
            return True
        entry = Entry.from_dict(data["entry"])
        prev = _current_object(obj.harvest_source_id, obj.guid)
        state = _content(prev).get("state") if prev else None
        package_live = bool(prev and prev.package is not None and prev.package.state == "active")
        same_file = bool(state and package_live and state.get("file_key") == _file_key(entry))
        try:
            result = fetch(entry.fetch_url, fetch_policy(),
                           etag=state.get("etag") if same_file else None,
                           last_modified=state.get("last_modified") if same_file else None)
        except FetchError as exc:
            self._save_object_error(f"Gagal mengunduh {entry.url}: {exc.reason}"
                                    + (f" (dari {exc.url})" if exc.url != entry.url else ""), obj, "Fetch")
            return False
        meta_same = bool(state and state.get("meta_hash") == _meta_hash(entry))
        if result.status == 304:
            if same_file and meta_same:
                return "unchanged"
            if not same_file:  # a 304 to an unconditional request: nothing to read
                self._save_object_error(f"Gagal mengunduh {entry.url}: server menjawab 304 tanpa permintaan "
                                        "bersyarat", obj, "Fetch")
                return False
            data["fetch"] = {"mode": "metadata", "sha256": state["sha256"]}
        else:
            body = result.content or b""
            sha = hashlib.sha256(body).hexdigest()
            if same_file and state.get("sha256") == sha:
                # Same bytes without a 304: remember the server's new validators, nothing else.
                if (result.etag, result.last_modified) != (state.get("etag"), state.get("last_modified")):
                    prev_data = _content(prev)
                    prev_data["state"].update(etag=result.etag, last_modified=result.last_modified)
                    prev.content = json.dumps(prev_data)
                    prev.save()
                if meta_same:
                    return "unchanged"
                data["fetch"] = {"mode": "metadata", "sha256": sha}
            else:
                spool = os.path.join(_spool_dir(), f"{obj.id}.bin")
                with open(spool, "wb") as fh:
                    fh.write(body)
                data["fetch"] = {"mode": "full", "sha256": sha, "spool": spool, "size": len(body),
                                 "filename": result.filename, "content_type": result.content_type,
                                 "final_url": result.final_url}
        if result.status == 304:  # a 304 may omit the validators: keep the ones we sent
            data["fetch"].update(etag=result.etag or state.get("etag"),
                                 last_modified=result.last_modified or state.get("last_modified"))
        else:
            data["fetch"].update(etag=result.etag, last_modified=result.last_modified)
        obj.content = json.dumps(data)
        obj.save()
        return True

    # ------------------------------------------------------------ import

    def _context(self) -> dict[str, Any]:
        # the Satu Data status fields may be set (first harvest only: see _import)
        return {"user": self._get_user_name(), "ignore_auth": True, satudata.TRANSITION_CONTEXT: True}

    def import_stage(self, harvest_object: HarvestObject) -> bool | str:
        obj = harvest_object
        data = _content(obj)
        if _extra(obj, "status") == "delete":
            return self._delete(obj)
        entry = Entry.from_dict(data["entry"])
        fetched = data.get("fetch") or {}
        spool = fetched.get("spool")
        try:
            if entry.pengaduan:
                return self._import_pengaduan(obj, entry, data, fetched)
            return self._import(obj, entry, data, fetched)
        except SpreadsheetError as exc:
            model.Session.rollback()
            # Stored, shown later to anyone in any language: always the whole Indonesian text
            # (file, sheet, row, cell), never the consumer's locale (exc.message() has no translation).
            self._save_object_error(f"Gagal membaca {entry.url}: {exc.message()}", obj, "Import")
            return False
        except tk.ValidationError as exc:
            model.Session.rollback()
            self._save_object_error(f"Dataset {entry.name!r} dari {entry.url} ditolak: "
                                    f"{_validation_text(exc)}", obj, "Import")
            return False
        except ImportProblem as exc:
            model.Session.rollback()
            self._save_object_error(str(exc), obj, "Import")
            return False
        except Exception as exc:  # keep the other objects of the job going
            log.exception("Import of %s failed", entry.url)
            model.Session.rollback()
            self._save_object_error(f"Gagal menerbitkan {entry.url}: {type(exc).__name__}: {exc}", obj, "Import")
            return False
        finally:
            _remove(spool)

    def _owner_org(self, obj: HarvestObject) -> str:
        source = tk.get_action("package_show")({"ignore_auth": True}, {"id": obj.harvest_source_id})
        if not source.get("owner_org"):
            raise ImportProblem(f"Sumber panen {source.get('name')!r} tidak punya organisasi (SKPD) pemilik")
        return source["owner_org"]

    def _existing(self, obj: HarvestObject, entry: Entry) -> tuple[HarvestObject | None, dict[str, Any] | None]:
        """The previous current object for this guid and the dataset it published (if it still exists)."""
        prev = _current_object(obj.harvest_source_id, obj.guid)
        # the dataset this source last published under this name (also one it deleted since)
        last = prev or (model.Session.query(HarvestObject)
                         .filter(HarvestObject.harvest_source_id == obj.harvest_source_id)
                         .filter(HarvestObject.guid == obj.guid)
                         .filter(HarvestObject.package_id != None)  # noqa: E711
                         .order_by(HarvestObject.gathered.desc())
                         .first())
        if last and last.package_id:
            try:
                return prev, tk.get_action("package_show")({"ignore_auth": True}, {"id": last.package_id})
            except tk.ObjectNotFound:
                pass
        try:
            other = tk.get_action("package_show")({"ignore_auth": True}, {"id": entry.name})
        except tk.ObjectNotFound:
            return prev, None
        raise ImportProblem(f"Nama dataset {entry.name!r} ({entry.url}) sudah dipakai dataset lain yang tidak "
                            f"dipanen dari sumber ini ({other.get('title')!r}); ganti 'name' entri ini")

    def _import(self, obj: HarvestObject, entry: Entry, data: dict[str, Any], fetched: dict[str, Any]) -> bool | str:
        prev, existing = self._existing(obj, entry)
        owner_org = self._owner_org(obj)
        fields = package_fields(entry, owner_org)
        context = self._context()

        if fetched.get("mode") == "metadata" and existing is not None:
            pkg = dict(merged_dataset(existing, fields), id=existing["id"], resources=existing["resources"])
            if existing.get("state") != "active":
                pkg["state"] = "active"
            tk.get_action("package_update")(context, pkg)
            self._make_current(obj, existing["id"], prev)
            self._save_state(obj, entry, data, fetched, _content(prev).get("state", {}) if prev else {})
            return True
        if fetched.get("mode") == "metadata":  # the dataset vanished: fetch the file again next time
            raise ImportProblem(f"Dataset {entry.name!r} tidak ditemukan lagi; akan diunduh ulang pada panen berikutnya")

        spool = fetched.get("spool")
        if not spool or not os.path.exists(spool):
            raise ImportProblem(f"Isi {entry.url} tidak tersedia lagi (tahap fetch harus diulang)")
        with open(spool, "rb") as fh:
            body = fh.read()
        filename = _filename(fetched.get("filename"), entry)
        prepared = prepare_file(body, filename, entry, max_bytes=fetch_policy().max_bytes, max_cells=_max_cells())
        _check_sizes(prepared, body, entry)
        resources, reload = self._resources(prepared, body, entry, fetched, existing)
        # Satu Data: a new dataset enters as diajukan (or terbit with auto_terbit); a re-harvest
        # keeps its state (a published dataset stays published)
        first = existing is None or existing.get("state") == "draft"
        if first:
            fields.update(satudata.harvest_entry_fields(bool(data.get("auto_terbit"))))
        draft = None
        if existing is None:
            # created with its files in one transaction (datastore.publish: one package_create).
            # Its id is chosen here and linked to this object (constraint deferred) so it is
            # indexed with its harvest source as ckanext-harvest's own harvesters do. If
            # publishing fails, nothing remains.
            draft = dict(fields, id=str(uuid.uuid4()), state="draft")
            obj.package_id = draft["id"]
            obj.current = True
            obj.add()
            model.Session.execute(sql_text("SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
            model.Session.flush()
            existing = draft
        pkg = dict(merged_dataset(existing, fields), id=existing["id"], resources=resources, state="active")
        by_key = {r.get("harvest_key"): r for r in resources}
        tables = {by_key[t.key]["id"]: datastore.Table(t.fields, t.table.rows)
                  for t in prepared.tables if t.key in reload}
        # all or nothing: the tables are built aside and replace the old ones with the update
        saved = datastore.publish(context, pkg, tables, create=draft)
        charted = _charted_keys(prepared)
        for resource in saved["resources"]:
            if resource["id"] in tables:
                # the table preview (datatables_view) needs the DataStore table: add it now,
                # as xloader does after a load (existing views are kept)
                tk.get_action("resource_create_default_resource_views")(self._context(), {
                    "resource": resource, "package": saved, "create_datastore_views": True})
                table = charted.get(resource.get("harvest_key"))
                if table is not None:  # and its chart, from the tidy form when there is one
                    chart_view.ensure_default_view(self._context(), resource, table.fields, table.table.rows,
                                                   tidy=table.key.endswith(LONG_SUFFIX))
        self._make_current(obj, saved["id"], prev)
        self._save_state(obj, entry, data, fetched, {"tables": len(prepared.tables), "format": prepared.format})
        if first:
            satudata.harvest_entered(saved, self._get_user_name())
        return True

    def _import_pengaduan(self, obj: HarvestObject, entry: Entry, data: dict[str, Any],
                          fetched: dict[str, Any]) -> bool:
        """A complaint export: ``pengaduan_import`` as the harvest user, for the source's organisation."""
        params = entry.pengaduan or {}
        standard = load_standards(tk.config.get("bandaaceh.config_dir") or None).get(params.get("kanal"))
        if standard is None:
            raise ImportProblem(f"{entry.url}: kanal {params.get('kanal')!r} tidak dikenal")
        source = tk.get_action("package_show")({"ignore_auth": True}, {"id": obj.harvest_source_id})
        try:
            runner = tk.get_action("organization_show")({"ignore_auth": True}, {"id": standard.pengelola})
        except tk.ObjectNotFound:
            raise ImportProblem(f"{entry.url}: organisasi pengelola {standard.pengelola!r} belum ada") from None
        own: dict[str, Any] = {}  # a channel whose figures belong to each SKPD: an SKPD's source brings its own rows
        if standard.milik_skpd and source.get("owner_org") != runner["id"]:
            own = {"skpd": source.get("owner_org")}
        elif source.get("owner_org") != runner["id"]:
            raise ImportProblem(f"{entry.url}: kanal {standard.nama} dikelola {runner.get('title') or runner['name']}; "
                                f"sumber panen {source.get('name')!r} milik organisasi lain tidak boleh menerbitkannya")
        prev = _current_object(obj.harvest_source_id, obj.guid)
        spool = fetched.get("spool")
        if not spool or not os.path.exists(spool):
            raise ImportProblem(f"Isi {entry.url} tidak tersedia lagi (tahap fetch harus diulang)")
        with open(spool, "rb") as fh:
            body = fh.read()
        result = tk.get_action("pengaduan_import")({"user": self._get_user_name()}, {
            "upload": _upload(body, _filename(fetched.get("filename"), entry)), "kanal": standard.kanal,
            "buang_kolom": params.get("buang_kolom") or [], "periode": params.get("periode"), **own})
        latest = tk.get_action("package_show")({"ignore_auth": True}, {"id": result["dataset"][-1]["name"]})
        self._make_current(obj, latest["id"], prev)
        self._save_state(obj, entry, data, fetched, {"bulan": result["bulan"],
                                                     "dataset": [d["name"] for d in result["dataset"]]})
        return True

    def _resources(self, prepared: PreparedFile, body: bytes, entry: Entry, fetched: dict[str, Any],
                   existing: dict[str, Any] | None) -> tuple[list[dict[str, Any]], set[str]]:
        """Resource dicts (existing ids kept per table key) and the table keys to (re)load."""
        old = {r.get("harvest_key"): r for r in (existing or {}).get("resources", []) if r.get("harvest_key")}
        resources: list[dict[str, Any]] = []
        reload: set[str] = set()
        for table in prepared.tables:
            prior = old.get(table.key)
            if prior and prior.get("sha256") == table.sha256 and prior.get("datastore_active"):
                resources.append(prior)  # same CSV, table already loaded: untouched
                continue
            res = {
                "name": table.name, "description": table.description, "format": "CSV",
                "mimetype": "text/csv", "url": table.filename, "url_type": "upload",
                "upload": _upload(table.csv, table.filename),
                "harvest_key": table.key, "sha256": table.sha256, "sheet": table.sheet,
                "source_url": entry.url, datastore.LOADER_FIELD: datastore.LOADER_NAME,
            }
            # ids known up front: the DataStore table is built before the update
            res["id"] = prior["id"] if prior else datastore.new_resource_id()
            resources.append(res)
            reload.add(table.key)
        original_name = _with_extension(prepared.filename, prepared.format)
        original = {
            "name": f"Berkas asli ({prepared.format.upper()})",
            "description": f"Berkas asli seperti diunduh dari {entry.url}",
            "format": prepared.format.upper(), "url": original_name, "url_type": "upload",
            "upload": _upload(body, original_name), "harvest_key": ORIGINAL_KEY,
            "sha256": fetched.get("sha256"), "source_url": entry.url,
            # not a table to guess: keeps xloader from loading the workbook itself
            datastore.LOADER_FIELD: datastore.LOADER_NAME,
        }
        original["id"] = old[ORIGINAL_KEY]["id"] if old.get(ORIGINAL_KEY) else datastore.new_resource_id()
        resources.append(original)
        # resources added by hand are not the source's: kept as they are
        resources += [r for r in (existing or {}).get("resources", []) if not r.get("harvest_key")]
        return resources, reload

    def _make_current(self, obj: HarvestObject, package_id: str, prev: HarvestObject | None) -> None:
        (model.Session.query(HarvestObject)
         .filter(HarvestObject.package_id == package_id)
         .filter(HarvestObject.id != obj.id)
         .update({"current": False}, synchronize_session=False))
        obj.package_id = package_id
        obj.current = True
        obj.save()

    def _save_state(self, obj: HarvestObject, entry: Entry, data: dict[str, Any], fetched: dict[str, Any],
                    extra: dict[str, Any]) -> None:
        state = dict(extra)
        state.update(etag=fetched.get("etag"), last_modified=fetched.get("last_modified"),
                     sha256=fetched.get("sha256"), meta_hash=_meta_hash(entry), file_key=_file_key(entry))
        data["state"] = state
        data.get("fetch", {}).pop("spool", None)
        obj.content = json.dumps(data)
        obj.save()

    def _delete(self, obj: HarvestObject) -> bool:
        """A spreadsheet gone from the config or its manifest: delete (withdraw) its dataset."""
        if obj.package_id:
            try:
                tk.get_action("package_delete")(self._context(), {"id": obj.package_id})
            except tk.ObjectNotFound:
                pass
        (model.Session.query(HarvestObject)
         .filter(HarvestObject.harvest_source_id == obj.harvest_source_id)
         .filter(HarvestObject.guid == obj.guid)
         .update({"current": False}, synchronize_session=False))
        obj.current = False
        obj.save()
        return True


class ImportProblem(Exception):
    """An import that cannot go on; the message is stored as the object's error."""


def _filename(given: str | None, entry: Entry) -> str:
    return (given or "").strip() or entry.name


def _with_extension(filename: str, fmt: str) -> str:
    """The original file's name with the extension of its real format (``laporan.csv`` that is
    an xlsx workbook becomes ``laporan.xlsx``; ``download`` becomes ``download.ods``)."""
    stem, dot, ext = filename.rpartition(".")
    ext = ext.lower()
    if dot and (ext == fmt or (fmt == "csv" and ext in ("tsv", "txt"))):
        return filename
    if dot and ext in ("xlsx", "xls", "ods", "csv", "tsv", "txt", "xlsm"):
        return f"{stem}.{fmt}"
    return f"{filename}.{fmt}"


def _check_sizes(prepared: PreparedFile, body: bytes, entry: Entry) -> None:
    """Refuse before writing anything if CKAN's upload limit would stop a file half-way."""
    limit = int(tk.config.get("ckan.max_resource_size") or 10) * 2**20
    for name, size in [(t.filename, len(t.csv)) for t in prepared.tables] + [(prepared.filename, len(body))]:
        if size > limit:
            raise ImportProblem(f"{entry.url}: berkas {name} berukuran {size:,} byte, melebihi batas unggah "
                                f"portal {limit:,} byte (ckan.max_resource_size)")


def _validation_text(exc: tk.ValidationError) -> str:
    summary = exc.error_summary if hasattr(exc, "error_summary") else {}
    if summary:
        return "; ".join(f"{k}: {v}" for k, v in summary.items())
    return str(exc.error_dict)


# ---------------------------------------------------------------- template helper


def harvest_info(pkg_dict: dict[str, Any]) -> dict[str, Any] | None:
    """Where a harvested dataset comes from and when it was harvested, for the dataset page.

    Returns None for datasets not harvested by this harvester; else ``source_url`` (the
    spreadsheet link), ``source_title``/``source_name`` (the harvest source), ``last_changed``
    (when its data last changed here) and ``last_checked`` (when its source was last harvested).
    """
    pkg_id = pkg_dict.get("id")
    obj = current_object(pkg_id) if pkg_id else None
    if obj is None:
        return None
    entry = _content(obj).get("entry") or {}
    job = (model.Session.query(HarvestJob)
           .filter(HarvestJob.source_id == obj.harvest_source_id)
           .filter(HarvestJob.status == "Finished")
           .order_by(HarvestJob.finished.desc().nullslast())
           .first())
    return {
        "source_url": entry.get("url"),
        "index_url": entry.get("origin"),
        "source_title": obj.source.title,
        "source_id": obj.harvest_source_id,
        "last_changed": obj.import_finished or obj.fetch_finished or obj.gathered,
        "last_checked": (job.finished or job.gather_finished) if job else None,
    }
