"""Gampong budgets (APBG/APBDes): model, layout readers, checks and the canonical CSV.

Pure Python, no CKAN imports. Typical use::

    from ckanext.bandaaceh.apbdes import read_budget, validate, has_errors, to_csv_bytes
    budget = read_budget("apbg-kampung-baru-2025.xlsx", gampong="11.71.01.2001", tahun=2025)
    problems = validate(budget, reference)
    if not has_errors(problems):
        data = to_csv_bytes(budget)
"""
from __future__ import annotations

from .checks import has_errors, unlisted_codes, validate
from .errors import BudgetReadError, UnknownLayoutError
from .model import (
    LAYOUTS,
    PERIODE,
    TAHAP,
    Budget,
    BudgetLine,
    Problem,
    StatedTotal,
    Summary,
    format_amount,
    format_rupiah,
    summarise,
)
from .normalise import CSV_COLUMNS, CSV_FIELDS, budget_rows, csv_row, to_csv_bytes, write_csv
from .reader import detect_layout, read_budget
from ..reference import Reference, default_reference_dir
from ..reference import load_lists as load_reference

__all__ = [
    "LAYOUTS",
    "PERIODE",
    "TAHAP",
    "Budget",
    "BudgetLine",
    "BudgetReadError",
    "CSV_COLUMNS",
    "CSV_FIELDS",
    "Problem",
    "Reference",
    "StatedTotal",
    "Summary",
    "UnknownLayoutError",
    "budget_rows",
    "csv_row",
    "default_reference_dir",
    "detect_layout",
    "format_amount",
    "format_rupiah",
    "has_errors",
    "load_reference",
    "read_budget",
    "summarise",
    "to_csv_bytes",
    "unlisted_codes",
    "validate",
    "write_csv",
]
