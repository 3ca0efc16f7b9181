"""Implausible amounts are refused (issue 9 item 8): negative pendapatan/belanja lines, a line
above ``bandaaceh.apbdes.max_line_amount``, a total above ``bandaaceh.apbdes.max_budget_amount``.

Each file is balanced (every total and the SILPA agree with its lines, computed from the
generated spec), so only the new checks can refuse it.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import ckan.plugins.toolkit as tk

from .conftest import KAMPUNG_BARU, fixture_module, run_import

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")


def _file(tmp_path: Path, change, fmt: str = "xlsx") -> tuple[Path, int]:
    """A balanced penjabaran file after ``change(leaf)`` on its first belanja leaf; (path, row).
    The CSV writes amounts as text, exact at any size (an xlsx cell is a float)."""
    mf = fixture_module()
    spec = mf.random_spec(7, KAMPUNG_BARU, "Kampung Baru", "Baiturrahman", 2025, 30)
    leaf = next(lf for lf in spec.leaves if lf.account.startswith("5"))
    change(leaf)
    # keep the budget balanced: the largest pendapatan line takes the difference
    income = max((lf for lf in spec.leaves if lf.account.startswith("4")), key=lambda lf: lf.amount)
    income.amount += spec.total("5") - spec.total("6.1") + spec.total("6.2") - spec.total("4")
    assert income.amount > 0
    grid = mf.penjabaran_grid(spec, text_amounts=fmt == "csv")
    path = tmp_path / f"apbg.{fmt}"
    (mf.write_csv if fmt == "csv" else mf.write_xlsx)(path, grid)
    return path, grid.marks[f"{leaf.kegiatan}:{leaf.account}"]


def _refusal(user: dict, org: dict, path: Path) -> list[dict]:
    with pytest.raises(tk.ValidationError) as err:
        run_import(user["name"], path, gampong=org["name"], tahun=2025, tahap="murni")
    return err.value.error_dict["problems"]


def test_negative_belanja_line_is_refused_naming_the_row(operator, tmp_path):
    org, user = operator()
    path, row = _file(tmp_path, lambda lf: setattr(lf, "amount", -lf.amount))
    problems = _refusal(user, org, path)
    found = [(p["code"], p["row"], p["field"]) for p in problems if p["code"] == "negative_amount"]
    assert found == [("negative_amount", row, "anggaran")], problems


def test_a_line_of_ten_to_the_25_is_refused_as_line_and_as_budget(operator, tmp_path):
    org, user = operator()
    path, row = _file(tmp_path, lambda lf: setattr(lf, "amount", 10**25), fmt="csv")
    errors = {(p["code"], p["row"]) for p in _refusal(user, org, path) if p["severity"] == "error"}
    # balanced: no sum or SILPA error, only the new bounds
    assert {code for code, _ in errors} == {"amount_too_large", "budget_too_large"}, errors
    assert ("amount_too_large", row) in errors


@pytest.mark.ckan_config("bandaaceh.apbdes.max_line_amount", "1000000")
def test_line_ceiling_is_configurable(operator, tmp_path):
    org, user = operator()
    path, row = _file(tmp_path, lambda lf: setattr(lf, "amount", 1_250_000))
    problems = _refusal(user, org, path)
    assert ("amount_too_large", row) in {(p["code"], p["row"]) for p in problems}


def test_plausible_budget_is_published(operator, tmp_path):
    org, user = operator()
    path, _ = _file(tmp_path, lambda lf: None)
    assert run_import(user["name"], path, gampong=org["name"], tahun=2025, tahap="murni")["published"]
