"""Actions of ckanext-provincialstats (all read-only)."""
from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.plugins import get_permission_labels
from sqlalchemy import and_, func, or_
from sqlalchemy.orm import aliased

from ckanext.provincialstats import vocab
from ckanext.provincialstats.logic import schema
from ckanext.provincialstats.logic.auth import province_group
from ckanext.provincialstats.logic.converters import provincialstats_json_list_output

# Length of one update period, in days, for the GD Catalog frequency units. Units that
# promise no schedule (unknown, not updated, other) have none: never overdue.
PERIOD_DAYS = {
    "ปี": 365.25, "ครึ่งปี": 182.6, "ไตรมาส": 91.3, "เดือน": 30.44, "สัปดาห์": 7,
    "วัน": 1, "วันทำการ": 3, "ชั่วโมง": 1 / 24, "นาที": 1 / 1440, "ตามเวลาจริง": 1,
}

# Dataset fields a chart row reads from its linked dataset (scheming keeps them as extras).
CHART_EXTRAS = ("last_updated_date", "update_frequency_unit", "update_frequency_interval")


def _validate(data_dict: dict[str, Any], input_schema: dict[str, Any],
              context: dict[str, Any]) -> dict[str, Any]:
    data, errors = tk.navl_validate(data_dict, input_schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


@tk.side_effect_free
def provincialstats_vocabulary_list(context, data_dict):
    """The project's vocabularies: provinces, regions, statistical sectors, chart
    availability and the GD Catalog choice lists (``gdc_*``).

    :returns: ``[{"name", "about", "count"}]``
    :rtype: list
    """
    tk.check_access("provincialstats_vocabulary_list", context, data_dict)
    out = []
    for name in vocab.vocabulary_names():
        entry = vocab.vocabulary(name)
        out.append({"name": name, "about": entry["about"], "count": len(entry["items"])})
    return out


@tk.side_effect_free
def provincialstats_vocabulary_show(context, data_dict):
    """One vocabulary with all its items.

    :param name: a name from ``provincialstats_vocabulary_list``, e.g. ``provinces``,
        ``stat_sectors``, ``gdc_objective``
    :type name: string
    :returns: ``{"name", "about", "items"}``; items of ``provinces`` carry
        ``iso_code``, ``dopa_code``, ``name_th``, ``name_en``, ``region``, ``slug``;
        the others ``value`` and ``label`` (``{"th", "en"}``)
    :rtype: dict
    """
    tk.check_access("provincialstats_vocabulary_show", context, data_dict)
    data = _validate(data_dict, schema.provincialstats_vocabulary_show(), context)
    entry = vocab.vocabulary(data["name"])
    if entry is None:
        raise tk.ObjectNotFound(tk._("No vocabulary %s") % data["name"])
    return entry


@tk.side_effect_free
def provincialstats_province_show(context, data_dict):
    """A province record, found by its code or by its name/id.

    :param code: ISO 3166-2:TH code (``TH-22``; ``22`` also works)
    :type code: string
    :param id: the record's name (``chanthaburi``) or id, instead of ``code``
    :type id: string
    :param include_datasets: passed to ``group_show`` (default False)
    :type include_datasets: bool
    :returns: the ``group_show`` dict of the province record
    :rtype: dict
    """
    tk.check_access("provincialstats_province_show", context, data_dict)
    data = _validate(data_dict, schema.provincialstats_province_show(), context)
    group = None
    if data.get("code"):
        group = province_group(vocab.normalise_province_code(data["code"]))
    elif data.get("id"):
        group = model.Group.get(data["id"])
    if group is None or group.type != "province":
        raise tk.ObjectNotFound(tk._("Province not found"))
    return tk.get_action("group_show")(
        {"user": context.get("user")},
        {"id": group.id, "include_datasets": data.get("include_datasets", False)})


def _parse_date(text: str | None) -> datetime.datetime | None:
    if not text:
        return None
    try:
        return datetime.datetime.fromisoformat(str(text)[:19])
    except ValueError:
        return None


def is_overdue(last_update: str | None, unit: str | None, interval: Any,
               now: datetime.datetime) -> bool | None:
    """Overdue for its frequency? ``None`` when the frequency promises no schedule."""
    days = PERIOD_DAYS.get(unit or "")
    when = _parse_date(last_update)
    if days is None or when is None:
        return None
    try:
        times = max(int(interval), 1)
    except (TypeError, ValueError):
        times = 1
    grace = 1 + tk.config.get("ckanext.provincialstats.chart.overdue_grace_percent") / 100
    return now - when > datetime.timedelta(days=days * times * grace)


def _user_sees(user_name: str | None):
    """A predicate "may this user read this active dataset?", as ``package_show`` decides
    for active datasets: public ones for anyone, private ones by CKAN's permission labels
    (organization members, collaborators, plugins' labels), all for sysadmins. The
    user's labels are fetched once, and only if a private dataset is asked about."""
    labels = get_permission_labels()
    user: dict[str, Any] = {}

    def user_labels() -> set[str] | None:
        """``None`` for a sysadmin (reads everything)."""
        if "labels" not in user:
            user_obj = model.User.get(user_name) if user_name else None
            user["labels"] = (None if user_obj is not None and user_obj.sysadmin
                              else set(labels.get_user_dataset_labels(user_obj)))
        return user["labels"]

    def sees(pkg: model.Package) -> bool:
        if not pkg.private:
            return True
        mine = user_labels()
        return mine is None or bool(set(labels.get_dataset_labels(pkg)) & mine)
    return sees


def linked_datasets(user_name: str | None, refs: list[str]
                    ) -> dict[str, tuple[model.Package, dict[str, Any]]]:
    """The active datasets named (by name or id) in ``refs`` that the user may read,
    each with the extras a chart row needs (``CHART_EXTRAS``), keyed by name and by id;
    one query for all of them."""
    refs = sorted({r for r in refs if r})
    if not refs:
        return {}
    extras = (
        model.Session.query(
            model.PackageExtra.package_id.label("package_id"),
            func.json_object_agg(model.PackageExtra.key, model.PackageExtra.value)
            .label("extras"))
        .filter(model.PackageExtra.key.in_(CHART_EXTRAS),
                model.PackageExtra.state == "active")
        .group_by(model.PackageExtra.package_id)
        .subquery()
    )
    rows = (
        model.Session.query(model.Package, extras.c.extras)
        .outerjoin(extras, extras.c.package_id == model.Package.id)
        .filter(or_(model.Package.name.in_(refs), model.Package.id.in_(refs)),
                model.Package.state == "active")
        .all()
    )
    sees = _user_sees(user_name)
    found: dict[str, tuple[model.Package, dict[str, Any]]] = {}
    for pkg, pkg_extras in rows:
        if sees(pkg):
            found[pkg.name] = found[pkg.id] = (pkg, pkg_extras or {})
    return found


def _resolve_dataset(item: dict[str, Any], datasets: dict[str, Any],
                     now) -> dict[str, Any] | None:
    ref = item.get("dataset")
    if not ref:
        return None
    if ref not in datasets:
        # missing, deleted, or private to this user: say nothing more than the ref
        return {"name": ref, "found": False}
    pkg, extras = datasets[ref]
    modified = pkg.metadata_modified.isoformat() if pkg.metadata_modified else None
    unit = item.get("frequency") or extras.get("update_frequency_unit")
    interval = None if item.get("frequency") else extras.get("update_frequency_interval")
    last = extras.get("last_updated_date") or modified
    return {
        "found": True, "id": pkg.id, "name": pkg.name,
        "title": pkg.title, "last_update": last,
        "metadata_modified": modified,
        "update_frequency_unit": extras.get("update_frequency_unit"),
        "overdue": is_overdue(last, unit, interval, now),
    }


def _issue_summaries(refs: list[str]) -> dict[str, dict[str, Any]]:
    """Strategic issues by name (or id), with their English title and number, in one
    query."""
    refs = sorted({r for r in refs if r})
    if not refs:
        return {}
    title_en, number = aliased(model.GroupExtra), aliased(model.GroupExtra)
    rows = (
        model.Session.query(model.Group.id, model.Group.name, model.Group.title,
                            title_en.value, number.value)
        .outerjoin(title_en, and_(title_en.group_id == model.Group.id,
                                  title_en.key == "title_en", title_en.state == "active"))
        .outerjoin(number, and_(number.group_id == model.Group.id,
                                number.key == "issue_number", number.state == "active"))
        .filter(or_(model.Group.name.in_(refs), model.Group.id.in_(refs)),
                model.Group.type == "strategic_issue")
        .all()
    )
    out = {}
    for group_id, name, title, title_en_value, number_value in rows:
        summary = {"name": name, "title": title, "title_en": title_en_value,
                   "issue_number": number_value}
        out[name] = out[group_id] = summary
    return out


def build_tree(context, items: list[dict[str, Any]], now) -> list[dict[str, Any]]:
    """Rows -> strategic issue -> sub-issue -> indicator -> statistics (row order kept).

    Linked datasets and strategic issues are fetched for all rows at once."""
    datasets = linked_datasets(context.get("user"), [i.get("dataset") for i in items])
    issues = _issue_summaries([i.get("strategic_issue") for i in items])
    tree: dict[str, dict[str, Any]] = {}
    for item in items:
        ref = item.get("strategic_issue")
        issue = tree.setdefault(ref, {
            "strategic_issue": issues.get(ref) or {"name": ref},
            "sub_issues": {}})
        sub = issue["sub_issues"].setdefault(item.get("sub_issue") or "", {
            "sub_issue": item.get("sub_issue") or "", "indicators": {}})
        indicator = sub["indicators"].setdefault(item.get("indicator"), {
            "indicator": item.get("indicator"), "statistics": []})
        indicator["statistics"].append({
            "statistic": item.get("statistic"), "agency": item.get("agency"),
            "frequency": item.get("frequency"), "availability": item.get("availability"),
            "official_statistics": item.get("official_statistics") == "True",
            "dataset": _resolve_dataset(item, datasets, now),
        })
    return [
        {**issue, "sub_issues": [
            {**sub, "indicators": list(sub["indicators"].values())}
            for sub in issue["sub_issues"].values()]}
        for issue in tree.values()
    ]


def _summary(items: list[dict[str, Any]], tree: list[dict[str, Any]]) -> dict[str, int]:
    stats = [s for issue in tree for sub in issue["sub_issues"]
             for ind in sub["indicators"] for s in ind["statistics"]]
    return {
        "statistics": len(items),
        "as_is": sum(1 for s in stats if s["availability"] == "as_is"),
        "to_be": sum(1 for s in stats if s["availability"] == "to_be"),
        "linked": sum(1 for s in stats if s["dataset"] and s["dataset"].get("found")),
        "overdue": sum(1 for s in stats if s["dataset"] and s["dataset"].get("overdue")),
    }


@tk.side_effect_free
def provincialstats_chart_show(context, data_dict):
    """A provincial official statistics chart as a tree, each linked dataset resolved.

    :param id: the chart's name or id (dataset type ``stats_chart``)
    :type id: string
    :returns: ``{"chart": {id, name, title, province, plan_period}, "tree": [...],
        "summary": {statistics, as_is, to_be, linked, overdue}}``; the tree is
        strategic issue -> ``sub_issues`` -> ``indicators`` -> ``statistics``; each
        statistic's ``dataset`` is ``null`` (no link) or ``{found, name, title,
        last_update, overdue, ...}`` where ``overdue`` is true/false, or null when
        the frequency promises no schedule
    :rtype: dict
    """
    tk.check_access("provincialstats_chart_show", context, data_dict)
    data = _validate(data_dict, schema.provincialstats_chart_show(), context)
    chart = tk.get_action("package_show")({"user": context.get("user")}, {"id": data["id"]})
    if chart.get("type") != "stats_chart":
        raise tk.ObjectNotFound(tk._("No statistics chart %s") % data["id"])
    items = provincialstats_json_list_output(chart.get("chart_items") or [])
    tree = build_tree(context, items, datetime.datetime.utcnow())
    return {
        "chart": {k: chart.get(k) for k in
                  ("id", "name", "title", "province", "plan_period", "metadata_modified")},
        "tree": tree,
        "summary": _summary(items, tree),
    }


def get_actions() -> dict[str, Any]:
    from ckanext.provincialstats.harvest.report import get_actions as harvest_actions
    from ckanext.provincialstats.logic.dataset_form import get_actions as form_actions
    from ckanext.provincialstats.logic.opendata import get_actions as opendata_actions
    return {
        "provincialstats_vocabulary_list": provincialstats_vocabulary_list,
        "provincialstats_vocabulary_show": provincialstats_vocabulary_show,
        "provincialstats_chart_show": provincialstats_chart_show,
        **harvest_actions(),  # harvest errors and progress
        **opendata_actions(),  # province list and show (on this module's), issues, quality
        **form_actions(),  # dataset form: name suggestion, strategic issue choices
    }
