"""Shared fixtures of the APBG (gampong budget) tests."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from ckanext.bandaaceh.apbdes import load_reference

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "apbdes"
REFERENCE_DIR = REPO / "config" / "reference"


@pytest.fixture(scope="session")
def ref():
    return load_reference(REFERENCE_DIR)


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


def _csv_bytes(rows: list[list], delimiter: str = ";") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue().encode("utf-8")


@pytest.fixture
def csv_bytes():
    """Build a small CSV file (Indonesian Excel style: semicolons) from a list of rows."""
    return _csv_bytes


@pytest.fixture
def title_rows() -> list[list]:
    """Title rows and a penjabaran header; data rows start at row 6."""
    return [
        ["PEMERINTAH KOTA BANDA ACEH"],
        ["ANGGARAN PENDAPATAN DAN BELANJA GAMPONG NEUSU JAYA"],
        ["TAHUN ANGGARAN 2025"],
        [],
        ["KODE", "URAIAN", "ANGGARAN", "SUMBER DANA"],
    ]
