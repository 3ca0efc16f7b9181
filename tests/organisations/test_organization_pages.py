"""The organisation directory and the kecamatan/gampong pages, after a real seed."""
from __future__ import annotations

import re

import pytest

from ckan.cli.cli import ckan as ckan_cli

pytestmark = pytest.mark.usefixtures("portal")


@pytest.fixture
def seeded(cli):
    result = cli.invoke(ckan_cli, ["bandaaceh", "seed"])
    assert result.exit_code == 0, result.output


def test_directory_lists_every_skpd_and_the_90_gampong_under_their_kecamatan(app, seeded):
    page = app.get("/organization/").body
    assert "Perangkat Daerah (SKPD)" in page and "Kecamatan dan Gampong" in page
    assert 'href="/organization/dinkes"' in page and 'href="/organization/bappeda"' in page
    sections = re.findall(r'<section class="mb-3">(.*?)</section>', page, re.S)
    assert len(sections) == 9
    gampong_links = re.findall(r'href="/organization/(gampong-[a-z0-9-]+)"', page)
    assert len(gampong_links) == len(set(gampong_links)) == 90
    banda_raya = next(s for s in sections if "Kecamatan Banda Raya" in s)
    assert "11.71.07" in banda_raya and "/organization/gampong-lam-ara" in banda_raya
    assert "/organization/gampong-lam-ara" not in next(s for s in sections if "Kecamatan Meuraxa" in s)


def test_search_falls_back_to_the_paged_list(app, seeded):
    page = app.get("/organization/", params={"q": "Lam Ara"}).body
    assert "Kecamatan dan Gampong" not in page
    assert 'href="/organization/gampong-lam-ara"' in page


def test_gampong_page_links_its_kecamatan_and_kecamatan_lists_its_gampong(app, seeded):
    gampong = app.get("/organization/gampong-lam-ara").body
    assert re.search(r'class="bandaaceh-parent" href="/organization/kecamatan-banda-raya">Banda Raya<', gampong)
    assert "11.71.07.2005" in gampong
    kecamatan = app.get("/organization/kecamatan-banda-raya").body
    listed = re.findall(r'<li><a href="/organization/(gampong-[a-z0-9-]+)">', kecamatan)
    assert len(listed) == 10 and "gampong-lam-ara" in listed


def test_home_page_gives_the_portal_in_figures(app, seeded):
    page = app.get("/").body
    figures = re.findall(r'<strong class="d-block fs-3">(?:<span>)?(\d+)(?:</span>)?</strong>([a-z ]+)</li>', page)
    assert figures == [("0", "dataset"), ("43", "perangkat daerah"), ("90", "gampong")]  # BPS is not one
    assert "420 x 220" not in page and "placeholder-420x220" not in page
    menu = re.findall(r'<li[^>]*><a href="(/[a-z-]*/?)"[^>]*>([^<]+)</a></li>', page)
    assert ("/transparansi-apbg", "Transparansi APBG") in menu and ("/organization/", "Organisasi") in menu
    assert ("/rapor-skpd", "Rapor SKPD") in menu
    assert 'href="/transparansi-apbg"' in page.split('class="bandaaceh-stats')[1]
