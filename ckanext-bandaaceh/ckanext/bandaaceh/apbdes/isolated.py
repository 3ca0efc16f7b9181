"""Reading and checking a budget file in a separate, memory-capped process.

:func:`read_checked_isolated` runs :func:`~.reader.read_budget` and :func:`~.checks.validate` in a
child Python (``python -I -m ckanext.bandaaceh.apbdes.isolated``) whose address space is capped
(``spreadsheet/capped.py``): the workbook grids, the part of an import that grows with the file,
live and die there. A file that needs more memory than allowed, or more time, becomes one named
problem (``memory_limit``, ``read_timeout``) instead of ending the caller. Used by the background
import job (``apbdes/portal/jobs.py``).
"""
from __future__ import annotations

import json
import sys
from typing import Any

from ..reference import load as load_portal_reference
from ..spreadsheet.errors import N_, number
from ..spreadsheet.capped import CappedChildError, cap_memory, run_capped, write_result
from .checks import validate
from .errors import BudgetReadError
from .model import Budget, Problem
from .reader import read_budget

__all__ = ["read_checked_isolated"]

_MODEL = __name__.rsplit(".", 1)[0] + ".model"
_CLASSES = ({(_MODEL, n) for n in ("Budget", "BudgetLine", "StatedTotal", "Problem")} | {("decimal", "Decimal")}
            # a problem's SpreadsheetError and its phrases (labels, comparisons)
            | {(__name__.rsplit(".", 2)[0] + ".spreadsheet.errors", n) for n in ("_rebuild", "Phrase")})


def _allowed(module: str, name: str) -> bool:
    return (module, name) in _CLASSES


def _memory_problem(filename: str, limit_mb: int) -> Problem:
    return Problem.of("error", "memory_limit", N_(
        "Berkas {file} memerlukan lebih dari {limit} MB memori untuk dibaca (batas "
        "bandaaceh.apbdes.job_memory_limit); berkas tidak dapat diproses. Periksa apakah berkas berisi baris "
        "atau kolom kosong yang sangat banyak, atau pecah berkasnya."), {"file": filename, "limit": number(limit_mb)})


def read_checked_isolated(data: bytes, filename: str, *, config_dir: str | None, memory_limit_mb: int,
                          timeout: float, **params: Any) -> tuple[Budget | None, list[Problem]]:
    """``read_budget`` + ``validate`` of ``data`` in a capped child: ``(budget, problems)``, or
    ``(None, [problem])`` when the file cannot be read (also: out of memory, out of time).

    ``params``: ``gampong``, ``tahun``, ``tahap``, ``periode``, ``layout`` as for ``read_budget``;
    ``config_dir``: the portal's ``config/`` (its reference lists).
    """
    spec = json.dumps({"filename": filename, "config_dir": config_dir, "params": params})
    args = ["-I", "-m", __name__, str(memory_limit_mb * 2**20), spec]
    try:
        result = run_capped(args, data, timeout=timeout, allowed=_allowed)
    except CappedChildError as exc:
        if exc.kind == "timeout":
            return None, [Problem.of("error", "read_timeout", N_(
                "Pembacaan berkas {file} melebihi {seconds} detik (batas bandaaceh.apbdes.job_timeout); "
                "berkas tidak dapat diproses."), {"file": filename, "seconds": f"{timeout:.0f}"})]
        return None, [_memory_problem(filename, memory_limit_mb)]
    if result[0] == "memory":
        return None, [_memory_problem(filename, memory_limit_mb)]
    return result[1], result[2]


def _child_main() -> None:
    """argv: limit_bytes spec_json; the file on standard input; writes ("ok", budget, problems)."""
    cap_memory(int(sys.argv[1]))
    spec = json.loads(sys.argv[2])
    data = sys.stdin.buffer.read()
    try:
        ref = load_portal_reference(spec["config_dir"])
        try:
            budget = read_budget(data, spec["filename"], reference=ref, **spec["params"])
        except BudgetReadError as exc:
            result: tuple[Any, ...] = ("ok", None, [exc.problem])
        else:
            del data
            result = ("ok", budget, validate(budget, ref))
    except MemoryError:
        result = ("memory",)
    write_result(result)


if __name__ == "__main__":
    _child_main()
