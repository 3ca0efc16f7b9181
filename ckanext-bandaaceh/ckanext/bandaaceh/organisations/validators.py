"""Validators of the organisation schema (``schemas/organization.yaml``).

Each checks one field against the code lists and raises ``toolkit.Invalid`` (or adds to
``errors``) with a message in Bahasa Indonesia.
"""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz, model

from ckanext.bandaaceh import reference
from ckanext.bandaaceh.site import N_, is_empty, portal_reference

__all__ = ["bandaaceh_kode_organisasi", "bandaaceh_phone", "bandaaceh_urusan",
           "bandaaceh_org_kode_wilayah", "bandaaceh_org_identity", "bandaaceh_org_unique",
           "IDENTITY_FIELDS", "may_set_identity"]

_ = tk._
PHONE_RE = re.compile(r"^(\+62|62|0)[0-9 ()-]{6,18}$")

#: What an organisation *is* (which gampong, which SKPD): the importer names budgets after it,
#: so only seeding (``ckan bandaaceh seed``, acting as the site user) and sysadmins set it.
IDENTITY_FIELDS = {"jenis": N_("Jenis"), "kode_wilayah": N_("Kode wilayah"),
                   "kode_organisasi": N_("Kode organisasi")}


def bandaaceh_kode_organisasi(value: Any) -> Any:
    """Permendagri 90/2019 organisation code ``U.BB.U.BB.U.BB.OO.UUUU``."""
    if is_empty(value):
        return ""
    value = str(value).strip()
    match = reference.ORG_CODE_RE.match(value)
    if not match:
        raise tk.Invalid(_("Kode organisasi harus berbentuk U.BB.U.BB.U.BB.OO.UUUU, "
                           "misalnya 1.03.0.00.0.00.01.0000"))
    urusan = portal_reference().urusan
    first, second, third = match.group(1), match.group(2), match.group(3)
    if first not in urusan:
        raise tk.Invalid(_("Kode urusan {code} tidak dikenal (Permendagri 90/2019)").format(code=first))
    for code in (second, third):
        if code != "0.00" and code not in urusan:
            raise tk.Invalid(_("Kode urusan {code} tidak dikenal (Permendagri 90/2019)").format(code=code))
    return value


def bandaaceh_urusan(value: Any) -> Any:
    if is_empty(value):
        return ""
    if str(value) not in portal_reference().urusan:
        raise tk.Invalid(_("Kode urusan {code} tidak dikenal (Permendagri 90/2019)").format(code=value))
    return str(value)


def bandaaceh_phone(value: Any) -> Any:
    """Indonesian phone number: starts with 0, 62 or +62; digits, spaces, dashes."""
    if is_empty(value):
        return ""
    value = str(value).strip()
    digits = re.sub(r"\D", "", value)
    if not PHONE_RE.match(value) or not 8 <= len(digits) <= 15:
        raise tk.Invalid(_("Nomor telepon tidak valid: gunakan format 0651-1234567 atau +62 812 3456 7890"))
    return value


def bandaaceh_org_kode_wilayah(key: Any, data: dict, errors: dict, context: dict) -> None:
    """Organisation area code: required for kecamatan and gampong, of that level."""
    value = data.get(key)
    jenis = data.get(key[:-1] + ("jenis",))
    if jenis not in ("kecamatan", "gampong"):
        if not is_empty(value):
            errors[key].append(_("Kode wilayah hanya untuk organisasi kecamatan dan gampong"))
        data[key] = ""
        return
    if is_empty(value):
        errors[key].append(_("Kode wilayah wajib diisi untuk {jenis}").format(jenis=jenis))
        return
    value = str(value).strip()
    area = portal_reference().areas.get(value)
    if area is None:
        errors[key].append(_("Kode wilayah {code} tidak ada dalam Kepmendagri 300.2.2-2138/2025").format(code=value))
    elif area.tingkat != jenis:
        errors[key].append(_("Kode wilayah {code} adalah {level}, bukan {jenis}").format(
            code=value, level=area.tingkat, jenis=jenis))
    data[key] = value


def may_set_identity(context: dict[str, Any]) -> bool:
    """Seeding and other server-side code (``ignore_auth``) and sysadmins (the site user is one)."""
    user = context.get("user")
    return bool(context.get("ignore_auth")) or bool(user and authz.is_sysadmin(user))


def _stored(context: dict[str, Any], field: str) -> str:
    group = context.get("group")  # set by organization_update/patch, absent on create
    return str((getattr(group, "extras", None) or {}).get(field) or "")


def bandaaceh_org_identity(key: Any, data: dict, errors: dict, context: dict) -> None:
    """``jenis``/``kode_wilayah``/``kode_organisasi``: kept as stored unless seeding or a sysadmin.

    A missing value keeps the stored one (the form shows these fields read-only); a different
    value from anyone else is refused naming the field.
    """
    field = key[-1]
    stored = _stored(context, field)
    value = data.get(key, tk.missing)
    if value is tk.missing or value is None:
        if context.get("group") is not None:
            data[key] = stored
        return
    if may_set_identity(context) or str(value).strip() == stored:
        return
    errors[key].append(_("{field} hanya dapat diubah oleh admin portal (sysadmin) atau melalui "
                         "penyemaian (ckan bandaaceh seed); nilai tersimpan: {stored}").format(
                             field=_(IDENTITY_FIELDS[field]), stored=stored or "-"))


def bandaaceh_org_unique(key: Any, data: dict, errors: dict, context: dict) -> None:
    """No two active organisations share a ``kode_wilayah`` or ``kode_organisasi``."""
    field, value = key[-1], data.get(key)
    if errors.get(key) or is_empty(value) or value is tk.missing:
        return
    group = context.get("group")
    query = (model.Session.query(model.Group)
             .filter(model.Group.is_organization == True)  # noqa: E712
             .filter(model.Group.state != "deleted")
             .filter(model.Group.extras[field].astext == str(value)))
    if group is not None:
        query = query.filter(model.Group.id != group.id)
    other = query.first()
    if other is not None:
        errors[key].append(_("{field} {code} sudah dipakai organisasi {org}; setiap organisasi "
                             "memiliki kode sendiri").format(field=_(IDENTITY_FIELDS[field]), code=value,
                                                             org=other.title or other.name))
