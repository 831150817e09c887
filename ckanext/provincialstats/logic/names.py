"""URL names the extension generates.

CKAN's names are ASCII: lowercase ``a-z``, ``0-9``, ``-`` and ``_``, 2 to 100
characters (``name_validator``). Generated names are built only from ASCII parts:
numbers typed in Thai digits (๒๕๖๖) are read as numbers and written with ASCII digits,
and a name that would still break CKAN's rules is not generated at all (the ``name``
field then reports it as missing, like an empty name typed in the form).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.provincialstats import vocab
from ckanext.provincialstats.logic.converters import plan_period_years, to_int
from ckanext.provincialstats.logic.validation import is_empty, missing


def is_valid_name(name: str) -> bool:
    """Whether CKAN's ``name_validator`` accepts ``name``."""
    try:
        tk.get_validator("name_validator")(name, {})
    except tk.Invalid:
        return False
    return True


def strategic_issue_name(province_code: Any, plan_period: Any,
                         issue_number: Any) -> str | None:
    """``<province slug>-<first year>-<last year>-<number>``, e.g.
    ``chanthaburi-2566-2570-1``, from the values as typed (``TH-22`` or ``22``,
    ``๒๕๖๖-๒๕๗๐``, ``๑``); None when they do not make a valid name."""
    if is_empty(province_code) or is_empty(plan_period) or is_empty(issue_number):
        return None
    province = vocab.province(province_code)
    period = plan_period_years(plan_period)
    number = to_int(issue_number)
    if province is None or period is None or number is None:
        return None
    if min(*period, number) < 1:
        return None
    name = "%s-%d-%d-%d" % (province["slug"], period[0], period[1], number)
    return name if is_valid_name(name) else None


def provincialstats_strategic_issue_name(key, data, errors, context):
    """An empty ``name`` of a strategic issue becomes its generated name
    (:func:`strategic_issue_name`)."""
    if not is_empty(data.get(("name",), missing)):
        return
    name = strategic_issue_name(data.get(("province",), missing),
                                data.get(("plan_period",), missing),
                                data.get(("issue_number",), missing))
    if name:
        data[("name",)] = name
