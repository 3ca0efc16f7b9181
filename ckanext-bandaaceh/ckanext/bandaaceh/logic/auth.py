"""Authorisation functions of the portal (registered by ``toolkit.blanket.auth_functions``)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

__all__ = ["apbdes_import", "apbdes_transparency"]


def apbdes_import(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Importing a budget needs the right to create datasets in that gampong (editor or admin).

    ``data_dict``: ``owner_org`` (id or name of the gampong organisation). Sysadmins pass
    before this function is called.
    """
    owner_org = data_dict.get("owner_org")
    user = context.get("user")
    if not owner_org or not user:
        return {"success": False, "msg": tk._("Masuk sebagai operator gampong untuk mengimpor APBG")}
    try:
        tk.check_access("package_create", {"user": user, "auth_user_obj": context.get("auth_user_obj")},
                        {"owner_org": owner_org, "type": "apbdes"})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("Pengguna {user} bukan operator (editor/admin) gampong ini").format(
            user=user)}
    return {"success": True}


@tk.auth_allow_anonymous_access
def apbdes_transparency(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The city-wide overview is public."""
    return {"success": True}
