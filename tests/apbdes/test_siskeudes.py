"""Siskeudes export (zip of CSV tables)."""
import importlib.util
import io
import sys
import zipfile
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

import pytest

from ckanext.bandaaceh.apbdes import BudgetReadError, read_budget, validate
from ckanext.bandaaceh.apbdes.reader import read_zip_tables
from ckanext.bandaaceh.apbdes.siskeudes import _kegiatan, table_name

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "apbdes"


def _make_fixtures():
    spec = importlib.util.spec_from_file_location("apbdes_make_fixtures", FIXTURES / "make_fixtures.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def mf():
    return _make_fixtures()


def _zip(tables: dict) -> bytes:
    import csv

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, rows in tables.items():
            s = io.StringIO()
            csv.writer(s, lineterminator="\r\n").writerows(rows)
            zf.writestr(f"{name}.csv", s.getvalue())
    return buf.getvalue()


def test_siskeudes_murni(fixtures, ref):
    b = read_budget(fixtures / "siskeudes.zip", reference=ref)
    assert (b.layout, b.tahap, b.tahun, b.kode_wilayah, b.gampong, b.kecamatan) == (
        "siskeudes", "murni", 2025, "11.71.01.2001", "Kampung Baru", "Baiturrahman")
    s = b.summary()
    assert (s.pendapatan, s.belanja, s.pembiayaan_netto, s.silpa) == (D("1718529770"), D("1763529770"),
                                                                      D("45000000"), D(0))
    assert s.belanja_per_bidang == {"01": D("531844000"), "02": D("1091685770"), "03": D("73200000"),
                                    "04": D("41800000"), "05": D("25000000")}
    assert s.pendapatan_per_sumber_dana["DDS"] == D("964073000")
    assert s.pendapatan_per_sumber_dana["ADD"] == D("587456770")  # SumberDana 'ADG' -> ADD
    assert len(b.leaves) == 47 and len(b.lines) == 80
    assert validate(b, ref) == []
    road = [ln for ln in b.leaves if ln.account == "5.3.5.01"]
    assert [(ln.kegiatan, ln.anggaran, ln.sheet, ln.row) for ln in road] == [
        ("02.03.10", D("292500000"), "Ta_RABRinci", r) for r in (road[0].row, road[1].row)]
    assert b.kegiatan_names["02.03.10"] == "Pembangunan/Rehabilitas/Peningkatan/Pengerasan Jalan Desa"
    heads = [ln for ln in b.lines if ln.sheet == "Ta_RAB"]
    assert heads[0].description == "Bagi Hasil Usaha BUMG" and not heads[0].is_leaf


def test_siskeudes_pak(fixtures, ref):
    b = read_budget(fixtures / "siskeudes-pak.zip", reference=ref)
    assert b.tahap == "perubahan"
    s = b.summary()
    assert s.belanja == D("1763529770")
    assert s.belanja_per_bidang["01"] == D("526844000")
    assert s.belanja_per_bidang["02"] == D("1096685770")
    assert validate(b, ref) == []
    # Before the revision (make_fixtures.py: 5 million moved from ATK, bidang 01, to the Posyandu, 02;
    # 20 million from the drainage to the road, both 02): the amounts of Anggaran are kept.
    assert s.sebelum_belanja == D("1763529770")
    assert s.sebelum_belanja_per_bidang["01"] == D("531844000")
    assert s.perubahan_per_bidang["01"] == D("-5000000") and s.perubahan_per_bidang["02"] == D("5000000")
    murni = read_budget(fixtures / "siskeudes-pak.zip", reference=ref, tahap="murni")
    assert murni.tahap == "murni"
    assert murni.summary().belanja_per_bidang["01"] == D("531844000")
    assert [p.code for p in validate(murni, ref)] == ["hint_mismatch"]


def test_siskeudes_detail_not_matching_objek(mf, ref):
    tables = mf.siskeudes_tables(mf.kampung_baru_spec())
    row = next(i for i, r in enumerate(tables["Ta_RAB"]) if r[3] == "5.2.1.01.")
    tables["Ta_RAB"][row][4] = "9000000.00"
    b = read_budget(_zip(tables), "ekspor.zip", reference=ref)
    problems = validate(b, ref)
    assert [(p.code, p.sheet, p.row, p.expected, p.found) for p in problems] == [
        ("sum_mismatch", "Ta_RAB", row + 1, D("8500000"), D("9000000"))]


def test_siskeudes_several_desa(mf, ref):
    spec = mf.kampung_baru_spec()
    t1 = mf.siskeudes_tables(spec)
    other = replace(spec, gampong_code="11.71.01.2002", gampong_name="Neusu Jaya")
    t2 = mf.siskeudes_tables(other)
    merged = {k: t1[k] + t2[k][1:] for k in ("Ta_RAB", "Ta_RABRinci", "Ta_Kegiatan")}
    data = _zip(merged)
    with pytest.raises(BudgetReadError) as exc:
        read_budget(data, "kecamatan.zip", reference=ref)
    assert exc.value.problem.code == "multiple_gampong"
    b = read_budget(data, "kecamatan.zip", reference=ref, gampong="Neusu Jaya")
    assert b.kode_wilayah == "11.71.01.2002"
    assert b.summary().belanja == D("1763529770")


def test_siskeudes_missing_tables_and_columns(fixtures, mf, ref):
    with pytest.raises(BudgetReadError) as exc:
        read_budget(fixtures / "broken-siskeudes-tanpa-rinci.zip", reference=ref)
    assert exc.value.problem.code == "missing_tables"
    assert "Ta_RABRinci.csv" in exc.value.problem.message
    tables = mf.siskeudes_tables(mf.kampung_baru_spec())
    tables["Ta_RABRinci"] = [[c for c in r if c != "Anggaran"] for r in tables["Ta_RABRinci"]]
    tables["Ta_RABRinci"] = [r[:11] + r[12:] if i else r for i, r in enumerate(tables["Ta_RABRinci"])]
    with pytest.raises(BudgetReadError) as exc:
        read_budget(_zip(tables), "x.zip", reference=ref)
    assert exc.value.problem.code == "missing_columns"


def test_zip_limits():
    big = _zip({"Ta_RAB": [["Tahun"]] + [["2025"]] * 10})
    with pytest.raises(BudgetReadError) as exc:
        read_zip_tables(big, "x.zip", max_uncompressed=10)
    assert exc.value.problem.code == "file_too_large"
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(20):
            zf.writestr(f"f{i}.csv", "a")
    with pytest.raises(BudgetReadError) as exc:
        read_zip_tables(many.getvalue(), "x.zip", max_members=10)
    assert exc.value.problem.code == "file_too_large"
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Ta_RAB.csv", b"0" * (20 << 20))
    with pytest.raises(BudgetReadError) as exc:
        read_zip_tables(bomb.getvalue(), "bomb.zip")
    assert exc.value.problem.code == "file_too_large"


def test_table_names_and_kegiatan_codes():
    assert table_name("export/TA_RABRINCI.CSV") == "Ta_RABRinci"
    assert table_name("Ta_SPP.csv") is None
    assert _kegiatan("01.2001.01.01.01.", "01.2001.") == "01.01.01"
    assert _kegiatan("01.2001.00.00.00.", "01.2001.") is None
    assert _kegiatan("01.2001.02.03.10.", "") == "02.03.10"
