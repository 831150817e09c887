"""Field validators of the four schemas (dataset, stats_chart, province,
strategic_issue), and ``get_validators()``, the one place where every validator and
converter of the extension is registered.

Every message starts with the label of the field it is about, in the request's
language ("จังหวัด: ..." / "Province: ..."), and the error is filed under the field's
own key, so a 409 names the field twice over.

Validators that take ``(field, schema)`` are scheming validators: scheming calls them
with the field's definition from the YAML, which is where the vocabulary name
(``provincialstats_vocabulary``) and the label come from. The other concepts have
their own modules: ``labels`` (labels and messages), ``converters`` (typed numbers in,
stored values out), ``references`` (links to other records), ``checks`` (whole-record
rules), ``group_extras`` (repeating subfields of groups) and ``names`` (generated URL
names).
"""
from __future__ import annotations

import json
import unicodedata
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.provincialstats import vocab
from ckanext.provincialstats.logic import years
from ckanext.provincialstats.logic.checks import (
    provincialstats_chart_checks,
    provincialstats_dataset_checks,
)
from ckanext.provincialstats.logic.converters import (
    plan_period_years,
    provincialstats_int_output,
    provincialstats_json_list_output,
    to_int,
)
from ckanext.provincialstats.logic.group_extras import provincialstats_group_composite
from ckanext.provincialstats.logic.labels import message
from ckanext.provincialstats.logic.names import (
    provincialstats_dataset_name,
    provincialstats_strategic_issue_name,
)
from ckanext.provincialstats.logic.references import (
    provincialstats_dataset_ref,
    provincialstats_organization,
    provincialstats_strategic_issue_list,
    provincialstats_strategic_issue_ref,
)
from ckanext.provincialstats.logic.validation import (
    as_list,
    drop,
    is_empty,
    scheming_validator,
)

Invalid = tk.Invalid
_ = tk._


# -- choices --------------------------------------------------------------------------

def _choice_values(field: dict[str, Any]) -> list[str]:
    if "choices" in field:
        return [c["value"] for c in field["choices"]]
    return [c["value"] for c in vocab.choices(field["provincialstats_vocabulary"])]


@scheming_validator
def provincialstats_choice(field, schema):
    """One value from the field's vocabulary (``provincialstats_vocabulary``)."""
    def validator(value):
        if is_empty(value):
            return value
        if value not in _choice_values(field):
            raise Invalid(message(field, _('"%(value)s" is not one of the allowed values')
                                  % {"value": value}))
        return value
    return validator


@scheming_validator
def provincialstats_multiple_choice(field, schema):
    """Zero or more values from the vocabulary, stored as a JSON list in list order."""
    def validator(key, data, errors, context):
        allowed = _choice_values(field)
        value = data[key]
        values = [value] if value in allowed else as_list(value)
        wrong = [v for v in values if v not in allowed]
        for v in wrong:
            errors[key].append(message(field, _('"%(value)s" is not one of the allowed values')
                                       % {"value": v}))
        if wrong:
            return
        if field.get("required") and not values:
            errors[key].append(message(field, _("choose at least one value")))
            return
        if not values:
            drop(key, data)
        data[key] = json.dumps([v for v in allowed if v in values], ensure_ascii=False)
    return validator


# -- provinces and sectors ------------------------------------------------------------

def _check_province(field, code: Any) -> str:
    normal = vocab.normalise_province_code(code)
    if vocab.province(normal) is None:
        raise Invalid(message(field, _('unknown province code "%(code)s"') % {"code": code}))
    return normal


@scheming_validator
def provincialstats_province_list(field, schema):
    """One or more ISO 3166-2:TH codes (``TH-22``; ``22`` is read as ``TH-22``)."""
    def validator(key, data, errors, context):
        codes = []
        for raw in as_list(data[key]):
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
            errors[key].append(message(field, _("at least one province is required")))
            return
        if not codes:
            drop(key, data)
        data[key] = json.dumps(codes)
    return validator


@scheming_validator
def provincialstats_province_code(field, schema):
    """Exactly one ISO 3166-2:TH code; on a province record, not already the code of
    another active province record (so the province of a code, which decides
    curatorship, is never ambiguous)."""
    def validator(key, data, errors, context):
        value = data.get(key)
        if is_empty(value):
            return
        code = _check_province(field, value)
        data[key] = code
        if schema.get("group_type") != "province":
            return  # a strategic issue names its province: many may share one
        group = context.get("group")
        own = {data.get(("id",)), data.get(("name",)),
               getattr(group, "id", None), getattr(group, "name", None)} - {None}
        other = _province_with_code(code, own)
        if other is not None:
            raise Invalid(message(field, _(
                'province code "%(code)s" is already used by the province record '
                '"%(name)s"') % {"code": code, "name": other}))
    return validator


def _province_with_code(code: str, own: set) -> str | None:
    """The name of another active province group whose code is ``code``, if any."""
    from ckan import model
    from sqlalchemy.orm import aliased

    from ckanext.provincialstats.logic.auth import province_records

    code_extra = aliased(model.GroupExtra)
    query = (province_records(code_extra).filter(code_extra.value == code)
             .with_entities(model.Group.id, model.Group.name)
             .order_by(model.Group.created, model.Group.id))
    for group_id, name in query:
        if group_id not in own and name not in own:
            return name
    return None


@scheming_validator
def provincialstats_stat_sector(field, schema):
    def validator(value):
        if is_empty(value):
            return value
        code = vocab.normalise_sector_code(value)
        by_name = {label.casefold(): s["value"] for s in vocab.stat_sectors()
                   for label in s["label"].values()}
        code = by_name.get(str(value).strip().casefold(), code)
        if code not in [s["value"] for s in vocab.stat_sectors()]:
            raise Invalid(message(field, _('unknown statistical sector "%(value)s"')
                                  % {"value": value}))
        return code
    return validator


# -- numbers and years ----------------------------------------------------------------

def check_be_year(field, value: Any) -> int:
    """A plausible BE year, or Invalid naming the field (and spotting CE years)."""
    year = to_int(value)
    if year is None:
        raise Invalid(message(field, _('"%(value)s" is not a year') % {"value": value}))
    lowest, highest = years.be_year_range()
    if not lowest <= year <= highest:
        if lowest <= years.ce_to_be(year) <= highest:
            raise Invalid(message(field, _(
                "%(year)s looks like a Common Era year; type the Buddhist Era year "
                "(%(be)s)") % {"year": year, "be": years.ce_to_be(year)}))
        raise Invalid(message(field, _(
            "Buddhist Era year %(year)s is out of range (%(lowest)s-%(highest)s)")
            % {"year": year, "lowest": lowest, "highest": highest}))
    return year


@scheming_validator
def provincialstats_be_year(field, schema):
    """A Buddhist Era year, stored as text as in the GD Catalog (``"2566"``)."""
    def validator(value):
        if is_empty(value):
            return value
        return str(check_be_year(field, value))
    return validator


@scheming_validator
def provincialstats_plan_period(field, schema):
    """``2566-2570`` (en dash, spaces, Thai digits accepted), first year <= last."""
    def validator(value):
        if is_empty(value):
            return value
        numbers = plan_period_years(value)
        if numbers is None:
            raise Invalid(message(field, _(
                '"%(value)s" is not a plan period; write two Buddhist Era years, '
                'e.g. 2566-2570') % {"value": value}))
        first, last = (check_be_year(field, n) for n in numbers)
        if first > last:
            raise Invalid(message(field, _("the first year %(first)s is after the last "
                                           "year %(last)s") % {"first": first, "last": last}))
        return "%d-%d" % (first, last)
    return validator


@scheming_validator
def provincialstats_positive_int(field, schema):
    def validator(value):
        if is_empty(value):
            return value
        number = to_int(value)
        if number is None or number < 1:
            raise Invalid(message(field, _('"%(value)s" is not a whole number of 1 or more')
                                  % {"value": value}))
        return str(number)
    return validator


@scheming_validator
def provincialstats_number(field, schema):
    """A decimal number, optionally within ``provincialstats_range: [low, high]``."""
    def validator(value):
        if is_empty(value):
            return value
        try:
            number = float(str(value).replace(",", "").strip())
        except ValueError:
            raise Invalid(message(field, _('"%(value)s" is not a number') % {"value": value}))
        low, high = field.get("provincialstats_range", [None, None])
        if (low is not None and number < low) or (high is not None and number > high):
            raise Invalid(message(field, _("%(value)s is outside %(low)s to %(high)s")
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
    if is_empty(value):
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
        "provincialstats_dataset_name": provincialstats_dataset_name,
    }
