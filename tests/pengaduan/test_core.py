"""The complaint core on exports built here, with every expected figure counted by hand from the
2025 calendar (national holidays and the cuti bersama of the joint ministerial decree)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ckanext.bandaaceh.pengaduan import (PengaduanError, aggregate, describe_columns, load_standards, percentile,
                                         read_export, weighted_median, working_days_between)

D = dt.date
HEADER = ["No", "Tanggal Laporan", "Nama Pelapor", "No HP", "Kategori", "Instansi Tujuan", "Status",
          "Tanggal Tanggapan", "Tanggal Selesai", "Diteruskan ke LAPOR"]
CASES = [
    # group A: 2025-07, Dinas PUPR, Jalan, selesai
    [1, D(2025, 7, 7), "Teuku A", "0812000001", "Jalan", "Dinas PUPR", "Selesai", D(2025, 7, 10), D(2025, 7, 21), "Ya"],
    [2, "08/07/2025", "Cut B", "0812000002", "Jalan", "Dinas PUPR", "closed", D(2025, 7, 8), D(2025, 7, 11), "Tidak"],
    [3, D(2025, 7, 14), "Nyak C", "0812000003", "Jalan", "Dinas PUPR", "Selesai", D(2025, 7, 21), D(2025, 7, 28), ""],
    # group B: 2025-03, received the day before the Nyepi cuti bersama, answered after Idul Fitri
    [4, D(2025, 3, 27), "Ampon D", "0812000004", "Jalan", "Dinas PUPR", "Selesai", D(2025, 4, 8), D(2025, 4, 15), ""],
    # group C: 2025-05, answered on Waisak, not closed yet
    [5, D(2025, 5, 9), "Pocut E", "0812000005", "Kesehatan", "Dinas Kesehatan", "Proses", D(2025, 5, 12), None, ""],
]


TITLE = "REKAP LAPORAN SUWARGA TAHUN 2025"


@pytest.mark.parametrize("start,end,days", [
    (D(2025, 3, 27), D(2025, 4, 8), 1),    # Fri cuti Nyepi, Idul Fitri Mon-Tue, cuti Wed-Fri and Mon
    (D(2025, 5, 9), D(2025, 5, 12), 0),    # Fri -> Mon Waisak
    (D(2025, 5, 9), D(2025, 5, 16), 3),    # Tue 13th is cuti bersama Waisak: Wed, Thu, Fri
    (D(2025, 6, 2), D(2025, 6, 11), 5),    # Idul Adha Fri 6th, cuti Mon 9th
    (D(2025, 7, 7), D(2025, 7, 21), 10),   # two plain weeks
    (D(2025, 8, 15), D(2025, 8, 19), 1),   # Sun 17th Independence Day, Mon 18th cuti: Tue only
    (D(2025, 12, 24), D(2025, 12, 29), 1),  # Christmas Thu 25th, cuti Fri 26th: Mon only
    (D(2025, 7, 8), D(2025, 7, 8), 0),
])
def test_working_days_across_holidays(start, end, days):
    assert working_days_between(start, end) == days


def test_working_days_refuse_an_end_before_the_start():
    with pytest.raises(ValueError):
        working_days_between(D(2025, 7, 8), D(2025, 7, 7))


def test_nearest_rank_percentile():
    assert percentile([3, 0, 5], 90) == 5 and percentile([3, 0, 5], 50) == 3
    assert percentile(list(range(1, 11)), 90) == 9 and percentile([], 90) is None


def test_weighted_median_of_monthly_medians():
    # 1 day for one complaint, 5 days (a month's median) for two: [1, 5, 5] -> 5
    assert weighted_median([(Decimal(5), 2), (Decimal(1), 1)]) == Decimal(5)
    # [1, 1, 1, 4]: nearest rank 2 -> 1; an even count takes the lower middle, a day that occurred
    assert weighted_median([(Decimal(4), 1), (Decimal(1), 3)]) == Decimal(1)
    assert weighted_median([(Decimal("2.5"), 1), (Decimal(7), 1)]) == Decimal("2.5")
    assert weighted_median([]) is None and weighted_median([(Decimal(3), 0)]) is None


def test_a_case_export_with_personal_columns_is_refused_naming_them(xlsx_export):
    with pytest.raises(PengaduanError) as exc:
        read_export(xlsx_export(HEADER, CASES, TITLE), "suwarga-2025.xlsx", kanal="suwarga")
    text = str(exc.value)
    assert "suwarga-2025.xlsx" in text and "'Nama Pelapor' (nama)" in text and "'No HP' (telepon)" in text


@pytest.mark.parametrize("column,kind", [("NIK", "NIK"), ("Email", "e-mail"), ("Alamat Pelapor", "alamat"),
                                         ("Isi Laporan", "isi pengaduan"), ("Nama", "nama"),
                                         ("Nomor Telepon", "telepon")])
def test_each_kind_of_personal_column_is_refused(column, kind, xlsx_export):
    header = ["Tanggal Laporan", "Kategori", "Status", column]
    rows = [[D(2025, 7, 7), "Jalan", "Selesai", "data pribadi"]]
    with pytest.raises(PengaduanError, match=f"'{column}' \\({kind}\\)"):
        read_export(xlsx_export(header, rows, TITLE), "lpm.xlsx", kanal="sms-lpm")


def test_dropping_personal_columns_keeps_nothing_of_them(xlsx_export):
    export = read_export(xlsx_export(HEADER, CASES, TITLE), "suwarga-2025.xlsx", kanal="suwarga", drop_personal=True)
    assert export.shape == "case" and export.dropped_columns == ["Nama Pelapor", "No HP"]
    assert len(export.cases) == 5
    kept = {v for c in export.cases for v in vars(c).values()}
    assert not any(str(v).startswith(("Teuku", "Cut ", "0812")) for v in kept)
    assert export.cases[1].tanggal_masuk == D(2025, 7, 8)  # day-first text date
    assert [c.status for c in export.cases] == ["selesai", "selesai", "selesai", "selesai", "ditindaklanjuti"]


def test_named_columns_are_dropped_and_another_personal_column_still_refuses(xlsx_export):
    data = xlsx_export(HEADER, CASES, TITLE)
    with pytest.raises(PengaduanError) as exc:
        read_export(data, "suwarga-2025.xlsx", kanal="suwarga", drop_columns=["nama pelapor"])
    assert "'No HP' (telepon)" in str(exc.value) and "Nama Pelapor" not in str(exc.value)
    export = read_export(data, "suwarga-2025.xlsx", kanal="suwarga", drop_columns=["Nama Pelapor", "No HP", "Kategori"])
    assert export.dropped_columns == ["Nama Pelapor", "No HP", "Kategori"]
    assert {c.kategori for c in export.cases} == {"Lainnya"}  # a dropped column is not read


def test_describe_columns_tells_how_each_column_is_read(xlsx_export):
    columns = describe_columns(xlsx_export(HEADER, CASES, TITLE), "suwarga-2025.xlsx", drop_columns=["No HP"])
    # (the running number "No" is left out by the spreadsheet layer already)
    assert [(c.name, c.field, c.personal, c.dropped) for c in columns] == [
        ("Tanggal Laporan", "tanggal_masuk", None, False),
        ("Nama Pelapor", None, "nama", False), ("No HP", None, "telepon", True),
        ("Kategori", "kategori", None, False), ("Instansi Tujuan", "skpd", None, False),
        ("Status", "status", None, False), ("Tanggal Tanggapan", "tanggal_respon", None, False),
        ("Tanggal Selesai", "tanggal_selesai", None, False), ("Diteruskan ke LAPOR", "diteruskan_lapor", None, False)]


def test_the_per_skpd_level_takes_the_median_of_each_skpd_and_month(xlsx_export):
    cases = read_export(xlsx_export(HEADER, CASES + [
        [6, D(2025, 7, 9), "X", "0", "Drainase", "Dinas PUPR", "Proses", D(2025, 7, 9), None, ""]], TITLE),
        "suwarga-2025.xlsx", kanal="suwarga", drop_personal=True).cases
    rows = {(r.periode, r.skpd): r for r in aggregate(cases, load_standards()["suwarga"], level="skpd")}
    assert sorted(rows) == [("2025-03", "Dinas PUPR"), ("2025-05", "Dinas Kesehatan"), ("2025-07", "Dinas PUPR")]
    july = rows[("2025-07", "Dinas PUPR")]
    assert (july.kategori, july.status, july.jumlah) == ("", "", 4)  # two categories, two statuses together
    assert july.median_hari_respon == Decimal("1.5")  # days 3, 0, 5, 0
    assert july.median_hari_selesai == Decimal(10)    # days 10, 3, 10 (one not closed)


def test_aggregates_from_case_rows_match_the_hand_count(xlsx_export):
    export = read_export(xlsx_export(HEADER, CASES, TITLE), "suwarga-2025.xlsx", kanal="suwarga", drop_personal=True)
    rows = aggregate(export.cases, load_standards()["suwarga"])
    by_month = {r.periode: r for r in rows}
    assert sorted(by_month) == ["2025-03", "2025-05", "2025-07"]
    a = by_month["2025-07"]
    assert (a.kanal, a.skpd, a.kategori, a.status, a.jumlah) == ("suwarga", "Dinas PUPR", "Jalan", "selesai", 3)
    assert (a.median_hari_respon, a.p90_hari_respon) == (Decimal(3), 5)        # days 3, 0, 5
    assert (a.median_hari_selesai, a.p90_hari_selesai) == (Decimal(10), 10)    # days 10, 3, 10
    assert a.persen_sesuai_standar == Decimal("66.7") and a.jumlah_diteruskan_lapor == 1
    assert (a.jumlah_direspon, a.jumlah_sesuai_standar) == (3, 2)
    b = by_month["2025-03"]
    assert (b.median_hari_respon, b.median_hari_selesai, b.persen_sesuai_standar) == (Decimal(1), Decimal(6), Decimal("100.0"))
    c = by_month["2025-05"]
    assert (c.skpd, c.status, c.median_hari_respon, c.median_hari_selesai, c.p90_hari_selesai) == \
        ("Dinas Kesehatan", "ditindaklanjuti", Decimal(0), None, None)


def test_the_monthly_summary_takes_the_median_of_all_complaints_of_the_month(xlsx_export):
    cases = read_export(xlsx_export(HEADER, CASES + [
        [6, D(2025, 7, 9), "X", "0", "Banjir", "BPBD", "Selesai", D(2025, 7, 9), D(2025, 7, 9), ""]], TITLE),
        "suwarga-2025.xlsx", kanal="suwarga", drop_personal=True).cases
    july = next(r for r in aggregate(cases, load_standards()["suwarga"], per_month_only=True) if r.periode == "2025-07")
    assert (july.skpd, july.kategori, july.status, july.jumlah) == ("", "", "", 4)
    assert july.median_hari_respon == Decimal("1.5")  # days 3, 0, 5, 0
    assert (july.jumlah_direspon, july.jumlah_sesuai_standar, july.persen_sesuai_standar) == (4, 3, Decimal("75.0"))


def test_an_aggregate_export_is_read_as_counts():
    csv = "SKPD;Kategori;Status;Jumlah\r\nDinas PUPR;Jalan;Selesai;12\r\nDinas Kesehatan;Kesehatan;Baru;3\r\n"
    export = read_export(csv.encode("cp1252"), "lapor-2025-07.csv", kanal="lapor")
    assert export.shape == "aggregate"
    assert [dict(c, lokasi=c["lokasi"].message()) for c in export.counts] == [
        {"skpd": "Dinas PUPR", "kategori": "Jalan", "status": "selesai", "jumlah": 12,
         "lokasi": "lapor-2025-07.csv, baris 2, kolom SKPD"},
        {"skpd": "Dinas Kesehatan", "kategori": "Kesehatan", "status": "masuk", "jumlah": 3,
         "lokasi": "lapor-2025-07.csv, baris 3, kolom SKPD"}]


def test_bad_rows_are_named_by_file_row_and_column(xlsx_export, english):
    rows = [[D(2025, 7, 7), "Jalan", "Entah", D(2025, 7, 8)]]
    with pytest.raises(PengaduanError, match=r"lpm.xlsx, sheet 'Sheet', baris 4, kolom Status: status 'Entah' tidak dikenal") as err:
        read_export(xlsx_export(["Tanggal Laporan", "Kategori", "Status", "Tanggal Tanggapan"], rows, TITLE), "lpm.xlsx",
                    kanal="sms-lpm")
    # the same place and reason in English through the en catalogue (what /en/ pages show)
    assert err.value.message(english).startswith("lpm.xlsx, sheet 'Sheet', row 4, column Status: unknown status 'Entah'")
    rows = [[D(2025, 7, 7), "Jalan", "Selesai", D(2025, 7, 1)]]
    with pytest.raises(PengaduanError, match="tanggal respon 2025-07-01 sebelum tanggal masuk 2025-07-07"):
        read_export(xlsx_export(["Tanggal Laporan", "Kategori", "Status", "Tanggal Tanggapan"], rows, TITLE), "lpm.xlsx",
                    kanal="sms-lpm")
