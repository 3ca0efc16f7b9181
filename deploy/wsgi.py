"""WSGI entry point of the portal, as CKAN's deployment docs describe: load the ini file with
CKAN's config loader, set up logging from it and build the app with ``make_app``.

    gunicorn -c deploy/gunicorn.conf.py deploy.wsgi:application     (what `make portal` runs)

The ini file is ``$CKAN_INI`` (default: ``ckan.ini`` at the repository root). Two things CKAN
does not do on its own are done here:

- ``debug = true`` is refused: it would mount Werkzeug's interactive debugger (``/console``).
  The debugger and the reloader belong to ``make dev`` (``ckan run``) only.
- Flask's ``MAX_CONTENT_LENGTH`` is taken from the ini file. CKAN declares that key but as an
  *internal* option, and internal options are not copied into ``app.config``; without this,
  request bodies of any size would be read.

gunicorn loads this module in each worker (no ``preload_app``).

Not done: ``gc.freeze()`` of CKAN's start-up objects. Measured on the province overview
(``benchmarks/province_scale.py --gc-freeze``) it gained nothing clear, and in a frozen process the
spreadsheet reader's collector pause cannot hand the objects it made to the oldest generation
(``spreadsheet.reader.gc_paused``), so every budget read in a worker took 2-3x as long.
"""
from __future__ import annotations

import configparser
import os
from logging.config import fileConfig

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app
from ckan.types import CKANApp

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(ini_path: str) -> CKANApp:
    """Build the CKAN WSGI app of ``ini_path`` with the production guards described above."""
    ini_path = os.path.abspath(ini_path)
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ini_path)
    if parser.has_section("loggers"):  # an ini chained with `use = config:` may have none
        fileConfig(ini_path, defaults={"here": os.path.dirname(ini_path)},
                   disable_existing_loggers=False)
    conf = CKANConfigLoader(ini_path).get_config()
    if str(conf.get("debug", "false")).lower() in ("true", "1", "yes", "on"):
        raise SystemExit(
            f"{ini_path}: debug = true would expose Werkzeug's debugger; "
            "set debug = false for the WSGI server (use `make dev` for debugging)")
    app = make_app(conf)
    limit = conf.get("MAX_CONTENT_LENGTH")
    if limit:
        # type_ignore_reason: CKAN's documented handle on the Flask app behind its middleware
        app._wsgi_app.config["MAX_CONTENT_LENGTH"] = int(limit)  # type: ignore[attr-defined]
    return app


application = create_app(os.environ.get("CKAN_INI") or os.path.join(REPO, "ckan.ini"))
