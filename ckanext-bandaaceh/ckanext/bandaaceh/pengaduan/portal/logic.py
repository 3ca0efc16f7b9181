"""API actions and auth functions of the complaint figures (collected by ``logic/action.py`` and ``logic/auth.py``)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.bandaaceh.site import N_, import_auth

from .importer import import_pengaduan
from .summary import ringkasan

__all__ = ["pengaduan_import", "pengaduan_ringkasan", "pengaduan_import_auth", "pengaduan_ringkasan_auth"]


def pengaduan_import(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Import a complaint channel's export into the channel's yearly ``pengaduan`` dataset.

    POST multipart/form-data:

    :param upload: the export (xlsx/xls/ods/csv): one row per complaint, or counts per SKPD/category/status
    :param kanal: ``lapor``, ``suwarga`` or ``sms-lpm`` (``config/pengaduan/standar-layanan.yaml``)
    :param periode: ``YYYY-MM``, required for an export of counts (it has no dates)
    :param drop_personal: ``true`` to leave out personal data columns (name, NIK, phone, e-mail,
        address, complaint text); without it such a file is refused, naming the column
    :param buang_kolom: column names to leave out (a list, or text separated by commas): the
        personal columns named here are dropped, any other personal column still refuses the file
    :param dry_run: only check and return the computed rows; nothing is written
    :param skpd: SP4N-LAPOR! only: import the figures of this SKPD (organisation name or id) only;
        every row must name it

    Returns ``kolom`` (every column: ``name``, the ``field`` it is read as, its ``personal`` data
    kind, ``dropped``), ``kolom_dibuang``, ``bulan``, the computed ``baris`` (per month, SKPD,
    category, status), ``per_skpd`` and ``ringkasan`` rows, and the published ``dataset`` list.

    SUWARGA and SMS LPM: only editors/admins of the SKPD that runs the channel (and sysadmins) may
    import. SP4N-LAPOR! (``milik_skpd``): one dataset per SKPD, owned by it; an SKPD's
    editors/admins import the rows naming their SKPD (a row naming another refuses the file), the
    city's LAPOR! administrator (editors/admins of the ``pengelola``, the walidata, sysadmins) the
    city-wide export, split per SKPD and published all or nothing (``skpd`` lists the SKPD
    datasets, ``kota`` tells a city-wide import). Importing a month again replaces that month.
    Case rows are never stored: only the figures computed from them.
    """
    return import_pengaduan(context, data_dict)


@tk.side_effect_free
def pengaduan_ringkasan(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Complaints per month and channel (in, closed, median working days to response, % within the
    standard) and per SKPD (count, % answered within the standard, approximate median working days
    to response: the monthly medians weighted by the complaints answered), with the channels' standards.

    :param tahun: year (optional; default all years)
    """
    tk.check_access("pengaduan_ringkasan", context, data_dict)
    raw = data_dict.get("tahun")
    try:
        tahun = int(str(raw).strip()) if raw not in (None, "") else None
    except ValueError:
        raise tk.ValidationError({"tahun": [tk._("Harus berupa angka tahun, misalnya 2025")]}) from None
    return ringkasan(tahun)


#: Importing needs the right to create datasets in the SKPD that runs the channel.
pengaduan_import_auth = import_auth("pengaduan", N_("Masuk sebagai pengelola kanal pengaduan untuk mengimpor"),
                                    N_("Pengguna {user} bukan editor/admin SKPD pengelola kanal ini"))


@tk.auth_allow_anonymous_access
def pengaduan_ringkasan_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The complaint figures are public."""
    return {"success": True}
