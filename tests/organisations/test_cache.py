"""organization_list is answered from memory, but never after a change has been committed."""
from __future__ import annotations

import re

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import reset_db

from ckanext.bandaaceh import site
from ckanext.bandaaceh.organisations import cache

pytestmark = pytest.mark.usefixtures("portal")


def _titles(app) -> list[str]:
    page = app.get("/organization/").body
    return re.findall(r'<a href="/organization/[a-z0-9-]+">([^<]+)</a>', page)


def test_a_second_listing_is_answered_from_memory_with_a_copy(skpd_org):
    skpd_org(name="dinkes", title="Dinas Kesehatan")
    before = len(cache._answers)
    first = tk.get_action("organization_list")({}, {"all_fields": True, "limit": 7})
    second = tk.get_action("organization_list")({}, {"all_fields": True, "limit": 7})
    assert first == second and len(cache._answers) == before + 1
    second[0]["title"] = "changed by the caller"  # callers get copies, never the kept answer
    assert tk.get_action("organization_list")({}, {"all_fields": True, "limit": 7})[0]["title"] == "Dinas Kesehatan"


def test_an_edited_title_shows_in_the_directory_at_once(app, skpd_org):
    org = skpd_org(name="dinkes", title="Dinas Kesehatan")
    assert "Dinas Kesehatan" in _titles(app)
    tk.get_action("organization_patch")({"ignore_auth": True, "user": factories.Sysadmin()["name"]},
                                        {"id": org["id"], "title": "Dinas Kesehatan Kota"})
    titles = _titles(app)
    assert "Dinas Kesehatan Kota" in titles and "Dinas Kesehatan" not in titles


def test_an_edited_extra_and_a_new_dataset_change_the_answer(skpd_org, satu_data):
    org = skpd_org(name="dinkes", title="Dinas Kesehatan", singkatan="DINKES")
    listed = lambda: tk.get_action("organization_list")({}, {"all_fields": True, "include_extras": True})  # noqa: E731
    assert listed()[0]["singkatan"] == "DINKES" and listed()[0]["package_count"] == 0
    tk.get_action("organization_patch")({"ignore_auth": True, "user": factories.Sysadmin()["name"]},
                                        {"id": org["id"], "singkatan": "DINKES-BNA"})
    assert listed()[0]["singkatan"] == "DINKES-BNA"
    factories.Dataset(owner_org=org["id"], **satu_data)
    assert listed()[0]["package_count"] == 1


def test_an_emptied_database_is_not_answered_from_memory(skpd_org):
    skpd_org(name="dinkes", title="Dinas Kesehatan")
    assert tk.get_action("organization_list")({}, {}) == ["dinkes"]
    reset_db()
    assert tk.get_action("organization_list")({}, {}) == []
    skpd_org(name="bappeda", title="Bappeda")
    assert tk.get_action("organization_list")({}, {}) == ["bappeda"]


def test_all_organisations_lists_more_than_a_page_with_extras_and_counts_and_follows_changes(skpd_org, satu_data):
    """site.all_organisations reads every organisation at once (organization_list gives 25 per
    call), with its extras and public dataset count, and sees a change at the next call."""
    made = [skpd_org(name=f"dinas-{i:02d}", title=f"Dinas {i:02d}", singkatan=f"D{i:02d}") for i in range(30)]
    factories.Dataset(owner_org=made[7]["id"], **satu_data)
    orgs = {o["name"]: o for o in site.all_organisations()}
    assert sorted(orgs) == [f"dinas-{i:02d}" for i in range(30)]
    assert orgs["dinas-07"]["package_count"] == 1 and orgs["dinas-08"]["package_count"] == 0
    assert orgs["dinas-29"]["singkatan"] == "D29" and orgs["dinas-29"]["jenis"] == "dinas"
    assert orgs["dinas-29"]["id"] == made[29]["id"] and orgs["dinas-29"]["title"] == "Dinas 29"
    tk.get_action("organization_patch")({"ignore_auth": True, "user": factories.Sysadmin()["name"]},
                                        {"id": made[3]["id"], "singkatan": "D03-BARU"})
    site.all_organisations()[0]["title"] = "changed by the caller"  # callers get copies
    again = {o["name"]: o for o in site.all_organisations()}
    assert again["dinas-03"]["singkatan"] == "D03-BARU" and again["dinas-00"]["title"] == "Dinas 00"
