"""The extension's own pages: the home page, the province index and province pages, the
strategic issue page, the official statistics chart's downloads, and the site's custom
CSS as a file (inline CSS is not allowed by the Content-Security-Policy).

The province and strategic issue records are scheming group types; their index and read
pages list datasets by the dataset FIELDS ``province`` and ``strategic_issue`` (through
``package_search``), not by group membership: :func:`install` points CKAN's endpoints
at the views here.
"""
from __future__ import annotations

import csv
import datetime
import io
import json
from typing import Any

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckan.lib.helpers import Page
from flask import Blueprint, Response, request

from ckanext.provincialstats import vocab
from ckanext.provincialstats.chartview import latest
from ckanext.provincialstats.facets import facet_titles, value_labels
from ckanext.provincialstats.logic.action import PERIOD_DAYS
from ckanext.provincialstats.logic.labels import label_text

pages = Blueprint("provincialstats_pages", __name__)

PAGE_SIZE = 20
# Facets of the province page (the province itself is fixed there).
PROVINCE_FACETS = ("strategic_issue", "stat_sector", "organization", "res_format",
                   "data_type", "official_statistics")
ISSUE_FACETS = ("province", "stat_sector", "organization", "res_format", "data_type")
SORTS = ("score desc, metadata_modified desc", "metadata_modified desc",
         "metadata_created desc", "title_string asc", "title_string desc")
# How many datasets of a province are read to find the most overdue ones.
OVERDUE_SCAN = 500


def _context() -> dict[str, Any]:
    return {"user": tk.g.user}


def _search(**params) -> dict[str, Any]:
    return tk.get_action("package_search")(_context(), params)


def quote(value: str) -> str:
    return '"%s"' % str(value).replace("\\", "\\\\").replace('"', '\\"')


def _datasets_fq(field: str | None = None, value: str | None = None) -> str:
    fq = "+dataset_type:dataset"
    if field:
        fq += " +%s:%s" % (field, quote(value))
    return fq


def newest(fq: str, rows: int = 5) -> list[dict[str, Any]]:
    return _search(q="*:*", fq=fq, rows=rows, sort="metadata_created desc")["results"]


def _when(text: str | None) -> datetime.datetime | None:
    if not text:
        return None
    try:
        value = datetime.datetime.fromisoformat(str(text)[:19])
    except ValueError:
        return None
    return value


def days_overdue(pkg: dict[str, Any], now: datetime.datetime) -> int | None:
    """Days past the date the dataset's next update was due (its last update plus its
    update period and the grace percentage); None when not overdue or no schedule."""
    days = PERIOD_DAYS.get(pkg.get("update_frequency_unit") or "")
    last = _when(pkg.get("last_updated_date") or pkg.get("metadata_modified"))
    if days is None or last is None:
        return None
    try:
        times = max(int(pkg.get("update_frequency_interval") or 1), 1)
    except (TypeError, ValueError):
        times = 1
    grace = 1 + tk.config.get("ckanext.provincialstats.chart.overdue_grace_percent") / 100
    late = (now - last) - datetime.timedelta(days=days * times * grace)
    return late.days if late.total_seconds() > 0 else None


def most_overdue(fq: str, rows: int = 5) -> list[dict[str, Any]]:
    """The datasets furthest past their promised update, most overdue first."""
    now = datetime.datetime.utcnow()
    found = []
    for pkg in _search(q="*:*", fq=fq, rows=OVERDUE_SCAN, sort="metadata_modified asc")[
            "results"]:
        late = days_overdue(pkg, now)
        if late is not None:
            found.append({**pkg, "provincialstats_days_overdue": late})
    found.sort(key=lambda p: -p["provincialstats_days_overdue"])
    return found[:rows]


# How many of the most downloaded resources' datasets are read to find the page's few
# (some may be private, of another province or not datasets).
DOWNLOADS_SCAN = 100


def download_counts(limit: int = DOWNLOADS_SCAN) -> dict[str, int]:
    """Dataset id -> downloads of its resources, most downloaded first, from CKAN's
    ``tracking`` plugin: the clicks on resource links its script records, counted (one
    per visitor and day) into ``tracking_summary`` by ``ckan tracking update``. A
    resource is known by the id in its download URL (uploads) or by its URL (links)."""
    rows = model.Session.execute(sa.text("""
        WITH clicks AS (
            SELECT substring(url from '/resource/([0-9a-f-]{36})') AS rid, url,
                   sum(count) AS n
            FROM tracking_summary WHERE tracking_type = 'resource' GROUP BY url)
        SELECT r.package_id, sum(c.n) AS n
        FROM clicks c JOIN resource r
          ON r.state = 'active' AND (r.id = c.rid OR (c.rid IS NULL AND r.url = c.url))
        GROUP BY r.package_id ORDER BY n DESC, r.package_id LIMIT :limit"""),
        {"limit": limit}).fetchall()
    return {package_id: int(n) for package_id, n in rows if n}


def most_downloaded(fq: str, rows: int = 5) -> list[dict[str, Any]] | None:
    """The datasets (of ``fq``, that the user may see) whose resources were downloaded
    most, each with ``provincialstats_downloads``; None when CKAN's ``tracking`` plugin
    is not enabled (no counts are kept), an empty list when none was counted yet."""
    if not plugins.plugin_loaded("tracking"):
        return None
    counts = download_counts()
    if not counts:
        return []
    ids = " OR ".join(quote(i) for i in counts)
    found = _search(q="*:*", fq="%s +id:(%s)" % (fq, ids), rows=len(counts))["results"]
    found.sort(key=lambda p: -counts.get(p["id"], 0))
    return [{**p, "provincialstats_downloads": counts[p["id"]]} for p in found[:rows]]


def _filters(fields) -> tuple[str, dict[str, list[str]]]:
    """The facet filters chosen in the query string, as an fq and as a dict."""
    chosen: dict[str, list[str]] = {}
    fq = ""
    for field in fields:
        for value in request.args.getlist(field):
            chosen.setdefault(field, []).append(value)
            fq += " +%s:%s" % (field, quote(value))
    return fq, chosen


def _page_number() -> int:
    try:
        number = int(request.args.get("page", 1))
    except ValueError:
        return tk.abort(400, tk._('"page" must be a whole number'))
    if number < 1:
        return tk.abort(400, tk._('"page" must be 1 or more'))
    return number


def dataset_list(base_fq: str, fields, endpoint: str, **url_args) -> dict[str, Any]:
    """One page of the datasets of ``base_fq`` with the facets of ``fields`` and the
    filters, text and order chosen in the query string."""
    q = request.args.get("q", "")
    sort = request.args.get("sort") or SORTS[0]
    if sort not in SORTS:
        return tk.abort(400, tk._("Unknown sort order: %s") % sort)
    page = _page_number()
    extra_fq, chosen = _filters(fields)
    result = _search(q=q or "*:*", fq=base_fq + extra_fq, rows=PAGE_SIZE,
                     start=(page - 1) * PAGE_SIZE, sort=sort, include_private=True,
                     **{"facet.field": list(fields), "facet.limit": 10,
                        "facet.mincount": 1})
    titles = facet_titles(dict.fromkeys(fields, ""))

    def pager_url(q=None, page=None):
        params = request.args.to_dict(flat=False)
        params["page"] = page
        return tk.h.url_for(endpoint, **url_args, **params)

    pager = Page(collection=result["results"], page=page, url=pager_url,
                      item_count=result["count"], items_per_page=PAGE_SIZE)
    pager.items = result["results"]
    base_url = tk.h.url_for(endpoint, **url_args)

    def remove_field(key, value=None, replace=None):
        return tk.h.remove_url_param(key, value=value, replace=replace,
                                     alternative_url=base_url)

    return {
        "remove_field": remove_field, "base_url": base_url,
        "fields_list": [(k, v) for k, values in chosen.items() for v in values],
        "translated_fields": {(k, v): label for k, values in chosen.items()
                              for v, label in value_labels(k, values).items()},
        "q": q, "sort": sort, "count": result["count"], "results": result["results"],
        "search_facets": result["search_facets"],
        "facet_titles": {f: titles.get(f) or f for f in fields}, "fields": fields,
        "chosen": chosen, "page": pager,
    }


# -- home -------------------------------------------------------------------------------

def home():
    """The home page: a hub for many provinces, or (``ckanext.provincialstats.
    site_province``) one province's data centre with its chart and issues up front."""
    code = (tk.config.get("ckanext.provincialstats.site_province") or "").strip()
    province = vocab.province(code) if code else None
    if code and province is None:
        # A mistyped option should be seen by the site's admin, not hidden.
        return tk.abort(500, tk._("ckanext.provincialstats.site_province: unknown "
                                  "province code %s") % code)
    ctx = _context()
    fq = _datasets_fq("province", province["iso_code"]) if province else _datasets_fq()
    record = None
    chart = None
    if province:
        try:
            record = tk.get_action("provincialstats_province_show")(
                ctx, {"code": province["iso_code"]})
        except tk.ObjectNotFound:
            record = None
        if record and record.get("charts"):
            chart = _chart(record["charts"][0]["name"])
    issues = tk.get_action("provincialstats_strategic_issue_list")(
        ctx, {"province": province["iso_code"]} if province else {})
    provinces = tk.get_action("provincialstats_province_list")(ctx, {})
    counts = {
        "datasets": _search(q="*:*", fq=fq, rows=0)["count"],
        "provinces": sum(1 for r in provinces["regions"] for p in r["provinces"]
                         if p["dataset_count"]),
        "organizations": len(tk.get_action("organization_list")(ctx, {})),
        "charts": _search(q="*:*", rows=0, fq="+dataset_type:stats_chart" + (
            " +province:%s" % quote(province["iso_code"]) if province else ""))["count"],
        "issues": len(issues),
    }
    return tk.render("provincialstats/home/index.html", {
        "site_province": province, "province_record": record, "chart": chart,
        "issues": issues, "regions": provinces["regions"], "counts": counts,
        "newest": newest(fq), "most_downloaded": most_downloaded(fq),
        "overdue": most_overdue(fq) if province else [],
    })


# -- provinces --------------------------------------------------------------------------

def province_index(group_type: str = "province", is_organization: bool = False):
    """All 77 provinces by region, each with its number of datasets (by the field)."""
    provinces = tk.get_action("provincialstats_province_list")(_context(), {})
    return tk.render("provincialstats/province/index.html", {
        "regions": provinces["regions"], "total": provinces["count"],
        "group_type": group_type})


def _chart(name: str) -> dict[str, Any] | None:
    try:
        return tk.get_action("provincialstats_chart_show")(_context(), {"id": name})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


def _group_or_404(id: str, group_type: str) -> model.Group:
    group = model.Group.get(id)
    if group is None or group.type != group_type or group.state != "active":
        return tk.abort(404, tk._("Province not found") if group_type == "province"
                        else tk._("Strategic issue not found"))
    return group


def province_read(id: str, group_type: str = "province", is_organization: bool = False):
    """A province: profile, strategic issues, its official statistics chart, and its
    datasets by the ``province`` field, with facets; newest and most overdue."""
    group = _group_or_404(id, "province")
    record = tk.get_action("provincialstats_province_show")(_context(), {"id": group.id})
    code = record.get("province_code")
    base_fq = _datasets_fq("province", code)
    listing = dataset_list(base_fq, PROVINCE_FACETS, "province.read", id=group.name)
    chart = _chart(record["charts"][0]["name"]) if record.get("charts") else None
    return tk.render("provincialstats/province/read.html", {
        "group_dict": record, "group_type": "province", "province": vocab.province(code),
        "region": _region_label(record.get("region")), "listing": listing,
        "chart": chart, "newest": newest(base_fq), "overdue": most_overdue(base_fq),
        "dataset_count": record.get("dataset_count", 0)})


def _region_label(code: str | None) -> str:
    for region in vocab.regions():
        if region["value"] == code:
            return label_text(region["label"])
    return code or ""


# -- strategic issues -------------------------------------------------------------------

def issue_index(group_type: str = "strategic_issue", is_organization: bool = False):
    """The strategic issues of every province's plan, by province, each with its number
    of datasets (by the datasets' ``strategic_issue`` field)."""
    province = request.args.get("province") or None
    if province and vocab.province(province) is None:
        return tk.abort(400, tk._("Unknown province code: %s") % province)
    issues = tk.get_action("provincialstats_strategic_issue_list")(
        _context(), {"province": vocab.province(province)["iso_code"]} if province else {})
    by_province: dict[str, list[dict[str, Any]]] = {}
    for issue in issues:
        by_province.setdefault(issue.get("province") or "", []).append(issue)
    return tk.render("provincialstats/strategic_issue/index.html", {
        "by_province": by_province, "count": len(issues), "group_type": group_type})


def issue_read(id: str, group_type: str = "strategic_issue", is_organization: bool = False):
    """A strategic issue: goals, sub-issues, indicators (with their latest value where
    a dataset the chart links to them has it in the DataStore) and the datasets
    attached (by the datasets' ``strategic_issue`` field)."""
    group = _group_or_404(id, "strategic_issue")
    issue = tk.get_action("group_show")(_context(), {"id": group.id,
                                                     "include_datasets": False})
    base_fq = _datasets_fq("strategic_issue", group.name)
    listing = dataset_list(base_fq, ISSUE_FACETS, "strategic_issue.read", id=group.name)
    province = vocab.province(issue.get("province") or "")
    statistics = indicator_statistics(group.name, issue.get("province"))
    indicators = [{**ind, "statistics": statistics.get(ind.get("name"), [])}
                  for ind in _json_list(issue.get("indicators"))]
    values = latest.latest_values(indicators, issue.get("province"), tk.g.user,
                                  tk.h.lang())
    indicators = [{**ind, "latest": values.get(ind.get("name"))} for ind in indicators]
    return tk.render("provincialstats/strategic_issue/read.html", {
        "group_dict": issue, "group_type": "strategic_issue", "province": province,
        "listing": listing, "sub_issues": _json_list(issue.get("sub_issues")),
        "indicators": indicators})


def indicator_statistics(issue_name: str, province: str | None
                         ) -> dict[str, list[dict[str, Any]]]:
    """Indicator name -> the statistics the province's official statistics charts list
    for it under this issue (with their linked datasets)."""
    if not province:
        return {}
    charts = _search(q="*:*", rows=50, fq="+dataset_type:stats_chart +province:%s"
                     % quote(province))["results"]
    out: dict[str, list[dict[str, Any]]] = {}
    for chart in charts:
        tree = _chart(chart["name"])
        for issue in (tree or {}).get("tree", []):
            if issue["strategic_issue"].get("name") != issue_name:
                continue
            for sub in issue["sub_issues"]:
                for indicator in sub["indicators"]:
                    out.setdefault(indicator["indicator"], []).extend(indicator["statistics"])
    return out


def _json_list(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, list):
        return value
    if isinstance(value, str) and value.strip():
        try:
            parsed = json.loads(value)
        except ValueError:
            return []
        return parsed if isinstance(parsed, list) else []
    return []


# -- chart downloads --------------------------------------------------------------------

CSV_COLUMNS = ("strategic_issue", "strategic_issue_title", "sub_issue", "indicator",
               "statistic", "agency", "frequency", "availability", "official_statistics",
               "dataset", "dataset_title", "last_update", "overdue")


def chart_rows(chart: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for issue in chart["tree"]:
        ref = issue["strategic_issue"]
        for sub in issue["sub_issues"]:
            for indicator in sub["indicators"]:
                for stat in indicator["statistics"]:
                    ds = stat.get("dataset") or {}
                    rows.append({
                        "strategic_issue": ref.get("name"),
                        "strategic_issue_title": ref.get("title") or "",
                        "sub_issue": sub["sub_issue"], "indicator": indicator["indicator"],
                        "statistic": stat["statistic"], "agency": stat.get("agency") or "",
                        "frequency": stat.get("frequency") or "",
                        "availability": stat.get("availability") or "",
                        "official_statistics": stat.get("official_statistics"),
                        "dataset": ds.get("name") or "",
                        "dataset_title": ds.get("title") or "",
                        "last_update": ds.get("last_update") or "",
                        "overdue": ds.get("overdue"),
                    })
    return rows


def _csv_cell(value: Any) -> Any:
    """Cells that a spreadsheet would run as a formula are prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@pages.route("/stats_chart/<id>/download.<fmt>")
def chart_download(id: str, fmt: str):
    """The chart as CSV (UTF-8 with a byte-order mark, one row per statistic) or JSON
    (``provincialstats_chart_show``)."""
    if fmt not in ("csv", "json"):
        return tk.abort(404, tk._("Unknown download format %s: use csv or json") % fmt)
    chart = _chart(id)
    if chart is None:
        return tk.abort(404, tk._("No statistics chart %s") % id)
    name = chart["chart"]["name"]
    if fmt == "json":
        body = json.dumps(chart, ensure_ascii=False, indent=2, default=str)
        mimetype = "application/json"
    else:
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in chart_rows(chart):
            writer.writerow({k: _csv_cell(v) for k, v in row.items()})
        body = out.getvalue()
        mimetype = "text/csv"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = 'attachment; filename="%s.%s"' % (name, fmt)
    return response


@pages.route("/provincialstats/custom.css")
def custom_css():
    """The CSS of the sysadmin's "Custom CSS" setting (``ckan.site_custom_css``)."""
    css = tk.config.get("ckan.site_custom_css") or ""
    return Response(css, mimetype="text/css")


# CKAN endpoints whose view is the one here.
ENDPOINTS = {
    "home.index": home,
    "province.index": province_index,
    "province.read": province_read,
    "strategic_issue.index": issue_index,
    "strategic_issue.read": issue_read,
}


def install(app):
    """IMiddleware.make_middleware: CKAN's home page and the province and strategic
    issue index/read endpoints served by the views here (replacing the endpoint's view
    does not depend on the order plugins are loaded in)."""
    views = getattr(app, "view_functions", None)
    if views is not None:
        for endpoint, view in ENDPOINTS.items():
            if endpoint in views:
                views[endpoint] = view
    return app
