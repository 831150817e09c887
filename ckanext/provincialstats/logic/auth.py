"""Authorization of the extension's actions, and of CKAN's own writes to its records.

Who may do what:

- anyone (anonymous included) reads: vocabularies, provinces, charts;
- only sysadmins create, edit or delete ``province`` records (sysadmins pass every
  check in CKAN, so the functions below simply refuse everyone else);
- a province's strategic issues (``strategic_issue`` groups) and charts (``stats_chart``
  datasets) are created, edited and deleted by its *curators*:

  * editors and admins of the organization named in the province record's
    ``stats_office_org`` field (the province's statistics office), and
  * editors and admins of the province record (group members with that role);

- a curator of one province cannot create, change or move records of another: an update
  is checked against both the record's current province and the one it would get.
"""
from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.provincialstats import vocab

CURATOR_ROLES = ("editor", "admin")
ISSUE, CHART, PROVINCE = "strategic_issue", "stats_chart", "province"


# -- lookups --------------------------------------------------------------------------

def province_group(code: str) -> model.Group | None:
    """The active ``province`` record whose ``province_code`` is ``code``."""
    return (
        model.Session.query(model.Group)
        .join(model.GroupExtra, model.GroupExtra.group_id == model.Group.id)
        .filter(model.Group.type == PROVINCE, model.Group.state == "active",
                model.GroupExtra.key == "province_code",
                model.GroupExtra.value == code, model.GroupExtra.state == "active")
        .first()
    )


def statistics_office(code: str) -> model.Group | None:
    """The organization the province record names as its statistics office."""
    group = province_group(code)
    org_name = group.extras.get("stats_office_org") if group else None
    org = model.Group.get(org_name) if org_name else None
    return org if org is not None and org.is_organization and org.state == "active" else None


def _role(group: model.Group | None, user_name: str) -> str | None:
    return authz.users_role_for_group_or_org(group.id, user_name) if group else None


def is_curator(user_name: str | None, code: str) -> bool:
    """Is this user an editor/admin of the province's office or of its record?"""
    if not user_name:
        return False
    if authz.is_sysadmin(user_name):
        return True
    return (_role(statistics_office(code), user_name) in CURATOR_ROLES
            or _role(province_group(code), user_name) in CURATOR_ROLES)


def curates_any_province(user_name: str | None) -> bool:
    return bool(user_name) and any(is_curator(user_name, p["iso_code"])
                                   for p in _offices_and_provinces())


def _offices_and_provinces() -> list[dict[str, str]]:
    """Provinces that have a record (only those can have curators)."""
    codes = {
        value for (value,) in model.Session.query(model.GroupExtra.value)
        .join(model.Group, model.GroupExtra.group_id == model.Group.id)
        .filter(model.Group.type == PROVINCE, model.Group.state == "active",
                model.GroupExtra.key == "province_code")
    }
    return [p for p in vocab.provinces() if p["iso_code"] in codes]


def _known_code(value: Any) -> str | None:
    if value in (None, "") or not isinstance(value, str):
        return None
    province = vocab.province(value)
    return province["iso_code"] if province else None


def _decide(user_name: str | None, current: str | None, proposed: Any,
            what: str) -> dict[str, Any]:
    """Allow when the user curates the current province and the proposed one.

    A proposed value that is not a known code is left to validation (it answers 409
    naming the field) as long as the user curates some province.
    """
    new = _known_code(proposed)
    needed = [c for c in (current, new) if c]
    if needed:
        allowed = all(is_curator(user_name, c) for c in dict.fromkeys(needed))
    else:
        allowed = curates_any_province(user_name)
    if allowed:
        return {"success": True}
    where = ", ".join(dict.fromkeys(needed)) or "-"
    return {"success": False, "msg": tk._(
        "User %(user)s is not a curator (statistics office editor or admin) of "
        "province %(province)s and cannot change its %(what)s") % {
            "user": user_name, "province": where, "what": what}}


def _group_of(context, data_dict) -> model.Group | None:
    ref = (data_dict or {}).get("id") or (data_dict or {}).get("name")
    return model.Group.get(ref) if ref else None


def _package_of(context, data_dict) -> model.Package | None:
    ref = (data_dict or {}).get("id") or (data_dict or {}).get("name")
    return model.Package.get(ref) if ref else None


# -- CKAN's writes to provinces, strategic issues and charts ---------------------------

@tk.chained_auth_function
def group_create(next_auth, context, data_dict=None):
    group_type = (data_dict or {}).get("type")
    if group_type == PROVINCE:
        return {"success": False, "msg": tk._("Only sysadmins can create provinces")}
    if group_type == ISSUE:
        return _decide(context.get("user"), None, data_dict.get("province"),
                       tk._("strategic issues"))
    return next_auth(context, data_dict)


def _group_write(next_auth, context, data_dict):
    group = _group_of(context, data_dict)
    if group is not None and group.type == PROVINCE:
        return {"success": False, "msg": tk._("Only sysadmins can edit provinces")}
    if group is not None and group.type == ISSUE:
        return _decide(context.get("user"), group.extras.get("province"),
                       (data_dict or {}).get("province"), tk._("strategic issues"))
    return next_auth(context, data_dict)


@tk.chained_auth_function
def group_update(next_auth, context, data_dict=None):
    return _group_write(next_auth, context, data_dict)


@tk.chained_auth_function
def group_patch(next_auth, context, data_dict=None):
    return _group_write(next_auth, context, data_dict)


@tk.chained_auth_function
def group_delete(next_auth, context, data_dict=None):
    return _group_write(next_auth, context, data_dict)


@tk.chained_auth_function
def package_create(next_auth, context, data_dict=None):
    if (data_dict or {}).get("type") == CHART:
        return _decide(context.get("user"), None, data_dict.get("province"),
                       tk._("statistics charts"))
    return next_auth(context, data_dict)


def _package_write(next_auth, context, data_dict):
    pkg = _package_of(context, data_dict)
    if pkg is not None and pkg.type == CHART:
        return _decide(context.get("user"), pkg.extras.get("province"),
                       (data_dict or {}).get("province"), tk._("statistics charts"))
    return next_auth(context, data_dict)


@tk.chained_auth_function
def package_update(next_auth, context, data_dict=None):
    return _package_write(next_auth, context, data_dict)


@tk.chained_auth_function
def package_patch(next_auth, context, data_dict=None):
    return _package_write(next_auth, context, data_dict)


@tk.chained_auth_function
def package_delete(next_auth, context, data_dict=None):
    return _package_write(next_auth, context, data_dict)


# -- the extension's own actions (reads: anyone, on purpose) ---------------------------

@tk.auth_allow_anonymous_access
def provincialstats_vocabulary_list(context, data_dict=None):
    return {"success": True}


@tk.auth_allow_anonymous_access
def provincialstats_vocabulary_show(context, data_dict=None):
    return {"success": True}


@tk.auth_allow_anonymous_access
def provincialstats_province_show(context, data_dict=None):
    return {"success": True}


@tk.auth_allow_anonymous_access
def provincialstats_chart_show(context, data_dict=None):
    """As ``package_show`` of the chart: public charts for anyone, private ones for
    members of the owner organization."""
    return authz.is_authorized("package_show", context, data_dict)


def get_auth_functions() -> dict[str, Any]:
    return {
        "group_create": group_create,
        "group_update": group_update,
        "group_patch": group_patch,
        "group_delete": group_delete,
        "package_create": package_create,
        "package_update": package_update,
        "package_patch": package_patch,
        "package_delete": package_delete,
        "provincialstats_vocabulary_list": provincialstats_vocabulary_list,
        "provincialstats_vocabulary_show": provincialstats_vocabulary_show,
        "provincialstats_province_show": provincialstats_province_show,
        "provincialstats_chart_show": provincialstats_chart_show,
    }
