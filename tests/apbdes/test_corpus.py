"""The budget corpus (tests/fixtures/corpus): every file read, checked and summarised against
the figures the generator wrote from its model (manifest.json), never from reader output."""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

from ckanext.bandaaceh.apbdes import BudgetReadError, has_errors, read_budget, to_csv_bytes, validate

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
BUDGETS = CORPUS / "budgets"
MANIFEST = json.loads((BUDGETS / "manifest.json").read_text(encoding="utf-8"))["files"]
ACCEPTED = sorted(n for n, e in MANIFEST.items() if not e["refused"])
REFUSED = sorted(n for n, e in MANIFEST.items() if e["refused"])


def _read(name: str, ref):
    e = MANIFEST[name]
    budget = read_budget(BUDGETS / name, gampong=e["gampong"], tahun=e["year"], reference=ref, **e["read"])
    return budget, validate(budget, ref)


def _errors(problems) -> list[str]:
    return [f"{p.code}: {p.message}" for p in problems if p.severity == "error"]


def test_corpus_size_and_kinds():
    assert len(MANIFEST) >= 20
    suffixes = {Path(n).suffix for n in MANIFEST}
    assert {".xlsx", ".xls", ".ods", ".csv"} <= suffixes
    stages = {e["stage"] for e in MANIFEST.values()}
    assert stages == {"murni", "perubahan", "realisasi"}


def test_manifest_is_what_the_generator_writes(tmp_path):
    """The committed files and manifest are exactly the generator's output (no hand edits)."""
    path = CORPUS / "make_budgets.py"
    spec = importlib.util.spec_from_file_location("corpus_make_budgets", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    fresh = mod.generate(tmp_path)
    assert fresh["files"] == MANIFEST
    for name in MANIFEST:
        assert (tmp_path / name).read_bytes() == (BUDGETS / name).read_bytes(), name


@pytest.mark.parametrize("name", ACCEPTED)
def test_accepted_file(name, ref):
    e = MANIFEST[name]
    budget, problems = _read(name, ref)
    assert not has_errors(problems), _errors(problems)
    assert budget.kode_wilayah == e["gampong"] and budget.tahun == e["year"]
    assert budget.tahap == e["stage"]
    assert budget.periode == e["period"]
    s = budget.summary()
    assert s.line_count == e["line_count"]
    t = e["totals"]
    assert (s.pendapatan, s.belanja, s.pembiayaan_penerimaan, s.pembiayaan_pengeluaran, s.silpa) == (
        D(t["pendapatan"]), D(t["belanja"]), D(t["pembiayaan_penerimaan"]), D(t["pembiayaan_pengeluaran"]),
        D(t["silpa"]))
    assert {k: str(v) for k, v in s.belanja_per_bidang.items()} == e["belanja_per_bidang"]
    assert s.belanja_tanpa_bidang == 0


@pytest.mark.parametrize("name", ACCEPTED)
def test_local_kegiatan(name, ref):
    """Codes in neither list are warnings naming the code; codes of the city-local list are known."""
    e = MANIFEST[name]
    budget, problems = _read(name, ref)
    warned = {p.found for p in problems if p.code == "unlisted_kegiatan"}
    assert warned == set(e["local_warnings"])
    assert all(p.severity == "warning" for p in problems if p.code == "unlisted_kegiatan")
    for code in e["local_warnings"] + e["local_known"]:
        assert budget.kegiatan_names.get(code), f"name of {code} not taken from the file"


def _expected_and_summary(name, ref, key):
    """The manifest's figures under ``key`` and the summary of the file as read."""
    budget, _ = _read(name, ref)
    return MANIFEST[name], MANIFEST[name][key], budget, budget.summary()


def _amounts(summary, prefix, fields):
    return tuple(getattr(summary, f"{prefix}_{f}") for f in fields)


@pytest.mark.parametrize("name", [n for n in ACCEPTED if MANIFEST[n]["stage"] == "perubahan"])
def test_perubahan_keeps_before(name, ref):
    e, t, budget, s = _expected_and_summary(name, ref, "sebelum")
    fields = ("pendapatan", "belanja", "pembiayaan_penerimaan", "pembiayaan_pengeluaran", "silpa")
    assert _amounts(s, "sebelum", fields) == tuple(D(t[f]) for f in fields)
    assert {k: str(v) for k, v in s.perubahan_per_bidang.items()} == e["change_per_bidang"]
    assert all(ln.anggaran_sebelum is not None for ln in budget.leaves)


@pytest.mark.parametrize("name", [n for n in ACCEPTED if MANIFEST[n]["stage"] == "realisasi"])
def test_realisasi_totals(name, ref):
    e, t, budget, s = _expected_and_summary(name, ref, "realisasi")
    fields = ("pendapatan", "belanja", "silpa")
    assert _amounts(s, "realisasi", fields) == tuple(D(t[f]) for f in fields)


@pytest.mark.parametrize("name", [n for n in MANIFEST if MANIFEST[n].get("needs_period")])
def test_missing_period_names_the_parameter(name, ref):
    budget, problems = _read(name, ref)
    assert budget.periode is None
    missing = [p for p in problems if p.code == "missing_period"]
    assert len(missing) == 1 and missing[0].severity == "error" and missing[0].field == "periode"
    assert "periode" in missing[0].message and "semester-1" in missing[0].message
    said = MANIFEST[name].get("period_said")
    if said:  # never claim the file says nothing when it does
        assert said in missing[0].message and "tidak disebutkan" not in missing[0].message
    else:
        assert "tidak disebutkan" in missing[0].message


@pytest.mark.parametrize("name", REFUSED)
def test_refused_file(name, ref):
    e = MANIFEST[name]
    try:
        _budget, problems = _read(name, ref)
    except BudgetReadError as exc:
        codes = [exc.code]
    else:
        assert has_errors(problems)
        codes = [p.code for p in problems if p.severity == "error"]
    assert codes[0] in e["refused"], codes
    assert codes.count(codes[0]) == 1, codes  # said once (a code's other rows are in its message or related)


def test_one_bad_row_is_said_once_with_its_consequences_under_it(ref):
    e = MANIFEST["rusak-satu-baris.xlsx"]
    _budget, problems = _read("rusak-satu-baris.xlsx", ref)
    errors = [p for p in problems if p.severity == "error"]
    assert [(p.code, p.row) for p in errors] == [("sum_mismatch", e["root_row"])]
    root = errors[0]
    assert sorted(p.row for p in root.related) == e["related_rows"]
    assert "yang tertulis lebih kecil Rp 3.000.000 daripada jumlah rinciannya" in root.message
    assert root.message.count(f"Baris {root.row}") == 1
    assert root.as_dict()["related"][0]["row"] == root.related[0].row


@pytest.mark.parametrize("name", REFUSED)
def test_each_message_names_its_row_once(name, ref):
    try:
        _budget, problems = _read(name, ref)
    except BudgetReadError as exc:
        problems = [exc.problem]
    for p in problems:
        assert p.message.count("Baris ") <= 1, p.message
        if p.row is not None and p.message.startswith("Baris"):
            assert p.message.startswith(f"Baris {p.row}:"), p.message


def test_change_mismatch_says_which_side_is_larger(ref):
    e = MANIFEST["rusak-perubahan-selisih.xlsx"]
    _budget, problems = _read("rusak-perubahan-selisih.xlsx", ref)
    p = problems[0]
    assert (p.code, p.row) == ("change_mismatch", e["bad_row"])
    assert "yang tertulis lebih kecil Rp 5.000.000 daripada sebelum + perubahan" in p.message


def test_summary_sheet_mismatch_is_decisive(ref):
    _budget, problems = _read("rusak-ringkasan-tidak-cocok.xlsx", ref)
    p = problems[0]
    assert p.code == "summary_mismatch" and p.sheet == "Ringkasan"
    assert "ringkasan lebih besar Rp 10.000.000 daripada rinciannya" in p.message


def test_summary_only_is_refused_with_reason(ref):
    with pytest.raises(BudgetReadError) as exc:
        _read("rusak-hanya-ringkasan.xlsx", ref)
    assert exc.value.code == "no_detail_lines" and "Rekapitulasi" in str(exc.value)


@pytest.mark.parametrize("name", [n for n in MANIFEST if MANIFEST[n].get("period_text")])
def test_period_text_is_recognised(name, ref):
    budget, _ = _read(name, ref)
    assert budget.hints["periode"] == MANIFEST[name]["period"]


@pytest.mark.parametrize("name", [n for n in ACCEPTED if MANIFEST[n]["stage"] == "perubahan"])
def test_perubahan_csv_has_before(name, ref):
    e = MANIFEST[name]
    budget, _ = _read(name, ref)
    rows = list(csv.DictReader(io.StringIO(to_csv_bytes(budget).decode("utf-8"))))
    assert len(rows) == e["line_count"]
    belanja = [r for r in rows if r["kode_rekening"].startswith("5")]
    assert sum(D(r["anggaran_sebelum"]) for r in belanja) == D(e["sebelum"]["belanja"])
    assert sum(D(r["anggaran"]) for r in belanja) == D(e["totals"]["belanja"])


@pytest.mark.parametrize("name", [n for n in ACCEPTED if MANIFEST[n]["local_warnings"]])
def test_unlisted_codes_for_the_preview(name, ref):
    from ckanext.bandaaceh.apbdes import unlisted_codes

    budget, problems = _read(name, ref)
    listed = unlisted_codes(problems)
    assert sorted(c["kode"] for c in listed) == MANIFEST[name]["local_warnings"]
    assert {c["kode"]: c["nama"] for c in listed} == MANIFEST[name]["local_warning_names"]  # named from the file
    assert all(c["jenis"] == "kegiatan" for c in listed)
