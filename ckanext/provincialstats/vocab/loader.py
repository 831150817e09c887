"""Create or refresh the 77 ``province`` records from ``provinces.csv`` (idempotent)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.provincialstats import vocab


def _context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _vocabulary_fields(province: dict[str, str]) -> dict[str, Any]:
    """The fields the vocabulary owns; profile fields (vision, office...) are kept."""
    return {
        "title": province["name_th"],
        "title_en": province["name_en"],
        "province_code": province["iso_code"],
        "region": province["region"],
    }


def load_provinces() -> dict[str, int]:
    """Create missing province records and refresh the vocabulary fields of the others.

    :returns: counts ``{"created", "updated", "unchanged"}``
    """
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for province in vocab.provinces():
        fields = _vocabulary_fields(province)
        group = model.Group.get(province["slug"])
        if group is None:
            tk.get_action("group_create")(
                _context(), dict(fields, name=province["slug"], type="province"))
            counts["created"] += 1
            continue
        current = tk.get_action("group_show")(
            _context(), {"id": group.id, "include_datasets": False,
                         "include_users": False})
        if group.state != "active" or any(current.get(k) != v for k, v in fields.items()):
            tk.get_action("group_patch")(
                _context(), dict(fields, id=group.id, state="active"))
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts
