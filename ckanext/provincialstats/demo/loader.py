"""Load the demo content through the ordinary actions (the same path a curator uses).

Idempotent: a record that already exists is left as it is (a curator may have edited
it), so running the loader again creates only what is missing and loses nothing.
"""
import logging
import os

import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

from ckanext.provincialstats.demo import content

log = logging.getLogger(__name__)
DATA_DIR = os.path.join(os.path.dirname(__file__), "data")


def _context(user):
    return {"user": user, "ignore_auth": True}


def _exists(action, user, id_):
    """The record, or None. A record a curator deleted still exists: it stays deleted."""
    try:
        return tk.get_action(action)(_context(user), {"id": id_})
    except tk.ObjectNotFound:
        return None


def _ensure_organizations(user, report):
    for org in content.ORGANIZATIONS:
        if not _exists("organization_show", user, org["name"]):
            tk.get_action("organization_create")(_context(user), dict(org))
            report["organizations"] += 1


def _ensure_stats_offices(user):
    """Name each pilot province's statistics office on its province record (the field
    the curator permissions read); a value a sysadmin already set is kept."""
    for code, org_name in content.STATS_OFFICES.items():
        province = tk.get_action("provincialstats_province_show")(
            _context(user), {"code": code})
        if not province.get("stats_office_org"):
            tk.get_action("group_patch")(
                _context(user), {"id": province["name"], "stats_office_org": org_name})


def _ensure_strategic_issues(user, report):
    for issue in content.STRATEGIC_ISSUES:
        if not _exists("group_show", user, issue["name"]):
            data = {"type": "strategic_issue", "plan_period": "2566-2570", **issue}
            tk.get_action("group_create")(_context(user), data)
            report["strategic_issues"] += 1


def _ensure_charts(user, report):
    for chart in content.CHARTS:
        if not _exists("package_show", user, chart["name"]):
            tk.get_action("package_create")(_context(user), {"type": "stats_chart", **chart})
            report["charts"] += 1


def _upload(resource, dataset_id, user):
    path = os.path.join(DATA_DIR, resource["file"])
    with open(path, "rb") as f:
        upload = FileStorage(stream=f, filename=resource["file"], content_type="text/csv")
        tk.get_action("resource_create")(
            _context(user),
            {
                "package_id": dataset_id,
                "name": resource["name"],
                "description": resource["description"],
                "format": "CSV",
                "url": resource["file"],
                "upload": upload,
            },
        )


def _ensure_datasets(user, report):
    for ds in content.DATASETS:
        if _exists("package_show", user, ds["name"]):
            continue
        data = {k: v for k, v in ds.items() if k not in ("resources", "tags")}
        data["tags"] = [{"name": t} for t in ds["tags"]]
        created = tk.get_action("package_create")(_context(user), data)
        for resource in ds["resources"]:
            _upload(resource, created["id"], user)
        report["datasets"] += 1


def load():
    """Create whatever demo record is missing; return counts of what was created."""
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    report = {"organizations": 0, "strategic_issues": 0, "datasets": 0, "charts": 0}
    _ensure_organizations(user, report)
    _ensure_stats_offices(user)
    _ensure_strategic_issues(user, report)
    _ensure_datasets(user, report)
    _ensure_charts(user, report)
    return report
