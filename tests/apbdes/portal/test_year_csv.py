"""The city-wide CSV of a year carries one version per gampong and tahap (issue 9 item 10).

Kampung Baru publishes all four versions of 2025 (murni, perubahan, realisasi semester-1 and
tahunan), Neusu Jaya only murni and a semester-1 report. The expected totals come from the
generated specs the files were written from, not from the code under test.
"""
from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

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
