"""The agency-table corpus (tests/fixtures/statistik): every file against what its generator wrote."""
from __future__ import annotations

import importlib.util
import os
import sys

import pytest

from ckanext.bandaaceh.spreadsheet import extract_tables, read_workbook, tidy_table, to_csv

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = os.path.join(os.path.dirname(HERE), "fixtures", "statistik")
_spec = importlib.util.spec_from_file_location("statistik_fixtures", os.path.join(FOLDER, "make_fixtures.py"))
corpus = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = corpus  # dataclasses look their module up
_spec.loader.exec_module(corpus)
CASES = corpus.CASES


def tables_of(name):
    wb = read_workbook(os.path.join(FOLDER, name))
    assert len(wb.sheets) == 1
    return extract_tables(wb.sheets[0], filename=wb.filename)


def test_corpus_is_large_and_varied():
    assert len(CASES) >= 12
    assert {os.path.splitext(n)[1] for n in CASES} == {".xlsx", ".xls", ".ods", ".csv"}
    assert any(n.endswith("_cp1252.csv") for n in CASES)
    for name in CASES:
        assert os.path.exists(os.path.join(FOLDER, name)), f"run {FOLDER}/make_fixtures.py"


def test_windows_csv_is_really_cp1252_with_semicolons():
    raw = open(os.path.join(FOLDER, "luas_cp1252.csv"), "rb").read()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.decode("cp1252").splitlines()[1] == "Kecamatan;Luas (km²);Jumlah Gampong;Kepadatan (jiwa/km²)"


@pytest.mark.parametrize("name", sorted(CASES))
def test_columns_rows_and_values(name):
    expect = CASES[name].expect
    tables = tables_of(name)
    assert len(tables) == expect.tables
    t = tables[0]
    assert [c.name for c in t.columns] == expect.columns
    assert t.rows == expect.rows


@pytest.mark.parametrize("name", sorted(CASES))
def test_dropped_rows_and_columns_are_named(name):
    expect = CASES[name].expect
    t = tables_of(name)[0]
    assert t.dropped_rows == expect.dropped_rows
    assert [n for _, n, _ in t.dropped_columns] == expect.dropped_columns
    for row, label in expect.dropped_rows:
        assert f"'{label}'" in t.note and str(row) in t.note
    for column in expect.dropped_columns:
        assert f"'{column}'" in t.note
    if not expect.dropped_rows and not expect.dropped_columns:
        assert t.note == ""


@pytest.mark.parametrize("name", sorted(CASES))
def test_footnotes_go_to_notes_and_columns(name):
    expect = CASES[name].expect
    t = tables_of(name)[0]
    assert t.notes == expect.notes
    assert {c.name: c.description for c in t.columns if c.description} == expect.descriptions


@pytest.mark.parametrize("name", sorted(CASES))
def test_tidy_form(name):
    expect = CASES[name].expect
    t = tables_of(name)[0]
    long = tidy_table(t)
    if expect.tidy_columns is None:
        assert long is None
        return
    assert [c.name for c in long.columns] == expect.tidy_columns
    assert len(long.rows) == expect.tidy_rows
    assert long.rows[0] == expect.tidy_sample
    # the long form holds exactly the wide table's values, nothing summed twice
    value_sum = sum(v for row in long.rows for v in row[-1:] if v is not None)
    dims = len(expect.tidy_columns) - 1 - sum(1 for c in expect.tidy_columns if c in expect.columns)
    ids = len(expect.tidy_columns) - 1 - dims
    wide_values = [v for row in expect.rows for v in row[ids:] if v is not None]
    assert value_sum == sum(wide_values)
    assert to_csv(long).splitlines()[0] == ",".join(expect.tidy_columns)


def test_bps_markers():
    t = tables_of("sekolah_markers.xls")[0]
    by_name = {r[0]: r[1:] for r in t.rows}
    assert by_name["Jaya Baru"][2] == 0  # '-' nihil
    assert by_name["Banda Raya"][1] is None  # '...' not available
    assert by_name["Lueng Bata"][2] is None  # 'x' confidential
    assert by_name["Kuta Alam"][0] is None  # '…'
    assert [c.type for c in t.columns] == ["text", "integer", "integer", "integer"]


def test_markers_are_plain_blanks_without_statistics_rules():
    wb = read_workbook(os.path.join(FOLDER, "sekolah_markers.xls"))
    t = extract_tables(wb.sheets[0], statistics=False)[0]
    assert [c.name for c in t.columns] == ["No.", "Kecamatan", "SD", "SMP", "SMA", "Jumlah"]
    assert t.columns[4].type == "text" and t.rows[1][4] == "-"  # 'x' is text, so the column is
    assert t.columns[3].type == "integer" and t.rows[2][3] is None  # '...' is no value
