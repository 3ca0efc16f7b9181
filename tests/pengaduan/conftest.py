"""Shared by the complaint tests: channel exports written as xlsx, as the channels' tools do."""
from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
import pytest


def _xlsx(header: list, rows: list[list], title: str | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
        ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def xlsx_export() -> Callable[..., bytes]:
    """``xlsx_export(header, rows, title=None)``: an export with an optional title above the header."""
    return _xlsx
