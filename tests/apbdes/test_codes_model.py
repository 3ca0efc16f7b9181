"""Codes, reference lists, model and summary."""
from decimal import Decimal as D

import pytest

from ckanext.bandaaceh.apbdes import Budget, BudgetLine, format_rupiah, load_reference, summarise
from ckanext.bandaaceh.apbdes.codes import (
    clean_code,
    derived_sumber_dana,
    is_within,
    normalise_sumber_dana,
    parse_code,
    split_code_text,
)
from ckanext.bandaaceh.apbdes.model import mark_leaves
from ckanext.bandaaceh.reference import ENV_VAR, default_reference_dir


@pytest.mark.parametrize(
    "text, kind, account, kegiatan",
    [
        ("4.2.1", "account", "4.2.1", None),
        ("4.2.1.", "account", "4.2.1", None),
        ("5.2.1.01.", "account", "5.2.1.01", None),
        ("5.2.1.1", "account", "5.2.1.01", None),
        ("5.1.1.01. [01.01.01]", "account", "5.1.1.01", "01.01.01"),
        ("5.1.1.01 (01.01.01.)", "account", "5.1.1.01", "01.01.01"),
        ("4", "account", "4", None),
        (4, "account", "4", None),
        (4.1, "account", "4.1", None),
        ("01", "kegiatan", None, "01"),
        ("01.01.", "kegiatan", None, "01.01"),
        ("02.03.10", "kegiatan", None, "02.03.10"),
    ],
)
def test_parse_code(text, kind, account, kegiatan):
    info = parse_code(text)
    assert info is not None
    assert (info.kind, info.account, info.kegiatan) == (kind, account, kegiatan)


@pytest.mark.parametrize("text", ["JUMLAH", "", None, "1.500.000,00x", "2025-01-01", "5..a", "123.45.6"])
def test_parse_code_rejects(text):
    assert parse_code(text) is None


def test_split_code_text():
    info, rest = split_code_text("4.2.1 Dana Desa")
    assert info.account == "4.2.1" and rest == "Dana Desa"
    info, rest = split_code_text("4.2.1. Dana Desa")
    assert info.account == "4.2.1" and rest == "Dana Desa"
    info, rest = split_code_text("01.01.01 Penyediaan Siltap")
    assert info.kegiatan == "01.01.01"
    assert split_code_text("Dana Desa") == (None, "Dana Desa")
    assert split_code_text("2025 tahun") == (None, "2025 tahun")


def test_small_helpers():
    assert clean_code(" 5.2.1.01. ") == "5.2.1.01"
    assert clean_code(6.0) == "6"
    assert is_within("5.2.1.01", "5.2") and not is_within("5.21", "5.2") and is_within("5.2", "5.2")
    assert derived_sumber_dana("4.2.1.01") == "DDS"
    assert derived_sumber_dana("4.2.2") == "PBH"
    assert derived_sumber_dana("4.2.3.01") == "ADD"
    assert derived_sumber_dana("4.1.4.01") == "PAD"
    assert derived_sumber_dana("4.2.4.01") is None
    assert normalise_sumber_dana(" adg ") == "ADD"
    assert normalise_sumber_dana("dd") == "DDS"
    assert normalise_sumber_dana("-") is None


def test_format_rupiah():
    assert format_rupiah(D("1234567")) == "Rp 1.234.567"
    assert format_rupiah(D("-500000")) == "-Rp 500.000"
    assert format_rupiah(D("1234.50")) == "Rp 1.234,5"
    assert format_rupiah(0) == "Rp 0"


def test_reference(ref):
    assert len(ref.rekening) == 56
    assert ref.rekening["5.4.1"].kode_induk == "5.4"
    assert ref.kegiatan["01.01.01"].tingkat == "kegiatan"
    assert set(ref.sumber_dana) == {"DDS", "ADD", "PBH", "PAD", "BKPG"}
    assert ref.find_gampong("11.71.01.2001").nama == "Kampung Baru"
    assert ref.find_gampong("kampung  baru").kode == "11.71.01.2001"
    assert ref.find_gampong("11.71.01") is None  # a kecamatan, not a gampong
    assert ref.find_kecamatan("Baiturrahman").kode == "11.71.01"
    assert ref.kota_code == "11.71"
    assert ref.rekening_by_name("Dana Desa") == "4.2.1"
    assert ref.is_known_sumber_dana("ADG")


def test_default_reference_dir(monkeypatch, tmp_path):
    assert (default_reference_dir() / "kode-rekening-apbdes.csv").is_file()
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert default_reference_dir() == tmp_path
    with pytest.raises(FileNotFoundError):
        load_reference(tmp_path)


def _line(account, amount, kegiatan=None, real=None, sumber=None):
    return BudgetLine(account=account, description=account, anggaran=D(amount), realisasi=None if real is None else D(real),
                      kegiatan=kegiatan, sumber_dana=sumber)


def test_mark_leaves_and_summary_no_double_counting():
    lines = [
        _line("4", 300),
        _line("4.2", 300),
        _line("4.2.1", 200, sumber=None),
        _line("4.2.3", 100, sumber="ADD"),
        _line("5", 270),
        _line("5", 270, kegiatan="01"),
        _line("5", 270, kegiatan="01.01.01"),
        _line("5.1", 70, kegiatan="01.01.01"),
        _line("5.1.1.01", 70, kegiatan="01.01.01", real=80),
        _line("5.2.1.01", 200, kegiatan="02.03.10", real=10),
        _line("6.1.1", 50),
        _line("6.2.2", 30),
    ]
    mark_leaves(lines)
    assert [ln.account for ln in lines if ln.is_leaf] == ["4.2.1", "4.2.3", "5.1.1.01", "5.2.1.01", "6.1.1", "6.2.2"]
    s = summarise(Budget(lines=lines))
    assert (s.pendapatan, s.belanja, s.pembiayaan_penerimaan, s.pembiayaan_pengeluaran) == (D(300), D(270), D(50), D(30))
    assert (s.surplus, s.pembiayaan_netto, s.silpa) == (D(30), D(20), D(50))
    assert s.belanja_per_bidang == {"01": D(70), "02": D(200), "03": D(0), "04": D(0), "05": D(0)}
    assert s.belanja_per_kelompok == {"5.1": D(70), "5.2": D(200)}
    assert s.pendapatan_per_sumber_dana == {"ADD": D(100), "DDS": D(200)}
    assert s.realisasi_belanja == D(90) and s.realisasi_pendapatan == D(0)
    assert s.persen_realisasi_belanja == D("33.33")
    assert s.line_count == 6


def test_equal_keys_are_siblings():
    lines = [_line("5.2.1.01", 10, kegiatan="01.01.04"), _line("5.2.1.01", 5, kegiatan="01.01.04")]
    mark_leaves(lines)
    assert all(ln.is_leaf for ln in lines)
    assert summarise(Budget(lines=lines)).belanja == D(15)
