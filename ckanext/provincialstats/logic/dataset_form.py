"""Actions behind the dataset form: the strategic issues a dataset of some provinces can
be linked to (the form's select), and the URL name proposed for a title
(``names.provincialstats_name_suggest``)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from sqlalchemy import and_
from sqlalchemy.orm import aliased

from ckanext.provincialstats import vocab
from ckanext.provincialstats.logic.names import provincialstats_name_suggest
from ckanext.provincialstats.logic.validation import as_list

_MAX_PROVINCES = 77


def _codes(value: Any) -> list[str]:
    codes = []
    for raw in as_list(value)[:_MAX_PROVINCES]:
        province = vocab.province(raw)
        if province is None:
            raise tk.ValidationError({"province": [tk._('unknown province code "%(code)s"')
                                                   % {"code": raw}]})
        if province["iso_code"] not in codes:
            codes.append(province["iso_code"])
    return codes


def strategic_issue_options(codes: list[str]) -> list[dict[str, Any]]:
    """The active strategic issue records of the provinces ``codes``: newest plan period
    first, then by issue number."""
    if not codes:
        return []
    province = aliased(model.GroupExtra)
    period = aliased(model.GroupExtra)
    number = aliased(model.GroupExtra)
    title_en = aliased(model.GroupExtra)

    def extra(alias, key):
        return and_(alias.group_id == model.Group.id, alias.key == key,
                    alias.state == "active")

    rows = (model.Session.query(model.Group.name, model.Group.title, province.value,
                                period.value, number.value, title_en.value)
            .join(province, extra(province, "province"))
            .outerjoin(period, extra(period, "plan_period"))
            .outerjoin(number, extra(number, "issue_number"))
            .outerjoin(title_en, extra(title_en, "title_en"))
            .filter(model.Group.type == "strategic_issue",
                    model.Group.state == "active",
                    province.value.in_(codes))
            .all())

    def order(row):
        issue_number = row[4] or ""
        return (codes.index(row[2]), -(int(row[3][:4]) if (row[3] or "")[:4].isdigit()
                                       else 0),
                int(issue_number) if issue_number.isdigit() else 10**6, row[0])

    return [{"name": name, "title": title or name, "title_en": en or "",
             "province": code, "plan_period": plan or "", "issue_number": issue or ""}
            for name, title, code, plan, issue, en in sorted(rows, key=order)]


@tk.side_effect_free
def provincialstats_strategic_issue_options(context, data_dict):
    """The strategic issues a dataset of these provinces can be linked to (what the
    dataset form's strategic issue list offers).

    :param province: one or more province codes (``TH-22``, ``22``), a list or
        comma-separated
    :type province: list of strings or string
    :returns: ``[{"name", "title", "title_en", "province", "plan_period",
        "issue_number"}]``, per province (in the order given) the newest plan period
        first
    :rtype: list
    """
    tk.check_access("provincialstats_strategic_issue_options", context, data_dict)
    return strategic_issue_options(_codes(data_dict.get("province")))


def get_actions() -> dict[str, Any]:
    return {
        "provincialstats_name_suggest": provincialstats_name_suggest,
        "provincialstats_strategic_issue_options": provincialstats_strategic_issue_options,
    }


@tk.auth_allow_anonymous_access
def _strategic_issue_options_auth(context, data_dict):
    """Strategic issue records are public: anyone may list them."""
    return {"success": True}


def _name_suggest_auth(context, data_dict):
    """Whoever may create a dataset may ask for a name."""
    try:
        tk.check_access("package_create", dict(context), {})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("Only users who may create datasets can "
                                               "ask for a dataset name")}
    return {"success": True}


def get_auth_functions() -> dict[str, Any]:
    return {
        "provincialstats_name_suggest": _name_suggest_auth,
        "provincialstats_strategic_issue_options": _strategic_issue_options_auth,
    }


def _options_helper(codes: Any) -> list[dict[str, Any]]:
    """Template helper: the strategic issue choices of the provinces ``codes`` (unknown
    codes are left out: the province field reports them)."""
    known = [p["iso_code"] for p in (vocab.province(c) for c in as_list(codes)) if p]
    return strategic_issue_options(list(dict.fromkeys(known)))


def get_helpers() -> dict[str, Any]:
    return {"provincialstats_strategic_issue_options": _options_helper,
            "provincialstats_dataset_data_type": _dataset_data_type}


def _dataset_data_type(id_or_name: Any) -> str:
    """Template helper: the data type of a dataset the user can see ('' otherwise)."""
    if not id_or_name:
        return ""
    try:
        dataset = tk.get_action("package_show")({}, {"id": str(id_or_name)})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return ""
    return dataset.get("data_type") or ""
