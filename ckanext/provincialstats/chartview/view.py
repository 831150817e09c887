"""The ``provincialstats_chart`` resource view: its configuration (columns checked
against the resource's DataStore table, defaults suggested by the table) and what its
templates get.

The browser reads the rows itself with ``datastore_search`` on the same site (only the
three columns drawn, in pages, up to ``ckanext.provincialstats.chartview.max_rows``) and
adds up the rows that fall on the same time and series. Everything the page's
JavaScript needs is in one ``data-provincialstats-chart`` JSON attribute: no inline
script, so the view works under the extension's Content-Security-Policy.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.provincialstats.chartview import columns

CHART_TYPES = ("line", "bar")
AGGREGATES = ("sum", "mean")
CONFIG_KEYS = ("time_column", "value_column", "series_column", "chart_type", "aggregate")

_CACHE = "provincialstats_chart_fields"


def _fields(resource_id: Any, context: dict[str, Any]) -> list[dict[str, Any]]:
    """The table's columns, read once per validation."""
    cache = context.setdefault(_CACHE, {})
    if resource_id not in cache:
        # Only a user who may create or edit the view gets here (checked first).
        cache[resource_id] = columns.table_fields(str(resource_id)) if resource_id else []
    return cache[resource_id]


def _label(name: str) -> str:
    return {
        "time_column": tk._("Time column"),
        "value_column": tk._("Value column"),
        "series_column": tk._("Series column"),
        "chart_type": tk._("Chart type"),
        "aggregate": tk._("Rows on the same point"),
    }[name]


def _empty(value: Any) -> bool:
    return value is tk.missing or value is None or value == ""


def _column(role: str, required: bool):
    """A column of the resource's table; empty: the column the table suggests."""
    def validator(key, data, errors, context):
        fields = _fields(data.get(("resource_id",)), context)
        value = data.get(key)
        # Not given: the table's suggestion. An empty series given means one series.
        if value is tk.missing or value is None or (required and value == ""):
            value = columns.defaults(fields)[role] if fields else ""
        if _empty(value):
            if required:
                errors[key].append("%s: %s" % (_label(role), tk._(
                    "choose a column (the table has none that fits)")))
            data[key] = ""
            return
        by_id = {f["id"]: f for f in fields}
        if value not in by_id:
            errors[key].append("%s: %s" % (_label(role), tk._(
                '"%(column)s" is not a column of this table') % {"column": value}))
            return
        if role == "value_column" and not columns.is_numeric(by_id[value]):
            errors[key].append("%s: %s" % (_label(role), tk._(
                '"%(column)s" does not hold numbers') % {"column": value}))
            return
        data[key] = value
    return validator


def _choice(role: str, allowed: tuple[str, ...]):
    def validator(key, data, errors, context):
        value = data.get(key)
        if _empty(value):
            fields = _fields(data.get(("resource_id",)), context)
            value = columns.defaults(fields)[role] if fields and role in (
                "aggregate",) else allowed[0]
        if value not in allowed:
            errors[key].append("%s: %s" % (_label(role), tk._(
                '"%(value)s" is not one of %(allowed)s')
                % {"value": value, "allowed": ", ".join(allowed)}))
            return
        data[key] = value
    return validator


def _distinct_columns(key, data, errors, context):
    """The value is not also the time or the series."""
    value = data.get(("value_column",))
    if value and value in (data.get(("time_column",)), data.get(("series_column",))):
        errors[("value_column",)].append("%s: %s" % (_label("value_column"), tk._(
            "the value column must differ from the time and series columns")))


def info() -> dict[str, Any]:
    unicode_safe = tk.get_validator("unicode_safe")
    return {
        "name": "provincialstats_chart",
        "title": tk._("Chart"),
        "default_title": tk._("Chart"),
        "icon": "chart-line",
        "requires_datastore": True,
        "iframed": False,
        "preview_enabled": False,
        "filterable": False,
        "schema": {
            "time_column": [_column("time_column", True), unicode_safe],
            "value_column": [_column("value_column", True), unicode_safe],
            "series_column": [_column("series_column", False), unicode_safe],
            "chart_type": [_choice("chart_type", CHART_TYPES)],
            "aggregate": [_choice("aggregate", AGGREGATES), _distinct_columns],
        },
    }


def can_view(data_dict: dict[str, Any]) -> bool:
    """A table in the DataStore with a time column and a numeric column."""
    resource = data_dict["resource"]
    if not resource.get("datastore_active"):
        return False
    suggested = columns.defaults(columns.table_fields(resource["id"]))
    return bool(suggested["time_column"] and suggested["value_column"])


def _messages() -> dict[str, str]:
    return {
        "loading": tk._("Loading the chart…"),
        "error": tk._("The chart could not be drawn: the table could not be read."),
        "empty": tk._("The table has no values to draw for these columns."),
        "capped": tk._("Drawn from the first {shown} of {total} rows."),
        "rows": tk._("Drawn from {rows} rows."),
        "sum": tk._("Rows on the same point are added up."),
        "mean": tk._("Rows on the same point are averaged."),
        "yearBE": tk._("Year (BE)"),
        "yearCE": tk._("Year (CE)"),
    }


def _column_info(field: dict[str, Any] | None) -> dict[str, Any] | None:
    if field is None:
        return None
    return {"id": field["id"], "label": columns.label(field),
            "era": columns.era_kind(field), "province": columns.is_province(field)}


def template_variables(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """For the view (``chart_config``: the JSON the browser module reads) and for its
    form (the table's columns and the suggested defaults)."""
    resource = data_dict.get("resource") or {}
    view = data_dict.get("resource_view") or {}
    fields = columns.table_fields(resource["id"]) if resource.get("id") else []
    by_id = {f["id"]: f for f in fields}
    suggested = columns.defaults(fields)
    # A view saved without a series (empty) keeps one series.
    config = {k: view[k] if k in view and (view[k] or k == "series_column")
              else suggested[k] for k in CONFIG_KEYS}
    lang = tk.h.lang() or "th"
    series = by_id.get(config["series_column"])
    chart_config = {
        "resourceId": resource.get("id"),
        "api": tk.h.url_for("api.action", ver=3, logic_function="datastore_search"),
        "lang": "th" if lang.startswith("th") else "en",
        "chartType": config["chart_type"],
        "aggregate": config["aggregate"],
        "time": _column_info(by_id.get(config["time_column"])),
        "value": _column_info(by_id.get(config["value_column"])),
        "series": _column_info(series),
        "provinceNames": columns.province_names(lang) if series and columns.is_province(
            series) else {},
        "maxRows": tk.config.get("ckanext.provincialstats.chartview.max_rows"),
        "pageSize": tk.config.get("ckanext.provincialstats.chartview.page_size"),
        "messages": _messages(),
    }
    return {
        "chart_config": chart_config,
        "chart_columns": [{"id": f["id"], "label": columns.label(f),
                           "numeric": columns.is_numeric(f)} for f in fields],
        "chart_defaults": suggested,
        "chart_types": [("line", tk._("Line")), ("bar", tk._("Bar"))],
        "chart_aggregates": [("sum", tk._("Sum")), ("mean", tk._("Mean"))],
    }
