"""Fuzz the budget readers: the only outcomes are a budget (with problems) or a BudgetReadError.

Inputs built from the real fixtures: Siskeudes zips whose cells (amount columns above all) hold
random text, penjabaran CSVs with random amount cells, generated CSV tables, and the zip, xlsx
and ods fixtures with mutated bytes. Whatever is read must also pass through the checks, the
summary and the canonical CSV without another exception, and every problem about a cell names
its sheet (or Siskeudes table), row and column.
"""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from ckanext.bandaaceh.apbdes import (Budget, BudgetReadError, format_rupiah, load_reference, read_budget, summarise,
                                      to_csv_bytes, validate)
from ckanext.bandaaceh.spreadsheet import parse_number
from tests.fuzzing import amount_text, cell_text, csv_grid, encode_csv, mutated_bytes, mutated_zip, rezip

pytestmark = pytest.mark.fuzz

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "apbdes"
#: Loaded once here rather than through the ``ref`` fixture, whose repr would fill every report.
REF = load_reference(Path(__file__).resolve().parents[2] / "config" / "reference")
SISKEUDES = (FIXTURES / "siskeudes-pak.zip").read_bytes()
PENJABARAN_CSV = (FIXTURES / "penjabaran.csv").read_bytes()
PENJABARAN_XLSX = (FIXTURES / "penjabaran.xlsx").read_bytes()
PENJABARAN_ODS = (FIXTURES / "penjabaran.ods").read_bytes()

#: Problems about one cell: they must say where it is.
CELL_CODES = {"invalid_amount", "unknown_account", "missing_code", "control_character"}
#: BudgetReadError codes (apbdes/errors.py and the readers).
READ_CODES = {"unreadable_file", "file_too_large", "missing_tables", "missing_columns", "unknown_layout",
              "multiple_gampong", "multiple_years", "no_detail_lines"}
AMOUNT_COLUMNS = ("Anggaran", "AnggaranStlhPAK")
SISKEUDES_COLUMNS = ("Tahun", "Kd_Desa", "Kd_Keg", "Kd_Rincian", "SumberDana", "Uraian", *AMOUNT_COLUMNS)


def _tables(data: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: list(csv.reader(io.StringIO(zf.read(n).decode("utf-8")))) for n in zf.namelist()}


TABLES = _tables(SISKEUDES)


def _zip(tables: dict[str, list[list[str]]]) -> bytes:
    members = {}
    for name, rows in tables.items():
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(rows)
        members[name] = buf.getvalue().encode("utf-8")
    return rezip(members)


def _unreadable(text: str, *, siskeudes: bool) -> bool:
    """True if the reader cannot take ``text`` as an amount (Siskeudes: machine numbers, '.' decimals)."""
    try:
        parse_number(text, decimal_sep="." if siskeudes and "," not in text else None)
    except ValueError:
        return True
    return False


def _read(data: bytes, filename: str, **kw) -> Budget | BudgetReadError:
    """Read and check like the importer does; the BudgetReadError when refused."""
    try:
        budget = read_budget(data, filename, reference=REF, **kw)
    except BudgetReadError as exc:
        assert exc.code in READ_CODES and exc.problem.message, exc.problem
        return exc
    problems = budget.problems + validate(budget, REF)
    for p in problems:
        if p.code in CELL_CODES:
            assert p.row is not None and p.sheet is not None and p.field, p
    summarise(budget)
    to_csv_bytes(budget)
    for ln in budget.lines:
        format_rupiah(ln.anggaran)
    return budget


@st.composite
def _siskeudes_edits(draw, columns: tuple[str, ...], cells: st.SearchStrategy[str]) -> list[tuple[str, int, str, str]]:
    """(member, row index, column, text): a few cells of Ta_RAB/Ta_RABRinci to overwrite."""
    edits = []
    for _ in range(draw(st.integers(1, 4))):
        member = draw(st.sampled_from(["Ta_RAB.csv", "Ta_RABRinci.csv"]))
        row = draw(st.integers(1, len(TABLES[member]) - 1))
        edits.append((member, row, draw(st.sampled_from(columns)), draw(cells)))
    return edits


def _apply(edits: list[tuple[str, int, str, str]]) -> dict[str, list[list[str]]]:
    tables = {n: [list(r) for r in rows] for n, rows in TABLES.items()}
    for member, row, column, text in edits:
        if column in tables[member][0]:  # Ta_RAB has no SumberDana/Uraian
            tables[member][row][tables[member][0].index(column)] = text
    return tables


@given(_siskeudes_edits(AMOUNT_COLUMNS, amount_text))
def test_siskeudes_random_amount_text(edits):
    """Every unreadable amount cell is an invalid_amount error naming its table, row and column."""
    budget = _read(_zip(_apply(edits)), "siskeudes.zip")
    if isinstance(budget, BudgetReadError):  # a NUL: the whole member is refused, naming table and row
        assert any("\x00" in t for *_, t in edits) and budget.problem.sheet and budget.problem.row, budget.problem
        return
    final = {(m[:-4], r + 1, c): t for m, r, c, t in edits}  # the last edit of a cell wins; row 1 = header
    expected = {k for k, t in final.items() if t.strip() and _unreadable(t, siskeudes=True)}
    found = {(p.sheet, p.row, p.field) for p in budget.problems if p.code == "invalid_amount"}
    assert found == expected


@given(_siskeudes_edits(SISKEUDES_COLUMNS, cell_text))
def test_siskeudes_random_cells(edits):
    _read(_zip(_apply(edits)), "siskeudes.zip")


@given(st.one_of(mutated_bytes(SISKEUDES), mutated_zip(SISKEUDES)))
def test_siskeudes_mutated_zip(data):
    _read(data, "siskeudes.zip")


_PENJABARAN_ROWS = list(csv.reader(io.StringIO(PENJABARAN_CSV.decode("utf-8")), delimiter=";"))
_DATA_ROWS = [i for i, r in enumerate(_PENJABARAN_ROWS) if r and r[0][:1].isdigit()]


@given(st.lists(st.tuples(st.sampled_from(_DATA_ROWS), amount_text), min_size=1, max_size=4))
def test_penjabaran_random_amount_text(edits):
    rows = [list(r) for r in _PENJABARAN_ROWS]
    for i, text in edits:
        rows[i][2] = text
    budget = _read(encode_csv(rows, ";"), "penjabaran.csv")
    if isinstance(budget, BudgetReadError):  # a NUL: the file is refused, naming the row
        assert any("\x00" in t for _, t in edits) and budget.problem.row, budget.problem
        return
    final = dict(edits)
    unreadable = {i + 1 for i, t in final.items() if t.strip() and _unreadable(t, siskeudes=False)}
    found = {p.row for p in budget.problems if p.code == "invalid_amount"}
    assert found == unreadable


@given(csv_grid(max_rows=10, max_cols=4), st.sampled_from([";", ","]))
def test_generated_budget_csv(rows, delimiter):
    header = [["KODE", "URAIAN", "ANGGARAN", "SUMBER DANA"]]
    _read(encode_csv(header + rows, delimiter), "apbg.csv")


@given(st.one_of(mutated_bytes(PENJABARAN_XLSX), mutated_zip(PENJABARAN_XLSX)))
def test_penjabaran_mutated_xlsx(data):
    _read(data, "penjabaran.xlsx")


@settings(max_examples=15)
@given(st.one_of(mutated_bytes(PENJABARAN_ODS), mutated_zip(PENJABARAN_ODS)))
def test_penjabaran_mutated_ods(data):
    _read(data, "penjabaran.ods")


# --- regressions: one per finding ---------------------------------------------------------


def test_siskeudes_text_in_revised_amount():
    """``AnggaranStlhPAK`` = ``satu juta`` raised ValueError (HTTP 500 through the API): the PAK
    detection read every revised amount without catching the error."""
    tables = _apply([("Ta_RABRinci.csv", 1, "AnggaranStlhPAK", "satu juta")])
    for tahap in (None, "murni", "perubahan"):
        budget = read_budget(_zip(tables), "satu-juta.zip", reference=REF, tahap=tahap)
        errors = [(p.code, p.sheet, p.row, p.field, p.found) for p in budget.problems if p.severity == "error"]
        assert errors == [("invalid_amount", "Ta_RABRinci", 2, "AnggaranStlhPAK", "satu juta")]
        assert errors and "Baris 2: nilai kolom AnggaranStlhPAK 'satu juta' bukan angka" in budget.problems[0].message


def test_siskeudes_year_in_other_digits():
    """A ``Tahun`` of Unicode digits (``²⁰²⁵``) passed ``str.isdigit`` and then failed ``int()``."""
    tables = {n: [list(r) for r in rows] for n, rows in TABLES.items()}
    for member in ("Ta_RAB.csv", "Ta_RABRinci.csv"):
        col = tables[member][0].index("Tahun")
        for r in tables[member][1:]:
            r[col] = "²⁰²⁵"
    budget = read_budget(_zip(tables), "tahun.zip", reference=REF)
    assert budget.tahun is None and budget.lines


def test_amount_beyond_range_is_a_problem():
    """``1e999999`` in an amount cell hung the reader; now it is an invalid_amount error."""
    tables = _apply([("Ta_RABRinci.csv", 3, "Anggaran", "1e999999")])
    budget = read_budget(_zip(tables), "besar.zip", reference=REF, tahap="murni")
    assert [(p.code, p.row, p.field) for p in budget.problems if p.severity == "error"] == [
        ("invalid_amount", 4, "Anggaran")]
