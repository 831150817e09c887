"""Reference vocabularies written by this project, and lookups over them.

Files in this folder (the project's own data; facts such as province codes come from
public sources, the files do not):

- ``provinces.csv``: the 77 provinces: ISO 3166-2:TH code, DOPA code, Thai and English
  names, region, URL slug of the province record.
- ``regions.csv``: the six-region grouping used for ``region``.
- ``stat_sectors.csv``: the 21 statistical sectors (สาขาสถิติ) of the National
  Statistical Office.
- ``availability.csv``: AS-IS / TO-BE, the availability of a statistic in a chart.
- ``gdc_choices.json``: the Thai Government Data Catalog choice lists, with the same
  values as the national GD Catalog schema.

Files are read on first use and kept (they only change with a release).
"""
from __future__ import annotations

import csv
import functools
import json
import os
import re
from typing import Any

from ckanext.provincialstats.logic.converters import THAI_DIGITS

HERE = os.path.dirname(os.path.abspath(__file__))



def _read_csv(file_name: str) -> list[dict[str, str]]:
    with open(os.path.join(HERE, file_name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _labelled(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    return [
        {"value": r["code"], "label": {"th": r["name_th"], "en": r["name_en"]}}
        for r in rows
    ]


@functools.lru_cache(maxsize=None)
def provinces() -> tuple[dict[str, str], ...]:
    """All 77 provinces, in DOPA code order."""
    return tuple(_read_csv("provinces.csv"))


@functools.lru_cache(maxsize=None)
def _provinces_by_code() -> dict[str, dict[str, str]]:
    return {p["iso_code"]: p for p in provinces()}


@functools.lru_cache(maxsize=None)
def _provinces_by_slug() -> dict[str, dict[str, str]]:
    return {p["slug"]: p for p in provinces()}


def normalise_province_code(value: Any) -> str:
    """``TH-22``, ``th-22``, ``22``, ``๒๒`` -> ``TH-22`` (not checked against the list)."""
    text = str(value).strip().translate(THAI_DIGITS).upper()
    if re.fullmatch(r"\d{2}", text):
        return "TH-" + text
    return text


def province(code: Any) -> dict[str, str] | None:
    """The province with this code (any form :func:`normalise_province_code` takes)."""
    return _provinces_by_code().get(normalise_province_code(code))


def province_by_slug(slug: str) -> dict[str, str] | None:
    """The province whose record is at ``/province/<slug>``."""
    return _provinces_by_slug().get(slug)


@functools.lru_cache(maxsize=None)
def regions() -> tuple[dict[str, Any], ...]:
    return tuple(_labelled(_read_csv("regions.csv")))


@functools.lru_cache(maxsize=None)
def stat_sectors() -> tuple[dict[str, Any], ...]:
    return tuple(_labelled(_read_csv("stat_sectors.csv")))


def normalise_sector_code(value: Any) -> str:
    """``1``, ``01``, ``๐๑`` -> ``01``."""
    text = str(value).strip().translate(THAI_DIGITS)
    return text.zfill(2) if text.isdigit() else text


@functools.lru_cache(maxsize=None)
def availability() -> tuple[dict[str, Any], ...]:
    return tuple(_labelled(_read_csv("availability.csv")))


@functools.lru_cache(maxsize=None)
def _gdc() -> dict[str, Any]:
    with open(os.path.join(HERE, "gdc_choices.json"), encoding="utf-8") as f:
        return json.load(f)["vocabularies"]


def gdc_choices(name: str) -> list[dict[str, Any]]:
    """One GD Catalog choice list (``data_type``, ``objective``, ...)."""
    return _gdc()[name]["choices"]


def province_choices() -> list[dict[str, Any]]:
    return [
        {"value": p["iso_code"], "label": {"th": p["name_th"], "en": p["name_en"]}}
        for p in provinces()
    ]


def _province_items() -> list[dict[str, Any]]:
    return [dict(p) for p in provinces()]


# name -> (description, items). The read-only vocabulary actions list exactly these.
VOCABULARIES: dict[str, tuple[str, Any]] = {
    "provinces": ("The 77 provinces (ISO 3166-2:TH)", _province_items),
    "regions": ("Regions (six-region grouping)", lambda: list(regions())),
    "stat_sectors": ("NSO statistical sectors (สาขาสถิติ)", lambda: list(stat_sectors())),
    "availability": ("Availability of a statistic in a chart (AS-IS / TO-BE)",
                     lambda: list(availability())),
}


def vocabulary_names() -> list[str]:
    return list(VOCABULARIES) + ["gdc_" + n for n in _gdc()]


def vocabulary(name: str) -> dict[str, Any] | None:
    """A vocabulary by name (``provinces``, ``stat_sectors``, ``gdc_objective`` ...)."""
    if name in VOCABULARIES:
        about, items = VOCABULARIES[name]
        return {"name": name, "about": about, "items": items()}
    if name.startswith("gdc_") and name[4:] in _gdc():
        entry = _gdc()[name[4:]]
        return {"name": name, "about": entry["about"], "items": entry["choices"]}
    return None


def choices(name: str) -> list[dict[str, Any]]:
    """The choices of a vocabulary (``value`` + ``label``), for schemas and forms."""
    if name == "provinces":
        return province_choices()
    vocab = vocabulary(name)
    if vocab is None:
        raise KeyError(name)
    return vocab["items"]
