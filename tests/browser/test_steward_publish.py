"""A SKPD steward logs in, publishes a dataset with Satu Data metadata through CKAN's web form
(real Chromium, real CKAN server, real Solr), and finds it with the search facets."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from .conftest import CHROMIUM, PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("portal"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}"),
]


def test_steward_publishes_through_the_form_and_finds_it_by_facets(
        server: str, browser: Any, login: Any, skpd_org: Any, tmp_path: Path) -> None:
    steward = factories.User(password=PASSWORD)
    skpd_org(name="dinkes", title="Dinas Kesehatan", users=[{"name": steward["name"], "capacity": "editor"}])
    skpd_org(name="dishub", title="Dinas Perhubungan")
    csv = tmp_path / "puskesmas.csv"
    csv.write_text("kecamatan,puskesmas\nBaiturrahman,2\nKuta Alam,3\n", encoding="utf-8")

    page = browser.new_page()
    login(page, server, steward["name"])
    page.goto(f"{server}/dataset/new")
    # The steward may only choose their own SKPD as produsen data.
    owners = page.locator("#field-organizations option").all_inner_texts()
    assert [o.strip() for o in owners] == ["Dinas Kesehatan"]
    assert page.locator("label[for=field-frekuensi]").inner_text().strip() == "* Frekuensi Penerbitan"

    page.fill("#field-title", "Puskesmas per Kecamatan 2023")
    page.fill("#field-notes", "Jumlah puskesmas per kecamatan.")
    # no visibility select: a Satu Data dataset is private until the walidata publishes it
    assert page.locator("#field-private").count() == 0
    assert "Privat sampai walidata menerbitkannya" in page.locator("#satudata-visibility").inner_text()
    page.select_option("#field-frekuensi", "tahunan")
    page.select_option("#field-cakupan", "kecamatan")
    page.fill("#field-tahun", "2022 - 2023")
    page.fill("#field-satuan", "unit")
    with page.expect_navigation():
        page.click("button[name=save]")
    assert page.url.endswith("/dataset/puskesmas-per-kecamatan-2023/resource/new"), page.url

    page.set_input_files("#field-resource-upload", str(csv))
    page.fill("#field-name", "Puskesmas 2023")
    with page.expect_navigation():
        page.click("button[name=save][value=go-metadata]")
    assert re.search(r"/dataset/puskesmas-per-kecamatan-2023$", page.url), page.url

    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": "puskesmas-per-kecamatan-2023"})
    assert (pkg["state"], pkg["organization"]["name"], pkg["frekuensi"]) == ("active", "dinkes", "tahunan")
    assert pkg["tahun"] == "2022-2023" and pkg["kode_wilayah"] == "11.71"
    assert pkg["resources"][0]["url_type"] == "upload"
    body = page.locator("table.table").last.inner_text()
    assert "Tahunan" in body and "2022-2023" in body

    # It is a private draft until the walidata publishes it (tests/browser/test_satudata_process.py);
    # the steward's search with the year and frequency facets finds it.
    assert (pkg["status_satudata"], pkg["private"]) == ("draf", True)
    page.goto(f"{server}/dataset/?vocab_tahun=2022&frekuensi=tahunan")
    assert page.locator("a[href='/dataset/puskesmas-per-kecamatan-2023']").count() >= 1
    labels = page.locator("#search-facets .item-label").all_inner_texts()
    assert "Dinas Kesehatan" in labels and "Kecamatan" in labels
