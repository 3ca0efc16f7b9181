"""The Jadwal Rilis on the portal: the action, the page and the iCalendar feed, from a dataset
the walidata publishes and a Daftar Data line that was never published."""
from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

pytestmark = pytest.mark.usefixtures("portal")


def test_due_dates_on_the_action_the_page_and_the_feed(app: Any, satudata_world: Any, tmp_path: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "daftar-data" / "2025"
    folder.mkdir(parents=True)
    (folder / "dinkes.yaml").write_text("data:\n  - judul: Kasus DBD\n    frekuensi: bulanan\n"
                                        "    rilis: [2025-01-31]\n", encoding="utf-8")
    monkeypatch.setitem(tk.config, "bandaaceh.daftar_data_dir", str(tmp_path / "daftar-data"))
    world = satudata_world()
    pkg = world.dataset("kunjungan-puskesmas", frekuensi="mingguan")
    helpers.call_action("satudata_ajukan", {"user": world.produsen["name"]}, id=pkg["id"])
    helpers.call_action("satudata_verifikasi", {"user": world.walidata["name"]}, id=pkg["id"])
    released = dt.date.today()  # published (and its table loaded) today: next due one week later

    later = released + dt.timedelta(days=10)
    result = helpers.call_action("satudata_jadwal", {}, tanggal=later.isoformat())["results"]
    assert [(i["judul"], i["tanggal"], i["status"], i["hari_terlambat"]) for i in result] == [
        ("Kasus DBD", "2025-01-31", "terlambat", (later - dt.date(2025, 1, 31)).days),
        ("Kunjungan Puskesmas", (released + dt.timedelta(days=7)).isoformat(), "terlambat", 3),
    ]
    assert result[1]["terakhir"] == released.isoformat() and result[1]["skpd_title"] == "Dinas Kesehatan"
    assert helpers.call_action("satudata_jadwal", {}, skpd="dishub")["results"] == []

    page = app.get("/jadwal-rilis").get_data(as_text=True)  # today: the dataset is due in a week
    late, soon = page.split('id="jadwal-terlambat"')[1].split('id="jadwal-akan-datang"')
    assert "Kasus DBD" in late and "Kunjungan Puskesmas" not in late
    assert 'data-dataset="kunjungan-puskesmas"' in soon

    feed = app.get("/jadwal-rilis.ics")
    assert feed.headers["Content-Type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(feed.get_data()).walk("VEVENT")
    assert sorted((str(e["summary"]), e["dtstart"].dt) for e in events) == [
        ("Kasus DBD (Dinas Kesehatan)", dt.date(2025, 1, 31)),
        ("Kunjungan Puskesmas (Dinas Kesehatan)", released + dt.timedelta(days=7))]
