"""What every CKAN-side part of the portal shares: the configured code lists and the site user.

Kept here once so that organisations, Satu Data, the APBG pages and the harvester read the
same ``bandaaceh.config_dir`` and act as the same site user.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh import reference

__all__ = ["N_", "is_empty", "import_auth", "may_create_datasets_in", "validation_messages", "portal_reference", "site_user_name", "site_context", "all_organisations"]

#: organization_list returns at most this many organisations with all fields per call.
ORG_PAGE = 25


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
    """Every organisation with its extras (``organization_list`` page by page)."""
    orgs: list[dict[str, Any]] = []
    while True:
        page = tk.get_action("organization_list")({"ignore_auth": True}, {
            "all_fields": True, "include_extras": True, "limit": ORG_PAGE, "offset": len(orgs)})
        orgs += page
        if len(page) < ORG_PAGE:
            return orgs


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
