"""API actions and auth functions of the APBG (collected by ``logic/action.py`` and ``logic/auth.py``)."""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh import apbdes
from ckanext.bandaaceh.site import may_create_datasets_in

from .importer import import_budget
from .transparency import transparency

__all__ = ["apbdes_import", "apbdes_transparency", "apbdes_import_auth", "apbdes_transparency_auth"]


def apbdes_import(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Import a gampong budget (APBG) file and publish it as the gampong's ``apbdes`` dataset.

    POST multipart/form-data:

    :param upload: the file (xlsx/xls/ods/csv, or a Siskeudes zip)
    :param gampong: gampong organisation name or area code (``11.71.01.2001``)
    :param tahun: fiscal year (default: what the file says)
    :param tahap: ``murni``, ``perubahan`` or ``realisasi`` (default: what the file says, else murni)
    :param periode: realisasi only: ``semester-1`` or ``tahunan``
    :param layout: force a layout (``siskeudes``, ``penjabaran``, ``realisasi``, ``peraturan``)
    :param nomor_peraturan: number of the Qanun/Peraturan Gampong
    :param tanggal_peraturan: its date, YYYY-MM-DD
    :param dry_run: only check and preview (``lines``, ``summary``, ``problems``); nothing is written

    Re-importing the same gampong, tahun and tahap replaces that dataset. A file that fails a
    check is refused (``ValidationError`` with ``upload`` messages and ``problems``) and nothing
    is written. Only editors/admins of the gampong (and sysadmins) may import.
    """
    return import_budget(context, data_dict)


@tk.side_effect_free
def apbdes_transparency(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Every gampong of the city for one year: APBG published or missing, tahap, totals, realisation.

    Read from the search index (dataset summaries), not from the files.

    :param tahun: fiscal year (default: the current year)
    :param kecamatan: kecamatan code or name (optional)
    :param status: ``terbit`` (published) or ``belum`` (missing) (optional)
    :param tahap: ``murni``, ``perubahan`` or ``realisasi`` (optional)
    """
    tk.check_access("apbdes_transparency", context, data_dict)
    raw = data_dict.get("tahun") or dt.date.today().year
    try:
        tahun = int(str(raw).strip())
    except ValueError:
        raise tk.ValidationError({"tahun": [tk._("Harus berupa angka tahun, misalnya 2025")]}) from None
    status = data_dict.get("status") or None
    if status not in (None, "terbit", "belum"):
        raise tk.ValidationError({"status": [tk._("Status harus 'terbit' atau 'belum'")]})
    tahap = data_dict.get("tahap") or None
    if tahap not in (None, *apbdes.TAHAP):
        raise tk.ValidationError({"tahap": [tk._("Tahap harus murni, perubahan atau realisasi")]})
    return transparency(tahun, kecamatan=data_dict.get("kecamatan") or None, status=status, tahap=tahap)


def apbdes_import_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Importing a budget needs the right to create datasets in that gampong (editor or admin).

    ``data_dict``: ``owner_org`` (id or name of the gampong organisation). Sysadmins pass
    before this function is called.
    """
    return may_create_datasets_in(context, data_dict.get("owner_org"), "apbdes",
                                  tk._("Masuk sebagai operator gampong untuk mengimpor APBG"),
                                  tk._("Pengguna {user} bukan operator (editor/admin) gampong ini"))


@tk.auth_allow_anonymous_access
def apbdes_transparency_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The city-wide overview is public."""
    return {"success": True}
