"""Reading the four layouts from the fixtures; summaries are asserted exactly."""
from decimal import Decimal as D

import pytest

from ckanext.bandaaceh.apbdes import (
    BudgetReadError,
    UnknownLayoutError,
    detect_layout,
    has_errors,
    read_budget,
    to_csv_bytes,
    validate,
)
from ckanext.bandaaceh.spreadsheet import read_workbook


PENDAPATAN = D("1718529770")
BELANJA = D("1763529770")
PER_BIDANG = {"01": D("531844000"), "02": D("1091685770"), "03": D("73200000"), "04": D("41800000"),
              "05": D("25000000")}
PER_KELOMPOK = {"5.1": D("381744000"), "5.2": D("336785770"), "5.3": D("1020000000"), "5.4": D("25000000")}
PER_SUMBER = {"ADD": D("587456770"), "BKPG": D("100000000"), "DDS": D("964073000"), "LAIN": D("2150000"),
              "PAD": D("22500000"), "PBH": D("42350000")}


def assert_kampung_baru(summary, *, per_sumber=PER_SUMBER, per_bidang=PER_BIDANG):
    assert summary.pendapatan == PENDAPATAN
    assert summary.belanja == BELANJA
    assert summary.pembiayaan_penerimaan == D("95000000")
    assert summary.pembiayaan_pengeluaran == D("50000000")
    assert summary.pembiayaan_netto == D("45000000")
    assert summary.surplus == D("-45000000")
    assert summary.silpa == D(0)
    assert summary.belanja_per_bidang == per_bidang
    assert summary.belanja_tanpa_bidang == D(0)
    assert summary.belanja_per_kelompok == PER_KELOMPOK
    assert summary.pendapatan_per_sumber_dana == per_sumber


@pytest.mark.parametrize("name", ["penjabaran.xlsx", "penjabaran.xls", "penjabaran.ods", "penjabaran.csv"])
def test_penjabaran_all_formats(fixtures, ref, name):
    b = read_budget(fixtures / name, reference=ref)
    assert b.layout == "penjabaran"
    assert (b.kode_wilayah, b.gampong, b.kecamatan, b.tahun, b.tahap) == (
        "11.71.01.2001", "Kampung Baru", "Baiturrahman", 2025, "murni")
    assert b.source_file == name
    assert len(b.leaves) == 33
    assert_kampung_baru(b.summary())
    assert not has_errors(validate(b, ref))
    assert validate(b, ref) == []
    assert len(b.stated) == 5  # JUMLAH PENDAPATAN, JUMLAH BELANJA, SURPLUS, NETTO, SILPA


def test_penjabaran_formats_give_identical_csv(fixtures, ref):
    outputs = {to_csv_bytes(read_budget(fixtures / f"penjabaran.{ext}", reference=ref)) for ext in
               ("xlsx", "xls", "ods", "csv")}
    outputs.add(to_csv_bytes(read_budget(fixtures / "peraturan.xlsx", reference=ref)))
    assert len(outputs) == 1


def test_penjabaran_kegiatan_context(fixtures, ref):
    b = read_budget(fixtures / "penjabaran.xlsx", reference=ref)
    by_row = {ln.row: ln for ln in b.lines}
    # bracket style "5.1.1.01. [01.01.01]"
    assert (by_row[33].account, by_row[33].kegiatan, by_row[33].is_leaf) == ("5.1.1.01", "01.01.01", True)
    # account heading under a kegiatan, and its leaf
    assert (by_row[42].account, by_row[42].kegiatan, by_row[42].is_leaf) == ("5.2", "01.01.04", False)
    assert (by_row[44].account, by_row[44].kegiatan, by_row[44].sumber_dana) == ("5.2.1.01", "01.01.04", "ADD")
    # bidang / kegiatan headings are belanja lines (account 5) and not leaves
    assert (by_row[30].account, by_row[30].kegiatan, by_row[30].is_leaf) == ("5", "01", False)
    assert by_row[32].anggaran == D("50400000")
    # pendapatan lines have no kegiatan even after belanja context
    assert by_row[101].account.startswith("6") and by_row[101].kegiatan is None
    assert b.kegiatan_names["02.03.10"].startswith("Pembangunan/Rehabilitas")
    # amounts written as text: 'Rp 15.000.000' (row 11) and '7.500.000,00' (row 13)
    assert (by_row[11].account, by_row[11].anggaran) == ("4.1.1", D("15000000"))
    assert (by_row[13].account, by_row[13].anggaran) == ("4.1.2", D("7500000"))


def test_realisasi_layout(fixtures, ref):
    b = read_budget(fixtures / "realisasi.xlsx", reference=ref)
    assert (b.layout, b.tahap, b.periode, b.tahun, b.kode_wilayah) == ("realisasi", "realisasi", "semester-1", 2025,
                                                                     "11.71.01.2001")
    s = b.summary()
    # jenis-level lines without a SUMBER DANA column: 4.2.4 (BKPG) cannot be derived -> LAIN
    assert_kampung_baru(s, per_sumber={"ADD": D("587456770"), "DDS": D("964073000"), "LAIN": D("102150000"),
                                       "PAD": D("22500000"), "PBH": D("42350000")})
    assert s.realisasi_pendapatan == D("953966000")
    assert s.realisasi_belanja == D("526820000")
    assert s.realisasi_pembiayaan_penerimaan == D("95000000")
    assert s.realisasi_pembiayaan_pengeluaran == D(0)
    assert s.realisasi_silpa == D("522146000")
    assert s.persen_realisasi_pendapatan == D("55.51")
    assert s.persen_realisasi_belanja == D("29.87")
    assert len(b.leaves) == 30
    problems = validate(b, ref)
    assert [(p.code, p.row) for p in problems] == [("realisasi_exceeds_anggaran", 16)]
    assert problems[0].expected == D("2150000") and problems[0].found == D("2480000")
    assert {st.kind for st in b.stated} == {"pendapatan", "belanja", "surplus", "pembiayaan_netto", "silpa"}


def test_realisasi_with_code_column_csv(fixtures, ref):
    a = read_budget(fixtures / "realisasi.xlsx", reference=ref)
    b = read_budget(fixtures / "realisasi-kode.csv", reference=ref)
    assert b.layout == "realisasi"
    assert to_csv_bytes(a) == to_csv_bytes(b)
    assert [p.code for p in validate(b, ref)] == ["realisasi_exceeds_anggaran"]


def test_peraturan_layout(fixtures, ref):
    b = read_budget(fixtures / "peraturan.xlsx", reference=ref)
    assert b.layout == "peraturan"
    assert (b.kode_wilayah, b.tahun, b.tahap) == ("11.71.01.2001", 2025, "murni")
    assert_kampung_baru(b.summary())
    assert validate(b, ref) == []
    rows = {ln.row: ln for ln in b.lines}
    assert (rows[31].account, rows[31].kegiatan) == ("5", "01.01.01")  # "01 | 01 | 01" split cells
    assert (rows[32].account, rows[32].kegiatan) == ("5.1.1.01", "01.01.01")  # "5 | 1 | 1 | 01"
    assert [st.row for st in b.stated] == [27, 94, 95, 103, 104]  # JUMLAH PENDAPATAN merged over A:E


def test_detect_layout(fixtures):
    for name, layout in [("penjabaran.xlsx", "penjabaran"), ("realisasi.xlsx", "realisasi"),
                         ("peraturan.xlsx", "peraturan"), ("penjabaran.ods", "penjabaran")]:
        assert detect_layout(read_workbook(fixtures / name)) == layout
    with pytest.raises(UnknownLayoutError) as exc:
        detect_layout(read_workbook(fixtures / "broken-bukan-apbg.xlsx"))
    assert exc.value.problem.code == "unknown_layout"


def test_layout_override(fixtures, ref):
    b = read_budget(fixtures / "peraturan.xlsx", reference=ref, layout="penjabaran")
    assert b.layout == "penjabaran"
    assert b.summary().belanja == BELANJA


def test_amount_styles_and_signature_in_amount_column(ref, csv_bytes, title_rows):
    rows = title_rows + [
        ["4.", "PENDAPATAN", "Rp 1.100.000", None],
        ["4.2.1.01", "Dana Desa", "1.000.000,00", "DDS"],
        ["4.1.1.01.", "Hasil Usaha", 100000, "PAD"],
        ["5", "BELANJA", "1.600.000", None],
        ["01.01.04.", "Operasional", "1.600.000", None],
        ["5.2.1.01", "ATK", "1600000", "ADD"],
        ["6.1.1.01", "SILPA Tahun Sebelumnya", "(500.000,00)", None],
        [None, "SURPLUS/(DEFISIT)", "-500.000", None],
        [None, None, "Banda Aceh, 2 Januari 2025", None],
        [None, None, "Keuchik Gampong Neusu Jaya", None],
    ]
    b = read_budget(csv_bytes(rows), "apbg.csv", reference=ref)
    assert (b.kode_wilayah, b.tahun) == ("11.71.01.2002", 2025)
    s = b.summary()
    assert (s.pendapatan, s.belanja, s.pembiayaan_penerimaan) == (D(1100000), D(1600000), D(-500000))
    assert validate(b, ref) == []


def test_gampong_from_signature_when_title_has_none(ref, csv_bytes):
    rows = [["APBG TAHUN ANGGARAN 2024"], ["KODE", "URAIAN", "ANGGARAN"], ["4.2.1", "Dana Desa", "10"],
            [], [None, "Keuchik Gampong Lamdingin", None]]
    b = read_budget(csv_bytes(rows), "x.csv", reference=ref)
    assert b.gampong == "Lamdingin" and b.kecamatan == "Kuta Alam" and b.tahun == 2024


def test_realisasi_name_without_code_is_looked_up(ref, csv_bytes):
    rows = [["LAPORAN REALISASI APBG GAMPONG MULIA SEMESTER II TAHUN ANGGARAN 2024"],
            ["URAIAN", "ANGGARAN", "REALISASI", "%"],
            ["PENDAPATAN", None, None, None],
            ["Dana Desa", "100.000.000", "100.000.000", "100"],
            ["BELANJA", None, None, None],
            ["Belanja Tak Berkode", "5.000", "5.000", "100"]]
    b = read_budget(csv_bytes(rows), "lra.csv", reference=ref)
    assert (b.tahap, b.periode, b.gampong) == ("realisasi", "tahunan", "Mulia")
    assert [(ln.account, ln.anggaran) for ln in b.lines] == [("4.2.1", D(100000000))]
    problems = validate(b, ref)
    assert [(p.code, p.row) for p in problems] == [("missing_code", 6)]


def test_invalid_amount_on_coded_row(ref, csv_bytes, title_rows):
    rows = title_rows + [["4.2.1", "Dana Desa", "seratus juta", "DDS"]]
    b = read_budget(csv_bytes(rows, delimiter=","), "x.csv", reference=ref)
    assert [(p.code, p.row, p.field) for p in b.problems] == [("invalid_amount", 6, "anggaran")]


def test_explicit_identity_and_hint_mismatch(fixtures, ref):
    b = read_budget(fixtures / "penjabaran.xlsx", reference=ref, gampong="Neusu Jaya", tahun=2024, tahap="perubahan")
    assert (b.kode_wilayah, b.tahun, b.tahap) == ("11.71.01.2002", 2024, "perubahan")
    mism = [p for p in validate(b, ref) if p.code == "hint_mismatch"]
    assert {p.field for p in mism} == {"gampong", "tahun"}
    assert all(p.severity == "error" for p in mism)  # never publish another gampong's/year's budget


def test_unknown_gampong_given(fixtures, ref):
    b = read_budget(fixtures / "penjabaran.xlsx", reference=ref, gampong="Gampong Antah Berantah")
    assert [p.code for p in validate(b, ref)] == ["unknown_gampong"]


def test_read_from_bytes(fixtures, ref):
    data = (fixtures / "penjabaran.xlsx").read_bytes()
    b = read_budget(data, "unggahan.xlsx", reference=ref)
    assert b.source_file == "unggahan.xlsx" and b.summary().belanja == BELANJA


def test_unreadable_and_unknown(fixtures, ref):
    with pytest.raises(BudgetReadError) as exc:
        read_budget(fixtures / "broken-terpotong.xlsx", reference=ref)
    assert exc.value.problem.code == "unreadable_file"
    with pytest.raises(BudgetReadError) as exc:
        read_budget(fixtures / "broken-bukan-apbg.xlsx", reference=ref)
    assert exc.value.problem.code == "unknown_layout"
    with pytest.raises(BudgetReadError) as exc:
        read_budget(fixtures / "penjabaran.xlsx", reference=ref, max_bytes=1000)
    assert exc.value.problem.code == "file_too_large"
    with pytest.raises(ValueError):
        read_budget(fixtures / "penjabaran.xlsx", reference=ref, tahap="final")


def test_peraturan_in_xls_and_ods(tmp_path, ref):
    """xls keeps merged cells (value repeated); ods does not: both read the same."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "fixtures" / "apbdes" / "make_fixtures.py"
    spec = importlib.util.spec_from_file_location("apbdes_make_fixtures", path)
    mf = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mf
    spec.loader.exec_module(mf)
    grid = mf.peraturan_grid(mf.kampung_baru_spec())
    mf.write_xls(tmp_path / "p.xls", grid)
    mf.write_ods(tmp_path / "p.ods", grid)
    ref_csv = to_csv_bytes(read_budget(tmp_path / "p.xls", reference=ref))
    for name in ("p.xls", "p.ods"):
        b = read_budget(tmp_path / name, reference=ref)
        assert b.layout == "peraturan"
        assert validate(b, ref) == []
        assert to_csv_bytes(b) == ref_csv
        assert b.summary().belanja == BELANJA


def test_year_prefers_tahun_anggaran_and_other_sheets(ref, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in [["QANUN GAMPONG MULIA NOMOR 3 TAHUN 2024 TENTANG APBG TAHUN ANGGARAN 2025"],
              ["KODE", "URAIAN", "ANGGARAN"], ["4.2.1", "Dana Desa", 10]]:
        ws.append(r)
    ws2 = wb.create_sheet("Salinan")
    for r in [["KODE", "URAIAN", "ANGGARAN"], ["4.2.1", "Dana Desa", 10]]:
        ws2.append(r)
    wb.save(tmp_path / "q.xlsx")
    b = read_budget(tmp_path / "q.xlsx", reference=ref)
    assert (b.tahun, b.gampong) == (2025, "Mulia")
    assert [p.code for p in b.problems] == ["other_sheets_ignored"]
    assert b.summary().pendapatan == D(10)


def test_perubahan_before_after_columns(ref, csv_bytes):
    rows = [
        ["PERUBAHAN ANGGARAN PENDAPATAN DAN BELANJA GAMPONG PEUNITI TAHUN ANGGARAN 2025"],
        ["KODE", "URAIAN", "ANGGARAN", None, "SUMBER DANA"],
        [None, None, "SEBELUM PERUBAHAN", "SETELAH PERUBAHAN", None],
        ["4.2.1.01", "Dana Desa", "900.000.000", "964.073.000", "DDS"],
        ["5.2.1.01. [01.01.04]", "ATK", "8.500.000", "3.500.000", "ADD"],
        ["5.2.7.01. [02.02.02]", "PMT Posyandu", "891.500.000", "960.573.000", "DDS"],
    ]
    b = read_budget(csv_bytes(rows), "apbg-p.csv", reference=ref)
    assert (b.tahap, b.gampong, b.tahun) == ("perubahan", "Peuniti", 2025)
    s = b.summary()
    assert (s.pendapatan, s.belanja, s.silpa) == (D("964073000"), D("964073000"), D(0))
    assert validate(b, ref) == []
