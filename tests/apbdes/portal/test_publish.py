"""All-or-nothing publishing of budgets (issue 9 item 5), against the real stack.

A published budget is replaced by another file while one real fault is injected at one step of
publishing: a PostgreSQL error while the new DataStore table is loaded, Solr unreachable when
the dataset is indexed, the file store full while the second file is written. Afterwards
everything a reader can see must be exactly as before: package_show, the search index entry,
the stored files (sha256, no stray files), the DataStore rows and columns, the transparency
overview and the city-wide CSV. A new budget that fails leaves no dataset, table or file behind.
Control characters (a NUL in a CSV past its first 64 KiB, ``_x0000_`` in an xlsx) are refused
before anything is written, naming file, row and column.
"""
from __future__ import annotations

import csv
import datetime as dt
import gc
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg2
import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan.lib import jobs

from ckanext.bandaaceh import apbdes, datastore
from ckanext.bandaaceh.apbdes.portal import importer
from ckanext.bandaaceh.apbdes.portal.transparency import transparency, transparency_csv

from .conftest import KAMPUNG_BARU, fixture_module, run_import

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")

NAME = "apbg-kampung-baru-2025-murni"


def _search(name: str) -> dict[str, Any] | None:
    found = tk.get_action("package_search")({"ignore_auth": True}, {"fq": f'name:"{name}"', "rows": 1})
    return found["results"][0] if found["results"] else None


def _table(resource_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    res = tk.get_action("datastore_search")({"ignore_auth": True}, {
        "resource_id": resource_id, "limit": 10000, "sort": "_id", "include_total": True})
    return res["fields"], res["records"], res["total"]


def snapshot(faults: Any, app: Any, name: str = NAME) -> dict[str, Any]:
    """Everything a failed publication must leave exactly as it was."""
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": name})
    tables = {r["id"]: _table(r["id"]) for r in pkg["resources"] if r.get("datastore_active")}
    downloads = {r["id"]: app.get("/" + r["url"].split("://", 1)[1].split("/", 1)[1]).get_data()
                 for r in pkg["resources"]}
    return {"package": pkg, "search": _search(name), "files": faults.snapshot_files(pkg),
            "downloads": downloads, "tables": tables, "transparency": transparency(2025),
            "csv": "".join(transparency_csv(2025))}


@pytest.fixture
def gampong(operator: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    return operator(KAMPUNG_BARU)


@pytest.fixture
def two_versions(budget_file: Any) -> tuple[Path, Path]:
    """Two different murni budgets of Kampung Baru 2025 (different lines and totals)."""
    first = budget_file(KAMPUNG_BARU, "Kampung Baru", "Baiturrahman", seed=1, lines=40)
    second = budget_file(KAMPUNG_BARU, "Kampung Baru", "Baiturrahman", seed=2, lines=90)
    return first, second


def _publish(user: dict[str, Any], org: dict[str, Any], path: Path) -> dict[str, Any]:
    return run_import(user["name"], path, gampong=org["name"], tahun=2025, tahap="murni")


def _bad_column_type(monkeypatch: pytest.MonkeyPatch) -> None:
    """kode_rekening declared int: PostgreSQL refuses '5.1.1.01' while the table is loaded."""
    fields = importer._datastore_fields()
    for f in fields:
        if f["id"] == "kode_rekening":
            f["type"] = "int"
    monkeypatch.setattr(importer, "_datastore_fields", lambda: [dict(f) for f in fields])


def test_every_check_passes_then_the_datastore_fails_and_nothing_changes(app, faults, gampong, two_versions,
                                                                        monkeypatch):
    org, user = gampong
    _publish(user, org, two_versions[0])
    before = snapshot(faults, app)
    _bad_column_type(monkeypatch)
    with pytest.raises(tk.ValidationError) as err:
        _publish(user, org, two_versions[1])
    message = " ".join(err.value.error_dict["upload"])
    assert "membangun tabel DataStore" in message and "integer" in message, message
    assert snapshot(faults, app) == before
    assert not [t for t in faults.datastore_tables() if t.startswith(datastore.STAGE_PREFIX)]


def solr_goes_down_after_the_table_is_built(faults: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Solr unreachable from the moment the new table is built: the dataset's index update fails."""
    switch = datastore._switch

    def then_solr_down(*args: Any) -> None:
        switch(*args)
        monkeypatch.setitem(tk.config, "solr_url", f"http://127.0.0.1:{faults.closed_port()}/solr/ckan")
    monkeypatch.setattr(datastore, "_switch", then_solr_down)


def test_solr_down_while_indexing_changes_nothing(app, faults, gampong, two_versions, monkeypatch):
    org, user = gampong
    _publish(user, org, two_versions[0])
    before = snapshot(faults, app)
    with monkeypatch.context() as m:
        solr_goes_down_after_the_table_is_built(faults, m)
        with pytest.raises(tk.ValidationError) as err:
            _publish(user, org, two_versions[1])
    assert "indeks pencarian" in " ".join(err.value.error_dict["upload"])
    assert snapshot(faults, app) == before


def test_file_store_full_at_the_second_file_changes_nothing(app, faults, gampong, two_versions, tmp_path):
    org, user = gampong
    new_csv = apbdes.to_csv_bytes(apbdes.read_budget(two_versions[1], gampong=KAMPUNG_BARU, tahap="murni",
                                                     reference=apbdes.load_reference()))
    with faults.small_storage(tmp_path / "store") as store:
        _publish(user, org, two_versions[0])
        before = snapshot(faults, app)
        # room for the new CSV (written first, renamed over the old one) but not the new original
        faults.fill(store, faults.pages(len(new_csv)))
        assert two_versions[1].stat().st_size > 0
        with pytest.raises(tk.ValidationError) as err:
            _publish(user, org, two_versions[1])
        assert "No space left" in " ".join(err.value.error_dict["upload"])
        (store / "filler").unlink()
        assert snapshot(faults, app) == before


def test_the_same_faults_on_a_new_budget_leave_nothing_behind(app, faults, gampong, two_versions, monkeypatch):
    org, user = gampong
    tables = faults.datastore_tables()
    _bad_column_type(monkeypatch)
    with pytest.raises(tk.ValidationError):
        _publish(user, org, two_versions[0])
    monkeypatch.undo()
    with monkeypatch.context() as m:
        solr_goes_down_after_the_table_is_built(faults, m)
        with pytest.raises(tk.ValidationError):
            _publish(user, org, two_versions[0])
    assert tk.get_action("package_search")({"ignore_auth": True}, {"fq": "dataset_type:apbdes"})["count"] == 0
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})
    assert faults.datastore_tables() == tables  # no table, no staging table
    # and once the faults are gone the same file publishes completely
    result = _publish(user, org, two_versions[0])
    lines = next(r for r in result["dataset"]["resources"] if r["apbdes_role"] == "lines")
    assert faults.datastore_tables() == sorted([*tables, lines["id"]])


def test_replaced_table_is_typed_counted_searchable_and_documented(app, faults, gampong, two_versions):
    org, user = gampong
    first = _publish(user, org, two_versions[0])
    result = _publish(user, org, two_versions[1])
    # a changed budget is a modified dataset: DCAT's dct:modified and harvesters of the API follow it
    shown = tk.get_action("package_show")({"ignore_auth": True}, {"id": result["dataset"]["id"]})
    assert shown["metadata_modified"] > first["dataset"]["metadata_modified"]
    lines = next(r for r in result["dataset"]["resources"] if r["apbdes_role"] == "lines")
    assert lines["datastore_active"] is True
    budget = apbdes.read_budget(two_versions[1], gampong=KAMPUNG_BARU, tahap="murni",
                                reference=apbdes.load_reference())
    expected = list(csv.DictReader(apbdes.to_csv_bytes(budget).decode("utf-8").splitlines()))
    fields, records, total = _table(lines["id"])
    assert total == len(expected) == budget.summary().line_count
    assert [f["id"] for f in fields] == ["_id", *apbdes.CSV_COLUMNS]
    types = {f["id"]: f["type"] for f in fields}
    assert types["anggaran"] == "numeric" and types["tahun"] == "int4" and types["uraian"] == "text"
    assert next(f for f in fields if f["id"] == "anggaran")["info"]["label"] == importer.COLUMN_INFO["anggaran"][0]
    assert [r["kode_rekening"] for r in records] == [e["kode_rekening"] for e in expected]
    assert sum(Decimal(r["anggaran"]) for r in records) == sum(Decimal(e["anggaran"]) for e in expected)
    # full text search finds a description of the new file, as the DataStore's own trigger would
    word = expected[0]["uraian"].split()[0]
    hits = tk.get_action("datastore_search")({"ignore_auth": True}, {"resource_id": lines["id"], "q": word})
    assert hits["total"] == sum(1 for e in expected if word.lower() in e["uraian"].lower().split())
    assert lines["id"] in faults.datastore_tables()
    assert not [t for t in faults.datastore_tables() if t.startswith(datastore.STAGE_PREFIX)]


def test_a_new_budget_is_one_creation_with_its_files_and_a_reimport_one_change(app, gampong, two_versions):
    """A new budget is made by one package_create with both files: the activity stream says
    "new" once (no draft then "changed"), the dataset is active and public, both files are
    stored with their size; a re-import of another file is one "changed"."""
    org, user = gampong
    first = _publish(user, org, two_versions[0])["dataset"]
    assert first["state"] == "active" and first["private"] is False
    activities = tk.get_action("package_activity_list")({"ignore_auth": True}, {"id": first["id"]})
    assert [a["activity_type"] for a in activities] == ["new package"]
    assert activities[0]["user_id"] == tk.get_action("user_show")({"ignore_auth": True}, {"id": user["name"]})["id"]
    sizes = {}
    for res in first["resources"]:
        body = app.get("/" + res["url"].split("://", 1)[1].split("/", 1)[1]).get_data()
        assert res["url_type"] == "upload" and res["size"] == len(body) > 0
        sizes[res["apbdes_role"]] = len(body)
    assert sizes["source"] == two_versions[0].stat().st_size
    second = _publish(user, org, two_versions[1])["dataset"]
    assert second["id"] == first["id"]
    activities = tk.get_action("package_activity_list")({"ignore_auth": True}, {"id": first["id"]})
    assert [a["activity_type"] for a in activities] == ["changed package", "new package"]
    assert _search(NAME)["jumlah_baris"] == second["jumlah_baris"] != first["jumlah_baris"]


# ---------------------------------------------------------------- control characters


def _leaf_row(grid: Any) -> int:
    """Index of the last belanja leaf row (code 5.x with a sumber dana) of a penjabaran grid."""
    return max(i for i, r in enumerate(grid.rows)
               if len(r) > 3 and isinstance(r[0], str) and r[0].startswith("5.") and r[3])


def _csv_with_nul(tmp_path: Path) -> tuple[Path, int]:
    """A penjabaran CSV whose last belanja description holds a NUL, past its first 64 KiB; (path, row)."""
    mf = fixture_module()
    grid = mf.penjabaran_grid(mf.random_spec(3, KAMPUNG_BARU, "Kampung Baru", "Baiturrahman", 2025, 900),
                              text_amounts=True)
    i = _leaf_row(grid)
    grid.rows[i][1] = grid.rows[i][1] + "\x00 cadangan"
    path = tmp_path / "apbg-nul.csv"
    mf.write_csv(path, grid)
    assert path.read_bytes().index(b"\x00") > 64 * 1024
    return path, i + 1


def _xlsx_with_nul(tmp_path: Path) -> tuple[Path, int]:
    """A penjabaran xlsx whose last belanja description holds ``_x0000_`` (a NUL for readers)."""
    mf = fixture_module()
    grid = mf.penjabaran_grid(mf.random_spec(4, KAMPUNG_BARU, "Kampung Baru", "Baiturrahman", 2025, 30))
    i = _leaf_row(grid)
    grid.rows[i][1] = grid.rows[i][1] + "_x0000_"
    path = tmp_path / "apbg-nul.xlsx"
    mf.write_xlsx(path, grid)
    return path, i + 1


def test_nul_in_a_csv_past_64_kib_is_refused_naming_file_row_and_column(gampong, tmp_path):
    org, user = gampong
    path, row = _csv_with_nul(tmp_path)
    with pytest.raises(tk.ValidationError) as err:
        _publish(user, org, path)
    problem = next(p for p in err.value.error_dict["problems"] if p["code"] == "control_character")
    assert problem["row"] == row and problem["field"] == "uraian", problem
    assert problem["text"].startswith(path.name) and f"baris {row}: Kolom uraian" in problem["text"]
    assert "U+0000" in problem["text"] and "\\x00 cadangan" in problem["found"]
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})


def test_nul_escaped_in_an_xlsx_is_refused_and_the_published_budget_kept(app, faults, gampong, two_versions,
                                                                         tmp_path):
    org, user = gampong
    _publish(user, org, two_versions[0])
    before = snapshot(faults, app)
    path, row = _xlsx_with_nul(tmp_path)
    with pytest.raises(tk.ValidationError) as err:
        _publish(user, org, path)
    problem = next(p for p in err.value.error_dict["problems"] if p["code"] == "control_character")
    assert (problem["field"], problem["sheet"], problem["row"]) == ("uraian", "APBG", row), problem
    assert snapshot(faults, app) == before


def test_dry_run_reports_control_characters_too(gampong, tmp_path):
    org, user = gampong
    path, row = _csv_with_nul(tmp_path)
    result = run_import(user["name"], path, gampong=org["name"], tahun=2025, tahap="murni", dry_run=True)
    assert not result["can_publish"]
    assert [(p["code"], p["row"]) for p in result["problems"] if p["code"] == "control_character"] == [
        ("control_character", row)]


def test_datastore_module_refuses_tables_for_resources_not_in_the_package():
    with pytest.raises(ValueError):
        datastore.publish({}, {"id": "x", "resources": []}, {"nope": datastore.Table([], [])})


def test_loader_keeps_odd_column_names_and_values_exact():
    """Harvested headers may hold ':', '%' and quotes; text may hold TAB, LF, CR and backslashes."""
    fields = [{"id": "Jam: Mulai", "type": "text"}, {"id": "Persentase (%)", "type": "numeric"},
              {"id": "Nama 'Unit'", "type": "text"}, {"id": "Tanggal", "type": "date"},
              {"id": "Aktif", "type": "bool"}]
    rows = [("08:00", Decimal("12.5"), "alpha\tbeta\ngamma\rdelta\\eps", dt.date(2025, 1, 31), True),
            (None, None, "", None, False)]
    rid = datastore.new_resource_id()
    assert datastore.load_table(rid, datastore.Table(fields, rows)) == 2
    engine = sa.create_engine(tk.config["ckan.datastore.write_url"])
    try:
        with engine.connect() as conn:
            got = conn.execute(sa.text(f'SELECT "Jam: Mulai", "Persentase (%)", "Nama \'Unit\'", "Tanggal", '
                                       f'"Aktif" FROM "{rid}" ORDER BY _id')).all()
            words = conn.execute(sa.text(f'SELECT count(*) FROM "{rid}" '
                                         "WHERE _full_text @@ to_tsquery('gamma')")).scalar()
    finally:
        engine.dispose()
    assert [tuple(r) for r in got] == rows
    assert words == 1


@pytest.mark.parametrize("n", [0, 3])
def test_loaded_rows_are_numbered_in_order_and_later_rows_go_on_after_them(n):
    """The COPY gives ``_id`` 1..n itself (no nextval per row); the table's sequence is set so a row
    written later (as datastore_upsert's insert does) takes n + 1, not a duplicate key."""
    fields = [{"id": "nama", "type": "text"}]
    rid = datastore.new_resource_id()
    assert datastore.load_table(rid, datastore.Table(fields, [(f"baris {i}",) for i in range(1, n + 1)])) == n
    engine = sa.create_engine(tk.config["ckan.datastore.write_url"])
    try:
        with engine.begin() as conn:
            ids = conn.execute(sa.text(f'SELECT _id, nama FROM "{rid}" ORDER BY _id')).all()
            new = conn.execute(sa.text(f'INSERT INTO "{rid}" (nama) VALUES (\'baru\') RETURNING _id')).scalar()
    finally:
        engine.dispose()
    assert [tuple(r) for r in ids] == [(i, f"baris {i}") for i in range(1, n + 1)]
    assert new == n + 1


def _ds_search(resource_id: str, **kw: Any) -> dict[str, Any]:
    return tk.get_action("datastore_search")({"ignore_auth": True}, {"resource_id": resource_id, **kw})


@pytest.mark.ckan_config("bandaaceh.datastore.index_inline_rows", "2")
def test_a_table_over_the_inline_limit_is_live_at_once_and_found_by_q_once_its_job_ran():
    """Over ``index_inline_rows`` the full text comes from a queued job: before it runs the rows
    are served (filters, totals) but ``q`` finds none; after it, ``q`` finds exactly the rows
    holding the word, and the DataStore's full-text index exists."""
    fields = [{"id": "nama", "type": "text"}, {"id": "jumlah", "type": "int8"}]
    rows = [("Posyandu Melati", 1), ("Jalan Gampong", 2), ("posyandu mawar", 3)]
    queue = jobs.get_queue()
    queue.empty()
    rid = datastore.new_resource_id()
    assert datastore.load_table(rid, datastore.Table(fields, rows)) == 3
    assert _ds_search(rid)["total"] == 3
    assert _ds_search(rid, filters={"jumlah": 2})["records"][0]["nama"] == "Jalan Gampong"
    assert _ds_search(rid, q="posyandu")["total"] == 0
    (job,) = queue.jobs
    assert job.func_name == "ckanext.bandaaceh.datastore.index_table" and job.args == [rid]
    job.perform()
    found = _ds_search(rid, q="posyandu")
    assert sorted(r["jumlah"] for r in found["records"]) == [1, 3]
    engine = sa.create_engine(tk.config["ckan.datastore.write_url"])
    try:
        with engine.connect() as conn:
            indexes = conn.execute(sa.text("SELECT indexdef FROM pg_indexes WHERE tablename = :t"),
                                   {"t": rid}).scalars().all()
    finally:
        engine.dispose()
    assert any("_full_text" in i for i in indexes), indexes
    assert any("PRIMARY KEY" in i or "_pkey" in i for i in indexes), indexes


def _tables_left(rid: str) -> list[Any]:
    """The live or staging tables in the DataStore database for ``rid`` (none after a failed load)."""
    engine = sa.create_engine(tk.config["ckan.datastore.write_url"])
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT tablename FROM pg_tables WHERE tablename = :t "
                                        "OR tablename LIKE :s"), {"t": rid, "s": datastore.STAGE_PREFIX + "%"}).all()
    finally:
        engine.dispose()


def test_a_row_of_the_wrong_width_stops_the_load_and_nothing_goes_live():
    fields = [{"id": "nama", "type": "text"}, {"id": "jumlah", "type": "int8"}]
    rid = datastore.new_resource_id()
    with pytest.raises(psycopg2.Error, match="row 2 has 1 values, the table 2 columns"):
        datastore.load_table(rid, datastore.Table(fields, [("a", 1), ("b",), ("c", 3)]))
    # the encoding thread has stopped and the cyclic GC it paused runs again
    assert not [t for t in threading.enumerate() if t.name == "bandaaceh-copy"]
    assert gc.isenabled()
    assert _tables_left(rid) == []


def test_a_value_postgresql_refuses_far_into_a_large_load_stops_it_and_nothing_goes_live():
    """PostgreSQL refuses row 40,001 (text in an int8 column) while the encoding thread is chunks
    ahead: the COPY fails with PostgreSQL's message, the thread stops, no table is left."""
    fields = [{"id": "nama", "type": "text"}, {"id": "jumlah", "type": "int8"}]
    rows = [(f"baris {i}", i) for i in range(1, 60001)]
    rows[40000] = ("baris 40001", "empat puluh ribu")
    rid = datastore.new_resource_id()
    with pytest.raises(psycopg2.errors.InvalidTextRepresentation, match="line 40001.*empat puluh ribu"):
        datastore.load_table(rid, datastore.Table(fields, rows))
    assert not [t for t in threading.enumerate() if t.name == "bandaaceh-copy"]
    assert gc.isenabled()
    assert _tables_left(rid) == []
