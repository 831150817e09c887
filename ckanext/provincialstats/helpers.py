"""Template helpers (all prefixed ``provincialstats_``)."""
from __future__ import annotations

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
    return {
        "provincialstats_choices": provincialstats_choices,
        "provincialstats_province_label": provincialstats_province_label,
        "provincialstats_province_slug": provincialstats_province_slug,
        "provincialstats_group_title": provincialstats_group_title,
        "provincialstats_label": provincialstats_label,
        "provincialstats_chart": provincialstats_chart,
    }
