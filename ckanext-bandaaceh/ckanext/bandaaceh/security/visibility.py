"""What visitors may learn about private datasets and about organisations' members.

CKAN 2.12 lists every tag applied to any dataset in ``tag_list``/``tag_search``/
``tag_autocomplete`` and shows any tag in ``tag_show``, private datasets' tags included, to
anyone; and ``member_list`` (and ``organization_show`` with ``include_users``) give anyone an
organisation's user ids and roles, e.g. who operates a gampong's budget.

Here the tag actions only answer with tags of datasets the user may see (decided by CKAN's own
search permissions: ``package_search`` with ``include_private``), and an organisation's members
are listed only to its own members and to sysadmins. Sysadmins and internal calls
(``ignore_auth``) see everything, as before.
"""
from __future__ import annotations

import json
from typing import Any, Callable

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

__all__ = ["tag_list", "tag_search", "tag_autocomplete", "tag_show", "organization_show", "member_list"]

Action = Callable[[dict[str, Any], dict[str, Any]], Any]


def _privileged(context: dict[str, Any]) -> bool:
    return bool(context.get("ignore_auth")) or authz.is_sysadmin(context.get("user"))


def _tag_field(vocabulary_id: str | None) -> str:
    """The search index field of free tags, or of a vocabulary's tags."""
    if not vocabulary_id:
        return "tags"
    vocab = model.Vocabulary.get(vocabulary_id)
    if vocab is None:
        raise tk.ObjectNotFound(tk._("Kosakata tidak ditemukan"))
    return f"vocab_{vocab.name}"


def _search(context: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """package_search as the user of ``context`` (their private datasets included)."""
    user_context = {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")}
    return tk.get_action("package_search")(user_context, {"rows": 0, "include_private": True, **params})


def visible_tags(context: dict[str, Any], vocabulary_id: str | None = None) -> set[str]:
    """Names of the tags on datasets the user of ``context`` may see."""
    field = _tag_field(vocabulary_id)
    result = _search(context, {"facet.field": json.dumps([field]), "facet.limit": -1})
    return {item["name"] for item in result["search_facets"].get(field, {}).get("items", [])}


def _name(tag: Any) -> str:
    return tag["name"] if isinstance(tag, dict) else tag


@tk.chained_action
@tk.side_effect_free
def visible_tags_only(original_action: Action, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    """The original answer (tag names or tag dicts) without the tags the user may not see."""
    tags = original_action(context, data_dict)
    if _privileged(context) or not tags:
        return tags
    visible = visible_tags(context, data_dict.get("vocabulary_id"))
    return [t for t in tags if _name(t) in visible]


@tk.chained_action
@tk.side_effect_free
def tag_search(original_action: Action, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    found = original_action(context, data_dict)
    if _privileged(context) or not found.get("results"):
        return found
    visible = visible_tags(context, data_dict.get("vocabulary_id"))
    results = [t for t in found["results"] if _name(t) in visible]
    return {**found, "results": results, "count": found["count"] - (len(found["results"]) - len(results))}


@tk.chained_action
@tk.side_effect_free
def tag_show(original_action: Action, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    tag = original_action(context, data_dict)
    if _privileged(context):
        return tag
    field = _tag_field(tag.get("vocabulary_id"))
    quoted = tag["name"].replace("\\", "\\\\").replace('"', '\\"')
    if not _search(context, {"fq": f'{field}:"{quoted}"'})["count"]:
        raise tk.ObjectNotFound(tk._("Tag tidak ditemukan"))
    return tag


def may_see_members(context: dict[str, Any], group_id: str | None) -> bool:
    """Members of an organisation are shown to its members and to sysadmins only."""
    if _privileged(context):
        return True
    group = model.Group.get(group_id) if group_id else None
    if group is None or not group.is_organization:
        return True
    user = context.get("user")
    return bool(user) and authz.users_role_for_group_or_org(group.id, user) is not None


@tk.chained_action
@tk.side_effect_free
def organization_show(original_action: Action, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    org = original_action(context, data_dict)
    if "users" in org and not may_see_members(context, org["id"]):
        org = {k: v for k, v in org.items() if k != "users"}
    return org


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def member_list(next_auth: Callable[..., Any], context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    if not may_see_members(context, data_dict.get("id")):
        return {"success": False, "msg": tk._("Hanya anggota organisasi ini yang dapat melihat daftar anggotanya")}
    return next_auth(context, data_dict)


#: ``tag_list`` and ``tag_autocomplete`` answer lists of tag names: filtered the same way.
tag_list = tag_autocomplete = visible_tags_only
