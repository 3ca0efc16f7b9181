"""What anonymous visitors and outsiders must not learn: a private dataset's tags, an
organisation's members (who operates a gampong's budget). CKAN 2.12 shows both to anyone."""
from __future__ import annotations

from typing import Any

import pytest

from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("portal")


def get(app: Any, action: str, user: dict[str, Any] | None = None, status: int = 200, **params: Any) -> Any:
    headers = {"Authorization": factories.APIToken(user=user["name"])["token"]} if user else {}
    return app.get(f"/api/3/action/{action}", query_string=params, headers=headers, status=status).json


@pytest.fixture
def tagged(skpd_org: Any, satu_data: dict[str, Any]) -> dict[str, Any]:
    """An SKPD with a public dataset tagged 'sekolah' and a private one tagged 'kontrak-rahasia'."""
    steward = factories.User()
    org = skpd_org(name="dinkes", users=[{"name": steward["name"], "capacity": "editor"}])
    factories.Dataset(**satu_data, owner_org=org["id"], name="sekolah-2024", tags=[{"name": "sekolah"}])
    factories.Dataset(**satu_data, owner_org=org["id"], name="kontrak-2024", private=True,
                      tags=[{"name": "kontrak-rahasia"}, {"name": "sekolah"}])
    return {"org": org, "steward": steward, "outsider": factories.User(), "sysadmin": factories.Sysadmin()}


def test_private_tags_are_hidden_from_anonymous_and_outsiders(app: Any, tagged: dict[str, Any]) -> None:
    for who in (None, tagged["outsider"]):
        assert get(app, "tag_list", who)["result"] == ["sekolah"]
        assert [t["name"] for t in get(app, "tag_list", who, all_fields="true")["result"]] == ["sekolah"]
        assert get(app, "tag_search", who, query="rahasia")["result"] == {"count": 0, "results": []}
        assert get(app, "tag_autocomplete", who, q="rahasia")["result"] == []
        assert get(app, "tag_show", who, status=404, id="kontrak-rahasia")["success"] is False
        assert get(app, "tag_show", who, id="sekolah")["result"]["name"] == "sekolah"


def test_private_tags_are_shown_to_those_who_see_the_dataset(app: Any, tagged: dict[str, Any]) -> None:
    for who in (tagged["steward"], tagged["sysadmin"]):
        assert sorted(get(app, "tag_list", who)["result"]) == ["kontrak-rahasia", "sekolah"]
        assert get(app, "tag_show", who, id="kontrak-rahasia")["result"]["name"] == "kontrak-rahasia"
        assert get(app, "tag_autocomplete", who, q="rahasia")["result"] == ["kontrak-rahasia"]


def test_members_of_a_gampong_are_listed_to_its_members_only(app: Any, gampong_org: Any) -> None:
    operator, outsider, sysadmin = factories.User(), factories.User(), factories.Sysadmin()
    org = gampong_org(name="gampong-kampung-baru", users=[{"name": operator["name"], "capacity": "editor"}])
    for who in (None, outsider):
        get(app, "member_list", who, status=403, id=org["id"], object_type="user")
        shown = get(app, "organization_show", who, id=org["id"], include_users="true")["result"]
        assert "users" not in shown and shown["name"] == "gampong-kampung-baru"
    for who in (operator, sysadmin):
        members = get(app, "member_list", who, id=org["id"], object_type="user")["result"]
        assert operator["id"] in [m[0] for m in members]
        shown = get(app, "organization_show", who, id=org["id"], include_users="true")["result"]
        assert operator["name"] in [u["name"] for u in shown["users"]]
