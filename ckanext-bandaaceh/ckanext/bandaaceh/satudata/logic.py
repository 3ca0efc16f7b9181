"""API actions and auth functions of the Satu Data process (collected by ``logic/action.py`` and
``logic/auth.py``). The states are in :mod:`.workflow`, the roles in :mod:`.roles`, the checks in
:mod:`.checks` and the e-mails in :mod:`.notices`.

Each transition saves the dataset through ``package_patch`` (so the search index, the
``private`` flag and CKAN's own "changed package" activity follow) and records an activity of
type ``satudata <new state>`` whose ``data.satudata`` holds the action, the states before and
after, the role, the reasons and the checks. These activities are the dataset's history.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.plugins import get_permission_labels
from ckanext.activity.logic import schema as activity_schema

from ckanext.bandaaceh.site import is_empty

from . import notices, portal_daftar, portal_jadwal, portal_rapor
from .rapor import SORT_KEYS
from .checks import passed, run_checks
from .roles import DATASET_TYPE, is_member, is_prioritas
from .validators import TRANSITION_CONTEXT, now_iso
from .workflow import (ACTIONS, DIAJUKAN, DIVERIFIKASI, DRAF, PEMBINA, PRODUSEN, SINCE_FIELD, STATES,
                       STATUS_FIELD, TERBIT, WAITING, WALIDATA, Transition, TransitionError, decider, next_state)

__all__ = [
    "satudata_ajukan", "satudata_verifikasi", "satudata_kembalikan", "satudata_status", "satudata_antrian",
    "satudata_ajukan_auth", "satudata_verifikasi_auth", "satudata_kembalikan_auth", "satudata_status_auth",
    "satudata_antrian_auth", "ACTIVITY_TYPES", "record_activity", "allowed_actions",
    "TRANSITION_CONTEXT", "harvest_entry_fields", "harvest_entered", "bulk_visibility_auth",
    "satudata_jadwal", "satudata_jadwal_auth", "satudata_rapor", "satudata_rapor_auth", "day_of",
]

_ = tk._

#: The activity types of the transitions, one per state reached.
ACTIVITY_TYPES = tuple(f"satudata {state}" for state in STATES if state != DRAF)


# ------------------------------------------------------------------ helpers


def _package(data_dict: dict[str, Any]) -> model.Package:
    pkg = model.Package.get(tk.get_or_bust(data_dict, "id"))
    if pkg is None or pkg.state == "deleted":
        raise tk.ObjectNotFound(_("Dataset tidak ditemukan"))
    return pkg


def _state(pkg: model.Package) -> str:
    stored = pkg.extras.get(STATUS_FIELD)
    if stored:
        return stored
    return "terbit" if not pkg.private and pkg.state == "active" else DRAF


def _activity_type_ok(value: Any) -> Any:
    if value not in ACTIVITY_TYPES:
        raise tk.Invalid(_("Jenis aktivitas tidak dikenal"))
    return value


def record_activity(pkg_id: str, user_name: str, transition: Transition, alasan: str | None,
                    checks: list[dict[str, Any]]) -> None:
    """Record a transition in the dataset's activity stream (type ``satudata <state>``)."""
    user = model.User.get(user_name)
    pkg = model.Package.get(pkg_id)
    if user is None or pkg is None:
        return
    schema = activity_schema.default_create_activity_schema()
    schema["activity_type"] = [tk.get_validator("not_empty"), _activity_type_ok]
    schema["object_id"] = [tk.get_validator("not_empty"), tk.get_validator("package_id_exists")]
    context = {"ignore_auth": True, "user": user.name, "schema": schema}
    tk.get_action("activity_create")(context, {
        "user_id": user.id, "object_id": pkg.id, "activity_type": f"satudata {transition.after}",
        "permission_labels": get_permission_labels().get_dataset_labels(pkg),
        "data": {
            "package": {"id": pkg.id, "name": pkg.name, "title": pkg.title, "type": pkg.type},
            "actor": user.name,
            "satudata": {"aksi": transition.action, "dari": transition.before, "ke": transition.after,
                         "peran": transition.role, "alasan": alasan or "", "periksa": checks},
        },
    })


def _alasan(data_dict: dict[str, Any]) -> str:
    value = data_dict.get("alasan")
    if isinstance(value, (list, tuple)):
        value = "\n".join(str(v).strip() for v in value if str(v).strip())
    return "" if is_empty(value) else str(value).strip()


def _transition(action: str, context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    tk.check_access(f"satudata_{action}", context, data_dict)
    obj = _package(data_dict)
    if obj.type != DATASET_TYPE:
        raise tk.ValidationError({"type": [_("Hanya dataset Satu Data yang diperiksa walidata; "
                                             "APBG diterbitkan gampong sendiri")]})
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": obj.id})
    try:
        transition = next_state(action, _state(obj), prioritas=is_prioritas(pkg))
    except TransitionError as exc:
        raise tk.ValidationError({STATUS_FIELD: [str(exc)]}) from None
    alasan = _alasan(data_dict)
    if action == "kembalikan" and not alasan:
        raise tk.ValidationError({"alasan": [_("Tuliskan alasan pengembalian agar produsen dapat memperbaikinya")]})
    checks = [c.as_dict() for c in run_checks(pkg)]
    if action == "verifikasi" and not all(c["ok"] for c in checks):
        problems = [m for c in checks for m in c["masalah"]]
        raise tk.ValidationError({"periksa": problems})
    user = context["user"]
    patch = {"id": obj.id, STATUS_FIELD: transition.after, SINCE_FIELD: now_iso()}
    if obj.state == "draft":  # a CKAN draft (form stage 1, or "Unpublish") is not found by the walidata
        patch["state"] = "active"
    saved = tk.get_action("package_patch")({"user": user, "ignore_auth": True, TRANSITION_CONTEXT: True}, patch)
    record_activity(obj.id, user, transition, alasan, checks)
    mailed = notices.notify(transition, saved, user, alasan)
    return {"id": saved["id"], "name": saved["name"], STATUS_FIELD: transition.after,
            "sebelumnya": transition.before, SINCE_FIELD: saved[SINCE_FIELD], "alasan": alasan,
            "periksa": checks, "surel": mailed}


def harvest_entry_fields(auto_terbit: bool) -> dict[str, str]:
    """Status fields of a dataset on its first harvest: ``diajukan``, or ``terbit`` when its source
    says ``auto_terbit: true``. Save them with ``TRANSITION_CONTEXT`` set in the context."""
    return {STATUS_FIELD: TERBIT if auto_terbit else DIAJUKAN, SINCE_FIELD: now_iso()}


def harvest_entered(pkg: dict[str, Any], user: str) -> None:
    """After a first harvest: the entry in the history, and the walidata's notice if submitted."""
    transition = Transition("ajukan" if pkg[STATUS_FIELD] == DIAJUKAN else "verifikasi", DRAF,
                            pkg[STATUS_FIELD], PRODUSEN)
    record_activity(pkg["id"], user, transition, _("Dipanen dari spreadsheet produsen data"), [])
    if pkg[STATUS_FIELD] == DIAJUKAN:
        notices.notify(transition, pkg, user)


# ------------------------------------------------------------------ actions


def satudata_ajukan(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Submit a Satu Data dataset to the walidata (``draf`` or ``dikembalikan`` -> ``diajukan``).

    For the produsen data: editors and admins of the dataset's SKPD (and sysadmins). The dataset
    stays private; the walidata's members are mailed.

    :param id: the dataset's id or name
    :param alasan: an optional note to the walidata (e.g. what was fixed)
    :returns: ``id``, ``name``, ``status_satudata`` (new), ``sebelumnya`` (old), ``status_satudata_sejak``,
        ``periksa`` (the checks the walidata will see: ``kode``, ``label``, ``ok``, ``masalah``),
        ``surel`` (addresses mailed)
    """
    return _transition("ajukan", context, data_dict)


def satudata_verifikasi(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Approve a submitted dataset: the walidata publishes it (``diajukan`` -> ``terbit``).

    A dataset flagged ``prioritas`` goes to the pembina data first (``diajukan`` ->
    ``diverifikasi``), whose approval publishes it (``diverifikasi`` -> ``terbit``).
    For members of ``bandaaceh.walidata_org`` (step ``diajukan``) or of
    ``bandaaceh.pembina_data_org`` (step ``diverifikasi``), and sysadmins. Refused
    (``ValidationError`` with ``periksa``) unless every check passes. Publishing makes the
    dataset public; its produsen are mailed.

    :param id: the dataset's id or name
    :param alasan: an optional note
    :returns: as ``satudata_ajukan``
    """
    return _transition("verifikasi", context, data_dict)


def satudata_kembalikan(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Return a submitted dataset to its produsen (``diajukan``/``diverifikasi`` -> ``dikembalikan``).

    For whoever decides the current step (walidata, or the pembina data for ``diverifikasi``).
    Allowed whether or not the checks pass. The produsen are mailed the reasons; after editing
    they submit again with ``satudata_ajukan``.

    :param id: the dataset's id or name
    :param alasan: the reasons (text, or a list of texts), required
    :returns: as ``satudata_ajukan``
    """
    return _transition("kembalikan", context, data_dict)


def allowed_actions(context: dict[str, Any], pkg_id: str) -> list[str]:
    """The actions (``ajukan``/``verifikasi``/``kembalikan``) the context's user may take now."""
    obj = model.Package.get(pkg_id)
    if obj is None or obj.type != DATASET_TYPE:
        return []
    state = _state(obj)
    out = []
    for action in ACTIONS:
        try:
            next_state(action, state, prioritas=is_prioritas(obj))
        except TransitionError:
            continue
        if authz.is_authorized(f"satudata_{action}", dict(context), {"id": obj.id}).get("success"):
            out.append(action)
    return out


@tk.side_effect_free
def satudata_status(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The Satu Data state of a dataset, its checks and its history.

    For whoever may read the dataset (its SKPD's members; the walidata and the pembina data while
    it waits for them; anyone once it is published).

    :param id: the dataset's id or name
    :returns: ``status_satudata``, ``status_satudata_sejak``, ``prioritas``, ``menunggu``
        (``walidata``/``pembina``/None: who decides next), ``aksi`` (the actions the caller may take),
        ``periksa`` (the checks), ``riwayat`` (transitions, newest first: ``waktu``, ``oleh``,
        ``aksi``, ``dari``, ``ke``, ``peran``, ``alasan``), ``daftar_data`` (the Daftar Data line
        naming this dataset, or None)
    """
    tk.check_access("satudata_status", context, data_dict)
    obj = _package(data_dict)
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": obj.id})
    activities = tk.get_action("package_activity_list")(
        {"ignore_auth": True, "user": context.get("user")},
        {"id": obj.id, "activity_types": list(ACTIVITY_TYPES), "include_hidden_activity": True, "limit": 100})
    history = []
    for act in activities:
        detail = (act.get("data") or {}).get("satudata") or {}
        history.append({"waktu": act["timestamp"], "oleh": (act.get("data") or {}).get("actor"),
                        "aksi": detail.get("aksi"), "dari": detail.get("dari"), "ke": detail.get("ke"),
                        "peran": detail.get("peran"), "alasan": detail.get("alasan") or ""})
    state = _state(obj)
    return {"id": obj.id, "name": obj.name, STATUS_FIELD: state, SINCE_FIELD: pkg.get(SINCE_FIELD) or "",
            "prioritas": is_prioritas(obj), "menunggu": decider(state),
            "aksi": allowed_actions(context, obj.id), "periksa": [c.as_dict() for c in run_checks(pkg)],
            "riwayat": history, "daftar_data": portal_daftar.line_of(obj.name)}


@tk.side_effect_free
def satudata_antrian(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The walidata's worklist: datasets waiting for a decision, oldest first.

    For members of the walidata organisation (datasets ``diajukan``) and of the pembina data
    organisation (``prioritas`` datasets ``diverifikasi``); sysadmins see both.

    :param status: ``diajukan`` or ``diverifikasi`` (default: every state the caller decides)
    :param rows: at most this many (default 100)
    :returns: ``count`` and ``results``: ``id``, ``name``, ``title``, ``organization``,
        ``status_satudata``, ``status_satudata_sejak``, ``prioritas``, ``lulus`` (checks passed),
        ``masalah`` (what fails)
    """
    tk.check_access("satudata_antrian", context, data_dict)
    user = context.get("user")
    states = [s for s, role in ((DIAJUKAN, WALIDATA), (DIVERIFIKASI, PEMBINA)) if is_member(user, role)]
    wanted = data_dict.get("status")
    if wanted:
        if wanted not in WAITING:
            raise tk.ValidationError({"status": [_("Status harus diajukan atau diverifikasi")]})
        states = [s for s in states if s == wanted]
    if not states:
        return {"count": 0, "results": []}
    try:
        rows = min(int(data_dict.get("rows") or 100), 1000)
    except ValueError:
        raise tk.ValidationError({"rows": [_("Harus berupa angka")]}) from None
    fq = f"+dataset_type:{DATASET_TYPE} +{STATUS_FIELD}:({' OR '.join(states)})"
    found = tk.get_action("package_search")({"ignore_auth": True}, {
        "fq": fq, "sort": f"{SINCE_FIELD} asc, metadata_modified asc", "rows": rows,
        "include_private": True})
    results = []
    for pkg in found["results"]:
        checks = run_checks(pkg)
        results.append({"id": pkg["id"], "name": pkg["name"], "title": pkg["title"],
                        "organization": (pkg.get("organization") or {}).get("title"),
                        STATUS_FIELD: pkg.get(STATUS_FIELD), SINCE_FIELD: pkg.get(SINCE_FIELD) or "",
                        "prioritas": is_prioritas(pkg), "lulus": passed(checks),
                        "masalah": [m for c in checks for m in c.masalah]})
    return {"count": found["count"], "results": results}


def day_of(data_dict: dict[str, Any]) -> dt.date:
    """The ``tanggal`` parameter (YYYY-MM-DD), default today; ValidationError if malformed."""
    try:
        return dt.date.fromisoformat(data_dict["tanggal"]) if data_dict.get("tanggal") else dt.date.today()
    except (TypeError, ValueError):
        raise tk.ValidationError({"tanggal": [_("Tanggal harus berbentuk YYYY-MM-DD")]}) from None


@tk.side_effect_free
def satudata_jadwal(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The Jadwal Rilis: the next release date of every published Satu Data dataset (from its
    frekuensi and its Daftar Data line) and of every Daftar Data line not yet published.

    :param skpd: organisation name (optional)
    :param status: ``terlambat``, ``akan datang`` or ``tepat waktu`` (optional)
    :param tanggal: the day to compare with, YYYY-MM-DD (default today)
    :returns: ``tanggal`` and ``results``, most overdue first: ``judul``, ``dataset``, ``skpd``,
        ``skpd_title``, ``frekuensi``, ``terakhir`` (last release), ``tanggal`` (next due),
        ``status``, ``hari_terlambat``
    """
    tk.check_access("satudata_jadwal", context, data_dict)
    today = day_of(data_dict)
    items = portal_jadwal.schedule(today, data_dict.get("skpd") or None)
    if data_dict.get("status"):
        items = [i for i in items if i["status"] == data_dict["status"]]
    return {"tanggal": today.isoformat(), "results": items}


@tk.side_effect_free
def satudata_rapor(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The Rapor SKPD: per SKPD the Daftar Data, publication, timeliness, metadata, verification
    backlog, harvest health and complaint response; per gampong the APBG stages against their
    deadlines; and the monthly history. Public.

    :param tahun: the Daftar Data and APBG year (default the latest Daftar Data year up to today's)
    :param tanggal: the day to compare with, YYYY-MM-DD (default today)
    :param sort: ``skpd``, ``daftar_data``, ``terbit``, ``tepat_waktu``, ``terlambat``, ``metadata``,
        ``antrian``, ``umur_antrian``, ``panen``, ``panen_gagal`` or ``pengaduan``; ``-`` first for
        descending (default ``skpd``); rows without the figure go last
    :returns: ``tanggal``, ``tahun``, ``years``, ``sort``; ``skpd``: rows of ``skpd``, ``title``,
        ``daftar_data``, ``dataset``, ``terbit``, ``jadwal``, ``persen_tepat_waktu``,
        ``jumlah_terlambat``, ``terlambat`` (``judul``, ``dataset``, ``tanggal``, ``hari_terlambat``),
        ``persen_metadata``, ``antrian``, ``antrian_hari_tertua``, ``panen_sumber``,
        ``panen_terakhir_berhasil``, ``panen_gagal``, ``jumlah_panen_gagal``,
        ``pengaduan_median_hari_respon``; ``gampong``: ``tahun``, ``tenggat`` (per stage: ``tanggal``,
        ``sumber``, ``ketentuan``), ``ringkasan`` (per stage, gampong per state) and ``rows`` (``kode``,
        ``nama``, ``kecamatan``, ``organisasi``, ``tahap``: per stage ``tenggat``, ``terbit``,
        ``dataset``, ``status``); ``riwayat``: ``bulan`` (city-wide per month) and ``skpd`` (per SKPD)
    """
    tk.check_access("satudata_rapor", context, data_dict)
    today = day_of(data_dict)
    raw = data_dict.get("tahun")
    try:
        tahun = int(str(raw).strip()) if not is_empty(raw) else None
    except ValueError:
        raise tk.ValidationError({"tahun": [_("Harus berupa angka tahun, misalnya 2025")]}) from None
    sort = str(data_dict.get("sort") or "skpd").strip()
    if sort.lstrip("-") not in SORT_KEYS:
        raise tk.ValidationError({"sort": [_("Urutan {sort} tidak dikenal; pilihan: {choices}").format(
            sort=sort, choices=", ".join(SORT_KEYS))]})
    return portal_rapor.rapor(today, tahun, sort)


# ------------------------------------------------------------------ auth


@tk.auth_allow_anonymous_access
def satudata_rapor_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The Rapor SKPD is public."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def satudata_jadwal_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    return {"success": True}


def satudata_ajukan_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The produsen: whoever may edit the dataset (editors/admins of its SKPD)."""
    return authz.is_authorized("package_update", context, {"id": data_dict.get("id")})


def _decider_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    obj = _package(data_dict)
    user = context.get("user")
    role = decider(_state(obj))
    if role is not None:
        ok = is_member(user, role)
    else:  # nothing awaits a decision: let the deciders hear why from the action
        ok = is_member(user, WALIDATA) or is_member(user, PEMBINA)
    if ok:
        return {"success": True}
    return {"success": False, "msg": _("Hanya walidata (atau pembina data untuk data prioritas) yang "
                                       "dapat memutuskan dataset ini")}


def satudata_verifikasi_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    return _decider_auth(context, data_dict)


def satudata_kembalikan_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    return _decider_auth(context, data_dict)


@tk.auth_allow_anonymous_access
def satudata_status_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    return authz.is_authorized("package_show", context, {"id": data_dict.get("id")})


def satudata_antrian_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    user = context.get("user")
    if is_member(user, WALIDATA) or is_member(user, PEMBINA):
        return {"success": True}
    return {"success": False, "msg": _("Daftar tunggu hanya untuk walidata dan pembina data")}


@tk.chained_auth_function
def bulk_visibility_auth(next_auth: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """``bulk_update_public``/``bulk_update_private`` (the organisation page's bulk buttons) would
    publish or hide datasets behind the walidata's back: sysadmins only."""
    if not authz.is_sysadmin(context.get("user")):
        return {"success": False, "msg": _("Dataset diterbitkan melalui walidata (Satu Data), bukan sekaligus")}
    return next_auth(context, data_dict)
