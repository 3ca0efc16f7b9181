"""The realisation period as titles state it (apbdes.period.find_period)."""
import pytest

from ckanext.bandaaceh.apbdes.period import find_period


@pytest.mark.parametrize("text, periode, month", [
    ("LAPORAN REALISASI SEMESTER I TAHUN ANGGARAN 2025", "semester-1", 6),
    ("Semester Pertama", "semester-1", 6),
    ("SEMESTER II", "tahunan", 12),
    ("Semester Akhir Tahun Anggaran 2025", "tahunan", 12),
    ("PERIODE 1 JANUARI S.D. 31 DESEMBER 2025", "tahunan", 12),
    ("1 Januari 2025 s/d 30 Juni 2025", "semester-1", 6),
    ("PERIODE 01/01/2025 - 30/06/2025", "semester-1", 6),
    ("Periode: 01/01 - 31/12", "tahunan", 12),
    ("KEADAAN S/D 30 JUNI 2025", "semester-1", 6),
    ("sampai dengan bulan Juni 2025", "semester-1", 6),
    ("Per 31 Desember 2025", "tahunan", 12),
    ("AKHIR TAHUN ANGGARAN 2025", "tahunan", 12),
    ("TRIWULAN II", "semester-1", 6),
    ("TW IV 2025", "tahunan", 12),
    ("Triwulan III", None, 9),
    ("s.d. 30 September 2025", None, 9),
])
def test_period_forms(text, periode, month):
    found = find_period(text)
    assert found is not None and (found.period, found.end_month) == (periode, month)
    assert found.text.upper() in text.upper()


@pytest.mark.parametrize("text", [
    "LAPORAN REALISASI APBG TAHUN ANGGARAN 2025",
    "PERUBAHAN ANGGARAN PENDAPATAN DAN BELANJA GAMPONG",
    "Banda Aceh, 20 Januari 2025",
    "PERIODE 2025",
])
def test_no_period_stated(text):
    assert find_period(text) is None
