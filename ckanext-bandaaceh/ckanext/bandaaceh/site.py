"""What every CKAN-side part of the portal shares: the configured code lists and the site user.

Kept here once so that organisations, Satu Data, the APBG pages and the harvester read the
same ``bandaaceh.config_dir`` and act as the same site user.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.bandaaceh import reference
from ckanext.bandaaceh.organisations import cache as org_cache

__all__ = ["N_", "is_empty", "import_auth", "may_create_datasets_in", "validation_messages", "portal_reference", "site_user_name", "site_context", "all_organisations"]

def N_(text: str) -> str:
    """Mark a label for extraction into the catalogues (``scripts/i18n.sh``); ``_()`` it where shown."""
    return text


def is_empty(value: Any) -> bool:
    """A missing, None or blank form value (for validators)."""
    return value is None or value is tk.missing or (isinstance(value, str) and not value.strip())


def portal_reference() -> reference.Reference:
    """Every code list of this portal (``bandaaceh.config_dir``, default the repository's config/)."""
    return reference.load(tk.config.get("bandaaceh.config_dir") or None)


def site_user_name() -> str:
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def site_context(user: str | None = None) -> dict[str, Any]:
    """A fresh action context that skips authorisation, recorded as ``user`` (default the site user)."""
    return {"ignore_auth": True, "user": user or site_user_name()}


def all_organisations() -> list[dict[str, Any]]:
    """Every active organisation with its extras and its count of public datasets, by title.

    One query over the CKAN database and one facet query of the search index, whatever the
    number of organisations (``organization_list`` with all fields takes 25 per call, one search
    query each: 272 calls for a province's 6,785), kept per process while the fingerprint of
    ``organisations/cache.py`` (organisations, memberships, datasets) is unchanged.
    Each call returns fresh dicts."""
    key = org_cache.fingerprint()
    orgs = _ORGANISATIONS.get(key)
    if orgs is None:
        orgs = _load_organisations()
        _ORGANISATIONS.clear()
        _ORGANISATIONS[key] = orgs
    return [dict(o) for o in orgs]


_ORGANISATIONS: dict[str, list[dict[str, Any]]] = {}


def _load_organisations() -> list[dict[str, Any]]:
    counts = tk.get_action("package_search")({"ignore_auth": True}, {
        "q": "*:*", "rows": 0, "facet.field": ["owner_org"], "facet.limit": -1})["facets"].get("owner_org", {})
    groups = (model.Session.query(model.Group)
              .filter(model.Group.is_organization.is_(True), model.Group.state == "active")
              .order_by(model.Group.title, model.Group.name))
    out = []
    for g in groups:
        org = {k: v for k, v in (g.extras or {}).items()}
        org.update(id=g.id, name=g.name, title=g.title, display_name=g.title or g.name, type=g.type,
                   description=g.description, image_url=g.image_url, state=g.state, is_organization=True,
                   approval_status=g.approval_status, created=g.created.isoformat() if g.created else None,
                   package_count=counts.get(g.id, 0))
        out.append(org)
    return out


def may_create_datasets_in(context: dict[str, Any], owner_org: str | None, dataset_type: str,
                           login_message: str, denied_message: str) -> dict[str, Any]:
    """Auth result: may the context's user create ``dataset_type`` datasets in ``owner_org``
    (editor or admin there; sysadmins pass before auth functions run)? The messages are shown
    as they are; ``denied_message`` may name ``{user}``."""
    user = context.get("user")
    if not owner_org or not user:
        return {"success": False, "msg": login_message}
    try:
        tk.check_access("package_create", {"user": user, "auth_user_obj": context.get("auth_user_obj")},
                        {"owner_org": owner_org, "type": dataset_type})
    except tk.NotAuthorized:
        return {"success": False, "msg": denied_message.format(user=user)}
    return {"success": True}


def import_auth(dataset_type: str, login_message: str, denied_message: str) -> Any:
    """An auth function for an import action: :func:`may_create_datasets_in` the ``owner_org`` of
    the data dict. The messages are marked with :func:`N_` and translated when refused."""
    def auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
        return may_create_datasets_in(context, data_dict.get("owner_org"), dataset_type,
                                      tk._(login_message), tk._(denied_message))
    auth.__doc__ = f"Importing needs the right to create {dataset_type} datasets in the owning organisation."
    return auth


def validation_messages(error_dict: dict[str, Any], *, with_keys: bool = False) -> list[str]:
    """The messages of a ``ValidationError`` (its ``problems`` list left out), ``key: message`` if asked."""
    out: list[str] = []
    for key, value in error_dict.items():
        if key == "problems":
            continue
        for v in value if isinstance(value, list) else [value]:
            out.append(f"{key}: {v}" if with_keys else str(v))
    return out
