"""The Satu Data process in a real Chromium against a real CKAN server: the produsen submits,
the walidata returns it with a reason, the produsen fixes and resubmits, the walidata publishes,
and anonymous visitors see the dataset only then."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan import model

from .conftest import CHROMIUM, PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("portal"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}"),
]

NAME = "penduduk-per-kecamatan-2024"


def state(page: Any) -> str:
    return page.locator("#satudata-state").inner_text().strip()


def click(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_submit_return_fix_resubmit_publish(server: str, browser: Any, login: Any, satudata_world: Any) -> None:
    world = satudata_world(password=PASSWORD)
    world.dataset(NAME, klasifikasi="")  # everything but the klasifikasi
    anon = browser.new_context().new_page()
    assert anon.goto(f"{server}/dataset/{NAME}").status == 404

    produsen = browser.new_context().new_page()
    login(produsen, server, world.produsen["name"])
    produsen.goto(f"{server}/dataset/{NAME}")
    assert state(produsen) == "Draf"
    click(produsen, "#satudata-ajukan button")
    assert state(produsen) == "Diajukan ke walidata"
    assert "Klasifikasi belum diisi" in produsen.locator("#satudata-checks").inner_text()

    walidata = browser.new_context().new_page()
    login(walidata, server, world.walidata["name"])
    walidata.goto(f"{server}/walidata")
    row = walidata.locator(f"#satudata-worklist tr[data-name='{NAME}']")
    assert row.count() == 1
    assert "1 masalah" in row.inner_text()
    click(walidata, f"#satudata-worklist tr[data-name='{NAME}'] a")
    assert "Klasifikasi belum diisi" in walidata.locator("#satudata-checks [data-kode=standar_data]").inner_text()
    walidata.fill("#satudata-alasan", "Isi klasifikasi (menurut kecamatan)")
    click(walidata, "#satudata-kembalikan button")
    assert state(walidata) == "Dikembalikan kepada produsen"
    assert anon.goto(f"{server}/dataset/{NAME}").status == 404

    produsen.goto(f"{server}/dataset/{NAME}")
    assert "Isi klasifikasi (menurut kecamatan)" in produsen.locator("#satudata-history").inner_text()
    produsen.goto(f"{server}/dataset/edit/{NAME}")
    assert produsen.locator("#field-status_satudata-readonly").inner_text().count("Dikembalikan") == 1
    produsen.fill("#field-klasifikasi", "Menurut kecamatan")
    assert produsen.locator("button[name=save][value=go-metadata-unpublish]").count() == 0  # publishing is the walidata's
    click(produsen, "button.btn-primary[name=save]")
    assert state(produsen) == "Dikembalikan kepada produsen"  # an edit does not resubmit by itself
    click(produsen, "#satudata-ajukan button")
    assert state(produsen) == "Diajukan ke walidata"

    walidata.goto(f"{server}/walidata")
    assert "Lulus" in walidata.locator(f"#satudata-worklist tr[data-name='{NAME}']").inner_text()
    click(walidata, f"#satudata-worklist tr[data-name='{NAME}'] a")
    click(walidata, "#satudata-verifikasi button")
    assert state(walidata) == "Terbit"
    walidata.goto(f"{server}/walidata")
    assert walidata.locator("#satudata-worklist-empty").count() == 1

    assert anon.goto(f"{server}/dataset/{NAME}").status == 200
    assert anon.locator("#satudata-status").count() == 0  # the history is for members only
    anon.goto(f"{server}/dataset/")
    assert anon.locator(f"a[href='/dataset/{NAME}']").count() >= 1
    model.Session.remove()  # this process still holds the dataset as it created it; the server changed it
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})
    assert (pkg["status_satudata"], pkg["private"], pkg["klasifikasi"]) == ("terbit", False, "Menurut kecamatan")
