"""Decode delimited text (CSV/TSV) into a raw grid."""
from __future__ import annotations

import csv
import io

from .errors import N_, SpreadsheetError, number

__all__ = ["decode_text", "sniff_delimiter", "read_csv_rows", "DELIMITERS"]

DELIMITERS = ("\t", ";", ",", "|")  # order = preference when equally consistent
_SAMPLE_LINES = 200


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding): BOMs first, then strict UTF-8, then charset-normalizer, then cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
        return data.decode(enc, "replace").lstrip("\ufeff"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = None
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(
            data[: 1 << 20],
            cp_isolation=["cp1252", "latin_1", "iso8859_15", "cp1250", "utf_16_le", "utf_16_be"],
        ).best()
        encoding = best.encoding if best is not None else None
    except Exception:  # pragma: no cover - detection is best effort
        encoding = None
    if encoding in (None, "latin_1", "iso8859_15", "ascii"):
        encoding = "cp1252"  # Windows' Western code page is a superset of latin-1's printable part
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter giving the most consistent field count (>1) over the first lines."""
    lines = []
    for line in io.StringIO(text[: 1 << 20]):
        if line.strip():
            lines.append(line)
        if len(lines) >= _SAMPLE_LINES:
            break
    sample = "".join(lines)
    best, best_score = ",", (-1.0, 0)
    for delim in DELIMITERS:
        counts = []
        try:
            for row in csv.reader(io.StringIO(sample), delimiter=delim):
                if any(cell.strip() for cell in row):
                    counts.append(len(row))
        except csv.Error:
            continue
        if not counts:
            continue
        # The data lines matter more than title lines: consistency of the modal width.
        modal = max(set(counts), key=lambda n: (counts.count(n), n))
        if modal < 2:
            continue
        consistency = counts.count(modal) / len(counts)
        score = (round(consistency, 2), modal)
        if score > best_score:
            best, best_score = delim, score
    return best


def read_csv_rows(text: str, *, filename: str | None, max_cells: int) -> list[list[str]]:
    """Split decoded text into rows of stripped strings (raw, untyped)."""
    delim = sniff_delimiter(text)
    rows: list[list[str]] = []
    cells = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        for row in reader:
            cells += len(row)
            if cells > max_cells:
                raise SpreadsheetError(
                    N_("berkas berisi lebih dari {limit} sel"), file=filename, params={"limit": number(max_cells)}
                )
            rows.append(row)
    except csv.Error as exc:
        raise SpreadsheetError(N_("teks CSV tidak dapat dibaca: {detail}"), file=filename, row=reader.line_num,
                               params={"detail": str(exc)}) from None
    return rows
