"""Validators of the ``apbdes`` dataset schema (``schemas/apbdes.yaml``).

The identity and summary fields of an APBG dataset are computed by the import
(:mod:`ckanext.bandaaceh.apbdes.portal.importer`), which sets :data:`IMPORT_FLAG` in the action
context. Without that flag :func:`bandaaceh_apbdes_guard` keeps the stored values and refuses
a different one, so neither the form nor ``package_update`` can type a budget figure by hand.
"""
from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz

from ckanext.bandaaceh.apbdes import format_amount
from ckanext.bandaaceh.managed import WRITER_FLAG, keep_published
from ckanext.bandaaceh.site import is_empty, portal_reference

from .identity import dataset_name

_ = tk._

#: Context key set by the APBG import (never reachable from the API: contexts are server-side).
IMPORT_FLAG = WRITER_FLAG

#: Fields derived from the owning gampong and the imported file.
IDENTITY_FIELDS = ("kode_wilayah", "gampong", "kode_kecamatan", "kecamatan", "tahun_anggaran",
                   "tahap", "periode")
#: Summary figures computed from the leaf lines of the file.
AMOUNT_FIELDS = (
    "total_pendapatan", "total_belanja", "pembiayaan_penerimaan", "pembiayaan_pengeluaran",
    "pembiayaan_netto", "silpa",
    "belanja_bidang_01", "belanja_bidang_02", "belanja_bidang_03", "belanja_bidang_04",
    "belanja_bidang_05",
    "realisasi_pendapatan", "realisasi_belanja", "realisasi_silpa",
    "persen_realisasi_pendapatan", "persen_realisasi_belanja",
    "sebelum_total_pendapatan", "sebelum_total_belanja", "sebelum_pembiayaan_netto", "sebelum_silpa",
    "perubahan_bidang_01", "perubahan_bidang_02", "perubahan_bidang_03", "perubahan_bidang_04",
    "perubahan_bidang_05",
)
SUMMARY_FIELDS = AMOUNT_FIELDS + ("pendapatan_sumber_dana", "jumlah_baris", "tata_letak",
                                  "berkas_asli", "diimpor_pada")
COMPUTED_FIELDS = IDENTITY_FIELDS + SUMMARY_FIELDS
YEAR_RANGE = (2000, 2100)

__all__ = [
    "is_sysadmin", "bandaaceh_apbdes_guard", "bandaaceh_apbdes_tahun", "bandaaceh_apbdes_amount",
    "bandaaceh_apbdes_amount_map", "bandaaceh_apbdes_count",
]


def _same(given: Any, stored: str) -> bool:
    if is_empty(given):
        return is_empty(stored)
    if isinstance(given, dict) or (isinstance(given, str) and given.lstrip().startswith("{")):
        try:
            parsed = json.loads(given) if isinstance(given, str) else given
            return json.loads(bandaaceh_apbdes_amount_map(parsed) or "{}") == json.loads(stored or "{}")
        except (ValueError, tk.Invalid):
            return False
    text = str(given).strip()
    if text == stored:
        return True
    try:  # "1500000.00" and "1500000" are the same amount
        return Decimal(text) == Decimal(stored)
    except (InvalidOperation, ValueError):
        return False


def bandaaceh_apbdes_guard(key: Any, data: dict, errors: dict, context: dict) -> None:
    """Schema-level guard (``before_validators``) of APBG datasets.

    * Creating an APBG dataset needs the import (the flag); the form cannot.
    * On update without the flag, computed fields missing from the input keep their stored
      value, and a value that differs from the stored one is refused.
    * The owner must be a ``gampong`` organisation whose area code is the dataset's.
    * The name is ``apbg-<gampong>-<tahun>-<tahap>`` (or a ``-N`` variant) and never changes
      (sysadmins excepted); the files are guarded by ``logic.package_update``.
    * A published budget stays published: CKAN's "Unpublish" does not hide it
      (:func:`ckanext.bandaaceh.managed.keep_published`); it is replaced or deleted.
    """
    flagged = bool(context.get(IMPORT_FLAG))
    pkg = context.get("package")
    stored: dict[str, str] = dict(getattr(pkg, "extras", None) or {}) if pkg is not None else {}
    _check_name(data, errors, context, pkg, flagged)
    keep_published(data, context)

    if not flagged:
        if pkg is None:
            errors[("name",)].append(_(
                "Dataset APBG hanya dapat dibuat melalui impor berkas APBG "
                "(halaman Unggah APBG, API apbdes_import atau perintah ckan bandaaceh apbdes import)."))
            return
        for field in COMPUTED_FIELDS:
            k = (field,)
            value = data.get(k, tk.missing)
            if value is tk.missing or value is None:
                data[k] = stored.get(field, "")
            elif not _same(value, stored.get(field, "")):
                errors.setdefault(k, []).append(_(
                    "Nilai ini dihitung oleh impor berkas APBG dan tidak dapat diubah secara manual."))

    owner = data.get(("owner_org",))
    if is_empty(owner):
        owner = getattr(pkg, "owner_org", None)
        if owner:
            data[("owner_org",)] = owner
    if is_empty(owner):
        errors[("owner_org",)].append(_("Dataset APBG harus dimiliki oleh organisasi gampong."))
        return
    try:
        org = tk.get_action("organization_show")(
            {"ignore_auth": True}, {"id": owner, "include_datasets": False, "include_users": False,
                                    "include_groups": False, "include_followers": False,
                                    "include_dataset_count": False})
    except tk.ObjectNotFound:
        return  # CKAN's own owner_org validator reports the unknown organisation
    if org.get("jenis") != "gampong":
        errors[("owner_org",)].append(_(
            "Dataset APBG harus dimiliki oleh organisasi gampong; {org} bukan gampong.").format(
                org=org.get("title") or org.get("name")))
        return
    kode = data.get(("kode_wilayah",))
    if not is_empty(kode) and str(kode).strip() != org.get("kode_wilayah"):
        errors[("owner_org",)].append(_(
            "Gampong pemilik {org} (kode wilayah {org_code}) tidak sesuai dengan gampong anggaran ini "
            "(kode wilayah {code}).").format(org=org.get("title") or org.get("name"),
                                             org_code=org.get("kode_wilayah"), code=kode))


def is_sysadmin(context: dict[str, Any]) -> bool:
    user = context.get("user")
    return bool(user and authz.is_sysadmin(user))


def _check_name(data: dict, errors: dict, context: dict, pkg: Any, flagged: bool) -> None:
    """A budget keeps its name; a new one is named after its identity (``apbg-<gampong>-...``)."""
    key = ("name",)
    given = data.get(key, tk.missing)
    if pkg is not None:
        if given is tk.missing or is_empty(given):
            data[key] = pkg.name
        elif str(given).strip() != pkg.name and not is_sysadmin(context):
            errors[key].append(_("Nama (URL) dataset APBG tetap ({name}) dan tidak dapat diubah.").format(
                name=pkg.name))
        return
    if not flagged:
        return  # refused below: only the import creates budgets
    area = portal_reference().areas.get(str(data.get(("kode_wilayah",)) or ""))
    try:
        tahun = int(str(data.get(("tahun_anggaran",)) or ""))
    except ValueError:
        return
    if area is None:
        return
    base = dataset_name(area, tahun, str(data.get(("tahap",)) or ""), str(data.get(("periode",)) or "") or None)
    name = str(given or "")
    if name != base and not (name.startswith(base + "-") and name[len(base) + 1:].isdigit()):
        errors[key].append(_("Nama dataset APBG ini harus {name}.").format(name=base))


def bandaaceh_apbdes_tahun(value: Any) -> Any:
    """Fiscal year, 2000-2100, stored as text (``"2025"``)."""
    if is_empty(value):
        return ""
    try:
        year = int(str(value).strip())
    except ValueError:
        raise tk.Invalid(_("Tahun anggaran harus berupa angka tahun, misalnya 2025")) from None
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise tk.Invalid(_("Tahun anggaran {year} di luar rentang {a}-{b}").format(
            year=year, a=YEAR_RANGE[0], b=YEAR_RANGE[1]))
    return str(year)


def _amount(value: Any) -> str:
    if isinstance(value, bool):
        raise InvalidOperation
    amount = Decimal(str(value).strip())
    if not amount.is_finite():
        raise InvalidOperation
    return format_amount(amount)


def bandaaceh_apbdes_amount(value: Any) -> Any:
    """An amount as a plain decimal (``1500000``, ``-250000``, ``98.5``); empty when unknown."""
    if is_empty(value):
        return ""
    try:
        return _amount(value)
    except (InvalidOperation, ValueError):
        raise tk.Invalid(_("Jumlah harus berupa angka desimal biasa (mis. 1500000 atau 98.5)")) from None


def bandaaceh_apbdes_amount_map(value: Any) -> Any:
    """A JSON object code -> amount (pendapatan per sumber dana), stored as canonical JSON text."""
    if is_empty(value):
        return ""
    try:
        data = json.loads(value) if isinstance(value, str) else value
        if not isinstance(data, dict):
            raise ValueError
        out = {str(k).upper(): _amount(v) for k, v in data.items()}
    except (ValueError, TypeError, InvalidOperation):
        raise tk.Invalid(_("Harus berupa objek JSON kode sumber dana -> jumlah, "
                           "misalnya {\"DDS\": \"850000000\"}")) from None
    return json.dumps(dict(sorted(out.items())), separators=(",", ":"))


def bandaaceh_apbdes_count(value: Any) -> Any:
    """A non-negative whole number, stored as text."""
    if is_empty(value):
        return ""
    try:
        n = int(str(value).strip())
    except ValueError:
        raise tk.Invalid(_("Harus berupa bilangan bulat")) from None
    if n < 0:
        raise tk.Invalid(_("Tidak boleh negatif"))
    return str(n)
