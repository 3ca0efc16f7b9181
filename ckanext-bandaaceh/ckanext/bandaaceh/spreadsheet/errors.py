"""Error type shared by the spreadsheet package."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["N_", "Phrase", "SpreadsheetError", "column_letter", "cell_ref", "number", "render", "params_to_json",
           "params_from_json", "location"]


def N_(text: str) -> str:
    """Mark ``text`` as a msgid for extraction (babel's default ``N_`` keyword); no translation here.

    The pure package imports nothing from CKAN: its messages are Indonesian msgids, translated
    where they are shown (the CKAN side passes ``tk._`` to :meth:`SpreadsheetError.message`)."""
    return text


def number(value: int) -> str:
    """An integer with Indonesian thousands separators (1234567 -> '1.234.567')."""
    return f"{value:,}".replace(",", ".")


def _same(text: str) -> str:
    return text


def _fill(template: str, params: Mapping[str, object], fallback: str | None = None) -> str:
    """``template`` with its ``{placeholders}`` filled; a broken translation falls back to ``fallback``."""
    if not params:
        return template
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        if fallback is None or fallback == template:
            raise
        return fallback.format(**params)


_SHEET = N_("sheet '{sheet}'")
_ROW = N_("baris {row}")
_CELL = N_("sel {cell}")
_COLUMN = N_("kolom {column}")


def location(translate: Callable[[str], str] | None = None, *, file: str | None = None, sheet: str | None = None,
             row: int | None = None, column: str | None = None) -> str:
    """``file, sheet 'S', baris 12, kolom Jumlah`` (the parts given), worded through ``translate``.
    ``column`` is a name or letter as the reader sees it (a header, a field)."""
    tr = translate or _same
    parts = [file] if file else []
    if sheet is not None:
        parts.append(_fill(tr(_SHEET), {"sheet": sheet}, _SHEET))
    if row is not None:
        parts.append(_fill(tr(_ROW), {"row": row}, _ROW))
    if column is not None:
        parts.append(_fill(tr(_COLUMN), {"column": column}, _COLUMN))
    return ", ".join(parts)



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

    ``str()`` names the file and, where known, the sheet, row, and cell, in Indonesian, e.g.
    ``"anggaran.xlsx, sheet 'APBG', baris 12, sel C12: '1.2.3' tidak dapat dibaca sebagai angka"``.
    ``row`` and ``column`` are 1-based. ``template`` is the reason as an Indonesian msgid with
    named ``{placeholders}`` (marked with :func:`N_`, so it is in the gettext catalogue),
    ``params`` its values, and ``reason`` the formatted Indonesian reason without the location.
    :meth:`message` formats the whole text through a translation function (CKAN's ``tk._``).
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
        params: Mapping[str, object] | None = None,
    ) -> None:
        self.template = reason
        self.params = dict(params or {})
        self.reason = _fill(reason, self.params)
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        if cell is None and row is not None and column is not None:
            cell = cell_ref(row, column)
        self.cell = cell
        super().__init__(self.message())

    def message(self, translate: Callable[[str], str] | None = None) -> str:
        """The location and reason, each template passed through ``translate`` (none: Indonesian)."""
        tr = translate or _same
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet is not None:
            parts.append(_fill(tr(_SHEET), {"sheet": self.sheet}, _SHEET))
        if self.row is not None:
            parts.append(_fill(tr(_ROW), {"row": self.row}, _ROW))
        if self.cell is not None:
            parts.append(_fill(tr(_CELL), {"cell": self.cell}, _CELL))
        elif self.column is not None:
            parts.append(_fill(tr(_COLUMN), {"column": column_letter(self.column)}, _COLUMN))
        reason = _fill(tr(self.template), self.params, self.template) if translate else self.reason
        where = ", ".join(parts)
        return f"{where}: {reason}" if where else reason

    def reason_message(self, translate: Callable[[str], str] | None = None) -> str:
        """The reason alone (no location), through ``translate`` (none: Indonesian)."""
        return _fill(translate(self.template), self.params, self.template) if translate else self.reason

    def as_dict(self) -> dict[str, object]:
        """JSON-friendly form (for job results kept in Redis); :meth:`from_dict` rebuilds it."""
        return {"template": self.template, "params": params_to_json(self.params), "file": self.file,
                "sheet": self.sheet, "row": self.row, "column": self.column, "cell": self.cell}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> "SpreadsheetError":
        """The error :meth:`as_dict` described."""
        return cls(str(data["template"]), file=data.get("file"), sheet=data.get("sheet"),  # type: ignore[arg-type]
                   row=data.get("row"), column=data.get("column"), cell=data.get("cell"),  # type: ignore[arg-type]
                   params=params_from_json(data.get("params") or {}))  # type: ignore[arg-type]

    def __str__(self) -> str:
        return self.message()

    def __reduce__(self):  # keep keyword-only attributes through pickling
        return (
            _rebuild,
            (self.template, self.file, self.sheet, self.row, self.column, self.cell, self.params),
        )


def _rebuild(template, file, sheet, row, column, cell, params=None) -> SpreadsheetError:
    return SpreadsheetError(template, file=file, sheet=sheet, row=row, column=column, cell=cell, params=params)


class _Shown:
    """A :class:`SpreadsheetError` (or any value with a ``message(translate)`` method: a place,
    another error) as a format argument: ``{error}`` is its whole message, ``{error:reason}`` its
    reason alone, both through the translation function."""

    def __init__(self, error: Any, translate: Callable[[str], str] | None) -> None:
        self.error, self.translate = error, translate

    def __format__(self, spec: str) -> str:
        if spec == "reason":
            return self.error.reason_message(self.translate)
        return format(self.error.message(self.translate), spec)


def render(template: str, params: Mapping[str, object] | None = None,
           translate: Callable[[str], str] | None = None) -> str:
    """``template`` (an Indonesian msgid) through ``translate``, filled with ``params``.

    A :class:`SpreadsheetError` among the params is itself shown through ``translate``
    (``{error}``: with its location, ``{error:reason}``: the reason alone), so a message built on
    a spreadsheet error reads wholly in one language. No ``translate``: Indonesian."""
    tr = translate or _same
    shown = {k: _Shown(v, translate) if callable(getattr(v, "message", None)) else v for k, v in (params or {}).items()}
    return _fill(tr(template), shown, template)


class Phrase:
    """A part of a message that is worded on its own: a msgid (marked with ``N_``) and its params,
    e.g. a label (``yang tertulis``) or a comparison (``{found} lebih besar {amount} daripada {expected}``).
    As a param of :func:`render` it is shown through the same translation function as the message."""

    __slots__ = ("template", "params")

    def __init__(self, template: str, params: Mapping[str, object] | None = None) -> None:
        self.template, self.params = template, dict(params or {})

    def message(self, translate: Callable[[str], str] | None = None) -> str:
        """The phrase through ``translate`` (none: Indonesian)."""
        return render(self.template, self.params, translate)

    reason_message = message

    def as_dict(self) -> dict[str, object]:
        """JSON-friendly form; :meth:`from_dict` rebuilds it."""
        return {"template": self.template, "params": params_to_json(self.params)}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> "Phrase":
        """The phrase :meth:`as_dict` described."""
        return cls(str(data["template"]), params_from_json(data.get("params") or {}))  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Phrase) and (self.template, self.params) == (other.template, other.params)

    def __hash__(self) -> int:
        return hash(self.template)

    def __repr__(self) -> str:
        return f"Phrase({self.template!r}, {self.params!r})"

    def __str__(self) -> str:
        return self.message()


def params_to_json(params: Mapping[str, object]) -> dict[str, object]:
    """``params`` with each :class:`SpreadsheetError` as ``{"spreadsheet_error": {...}}`` and each
    :class:`Phrase` as ``{"phrase": {...}}``."""
    def conv(v: object) -> object:
        if isinstance(v, SpreadsheetError):
            return {"spreadsheet_error": v.as_dict()}
        if isinstance(v, Phrase):
            return {"phrase": v.as_dict()}
        return v
    return {k: conv(v) for k, v in params.items()}


def params_from_json(params: Mapping[str, object]) -> dict[str, object]:
    """The inverse of :func:`params_to_json`."""
    def conv(v: object) -> object:
        if isinstance(v, dict) and set(v) == {"spreadsheet_error"}:
            return SpreadsheetError.from_dict(v["spreadsheet_error"])
        if isinstance(v, dict) and set(v) == {"phrase"}:
            return Phrase.from_dict(v["phrase"])
        return v
    return {k: conv(v) for k, v in params.items()}
