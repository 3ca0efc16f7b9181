"""Pages for a search server that is down: a clear page (HTTP 503), never a traceback.

When Solr does not answer, CKAN raises ``SolrConnectionError`` or ``SearchError`` (an index
update: ``SearchIndexError``) from whatever page searched, or turns it into ``abort(500)``
on the dataset search page. ``register_error_pages(app)`` (called from the plugin's
``IMiddleware.make_middleware``, after CKAN registered its own handlers) answers all of them
with ``templates/bandaaceh/search_unavailable.html`` in the visitor's language and a
``Retry-After`` header, and leaves every other error to CKAN's handler.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchError, SolrConnectionError
from werkzeug.exceptions import InternalServerError

__all__ = ["RETRY_AFTER", "is_search_outage", "register_error_pages"]

log = logging.getLogger(__name__)

#: seconds a browser or proxy is told to wait before asking again
RETRY_AFTER = 60
SEARCH_ERRORS = (SolrConnectionError, SearchError)


def is_search_outage(exc: BaseException) -> bool:
    """The error, or the error it was raised while handling, is a failed Solr call."""
    return isinstance(exc, SEARCH_ERRORS) or isinstance(exc.__context__, SEARCH_ERRORS)


def search_unavailable(exc: BaseException) -> tuple[str, int, dict[str, str]]:
    log.error("search server unavailable: %s", exc.__context__ or exc)
    page = tk.render("bandaaceh/search_unavailable.html", {})
    return page, 503, {"Retry-After": str(RETRY_AFTER)}


def register_error_pages(app: Any) -> None:
    """Answer Solr outages with the search-unavailable page; keep CKAN's other error pages."""
    if not hasattr(app, "error_handler_spec"):   # another plugin wrapped the Flask app first
        log.warning("search-unavailable page not installed: %r is not the Flask app", app)
        return
    ckan_500: Callable[[Exception], Any] | None = \
        app.error_handler_spec.get(None, {}).get(500, {}).get(InternalServerError)

    def internal_error(exc: InternalServerError) -> Any:
        if is_search_outage(exc):
            return search_unavailable(exc)
        if ckan_500 is None:
            return exc
        return ckan_500(exc)

    for error in SEARCH_ERRORS:
        app.register_error_handler(error, search_unavailable)
    app.register_error_handler(InternalServerError, internal_error)
