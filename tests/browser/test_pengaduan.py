"""/pengaduan and the complaint upload in a real headless Chromium against the portal served by
gunicorn on the test database: a year of sample figures for the three channels, the trend chart
drawn by the bundled Chart.js, the ranking, the links; the page without JavaScript and at 390 px;
and the upload refusing a case-level export with a name column, then publishing it without."""
from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.bandaaceh.pengaduan.portal.samples import SKPD, sample_export
from tests.pengaduan.cases import AUGUST, HEADER, JULY

from .conftest import CHROMIUM, PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("portal"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM} "
                       "(scripts/bootstrap.sh --test installs it)"),
]
CHANNELS = {"lapor": "SP4N-LAPOR!", "suwarga": "SUWARGA", "sms-lpm": "SMS Layanan Pengaduan Masyarakat (LPM)"}
YEAR = 2024


def per_month(export: bytes) -> tuple[Counter, Counter]:
    """(complaints per month, closed ones per month and SKPD) counted from the generated export itself."""
    ws = openpyxl.load_workbook(io.BytesIO(export)).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r and r[0] == "No"))
    months, closed = Counter(), Counter()
    for r in rows[header + 1:]:
        months[r[1].strftime("%Y-%m")] += 1
        if r[4] == "Selesai":
            closed[(r[1].strftime("%Y-%m"), r[3])] += 1
    return months, closed


@pytest.fixture
def samples(skpd_org: Any) -> dict[str, tuple[Counter, Counter]]:
    """The sample year of the three channels, imported as `ckan bandaaceh pengaduan contoh` does
    (the LAPOR! sample split into the datasets of its six SKPD)."""
    skpd_org(name="diskominfotik", title="Diskominfotik")
    for i, title in enumerate(SKPD):
        skpd_org(name=f"skpd-{i}", title=title)
    counted = {}
    for kanal in CHANNELS:
        data = sample_export(kanal, YEAR)
        tk.get_action("pengaduan_import")({"ignore_auth": True}, {
            "upload": FileStorage(io.BytesIO(data), filename=f"contoh-{kanal}.xlsx"), "kanal": kanal, "contoh": True})
        counted[kanal] = per_month(data)
    return counted


def test_the_page_shows_a_sample_year_with_its_chart(server: str, browser: Any, samples: Any) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server}/pengaduan")

    # per month and channel: 12 months x 3 channels, "Masuk" as counted in the generated files
    rows = page.locator("#pengaduan-bulan tbody tr")
    assert rows.count() == 36
    shown = {(cells[0], cells[1]): int(cells[2]) for cells in
             (rows.nth(i).locator("td").all_inner_texts() for i in range(36))}
    assert shown == {(m, CHANNELS[k]): n for k, (months, _c) in samples.items() for m, n in months.items()}

    # the ranking: every SKPD of the samples, best share within the standard first
    ranking = page.locator("#pengaduan-skpd tbody tr")
    assert ranking.count() == 6
    shares = [float(ranking.nth(i).locator("td").nth(2).inner_text()) for i in range(6)]
    assert shares == sorted(shares, reverse=True)
    first = ranking.nth(0).locator("td").nth(0).inner_text()

    # the trend chart of the first SKPD: bars in/closed per month over the three channels,
    # a median line per channel
    page.wait_for_selector("#pengaduan-chart-tren[data-rendered=true]")
    assert page.locator("#pengaduan-chart-tren").get_attribute("data-skpd") == first
    chart = page.evaluate("""() => { const c = Chart.getChart(document.getElementById('pengaduan-chart-tren'));
        return {labels: c.data.labels, sets: c.data.datasets.map(d => ({label: d.label, data: d.data}))}; }""")
    assert chart["labels"] == [f"{YEAR}-{m:02d}" for m in range(1, 13)]
    closed = [sum(samples[k][1][(month, first)] for k in CHANNELS) for month in chart["labels"]]
    assert chart["sets"][1]["label"] == "Selesai" and chart["sets"][1]["data"] == closed
    assert [s["label"] for s in chart["sets"][2:]] == [f"{n} (median hari kerja)" for n in CHANNELS.values()]

    # another SKPD from the select: redrawn from the embedded data, no request
    other = page.locator("#pengaduan-skpd tbody tr").nth(5).locator("td").nth(0).inner_text()
    page.select_option("#pengaduan-tren-skpd", other)
    page.wait_for_selector(f"#pengaduan-chart-tren[data-skpd='{other}']")
    closed = [sum(samples[k][1][(month, other)] for k in CHANNELS) for month in chart["labels"]]
    assert page.evaluate("Chart.getChart(document.getElementById('pengaduan-chart-tren')).data.datasets[1].data") \
        == closed

    # links to each dataset and to LAPOR!
    links = page.locator("#pengaduan-dataset a")
    assert sorted(links.evaluate_all("els => els.map(e => e.getAttribute('href'))")) == sorted(
        [f"/pengaduan/pengaduan-{k}-{YEAR}" for k in ("suwarga", "sms-lpm")]
        + [f"/pengaduan/pengaduan-lapor-skpd-{i}-{YEAR}" for i in range(len(SKPD))])
    assert page.locator("a[href='https://www.lapor.go.id']").count() >= 1
    assert errors == []


def test_the_page_reads_without_javascript_and_at_390_px(server: str, browser: Any, samples: Any) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{server}/pengaduan")
    first = page.locator("#pengaduan-skpd tbody tr").nth(0).locator("td").nth(0).inner_text()
    table = page.locator("#pengaduan-tren-tabel")
    assert first in table.locator("caption").inner_text() and table.locator("tbody tr").count() == 12
    # the form picks another SKPD without JavaScript
    other = page.locator("#pengaduan-skpd tbody tr").nth(3).locator("td").nth(0).inner_text()
    page.select_option("#pengaduan-tren-skpd", other)
    with page.expect_navigation():
        page.click("button.pengaduan-skpd-submit")
    assert other in page.locator("#pengaduan-tren-tabel caption").inner_text()
    # nothing is wider than the phone: wide tables scroll inside their own box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    wider = page.evaluate("""() => [...document.querySelectorAll('article.module *')]
        .filter(e => e.getBoundingClientRect().right > 390 && !e.parentElement.closest('.table-responsive'))
        .map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert wider == []
    assert page.locator("#pengaduan-tren-tabel").evaluate("t => t.closest('.table-responsive').clientWidth") <= 390
    context.close()


def test_upload_refuses_the_name_column_then_publishes_without_it(server: str, browser: Any, login: Any,
                                                                  skpd_org: Any, xlsx_export: Any,
                                                                  tmp_path: Path) -> None:
    user = factories.User(password=PASSWORD)
    skpd_org(name="diskominfotik", title="Diskominfotik", users=[{"name": user["name"], "capacity": "editor"}])
    export = tmp_path / "suwarga-2025.xlsx"
    export.write_bytes(xlsx_export(HEADER, JULY + AUGUST))
    page = browser.new_page()
    login(page, server, user["name"])

    page.goto(f"{server}/pengaduan/unggah")
    page.select_option("#field-kanal", "suwarga")
    page.set_input_files("#field-upload", str(export))
    page.click("#pengaduan-check")
    page.wait_for_url(re.compile(r"/pengaduan/unggah/[A-Za-z0-9_-]+$"))
    problem = page.locator("#pengaduan-problems li.error").first.inner_text()
    assert "suwarga-2025.xlsx" in problem and "'Nama Pelapor' (nama)" in problem
    assert page.locator("#pengaduan-publish").is_disabled()
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("package_show")({"ignore_auth": True}, {"id": "pengaduan-suwarga-2025"})

    page.check("tr[data-column='Nama Pelapor'] input[name=buang_kolom]")
    page.click("#pengaduan-recheck")
    page.wait_for_selector("#pengaduan-publish:not([disabled])")
    assert page.locator("#pengaduan-ringkasan tr[data-periode='2025-07'] td").all_inner_texts()[:2] == ["2025-07", "3"]
    page.click("#pengaduan-publish")
    page.wait_for_url(re.compile(r"/pengaduan/pengaduan-suwarga-2025$"))
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": "pengaduan-suwarga-2025"})
    assert pkg["bulan_terakhir"] == "2025-08"
