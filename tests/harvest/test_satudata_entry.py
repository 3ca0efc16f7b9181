"""Harvested datasets in the Satu Data process: a first harvest submits the dataset to the
walidata (``diajukan``, private) unless the source says ``auto_terbit: true``; a re-harvest
keeps the state, so a published dataset stays published."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
import pytest

from ckanext.bandaaceh.harvest.config import ConfigError, Rules, parse_config

from .test_harvest import entry


def test_first_harvest_submits_and_reharvest_keeps_the_state(harvest: Any, server: Any, app: Any) -> None:
    server.put("sekolah.csv")
    src = harvest.source([entry(server, "plain/sekolah.csv", "sekolah-2024")], auto_terbit=False)
    assert harvest.run(src).created == 1
    ds = harvest.dataset("sekolah-2024")
    assert (ds["status_satudata"], ds["private"]) == ("diajukan", True)
    assert app.get("/dataset/sekolah-2024").status_code == 404  # not public yet
    history = tk.get_action("satudata_status")(harvest.context(), {"id": "sekolah-2024"})["riwayat"]
    assert [(h["dari"], h["ke"]) for h in history] == [("draf", "diajukan")]
    queue = tk.get_action("satudata_antrian")(harvest.context(), {})["results"]
    assert [d["name"] for d in queue] == ["sekolah-2024"]

    # the file changes while it waits: still diajukan, still private
    server.put("sekolah.csv", b"kecamatan,sekolah\nMeuraxa,7\n")
    assert harvest.run(src).updated == 1
    assert harvest.dataset("sekolah-2024")["status_satudata"] == "diajukan"


def test_auto_terbit_publishes_and_reharvest_keeps_it_published(harvest: Any, server: Any, app: Any) -> None:
    server.put("sekolah.csv")
    src = harvest.source([entry(server, "plain/sekolah.csv", "sekolah-2024")], auto_terbit=True)
    harvest.run(src)
    assert (harvest.dataset("sekolah-2024")["status_satudata"], harvest.dataset("sekolah-2024")["private"]) == \
        ("terbit", False)
    # the source stops auto-publishing: what is published stays published on re-harvest
    harvest.update_source(src, [entry(server, "plain/sekolah.csv", "sekolah-2024", title="Sekolah (revisi)")],
                          auto_terbit=False)
    server.put("sekolah.csv", b"kecamatan,sekolah\nMeuraxa,7\n")
    assert harvest.run(src).updated == 1
    ds = harvest.dataset("sekolah-2024")
    assert (ds["title"], ds["status_satudata"], ds["private"]) == ("Sekolah (revisi)", "terbit", False)
    assert app.get("/dataset/sekolah-2024").status_code == 200


@pytest.mark.parametrize("value", ["ya", 1, None])
def test_auto_terbit_must_be_a_boolean(value: Any) -> None:
    config = {"auto_terbit": value, "entries": [{"url": "https://dinkes.example/a.csv", "name": "a-2024",
                                                 "title": "A", "notes": "n", "frekuensi": "tahunan",
                                                 "cakupan": "kota", "tahun": "2024"}]}
    with pytest.raises(ConfigError, match="'auto_terbit' harus true atau false"):
        parse_config(config, Rules(), google_base="https://docs.google.com/spreadsheets")
