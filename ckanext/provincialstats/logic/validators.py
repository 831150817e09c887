"""Validators of the four schemas (dataset, stats_chart, province, strategic_issue).

Every message starts with the label of the field it is about, in the request's
language ("จังหวัด: ..." / "Province: ..."), and the error is filed under the field's
own key, so a 409 names the field twice over.

Validators that take ``(field, schema)`` are scheming validators: scheming calls them
with the field's definition from the YAML, which is where the vocabulary name
(``provincialstats_vocabulary``) and the label come from.
"""
from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.navl.dictization_functions import unflatten

from ckanext.provincialstats import vocab
from ckanext.provincialstats.logic import years

missing = tk.missing
Invalid = tk.Invalid
StopOnError = tk.StopOnError
_ = tk._


def scheming_validator(fn):
    """Mark ``fn(field, schema)`` as a scheming validator (what scheming's decorator of
    the same name does; importing it here would be circular at plugin load)."""
    fn.is_a_scheming_validator = True
    return fn


# The values that mean "other" in the GD Catalog lists; they ask for the *_other text.
OTHER_VALUES = ("อื่นๆ", "ข้อมูลประเภทอื่นๆ")
STATISTICAL = "ข้อมูลสถิติ"


# -- labels ---------------------------------------------------------------------------

def _lang() -> str:
    try:
        return tk.h.lang() or tk.config.get("ckan.locale_default")
    except (RuntimeError, AttributeError, TypeError):
        return tk.config.get("ckan.locale_default")


def label_text(label: Any) -> str:
    """A ``{th, en}`` label (or a plain string) in the request's language."""
    if isinstance(label, dict):
        lang = _lang()
        return label.get(lang) or label.get("en") or next(iter(label.values()), "")
    return _(label) if label else ""


def field_label(field: dict[str, Any] | None, name: str = "") -> str:
    if not field:
        return name
    return label_text(field.get("label")) or field["field_name"]


def _schema_field(schema: dict[str, Any], name: str) -> dict[str, Any] | None:
    for group in ("dataset_fields", "fields"):
        for f in schema.get(group, []):
            if f["field_name"] == name:
                return f
    return None


def _msg(field: dict[str, Any] | None, text: str, name: str = "") -> str:
    return "%s: %s" % (field_label(field, name), text)


def _empty(value: Any) -> bool:
    return value is missing or value is None or value == "" or value == []


def _as_list(value: Any) -> list[Any]:
    """A form's single value, a list, a JSON list or a comma-separated string."""
    if _empty(value):
        return []
    if isinstance(value, (list, tuple)):
        return [v for v in value if not _empty(v)]
    text = str(value).strip()
    if text.startswith("["):
        try:
            loaded = json.loads(text)
        except ValueError:
            loaded = None
        if isinstance(loaded, list):
            return [v for v in loaded if not _empty(v)]
    return [part.strip() for part in text.split(",") if part.strip()]


def _drop(key, data):
    """Nothing to store: remove the key and stop (as ``ignore_missing`` does)."""
    data.pop(key, None)
    raise StopOnError


def _add_error(errors: dict, key: tuple, message: str) -> None:
    errors.setdefault(key, []).append(message)


# -- choices --------------------------------------------------------------------------

def _choice_values(field: dict[str, Any]) -> list[str]:
    if "choices" in field:
        return [c["value"] for c in field["choices"]]
    return [c["value"] for c in vocab.choices(field["provincialstats_vocabulary"])]


@scheming_validator
def provincialstats_choice(field, schema):
    """One value from the field's vocabulary (``provincialstats_vocabulary``)."""
    def validator(value):
        if _empty(value):
            return value
        if value not in _choice_values(field):
            raise Invalid(_msg(field, _('"%(value)s" is not one of the allowed values')
                               % {"value": value}))
        return value
    return validator


@scheming_validator
def provincialstats_multiple_choice(field, schema):
    """Zero or more values from the vocabulary, stored as a JSON list in list order."""
    def validator(key, data, errors, context):
        allowed = _choice_values(field)
        value = data[key]
        values = [value] if value in allowed else _as_list(value)
        wrong = [v for v in values if v not in allowed]
        for v in wrong:
            errors[key].append(_msg(field, _('"%(value)s" is not one of the allowed values')
                                    % {"value": v}))
        if wrong:
            return
        if field.get("required") and not values:
            errors[key].append(_msg(field, _("choose at least one value")))
            return
        if not values:
            _drop(key, data)
        data[key] = json.dumps([v for v in allowed if v in values], ensure_ascii=False)
    return validator


def provincialstats_json_list_output(value):
    """Stored JSON list -> list (also accepts a list already)."""
    if isinstance(value, list):
        return value
    try:
        loaded = json.loads(value)
    except (TypeError, ValueError):
        return value
    return loaded if isinstance(loaded, list) else value


def provincialstats_int_output(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


# -- provinces, sectors, organizations ------------------------------------------------

def _check_province(field, code: Any) -> str:
    normal = vocab.normalise_province_code(code)
    if vocab.province(normal) is None:
        raise Invalid(_msg(field, _('unknown province code "%(code)s"') % {"code": code}))
    return normal


@scheming_validator
def provincialstats_province_list(field, schema):
    """One or more ISO 3166-2:TH codes (``TH-22``; ``22`` is read as ``TH-22``)."""
    def validator(key, data, errors, context):
        codes = []
        for raw in _as_list(data[key]):
            try:
                code = _check_province(field, raw)
            except Invalid as e:
                errors[key].append(e.error)
                continue
            if code not in codes:
                codes.append(code)
        if errors[key]:
            return
        if field.get("required") and not codes:
            errors[key].append(_msg(field, _("at least one province is required")))
            return
        if not codes:
            _drop(key, data)
        data[key] = json.dumps(codes)
    return validator


@scheming_validator
def provincialstats_province_code(field, schema):
    """Exactly one ISO 3166-2:TH code."""
    def validator(value):
        if _empty(value):
            return value
        return _check_province(field, value)
    return validator


@scheming_validator
def provincialstats_stat_sector(field, schema):
    def validator(value):
        if _empty(value):
            return value
        code = vocab.normalise_sector_code(value)
        by_name = {label.casefold(): s["value"] for s in vocab.stat_sectors()
                   for label in s["label"].values()}
        code = by_name.get(str(value).strip().casefold(), code)
        if code not in [s["value"] for s in vocab.stat_sectors()]:
            raise Invalid(_msg(field, _('unknown statistical sector "%(value)s"')
                               % {"value": value}))
        return code
    return validator


@scheming_validator
def provincialstats_organization(field, schema):
    """The name or id of an existing organization; stored as its name."""
    def validator(value):
        if _empty(value):
            return value
        org = model.Group.get(str(value).strip())
        if org is None or not org.is_organization or org.state != "active":
            raise Invalid(_msg(field, _('no organization "%(value)s"') % {"value": value}))
        return org.name
    return validator


# -- numbers and years ----------------------------------------------------------------

def _to_int(value: Any) -> int | None:
    text = str(value).strip().translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    return int(text) if re.fullmatch(r"-?\d+", text) else None


def check_be_year(field, value: Any) -> int:
    """A plausible BE year, or Invalid naming the field (and spotting CE years)."""
    year = _to_int(value)
    if year is None:
        raise Invalid(_msg(field, _('"%(value)s" is not a year') % {"value": value}))
    lowest, highest = years.be_year_range()
    if not lowest <= year <= highest:
        if lowest <= years.ce_to_be(year) <= highest:
            raise Invalid(_msg(field, _(
                "%(year)s looks like a Common Era year; type the Buddhist Era year "
                "(%(be)s)") % {"year": year, "be": years.ce_to_be(year)}))
        raise Invalid(_msg(field, _(
            "Buddhist Era year %(year)s is out of range (%(lowest)s-%(highest)s)")
            % {"year": year, "lowest": lowest, "highest": highest}))
    return year


@scheming_validator
def provincialstats_be_year(field, schema):
    """A Buddhist Era year, stored as text as in the GD Catalog (``"2566"``)."""
    def validator(value):
        if _empty(value):
            return value
        return str(check_be_year(field, value))
    return validator


@scheming_validator
def provincialstats_plan_period(field, schema):
    """``2566-2570`` (en dash, spaces, Thai digits accepted), first year <= last."""
    def validator(value):
        if _empty(value):
            return value
        parts = re.split(r"\s*[-–—]\s*", str(value).strip())
        if len(parts) != 2 or None in (_to_int(parts[0]), _to_int(parts[1])):
            raise Invalid(_msg(field, _(
                '"%(value)s" is not a plan period; write two Buddhist Era years, '
                'e.g. 2566-2570') % {"value": value}))
        first, last = (check_be_year(field, p) for p in parts)
        if first > last:
            raise Invalid(_msg(field, _("the first year %(first)s is after the last "
                                        "year %(last)s") % {"first": first, "last": last}))
        return "%d-%d" % (first, last)
    return validator


@scheming_validator
def provincialstats_positive_int(field, schema):
    def validator(value):
        if _empty(value):
            return value
        number = _to_int(value)
        if number is None or number < 1:
            raise Invalid(_msg(field, _('"%(value)s" is not a whole number of 1 or more')
                               % {"value": value}))
        return str(number)
    return validator


@scheming_validator
def provincialstats_number(field, schema):
    """A decimal number, optionally within ``provincialstats_range: [low, high]``."""
    def validator(value):
        if _empty(value):
            return value
        try:
            number = float(str(value).replace(",", "").strip())
        except ValueError:
            raise Invalid(_msg(field, _('"%(value)s" is not a number') % {"value": value}))
        low, high = field.get("provincialstats_range", [None, None])
        if (low is not None and number < low) or (high is not None and number > high):
            raise Invalid(_msg(field, _("%(value)s is outside %(low)s to %(high)s")
                               % {"value": value, "low": low, "high": high}))
        return str(value).strip()
    return validator


# -- tags -----------------------------------------------------------------------------

_TAG_PUNCTUATION = set(" -_.")


def provincialstats_tag_name(value: Any, context: Any = None) -> Any:
    """Any word in any script (Thai vowel and tone marks included); no control or
    format characters, no symbols beyond space, ``-``, ``_`` and ``.``.

    Registered also as ``tag_name_validator``: CKAN's own rejects น้ำ, การศึกษา,
    ผู้สูงอายุ because Thai vowel and tone marks are combining marks, not ``\\w``.
    """
    text = str(value)
    label = _("Tags")
    longest = tk.config.get("ckanext.provincialstats.tags.max_length")
    if len(text) > longest:
        raise Invalid("%s: %s" % (label, _('tag "%(tag)s…" is longer than %(max)s '
                                           'characters') % {"tag": text[:20], "max": longest}))
    for char in text:
        category = unicodedata.category(char)
        if category[0] in "LMN" or char in _TAG_PUNCTUATION:
            continue
        shown = text if category[0] != "C" else text.encode("unicode_escape").decode()
        raise Invalid("%s: %s" % (label, _(
            'tag "%(tag)s" may contain only letters (any language, with their marks), '
            'digits, spaces, hyphens, underscores and dots') % {"tag": shown}))
    return value


def provincialstats_tag_string_convert(key, data, errors, context):
    """``tag_string`` ("น้ำ, การศึกษา") -> tags, checked with the Thai-aware rules."""
    value = data[key]
    if _empty(value):
        return
    names = [t.strip() for t in (value if isinstance(value, list) else str(value).split(","))
             if t and t.strip()]
    current = [k[1] for k in data if len(k) == 3 and k[0] == "tags"]
    start = max(current) + 1 if current else 0
    for number, name in enumerate(names, start):
        data[("tags", number, "name")] = name
    for name in names:
        try:
            tk.get_validator("tag_length_validator")(name, context)
            provincialstats_tag_name(name, context)
        except Invalid as e:
            errors[key].append(e.error)


# -- references to other records -----------------------------------------------------

def _strategic_issue(ref: Any) -> model.Group | None:
    group = model.Group.get(str(ref).strip())
    if group is None or group.type != "strategic_issue" or group.state != "active":
        return None
    return group


def group_extra(group: model.Group, key: str) -> str | None:
    return group.extras.get(key)


@scheming_validator
def provincialstats_strategic_issue_list(field, schema):
    """Names or ids of strategic issue records, stored as a JSON list of names."""
    def validator(key, data, errors, context):
        names = []
        for ref in _as_list(data[key]):
            group = _strategic_issue(ref)
            if group is None:
                errors[key].append(_msg(field, _('no strategic issue "%(ref)s"') % {"ref": ref}))
            elif group.name not in names:
                names.append(group.name)
        if errors[key]:
            return
        if not names:
            _drop(key, data)
        data[key] = json.dumps(names)
    return validator


@scheming_validator
def provincialstats_strategic_issue_ref(field, schema):
    def validator(value):
        if _empty(value):
            return value
        group = _strategic_issue(value)
        if group is None:
            raise Invalid(_msg(field, _('no strategic issue "%(ref)s"') % {"ref": value}))
        return group.name
    return validator


@scheming_validator
def provincialstats_dataset_ref(field, schema):
    """The name or id of an existing catalogue dataset (type ``dataset``)."""
    def validator(value):
        if _empty(value):
            return value
        pkg = model.Package.get(str(value).strip())
        if pkg is None or pkg.type != "dataset" or pkg.state != "active":
            raise Invalid(_msg(field, _('no dataset "%(ref)s" in the catalogue')
                               % {"ref": value}))
        return pkg.name
    return validator


# -- whole-record checks (scheming ``after_validators``) -------------------------------

def _value(data: dict, name: str) -> Any:
    value = data.get((name,), missing)
    return value


def _values(data: dict, name: str) -> list[Any]:
    return _as_list(_value(data, name))


def _has_errors(errors: dict, *names: str) -> bool:
    return any(errors.get((n,)) for n in names)


def _check_data_type_fields(schema, data, errors) -> None:
    """Fields the GD Catalog shows only for some data types must be empty otherwise."""
    data_type = _value(data, "data_type")
    if _empty(data_type) or _has_errors(errors, "data_type"):
        return
    for field in schema["dataset_fields"]:
        applies_to = field.get("form_data_type")
        if not applies_to or data_type in applies_to:
            continue
        if _values(data, field["field_name"]):
            _add_error(errors, (field["field_name"],), _msg(field, _(
                'does not apply to data type "%(data_type)s"') % {"data_type": data_type}))


def _check_other_companions(schema, data, errors) -> None:
    """A choice of "other" (อื่นๆ) needs its ``*_other`` text."""
    for field in schema["dataset_fields"]:
        name = field["field_name"]
        if not name.endswith("_other") or _has_errors(errors, name[:-6]):
            continue
        chosen = _values(data, name[:-6])
        if any(v in OTHER_VALUES for v in chosen) and _empty(_value(data, name)):
            _add_error(errors, (name,), _msg(field, _(
                'required when "%(main)s" is "other"')
                % {"main": field_label(_schema_field(schema, name[:-6]))}))


def _check_tags_given(schema, data, errors) -> None:
    """The GD Catalog requires keywords: ``tag_string`` or a ``tags`` list."""
    field = _schema_field(schema, "tag_string")
    if not field or not field.get("required") or errors.get(("tag_string",)):
        return
    if not any(len(k) == 3 and k[0] == "tags" and k[2] == "name" and not _empty(v)
               for k, v in data.items()):
        _add_error(errors, ("tag_string",), _msg(field, _("at least one tag is required")))


def _set_extra(key_name: str, value: Any, data: dict) -> None:
    data[(key_name,)] = value
    tk.get_converter("convert_to_extras")((key_name,), data, {}, {})


def _check_time_coverage(schema, data, errors) -> None:
    """first <= last; derive the CE years and the number of years (the one place)."""
    first_key, last_key = "first_year_of_data", "last_year_of_data"
    first, last = _value(data, first_key), _value(data, last_key)
    if _has_errors(errors, first_key, last_key):
        return
    first_be = None if _empty(first) else int(first)
    last_be = None if _empty(last) else int(last)
    if first_be is not None and last_be is not None and first_be > last_be:
        _add_error(errors, (last_key,), _msg(_schema_field(schema, last_key), _(
            "%(last)s is before the first year of data %(first)s")
            % {"last": last_be, "first": first_be}))
        return
    for name, value in years.coverage(first_be, last_be).items():
        if value is not None:
            _set_extra(name, str(value), data)


def _check_issue_provinces(schema, data, errors, issue_key="strategic_issue") -> None:
    """Each strategic issue must belong to one of the dataset's provinces."""
    if _has_errors(errors, "province", issue_key):
        return
    provinces = _values(data, "province")
    for name in _values(data, issue_key):
        group = _strategic_issue(name)
        issue_province = group_extra(group, "province") if group else None
        if issue_province not in provinces:
            _add_error(errors, (issue_key,), _msg(_schema_field(schema, issue_key), _(
                'strategic issue "%(issue)s" belongs to province %(issue_province)s, '
                'not to this record\'s provinces (%(provinces)s)')
                % {"issue": name, "issue_province": issue_province,
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
        items_field = _schema_field(schema, "chart_items")
        for k in sorted(k for k in data if len(k) == 3 and k[0] == "chart_items"
                        and k[2] == "strategic_issue"):
            if errors.get(k) or _empty(data[k]):
                continue
            group = _strategic_issue(data[k])
            issue_province = group_extra(group, "province") if group else None
            if issue_province != province:
                _add_error(errors, k, _msg(items_field, _(
                    'strategic issue "%(issue)s" belongs to province %(issue_province)s, '
                    'not to %(province)s') % {"issue": data[k],
                                              "issue_province": issue_province,
                                              "province": province}))
    return validator


# -- groups: repeating subfields and names -------------------------------------------

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
                value = [{k: v for k, v in row.items() if not _empty(v)} for row in value]
                _set_extra(name, json.dumps(value, ensure_ascii=False), data)
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


def provincialstats_strategic_issue_name(key, data, errors, context):
    """An empty ``name`` of a strategic issue becomes ``<province>-<plan>-<number>``,
    e.g. ``chanthaburi-2566-2570-1``."""
    if not _empty(data.get(("name",), missing)):
        return
    code = data.get(("province",))
    period = str(data.get(("plan_period",), "") or "")
    number = data.get(("issue_number",))
    province = vocab.province(code) if not _empty(code) else None
    if province and not _empty(number) and re.fullmatch(r"\s*\d{4}\s*[-–]\s*\d{4}\s*", period):
        first, last = re.findall(r"\d{4}", period)
        data[("name",)] = "%s-%s-%s-%s" % (province["slug"], first, last, str(number).strip())


def get_validators() -> dict[str, Any]:
    return {
        "provincialstats_choice": provincialstats_choice,
        "provincialstats_multiple_choice": provincialstats_multiple_choice,
        "provincialstats_json_list_output": provincialstats_json_list_output,
        "provincialstats_int_output": provincialstats_int_output,
        "provincialstats_province_list": provincialstats_province_list,
        "provincialstats_province_code": provincialstats_province_code,
        "provincialstats_stat_sector": provincialstats_stat_sector,
        "provincialstats_organization": provincialstats_organization,
        "provincialstats_be_year": provincialstats_be_year,
        "provincialstats_plan_period": provincialstats_plan_period,
        "provincialstats_positive_int": provincialstats_positive_int,
        "provincialstats_number": provincialstats_number,
        "provincialstats_tag_name": provincialstats_tag_name,
        "tag_name_validator": provincialstats_tag_name,
        "provincialstats_tag_string_convert": provincialstats_tag_string_convert,
        "provincialstats_strategic_issue_list": provincialstats_strategic_issue_list,
        "provincialstats_strategic_issue_ref": provincialstats_strategic_issue_ref,
        "provincialstats_dataset_ref": provincialstats_dataset_ref,
        "provincialstats_dataset_checks": provincialstats_dataset_checks,
        "provincialstats_chart_checks": provincialstats_chart_checks,
        "provincialstats_group_composite": provincialstats_group_composite,
        "provincialstats_strategic_issue_name": provincialstats_strategic_issue_name,
    }
