"""Complaint channels as open data (SUWARGA, SMS LPM, SP4N-LAPOR!): the pure core, no CKAN.

Reads what the channels export, refuses personal data, and computes the published monthly
figures from case rows (working days with Indonesian national holidays and cuti bersama)::

    from ckanext.bandaaceh.pengaduan import load_standards, read_export, aggregate
    standards = load_standards()                         # config/pengaduan/standar-layanan.yaml
    export = read_export(data, "suwarga-2025-03.xlsx", kanal="suwarga")
    rows = aggregate(export.cases, standards["suwarga"])  # one row per month, SKPD, category, status

Nothing personal ever leaves :func:`read_export`: a case-level file with a name, NIK, phone,
e-mail, address or complaint-text column is refused (naming the column) unless the caller
asks for those columns to be dropped, and only the columns listed in :data:`CASE_FIELDS` are kept.
"""
from __future__ import annotations

from .aggregate import LEVELS, TABLE_FIELDS, Row, aggregate, percentile, weighted_median
from .reader import (CASE_FIELDS, PERIODE_RE, PERSONAL, Case, Column, Export, PengaduanError, describe_columns,
                     read_export)
from .standards import Standard, load_standards
from .workdays import working_days_between

__all__ = ["CASE_FIELDS", "LEVELS", "PERIODE_RE", "PERSONAL", "TABLE_FIELDS", "Case", "Column", "Export",
           "PengaduanError", "Row", "Standard", "aggregate", "describe_columns", "load_standards", "percentile",
           "read_export", "weighted_median", "working_days_between"]
