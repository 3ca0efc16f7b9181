#!/usr/bin/env python3
"""Back up the portal, or restore a backup into an empty stack (`make backup`, `make restore`).

    .venv/bin/python deploy/backup.py backup  [--ini ckan.ini] [--dest var/backups]
    .venv/bin/python deploy/backup.py restore BACKUP_DIR [--ini ckan.ini]

A backup is a folder ``<dest>/<UTC timestamp>/`` with

- ``ckan.dump``, ``datastore.dump``: ``pg_dump --format=custom`` of the CKAN database
  (``sqlalchemy.url``: datasets, users, harvest and xloader tables) and of the DataStore
  (``ckan.datastore.write_url``);
- ``storage.tar.gz``: the file store (``ckan.storage_path``: uploads, organisation images),
  without the compiled webassets (rebuilt on demand);
- ``config/``: the ini file and the ini files it chains to (``use = config:``);
- ``manifest.json``: when, from which ini and databases, CKAN's version.

Redis is not in it (queues and caches only). Restore refuses a stack that is not empty: the two
databases of the target ini must be absent (they are created, owned by the user of their URL)
or have no tables, and its storage folder absent or empty. It restores the dumps
(``pg_restore --no-owner --no-acl``), unpacks the files, re-applies the DataStore permissions
(``ckan datastore set-permissions``), upgrades the schema if the code is newer, and rebuilds the
Solr index (``ckan search-index rebuild``). Without ``--ini`` or with a missing one, the
backup's own ckan.ini is put in place first. Creating databases and setting permissions need
PostgreSQL's administrator: run as root (``runuser -u postgres``) or as ``postgres``.
Like ``ckan`` itself, it applies the ``CKAN_SQLALCHEMY_URL``, ``CKAN_STORAGE_PATH``, ...
environment variables over the ini file (deploy/ckanconfig.py).
"""
from __future__ import annotations

import argparse
import configparser
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import ckan

import ckanconfig  # deploy/ckanconfig.py, beside this script

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def ini_chain(ini: Path) -> list[Path]:
    """``ini`` and the ini files it chains to with ``use = config:``."""
    chain = [ini]
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ini)
    use = parser.get("app:main", "use", fallback="")
    if use.startswith("config:"):
        chain += ini_chain((ini.parent / use.removeprefix("config:")).resolve())
    return chain


def run(cmd: list[str], **kw: Any) -> subprocess.CompletedProcess:
    print("+", " ".join(c if "://" not in c else "<url>" for c in cmd), flush=True)
    return subprocess.run(cmd, check=True, **kw)


def as_admin(cmd: list[str]) -> list[str]:
    """``cmd`` run as PostgreSQL's administrator."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def admin_port(url: str) -> list[str]:
    port = urlsplit(url).port
    return ["-p", str(port)] if port else []


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def backup(ini: Path, dest: Path) -> Path:
    conf = ckanconfig.load(ini)
    folder = dest / dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    folder.mkdir(parents=True)
    folder.chmod(0o700)  # passwords (ini, dumps of the user table)
    for name, url in (("ckan", conf["sqlalchemy.url"]), ("datastore", conf["ckan.datastore.write_url"])):
        run([str(shutil.which("pg_dump")), "--format=custom", "--file", str(folder / f"{name}.dump"),
             "--dbname", url])
    storage = Path(conf["ckan.storage_path"])
    with tarfile.open(folder / "storage.tar.gz", "w:gz") as tar:
        if storage.is_dir():
            tar.add(storage, arcname=".", filter=lambda m: None if m.name.startswith("./webassets") else m)
    (folder / "config").mkdir()
    for path in ini_chain(ini):
        shutil.copy2(path, folder / "config" / path.name)
    manifest = {"created": dt.datetime.now(dt.timezone.utc).isoformat(), "ini": str(ini),
                "ini_name": ini.name, "ckan_version": ckan.__version__,
                "databases": {"ckan": database_name(conf["sqlalchemy.url"]),
                              "datastore": database_name(conf["ckan.datastore.write_url"])},
                "storage_path": str(storage)}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"Backup written to {folder}")
    return folder


def _psql(url: str, sql: str) -> str:
    return subprocess.run([str(shutil.which("psql")), "-qAt", "-v", "ON_ERROR_STOP=1", "-d", url,
                           "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def _database_exists(url: str) -> bool:
    name = database_name(url)
    out = subprocess.run(as_admin(["psql", *admin_port(url), "-qAt", "-d", "postgres", "-c",
                                   f"SELECT 1 FROM pg_database WHERE datname = '{name}'"]),
                         check=True, capture_output=True, text=True).stdout.strip()
    return out == "1"


def _prepare_database(url: str) -> None:
    """Create the database of ``url`` if absent; refuse it if it has tables."""
    name = database_name(url)
    if not _database_exists(url):
        owner = urlsplit(url).username or "postgres"
        run(as_admin(["createdb", *admin_port(url), "-O", owner, "-E", "utf-8", "-T", "template0", name]))
        return
    tables = _psql(url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
    if tables != "0":
        raise SystemExit(f"restore: database {name} is not empty ({tables} tables): "
                         "restore goes into an empty stack only")


def restore(folder: Path, ini: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    if not ini.exists():
        for path in (folder / "config").iterdir():
            target = ini.parent / path.name
            if not target.exists():
                shutil.copy2(path, target)
        if not ini.exists():
            shutil.copy2(folder / "config" / manifest["ini_name"], ini)
        print(f"Configuration restored to {ini}")
    conf = ckanconfig.load(ini)
    urls = {"ckan": conf["sqlalchemy.url"], "datastore": conf["ckan.datastore.write_url"]}
    storage = Path(conf["ckan.storage_path"])
    if storage.exists() and any(storage.iterdir()):
        raise SystemExit(f"restore: {storage} (ckan.storage_path) is not empty: "
                         "restore goes into an empty stack only")
    for url in urls.values():
        _prepare_database(url)
    for name, url in urls.items():
        run([str(shutil.which("pg_restore")), "--no-owner", "--no-acl", "--exit-on-error",
             "--dbname", url, str(folder / f"{name}.dump")])
    storage.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / "storage.tar.gz") as tar:
        tar.extractall(storage, filter="data")
    ckan_cli = [str(BIN / "ckan"), "-c", str(ini)]
    permissions = run([*ckan_cli, "datastore", "set-permissions"], capture_output=True, text=True).stdout
    run(as_admin(["psql", *admin_port(urls["datastore"]), "-q", "-v", "ON_ERROR_STOP=1"]),
        input=permissions, text=True, capture_output=True)
    for plugin in ([], ["-p", "harvest"], ["-p", "bandaaceh"]):  # a newer version's migrations
        run([*ckan_cli, "db", "upgrade", *plugin], capture_output=True)
    run([*ckan_cli, "search-index", "rebuild"], capture_output=True)
    print(f"Restored {folder} into {ini}; search index rebuilt")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("backup")
    b.add_argument("--ini", type=Path, default=REPO / "ckan.ini")
    b.add_argument("--dest", type=Path, default=Path(os.environ.get("BANDAACEH_VAR", REPO / "var")) / "backups")
    r = sub.add_parser("restore")
    r.add_argument("backup", type=Path)
    r.add_argument("--ini", type=Path, default=REPO / "ckan.ini")
    args = parser.parse_args()
    if args.command == "backup":
        backup(args.ini.resolve(), args.dest.resolve())
    else:
        if not (args.backup / "manifest.json").is_file():
            raise SystemExit(f"restore: {args.backup} is not a backup folder (no manifest.json)")
        restore(args.backup.resolve(), args.ini.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
