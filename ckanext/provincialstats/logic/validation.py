"""Building blocks shared by the validator modules: the scheming decorator, reading a
field's value, dropping it, filing an error."""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk

missing = tk.missing


def scheming_validator(fn):
    """Mark ``fn(field, schema)`` as a scheming validator (what scheming's decorator of
    the same name does; importing it here would be circular at plugin load)."""
    fn.is_a_scheming_validator = True
    return fn


def is_empty(value: Any) -> bool:
    return value is missing or value is None or value == "" or value == []


def as_list(value: Any) -> list[Any]:
    """A form's single value, a list, a JSON list or a comma-separated string."""
    if is_empty(value):
        return []
    if isinstance(value, (list, tuple)):
        return [v for v in value if not is_empty(v)]
    text = str(value).strip()
    if text.startswith("["):
        try:
            loaded = json.loads(text)
        except ValueError:
            loaded = None
        if isinstance(loaded, list):
            return [v for v in loaded if not is_empty(v)]
    return [part.strip() for part in text.split(",") if part.strip()]


def drop(key, data):
    """Nothing to store: remove the key and stop (as ``ignore_missing`` does)."""
    data.pop(key, None)
    raise tk.StopOnError


def add_error(errors: dict, key: tuple, message: str) -> None:
    errors.setdefault(key, []).append(message)


def set_extra(key_name: str, value: Any, data: dict) -> None:
    """Store ``value`` as the extra ``key_name`` of the record being validated."""
    data[(key_name,)] = value
    tk.get_converter("convert_to_extras")((key_name,), data, {}, {})
