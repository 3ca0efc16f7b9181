"""The city-wide CSV of a year carries one version per gampong and tahap (issue 9 item 10).

Kampung Baru publishes all four versions of 2025 (murni, perubahan, realisasi semester-1 and
tahunan), Neusu Jaya only murni and a semester-1 report. The expected totals come from the
generated specs the files were written from, not from the code under test.
"""
from __future__ import annotations

import csv
import re
import io
from decimal import Decimal
from pathlib import Path

import pytest

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh.apbdes.portal import transparency as tr
from ckanext.bandaaceh.apbdes.portal import views
from ckanext.bandaaceh.apbdes.portal.search import stored_digests

from .conftest import KAMPUNG_BARU, NEUSU_JAYA, fixture_module, run_import

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")


def _belanja(spec) -> tuple[int, int]:
    """(anggaran, realisasi) of the belanja leaves of a spec."""
    leaves = [lf for lf in spec.leaves if lf.account.startswith("5")]
    return sum(lf.amount for lf in leaves), sum(lf.realisasi or 0 for lf in leaves)


def _write(tmp_path: Path, name: str, grid) -> Path:
    path = tmp_path / name
    fixture_module().write_xlsx(path, grid)
    return path


def test_year_csv_has_one_version_per_gampong_and_tahap_with_periode(app, operator, tmp_path):
    mf = fixture_module()
    org_kb, user = operator(KAMPUNG_BARU)
    org_nj, _ = operator(NEUSU_JAYA, user=user)
    specs = {k: mf.random_spec(seed, KAMPUNG_BARU, "Kampung Baru", "Baiturrahman", 2025, 40)
             for k, seed in (("murni", 11), ("perubahan", 12), ("semester-1", 13), ("tahunan", 14))}
    nj = {k: mf.random_spec(seed, NEUSU_JAYA, "Neusu Jaya", "Baiturrahman", 2025, 30)
          for k, seed in (("murni", 21), ("semester-1", 22))}

    def publish(org, spec, key):
        if key in ("murni", "perubahan"):
            path = _write(tmp_path, f"{org['name']}-{key}.xlsx", mf.penjabaran_grid(spec))
            return run_import(user["name"], path, gampong=org["name"], tahun=2025, tahap=key)
        period = "SEMESTER PERTAMA" if key == "semester-1" else "SEMESTER AKHIR"
        path = _write(tmp_path, f"{org['name']}-{key}.xlsx", mf.realisasi_grid(spec, period=period))
        return run_import(user["name"], path, gampong=org["name"], tahun=2025, tahap="realisasi", periode=key)

    for key, spec in specs.items():
        assert publish(org_kb, spec, key)["published"]
    for key, spec in nj.items():
        assert publish(org_nj, spec, key)["published"]

    resp = app.get("/transparansi-apbg/apbg-2025.csv")
    assert resp.status_code == 200
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert "periode" in rows[0]
    versions = {(r["kode_wilayah"], r["tahap"], r["periode"]) for r in rows}
    assert versions == {(KAMPUNG_BARU, "perubahan", ""), (KAMPUNG_BARU, "realisasi", "tahunan"),
                        (NEUSU_JAYA, "murni", ""), (NEUSU_JAYA, "realisasi", "semester-1")}

    def total(code: str, tahap: str, column: str) -> Decimal:
        return sum((Decimal(r[column]) for r in rows if r["kode_wilayah"] == code and r["tahap"] == tahap
                    and r["kode_rekening"].startswith("5")), Decimal(0))

    assert total(KAMPUNG_BARU, "perubahan", "anggaran") == _belanja(specs["perubahan"])[0]
    assert total(KAMPUNG_BARU, "realisasi", "realisasi") == _belanja(specs["tahunan"])[1]
    assert total(NEUSU_JAYA, "murni", "anggaran") == _belanja(nj["murni"])[0]
    assert total(NEUSU_JAYA, "realisasi", "realisasi") == _belanja(nj["semester-1"])[1]
    city = sum((Decimal(r["anggaran"]) for r in rows
                if r["tahap"] in ("murni", "perubahan") and r["kode_rekening"].startswith("5")), Decimal(0))
    assert city == _belanja(specs["perubahan"])[0] + _belanja(nj["murni"])[0]

    # asked for by stage, the stage itself is given, still one version per gampong
    murni = list(csv.DictReader(io.StringIO(app.get("/transparansi-apbg/apbg-2025.csv",
                                                    query_string={"tahap": "murni"}).get_data(as_text=True))))
    assert {(r["kode_wilayah"], r["tahap"]) for r in murni} == {(KAMPUNG_BARU, "murni"), (NEUSU_JAYA, "murni")}
    real = list(csv.DictReader(io.StringIO(app.get("/transparansi-apbg/apbg-2025.csv",
                                                   query_string={"tahap": "realisasi"}).get_data(as_text=True))))
    assert {(r["kode_wilayah"], r["periode"]) for r in real} == {(KAMPUNG_BARU, "tahunan"),
                                                                (NEUSU_JAYA, "semester-1")}


def test_the_overview_reads_a_stored_summary_per_budget_equal_to_the_whole_dataset(operator, tmp_path):
    """Province scale (issue 10 item 9): the overview asks the search index for one small stored
    field per budget; what it shows is what the whole indexed dataset dict says, and the lines
    table it names for the year's CSV is the dataset's own."""
    mf = fixture_module()
    org, user = operator(KAMPUNG_BARU)
    path = _write(tmp_path, "kb.xlsx", mf.penjabaran_grid(mf.random_spec(5, KAMPUNG_BARU, "Kampung Baru",
                                                                         "Baiturrahman", 2025, 20)))
    name = run_import(user["name"], path, gampong=org["name"], tahun=2025, tahap="murni")["dataset"]["name"]
    url = tr._dataset_url()
    digest, (summary,) = tr._published(2025)
    (whole,) = tr._search(2025)
    # the facet of the indexed digests names exactly the summary read (what the kept answer is keyed on)
    assert digest is not None and tr._digest(stored_digests(2025)) == digest
    from_summary = tr._dataset_entry(summary, url)
    lines = from_summary.pop(tr.LINES_TABLE_KEY)
    assert from_summary == tr._dataset_entry(whole, url)
    assert from_summary["total_belanja"] and from_summary["name"] == name
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": name})
    assert lines == next(r["id"] for r in pkg["resources"] if r["apbdes_role"] == "lines")


def test_over_the_row_limit_the_page_lists_kecamatan_and_a_chosen_kecamatan_its_gampong(app, monkeypatch):
    """Banda Aceh's 90 gampong with the limit set to 10: one row per kecamatan (its 9 kecamatan),
    each linking to its gampong; with a kecamatan chosen, that kecamatan's gampong rows."""
    monkeypatch.setattr(views, "TRANSPARENCY_GAMPONG_ROWS", 10)
    page = app.get("/transparansi-apbg?tahun=2025").get_data(as_text=True)
    summary = page.split('id="apbdes-kecamatan-summary"', 1)[1].split("</table>", 1)[0]
    kecamatan = re.findall(r'<tr data-kode="(11\.71\.\d\d)">', summary)
    assert len(kecamatan) == 9 and f"kecamatan={kecamatan[0]}" in page
    assert not re.findall(r'<tr data-kode="11\.71\.\d\d\.\d{4}"', page)
    one = app.get(f"/transparansi-apbg?tahun=2025&kecamatan={KAMPUNG_BARU[:8]}").get_data(as_text=True)
    assert 'id="apbdes-kecamatan-summary"' not in one
    assert f'data-kode="{KAMPUNG_BARU}"' in one
