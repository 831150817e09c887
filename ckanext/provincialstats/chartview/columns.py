"""What the columns of a DataStore table are for a chart: time (a year, BE or CE, or a
month or date), province (one series per province), numeric values.

Only names and types are read here (``datastore_search`` with ``limit=0``); the values
are read by the browser. A column is known by its id and by its data dictionary label
(the loader keeps a long Thai header whole as the label).
"""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.provincialstats import vocab

NUMERIC_TYPES = {"int", "int2", "int4", "int8", "integer", "bigint", "smallint",
                 "numeric", "float", "float4", "float8", "double precision", "real"}
DATE_TYPES = {"date", "timestamp", "timestamptz", "time"}

_YEAR = re.compile(r"(^|[^a-z])(year|yr)([^a-z]|$)|ปี|พ\.\s?ศ\.|ค\.\s?ศ\.|fiscal", re.I)
_MONTH = re.compile(r"month|เดือน|ไตรมาส|quarter|date|วันที่|period|งวด", re.I)
_BE = re.compile(r"พ\.\s?ศ\.|(^|[^a-z])b\.?\s?e\.?([^a-z]|$)|buddhist", re.I)
_CE = re.compile(r"ค\.\s?ศ\.|(^|[^a-z])c\.?\s?e\.?([^a-z]|$)|(^|[^a-z])a\.?d\.?([^a-z]|$)", re.I)
_PROVINCE = re.compile(r"จังหวัด|province|changwat|(^|[^a-z])prov([^a-z]|$)", re.I)
_RATE = re.compile(r"ร้อยละ|อัตรา|เฉลี่ย|percent|%|rate|ratio|average|mean|per\s", re.I)


def label(field: dict[str, Any]) -> str:
    """What the column is called: its data dictionary label, else its id."""
    info = field.get("info") or {}
    return (info.get("label") or "").strip() or field["id"]


def _names(field: dict[str, Any]) -> str:
    return "%s %s" % (field["id"], label(field))


def is_numeric(field: dict[str, Any]) -> bool:
    return field.get("type", "").lower() in NUMERIC_TYPES


def year_kind(field: dict[str, Any]) -> str | None:
    """``"be"``, ``"ce"`` or ``"auto"`` (decided from the values in the browser: a year
    above 2400 is Buddhist Era) for a year column; None for any other column."""
    names = _names(field)
    if not _YEAR.search(names) or field.get("type", "").lower() in DATE_TYPES:
        return None
    if _MONTH.search(names) and not re.search(r"ปี|year", names, re.I):
        return None
    if not (is_numeric(field) or field.get("type", "").lower() == "text"):
        return None
    if _BE.search(names):
        return "be"
    if _CE.search(names):
        return "ce"
    return "auto"


def era_kind(field: dict[str, Any]) -> str:
    """The calendar of a time column's years: ``be``, ``ce`` or ``auto``."""
    kind = year_kind(field)
    if kind:
        return kind
    names = _names(field)
    if _BE.search(names):
        return "be"
    if _CE.search(names) or field.get("type", "").lower() in DATE_TYPES:
        return "ce"
    return "auto"


def is_time(field: dict[str, Any]) -> bool:
    return (year_kind(field) is not None
            or field.get("type", "").lower() in DATE_TYPES
            or bool(_MONTH.search(_names(field))))


def is_province(field: dict[str, Any]) -> bool:
    return not is_numeric(field) and bool(_PROVINCE.search(_names(field)))


def is_rate(field: dict[str, Any]) -> bool:
    return bool(_RATE.search(_names(field)))


def chart_fields(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The table's columns without CKAN's own ``_id`` and ``_full_text``."""
    return [f for f in fields if not f["id"].startswith("_")]


def defaults(fields: list[dict[str, Any]]) -> dict[str, Any]:
    """The chart a table suggests: a year column (a Buddhist Era one first), else a
    month or date column, over time; one series per province when there is a province
    column; the first numeric column that is not a year as the value; a mean for rates
    and averages, a sum otherwise. Empty values where the table has no such column."""
    fields = chart_fields(fields)
    years = [f for f in fields if year_kind(f)]
    years.sort(key=lambda f: {"be": 0, "auto": 1, "ce": 2}[year_kind(f)])
    times = years or [f for f in fields if is_time(f)]
    time = times[0]["id"] if times else ""
    provinces = [f for f in fields if is_province(f) and f["id"] != time]
    values = [f for f in fields if is_numeric(f) and not is_time(f) and f["id"] != time]
    value = values[0] if values else None
    return {
        "time_column": time,
        "series_column": provinces[0]["id"] if provinces else "",
        "value_column": value["id"] if value else "",
        "aggregate": "mean" if value and is_rate(value) else "sum",
        "chart_type": "line",
    }


def province_names(lang: str) -> dict[str, str]:
    """Every way a CSV names a province (``TH-22``, ``22``, จันทบุรี, Chanthaburi, the
    slug), lower-cased, to its name in ``lang`` (Thai for ``th``, English otherwise)."""
    names: dict[str, str] = {}
    for p in vocab.provinces():
        shown = p["name_th"] if lang == "th" else p["name_en"]
        for key in (p["iso_code"], p["dopa_code"], p["name_th"], p["name_en"], p["slug"],
                    "จังหวัด" + p["name_th"], "จ." + p["name_th"]):
            names[key.casefold()] = shown
    return names


def table_fields(resource_id: str) -> list[dict[str, Any]]:
    """The columns of a resource's DataStore table (none if it has no table or the
    caller may not read it)."""
    try:
        result = tk.get_action("datastore_search")(
            {}, {"resource_id": resource_id, "limit": 0, "include_total": False})
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return []
    return chart_fields(result.get("fields", []))
