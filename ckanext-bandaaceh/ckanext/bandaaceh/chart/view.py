"""The ``bandaaceh_chart`` resource view: a bar or line chart of a DataStore table.

The steward picks, in the view's form, the dimensi (axis), the ukuran (a numeric column, summed
per dimensi value), an optional filter (column = value) and bar or line. The figures are read
server-side with ``datastore_search`` (as the viewer, so private tables stay private) and
embedded in the page as JSON; the bundled Chart.js (``assets/vendor/chartjs``) draws them.
Harvested tables get one by default (:func:`ensure_default_view`, from the tidy form when the
table has one).
"""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from .series import CHART_TYPES, NUMERIC_TYPES, default_config, series

__all__ = ["VIEW_TYPE", "info", "can_view", "setup_template_variables", "view_template", "form_template",
           "ensure_default_view", "chart_data", "bandaaceh_chart_fields", "MAX_ROWS"]

VIEW_TYPE = "bandaaceh_chart"
#: Rows read for one chart at most (the DataStore's own page limit applies too).
MAX_ROWS = 32000
_ = tk._


def _table_fields(resource_id: str) -> list[dict[str, Any]]:
    """The DataStore columns of a resource (``id``, ``type``, ``info``), without ``_id``."""
    try:
        res = tk.get_action("datastore_search")({"ignore_auth": True}, {"resource_id": resource_id, "limit": 0})
    except (tk.ObjectNotFound, tk.ValidationError):
        return []
    return [f for f in res.get("fields", []) if f["id"] != "_id"]


def _resource_id(data: dict[Any, Any]) -> str:
    rid = data.get(("resource_id",))
    if not rid and data.get(("id",)):  # resource_view_update: the view knows its resource
        view = model.ResourceView.get(str(data[("id",)]))
        rid = view.resource_id if view is not None else None
    return str(rid or "")


def _column_validator(numeric: bool) -> Any:
    """A view-schema validator: the value names a column of the table (a numeric one if ``numeric``)."""
    def validate(key: tuple[Any, ...], data: dict[Any, Any], errors: dict[Any, Any], context: dict[str, Any]) -> None:
        value = data.get(key)
        if value in (None, "", tk.missing):
            return
        fields = {f["id"]: f for f in _table_fields(_resource_id(data))}
        if value not in fields:
            errors[key].append(_("Kolom '{kolom}' tidak ada di tabel ini").format(kolom=value))
        elif numeric and fields[value]["type"] not in NUMERIC_TYPES:
            errors[key].append(_(
                "Kolom '{kolom}' bukan kolom angka (tipe {tipe}): ukuran grafik harus kolom angka"
            ).format(kolom=value, tipe=fields[value]["type"]))
    return validate


def _chart_type(value: Any) -> Any:
    if value in (None, "", tk.missing):
        return "bar"
    if value not in CHART_TYPES:
        raise tk.Invalid(_("Jenis grafik harus 'bar' (batang) atau 'line' (garis)"))
    return value


def _filter_pair(key: tuple[Any, ...], data: dict[Any, Any], errors: dict[Any, Any], context: dict[str, Any]) -> None:
    """A filter value needs its column."""
    if data.get(key) not in (None, "", tk.missing) and data.get(("saring_kolom",)) in (None, "", tk.missing):
        errors[key].append(_("Pilih kolom penyaring untuk nilai ini"))


def info() -> dict[str, Any]:
    """IResourceView.info of the chart view."""
    not_empty, ignore_missing, unicode_safe = (tk.get_validator(n) for n in ("not_empty", "ignore_missing",
                                                                             "unicode_safe"))
    return {
        "name": VIEW_TYPE,
        "title": _("Grafik"),
        "default_title": _("Grafik"),
        "icon": "chart-bar",
        "requires_datastore": True,
        "iframed": False,
        "preview_enabled": True,
        "schema": {
            "jenis_grafik": [_chart_type, unicode_safe],
            "dimensi": [not_empty, unicode_safe, _column_validator(numeric=False)],
            "ukuran": [not_empty, unicode_safe, _column_validator(numeric=True)],
            "saring_kolom": [ignore_missing, unicode_safe, _column_validator(numeric=False)],
            "saring_nilai": [ignore_missing, unicode_safe, _filter_pair],
        },
    }


def can_view(data_dict: dict[str, Any]) -> bool:
    """Any resource with a DataStore table."""
    return bool(data_dict["resource"].get("datastore_active"))


def chart_data(resource: dict[str, Any], view: dict[str, Any]) -> dict[str, Any]:
    """The figures of a chart view: ``labels``, one dataset (sums of the ukuran) and the title,
    read with ``datastore_search`` as the current user."""
    dimension, measure = view.get("dimensi"), view.get("ukuran")
    fields = {f["id"]: f for f in _table_fields(resource["id"])}
    if dimension not in fields or measure not in fields:
        return {"error": _("Kolom grafik tidak ada lagi di tabel ini; ubah tampilan grafik.")}
    params: dict[str, Any] = {"resource_id": resource["id"], "fields": [dimension, measure], "sort": "_id",
                              "limit": MAX_ROWS}
    if view.get("saring_kolom") and view.get("saring_kolom") in fields:
        params["filters"] = {view["saring_kolom"]: view.get("saring_nilai") or ""}
    result = tk.get_action("datastore_search")({}, params)
    labels, values = series(result.get("records") or [], dimension, measure)

    def title(fid: str) -> str:
        return (fields[fid].get("info") or {}).get("label") or fid

    subtitle = (f"{title(view['saring_kolom'])}: {view.get('saring_nilai')}"
                if params.get("filters") else "")
    return {"type": view.get("jenis_grafik") or "bar", "labels": labels,
            "datasets": [{"label": title(measure), "data": values}],
            "dimensi": title(dimension), "subtitle": subtitle,
            "truncated": result.get("total", 0) > MAX_ROWS, "rows_read": MAX_ROWS}


def setup_template_variables(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The chart's figures as JSON text (``chart_json``) and the table's columns for the form."""
    view = data_dict.get("resource_view") or {}
    resource = data_dict["resource"]
    data = chart_data(resource, view) if view.get("dimensi") and view.get("ukuran") else {}
    # safe inside <script>: no '<', '>' or '&' survives as such
    text = json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return {"chart": data, "chart_json": text}


def view_template(context: dict[str, Any], data_dict: dict[str, Any]) -> str:
    return "chart/view.html"


def form_template(context: dict[str, Any], data_dict: dict[str, Any]) -> str:
    return "chart/form.html"


def bandaaceh_chart_fields(resource_id: str) -> list[dict[str, Any]]:
    """Template helper: the DataStore columns of a resource, each with ``numeric`` set."""
    return [dict(f, numeric=f["type"] in NUMERIC_TYPES) for f in _table_fields(resource_id)]


def ensure_default_view(context: dict[str, Any], resource: dict[str, Any], fields: list[dict[str, Any]],
                        rows: list[Any], *, tidy: bool) -> dict[str, Any] | None:
    """Give a harvested table its chart (:func:`series.default_config`) unless it has one; returns
    the view created, else None."""
    config = default_config(fields, rows, tidy=tidy)
    if config is None:
        return None
    views = tk.get_action("resource_view_list")(context, {"id": resource["id"]})
    if any(v["view_type"] == VIEW_TYPE for v in views):
        return None
    return tk.get_action("resource_view_create")(context, {
        "resource_id": resource["id"], "view_type": VIEW_TYPE, "title": _("Grafik"), **config})
