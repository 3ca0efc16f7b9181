"""The charts of issue 12 items 5 and 6 drawn by the vendored Chart.js in a real headless
Chromium: the bidang rankings of /transparansi-apbg and the bandaaceh_chart resource view."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from .conftest import CHROMIUM, PASSWORD

REPO = Path(__file__).resolve().parents[2]
PENJABARAN = REPO / "tests" / "fixtures" / "apbdes" / "penjabaran.xlsx"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("portal"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM} "
                       "(scripts/bootstrap.sh --test installs it)"),
]

#: (Kecamatan, tahun, nilai) of the table the chart view draws.
ROWS = [("Meuraxa", 2023, 100), ("Meuraxa", 2024, 120), ("Kuta Alam", 2023, 300), ("Kuta Alam", 2024, 310),
        ("Syiah Kuala", 2024, 50)]


def _page(browser: Any) -> tuple[Any, list[str]]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def _drawn(page: Any, selector: str) -> list[float]:
    """Wait until Chart.js drew the canvas; its first dataset's figures."""
    page.wait_for_selector(f"{selector}[data-rendered=true]", timeout=20000)
    return page.evaluate(f"() => window.Chart.getChart(document.querySelector('{selector}')).data.datasets[0].data")


def test_bidang_rankings_are_drawn(server: str, browser: Any, gampong_org: Any) -> None:
    org = gampong_org(kode_wilayah="11.71.01.2001")
    tk.get_action("apbdes_import")({"ignore_auth": True}, {
        "upload": FileStorage(io.BytesIO(PENJABARAN.read_bytes()), filename=PENJABARAN.name),
        "gampong": org["name"], "tahun": 2025})
    ranking = {b["kode"]: b for b in tk.get_action("apbdes_transparency")(
        {"ignore_auth": True}, {"tahun": 2025})["peringkat_bidang"]}
    page, errors = _page(browser)
    page.goto(f"{server}/transparansi-apbg?tahun=2025")
    drawn = [code for code, b in ranking.items() if float(b["gampong"][0]["jumlah"] or 0)]
    assert drawn, "the fixture budget spends in at least one bidang"
    for code in drawn:
        figures = _drawn(page, f"#apbdes-ranking-{code}")
        assert figures == [float(ranking[code]["gampong"][0]["jumlah"])]
    assert errors == []


def test_chart_view_is_drawn_from_the_datastore(server: str, browser: Any, login: Any, skpd_org: Any,
                                                satu_data: Any) -> None:
    admin = factories.Sysadmin(password=PASSWORD)
    org = skpd_org(name="dinkes", title="Dinas Kesehatan")
    context = {"user": admin["name"], "ignore_auth": True}
    ds = tk.get_action("package_create")(context, dict(satu_data, name="penduduk-grafik", title="Penduduk",
                                                       owner_org=org["id"]))
    table = tk.get_action("datastore_create")(context, {
        "resource": {"package_id": ds["id"], "name": "Penduduk (bentuk panjang)", "format": "CSV"},
        "fields": [{"id": "Kecamatan", "type": "text"}, {"id": "tahun", "type": "int"}, {"id": "nilai", "type": "int"}],
        "records": [{"Kecamatan": k, "tahun": t, "nilai": v} for k, t, v in ROWS], "force": True})
    view = tk.get_action("resource_view_create")(context, {
        "resource_id": table["resource_id"], "view_type": "bandaaceh_chart", "title": "Grafik",
        "jenis_grafik": "line", "dimensi": "Kecamatan", "ukuran": "nilai", "saring_kolom": "tahun",
        "saring_nilai": "2024"})
    page, errors = _page(browser)
    login(page, server, admin["name"])
    page.goto(f"{server}/dataset/penduduk-grafik/resource/{table['resource_id']}?view_id={view['id']}")
    assert _drawn(page, "canvas[data-module=bandaaceh-chart-view]") == [120, 310, 50]
    assert page.evaluate("() => window.Chart.getChart(document.querySelector("
                         "'canvas[data-module=bandaaceh-chart-view]')).config.type") == "line"
    assert errors == []
