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

Once the app is built, :func:`freeze_startup_objects` moves everything CKAN created while
starting (some 256,000 objects) out of the garbage collector's sight: they live as long as the
process anyway, and without it every full collection walks them again. The province overview
(/transparansi-apbg over 6,497 gampong creates millions of objects) is computed markedly faster
so (``benchmarks/province_scale.py --no-gc-freeze`` times it without).
gunicorn loads this module in each worker (no ``preload_app``), so each worker freezes its own.
"""
from __future__ import annotations

import configparser
import gc
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


def freeze_startup_objects() -> int:
    """Collect once, then keep every object alive now out of later collections (``gc.freeze``);
    the number of objects frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


application = create_app(os.environ.get("CKAN_INI") or os.path.join(REPO, "ckan.ini"))
freeze_startup_objects()
