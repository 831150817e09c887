"""Input schemas of the extension's actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args


@validator_args
def provincialstats_vocabulary_show(not_empty, unicode_safe):
    return {"name": [not_empty, unicode_safe]}


@validator_args
def provincialstats_province_show(ignore_missing, unicode_safe, boolean_validator):
    return {
        "id": [ignore_missing, unicode_safe],
        "code": [ignore_missing, unicode_safe],
        "include_datasets": [ignore_missing, boolean_validator],
    }


@validator_args
def provincialstats_chart_show(not_empty, unicode_safe):
    return {"id": [not_empty, unicode_safe]}
