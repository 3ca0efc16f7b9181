"""The pure side of the chart view: which columns a new chart shows, and its series.

A chart has one **dimensi** (the column along the axis: one bar or point per value), one
**ukuran** (a numeric column, summed per dimensi value) and an optional **filter**
(``saring_kolom`` = ``saring_nilai``: only those rows).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ckanext.bandaaceh.spreadsheet import DIMENSION_COLUMNS

__all__ = ["CHART_TYPES", "NUMERIC_TYPES", "EMPTY_LABEL", "default_config", "series"]

CHART_TYPES = ("bar", "line")
#: DataStore (PostgreSQL) column types a measure may have.
NUMERIC_TYPES = frozenset({"int", "int2", "int4", "int8", "integer", "bigint", "smallint", "numeric",
                           "float", "float4", "float8", "double precision", "real"})
#: Axis label of rows whose dimensi is empty.
EMPTY_LABEL = "(kosong)"
#: Dimensions drawn as a line (time) rather than bars.
_TIME = ("tahun", "bulan", "periode")


def default_config(fields: Sequence[Mapping[str, Any]], rows: Sequence[Sequence[Any]], *,
                   tidy: bool) -> dict[str, str] | None:
    """The chart a harvested table gets by default, or None when it has nothing to chart.

    ``fields``: DataStore field dicts (``id``, ``type``) in column order; ``rows``: the values in
    that order. A tidy (long) table charts ``nilai`` by its first identifying column, filtered to
    the last value (the latest year) of its first header dimension; with no identifying column,
    by that dimension. A wide table charts its first numeric column by its first other column.
    """
    ids = [f["id"] for f in fields]
    numeric = [f["id"] for f in fields if f.get("type") in NUMERIC_TYPES]
    if tidy and ids and ids[-1] in numeric:
        measure = ids[-1]
        dims = [c for c in ids[:-1] if c in DIMENSION_COLUMNS]
        keys = [c for c in ids[:-1] if c not in dims]
        if not dims and not keys:
            return None
        dimension = keys[0] if keys else dims[0]
        rest = dims if keys else dims[1:]
        config = {"jenis_grafik": "line" if dimension in _TIME else "bar", "dimensi": dimension,
                  "ukuran": measure, "saring_kolom": "", "saring_nilai": ""}
        if rest:
            col = ids.index(rest[0])
            last = next((r[col] for r in reversed(rows) if r[col] not in (None, "")), None)
            if last is not None:
                config.update(saring_kolom=rest[0], saring_nilai=str(last))
        return config
    others = [c for c in ids if c not in numeric]
    if not numeric or not others:
        return None
    return {"jenis_grafik": "bar", "dimensi": others[0], "ukuran": numeric[0], "saring_kolom": "", "saring_nilai": ""}


def _label(value: Any) -> str:
    if value in (None, ""):
        return EMPTY_LABEL
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def series(records: Iterable[Mapping[str, Any]], dimension: str, measure: str) -> tuple[list[str], list[float]]:
    """Labels and sums of ``measure`` per ``dimension`` value, in order of first appearance;
    empty measures are left out of the sums."""
    sums: dict[str, Decimal] = {}
    for rec in records:
        label = _label(rec.get(dimension))
        value = rec.get(measure)
        total = sums.setdefault(label, Decimal(0))
        if value not in (None, ""):
            sums[label] = total + Decimal(str(value))
    return list(sums), [float(v) for v in sums.values()]
