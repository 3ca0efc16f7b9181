"""All-or-nothing publishing of harvested spreadsheets (issue 9 item 5), against the real stack.

A harvested dataset whose spreadsheet changed is re-harvested while one real fault hits one
step of publishing: a PostgreSQL error while the new DataStore table is loaded, Solr
unreachable when the dataset is indexed, the file store full at the second file. The object
errors, and the dataset (package_show, search index entry, stored files, DataStore tables with
their oids and rows, activities) is exactly as before; a new spreadsheet leaves nothing behind.
"""
from __future__ import annotations

import os
from typing import Any

import pytest

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh import datastore
from ckanext.bandaaceh.harvest import publish as hpublish

pytestmark = pytest.mark.usefixtures("portal")

NAME = "imunisasi-2024"


def _entry(server: Any) -> dict[str, Any]:
    return {"url": server.url("files/imunisasi.xlsx"), "name": NAME, "title": "Imunisasi 2024"}


def _snapshot(harvest: Any, faults: Any, name: str = NAME) -> dict[str, Any]:
    snap = harvest.snapshot(name)
    found = tk.get_action("package_search")({"ignore_auth": True}, {"fq": f'name:"{name}"'})["results"]
    return dict(snap, files=faults.snapshot_files(snap["dataset"]), search=found)


def _text_columns_as_integers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text columns declared int8: PostgreSQL refuses 'Puskesmas ...' while the table is loaded."""
    monkeypatch.setitem(hpublish.DATASTORE_TYPES, "text", "int8")


def _solr_down_after_the_tables_are_built(faults: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Solr unreachable from the moment the new tables are built until the publication ends (the
    rest of the harvest job, which indexes its source, talks to Solr again)."""
    publish, switch = datastore.publish, datastore._switch

    def publish_with_solr_down(*args: Any, **kwargs: Any) -> Any:
        with monkeypatch.context() as m:
            def then_solr_down(*a: Any) -> None:
                switch(*a)
                m.setitem(tk.config, "solr_url", f"http://127.0.0.1:{faults.closed_port()}/solr/ckan")
            m.setattr(datastore, "_switch", then_solr_down)
            return publish(*args, **kwargs)
    monkeypatch.setattr(datastore, "publish", publish_with_solr_down)


def _failed(report: Any) -> str:
    (obj,) = report.objects
    assert obj.status == "errored", obj
    return " ".join(obj.errors)


@pytest.mark.parametrize("fault, expected", [
    ("datastore", "membangun tabel DataStore"),
    ("solr", "indeks pencarian"),
])
def test_a_fault_while_publishing_a_changed_spreadsheet_changes_nothing(harvest, server, faults, monkeypatch,
                                                                       fault, expected):
    server.put("imunisasi.xlsx")
    src = harvest.source([_entry(server)])
    assert harvest.run(src).created == 1
    before = _snapshot(harvest, faults)
    server.put("imunisasi.xlsx", "imunisasi-v2.xlsx")
    with monkeypatch.context() as m:
        if fault == "datastore":
            _text_columns_as_integers(m)
        else:
            _solr_down_after_the_tables_are_built(faults, m)
        message = _failed(harvest.run(src))
    assert expected in message, message
    assert _snapshot(harvest, faults) == before
    assert not [t for t in faults.datastore_tables() if t.startswith(datastore.STAGE_PREFIX)]
    # the fault gone, the next run publishes the change
    assert harvest.run(src).updated == 1


def test_file_store_full_at_the_second_file_changes_nothing(harvest, server, faults, tmp_path):
    with faults.small_storage(tmp_path / "store") as store:
        server.put("imunisasi.xlsx")
        src = harvest.source([_entry(server)])
        assert harvest.run(src).created == 1
        before = _snapshot(harvest, faults)
        table = next(r for r in before["dataset"]["resources"] if r["name"] == "Imunisasi")
        changed_csv = os.path.getsize(faults.stored_file(table["id"])) + 100  # one value changed
        server.put("imunisasi.xlsx", "imunisasi-v2.xlsx")
        # room for the changed table's CSV (uploaded first), none for the original workbook
        faults.fill(store, faults.pages(changed_csv))
        message = _failed(harvest.run(src))
        assert "No space left" in message, message
        (store / "filler").unlink()
        assert _snapshot(harvest, faults) == before


def test_a_new_spreadsheet_that_fails_to_publish_leaves_nothing(harvest, server, faults, monkeypatch):
    server.put("imunisasi.xlsx")
    src = harvest.source([_entry(server)])
    tables = faults.datastore_tables()
    with monkeypatch.context() as m:
        _text_columns_as_integers(m)
        _failed(harvest.run(src))
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})
    assert faults.datastore_tables() == tables  # no table, no staging table
    assert harvest.run(src).created == 1
    assert harvest.dataset(NAME)["state"] == "active"
