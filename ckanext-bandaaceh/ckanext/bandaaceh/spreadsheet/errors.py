"""Error type shared by the spreadsheet package."""
from __future__ import annotations

__all__ = ["SpreadsheetError", "column_letter", "cell_ref"]


def column_letter(column: int) -> str:
    """Return the spreadsheet letter(s) of a 1-based column number (1 -> 'A', 28 -> 'AB')."""
    if column < 1:
        raise ValueError(f"column numbers start at 1, got {column}")
    letters = ""
    while column:
        column, rem = divmod(column - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, column: int) -> str:
    """Return an A1-style reference for a 1-based row and column (12, 3 -> 'C12')."""
    return f"{column_letter(column)}{row}"


class SpreadsheetError(Exception):
    """A file could not be read, or a value in it could not be understood.

    ``str()`` names the file and, where known, the sheet, row, and cell, e.g.
    ``"anggaran.xlsx, sheet 'APBG', row 12, cell C12: cannot read '1.2.3' as a number"``.
    ``row`` and ``column`` are 1-based; ``reason`` is the message without the location.
    """

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: int | None = None,
        cell: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        if cell is None and row is not None and column is not None:
            cell = cell_ref(row, column)
        self.cell = cell
        super().__init__(self._format())

    def _format(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet is not None:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.cell is not None:
            parts.append(f"cell {self.cell}")
        elif self.column is not None:
            parts.append(f"column {column_letter(self.column)}")
        where = ", ".join(parts)
        return f"{where}: {self.reason}" if where else self.reason

    def __str__(self) -> str:
        return self._format()

    def __reduce__(self):  # keep keyword-only attributes through pickling
        return (
            _rebuild,
            (self.reason, self.file, self.sheet, self.row, self.column, self.cell),
        )


def _rebuild(reason, file, sheet, row, column, cell) -> SpreadsheetError:
    return SpreadsheetError(reason, file=file, sheet=sheet, row=row, column=column, cell=cell)
