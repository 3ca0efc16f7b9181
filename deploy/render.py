#!/usr/bin/env python3
"""Render the deployment files of deploy/ (nginx site, systemd units) for one server.

    .venv/bin/python deploy/render.py --ini /etc/ckan/ckan.ini --out /tmp/bandaaceh-deploy \\
        [--listen 80] [--server-name data.bandaacehkota.go.id] [--upstream 127.0.0.1:5000 ...] \\
        [--user ckan] [--cache /var/lib/bandaaceh/cache]

Writes ``OUT/nginx/bandaaceh.conf`` and ``OUT/systemd/*.service|*.timer`` from the ``*.in``
templates beside this file, filling in the paths of this checkout and of its virtualenv (the
Python running this script), and from the ini file: the upload limit (``MAX_CONTENT_LENGTH``,
which becomes nginx's ``client_max_body_size``), the static file folders (``ckan.storage_path``
/ ``ckan.webassets.path``) and the server name (``ckan.site_url``), with CKAN's ``CKAN_*``
environment overrides applied (deploy/ckanconfig.py). Each ``--upstream`` (repeat it, or
separate by commas) becomes one ``server`` of nginx's ``upstream``: round robin over web
processes on this or other machines (README "Scaling out"). README "Production" says
where the files go. tests/deploy/test_nginx.py renders the site onto a loopback port.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import ckan
import ckanext.bandaaceh

import ckanconfig  # deploy/ckanconfig.py, beside this script

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def values(ini: Path, listen: str, server_name: str | None, upstreams: list[str], user: str,
           cache: str) -> dict[str, str]:
    """The placeholders of the templates and what they become."""
    opts = ckanconfig.load(ini)
    storage = opts.get("ckan.storage_path", "")
    webassets = opts.get("ckan.webassets.path") or os.path.join(storage, "webassets")
    if os.path.basename(webassets.rstrip("/")) != "webassets":
        raise SystemExit(f"{ini}: ckan.webassets.path must end in /webassets (the URL path nginx serves)")
    max_body = opts.get("MAX_CONTENT_LENGTH")
    if not max_body:
        raise SystemExit(f"{ini}: set MAX_CONTENT_LENGTH (bytes), the upload limit of CKAN and nginx")
    ckan_dir = Path(ckan.__file__).parent
    return {
        "@LISTEN@": listen,
        "@SERVER_NAME@": server_name or urlsplit(opts.get("ckan.site_url", "")).hostname or "_",
        "@UPSTREAM_SERVERS@": "\n    ".join(f"server {u};" for u in upstreams),
        "@MAX_BODY@": str(int(max_body)),
        "@CKAN_PUBLIC@": str(ckan_dir / "public"),
        "@WEBASSETS_PARENT@": str(Path(webassets).parent),
        "@EXTENSION_PUBLIC@": str(Path(ckanext.bandaaceh.__file__).parent / "public"),
        "@REPO@": str(REPO),
        "@VENV@": sys.prefix,
        "@INI@": str(ini),
        "@USER@": user,
        "@SOLR_PORT@": str(urlsplit(opts.get("solr_url", "http://127.0.0.1:8983")).port or 8983),
        "@CACHE@": cache,
    }


def render(out: Path, mapping: dict[str, str]) -> list[Path]:
    """Write every template under deploy/ with ``mapping`` applied; returns the files written."""
    written = []
    for template in sorted(HERE.rglob("*.in")):
        text = template.read_text()
        for key, value in mapping.items():
            text = text.replace(key, value)
        target = out / template.relative_to(HERE).with_suffix("")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        written.append(target)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ini", type=Path, default=REPO / "ckan.ini")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--listen", default="80")
    parser.add_argument("--server-name")
    parser.add_argument("--upstream", action="append", metavar="HOST:PORT",
                        help="a web process (gunicorn) nginx proxies to; repeat for several")
    parser.add_argument("--user", default="ckan")
    parser.add_argument("--cache", default="/var/lib/bandaaceh/cache")
    args = parser.parse_args()
    upstreams = [u for arg in args.upstream or ["127.0.0.1:5000"] for u in arg.split(",") if u]
    mapping = values(args.ini.resolve(), args.listen, args.server_name, upstreams, args.user,
                     args.cache)
    for path in render(args.out, mapping):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
