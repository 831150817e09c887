"""Whole-record checks (scheming ``after_validators``): rules across fields of one
dataset or chart, and the fields derived from others."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.provincialstats.logic import years
from ckanext.provincialstats.logic.labels import field_label, message, schema_field
from ckanext.provincialstats.logic.references import find_strategic_issue, issue_province
from ckanext.provincialstats.logic.validation import (
    add_error,
    as_list,
    is_empty,
    missing,
    scheming_validator,
    set_extra,
)

_ = tk._

# The values that mean "other" in the GD Catalog lists; they ask for the *_other text.
OTHER_VALUES = ("อื่นๆ", "ข้อมูลประเภทอื่นๆ")


def _value(data: dict, name: str) -> Any:
    return data.get((name,), missing)


def _values(data: dict, name: str) -> list[Any]:
    return as_list(_value(data, name))


def _has_errors(errors: dict, *names: str) -> bool:
    return any(errors.get((n,)) for n in names)


def _resource_indexes(data: dict) -> list[int]:
    return sorted({k[1] for k in data if len(k) == 3 and k[0] == "resources"})


def _check_data_type_fields(schema, data, errors) -> None:
    """Fields the GD Catalog shows only for some data types (``form_data_type``), of the
    dataset and of each of its resources, must be empty otherwise."""
    data_type = _value(data, "data_type")
    if is_empty(data_type) or _has_errors(errors, "data_type"):
        return
    not_for_type = _('does not apply to data type "%(data_type)s"') % {
        "data_type": data_type}
    for field in schema["dataset_fields"]:
        applies_to = field.get("form_data_type")
        if not applies_to or data_type in applies_to:
            continue
        if _values(data, field["field_name"]):
            add_error(errors, (field["field_name"],), message(field, not_for_type))
    resource_fields = [f for f in schema.get("resource_fields", [])
                       if f.get("form_data_type") and data_type not in f["form_data_type"]]
    for index in _resource_indexes(data):
        for field in resource_fields:
            key = ("resources", index, field["field_name"])
            if as_list(data.get(key, missing)):
                add_error(errors, key, message(field, not_for_type))


def _check_other_companions(schema, data, errors) -> None:
    """A choice of "other" (อื่นๆ) needs its ``*_other`` text."""
    for field in schema["dataset_fields"]:
        name = field["field_name"]
        if not name.endswith("_other") or _has_errors(errors, name[:-6]):
            continue
        chosen = _values(data, name[:-6])
        if any(v in OTHER_VALUES for v in chosen) and is_empty(_value(data, name)):
            add_error(errors, (name,), message(field, _(
                'required when "%(main)s" is "other"')
                % {"main": field_label(schema_field(schema, name[:-6]))}))


def _check_tags_given(schema, data, errors) -> None:
    """The GD Catalog requires keywords: ``tag_string`` or a ``tags`` list."""
    field = schema_field(schema, "tag_string")
    if not field or not field.get("required") or errors.get(("tag_string",)):
        return
    if not any(len(k) == 3 and k[0] == "tags" and k[2] == "name" and not is_empty(v)
               for k, v in data.items()):
        add_error(errors, ("tag_string",), message(field, _("at least one tag is required")))


def _check_time_coverage(schema, data, errors) -> None:
    """first <= last; derive the CE years and the number of years (the one place)."""
    first_key, last_key = "first_year_of_data", "last_year_of_data"
    first, last = _value(data, first_key), _value(data, last_key)
    if _has_errors(errors, first_key, last_key):
        return
    first_be = None if is_empty(first) else int(first)
    last_be = None if is_empty(last) else int(last)
    if first_be is not None and last_be is not None and first_be > last_be:
        add_error(errors, (last_key,), message(schema_field(schema, last_key), _(
            "%(last)s is before the first year of data %(first)s")
            % {"last": last_be, "first": first_be}))
        return
    for name, value in years.coverage(first_be, last_be).items():
        if value is not None:
            set_extra(name, str(value), data)


def _check_issue_provinces(schema, data, errors, issue_key="strategic_issue") -> None:
    """Each strategic issue must belong to one of the dataset's provinces."""
    if _has_errors(errors, "province", issue_key):
        return
    provinces = _values(data, "province")
    for name in _values(data, issue_key):
        issue_in = issue_province(find_strategic_issue(name))
        if issue_in not in provinces:
            add_error(errors, (issue_key,), message(schema_field(schema, issue_key), _(
                'strategic issue "%(issue)s" belongs to province %(issue_province)s, '
                'not to this record\'s provinces (%(provinces)s)')
                % {"issue": name, "issue_province": issue_in,
                   "provinces": ", ".join(provinces) or "-"}))


@scheming_validator
def provincialstats_dataset_checks(field, schema):
    """The dataset schema's cross-field rules and derived fields."""
    def validator(key, data, errors, context):
        _check_data_type_fields(schema, data, errors)
        _check_tags_given(schema, data, errors)
        _check_other_companions(schema, data, errors)
        _check_time_coverage(schema, data, errors)
        _check_issue_provinces(schema, data, errors)
    return validator


@scheming_validator
def provincialstats_chart_checks(field, schema):
    """Each chart item's strategic issue belongs to the chart's province."""
    def validator(key, data, errors, context):
        if _has_errors(errors, "province"):
            return
        province = _value(data, "province")
        items_field = schema_field(schema, "chart_items")
        for k in sorted(k for k in data if len(k) == 3 and k[0] == "chart_items"
                        and k[2] == "strategic_issue"):
            if errors.get(k) or is_empty(data[k]):
                continue
            issue_in = issue_province(find_strategic_issue(data[k]))
            if issue_in != province:
                add_error(errors, k, message(items_field, _(
                    'strategic issue "%(issue)s" belongs to province %(issue_province)s, '
                    'not to %(province)s') % {"issue": data[k],
                                              "issue_province": issue_in,
                                              "province": province}))
    return validator
