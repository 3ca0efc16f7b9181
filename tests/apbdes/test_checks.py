"""Checks: each broken fixture yields the right problem code, row, expected and found amounts."""
import gettext
import json
import re
from decimal import Decimal as D
from pathlib import Path

import pytest

from ckanext.bandaaceh.apbdes import Budget, BudgetLine, StatedTotal, has_errors, read_budget, validate
from ckanext.bandaaceh.apbdes.model import mark_leaves
from ckanext.bandaaceh.apbdes.checks import SIDE_WRITTEN, larger_in_words
from ckanext.bandaaceh.spreadsheet import N_, params_from_json, params_to_json, render


def _only(problems):
    return [(p.severity, p.code, p.row) for p in problems]


def test_wrong_account_code(fixtures, ref):
    b = read_budget(fixtures / "broken-kode-rekening.xlsx", reference=ref)
    problems = validate(b, ref)
    assert _only(problems) == [("error", "unknown_account", 67)]
    assert problems[0].found == "5.9.1.01"
    assert "5.9.1" in problems[0].message and "Baris 67" in problems[0].message
    assert has_errors(problems)


def test_heading_not_sum_of_lines(fixtures, ref):
    b = read_budget(fixtures / "broken-jumlah-rincian.xlsx", reference=ref)
    problems = validate(b, ref)
    assert _only(problems) == [("error", "sum_mismatch", 69)]
    p = problems[0]
    assert (p.field, p.expected, p.found) == ("anggaran", D("591000000"), D("592000000"))
    assert "Rp 592.000.000" in p.message and "Rp 591.000.000" in p.message and "Rp 1.000.000" in p.message


def test_stated_jumlah_wrong(fixtures, ref):
    b = read_budget(fixtures / "broken-jumlah.xlsx", reference=ref)
    problems = validate(b, ref)
    assert _only(problems) == [("error", "total_mismatch", 95)]
    assert (problems[0].expected, problems[0].found) == (D("1763529770"), D("1773529770"))


def test_silpa_wrong(fixtures, ref):
    b = read_budget(fixtures / "broken-silpa.xlsx", reference=ref)
    problems = validate(b, ref)
    assert _only(problems) == [("error", "silpa_mismatch", 106)]
    assert (problems[0].expected, problems[0].found) == (D(0), D("12500000"))
    assert "Rp 12.500.000" in problems[0].message


def _budget(lines, stated=(), **kw):
    mark_leaves(lines)
    kw.setdefault("kode_wilayah", "11.71.01.2001")
    kw.setdefault("tahun", 2025)
    return Budget(lines=lines, stated=list(stated), **kw)


def _ln(account, amount, kegiatan=None, row=1, sumber=None, real=None):
    return BudgetLine(account=account, description="x", anggaran=D(amount), kegiatan=kegiatan, row=row,
                      sumber_dana=sumber, realisasi=None if real is None else D(real))


def test_unknown_kegiatan_bidang_and_sumber(ref):
    b = _budget([
        _ln("4.2.1.01", 100, row=2, sumber="DDS"),
        _ln("5.2.1.01", 40, "01.01.89", row=3, sumber="ADG"),
        _ln("5.2.1.01", 30, "07.01.01", row=4, sumber="SWD"),
        _ln("5.2.2.01", 30, None, row=5),
        _ln("4.9", 0, row=6),
    ])
    problems = validate(b, ref)
    # Errors first; 01.01.89 is in neither list but its bidang/sub bidang is known: a warning.
    assert _only(problems) == [
        ("error", "unknown_bidang", 4),
        ("error", "unknown_account", 6),
        ("warning", "unlisted_kegiatan", 3),
        ("warning", "unknown_sumber_dana", 4),
        ("warning", "missing_kegiatan", 5),
    ]
    assert problems[2].found == "01.01.89" and "01.01" in problems[2].message


def test_realisasi_checks(ref):
    b = _budget(
        [_ln("5", 100, "01", row=2, real=70), _ln("5.2.1.01", 100, "01.01.04", row=3, real=120)],
        stated=[StatedTotal("belanja", "JUMLAH BELANJA", D(100), D(110), row=4)],
        tahap="realisasi", periode="semester-1",
    )
    problems = validate(b, ref)
    assert _only(problems) == [
        ("error", "sum_mismatch", 2),
        ("error", "total_mismatch", 4),
        ("warning", "realisasi_exceeds_anggaran", 3),
    ]
    assert problems[0].field == "realisasi" and (problems[0].expected, problems[0].found) == (D(120), D(70))
    assert problems[1].field == "realisasi" and (problems[1].expected, problems[1].found) == (D(120), D(110))
    assert "lebih kecil Rp 50" in problems[0].message and "lebih kecil Rp 10" in problems[1].message


def test_identity_and_empty(ref):
    problems = validate(Budget(), ref)
    assert [p.code for p in problems] == ["missing_gampong", "missing_year", "no_lines"]
    assert all(p.severity == "error" for p in problems)
    assert not has_errors([p for p in problems if p.severity == "warning"])


def test_problem_as_dict(fixtures, ref):
    b = read_budget(fixtures / "broken-silpa.xlsx", reference=ref)
    d = validate(b, ref)[0].as_dict()
    assert d == {"severity": "error", "code": "silpa_mismatch", "message": d["message"], "row": 106,
                 "field": "anggaran", "expected": "0", "found": "12500000", "sheet": "APBG",
                 "template": d["template"], "params": d["params"]}
    # the template and its params (phrases among them) survive JSON and word the same message
    back = json.loads(json.dumps(d))
    assert render(back["template"], params_from_json(back["params"])) == d["message"]
    assert d["message"].startswith("Baris 106: SILPA (anggaran) tertulis Rp 12.500.000, tetapi ")


@pytest.mark.parametrize("name", ["penjabaran.xlsx", "peraturan.xlsx", "siskeudes.zip"])
def test_valid_fixtures_are_clean(fixtures, ref, name):
    assert validate(read_budget(fixtures / name, reference=ref), ref) == []


I18N = Path(__file__).resolve().parents[2] / "ckanext-bandaaceh" / "ckanext" / "bandaaceh" / "i18n"
#: Indonesian words of the check messages that an English message must not keep.
_INDONESIAN = re.compile(r"\b(Baris|tertulis|tetapi|lebih (besar|kecil)|daripada|jumlah rinciannya|tidak ada|"
                         r"kode rekening|kode kegiatan|dihitung|sebelum perubahan|hasil hitungan)\b")


@pytest.mark.parametrize("name", ["broken-jumlah-rincian.xlsx", "broken-jumlah.xlsx", "broken-silpa.xlsx",
                                  "broken-kode-rekening.xlsx"])
def test_check_messages_in_english_from_the_catalogue(fixtures, ref, name):
    """Every check problem (and the totals listed under it) is a template: through the compiled
    English catalogue (``scripts/i18n.sh compile``) no Indonesian is left; without it, Indonesian."""
    english = gettext.translation("ckanext-bandaaceh", localedir=str(I18N), languages=["en"]).gettext
    problems = validate(read_budget(fixtures / name, reference=ref), ref)
    assert problems
    for p in problems + [r for p in problems for r in p.related]:
        assert p.template and p.text() == p.message
        text = p.text(english)
        assert not _INDONESIAN.search(text), text
        assert text.startswith(f"Row {p.row}: "), text


def test_larger_in_words_phrase_in_both_languages(ref):
    english = gettext.translation("ckanext-bandaaceh", localedir=str(I18N), languages=["en"]).gettext
    bigger = larger_in_words(D(1500), D(1000))
    smaller = larger_in_words(D(1000), D(1500), SIDE_WRITTEN, N_("hasil hitungan"))
    assert str(bigger) == "yang tertulis lebih besar Rp 500 daripada hasil penjumlahan"
    assert bigger.message(english) == "the stated amount is Rp 500 larger than the sum"
    assert smaller.message(english) == "the stated amount is Rp 500 smaller than the computed amount"
    # as a param it survives JSON (a job's result in Redis) and is worded when shown
    back = params_from_json(json.loads(json.dumps(params_to_json({"comparison": smaller}))))
    assert back == {"comparison": smaller} and render("{comparison}.", back, english) == smaller.message(english) + "."
