"""The pure side of the chart view (chart/series.py): default columns and the summed series."""
from __future__ import annotations

from decimal import Decimal

from ckanext.bandaaceh.chart.series import EMPTY_LABEL, default_config, series


def _fields(*spec: str) -> list[dict[str, str]]:
    return [{"id": s.split(":")[0], "type": s.split(":")[1]} for s in spec]


def test_tidy_table_charts_nilai_by_its_first_column_in_the_latest_year():
    fields = _fields("Kecamatan:text", "tahun:int8", "jenis_kelamin:text", "nilai:int8")
    rows = [["Meuraxa", 2023, "Laki-laki", 1], ["Meuraxa", 2024, "Perempuan", 2], ["Kuta Alam", 2024, "Laki-laki", 3]]
    assert default_config(fields, rows, tidy=True) == {
        "jenis_grafik": "bar", "dimensi": "Kecamatan", "ukuran": "nilai", "saring_kolom": "tahun", "saring_nilai": "2024"}


def test_tidy_table_without_identifying_column_charts_the_years_as_a_line():
    fields = _fields("tahun:int8", "nilai:numeric")
    assert default_config(fields, [[2023, 1], [2024, 2]], tidy=True) == {
        "jenis_grafik": "line", "dimensi": "tahun", "ukuran": "nilai", "saring_kolom": "", "saring_nilai": ""}


def test_wide_table_charts_its_first_numeric_column_and_a_table_without_one_gets_nothing():
    fields = _fields("Kode:text", "Kecamatan:text", "Sasaran:int8", "Persen:numeric")
    assert default_config(fields, [], tidy=False) == {
        "jenis_grafik": "bar", "dimensi": "Kode", "ukuran": "Sasaran", "saring_kolom": "", "saring_nilai": ""}
    assert default_config(_fields("Nama:text", "Tanggal:date"), [], tidy=False) is None
    assert default_config(_fields("Sasaran:int8"), [], tidy=False) is None


def test_series_sums_per_dimension_value_in_order_of_appearance():
    records = [{"k": "B", "v": 2}, {"k": "A", "v": Decimal("1.5")}, {"k": "B", "v": 3}, {"k": None, "v": 4},
               {"k": "A", "v": None}, {"k": 2024.0, "v": 1}]
    assert series(records, "k", "v") == (["B", "A", EMPTY_LABEL, "2024"], [5.0, 1.5, 4.0, 1.0])
