"""Solr down during an APBG import: refused, and nothing half-written (dataset, resources,
DataStore tables and rows stay exactly as before; a new gampong's dataset does not appear)."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from .conftest import FIXTURES, NEUSU_JAYA, run_import

pytestmark = pytest.mark.usefixtures("portal", "clean_datastore")

NAME = "apbg-kampung-baru-2025-murni"


def datastore_state() -> dict[str, int]:
    """Every DataStore table with its row count, read over a connection of its own."""
    engine = sa.create_engine(tk.config["ckan.datastore.write_url"])
    try:
        with engine.connect() as conn:
            tables = conn.execute(sa.text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE '\\_%'"
            )).scalars().all()
            return {t: conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}
    finally:
        engine.dispose()


def packages_in_db() -> dict[str, str]:
    """name -> metadata_modified of the active packages, as committed (fresh session)."""
    model.Session.remove()
    rows = model.Session.query(model.Package.name, model.Package.metadata_modified) \
        .filter(model.Package.state == "active", model.Package.type == "apbdes").all()
    return {name: str(modified) for name, modified in rows}


def api_import(app, token, gampong, fixture):
    return app.post("/api/3/action/apbdes_import", headers={"Authorization": token}, data={
        "gampong": gampong, "tahun": "2025",
        "upload": (io.BytesIO((FIXTURES / fixture).read_bytes()), fixture)})


def test_import_while_solr_is_down_is_refused_and_writes_nothing(app, operator, solr_down):
    org, user = operator()
    other_org, _ = operator(NEUSU_JAYA, user=user)
    assert run_import(user["name"], FIXTURES / "penjabaran.xlsx", gampong=org["name"], tahun=2025)["published"]
    before_pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})
    before_db, before_ds = packages_in_db(), datastore_state()
    token = factories.APIToken(user=user["name"])["token"]

    outage = solr_down()
    for gampong, fixture in ((org["name"], "siskeudes.zip"), (other_org["name"], "penjabaran.xlsx")):
        resp = api_import(app, token, gampong, fixture)
        body = resp.get_data(as_text=True)
        assert resp.status_code >= 400 and resp.json["success"] is False, body
        assert "Traceback" not in body
    outage.up()

    assert packages_in_db() == before_db        # no new dataset, the old one not touched
    assert datastore_state() == before_ds       # no new table, no row added or removed
    after_pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": NAME})
    assert after_pkg == before_pkg
    found = tk.get_action("package_search")({"ignore_auth": True}, {"fq": "dataset_type:apbdes"})
    assert [p["name"] for p in found["results"]] == [NAME]
    # with Solr back, the same import goes through
    assert api_import(app, token, org["name"], "siskeudes.zip").json["success"]
