"""The APBG pages on a 390 px wide phone in a real Chromium: the figures come first (before the
organisation sidebar and the filters), and nothing is wider than the screen. Issue 12 item 8."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from werkzeug.datastructures import FileStorage

from .conftest import CHROMIUM

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "apbdes"
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("portal"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}"),
]


def _top(page: Any, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box["y"]


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px screen"


def test_budget_pages_show_figures_first_on_a_phone(server: str, browser: Any, gampong_org: Any) -> None:
    user = factories.User()
    org = gampong_org(kode_wilayah="11.71.01.2001", users=[{"name": user["name"], "capacity": "editor"}])
    path = FIXTURES / "realisasi.xlsx"
    result = tk.get_action("apbdes_import")({"user": user["name"]}, {
        "upload": FileStorage(io.BytesIO(path.read_bytes()), filename=path.name),
        "gampong": org["name"], "tahun": 2025})
    name = result["dataset"]["name"]
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)

    page.goto(f"{server}/apbdes/{name}")
    figures = _top(page, ".apbdes-figures")
    assert figures < _top(page, "aside.secondary, .secondary"), "the sidebar comes before the figures"
    assert figures < PHONE["height"], "the figures are not on the first screen"
    _no_sideways_scroll(page)

    page.goto(f"{server}/transparansi-apbg?tahun=2025")
    figures = _top(page, ".apbdes-figures")
    assert figures < _top(page, "#apbdes-transparency-filter"), "the filters come before the figures"
    assert figures < PHONE["height"]
    _no_sideways_scroll(page)
