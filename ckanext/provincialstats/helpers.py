"""Template helpers (all prefixed ``provincialstats_``)."""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.provincialstats import vocab
from ckanext.provincialstats.logic.labels import label_text


def provincialstats_choices(field: dict[str, Any]) -> list[dict[str, Any]]:
    """Scheming ``choices_helper``: the choices of the field's vocabulary."""
    return vocab.choices(field["provincialstats_vocabulary"])


def provincialstats_province_label(code: str) -> str:
    """``TH-22`` -> จันทบุรี / Chanthaburi (request language); unknown codes unchanged."""
    province = vocab.province(code)
    if province is None:
        return code
    return label_text({"th": province["name_th"], "en": province["name_en"]})


def provincialstats_province_slug(code: str) -> str | None:
    province = vocab.province(code)
    return province["slug"] if province else None


def provincialstats_group_title(name: str) -> str:
    """Title of a group (a strategic issue) by name, or the name if there is none."""
    group = model.Group.get(name)
    return group.display_name if group else name


def provincialstats_label(label: Any) -> str:
    return label_text(label)


def provincialstats_chart(chart_id: str) -> dict[str, Any] | None:
    """The resolved chart tree (``provincialstats_chart_show``) for a chart page."""
    try:
        return tk.get_action("provincialstats_chart_show")({}, {"id": chart_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


def get_helpers() -> dict[str, Any]:
    from ckanext.provincialstats.logic.dataset_form import get_helpers as form_helpers
    return {
        **form_helpers(),  # the dataset form's strategic issue choices
        "provincialstats_choices": provincialstats_choices,
        "provincialstats_province_label": provincialstats_province_label,
        "provincialstats_province_slug": provincialstats_province_slug,
        "provincialstats_group_title": provincialstats_group_title,
        "provincialstats_label": provincialstats_label,
        "provincialstats_chart": provincialstats_chart,
        "humanize_entity_type": humanize_entity_type,
        "provincialstats_type_count_text": provincialstats_type_count_text,
        "provincialstats_main_nav": provincialstats_main_nav,
        "render_datetime": render_datetime,
    }


# -- dates: Buddhist Era on Thai pages ---------------------------------------------------

_CE_YEAR = re.compile(r"ค\.ศ\.\s*(\d{4})")


@tk.chained_helper
def render_datetime(next_helper, datetime_, date_format=None, with_hours=False,
                    with_seconds=False):
    """CKAN's ``render_datetime``; on Thai pages a localised date gives its year in the
    Buddhist Era, as Thai readers expect ("21 พฤศจิกายน พ.ศ. 2569", where Babel, which
    has no Buddhist calendar, says "ค.ศ. 2026"). An explicit ``date_format`` (machine
    formats such as ISO timestamps) is left as it is."""
    text = next_helper(datetime_, date_format=date_format, with_hours=with_hours,
                       with_seconds=with_seconds)
    if date_format or not text:
        return text
    return _CE_YEAR.sub(lambda m: "พ.ศ. %d" % (int(m.group(1)) + 543), text)


# -- pages: CKAN's wording for the extension's record types ----------------------------

def _type_names() -> dict[str, tuple[str, str]]:
    """Singular and plural names of the record types, in the request's language."""
    return {
        "stats_chart": (tk._("official statistics chart"), tk._("official statistics charts")),
        "province": (tk._("province"), tk._("provinces")),
        "strategic_issue": (tk._("strategic issue"), tk._("strategic issues")),
    }


@tk.chained_helper
def humanize_entity_type(next_helper, entity_type: str, object_type: str, purpose: str):
    """CKAN's ``humanize_entity_type`` with real names for the extension's types
    ("Official statistics charts", not "Stats_charts"); other types as CKAN says."""
    names = _type_names().get(object_type)
    if names is None:
        return next_helper(entity_type, object_type, purpose)
    one, many = names
    texts = {
        "add link": tk._("Add {singular}"),
        "breadcrumb": "{Plural}", "content tab": "{Plural}", "facet label": "{Plural}",
        "main nav": "{Plural}", "page title": "{Plural}",
        "create label": tk._("Create {singular}"), "create title": tk._("Create {singular}"),
        "edit label": tk._("Edit {singular}"), "save label": tk._("Save {singular}"),
        "update label": tk._("Update {singular}"), "view label": tk._("View {singular}"),
        "search placeholder": tk._("Search {plural}..."),
        "no any objects": tk._("There are no {plural} on this site yet"),
        "no description": tk._("There is no description for this {singular}"),
        "delete confirmation": tk._("Are you sure you want to delete this {singular}?"),
        "no label": tk._("No {singular}"),
        "my label": tk._("My {plural}"),
    }
    text = texts.get(purpose, "{Singular}")
    return text.format(singular=one, plural=many, Singular=one[:1].upper() + one[1:],
                       Plural=many[:1].upper() + many[1:])


def provincialstats_type_count_text(object_type: str, count: int, query: str = "") -> str:
    """"1 official statistics chart found", "3 ... found for "x"" in the request's
    language, or None for types CKAN words itself."""
    names = _type_names().get(object_type)
    if names is None:
        return None
    one, many = names
    if not count:
        return (tk._('No {plural} found for "{query}"') if query
                else tk._("No {plural} found")).format(plural=many, query=query)
    if query:
        text = tk.ungettext('{number} {singular} found for "{query}"',
                            '{number} {plural} found for "{query}"', count)
    else:
        text = tk.ungettext("{number} {singular} found", "{number} {plural} found", count)
    return text.format(number=count, singular=one, plural=many, query=query)


def provincialstats_main_nav():
    """The main navigation: datasets, provinces, official statistics charts,
    organizations, about (provinces and charts only where their pages exist)."""
    from flask import current_app
    items = [("dataset.search", tk._("Datasets"), ["dataset", "resource"])]
    if "province.index" in current_app.view_functions:
        items.append(("province.index", tk._("Provinces"), ["province", "strategic_issue"]))
    if "stats_chart.search" in current_app.view_functions:
        items.append(("stats_chart.search", tk._("Official statistics charts"),
                      ["stats_chart"]))
    items += [("organization.index", tk._("Organizations"), ["organization"]),
              ("home.about", tk._("About"))]
    return tk.h.build_nav_main(*items)
