"""The Rapor SKPD on a seeded set whose figures follow from how it is built (see ``seeded``):
the action, the sort, the CSV, the page in the Flask client and the monthly snapshots."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import helpers
from ckanext.harvest.model import HarvestJob, HarvestObject

from ckanext.bandaaceh.satudata import portal_rapor
from tests.apbdes.portal.conftest import FIXTURES as APBG_FIXTURES
from tests.apbdes.portal.conftest import KAMPUNG_BARU, run_import
from tests.conftest import SATU_DATA, STANDAR_DATA

pytestmark = pytest.mark.usefixtures("portal")

TODAY = dt.date.today()
#: The Rapor is asked five days on: the dataset submitted today has waited 5 days.
DAY = TODAY + dt.timedelta(days=5)
D = dt.date
#: Complaints to Dinas Kesehatan (SUWARGA): July, one answered after 1 working day (Tue -> Wed);
#: October, two answered after 4 (Mon 6 -> Fri 10) and 6 (Tue 7 -> Wed 15) working days, monthly
#: median 5. Weighted median of [1 (x1), 5 (x2)] = 5. No public holiday in these months.
COMPLAINTS = [[1, D(2025, 7, 1), "Layanan", "Dinas Kesehatan", "Selesai", D(2025, 7, 2), D(2025, 7, 3)],
              [2, D(2025, 10, 6), "Layanan", "Dinas Kesehatan", "Selesai", D(2025, 10, 10), D(2025, 10, 13)],
              [3, D(2025, 10, 7), "Layanan", "Dinas Kesehatan", "Selesai", D(2025, 10, 15), D(2025, 10, 16)]]
COMPLAINT_HEADER = ["No", "Tanggal Laporan", "Kategori", "Instansi Tujuan", "Status", "Tanggal Tanggapan",
                    "Tanggal Selesai"]
SUCCESS = dt.datetime(2026, 1, 10, 10, 0, 0)
FAILURE = dt.datetime(2026, 1, 17, 10, 0, 0)


@pytest.fixture
def empty_history() -> Any:
    def wipe() -> None:
        engine = model.meta.engine
        if sa.inspect(engine).has_table(portal_rapor.HISTORY_TABLE.name):
            with engine.begin() as conn:
                conn.execute(portal_rapor.HISTORY_TABLE.delete())
    wipe()
    yield
    wipe()


@pytest.fixture
def seeded(satudata_world: Any, skpd_org: Any, gampong_org: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
           empty_history: None, xlsx_export: Any) -> Any:
    """Dinkes: Daftar Data 2025 of 3 lines (Penduduk -> penduduk-2024, published today, next due in a
    year; Kasus DBD planned 2025-01-31, never published: overdue; Gizi Buruk without a date: not
    scheduled) -> 2 scheduled, 1 overdue, 50.0 %. Datasets: penduduk-2024 (complete, terbit),
    sekolah-2024 (complete, diajukan today), draf-2024 (5 of the 14 checked fields empty:
    maintainer_email, konsep, definisi, klasifikasi, ukuran) -> 37 of 42 fields, 88.1 %. A harvest
    source whose job of 2026-01-10 succeeded and whose later job of 2026-01-17 had an object error.
    Dishub: one complete dataset in draf (14 of 14: 100.0 %), nothing scheduled.
    Diskominfotik (walidata) and an SKPD titled "=1+1 Dinas Uji": nothing. BPS (pembina): not listed.
    Gampong Kampung Baru: its APBG Murni 2025 imported today (deadline 2024-12-31: late)."""
    folder = tmp_path / "daftar-data" / "2025"
    folder.mkdir(parents=True)
    (folder / "dinkes.yaml").write_text(
        "data:\n"
        "  - judul: Penduduk\n    frekuensi: tahunan\n    rilis: [2025-03-31]\n    dataset: penduduk-2024\n"
        "  - judul: Kasus DBD\n    frekuensi: bulanan\n    rilis: [2025-01-31]\n"
        "  - judul: Gizi Buruk\n    frekuensi: tahunan\n", encoding="utf-8")
    monkeypatch.setitem(tk.config, "bandaaceh.daftar_data_dir", str(tmp_path / "daftar-data"))
    world = satudata_world()
    skpd_org(name="uji-formula", title="=1+1 Dinas Uji")
    published = world.dataset("penduduk-2024")
    helpers.call_action("satudata_ajukan", {"user": world.produsen["name"]}, id=published["id"])
    helpers.call_action("satudata_verifikasi", {"user": world.walidata["name"]}, id=published["id"])
    waiting = world.dataset("sekolah-2024")
    helpers.call_action("satudata_ajukan", {"user": world.produsen["name"]}, id=waiting["id"])
    world.dataset("draf-2024", complete=False, table=False)
    helpers.call_action("package_create", {"user": world.produsen_lain["name"]}, name="halte-2024",
                        title="Halte", owner_org=world.dishub["id"], **SATU_DATA, **STANDAR_DATA)

    source = tk.get_action("harvest_source_create")({"ignore_auth": True, "user": world.walidata["name"]}, {
        "name": "spreadsheet-dinkes", "title": "Spreadsheet Dinkes", "url": "http://127.0.0.1:9/dinkes",
        "source_type": "bandaaceh_spreadsheet", "owner_org": world.dinkes["id"],
        "config": json.dumps({"entries": [{"url": "http://127.0.0.1:9/x.csv", "name": "x-2024", "title": "X"}],
                              "defaults": SATU_DATA})})
    HarvestJob(source_id=source["id"], status="Finished", created=SUCCESS, finished=SUCCESS).save()
    failed = HarvestJob(source_id=source["id"], status="Finished", created=FAILURE, finished=FAILURE)
    failed.save()
    HarvestObject(guid="x-2024", job=failed, harvest_source_id=source["id"], state="ERROR").save()

    tk.get_action("pengaduan_import")({"ignore_auth": True}, {
        "upload": FileStorage(io.BytesIO(xlsx_export(COMPLAINT_HEADER, COMPLAINTS)), filename="suwarga.xlsx"),
        "kanal": "suwarga"})

    gampong_org(kode_wilayah=KAMPUNG_BARU, name="gampong-kampung-baru", title="Gampong Kampung Baru")
    budget = run_import(None, APBG_FIXTURES / "penjabaran.xlsx", gampong="gampong-kampung-baru", tahun=2025)
    assert budget["dataset"]["tahap"] == "murni"
    return world


def rapor(**params: Any) -> dict[str, Any]:
    return helpers.call_action("satudata_rapor", {}, tanggal=DAY.isoformat(), **params)


def test_figures_of_the_seeded_set(seeded: Any) -> None:
    result = rapor()
    assert result["tahun"] == 2025 and result["years"] == [2025]
    rows = {r["skpd"]: r for r in result["skpd"]}
    assert [r["title"] for r in result["skpd"]] == [
        "=1+1 Dinas Uji", "Dinas Kesehatan", "Dinas Komunikasi, Informatika dan Statistik", "Dinas Perhubungan"]
    dinkes = rows["dinkes"]
    assert (dinkes["daftar_data"], dinkes["dataset"], dinkes["terbit"], dinkes["jadwal"]) == (3, 3, 1, 2)
    assert dinkes["persen_tepat_waktu"] == Decimal("50.0") and dinkes["jumlah_terlambat"] == 1
    assert dinkes["terlambat"] == [{"judul": "Kasus DBD", "dataset": None, "tanggal": "2025-01-31",
                                    "hari_terlambat": (DAY - D(2025, 1, 31)).days}]
    assert dinkes["persen_metadata"] == Decimal("88.1")
    assert (dinkes["antrian"], dinkes["antrian_hari_tertua"]) == (1, 5)
    assert dinkes["panen_sumber"] == ["spreadsheet-dinkes"]
    assert dinkes["panen_terakhir_berhasil"] == "2026-01-10T10:00:00"
    assert dinkes["panen_gagal"] == ["spreadsheet-dinkes"]
    assert dinkes["pengaduan_median_hari_respon"] == Decimal("5")
    dishub = rows["dishub"]
    assert (dishub["daftar_data"], dishub["dataset"], dishub["terbit"], dishub["antrian"]) == (0, 1, 0, 0)
    assert (dishub["persen_tepat_waktu"], dishub["persen_metadata"], dishub["antrian_hari_tertua"]) == \
        (None, Decimal("100.0"), None)
    assert (dishub["panen_terakhir_berhasil"], dishub["panen_gagal"], dishub["pengaduan_median_hari_respon"]) == \
        (None, [], None)
    assert rows["diskominfotik"]["persen_metadata"] is None and "bps-kota-banda-aceh" not in rows

    gampong = result["gampong"]
    assert gampong["tenggat"]["murni"]["tanggal"] == "2024-12-31"
    assert gampong["tenggat"]["realisasi-semester-1"]["tanggal"] == "2025-07-31"
    assert gampong["tenggat"]["realisasi-tahunan"]["tanggal"] == "2026-01-31"
    assert gampong["tenggat"]["perubahan"]["tanggal"] is None
    assert "Permendagri 20/2018" in gampong["tenggat"]["murni"]["sumber"]
    assert len(gampong["rows"]) == 90
    kampung_baru = next(g for g in gampong["rows"] if g["kode"] == KAMPUNG_BARU)["tahap"]
    assert kampung_baru["murni"]["status"] == "terlambat" and kampung_baru["murni"]["terbit"] == TODAY.isoformat()
    assert gampong["ringkasan"] == {
        "murni": {"terlambat": 1, "belum terbit, lewat tenggat": 89},
        "perubahan": {"belum jatuh tempo": 90},
        "realisasi-semester-1": {"belum terbit, lewat tenggat": 90},
        "realisasi-tahunan": {"belum terbit, lewat tenggat": 90},
    }


def test_sort_both_ways_with_missing_figures_last(seeded: Any) -> None:
    def order(sort: str) -> list[str]:
        return [r["skpd"] for r in rapor(sort=sort)["skpd"]]

    assert order("-metadata") == ["dishub", "dinkes", "uji-formula", "diskominfotik"]
    assert order("metadata") == ["dinkes", "dishub", "uji-formula", "diskominfotik"]
    assert order("-terlambat") == ["dinkes", "uji-formula", "diskominfotik", "dishub"]
    assert order("-skpd") == ["dishub", "diskominfotik", "dinkes", "uji-formula"]
    with pytest.raises(tk.ValidationError) as exc:
        rapor(sort="gaji")
    assert "Urutan gaji tidak dikenal" in exc.value.error_dict["sort"][0]


def test_page_csv_and_monthly_snapshots(seeded: Any, app: Any, cli: Any) -> None:
    page = app.get(f"/rapor-skpd?sort=-metadata&tanggal={DAY.isoformat()}").get_data(as_text=True)
    order = [line.split('"')[1] for line in page.split('<tr data-skpd=')[1:]]
    assert order == ["dishub", "dinkes", "uji-formula", "diskominfotik"]
    assert 'data-sort="metadata" aria-sort="descending"' in page
    assert 'data-module="rapor-chart"' in page and 'id="rapor-tren-kosong"' in page
    assert 'data-tahap="murni"' in page and "Permendagri 20/2018" in page

    response = app.get(f"/rapor-skpd.csv?sort=skpd&tanggal={DAY.isoformat()}")
    assert response.headers["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[0][:4] == ["skpd", "nama_skpd", "baris_daftar_data", "terbit"]
    assert table[1][:2] == ["uji-formula", "'=1+1 Dinas Uji"]  # neutralised: no formula in a spreadsheet
    dinkes = dict(zip(table[0], table[2]))
    assert (dinkes["persen_tepat_waktu"], dinkes["persen_metadata_lengkap"], dinkes["umur_antrian_tertua_hari"]) == \
        ("50", "88.1", "5")
    assert dinkes["terlambat"] == f"Kasus DBD ({(DAY - D(2025, 1, 31)).days} hari)"
    assert dinkes["sumber_panen_gagal"] == "spreadsheet-dinkes"

    earlier = DAY - dt.timedelta(days=40)
    for day in (earlier, DAY, DAY):  # the second run of a month replaces the first
        result = cli.invoke(ckan_cli, ["bandaaceh", "satudata", "rapor-snapshot", "--tanggal", day.isoformat()])
        assert result.exit_code == 0, result.output
        assert f"Rapor SKPD {day:%Y-%m}: 4 SKPD" in result.output
    history = rapor()["riwayat"]
    assert [m["bulan"] for m in history["bulan"]] == [f"{earlier:%Y-%m}", f"{DAY:%Y-%m}"]
    now = history["bulan"][1]
    # means of the SKPD that have the figure: on time [50.0]; metadata [88.1, 100.0] -> 94.05 -> 94.1
    assert (now["persen_tepat_waktu"], now["persen_metadata"], now["jumlah_terlambat"], now["antrian"],
            now["terbit"]) == (Decimal("50.0"), Decimal("94.1"), 1, 1, 1)
    assert history["bulan"][0]["antrian"] == 1  # the waiting dataset was already there (submitted today)
    assert [m["antrian_hari_tertua"] for m in history["skpd"]["dinkes"]] == [0, 5]  # not yet waiting: 0
    page = app.get("/rapor-skpd").get_data(as_text=True)
    assert f'<tr data-bulan="{DAY:%Y-%m}">' in page and 'id="rapor-chart-tren"' in page
