"""The Fiscal Data Package rows and descriptor (apbdes/fiscal.py) and the population tables
(apbdes/penduduk.py), pure. The package is validated with frictionless, as its users would."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from frictionless import validate

from ckanext.bandaaceh.apbdes import fiscal
from ckanext.bandaaceh.apbdes.penduduk import SAMPLE_LABEL, PendudukError, load_penduduk, penduduk_for_year

REPO = Path(__file__).resolve().parents[2]


def _row(**kw: str) -> dict[str, str]:
    base = {"kode_wilayah": "11.71.01.2001", "gampong": "Kampung Baru", "kecamatan": "Baiturrahman",
            "tahun": "2025", "tahap": "murni", "periode": "", "kode_rekening": "", "kode_kegiatan": "",
            "bidang": "", "uraian": "", "anggaran": "", "anggaran_sebelum": "", "realisasi": "", "sumber_dana": ""}
    return {**base, **kw}


CANONICAL = [
    _row(kode_rekening="4.2.1.01", uraian="Dana Desa", anggaran="800000000", sumber_dana="DDS"),
    _row(kode_rekening="5.1.1.01", kode_kegiatan="01.01.01", bidang="01", uraian="Siltap Keuchik",
         anggaran="36000000", sumber_dana="ADD"),
    _row(kode_rekening="6.1.1.01", uraian="SILPA", anggaran="12500000.50"),
    # a realisation report: the realised amount counts, a line without one gives nothing
    _row(tahap="realisasi", periode="semester-1", kode_rekening="5.1.1.01", kode_kegiatan="01.01.01",
         bidang="01", uraian="Siltap Keuchik", anggaran="36000000", realisasi="18000000"),
    _row(tahap="realisasi", periode="semester-1", kode_rekening="5.2.1.01", kode_kegiatan="02.01.01",
         bidang="02", uraian="Belum dibayar", anggaran="5000000", realisasi=""),
]


def test_rows_carry_the_fiscal_dimensions(ref):
    rows = list(fiscal.fiscal_rows(CANONICAL, ref))
    assert [(r["arah"], r["tahap"], r["periode"], r["nilai"]) for r in rows] == [
        ("pendapatan", "murni", "", "800000000"), ("belanja", "murni", "", "36000000"),
        ("pembiayaan", "murni", "", "12500000.50"), ("belanja", "realisasi", "semester-1", "18000000")]
    belanja = rows[1]
    assert belanja["kode_kecamatan"] == "11.71.01" and belanja["kecamatan"] == "Baiturrahman"
    assert belanja["kode_bidang"] == "01"
    assert belanja["bidang"] == "Bidang Penyelenggaraan Pemerintahan Desa"
    assert belanja["kegiatan"] == "Penyediaan Penghasilan Tetap dan Tunjangan Kepala Desa"
    # the chart of accounts lists down to jenis: the objek gets its jenis' name
    assert belanja["rekening"] == "Penghasilan Tetap dan Tunjangan Kepala Desa"
    assert rows[0]["kode_bidang"] == "" and rows[0]["bidang"] == ""


def test_descriptor_declares_the_fiscal_column_types():
    pkg = fiscal.datapackage(2025, "data.csv", title="APBG 2025", homepage="https://example.org/",
                             publisher="Diskominfotik")
    fields = {f["name"]: f for f in pkg["resources"][0]["schema"]["fields"]}
    assert fields["kode_wilayah"]["columnType"] == "administrative-classification:generic:level2:code"
    assert fields["kode_kecamatan"]["columnType"] == "administrative-classification:generic:level1:code"
    assert fields["kode_bidang"]["columnType"] == "functional-classification:generic:level1:code"
    assert fields["kode_kegiatan"]["columnType"] == "functional-classification:generic:level2:code"
    assert fields["kode_rekening"]["columnType"] == "economic-classification:generic:level1:code"
    assert fields["tahap"]["columnType"] == "phase:id"
    assert fields["arah"]["columnType"] == "direction:code"
    assert fields["nilai"]["columnType"] == "value" and fields["nilai"]["type"] == "number"
    assert fields["tahun"]["columnType"] == "date:fiscal-year" and fields["tahun"]["type"] == "integer"
    assert fields["arah"]["constraints"]["enum"] == ["pendapatan", "belanja", "pembiayaan"]
    assert pkg["fiscalPeriod"] == {"start": "2025-01-01", "end": "2025-12-31"}
    assert pkg["resources"][0]["path"] == "data.csv"


def _write_package(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    descriptor = tmp_path / "datapackage.json"
    descriptor.write_text(json.dumps(fiscal.datapackage(2025, "data.csv", title="APBG 2025",
                                                        homepage="https://example.org/", publisher="p")))
    with (tmp_path / "data.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fiscal.COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return descriptor


def test_package_validates_with_frictionless(tmp_path, ref):
    report = validate(str(_write_package(tmp_path, list(fiscal.fiscal_rows(CANONICAL, ref)))))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_frictionless_refuses_a_wrong_direction(tmp_path, ref):
    rows = list(fiscal.fiscal_rows(CANONICAL, ref))
    rows[0]["arah"] = "expenditure"
    report = validate(str(_write_package(tmp_path, rows)))
    assert not report.valid
    assert [e[:2] for e in report.flatten(["fieldName", "type"])] == [["arah", "constraint-error"]]


# --------------------------------------------------------------------------- penduduk


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "kode_wilayah,gampong,penduduk,sumber,status\n"


def test_population_table_and_year_choice(tmp_path):
    _write(tmp_path, "2023.csv", HEADER + "11.71.01.2001,Kampung Baru,4000,Disdukcapil 2023,resmi\n")
    _write(tmp_path, "2025.csv", HEADER + "11.71.01.2001,Kampung Baru,4.200,Disdukcapil 2025,resmi\n"
                                          "11.71.01.2002,Neusu Jaya,1500,Perkiraan,contoh\n")
    p = penduduk_for_year(tmp_path, 2025)
    assert (p.tahun, p.jumlah, p.contoh, p.label) == (2025, {"11.71.01.2001": 4200, "11.71.01.2002": 1500},
                                                      True, SAMPLE_LABEL)
    assert p.sumber == ("Disdukcapil 2025", "Perkiraan")
    older = penduduk_for_year(tmp_path, 2024)  # no 2024 table: the latest earlier one
    assert (older.tahun, older.contoh, older.label) == (2023, False, "")
    assert penduduk_for_year(tmp_path, 2022) is None
    assert penduduk_for_year(tmp_path / "none", 2025) is None


@pytest.mark.parametrize("body, message", [
    ("11.71.01.2001,Kampung Baru,banyak,Disdukcapil,resmi\n", "baris 2, kolom penduduk: 'banyak' bukan bilangan bulat"),
    ("11.71.01.2001,Kampung Baru,10,Disdukcapil,perkiraan\n", "baris 2, kolom status: 'perkiraan' harus 'resmi' atau 'contoh'"),
    ("11.71.01.2001,Kampung Baru,10,,resmi\n", "baris 2, kolom sumber: kosong"),
    ("11.71.01.2001,A,10,X,resmi\n11.71.01.2001,A,11,X,resmi\n", "baris 3, kolom kode_wilayah: 11.71.01.2001 sudah ada"),
])
def test_population_file_errors_name_file_line_and_column(tmp_path, body, message):
    path = _write(tmp_path, "2025.csv", HEADER + body)
    with pytest.raises(PendudukError) as exc:
        load_penduduk(path, 2025)
    assert str(path) in str(exc.value) and message in str(exc.value)


def test_missing_column_is_named(tmp_path):
    path = _write(tmp_path, "2025.csv", "kode_wilayah,penduduk\n11.71.01.2001,10\n")
    with pytest.raises(PendudukError, match=r"baris 1: kolom gampong, sumber, status tidak ada"):
        load_penduduk(path, 2025)


def test_sample_portal_table_is_labelled_as_sample():
    p = penduduk_for_year(REPO / "config" / "penduduk", 2025)
    assert p is not None and p.contoh and p.label == "data contoh, bukan data resmi"
    assert len(p.jumlah) == 90
