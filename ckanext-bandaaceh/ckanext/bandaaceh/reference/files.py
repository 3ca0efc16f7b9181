"""Reading the reference files; every error names the file and the line (in Bahasa Indonesia)."""
from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from ..spreadsheet.errors import N_, location, render

__all__ = ["MissingReferenceError", "ReferenceError", "read_csv", "read_rows"]


class ReferenceError(ValueError):
    """A reference or seed file is malformed; the message names file, line and column/field.

    ``template`` is the reason as an Indonesian msgid (marked with ``N_``) filled with ``params``;
    ``str()`` is Indonesian, :meth:`message` words it through a translation function (``tk._``)
    for a page that shows it."""

    def __init__(self, template: str, *, file: str | os.PathLike[str] | None = None, line: int | None = None,
                 column: str | None = None, params: Mapping[str, object] | None = None) -> None:
        self.template, self.params = template, dict(params or {})
        self.file = os.fspath(file) if file is not None else None
        self.line, self.column = line, column
        super().__init__(self.message())

    def message(self, translate: Callable[[str], str] | None = None) -> str:
        """``file, baris N, kolom C: reason``, each part through ``translate`` (none: Indonesian)."""
        where = location(translate, file=self.file, row=self.line, column=self.column)
        reason = render(self.template, self.params, translate)
        return f"{where}: {reason}" if where else reason

    def __str__(self) -> str:
        return self.message()


class MissingReferenceError(ReferenceError, FileNotFoundError):
    """A reference folder lacks some of its files."""


def read_rows(path: Path, columns: tuple[str, ...], error: type[ReferenceError] = ReferenceError,
              ) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line, row)`` of a UTF-8 CSV file (BOM allowed), values stripped; ``columns`` must be
    present. Raises ``error`` (a :class:`ReferenceError`) naming the file and line."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise error(N_("kolom {columns} tidak ada"), file=path, line=1, params={"columns": ", ".join(missing)})
            for row in reader:
                if None in row or any(row.get(c) is None for c in columns):
                    raise error(N_("jumlah isian berbeda dari {n} kolom baris judul"), file=path,
                                line=reader.line_num, params={"n": len(reader.fieldnames or [])})
                yield reader.line_num, {k: (v or "").strip() for k, v in row.items()}
    except OSError as exc:
        raise error(N_("tidak dapat dibaca ({reason})"), file=path, params={"reason": exc.strerror}) from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise error(N_("bukan berkas CSV UTF-8 yang sah ({reason})"), file=path, params={"reason": str(exc)}) from exc


def read_csv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of :func:`read_rows`, without their line numbers."""
    return [row for _line, row in read_rows(path, columns)]
