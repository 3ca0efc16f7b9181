"""SP4N-LAPOR! figures owned by each SKPD (issue 13 item 1): an SKPD imports its own rows only, the
city's LAPOR! administrator (Diskominfotik) imports the city-wide export, split per SKPD and
published all or nothing across the SKPD datasets; the summary adds the datasets up with as many
queries for two datasets as for one.

The export: the hand-counted July dates of ``tests/pengaduan/cases.py`` (working days in the
comments there), sent to two SKPD. LAPOR! standard: response within 3 working days.
"""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories
from ckanext.datastore.backend.postgres import get_read_engine, get_write_engine

from ckanext.bandaaceh import datastore

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")
D = dt.date
HEADER = ["No", "Tanggal Masuk", "Kategori", "Instansi Tujuan", "Status", "Tanggal Respon", "Tanggal Selesai"]
# Dinkes: response after 3 and 0 working days (both within 3), both closed -> median 1.5, 100.0 %
# BPBD: response after 5 working days (late), still open -> median 5, 0.0 %
CITY = [[1, D(2025, 7, 7), "Kesehatan", "Dinas Kesehatan", "Selesai", D(2025, 7, 10), D(2025, 7, 21)],
        [2, D(2025, 7, 8), "Kesehatan", "dinkes", "Selesai", D(2025, 7, 8), D(2025, 7, 11)],
        [3, D(2025, 7, 14), "Banjir", "Badan Penanggulangan Bencana Daerah", "Proses", D(2025, 7, 21), None]]
DINKES, BPBD = "pengaduan-lapor-dinkes-2025", "pengaduan-lapor-bpbd-2025"


@pytest.fixture
def skpd(operator: dict[str, Any], skpd_org: Any) -> dict[str, dict[str, Any]]:
    """Dinkes with its editor, BPBD; ``operator`` is the editor of Diskominfotik (LAPOR! city admin)."""
    editor = factories.User()
    return {"editor": editor,
            "dinkes": skpd_org(name="dinkes", title="Dinas Kesehatan",
                               users=[{"name": editor["name"], "capacity": "editor"}]),
            "bpbd": skpd_org(name="bpbd", title="Badan Penanggulangan Bencana Daerah")}


@pytest.fixture
def run(xlsx_export: Any) -> Any:
    """``run(user, rows)``: ``pengaduan_import`` of a LAPOR! case-level export of ``rows`` as ``user``."""
    def call(user: str, rows: list[list[Any]]) -> dict[str, Any]:
        return tk.get_action("pengaduan_import")({"user": user}, {
            "upload": FileStorage(io.BytesIO(xlsx_export(HEADER, rows)), filename="lapor-2025-07.xlsx"),
            "kanal": "lapor"})
    return call


def statements(call: Any) -> int:
    """How many SQL statements ``call`` sends to the CKAN and the DataStore databases."""
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)
    engines = [model.meta.engine, get_read_engine(), get_write_engine()]
    for engine in engines:
        sa.event.listen(engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        for engine in engines:
            sa.event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def tables(name: str) -> dict[str, list[dict[str, Any]]]:
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": name})
    return {r["pengaduan_role"]: tk.get_action("datastore_search")({"ignore_auth": True}, {
        "resource_id": r["id"], "sort": "_id"})["records"] for r in pkg["resources"]}


def test_an_skpd_imports_its_own_rows_only_then_the_city_wide_export_is_split(skpd, operator, run):
    editor = skpd["editor"]["name"]
    with pytest.raises(tk.ValidationError) as exc:
        run(editor, CITY)
    message = exc.value.error_dict["upload"][0]
    assert message.startswith("lapor-2025-07.xlsx, sheet 'Sheet', baris 4, kolom Instansi Tujuan: SKPD "
                              "'Badan Penanggulangan Bencana Daerah' bukan SKPD Anda (Dinas Kesehatan)"), message
    for name in (DINKES, BPBD):
        with pytest.raises(tk.ObjectNotFound):
            tk.get_action("package_show")({"ignore_auth": True}, {"id": name})
    with pytest.raises(tk.NotAuthorized):
        run(factories.User()["name"], CITY[:2])
    result = run(editor, CITY[:2])
    assert [d["name"] for d in result["dataset"]] == [DINKES] and result["kota"] is False
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": DINKES})
    assert pkg["owner_org"] == skpd["dinkes"]["id"]
    # "dinkes" (the organisation's URL name) is written as its title
    assert {(r["skpd"], r["jumlah"]) for r in tables(DINKES)["skpd"]} == {("Dinas Kesehatan", 2)}
    one = statements(lambda: tk.get_action("pengaduan_ringkasan")({}, {"tahun": 2025}))

    # the city's LAPOR! administrator: the city-wide export, split per SKPD
    result = run(operator["name"], CITY)
    assert result["kota"] is True and [d["name"] for d in result["dataset"]] == [BPBD, DINKES]
    assert tk.get_action("package_show")({"ignore_auth": True}, {"id": BPBD})["owner_org"] == skpd["bpbd"]["id"]
    dinkes, bpbd = tables(DINKES), tables(BPBD)
    assert [(r["periode"], r["jumlah"], float(r["median_hari_respon"]), r["jumlah_sesuai_standar"])
            for r in dinkes["ringkasan"]] == [("2025-07", 2, 1.5, 2)]
    assert [(r["periode"], r["jumlah"], float(r["median_hari_respon"]), r["jumlah_sesuai_standar"])
            for r in bpbd["ringkasan"]] == [("2025-07", 1, 5.0, 0)]
    data = tk.get_action("pengaduan_ringkasan")({}, {"tahun": 2025})
    # 3 in, 2 closed; 2 of 3 answered within the standard; medians 1.5 (x2) and 5 (x1): rank 2 -> 1.5
    assert data["bulan"] == [{"periode": "2025-07", "kanal": "lapor", "masuk": 3, "selesai": 2,
                              "median_hari_respon": "1.5", "persen_sesuai_standar": "66.7",
                              "standar_layanan": "respon 3 / selesai 5 hari kerja"}]
    assert [(s["skpd"], s["jumlah"], s["persen_sesuai_standar"], s["median_hari_respon"]) for s in data["skpd"]] == [
        ("Dinas Kesehatan", 2, "100.0", "1.5"), ("Badan Penanggulangan Bencana Daerah", 1, "0.0", "5")]
    assert {d["name"] for d in data["dataset"]} == {BPBD, DINKES}
    # the summary reads all datasets' tables at once: no query per dataset
    assert statements(lambda: tk.get_action("pengaduan_ringkasan")({}, {"tahun": 2025})) == one
    # the Rapor SKPD's complaint response per SKPD
    rapor = {r["skpd"]: r["pengaduan_median_hari_respon"]
             for r in tk.get_action("satudata_rapor")({}, {"tanggal": "2025-12-31"})["skpd"]}
    assert (rapor["dinkes"], rapor["bpbd"], rapor["diskominfotik"]) == (Decimal("1.5"), Decimal("5"), None)
    # the city-wide export of July again, without BPBD: July is replaced in BPBD's dataset too
    run(operator["name"], CITY[:2])
    assert tables(BPBD)["ringkasan"] == [] and len(tables(DINKES)["ringkasan"]) == 1
    assert [m["masuk"] for m in tk.get_action("pengaduan_ringkasan")({}, {"tahun": 2025})["bulan"]] == [2]


def test_a_datastore_failure_in_one_skpd_dataset_publishes_none(skpd, operator, run):
    run(operator["name"], CITY)
    before = {name: (tk.get_action("package_show")({"ignore_auth": True}, {"id": name}), tables(name))
              for name in (BPBD, DINKES)}
    # A real DataStore error while switching Dinkes's table (published after BPBD's): a sequence
    # standing where the new table's sequence must go ("relation already exists").
    rid = next(r["id"] for r in before[DINKES][0]["resources"] if r["pengaduan_role"] == "rincian")
    engine = get_write_engine()
    with engine.begin() as conn:
        conn.execute(sa.text(f'ALTER SEQUENCE "{rid}__id_seq" RENAME TO "{rid}__kept"'))
        conn.execute(sa.text(f'CREATE SEQUENCE "{rid}__id_seq"'))
    august = [[4, D(2025, 8, 15), "Banjir", "BPBD", "Proses", D(2025, 8, 19), None]]
    later = [[n, D(2025, 7, 1), "Lainnya", s, "Baru", None, None] for n, s in ((5, "dinkes"), (6, "bpbd"))]
    try:
        with pytest.raises(tk.ValidationError) as exc:
            run(operator["name"], CITY + august + later)
        assert "Penerbitan dibatalkan saat membangun tabel DataStore" in exc.value.error_dict["upload"][0]
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SEQUENCE "{rid}__id_seq"'))
            conn.execute(sa.text(f'ALTER SEQUENCE "{rid}__kept" RENAME TO "{rid}__id_seq"'))
    unchanged(before)
    # A refusal by CKAN in the second dataset's update, after the first one's (deferred) update
    # and index entry: both roll back, the index is put back.
    bpbd, dinkes = (dict(before[name][0], title="Diganti") for name in (BPBD, DINKES))
    with pytest.raises(tk.ValidationError) as exc:
        datastore.publish_all({"user": operator["name"], "ignore_auth": True}, [
            datastore.Publication(bpbd, {}), datastore.Publication(dict(dinkes, tahun="bukan tahun"), {})])
    assert "tahun" in exc.value.error_dict
    unchanged(before)


def unchanged(before: dict[str, tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """The datasets, their tables and their search index entries are as in ``before``."""
    for name, (pkg, rows) in before.items():
        now = tk.get_action("package_show")({"ignore_auth": True}, {"id": name})
        assert (now["metadata_modified"], now["title"], now["bulan_terakhir"]) == \
            (pkg["metadata_modified"], pkg["title"], "2025-07")
        assert tables(name) == rows
    found = tk.get_action("package_search")({}, {"fq": "+dataset_type:pengaduan +kanal:lapor"})["results"]
    assert sorted((p["name"], p["title"], p["bulan_terakhir"]) for p in found) == sorted(
        (name, pkg["title"], "2025-07") for name, (pkg, _rows) in before.items())
