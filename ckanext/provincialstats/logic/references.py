"""Validators of references to other records: organizations, strategic issues and
catalogue datasets, given by name or id and stored by name."""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.provincialstats.logic.labels import message
from ckanext.provincialstats.logic.validation import (
    as_list,
    drop,
    is_empty,
    scheming_validator,
)

_ = tk._


def find_strategic_issue(ref: Any) -> model.Group | None:
    """The active strategic issue record named (or with the id) ``ref``."""
    group = model.Group.get(str(ref).strip())
    if group is None or group.type != "strategic_issue" or group.state != "active":
        return None
    return group


def issue_province(group: model.Group | None) -> str | None:
    """The province code of a strategic issue record (None without a record)."""
    return group.extras.get("province") if group else None


@scheming_validator
def provincialstats_organization(field, schema):
    """The name or id of an existing organization; stored as its name."""
    def validator(value):
        if is_empty(value):
            return value
        org = model.Group.get(str(value).strip())
        if org is None or not org.is_organization or org.state != "active":
            raise tk.Invalid(message(field, _('no organization "%(value)s"')
                                     % {"value": value}))
        return org.name
    return validator


@scheming_validator
def provincialstats_strategic_issue_list(field, schema):
    """Names or ids of strategic issue records, stored as a JSON list of names."""
    def validator(key, data, errors, context):
        names = []
        for ref in as_list(data[key]):
            group = find_strategic_issue(ref)
            if group is None:
                errors[key].append(message(field, _('no strategic issue "%(ref)s"')
                                           % {"ref": ref}))
            elif group.name not in names:
                names.append(group.name)
        if errors[key]:
            return
        if not names:
            drop(key, data)
        data[key] = json.dumps(names)
    return validator


@scheming_validator
def provincialstats_strategic_issue_ref(field, schema):
    def validator(value):
        if is_empty(value):
            return value
        group = find_strategic_issue(value)
        if group is None:
            raise tk.Invalid(message(field, _('no strategic issue "%(ref)s"')
                                     % {"ref": value}))
        return group.name
    return validator


@scheming_validator
def provincialstats_dataset_ref(field, schema):
    """The name or id of an existing catalogue dataset (type ``dataset``)."""
    def validator(value):
        if is_empty(value):
            return value
        pkg = model.Package.get(str(value).strip())
        if pkg is None or pkg.type != "dataset" or pkg.state != "active":
            raise tk.Invalid(message(field, _('no dataset "%(ref)s" in the catalogue')
                                     % {"ref": value}))
        return pkg.name
    return validator
