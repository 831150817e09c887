"""Open data actions: provinces with dataset counts, strategic issues, quality scores.

All reads, anonymous on purpose (``logic/auth.py``); every count comes from
``package_search`` run as the caller (``include_private``), so it counts exactly the
datasets the caller may see. Lists cost a fixed number of queries, never one per
dataset: one search with facets for the counts, one query for the records.
"""
from __future__ import annotations

import datetime
from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.logic.schema import validator_args
from sqlalchemy import and_, func
from sqlalchemy.orm import aliased

from ckanext.provincialstats import vocab
from ckanext.provincialstats.logic import action as base
from ckanext.provincialstats.logic.auth import province_records
from ckanext.provincialstats.quality import jobs as quality_jobs
from ckanext.provincialstats.quality import score as quality

SUMMARY_BY = ("organization", "province")
SUMMARY_PAGE = 500


# -- input schemas ----------------------------------------------------------------------

def _province_code(value: Any, context: Any) -> Any:
    if value in (None, ""):
        return value
    entry = vocab.province(value)
    if entry is None:
        raise tk.Invalid(tk._("Unknown province code: %s") % value)
    return entry["iso_code"]


def _region_code(value: Any, context: Any) -> Any:
    if value in (None, "") or value in {r["value"] for r in vocab.regions()}:
        return value
    raise tk.Invalid(tk._("Unknown region: %s") % value)


def _summary_by(value: Any, context: Any) -> Any:
    if value in (None, "") or value in SUMMARY_BY:
        return value
    raise tk.Invalid(tk._("Must be one of: %s") % ", ".join(SUMMARY_BY))


@validator_args
def province_list_schema(ignore_missing, unicode_safe):
    return {"region": [ignore_missing, unicode_safe, _region_code]}


@validator_args
def strategic_issue_list_schema(ignore_missing, unicode_safe):
    return {"province": [ignore_missing, unicode_safe, _province_code],
            "plan_period": [ignore_missing, unicode_safe]}


@validator_args
def dataset_id_schema(not_empty, unicode_safe):
    return {"id": [not_empty, unicode_safe]}


@validator_args
def quality_summary_schema(ignore_missing, unicode_safe):
    return {"organization": [ignore_missing, unicode_safe],
            "province": [ignore_missing, unicode_safe, _province_code],
            "by": [ignore_missing, unicode_safe, _summary_by]}


# -- searches as the caller -------------------------------------------------------------

def _search(context, **params) -> dict[str, Any]:
    params.setdefault("include_private", True)
    return tk.get_action("package_search")({"user": context.get("user")}, params)


def _facet_counts(context, field: str, fq: str = "+dataset_type:dataset",
                  limit: int = -1) -> dict[str, int]:
    """Dataset counts per value of ``field`` (every value: ``facet.limit`` -1)."""
    result = _search(context, q="*:*", fq=fq, rows=0, facet="true",
                     **{"facet.field": [field], "facet.limit": limit, "facet.mincount": 1})
    items = (result.get("search_facets") or {}).get(field, {}).get("items") or []
    return {item["name"]: item["count"] for item in items}


def _quote(value: str) -> str:
    return '"%s"' % str(value).replace("\\", "\\\\").replace('"', '\\"')


# -- provinces --------------------------------------------------------------------------

def _province_records() -> dict[str, str]:
    """Province code -> name of its deciding province record; one query."""
    code_extra = aliased(model.GroupExtra)
    rows = (province_records(code_extra)
            .with_entities(code_extra.value, model.Group.name)
            .order_by(model.Group.created.desc(), model.Group.id.desc()).all())
    return {code: name for code, name in rows}  # the oldest wins (written last)


@tk.side_effect_free
def provincialstats_province_list(context, data_dict):
    """The 77 provinces grouped by region, each with the number of catalogue datasets
    about it that the caller may see.

    :param region: only this region (``north``, ``central``, ...; see
        ``provincialstats_vocabulary_show`` ``regions``)
    :type region: string
    :returns: ``{"count", "regions": [{"code", "label": {"th", "en"}, "dataset_count",
        "provinces": [{"code", "dopa_code", "name_th", "name_en", "slug", "region",
        "record", "dataset_count"}]}]}``; ``record`` is the name of the province record
        (``null`` if it was not loaded); a dataset about several provinces of a region
        counts once for each
    :rtype: dict
    """
    tk.check_access("provincialstats_province_list", context, data_dict)
    data = base._validate(data_dict, province_list_schema(), context)
    counts = _facet_counts(context, "province")
    records = _province_records()
    regions = []
    for region in vocab.regions():
        if data.get("region") and region["value"] != data["region"]:
            continue
        provinces = [
            {"code": p["iso_code"], "dopa_code": p["dopa_code"], "name_th": p["name_th"],
             "name_en": p["name_en"], "slug": p["slug"], "region": p["region"],
             "record": records.get(p["iso_code"]),
             "dataset_count": counts.get(p["iso_code"], 0)}
            for p in vocab.provinces() if p["region"] == region["value"]]
        regions.append({"code": region["value"], "label": region["label"],
                        "dataset_count": sum(p["dataset_count"] for p in provinces),
                        "provinces": provinces})
    return {"count": sum(len(r["provinces"]) for r in regions), "regions": regions}


def _issues(province: str | None = None, plan_period: str | None = None
            ) -> list[dict[str, Any]]:
    """Active strategic issue records with their extras (of one province), in one
    query."""
    extras = (
        model.Session.query(
            model.GroupExtra.group_id.label("group_id"),
            func.json_object_agg(model.GroupExtra.key, model.GroupExtra.value).label("x"))
        .join(model.Group, model.Group.id == model.GroupExtra.group_id)
        .filter(model.GroupExtra.state == "active", model.Group.type == "strategic_issue")
        .group_by(model.GroupExtra.group_id).subquery())
    query = (model.Session.query(model.Group, extras.c.x)
             .outerjoin(extras, extras.c.group_id == model.Group.id)
             .filter(model.Group.type == "strategic_issue", model.Group.state == "active",
                     model.Group.is_organization.is_(False)))
    if province:
        of_province = aliased(model.GroupExtra)
        query = query.join(of_province, and_(
            of_province.group_id == model.Group.id, of_province.key == "province",
            of_province.state == "active", of_province.value == province))
    rows = query.all()
    out = []
    for group, x in rows:
        x = x or {}
        if province and x.get("province") != province:
            continue
        if plan_period and x.get("plan_period") != plan_period:
            continue
        number = x.get("issue_number")
        out.append({
            "id": group.id, "name": group.name, "title": group.title,
            "title_en": x.get("title_en"), "province": x.get("province"),
            "plan_period": x.get("plan_period"),
            "issue_number": int(number) if str(number or "").isdigit() else None,
            "description": group.description or "",
        })
    out.sort(key=lambda i: (i["province"] or "", i["plan_period"] or "",
                            i["issue_number"] or 0, i["name"]))
    return out


@tk.side_effect_free
def provincialstats_strategic_issue_list(context, data_dict):
    """Strategic issues of the provinces' development plans, with the number of
    catalogue datasets (visible to the caller) supporting each.

    :param province: only this province's issues (ISO 3166-2:TH code, ``TH-22``)
    :type province: string
    :param plan_period: only this plan period (BE, ``2566-2570``)
    :type plan_period: string
    :returns: ``[{"id", "name", "title", "title_en", "province", "plan_period",
        "issue_number", "description", "dataset_count"}]``, by province, plan period and
        number
    :rtype: list
    """
    tk.check_access("provincialstats_strategic_issue_list", context, data_dict)
    data = base._validate(data_dict, strategic_issue_list_schema(), context)
    issues = _issues(data.get("province"), data.get("plan_period"))
    counts = _facet_counts(context, "strategic_issue")
    for issue in issues:
        issue["dataset_count"] = counts.get(issue["name"], 0)
    return issues


@tk.side_effect_free
def provincialstats_province_show(context, data_dict):
    """A province record with its dataset count, strategic issues and charts.

    :param code: ISO 3166-2:TH code (``TH-22``; ``22`` also works)
    :type code: string
    :param id: the record's name (``chanthaburi``) or id, instead of ``code``
    :type id: string
    :param include_datasets: passed to ``group_show`` (default False)
    :type include_datasets: bool
    :returns: the ``group_show`` dict of the province record, plus ``dataset_count``
        (catalogue datasets about the province that the caller may see),
        ``strategic_issues`` (as ``provincialstats_strategic_issue_list``, without
        counts) and ``charts`` (``[{"id", "name", "title", "plan_period"}]``, the
        official statistics charts the caller may see, newest plan period first)
    :rtype: dict
    """
    record = base.provincialstats_province_show(context, data_dict)
    code = record.get("province_code")
    result = _search(context, q="*:*", rows=0,
                     fq="+dataset_type:dataset +province:%s" % _quote(code))
    charts = _search(context, q="*:*", rows=1000, sort="name asc",
                     fq="+dataset_type:stats_chart +province:%s" % _quote(code),
                     fl="id,name,title,plan_period")
    record["dataset_count"] = result["count"]
    record["strategic_issues"] = _issues(code)
    found = [{k: c.get(k) for k in ("id", "name", "title", "plan_period")}
             for c in charts["results"]]
    found.sort(key=lambda c: c["name"])
    found.sort(key=lambda c: str(c["plan_period"] or ""), reverse=True)
    record["charts"] = found
    return record


# -- quality ----------------------------------------------------------------------------

@tk.side_effect_free
def provincialstats_quality_show(context, data_dict):
    """The quality score of one dataset: the five data.europa.eu MQA dimensions
    (405 points) and the provincial dimension (reported apart).

    :param id: the dataset's name or id
    :type id: string
    :returns: ``{"id", "name", "total", "max", "rating", "dimensions": {name: {"score",
        "max", "in_total", "checks": [{"name", "score", "max", "status"}]}}}``;
        dimensions: ``findability``, ``accessibility``, ``interoperability``,
        ``reusability``, ``contextuality`` (``in_total`` true) and ``provincial``;
        a URL not checked yet by the background job scores 0 with status
        ``not_checked``
    :rtype: dict
    """
    tk.check_access("provincialstats_quality_show", context, data_dict)
    data = base._validate(data_dict, dataset_id_schema(), context)
    pkg = tk.get_action("package_show")({"user": context.get("user")}, {"id": data["id"]})
    if pkg.get("type") != "dataset":
        raise tk.ObjectNotFound(tk._("No dataset %s") % data["id"])
    return {"id": pkg["id"], "name": pkg["name"], **quality.score_dataset(pkg)}


def _new_bucket() -> dict[str, Any]:
    return {"count": 0, "total": 0, "provincial": 0,
            "dimensions": {d: 0 for d in (*quality.MQA_DIMENSIONS, "provincial")},
            "ratings": {label: 0 for _bound, label in quality.RATINGS}}


def _add(bucket: dict[str, Any], score: dict[str, Any]) -> None:
    bucket["count"] += 1
    bucket["total"] += score["total"]
    for name, dim in score["dimensions"].items():
        bucket["dimensions"][name] += dim["score"]
    bucket["ratings"][score["rating"]] += 1


def _finish(bucket: dict[str, Any], maxima: dict[str, int]) -> dict[str, Any]:
    n = bucket["count"]

    def mean(value):
        return round(value / n, 1) if n else None
    return {
        "count": n, "mean_total": mean(bucket["total"]), "max": quality.MQA_MAX,
        "dimensions": {name: {"mean_score": mean(value), "max": maxima.get(name)}
                       for name, value in bucket["dimensions"].items()},
        "ratings": bucket["ratings"],
    }


@tk.side_effect_free
def provincialstats_quality_summary(context, data_dict):
    """Mean quality scores of the datasets the caller may see, for the whole catalogue,
    one organization or one province, optionally broken down per organization or per
    province.

    :param organization: only this organization's datasets (name or id)
    :type organization: string
    :param province: only datasets about this province (``TH-22``)
    :type province: string
    :param by: ``organization`` or ``province``: also one summary per organization
        (or province) in ``groups``
    :type by: string
    :returns: ``{"filters", "count", "mean_total", "max", "dimensions": {name:
        {"mean_score", "max"}}, "ratings": {"excellent", "good", "sufficient", "bad"},
        "groups": [{"key", ...the same fields}]}`` (``groups`` only with ``by``)
    :rtype: dict
    """
    tk.check_access("provincialstats_quality_summary", context, data_dict)
    data = base._validate(data_dict, quality_summary_schema(), context)
    fq = ["+dataset_type:dataset"]
    if data.get("organization"):
        org = model.Group.get(data["organization"])
        if org is None or not org.is_organization or org.state != "active":
            raise tk.ObjectNotFound(tk._("Organization not found"))
        fq.append("+owner_org:%s" % _quote(org.id))
    if data.get("province"):
        fq.append("+province:%s" % _quote(data["province"]))
    overall, groups, maxima = _new_bucket(), {}, {}
    now = datetime.datetime.utcnow()
    start = 0
    while True:
        page = _search(context, q="*:*", fq=" ".join(fq), rows=SUMMARY_PAGE, start=start,
                       sort="id asc")
        results = page["results"]
        for pkg, score in zip(results, quality.score_datasets(results, now=now)):
            maxima = {n: d["max"] for n, d in score["dimensions"].items()}
            _add(overall, score)
            keys = ([(pkg.get("organization") or {}).get("name")] if data.get("by") ==
                    "organization" else pkg.get("province") or [] if data.get("by") else [])
            for key in keys:
                _add(groups.setdefault(key, _new_bucket()), score)
        start += len(results)
        if not results or start >= page["count"]:
            break
    out = {"filters": {k: data.get(k) for k in ("organization", "province", "by")
                       if data.get(k)},
           **_finish(overall, maxima)}
    if data.get("by"):
        out["groups"] = [{"key": key, **_finish(bucket, maxima)}
                         for key, bucket in sorted(groups.items(), key=lambda kv: str(kv[0]))]
    return out


def provincialstats_quality_check(context, data_dict):
    """Queue a background check of a dataset's resource URLs (the accessibility part of
    the score); for those who may edit the dataset.

    :param id: the dataset's name or id
    :type id: string
    :returns: ``{"id", "queued": true, "job_id"}``
    :rtype: dict
    """
    data = base._validate(data_dict, dataset_id_schema(), context)
    tk.check_access("provincialstats_quality_check", context, {"id": data["id"]})
    pkg = model.Package.get(data["id"])
    if pkg is None or pkg.state != "active":
        raise tk.ObjectNotFound(tk._("No dataset %s") % data["id"])
    job = quality_jobs.enqueue_dataset_check(pkg.id)
    return {"id": pkg.id, "queued": True, "job_id": job.id}


def get_actions() -> dict[str, Any]:
    return {
        "provincialstats_province_list": provincialstats_province_list,
        "provincialstats_province_show": provincialstats_province_show,
        "provincialstats_strategic_issue_list": provincialstats_strategic_issue_list,
        "provincialstats_quality_show": provincialstats_quality_show,
        "provincialstats_quality_summary": provincialstats_quality_summary,
        "provincialstats_quality_check": provincialstats_quality_check,
    }


# -- auth ---------------------------------------------------------------------------------
# Reads are public on purpose: counts and lists come from searches run as the caller.

@tk.auth_allow_anonymous_access
def provincialstats_province_list_auth(context, data_dict=None):
    return {"success": True}


@tk.auth_allow_anonymous_access
def provincialstats_strategic_issue_list_auth(context, data_dict=None):
    return {"success": True}


@tk.auth_allow_anonymous_access
def provincialstats_quality_summary_auth(context, data_dict=None):
    return {"success": True}


@tk.auth_allow_anonymous_access
def provincialstats_quality_show_auth(context, data_dict=None):
    """As ``package_show`` of the dataset."""
    return authz.is_authorized("package_show", context, data_dict)


def provincialstats_quality_check_auth(context, data_dict=None):
    """As ``package_update`` of the dataset."""
    return authz.is_authorized("package_update", context, data_dict)


def get_auth_functions() -> dict[str, Any]:
    return {
        "provincialstats_province_list": provincialstats_province_list_auth,
        "provincialstats_strategic_issue_list": provincialstats_strategic_issue_list_auth,
        "provincialstats_quality_summary": provincialstats_quality_summary_auth,
        "provincialstats_quality_show": provincialstats_quality_show_auth,
        "provincialstats_quality_check": provincialstats_quality_check_auth,
    }
