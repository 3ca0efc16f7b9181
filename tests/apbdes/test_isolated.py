"""Reading a budget in the memory-capped child (apbdes/isolated.py): the same budget and problems
as in the caller's process, and a named problem instead of a dead caller when memory runs out."""
from __future__ import annotations

from pathlib import Path

from ckanext.bandaaceh.apbdes import load_reference, read_budget, validate
from ckanext.bandaaceh.apbdes.isolated import read_checked_isolated

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "apbdes"
KAMPUNG_BARU = "11.71.01.2001"


def test_child_reads_the_same_budget_and_problems_as_the_caller() -> None:
    for name in ("penjabaran.xlsx", "penjabaran.xls", "broken-jumlah.xlsx"):
        data = (FIXTURES / name).read_bytes()
        ref = load_reference()
        here = read_budget(data, name, gampong=KAMPUNG_BARU, tahun=2025, reference=ref)
        budget, problems = read_checked_isolated(data, name, config_dir=None, memory_limit_mb=2048, timeout=120,
                                                 gampong=KAMPUNG_BARU, tahun=2025)
        assert budget == here, name
        assert problems == validate(here, ref), name


def test_unreadable_file_is_one_problem() -> None:
    budget, problems = read_checked_isolated(b"bukan anggaran", "catatan.csv", config_dir=None, memory_limit_mb=2048,
                                             timeout=120, gampong=KAMPUNG_BARU)
    assert budget is None and len(problems) == 1 and problems[0].severity == "error"
    assert problems[0].code != "memory_limit"


def test_out_of_memory_is_a_named_problem() -> None:
    data = b"A" * (30 * 2**20)  # one 30 MB cell: reading it needs several copies
    budget, problems = read_checked_isolated(data, "bom.csv", config_dir=None, memory_limit_mb=64, timeout=120,
                                             gampong=KAMPUNG_BARU)
    assert budget is None and [p.code for p in problems] == ["memory_limit"]
    assert "bom.csv" in problems[0].message and "64 MB" in problems[0].message
    assert "bandaaceh.apbdes.job_memory_limit" in problems[0].message
