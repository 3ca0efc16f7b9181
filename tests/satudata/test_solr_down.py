"""Solr stops while people browse: every page that searches answers with a clear page (HTTP 503,
in Indonesian), never a traceback, and pages come back when Solr does."""
from __future__ import annotations

import pytest

from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("portal")

SEARCHING_PAGES = ["/", "/dataset/", "/dataset/?q=penduduk&frekuensi=tahunan", "/dataset/penduduk",
                   "/organization/dinkes", "/transparansi-apbg"]
#: answered from the organisation cache (site.py), so they keep working while Solr is down
CACHED_PAGES = ["/organization/"]


@pytest.fixture
def dataset(skpd_org, satu_data):
    org = skpd_org(name="dinkes", title="Dinas Kesehatan")
    ctx = {"user": factories.Sysadmin()["name"]}
    return call_action("package_create", ctx, name="penduduk", title="Penduduk", owner_org=org["id"],
                       **satu_data)


@pytest.mark.parametrize("locale, heading", [("", "Pencarian sedang tidak tersedia"),
                                             ("/en", "Search is not available at the moment")])
def test_pages_that_search_show_a_clear_page_while_solr_is_down(app, dataset, solr_down, locale, heading):
    for url in SEARCHING_PAGES + CACHED_PAGES:
        assert app.get(locale + url).status_code == 200, url
    outage = solr_down()
    for url in CACHED_PAGES:
        assert app.get(locale + url).status_code == 200, url
    for url in SEARCHING_PAGES:
        resp = app.get(locale + url)
        assert resp.status_code == 503, (url, resp.status_code)
        body = resp.get_data(as_text=True)
        assert heading in body, url
        assert resp.headers["Retry-After"] == "60"
        assert "Traceback" not in body and "SolrError" not in body and "127.0.0.1" not in body, url
    outage.up()
    assert 'href="/dataset/penduduk"' in app.get("/dataset/").get_data(as_text=True)


def test_api_search_answers_json_without_traceback(app, dataset, solr_down):
    solr_down()
    resp = app.get("/api/3/action/package_search", status=500).json
    assert resp["success"] is False
    assert resp["error"]["__type"] == "Search Connection Error"


def test_other_server_errors_keep_ckans_error_page(app, dataset, solr_down):
    """The 500 handler only takes over Solr outages (a 404 and CKAN's other pages stay as
    they are, whether or not Solr is up)."""
    solr_down()
    body = app.get("/dataset/tidak-ada", status=404).get_data(as_text=True)
    assert "Pencarian sedang tidak tersedia" not in body
