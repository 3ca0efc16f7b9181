"""Charts for agency tables (issue 12 item 6): the bandaaceh_chart resource view on harvested
tables, end to end (real HTTP server, harvester, DataStore, the rendered resource page).

``penduduk_tahun.xlsx`` (years as columns) was written as 20000 + 500 * kecamatan + 150 * year
index for 2021-2024; ``imunisasi.xlsx`` has distinct measures and no tidy form.
"""
from __future__ import annotations

import json
import re
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from .test_harvest import by_name, entry

pytestmark = pytest.mark.usefixtures("portal")

YEARS = (2021, 2022, 2023, 2024)


def population(i: int, year: int) -> int:
    return 20000 + 500 * i + 150 * YEARS.index(year)


def _charts(harvest: Any, resource_id: str) -> list[dict[str, Any]]:
    views = tk.get_action("resource_view_list")(harvest.context(), {"id": resource_id})
    return [v for v in views if v["view_type"] == "bandaaceh_chart"]


def _embedded(app: Any, dataset: str, resource_id: str, view_id: str) -> dict[str, Any]:
    """The chart figures embedded in the resource page showing the view."""
    resp = app.get(f"/dataset/{dataset}/resource/{resource_id}", query_string={"view_id": view_id})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'data-module="bandaaceh-chart-view"' in html
    match = re.search(rf'<script type="application/json" id="bandaaceh-chart-data-{view_id}"[^>]*>(.*?)</script>',
                      html, re.S)
    assert match, "no embedded chart data"
    return json.loads(match.group(1))


@pytest.fixture
def harvested(harvest: Any, server: Any) -> dict[str, dict[str, Any]]:
    server.put("penduduk_tahun.xlsx")
    server.put("imunisasi.xlsx")
    src = harvest.source([entry(server, "files/penduduk_tahun.xlsx", "penduduk-tahun"),
                          entry(server, "files/imunisasi.xlsx", "imunisasi-2024")])
    report = harvest.run(src)
    assert (report.created, report.failed) == (2, 0), report
    return {name: by_name(harvest.dataset(name)["resources"]) for name in ("penduduk-tahun", "imunisasi-2024")}


def test_harvested_tables_get_a_chart_from_the_tidy_form(harvest: Any, harvested: Any, app: Any) -> None:
    res = harvested["penduduk-tahun"]
    wide, long = res["Tabel"], res["Tabel (bentuk panjang)"]
    assert _charts(harvest, wide["id"]) == []  # charted through its tidy form
    (chart,) = _charts(harvest, long["id"])
    assert {k: chart[k] for k in ("dimensi", "ukuran", "saring_kolom", "saring_nilai", "jenis_grafik")} == {
        "dimensi": "Kecamatan", "ukuran": "nilai", "saring_kolom": "tahun", "saring_nilai": "2024",
        "jenis_grafik": "bar"}
    _fields, rows = harvest.records(wide["id"])
    data = _embedded(app, "penduduk-tahun", long["id"], chart["id"])
    assert data["labels"] == [r["Kecamatan"] for r in rows]
    assert data["datasets"][0]["data"] == [population(i, 2024) for i in range(9)]
    assert data["type"] == "bar" and data["subtitle"] == "tahun: 2024"

    # a table without a tidy form is charted as it is; one without a number is not
    imun = harvested["imunisasi-2024"]
    (chart,) = _charts(harvest, imun["Imunisasi"]["id"])
    assert (chart["dimensi"], chart["ukuran"], chart["saring_kolom"]) == ("Kecamatan", "Sasaran Bayi", "")
    _fields, rows = harvest.records(imun["Imunisasi"]["id"])
    data = _embedded(app, "imunisasi-2024", imun["Imunisasi"]["id"], chart["id"])
    assert data["labels"][0] == "Baiturrahman" and data["datasets"][0]["data"][0] == 437
    assert data["datasets"][0]["data"] == [r["Sasaran Bayi"] for r in rows]
    assert _charts(harvest, imun["Puskesmas"]["id"]) == []

    # a re-harvest of the unchanged file adds no second chart
    harvest.run(tk.get_action("harvest_source_show")(harvest.context(), {"id": "spreadsheet-dinkes"}))
    assert len(_charts(harvest, long["id"])) == 1


def test_steward_chooses_dimension_measure_filter_and_type(harvest: Any, harvested: Any, app: Any) -> None:
    long = harvested["penduduk-tahun"]["Tabel (bentuk panjang)"]
    (chart,) = _charts(harvest, long["id"])
    update = tk.get_action("resource_view_update")
    # the city's population per year, as a line
    view = update(harvest.context(), {"id": chart["id"], "resource_id": long["id"], "title": "Penduduk per tahun",
                                      "jenis_grafik": "line", "dimensi": "tahun", "ukuran": "nilai",
                                      "saring_kolom": "", "saring_nilai": ""})
    data = _embedded(app, "penduduk-tahun", long["id"], view["id"])
    assert data["type"] == "line" and data["labels"] == [str(y) for y in YEARS]
    assert data["datasets"][0]["data"] == [sum(population(i, y) for i in range(9)) for y in YEARS]
    # one kecamatan (the fourth row of the table) over the years
    _fields, rows = harvest.records(harvested["penduduk-tahun"]["Tabel"]["id"])
    name = rows[3]["Kecamatan"]
    view = update(harvest.context(), {"id": chart["id"], "resource_id": long["id"], "title": "Satu kecamatan",
                                      "jenis_grafik": "bar", "dimensi": "tahun", "ukuran": "nilai",
                                      "saring_kolom": "Kecamatan", "saring_nilai": name})
    data = _embedded(app, "penduduk-tahun", long["id"], view["id"])
    assert data["datasets"][0]["data"] == [population(3, y) for y in YEARS]
    assert data["subtitle"] == f"Kecamatan: {name}"

    # the view's form offers the table's columns, with their types
    sysadmin = factories.Sysadmin()
    headers = {"Authorization": factories.APIToken(user=sysadmin["name"])["token"]}
    html = app.get(f"/dataset/penduduk-tahun/resource/{long['id']}/edit_view/{chart['id']}",
                   headers=headers).get_data(as_text=True)
    assert 'name="ukuran"' in html and 'name="saring_nilai"' in html
    assert re.search(r'<option value="nilai"[^>]*>\s*nilai \(int8\)', html)
    assert re.search(r'<option value="Kecamatan"[^>]*selected', html)


def test_non_numeric_measure_and_unknown_column_are_refused_in_indonesian(harvest: Any, harvested: Any) -> None:
    long = harvested["penduduk-tahun"]["Tabel (bentuk panjang)"]
    create = tk.get_action("resource_view_create")
    base = {"resource_id": long["id"], "view_type": "bandaaceh_chart", "title": "Grafik", "dimensi": "tahun"}
    with pytest.raises(tk.ValidationError) as exc:
        create(harvest.context(), dict(base, ukuran="Kecamatan"))
    assert exc.value.error_dict["ukuran"] == [
        "Kolom 'Kecamatan' bukan kolom angka (tipe text): ukuran grafik harus kolom angka"]
    with pytest.raises(tk.ValidationError) as exc:
        create(harvest.context(), dict(base, ukuran="nilai", dimensi="Gampong"))
    assert exc.value.error_dict["dimensi"] == ["Kolom 'Gampong' tidak ada di tabel ini"]
    with pytest.raises(tk.ValidationError) as exc:
        create(harvest.context(), dict(base, ukuran="nilai", jenis_grafik="pie"))
    assert exc.value.error_dict["jenis_grafik"] == ["Jenis grafik harus 'bar' (batang) atau 'line' (garis)"]
    assert len(_charts(harvest, long["id"])) == 1  # nothing was added
