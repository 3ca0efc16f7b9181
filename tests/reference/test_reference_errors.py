"""Reference loader errors: Indonesian, naming file, line and column; English through the catalogue."""
import pytest

from ckanext.bandaaceh.apbdes.penduduk import PendudukError, load_penduduk
from ckanext.bandaaceh.apbdes.reader import read_budget
from ckanext.bandaaceh.apbdes.errors import BudgetReadError
from ckanext.bandaaceh.reference.files import ReferenceError, read_rows
from ckanext.bandaaceh.spreadsheet import SpreadsheetError, params_from_json, params_to_json, render


def test_read_rows_names_file_and_line_in_both_languages(tmp_path, english):
    path = tmp_path / "daftar.csv"
    path.write_text("kode,nama\n1,A\n2,B,lebih\n", encoding="utf-8")
    with pytest.raises(ReferenceError) as err:
        list(read_rows(path, ("kode", "nama")))
    assert str(err.value) == f"{path}, baris 3: jumlah isian berbeda dari 2 kolom baris judul"
    assert err.value.message(english) == f"{path}, row 3: the number of fields differs from the 2 columns of the header row"
    path.write_text("kode\n1\n", encoding="utf-8")
    with pytest.raises(ReferenceError) as err:
        list(read_rows(path, ("kode", "nama")))
    assert err.value.message(english) == f"{path}, row 1: column(s) nama missing"


def test_penduduk_uses_the_shared_loader_with_line_and_column(tmp_path, english):
    path = tmp_path / "2025.csv"
    path.write_text("kode_wilayah,gampong,penduduk,sumber,status\n"
                    "11.71.01.2001,A,100,BPS,resmi\n"
                    "11.71.01.2002,B,100,BPS,perkiraan\n", encoding="utf-8")
    with pytest.raises(PendudukError) as err:  # a ReferenceError: one loader, one error type
        load_penduduk(path, 2025)
    assert isinstance(err.value, ReferenceError)
    assert str(err.value) == f"{path}, baris 3, kolom status: 'perkiraan' harus 'resmi' atau 'contoh'"
    assert err.value.message(english) == f"{path}, row 3, column status: 'perkiraan' must be 'resmi' or 'contoh'"
    path.write_bytes(b"kode_wilayah,gampong,penduduk,sumber,status\n\xff\n")
    with pytest.raises(PendudukError, match=r"bukan berkas CSV UTF-8 yang sah"):
        load_penduduk(path, 2025)


def test_a_budget_problem_built_on_a_spreadsheet_error_reads_wholly_in_english(english):
    with pytest.raises(BudgetReadError) as err:
        read_budget(b"%PDF-1.7\n", "apbg.xlsx")
    problem = err.value.problem
    assert problem.message == "Berkas tidak dapat dibaca: apbg.xlsx: ini dokumen PDF, bukan spreadsheet"
    assert problem.text(english) == "The file cannot be read: apbg.xlsx: this is a PDF document, not a spreadsheet"
    # kept as JSON by a background job, worded when shown
    d = problem.as_dict()
    assert render(d["template"], params_from_json(d["params"]), english) == problem.text(english)
    e = SpreadsheetError("x", file="a.csv", row=2, column=3)
    assert params_from_json(params_to_json({"error": e}))["error"].message() == "a.csv, baris 2, sel C2: x"
    assert render("{error:reason}!", {"error": e}) == "x!"
