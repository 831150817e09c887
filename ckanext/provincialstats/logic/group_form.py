"""Group forms: the rows a curator types into a repeating field, read before validation.

A scheming form posts the rows of a repeating field as flat keys
(``sub_issues-0-number``, ``sub_issues-0-title``, ``sub_issues-1-number`` ...).
ckanext-scheming turns them into a list of dicts for datasets only
(``expand_form_composite`` in its dataset plugin's ``validate``); its group plugin
validates the flat keys as unknown ones and drops them, so a strategic issue saved
through its form lost every sub-issue and indicator. ``group_create`` and
``group_update`` are chained here to do the same expansion for group types whose schema
has repeating subfields, before the core action validates (one path for the form and
the API; the stored rows are then written by ``group_extras``).
"""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.provincialstats.logic.validation import is_empty

# ``<field>-<row>-<subfield>``; field names use ``_``, never ``-``.
FORM_KEY = re.compile(r"^(?P<field>[^-]+)-(?P<row>\d+)-(?P<subfield>.+)$")


def repeating_fields(group_type: str | None) -> set[str]:
    """Names of the repeating-subfield fields of the scheming schema of ``group_type``."""
    from ckanext.scheming.helpers import scheming_get_group_schema
    schema = scheming_get_group_schema(group_type) if group_type else None
    return {f["field_name"] for f in (schema or {}).get("fields", [])
            if "repeating_subfields" in f}


def expand_form_rows(data_dict: dict[str, Any], fields: set[str]) -> None:
    """Turn the form's ``<field>-<row>-<subfield>`` keys of ``fields`` into
    ``<field>: [{subfield: value}, ...]`` in place, in row order (numeric: row 10
    after row 9). A row whose values are all empty (the blank panel a new form shows,
    left untouched) is no row. A field already given as a list is left alone."""
    rows: dict[str, dict[int, dict[str, Any]]] = {}
    for key in [k for k in data_dict if isinstance(k, str)]:
        match = FORM_KEY.match(key)
        if not match or match["field"] not in fields or match["field"] in data_dict:
            continue
        row = rows.setdefault(match["field"], {}).setdefault(int(match["row"]), {})
        row[match["subfield"]] = data_dict.pop(key)
    for field, by_row in rows.items():
        data_dict[field] = [row for _index, row in sorted(by_row.items())
                            if not all(is_empty(value) for value in row.values())]


def _has_form_rows(data_dict: dict[str, Any]) -> bool:
    return any(isinstance(k, str) and FORM_KEY.match(k) for k in data_dict)


def _group_type(data_dict: dict[str, Any]) -> str | None:
    if data_dict.get("type"):
        return data_dict["type"]
    from ckan import model
    group = model.Group.get(data_dict.get("id") or data_dict.get("name") or "")
    return group.type if group else None


def _expanded(data_dict: dict[str, Any]) -> dict[str, Any]:
    """``data_dict`` with its form rows expanded, in place: the view renders the same
    dict again when validation fails, so the rows the curator typed stay on the page."""
    if _has_form_rows(data_dict):
        expand_form_rows(data_dict, repeating_fields(_group_type(data_dict)))
    return data_dict


@tk.chained_action
def group_create(original_action, context, data_dict):
    """Create a group (CKAN's ``group_create``); a repeating field may also be given
    as the form's ``<field>-<row>-<subfield>`` keys, e.g. ``sub_issues-0-title``."""
    return original_action(context, _expanded(data_dict))


@tk.chained_action
def group_update(original_action, context, data_dict):
    """Update a group (CKAN's ``group_update``); a repeating field may also be given
    as the form's ``<field>-<row>-<subfield>`` keys, e.g. ``sub_issues-0-title``."""
    return original_action(context, _expanded(data_dict))


def get_actions() -> dict[str, Any]:
    return {"group_create": group_create, "group_update": group_update}
