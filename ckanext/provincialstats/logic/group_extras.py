"""Repeating subfields of groups (strategic issues) stored as JSON extras."""
from __future__ import annotations

import json
from typing import Any

from ckan.lib.navl.dictization_functions import unflatten

from ckanext.provincialstats.logic.converters import provincialstats_json_list_output
from ckanext.provincialstats.logic.validation import is_empty, scheming_validator, set_extra


@scheming_validator
def provincialstats_group_composite(field, schema):
    """Store a group's repeating subfields as JSON extras, and read them back.

    Scheming keeps repeating subfields of datasets in extras itself, but not those of
    groups: on create/update this turns ``sub_issues`` etc. into one JSON extra each;
    on show it turns the extra back into a list.
    """
    names = [f["field_name"] for f in schema["fields"] if "repeating_subfields" in f]

    def validator(key, data, errors, context):
        extras = _extras_by_key(data)
        for name in names:
            rows = [k for k in data if len(k) == 3 and k[0] == name]
            if rows:
                value = unflatten({k: data.pop(k) for k in rows})[name]
                value = [{k: v for k, v in row.items() if not is_empty(v)} for row in value]
                set_extra(name, json.dumps(value, ensure_ascii=False), data)
                data.pop((name,), None)
            elif name in extras:
                data[(name,)] = provincialstats_json_list_output(extras.pop(name)[1])
                for extra_key in extras.get("__keys__", {}).get(name, []):
                    data.pop(extra_key, None)
    return validator


def _extras_by_key(data: dict) -> dict[str, Any]:
    """``{key: (index, value)}`` for flattened group extras, plus their data keys."""
    found: dict[str, Any] = {"__keys__": {}}
    for k, v in list(data.items()):
        if k[0] == "extras" and len(k) == 3 and k[2] == "key":
            value_key = ("extras", k[1], "value")
            found[v] = (k[1], data.get(value_key))
            found["__keys__"][v] = [k, value_key, ("extras", k[1], "state"),
                                    ("extras", k[1], "id"), ("extras", k[1], "group_id")]
        elif k[0] == "extras" and len(k) == 2 and isinstance(v, dict) and "key" in v:
            found[v["key"]] = (k[1], v.get("value"))
            found["__keys__"][v["key"]] = [k]
    return found
