"""Exceptions raised when a budget file cannot be read at all."""
from __future__ import annotations

from typing import Any

from ..spreadsheet.errors import N_
from .model import Problem

__all__ = ["BudgetReadError", "UnknownLayoutError"]


class BudgetReadError(Exception):
    """The file could not be turned into a budget; ``problem`` says why (stable ``problem.code``).

    Codes: ``unreadable_file``, ``file_too_large``, ``missing_tables``, ``missing_columns``,
    ``unknown_layout``, ``multiple_gampong``, ``multiple_years``.
    ``message`` is an Indonesian msgid (marked with ``N_``) filled with ``params`` (see
    :meth:`Problem.of`: a ``SpreadsheetError`` param is shown in the reader's language).
    """

    def __init__(self, code: str, message: str, *, row: int | None = None, sheet: str | None = None,
                 field: str | None = None, found: object = None, params: dict[str, Any] | None = None) -> None:
        self.problem = Problem.of("error", code, message, params, row=row, field=field, found=found, sheet=sheet)
        super().__init__(self.problem.message)

    @property
    def code(self) -> str:
        return self.problem.code


class UnknownLayoutError(BudgetReadError):
    """No known budget layout was recognised in the file."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            "unknown_layout",
            message
            or N_("Tata letak berkas tidak dikenali: tidak ditemukan tabel APBG (kolom KODE/URAIAN/ANGGARAN) "
            "atau tabel Siskeudes (Ta_RAB, Ta_RABRinci)."),
        )
