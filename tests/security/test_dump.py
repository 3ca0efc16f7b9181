"""The DataStore's CSV/TSV output neutralises formula-leading text cells (security/dump.py),
against the real DataStore: TAB and CR (which spreadsheet imports strip, so no harvested table
has them) and the search API's csv records, with the values in the table kept exact."""
from __future__ import annotations

import csv
import io

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("clean_datastore")

VALUES = ["\\tcmd", "\\rcmd", "=1+1", "+1", "-1", "@A1", "aman", "a=b", "", None]


@pytest.fixture
def table(skpd_org, satu_data) -> str:
    """A public dataset's resource with a DataStore table (text and numeric columns)."""
    admin = factories.Sysadmin()
    dataset = factories.Dataset(user=admin, owner_org=skpd_org()["id"], **satu_data)  # a sysadmin's: public
    assert not dataset["private"]
    resource = factories.Resource(package_id=dataset["id"])
    tk.get_action("datastore_create")({"user": admin["name"]}, {
        "resource_id": resource["id"], "force": True,
        "fields": [{"id": "teks", "type": "text"}, {"id": "angka", "type": "numeric"}],
        "records": [{"teks": v, "angka": n} for v, n in zip(VALUES, [-5, -1.5, 0, 1, 2, 3, 4, 5, 6, 7])]})
    return resource["id"]


def _expected(value: str | None) -> str:
    if value is None:
        return ""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def test_dump_neutralises_tab_and_cr_too(app, table):
    res_id = table
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        text = app.get(f"/datastore/dump/{res_id}?format={fmt}").get_data(as_text=True)
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        assert [r[1] for r in rows[1:]] == [_expected(v) for v in VALUES]
        assert [r[2] for r in rows[1:]] == ["-5", "-1.5", "0", "1", "2", "3", "4", "5", "6", "7"]


def test_search_api_keeps_values_except_in_csv_records(table):
    res_id = table
    search = tk.get_action("datastore_search")
    exact = search({"ignore_auth": True}, {"resource_id": res_id, "sort": "_id"})["records"]
    assert [r["teks"] for r in exact] == VALUES
    as_csv = search({"ignore_auth": True}, {"resource_id": res_id, "sort": "_id", "records_format": "csv",
                                           "fields": ["teks"]})["records"]
    assert [r[0] if r else "" for r in csv.reader(io.StringIO(as_csv, newline=""))] == [_expected(v) for v in VALUES]


def test_a_formula_field_id_is_refused_so_no_dump_header_carries_one(app, skpd_org, satu_data):
    """The attack: an editor creates a table whose field id is a formula; CKAN writes field ids as
    the dump's header row unchanged, so the id itself is refused (naming it, in the request's language)."""
    editor = factories.User()
    org = skpd_org(users=[{"name": editor["name"], "capacity": "editor"}])
    dataset = factories.Dataset(user=editor, owner_org=org["id"], **satu_data)
    resource = factories.Resource(package_id=dataset["id"], user=editor)
    headers = {"Authorization": factories.APIToken(user=editor["name"])["token"]}
    evil = "=HYPERLINK('http://evil.example','klik')"  # CKAN itself refuses a " in an id
    body = {"resource_id": resource["id"], "force": True, "fields": [{"id": evil, "type": "text"}],
            "records": [{evil: "x"}]}
    for prefix, text in (("", f"Nama kolom '{evil}' diawali '='"), ("/en", f"Field name '{evil}' starts with '='")):
        error = app.post(f"{prefix}/api/3/action/datastore_create", json=body, headers=headers, status=409).json["error"]
        assert text in str(error["fields"]), error
    assert app.get(f"/datastore/dump/{resource['id']}?format=csv", headers=headers, status=404)
    # an ordinary id still goes through
    body = {**body, "fields": [{"id": "judul", "type": "text"}], "records": [{"judul": "=1"}]}
    app.post("/api/3/action/datastore_create", json=body, headers=headers, status=200)
    rows = list(csv.reader(io.StringIO(app.get(f"/datastore/dump/{resource['id']}?format=csv", headers=headers)
                                       .get_data(as_text=True), newline="")))
    assert rows == [["_id", "judul"], ["1", "'=1"]]

