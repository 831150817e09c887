"""Background jobs (RQ, ``tk.enqueue_job``) that check whether resource URLs answer.

Never run in a web request: ``enqueue_dataset_check`` queues one job per dataset, and
the job stores one row per URL (``quality.model``), which the score reads. A link is
fetched only when it is http(s) to a public address, checked again after every redirect
(``datastore.fetch.check_url``, so ``ckanext.provincialstats.datastore.allow_private_urls``
decides for both); each request has a timeout and no body is read beyond the headers.
An uploaded file is checked in CKAN's storage, not over HTTP.
"""
from __future__ import annotations

import logging
import os
import urllib.parse
from typing import Any

import ckan.plugins.toolkit as tk
import requests
from ckan.lib import uploader
from ckan.lib.jobs import DEFAULT_QUEUE_NAME
from sqlalchemy.exc import SQLAlchemyError

from ckanext.provincialstats import netguard
from ckanext.provincialstats.datastore import config as datastore_config
from ckanext.provincialstats.datastore.fetch import check_url
from ckanext.provincialstats.datastore.messages import LoadError
from ckanext.provincialstats.quality import model as quality_model
from ckanext.provincialstats.quality.score import _download_url

log = logging.getLogger(__name__)
MAX_REDIRECTS = 5


def _timeout() -> int:
    return tk.config.get("ckanext.provincialstats.quality.check_timeout")


def _answer(response: requests.Response) -> dict[str, Any]:
    length = response.headers.get("Content-Length")
    media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip()
    return {
        "ok": 200 <= response.status_code < 400, "status_code": response.status_code,
        "media_type": media_type or None,
        "byte_size": int(length) if length and length.isdigit() else None,
        "error": None if response.status_code < 400 else f"HTTP {response.status_code}",
    }


def check_link(url: str) -> dict[str, Any]:
    """HEAD (GET when HEAD is refused) of a public http(s) URL, following redirects by
    hand so that every hop is checked; ``{"ok", "status_code", "media_type",
    "byte_size", "error"}``."""
    # the connection's own peer is checked too (netguard: DNS rebinding)
    session = netguard.session(datastore_config.allow_private_urls())
    for _ in range(MAX_REDIRECTS + 1):
        try:
            check_url(url)
        except LoadError as e:
            return {"ok": False, "error": e.english()}
        try:
            response = session.head(url, allow_redirects=False, timeout=_timeout())
            if response.status_code in (405, 501):
                response = session.get(url, allow_redirects=False, timeout=_timeout(),
                                       stream=True)
                response.close()
        except requests.RequestException as e:
            address = netguard.refused_address(e)
            if address:
                return {"ok": False, "error": f"refused: {address} is not a public address"}
            return {"ok": False, "error": type(e).__name__}
        if response.is_redirect and response.headers.get("Location"):
            url = urllib.parse.urljoin(url, response.headers["Location"])
            continue
        return _answer(response)
    return {"ok": False, "error": "too many redirects"}


def check_resource_url(resource: dict[str, Any], url: str) -> dict[str, Any]:
    if resource.get("url_type") == "upload" and url == resource.get("url"):
        path = uploader.get_resource_uploader(resource).get_path(resource["id"])
        if os.path.exists(path):
            return {"ok": True, "byte_size": os.path.getsize(path),
                    "media_type": resource.get("mimetype")}
        return {"ok": False, "error": "uploaded file missing"}
    return check_link(url)


def check_dataset_urls(package_id: str) -> int:
    """The job: check every resource URL (and download URL) of one dataset and store the
    results; returns the number of URLs checked."""
    try:
        pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": package_id})
    except tk.ObjectNotFound:
        return 0
    done = 0
    for resource in pkg.get("resources") or []:
        urls = {resource.get("url"), _download_url(resource)}
        for url in sorted(u for u in urls if u):
            result = check_resource_url(resource, url)
            quality_model.save(pkg["id"], resource["id"], url, result)
            done += 1
    log.info("quality: checked %d URLs of dataset %s", done, pkg["name"])
    return done


def enqueue_dataset_check(package_id: str, queue: str | None = None):
    """Queue the URL check of one dataset (the job's own timeout bounds it), on CKAN's
    default queue unless ``queue`` names another."""
    return tk.enqueue_job(
        check_dataset_urls, [package_id],
        title=f"provincialstats quality: check URLs of {package_id}",
        queue=queue or DEFAULT_QUEUE_NAME,
        rq_kwargs={"timeout": tk.config.get("ckanext.provincialstats.quality.job_timeout")})


def dataset_changed(pkg_dict: dict[str, Any]) -> None:
    """After a dataset is created or updated: queue a check when one of its resource
    URLs has no stored result yet (``ckanext.provincialstats.quality.check_on_update``).
    A metadata-only edit queues nothing."""
    if not tk.config.get("ckanext.provincialstats.quality.check_on_update"):
        return
    if pkg_dict.get("type", "dataset") != "dataset" or not pkg_dict.get("id"):
        return
    resources = pkg_dict.get("resources") or []
    wanted = {(r["id"], u) for r in resources if r.get("id")
              for u in (r.get("url"), _download_url(r)) if u}
    if not wanted:
        return
    try:
        stored = quality_model.stored_checks([pkg_dict["id"]])
    except SQLAlchemyError as e:  # no table yet: nothing to store results in
        log.warning("quality: no URL check queued (%s); run "
                    "`ckan db upgrade -p provincialstats`", type(e).__name__)
        return
    if any(url not in stored.get(rid, {}) for rid, url in wanted):
        try:
            enqueue_dataset_check(pkg_dict["id"])
        except Exception as e:  # Redis down: the dataset is saved, the check waits
            log.warning("quality: URL check of %s not queued: %s", pkg_dict["id"], e)
