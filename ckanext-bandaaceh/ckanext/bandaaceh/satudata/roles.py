"""Who is who in the Satu Data process, on CKAN's own organisations and roles.

- produsen data: editors and admins of the dataset's owning organisation (CKAN's ``package_update``);
- walidata: members (any capacity) of the organisation named by ``bandaaceh.walidata_org``;
- pembina data: members of the organisation named by ``bandaaceh.pembina_data_org`` (second
  approval of datasets flagged ``prioritas``).

Also the permission labels that let the walidata and the pembina data read the private datasets
that wait for them (CKAN's ``IPermissionLabels``; ``package_show`` and ``package_search`` use them).
"""
from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.plugins import DefaultPermissionLabels

from .workflow import DIAJUKAN, DIKEMBALIKAN, DIVERIFIKASI, PEMBINA, STATUS_FIELD, WALIDATA

__all__ = ["org_name", "is_produsen_org", "is_member", "is_prioritas", "member_users", "SatuDataPermissionLabels", "LABELS"]

#: Dataset type that follows the process (APBG budgets, type apbdes, do not).
DATASET_TYPE = "dataset"
_OPTION = {WALIDATA: "bandaaceh.walidata_org", PEMBINA: "bandaaceh.pembina_data_org"}
#: Permission label per role, and the states in which that role may read a private dataset.
LABELS = {WALIDATA: "satudata-walidata", PEMBINA: "satudata-pembina"}
_READS = {WALIDATA: (DIAJUKAN, DIVERIFIKASI, DIKEMBALIKAN), PEMBINA: (DIVERIFIKASI,)}


def org_name(role: str) -> str:
    """The configured organisation of the walidata or the pembina data ('' if none)."""
    return (tk.config.get(_OPTION[role]) or "").strip()


def is_produsen_org(org: dict[str, Any]) -> bool:
    """Whether an organisation (``organization_list`` dict) is a produsen data, i.e. a work unit of
    the city: not a gampong (they publish APBG only) and not the pembina data (BPS)."""
    return org.get("jenis") != "gampong" and org.get("name") != org_name(PEMBINA)


def is_member(user: str | None, role: str) -> bool:
    """Whether ``user`` (name or id) is a member of the organisation of ``role`` (sysadmins are)."""
    if not user:
        return False
    if authz.is_sysadmin(user):
        return True
    group = model.Group.get(org_name(role)) if org_name(role) else None
    if group is None or group.state != "active":
        return False
    return authz.has_user_permission_for_group_or_org(group.id, user, "read")


def is_prioritas(pkg: dict[str, Any] | model.Package) -> bool:
    value = pkg.extras.get("prioritas") if isinstance(pkg, model.Package) else pkg.get("prioritas")
    return str(value or "").strip().lower() in ("true", "ya", "1")


def member_users(org: str, capacities: tuple[str, ...] = ("member", "editor", "admin")) -> list[model.User]:
    """Active users of an organisation (name or id) with one of ``capacities``."""
    group = model.Group.get(org) if org else None
    if group is None:
        return []
    rows = (model.Session.query(model.User)
            .join(model.Member, model.Member.table_id == model.User.id)
            .filter(model.Member.group_id == group.id, model.Member.table_name == "user",
                    model.Member.state == "active", model.Member.capacity.in_(capacities),
                    model.User.state == "active")
            .order_by(model.User.name))
    return list(rows)


class SatuDataPermissionLabels(DefaultPermissionLabels):
    """CKAN's labels, plus: a private Satu Data dataset awaiting (or returned by) the walidata is
    readable by the walidata, and a ``prioritas`` one awaiting the pembina data by the pembina."""

    def get_dataset_labels(self, dataset_obj: model.Package) -> list[str]:
        labels = super().get_dataset_labels(dataset_obj)
        if labels == ["public"] or dataset_obj.type != DATASET_TYPE:
            return labels
        state = (dataset_obj.extras or {}).get(STATUS_FIELD)
        if state in _READS[WALIDATA]:
            labels.append(LABELS[WALIDATA])
        if state in _READS[PEMBINA] and is_prioritas(dataset_obj):
            labels.append(LABELS[PEMBINA])
        return labels

    def get_user_dataset_labels(self, user_obj: model.User) -> list[str]:
        labels = super().get_user_dataset_labels(user_obj)
        if user_obj and not user_obj.is_anonymous:
            labels += [LABELS[role] for role in (WALIDATA, PEMBINA) if is_member(user_obj.name, role)]
        return labels
