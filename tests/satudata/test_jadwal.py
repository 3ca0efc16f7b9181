"""The schedule arithmetic of the Jadwal Rilis, for each frekuensi (pure Python)."""
from __future__ import annotations

import datetime as dt

import pytest

from ckanext.bandaaceh.satudata.jadwal import PERIODS, due_state, next_release

D = dt.date


@pytest.mark.parametrize("frekuensi, last, expected", [
    ("harian", D(2025, 12, 31), D(2026, 1, 1)),
    ("mingguan", D(2025, 3, 3), D(2025, 3, 10)),
    ("bulanan", D(2025, 1, 31), D(2025, 2, 28)),     # end of month: the last day of the shorter month
    ("bulanan", D(2024, 1, 31), D(2024, 2, 29)),     # leap year
    ("triwulanan", D(2025, 11, 30), D(2026, 2, 28)),
    ("semesteran", D(2025, 8, 31), D(2026, 2, 28)),
    ("tahunan", D(2024, 2, 29), D(2025, 2, 28)),
    ("lima_tahunan", D(2020, 6, 1), D(2025, 6, 1)),
    ("tidak_tentu", D(2025, 1, 1), None),
])
def test_one_period_after_the_last_release(frekuensi, last, expected) -> None:
    assert next_release(frekuensi, last) == expected


def test_every_frekuensi_of_the_schema_has_a_rule() -> None:
    import yaml
    from pathlib import Path

    schema = yaml.safe_load((Path(__file__).resolve().parents[2] / "ckanext-bandaaceh" / "ckanext" / "bandaaceh"
                             / "schemas" / "dataset.yaml").read_text())
    field = next(f for f in schema["dataset_fields"] if f["field_name"] == "frekuensi")
    assert sorted(c["value"] for c in field["choices"]) == sorted(PERIODS)


def test_planned_dates_of_the_daftar_data_come_first() -> None:
    plan = [D(2025, 7, 31), D(2025, 1, 31)]
    assert next_release("semesteran", D(2024, 12, 20), plan) == D(2025, 1, 31)
    assert next_release("semesteran", D(2025, 2, 3), plan) == D(2025, 7, 31)
    # past the last planned date: one period after the last release
    assert next_release("semesteran", D(2025, 8, 1), plan) == D(2026, 2, 1)
    # never released: the first planned date; no plan and no release: no schedule
    assert next_release("tahunan", None, plan) == D(2025, 1, 31)
    assert next_release("tahunan", None) is None


def test_late_upcoming_on_time() -> None:
    today = D(2025, 3, 10)
    late = due_state(D(2025, 2, 28), today)
    assert (late.status, late.hari_terlambat) == ("terlambat", 10)
    assert due_state(D(2025, 3, 10), today).status == "akan datang"   # due today: not late yet
    assert due_state(D(2025, 4, 9), today).status == "akan datang"    # 30 days ahead
    assert due_state(D(2025, 4, 10), today).status == "tepat waktu"   # 31 days ahead
    assert due_state(None, today) is None
