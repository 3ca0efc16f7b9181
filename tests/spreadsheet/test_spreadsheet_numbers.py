from decimal import Decimal

import pytest

from ckanext.bandaaceh.spreadsheet import parse_date, parse_number, parse_number_info

D = Decimal

CASES = [
    # Indonesian style
    ("1.234.567,89", D("1234567.89")),
    ("1.587.456.770,00", D("1587456770")),
    ("5.000", D("5000")),
    ("12.345", D("12345")),
    ("3,5", D("3.5")),
    ("12,50", D("12.5")),
    ("0,125", D("0.125")),
    ("1.234", D("1234")),
    ("1,234", D("1.234")),  # ambiguous: Indonesian decimal comma wins
    ("1.234,5", D("1234.5")),
    # English style
    ("1,234,567.89", D("1234567.89")),
    ("1,234,567", D("1234567")),
    ("1.5", D("1.5")),
    ("0.125", D("0.125")),
    ("1.5E+06", D("1500000")),
    # currency and signs
    ("Rp 5.000", D("5000")),
    ("Rp. 964.073.000", D("964073000")),
    ("Rp5.000,-", D("5000")),
    ("IDR 1.000.000", D("1000000")),
    ("rp 2,5", D("2.5")),
    ("(500.000,00)", D("-500000")),
    ("(500)", D("-500")),
    ("-500.000", D("-500000")),
    ("- 500", D("-500")),
    ("\u2212500", D("-500")),
    ("+7", D("7")),
    ("-Rp 500", D("-500")),
    ("Rp (500)", D("-500")),
    ("Rp -1.500,50", D("-1500.5")),
    # percent
    ("12,5%", D("12.5")),
    ("93,35 %", D("93.35")),
    ("100%", D("100")),
    # spaces, plain digits
    ("1 234 567", D("1234567")),
    ("1\u00a0234", D("1234")),
    ("  42  ", D("42")),
    ("007", D("7")),
    ("12.", D("12")),
    (".5", D("0.5")),
    # non-text inputs
    (5, D("5")),
    (5.0, D("5")),
    (0.1 + 0.2, D("0.3")),
    (49543508.70919409, D("49543508.7091941")),
    (D("12.50"), D("12.5")),
    (-0.0, D("0")),
    # blanks
    (None, None),
    ("", None),
    ("   ", None),
    ("-", None),
    ("--", None),
    ("\u2013", None),
    ("\u2014", None),
    ("...", None),
    ("n/a", None),
    ("#DIV/0!", None),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


BAD = ["1.2.3", "abc", "1,2,3", "--5", "1.234,5.6", "12a", "1.23.456", "Rp", "%", "1e", "(5", "5)", "1 23", True, object(), float("nan"), "1,234.5,6", "(-5)"]


@pytest.mark.parametrize("text", BAD)
def test_parse_number_rejects(text):
    with pytest.raises(ValueError) as err:
        parse_number(text)
    assert "tidak dapat dibaca sebagai angka" in str(err.value)


def test_error_message_quotes_value():
    with pytest.raises(ValueError, match=r"^'1\.2\.3' tidak dapat dibaca sebagai angka$"):
        parse_number("1.2.3")


def test_number_info_percent_and_style():
    info = parse_number_info("12,5%")
    assert info.value == D("12.5") and info.percent and info.style == "id"
    assert parse_number_info("1,234,567").style == "en"
    assert parse_number_info("5.000").style == "ambiguous"
    assert parse_number_info("42").style is None
    assert not parse_number_info("42").percent
    assert parse_number_info("-") is None


@pytest.mark.parametrize(
    "text,sep,expected",
    [("5.000", ".", D("5")), ("5.000", ",", D("5000")), ("1,234", ".", D("1234")), ("1,234", ",", D("1.234")), ("1,234.5", ".", D("1234.5"))],
)
def test_decimal_sep_hint(text, sep, expected):
    assert parse_number(text, decimal_sep=sep) == expected


def test_decimal_sep_hint_conflict():
    with pytest.raises(ValueError):
        parse_number("1.234,5", decimal_sep=".")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2024-01-31", "2024-01-31"),
        ("31/01/2024", "2024-01-31"),
        ("01/31/2024", "2024-01-31"),
        ("31-01-2024", "2024-01-31"),
        ("31.01.2024", "2024-01-31"),
        ("1 Maret 2024", "2024-03-01"),
        ("17 Agustus 1945", "1945-08-17"),
        ("5 Nopember 2023", "2023-11-05"),
        ("31-Jan-2024", "2024-01-31"),
        ("2024-01-31 10:30", "2024-01-31T10:30:00"),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text).isoformat() == expected


@pytest.mark.parametrize("text", ["31/02/2024", "2024", "Maret 2024", "Banda Aceh", "1.2.3", "32 Januari 2024"])
def test_parse_date_rejects(text):
    assert parse_date(text) is None
