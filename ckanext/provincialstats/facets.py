"""Facets of every dataset list (dataset search, organization, group, province pages):
the extension's fields with their schema labels, and facet values labelled in the
request's language (``TH-22`` -> จันทบุรี / Chanthaburi, ``11`` -> เกษตร / Agriculture,
data types, yes/no, strategic issue titles)."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.provincialstats import vocab
from ckanext.provincialstats.logic.labels import label_text, language, schema_field

# Facets in the order shown; the extension's fields first.
FIELDS = ("province", "strategic_issue", "stat_sector", "organization", "data_type",
          "res_format", "official_statistics", "tags", "license_id")
# An official statistics chart has a province and an organization, none of the other
# fields: their facets would only say "none found".
TYPE_FIELDS = {"stats_chart": ("province", "organization")}
# The extension's facet fields whose title comes from the dataset schema.
SCHEMA_FIELDS = ("province", "strategic_issue", "stat_sector", "data_type",
                 "official_statistics")


def _dataset_schema() -> dict[str, Any]:
    from ckanext.scheming.helpers import scheming_get_dataset_schema
    return scheming_get_dataset_schema("dataset") or {}


def facet_titles(facets_dict: "OrderedDict[str, Any]",
                 package_type: str = "dataset") -> "OrderedDict[str, Any]":
    """IFacets: the extension's facets added with their schema labels; CKAN's own ones
    kept (``groups`` left out: provinces and strategic issues are fields here). A
    record type of the extension (``TYPE_FIELDS``) gets only the facets of its fields."""
    schema = _dataset_schema()
    stock = dict(facets_dict)
    facets_dict.clear()
    only = TYPE_FIELDS.get(package_type)
    for name in only or FIELDS:
        if name in SCHEMA_FIELDS:
            field = schema_field(schema, name)
            if field:
                facets_dict[name] = label_text(field.get("label"))
        elif stock.get(name):
            facets_dict[name] = stock[name]
        elif name in stock:
            facets_dict[name] = _ckan_titles()[name]
    for name, title in stock.items():
        if name not in facets_dict and name != "groups" and not only:
            facets_dict[name] = title
    return facets_dict


def _ckan_titles() -> dict[str, str]:
    """CKAN's own facet titles (as its search views set them)."""
    return {"organization": tk._("Organizations"), "res_format": tk._("Formats"),
            "tags": tk._("Tags"), "license_id": tk._("Licenses")}


def _choice_labels(choices) -> dict[str, str]:
    return {c["value"]: label_text(c["label"]) for c in choices}


def _issue_titles(names: list[str]) -> dict[str, str]:
    """Strategic issue titles (English title in English when there is one), one query."""
    if not names:
        return {}
    groups = model.Session.query(model.Group).filter(model.Group.name.in_(names)).all()
    english = language() == "en"  # also outside a request (jobs, CLI)
    out = {}
    for group in groups:
        title = group.title or group.name
        if english and group.extras.get("title_en"):
            title = group.extras["title_en"]
        out[group.name] = title
    return out


def value_labels(field: str, values: list[str]) -> dict[str, str]:
    """Display labels of facet values of ``field`` (values without one are absent)."""
    if field == "province":
        return {v: label_text({"th": p["name_th"], "en": p["name_en"]})
                for v in values if (p := vocab.province(v))}
    if field == "stat_sector":
        sectors = {s["value"]: s["label"] for s in vocab.stat_sectors()}
        return {v: f"{v} {label_text(sectors[v])}" for v in values if v in sectors}
    if field == "data_type":
        return _choice_labels(vocab.gdc_choices("data_type"))
    if field == "official_statistics":
        return _choice_labels(vocab.gdc_choices("yes_no"))
    if field == "strategic_issue":
        return _issue_titles(values)
    return {}


def label_search_facets(search_results: dict[str, Any]) -> dict[str, Any]:
    """IPackageController.after_dataset_search: facet items' ``display_name`` labelled."""
    for field, facet in (search_results.get("search_facets") or {}).items():
        items = facet.get("items") or []
        labels = value_labels(field, [i["name"] for i in items])
        for item in items:
            if item["name"] in labels:
                item["display_name"] = labels[item["name"]]
    return search_results
