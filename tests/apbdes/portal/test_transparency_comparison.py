"""Journalists' APBG (issue 12 item 5): realisation %, change from the previous year, bidang
rankings, the kecamatan roll-up, per-resident amounts and the year as a Fiscal Data Package.

Three gampong in two kecamatan, two years:

* Kampung Baru (Baiturrahman): 2024 murni; 2025 murni and perubahan, full-year realisasi.
* Neusu Jaya (Baiturrahman): 2025 murni and a semester-1 realisasi only (nothing in 2024).
* Lam Ara (Banda Raya): 2024 and 2025 murni.

Every expected figure is computed from the generated specs the files were written from.
"""
from __future__ import annotations

import csv
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from frictionless import validate

import ckan.plugins.toolkit as tk

from .conftest import KAMPUNG_BARU, NEUSU_JAYA, fixture_module, run_import

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")

LAM_ARA = "11.71.07.2005"
BAITURRAHMAN, BANDA_RAYA = "11.71.01", "11.71.07"
PENDUDUK = {KAMPUNG_BARU: 4000, NEUSU_JAYA: 2500, LAM_ARA: 5000}


def q(value: Decimal) -> str:
    """Two decimals, as the figures are given."""
    text = f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def belanja(spec) -> Decimal:
    return Decimal(spec.total("5"))


def real_belanja(spec) -> Decimal:
    return Decimal(spec.total_real("5"))


def bidang(spec, code: str) -> Decimal:
    return Decimal(sum(lf.amount for lf in spec.leaves if lf.account.startswith("5")
                       and (lf.kegiatan or "").startswith(code)))


@pytest.fixture
def published(app, operator, tmp_path, monkeypatch):
    """Publish the budgets of the module docstring; returns the specs by (gampong, year, version)."""
    mf = fixture_module()
    names = {KAMPUNG_BARU: ("Kampung Baru", "Baiturrahman"), NEUSU_JAYA: ("Neusu Jaya", "Baiturrahman"),
             LAM_ARA: ("Lam Ara", "Banda Raya")}
    org, user = operator(KAMPUNG_BARU)
    orgs = {KAMPUNG_BARU: org, NEUSU_JAYA: operator(NEUSU_JAYA, user=user)[0], LAM_ARA: operator(LAM_ARA, user=user)[0]}
    plan = [(KAMPUNG_BARU, 2024, "murni", 31), (KAMPUNG_BARU, 2025, "murni", 32), (KAMPUNG_BARU, 2025, "perubahan", 33),
            (KAMPUNG_BARU, 2025, "tahunan", 34), (NEUSU_JAYA, 2025, "murni", 41), (NEUSU_JAYA, 2025, "semester-1", 42),
            (LAM_ARA, 2024, "murni", 51), (LAM_ARA, 2025, "murni", 52)]
    specs = {}
    for code, year, key, seed in plan:
        spec = mf.random_spec(seed, code, *names[code], year, 30)
        specs[(code, year, key)] = spec
        path = tmp_path / f"{code}-{year}-{key}.xlsx"
        if key in ("murni", "perubahan"):
            mf.write_xlsx(path, mf.penjabaran_grid(spec))
            result = run_import(user["name"], path, gampong=orgs[code]["name"], tahun=year, tahap=key)
        else:
            period = "SEMESTER PERTAMA" if key == "semester-1" else "SEMESTER AKHIR"
            mf.write_xlsx(path, mf.realisasi_grid(spec, period=period))
            result = run_import(user["name"], path, gampong=orgs[code]["name"], tahun=year, tahap="realisasi",
                                periode=key)
        assert result["published"], result.get("problems")
    folder = tmp_path / "penduduk"
    folder.mkdir()
    (folder / "2025.csv").write_text("kode_wilayah,gampong,penduduk,sumber,status\n" + "".join(
        f"{code},{names[code][0]},{n},Disdukcapil Kota Banda Aceh (uji),resmi\n" for code, n in PENDUDUK.items()),
        encoding="utf-8")
    monkeypatch.setitem(tk.config, "bandaaceh.penduduk_dir", str(folder))
    return specs


def _gampong(data, code):
    return next(g for k in data["kecamatan"] for g in k["gampong"] if g["kode_wilayah"] == code)


def test_comparison_figures_per_gampong_kecamatan_and_city(app, published):
    s = published
    kb_budget, kb_real, kb_prev = s[(KAMPUNG_BARU, 2025, "perubahan")], s[(KAMPUNG_BARU, 2025, "tahunan")], \
        s[(KAMPUNG_BARU, 2024, "murni")]
    nj_budget, nj_real = s[(NEUSU_JAYA, 2025, "murni")], s[(NEUSU_JAYA, 2025, "semester-1")]
    la_budget, la_prev = s[(LAM_ARA, 2025, "murni")], s[(LAM_ARA, 2024, "murni")]
    data = tk.get_action("apbdes_transparency")({"ignore_auth": True}, {"tahun": 2025})

    kb = _gampong(data, KAMPUNG_BARU)["angka"]
    # realisation against the budget in force (the perubahan), change against 2024's murni
    assert kb["persen_realisasi_belanja"] == q(real_belanja(kb_real) * 100 / belanja(kb_budget))
    assert kb["belanja_tahun_lalu"] == q(belanja(kb_prev))
    assert kb["selisih_belanja"] == q(belanja(kb_budget) - belanja(kb_prev))
    assert kb["persen_perubahan_belanja"] == q((belanja(kb_budget) - belanja(kb_prev)) * 100 / belanja(kb_prev))
    assert kb["penduduk"] == 4000
    assert kb["belanja_per_penduduk"] == q(belanja(kb_budget) / 4000)

    nj = _gampong(data, NEUSU_JAYA)["angka"]
    assert nj["persen_realisasi_belanja"] == q(real_belanja(nj_real) * 100 / belanja(nj_budget))
    assert nj["belanja_tahun_lalu"] is None and nj["persen_perubahan_belanja"] is None  # not published in 2024

    la = _gampong(data, LAM_ARA)["angka"]
    assert la["persen_realisasi_belanja"] is None  # no realisation report
    assert la["persen_perubahan_belanja"] == q((belanja(la_budget) - belanja(la_prev)) * 100 / belanja(la_prev))
    assert _gampong(data, "11.71.07.2001")["angka"]["belanja"] is None  # a gampong that published nothing

    # kecamatan roll-up: each ratio over the gampong that have both amounts
    kec = {k["kode"]: k["angka"] for k in data["kecamatan"]}
    bt = kec[BAITURRAHMAN]
    assert bt["belanja"] == q(belanja(kb_budget) + belanja(nj_budget))
    assert bt["persen_realisasi_belanja"] == q((real_belanja(kb_real) + real_belanja(nj_real)) * 100
                                               / (belanja(kb_budget) + belanja(nj_budget)))
    assert bt["persen_perubahan_belanja"] == q((belanja(kb_budget) - belanja(kb_prev)) * 100 / belanja(kb_prev))
    assert bt["penduduk"] == 6500
    assert bt["belanja_per_penduduk"] == q((belanja(kb_budget) + belanja(nj_budget)) / 6500)
    assert kec[BANDA_RAYA]["belanja"] == q(belanja(la_budget))

    city = data["angka"]
    assert city["belanja"] == q(belanja(kb_budget) + belanja(nj_budget) + belanja(la_budget))
    assert city["persen_perubahan_belanja"] == q(
        (belanja(kb_budget) + belanja(la_budget) - belanja(kb_prev) - belanja(la_prev)) * 100
        / (belanja(kb_prev) + belanja(la_prev)))
    assert city["belanja_per_penduduk"] == q(
        (belanja(kb_budget) + belanja(nj_budget) + belanja(la_budget)) / sum(PENDUDUK.values()))
    assert data["penduduk"] == {"tahun": 2025, "sumber": ["Disdukcapil Kota Banda Aceh (uji)"], "contoh": False,
                                "label": "", "jumlah": 11500}

    # bidang rankings: names, every gampong with a budget, largest first
    ranking = {b["kode"]: b for b in data["peringkat_bidang"]}
    assert ranking["01"]["nama"] == "Bidang Penyelenggaraan Pemerintahan Desa"
    budgets = {KAMPUNG_BARU: kb_budget, NEUSU_JAYA: nj_budget, LAM_ARA: la_budget}
    for code in ("01", "02", "03", "04", "05"):
        expected = sorted(((bidang(sp, code), g) for g, sp in budgets.items()), key=lambda x: -x[0])
        got = [(Decimal(x["jumlah"]), x["kode_wilayah"]) for x in ranking[code]["gampong"]]
        assert [a for a, _g in got] == [a for a, _g in expected]
        assert ranking[code]["jumlah"] == q(sum((a for a, _g in expected), Decimal(0)))
        assert [x["peringkat"] for x in ranking[code]["gampong"]] == [1, 2, 3]

    # the page shows the same figures (roll-up table, per-gampong columns, ranking charts)
    html = app.get("/transparansi-apbg", query_string={"tahun": 2025}).get_data(as_text=True)
    assert 'id="apbdes-kecamatan-rollup"' in html
    assert "Bidang Penyelenggaraan Pemerintahan Desa" in html
    assert html.count('data-module="apbdes-chart"') >= 1
    assert "data contoh, bukan data resmi" not in html  # an official table is not labelled as sample
    assert q(real_belanja(kb_real) * 100 / belanja(kb_budget)).replace(".", ",") + "%" in html


def _fetch_package(app, tmp_path: Path, tahun: int) -> Path:
    resp = app.get(f"/transparansi-apbg/{tahun}/datapackage.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    descriptor = json.loads(resp.get_data(as_text=True))
    name = descriptor["resources"][0]["path"]
    data = app.get(f"/transparansi-apbg/{tahun}/{name}")
    assert data.status_code == 200 and data.mimetype == "text/csv"
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (tmp_path / name).write_bytes(data.get_data())
    return tmp_path / "datapackage.json"


def test_year_as_fiscal_data_package(app, published, tmp_path):
    s = published
    (tmp_path / "fdp").mkdir()
    path = _fetch_package(app, tmp_path / "fdp", 2025)
    report = validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    rows = list(csv.DictReader(io.StringIO((path.parent / descriptor["resources"][0]["path"]).read_text("utf-8"))))

    def total(code: str, tahap: str, arah: str) -> Decimal:
        return sum((Decimal(r["nilai"]) for r in rows if r["kode_wilayah"] == code and r["tahap"] == tahap
                    and r["arah"] == arah), Decimal(0))

    # one version per gampong and kind, as in the year's CSV; one row per amount
    assert {(r["kode_wilayah"], r["tahap"], r["periode"]) for r in rows} == {
        (KAMPUNG_BARU, "perubahan", ""), (KAMPUNG_BARU, "realisasi", "tahunan"), (NEUSU_JAYA, "murni", ""),
        (NEUSU_JAYA, "realisasi", "semester-1"), (LAM_ARA, "murni", "")}
    kb = s[(KAMPUNG_BARU, 2025, "perubahan")]
    assert total(KAMPUNG_BARU, "perubahan", "belanja") == kb.total("5")
    assert total(KAMPUNG_BARU, "perubahan", "pendapatan") == kb.total("4")
    assert total(KAMPUNG_BARU, "perubahan", "pembiayaan") == kb.total("6")
    assert total(KAMPUNG_BARU, "realisasi", "belanja") == s[(KAMPUNG_BARU, 2025, "tahunan")].total_real("5")
    assert total(NEUSU_JAYA, "realisasi", "belanja") == s[(NEUSU_JAYA, 2025, "semester-1")].total_real("5")
    assert total(LAM_ARA, "murni", "belanja") == s[(LAM_ARA, 2025, "murni")].total("5")
    for code in ("01", "02"):
        assert sum((Decimal(r["nilai"]) for r in rows if r["kode_wilayah"] == LAM_ARA and r["kode_bidang"] == code),
                   Decimal(0)) == bidang(s[(LAM_ARA, 2025, "murni")], code)
    belanja_rows = [r for r in rows if r["arah"] == "belanja"]
    assert all(r["bidang"].startswith("Bidang ") and r["kegiatan"] for r in belanja_rows)
    assert {r["kode_kecamatan"] for r in rows} == {BAITURRAHMAN, BANDA_RAYA}

    # linked from /transparansi-apbg; an unknown file beside it is a 404
    html = app.get("/transparansi-apbg", query_string={"tahun": 2025}).get_data(as_text=True)
    assert 'href="/transparansi-apbg/2025/datapackage.json"' in html
    assert app.get("/transparansi-apbg/2025/lain.csv").status_code == 404


def test_sample_population_is_labelled_as_sample(app):
    """Without a configured folder the repository's sample table is used, and says so."""
    data = tk.get_action("apbdes_transparency")({"ignore_auth": True}, {"tahun": 2025})
    assert data["penduduk"]["contoh"] is True
    assert data["penduduk"]["label"] == "data contoh, bukan data resmi"
    html = app.get("/transparansi-apbg", query_string={"tahun": 2025}).get_data(as_text=True)
    assert 'id="apbdes-penduduk-contoh"' in html and "data contoh, bukan data resmi" in html
    # no table for 2019 or earlier: no per-resident figures at all
    assert tk.get_action("apbdes_transparency")({"ignore_auth": True}, {"tahun": 2019})["penduduk"] is None


def test_malformed_population_file_is_refused_naming_file_line_and_column(app, tmp_path, monkeypatch):
    (tmp_path / "2025.csv").write_text("kode_wilayah,gampong,penduduk,sumber,status\n"
                                       "11.71.01.2001,Kampung Baru,empat ribu,Disdukcapil,resmi\n", encoding="utf-8")
    monkeypatch.setitem(tk.config, "bandaaceh.penduduk_dir", str(tmp_path))
    with pytest.raises(tk.ValidationError) as exc:
        tk.get_action("apbdes_transparency")({"ignore_auth": True}, {"tahun": 2025})
    message = exc.value.error_dict["penduduk"][0]
    assert str(tmp_path / "2025.csv") in message and "baris 2, kolom penduduk" in message
