"""Display labels and messages: a ``{th, en}`` label in the request's language, and
messages that start with the label of the field they are about ("จังหวัด: ..." /
"Province: ...")."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def language() -> str:
    """The request's language, or the site default outside a request (jobs, CLI)."""
    try:
        return tk.h.lang() or tk.config.get("ckan.locale_default")
    except (RuntimeError, AttributeError, TypeError):
        return tk.config.get("ckan.locale_default")


def label_text(label: Any) -> str:
    """A ``{th, en}`` label (or a plain string) in the request's language."""
    if isinstance(label, dict):
        lang = language()
        return label.get(lang) or label.get("en") or next(iter(label.values()), "")
    return tk._(label) if label else ""


def field_label(field: dict[str, Any] | None, name: str = "") -> str:
    if not field:
        return name
    return label_text(field.get("label")) or field["field_name"]


def schema_field(schema: dict[str, Any], name: str,
                 groups: tuple[str, ...] = ("dataset_fields", "fields")) -> dict[str, Any] | None:
    """The definition of field ``name`` in a scheming schema."""
    for group in groups:
        for f in schema.get(group, []):
            if f["field_name"] == name:
                return f
    return None


def message(field: dict[str, Any] | None, text: str, name: str = "") -> str:
    """``text`` prefixed with the field's label."""
    return "%s: %s" % (field_label(field, name), text)
