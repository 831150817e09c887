"""Authorization of the extension's actions, and of CKAN's own writes to its records.

Who may do what:

- anyone (anonymous included) reads: vocabularies, provinces, charts;
- only sysadmins create, edit, delete or purge ``province`` records, or change their
  members (sysadmins pass every check in CKAN, so the functions below simply refuse
  everyone else), whichever CKAN action is used: ``group_*``, ``organization_*``,
  ``member_*``, ``*_member_*``, ``user_invite``, ``bulk_update_*``, or a ``groups`` list
  naming a province in a dataset, group or organization;
- no one but a sysadmin creates an *organization* of type ``province`` or
  ``strategic_issue`` (CKAN lets any user create organizations of any type by default);
- a province's strategic issues (``strategic_issue`` groups) and charts (``stats_chart``
  datasets) are created, edited and deleted by its *curators*, whichever action is used
  (for charts also resources, resource views, relationships, collaborators, membership
  of groups, bulk updates; purging and moving to another organization stay sysadmin-only
  as in CKAN):

  * editors and admins of the organization named in the province record's
    ``stats_office_org`` field (the province's statistics office), and
  * editors and admins of the province record (group members with that role);

- a curator of one province cannot create, change or move records of another: an update
  is checked against both the record's current province and the one it would get.

Actions that CKAN's own auth functions route through another auth function (``*_patch``
through ``*_update``, ``resource_*`` and ``resource_view_*`` through ``package_update``
or ``package_delete``, ``member_delete`` through ``member_create``) are chained here as
well wherever CKAN's function answers without asking (``group_member_delete``,
``package_resource_reorder``) or asks with another function than the one chained.

Curatorship costs a bounded number of queries whatever the number of provinces: one
statement finds the provinces a user curates (see ``curated_codes``).
"""
from __future__ import annotations

from typing import Any, Iterable

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan import model
from sqlalchemy import and_, or_
from sqlalchemy.orm import aliased

from ckanext.provincialstats import vocab

CURATOR_ROLES = ("editor", "admin")
ISSUE, CHART, PROVINCE = "strategic_issue", "stats_chart", "province"
OK = {"success": True}


# -- lookups --------------------------------------------------------------------------
#
# Which record is "the" province record of a code: the province code is not a unique
# column, so the lookup makes it unique. Only sysadmins can create or edit ``province``
# records (this module), and the vocabulary loader keeps one record per code (keyed by
# the vocabulary's slug), so in practice there is one active record per code. Should a
# sysadmin give two records the same code, the oldest active one decides (ordered by
# creation time, then id: deterministic). Organizations (even of type ``province``, which
# only a sysadmin could create) and deleted records or deleted code extras never count.

def province_records(code_extra):
    """Active ``province`` groups joined with their active ``province_code`` extra."""
    return (
        model.Session.query(model.Group)
        .join(code_extra, and_(code_extra.group_id == model.Group.id,
                               code_extra.key == "province_code",
                               code_extra.state == "active"))
        .filter(model.Group.type == PROVINCE,
                model.Group.is_organization.is_(False),
                model.Group.state == "active")
    )


def province_group(code: str) -> model.Group | None:
    """The province record deciding for ``code`` (oldest active ``province`` group)."""
    code_extra = aliased(model.GroupExtra)
    return (province_records(code_extra).filter(code_extra.value == code)
            .order_by(model.Group.created, model.Group.id).first())


def _deciding_records(codes: Iterable[str] | None):
    """Subquery ``(code, group_id, office)``: one row per code, the deciding record and
    the organization name in its ``stats_office_org`` extra (PostgreSQL DISTINCT ON)."""
    code_extra = aliased(model.GroupExtra)
    office = aliased(model.GroupExtra)
    query = (
        province_records(code_extra)
        .outerjoin(office, and_(office.group_id == model.Group.id,
                                office.key == "stats_office_org",
                                office.state == "active"))
        .with_entities(code_extra.value.label("code"), model.Group.id.label("group_id"),
                       office.value.label("office"))
        .distinct(code_extra.value)
        .order_by(code_extra.value, model.Group.created, model.Group.id)
    )
    if codes is not None:
        query = query.filter(code_extra.value.in_(list(codes)))
    return query.subquery()


def curated_codes(user_name: str | None, codes: Iterable[str] | None = None) -> set[str]:
    """Province codes (among ``codes``, or all) whose deciding record or statistics
    office has ``user_name`` as editor or admin. One SQL statement."""
    if not user_name:
        return set()
    records = _deciding_records(codes)
    office_org = aliased(model.Group)
    rows = (
        model.Session.query(records.c.code).select_from(records)
        .outerjoin(office_org, and_(office_org.name == records.c.office,
                                    office_org.is_organization.is_(True),
                                    office_org.state == "active"))
        .join(model.Member, and_(model.Member.table_name == "user",
                                 model.Member.state == "active",
                                 model.Member.capacity.in_(CURATOR_ROLES),
                                 or_(model.Member.group_id == records.c.group_id,
                                     model.Member.group_id == office_org.id)))
        .join(model.User, and_(model.User.id == model.Member.table_id,
                               or_(model.User.name == user_name,
                                   model.User.id == user_name)))
        .distinct()
    )
    return {code for (code,) in rows}


def is_curator(user_name: str | None, code: str) -> bool:
    """Is this user an editor/admin of the province's office or of its record?"""
    return _curates_all(user_name, [code])


def _curates_all(user_name: str | None, codes: list[str]) -> bool:
    if not user_name:
        return False
    if authz.is_sysadmin(user_name):
        return True
    return set(codes) <= curated_codes(user_name, codes)


def curates_any_province(user_name: str | None) -> bool:
    """Does this user curate at least one province? (sysadmins: yes)"""
    if not user_name:
        return False
    if authz.is_sysadmin(user_name):
        return True
    return bool(curated_codes(user_name))


def _known_code(value: Any) -> str | None:
    if value in (None, "") or not isinstance(value, str):
        return None
    province = vocab.province(value)
    return province["iso_code"] if province else None


def _verdict(user_name: str | None, needed: list[str], what: str) -> dict[str, Any]:
    """Allow when the user curates every province in ``needed`` (any, when empty)."""
    needed = list(dict.fromkeys(c for c in needed if c))
    allowed = (_curates_all(user_name, needed) if needed
               else curates_any_province(user_name))
    if allowed:
        return OK
    return {"success": False, "msg": tk._(
        "User %(user)s is not a curator (statistics office editor or admin) of "
        "province %(province)s and cannot change its %(what)s") % {
            "user": user_name, "province": ", ".join(needed) or "-", "what": what}}


def _decide(user_name: str | None, current: str | None, proposed: Any,
            what: str) -> dict[str, Any]:
    """Allow when the user curates the current province and the proposed one.

    A proposed value that is not a known code is left to validation (it answers 409
    naming the field) as long as the user curates some province.
    """
    return _verdict(user_name, [current, _known_code(proposed)], what)


def _issues() -> str:
    return tk._("strategic issues")


def _charts() -> str:
    return tk._("statistics charts")


def _ref(data_dict: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = data_dict.get(key)
        if value and isinstance(value, str):
            return value
    return None


def _group_of(data_dict, *keys: str) -> model.Group | None:
    ref = _ref(data_dict or {}, *(keys or ("id", "name")))
    return model.Group.get(ref) if ref else None


def _package_of(data_dict, *keys: str) -> model.Package | None:
    ref = _ref(data_dict or {}, *(keys or ("id", "name")))
    return model.Package.get(ref) if ref else None


# -- rules -----------------------------------------------------------------------------

def _province_refusal() -> dict[str, Any]:
    return {"success": False, "msg": tk._("Only sysadmins can edit provinces")}


def _group_rule(context, group: model.Group | None,
                proposed: Any = None) -> dict[str, Any] | None:
    """The answer for a write to ``group`` if it is a province or a strategic issue
    (whether stored as a group or, by mistake, an organization); ``None`` otherwise."""
    if group is None:
        return None
    if group.type == PROVINCE:
        return _province_refusal()
    if group.type == ISSUE:
        return _decide(context.get("user"), group.extras.get("province"), proposed,
                       _issues())
    return None


def _chart_rule(context, pkg: model.Package | None,
                proposed: Any = None) -> dict[str, Any] | None:
    if pkg is None or pkg.type != CHART:
        return None
    return _decide(context.get("user"), pkg.extras.get("province"), proposed, _charts())


def _listed_groups_rule(context, data_dict, keep=lambda: ()) -> dict[str, Any]:
    """A ``groups`` list in a dataset, group or organization dict adds memberships to
    the groups it names: provinces only by sysadmins, strategic issues by curators.
    Groups whose ids ``keep()`` returns (already there) are not checked."""
    blobs = (data_dict or {}).get("groups")
    if not isinstance(blobs, list):
        return OK
    keep = set(keep())
    for blob in blobs:
        ref = _ref(blob, "id", "name") if isinstance(blob, dict) else blob
        group = model.Group.get(ref) if isinstance(ref, str) and ref else None
        if group is None or group.id in keep:
            continue
        result = _group_rule(context, group)
        if result is not None and not result["success"]:
            return result
    return OK


def _both(first: dict[str, Any], then) -> dict[str, Any]:
    """``first`` if it refuses, else the answer of ``then()``."""
    return first if not first.get("success") else then()


# -- creating groups and organizations ---------------------------------------------------

@tk.chained_auth_function
def group_create(next_auth, context, data_dict=None):
    data_dict = data_dict or {}
    group_type = data_dict.get("type")
    if group_type == PROVINCE:
        return {"success": False, "msg": tk._("Only sysadmins can create provinces")}
    if group_type == ISSUE:
        result = _decide(context.get("user"), None, data_dict.get("province"), _issues())
    else:
        result = next_auth(context, data_dict)
    return _both(result, lambda: _listed_groups_rule(context, data_dict))


@tk.chained_auth_function
def organization_create(next_auth, context, data_dict=None):
    data_dict = data_dict or {}
    group_type = data_dict.get("type")
    if group_type in (PROVINCE, ISSUE):
        return {"success": False, "msg": tk._(
            "An organization cannot be of type %(type)s: provinces and strategic "
            "issues are groups") % {"type": group_type}}
    return _both(next_auth(context, data_dict),
                 lambda: _listed_groups_rule(context, data_dict))


# -- changing groups and organizations, and their members -------------------------------

def _group_write(next_auth, context, data_dict, *keys: str, proposes: bool = False):
    data_dict = data_dict or {}
    group = _group_of(data_dict, *keys)
    proposed = data_dict.get("province") if proposes else None
    result = _group_rule(context, group, proposed)
    if result is None:
        result = next_auth(context, data_dict)
    if proposes:
        return _both(result, lambda: _listed_groups_rule(context, data_dict))
    return result


def _group_update_like(next_auth, context, data_dict=None):
    result = _group_write(next_auth, context, data_dict, proposes=True)
    return _both(result, lambda: _office_rename_rule(data_dict or {}))


def _office_rename_rule(data_dict) -> dict[str, Any]:
    """Province records name their statistics office by its URL name: renaming the
    office would free the name for anyone to take (any user may create organizations
    by default) and with it the province's curatorship. Only sysadmins rename one."""
    new_name = data_dict.get("name")
    group = _group_of(data_dict, "id") if new_name else None
    if group is None or not group.is_organization or new_name == group.name:
        return OK
    office = aliased(model.GroupExtra)
    named = (
        model.Session.query(model.Group.id)
        .join(office, and_(office.group_id == model.Group.id,
                           office.key == "stats_office_org", office.state == "active",
                           office.value == group.name))
        .filter(model.Group.type == PROVINCE, model.Group.state == "active")
        .first()
    )
    if named is None:
        return OK
    return {"success": False, "msg": tk._(
        "Organization %(org)s is the statistics office of a province: only sysadmins "
        "can rename it") % {"org": group.name}}


def _group_purge_like(next_auth, context, data_dict=None):
    """Purging stays CKAN's (sysadmins only) for strategic issues too."""
    data_dict = data_dict or {}
    result = _group_rule(context, _group_of(data_dict))
    if result is not None and not result["success"]:
        return result
    return next_auth(context, data_dict)


def _member_write(next_auth, context, data_dict=None):
    """``member_create``/``member_delete``: the group's rule, and when the member is a
    chart, also the chart's (adding a chart to any group changes the chart)."""
    data_dict = data_dict or {}
    result = _group_write(next_auth, context, data_dict)
    if not result.get("success") or data_dict.get("object_type") != "package":
        return result
    chart = _chart_rule(context, _package_of(data_dict, "object"))
    return chart if chart is not None else result


def _invite(next_auth, context, data_dict=None):
    return _group_write(next_auth, context, data_dict, "group_id")


def _bulk_update(next_auth, context, data_dict=None):
    """``bulk_update_*``: the organization's rule, and every chart among ``datasets``."""
    data_dict = data_dict or {}
    result = _group_write(next_auth, context, data_dict, "org_id")
    ids = data_dict.get("datasets")
    if not result.get("success") or not isinstance(ids, list) or not ids:
        return result
    provinces = [
        pkg.extras.get("province") for pkg in model.Session.query(model.Package)
        .filter(model.Package.id.in_([str(i) for i in ids]),
                model.Package.type == CHART)
    ]
    if not provinces:
        return result
    return _verdict(context.get("user"), provinces, _charts())


def _chained(func, name):
    """``func`` registered as the chained auth function ``name``."""
    def auth(next_auth, context, data_dict=None):
        return func(next_auth, context, data_dict)
    auth.__name__ = auth.__qualname__ = name
    auth.__doc__ = func.__doc__
    return tk.chained_auth_function(auth)


# -- creating and changing datasets (charts) -------------------------------------------

@tk.chained_auth_function
def package_create(next_auth, context, data_dict=None):
    data_dict = data_dict or {}
    if data_dict.get("type") == CHART:
        result = _decide(context.get("user"), None, data_dict.get("province"), _charts())
    else:
        result = next_auth(context, data_dict)
    return _both(result, lambda: _listed_groups_rule(context, data_dict))


def _package_write(next_auth, context, data_dict=None):
    """Update-like writes: the chart's curators decide (current and proposed province);
    any other dataset is CKAN's call. Either way no new province membership."""
    data_dict = data_dict or {}
    # package_revise asks with {"update": <the whole revised dataset>}
    target = data_dict["update"] if isinstance(data_dict.get("update"), dict) else data_dict
    pkg = _package_of(target)
    result = _chart_rule(context, pkg, target.get("province"))
    if result is None:
        result = next_auth(context, data_dict)
    return _both(result, lambda: _listed_groups_rule(
        context, target, lambda: [g.id for g in pkg.get_groups()] if pkg else []))


def _package_also(next_auth, context, data_dict=None):
    """Writes CKAN restricts further (purge, owner change, collaborators): a chart's
    curators only, and CKAN's own check as well."""
    data_dict = data_dict or {}
    result = _chart_rule(context, _package_of(data_dict))
    if result is not None and not result["success"]:
        return result
    return next_auth(context, data_dict)


def _relationship(next_auth, context, data_dict=None):
    """``package_relationship_*``: curators of every chart at either end."""
    data_dict = data_dict or {}
    for key in ("subject", "object"):
        result = _chart_rule(context, _package_of(data_dict, key))
        if result is not None and not result["success"]:
            return result
    return next_auth(context, data_dict)


_CHAINED = {
    # groups and organizations (provinces, strategic issues)
    "group_update": _group_update_like,
    "group_patch": _group_update_like,
    "organization_update": _group_update_like,
    "organization_patch": _group_update_like,
    "group_change_state": _group_write,
    "group_edit_permissions": _group_write,
    "group_delete": _group_write,
    "group_purge": _group_purge_like,
    "organization_delete": _group_write,
    "organization_purge": _group_purge_like,
    "group_member_create": _group_write,
    "group_member_delete": _group_write,
    "organization_member_create": _group_write,
    "organization_member_delete": _group_write,
    "member_create": _member_write,
    "member_delete": _member_write,
    "user_invite": _invite,
    "bulk_update_private": _bulk_update,
    "bulk_update_public": _bulk_update,
    "bulk_update_delete": _bulk_update,
    # datasets (charts)
    "package_update": _package_write,
    "package_patch": _package_write,
    "package_delete": _package_write,
    "package_change_state": _package_write,
    "package_resource_reorder": _package_write,
    "package_revise": _package_write,
    "dataset_purge": _package_also,
    "package_owner_org_update": _package_also,
    "package_collaborator_create": _package_also,
    "package_collaborator_delete": _package_also,
    "package_relationship_create": _relationship,
    "package_relationship_update": _relationship,
    "package_relationship_delete": _relationship,
}


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
    functions: dict[str, Any] = {
        "group_create": group_create,
        "organization_create": organization_create,
        "package_create": package_create,
    }
    functions.update({name: _chained(func, name) for name, func in _CHAINED.items()})
    functions.update({
        "provincialstats_vocabulary_list": provincialstats_vocabulary_list,
        "provincialstats_vocabulary_show": provincialstats_vocabulary_show,
        "provincialstats_province_show": provincialstats_province_show,
        "provincialstats_chart_show": provincialstats_chart_show,
    })
    from ckanext.provincialstats.harvest.report import get_auth_functions as harvest_auth
    functions.update(harvest_auth())
    from ckanext.provincialstats.logic.opendata import get_auth_functions as opendata_auth
    functions.update(opendata_auth())
    from ckanext.provincialstats.logic.dataset_form import get_auth_functions as form_auth
    functions.update(form_auth())
    return functions
