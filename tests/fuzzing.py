"""Hypothesis strategies shared by the fuzz tests of the readers (tests/*/test_fuzz.py).

The fuzz tests feed the budget readers, the spreadsheet layer and the complaint reader with
generated CSVs, random cell text and mutated bytes of the real fixtures, and assert that the
only outcomes are a result or the reader's own error type naming a location. Their settings
come from the profile registered in tests/conftest.py (fixed ``max_examples`` and deadline,
derandomized, no example database): ``HYPOTHESIS_PROFILE=fuzz-long`` runs many more examples
with random seeds, for a hunt outside ``make test``.
"""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable

from hypothesis import strategies as st

__all__ = ["cell_text", "amount_text", "csv_grid", "encode_csv", "mutated_bytes", "mutated_zip", "replace_member",
           "rezip"]

#: Characters that matter to the readers: digits in several scripts, separators, signs, currency,
#: spaces of every kind, quotes, formula prefixes, control characters (NUL included).
_INTERESTING = "0123456789.,;:-+()%eE=@\t\r\n \u00a0\u202f\"'|/\\#xX$Rp\u2212\u00b2\u0663\u096c\x00\x0b\ufeff"

cell_text = st.one_of(
    st.text(alphabet=_INTERESTING, max_size=12),
    st.text(max_size=12),
    st.sampled_from(["satu juta", "1e999999", "-1e-999999", "1" + "0" * 5000, "NaN", "inf", "-", "(500)", "Rp 5.000,-",
                     "12,5%", "1.2.3", "=HYPERLINK(\"http://x\")", "2025-02-30", "31/12/2025", "²⁰²⁵", "٢٠٢٥",
                     "\x00", "", " "]),
)

#: Text of an amount cell: mostly number-like, sometimes anything.
amount_text = st.one_of(
    st.from_regex(r"\A[-(]?(Rp\.? ?)?[0-9]{1,16}([.,][0-9]{1,4}){0,4}(,-|\))?%?\Z", fullmatch=True),
    st.from_regex(r"\A[0-9]{1,3}(e|E)[-+]?[0-9]{1,9}\Z", fullmatch=True),
    cell_text,
)


def csv_grid(cells: st.SearchStrategy[str] = cell_text, *, max_rows: int = 8, max_cols: int = 6
             ) -> st.SearchStrategy[list[list[str]]]:
    """Rows of cells (ragged widths allowed)."""
    return st.lists(st.lists(cells, max_size=max_cols), max_size=max_rows)


def encode_csv(rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    """The CSV text of ``rows`` in ``encoding`` (characters it cannot hold become '?')."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(encoding, "replace")


@st.composite
def mutated_bytes(draw: Callable, data: bytes, max_edits: int = 4) -> bytes:
    """``data`` with a few edits: flipped bytes, deleted or inserted runs, or a truncation."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, max_edits))):
        if not out:
            break
        kind = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "overwrite"]))
        pos = draw(st.integers(0, len(out) - 1))
        if kind == "flip":
            out[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "delete":
            del out[pos:pos + draw(st.integers(1, 64))]
        elif kind == "insert":
            out[pos:pos] = draw(st.binary(min_size=1, max_size=32))
        elif kind == "overwrite":
            patch = draw(st.binary(min_size=1, max_size=16))
            out[pos:pos + len(patch)] = patch
        else:
            del out[pos:]
    return bytes(out)


def rezip(members: dict[str, bytes]) -> bytes:
    """A deflated zip of ``members`` (name -> bytes), in order, with fixed member dates (same bytes
    on every run)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    """The zip ``data`` with member ``name`` replaced by ``content`` (the others kept)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members[name] = content
    return rezip(members)


@st.composite
def mutated_zip(draw: Callable, data: bytes, max_edits: int = 4) -> bytes:
    """A zip whose archive is sound but one member's bytes are mutated (what the parsers see)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    name = draw(st.sampled_from(sorted(members)))
    members[name] = draw(mutated_bytes(members[name], max_edits))
    return rezip(members)
