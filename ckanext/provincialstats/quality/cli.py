"""`ckan provincialstats quality-check`: queue URL checks of many datasets (run it from
cron to keep the accessibility part of the scores current)."""
from __future__ import annotations

import datetime

import click


def _stale_ids(package_ids: list[str], days: int) -> list[str]:
    """Of these datasets, those without a check newer than ``days`` days; one query."""
    from ckan import model
    from sqlalchemy import func

    from ckanext.provincialstats.quality.model import UrlCheck

    cutoff = datetime.datetime.utcnow() - datetime.timedelta(days=days)
    fresh = {pid for pid, oldest in model.Session.query(
        UrlCheck.package_id, func.min(UrlCheck.checked_at))
        .filter(UrlCheck.package_id.in_(package_ids))
        .group_by(UrlCheck.package_id).all() if oldest >= cutoff}
    return [pid for pid in package_ids if pid not in fresh]


def register(group: click.Group) -> None:
    @group.command("quality-check")
    @click.option("--organization", help="Only this organization's datasets (name or id).")
    @click.option("--province", help="Only datasets about this province (ISO code, TH-22).")
    @click.option("--older-than", "days", type=int, default=7, show_default=True,
                  help="Skip datasets whose URLs were all checked within this many days "
                       "(0 re-checks everything).")
    @click.option("--dry-run", is_flag=True, help="Count, queue nothing.")
    def quality_check(organization, province, days, dry_run):
        """Queue background URL checks (RQ jobs) of the catalogue's datasets."""
        import ckan.plugins.toolkit as tk

        from ckanext.provincialstats import vocab
        from ckanext.provincialstats.quality.jobs import enqueue_dataset_check

        fq = ["+dataset_type:dataset"]
        if organization:
            fq.append('+organization:"%s"' % organization.replace('"', ""))
        if province:
            entry = vocab.province(province)
            if entry is None:
                raise click.BadParameter("unknown province code %s" % province)
            fq.append('+province:"%s"' % entry["iso_code"])
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        start, queued, seen = 0, 0, 0
        while True:
            page = tk.get_action("package_search")(
                {"user": site_user, "ignore_auth": True},
                {"q": "*:*", "fq": " ".join(fq), "rows": 500, "start": start,
                 "sort": "id asc", "fl": "id", "include_private": True})
            ids = [r["id"] for r in page["results"]]
            if not ids:
                break
            seen += len(ids)
            for package_id in _stale_ids(ids, days) if days > 0 else ids:
                if not dry_run:
                    enqueue_dataset_check(package_id)
                queued += 1
            start += len(ids)
            if start >= page["count"]:
                break
        click.secho("%d dataset(s) seen, %d %s" % (
            seen, queued, "to check (dry run)" if dry_run else "check job(s) queued"),
            fg="green")
